/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench: the evaluator measured beside DPDK, same rules, same packets,
 * same process.
 *
 *   ./build/bench/eni-bench [--reps N] [--json FILE] [--quick] [--flows N]
 *                           [--only classify|established|frames]
 *
 * Scenarios (seeded, reproducible): new-flow classification with 10, 100,
 * 1000 and 5000 security-group-shaped rules (vs rte_acl, SSE and AVX2);
 * established-flow hits with 1M tracked flows (vs rte_hash_lookup_bulk);
 * a 90/10 established/new mix; the whole-frame pipeline; publishing one
 * rule change at 1000 rules; evaluation during a stream of rule changes;
 * 1 vs 2 threads on one interface. Figures are medians over repetitions,
 * timed with thread CPU time (wall time for the threaded runs).
 *
 * --json FILE writes {"meta": {...}, "results": [...]}: the machine, the
 * build and the run's settings, then one record per figure, each with its
 * "scenario", "metric" and "value", and the rule or flow count it was
 * measured at ("rules", "flows"); the established-flow scenario is named by
 * its flow count ("established_1m", "established_100k"). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_cli.h"
#include "bench_vcs.h"
#include "eval/eval_internal.h"
#include "model/model.h"
#include "peer.h"

static uint64_t rng = 0x5eedbe9c4ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* Monotonic wall time: cheap (vDSO), for timing single bursts and
 * multi-threaded runs. */
static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmpd);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define CHECK(call)                                                                           \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != ENI_OK) {                                                                  \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                     \
                    eni_error_last()->message);                                               \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/* ---- a host with one attached interface ---------------------------------- */

struct host {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id sg;
    eni_nic_id nic;
    eni_instance_id inst;
    uint32_t ip; /* host order */
};

