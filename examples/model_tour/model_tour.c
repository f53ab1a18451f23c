/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A tour of libeni's EC2 model: a VPC with IPv6, a subnet, two security
 * groups with rules, interfaces with secondary addresses, an Elastic IP, and
 * a few refusals with their EC2 error codes. Built as `eni-model-tour`. */
#include <eni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int must(int rc, const char *what)
{
    if (rc != ENI_OK) {
        fprintf(stderr, "%s: %s (%s)\n", what, eni_error_last()->message,
                eni_error_last()->ec2_code);
        exit(1);
    }
    return rc;
}

/* Show a refusal the way an EC2 user would see it. */
static void expect_refusal(int rc, const char *what)
{
    printf("  %-46s -> %s %s\n", what, rc == ENI_OK ? "accepted?!" : eni_err_name(rc),
           rc == ENI_OK ? "" : eni_error_last()->ec2_code);
}

static const char *id(eni_ctx *ctx, uint64_t v)
{
    static char buf[4][ENI_ID_STRING_MAX];
    static int next;
    char *b = buf[next++ % 4];
    if (eni_id_format(ctx, v, b, ENI_ID_STRING_MAX) != ENI_OK)
        snprintf(b, ENI_ID_STRING_MAX, "-");
    return b;
}

static void print_nic(eni_ctx *ctx, eni_nic_id nic)
{
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    must(eni_nic_describe(ctx, nic, &ni), "describe");
    eni_nic_address a[8];
    uint32_t n;
    must(eni_nic_get_addresses(ctx, nic, a, 8, &n), "addresses");
    printf("  %-22s %s  %-9s", id(ctx, nic.v), ni.mac_string,
           ni.type == ENI_NIC_EFA_ONLY ? "efa-only" : ni.type == ENI_NIC_EFA ? "efa" : "interface");
    for (uint32_t i = 0; i < n && i < 8; i++)
        printf(" %s%s%s%s", a[i].address, a[i].primary ? "*" : "", a[i].public_ip[0] ? "->" : "",
               a[i].public_ip);
    printf("\n");
}

int main(void)
{
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 2026;
    eni_ctx *ctx;
    must(eni_ctx_new(&opts, &ctx), "eni_ctx_new");

    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.flags = ENI_VPC_AMAZON_IPV6;
    eni_vpc_id vpc;
    must(eni_vpc_create(ctx, &vs, &vpc), "vpc");
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    must(eni_vpc_describe(ctx, vpc, &vi), "describe vpc");
    printf("VPC %s %s %s, default group %s\n", id(ctx, vpc.v), vi.cidr_block, vi.ipv6_cidr_block,
           id(ctx, vi.default_group.v));

    /* The VPC's first /64: the /56 with its length replaced. */
    char v6[64];
    snprintf(v6, sizeof v6, "%s", vi.ipv6_cidr_block);
    char *slash = strrchr(v6, '/');
    snprintf(slash, sizeof v6 - (size_t)(slash - v6), "/64");
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = v6;
    eni_subnet_id subnet;
    must(eni_subnet_create(ctx, &ss, &subnet), "subnet");
    eni_subnet_info si = ENI_SUBNET_INFO_INIT;
    must(eni_subnet_describe(ctx, subnet, &si), "describe subnet");
    printf("subnet %s %s %s in %s: %llu addresses available\n", id(ctx, subnet.v), si.cidr_block,
           si.ipv6_cidr_block, si.availability_zone, (unsigned long long)si.available_ip_count);

    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = vpc;
    gs.name = "web";
    gs.description = "web servers";
    eni_sg_id web, db;
    must(eni_sg_create(ctx, &gs, &web), "web group");
    gs.name = "db";
    gs.description = "databases";
    must(eni_sg_create(ctx, &gs, &db), "db group");

    eni_sg_rule_spec r[2] = {ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT};
    r[0].protocol = 6, r[0].from_port = 443, r[0].to_port = 443;
    r[0].peer_kind = ENI_PEER_CIDR, r[0].cidr = "0.0.0.0/0", r[0].description = "HTTPS";
    r[1].protocol = 6, r[1].from_port = 443, r[1].to_port = 443;
    r[1].peer_kind = ENI_PEER_CIDR, r[1].cidr = "::/0";
    must(eni_sg_authorize(ctx, web, ENI_INGRESS, r, 2, NULL), "authorize web");
    eni_sg_rule_spec pg = ENI_SG_RULE_SPEC_INIT;
    pg.protocol = 6, pg.from_port = 5432, pg.to_port = 5432;
    pg.peer_kind = ENI_PEER_GROUP, pg.group = web;
    must(eni_sg_authorize(ctx, db, ENI_INGRESS, &pg, 1, NULL), "authorize db");
    printf("groups: web %s (HTTPS from anywhere), db %s (5432 from web)\n", id(ctx, web.v),
           id(ctx, db.v));

    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &web;
    ns.group_count = 1;
    ns.secondary_ip_count = 2;
    ns.ipv6_count = 1;
    ns.description = "frontend";
    eni_nic_id front, back;
    must(eni_nic_create(ctx, &ns, &front), "front nic");
    ns.groups = &db;
    ns.secondary_ip_count = 0;
    ns.private_ip = "10.0.1.200";
    ns.description = "database";
    must(eni_nic_create(ctx, &ns, &back), "back nic");

    eni_eip_id eip;
    must(eni_eip_allocate(ctx, &eip), "allocate");
    must(eni_eip_associate(ctx, eip, front, NULL, 0, NULL), "associate");

    printf("interfaces (primary*, ->public):\n");
    print_nic(ctx, front);
    print_nic(ctx, back);

    printf("refusals:\n");
    expect_refusal(eni_sg_delete(ctx, web), "delete group 'web' (used and referenced)");
    expect_refusal(eni_sg_delete(ctx, vi.default_group), "delete the default group");
    expect_refusal(eni_sg_authorize(ctx, web, ENI_INGRESS, r, 1, NULL), "authorize HTTPS twice");
    const char *taken = "10.0.1.200";
    expect_refusal(eni_nic_assign_private_ips(ctx, front, &taken, 1, 0,
                                              ENI_ASSIGN_ALLOW_REASSIGNMENT),
                   "take another interface's primary address");
    expect_refusal(eni_eip_release(ctx, eip), "release an associated Elastic IP");
    expect_refusal(eni_vpc_delete(ctx, vpc), "delete a VPC with subnets");
    uint64_t gone;
    expect_refusal(eni_id_parse(ctx, "eni-0123456789abcdef0", ENI_KIND_NIC, &gone),
                   "look up eni-0123456789abcdef0");

    must(eni_ctx_check(ctx), "invariants");
    printf("invariants hold\n");
    eni_ctx_free(ctx);
    return 0;
}
