/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building a security-group set into the classifier (classify.h), on the
 * control path under the ctx lock; matching packets against it is
 * classify.c's job. Security groups only allow, so rules commute: the answer
 * for a packet is one bit, and rules with the same protocol and port range
 * (or ICMP type and code) are merged into one sorted set of address
 * intervals. Each keyed protocol whose rules name keys gets a key index
 * (keyidx.c); every protocol number gets the union of its all-key rules and
 * the all-protocol ones, so no packet scans the rules. Group references
 * become the private addresses of the group's members and the prefixes
 * delegated to them, local and reported by other hosts; prefix lists become
 * their entries (eni__rule_peer_visit, which explain shares). The unmerged
 * rules are kept too, indexed by protocol, to name the rule that allowed a
 * packet when the caller asks. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "ivset.h"
#include "model/model.h"

static int kind_of(int proto)
{
    if (proto == 6 || proto == 17)
        return CLS_PORTS;
    if (proto == 1 || proto == 58)
        return CLS_ICMP;
    return CLS_ANY;
}

/* The intervals of addresses a rule's peer covers in one family, one at a
 * time to fn: what the classifier compiles and what explain (closest.c)
 * tests a remote address against, so the two cannot disagree. Stops at the
 * first interval for which fn returns true, and then returns true. */
bool eni__rule_peer_visit(eni_ctx *ctx, const struct eni_sg_rule *r, unsigned family,
                          eni_peer_iv_fn fn, void *ud)
{
    if (r->peer_kind == ENI_PEER_CIDR) {
        if (r->cidr.addr.family == family)
            return fn(eni__iv_prefix(&r->cidr), ud);
    } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
        struct eni_prefix_list *pl;
        if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK &&
            pl->family == family)
            for (uint32_t i = 0; i < pl->entry_count; i++)
                if (fn(eni__iv_prefix(&pl->entries[i]), ud))
                    return true;
    } else {
        /* A referenced group matches the private addresses of its members (section 4.4). */
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, nic)
        {
            bool member = false;
            for (uint32_t g = 0; g < nic->group_count; g++)
                member |= nic->groups[g] == r->peer;
            if (!member)
                continue;
            if (family == 4) {
                for (uint32_t i = 0; i < nic->v4_count; i++) {
                    eni_addr a = eni__addr_from_v4(nic->v4[i]);
                    if (fn(eni__iv_point(a.b, 4), ud))
                        return true;
                }
                /* ... and their delegated prefixes (section 1.8, decisions.md D35) */
                for (uint32_t i = 0; i < nic->p4_count; i++)
                    if (fn(eni__iv_prefix(&(eni_prefix){eni__addr_from_v4(nic->p4[i]), 28}), ud))
                        return true;
            } else {
                for (uint32_t i = 0; i < nic->v6_count; i++) {
                    eni_addr a = eni__addr_from_v6(nic->v6[i].hi, nic->v6[i].lo);
                    if (fn(eni__iv_point(a.b, 6), ud))
                        return true;
                }
                for (uint32_t i = 0; i < nic->p6_count; i++)
                    if (fn(eni__iv_prefix(&(eni_prefix){
                               eni__addr_from_v6(nic->p6[i].hi, nic->p6[i].lo), 80}),
                           ud))
                        return true;
            }
        }
        /* ... wherever they run: members other hosts reported (sg_remote.c). */
        struct eni_sg *peer;
        if (eni__registry_peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer) != ENI_OK)
            return false;
        for (uint32_t s = 0; s < peer->remote_count; s++) {
            const struct eni_remote_set *set = &peer->remote[s];
            uint32_t n = family == 4 ? set->n4 : set->n6;
            for (uint32_t i = 0; i < n; i++) {
                eni_addr a = family == 4 ? eni__addr_from_v4(set->v4[i])
                                         : eni__addr_from_v6(set->v6[i].hi, set->v6[i].lo);
                if (fn(eni__iv_point(a.b, family), ud))
                    return true;
            }
            /* ... their delegated prefixes too, whole, as for local members (D35) */
            n = family == 4 ? set->np4 : set->np6;
            for (uint32_t i = 0; i < n; i++)
                if (fn(eni__iv_prefix(&(eni_prefix){
                           family == 4 ? eni__addr_from_v4(set->p4[i])
                                       : eni__addr_from_v6(set->p6[i].hi, set->p6[i].lo),
                           family == 4 ? 28 : 80}),
                       ud))
                    return true;
        }
    }
    return false;
}

