/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the key index of one keyed protocol of a table (struct
 * cls_keys, classify.h): TCP or UDP destination ports, or ICMP/ICMPv6
 * type << 8 | code. The key space is cut at every part's range ends (the
 * table's entries or rules, choose_parts); each segment's set is the union
 * of the sets of the parts covering it; the rules covering every key (and
 * the all-protocol ones) form the separate all-key union, the protocol's
 * own set. The sets become rows of bits over elementary intervals
 * (elem4.c, elem6.c), filled by one sweep of the segments (rowsweep.c);
 * where rows would be too large, each segment keeps its union as sorted
 * intervals, folded with linear merges. Control path, under the ctx
 * lock. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "ivset.h"
#include "radix.h"
#include "rowsweep.h"

/* Map every key to its segment (K->seg_base, K->seg_off) from the n
 * sorted distinct segment starts. Keys are filled in order, so a block's
 * base (the segment of its first key) is set before its other keys are. */
static void map_keys(struct cls_keys *K, const uint32_t *cuts, uint32_t n)
{
    for (uint32_t sgi = 0; sgi < n; sgi++) {
        uint32_t start = cuts[sgi], end = sgi + 1 < n ? cuts[sgi + 1] : 65536;
        for (uint32_t key = start; key < end;) {
            if ((key & 255) == 0)
                K->seg_base[key >> 8] = sgi;
            uint32_t stop = (key | 255) + 1 < end ? (key | 255) + 1 : end;
            memset(K->seg_off + key, (int)(sgi - K->seg_base[key >> 8]), stop - key);
            key = stop;
        }
    }
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

/* Which keys does a part name (false: all of them, or all protocols)? */
static bool names_keys(const struct cls_entry *e, uint32_t *lo, uint32_t *hi)
{
    return e->proto != -1 && eni__cls_key_range(e->kind, e->from, e->to, lo, hi);
}

/* The segment an event at key opens or closes: every key is a segment's
 * start (K maps it), but 65536, one past the last of the n segments. */
static uint32_t event_segment(const struct cls_keys *K, uint32_t n, uint32_t key)
{
    return key < 65536 ? eni__cls_seg_of(K, key) : n;
}

/* Cut the key space: the sorted distinct segment starts (0 first), every
 * key mapped to its segment in K, and the sorted start/end events of the
 * parts of proto that name keys (of the n parts). */
static bool cut_keys(eni_ctx *ctx, struct cls_keys *K, const struct cls_entry *part, uint32_t n,
                     int proto, struct key_event **ev_out, uint32_t *nev_out, uint32_t **cuts_out,
                     uint32_t *ncut_out)
{
    uint32_t n_keyed = 0, lo, hi;
    for (uint32_t i = 0; i < n; i++)
        n_keyed += part[i].proto == proto && names_keys(&part[i], &lo, &hi);
    struct key_event *raw = eni__calloc(ctx, 2 * (size_t)n_keyed, sizeof *raw);
    struct key_event *ev = eni__calloc(ctx, 2 * (size_t)n_keyed, sizeof *ev);
    uint32_t *cuts = eni__calloc(ctx, 2 * (size_t)n_keyed + 1, sizeof *cuts);
    /* per segment (at most 2 n_keyed + 1 of them, and one past the last),
     * plus one for the sums */
    uint32_t *at = eni__calloc(ctx, 2 * (size_t)n_keyed + 3, sizeof *at);
    bool ok = raw && ev && cuts && at;
    uint32_t nev = 0, ncut = 0, u = 0;
    for (uint32_t i = 0; ok && i < n; i++) {
        const struct cls_entry *e = &part[i];
        if (e->proto != proto || !names_keys(e, &lo, &hi))
            continue;
        raw[nev++] = (struct key_event){lo, i};
        raw[nev++] = (struct key_event){hi + 1, i | KEY_EVENT_END};
        cuts[ncut++] = lo;
        cuts[ncut++] = hi + 1;
    }
    if (ok) {
        cuts[ncut++] = 0;
        eni__sort_u32(ctx, cuts, ncut);
        for (uint32_t i = 0; i < ncut; i++)
            if (cuts[i] < 65536 && (u == 0 || cuts[u - 1] != cuts[i]))
                cuts[u++] = cuts[i];
        map_keys(K, cuts, u);
        /* The events in key order, placed by the segment each starts
         * (counted first; every key is a segment's start, but 65536, past
         * the last): a compare sort of them was a tenth of a publication,
         * a binary search for each segment a seventh. */
        for (uint32_t i = 0; i < nev; i++)
            at[event_segment(K, u, raw[i].key) + 1]++;
        for (uint32_t s = 0; s <= u; s++)
            at[s + 1] += at[s];
        for (uint32_t i = 0; i < nev; i++)
            ev[at[event_segment(K, u, raw[i].key)]++] = raw[i];
    }
    eni__free(ctx, raw);
    eni__free(ctx, at);
    if (!ok) {
        eni__free(ctx, ev);
        eni__free(ctx, cuts);
        return false;
    }
    *ev_out = ev;
    *nev_out = nev;
    *cuts_out = cuts;
    *ncut_out = u;
    return true;
}

/* The all-key union (the rules of proto covering every key, and the
 * all-protocol ones) is the protocol's own set, built before the key
 * indexes (compile.c): copied into wide. */
static bool all_key_union(eni_ctx *ctx, const struct cls_table *t, int proto, struct ivvec *wide,
                          uint8_t *open)
{
    const struct cls_seg *s = &t->psets[t->pset_of_proto[proto]];
    *open = s->open;
    if (!eni__ivreserve(ctx, wide, s->n_iv))
        return false;
    if (s->n_iv)
        memcpy(wide->v, t->piv + s->first_iv, (size_t)s->n_iv * sizeof *wide->v);
    wide->n = s->n_iv;
    return true;
}

/* Mark the segments a /0 rule covers: the rows (or the segment lists)
 * hold the addresses, this the rest of what a lookup reads. */
static void mark_open(struct cls_keys *K, const struct key_sweep *ks)
{
    uint32_t n_open = 0, e_at = 0;
    for (uint32_t sgi = 0; sgi < ks->ncut; sgi++) {
        for (; e_at < ks->nev && ks->ev[e_at].key <= ks->cuts[sgi]; e_at++) {
            uint32_t idx = ks->ev[e_at].part & ~KEY_EVENT_END;
            if (ks->part[idx].open)
                n_open += ks->ev[e_at].part & KEY_EVENT_END ? (uint32_t)-1 : 1u;
        }
        K->segs[sgi].open = n_open != 0;
    }
}

/* Where no rows are built: each segment's union as sorted intervals,
 * appended to out_iv. Sweep the events, fold the covering parts' sets
 * with linear merges (no sorting here). The all-key union stays apart:
 * merged into every segment it made segments large and compiling slow. */
static bool list_segments(eni_ctx *ctx, struct cls_keys *K, const struct key_sweep *ks,
                          struct ivvec *out_iv)
{
    uint32_t *active = eni__calloc(ctx, ks->nev / 2 + 1, sizeof *active);
    struct ivvec acc = {0}, tmp = {0};
    bool ok = active != NULL;
    uint32_t nactive = 0, e_at = 0;
    for (uint32_t sgi = 0; ok && sgi < ks->ncut; sgi++) {
        for (; e_at < ks->nev && ks->ev[e_at].key <= ks->cuts[sgi]; e_at++) {
            uint32_t idx = ks->ev[e_at].part & ~KEY_EVENT_END;
            if (ks->ev[e_at].part & KEY_EVENT_END) {
                for (uint32_t a = 0; a < nactive; a++)
                    if (active[a] == idx) {
                        active[a] = active[--nactive];
                        break;
                    }
            } else {
                active[nactive++] = idx;
            }
        }
        acc.n = 0;
        for (uint32_t a = 0; a < nactive && !acc.nomem; a++) {
            const struct cls_entry *e = &ks->part[active[a]];
            tmp.n = 0;
            eni__iv_union2(ctx, &tmp, acc.v, acc.n, ks->iv + e->first_iv, e->n_iv);
            struct ivvec swap = acc;
            acc = tmp;
            tmp = swap;
        }
        ok = !acc.nomem && !tmp.nomem;
        uint32_t n = ok ? acc.n : 0;
        K->segs[sgi].first_iv = out_iv->n;
        K->segs[sgi].n_iv = n;
        ok = ok && eni__ivreserve(ctx, out_iv, n);
        if (ok && n) {
            memcpy(out_iv->v + out_iv->n, acc.v, (size_t)n * sizeof *acc.v);
            out_iv->n += n;
        }
    }
    eni__free(ctx, active);
    eni__free(ctx, acc.v);
    eni__free(ctx, tmp.v);
    return ok;
}

/* The sets as bit rows (K->el or K->el6), when they are worth it. */
static bool build_rows(eni_ctx *ctx, const struct cls_table *t, int proto, unsigned family,
                       struct cls_keys *K, const struct key_sweep *ks, const struct cls_iv *full)
{
    int nomem = 0;
    /* over the table's shared cuts first, if it has them; its own when
     * the shared ones would make its rows too large */
    if (family == 4 && t->pieces4)
        K->el = eni__elem4_build_shared(ctx, proto, K, ks, full, t->pieces4, &nomem);
    else if (family == 6 && t->pieces6)
        K->el6 = eni__elem6_build_shared(ctx, proto, K, ks, full, t->pieces6, &nomem);
    if (nomem || K->el || K->el6)
        return !nomem;
    if (family == 4)
        K->el = eni__elem4_build(ctx, proto, K, ks, full, &nomem);
    else
        K->el6 = eni__elem6_build(ctx, proto, K, ks, full, &nomem);
    return !nomem;
}

/* t's rules as parts (rowsweep.h), in *ks; *owned: the array, for the
 * caller to free. */
static bool rules_as_parts(eni_ctx *ctx, const struct cls_table *t, struct key_sweep *ks,
                           struct cls_entry **owned)
{
    struct cls_entry *part = eni__calloc(ctx, (size_t)t->n_rules + 1, sizeof *part);
    if (!part)
        return false;
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        part[i] = (struct cls_entry){.proto = r->proto, .kind = r->kind, .open = r->open,
                                     .merged = 1, .from = r->from, .to = r->to,
                                     .first_iv = r->first_iv, .n_iv = r->n_iv};
    }
    *owned = part;
    *ks = (struct key_sweep){.part = part, .n_part = t->n_rules, .iv = t->rule_iv,
                             .n_iv = t->n_rule_iv};
    return true;
}

