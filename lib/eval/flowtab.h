/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A flow table's layout and its lock-free probe: one open-addressed array
 * of fixed-size slots per family, linear probing from a home slot (the key's
 * hash scaled to the capacity), each slot validated by its sequence number
 * (odd while a writer holds it, 0 while never used, which ends a probe); a
 * cleared slot keeps its non-zero seq, so chains through it stay intact and
 * an insert may take it again, until a sweep finds no live flow's probe
 * crosses it and gives it back (seq 0: flowtab.c, reclaim). The probe, key
 * building and insert are static inline: the verdict engine calls them on
 * every packet that misses its short path. Allocation, walking, copying,
 * describing and reclaiming are flowtab.c's. */
#ifndef ENI_EVAL_FLOWTAB_H
#define ENI_EVAL_FLOWTAB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/hash.h"

/* ThreadSanitizer does not model fences (GCC refuses atomic_thread_fence
 * under -fsanitize=thread), so a sanitized build validates seqlock reads
 * without one (seq_recheck). */
#if defined(__SANITIZE_THREAD__)
#define ENI__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ENI__TSAN 1
#endif
#endif

/* A seqlock reader's second look at a slot's seq, after its data loads: the
 * value to compare with the first. The loads before it must not drift past
 * it: an acquire fence then a relaxed load; under TSan, a release
 * read-modify-write that adds nothing (Boehm, "Can seqlocks get along with
 * programming language memory models?", 2012), which orders them too. */
static inline uint32_t seq_recheck(_Atomic uint32_t *seq)
{
#ifdef ENI__TSAN
    return atomic_fetch_add_explicit(seq, 0, memory_order_acq_rel);
#else
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(seq, memory_order_relaxed);
#endif
}

enum { MAX_PROBE = 512 }; /* linear probing at load <= 0.8: chains stay far shorter */

/* A flow key, oriented from the interface (local is its side), with its hash. */
/* fkey::classified: a rule allows the packet; one of them is a /0 rule (the
 * lookup's `open`); the subnet's network ACL lets it through. */
enum { CLASSIFIED_ALLOWED = 1, CLASSIFIED_OPEN = 2, CLASSIFIED_ACL_PASSED = 4 };

struct fkey {
    uint64_t w[8]; /* local address words then remote ones */
    uint32_t words;
    uint32_t ports; /* local << 16 | remote; an ICMP query: id << 16 | request type << 8 |
                       1 when the request went out (engine.c, icmp_ports) */
    uint8_t proto;
    uint8_t absent; /* no live flow holds this key: the table was already probed,
                       or the packet has no key to look up (an ICMP error, ...) */
    uint8_t create; /* a packet a rule allows may start a flow under this key */
    uint8_t vetted; /* burst path: the short path found the local end the interface's
                       own and the remote end no service address (engine.c) */
    uint8_t classified; /* burst path, CLASSIFIED_* bits: what the short path for
                           misses found (engine.c, fast_miss) */
    uint32_t home;  /* home slot in its table (burst path only) */
    uint64_t hash;
};

/* A slot; IPv4 tables use 1 key word, IPv6 tables 4. Every field is atomic:
 * readers run concurrently with writers and validate with `seq` (odd while a
 * writer holds the slot; 0 = never used, which ends a probe). */
struct flow_slot {
    _Atomic uint32_t seq;
    _Atomic uint32_t ports; /* fkey::ports */
    _Atomic uint32_t meta;  /* FLOW_VALID | proto << 8 | state bits */
    _Atomic uint32_t pkts;  /* packets seen, saturating */
    _Atomic uint64_t expires;
    _Atomic uint64_t key[];  /* local then remote address words */
};

#define FLOW_VALID 0x80000000u      /* the slot holds a flow */
#define FLOW_INIT_OUT 0x40000000u   /* created by an outbound packet */
#define FLOW_REPLY 0x20000000u      /* a packet of the other direction was seen */
#define FLOW_STATE_MASK 0xffu       /* eni_flow_info::state */

