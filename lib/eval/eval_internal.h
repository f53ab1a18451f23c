/* The evaluator's private layout.
 *
 * lib/eval reads only published, immutable snapshots of what the model says
 * about an interface (its addresses, compiled rules, timeouts) and its own
 * flow table; it never takes the ctx lock on the packet path. The control
 * path rebuilds snapshots after every model change (snapshot.c) and frees old
 * ones only when no worker can still hold them (quiescent-state based
 * reclamation: a worker publishes the epoch it entered a burst in, and 0
 * when it leaves). */
#ifndef ENI_EVAL_INTERNAL_H
#define ENI_EVAL_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/ctx_internal.h"
#include "eni/eval.h"
#include "elem4.h"

/* ---- compiled rules ------------------------------------------------------ */

enum { CLS_ANY = 0, CLS_PORTS = 1, CLS_ICMP = 2 };

/* An address interval [lo, hi], 128-bit for both families (IPv4 in lo words). */
struct cls_iv {
    uint64_t lo_hi, lo_lo, hi_hi, hi_lo;
};

/* Rules of one (direction, family) with the same protocol and port range or
 * ICMP type/code, their peers merged into sorted disjoint intervals. */
struct cls_entry {
    int16_t proto;   /* -1 = all protocols */
    uint8_t kind;    /* CLS_ANY / CLS_PORTS / CLS_ICMP */
    uint8_t open;    /* one of its rules allows all addresses (/0) */
    int32_t from, to;
    uint32_t first_iv, n_iv;
};

/* One rule as written, for naming the rule that allowed a packet. */
struct cls_rule {
    int16_t proto;
    uint8_t kind;
    uint8_t open;
    int32_t from, to;
    uint32_t first_iv, n_iv; /* unmerged peer intervals */
    uint64_t group, rule;
};

/* A port index for one protocol (TCP or UDP) of a table: the port space cut
 * at every rule's range ends into segments; each segment holds the union of
 * the peers of the rules covering it. Rules of all ports (and of all
 * protocols) form one more union, checked when the segment does not match:
 * a lookup is one array read and at most two binary searches. */
struct cls_seg {
    uint32_t first_iv, n_iv;
    uint8_t open;
};

/* An IPv4 interval, host order: half the size of cls_iv, for the hot path. */
struct cls_iv4 {
    uint32_t lo, hi;
};

struct cls_ports {
    uint16_t seg_of_port[65536];
    struct cls_seg *segs;
    uint32_t n_segs;
    struct cls_iv *iv;
    struct cls_iv4 *iv4; /* the same intervals, IPv4 tables only */
    uint32_t n_iv;
    struct cls_seg full;  /* rules of all ports of this protocol (and all protocols) */
    struct cls_elem4 *el; /* IPv4: the sets as bit rows (elem4.h), or NULL to search iv4 */
};

struct cls_table {
    struct cls_ports *ports[2]; /* TCP, UDP; NULL for small tables (a scan is faster) */
    struct cls_entry *entries;
    uint32_t n_entries;
    struct cls_iv *iv;       /* merged intervals of all entries */
    uint32_t n_iv;
    struct cls_rule *rules;
    uint32_t n_rules;
    struct cls_iv *rule_iv;  /* per-rule intervals */
    uint32_t n_rule_iv;
    /* Section 5.2 (b): the *other* direction allows all addresses on all
     * ports for this protocol (index 0 TCP, 1 UDP). */
    uint8_t reverse_open[2];
};

/* Shared by the snapshots of interfaces with the same groups in the same
 * order (one compile per group set and model change); `refs` counts them
 * and is touched only on the control path, under the ctx lock. */
struct eni_ruleset {
    struct cls_table t[2][2]; /* [direction index: 0 in, 1 out][family: 0 v4, 1 v6] */
    uint32_t refs;
};

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
};

/* ---- flow table ---------------------------------------------------------- */

/* A flow key, oriented from the interface (local is its side), with its hash. */
struct fkey {
    uint64_t w[8]; /* local address words then remote ones */
    uint32_t words;
    uint32_t ports; /* local << 16 | remote */
    uint8_t proto;
    uint8_t absent; /* the table was already probed: no live flow holds this key */
    uint32_t home;  /* home slot in its table (burst path only) */
    uint64_t hash;
};

/* A slot; IPv4 tables use 1 key word, IPv6 tables 4. Every field is atomic:
 * readers run concurrently with writers and validate with `seq` (odd while a
 * writer holds the slot; 0 = never used, which ends a probe). */
struct flow_slot {
    _Atomic uint32_t seq;
    _Atomic uint32_t ports; /* local << 16 | remote */
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
    uint32_t words;    /* key words per address pair (2 or 8) */
    uint32_t cap;      /* slots */
};

