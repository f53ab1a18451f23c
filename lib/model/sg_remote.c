/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Members of a security group that live on other hosts. A rule that
 * references a group admits the private addresses of every member interface
 * in the VPC, wherever it runs (docs/ec2-sections.md 4.4). This host knows
 * its own interfaces; for the others a sync component (eni-sync, over etcd)
 * states, per group and per source host, the addresses of that source's
 * members and the prefixes delegated to them (IPv4 /28, IPv6 /80: D35).
 * Each statement replaces the source's previous one whole, prefixes
 * included, so a reader never sees half of an update. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util/addr.h"

static bool source_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= ENI_REMOTE_SOURCE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
            return false; /* printable, no spaces: it is a key in etcd and in dumps */
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_v6(const void *a, const void *b)
{
    const struct eni_v6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and drop duplicates; the new length. */
static uint32_t sort_unique(void *v, uint32_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n < 2)
        return n;
    unsigned char *p = v;
    /* A host usually states its members in order: check before sorting. */
    bool sorted = true;
    for (uint32_t i = 1; i < n && sorted; i++)
        sorted = cmp(p + (size_t)(i - 1) * size, p + (size_t)i * size) <= 0;
    if (!sorted)
        qsort(v, n, size, cmp);
    uint32_t out = 1;
    for (uint32_t i = 1; i < n; i++)
        if (cmp(p + (size_t)i * size, p + (size_t)(out - 1) * size) != 0)
            memmove(p + (size_t)out++ * size, p + (size_t)i * size, size);
    return out;
}

static void free_set(eni_ctx *ctx, struct eni_remote_set *s)
{
    eni__free(ctx, s->source);
    eni__free(ctx, s->v4);
    eni__free(ctx, s->v6);
    eni__free(ctx, s->p4);
    eni__free(ctx, s->p6);
}

/* A delegated prefix as eni_nic_assign_prefixes takes one (D35): an IPv4 /28
 * or an IPv6 /80, without host bits. */
static bool prefix_ok(const char *text, eni_prefix *p)
{
    return text && eni__prefix_parse(text, p) == 0 &&
           p->len == (p->addr.family == 4 ? 28 : 80) && eni__prefix_is_canonical(p);
}

/* Parse the addresses and prefixes into a new set (not yet owned by anyone). */
static int build_set(eni_ctx *ctx, const char *source, const char *const *addrs, uint32_t n,
                     const char *const *prefixes, uint32_t np, struct eni_remote_set *out)
{
    struct eni_remote_set s = {0};
    s.source = eni__strdup(ctx, source);
    if (n) {
        s.v4 = eni__calloc(ctx, n, sizeof *s.v4);
        s.v6 = eni__calloc(ctx, n, sizeof *s.v6);
    }
    if (np) {
        s.p4 = eni__calloc(ctx, np, sizeof *s.p4);
        s.p6 = eni__calloc(ctx, np, sizeof *s.p6);
    }
    if (!s.source || (n && (!s.v4 || !s.v6)) || (np && (!s.p4 || !s.p6))) {
        free_set(ctx, &s);
        return eni__fail(ENI_ENOMEM, NULL, "out of memory holding remote members");
    }
    for (uint32_t i = 0; i < n; i++) {
        eni_addr a;
        if (!addrs[i] || eni__addr_parse(addrs[i], &a) != ENI_OK) {
            free_set(ctx, &s);
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "remote member #%u ('%.48s') is not an IPv4 or IPv6 address", i,
                             addrs[i] ? addrs[i] : "(null)");
        }
        if (a.family == 4)
            s.v4[s.n4++] = eni__addr_v4(&a);
        else
            s.v6[s.n6++] = (struct eni_v6){eni__addr_hi64(&a), eni__addr_lo64(&a)};
    }
    for (uint32_t i = 0; i < np; i++) {
        eni_prefix p;
        if (!prefix_ok(prefixes[i], &p)) {
            free_set(ctx, &s);
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "remote member prefix #%u ('%.52s') is not an IPv4 /28 or an IPv6 "
                             "/80 without host bits",
                             i, prefixes[i] ? prefixes[i] : "(null)");
        }
        if (p.addr.family == 4)
            s.p4[s.np4++] = eni__addr_v4(&p.addr);
        else
            s.p6[s.np6++] = (struct eni_v6){eni__addr_hi64(&p.addr), eni__addr_lo64(&p.addr)};
    }
    s.n4 = sort_unique(s.v4, s.n4, sizeof *s.v4, cmp_u32);
    s.n6 = sort_unique(s.v6, s.n6, sizeof *s.v6, cmp_v6);
    s.np4 = sort_unique(s.p4, s.np4, sizeof *s.p4, cmp_u32);
    s.np6 = sort_unique(s.p6, s.np6, sizeof *s.p6, cmp_v6);
    *out = s;
    return ENI_OK;
}

