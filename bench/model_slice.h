/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The model eni-bench-model and eni-bench-store build, one slice at a time:
 * VPC v is 10.v.0.0/16 with an Amazon-provided IPv6 /56, one subnet over
 * the whole /16 (and the first /64), two groups, "web" and "db", and
 * interfaces in them (bench_slice_nic). */
#ifndef ENI_BENCH_MODEL_SLICE_H
#define ENI_BENCH_MODEL_SLICE_H

#include <stdio.h>
#include <string.h>

#include <eni.h>

/* ENI_OK, or the first call's error (recorded by libeni). */
static inline int bench_vpc_slice(eni_ctx *ctx, unsigned v, eni_subnet_id *subnet,
                                  eni_sg_id groups[2])
{
    char cidr[32];
    snprintf(cidr, sizeof cidr, "10.%u.0.0/16", v);
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = cidr;
    vs.flags = ENI_VPC_AMAZON_IPV6;
    eni_vpc_id vpc;
    int rc = eni_vpc_create(ctx, &vs, &vpc);
    eni_vpc_info vi = {.size = sizeof vi};
    if (rc == ENI_OK)
        rc = eni_vpc_describe(ctx, vpc, &vi);
    if (rc != ENI_OK)
        return rc;
    char v6[64];
    snprintf(v6, sizeof v6, "%.*s/64", (int)(strlen(vi.ipv6_cidr_block) - 3), vi.ipv6_cidr_block);
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = cidr;
    ss.ipv6_cidr_block = v6;
    rc = eni_subnet_create(ctx, &ss, subnet);
    for (int g = 0; g < 2 && rc == ENI_OK; g++) {
        eni_sg_spec gs = ENI_SG_SPEC_INIT;
        gs.vpc = vpc;
        gs.name = g ? "db" : "web";
        gs.description = "bench";
        rc = eni_sg_create(ctx, &gs, &groups[g]);
    }
    return rc;
}

/* The interface both benches create in a slice: one secondary IPv4, one
 * IPv6, both groups. */
static inline eni_nic_spec bench_slice_nic(eni_subnet_id subnet, const eni_sg_id groups[2])
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.secondary_ip_count = 1;
    ns.ipv6_count = 1;
    ns.groups = groups;
    ns.group_count = 2;
    return ns;
}

#endif
