/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A VPC's CIDR blocks after creation (section 10): secondary IPv4 blocks
 * with EC2's range rules, and IPv6 /56 blocks (up to
 * eni_quotas::ipv6_cidr_blocks_per_vpc, D33), the first of which also gives
 * the default network ACL and untouched security groups their IPv6 rules. */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "sg_internal.h"

bool eni__vpc_holds_v4(const struct eni_vpc *vpc, const eni_prefix *p)
{
    if (eni__prefix_contains(&vpc->cidr, p))
        return true;
    for (uint32_t i = 0; i < vpc->n_extra; i++)
        if (eni__prefix_contains(&vpc->extra[i], p))
            return true;
    return false;
}

bool eni__vpc_has_ipv6(const struct eni_vpc *vpc)
{
    return vpc->cidr6.addr.family == 6;
}

uint32_t eni__vpc_ipv6_count(const struct eni_vpc *vpc)
{
    return eni__vpc_has_ipv6(vpc) ? 1 + vpc->n_extra6 : 0;
}

const eni_prefix *eni__vpc_ipv6_block(const struct eni_vpc *vpc, uint32_t i)
{
    return i == 0 ? &vpc->cidr6 : &vpc->extra6[i - 1];
}

bool eni__vpc_holds_v6(const struct eni_vpc *vpc, const eni_prefix *p)
{
    for (uint32_t i = 0; i < eni__vpc_ipv6_count(vpc); i++)
        if (eni__prefix_contains(eni__vpc_ipv6_block(vpc, i), p))
            return true;
    return false;
}

static bool overlaps_v6(const struct eni_vpc *vpc, const eni_prefix *p)
{
    for (uint32_t i = 0; i < eni__vpc_ipv6_count(vpc); i++)
        if (eni__prefix_overlaps(eni__vpc_ipv6_block(vpc, i), p))
            return true;
    return false;
}

/* The n-th /56 of the pool: 2001:db8:nnnn:nn00::/56 from the documentation range. */
static int amazon_at(uint32_t n, eni_prefix *out, const char *what)
{
    if (n >= (1u << 24))
        return eni__fail(ENI_ELIMIT, "InsufficientCidrBlocks",
                         "%s: the Amazon IPv6 pool is exhausted", what);
    memset(out, 0, sizeof *out);
    out->addr = eni__addr_from_v6(0x20010db800000000ULL | ((uint64_t)n << 8), 0);
    out->len = 56;
    return ENI_OK;
}

int eni__vpc_amazon_ipv6(eni_ctx *ctx, eni_prefix *out, const char *what)
{
    return amazon_at(ctx->model->v6_vpc_counter, out, what);
}

/* The next Amazon-provided /56 the VPC does not already hold (a block given
 * earlier may be one the pool would hand out); *used is how far the counter
 * moves on once it is associated. */
static int amazon_for(eni_ctx *ctx, const struct eni_vpc *vpc, eni_prefix *out, uint32_t *used,
                      const char *what)
{
    for (uint32_t skip = 0;; skip++) {
        int rc = amazon_at(ctx->model->v6_vpc_counter + skip, out, what);
        if (rc != ENI_OK)
            return rc;
        if (!overlaps_v6(vpc, out)) {
            *used = skip + 1;
            return ENI_OK;
        }
    }
}

/* ---- IPv4 range rules ------------------------------------------------------ */

struct range {
    uint32_t net;
    uint8_t len;
};

static const struct range R10 = {0x0a000000u, 8}, R172 = {0xac100000u, 12},
                          R192 = {0xc0a80000u, 16}, R198_19 = {0xc6130000u, 16},
                          R172_31 = {0xac1f0000u, 16}, R169 = {0xa9fe0000u, 16},
                          R10_15 = {0x0a000000u, 15}, R10_16 = {0x0a000000u, 16};

static bool touches(const eni_prefix *p, struct range r)
{
    eni_prefix q;
    memset(&q, 0, sizeof q);
    q.addr = eni__addr_from_v4(r.net);
    q.len = r.len;
    return eni__prefix_overlaps(p, &q);
}

static bool rfc1918(const eni_prefix *p)
{
    return touches(p, R10) || touches(p, R172) || touches(p, R192);
}

/* Section 10.1: the association restrictions of the VPC User Guide ("IPv4
 * CIDR block association restrictions"), by the range of the primary block. */
