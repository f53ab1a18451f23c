/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The rules of every built group, from IpPermissions (inbound) and
 * IpPermissionsEgress (outbound): one libeni rule per peer of each
 * permission (IpRanges, Ipv6Ranges, PrefixListIds, UserIdGroupPairs), so a
 * refused peer is reported at its own path. The rules libeni gave a new
 * group (all IPv4 outbound; the default group's inbound from itself) are
 * revoked first: the JSON says what the group holds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "fail.h"

static int protocol(const jloc *at, json_t *perm)
{
    static const struct { const char *name; int number; } names[] = {
        {"-1", ENI_PROTO_ALL}, {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}};
    const char *p = jname(at, perm, "IpProtocol", true);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(p, names[i].name))
            return names[i].number;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (*p < '0' || *p > '9' || *end || errno || v > 255)
        jfail(at, "IpProtocol", "expected tcp, udp, icmp, icmpv6, -1 or 0..255, got '%s'", p);
    return (int)v;
}

typedef struct rule_ctx {
    model *m;
    aws_item *group;
    const char *vpc, *owner;
    eni_direction dir;
    eni_sg_rule_spec spec;
    size_t added;
} rule_ctx;

static void authorize(rule_ctx *r, const jloc *at)
{
    eni_sg_id sg = {r->group->built};
    if (!sg.v) /* a skipped group's rules are only read, to report bad JSON */
        return;
    if (eni_sg_authorize(r->m->ctx, sg, r->dir, &r->spec, 1, NULL) == ENI_OK) {
        r->added++;
        return;
    }
    if (eni_error_last()->code == ENI_EEXIST) {
        report_skip(&r->m->rep, "security-group-rule", r->group->id, at,
                    "the same rule as another peer of the group: %s", eni_error_last()->message);
        return;
    }
    model_refused(r->m, NULL, "security-group-rule", r->group->id, at, "the rule");
}

/* A UserIdGroupPairs peer: a group of the same account and VPC that was built. */
static bool group_peer(rule_ctx *r, const jloc *at, json_t *pair)
{
    char why[512];
    const char *id = jname(at, pair, "GroupId", true);
    const char *user = jstring(at, pair, "UserId", false);
    const char *peering = jstring(at, pair, "VpcPeeringConnectionId", false);
    aws_item *g = aws_find(&r->m->in, AWS_GROUP, id);
    const char *g_vpc = g ? jstring(&g->loc, g->obj, "VpcId", false) : NULL;
    if (peering)
        snprintf(why, sizeof why, "group %s of a peered VPC (%s): libeni references groups of "
                 "the same VPC only", id, peering);
    else if (user && r->owner && strcmp(user, r->owner))
        snprintf(why, sizeof why, "group %s belongs to account %s, not %s", id, user, r->owner);
    else if (g && g_vpc && strcmp(g_vpc, r->vpc))
        snprintf(why, sizeof why, "group %s is in another VPC (%s)", id, g_vpc);
    else if (build_ref(r->m, AWS_GROUP, id, why, sizeof why)) {
        r->spec.peer_kind = ENI_PEER_GROUP;
        r->spec.group.v = g->built;
        return true;
    }
    report_skip(&r->m->rep, "security-group-rule", r->group->id, at, "%s", why);
    return false;
}

static bool prefix_list_peer(rule_ctx *r, const jloc *at, json_t *peer)
{
    char why[512];
    aws_item *pl = build_ref(r->m, AWS_PREFIX_LIST, jname(at, peer, "PrefixListId", true), why,
                             sizeof why);
    if (!pl) {
        report_skip(&r->m->rep, "security-group-rule", r->group->id, at, "%s", why);
        return false;
    }
    r->spec.peer_kind = ENI_PEER_PREFIX_LIST;
    r->spec.prefix_list.v = pl->built;
    return true;
}

static const char *const peer_keys[] = {"IpRanges", "Ipv6Ranges", "PrefixListIds",
                                        "UserIdGroupPairs"};

static void peers(rule_ctx *r, const jloc *perm_at, json_t *perm)
{
    size_t total = 0;
    for (size_t k = 0; k < 4; k++) {
        jloc at, el;
        json_t *arr = jarray(perm_at, perm, peer_keys[k]);
        jloc_key(&at, perm_at, peer_keys[k]);
        total += json_array_size(arr);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            json_t *peer = jobject_at(&at, arr, i, &el);
            r->spec.description = jstring(&el, peer, "Description", false);
            r->spec.peer_kind = ENI_PEER_CIDR;
            r->spec.cidr = NULL;
            r->spec.group.v = 0;
            r->spec.prefix_list.v = 0;
            bool ok = true;
            if (k == 0)
                r->spec.cidr = jname(&el, peer, "CidrIp", true);
            else if (k == 1)
                r->spec.cidr = jname(&el, peer, "CidrIpv6", true);
            else if (!r->group->built)
                jname(&el, peer, k == 2 ? "PrefixListId" : "GroupId", true);
            else if (k == 2)
                ok = prefix_list_peer(r, &el, peer);
            else
                ok = group_peer(r, &el, peer);
            if (ok)
                authorize(r, &el);
        }
    }
    if (!total && r->group->built)
        report_skip(&r->m->rep, "security-group-rule", r->group->id, perm_at,
                    "a permission without a peer (no IpRanges, Ipv6Ranges, PrefixListIds or "
                    "UserIdGroupPairs)");
}

static size_t permissions(rule_ctx *r, const char *key, eni_direction dir)
{
    jloc at, el;
    json_t *arr = jarray(&r->group->loc, r->group->obj, key);
    jloc_key(&at, &r->group->loc, key);
    r->dir = dir;
    r->added = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *perm = jobject_at(&at, arr, i, &el);
        eni_sg_rule_spec spec = ENI_SG_RULE_SPEC_INIT;
        long long from = -1, to = -1;
        spec.protocol = protocol(&el, perm);
        jint(&el, perm, "FromPort", -1, 65535, &from);
        jint(&el, perm, "ToPort", -1, 65535, &to);
        spec.from_port = (int32_t)from;
        spec.to_port = (int32_t)to;
        r->spec = spec;
        peers(r, &el, perm);
    }
    return r->added;
}

/* The rules libeni put into a new group go: the JSON lists what it holds. */
static void revoke_all(model *m, eni_sg_id sg)
{
    eni_sg_rule_id ids[100];
    uint32_t n;
    do {
        if (eni_sg_list_rules(m->ctx, sg, 0, ids, 100, &n) != ENI_OK)
            fail_libeni("eni_sg_list_rules");
        if (n && eni_sg_revoke_rules(m->ctx, sg, ids, n < 100 ? n : 100) != ENI_OK)
            fail_libeni("eni_sg_revoke_rules");
    } while (n > 100);
}

void build_rules(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_GROUP]; i++) {
        aws_item *g = &m->in.items[AWS_GROUP][i];
        rule_ctx r = {.m = m, .group = g};
        r.vpc = jstring(&g->loc, g->obj, "VpcId", g->built != 0);
        r.owner = jstring(&g->loc, g->obj, "OwnerId", false);
        if (g->built)
            revoke_all(m, (eni_sg_id){g->built});
        size_t in = permissions(&r, "IpPermissions", ENI_INGRESS);
        size_t out = permissions(&r, "IpPermissionsEgress", ENI_EGRESS);
        if (!g->built)
            continue;
        report_built(&m->rep, "security-group", g->id, &g->loc, "%s in %s: %zu inbound, %zu "
                     "outbound rule%s", jstring(&g->loc, g->obj, "GroupName", true), r.vpc, in,
                     out, out == 1 ? "" : "s");
    }
}