struct push_ctx {
    eni_ctx *ctx;
    struct ivvec *out;
};

static bool push_iv(struct cls_iv iv, void *ud)
{
    struct push_ctx *pc = ud;
    eni__ivpush(pc->ctx, pc->out, iv);
    return false; /* every one */
}

/* Collect the peer intervals of one rule for one family. */
static void peer_intervals(eni_ctx *ctx, const struct eni_sg_rule *r, unsigned family,
                           struct ivvec *out)
{
    eni__rule_peer_visit(ctx, r, family, push_iv, &(struct push_ctx){ctx, out});
}

static bool same_keys(const struct cls_entry *e, const struct cls_rule *r)
{
    return e->proto == r->proto && e->from == r->from && e->to == r->to;
}

static uint32_t keys_hash(const struct cls_rule *r)
{
    uint64_t k = (uint64_t)(uint16_t)r->proto << 40 ^ (uint64_t)(uint32_t)r->from << 20 ^
                 (uint32_t)r->to;
    return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32);
}

void eni__entry_merge(eni_ctx *ctx, struct cls_table *t, struct cls_entry *e)
{
    if (!e->merged)
        e->n_iv = eni__iv_merge(ctx, t->iv + e->first_iv, e->n_iv);
    e->merged = 1;
}

/* Entries: rules with equal (proto, from, to) share one set, in the order
 * of their first rules. Rules are grouped through a hash table of their
 * keys (a sort of the rules by key was a third of publishing a set of 1000
 * CIDR rules), each entry's intervals copied after the last one's; an
 * entry of one rule has that rule's merged set, one of more is merged
 * when it is needed (eni__entry_merge). all_iv: the rules' intervals in
 * all. */
static bool group_entries(eni_ctx *ctx, const struct cls_rule *rules, uint32_t n_rules,
                          const struct cls_iv *rule_iv, uint32_t all_iv,
                          struct cls_entry **entries_out, uint32_t *n_entries_out,
                          struct cls_iv **iv_out, uint32_t *n_iv_out)
{
    uint32_t n_slots = 16;
    while (n_slots < 2 * n_rules)
        n_slots *= 2;
    struct cls_entry *entries = eni__calloc(ctx, n_rules, sizeof *entries);
    struct cls_iv *iv = eni__calloc(ctx, all_iv ? all_iv : 1, sizeof *iv);
    uint32_t *slot = eni__calloc(ctx, n_slots, sizeof *slot); /* entry + 1, 0 free */
    uint32_t *entry_of = eni__calloc(ctx, n_rules, sizeof *entry_of);
    uint32_t *n_parts = eni__calloc(ctx, n_rules, sizeof *n_parts); /* rules per entry */
    bool ok = entries && iv && slot && entry_of && n_parts;
    uint32_t n_entries = 0, n_iv = 0;
    for (uint32_t i = 0; ok && i < n_rules; i++) {
        const struct cls_rule *r = &rules[i];
        uint32_t h = keys_hash(r) & (n_slots - 1);
        while (slot[h] && !same_keys(&entries[slot[h] - 1], r))
            h = (h + 1) & (n_slots - 1);
        if (!slot[h]) {
            struct cls_entry *ne = &entries[n_entries];
            *ne = (struct cls_entry){.proto = r->proto, .kind = r->kind, .from = r->from,
                                     .to = r->to};
            ne->all_keys = ne->proto == -1 ||
                           !eni__cls_key_range(ne->kind, ne->from, ne->to, &ne->klo, &ne->khi);
            slot[h] = ++n_entries;
        }
        struct cls_entry *e = &entries[slot[h] - 1];
        entry_of[i] = slot[h] - 1;
        e->open |= r->open;
        e->n_iv += r->n_iv; /* for now: how many intervals its rules have */
        n_parts[slot[h] - 1]++;
    }
    for (uint32_t e = 0; ok && e < n_entries; e++) {
        entries[e].first_iv = n_iv;
        n_iv += entries[e].n_iv;
        entries[e].n_iv = 0; /* now: how many are copied */
    }
    for (uint32_t i = 0; ok && i < n_rules; i++) {
        struct cls_entry *e = &entries[entry_of[i]];
        memcpy(iv + e->first_iv + e->n_iv, rule_iv + rules[i].first_iv,
               (size_t)rules[i].n_iv * sizeof *iv);
        e->n_iv += rules[i].n_iv;
    }
    for (uint32_t e = 0; ok && e < n_entries; e++)
        entries[e].merged = n_parts[e] == 1;
    eni__free(ctx, slot);
    eni__free(ctx, entry_of);
    eni__free(ctx, n_parts);
    if (!ok) {
        eni__free(ctx, entries);
        eni__free(ctx, iv);
        return false;
    }
    *entries_out = entries;
    *n_entries_out = n_entries;
    *iv_out = iv;
    *n_iv_out = n_iv;
    return true;
}