void eni__sg_remote_free(eni_ctx *ctx, struct eni_sg *sg)
{
    for (uint32_t i = 0; i < sg->remote_count; i++)
        free_set(ctx, &sg->remote[i]);
    eni__free(ctx, sg->remote);
    sg->remote = NULL;
    sg->remote_count = 0;
}

/* Where source is, or where it would go to keep the array sorted. */
static uint32_t find_source(const struct eni_sg *sg, const char *source, bool *found)
{
    uint32_t lo = 0, hi = sg->remote_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sg->remote[mid].source, source);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static void drop_source(eni_ctx *ctx, struct eni_sg *sg, uint32_t at)
{
    free_set(ctx, &sg->remote[at]);
    memmove(&sg->remote[at], &sg->remote[at + 1],
            (sg->remote_count - at - 1) * sizeof sg->remote[0]);
    sg->remote_count--;
}

static void remote_event(eni_ctx *ctx, const struct eni_sg *sg)
{
    eni__model_event(ctx, ENI_EVENT_REMOTE_MEMBERS_CHANGED, sg->id, 0, sg->remote_count);
}

/* One source's statement about a group, replacing its last one whole. */
static int set_remote(eni_ctx *ctx, eni_sg_id sg_id, const char *source,
                      const char *const *addresses, uint32_t n, const char *const *prefixes,
                      uint32_t np, const char *what)
{
    if (!ctx || (n && !addresses) || (np && !prefixes))
        return eni__fail(ENI_EINVAL, NULL, "%s: %s is NULL", what,
                         !ctx ? "ctx" : n && !addresses ? "addresses" : "prefixes");
    if (!source_ok(source))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: the source must be 1..%d printable characters without spaces",
                         what, ENI_REMOTE_SOURCE_MAX - 1);
    if (n > ENI_REMOTE_MEMBERS_MAX || np > ENI_REMOTE_MEMBERS_MAX - n)
        return eni__fail(ENI_ELIMIT, "InvalidParameterValue",
                         "%s: %u addresses and %u prefixes (at most %d together)", what, n, np,
                         ENI_REMOTE_MEMBERS_MAX);
    eni__lock(ctx);
    struct eni_sg *sg;
    struct eni_remote_set set;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    bool found = false;
    uint32_t at = rc == ENI_OK ? find_source(sg, source, &found) : 0;
    if (rc == ENI_OK && n == 0 && np == 0) {
        if (found) { /* an empty statement: the source has no members */
            drop_source(ctx, sg, at);
            rc = eni__model_changed(ctx);
            remote_event(ctx, sg);
        }
        goto out;
    }
    if (rc == ENI_OK)
        rc = build_set(ctx, source, addresses, n, prefixes, np, &set);
    if (rc == ENI_OK && !found) {
        struct eni_remote_set *grown =
            eni__realloc_array(ctx, sg->remote, sg->remote_count + 1u, sizeof *grown);
        if (!grown) {
            free_set(ctx, &set);
            rc = eni__fail(ENI_ENOMEM, NULL, "%s: out of memory", what);
            goto out;
        }
        sg->remote = grown;
        memmove(&sg->remote[at + 1], &sg->remote[at],
                (sg->remote_count - at) * sizeof sg->remote[0]);
        sg->remote_count++;
    } else if (rc == ENI_OK) {
        free_set(ctx, &sg->remote[at]);
    }
    if (rc == ENI_OK) {
        sg->remote[at] = set;
        rc = eni__model_changed(ctx);
        remote_event(ctx, sg);
        char b1[ENI_ID_STRING_MAX];
        if (set.np4 + set.np6)
            ENI__INFO(ctx,
                      "security group %s: %s reports %u IPv4 and %u IPv6 members, %u IPv4 and "
                      "%u IPv6 prefixes",
                      eni__idstr(ctx, sg->id, b1), source, set.n4, set.n6, set.np4, set.np6);
        else
            ENI__INFO(ctx, "security group %s: %s reports %u IPv4 and %u IPv6 members",
                      eni__idstr(ctx, sg->id, b1), source, set.n4, set.n6);
    }
out:
    eni__unlock(ctx);
    return rc;
}

int eni_sg_set_remote_members(eni_ctx *ctx, eni_sg_id sg_id, const char *source,
                              const char *const *addresses, uint32_t n)
{
    ENI__CALL(ctx);
    return set_remote(ctx, sg_id, source, addresses, n, NULL, 0, "eni_sg_set_remote_members");
}

/* eni_remote_members as first published (it has not grown yet). */
#define REMOTE_MEMBERS_MIN sizeof(eni_remote_members)

