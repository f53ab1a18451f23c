/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The classifier by rule shape (docs/benchmarks.md, "Classifier by rule
 * shape"). Each shape and rule count gets a fresh host whose interface has
 * the shape's rules (and network ACL), and a pool of seeded packets that hit
 * and miss them. libeni judges the pool twice: packets it drops make the
 * "drop" set; packets the first pass allowed with a new flow and the second
 * found tracked make the "new" set. The peer judges the pool too, and every
 * disagreement is counted. Then, timed in thread CPU time, median of --reps:
 *
 *   drop         the drop set: a flow-table miss, then no rule matches
 *   new          the new set into an empty table: a miss, the rules, an insert
 *                (the table is emptied between rounds, untimed)
 *   established  the new set again, as more packets (TCP: ACKs) of the flows
 *                the last round created: flow-table hits
 *   drop_after_churn  the drop set again, after CHURN_ROUNDS rounds of new
 *                flows under fresh keys, each swept away (a host's day)
 *
 * all through eni_eval_burst in bursts of 64, and the same packets through
 * the DPDK composite (rte_hash_lookup_bulk, rte_acl_classify,
 * rte_hash_add_key_data), with rte_acl alone beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_json.h"
#include "bench_shapes.h"
#include "bench_util.h"
#include "host.h"
#include "peer.h"

enum { BURST = 64 };
static const uint64_t DAY_NS = 86400ull * 1000000000ull;

struct run {
    struct shape_set s;
    struct host h;
    eni_eval_worker *w;
    uint64_t now;
    uint32_t target;   /* packets a repetition times, at least */
    uint32_t *drop, ndrop;
    uint32_t *fresh, nfresh;
    struct peer_fw *fw;
};

/* The packets of the pool at idx[], as libeni's records. */
static eni_pkt *records(const struct run *r, const uint32_t *idx, uint32_t n, uint8_t tcp_flags)
{
    eni_pkt *pk = calloc(n ? n : 1, sizeof *pk);
    for (uint32_t i = 0; i < n; i++)
        pk[i] = host_pkt(&r->h, &r->s.pkts[idx[i]], r->s.family, tcp_flags);
    return pk;
}

static struct sh_pkt *pool_subset(const struct run *r, const uint32_t *idx, uint32_t n)
{
    struct sh_pkt *p = calloc(n ? n : 1, sizeof *p);
    for (uint32_t i = 0; i < n; i++)
        p[i] = r->s.pkts[idx[i]];
    return p;
}

/* One pass over pk[0..n) in bursts of 64; the verdicts in v. */
static void pass(struct run *r, const eni_pkt *pk, uint32_t n, eni_verdict *v)
{
    for (uint32_t i = 0; i < n; i += BURST)
        CHECK(eni_eval_burst(r->w, r->h.nic, ENI_DIR_INBOUND, pk + i, n - i < BURST ? n - i : BURST,
                             r->now, 0, v + i));
}

/* Empty the flow table: a day on, every flow has idled out, and the sweep removes them. */
static void empty_table(struct run *r)
{
    r->now += DAY_NS;
    CHECK(eni_nic_sweep_flows(r->h.ctx, r->h.nic, r->now, NULL));
}

/* Split the pool: judged twice from an empty table, a packet dropped the
 * first time is "drop"; one allowed by a rule the first time and found
 * tracked the second is "new" (packets allowed without a flow, ICMP errors
 * and other non-queries, and repeats of an earlier packet's flow are in
 * neither). Returns libeni's allow verdicts of the first pass. */
static uint8_t *split_pool(struct run *r)
{
    uint32_t n = r->s.npkts;
    uint32_t *all = calloc(n, sizeof *all);
    for (uint32_t i = 0; i < n; i++)
        all[i] = i;
    eni_pkt *pk = records(r, all, n, 0x02);
    eni_verdict *v1 = calloc(n, sizeof *v1), *v2 = calloc(n, sizeof *v2);
    empty_table(r);
    pass(r, pk, n, v1);
    pass(r, pk, n, v2);
    r->drop = calloc(n, sizeof *r->drop);
    r->fresh = calloc(n, sizeof *r->fresh);
    uint8_t *allow = calloc(n, 1);
    for (uint32_t i = 0; i < n; i++) {
        allow[i] = v1[i].action == ENI_ALLOW;
        if (!allow[i])
            r->drop[r->ndrop++] = i;
        else if (v1[i].reason == ENI_REASON_RULE && v2[i].reason == ENI_REASON_TRACKED)
            r->fresh[r->nfresh++] = i;
    }
    empty_table(r);
    free(all), free(pk), free(v1), free(v2);
    return allow;
}

/* One repetition of libeni: ns a packet over `loops` passes, the table
 * emptied (untimed) before each when `fresh_table`. */
static double lib_rep(struct run *r, const eni_pkt *pk, uint32_t n, eni_verdict *v, uint32_t loops,
                      bool fresh_table)
{
    double spent = 0;
    for (uint32_t l = 0; l < loops; l++) {
        if (fresh_table)
            empty_table(r);
        settle();
        double t0 = cpu_s();
        pass(r, pk, n, v);
        spent += cpu_s() - t0;
    }
    return spent * 1e9 / ((double)loops * n);
}

/* The same for the peer; passes that did not allow `want` packets are
 * counted in *off. */
static double peer_rep(struct run *r, const struct peer_batch *b, uint32_t n, uint32_t loops,
                       enum peer_pass how, bool fresh_table, uint32_t want, uint32_t *off)
{
    double spent = 0;
    for (uint32_t l = 0; l < loops; l++) {
        if (fresh_table)
            peer_fw_reset(r->fw);
        settle();
        double t0 = cpu_s();
        uint32_t ok = peer_fw_pass(r->fw, b, how);
        spent += cpu_s() - t0;
        *off += ok != want;
    }
    return spent * 1e9 / ((double)loops * n);
}

/* Verdicts of a timed pass that are not what the set was chosen for. */
static uint32_t unexpected(const eni_verdict *v, uint32_t n, uint8_t action, uint8_t reason)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < n; i++)
        bad += v[i].action != action || (reason && v[i].reason != reason);
    return bad;
}