/* A group or prefix list some rule of the table has as its peer (its id
 * names its kind too), and where that rule's merged intervals are in the
 * table's rule intervals. */
struct shared_peer {
    uint64_t peer;
    uint32_t first_iv, n_iv;
};

static const struct shared_peer *find_peer(const struct shared_peer *seen, uint32_t n,
                                           const struct eni_sg_rule *r)
{
    if (r->peer_kind == ENI_PEER_CIDR)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (seen[i].peer == r->peer)
            return &seen[i];
    return NULL;
}

static bool remember_peer(eni_ctx *ctx, struct shared_peer **seen, uint32_t *n, uint32_t *cap,
                          const struct eni_sg_rule *r, uint32_t first_iv, uint32_t n_iv)
{
    if (*n == *cap) {
        uint32_t c = *cap ? *cap * 2 : 16;
        struct shared_peer *v = eni__realloc_array(ctx, *seen, c, sizeof *v);
        if (!v)
            return false;
        *seen = v;
        *cap = c;
    }
    (*seen)[(*n)++] = (struct shared_peer){r->peer, first_iv, n_iv};
    return true;
}

static bool build_table(eni_ctx *ctx, const uint64_t *groups, uint32_t ngroups, unsigned d,
                        unsigned family, struct cls_table *t)
{
    struct ivvec rule_iv = {0}, tmp = {0};
    struct cls_rule *rules = NULL;
    uint32_t n_rules = 0, cap_rules = 0;
    /* Rules with the same group or prefix list as peer share one merged
     * copy of its intervals: a group of hundreds of members referenced by
     * hundreds of rules was gathered and sorted once per rule. */
    struct shared_peer *seen = NULL;
    uint32_t n_seen = 0, cap_seen = 0;
    uint64_t all_iv = 0; /* the rules' intervals, shared ones counted for each rule */
    bool ok = true;
    for (uint32_t g = 0; g < ngroups && ok; g++) {
        struct eni_sg *sg;
        if (eni__registry_peek(ctx, ENI_KIND_SG, groups[g], (void **)&sg) != ENI_OK)
            continue;
        const struct eni_rule_vec *vec = &sg->rules[d];
        for (uint32_t i = 0; i < vec->count && ok; i++) {
            const struct eni_sg_rule *r = vec->v[i];
            const struct shared_peer *sp = find_peer(seen, n_seen, r);
            tmp.n = 0;
            if (!sp)
                peer_intervals(ctx, r, family, &tmp);
            if (tmp.nomem) {
                ok = false;
                break;
            }
            if (sp ? sp->n_iv == 0 : tmp.n == 0)
                continue;
            if (n_rules == cap_rules) {
                uint32_t cap = cap_rules ? cap_rules * 2 : 16;
                struct cls_rule *nr = eni__realloc_array(ctx, rules, cap, sizeof *nr);
                if (!nr) {
                    ok = false;
                    break;
                }
                rules = nr;
                cap_rules = cap;
            }
            struct cls_rule *cr = &rules[n_rules++];
            cr->proto = r->protocol;
            cr->kind = (uint8_t)kind_of(r->protocol);
            cr->open = r->peer_kind == ENI_PEER_CIDR && r->cidr.len == 0;
            cr->from = r->from_port;
            cr->to = r->to_port;
            cr->first_iv = rule_iv.n;
            cr->group = sg->id;
            cr->rule = r->id;
            if (sp) {
                cr->first_iv = sp->first_iv;
                cr->n_iv = sp->n_iv;
            } else {
                for (uint32_t k = 0; k < tmp.n; k++)
                    eni__ivpush(ctx, &rule_iv, tmp.v[k]);
                cr->n_iv = rule_iv.nomem ? 0 : eni__iv_merge(ctx, rule_iv.v + cr->first_iv, tmp.n);
                rule_iv.n = cr->first_iv + cr->n_iv;
                ok = !rule_iv.nomem &&
                     (r->peer_kind == ENI_PEER_CIDR ||
                      remember_peer(ctx, &seen, &n_seen, &cap_seen, r, cr->first_iv, cr->n_iv));
            }
            all_iv += cr->n_iv;
        }
    }
    eni__free(ctx, tmp.v);
    eni__free(ctx, seen);
    if (all_iv > UINT32_MAX)
        ok = false; /* more intervals than a table indexes */

    struct cls_entry *entries = NULL;
    struct cls_iv *iv = NULL;
    uint32_t n_entries = 0, n_iv = 0;
    if (ok && n_rules)
        ok = group_entries(ctx, rules, n_rules, rule_iv.v, (uint32_t)all_iv, &entries,
                           &n_entries, &iv, &n_iv);
    if (!ok) {
        eni__free(ctx, entries);
        eni__free(ctx, iv);
        eni__free(ctx, rules);
        eni__free(ctx, rule_iv.v);
        return false;
    }
    t->entries = entries;
    t->n_entries = n_entries;
    t->iv = iv;
    t->n_iv = n_iv;
    t->rules = rules;
    t->n_rules = n_rules;
    t->rule_iv = rule_iv.v;
    t->n_rule_iv = rule_iv.n;
    return true;
}

