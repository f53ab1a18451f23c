/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Quotas with room for what the input holds. An account may have raised its
 * quotas above EC2's defaults (the ctx's), so they follow the input, within
 * EC2's own ceilings: 16 groups per interface, and groups per interface x
 * rules per group <= 1000 (docs/model.md); 40 entries per network ACL,
 * direction and family, EC2's implicit deny included; 50 IPv4 and 50 IPv6
 * blocks per VPC. A prefix list in a rule costs its MaxEntries, as in EC2. */
#include <string.h>

#include "build.h"
#include "fail.h"

static size_t max_size(size_t a, size_t b)
{
    return a > b ? a : b;
}

/* What one direction of a group costs against the rules-per-group quota. */
static size_t rule_cost(model *m, aws_item *g, const char *key)
{
    size_t cost = 0;
    json_t *perms = json_object_get(g->obj, key);
    for (size_t i = 0; i < json_array_size(perms); i++) {
        json_t *p = json_array_get(perms, i);
        cost += json_array_size(json_object_get(p, "IpRanges"));
        cost += json_array_size(json_object_get(p, "Ipv6Ranges"));
        cost += json_array_size(json_object_get(p, "UserIdGroupPairs"));
        json_t *pls = json_object_get(p, "PrefixListIds");
        for (size_t k = 0; k < json_array_size(pls); k++) {
            const char *id = json_string_value(json_object_get(json_array_get(pls, k), "PrefixListId"));
            aws_item *pl = aws_find(&m->in, AWS_PREFIX_LIST, id);
            json_t *max = pl ? json_object_get(pl->obj, "MaxEntries") : NULL;
            cost += json_is_integer(max) && json_integer_value(max) > 0
                        ? (size_t)json_integer_value(max) : 1;
        }
    }
    return cost;
}

/* The most entries of one direction and family in an ACL, the implicit deny included. */
static size_t acl_rule_cost(aws_item *a)
{
    size_t n[2][2] = {{1, 1}, {1, 1}}, most = 0;
    json_t *entries = json_object_get(a->obj, "Entries");
    for (size_t i = 0; i < json_array_size(entries); i++) {
        json_t *e = json_array_get(entries, i);
        json_t *number = json_object_get(e, "RuleNumber");
        if (json_is_integer(number) && json_integer_value(number) >= 32767)
            continue; /* the implicit deny, counted above */
        n[json_is_true(json_object_get(e, "Egress"))]
         [json_is_string(json_object_get(e, "Ipv6CidrBlock"))]++;
    }
    for (size_t d = 0; d < 2; d++)
        for (size_t f = 0; f < 2; f++)
            most = max_size(most, n[d][f]);
    return most;
}

/* ACLs of the VPC @vpc_id. */
static size_t acls_in(model *m, const char *vpc_id)
{
    size_t n = 0;
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++) {
        const char *v = json_string_value(json_object_get(m->in.items[AWS_ACL][i].obj, "VpcId"));
        n += v && !strcmp(v, vpc_id);
    }
    return n;
}

/* The VPC's IPv4 blocks in use: the primary and the associated secondary ones. */
static size_t ipv4_blocks(aws_item *v)
{
    size_t n = 1;
    const char *primary = json_string_value(json_object_get(v->obj, "CidrBlock"));
    json_t *set = json_object_get(v->obj, "CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = json_array_get(set, i);
        const char *cidr = json_string_value(json_object_get(b, "CidrBlock"));
        const char *state = json_string_value(
            json_object_get(json_object_get(b, "CidrBlockState"), "State"));
        n += cidr && (!primary || strcmp(cidr, primary)) &&
             (!state || !strcmp(state, "associated"));
    }
    return n;
}

