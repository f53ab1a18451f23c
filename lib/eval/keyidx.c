/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the key index of one keyed protocol of a table (struct
 * cls_keys, classify.h): TCP or UDP destination ports, or ICMP/ICMPv6
 * type << 8 | code. The key space is cut at every entry's range ends; each
 * segment gets the union of the address sets of the entries covering it,
 * folded with linear merges; the entries covering every key (and the
 * all-protocol ones) form the separate all-key union. IPv4 tables also get
 * host-order intervals and, when they fit, bit rows (elem4.c). Control path,
 * under the ctx lock. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "ivset.h"

static int cmp_u32v(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

struct ends {
    uint32_t key;
    uint32_t entry; /* entry index; bit 31 set for an end (hi + 1) */
};

static int cmp_ends(const void *a, const void *b)
{
    const struct ends *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

void eni__keyidx_free(eni_ctx *ctx, struct cls_keys *K)
{
    if (!K)
        return;
    eni__free(ctx, K->segs);
    eni__free(ctx, K->iv);
    eni__free(ctx, K->iv4);
    eni__elem4_free(ctx, K->el);
    eni__elem6_free(ctx, K->el6);
    eni__free(ctx, K);
}

/* Does entry e belong to protocol proto's index, and which keys does it
 * name (false: all of them)? */
static bool entry_keys(const struct cls_entry *e, uint32_t *lo, uint32_t *hi)
{
    return e->proto != -1 && eni__cls_key_range(e->kind, e->from, e->to, lo, hi);
}

/* Cut the key space: the sorted distinct segment starts (0 first) and the
 * sorted start/end events of the entries that name keys. */
static bool cut_keys(eni_ctx *ctx, const struct cls_table *t, int proto, uint32_t n_part,
                     struct ends **ev_out, uint32_t *nev_out, uint32_t **cuts_out,
                     uint32_t *ncut_out)
{
    struct ends *ev = eni__calloc(ctx, 2 * (size_t)n_part, sizeof *ev);
    uint32_t *cuts = eni__calloc(ctx, 2 * (size_t)n_part + 1, sizeof *cuts);
    if (!ev || !cuts) {
        eni__free(ctx, ev);
        eni__free(ctx, cuts);
        return false;
    }
    uint32_t nev = 0, ncut = 0, lo, hi;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if (e->proto != proto || !entry_keys(e, &lo, &hi))
            continue;
        ev[nev++] = (struct ends){lo, i};
        ev[nev++] = (struct ends){hi + 1, i | 0x80000000u};
        cuts[ncut++] = lo;
        cuts[ncut++] = hi + 1;
    }
    cuts[ncut++] = 0;
    qsort(cuts, ncut, sizeof *cuts, cmp_u32v);
    uint32_t u = 0;
    for (uint32_t i = 0; i < ncut; i++)
        if (cuts[i] < 65536 && (u == 0 || cuts[u - 1] != cuts[i]))
            cuts[u++] = cuts[i];
    qsort(ev, nev, sizeof *ev, cmp_ends);
    *ev_out = ev;
    *nev_out = nev;
    *cuts_out = cuts;
    *ncut_out = u;
    return true;
}

/* The all-key union: entries of proto covering every key, and every
 * all-protocol entry. */
static bool all_key_union(eni_ctx *ctx, const struct cls_table *t, int proto, struct ivvec *wide,
                          uint8_t *open)
{
    uint32_t lo, hi;
    *open = 0;
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if (e->proto == -1 || (e->proto == proto && !entry_keys(e, &lo, &hi))) {
            for (uint32_t k = 0; k < e->n_iv; k++)
                eni__ivpush(ctx, wide, t->iv[e->first_iv + k]);
            *open |= e->open;
        }
    }
    if (wide->nomem)
        return false;
    wide->n = eni__iv_merge(wide->v, wide->n);
    return true;
}