struct flow_table {
    uint8_t *slots;    /* 64-byte aligned, inside raw */
    void *raw;         /* the allocation */
    uint32_t stride;   /* bytes per slot */
    uint32_t words;    /* key words per address pair (1 or 4) */
    uint32_t cap;      /* slots */
    /* 1 + the slot a sweep holds while it decides to give it back (an odd
     * seq, like a writer's claim), 0 when none: what tells the two apart
     * (flowtab.c, give_back; chain_whole). */
    _Atomic uint32_t holding;
};

/* An interface's flow tables; replaced as a whole when the allowance
 * changes. The IPv6 table is the minimum one until the interface can see
 * IPv6 traffic, then swapped for a full one (it never shrinks back). */
struct eni_flows {
    struct flow_table *ft4;
    _Atomic(struct flow_table *) ft6;
    uint32_t allowance;                 /* the tables' sizing: most this interface ever tracks */
    /* What the interface may track now: its share of the instance's
     * budget (budget.c), never above allowance. Written by the control
     * path, read (relaxed) by the packet path when a flow is created; only
     * this interface's threads read it, so nothing is shared between the
     * interfaces of an instance. */
    _Atomic uint32_t share;
    bool v6;                            /* ft6 is sized to the allowance (control path) */
    /* Valid slots in both tables. A burst adds the slots it filled once, at
     * its end (one atomic add a burst, not one a flow), so a sweep running
     * meanwhile may take this below zero for a moment: read it through
     * eni__flows_tracked, which reads that as 0. */
    _Atomic int64_t tracked;
};

static inline uint64_t eni__flows_tracked(const struct eni_flows *fl)
{
    int64_t n = atomic_load_explicit(&fl->tracked, memory_order_relaxed);
    return n > 0 ? (uint64_t)n : 0;
}

static inline void addr_words(const uint8_t *a, unsigned family, uint64_t *out)
{
    if (family == 4) {
        uint32_t v;
        memcpy(&v, a, 4);
        out[0] = __builtin_bswap32(v);
        return;
    }
    for (int w = 0; w < 2; w++) {
        uint64_t v;
        memcpy(&v, a + w * 8, 8);
        out[w] = __builtin_bswap64(v);
    }
}

static inline void make_key(struct fkey *k, unsigned family, uint8_t proto,
                            const uint8_t *local, const uint8_t *remote, uint16_t lport,
                            uint16_t rport)
{
    k->proto = proto;
    if (family == 4) {
        uint64_t l, r;
        addr_words(local, 4, &l);
        addr_words(remote, 4, &r);
        k->w[0] = l << 32 | r;
        k->words = 1;
    } else {
        addr_words(local, 6, k->w);
        addr_words(remote, 6, k->w + 2);
        k->words = 4;
    }
    k->ports = (uint32_t)lport << 16 | rport;
}

/* A key's hash: its address words and its ports/protocol word, mixed
 * (hash.h, eni__flow_hash2 and eni__flow_hash5). */
static inline uint64_t key_hash(const struct fkey *k)
{
    uint64_t pw = (uint64_t)k->ports << 8 | k->proto;
    if (k->words == 1)
        return eni__flow_hash2(k->w[0], pw);
    uint64_t buf[5] = {k->w[0], k->w[1], k->w[2], k->w[3], pw};
    return eni__flow_hash5(buf);
}

/* The table need not be a power of two (its size follows the allowance):
 * the home slot is the hash scaled to the capacity. */
static inline uint32_t home_slot(const struct flow_table *ft, uint64_t h)
{
    return (uint32_t)(((h >> 32) * ft->cap) >> 32);
}

static inline uint32_t next_slot(const struct flow_table *ft, uint32_t i)
{
    return i + 1 == ft->cap ? 0 : i + 1;
}

static inline struct flow_slot *slot_at(const struct flow_table *ft, uint32_t i)
{
    return (struct flow_slot *)(void *)(ft->slots + (size_t)i * ft->stride);
}

static inline bool slot_is(struct flow_slot *s, const struct fkey *k, uint32_t meta)
{
    if (!(meta & FLOW_VALID) || ((meta >> 8) & 0xff) != k->proto ||
        atomic_load_explicit(&s->ports, memory_order_relaxed) != k->ports)
        return false;
    for (uint32_t w = 0; w < k->words; w++)
        if (atomic_load_explicit(&s->key[w], memory_order_relaxed) != k->w[w])
            return false;
    return true;
}

