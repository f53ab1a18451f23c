/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Flow tables on the control path: allocation (a fixed-size open-addressed
 * array of slots, 1.6 times the interface's conntrack allowance, so it never
 * has to move while workers read it and stays at most 62.5% full: short
 * probe chains; IPv4 slots are 32 bytes, 51 bytes of table per tracked flow
 * when the allowance is in use; the IPv6 table, 64-byte slots, is sized to
 * the allowance only once the interface can see IPv6 traffic), the shared
 * empty set queries answer from when an interface has no flows, and walking,
 * copying and describing flows. The probe and insert the packet path uses
 * are static inline in flowtab.h. */
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "eval_internal.h"
#include "icmp.h"

/* Ask for transparent huge pages over the whole 2 MiB pages inside a large
 * table. Lookups land on random slots: with 4 KiB pages nearly every one is
 * also a TLB miss (a page walk, and a slow one under virtualisation), which
 * costs as much as the cache miss itself. Only a hint: it changes nothing
 * where THP is off, and it is made before the memory is first touched
 * (zeroed), so the pages are huge from their first fault. */
static void want_huge_pages(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + len) & ~(huge - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)len;
#endif
}

/* A table sized for `allowance` flows of one family. */
static struct flow_table *ft_new(eni_ctx *ctx, unsigned family, uint32_t allowance)
{
    struct flow_table *ft = eni__calloc(ctx, 1, sizeof *ft);
    if (!ft)
        return NULL;
    uint32_t words = family == 4 ? 1 : 4;
    uint32_t stride = (uint32_t)(sizeof(struct flow_slot) + words * sizeof(uint64_t));
    stride = (stride + 31u) & ~31u; /* 32 (IPv4) or 64 (IPv6): slots never straddle lines */
    uint64_t cap = (uint64_t)allowance * 8 / 5 + 64;
    /* Line-aligned: allocators return 16-byte alignment, which would split
     * every other 32-byte slot across two cache lines (two misses a lookup
     * instead of one). */
    size_t bytes = (size_t)cap * stride + 64;
    uint8_t *raw = eni__malloc(ctx, bytes);
    if (!raw) {
        eni__free(ctx, ft);
        return NULL;
    }
    want_huge_pages(raw, bytes);
    memset(raw, 0, bytes);
    ft->raw = raw;
    ft->slots = raw + ((64 - ((uintptr_t)raw & 63)) & 63);
    ft->stride = stride;
    ft->words = words;
    ft->cap = (uint32_t)cap;
    return ft;
}

static void ft_free(eni_ctx *ctx, void *p)
{
    struct flow_table *ft = p;
    if (ft)
        eni__free(ctx, ft->raw);
    eni__free(ctx, ft);
}

/* The IPv6 table of an interface that cannot see IPv6 traffic (no IPv6
 * address and the source/destination check on): the minimum table, which
 * stays empty, so an IPv4-only host pays for IPv4 slots only. */
enum { V6_IDLE_ALLOWANCE = 0 };

struct eni_flows *eni__flows_new(eni_ctx *ctx, uint32_t allowance, bool v6)
{
    struct eni_flows *fl = eni__calloc(ctx, 1, sizeof *fl);
    if (!fl)
        return NULL;
    fl->ft4 = ft_new(ctx, 4, allowance);
    struct flow_table *ft6 = ft_new(ctx, 6, v6 ? allowance : V6_IDLE_ALLOWANCE);
    atomic_init(&fl->ft6, ft6);
    fl->allowance = allowance;
    atomic_init(&fl->share, allowance);
    fl->v6 = v6;
    if (!fl->ft4 || !ft6) {
        eni__flows_free(ctx, fl);
        return NULL;
    }
    return fl;
}

int eni__flows_enable_v6(eni_ctx *ctx, struct eni_flows *fl)
{
    if (fl->v6)
        return ENI_OK;
    struct flow_table *full = ft_new(ctx, 6, fl->allowance);
    if (!full)
        return ENI_ENOMEM;
    /* The idle table never held a flow (no IPv6 packet got past the
     * source/destination check), so there is nothing to carry over. */
    struct flow_table *idle = atomic_exchange(&fl->ft6, full);
    fl->v6 = true;
    eni__eval_retire(ctx, idle, ft_free);
    return ENI_OK;
}

/* Two tables of one never-used slot: every probe ends at its first slot and
 * a walk visits nothing, so nothing ever writes them. */
static _Alignas(64) uint8_t empty_slot[64];
static struct flow_table empty4 = {.slots = empty_slot, .stride = 32, .words = 1, .cap = 1};
static struct flow_table empty6 = {.slots = empty_slot, .stride = 64, .words = 4, .cap = 1};
static struct eni_flows empty = {.ft4 = &empty4, .ft6 = &empty6,
                                 .allowance = ENI_EVAL_DEFAULT_ALLOWANCE,
                                 .share = ENI_EVAL_DEFAULT_ALLOWANCE};