/* Fill the segments: sweep the events, fold the covering entries' sets. */
static bool fill_segments(eni_ctx *ctx, const struct cls_table *t, struct cls_keys *K,
                          const struct ends *ev, uint32_t nev, const uint32_t *cuts,
                          uint32_t ncut, struct ivvec *out_iv)
{
    uint32_t *active = eni__calloc(ctx, nev / 2 + 1, sizeof *active);
    struct ivvec acc = {0}, tmp = {0};
    bool ok = active != NULL;
    uint32_t nactive = 0, e_at = 0;
    for (uint32_t sgi = 0; ok && sgi < ncut; sgi++) {
        uint32_t start = cuts[sgi], end = sgi + 1 < ncut ? cuts[sgi + 1] : 65536;
        /* apply the events at `start`: ends first (sorted by the high bit) */
        for (; e_at < nev && ev[e_at].key <= start; e_at++) {
            uint32_t idx = ev[e_at].entry & 0x7fffffffu;
            if (ev[e_at].entry & 0x80000000u) {
                for (uint32_t a = 0; a < nactive; a++)
                    if (active[a] == idx) {
                        active[a] = active[--nactive];
                        break;
                    }
            } else {
                active[nactive++] = idx;
            }
        }
        /* Fold the covering entries' sorted sets into one, with linear
         * merges: no sorting here. The all-key union stays apart: merged
         * into every segment it made segments large and compiling slow. */
        uint8_t open = 0;
        acc.n = 0;
        for (uint32_t a = 0; a < nactive && !acc.nomem; a++) {
            const struct cls_entry *e = &t->entries[active[a]];
            tmp.n = 0;
            eni__iv_union2(ctx, &tmp, acc.v, acc.n, t->iv + e->first_iv, e->n_iv);
            struct ivvec swap = acc;
            acc = tmp;
            tmp = swap;
            open |= e->open;
        }
        ok = !acc.nomem && !tmp.nomem;
        uint32_t n = ok ? acc.n : 0;
        K->segs[sgi] = (struct cls_seg){out_iv->n, n, open};
        ok = ok && eni__ivreserve(ctx, out_iv, n);
        if (ok && n) {
            memcpy(out_iv->v + out_iv->n, acc.v, (size_t)n * sizeof *acc.v);
            out_iv->n += n;
        }
        /* keys are filled in order, so a block's base (the segment of its
         * first key) is set before its other keys are */
        for (uint32_t key = start; key < end;) {
            if ((key & 255) == 0)
                K->seg_base[key >> 8] = sgi;
            uint32_t stop = (key | 255) + 1 < end ? (key | 255) + 1 : end;
            memset(K->seg_off + key, (int)(sgi - K->seg_base[key >> 8]), stop - key);
            key = stop;
        }
    }
    eni__free(ctx, active);
    eni__free(ctx, acc.v);
    eni__free(ctx, tmp.v);
    return ok;
}

bool eni__keyidx_build(eni_ctx *ctx, const struct cls_table *t, int proto, unsigned family,
                       struct cls_keys **out)
{
    *out = NULL;
    uint32_t n_part = 0, lo, hi;
    for (uint32_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].proto == proto && entry_keys(&t->entries[i], &lo, &hi))
            n_part++;
    if (n_part == 0)
        return true; /* no rule names keys: the protocol's set answers */
    struct cls_keys *K = eni__calloc(ctx, 1, sizeof *K);
    struct ends *ev = NULL;
    uint32_t *cuts = NULL, nev = 0, ncut = 0;
    struct ivvec out_iv = {0}, wide = {0};
    uint8_t wide_open = 0;
    bool ok = K && cut_keys(ctx, t, proto, n_part, &ev, &nev, &cuts, &ncut);
    if (ok) {
        K->segs = eni__calloc(ctx, ncut, sizeof *K->segs);
        K->n_segs = ncut;
        ok = K->segs && all_key_union(ctx, t, proto, &wide, &wide_open) &&
             fill_segments(ctx, t, K, ev, nev, cuts, ncut, &out_iv);
    }
    if (ok) {
        K->full = (struct cls_seg){out_iv.n, wide.n, wide_open};
        for (uint32_t k = 0; k < wide.n; k++)
            eni__ivpush(ctx, &out_iv, wide.v[k]);
        ok = !out_iv.nomem;
    }
    eni__free(ctx, ev);
    eni__free(ctx, cuts);
    eni__free(ctx, wide.v);
    if (ok) {
        K->iv = out_iv.v;
        K->n_iv = out_iv.n;
        out_iv.v = NULL;
    }
    if (ok && family == 4 && K->n_iv) {
        K->iv4 = eni__calloc(ctx, K->n_iv, sizeof *K->iv4);
        ok = K->iv4 != NULL;
        for (uint32_t k = 0; ok && k < K->n_iv; k++)
            K->iv4[k] = (struct cls_iv4){(uint32_t)K->iv[k].lo_lo, (uint32_t)K->iv[k].hi_lo};
    }
    if (ok && K->iv4) {
        int nomem;
        K->el = eni__elem4_build(ctx, t, proto, K, &nomem);
        ok = !nomem;
    }
    if (ok && family == 6 && K->n_iv) {
        int nomem;
        K->el6 = eni__elem6_build(ctx, t, proto, K, &nomem);
        ok = !nomem;
    }
    eni__free(ctx, out_iv.v);
    if (!ok) {
        eni__keyidx_free(ctx, K);
        return false;
    }
    *out = K;
    return true;
}