/* A live slot holding k, or NULL. Lock-free: validated by the slot's seq. */
static inline struct flow_slot *ft_find_h(const struct flow_table *ft, const struct fkey *k,
                                          uint64_t h, uint64_t now)
{
    uint32_t i = home_slot(ft, h);
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = next_slot(ft, i)) {
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq == 0)
            return NULL; /* never used: the probe chain ends here */
        if (seq & 1)
            continue;    /* being rewritten: not this key, or not yet */
        uint32_t meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
        bool match = slot_is(s, k, meta);
        if (seq_recheck(&s->seq) != seq)
            continue;
        if (match)
            return atomic_load_explicit(&s->expires, memory_order_relaxed) > now ? s : NULL;
    }
    return NULL;
}

static inline struct flow_slot *ft_find(const struct flow_table *ft, const struct fkey *k,
                                        uint64_t now)
{
    return ft_find_h(ft, k, key_hash(k), now);
}

/* Claim a slot for k: a never-used, deleted or expired one on k's probe
 * chain. false when the chain is full. The caller checked the allowance. */
/* Would ft_insert find a slot for k now? The same probe, writing nothing:
 * explain's answer for a packet that would create a flow. */
/* Does slot s hold a flow past its deadline? (The caller vouches for the
 * read: a stable seq, or its own claim.) */
static inline bool expired_flow(struct flow_slot *s, uint64_t now)
{
    return (atomic_load_explicit(&s->meta, memory_order_relaxed) & FLOW_VALID) &&
           atomic_load_explicit(&s->expires, memory_order_relaxed) <= now;
}

static inline bool ft_has_room(const struct flow_table *ft, const struct fkey *k, uint64_t now,
                               bool reuse_only)
{
    uint32_t i = home_slot(ft, key_hash(k));
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = next_slot(ft, i)) {
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq & 1)
            continue;
        if (seq == 0 && reuse_only)
            break; /* as ft_insert: an expired flow further on must give way */
        bool valid = atomic_load_explicit(&s->meta, memory_order_relaxed) & FLOW_VALID;
        if (valid && atomic_load_explicit(&s->expires, memory_order_relaxed) > now)
            continue;
        if (reuse_only && !valid)
            continue;
        return true;
    }
    if (!reuse_only)
        return false;
    i = home_slot(ft, key_hash(k)); /* ft_evict_expired's search, writing nothing */
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = next_slot(ft, i)) {
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq != 0 && !(seq & 1) && expired_flow(s, now))
            return true;
    }
    return false;
}

/* After claiming slot `at` for a key homed at `home`: does every slot from
 * home up to it hold a flow or a cleared one, so no probe stops short of
 * `at`? A gap is a never-used slot, or one a sweep holds because it may
 * give it back (flowtab.c, give_back); another insert's claim is not one
 * (it ends as a flow, or as a cleared slot when let go). An odd seq is
 * told apart by ft->holding, then the seq is read again: the same odd
 * value means the same claim or hold, and a sweep publishes its hold
 * before taking it and withdraws it after letting go. The claim and these
 * loads are sequentially consistent, as are the sweep's hold and its look
 * along the chain: of an insert and a sweep racing over one chain, at
 * least one sees the other, and the insert tries again or the sweep keeps
 * the slot. Usually no slot to look at, or one or two already in cache. */
static inline bool chain_whole(const struct flow_table *ft, uint32_t home, uint32_t at)
{
    for (uint32_t i = home; i != at; i = next_slot(ft, i)) {
        _Atomic uint32_t *seq = &slot_at(ft, i)->seq;
        uint32_t v = atomic_load_explicit(seq, memory_order_seq_cst);
        while (v & 1) {
            bool held = atomic_load_explicit(&ft->holding, memory_order_seq_cst) == i + 1;
            uint32_t again = atomic_load_explicit(seq, memory_order_seq_cst);
            if (again == v) {
                if (held)
                    return false;
                break;
            }
            v = again;
        }
        if (v == 0)
            return false;
    }
    return true;
}

enum { INSERT_FULL, INSERT_DONE, INSERT_AGAIN };

/* One pass of ft_insert along k's chain: INSERT_AGAIN when a slot before
 * the one it claimed was never-used or held by a sweep (chain_whole),
 * after letting its claim go. */
