/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* VPCs and subnets from describe-vpcs and describe-subnets. A VPC is made
 * with its primary IPv4 block, its first IPv6 /56 and the ids EC2 gave its
 * default security group and network ACL; its secondary IPv4 blocks and its
 * other IPv6 /56 blocks are then associated in the JSON's order. A VPC's
 * IPv6 block that is not a /56, and a subnet's IPv6 blocks past its first
 * /64, are reported as skipped. A block in another state than associated
 * (disassociated, failed...) is noted and left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "fail.h"
#include "mem.h"

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

/* The VPC's default network ACL, from describe-network-acls (the first one
 * that says IsDefault: a second is an error, build_acls.c). */
static aws_item *default_acl(model *m, const char *vpc)
{
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++) {
        aws_item *a = &m->in.items[AWS_ACL][i];
        const char *v = jstring(&a->loc, a->obj, "VpcId", false);
        if (v && !strcmp(v, vpc) && jbool(&a->loc, a->obj, "IsDefault", false))
            return a;
    }
    return NULL;
}

/* Whether a block of a CidrBlockAssociationSet is in use; notes the others. */
static bool in_use(model *m, aws_item *it, const jloc *el, json_t *b, const char *state_key,
                   const char *cidr, const char *kind)
{
    const char *state = build_block_state(el, b, state_key);
    if (!strcmp(state, "associated"))
        return true;
    report_note(&m->rep, kind, it->id, el, "block %s is %s: left out of the model", cidr, state);
    return false;
}

/* A subnet's IPv6 /64: the first of its Ipv6CidrBlockAssociationSet; the others are skipped. */
static const char *subnet_ipv6_block(model *m, aws_item *it)
{
    jloc at, el;
    const char *chosen = NULL;
    json_t *set = jarray(&it->loc, it->obj, "Ipv6CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "Ipv6CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "Ipv6CidrBlock", true);
        if (!in_use(m, it, &el, b, "Ipv6CidrBlockState", cidr, "subnet-cidr-block"))
            continue;
        if (!chosen && build_prefix_len(cidr) == 64)
            chosen = cidr;
        else
            report_skip(&m->rep, "subnet-cidr-block", it->id, &el,
                        "IPv6 block %s: libeni models one /64 per subnet", cidr);
    }
    return chosen;
}

/* The VPC's first associated IPv6 /56 (the one it is made with), or NULL;
 * only read: ipv6_blocks() reports on every block. */
static const char *first_ipv6_block(aws_item *it)
{
    jloc at, el;
    json_t *set = jarray(&it->loc, it->obj, "Ipv6CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "Ipv6CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "Ipv6CidrBlock", true);
        if (!strcmp(build_block_state(&el, b, "Ipv6CidrBlockState"), "associated") &&
            build_prefix_len(cidr) == 56)
            return cidr;
    }
    return NULL;
}

/* The VPC's IPv6 blocks (Ipv6CidrBlockAssociationSet) past @first, the one
 * it was made with: associated /56 blocks join it in the JSON's order, the
 * others are noted or skipped; for a VPC that was not built they are only read. */
static void ipv6_blocks(model *m, aws_item *it, const char *first, eni_vpc_id vpc)
{
    jloc at, el;
    json_t *set = jarray(&it->loc, it->obj, "Ipv6CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "Ipv6CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "Ipv6CidrBlock", true);
        if (!in_use(m, it, &el, b, "Ipv6CidrBlockState", cidr, "vpc-cidr-block"))
            continue;
        if (build_prefix_len(cidr) != 56) {
            report_skip(&m->rep, "vpc-cidr-block", it->id, &el,
                        "IPv6 block %s: libeni models /56 blocks in a VPC", cidr);
            continue;
        }
        if ((first && !strcmp(cidr, first)) || !vpc.v)
            continue;
        if (eni_vpc_associate_cidr_block(m->ctx, vpc, cidr, 0, NULL) != ENI_OK)
            model_refused(m, NULL, "vpc-cidr-block", it->id, &el, "the CIDR block");
    }
}

/* Secondary IPv4 blocks (CidrBlockAssociationSet, the primary aside); for a
 * VPC that was not built they are only read. */
static void secondary_blocks(model *m, aws_item *it, const char *primary, eni_vpc_id vpc)
{
    jloc at, el;
    json_t *set = jarray(&it->loc, it->obj, "CidrBlockAssociationSet");
    jloc_key(&at, &it->loc, "CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = jobject_at(&at, set, i, &el);
        const char *cidr = jname(&el, b, "CidrBlock", true);
        if (!strcmp(cidr, primary) || !in_use(m, it, &el, b, "CidrBlockState", cidr,
                                              "vpc-cidr-block") || !vpc.v)
            continue;
        if (eni_vpc_associate_cidr_block(m->ctx, vpc, cidr, 0, NULL) != ENI_OK)
            model_refused(m, NULL, "vpc-cidr-block", it->id, &el, "the CIDR block");
    }
}

/* The model's blocks of a VPC ("10.0.0.0/16 10.1.0.0/16 2600:…/56"), or whether
 * one of them holds @cidr. */
