/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* rowsweep.h: a key index's rows from counts swept across its segments. */
#include <string.h>

#include "classify.h"
#include "eval_internal.h"
#include "rowsweep.h"

/* The pieces active parts cover. A span's whole 64-piece words are
 * counted per word, so an interval over many pieces (a wide CIDR among
 * member addresses) costs its words, not its pieces; its ragged ends are
 * counted per piece, and `bits` keeps which of those counts are not zero.
 * A piece is covered when its word's count or its own is not zero. */
struct coverage {
    uint32_t *piece; /* [row_words * 64] */
    uint32_t *word;  /* [row_words] */
    uint64_t *bits;  /* [row_words] */
};

static void cover_piece(struct coverage *c, uint32_t k, int add)
{
    uint64_t bit = 1ull << (k & 63);
    if (add) {
        if (c->piece[k]++ == 0)
            c->bits[k >> 6] |= bit;
    } else if (--c->piece[k] == 0) {
        c->bits[k >> 6] &= ~bit;
    }
}

static void cover_span(struct coverage *c, struct piece_span s, int add)
{
    for (uint32_t k = s.from; k <= s.to;) {
        if ((k & 63) == 0 && s.to - k >= 63) {
            c->word[k >> 6] += add ? 1u : (uint32_t)-1;
            k += 64;
        } else {
            cover_piece(c, k, add);
            k++;
        }
    }
}

int eni__rows_sweep(eni_ctx *ctx, const struct key_sweep *ks, const struct piece_span *span,
                    const uint32_t *span_first, const uint32_t *span_n, uint64_t *rows,
                    uint32_t row_words)
{
    struct coverage c = {
        eni__calloc(ctx, (size_t)row_words * 64, sizeof *c.piece),
        eni__calloc(ctx, row_words, sizeof *c.word),
        eni__calloc(ctx, row_words, sizeof *c.bits),
    };
    int rc = c.piece && c.word && c.bits ? 0 : -1;
    for (uint32_t s = 0, e_at = 0; rc == 0 && s < ks->ncut; s++) {
        /* the events at the segment's start; a part's end is past its
         * start, so no count goes below zero whatever the order at a key */
        for (; e_at < ks->nev && ks->ev[e_at].key <= ks->cuts[s]; e_at++) {
            uint32_t i = ks->ev[e_at].part & ~KEY_EVENT_END;
            int add = !(ks->ev[e_at].part & KEY_EVENT_END);
            for (uint32_t j = span_first[i]; j < span_first[i] + span_n[i]; j++)
                cover_span(&c, span[j], add);
        }
        uint64_t *row = rows + (size_t)s * row_words;
        for (uint32_t w = 0; w < row_words; w++)
            row[w] = c.word[w] ? ~0ull : c.bits[w];
    }
    eni__free(ctx, c.piece);
    eni__free(ctx, c.word);
    eni__free(ctx, c.bits);
    return rc;
}

uint64_t eni__rows_max_cuts(const struct key_sweep *ks, const uint8_t *take)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < ks->n_part; i++)
        if (take[i])
            n += 2 * (uint64_t)ks->part[i].n_iv;
    return n;
}

/* Which parts of ks the index of keyed protocol `proto` draws its cuts
 * from: those of proto and the all-protocol ones, each distinct set once
 * (take[i] is 1 for the first part with its set). Every set of the index
 * is a union of these, and a union's ends are among its parts' ends. An
 * array of ks->n_part from ctx's allocator, or NULL when it fails. Parts
 * sharing a set share its place (first_iv): a map from that place finds
 * the repeats. */
static uint8_t *rows_distinct(eni_ctx *ctx, const struct key_sweep *ks, int proto)
{
    uint8_t *take = eni__calloc(ctx, (size_t)ks->n_part + 1, 1);
    uint8_t *seen = eni__calloc(ctx, (size_t)ks->n_iv + 1, 1);
    for (uint32_t i = 0; take && seen && i < ks->n_part; i++) {
        const struct cls_entry *e = &ks->part[i];
        if ((e->proto == proto || e->proto == -1) && !seen[e->first_iv])
            seen[e->first_iv] = take[i] = 1;
    }
    eni__free(ctx, seen);
    if (!seen) {
        eni__free(ctx, take);
        return NULL;
    }
    return take;
}

