/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Security-group rules: authorize, revoke, list, describe (section 4.3, 4.6). */
#include <stdio.h>
#include <string.h>

#include "sg_internal.h"

#define RULE_SPEC_MIN sizeof(eni_sg_rule_spec)

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };

/* A rule in canonical form, before it exists. */
struct rule_norm {
    uint8_t peer_kind;
    uint8_t family;    /* 4, 6, or 0 for a group peer */
    int16_t protocol;
    int32_t from_port, to_port;
    eni_prefix cidr;
    uint64_t peer;
    const char *description;
};

static bool same_rule(const struct rule_norm *a, const struct eni_sg_rule *r)
{
    return a->peer_kind == r->peer_kind && a->protocol == r->protocol &&
           a->from_port == r->from_port && a->to_port == r->to_port &&
           (a->peer_kind == ENI_PEER_CIDR ? eni__prefix_equal(&a->cidr, &r->cidr)
                                          : a->peer == r->peer);
}

static bool same_norm(const struct rule_norm *a, const struct rule_norm *b)
{
    return a->peer_kind == b->peer_kind && a->protocol == b->protocol &&
           a->from_port == b->from_port && a->to_port == b->to_port &&
           (a->peer_kind == ENI_PEER_CIDR ? eni__prefix_equal(&a->cidr, &b->cidr)
                                          : a->peer == b->peer);
}

/* Validate one permission and bring it to canonical form. Records errors. */
static int normalize(eni_ctx *ctx, const struct eni_sg *sg, const eni_sg_rule_spec *spec,
                     bool want_description, struct rule_norm *out)
{
    eni_sg_rule_spec s;
    int rc = eni__spec_in(&s, sizeof s, spec, RULE_SPEC_MIN, "security group rule");
    if (rc != ENI_OK)
        return rc;
    memset(out, 0, sizeof *out);
    if (s.reserved0)
        return eni__fail(ENI_EINVAL, NULL, "security group rule: reserved0 must be 0");
    if (s.protocol < -1 || s.protocol > 255)
        return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                         "invalid protocol %d (want -1 or 0..255)", (int)s.protocol);
    out->protocol = (int16_t)s.protocol;
    switch (s.protocol) {
    case PROTO_TCP:
    case PROTO_UDP:
        if (s.from_port < 0 || s.to_port > 65535 || s.from_port > s.to_port)
            return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                             "invalid port range %d-%d (want 0 <= from <= to <= 65535)",
                             (int)s.from_port, (int)s.to_port);
        out->from_port = s.from_port;
        out->to_port = s.to_port;
        break;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        if (s.from_port < -1 || s.from_port > 255 || s.to_port < -1 || s.to_port > 255)
            return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                             "invalid ICMP type %d or code %d (want -1 or 0..255)",
                             (int)s.from_port, (int)s.to_port);
        if (s.from_port == -1 && s.to_port != -1)
            return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                             "ICMP type -1 needs code -1, not %d", (int)s.to_port);
        out->from_port = s.from_port;
        out->to_port = s.to_port;
        break;
    default: /* all ports, whatever was given (section 4.3) */
        out->from_port = out->to_port = -1;
        break;
    }

    out->peer_kind = (uint8_t)s.peer_kind;
    switch (s.peer_kind) {
    case ENI_PEER_CIDR:
        if (s.group.v || s.prefix_list.v)
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "a rule has exactly one peer: a CIDR, a group or a prefix list");
        if (!s.cidr)
            return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                             "a CIDR peer needs a CIDR block");
        /* EC2's code and message for a bad block (aws-cli issue 2428, D34). */
        if (eni__prefix_parse(s.cidr, &out->cidr) != 0)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "CIDR block %.60s is malformed", s.cidr);
        eni__prefix_canonicalize(&out->cidr); /* host bits are not an error */
        out->family = out->cidr.addr.family;
        break;
    case ENI_PEER_GROUP: {
        if (s.cidr || s.prefix_list.v)
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "a rule has exactly one peer: a CIDR, a group or a prefix list");
        struct eni_sg *peer;
        rc = eni__get_sg(ctx, s.group.v, &peer);
        if (rc != ENI_OK)
            return rc;
        if (peer->vpc != sg->vpc)
            return eni__fail(ENI_EINVAL, "InvalidGroup.NotFound",
                             "the referenced group belongs to another VPC");
        out->peer = peer->id;
        break;
    }
    case ENI_PEER_PREFIX_LIST: {
        if (s.cidr || s.group.v)
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "a rule has exactly one peer: a CIDR, a group or a prefix list");
        struct eni_prefix_list *pl;
        rc = eni__get_prefix_list(ctx, s.prefix_list.v, &pl);
        if (rc != ENI_OK)
            return rc;
        out->peer = pl->id;
        out->family = pl->family;
        break;
    }
    default:
        return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed", "unknown peer kind %u",
                         s.peer_kind);
    }
    if (want_description && s.description && s.description[0]) {
        if (!eni__sg_text_ok(s.description))
            return eni__fail(ENI_EINVAL, "InvalidPermission.Malformed",
                             "a rule description has 0..255 characters of a-zA-Z0-9, space "
                             "and ._-:/()#,@[]+=&;{}!$*");
        out->description = s.description;
    }
    return ENI_OK;
}