static char *blocks(model *m, eni_vpc_id vpc, const char *cidr, bool *holds)
{
    uint32_t n = 0;
    if (eni_vpc_get_cidr_blocks(m->ctx, vpc, NULL, 0, &n) != ENI_OK)
        fail_libeni("eni_vpc_get_cidr_blocks");
    char *b = xcalloc(n ? n : 1, ENI_CIDR_STRING_MAX);
    if (eni_vpc_get_cidr_blocks(m->ctx, vpc, b, n, &n) != ENI_OK)
        fail_libeni("eni_vpc_get_cidr_blocks");
    char *text = xcalloc(n ? n : 1, ENI_CIDR_STRING_MAX + 1);
    for (uint32_t i = 0; i < n; i++) {
        const char *one = b + (size_t)i * ENI_CIDR_STRING_MAX;
        if (holds && cidr && build_cidr_within(cidr, one))
            *holds = true;
        strcat(strcat(text, i ? " " : ""), one);
    }
    free(b);
    return text;
}

static void build_vpc(model *m, aws_item *it)
{
    const char *cidr = jname(&it->loc, it->obj, "CidrBlock", true);
    aws_item *acl = default_acl(m, it->id);
    eni_vpc_spec spec = ENI_VPC_SPEC_INIT;
    spec.cidr_block = cidr;
    spec.ipv6_cidr_block = first_ipv6_block(it);
    spec.id = it->id;
    spec.default_group_id = default_group_id(m, it->id);
    spec.default_acl_id = acl ? acl->id : NULL;
    uint64_t raw;
    if (acl && eni_id_parse(m->ctx, acl->id, ENI_KIND_NETWORK_ACL, &raw) == ENI_EINVAL)
        jfail(&acl->loc, "NetworkAclId", "libeni refused the id: %s (%s)",
              eni_error_last()->message, eni_error_last()->ec2_code);
    eni_vpc_id vpc = {0};
    if (eni_vpc_create(m->ctx, &spec, &vpc) != ENI_OK) {
        model_refused(m, it, "vpc", it->id, &it->loc, "the VPC");
        ipv6_blocks(m, it, spec.ipv6_cidr_block, vpc); /* read, to report bad JSON */
        secondary_blocks(m, it, cidr, vpc);
        return;
    }
    it->built = vpc.v;
    eni_vpc_info info = ENI_VPC_INFO_INIT;
    if (eni_vpc_describe(m->ctx, vpc, &info) != ENI_OK)
        fail_libeni("eni_vpc_describe");
    aws_item *g = aws_find(&m->in, AWS_GROUP, spec.default_group_id);
    if (g)
        g->built = info.default_group.v;
    if (acl && eni_id_parse(m->ctx, acl->id, ENI_KIND_NETWORK_ACL, &raw) == ENI_OK)
        acl->built = raw; /* its entries and associations: build_acls.c */
    ipv6_blocks(m, it, spec.ipv6_cidr_block, vpc);
    secondary_blocks(m, it, cidr, vpc);
    char *text = blocks(m, vpc, NULL, NULL);
    report_built(&m->rep, "vpc", it->id, &it->loc, "%s", text);
    free(text);
}

void build_vpcs(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_VPC]; i++)
        build_vpc(m, &m->in.items[AWS_VPC][i]);
}

/* A block of the JSON's VPC that holds @cidr, if any (in any state), from
 * CidrBlockAssociationSet or Ipv6CidrBlockAssociationSet as @key says. */
static const char *json_block(aws_item *vpc, const char *cidr, const char *key)
{
    bool v6 = !strcmp(key, "Ipv6CidrBlock");
    json_t *set = json_object_get(vpc->obj, v6 ? "Ipv6CidrBlockAssociationSet"
                                               : "CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        const char *b = json_string_value(json_object_get(json_array_get(set, i), key));
        if (b && build_cidr_within(cidr, b))
            return b;
    }
    return NULL;
}

/* Whether subnet @it's IPv6 /64 @cidr stays out of the model, noted: its
 * VPC has no IPv6 block there, or the /64 lies in a block of the JSON's VPC
 * that is not (one outside every block goes to libeni, which refuses it). */
static bool ipv6_left_out(model *m, aws_item *it, aws_item *vpc, const char *cidr)
{
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    if (eni_vpc_describe(m->ctx, (eni_vpc_id){vpc->built}, &vi) != ENI_OK)
        fail_libeni("eni_vpc_describe");
    if (!vi.ipv6_cidr_block[0]) {
        report_note(&m->rep, "subnet", it->id, &it->loc,
                    "IPv6 block %s left out: its VPC has no IPv6 block in the model", cidr);
        return true;
    }
    bool held = false;
    const char *block = json_block(vpc, cidr, "Ipv6CidrBlock");
    free(blocks(m, (eni_vpc_id){vpc->built}, cidr, &held));
    if (held || !block)
        return false;
    report_note(&m->rep, "subnet", it->id, &it->loc,
                "IPv6 block %s left out: it lies in the VPC's block %s, which is not in the "
                "model", cidr, block);
    return true;
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
    bool held = false;
    const char *block = json_block(vpc, cidr, "CidrBlock");
    free(blocks(m, (eni_vpc_id){vpc->built}, cidr, &held));
    if (!held && block) {
        build_skip(m, it, "subnet", "it lies in the VPC's block %s, which is not in the model",
                   block);
        return;
    }
    eni_vpc_id v = {vpc->built};
    eni_subnet_spec spec = ENI_SUBNET_SPEC_INIT;
    spec.vpc = v;
    spec.availability_zone = az;
    spec.cidr_block = cidr;
    spec.id = it->id;
    spec.ipv6_cidr_block = subnet_ipv6_block(m, it);
    if (spec.ipv6_cidr_block && ipv6_left_out(m, it, vpc, spec.ipv6_cidr_block))
        spec.ipv6_cidr_block = NULL;
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