static const char *const measure_names[] = {"drop", "new", "established", "drop_after_churn"};

/* One measure's figures, from the repetitions' ns a packet: printed, and
 * emitted as classify_<shape>_<measure>. The ratio is the median of the
 * repetitions' own ratios (each repetition runs libeni and the peer back to
 * back), which a burst of load on the shared machine moves less than the
 * ratio of two medians. */
static void report(const struct run *r, int m, double *ours, double *theirs, double *alone)
{
    int k = bench_reps;
    double *ratio = calloc((size_t)k, sizeof *ratio);
    for (int i = 0; theirs && i < k; i++)
        ratio[i] = theirs[i] / ours[i];
    double o = median(ours, k);
    printf("  %-12s libeni %6.1f ns %6.1f Mpps", measure_names[m], o, 1e3 / o);
    char scen[64];
    snprintf(scen, sizeof scen, "classify_%s_%s", r->s.name, measure_names[m]);
    json_params("\"shape\": \"%s\", \"measure\": \"%s\", \"rules\": %u", r->s.name,
                measure_names[m], r->s.size);
    emit(scen, "libeni_mpps", 1e3 / o);
    if (theirs) {
        double t = median(theirs, k), q = median(ratio, k);
        printf("   composite %6.1f ns %6.1f Mpps  ratio %5.2fx", t, 1e3 / t, q);
        emit(scen, "peer_mpps", 1e3 / t);
        emit(scen, "ratio_vs_peer", q);
    }
    if (alone) {
        double a = median(alone, k);
        printf("   (rte_acl alone %6.1f Mpps)", 1e3 / a);
        emit(scen, "rte_acl_mpps", 1e3 / a);
    }
    printf("\n");
    free(ratio);
}

/* A day of connection churn: CHURN_ROUNDS rounds of the new set under
 * fresh source ports (distinct flows, each round a new set of keys), each
 * round swept away a day later, as a host's flows come and go. About 10
 * times the table's slots in distinct flows: a table whose slots, once
 * held, kept probes going would make every later miss read MAX_PROBE
 * slots; `drop_after_churn` times the drop set again after it. */
enum { CHURN_ROUNDS = 32 };

static void churn(struct run *r, const eni_pkt *np)
{
    if (!r->nfresh)
        return;
    eni_pkt *pk = calloc(r->nfresh, sizeof *pk);
    eni_verdict *v = calloc(r->nfresh, sizeof *v);
    uint32_t bad = 0;
    for (uint32_t c = 1; c <= CHURN_ROUNDS; c++) {
        for (uint32_t i = 0; i < r->nfresh; i++) {
            pk[i] = np[i];
            pk[i].sport = (uint16_t)(np[i].sport + c * 1999u);
        }
        empty_table(r);
        pass(r, pk, r->nfresh, v);
        bad += unexpected(v, r->nfresh, ENI_ALLOW, 0);
    }
    empty_table(r);
    if (bad)
        fprintf(stderr, "%s %u rules: %u churn packets were not allowed\n", r->s.name, r->s.size,
                bad);
    free(pk), free(v);
}

