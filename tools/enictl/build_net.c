/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* VPCs and subnets from describe-vpcs and describe-subnets. libeni models
 * one IPv4 block and one IPv6 /56 per VPC: further blocks are reported as
 * skipped, and so are the subnets inside them. */
#include <string.h>

#include "build.h"

/* The id of the VPC's default group, from describe-security-groups. */
static const char *default_group_id(model *m, const char *vpc)
{
    for (size_t i = 0; i < m->in.n[AWS_GROUP]; i++) {
        aws_item *g = &m->in.items[AWS_GROUP][i];
        const char *v = jstring(&g->loc, g->obj, "VpcId", false);
        const char *name = jstring(&g->loc, g->obj, "GroupName", false);
        if (v && name && !strcmp(v, vpc) && !strcmp(name, "default"))
            return g->id;
    }
    return NULL;
}

/* Secondary IPv4 blocks, reported as skipped. */
static void skip_secondary_blocks(model *m, aws_item *it, const char *primary)
{
    jloc at, el;
    json_t *set = jarray(&it->loc, it->obj, "CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "CidrBlock", true);
        if (strcmp(cidr, primary) && build_associated(&el, b, "CidrBlockState"))
            report_skip(&m->rep, "vpc-cidr-block", it->id, &el,
                        "secondary IPv4 block %s: libeni models one IPv4 block per VPC", cidr);
    }
}

/* The first associated IPv6 /56 of an Ipv6CidrBlockAssociationSet; the others are skipped. */
static const char *ipv6_block(model *m, aws_item *it, int want_len, const char *kind)
{
    jloc at, el;
    const char *chosen = NULL;
    json_t *set = jarray(&it->loc, it->obj, "Ipv6CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "Ipv6CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "Ipv6CidrBlock", true);
        if (!build_associated(&el, b, "Ipv6CidrBlockState"))
            continue;
        if (!chosen && build_prefix_len(cidr) == want_len)
            chosen = cidr;
        else
            report_skip(&m->rep, kind, it->id, &el,
                        "IPv6 block %s: libeni models one /%d per %s", cidr, want_len,
                        want_len == 56 ? "VPC" : "subnet");
    }
    return chosen;
}

static void build_vpc(model *m, aws_item *it)
{
    const char *cidr = jname(&it->loc, it->obj, "CidrBlock", true);
    skip_secondary_blocks(m, it, cidr);
    eni_vpc_spec spec = ENI_VPC_SPEC_INIT;
    spec.cidr_block = cidr;
    spec.ipv6_cidr_block = ipv6_block(m, it, 56, "vpc-cidr-block");
    spec.id = it->id;
    spec.default_group_id = default_group_id(m, it->id);
    eni_vpc_id vpc;
    if (eni_vpc_create(m->ctx, &spec, &vpc) != ENI_OK) {
        model_refused(m, it, "vpc", it->id, &it->loc, "the VPC");
        return;
    }
    it->built = vpc.v;
    eni_vpc_info info = ENI_VPC_INFO_INIT;
    if (eni_vpc_describe(m->ctx, vpc, &info) == ENI_OK) {
        aws_item *g = aws_find(&m->in, AWS_GROUP, spec.default_group_id);
        if (g)
            g->built = info.default_group.v;
    }
    report_built(&m->rep, "vpc", it->id, &it->loc, "%s%s%s", cidr,
                 spec.ipv6_cidr_block ? " " : "", spec.ipv6_cidr_block ? spec.ipv6_cidr_block : "");
}

void build_vpcs(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_VPC]; i++)
        build_vpc(m, &m->in.items[AWS_VPC][i]);
}

/* The VPC's secondary block that holds @cidr, if any. */
static const char *in_secondary_block(aws_item *vpc, const char *cidr)
{
    json_t *set = json_object_get(vpc->obj, "CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        const char *b = json_string_value(json_object_get(json_array_get(set, i), "CidrBlock"));
        if (b && build_cidr_within(cidr, b))
            return b;
    }
    return NULL;
}

static void build_subnet(model *m, aws_item *it)
{
    char why[512];
    const char *vpc_id = jname(&it->loc, it->obj, "VpcId", true);
    const char *cidr = jname(&it->loc, it->obj, "CidrBlock", false);
    const char *az = jname(&it->loc, it->obj, "AvailabilityZone", true);
    bool map_public = jbool(&it->loc, it->obj, "MapPublicIpOnLaunch", false);
    bool assign_ipv6 = jbool(&it->loc, it->obj, "AssignIpv6AddressOnCreation", false);
    aws_item *vpc = build_ref(m, AWS_VPC, vpc_id, why, sizeof why);
    if (!vpc) {
        build_skip(m, it, "subnet", "%s", why);
        return;
    }
    if (!cidr) {
        build_skip(m, it, "subnet", "an IPv6-only subnet: libeni needs an IPv4 block");
        return;
    }
    const char *vpc_cidr = jstring(&vpc->loc, vpc->obj, "CidrBlock", true);
    const char *secondary = in_secondary_block(vpc, cidr);
    if (!build_cidr_within(cidr, vpc_cidr) && secondary) {
        build_skip(m, it, "subnet", "it lies in the VPC's secondary block %s, which is not modelled",
                   secondary);
        return;
    }
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    eni_vpc_id v = {vpc->built};
    eni_subnet_spec spec = ENI_SUBNET_SPEC_INIT;
    spec.vpc = v;
    spec.availability_zone = az;
    spec.cidr_block = cidr;
    spec.id = it->id;
    spec.ipv6_cidr_block = ipv6_block(m, it, 64, "subnet-cidr-block");
    if (spec.ipv6_cidr_block && eni_vpc_describe(m->ctx, v, &vi) == ENI_OK && !vi.ipv6_cidr_block[0]) {
        report_note(&m->rep, "subnet", it->id, &it->loc,
                    "IPv6 block %s left out: its VPC has no IPv6 block in the model",
                    spec.ipv6_cidr_block);
        spec.ipv6_cidr_block = NULL;
    }
    if (map_public)
        spec.flags |= ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH;
    if (spec.ipv6_cidr_block && assign_ipv6)
        spec.flags |= ENI_SUBNET_ASSIGN_IPV6_ON_CREATION;
    eni_subnet_id subnet;
    if (eni_subnet_create(m->ctx, &spec, &subnet) != ENI_OK) {
        model_refused(m, it, "subnet", it->id, &it->loc, "the subnet");
        return;
    }
    it->built = subnet.v;
    report_built(&m->rep, "subnet", it->id, &it->loc, "%s%s%s %s in %s", cidr,
                 spec.ipv6_cidr_block ? " " : "", spec.ipv6_cidr_block ? spec.ipv6_cidr_block : "",
                 az, vpc_id);
}

void build_subnets(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_SUBNET]; i++)
        build_subnet(m, &m->in.items[AWS_SUBNET][i]);
}
