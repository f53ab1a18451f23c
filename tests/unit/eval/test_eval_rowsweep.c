/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni__rows_sweep (lib/eval/rowsweep.h), which fills a key index's bit
 * rows by sweeping its segments with a count per piece: against a brute
 * force that asks, for every segment and every piece, whether a rule
 * covering the segment's first key has a span holding the piece. Random
 * rule sets with short spans (counted per piece), spans over whole words
 * (counted per word), overlapping rules, rules sharing one set of spans
 * (as rules of one group do), ranges up to the last key (whose end event
 * is never reached), and each of its allocations refused. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "eval/rowsweep.h"
#include "fail_alloc.h"
#include "test_helpers.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
    return (uint32_t)(test_xorshift64(&rng) >> 16) % n;
}

enum { MAX_RULES = 48, MAX_SPANS = MAX_RULES * 4 };

struct world {
    uint32_t n_rules, n_pieces, row_words;
    uint32_t lo[MAX_RULES], hi[MAX_RULES];
    uint32_t first[MAX_RULES], n[MAX_RULES];
    struct piece_span span[MAX_SPANS];
    struct key_event ev[2 * MAX_RULES];
    uint32_t nev;
    uint32_t cuts[2 * MAX_RULES + 1];
    uint32_t ncut;
};

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_ev(const void *a, const void *b)
{
    const struct key_event *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static struct piece_span rand_span(uint32_t n_pieces)
{
    uint32_t from = rnd(n_pieces), len;
    switch (rnd(3)) {
    case 0: /* a member address: one piece or a few */
        len = rnd(3);
        break;
    case 1: /* a wide prefix: whole words inside it */
        len = 64 + rnd(n_pieces);
        break;
    default:
        len = rnd(n_pieces);
    }
    uint32_t to = from + len < n_pieces ? from + len : n_pieces - 1;
    return (struct piece_span){from, to};
}

/* Rules with key ranges, spans (a third share an earlier rule's), the
 * events and segment starts keyidx.c would make of them. */
static void make_world(struct world *w)
{
    memset(w, 0, sizeof *w);
    w->n_pieces = 1 + rnd(700);
    w->row_words = (w->n_pieces + 63) / 64;
    w->n_rules = 1 + rnd(MAX_RULES);
    uint32_t used = 0, keys = rnd(4) ? 300 : 65536;
    for (uint32_t i = 0; i < w->n_rules; i++) {
        w->lo[i] = rnd(keys);
        w->hi[i] = rnd(8) ? w->lo[i] + rnd(keys - w->lo[i]) : 65535;
        if (i && rnd(3) == 0) {
            uint32_t j = rnd(i);
            w->first[i] = w->first[j];
            w->n[i] = w->n[j];
        } else {
            w->first[i] = used;
            w->n[i] = rnd(5);
            for (uint32_t k = 0; k < w->n[i]; k++)
                w->span[used++] = rand_span(w->n_pieces);
        }
        w->ev[w->nev++] = (struct key_event){w->lo[i], i};
        w->ev[w->nev++] = (struct key_event){w->hi[i] + 1, i | KEY_EVENT_END};
        w->cuts[w->ncut++] = w->lo[i];
        if (w->hi[i] < 65535)
            w->cuts[w->ncut++] = w->hi[i] + 1;
    }
    w->cuts[w->ncut++] = 0;
    qsort(w->cuts, w->ncut, sizeof *w->cuts, cmp_u32);
    uint32_t u = 0;
    for (uint32_t i = 0; i < w->ncut; i++)
        if (u == 0 || w->cuts[u - 1] != w->cuts[i])
            w->cuts[u++] = w->cuts[i];
    w->ncut = u;
    qsort(w->ev, w->nev, sizeof *w->ev, cmp_ev);
}

static bool brute(const struct world *w, uint32_t seg, uint32_t piece)
{
    uint32_t key = w->cuts[seg];
    for (uint32_t i = 0; i < w->n_rules; i++)
        if (w->lo[i] <= key && key <= w->hi[i])
            for (uint32_t k = 0; k < w->n[i]; k++)
                if (w->span[w->first[i] + k].from <= piece && piece <= w->span[w->first[i] + k].to)
                    return true;
    return false;
}

static int sweep(eni_ctx *ctx, const struct world *w, uint64_t *rows)
{
    struct key_sweep ks = {.ev = w->ev, .nev = w->nev, .cuts = w->cuts, .ncut = w->ncut};
    return eni__rows_sweep(ctx, &ks, w->span, w->first, w->n, rows, w->row_words);
}

static void test_rows_match_brute_force(void **state)
{
    (void)state;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    static struct world w;
    for (int trial = 0; trial < 400; trial++) {
        make_world(&w);
        uint64_t *rows = calloc((size_t)w.ncut * w.row_words, sizeof *rows);
        assert_non_null(rows);
        assert_int_equal(sweep(ctx, &w, rows), 0);
        for (uint32_t s = 0; s < w.ncut; s++)
            for (uint32_t k = 0; k < w.row_words * 64; k++) {
                bool got = rows[(size_t)s * w.row_words + k / 64] >> (k % 64) & 1;
                /* pieces past the last are never set */
                bool want = k < w.n_pieces && brute(&w, s, k);
                if (got != want)
                    fail_msg("trial %d segment %u (key %u) piece %u: %d, want %d", trial, s,
                             w.cuts[s], k, got, want);
            }
        free(rows);
    }
    eni_ctx_free(ctx);
}

/* Each allocation refused in turn: -1, and nothing left allocated. */
static void test_rows_sweep_out_of_memory(void **state)
{
    (void)state;
    struct fail_alloc fa = {0};
    eni_ctx_opts o = fail_alloc_opts(&fa);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    static struct world w;
    make_world(&w);
    uint64_t *rows = calloc((size_t)w.ncut * w.row_words, sizeof *rows);
    assert_non_null(rows);
    int refused = 0;
    for (long n = 1;; n++) {
        long live = fa.live;
        fa.failed = 0;
        fa.fail_at = fa.calls + n;
        int rc = sweep(ctx, &w, rows);
        assert_int_equal(fa.live, live);
        if (!fa.failed) {
            assert_int_equal(rc, 0);
            break;
        }
        assert_int_equal(rc, -1);
        refused++;
    }
    assert_int_equal(refused, 3); /* the piece counts, the word counts, the bits */
    fa.fail_at = 0;
    free(rows);
    eni_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_match_brute_force),
        cmocka_unit_test(test_rows_sweep_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
