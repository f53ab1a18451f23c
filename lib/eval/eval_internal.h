/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The evaluator's private layout, and the umbrella every file of lib/eval
 * (and the tests and bench/ that reach inside) includes: the classifier
 * (classify.h), the flow table (flowtab.h), the published snapshot, the
 * per-interface dp state, the ctx's evaluator state, and each file's
 * functions. lib/eval reads only published, immutable snapshots of what the
 * model says about an interface (its addresses, compiled rules, timeouts)
 * and its own flow table; it never takes the ctx lock on the packet path,
 * which goes api.c -> engine.c -> classify.c / flowtab.h. The control path
 * compiles rules (compile.c), republishes snapshots after every model change
 * (publish.c) and frees old ones only when no worker can still hold them
 * (qsbr.c). */
#ifndef ENI_EVAL_INTERNAL_H
#define ENI_EVAL_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/ctx_internal.h"
#include "eni/eval.h"
#include "acl.h"
#include "classify.h"
#include "flowtab.h"

/* For the packet path's helpers, which must be inlined in the loops that
 * call them (the compiler's own budget left some out once the burst loop
 * was instantiated twice, which cost instructions on every packet). */
#define ENI__HOT static inline __attribute__((always_inline))

/* ---- per-interface snapshot --------------------------------------------- */

struct eni_snap {
    uint64_t nic;
    uint8_t attached;
    uint8_t sdc;
    uint32_t tcp_established_s, udp_stream_s, udp_s;
    uint32_t n_v4, n_v6;
    uint32_t *v4;              /* own private IPv4, host order, sorted */
    struct cls_iv *v6;         /* own IPv6 as point intervals, sorted */
    uint32_t vpc_dns_v4;       /* VPC base + 2 (the Amazon DNS resolver) */
    struct eni_ruleset *rules; /* owned by this snapshot */
    struct eni_acl_snap *acl;  /* the subnet's network ACL (acl.h), owned; NULL: none */
    uint32_t n_p4, n_p6;       /* delegated prefixes: own addresses too (section 1.8) */
    uint32_t *p4;              /* IPv4 /28s: first address, host order */
    struct cls_iv *p6;         /* IPv6 /80s as intervals */
};

/* ---- per-interface dp state ---------------------------------------------- */

/* The conntrack allowance of an interface until it is set. */
enum { ENI_EVAL_DEFAULT_ALLOWANCE = 16384 };

struct eni_nic_dp {
    uint64_t nic;                       /* id of the interface */
    _Atomic(struct eni_snap *) snap;
    _Atomic(struct eni_flows *) flows;
    _Atomic uint64_t allowance_exceeded;
    struct eni_nic_dp *next;            /* the ctx's list of dp states */
};

/* ---- workers and reclamation ------------------------------------------- */

/* Something waiting for every worker to be quiescent before it is freed. */
struct eni_retired {
    struct eni_retired *next;
    uint64_t epoch;
    void (*free_fn)(eni_ctx *ctx, void *p);
    void *p;
};

/* Workers are written on every packet by their own thread only; the pads
 * keep two workers from ever sharing a cache line (false sharing would
 * serialise threads that share nothing else). */
struct eni_eval_worker {
    char pad0[64];
    eni_ctx *ctx;
    _Atomic uint64_t epoch;    /* epoch of the burst in progress, 0 when quiescent */
    eni_eval_counters counters;
    struct eni_eval_worker *next;
    char pad1[64];
};

/* ---- the ctx's evaluator state ------------------------------------------ */

/* The directory maps an interface's slot to its
 * dp state without locks: chunks are allocated once and never move. */
enum { DIR_CHUNK_BITS = 12, DIR_CHUNK = 1u << DIR_CHUNK_BITS, DIR_TOP = 4096 };

struct eni_eval {
    _Atomic(_Atomic(struct eni_nic_dp *) *) dir[DIR_TOP];
    struct eni_nic_dp *dps;          /* all dp states (control path) */
    struct eni_eval_worker *workers; /* control path */
    _Atomic uint64_t epoch;          /* global epoch, starts at 1 */
    struct eni_retired *retired;
    uint64_t seen_version;           /* model version last republished */
};

struct eni_nic;

/* ---- functions, by file -------------------------------------------------- */

/* Lifecycle (eval.c): the ctx layer. */
int eni__eval_init(eni_ctx *ctx);
void eni__eval_fini(eni_ctx *ctx);