static inline int ft_insert_pass(struct eni_flows *fl, struct flow_table *ft,
                                 const struct fkey *k, uint32_t meta, uint64_t expires,
                                 uint64_t now, bool reuse_only, uint32_t *uncounted)
{
    const uint32_t home = home_slot(ft, k->hash);
    uint32_t i = home;
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = next_slot(ft, i)) {
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq & 1)
            continue;
        /* A probe for k stops at a never-used slot: nothing past it would
         * be found. Without room to take it (at the allowance), no room. */
        if (seq == 0 && reuse_only)
            return INSERT_FULL;
        uint32_t old = atomic_load_explicit(&s->meta, memory_order_relaxed);
        bool valid = old & FLOW_VALID;
        if (valid && atomic_load_explicit(&s->expires, memory_order_relaxed) > now)
            continue;
        if (reuse_only && !valid)
            continue; /* at the allowance: only an expired flow's slot may be taken */
        if (!atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1,
                                                     memory_order_seq_cst, memory_order_relaxed))
            continue; /* another writer got it */
        if (!chain_whole(ft, home, i)) {
            /* A probe for k might stop before this slot: let it go,
             * unchanged but never never-used again (no claim ever makes
             * a gap in another insert's chain). */
            atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
            return INSERT_AGAIN;
        }
        /* Re-read under the claim: the slot may have changed before the CAS. */
        old = atomic_load_explicit(&s->meta, memory_order_relaxed);
        valid = old & FLOW_VALID;
        atomic_store_explicit(&s->ports, k->ports, memory_order_relaxed);
        for (uint32_t w = 0; w < k->words; w++)
            atomic_store_explicit(&s->key[w], k->w[w], memory_order_relaxed);
        atomic_store_explicit(&s->pkts, 1, memory_order_relaxed);
        atomic_store_explicit(&s->expires, expires, memory_order_relaxed);
        atomic_store_explicit(&s->meta, meta, memory_order_relaxed);
        atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
        if (valid)
            return INSERT_DONE;
        if (uncounted)
            ++*uncounted;
        else
            atomic_fetch_add_explicit(&fl->tracked, 1, memory_order_relaxed);
        return INSERT_DONE;
    }
    return INSERT_FULL;
}

/* At the allowance, a new flow may take an expired flow's place (lazy
 * expiry, section 5.5), but k's probe ended at a never-used slot before
 * reaching one: clear the first expired flow within MAX_PROBE of home
 * instead (as a sweep would), so k can take a slot its probe finds and
 * the count stays. false when there is none. */
static inline bool ft_evict_expired(struct eni_flows *fl, struct flow_table *ft,
                                    const struct fkey *k, uint64_t now)
{
    uint32_t i = home_slot(ft, k->hash);
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = next_slot(ft, i)) {
        struct flow_slot *s = slot_at(ft, i);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq == 0 || (seq & 1) || !expired_flow(s, now) ||
            !atomic_compare_exchange_strong_explicit(&s->seq, &seq, seq + 1,
                                                     memory_order_acq_rel, memory_order_relaxed))
            continue;
        /* under the claim: still an expired flow? (an insert may have renewed it) */
        bool gone = expired_flow(s, now);
        if (gone)
            atomic_store_explicit(&s->meta, 0, memory_order_relaxed);
        atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
        if (gone) {
            atomic_fetch_sub_explicit(&fl->tracked, 1, memory_order_relaxed);
            return true;
        }
    }
    return false;
}

static inline bool ft_insert(struct eni_flows *fl, struct flow_table *ft, const struct fkey *k,
                             uint32_t meta, uint64_t expires, uint64_t now, bool reuse_only,
                             uint32_t *uncounted)
{
    int r;
    /* again only after a slot on the chain was given back or let go */
    while ((r = ft_insert_pass(fl, ft, k, meta, expires, now, reuse_only, uncounted)) ==
           INSERT_AGAIN)
        ;
    if (r == INSERT_FULL && reuse_only && ft_evict_expired(fl, ft, k, now))
        return ft_insert(fl, ft, k, meta, expires, now, false, uncounted);
    return r == INSERT_DONE;
}

#endif