/* Share when the union holds at most an eighth more intervals than the
 * largest index's own: its rows then widen by little, and every other
 * index's cuts, sort and lookup are built once instead of again. Sets of
 * CIDRs, distinct from one protocol to the next, stay apart: sharing them
 * widened every row for nothing saved. Counted in one pass: each rule's
 * set once per index it belongs to (`seen` holds, per set, the indexes
 * that counted it; bit CLS_N_KEYED is the union). */
bool eni__keyidx_share(eni_ctx *ctx, struct cls_table *t, unsigned family, uint8_t keyed)
{
    if (__builtin_popcount(keyed) < 2)
        return true;
    uint8_t *seen = eni__calloc(ctx, (size_t)t->n_rule_iv + 1, 1);
    uint8_t *take = eni__calloc(ctx, (size_t)t->n_rules + 1, 1);
    bool ok = seen && take;
    uint64_t n[CLS_N_KEYED + 1] = {0};
    for (uint32_t i = 0; ok && i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        int slot = eni__cls_keyed_slot(r->proto);
        uint8_t in = r->proto == -1 ? keyed : slot >= 0 ? (uint8_t)(keyed & 1u << slot) : 0;
        if (in)
            in |= 1u << CLS_N_KEYED;
        unsigned fresh = in & ~seen[r->first_iv];
        take[i] = fresh >> CLS_N_KEYED & 1; /* the first rule of its set in the union */
        seen[r->first_iv] |= in;
        for (; fresh; fresh &= fresh - 1)
            n[__builtin_ctz(fresh)] += r->n_iv;
    }
    uint64_t largest = 0;
    for (int k = 0; k < CLS_N_KEYED; k++)
        largest = n[k] > largest ? n[k] : largest;
    struct cls_entry *part = NULL;
    struct key_sweep ks;
    if (ok && n[CLS_N_KEYED] <= largest + largest / 8) {
        int nomem = !rules_as_parts(ctx, t, &ks, &part);
        if (!nomem && family == 4)
            t->pieces4 = eni__elem4_pieces(ctx, &ks, take, &nomem);
        else if (!nomem)
            t->pieces6 = eni__elem6_pieces(ctx, &ks, take, &nomem);
        ok = !nomem;
    }
    eni__free(ctx, part);
    eni__free(ctx, seen);
    eni__free(ctx, take);
    return ok;
}

