/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Delegated prefixes (section 1.8): IPv4 /28 and IPv6 /80 ranges of an
 * interface's subnet, all or nothing, each one address slot of the
 * instance type's per-interface limit. An IPv4 prefix marks its sixteen
 * addresses used in the subnet's bitmap, so nothing else is given them;
 * ownership is found by walking the subnet's interfaces (prefixes are few,
 * and only the control path asks). */
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"

enum { V4_SPAN = 16, MAX_PREFIXES_PER_CALL = 1000 };
#define V6_HOST_MASK 0xffffffffffffULL /* the 48 host bits of a /80 */

uint64_t eni__subnet_v4_prefix_owner(eni_ctx *ctx, const struct eni_subnet *s, uint32_t v4)
{
    uint32_t base = v4 & ~(uint32_t)(V4_SPAN - 1);
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        for (uint32_t i = 0; n->subnet == s->id && i < n->p4_count; i++)
            if (n->p4[i] == base)
                return n->id;
    }
    return 0;
}

uint64_t eni__subnet_v6_prefix_owner(eni_ctx *ctx, const struct eni_subnet *s,
                                     const struct eni_v6 *a)
{
    uint64_t lo = a->lo & ~V6_HOST_MASK;
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        for (uint32_t i = 0; n->subnet == s->id && i < n->p6_count; i++)
            if (n->p6[i].hi == a->hi && n->p6[i].lo == lo)
                return n->id;
    }
    return 0;
}

/* Is any address of the /80 assigned to an interface of the subnet? */
static bool v6_range_used(eni_ctx *ctx, const struct eni_subnet *s, const struct eni_v6 *p)
{
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        for (uint32_t i = 0; n->subnet == s->id && i < n->v6_count; i++)
            if (n->v6[i].hi == p->hi && (n->v6[i].lo & ~V6_HOST_MASK) == p->lo)
                return true;
    }
    return eni__subnet_v6_prefix_owner(ctx, s, p) != 0;
}

static bool v4_range_free(const struct eni_subnet *s, uint32_t base)
{
    for (uint32_t k = 0; k < V4_SPAN; k++)
        if (eni__ipam_v4_used(s, base + k))
            return false;
    return true;
}

/* A reserved address inside the /80: the first four or the last of the /64. */
static bool v6_range_reserved(const struct eni_subnet *s, const struct eni_v6 *p)
{
    struct eni_v6 last = {p->hi, p->lo | V6_HOST_MASK};
    return eni__ipam_v6_is_reserved(s, p) || eni__ipam_v6_is_reserved(s, &last);
}

static int bad_prefix(const char *text, const char *why)
{
    return eni__fail(ENI_EINVAL, "InvalidParameterValue", "the prefix '%.60s' %s",
                     text ? text : "(null)", why);
}

/* Parse explicit prefixes of one family for the subnet (first addresses out). */
static int parse_prefixes(const struct eni_subnet *s, unsigned family, const char *const *text,
                          uint32_t n, uint32_t *out4, struct eni_v6 *out6)
{
    for (uint32_t i = 0; i < n; i++) {
        eni_prefix p;
        if (!text[i] || eni__prefix_parse(text[i], &p) != 0 || p.addr.family != family)
            return bad_prefix(text[i], family == 4 ? "is not a valid IPv4 prefix"
                                                   : "is not a valid IPv6 prefix");
        if (p.len != (family == 4 ? 28 : 80) || !eni__prefix_is_canonical(&p))
            return bad_prefix(text[i], family == 4 ? "is not a /28 without host bits"
                                                   : "is not an /80 without host bits");
        if (family == 4) {
            uint32_t base = eni__addr_v4(&p.addr);
            if (!eni__ipam_v4_in_subnet(s, base) || !eni__ipam_v4_in_subnet(s, base + 15))
                return bad_prefix(text[i], "does not fall within the subnet's address range");
            if (eni__ipam_v4_is_reserved(s, base) || eni__ipam_v4_is_reserved(s, base + 15))
                return bad_prefix(text[i], "holds an address EC2 reserves in this subnet");
            for (uint32_t j = 0; j < i; j++)
                if (out4[j] == base)
                    return bad_prefix(text[i], "is listed twice");
            out4[i] = base;
        } else {
            struct eni_v6 a = {eni__addr_hi64(&p.addr), eni__addr_lo64(&p.addr)};
            if (!s->cidr6.addr.family || !eni__ipam_v6_in_subnet(s, &a))
                return bad_prefix(text[i], "does not fall within the subnet's IPv6 range");
            if (v6_range_reserved(s, &a))
                return bad_prefix(text[i], "holds an address EC2 reserves in this subnet");
            for (uint32_t j = 0; j < i; j++)
                if (out6[j].hi == a.hi && out6[j].lo == a.lo)
                    return bad_prefix(text[i], "is listed twice");
            out6[i] = a;
        }
    }
    return ENI_OK;
}

