/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The first-match index of one network-ACL table (acl.h): at most 64
 * entries in rule order, each one bit of a 64-bit word. Every dimension an
 * entry tests (protocol, key, remote address) maps a packet's value to the
 * word of the entries that accept it, and the first match is the lowest
 * bit of their AND. So a lookup costs the same whatever the entries are
 * and however many (a scan of 39 IPv6 entries took about 80 ns; this,
 * three short searches).
 *
 * The key and address dimensions cut their value space at every entry's
 * interval ends; the pieces between cuts are each wholly inside or outside
 * every entry, so a piece has one word. A value's piece is the count of
 * cuts at or below it: one bucket read over a window of the cuts' high
 * words, then a branch-free count of the few cuts in that bucket. Values
 * are 128-bit pairs: IPv6 addresses as they are, IPv4 addresses and keys
 * in the high word; those narrow dimensions are searched over a copy of
 * their cuts as 32-bit values (IPv4 ACL lookups 10-20% faster), and an
 * IPv6 address dimension whose cuts all have a zero low word (no entry
 * longer than /64, the usual ACL) over their high words. */
#ifndef ENI_EVAL_ACL_INDEX_H
#define ENI_EVAL_ACL_INDEX_H

#include <stdint.h>

#include "cuts.h"

enum { ACL_INDEX_MAX = 64, ACL_DIM_BUCKETS = 256 };

/* One dimension: the cuts, the word of each piece, the bucket window. */
struct acl_dim {
    const struct cls_cut6 *cut; /* sorted, distinct, never 0; CUT_PAD sentinels follow */
    const uint32_t *cut32;      /* a narrow dimension's cuts as 32-bit values, the same way */
    const uint64_t *cut64;      /* a wide one's high words, when every cut's low word is 0
                                   (IPv6 entries no longer than /64), or NULL */
    const uint64_t *word;       /* [n_cut + 1]: the entries accepting piece k */
    uint64_t base;              /* the window's first high word */
    uint32_t shift;             /* log2 of a bucket's width in high words (0..63) */
    uint32_t n_cut;             /* at most 2 * ACL_INDEX_MAX */
    uint8_t bucket[ACL_DIM_BUCKETS + 1]; /* cuts below each bucket's start */
};

struct acl_index {
    uint8_t proto_class[256]; /* 0: a protocol no entry names */
    const uint64_t *proto_word; /* per class: the entries accepting it */
    struct acl_dim key, addr;
};

/* The piece holding (hi, lo): how many cuts are at or below it (elem4's
 * method: a bucket read, then eni__cuts128_rank). */
static inline uint32_t eni__acl_dim_find(const struct acl_dim *d, uint64_t hi, uint64_t lo)
{
    if (hi < d->base)
        return 0;
    uint64_t j = (hi - d->base) >> d->shift;
    if (j >= ACL_DIM_BUCKETS)
        return d->n_cut;
    uint32_t k = d->bucket[j], n = (uint32_t)d->bucket[j + 1] - k;
    /* (h, 0) <= (hi, lo) exactly when h <= hi: half the work of a compare */
    if (d->cut64)
        return eni__cuts64_rank(d->cut64, k, n, hi);
    return eni__cuts128_rank(d->cut, k, n, hi, lo);
}

/* eni__acl_dim_find for a narrow dimension (keys, IPv4 addresses): the
 * same search over 32-bit cuts, a quarter of the compares' work. */
static inline uint32_t eni__acl_dim_find32(const struct acl_dim *d, uint32_t v)
{
    if (v < d->base)
        return 0;
    uint64_t j = ((uint64_t)v - d->base) >> d->shift;
    if (j >= ACL_DIM_BUCKETS)
        return d->n_cut;
    return eni__cuts32_rank(d->cut32, d->bucket[j], (uint32_t)d->bucket[j + 1] - d->bucket[j], v);
}

/* The entries (bits, lowest first in rule order) that match a packet of
 * protocol proto, key key (acl.h's eni__acl_key) and remote address: an
 * IPv4 one (host order), or an IPv6 one as two host-order words. */
static inline uint64_t eni__acl_index_match4(const struct acl_index *ix, uint8_t proto,
                                             uint32_t key, uint32_t a)
{
    return ix->proto_word[ix->proto_class[proto]] &
           ix->key.word[eni__acl_dim_find32(&ix->key, key)] &
           ix->addr.word[eni__acl_dim_find32(&ix->addr, a)];
}

static inline uint64_t eni__acl_index_match6(const struct acl_index *ix, uint8_t proto,
                                             uint32_t key, uint64_t hi, uint64_t lo)
{
    return ix->proto_word[ix->proto_class[proto]] &
           ix->key.word[eni__acl_dim_find32(&ix->key, key)] &
           ix->addr.word[eni__acl_dim_find(&ix->addr, hi, lo)];
}

struct acl_ent;
/* The 64-bit words an index of n entries needs from its caller's block. */
uint64_t eni__acl_index_words(uint32_t n);
/* Build the index of entries e[0..n) (n <= ACL_INDEX_MAX) of one family
 * (4 or 6), carving its arrays from mem (eni__acl_index_words(n) words). */
void eni__acl_index_build(struct acl_index *ix, const struct acl_ent *e, uint32_t n,
                          unsigned family, uint64_t *mem);

#endif