/* The spans of each part of proto, found once per distinct set: a part
 * whose set an earlier one had points at that one's spans. */
static int part_spans(eni_ctx *ctx, const struct key_sweep *ks, int proto, eni_span_of_fn span_of,
                      const void *el, struct piece_span **span_out, uint32_t **first_out,
                      uint32_t **n_out)
{
    uint32_t *first = eni__calloc(ctx, (size_t)ks->n_part + 1, sizeof *first);
    uint32_t *n = eni__calloc(ctx, (size_t)ks->n_part + 1, sizeof *n);
    /* where a set's spans start, by its first_iv, plus one (0: not yet) */
    uint32_t *at = eni__calloc(ctx, (size_t)ks->n_iv + 1, sizeof *at);
    /* at most one span per interval */
    struct piece_span *span = eni__calloc(ctx, (size_t)ks->n_iv + 1, sizeof *span);
    *span_out = span;
    *first_out = first;
    *n_out = n;
    int rc = first && n && at && span ? 0 : -1;
    for (uint32_t i = 0, used = 0; rc == 0 && i < ks->n_part; i++) {
        const struct cls_entry *e = &ks->part[i];
        if (e->proto != proto)
            continue;
        n[i] = e->n_iv;
        if (!at[e->first_iv]) {
            at[e->first_iv] = used + 1;
            for (uint32_t k = 0; k < e->n_iv; k++)
                span[used++] = span_of(el, &ks->iv[e->first_iv + k]);
        }
        first[i] = at[e->first_iv] - 1;
    }
    eni__free(ctx, at);
    return rc;
}

/* Every row of key index K's elementary-interval index: each segment's
 * (eni__rows_sweep over the spans of ks's parts of proto), then the
 * all-key union's, full[K->full.first_iv ..], ORed into every segment's.
 * rows: K->n_segs + 1 rows of row_words words, zeroed. 0, or -1 when
 * ctx's allocator fails. */
static int rows_fill(eni_ctx *ctx, int proto, const struct cls_keys *K, const struct key_sweep *ks,
                     const struct cls_iv *full, eni_span_of_fn span_of, const void *el,
                     uint64_t *rows, uint32_t row_words)
{
    struct piece_span *span;
    uint32_t *first, *n;
    int rc = part_spans(ctx, ks, proto, span_of, el, &span, &first, &n);
    if (rc == 0)
        rc = eni__rows_sweep(ctx, ks, span, first, n, rows, row_words);
    eni__free(ctx, span);
    eni__free(ctx, first);
    eni__free(ctx, n);
    uint64_t *full_row = rows + (size_t)K->n_segs * row_words;
    for (uint32_t i = 0; rc == 0 && i < K->full.n_iv; i++) {
        struct piece_span s = span_of(el, &full[K->full.first_iv + i]);
        eni__row_set_bits(full_row, s.from, s.to);
    }
    if (rc == 0)
        eni__rows_or_full(rows, K->n_segs, row_words);
    return rc;
}

uint8_t *eni__rows_take(eni_ctx *ctx, const struct key_sweep *ks, int proto,
                        const struct cls_keys *K, int *nomem)
{
    uint8_t *take = rows_distinct(ctx, ks, proto);
    *nomem = take == NULL;
    /* not worth sorting the cuts when too many even before duplicates go */
    if (take && !eni__rows_fit((eni__rows_max_cuts(ks, take) + 64) / 64, (uint64_t)K->n_segs + 1)) {
        eni__free(ctx, take);
        return NULL;
    }
    return take;
}

int eni__rows_make(eni_ctx *ctx, int proto, const struct cls_keys *K, const struct key_sweep *ks,
                   const struct cls_iv *full, eni_span_of_fn span_of, const void *el,
                   uint32_t row_words, uint64_t **rows)
{
    uint64_t n = (uint64_t)K->n_segs + 1;
    *rows = NULL;
    if (!eni__rows_fit(row_words, n))
        return 1;
    *rows = eni__calloc(ctx, (size_t)n * row_words, sizeof **rows);
    if (*rows && rows_fill(ctx, proto, K, ks, full, span_of, el, *rows, row_words) == 0)
        return 0;
    eni__free(ctx, *rows);
    *rows = NULL;
    return -1;
}
