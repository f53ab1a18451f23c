/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building a network-ACL table's first-match index (acl_index.h), on the
 * control path when a snapshot is published. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "acl_index.h"

uint64_t eni__acl_index_words(uint32_t n)
{
    /* protocol words (n + 1), then per dimension 2n cuts and CUT_PAD
     * sentinels of two words each, as many 32-bit cuts (half a word each,
     * rounded up), and 2n + 1 piece words; then the address dimension's
     * 64-bit cuts (one word each) */
    uint64_t cuts = 2 * (uint64_t)n + CUT_PAD;
    return (uint64_t)n + 1 + 2 * (2 * cuts + (cuts + 1) / 2 + 2 * (uint64_t)n + 1) + cuts;
}

static int cmp_cut(const void *a, const void *b)
{
    const struct cls_cut6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* One dimension over the entries' inclusive intervals [lo[i], hi[i]]:
 * `top` is the value space's last value (an interval ending there cuts
 * nothing after it); a narrow space holds its values in the high word. */
static void dim_build(struct acl_dim *d, const struct cls_cut6 *lo, const struct cls_cut6 *hi,
                      uint32_t n, struct cls_cut6 top, bool narrow, struct cls_cut6 *cut,
                      uint32_t *cut32, uint64_t *cut64, uint64_t *word)
{
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (lo[i].hi || lo[i].lo)
            cut[u++] = lo[i];
        if (hi[i].hi != top.hi || hi[i].lo != top.lo) {
            /* hi + 1, carried into the high word for a wide value */
            uint64_t carry = hi[i].lo == UINT64_MAX;
            cut[u++] = narrow ? (struct cls_cut6){hi[i].hi + 1, 0}
                              : (struct cls_cut6){hi[i].hi + carry, hi[i].lo + 1};
        }
    }
    qsort(cut, u, sizeof *cut, cmp_cut);
    uint32_t m = 0;
    for (uint32_t i = 0; i < u; i++)
        if (m == 0 || cmp_cut(&cut[m - 1], &cut[i]) != 0)
            cut[m++] = cut[i];
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[m + i] = (struct cls_cut6){UINT64_MAX, UINT64_MAX};
    d->cut = cut;
    d->n_cut = m;
    d->cut32 = NULL;
    if (narrow) { /* every value fits 32 bits (keys end at ACL_NO_PORT) */
        for (uint32_t i = 0; i < m; i++)
            cut32[i] = (uint32_t)cut[i].hi;
        for (uint32_t i = 0; i < CUT_PAD; i++)
            cut32[m + i] = UINT32_MAX;
        d->cut32 = cut32;
    }
    bool high_only = !narrow && cut64;
    for (uint32_t i = 0; i < m && high_only; i++)
        high_only = cut[i].lo == 0;
    d->cut64 = NULL;
    if (high_only) {
        for (uint32_t i = 0; i < m; i++)
            cut64[i] = cut[i].hi;
        for (uint32_t i = 0; i < CUT_PAD; i++)
            cut64[m + i] = UINT64_MAX;
        d->cut64 = cut64;
    }
    d->word = word;

    uint32_t shift = eni__bucket_window(m ? cut[0].hi : 0, m ? cut[m - 1].hi : 0,
                                        ACL_DIM_BUCKETS, &d->base);
    d->shift = shift;
    for (uint32_t j = 0, k = 0; j <= ACL_DIM_BUCKETS; j++) {
        while (k < m && ((cut[k].hi - d->base) >> shift) < j)
            k++;
        d->bucket[j] = (uint8_t)k;
    }

    memset(word, 0, ((size_t)m + 1) * sizeof *word);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t from = eni__acl_dim_find(d, lo[i].hi, lo[i].lo);
        uint32_t to = eni__acl_dim_find(d, hi[i].hi, hi[i].lo);
        for (uint32_t k = from; k <= to; k++)
            word[k] |= 1ull << i;
    }
}

void eni__acl_index_build(struct acl_index *ix, const struct acl_ent *e, uint32_t n,
                          unsigned family, uint64_t *mem)
{
    /* protocols: class 0 for those no entry names, one class per named one */
    uint64_t *pw = mem;
    mem += n + 1;
    memset(ix->proto_class, 0, sizeof ix->proto_class);
    uint32_t classes = 1;
    pw[0] = 0;
    for (uint32_t i = 0; i < n; i++)
        if (e[i].proto >= 0 && !ix->proto_class[e[i].proto]) {
            ix->proto_class[e[i].proto] = (uint8_t)classes;
            pw[classes++] = 0;
        }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t c = 0; c < classes; c++)
            if (e[i].proto < 0 || ix->proto_class[e[i].proto] == c)
                pw[c] |= 1ull << i;
    ix->proto_word = pw;

    /* the intervals of each dimension, in the dimension's encoding */
    struct cls_cut6 klo[ACL_INDEX_MAX], khi[ACL_INDEX_MAX], alo[ACL_INDEX_MAX], ahi[ACL_INDEX_MAX];
    for (uint32_t i = 0; i < n; i++) {
        klo[i] = (struct cls_cut6){e[i].key_lo, 0};
        khi[i] = (struct cls_cut6){e[i].key_hi, 0};
        if (family == 4) {
            alo[i] = (struct cls_cut6){e[i].net_lo, 0};
            ahi[i] = (struct cls_cut6){e[i].net_lo | (~e[i].mask_lo & 0xffffffffu), 0};
        } else {
            alo[i] = (struct cls_cut6){e[i].net_hi, e[i].net_lo};
            ahi[i] = (struct cls_cut6){e[i].net_hi | ~e[i].mask_hi, e[i].net_lo | ~e[i].mask_lo};
        }
    }
    size_t cuts = 2 * (size_t)n + CUT_PAD, cut_words = 2 * cuts, cut32_words = (cuts + 1) / 2;
    struct cls_cut6 *cut = (struct cls_cut6 *)(void *)mem;
    uint32_t *cut32 = (uint32_t *)(void *)(mem + cut_words);
    dim_build(&ix->key, klo, khi, n, (struct cls_cut6){ACL_NO_PORT, 0}, true, cut, cut32, NULL,
              mem + cut_words + cut32_words);
    mem += cut_words + cut32_words + 2 * (size_t)n + 1;
    struct cls_cut6 top = family == 4 ? (struct cls_cut6){0xffffffffu, 0}
                                      : (struct cls_cut6){UINT64_MAX, UINT64_MAX};
    cut = (struct cls_cut6 *)(void *)mem;
    cut32 = (uint32_t *)(void *)(mem + cut_words);
    uint64_t *word = mem + cut_words + cut32_words;
    dim_build(&ix->addr, alo, ahi, n, top, family == 4, cut, cut32, word + 2 * (size_t)n + 1,
              word);
}