/* Section 5.2 (b): a rule in the other direction allowing all addresses on
 * all ports of the protocol. */
static uint8_t all_open(const struct cls_table *t, int proto)
{
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        if (r->open && (r->proto == -1 || (r->proto == proto && r->from == 0 && r->to == 65535)))
            return 1;
    }
    return 0;
}

/* Up to this many entries a table is scanned rather than indexed: a scan
 * of so few is as fast as the index, and saves its 128 KiB. */
enum { CLS_SCAN_MAX_ENTRIES = 4 };

static bool all_keys(const struct cls_entry *e)
{
    uint32_t lo, hi;
    return e->proto == -1 || !eni__cls_key_range(e->kind, e->from, e->to, &lo, &hi);
}

/* One protocol's set: the union of its all-key rules (proto >= 0) and the
 * all-protocol rules (set 0, `all`, built first), appended to out. Rules,
 * not entries: rules with the same group or prefix list share one set
 * (same first_iv), taken once (marked in `seen` with this call's stamp),
 * where entries held copies of it merged with others. The protocol's own
 * sets are merged first and then with set 0 in one pass: merged together
 * as runs, set 0 (the largest, often) was copied again at every level. */
static bool proto_set(eni_ctx *ctx, const struct cls_table *t, int proto, const struct cls_seg *all,
                      uint32_t *seen, struct ivvec *tmp, struct ivvec *out, struct cls_seg *seg)
{
    uint32_t stamp = (uint32_t)(proto + 2), lo, hi;
    tmp->n = 0;
    seg->open = all ? all->open : 0;
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        if (r->proto != proto || (proto != -1 && eni__cls_key_range(r->kind, r->from, r->to,
                                                                    &lo, &hi)))
            continue;
        seg->open |= r->open;
        if (seen[r->first_iv] == stamp)
            continue;
        seen[r->first_iv] = stamp;
        if (eni__ivreserve(ctx, tmp, r->n_iv)) {
            memcpy(tmp->v + tmp->n, t->rule_iv + r->first_iv, (size_t)r->n_iv * sizeof *tmp->v);
            tmp->n += r->n_iv;
        }
    }
    uint32_t n_all = all ? all->n_iv : 0;
    /* room for both first: set 0's intervals (in out) stay where they are */
    if (tmp->nomem || (uint64_t)tmp->n + n_all > UINT32_MAX ||
        !eni__ivreserve(ctx, out, tmp->n + n_all))
        return false;
    uint32_t own = eni__iv_merge(ctx, tmp->v, tmp->n);
    seg->first_iv = out->n;
    eni__iv_union2(ctx, out, n_all ? out->v + all->first_iv : NULL, n_all, tmp->v, own);
    seg->n_iv = out->n - seg->first_iv;
    return !out->nomem;
}

/* The bucket indexes of the large per-protocol sets a lookup reads
 * (jump.h), once the key indexes are built: a keyed protocol with a key
 * index (or scanned) never reads its set, which its key index holds. */