/* Rule-quota cost in the IPv4 and IPv6 buckets (section 4.6). A group
 * reference matches members of both families, so it counts in both; a prefix
 * list costs its max entries in its family. */
static void cost(eni_ctx *ctx, uint8_t peer_kind, uint8_t family, uint64_t peer, uint32_t *v4,
                 uint32_t *v6)
{
    uint32_t weight = 1;
    if (peer_kind == ENI_PEER_PREFIX_LIST) {
        struct eni_prefix_list *pl;
        if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, peer, (void **)&pl) == ENI_OK)
            weight = pl->max_entries;
    }
    if (family == 4 || family == 0)
        *v4 += weight;
    if (family == 6 || family == 0)
        *v6 += weight;
}

static uint8_t rule_family(const struct eni_sg_rule *r)
{
    return r->peer_kind == ENI_PEER_CIDR ? r->cidr.addr.family
           : r->peer_kind == ENI_PEER_GROUP ? 0
                                            : 0xff; /* prefix list: looked up by cost() */
}

static void rule_cost(eni_ctx *ctx, const struct eni_sg_rule *r, uint32_t *v4, uint32_t *v6)
{
    uint8_t family = rule_family(r);
    if (family == 0xff) {
        struct eni_prefix_list *pl;
        family = eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK
                     ? pl->family
                     : 4;
    }
    cost(ctx, r->peer_kind, family, r->peer, v4, v6);
}

static int check_batch(const struct eni_sg *sg, uint32_t direction, const void *rules,
                       uint32_t n, const char *what)
{
    (void)sg;
    if (direction != ENI_INGRESS && direction != ENI_EGRESS)
        return eni__fail(ENI_EINVAL, NULL, "%s: direction %u is neither ingress nor egress", what,
                         direction);
    if (!rules || n == 0 || n > ENI__MAX_BATCH)
        return eni__fail(ENI_EINVAL, NULL, "%s: give 1..%d rules", what, ENI__MAX_BATCH);
    return ENI_OK;
}

static const eni_sg_rule_spec *spec_at(const eni_sg_rule_spec *rules, uint32_t i)
{
    uint32_t stride = rules[0].size;
    return (const eni_sg_rule_spec *)(const void *)((const char *)rules + (size_t)stride * i);
}