/* The parts of proto's index (rowsweep.h): the table's entries, or its
 * rules when their distinct sets hold fewer intervals than the entries
 * (group references: each entry holds copies of its groups' members,
 * where each group's rules share one). The fewer intervals, the fewer
 * pieces to find and cut. Without shared sets the entries, merged here,
 * are the smaller: merging nested CIDRs of one port range removes cuts.
 * *owned: the rules as parts, for the caller to free; NULL when the
 * entries are used. */
static bool choose_parts(eni_ctx *ctx, struct cls_table *t, int proto, struct key_sweep *ks,
                         struct cls_entry **owned)
{
    *owned = NULL;
    *ks = (struct key_sweep){.part = t->entries, .n_part = t->n_entries, .iv = t->iv,
                             .n_iv = t->n_iv};
    /* the entries' intervals before they are merged: every rule's, shared
     * sets counted once for each rule */
    uint64_t by_entry = 0, by_rule = 0;
    for (uint32_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].proto == proto || t->entries[i].proto == -1)
            by_entry += t->entries[i].n_iv;
    uint8_t *seen = eni__calloc(ctx, (size_t)t->n_rule_iv + 1, 1);
    if (!seen)
        return false;
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        if ((r->proto == proto || r->proto == -1) && !seen[r->first_iv]) {
            seen[r->first_iv] = 1;
            by_rule += r->n_iv;
        }
    }
    eni__free(ctx, seen);
    if (by_rule >= by_entry) {
        for (uint32_t i = 0; i < t->n_entries; i++)
            if (t->entries[i].proto == proto || t->entries[i].proto == -1)
                eni__entry_merge(ctx, t, &t->entries[i]);
        return true;
    }
    return rules_as_parts(ctx, t, ks, owned);
}