static bool restricted(const struct eni_vpc *vpc, const eni_prefix *p)
{
    const eni_prefix *primary = &vpc->cidr;
    if (touches(p, R169))
        return true; /* link-local, never a VPC's */
    if (touches(primary, R10)) {
        bool any_10_15 = touches(primary, R10_15);
        for (uint32_t i = 0; i < vpc->n_extra; i++)
            any_10_15 = any_10_15 || touches(&vpc->extra[i], R10_15);
        return touches(p, R172) || touches(p, R192) || touches(p, R198_19) ||
               (any_10_15 && touches(p, R10_16));
    }
    if (touches(primary, R172))
        return touches(p, R10) || touches(p, R192) || touches(p, R172_31) || touches(p, R198_19);
    if (touches(primary, R192))
        return touches(p, R10) || touches(p, R172) || touches(p, R198_19);
    if (touches(primary, R198_19))
        return rfc1918(p);
    return rfc1918(p) || touches(p, R198_19); /* public or 100.64.0.0/10 */
}

/* ---- IPv6 association: the rules EC2 adds ------------------------------------- */

/* Security groups of the VPC that gain an all-traffic rule to ::/0. */
static bool gains_v6_egress(const struct eni_sg *g, uint64_t vpc)
{
    if (g->vpc != vpc || g->egress_modified)
        return false;
    for (uint32_t i = 0; i < g->rules[1].count; i++) {
        const struct eni_sg_rule *r = g->rules[1].v[i];
        if (r->peer_kind == ENI_PEER_CIDR && r->cidr.addr.family == 6 && r->cidr.len == 0 &&
            r->protocol == ENI_PROTO_ALL)
            return false; /* already there (a block associated before) */
    }
    return true;
}

static int associate_v6(eni_ctx *ctx, struct eni_vpc *vpc, const eni_prefix *block)
{
    struct eni_acl *acl;
    uint32_t n = 0, made = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g) n += gains_v6_egress(g, vpc->id);
    struct eni_sg_rule **rules = eni__calloc(ctx, n + 1, sizeof *rules);
    int rc = rules ? ENI_OK : eni__fail(ENI_ENOMEM, NULL, "out of memory associating a block");
    if (rc == ENI_OK && eni__get_acl(ctx, vpc->default_acl, &acl) != ENI_OK)
        rc = eni__fail(ENI_EINTERNAL, NULL, "the VPC's default network ACL is missing");
    if (rc == ENI_OK)
        rc = eni__acl_ipv6_reserve(ctx, acl);
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        if (rc != ENI_OK || !gains_v6_egress(g, vpc->id))
            continue;
        rc = eni__sg_reserve_rules(ctx, g, 0, 1);
        if (rc == ENI_OK && !(rules[made++] = eni__sg_all_traffic_rule(ctx, ENI_EGRESS, 6)))
            rc = eni__fail(ENI_ENOMEM, NULL, "out of memory associating a block");
    }
    if (rc == ENI_OK)
        rc = eni__registry_reserve(ctx, ENI_KIND_SG_RULE, n);
    if (rc != ENI_OK) {
        for (uint32_t i = 0; rules && i < made; i++)
            eni__free(ctx, rules[i]);
        eni__free(ctx, rules);
        return rc;
    }
    /* Nothing fails from here on. */
    vpc->cidr6 = *block;
    eni__acl_ipv6_added(ctx, acl);
    uint32_t i = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        if (gains_v6_egress(g, vpc->id)) {
            eni__touch(ctx, g->id); /* reached by walking, not by lookup (journal.h) */
            eni__sg_add_rule_reserved(ctx, g, rules[i++]);
        }
    }
    eni__free(ctx, rules);
    return ENI_OK;
}

/* ---- the calls -------------------------------------------------------------- */