/* The lowest free /28s (every address free, none reserved). */
static bool pick_v4(const struct eni_subnet *s, uint32_t n, uint32_t *out)
{
    uint32_t found = 0;
    for (uint32_t off = 0; off + V4_SPAN <= s->v4_size && found < n; off += V4_SPAN)
        if (v4_range_free(s, s->v4_base + off))
            out[found++] = s->v4_base + off;
    return found == n;
}

/* The lowest free /80s of the /64: the first (it holds ::0 to ::3) and the
 * last (its last address) are reserved. */
static bool pick_v6(eni_ctx *ctx, const struct eni_subnet *s, uint32_t n, struct eni_v6 *out)
{
    uint64_t hi = eni__addr_hi64(&s->cidr6.addr);
    uint32_t found = 0;
    for (uint64_t idx = 1; idx < 0xffff && found < n; idx++) {
        struct eni_v6 a = {hi, idx << 48};
        if (!v6_range_used(ctx, s, &a))
            out[found++] = a;
    }
    return found == n;
}

/* Room for `extra` more prefixes of the family. */
static int grow(eni_ctx *ctx, struct eni_nic *nic, unsigned family, uint32_t extra)
{
    if (family == 4) {
        uint32_t *v = eni__realloc_array(ctx, nic->p4, nic->p4_count + extra + 1, sizeof *v);
        if (v)
            nic->p4 = v;
        return v ? ENI_OK : eni__fail(ENI_ENOMEM, NULL, "out of memory delegating prefixes");
    }
    struct eni_v6 *v = eni__realloc_array(ctx, nic->p6, nic->p6_count + extra + 1, sizeof *v);
    if (v)
        nic->p6 = v;
    return v ? ENI_OK : eni__fail(ENI_ENOMEM, NULL, "out of memory delegating prefixes");
}

int eni_nic_assign_prefixes(eni_ctx *ctx, eni_nic_id id, uint32_t family,
                            const char *const *prefixes, uint32_t n, uint32_t count)
{
    ENI__CALL(ctx);
    static const char what[] = "eni_nic_assign_prefixes";
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "%s: ctx is NULL", what);
    if (family != 4 && family != 6)
        return eni__fail(ENI_EINVAL, NULL, "%s: family %u is neither 4 nor 6", what, family);
    if ((n && count) || (!n && !count))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "%s: give either a list of prefixes or a count", what);
    if (n && !prefixes)
        return eni__fail(ENI_EINVAL, NULL, "%s: prefixes is NULL", what);
    if (n > MAX_PREFIXES_PER_CALL || count > MAX_PREFIXES_PER_CALL)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s: at most %d prefixes per call",
                         what, MAX_PREFIXES_PER_CALL);
    uint32_t total = n ? n : count;
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s = NULL;
    uint32_t *p4 = NULL;
    struct eni_v6 *p6 = NULL;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    if (nic->type == ENI_NIC_EFA_ONLY || (family == 6 && !s->cidr6.addr.family)) {
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s",
                       nic->type == ENI_NIC_EFA_ONLY ? "an efa-only interface has no IP addresses"
                                                      : "the subnet has no IPv6 block");
        goto out;
    }
    uint32_t v4_max, v6_max;
    uint32_t have = family == 4 ? nic->v4_count + nic->p4_count : nic->v6_count + nic->p6_count;
    if (eni__nic_addr_limits(ctx, nic, &v4_max, &v6_max) &&
        have + total > (family == 4 ? v4_max : v6_max)) {
        rc = eni__nic_limit_exceeded(have + total, family == 4 ? v4_max : v6_max,
                                     family == 4 ? "private IPv4" : "IPv6");
        goto out;
    }
    p4 = eni__calloc(ctx, total, sizeof *p4);
    p6 = eni__calloc(ctx, total, sizeof *p6);
    if (!p4 || !p6) {
        rc = eni__fail(ENI_ENOMEM, NULL, "%s: out of memory", what);
        goto out;
    }
    if (n) {
        rc = parse_prefixes(s, family, prefixes, n, p4, p6);
        for (uint32_t i = 0; rc == ENI_OK && i < n; i++)
            if (family == 4 ? !v4_range_free(s, p4[i]) : v6_range_used(ctx, s, &p6[i]))
                rc = eni__fail(ENI_EINUSE, "InvalidParameterValue",
                               "the prefix '%.60s' holds an address in use", prefixes[i]);
    } else if (family == 4 ? !pick_v4(s, count, p4) : !pick_v6(ctx, s, count, p6)) {
        /* aws/amazon-vpc-cni-k8s#1836: what EC2 says for a subnet without a free prefix. */
        rc = eni__fail(ENI_ELIMIT, "InsufficientCidrBlocks",
                       "The specified subnet does not have enough free cidr blocks to satisfy "
                       "the request.");
    }
    if (rc == ENI_OK)
        rc = grow(ctx, nic, family, total);
    if (rc != ENI_OK)
        goto out;
    for (uint32_t i = 0; i < total; i++) {
        if (family == 4) {
            nic->p4[nic->p4_count++] = p4[i];
            for (uint32_t k = 0; k < V4_SPAN; k++)
                eni__ipam_v4_mark(s, p4[i] + k, true);
        } else {
            nic->p6[nic->p6_count++] = p6[i];
        }
    }
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: delegated %u IPv%u prefix%s",
              eni__idstr(ctx, nic->id, b1), total, family, total == 1 ? "" : "es");