static void host_new(struct host *h, uint32_t rules_quota)
{
    CHECK(eni_ctx_new(NULL, &h->ctx));
    /* The bench wants more rules per interface than EC2's quotas allow. */
    h->ctx->model->quotas.rules_per_group = rules_quota;
    h->ctx->model->quotas.groups_per_nic = 1;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    CHECK(eni_vpc_create(h->ctx, &vs, &h->vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = h->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    CHECK(eni_subnet_create(h->ctx, &ss, &h->subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = "bench";
    gs.description = "bench";
    CHECK(eni_sg_create(h->ctx, &gs, &h->sg));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h->subnet;
    ns.groups = &h->sg;
    ns.group_count = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.24xlarge";
    ls.nics = &ln;
    ls.nic_count = 1;
    CHECK(eni_instance_launch(h->ctx, &ls, &h->inst));
    uint32_t n;
    CHECK(eni_ctx_poll(h->ctx, 0, NULL, NULL, &n));
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.instance = h->inst;
    CHECK(eni_nic_list(h->ctx, &f, &h->nic, 1, &n));
    eni_nic_info ni = {.size = sizeof ni};
    CHECK(eni_nic_describe(h->ctx, h->nic, &ni));
    struct in_addr a;
    inet_pton(AF_INET, ni.private_ip, &a);
    h->ip = ntohl(a.s_addr);
}

/* ---- rules and packets ---------------------------------------------------- */

static void gen_rules(struct bench_rule *r, uint32_t n)
{
    static const uint16_t common[] = {22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9092, 27017};
    for (uint32_t i = 0; i < n; i++) {
        r[i].proto = rnd(5) == 0 ? 17 : 6;
        r[i].len = (uint8_t)(16 + rnd(17));
        uint32_t mask = r[i].len ? ~0u << (32 - r[i].len) : 0;
        r[i].addr = ((172u << 24) | (16u << 16) | rnd(1u << 20) << 4 | rnd(16)) & mask;
        uint32_t k = rnd(10);
        if (k < 6) {
            r[i].lo = r[i].hi = k < 3 ? common[rnd(10)] : (uint16_t)(1024 + rnd(60000));
        } else if (k < 9) {
            r[i].lo = (uint16_t)(1024 + rnd(50000));
            r[i].hi = (uint16_t)(r[i].lo + rnd(2000));
        } else {
            r[i].lo = 0, r[i].hi = 65535;
        }
    }
}

static void gen_pkts(const struct bench_rule *r, uint32_t nr, struct bench_pkt4 *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (rnd(2)) { /* aimed at a rule: matches */
            const struct bench_rule *x = &r[rnd(nr)];
            uint32_t host = x->len == 32 ? 0 : rnd(1u << (32 - x->len > 16 ? 16 : 32 - x->len));
            p[i].proto = x->proto;
            p[i].src = x->addr | host;
            p[i].dport = (uint16_t)(x->lo + rnd((uint32_t)(x->hi - x->lo) + 1));
        } else {
            p[i].proto = rnd(5) == 0 ? 17 : 6;
            p[i].src = (172u << 24) | (16u << 16) | rnd(1u << 20);
            p[i].dport = (uint16_t)rnd(65536);
        }
    }
}

static void load_rules(struct host *h, const struct bench_rule *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += 100) {
        eni_sg_rule_spec s[100];
        char cidr[100][24];
        uint32_t m = n - i < 100 ? n - i : 100;
        for (uint32_t k = 0; k < m; k++) {
            const struct bench_rule *x = &r[i + k];
            s[k] = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
            s[k].protocol = x->proto;
            s[k].from_port = x->lo;
            s[k].to_port = x->hi;
            s[k].peer_kind = ENI_PEER_CIDR;
            snprintf(cidr[k], sizeof cidr[k], "%u.%u.%u.%u/%u", x->addr >> 24, (x->addr >> 16) & 255,
                     (x->addr >> 8) & 255, x->addr & 255, x->len);
            s[k].cidr = cidr[k];
        }
        int rc = eni_sg_authorize(h->ctx, h->sg, ENI_INGRESS, s, m, NULL);
        if (rc != ENI_OK && rc != ENI_EEXIST) { /* a generated duplicate is harmless */
            fprintf(stderr, "authorize: %s\n", eni_error_last()->message);
            exit(1);
        }
        if (rc == ENI_EEXIST) /* add them one by one, skipping duplicates */
            for (uint32_t k = 0; k < m; k++)
                (void)eni_sg_authorize(h->ctx, h->sg, ENI_INGRESS, &s[k], 1, NULL);
    }
}

static eni_pkt to_pkt(const struct bench_pkt4 *b, uint32_t dst)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4;
    p.proto = b->proto;
    p.dport = b->dport;
    p.sport = 40000;
    p.tcp_flags = 0x02;
    uint32_t s = htonl(b->src), d = htonl(dst);
    memcpy(p.src, &s, 4);
    memcpy(p.dst, &d, 4);
    return p;
}

static int reps = 7;
static FILE *json;
static bool first_json = true;
/* What the figures being emitted were measured at, as JSON members:
 * "\"rules\": 1000" or "\"flows\": 100000"; empty for none. */
static char json_params[64];

static void emit(const char *scenario, const char *key, double v)
{
    if (!json)
        return;
    fprintf(json, "%s\n    {\"scenario\": \"%s\", \"metric\": \"%s\", \"value\": %.3f%s%s}",
            first_json ? "" : ",", scenario, key, v, json_params[0] ? ", " : "", json_params);
    first_json = false;
}

/* A JSON string member (quotes, backslashes and control characters escaped). */
static void json_string(const char *name, const char *v, const char *sep)
{
    fprintf(json, "    \"%s\": \"", name);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c == '"' || *c == '\\')
            fprintf(json, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(json, "\\u%04x", *c);
        else
            fputc(*c, json);
    fprintf(json, "\"%s\n", sep);
}

/* The CPU's model name from /proc/cpuinfo ("model name", or the first of
 * "Hardware", "cpu model", "Processor" elsewhere), or "unknown". */
static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    static const char *const keys[] = {"model name", "Hardware", "cpu model", "Processor"};
    size_t best = sizeof keys / sizeof keys[0];
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        for (size_t k = 0; k < best; k++)
            if (!strncmp(line, keys[k], strlen(keys[k]))) {
                char *v = colon + 1 + strspn(colon + 1, " \t");
                v[strcspn(v, "\n")] = 0;
                if (*v) {
                    snprintf(out, len, "%s", v);
                    best = k;
                }
                break;
            }
    }
    fclose(f);
}