/* An interface's flow tables; replaced as a whole when the allowance
 * changes. The IPv6 table is the minimum one until the interface can see
 * IPv6 traffic, then swapped for a full one (it never shrinks back). */
struct eni_flows {
    struct flow_table *ft4;
    _Atomic(struct flow_table *) ft6;
    uint32_t allowance;
    bool v6;                            /* ft6 is sized to the allowance (control path) */
    _Atomic uint64_t tracked;           /* valid slots in both tables */
};

struct eni_nic_dp {
    uint64_t nic;                       /* id of the interface */
    _Atomic(struct eni_snap *) snap;
    _Atomic(struct eni_flows *) flows;
    _Atomic uint64_t allowance_exceeded;
    struct eni_nic_dp *next;            /* the ctx's list of dp states */
};

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

/* The ctx's evaluator state. The directory maps an interface's slot to its
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

/* Lifecycle and publication (snapshot.c). */
int eni__eval_init(eni_ctx *ctx);
void eni__eval_fini(eni_ctx *ctx);
void eni__eval_republish(eni_ctx *ctx);
struct eni_nic_dp *eni__eval_dp_lookup(const eni_ctx *ctx, uint64_t nic);
/* The dp state of a live interface, created if needed (control path). */
int eni__eval_dp_get(eni_ctx *ctx, uint64_t nic, struct eni_nic_dp **out);
void eni__eval_retire(eni_ctx *ctx, void *p, void (*free_fn)(eni_ctx *, void *));
void eni__eval_reclaim(eni_ctx *ctx);

/* Rules (compile.c). */
/* A ruleset holding one reference. */
struct eni_ruleset *eni__ruleset_build(eni_ctx *ctx, const uint64_t *groups, uint32_t n);
/* Drop one reference; the last one frees it. */
void eni__ruleset_free(eni_ctx *ctx, struct eni_ruleset *rs);
/* Does the table allow (proto, port or type/code, remote address)? *open says
 * whether an allowing entry is a /0 one. */
bool eni__cls_match(const struct cls_table *t, const eni_pkt *p, const uint8_t *remote,
                    bool *open);
/* The first rule (in group and rule order) that allows it, or NULL. */
const struct cls_rule *eni__cls_match_rule(const struct cls_table *t, const eni_pkt *p,
                                           const uint8_t *remote);
struct cls_iv eni__iv_point(const uint8_t *addr, unsigned family);

/* Flow tables (flowtab.c). */
struct eni_flows *eni__flows_new(eni_ctx *ctx, uint32_t allowance, bool v6);
/* Give the interface a full IPv6 table (control path, before a snapshot
 * that lets IPv6 traffic in is published). ENI_ENOMEM leaves it as it was. */
int eni__flows_enable_v6(eni_ctx *ctx, struct eni_flows *fl);
void eni__flows_free(eni_ctx *ctx, void *flows);

/* The verdict engine shared by bursts and explain (engine.c). commit=false
 * evaluates without creating or refreshing flows. */
struct eni_nic;
/* A snapshot of the interface as the model says now; its rules are
 * `shared` (one more reference taken) when not NULL, else compiled. */
struct eni_snap *eni__eval_snapshot(eni_ctx *ctx, const struct eni_nic *nic,
                                    struct eni_ruleset *shared);
void eni__snap_free(eni_ctx *ctx, void *snap);

/* Flow-table walking for the control path (engine.c): visit every slot
 * holding a flow; the callback may clear it (returns true to clear). */
typedef bool (*eni_flow_visit_fn)(const struct flow_table *ft, struct flow_slot *s, void *ud);
uint32_t eni__flows_walk(struct eni_flows *fl, eni_flow_visit_fn fn, void *ud);
void eni__flows_copy(struct eni_flows *dst, struct eni_flows *src, uint64_t now);
void eni__flow_describe(const struct flow_table *ft, struct flow_slot *s, eni_flow_info *out);

/* Judge one packet. pre: its flow key and hash when the caller built them,
 * else NULL. */
void eni__eval_one(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap, unsigned dir,
                   const eni_pkt *p, uint64_t now, bool commit, bool want_rule,
                   eni_verdict *v, eni_eval_counters *c, const struct fkey *pre);
/* A burst of records (arguments checked, epoch entered by the caller). */
void eni__eval_burst(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap,
                     unsigned dir, const eni_pkt *pkts, uint32_t n, uint64_t now, bool want_rule,
                     eni_verdict *out, eni_eval_counters *c);
/* A MALFORMED verdict, counted. */
void eni__eval_malformed(eni_verdict *v, eni_eval_counters *c);

#endif