struct eni_flows *eni__flows_empty(void)
{
    return &empty;
}

void eni__flows_free(eni_ctx *ctx, void *p)
{
    struct eni_flows *fl = p;
    if (!fl)
        return;
    ft_free(ctx, fl->ft4);
    ft_free(ctx, atomic_load(&fl->ft6));
    eni__free(ctx, fl);
}

/* The key of the flow a slot holds, hashed (read while no writer is inside,
 * or checked by the caller). */
static struct fkey slot_key(const struct flow_table *ft, struct flow_slot *s)
{
    struct fkey k;
    memset(&k, 0, sizeof k);
    k.words = ft->words;
    for (uint32_t w = 0; w < k.words; w++)
        k.w[w] = atomic_load_explicit(&s->key[w], memory_order_relaxed);
    k.ports = atomic_load_explicit(&s->ports, memory_order_relaxed);
    k.proto = (uint8_t)(atomic_load_explicit(&s->meta, memory_order_relaxed) >> 8);
    k.hash = key_hash(&k);
    return k;
}

/* The home slot of the flow a slot holds. */
static uint32_t home_of(const struct flow_table *ft, struct flow_slot *s)
{
    return home_slot(ft, slot_key(ft, s).hash);
}

/* Does the probe for a flow homed at `home` and held at `at` pass slot i? */
static bool crosses(const struct flow_table *ft, uint32_t home, uint32_t at, uint32_t i)
{
    return (i + ft->cap - home) % ft->cap < (at + ft->cap - home) % ft->cap;
}

/* Slot i (a cleared one, seq `seq`) was crossed by no live flow's probe:
 * give it back (seq 0), so probes end there again. It is held first (an
 * odd seq: probes pass it, inserts skip it and, with ft->holding naming
 * it, count it as a gap: chain_whole) while the chain after it is looked
 * at again: an insert may have claimed a slot past it since, for a key
 * homed at or before it. That slot is seen (a writer inside, or its flow
 * crossing i) and i is kept as a cleared slot; or that insert sees the
 * hold, or the slot given back, and tries again. Either way no probe ever
 * stops short of a live flow. */
static void give_back(struct flow_table *ft, uint32_t i, uint32_t seq)
{
    struct flow_slot *s = slot_at(ft, i);
    atomic_store_explicit(&ft->holding, i + 1, memory_order_seq_cst);
    if (!atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1, memory_order_seq_cst,
                                                 memory_order_relaxed)) {
        atomic_store_explicit(&ft->holding, 0, memory_order_seq_cst);
        return; /* an insert took it */
    }
    uint32_t next = seq + 2; /* kept as a cleared slot, unless the chain ends */
    uint32_t j = next_slot(ft, i);
    for (uint32_t n = 0; n < MAX_PROBE; n++, j = next_slot(ft, j)) {
        struct flow_slot *t = slot_at(ft, j);
        uint32_t sq = atomic_load_explicit(&t->seq, memory_order_seq_cst);
        if (sq == 0) { /* the chain ends: nothing crosses i */
            next = 0;
            break;
        }
        if ((sq & 1) || ((atomic_load_explicit(&t->meta, memory_order_relaxed) & FLOW_VALID) &&
                         crosses(ft, home_of(ft, t), j, i)))
            break; /* a writer inside, or a flow whose probe passes i */
    }
    atomic_store_explicit(&s->seq, next, memory_order_seq_cst);
    atomic_store_explicit(&ft->holding, 0, memory_order_seq_cst);
}

/* Give back every cleared slot no live flow's probe crosses. Linear
 * probing never lets a probe pass a never-used slot, so walking backwards
 * from one, a slot is crossed exactly when a flow seen so far (nearer the
 * walk's start) reaches back to it: `reach` is the farthest such distance.
 * With no never-used slot at all, a first lap around the table only
 * gathers the reach of the flows that wrap past the starting point. A
 * writer inside a slot counts as a flow reaching MAX_PROBE back. Without
 * this, every slot a flow ever held would keep a probe going: after enough
 * churn, every miss (each dropped or new packet) read MAX_PROBE slots. */
