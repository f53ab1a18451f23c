/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Quotas with room for what the input holds. An account may have raised its
 * quotas above EC2's defaults (the ctx's), so they follow the input, within
 * EC2's own ceilings: 16 groups per interface, and groups per interface x
 * rules per group <= 1000 (docs/model.md). A prefix list in a rule costs its
 * MaxEntries, as in EC2. */
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

void build_quotas(model *m)
{
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
    if (eni_ctx_set_quotas(m->ctx, &q) != ENI_OK)
        fail_libeni("eni_ctx_set_quotas");
}