bool eni__keyidx_build(eni_ctx *ctx, struct cls_table *t, int proto, unsigned family,
                       struct cls_keys **out)
{
    *out = NULL;
    bool keyed = false;
    uint32_t lo, hi;
    for (uint32_t i = 0; i < t->n_entries && !keyed; i++)
        keyed = t->entries[i].proto == proto && names_keys(&t->entries[i], &lo, &hi);
    if (!keyed)
        return true; /* no rule names keys: the protocol's set answers */
    struct cls_keys *K = eni__calloc(ctx, 1, sizeof *K);
    struct cls_entry *rule_parts = NULL;
    struct key_event *ev = NULL;
    uint32_t *cuts = NULL;
    struct ivvec iv = {0};
    uint8_t wide_open = 0;
    struct key_sweep ks = {0};
    bool ok = K && choose_parts(ctx, t, proto, &ks, &rule_parts) &&
              cut_keys(ctx, K, ks.part, ks.n_part, proto, &ev, &ks.nev, &cuts, &ks.ncut);
    ks.ev = ev;
    ks.cuts = cuts;
    if (ok) {
        K->segs = eni__calloc(ctx, ks.ncut, sizeof *K->segs);
        K->n_segs = ks.ncut;
        /* the all-key union first in K->iv, the segments' lists (if any) after it */
        ok = K->segs && all_key_union(ctx, t, proto, &iv, &wide_open);
    }
    if (ok) {
        K->full = (struct cls_seg){0, iv.n, wide_open};
        mark_open(K, &ks);
        ok = build_rows(ctx, t, proto, family, K, &ks, iv.v);
    }
    if (ok && !K->el && !K->el6)
        ok = list_segments(ctx, K, &ks, &iv);
    eni__free(ctx, ev);
    eni__free(ctx, cuts);
    eni__free(ctx, rule_parts);
    if (ok) {
        K->iv = iv.v;
        K->n_iv = iv.n;
        iv.v = NULL;
    }
    if (ok && family == 4 && !K->el && K->n_iv) {
        K->iv4 = eni__calloc(ctx, K->n_iv, sizeof *K->iv4);
        ok = K->iv4 != NULL;
        for (uint32_t k = 0; ok && k < K->n_iv; k++)
            K->iv4[k] = (struct cls_iv4){(uint32_t)K->iv[k].lo_lo, (uint32_t)K->iv[k].hi_lo};
    }
    eni__free(ctx, iv.v);
    if (!ok) {
        eni__keyidx_free(ctx, K);
        return false;
    }
    *out = K;
    return true;
}