static void reclaim(struct flow_table *ft)
{
    uint32_t cap = ft->cap, start = 0;
    while (start < cap && atomic_load_explicit(&slot_at(ft, start)->seq, memory_order_acquire))
        start++;
    uint64_t laps = start < cap ? 1 : 2, reach = 0;
    if (start == cap)
        start = 0;
    for (uint64_t d = 1; d < laps * cap; d++) {
        uint32_t i = (uint32_t)((start + laps * cap - d) % cap);
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq == 0)
            continue;
        if (seq & 1) {
            reach = d + MAX_PROBE > reach ? d + MAX_PROBE : reach;
            continue;
        }
        if (atomic_load_explicit(&s->meta, memory_order_relaxed) & FLOW_VALID) {
            uint32_t back = (i + cap - home_of(ft, s)) % cap;
            reach = d + back > reach ? d + back : reach;
            continue;
        }
        if (reach < d && (laps == 1 || d >= cap))
            give_back(ft, i, seq);
    }
}

uint32_t eni__flows_walk(struct eni_flows *fl, eni_flow_visit_fn fn, void *ud)
{
    uint32_t cleared = 0;
    struct flow_table *tables[2] = {fl->ft4, atomic_load(&fl->ft6)};
    for (int t = 0; t < 2; t++) {
        struct flow_table *ft = tables[t];
        uint32_t before = cleared;
        for (uint32_t i = 0; i < ft->cap; i++) {
            struct flow_slot *s = slot_at(ft, i);
            uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
            if (seq == 0 || (seq & 1) ||
                !(atomic_load_explicit(&s->meta, memory_order_relaxed) & FLOW_VALID))
                continue;
            if (!fn(ft, s, ud))
                continue;
            /* Clear it as a writer would, so concurrent readers skip it. */
            if (!atomic_compare_exchange_strong(&s->seq, &seq, seq + 1))
                continue;
            atomic_store_explicit(&s->meta, 0, memory_order_relaxed);
            atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
            atomic_fetch_sub_explicit(&fl->tracked, 1, memory_order_relaxed);
            cleared++;
        }
        if (cleared != before)
            reclaim(ft);
    }
    return cleared;
}

/* Carry live flows into a new table block (the allowance changed). Runs on
 * the control path; flows workers create meanwhile in the old block are
 * lost, which only makes them re-evaluated against the rules. */
struct copy_ctx {
    struct eni_flows *dst;
    uint64_t now;
};

static bool copy_one(const struct flow_table *ft, struct flow_slot *s, void *ud)
{
    struct copy_ctx *cc = ud;
    uint64_t exp = atomic_load_explicit(&s->expires, memory_order_relaxed);
    if (exp <= cc->now || eni__flows_tracked(cc->dst) >= cc->dst->allowance)
        return false;
    struct fkey k = slot_key(ft, s);
    uint32_t meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
    struct flow_table *dt = ft->words == 1 ? cc->dst->ft4 : atomic_load(&cc->dst->ft6);
    (void)ft_insert(cc->dst, dt, &k, meta, exp, cc->now, false, NULL);
    return false;
}

void eni__flows_copy(struct eni_flows *dst, struct eni_flows *src, uint64_t now)
{
    struct copy_ctx cc = {dst, now};
    (void)eni__flows_walk(src, copy_one, &cc);
}

/* Fill a flow description from a slot (control path). */
void eni__flow_describe(const struct flow_table *ft, struct flow_slot *s, eni_flow_info *out)
{
    memset(out, 0, sizeof *out);
    uint32_t meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
    uint32_t ports = atomic_load_explicit(&s->ports, memory_order_relaxed);
    out->proto = (uint8_t)(meta >> 8);
    out->state = (uint8_t)(meta & FLOW_STATE_MASK);
    out->initiator = (meta & FLOW_INIT_OUT) ? ENI_DIR_OUTBOUND : ENI_DIR_INBOUND;
    out->local_port = (uint16_t)(ports >> 16);
    out->remote_port = (uint16_t)ports;
    if (out->proto == eni__icmp_proto(ft->words == 1 ? 4 : 6))
        out->remote_port = out->local_port; /* a query's identifier, both sides */
    out->expires_ns = atomic_load_explicit(&s->expires, memory_order_relaxed);
    if (ft->words == 1) {
        uint64_t w = atomic_load_explicit(&s->key[0], memory_order_relaxed);
        out->family = 4;
        for (int i = 0; i < 4; i++) {
            out->local[i] = (uint8_t)(w >> (56 - 8 * i));
            out->remote[i] = (uint8_t)(w >> (24 - 8 * i));
        }
    } else {
        out->family = 6;
        for (int half = 0; half < 2; half++) {
            uint8_t *dst = half ? out->remote : out->local;
            for (int w = 0; w < 2; w++) {
                uint64_t v = atomic_load_explicit(&s->key[half * 2 + w], memory_order_relaxed);
                for (int i = 0; i < 8; i++)
                    dst[w * 8 + i] = (uint8_t)(v >> (56 - 8 * i));
            }
        }
    }
}