int eni_sg_authorize(eni_ctx *ctx, eni_sg_id sg_id, eni_direction direction,
                     const eni_sg_rule_spec *rules, uint32_t n, eni_sg_rule_id *ids_out)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_authorize: ctx is NULL");
    eni__lock(ctx);
    struct eni_sg *sg;
    struct rule_norm norm[ENI__MAX_BATCH];
    struct eni_sg_rule *made[ENI__MAX_BATCH];
    uint32_t nmade = 0;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK)
        rc = check_batch(sg, (uint32_t)direction, rules, n, "eni_sg_authorize");
    if (rc == ENI_OK && rules[0].size < RULE_SPEC_MIN)
        rc = eni__fail(ENI_EVERSION, NULL, "eni_sg_authorize: rule size %u is too small",
                       rules[0].size);
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++)
        rc = normalize(ctx, sg, spec_at(rules, i), true, &norm[i]);
    if (rc != ENI_OK)
        goto out;

    struct eni_rule_vec *vec = &sg->rules[eni__dir_index((uint32_t)direction)];
    uint32_t v4 = 0, v6 = 0, add_v4 = 0, add_v6 = 0;
    for (uint32_t i = 0; i < vec->count; i++)
        rule_cost(ctx, vec->v[i], &v4, &v6);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < vec->count; j++)
            if (same_rule(&norm[i], vec->v[j])) {
                rc = eni__fail(ENI_EEXIST, "InvalidPermission.Duplicate",
                               "the specified rule already exists in this group");
                goto out;
            }
        for (uint32_t j = 0; j < i; j++)
            if (same_norm(&norm[i], &norm[j])) {
                rc = eni__fail(ENI_EEXIST, "InvalidPermission.Duplicate",
                               "the request lists the same rule twice");
                goto out;
            }
        cost(ctx, norm[i].peer_kind, norm[i].family, norm[i].peer, &add_v4, &add_v6);
    }
    /* Only the buckets the new rules add to are checked: a lowered quota
     * that one family already exceeds does not block the other. */
    uint32_t quota = ctx->model->quotas.rules_per_group;
    v4 += add_v4;
    v6 += add_v6;
    if ((add_v4 && v4 > quota) || (add_v6 && v6 > quota)) {
        rc = eni__fail(ENI_ELIMIT, "RulesPerSecurityGroupLimitExceeded",
                       "the maximum number of rules per security group and direction (%u) "
                       "would be exceeded (IPv4 %u, IPv6 %u)",
                       quota, v4, v6);
        goto out;
    }

    /* Allocate everything, then commit without a failure point. */
    for (; nmade < n; nmade++) {
        made[nmade] = eni__calloc(ctx, 1, sizeof *made[nmade]);
        if (!made[nmade])
            break;
        if (norm[nmade].description &&
            !(made[nmade]->description = eni__strdup(ctx, norm[nmade].description))) {
            eni__free(ctx, made[nmade]);
            break;
        }
    }
    if (nmade < n)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_sg_authorize: out of memory");
    else if (direction == ENI_INGRESS)
        rc = eni__sg_reserve_rules(ctx, sg, n, 0);
    else
        rc = eni__sg_reserve_rules(ctx, sg, 0, n);
    if (rc != ENI_OK)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        struct eni_sg_rule *r = made[i];
        uint64_t id;
        (void)eni__registry_insert(ctx, ENI_KIND_SG_RULE, r, &id); /* reserved */
        r->id = id;
        r->sg = sg->id;
        r->direction = (uint8_t)direction;
        r->peer_kind = norm[i].peer_kind;
        r->protocol = norm[i].protocol;
        r->from_port = norm[i].from_port;
        r->to_port = norm[i].to_port;
        r->cidr = norm[i].cidr;
        r->peer = norm[i].peer;
        vec->v[vec->count++] = r;
        if (r->peer_kind == ENI_PEER_GROUP && r->peer != sg->id) {
            struct eni_sg *peer;
            (void)eni__registry_peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer);
            peer->referenced_by++;
        } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
            struct eni_prefix_list *pl;
            (void)eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl);
            pl->referenced_by++;
        }
        if (ids_out)
            ids_out[i].v = id;
    }
    nmade = 0;
    if (direction == ENI_EGRESS)
        sg->egress_modified = true;
    rc = eni__model_changed(ctx);
    eni__rules_event(ctx, sg);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "security group %s: authorized %u %s rule%s", eni__idstr(ctx, sg->id, b1), n,
              direction == ENI_INGRESS ? "ingress" : "egress", n == 1 ? "" : "s");
out:
    for (uint32_t i = 0; i < nmade; i++) {
        eni__free(ctx, made[i]->description);
        eni__free(ctx, made[i]);
    }
    eni__unlock(ctx);
    return rc;
}

/* Remove rules (pointers into sg's vectors) from their group. */
static void remove_rules(eni_ctx *ctx, struct eni_sg *sg, struct eni_sg_rule **victims,
                         uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct eni_sg_rule *r = victims[i];
        struct eni_rule_vec *vec = &sg->rules[eni__dir_index(r->direction)];
        for (uint32_t j = 0; j < vec->count; j++)
            if (vec->v[j] == r) {
                memmove(&vec->v[j], &vec->v[j + 1], (vec->count - j - 1) * sizeof vec->v[0]);
                vec->count--;
                break;
            }
        if (r->direction == ENI_EGRESS)
            sg->egress_modified = true; /* IPv6 association adds nothing now (4.2) */
        eni__rule_unlink(ctx, r);
        eni__registry_remove(ctx, r->id);
        eni__free(ctx, r->description);
        eni__free(ctx, r);
    }
}

static bool already(struct eni_sg_rule **list, uint32_t n, const struct eni_sg_rule *r)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == r)
            return true;
    return false;
}