/* Publication (publish.c). */
/* The dp state of an interface, or NULL; never creates one (any thread). */
struct eni_nic_dp *eni__eval_dp_lookup(const eni_ctx *ctx, uint64_t nic);
/* The dp state of a live interface, created if needed (control path). */
int eni__eval_dp_get(eni_ctx *ctx, uint64_t nic, struct eni_nic_dp **out);
void eni__dp_free(eni_ctx *ctx, void *dp);
/* A snapshot of the interface as the model says now; its rules are
 * `shared` (one more reference taken) when not NULL, else compiled. */
struct eni_snap *eni__eval_snapshot(eni_ctx *ctx, const struct eni_nic *nic,
                                    struct eni_ruleset *shared);
void eni__snap_free(eni_ctx *ctx, void *snap);
void eni__eval_republish(eni_ctx *ctx);

/* Network ACLs (acl.c), control path. */
/* The interface's subnet's ACL as tables; *out NULL when there is none.
 * ENI_OK or ENI_ENOMEM (not recorded). */
int eni__acl_snap_build(eni_ctx *ctx, const struct eni_nic *nic, struct eni_acl_snap **out);
/* The bytes of the one block eni__acl_snap_build allocates for `count` entries. */
size_t eni__acl_snap_size(uint32_t count);
/* explain's sentence for a packet the ACL denied: the ACL, the rule number
 * and what it says. snprintf's return. */
int eni__acl_explain(eni_ctx *ctx, const struct eni_acl_snap *a, unsigned dir, const eni_pkt *p,
                     char *text, size_t len);

/* What one interface's evaluator structures take (memory.c, for
 * eni_nic_get_eval_memory): the bytes of their arrays. */
uint64_t eni__ruleset_bytes(const struct eni_ruleset *rs);
uint64_t eni__acl_snap_bytes(const struct eni_acl_snap *a);
uint64_t eni__flows_bytes(const struct eni_flows *fl);
uint64_t eni__snap_own_bytes(const struct eni_snap *s);

/* Conntrack budgets (budget.c), control path under the ctx lock. */
struct eni_instance;
/* The instance's conntrack allowance (its own or the default). */
uint32_t eni__instance_budget(const struct eni_instance *inst);
/* Give dp's flow tables room for `allowance` flows (carrying flows over). */
int eni__flows_resize(eni_ctx *ctx, struct eni_nic_dp *dp, uint32_t allowance);
/* Re-divide the budget of one instance (or of all, with 0) into shares. */
void eni__conntrack_rebalance(eni_ctx *ctx, uint64_t only_instance);
/* An instance's flows summed over its interfaces, what is left of its
 * budget, and its interfaces' allowance-exceeded drops (any may be NULL). */
int eni__instance_conntrack(eni_ctx *ctx, uint64_t instance, uint64_t *tracked,
                            uint64_t *available, uint64_t *exceeded);

/* Reclamation (qsbr.c), control path under the ctx lock. */
void eni__eval_retire(eni_ctx *ctx, void *p, void (*free_fn)(eni_ctx *, void *));
void eni__eval_reclaim(eni_ctx *ctx);

/* Rules (compile.c); matching them is classify.h's. */
/* A ruleset holding one reference. */
struct eni_ruleset *eni__ruleset_build(eni_ctx *ctx, const uint64_t *groups, uint32_t n);
/* Drop one reference; the last one frees it. */
void eni__ruleset_free(eni_ctx *ctx, struct eni_ruleset *rs);
/* The address intervals a rule's peer covers in family (4 or 6): a CIDR, a
 * prefix list's entries, or a group's members' private addresses and
 * delegated prefixes, local and remote (sg_remote.c). Each goes to fn in
 * turn until fn returns true; returns whether one did. The classifier
 * compiles exactly these, and explain (closest.c) tests a peer with them.
 * Under the ctx lock. */
struct eni_sg_rule;
typedef bool (*eni_peer_iv_fn)(struct cls_iv iv, void *ud);
bool eni__rule_peer_visit(eni_ctx *ctx, const struct eni_sg_rule *r, unsigned family,
                          eni_peer_iv_fn fn, void *ud);
/* The key index of keyed protocol `proto` of table t (keyidx.c); *out is
 * NULL when no rule of the protocol names keys. It may merge t's entries
 * (eni__entry_merge). False on allocation failure. */
bool eni__keyidx_build(eni_ctx *ctx, struct cls_table *t, int proto, unsigned family,
                       struct cls_keys **out);
/* Before the key indexes of t (family 4 or 6) are built, for the keyed
 * protocols whose bit is set in `keyed` (CLS_KEY_*): when their address
 * sets are mostly the same (group references: the all-protocol rules
 * bring every group into each), one sorted set of cuts and its lookup for
 * them all, t->pieces4 or t->pieces6, so each index fills only its rows.
 * False on allocation failure. */