static void measure(struct run *r)
{
    eni_pkt *dp = records(r, r->drop, r->ndrop, 0x02);
    eni_pkt *np = records(r, r->fresh, r->nfresh, 0x02);
    eni_pkt *ep = records(r, r->fresh, r->nfresh, 0x10);
    uint32_t nmax = r->ndrop > r->nfresh ? r->ndrop : r->nfresh;
    eni_verdict *v = calloc(nmax ? nmax : 1, sizeof *v);
    struct sh_pkt *dsub = pool_subset(r, r->drop, r->ndrop);
    struct sh_pkt *nsub = pool_subset(r, r->fresh, r->nfresh);
    struct peer_batch *db = r->fw ? peer_batch_new(r->fw, dsub, r->ndrop) : NULL;
    struct peer_batch *nb = r->fw ? peer_batch_new(r->fw, nsub, r->nfresh) : NULL;
    size_t reps = (size_t)bench_reps;
    double *ours = calloc(reps, sizeof *ours), *theirs = calloc(reps, sizeof *theirs),
           *alone = calloc(reps, sizeof *alone);
    uint32_t off = 0, bad = 0;
    for (int m = 0; m < 3; m++) {
        uint32_t n = m == 0 ? r->ndrop : r->nfresh;
        if (!n) {
            printf("  %-12s no packets\n", measure_names[m]);
            continue;
        }
        uint32_t loops = (r->target + n - 1) / n;
        /* drop: no state; new: from an empty table each pass; established:
         * the flows of new's last pass are live, every packet a hit */
        const eni_pkt *pk = m == 0 ? dp : m == 1 ? np : ep;
        const struct peer_batch *b = m == 0 ? db : nb;
        enum peer_pass how = m == 2 ? PEER_EST : PEER_NEW;
        for (int k = 0; k < bench_reps; k++) {
            ours[k] = lib_rep(r, pk, n, v, loops, m == 1);
            bad += m == 0 ? unexpected(v, n, ENI_DROP, 0)
                   : m == 1 ? unexpected(v, n, ENI_ALLOW, ENI_REASON_RULE)
                            : unexpected(v, n, ENI_ALLOW, ENI_REASON_TRACKED);
            if (!r->fw)
                continue;
            theirs[k] = peer_rep(r, b, n, loops, how, m == 1, m ? n : 0, &off);
            if (m < 2)
                alone[k] = peer_rep(r, b, n, loops, PEER_ACL, false, m ? n : 0, &off);
        }
        report(r, m, ours, r->fw ? theirs : NULL, r->fw && m < 2 ? alone : NULL);
    }
    churn(r, np);
    if (r->ndrop) {
        uint32_t n = r->ndrop, loops = (r->target + n - 1) / n;
        for (int k = 0; k < bench_reps; k++) {
            ours[k] = lib_rep(r, dp, n, v, loops, false);
            bad += unexpected(v, n, ENI_DROP, 0);
            if (r->fw)
                theirs[k] = peer_rep(r, db, n, loops, PEER_NEW, false, 0, &off);
        }
        report(r, 3, ours, r->fw ? theirs : NULL, NULL);
    }
    if (bad)
        fprintf(stderr, "%s %u rules: %u libeni verdicts in the timed passes were not the set's\n",
                r->s.name, r->s.size, bad);
    if (off)
        fprintf(stderr, "%s %u rules: %u peer passes did not allow what the set says\n", r->s.name,
                r->s.size, off);
    free(dp), free(np), free(ep), free(v), free(dsub), free(nsub);
    free(ours), free(theirs), free(alone);
    peer_batch_free(db);
    peer_batch_free(nb);
}

/* Publishing one rule change at this shape and size, as a user makes it:
 * the group's last ingress rule revoked (untimed), then authorized again
 * (timed: validation, the compile of every table of the interface's group
 * set, the swap). The median, in microseconds. Group references and
 * prefix lists are the costly shapes here: their sets are large. */