static void json_meta(bool quick, uint32_t flows, const char *only)
{
    char cpu[256], date[32];
    cpu_model(cpu, sizeof cpu);
    time_t t = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    fprintf(json, "{\n  \"meta\": {\n");
    json_string("program", "eni-bench", ",");
    json_string("libeni_version", eni_version_string(), ",");
    json_string("git_commit", ENI_BENCH_GIT_COMMIT, ",");
    json_string("cpu_model", cpu, ",");
    fprintf(json, "    \"cpus\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
    json_string("peer", peer_available() ? "dpdk" : "none", ",");
    fprintf(json, "    \"repetitions\": %d,\n", reps);
    fprintf(json, "    \"quick\": %s,\n", quick ? "true" : "false");
    fprintf(json, "    \"established_flows\": %u,\n", flows);
    json_string("only", only ? only : "all", ",");
    json_string("date", date, "");
    fprintf(json, "  },\n  \"results\": [");
}

/* ---- 1. new-flow classification ------------------------------------------ */

static void bench_classify(uint32_t nrules)
{
    enum { NP = 4096 };
    struct bench_rule *r = calloc(nrules, sizeof *r);
    struct bench_pkt4 *bp = calloc(NP, sizeof *bp);
    eni_pkt *pk = calloc(NP, sizeof *pk);
    uint8_t *ours = calloc(NP, 1), *theirs = calloc(NP, 1);
    gen_rules(r, nrules);
    gen_pkts(r, nrules, bp, NP);
    struct host h;
    host_new(&h, nrules + 100);
    load_rules(&h, r, nrules);
    for (uint32_t i = 0; i < NP; i++)
        pk[i] = to_pkt(&bp[i], h.ip);
    /* What users call: a burst of new connections on the interface, each
     * classified and, when allowed, tracked. Every round starts with no
     * flows: the round's clock is a day past the last, and the sweep (not
     * timed) removes what the last round tracked. */
    eni_eval_worker *w;
    CHECK(eni_eval_worker_new(h.ctx, &w));
    eni_verdict *v = calloc(NP, sizeof *v);
    double *ns = calloc((size_t)reps, sizeof *ns);
    uint64_t now = 1;
    uint32_t matched = 0, removed;
    for (int k = 0; k < reps; k++) {
        double spent = 0;
        for (int loop = 0; loop < 50; loop++) {
            now += 86400ull * 1000000000ull;
            CHECK(eni_nic_sweep_flows(h.ctx, h.nic, now, &removed));
            double t0 = cpu_s();
            CHECK(eni_eval_burst(w, h.nic, ENI_DIR_INBOUND, pk, NP, now, 0, v));
            spent += cpu_s() - t0;
        }
        ns[k] = spent * 1e9 / (50.0 * NP);
    }
    for (uint32_t i = 0; i < NP; i++) {
        ours[i] = v[i].action == ENI_ALLOW;
        matched += ours[i];
    }
    eni_eval_worker_free(w);
    free(v);
    double ours_ns = median(ns, reps);
    printf("classify  %5u rules  libeni %7.1f ns/pkt %6.1f Mpps  (%u/%u match)", nrules, ours_ns,
           1e3 / ours_ns, matched, NP);
    char scen[32];
    snprintf(scen, sizeof scen, "classify_%u", nrules);
    snprintf(json_params, sizeof json_params, "\"rules\": %u", nrules);
    emit(scen, "libeni_mpps", 1e3 / ours_ns);
    if (peer_available()) {
        double build_ms;
        void *acl = peer_acl_build(r, nrules, &build_ms);
        double best = 1e9;
        for (int alg = 0; alg < 2 && acl; alg++) {
            for (int k = 0; k < reps; k++) {
                double t0 = cpu_s();
                for (int loop = 0; loop < 50; loop++)
                    peer_acl_classify(acl, bp, NP, theirs, alg);
                ns[k] = (cpu_s() - t0) * 1e9 / (50.0 * NP);
            }
            double m = median(ns, reps);
            emit(scen, alg ? "rte_acl_avx2_mpps" : "rte_acl_sse_mpps", 1e3 / m);
            printf("  rte_acl/%s %6.1f Mpps", alg ? "avx2" : "sse", 1e3 / m);
            if (m < best)
                best = m;
        }
        uint32_t differ = 0;
        for (uint32_t i = 0; i < NP; i++)
            differ += ours[i] != theirs[i];
        printf("  ratio %.2fx  (verdicts differ: %u)", best / ours_ns, differ);
        emit(scen, "ratio_vs_best_rte_acl", best / ours_ns);
        emit(scen, "verdict_mismatches", differ);
        peer_acl_free(acl);
    }
    printf("\n");
    json_params[0] = 0;
    eni_ctx_free(h.ctx);
    free(r), free(bp), free(pk), free(ours), free(theirs), free(ns);
}

/* ---- 2. established flows ------------------------------------------------- */

struct est {
    struct host h;
    eni_pkt *pk;      /* replies (inbound) of the tracked flows */
    uint32_t *order;  /* the flows in random order: lookups are DRAM-bound */
    uint32_t n;
};

static void est_new(struct est *e, uint32_t n)
{
    host_new(&e->h, 100);
    CHECK(eni_nic_set_conntrack_allowance(e->h.ctx, e->h.nic, n));
    e->n = n;
    e->pk = calloc(n, sizeof *e->pk);
    e->order = calloc(n, sizeof *e->order);
    eni_eval_worker *w;
    CHECK(eni_eval_worker_new(e->h.ctx, &w));
    eni_verdict v[64];
    for (uint32_t i = 0; i < n; i += 64) {
        eni_pkt out[64];
        uint32_t m = n - i < 64 ? n - i : 64;
        for (uint32_t k = 0; k < m; k++) {
            uint32_t peer = (11u << 24) | (i + k); /* a distinct peer per flow */
            struct bench_pkt4 b = {6, 443, peer};
            eni_pkt in = to_pkt(&b, e->h.ip);
            in.sport = 443;
            in.dport = (uint16_t)(1024 + (i + k) % 60000);
            in.tcp_flags = 0x12;
            e->pk[i + k] = in;
            /* the outbound packet that opened it */
            out[k] = in;
            memcpy(out[k].src, in.dst, 16);
            memcpy(out[k].dst, in.src, 16);
            out[k].sport = in.dport;
            out[k].dport = in.sport;
            out[k].tcp_flags = 0x02;
        }
        CHECK(eni_eval_burst(w, e->h.nic, ENI_DIR_OUTBOUND, out, m, 1, 0, v));
        for (uint32_t k = 0; k < m; k++)
            if (v[k].reason != ENI_REASON_RULE) {
                fprintf(stderr, "flow %u not created (reason %u)\n", i + k, v[k].reason);
                exit(1);
            }
    }
    eni_eval_worker_free(w);
    for (uint32_t i = 0; i < n; i++)
        e->order[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = rnd(i + 1), t = e->order[i];
        e->order[i] = e->order[j];
        e->order[j] = t;
    }
}

/* Wait until the untimed set-up's loads and stores have completed, so that
 * none of their misses are paid inside the timed region (a full fence). */
static void settle(void)
{
    atomic_thread_fence(memory_order_seq_cst);
}

/* Each burst's records are written (untimed) just before it is evaluated,
 * as a receive path's parser leaves them: in cache. Only the evaluation is
 * timed, so the figure is the flow table's cost, not the cost of streaming
 * the bench's input from memory. The peer is timed the same way. */
static double est_run(struct est *e, eni_eval_worker *w, uint32_t count, uint32_t start)
{
    eni_verdict v[64];
    eni_pkt burst[64];
    double busy = 0;
    for (uint32_t i = 0; i < count; i += 64) {
        for (uint32_t k = 0; k < 64; k++)
            burst[k] = e->pk[e->order[(start + i + k) % e->n]];
        settle();
        double t0 = wall_s();
        eni_eval_burst(w, e->h.nic, ENI_DIR_INBOUND, burst, 64, 2, 0, v);
        busy += wall_s() - t0;
    }
    return busy * 1e9 / count;
}

struct thr_arg {
    struct est *e;
    uint32_t start;
    double ns;
    pthread_barrier_t *bar;
};

static void *thr(void *p)
{
    struct thr_arg *a = p;
    eni_eval_worker *w;
    CHECK(eni_eval_worker_new(a->e->h.ctx, &w));
    pthread_barrier_wait(a->bar);
    a->ns = est_run(a->e, w, 2000000, a->start);
    eni_eval_worker_free(w);
    return NULL;
}

struct churn {
    struct host *h;
    _Atomic int stop;
    uint32_t changes;
};

static void *churner(void *p)
{
    struct churn *c = p;
    while (!atomic_load(&c->stop)) {
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = 6, s.from_port = 8000, s.to_port = 8000;
        s.peer_kind = ENI_PEER_CIDR, s.cidr = "198.18.0.0/15";
        eni_sg_rule_id id;
        CHECK(eni_sg_authorize(c->h->ctx, c->h->sg, ENI_INGRESS, &s, 1, &id));
        CHECK(eni_sg_revoke_rules(c->h->ctx, c->h->sg, &id, 1));
        c->changes += 2;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static void bench_established(uint32_t n)
{
    struct est e;
    est_new(&e, n);
    eni_eval_worker *w;
    CHECK(eni_eval_worker_new(e.h.ctx, &w));
    double *ns = calloc((size_t)reps, sizeof *ns);
    for (int k = 0; k < reps; k++)
        ns[k] = est_run(&e, w, 2000000, (uint32_t)k * 7919);
    double ours = median(ns, reps);

    eni_conntrack_stats st = {.size = sizeof st};
    CHECK(eni_nic_get_conntrack(e.h.ctx, e.h.nic, &st));
    struct eni_flows *fl = atomic_load(&eni__eval_dp_lookup(e.h.ctx, e.h.nic.v)->flows);
    /* Both tables: the host's interface is IPv4-only (its IPv6 table is
     * the idle minimum, eni__flows_enable_v6) */
    const struct flow_table *ft6 = atomic_load(&fl->ft6);
    double bytes = ((double)fl->ft4->cap * fl->ft4->stride + (double)ft6->cap * ft6->stride) /
                   (double)st.tracked;
    fprintf(stderr, "  (%llu flows tracked, table %u slots of %u bytes)\n",
            (unsigned long long)st.tracked, fl->ft4->cap, fl->ft4->stride);
    printf("established %u flows  libeni %6.1f ns/pkt %6.1f Mpps (with state update)  "
           "%.0f bytes/flow",
           n, ours, 1e3 / ours, bytes);
    /* named by the flow count measured: established_1m, established_100k */
    char scen[32];
    if (n % 1000000 == 0)
        snprintf(scen, sizeof scen, "established_%um", n / 1000000);
    else if (n % 1000 == 0)
        snprintf(scen, sizeof scen, "established_%uk", n / 1000);
    else
        snprintf(scen, sizeof scen, "established_%u", n);
    snprintf(json_params, sizeof json_params, "\"flows\": %u", n);
    emit(scen, "libeni_mpps", 1e3 / ours);
    emit(scen, "bytes_per_ipv4_flow", bytes);
    if (peer_available()) {
        uint8_t(*keys)[16] = calloc(n, 16);
        for (uint32_t i = 0; i < n; i++) {
            memcpy(keys[i], e.pk[i].src, 4);
            memcpy(keys[i] + 4, e.pk[i].dst, 4);
            memcpy(keys[i] + 8, &e.pk[i].sport, 2);
            memcpy(keys[i] + 10, &e.pk[i].dport, 2);
            keys[i][12] = 6;
        }
        void *hsh = peer_hash_build((const uint8_t(*)[16])keys, n);
        for (int k = 0; k < reps && hsh; k++) {
            double busy;
            uint32_t hits = peer_hash_lookup(hsh, (const uint8_t(*)[16])keys, e.order, n,
                                             (uint32_t)k * 7919, 2000000, &busy);
            ns[k] = busy * 1e9 / 2000000;
            if (hits != 2000000)
                fprintf(stderr, "rte_hash: %u hits of 2000000\n", hits);
        }
        double theirs = median(ns, reps);
        printf("  rte_hash_lookup_bulk %6.1f Mpps  ratio %.2fx", 1e3 / theirs, theirs / ours);
        emit(scen, "rte_hash_bulk_mpps", 1e3 / theirs);
        emit(scen, "ratio_vs_rte_hash", theirs / ours);
        peer_hash_free(hsh);
        free(keys);
    }
    printf("\n");

    /* 1 vs 2 threads on the same interface, started together (all packets
     * hits): the sum of the threads' rates. */
    pthread_barrier_t bar;
    double *r1 = calloc((size_t)reps, sizeof *r1), *r2 = calloc((size_t)reps, sizeof *r2);
    for (int k = 0; k < 2 * reps; k++) { /* alternating 1, 2, 1, 2...: same conditions for both */
        int threads = 1 + k % 2;
        pthread_barrier_init(&bar, NULL, (unsigned)threads + 1);
        pthread_t t[2];
        struct thr_arg a[2];
        for (int i = 0; i < threads; i++) {
            a[i] = (struct thr_arg){&e, (uint32_t)(k * 7919 + i * 500009), 0, &bar};
            pthread_create(&t[i], NULL, thr, &a[i]);
        }
        pthread_barrier_wait(&bar);
        double mpps = 0;
        for (int i = 0; i < threads; i++) {
            pthread_join(t[i], NULL);
            mpps += 1e3 / a[i].ns; /* each thread's evaluation time only, as est_run times it */
        }
        pthread_barrier_destroy(&bar);
        (threads == 1 ? r1 : r2)[k / 2] = mpps;
    }
    double one = median(r1, reps), two = median(r2, reps);
    free(r1);
    free(r2);
    printf("threads   1: %6.1f Mpps   2: %6.1f Mpps   scaling %.2fx\n", one, two, two / one);
    emit("threads", "one_thread_mpps", one);
    emit("threads", "two_threads_mpps", two);
    emit("threads", "scaling", two / one);

    /* Evaluation during a stream of rule changes (one change per ms on the
     * other core) against a quiet run: the packet path must not wait. */
    {
        /* ... with 1000 rules in the group, so every change recompiles them */
        enum { NR = 1000 };
        struct bench_rule *r = calloc(NR, sizeof *r);
        gen_rules(r, NR);
        e.h.ctx->model->quotas.rules_per_group = NR + 100;
        load_rules(&e.h, r, NR);
        free(r);
        struct churn c = {&e.h, 0, 0};
        double quiet = est_run(&e, w, 2000000, 0);
        pthread_t ct;
        pthread_create(&ct, NULL, churner, &c);
        double busy = est_run(&e, w, 2000000, 0);
        atomic_store(&c.stop, 1);
        pthread_join(ct, NULL);
        printf("churn     quiet %6.1f Mpps  during %u changes at 1000 rules %6.1f Mpps  (%.0f%%)\n",
               1e3 / quiet, c.changes, 1e3 / busy, 100.0 * quiet / busy);
        snprintf(json_params, sizeof json_params, "\"flows\": %u, \"rules\": %u", n, NR);
        emit("churn", "quiet_mpps", 1e3 / quiet);
        emit("churn", "during_changes_mpps", 1e3 / busy);
        emit("churn", "relative", quiet / busy);
        snprintf(json_params, sizeof json_params, "\"flows\": %u", n);
    }

    /* 90/10 established/new mix: room for the new flows first. Each round
     * is an inbound burst of 58 replies of tracked flows and an outbound
     * burst of 6 new connections (SYNs), built untimed as in est_run. */
    CHECK(eni_nic_set_conntrack_allowance(e.h.ctx, e.h.nic, e.n + (uint32_t)reps * 110000));
    enum { EST = 58, NEW = 6 };
    eni_pkt in[EST], out[NEW];
    eni_verdict v[64];
    uint32_t fresh = 0, at = 0;
    for (int k = 0; k < reps; k++) {
        double busy = 0;
        uint32_t done = 0;
        while (done < 1000000) {
            for (uint32_t j = 0; j < EST; j++)
                in[j] = e.pk[e.order[at++ % e.n]];
            for (uint32_t j = 0; j < NEW; j++) {
                out[j] = e.pk[0];
                uint32_t peer = htonl((12u << 24) | fresh++);
                uint32_t self = htonl(e.h.ip);
                memcpy(out[j].src, &self, 4);
                memcpy(out[j].dst, &peer, 4);
                out[j].sport = 50000;
                out[j].dport = 443;
                out[j].tcp_flags = 0x02;
            }
            settle();
            double t0 = wall_s();
            eni_eval_burst(w, e.h.nic, ENI_DIR_INBOUND, in, EST, 3, 0, v);
            eni_eval_burst(w, e.h.nic, ENI_DIR_OUTBOUND, out, NEW, 3, 0, v);
            busy += wall_s() - t0;
            done += EST + NEW;
        }
        ns[k] = busy * 1e9 / done;
    }
    printf("mix 90/10 libeni %6.1f Mpps\n", 1e3 / median(ns, reps));
    emit("mix_90_10", "libeni_mpps", 1e3 / median(ns, reps));
    json_params[0] = 0;
    eni_eval_worker_free(w);
    eni_ctx_free(e.h.ctx);
    free(e.pk), free(e.order), free(ns);
}

/* ---- 3. frames, rule publication ----------------------------------------- */

static void bench_frames_and_publish(void)
{
    enum { NR = 1000, NF = 4096 };
    struct bench_rule *r = calloc(NR, sizeof *r);
    gen_rules(r, NR);
    struct host h;
    host_new(&h, NR + 100);
    load_rules(&h, r, NR);
    eni_eval_worker *w;
    CHECK(eni_eval_worker_new(h.ctx, &w));
    /* whole frames: outbound TCP to distinct peers (new flows, allowed by egress) */
    uint8_t(*frames)[54] = calloc(NF, 54);
    const uint8_t **fp = calloc(NF, sizeof *fp);
    uint32_t *lens = calloc(NF, sizeof *lens);
    for (uint32_t i = 0; i < NF; i++) {
        uint8_t *f = frames[i];
        f[12] = 0x08;
        uint8_t *ip = f + 14;
        ip[0] = 0x45, ip[3] = 40, ip[9] = 6;
        uint32_t self = htonl(h.ip), peer = htonl((13u << 24) | i);
        memcpy(ip + 12, &self, 4);
        memcpy(ip + 16, &peer, 4);
        ip[20] = 0x9c, ip[21] = 0x40, ip[22] = 0x01, ip[23] = 0xbb, ip[32] = 0x50, ip[33] = 0x10;
        fp[i] = f;
        lens[i] = 54;
    }
    eni_verdict *v = calloc(NF, sizeof *v);
    double *ns = calloc((size_t)reps, sizeof *ns);
    CHECK(eni_eval_frames(w, h.nic, ENI_DIR_OUTBOUND, fp, lens, NF, 1, 0, v)); /* create flows */
    for (int k = 0; k < reps; k++) {
        double t0 = cpu_s();
        for (int loop = 0; loop < 100; loop++)
            eni_eval_frames(w, h.nic, ENI_DIR_OUTBOUND, fp, lens, NF, 2, 0, v);
        ns[k] = (cpu_s() - t0) * 1e9 / (100.0 * NF);
    }
    printf("frames    parse + evaluate (tracked)  %6.1f ns/frame %6.1f Mpps\n", median(ns, reps),
           1e3 / median(ns, reps));
    snprintf(json_params, sizeof json_params, "\"rules\": %u", NR);
    emit("frames", "libeni_mpps", 1e3 / median(ns, reps));

    /* publishing one rule change at 1000 rules (authorize = validate + compile + swap) */
    for (int k = 0; k < reps; k++) {
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = 6, s.from_port = 7000 + k, s.to_port = 7000 + k;
        s.peer_kind = ENI_PEER_CIDR, s.cidr = "198.18.0.0/15";
        eni_sg_rule_id id;
        double t0 = wall_s();
        CHECK(eni_sg_authorize(h.ctx, h.sg, ENI_INGRESS, &s, 1, &id));
        ns[k] = (wall_s() - t0) * 1e6;
        CHECK(eni_sg_revoke_rules(h.ctx, h.sg, &id, 1));
    }
    printf("publish   one rule change at %u rules: %.0f us", NR, median(ns, reps));
    emit("publish_1000", "microseconds", median(ns, reps));
    /* the same with all 15 interfaces of the m5.24xlarge in the group: one
     * compile for the group set, shared by the 15 snapshots */
    for (uint32_t k = 1; k < 15; k++) {
        eni_nic_spec nsp = ENI_NIC_SPEC_INIT;
        nsp.subnet = h.subnet;
        nsp.groups = &h.sg;
        nsp.group_count = 1;
        eni_nic_id more;
        eni_attachment_id att;
        CHECK(eni_nic_create(h.ctx, &nsp, &more));
        CHECK(eni_nic_attach(h.ctx, more, h.inst, k, 0, &att));
    }
    uint32_t done;
    CHECK(eni_ctx_poll(h.ctx, 0, NULL, NULL, &done));
    for (int k = 0; k < reps; k++) {
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = 6, s.from_port = 7000 + k, s.to_port = 7000 + k;
        s.peer_kind = ENI_PEER_CIDR, s.cidr = "198.18.0.0/15";
        eni_sg_rule_id id;
        double t0 = wall_s();
        CHECK(eni_sg_authorize(h.ctx, h.sg, ENI_INGRESS, &s, 1, &id));
        ns[k] = (wall_s() - t0) * 1e6;
        CHECK(eni_sg_revoke_rules(h.ctx, h.sg, &id, 1));
    }
    printf("  (15 interfaces in the group: %.0f us)\n", median(ns, reps));
    snprintf(json_params, sizeof json_params, "\"rules\": %u, \"interfaces\": 15", NR);
    emit("publish_1000_15_interfaces", "microseconds", median(ns, reps));
    json_params[0] = 0;
    eni_eval_worker_free(w);
    eni_ctx_free(h.ctx);
    free(r), free(frames), free(fp), free(lens), free(v), free(ns);
}

static const char usage[] =
    "[--reps N] [--json FILE] [--quick] [--flows N] [--only SCENARIO]\n"
    "The evaluator's figures (medians), beside DPDK when built with -Ddpdk_peer.\n"
    "  --reps N         repetitions of each measurement, 1..100 (default 7)\n"
    "  --json FILE      also write the figures and the run's metadata as JSON\n"
    "  --quick          100000 established flows instead of 1000000\n"
    "  --flows N        N established flows, 1000..4000000 (overrides --quick)\n"
    "  --only SCENARIO  classify, established or frames alone\n"
    "  -h, --help       this text\n"
    "  -V, --version    the libeni version\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"reps", required_argument, NULL, 'r'}, {"json", required_argument, NULL, 'j'},
        {"quick", no_argument, NULL, 'q'},      {"flows", required_argument, NULL, 'f'},
        {"only", required_argument, NULL, 'o'}, CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    const char *prog = argv[0], *json_path = NULL, *only = NULL;
    bool quick = false;
    uint32_t flows = 0;
    for (int opt; (opt = getopt_long(argc, argv, "hV", longopts, NULL)) != -1;) {
        if (opt == 'r')
            reps = (int)cli_number(prog, "--reps", optarg, 1, 100);
        else if (opt == 'j')
            json_path = optarg;
        else if (opt == 'q')
            quick = true;
        else if (opt == 'f')
            flows = cli_number(prog, "--flows", optarg, 1000, 4000000);
        else if (opt == 'o' && (!strcmp(optarg, "classify") || !strcmp(optarg, "established") ||
                                !strcmp(optarg, "frames")))
            only = optarg;
        else if (opt == 'o')
            cli_fail(prog, "--only takes classify, established or frames", optarg);
        else
            cli_common(opt, prog, usage);
    }
    if (optind < argc)
        cli_fail(prog, "unexpected argument", argv[optind]);
    if (!flows)
        flows = quick ? 100000 : 1000000;
    if (peer_available() && peer_init() != 0) {
        fprintf(stderr, "DPDK EAL init failed: the peer is skipped\n");
        return 1;
    }
    if (json_path && !(json = fopen(json_path, "w"))) {
        perror(json_path);
        return 1;
    }
    if (json)
        json_meta(quick, flows, only);
    printf("eni-bench: %d repetitions, medians; peer: %s\n", reps,
           peer_available() ? "DPDK rte_acl / rte_hash (same process)" : "none (-Ddpdk_peer)");
    const uint32_t sizes[] = {10, 100, 1000, 5000};
    for (size_t i = 0; i < 4 && (!only || !strcmp(only, "classify")); i++)
        bench_classify(sizes[i]);
    if (!only || !strcmp(only, "established"))
        bench_established(flows);
    if (!only || !strcmp(only, "frames"))
        bench_frames_and_publish();
    if (json) {
        fprintf(json, "\n  ]\n}\n");
        if (fclose(json) != 0) {
            perror(json_path);
            return 1;
        }
    }
    return 0;
}