bool eni__keyidx_share(eni_ctx *ctx, struct cls_table *t, unsigned family, uint8_t keyed);
/* Merge entry e of t's intervals, if they are not yet (compile.c). */
void eni__entry_merge(eni_ctx *ctx, struct cls_table *t, struct cls_entry *e);
void eni__keyidx_free(eni_ctx *ctx, struct cls_keys *K);

/* Flow tables (flowtab.c), control path; the probe is flowtab.h's. */
struct eni_flows *eni__flows_new(eni_ctx *ctx, uint32_t allowance, bool v6);
/* Give the interface a full IPv6 table (control path, before a snapshot
 * that lets IPv6 traffic in is published). ENI_ENOMEM leaves it as it was. */
int eni__flows_enable_v6(eni_ctx *ctx, struct eni_flows *fl);
void eni__flows_free(eni_ctx *ctx, void *flows);
/* No flows, at the default allowance: what queries read for an interface
 * without dp state. Shared and read-only: never insert into it. */
struct eni_flows *eni__flows_empty(void);
/* Visit every slot holding a flow; the callback may clear it (returns true
 * to clear). */
typedef bool (*eni_flow_visit_fn)(const struct flow_table *ft, struct flow_slot *s, void *ud);
uint32_t eni__flows_walk(struct eni_flows *fl, eni_flow_visit_fn fn, void *ud);
void eni__flows_copy(struct eni_flows *dst, struct eni_flows *src, uint64_t now);
/* A tracked flow as a plain record (handover.c), for a restart's hand-over. */
struct eni_flow_rec {
    uint8_t words;      /* key words: 1 (IPv4) or 4 (IPv6) */
    uint8_t proto;
    uint32_t ports;     /* fkey::ports */
    uint32_t meta;      /* flow_slot::meta */
    uint32_t pkts;
    uint64_t expires;   /* in the caller's now_ns clock */
    uint64_t key[4];
};
typedef bool (*eni_flow_rec_fn)(const struct eni_flow_rec *r, void *ud);
/* Each live flow of the interface (not expired at now) to fn, until fn
 * says stop (then false). Control path, under the ctx lock. */
bool eni__flows_export(struct eni_nic_dp *dp, uint64_t now, eni_flow_rec_fn fn, void *ud);
/* Put a record back (an expired one is skipped): ENI_OK; ENI_ELIMIT when
 * the interface's table is full; ENI_ECORRUPT for a record no table wrote;
 * ENI_ENOMEM. Records nothing. */
int eni__flows_import(eni_ctx *ctx, struct eni_nic_dp *dp, const struct eni_flow_rec *r,
                      uint64_t now);
void eni__flow_describe(const struct flow_table *ft, struct flow_slot *s, eni_flow_info *out);

/* The verdict engine shared by bursts and explain (engine.c). */
/* Judge one packet. commit=false evaluates without creating or refreshing
 * flows. dp may be NULL (no allowance-exceeded count). pre: its flow key and
 * hash when the caller built them, else NULL. uncounted: where a burst
 * counts the flows it created until it adds them to fl->tracked, or NULL
 * to count each at once. */
void eni__eval_one(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap, unsigned dir,
                   const eni_pkt *p, uint64_t now, bool commit, bool want_rule,
                   eni_verdict *v, eni_eval_counters *c, const struct fkey *pre,
                   uint32_t *uncounted);
/* A burst of records (arguments checked, epoch entered by the caller), all
 * in direction dir, or packet i in direction dirs[i] when dirs is not NULL. */
void eni__eval_burst(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap,
                     unsigned dir, const uint8_t *dirs, const eni_pkt *pkts, uint32_t n,
                     uint64_t now, bool want_rule, eni_verdict *out, eni_eval_counters *c);
/* Would a rule's allowing this packet start a tracked flow? (Not for ICMP
 * errors, replies and other messages, nor for fragments without ports.) */
bool eni__eval_starts_flow(const eni_pkt *p, unsigned dir);
/* For explain's drop sentence (closest.c): "; the closest rule is <group>
 * rule <rule>: <what it missed>" for the interface's rules in direction dir,
 * or "; the interface's groups have no inbound rules". Under the ctx lock. */
struct eni_nic;
void eni__eval_closest_rule(eni_ctx *ctx, const struct eni_nic *nic, unsigned dir,
                            const eni_pkt *p, char *out, size_t len);
/* A MALFORMED verdict, counted. */
void eni__eval_malformed(eni_verdict *v, eni_eval_counters *c);

#endif