static void publish(struct run *r, const char *scen)
{
    eni_sg_rule_id last;
    uint32_t count = 0;
    CHECK(eni_sg_list_rules(r->h.ctx, r->h.sg, ENI_INGRESS, &last, 1, &count));
    if (count == 0)
        return;
    eni_sg_rule_id *all = calloc(count, sizeof *all);
    CHECK(eni_sg_list_rules(r->h.ctx, r->h.sg, ENI_INGRESS, all, count, &count));
    last = all[count - 1];
    free(all);
    eni_sg_rule_info info = ENI_SG_RULE_INFO_INIT;
    CHECK(eni_sg_rule_describe(r->h.ctx, last, &info));
    eni_sg_rule_spec spec = ENI_SG_RULE_SPEC_INIT;
    spec.peer_kind = info.peer_kind;
    spec.protocol = info.protocol;
    spec.from_port = info.from_port;
    spec.to_port = info.to_port;
    if (info.peer_kind == ENI_PEER_CIDR)
        spec.cidr = info.cidr; /* exactly one peer: the others stay unset */
    else if (info.peer_kind == ENI_PEER_GROUP)
        spec.group = info.peer_group;
    else
        spec.prefix_list = info.prefix_list;
    double *us = calloc((size_t)bench_reps, sizeof *us);
    for (int k = 0; k < bench_reps; k++) {
        CHECK(eni_sg_revoke_rules(r->h.ctx, r->h.sg, &last, 1));
        double t0 = wall_s();
        CHECK(eni_sg_authorize(r->h.ctx, r->h.sg, ENI_INGRESS, &spec, 1, &last));
        us[k] = (wall_s() - t0) * 1e6;
    }
    double m = median(us, bench_reps);
    printf("  publish      one rule change: %.0f us\n", m);
    /* the scenario's parameters again: report() set a measure's */
    json_params("\"shape\": \"%s\", \"rules\": %u", r->s.name, r->s.size);
    emit(scen, "publish_us", m);
    free(us);
}

static void run_one(const char *name, uint32_t size, bool quick)
{
    struct run r;
    memset(&r, 0, sizeof r);
    uint32_t npool = quick ? 4096 : 8192;
    r.target = quick ? 50000 : 300000;
    r.now = 1;
    shape_make(&r.s, name, size, npool);
    host_new(&r.h, HOST_NO_EGRESS | (r.s.family == 6 ? HOST_V6 : 0));
    host_load_shape(&r.h, &r.s);
    /* room for every packet of the pool to be a flow (the instance's
     * budget, and the interface's own cap, which sizes its tables) */
    CHECK(eni_instance_set_conntrack_allowance(r.h.ctx, r.h.inst, npool));
    CHECK(eni_nic_set_conntrack_allowance(r.h.ctx, r.h.nic, npool));
    CHECK(eni_eval_worker_new(r.h.ctx, &r.w));
    uint8_t *ours = split_pool(&r);
    /* what the compiled rules and ACL take, as the public call reports it */
    eni_eval_memory mem = ENI_EVAL_MEMORY_INIT;
    CHECK(eni_nic_get_eval_memory(r.h.ctx, r.h.nic, &mem));

    char why[160] = "";
    printf("classify %-13s %4u rules  pool %u: %u dropped, %u new flows; compiled rules %.1f KiB, "
           "ACL %.1f KiB",
           name, size, npool, r.ndrop, r.nfresh, mem.rules_bytes / 1024.0, mem.acl_bytes / 1024.0);
    char scen[64];
    snprintf(scen, sizeof scen, "classify_%s", name);
    json_params("\"shape\": \"%s\", \"rules\": %u, \"packets\": %u", name, size, npool);
    emit(scen, "rules_bytes", (double)mem.rules_bytes);
    emit(scen, "acl_bytes", (double)mem.acl_bytes);
    if (peer_available()) {
        r.fw = peer_fw_new(&r.s, npool, why, sizeof why);
        if (r.fw) {
            uint8_t *theirs = calloc(npool, 1);
            peer_fw_verdicts(r.fw, r.s.pkts, npool, theirs);
            uint32_t differ = 0;
            for (uint32_t i = 0; i < npool; i++)
                differ += ours[i] != theirs[i];
            printf("; peer: %u rte_acl rules (%s), verdict_mismatches %u", peer_fw_acl_rules(r.fw),
                   peer_fw_alg(r.fw), differ);
            emit(scen, "verdict_mismatches", differ);
            emit(scen, "peer_acl_rules", peer_fw_acl_rules(r.fw));
            free(theirs);
        } else {
            printf("; peer skipped: %s", why);
            emit(scen, "peer_skipped", 1);
        }
    }
    printf("\n");
    measure(&r);
    publish(&r, scen);
    json_params_clear();
    peer_fw_free(r.fw);
    eni_eval_worker_free(r.w);
    host_free(&r.h);
    shape_free(&r.s);
    free(ours), free(r.drop), free(r.fresh);
}

void bench_shapes(const char *const *names, uint32_t nnames, const uint32_t *sizes, uint32_t nsizes,
                  bool quick)
{
    for (uint32_t i = 0; i < nnames; i++)
        for (uint32_t k = 0; k < nsizes; k++)
            run_one(names[i], sizes[k], quick);
}