int eni_sg_revoke(eni_ctx *ctx, eni_sg_id sg_id, eni_direction direction,
                  const eni_sg_rule_spec *rules, uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_revoke: ctx is NULL");
    eni__lock(ctx);
    struct eni_sg *sg;
    struct eni_sg_rule *victims[ENI__MAX_BATCH];
    uint32_t nv = 0;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK)
        rc = check_batch(sg, (uint32_t)direction, rules, n, "eni_sg_revoke");
    if (rc == ENI_OK && rules[0].size < RULE_SPEC_MIN)
        rc = eni__fail(ENI_EVERSION, NULL, "eni_sg_revoke: rule size %u is too small",
                       rules[0].size);
    struct eni_rule_vec *vec = rc == ENI_OK ? &sg->rules[eni__dir_index((uint32_t)direction)] : NULL;
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        struct rule_norm norm;
        rc = normalize(ctx, sg, spec_at(rules, i), false, &norm);
        if (rc != ENI_OK)
            break;
        struct eni_sg_rule *hit = NULL;
        for (uint32_t j = 0; j < vec->count && !hit; j++)
            if (same_rule(&norm, vec->v[j]))
                hit = vec->v[j];
        if (!hit)
            rc = eni__fail(ENI_ENOTFOUND, "InvalidPermission.NotFound",
                           "the specified rule does not exist in this group");
        else if (!already(victims, nv, hit))
            victims[nv++] = hit;
    }
    if (rc == ENI_OK) {
        remove_rules(ctx, sg, victims, nv);
        rc = eni__model_changed(ctx);
        eni__rules_event(ctx, sg);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "security group %s: revoked %u rule%s", eni__idstr(ctx, sg->id, b1), nv,
                  nv == 1 ? "" : "s");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_sg_revoke_rules(eni_ctx *ctx, eni_sg_id sg_id, const eni_sg_rule_id *rules, uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_revoke_rules: ctx is NULL");
    eni__lock(ctx);
    struct eni_sg *sg;
    struct eni_sg_rule *victims[ENI__MAX_BATCH];
    uint32_t nv = 0;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK && (!rules || n == 0 || n > ENI__MAX_BATCH))
        rc = eni__fail(ENI_EINVAL, NULL, "eni_sg_revoke_rules: give 1..%d rule ids",
                       ENI__MAX_BATCH);
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        struct eni_sg_rule *r;
        rc = eni__get_rule(ctx, rules[i].v, &r);
        if (rc == ENI_OK && r->sg != sg->id)
            rc = eni__fail(ENI_ENOTFOUND, "InvalidSecurityGroupRuleId.NotFound",
                           "the rule does not belong to this group");
        if (rc == ENI_OK && !already(victims, nv, r))
            victims[nv++] = r;
    }
    if (rc == ENI_OK) {
        remove_rules(ctx, sg, victims, nv);
        rc = eni__model_changed(ctx);
        eni__rules_event(ctx, sg);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "security group %s: revoked %u rule%s", eni__idstr(ctx, sg->id, b1), nv,
                  nv == 1 ? "" : "s");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_sg_list_rules(eni_ctx *ctx, eni_sg_id sg_id, uint32_t direction, eni_sg_rule_id *out,
                      uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_sg_list_rules");
    if (rc != ENI_OK)
        return rc;
    if (direction != 0 && direction != ENI_INGRESS && direction != ENI_EGRESS)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_list_rules: bad direction %u", direction);
    eni__lock(ctx);
    struct eni_sg *sg;
    rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK) {
        uint32_t n = 0;
        for (unsigned d = 0; d < 2; d++) {
            if (direction && eni__dir_index(direction) != d)
                continue;
            for (uint32_t i = 0; i < sg->rules[d].count; i++, n++)
                if (n < cap)
                    out[n].v = sg->rules[d].v[i]->id;
        }
        *count = n;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_sg_rule_describe(eni_ctx *ctx, eni_sg_rule_id rule, eni_sg_rule_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_rule_describe: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_sg_rule *r;
    int rc = eni__get_rule(ctx, rule.v, &r);
    if (rc == ENI_OK) {
        eni_sg_rule_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.direction = r->direction;
        info.id.v = r->id;
        info.group.v = r->sg;
        info.peer_kind = r->peer_kind;
        info.protocol = r->protocol;
        info.from_port = r->from_port;
        info.to_port = r->to_port;
        if (r->peer_kind == ENI_PEER_CIDR) {
            eni__prefix_format(&r->cidr, info.cidr);
            info.family = r->cidr.addr.family;
        } else if (r->peer_kind == ENI_PEER_GROUP) {
            info.peer_group.v = r->peer;
        } else {
            struct eni_prefix_list *pl;
            info.prefix_list.v = r->peer;
            if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK)
                info.family = pl->family;
        }
        if (r->description)
            snprintf(info.description, sizeof info.description, "%s", r->description);
        rc = eni__info_out(out, &info, sizeof info, "eni_sg_rule_describe");
    }
    eni__unlock(ctx);
    return rc;
}