static bool jump_psets(eni_ctx *ctx, struct cls_table *t, unsigned family)
{
    bool read[257] = {false}, large = false; /* n_psets <= 257 */
    for (int proto = 0; proto < 256; proto++) {
        int slot = eni__cls_keyed_slot(proto);
        if (slot < 0 || (!(t->scan_keyed >> slot & 1) && !t->keyed[slot]))
            read[t->pset_of_proto[proto]] = true;
    }
    for (uint32_t i = 0; i < t->n_psets; i++)
        large |= read[i] && t->psets[i].n_iv >= JUMP_MIN_INTERVALS;
    if (!large)
        return true;
    t->pjump = eni__calloc(ctx, t->n_psets, sizeof *t->pjump);
    if (!t->pjump)
        return false;
    for (uint32_t i = 0; i < t->n_psets; i++) {
        const struct cls_seg *s = &t->psets[i];
        if (!read[i] || s->n_iv < JUMP_MIN_INTERVALS)
            continue;
        /* A set equal to the all-protocol set (its protocol's own rules
         * add nothing to it) borrows that set's index, built first. */
        const struct cls_seg *s0 = &t->psets[0];
        bool built0 = t->pjump[0].el4 || t->pjump[0].el6;
        if (i > 0 && built0 && s->n_iv == s0->n_iv &&
            !memcmp(t->piv + s->first_iv, t->piv + s0->first_iv, s->n_iv * sizeof *t->piv)) {
            t->pjump[i] = t->pjump[0];
            t->pjump[i].borrowed = 1;
            continue;
        }
        if (eni__jump_build(ctx, &t->pjump[i], t->piv + s->first_iv, s->n_iv, family) < 0)
            return false;
    }
    return true;
}

/* The per-protocol sets: set 0 for protocols no rule names, one more per
 * protocol number some entry names. */
static bool build_psets(eni_ctx *ctx, struct cls_table *t, unsigned family)
{
    bool named[256] = {false};
    uint32_t n = 1;
    for (uint32_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].proto >= 0 && !named[t->entries[i].proto]) {
            named[t->entries[i].proto] = true;
            n++;
        }
    t->psets = eni__calloc(ctx, n, sizeof *t->psets);
    if (!t->psets)
        return false;
    struct ivvec tmp = {0}, out = {0};
    uint32_t *seen = eni__calloc(ctx, (size_t)t->n_rule_iv + 1, sizeof *seen);
    bool ok = seen && proto_set(ctx, t, -1, NULL, seen, &tmp, &out, &t->psets[0]);
    t->n_psets = 1;
    for (int proto = 0; ok && proto < 256; proto++) {
        if (!named[proto])
            continue;
        t->pset_of_proto[proto] = (uint16_t)t->n_psets;
        ok = proto_set(ctx, t, proto, &t->psets[0], seen, &tmp, &out, &t->psets[t->n_psets++]);
    }
    eni__free(ctx, seen);
    eni__free(ctx, tmp.v);
    t->piv = out.v;
    t->n_piv = out.n;
    if (ok && family == 4 && out.n) {
        t->piv4 = eni__calloc(ctx, out.n, sizeof *t->piv4);
        ok = t->piv4 != NULL;
        for (uint32_t k = 0; ok && k < out.n; k++)
            t->piv4[k] = (struct cls_iv4){(uint32_t)out.v[k].lo_lo, (uint32_t)out.v[k].hi_lo};
    }
    return ok;
}

/* Which rule-naming slot a rule belongs to: its keyed protocol's, the
 * others', or (all protocols) every slot. */
static bool rule_in_slot(const struct cls_rule *r, uint32_t k)
{
    if (r->proto == -1)
        return true;
    int slot = eni__cls_keyed_slot(r->proto);
    return (uint32_t)(slot >= 0 ? slot : CLS_N_KEYED) == k;
}

static bool build_by_proto(eni_ctx *ctx, struct cls_table *t)
{
    uint32_t total = 0;
    for (uint32_t k = 0; k <= CLS_N_KEYED; k++)
        for (uint32_t i = 0; i < t->n_rules; i++)
            total += rule_in_slot(&t->rules[i], k);
    t->by_proto = total ? eni__calloc(ctx, total, sizeof *t->by_proto) : NULL;
    if (total && !t->by_proto)
        return false;
    uint32_t at = 0;
    for (uint32_t k = 0; k <= CLS_N_KEYED; k++) {
        t->by_proto_first[k] = at;
        for (uint32_t i = 0; i < t->n_rules; i++)
            if (rule_in_slot(&t->rules[i], k))
                t->by_proto[at++] = i;
    }
    t->by_proto_first[CLS_N_KEYED + 1] = at;
    return true;
}

