/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Filling the rows of an elementary-interval index (elem4.h, elem6.h) in
 * one sweep of the key space.
 *
 * A key index cuts its protocol's key space into segments at every part's
 * key range ends (keyidx.c); segment s's set is the union of the sets of
 * the parts whose keys cover it. The sweep walks the segments in key
 * order, keeping a count per elementary piece of the parts active there: a
 * part that starts adds one to each piece of its intervals, one that ends
 * takes it away, and each segment's row is the pieces whose count is not
 * zero. Every part is thus touched twice, where folding each segment's
 * union from its active sets touched a set once for every segment it
 * covers (a port range over hundreds of segments, a group of hundreds of
 * member addresses: most of a publication's time).
 *
 * The parts are the table's entries (the rules of one key range, their
 * sets merged) or, where that makes less to cut and look up, its rules:
 * rules with the same group or prefix list as peer share one set (struct
 * cls_rule), whose pieces are then found once, where the entries merging
 * it with other groups' members copied it into each. Control path. */
#ifndef ENI_EVAL_ROWSWEEP_H
#define ENI_EVAL_ROWSWEEP_H

#include <stdbool.h>
#include <stdint.h>

struct cls_entry;
struct cls_iv;
struct cls_keys;
struct eni_ctx;

/* A part starts (its index) or ends (index | KEY_EVENT_END) at key. */
struct key_event {
    uint32_t key;
    uint32_t part;
};
#define KEY_EVENT_END 0x80000000u

/* The segments of one key index and its events, sorted by key: segment s
 * starts at cuts[s] (cuts[0] is 0) and ends where the next starts (or at
 * 65536). The events' parts: part[i]'s set is iv[part[i].first_iv ..],
 * and parts with the same first_iv have the same set. */
struct key_sweep {
    const struct key_event *ev;
    uint32_t nev;
    const uint32_t *cuts;
    uint32_t ncut;
    const struct cls_entry *part;
    uint32_t n_part;
    const struct cls_iv *iv;
    uint32_t n_iv;
};

/* Pieces from..to (inclusive) of the elementary-interval index. */
struct piece_span {
    uint32_t from, to;
};

/* Fill rows[s * row_words ..] (zeroed by the caller) for every segment s of
 * ks: the pieces of the spans of the parts active in s, where part i's
 * spans are span[span_first[i] .. span_first[i] + span_n[i]). Every piece
 * index is below row_words * 64. 0, or -1 when ctx's allocator fails (the
 * rows are then partly filled and the caller frees them). */
int eni__rows_sweep(struct eni_ctx *ctx, const struct key_sweep *ks,
                    const struct piece_span *span, const uint32_t *span_first,
                    const uint32_t *span_n, uint64_t *rows, uint32_t row_words);

/* Past this the rows no longer fit a core's L2 (2 MiB here) and the
 * binary searches over the segments' lists win again (elem4.c, elem6.c).
 * 5000 bench rules take about 1 MiB. */
#define ROWS_MAX_BYTES (2u << 20)

/* Would `rows` rows of `words` 64-bit words each stay within
 * ROWS_MAX_BYTES? */
static inline bool eni__rows_fit(uint64_t words, uint64_t rows)
{
    return words * 8 * rows <= ROWS_MAX_BYTES;
}

/* At most how many cuts the parts take[] marks give: two per interval,
 * before duplicates go. */
uint64_t eni__rows_max_cuts(const struct key_sweep *ks, const uint8_t *take);

/* The piece holding each end of v, in the index el (elem4's or elem6's). */
typedef struct piece_span (*eni_span_of_fn)(const void *el, const struct cls_iv *v);

/* The parts whose cuts key index K's elementary-interval index takes
 * (rowsweep.c, rows_distinct), when rows over them could fit ROWS_MAX_BYTES
 * (K's n_segs + 1 rows) even before duplicate cuts go; NULL otherwise,
 * *nomem set when ctx's allocator failed. */
uint8_t *eni__rows_take(struct eni_ctx *ctx, const struct key_sweep *ks, int proto,
                        const struct cls_keys *K, int *nomem);

/* K's rows over the index el of row_words words a row, allocated and
 * filled (each segment's row by eni__rows_sweep, then the all-key union's
 * ORed into every one) into *rows: 0; 1 when they would pass
 * ROWS_MAX_BYTES; -1 when ctx's allocator fails (*rows NULL in both). */
int eni__rows_make(struct eni_ctx *ctx, int proto, const struct cls_keys *K,
                   const struct key_sweep *ks, const struct cls_iv *full,
                   eni_span_of_fn span_of, const void *el, uint32_t row_words,
                   uint64_t **rows);

#endif