/* The VPC's associated IPv6 blocks. */
static size_t ipv6_blocks(aws_item *v)
{
    size_t n = 0;
    json_t *set = json_object_get(v->obj, "Ipv6CidrBlockAssociationSet");
    for (size_t i = 0; i < json_array_size(set); i++) {
        json_t *b = json_array_get(set, i);
        const char *state = json_string_value(
            json_object_get(json_object_get(b, "Ipv6CidrBlockState"), "State"));
        n += json_is_string(json_object_get(b, "Ipv6CidrBlock")) &&
             (!state || !strcmp(state, "associated"));
    }
    return n;
}

void build_quotas(model *m)
{
    size_t acl_rules = 20, acls = 200, blocks = 5, blocks6 = 5;
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++)
        acl_rules = max_size(acl_rules, acl_rule_cost(&m->in.items[AWS_ACL][i]));
    for (size_t i = 0; i < m->in.n[AWS_VPC]; i++) {
        acls = max_size(acls, acls_in(m, m->in.items[AWS_VPC][i].id));
        blocks = max_size(blocks, ipv4_blocks(&m->in.items[AWS_VPC][i]));
        blocks6 = max_size(blocks6, ipv6_blocks(&m->in.items[AWS_VPC][i]));
    }
    if (acl_rules > 40) {
        report_note(&m->rep, "quota", "", NULL,
                    "the input needs %zu entries per network ACL, direction and family: EC2 "
                    "allows at most 40, the implicit deny included", acl_rules);
        acl_rules = 40;
    }
    if (blocks > 50) {
        report_note(&m->rep, "quota", "", NULL,
                    "the input needs %zu IPv4 blocks in a VPC: EC2 allows at most 50", blocks);
        blocks = 50;
    }
    if (blocks6 > 50) {
        report_note(&m->rep, "quota", "", NULL,
                    "the input needs %zu IPv6 blocks in a VPC: EC2 allows at most 50", blocks6);
        blocks6 = 50;
    }

    size_t groups_per_nic = 5, rules = 60, eips = 5;
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++) {
        aws_item *n = &m->in.items[AWS_NIC][i];
        size_t g = json_array_size(json_object_get(n->obj, "Groups"));
        if (g > 16)
            jfail(&n->loc, "Groups", "%zu groups: EC2 allows 16 per interface", g);
        groups_per_nic = max_size(groups_per_nic, g);
        eips += json_object_get(n->obj, "Association") != NULL;
        eips += json_array_size(json_object_get(n->obj, "PrivateIpAddresses"));
    }
    for (size_t i = 0; i < m->in.n[AWS_GROUP]; i++) {
        rules = max_size(rules, rule_cost(m, &m->in.items[AWS_GROUP][i], "IpPermissions"));
        rules = max_size(rules, rule_cost(m, &m->in.items[AWS_GROUP][i], "IpPermissionsEgress"));
    }
    if (groups_per_nic * rules > 1000) {
        report_note(&m->rep, "quota", "", NULL,
                    "the input needs %zu groups per interface and %zu rules per group: EC2 "
                    "allows at most 1000 together, so rules per group is %zu",
                    groups_per_nic, rules, 1000 / groups_per_nic);
        rules = 1000 / groups_per_nic;
    }
    eni_quotas q = ENI_QUOTAS_INIT;
    q.groups_per_nic = (uint32_t)groups_per_nic;
    q.rules_per_group = (uint32_t)rules;
    q.eips = (uint32_t)eips;
    q.nics = (uint32_t)max_size(5000, m->in.n[AWS_NIC]);
    q.security_groups = (uint32_t)max_size(2500, m->in.n[AWS_GROUP]);
    q.acl_rules = (uint32_t)acl_rules;
    q.acls_per_vpc = (uint32_t)acls;
    q.cidr_blocks_per_vpc = (uint32_t)blocks;
    q.ipv6_cidr_blocks_per_vpc = (uint32_t)blocks6;
    if (eni_ctx_set_quotas(m->ctx, &q) != ENI_OK)
        fail_libeni("eni_ctx_set_quotas");
}