static const int keyed_proto[CLS_N_KEYED] = {6, 17, 1, 58};

/* The entries' intervals as 32-bit ones, for the scan of a small IPv4
 * table (classify.h, eni__cls_scan4). */
static bool scan_intervals4(eni_ctx *ctx, struct cls_table *t)
{
    t->iv4 = eni__calloc(ctx, t->n_iv ? t->n_iv : 1, sizeof *t->iv4);
    if (!t->iv4)
        return false;
    for (uint32_t k = 0; k < t->n_iv; k++)
        t->iv4[k] = (struct cls_iv4){(uint32_t)t->iv[k].lo_lo, (uint32_t)t->iv[k].hi_lo};
    return true;
}

/* Everything packets are matched through, from the table's entries. */
static bool index_table(eni_ctx *ctx, struct cls_table *t, unsigned family)
{
    if (!build_psets(ctx, t, family) || !build_by_proto(ctx, t))
        return false;
    uint8_t indexed = 0; /* the keyed protocols that get a key index */
    for (int k = 0; k < CLS_N_KEYED; k++) {
        bool names_keys = false;
        for (uint32_t i = 0; i < t->n_entries && !names_keys; i++)
            names_keys = t->entries[i].proto == keyed_proto[k] && !all_keys(&t->entries[i]);
        if (!names_keys)
            continue; /* its set in psets answers */
        if (t->n_entries <= CLS_SCAN_MAX_ENTRIES) {
            t->scan_keyed |= (uint8_t)(1u << k);
            for (uint32_t i = 0; i < t->n_entries; i++) /* the scan searches them */
                eni__entry_merge(ctx, t, &t->entries[i]);
        } else {
            indexed |= (uint8_t)(1u << k);
        }
    }
    if (t->scan_keyed && family == 4 && !scan_intervals4(ctx, t))
        return false;
    if (!eni__keyidx_share(ctx, t, family, indexed))
        return false;
    for (int k = 0; k < CLS_N_KEYED; k++)
        if ((indexed >> k & 1) && !eni__keyidx_build(ctx, t, keyed_proto[k], family, &t->keyed[k]))
            return false;
    return jump_psets(ctx, t, family);
}

static void table_free(eni_ctx *ctx, struct cls_table *t)
{
    for (int k = 0; k < CLS_N_KEYED; k++)
        eni__keyidx_free(ctx, t->keyed[k]);
    eni__elem4_free(ctx, t->pieces4);
    eni__elem6_free(ctx, t->pieces6);
    eni__free(ctx, t->psets);
    eni__free(ctx, t->piv);
    eni__free(ctx, t->piv4);
    for (uint32_t i = 0; t->pjump && i < t->n_psets; i++)
        eni__jump_free(ctx, &t->pjump[i]);
    eni__free(ctx, t->pjump);
    eni__free(ctx, t->by_proto);
    eni__free(ctx, t->entries);
    eni__free(ctx, t->iv);
    eni__free(ctx, t->iv4);
    eni__free(ctx, t->rules);
    eni__free(ctx, t->rule_iv);
}

void eni__ruleset_free(eni_ctx *ctx, struct eni_ruleset *rs)
{
    if (!rs || --rs->refs > 0)
        return;
    for (int d = 0; d < 2; d++)
        for (int f = 0; f < 2; f++)
            table_free(ctx, &rs->t[d][f]);
    eni__free(ctx, rs);
}

struct eni_ruleset *eni__ruleset_build(eni_ctx *ctx, const uint64_t *groups, uint32_t n)
{
    struct eni_ruleset *rs = eni__calloc(ctx, 1, sizeof *rs);
    if (!rs)
        return NULL;
    rs->refs = 1;
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++)
            if (!build_table(ctx, groups, n, d, f ? 6 : 4, &rs->t[d][f]) ||
                !index_table(ctx, &rs->t[d][f], f ? 6 : 4)) {
                eni__ruleset_free(ctx, rs);
                return NULL;
            }
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++) {
            rs->t[d][f].reverse_open[0] = all_open(&rs->t[1 - d][f], 6);
            rs->t[d][f].reverse_open[1] = all_open(&rs->t[1 - d][f], 17);
        }
    return rs;
}