int eni_sg_set_remote(eni_ctx *ctx, eni_sg_id sg_id, const char *source,
                      const eni_remote_members *members)
{
    ENI__CALL(ctx);
    const char *what = "eni_sg_set_remote";
    if (!ctx || !members)
        return eni__fail(ENI_EINVAL, NULL, "%s: %s is NULL", what, ctx ? "members" : "ctx");
    eni_remote_members m;
    int rc = eni__spec_in(&m, sizeof m, members, REMOTE_MEMBERS_MIN, what);
    if (rc != ENI_OK)
        return rc;
    if (m.flags)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s: unknown flags 0x%x", what,
                         m.flags);
    return set_remote(ctx, sg_id, source, m.addresses, m.address_count, m.prefixes,
                      m.prefix_count, what);
}

int eni_sg_clear_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source)
{
    ENI__CALL(ctx);
    return eni_sg_set_remote_members(ctx, sg, source, NULL, 0);
}

int eni_ctx_clear_remote_source(eni_ctx *ctx, const char *source, uint32_t *groups)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_clear_remote_source: ctx is NULL");
    if (!source_ok(source))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_ctx_clear_remote_source: not a valid source name");
    eni__lock(ctx);
    int rc = ENI_OK;
    uint32_t cleared = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        bool found;
        uint32_t at = find_source(g, source, &found);
        if (found) {
            eni__touch(ctx, g->id); /* reached by walking, not by lookup (journal.h) */
            drop_source(ctx, g, at);
            remote_event(ctx, g);
            cleared++;
        }
    }
    if (cleared) {
        rc = eni__model_changed(ctx);
        ENI__INFO(ctx, "source %s left: its members cleared from %u group%s", source, cleared,
                  cleared == 1 ? "" : "s");
    }
    eni__unlock(ctx);
    if (groups && rc == ENI_OK)
        *groups = cleared;
    return rc;
}

int eni_sg_list_remote_sources(eni_ctx *ctx, eni_sg_id sg_id, char *out, uint32_t cap,
                               uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_sg_list_remote_sources");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_sg *sg;
    rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK) {
        for (uint32_t i = 0; i < sg->remote_count && i < cap; i++)
            strcpy(out + (size_t)i * ENI_REMOTE_SOURCE_MAX, sg->remote[i].source);
        *count = sg->remote_count;
    }
    eni__unlock(ctx);
    return rc;
}

/* What one source said about a group, as text: its addresses, or (prefixes)
 * its delegated /28 and /80 prefixes; IPv4 first. An unknown source has none. */
static int list_remote(eni_ctx *ctx, eni_sg_id sg_id, const char *source, char *out,
                       uint32_t cap, uint32_t *count, bool prefixes, const char *fn)
{
    int rc = eni__list_check(ctx, out, cap, count, fn);
    if (rc != ENI_OK)
        return rc;
    if (!source)
        return eni__fail(ENI_EINVAL, NULL, "%s: source is NULL", fn);
    eni__lock(ctx);
    struct eni_sg *sg;
    rc = eni__get_sg(ctx, sg_id.v, &sg);
    bool found = false;
    uint32_t at = rc == ENI_OK ? find_source(sg, source, &found) : 0;
    if (rc == ENI_OK) {
        const struct eni_remote_set *s = found ? &sg->remote[at] : NULL;
        uint32_t n4 = !s ? 0 : prefixes ? s->np4 : s->n4;
        uint32_t n6 = !s ? 0 : prefixes ? s->np6 : s->n6;
        const uint32_t *v4 = s ? (prefixes ? s->p4 : s->v4) : NULL;
        const struct eni_v6 *v6 = s ? (prefixes ? s->p6 : s->v6) : NULL;
        size_t stride = prefixes ? ENI_CIDR_STRING_MAX : ENI_IP_STRING_MAX;
        for (uint32_t i = 0; i < n4 + n6 && i < cap; i++) {
            eni_prefix p;
            memset(&p, 0, sizeof p);
            p.addr = i < n4 ? eni__addr_from_v4(v4[i])
                            : eni__addr_from_v6(v6[i - n4].hi, v6[i - n4].lo);
            if (prefixes) {
                p.len = i < n4 ? 28 : 80;
                eni__prefix_format(&p, out + (size_t)i * stride);
            } else {
                eni__addr_format(&p.addr, out + (size_t)i * stride);
            }
        }
        *count = n4 + n6;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_sg_get_remote_members(eni_ctx *ctx, eni_sg_id sg_id, const char *source, char *out,
                              uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return list_remote(ctx, sg_id, source, out, cap, count, false, "eni_sg_get_remote_members");
}

int eni_sg_get_remote_prefixes(eni_ctx *ctx, eni_sg_id sg_id, const char *source, char *out,
                               uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return list_remote(ctx, sg_id, source, out, cap, count, true, "eni_sg_get_remote_prefixes");
}