int eni_vpc_associate_cidr_block(eni_ctx *ctx, eni_vpc_id id, const char *cidr, uint32_t flags,
                                 char *out)
{
    ENI__CALL(ctx);
    static const char what[] = "eni_vpc_associate_cidr_block";
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "%s: ctx is NULL", what);
    if (flags & ~(uint32_t)ENI_VPC_AMAZON_IPV6)
        return eni__fail(ENI_EINVAL, NULL, "%s: unknown flags 0x%x", what, flags);
    if (!cidr == !(flags & ENI_VPC_AMAZON_IPV6))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "%s: give a CIDR block or ask for an Amazon-provided IPv6 one", what);
    eni_prefix p;
    memset(&p, 0, sizeof p);
    int rc = ENI_OK;
    if (cidr && (eni__prefix_parse(cidr, &p) != 0))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: '%.60s' is not a valid CIDR block", what, cidr);
    if (cidr)
        rc = eni__parse_vpc_block(cidr, p.addr.family, p.addr.family == 4 ? 16 : 56,
                                  p.addr.family == 4 ? 28 : 56, "InvalidVpc.Range", what, &p);
    if (rc != ENI_OK)
        return rc;
    bool v6 = !cidr || p.addr.family == 6;
    eni__lock(ctx);
    struct eni_vpc *vpc;
    char b1[ENI_ID_STRING_MAX], text[ENI_PREFIX_STR_MAX];
    rc = eni__get_vpc(ctx, id.v, &vpc);
    if (rc != ENI_OK)
        goto out;
    eni__idstr(ctx, vpc->id, b1);
    const eni_quotas *q = &ctx->model->quotas;
    uint32_t quota = v6 ? q->ipv6_cidr_blocks_per_vpc : q->cidr_blocks_per_vpc;
    uint32_t have = v6 ? eni__vpc_ipv6_count(vpc) : 1 + vpc->n_extra;
    if (have >= quota) {
        rc = eni__fail(ENI_ELIMIT, "CidrLimitExceeded",
                       "This network '%s' has met its maximum number of allowed CIDRs: %u", b1,
                       quota);
        goto out;
    }
    uint32_t pool_used = 0;
    if (!cidr && (rc = amazon_for(ctx, vpc, &p, &pool_used, what)) != ENI_OK)
        goto out;
    eni__prefix_format(&p, text);
    bool first_v6 = v6 && !eni__vpc_has_ipv6(vpc);
    if (v6 && overlaps_v6(vpc, &p)) {
        rc = eni__fail(ENI_EINVAL, "InvalidVpc.Range",
                       "The CIDR '%s' overlaps a CIDR block of the VPC", text);
    } else if (first_v6) {
        rc = associate_v6(ctx, vpc, &p);
    } else if (v6) {
        /* a further block: the rules came with the first (D33) */
        eni_prefix *grown = eni__realloc_array(ctx, vpc->extra6, vpc->n_extra6 + 1,
                                               sizeof *grown);
        if (!grown)
            rc = eni__fail(ENI_ENOMEM, NULL, "%s: out of memory", what);
        else {
            vpc->extra6 = grown;
            vpc->extra6[vpc->n_extra6++] = p;
        }
    } else if (restricted(vpc, &p)) {
        rc = eni__fail(ENI_EINVAL, "InvalidVpc.Range",
                       "The CIDR '%s' is restricted. Use a CIDR from the same private address "
                       "range as the current VPC CIDR, or use a publicly-routable CIDR.",
                       text);
    } else {
        bool clash = eni__prefix_overlaps(&vpc->cidr, &p);
        for (uint32_t i = 0; i < vpc->n_extra; i++)
            clash = clash || eni__prefix_overlaps(&vpc->extra[i], &p);
        eni_prefix *grown = clash ? NULL
                                  : eni__realloc_array(ctx, vpc->extra, vpc->n_extra + 1,
                                                       sizeof *grown);
        if (clash)
            rc = eni__fail(ENI_EINVAL, "InvalidVpc.Range",
                           "The CIDR '%s' overlaps a CIDR block of the VPC", text);
        else if (!grown)
            rc = eni__fail(ENI_ENOMEM, NULL, "%s: out of memory", what);
        else {
            vpc->extra = grown;
            vpc->extra[vpc->n_extra++] = p;
        }
    }
    if (rc == ENI_OK) {
        ctx->model->v6_vpc_counter += pool_used;
        rc = eni__model_changed(ctx);
        ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
        {
            if (first_v6 && g->vpc == vpc->id)
                eni__rules_event(ctx, g);
        }
        ENI__INFO(ctx, "VPC %s: associated %s", b1, text);
        if (out)
            memcpy(out, text, sizeof text);
    }
out:
    eni__unlock(ctx);
    return rc;
}