/* ---- editing a rule in place (ModifySecurityGroupRules) ---------------- */

/* Point the rule at its peer: the reference counts a group or prefix-list
 * peer keeps of the rules naming it (eni__rule_unlink undoes it). */
static void link_peer(eni_ctx *ctx, const struct eni_sg *sg, const struct eni_sg_rule *r)
{
    if (r->peer_kind == ENI_PEER_GROUP && r->peer != sg->id) {
        struct eni_sg *peer;
        if (eni__registry_peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer) == ENI_OK)
            peer->referenced_by++;
    } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
        struct eni_prefix_list *pl;
        if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK)
            pl->referenced_by++;
    }
}

int eni_sg_rule_modify(eni_ctx *ctx, eni_sg_rule_id rule, const eni_sg_rule_spec *spec)
{
    ENI__CALL(ctx);
    if (!ctx || !spec)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_rule_modify: %s is NULL",
                         ctx ? "spec" : "ctx");
    eni__lock(ctx);
    struct eni_sg_rule *r;
    struct eni_sg *sg = NULL;
    struct rule_norm norm;
    char *desc = NULL;
    int rc = eni__get_rule(ctx, rule.v, &r);
    if (rc == ENI_OK)
        (void)eni__registry_peek(ctx, ENI_KIND_SG, r->sg, (void **)&sg);
    if (rc == ENI_OK)
        rc = normalize(ctx, sg, spec, true, &norm);
    if (rc != ENI_OK)
        goto out;
    /* Against the group as it would be: every other rule of the direction. */
    const struct eni_rule_vec *vec = &sg->rules[eni__dir_index(r->direction)];
    uint32_t v4 = 0, v6 = 0, add_v4 = 0, add_v6 = 0;
    for (uint32_t j = 0; j < vec->count; j++) {
        if (vec->v[j] == r)
            continue;
        if (same_rule(&norm, vec->v[j])) {
            rc = eni__fail(ENI_EEXIST, "InvalidPermission.Duplicate",
                           "the specified rule already exists in this group");
            goto out;
        }
        rule_cost(ctx, vec->v[j], &v4, &v6);
    }
    cost(ctx, norm.peer_kind, norm.family, norm.peer, &add_v4, &add_v6);
    uint32_t quota = ctx->model->quotas.rules_per_group;
    if ((add_v4 && v4 + add_v4 > quota) || (add_v6 && v6 + add_v6 > quota)) {
        rc = eni__fail(ENI_ELIMIT, "RulesPerSecurityGroupLimitExceeded",
                       "the maximum number of rules per security group and direction (%u) "
                       "would be exceeded", quota);
        goto out;
    }
    if (norm.description && !(desc = eni__strdup(ctx, norm.description))) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_sg_rule_modify: out of memory");
        goto out;
    }
    /* Commit in one step: the evaluator publishes the group as it is after
     * this call, so traffic both versions allow never sees a gap, and
     * tracked flows live on as after a revoke (section 5.3). */
    eni__rule_unlink(ctx, r);
    r->peer_kind = norm.peer_kind;
    r->protocol = norm.protocol;
    r->from_port = norm.from_port;
    r->to_port = norm.to_port;
    r->cidr = norm.cidr;
    r->peer = norm.peer;
    eni__free(ctx, r->description);
    r->description = desc;
    desc = NULL;
    link_peer(ctx, sg, r);
    if (r->direction == ENI_EGRESS)
        sg->egress_modified = true;
    rc = eni__model_changed(ctx);
    eni__rules_event(ctx, sg);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "security group %s: modified rule %s", eni__idstr(ctx, sg->id, b1),
              eni__idstr(ctx, r->id, b2));
out:
    eni__free(ctx, desc);
    eni__unlock(ctx);
    return rc;
}

int eni_sg_rule_set_description(eni_ctx *ctx, eni_sg_rule_id rule, const char *description)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_rule_set_description: ctx is NULL");
    bool clear = !description || !*description;
    if (!clear && !eni__sg_text_ok(description))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_sg_rule_set_description: up to 255 characters of a-zA-Z0-9 and "
                         "._-:/()#,@[]+=&;{}!$* or space");
    eni__lock(ctx);
    struct eni_sg_rule *r;
    char *copy = NULL;
    int rc = eni__get_rule(ctx, rule.v, &r);
    if (rc == ENI_OK && !clear && !(copy = eni__strdup(ctx, description)))
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_sg_rule_set_description: out of memory");
    if (rc == ENI_OK) {
        eni__free(ctx, r->description);
        r->description = copy;
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}
