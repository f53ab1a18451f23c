/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What the evaluator's structures of one interface take, counted from
 * their own sizes (eni_nic_get_eval_memory): the bytes their arrays hold,
 * without allocator overhead or spare capacity. Runs on the control path,
 * under the ctx lock. */
#include "eval_internal.h"

/* An elementary-interval index (elem4.h, elem6.h): its header, its cuts
 * and their sentinels, its buckets, their crowded ones' nodes and its
 * rows; an index whose cuts are the table's (shared) only its header and
 * rows, the table's being counted once, rowless. */
static uint64_t elem_bytes(size_t header, uint8_t shared, uint32_t n_cut, size_t cut_size,
                           uint32_t n_bucket, const struct cls_crowd *crowd, uint32_t row_words,
                           uint32_t n_rows)
{
    uint64_t rows = (uint64_t)n_rows * row_words * sizeof(uint64_t);
    if (shared)
        return header + rows;
    return header + ((uint64_t)n_cut + CUT_PAD) * cut_size + eni__crowd_bytes(crowd, n_bucket) +
           ((uint64_t)n_bucket + 1) * sizeof(uint32_t) + rows;
}

static uint64_t elem4_bytes(const struct cls_elem4 *el, uint32_t n_rows)
{
    return el ? elem_bytes(sizeof *el, el->shared, el->n_cut, sizeof *el->cut, el->n_bucket,
                           &el->crowd, el->row_words, n_rows)
              : 0;
}

static uint64_t elem6_bytes(const struct cls_elem6 *el, uint32_t n_rows)
{
    return el ? elem_bytes(sizeof *el, el->shared, el->n_cut, sizeof *el->cut, el->n_bucket,
                           &el->crowd, el->row_words, n_rows)
              : 0;
}

static uint64_t keys_bytes(const struct cls_keys *K)
{
    if (!K)
        return 0;
    return sizeof *K + (uint64_t)K->n_segs * sizeof *K->segs +
           (uint64_t)K->n_iv * sizeof *K->iv + (K->iv4 ? (uint64_t)K->n_iv * sizeof *K->iv4 : 0) +
           elem4_bytes(K->el, K->n_segs + 1) + elem6_bytes(K->el6, K->n_segs + 1);
}

static uint64_t table_bytes(const struct cls_table *t)
{
    uint64_t b = (uint64_t)t->n_entries * sizeof *t->entries + (uint64_t)t->n_iv * sizeof *t->iv +
                 (t->iv4 ? (uint64_t)t->n_iv * sizeof *t->iv4 : 0) +
                 (uint64_t)t->n_rules * sizeof *t->rules +
                 (uint64_t)t->n_rule_iv * sizeof *t->rule_iv +
                 (uint64_t)t->n_psets * sizeof *t->psets + (uint64_t)t->n_piv * sizeof *t->piv +
                 (t->piv4 ? (uint64_t)t->n_piv * sizeof *t->piv4 : 0) +
                 (uint64_t)t->by_proto_first[CLS_N_KEYED + 1] * sizeof *t->by_proto;
    for (int k = 0; k < CLS_N_KEYED; k++)
        b += keys_bytes(t->keyed[k]);
    if (t->pjump)
        b += (uint64_t)t->n_psets * sizeof *t->pjump;
    for (uint32_t i = 0; t->pjump && i < t->n_psets; i++)
        if (!t->pjump[i].borrowed)
            b += elem4_bytes(t->pjump[i].el4, 0) + elem6_bytes(t->pjump[i].el6, 0);
    return b + elem4_bytes(t->pieces4, 0) + elem6_bytes(t->pieces6, 0); /* shared, rowless */
}

uint64_t eni__ruleset_bytes(const struct eni_ruleset *rs)
{
    if (!rs)
        return 0;
    uint64_t b = sizeof *rs;
    for (int d = 0; d < 2; d++)
        for (int f = 0; f < 2; f++)
            b += table_bytes(&rs->t[d][f]);
    return b;
}

uint64_t eni__acl_snap_bytes(const struct eni_acl_snap *a)
{
    if (!a)
        return 0;
    return eni__acl_snap_size(a->n);
}

uint64_t eni__flows_bytes(const struct eni_flows *fl)
{
    if (!fl || fl == eni__flows_empty())
        return 0;
    const struct flow_table *t4 = fl->ft4, *t6 = atomic_load(&fl->ft6);
    return sizeof *fl + 2 * sizeof *t4 + (uint64_t)t4->cap * t4->stride +
           (uint64_t)t6->cap * t6->stride;
}

uint64_t eni__snap_own_bytes(const struct eni_snap *s)
{
    if (!s)
        return 0;
    /* the arrays publish.c allocates one past their counts */
    return sizeof *s + ((uint64_t)s->n_v4 + 1) * sizeof *s->v4 +
           ((uint64_t)s->n_v6 + 1) * sizeof *s->v6 + ((uint64_t)s->n_p4 + 1) * sizeof *s->p4 +
           ((uint64_t)s->n_p6 + 1) * sizeof *s->p6;
}