int eni_vpc_disassociate_cidr_block(eni_ctx *ctx, eni_vpc_id id, const char *cidr)
{
    ENI__CALL(ctx);
    static const char what[] = "eni_vpc_disassociate_cidr_block";
    if (!ctx || !cidr)
        return eni__fail(ENI_EINVAL, NULL, "%s: %s is NULL", what, ctx ? "cidr" : "ctx");
    eni_prefix p;
    if (eni__prefix_parse(cidr, &p) != 0 || !eni__prefix_is_canonical(&p))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: '%.60s' is not a valid CIDR block", what, cidr);
    eni__lock(ctx);
    struct eni_vpc *vpc;
    char b1[ENI_ID_STRING_MAX], text[ENI_PREFIX_STR_MAX];
    eni__prefix_format(&p, text);
    int rc = eni__get_vpc(ctx, id.v, &vpc);
    if (rc != ENI_OK)
        goto out;
    eni__idstr(ctx, vpc->id, b1);
    int at = -1;
    bool is_v6 = false;
    for (uint32_t i = 0; i < vpc->n_extra; i++)
        if (eni__prefix_equal(&vpc->extra[i], &p))
            at = (int)i;
    for (uint32_t i = 0; i < eni__vpc_ipv6_count(vpc); i++)
        if (eni__prefix_equal(eni__vpc_ipv6_block(vpc, i), &p)) {
            at = (int)i;
            is_v6 = true;
        }
    if (eni__prefix_equal(&vpc->cidr, &p)) {
        rc = eni__fail(ENI_EPERM, "OperationNotPermitted",
                       "The vpc CIDR block %s may not be disassociated. It is the primary IPv4 "
                       "CIDR block of the VPC",
                       text);
        goto out;
    }
    if (at < 0 && !is_v6) {
        rc = eni__fail(ENI_ENOTFOUND, "InvalidVpcCidrBlockAssociationID.NotFound",
                       "the VPC %s has no CIDR block %s", b1, text);
        goto out;
    }
    ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
    {
        if (s->vpc != vpc->id)
            continue;
        bool inside = is_v6 ? s->cidr6.addr.family == 6 && eni__prefix_contains(&p, &s->cidr6)
                            : eni__prefix_contains(&p, &s->cidr);
        if (inside) {
            rc = eni__fail(ENI_EINUSE, "InvalidCidrBlock.InUse",
                           "The vpc %s currently has a subnet within CIDR block %s", b1, text);
            goto out;
        }
    }
    if (is_v6) {
        /* Any IPv6 block may go, the first too (only the primary IPv4 block
         * may not): the next one in association order takes its place, so
         * cidr6 stays set while the VPC has IPv6 (D33). The rules the first
         * block added stay, as in EC2. */
        if (at == 0 && vpc->n_extra6 == 0) {
            memset(&vpc->cidr6, 0, sizeof vpc->cidr6);
        } else {
            if (at == 0)
                vpc->cidr6 = vpc->extra6[0];
            uint32_t from = at == 0 ? 0 : (uint32_t)at - 1;
            memmove(&vpc->extra6[from], &vpc->extra6[from + 1],
                    (vpc->n_extra6 - from - 1) * sizeof vpc->extra6[0]);
            vpc->n_extra6--;
        }
    } else {
        memmove(&vpc->extra[at], &vpc->extra[at + 1],
                (vpc->n_extra - (uint32_t)at - 1) * sizeof vpc->extra[0]);
        vpc->n_extra--;
    }
    rc = eni__model_changed(ctx);
    ENI__INFO(ctx, "VPC %s: disassociated %s", b1, text);
out:
    eni__unlock(ctx);
    return rc;
}

int eni_vpc_get_cidr_blocks(eni_ctx *ctx, eni_vpc_id id, char *out, uint32_t cap,
                            uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_vpc_get_cidr_blocks");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_vpc *vpc;
    rc = eni__get_vpc(ctx, id.v, &vpc);
    if (rc == ENI_OK) {
        uint32_t n = 0;
        uint32_t total = 1 + vpc->n_extra + eni__vpc_ipv6_count(vpc);
        for (; n < total; n++) {
            uint32_t v4 = 1 + vpc->n_extra; /* then the IPv6 blocks */
            const eni_prefix *p = n == 0   ? &vpc->cidr
                                  : n < v4 ? &vpc->extra[n - 1]
                                           : eni__vpc_ipv6_block(vpc, n - v4);
            if (n < cap)
                eni__prefix_format(p, out + (size_t)n * ENI_CIDR_STRING_MAX);
        }
        *count = total;
    }
    eni__unlock(ctx);
    return rc;
}