out:
    eni__free(ctx, p4);
    eni__free(ctx, p6);
    eni__unlock(ctx);
    return rc;
}

/* Where the prefix sits on the interface, or -1. */
static int find_prefix(const struct eni_nic *nic, const eni_prefix *p)
{
    if (p->addr.family == 4) {
        uint32_t base = eni__addr_v4(&p->addr);
        for (uint32_t i = 0; i < nic->p4_count; i++)
            if (nic->p4[i] == base)
                return (int)i;
    } else {
        uint64_t hi = eni__addr_hi64(&p->addr), lo = eni__addr_lo64(&p->addr);
        for (uint32_t i = 0; i < nic->p6_count; i++)
            if (nic->p6[i].hi == hi && nic->p6[i].lo == lo)
                return (int)i;
    }
    return -1;
}

int eni_nic_unassign_prefixes(eni_ctx *ctx, eni_nic_id id, const char *const *prefixes,
                              uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx || !prefixes || n == 0 || n > MAX_PREFIXES_PER_CALL)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_unassign_prefixes: %s",
                         !ctx ? "ctx is NULL" : "give 1..1000 prefixes");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s;
    eni_prefix *p = NULL;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK && !(p = eni__calloc(ctx, n, sizeof *p)))
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_unassign_prefixes: out of memory");
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        if (!prefixes[i] || eni__prefix_parse(prefixes[i], &p[i]) != 0 ||
            p[i].len != (p[i].addr.family == 4 ? 28 : 80) || find_prefix(nic, &p[i]) < 0)
            rc = bad_prefix(prefixes[i], "is not a prefix delegated to this interface");
        for (uint32_t j = 0; rc == ENI_OK && j < i; j++)
            if (eni__prefix_equal(&p[j], &p[i]))
                rc = bad_prefix(prefixes[i], "is listed twice");
    }
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t at = (uint32_t)find_prefix(nic, &p[i]);
        if (p[i].addr.family == 4) {
            for (uint32_t k = 0; k < V4_SPAN; k++)
                eni__ipam_v4_mark(s, nic->p4[at] + k, false);
            memmove(&nic->p4[at], &nic->p4[at + 1], (nic->p4_count - at - 1) * sizeof *nic->p4);
            nic->p4_count--;
        } else {
            memmove(&nic->p6[at], &nic->p6[at + 1], (nic->p6_count - at - 1) * sizeof *nic->p6);
            nic->p6_count--;
        }
    }
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: took back %u prefix%s", eni__idstr(ctx, nic->id, b1), n,
              n == 1 ? "" : "es");
out:
    eni__free(ctx, p);
    eni__unlock(ctx);
    return rc;
}

int eni_nic_get_prefixes(eni_ctx *ctx, eni_nic_id id, uint32_t family, char *out, uint32_t cap,
                         uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_nic_get_prefixes");
    if (rc == ENI_OK && family != 0 && family != 4 && family != 6)
        rc = eni__fail(ENI_EINVAL, NULL, "eni_nic_get_prefixes: family %u is not 0, 4 or 6",
                       family);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        uint32_t n4 = family == 6 ? 0 : nic->p4_count, n6 = family == 4 ? 0 : nic->p6_count;
        for (uint32_t i = 0; i < n4 + n6 && i < cap; i++) {
            eni_prefix p;
            memset(&p, 0, sizeof p);
            p.addr = i < n4 ? eni__addr_from_v4(nic->p4[i])
                            : eni__addr_from_v6(nic->p6[i - n4].hi, nic->p6[i - n4].lo);
            p.len = i < n4 ? 28 : 80;
            eni__prefix_format(&p, out + (size_t)i * ENI_CIDR_STRING_MAX);
        }
        *count = n4 + n6;
    }
    eni__unlock(ctx);
    return rc;
}
