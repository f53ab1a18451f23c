/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Interval sets for the classifier's compile step (ivset.h). Control path
 * only, under the ctx lock. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "ivset.h"

bool eni__ivreserve(eni_ctx *ctx, struct ivvec *vec, uint32_t extra)
{
    if (vec->nomem)
        return false;
    if (extra <= vec->cap - vec->n)
        return true;
    uint64_t want = (uint64_t)vec->n + extra, cap = vec->cap ? vec->cap : 16;
    while (cap < want)
        cap *= 2;
    struct cls_iv *v = cap <= UINT32_MAX ? eni__realloc_array(ctx, vec->v, cap, sizeof *v) : NULL;
    if (!v) {
        vec->nomem = true;
        return false;
    }
    vec->v = v;
    vec->cap = (uint32_t)cap;
    return true;
}

void eni__ivpush(eni_ctx *ctx, struct ivvec *vec, struct cls_iv iv)
{
    if (vec->n == vec->cap && !eni__ivreserve(ctx, vec, 1))
        return;
    if (vec->nomem)
        return;
    vec->v[vec->n++] = iv;
}

int eni__iv_cmp_lo(const struct cls_iv *a, const struct cls_iv *b)
{
    if (a->lo_hi != b->lo_hi)
        return a->lo_hi < b->lo_hi ? -1 : 1;
    if (a->lo_lo != b->lo_lo)
        return a->lo_lo < b->lo_lo ? -1 : 1;
    return 0;
}

struct cls_iv eni__iv_prefix(const eni_prefix *p)
{
    struct cls_iv iv = eni__iv_point(p->addr.b, p->addr.family);
    if (p->addr.family == 4) {
        uint64_t host = p->len == 0 ? 0xffffffffu : (1ull << (32 - p->len)) - 1;
        iv.lo_lo &= ~host & 0xffffffffu;
        iv.hi_lo = iv.lo_lo | host;
    } else {
        unsigned len = p->len;
        uint64_t mhi = len >= 64 ? ~0ull : len == 0 ? 0 : ~0ull << (64 - len);
        uint64_t mlo = len >= 128 ? ~0ull : len <= 64 ? 0 : ~0ull << (128 - len);
        iv.lo_hi &= mhi;
        iv.lo_lo &= mlo;
        iv.hi_hi = iv.lo_hi | ~mhi;
        iv.hi_lo = iv.lo_lo | ~mlo;
    }
    return iv;
}

static int cmp_iv(const void *x, const void *y)
{
    return eni__iv_cmp_lo(x, y);
}

/* Does next start at or before last's end + 1 (overlapping or adjacent)? */
static bool touches(const struct cls_iv *last, const struct cls_iv *next)
{
    if (last->hi_hi == UINT64_MAX && last->hi_lo == UINT64_MAX)
        return true;
    uint64_t nh = last->hi_hi, nl = last->hi_lo + 1;
    if (nl == 0)
        nh++;
    return eni__le128(next->lo_hi, next->lo_lo, nh, nl);
}

static void extend(struct cls_iv *last, const struct cls_iv *next)
{
    if (!eni__le128(next->hi_hi, next->hi_lo, last->hi_hi, last->hi_lo)) {
        last->hi_hi = next->hi_hi;
        last->hi_lo = next->hi_lo;
    }
}

static inline bool iv_less(const struct cls_iv *a, const struct cls_iv *b)
{
    return a->lo_hi < b->lo_hi || (a->lo_hi == b->lo_hi && a->lo_lo < b->lo_lo);
}

static inline void iv_swap(struct cls_iv *a, struct cls_iv *b)
{
    struct cls_iv t = *a;
    *a = *b;
    *b = t;
}

/* Sort by low end: a quicksort with the compare inlined (qsort's call per
 * compare and byte-wise moves were a fifth of compiling 1000 group rules),
 * insertion sort for short ranges, and qsort past a depth that only
 * adversarial input reaches, so the worst case stays O(n log n). */
static void iv_sort(struct cls_iv *v, uint32_t n, unsigned depth)
{
    while (n > 16) {
        if (depth-- == 0) {
            qsort(v, n, sizeof *v, cmp_iv);
            return;
        }
        /* median of three to v[0], then partition v[1..n) around it */
        uint32_t mid = n / 2;
        if (iv_less(&v[mid], &v[0]))
            iv_swap(&v[mid], &v[0]);
        if (iv_less(&v[n - 1], &v[0]))
            iv_swap(&v[n - 1], &v[0]);
        if (iv_less(&v[n - 1], &v[mid]))
            iv_swap(&v[n - 1], &v[mid]);
        iv_swap(&v[0], &v[mid]); /* the median as pivot */
        const struct cls_iv pivot = v[0];
        uint32_t i = 1, j = n - 1;
        for (;;) {
            while (i <= j && iv_less(&v[i], &pivot))
                i++;
            while (j >= i && iv_less(&pivot, &v[j]))
                j--;
            if (i >= j)
                break;
            iv_swap(&v[i++], &v[j--]);
        }
        iv_swap(&v[0], &v[j]); /* the pivot to its place: v[0..j) <= it <= v(j..n) */
        /* the smaller side by recursion, the larger by the loop */
        if (j < n - j - 1) {
            iv_sort(v, j, depth);
            v += j + 1;
            n -= j + 1;
        } else {
            iv_sort(v + j + 1, n - j - 1, depth);
            n = j;
        }
    }
    for (uint32_t i = 1; i < n; i++) {
        struct cls_iv x = v[i];
        uint32_t k = i;
        for (; k > 0 && iv_less(&x, &v[k - 1]); k--)
            v[k] = v[k - 1];
        v[k] = x;
    }
}

/* Merge the ascending runs src[bound[r] .. bound[r + 1]) (r < k) pairwise,
 * bottom up, between src and dst: O(n log k) moves where a sort of the
 * whole took O(n log n). Returns the array the result is in; bound is
 * overwritten. */
static struct cls_iv *merge_runs(struct cls_iv *src, struct cls_iv *dst, uint32_t *bound,
                                 uint32_t k)
{
    while (k > 1) {
        uint32_t nk = 0, out = 0;
        for (uint32_t r = 0; r < k; r += 2) {
            uint32_t i = bound[r], i_end = bound[r + 1];
            uint32_t j = i_end, j_end = r + 1 < k ? bound[r + 2] : i_end;
            bound[nk++] = out;
            while (i < i_end && j < j_end)
                dst[out++] = iv_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < i_end)
                dst[out++] = src[i++];
            while (j < j_end)
                dst[out++] = src[j++];
        }
        bound[nk] = out;
        k = nk;
        struct cls_iv *swap = src;
        src = dst;
        dst = swap;
    }
    return src;
}

uint32_t eni__iv_merge(eni_ctx *ctx, struct cls_iv *v, uint32_t n)
{
    if (n < 2)
        return n;
    /* Sets often arrive sorted (a remote member list, a prefix list, one
     * CIDR), or as a few sorted lists one after another (the sets of the
     * rules an entry or a protocol's set unites): count the ascending
     * runs, and merge them where there are few, sort where there are many
     * (or no scratch memory). */
    uint32_t runs = 1;
    for (uint32_t i = 1; i < n; i++)
        runs += iv_less(&v[i], &v[i - 1]);
    if (runs > 1) {
        struct cls_iv *scratch = runs <= n / 8 ? eni__malloc(ctx, (size_t)n * sizeof *v) : NULL;
        uint32_t *bound = scratch ? eni__malloc(ctx, ((size_t)runs + 1) * sizeof *bound) : NULL;
        if (bound) {
            uint32_t k = 0;
            bound[k++] = 0;
            for (uint32_t i = 1; i < n; i++)
                if (iv_less(&v[i], &v[i - 1]))
                    bound[k++] = i;
            bound[k] = n;
            if (merge_runs(v, scratch, bound, runs) != v)
                memcpy(v, scratch, (size_t)n * sizeof *v);
        } else {
            iv_sort(v, n, 2 * (32 - (unsigned)__builtin_clz(n)));
        }
        eni__free(ctx, scratch);
        eni__free(ctx, bound);
    }
    uint32_t out = 0;
    for (uint32_t i = 1; i < n; i++) {
        if (touches(&v[out], &v[i]))
            extend(&v[out], &v[i]);
        else
            v[++out] = v[i];
    }
    return out + 1;
}

void eni__iv_union2(eni_ctx *ctx, struct ivvec *out, const struct cls_iv *a, uint32_t na,
                    const struct cls_iv *b, uint32_t nb)
{
    /* room for both first (na + nb fits: each counts a table's intervals,
     * uint32_t), then written in place: no growth check per interval */
    if ((uint64_t)na + nb > UINT32_MAX) {
        out->nomem = true;
        return;
    }
    if (!eni__ivreserve(ctx, out, na + nb))
        return;
    uint32_t i = 0, j = 0, start = out->n, n = out->n;
    struct cls_iv *v = out->v;
    while (i < na || j < nb) {
        const struct cls_iv *next;
        if (j == nb || (i < na && eni__iv_cmp_lo(&a[i], &b[j]) <= 0))
            next = &a[i++];
        else
            next = &b[j++];
        if (n > start && touches(&v[n - 1], next))
            extend(&v[n - 1], next);
        else
            v[n++] = *next;
    }
    out->n = n;
}
