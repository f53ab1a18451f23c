/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench: the evaluator measured beside DPDK, same rules, same packets,
 * same process, through the public API only (include/eni).
 *
 *   ./build/bench/eni-bench [--reps N] [--json FILE] [--quick] [--flows N]
 *                           [--only classify|established|frames] [--shape NAME,...]
 *
 * Scenarios (seeded, reproducible): the classifier by rule shape
 * (bench_shapes.c: 14 shapes at 10, 100 and 1000 rules, dropped, new and
 * established packets, beside the DPDK composite); established-flow hits
 * with 1M tracked flows (vs rte_hash_lookup_bulk); a 90/10 established/new
 * mix; the whole-frame pipeline; publishing one rule change at 1000 rules;
 * evaluation during a stream of rule changes; 1 vs 2 threads on one
 * interface. Figures are medians over repetitions, timed with thread CPU
 * time (wall time for the threaded runs and single bursts).
 *
 * --json FILE writes {"meta": {...}, "results": [...]} (bench_json.h): the
 * machine, the build and the run's settings, then one record per figure,
 * each with its "scenario", "metric" and "value", and what it was measured
 * at ("shape", "measure", "rules", "flows"). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cli.h"
#include "bench_json.h"
#include "bench_shapes.h"
#include "bench_util.h"
#include "host.h"
#include "peer.h"
#include "shapes.h"

int bench_reps = 7;

static uint64_t rng = 0x5eedbe9c4ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

/* n rules of the tcpudp shape in the host's group (the rule set the
 * publication and churn figures have always used). */
static void load_tcpudp(struct host *h, uint32_t n)
{
    struct shape_set s;
    shape_make(&s, "tcpudp", n, 0);
    host_load_shape(h, &s);
    shape_free(&s);
}

/* ---- 2. established flows ------------------------------------------------- */

struct est {
    struct host h;
    eni_pkt *pk;      /* replies (inbound) of the tracked flows */
    uint32_t *order;  /* the flows in random order: lookups are DRAM-bound */
    uint32_t n;
    double table_bytes; /* the flow table's, at this allowance (both families) */
};

/* An IPv4 TCP packet from `from` to `to` (host order). */
static eni_pkt tcp4(uint32_t from, uint32_t to, uint16_t sport, uint16_t dport, uint8_t flags)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4;
    p.proto = 6;
    p.len = 40;
    p.sport = sport, p.dport = dport, p.tcp_flags = flags;
    uint32_t s = htonl(from), d = htonl(to);
    memcpy(p.src, &s, 4);
    memcpy(p.dst, &d, 4);
    return p;
}

static void est_new(struct est *e, uint32_t n)
{
    host_new(&e->h, 0);
    /* Room for n flows: the instance's budget, and the interface's own cap
     * (which sizes its tables). The flow table's bytes, through the ctx's
     * allocator hooks: the difference between a cap of n and the smallest. */
    CHECK(eni_instance_set_conntrack_allowance(e->h.ctx, e->h.inst, n));
    CHECK(eni_nic_set_conntrack_allowance(e->h.ctx, e->h.nic, 1));
    size_t least = e->h.live;
    CHECK(eni_nic_set_conntrack_allowance(e->h.ctx, e->h.nic, n));
    e->table_bytes = (double)(e->h.live - least);
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
            eni_pkt in = tcp4(peer, e->h.ip, 443, (uint16_t)(1024 + (i + k) % 60000), 0x12);
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
    double *ns = calloc((size_t)bench_reps, sizeof *ns);
    for (int k = 0; k < bench_reps; k++)
        ns[k] = est_run(&e, w, 2000000, (uint32_t)k * 7919);
    double ours = median(ns, bench_reps);

    /* Bytes of flow table per tracked flow: both tables (the interface is
     * IPv4-only, so its IPv6 table is the idle minimum, the same at every
     * allowance), as the allocator hooks counted them. */
    eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
    CHECK(eni_nic_get_conntrack(e.h.ctx, e.h.nic, &st));
    double bytes = e.table_bytes / (double)st.tracked;
    fprintf(stderr, "  (%llu flows tracked, %.0f bytes of flow table)\n",
            (unsigned long long)st.tracked, e.table_bytes);
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
    json_params("\"flows\": %u", n);
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
        for (int k = 0; k < bench_reps && hsh; k++) {
            double busy;
            uint32_t hits = peer_hash_lookup(hsh, (const uint8_t(*)[16])keys, e.order, n,
                                             (uint32_t)k * 7919, 2000000, &busy);
            ns[k] = busy * 1e9 / 2000000;
            if (hits != 2000000)
                fprintf(stderr, "rte_hash: %u hits of 2000000\n", hits);
        }
        double theirs = median(ns, bench_reps);
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
    double *r1 = calloc((size_t)bench_reps, sizeof *r1), *r2 = calloc((size_t)bench_reps, sizeof *r2);
    for (int k = 0; k < 2 * bench_reps; k++) { /* alternating 1, 2, 1, 2...: same conditions for both */
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
    double one = median(r1, bench_reps), two = median(r2, bench_reps);
    free(r1);
    free(r2);
    printf("threads   1: %6.1f Mpps   2: %6.1f Mpps   scaling %.2fx\n", one, two, two / one);
    emit("threads", "one_thread_mpps", one);
    emit("threads", "two_threads_mpps", two);
    emit("threads", "scaling", two / one);

    /* Evaluation during a stream of rule changes (one change per ms on the
     * other core) against a quiet run: the packet path must not wait. */
    {
        /* ... with 1000 rules in the group (999, and the one changing), so
         * every change recompiles them */
        enum { NR = 1000 };
        load_tcpudp(&e.h, NR - 1);
        struct churn c = {&e.h, 0, 0};
        double quiet = est_run(&e, w, 2000000, 0);
        pthread_t ct;
        pthread_create(&ct, NULL, churner, &c);
        double busy = est_run(&e, w, 2000000, 0);
        atomic_store(&c.stop, 1);
        pthread_join(ct, NULL);
        printf("churn     quiet %6.1f Mpps  during %u changes at 1000 rules %6.1f Mpps  (%.0f%%)\n",
               1e3 / quiet, c.changes, 1e3 / busy, 100.0 * quiet / busy);
        json_params("\"flows\": %u, \"rules\": %u", n, NR);
        emit("churn", "quiet_mpps", 1e3 / quiet);
        emit("churn", "during_changes_mpps", 1e3 / busy);
        emit("churn", "relative", quiet / busy);
        json_params("\"flows\": %u", n);
    }

    /* 90/10 established/new mix: room for the new flows first. Each round
     * is an inbound burst of 58 replies of tracked flows and an outbound
     * burst of 6 new connections (SYNs), built untimed as in est_run. */
    uint32_t room = e.n + (uint32_t)bench_reps * 110000;
    CHECK(eni_instance_set_conntrack_allowance(e.h.ctx, e.h.inst, room));
    CHECK(eni_nic_set_conntrack_allowance(e.h.ctx, e.h.nic, room));
    enum { EST = 58, NEW = 6 };
    eni_pkt in[EST], out[NEW];
    eni_verdict v[64];
    uint32_t fresh = 0, at = 0;
    for (int k = 0; k < bench_reps; k++) {
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
    printf("mix 90/10 libeni %6.1f Mpps\n", 1e3 / median(ns, bench_reps));
    emit("mix_90_10", "libeni_mpps", 1e3 / median(ns, bench_reps));
    json_params_clear();
    eni_eval_worker_free(w);
    host_free(&e.h);
    free(e.pk), free(e.order), free(ns);
}

/* ---- 3. frames, rule publication ----------------------------------------- */

static void bench_frames_and_publish(void)
{
    enum { NR = 1000, NF = 4096 };
    struct host h;
    host_new(&h, 0);
    load_tcpudp(&h, NR - 1); /* the change under test is the 1000th */
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
    double *ns = calloc((size_t)bench_reps, sizeof *ns);
    CHECK(eni_eval_frames(w, h.nic, ENI_DIR_OUTBOUND, fp, lens, NF, 1, 0, v)); /* create flows */
    for (int k = 0; k < bench_reps; k++) {
        double t0 = cpu_s();
        for (int loop = 0; loop < 100; loop++)
            eni_eval_frames(w, h.nic, ENI_DIR_OUTBOUND, fp, lens, NF, 2, 0, v);
        ns[k] = (cpu_s() - t0) * 1e9 / (100.0 * NF);
    }
    printf("frames    parse + evaluate (tracked)  %6.1f ns/frame %6.1f Mpps\n", median(ns, bench_reps),
           1e3 / median(ns, bench_reps));
    json_params("\"rules\": %u", NR);
    emit("frames", "libeni_mpps", 1e3 / median(ns, bench_reps));

    /* publishing one rule change at 1000 rules (authorize = validate + compile + swap) */
    for (int k = 0; k < bench_reps; k++) {
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = 6, s.from_port = 7000 + k, s.to_port = 7000 + k;
        s.peer_kind = ENI_PEER_CIDR, s.cidr = "198.18.0.0/15";
        eni_sg_rule_id id;
        double t0 = wall_s();
        CHECK(eni_sg_authorize(h.ctx, h.sg, ENI_INGRESS, &s, 1, &id));
        ns[k] = (wall_s() - t0) * 1e6;
        CHECK(eni_sg_revoke_rules(h.ctx, h.sg, &id, 1));
    }
    printf("publish   one rule change at %u rules: %.0f us", NR, median(ns, bench_reps));
    emit("publish_1000", "microseconds", median(ns, bench_reps));
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
    for (int k = 0; k < bench_reps; k++) {
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = 6, s.from_port = 7000 + k, s.to_port = 7000 + k;
        s.peer_kind = ENI_PEER_CIDR, s.cidr = "198.18.0.0/15";
        eni_sg_rule_id id;
        double t0 = wall_s();
        CHECK(eni_sg_authorize(h.ctx, h.sg, ENI_INGRESS, &s, 1, &id));
        ns[k] = (wall_s() - t0) * 1e6;
        CHECK(eni_sg_revoke_rules(h.ctx, h.sg, &id, 1));
    }
    printf("  (15 interfaces in the group: %.0f us)\n", median(ns, bench_reps));
    json_params("\"rules\": %u, \"interfaces\": 15", NR);
    emit("publish_1000_15_interfaces", "microseconds", median(ns, bench_reps));
    json_params_clear();
    eni_eval_worker_free(w);
    host_free(&h);
    free(frames), free(fp), free(lens), free(v), free(ns);
}

static const char usage[] =
    "[--reps N] [--json FILE] [--quick] [--flows N] [--only SCENARIO] [--shape NAME]...\n"
    "       [--stress]\n"
    "The evaluator's figures (medians), beside DPDK when built with -Ddpdk_peer.\n"
    "  --reps N         repetitions of each measurement, 1..100 (default 7)\n"
    "  --json FILE      also write the figures and the run's metadata as JSON\n"
    "  --quick          fewer packets, 10 and 100 rules, 100000 established flows\n"
    "  --flows N        N established flows, 1000..4000000 (overrides --quick)\n"
    "  --only SCENARIO  classify, established or frames alone\n"
    "  --shape NAME     the classifier with these rule shapes only (repeat it, or\n"
    "                   a comma list): tcpudp mix icmp all groupref prefixlist acl,\n"
    "                   the stress shapes ranges hosts protos icmptypes cluster\n"
    "                   sameport, and v6-NAME of each\n"
    "  --stress         the classifier with the stress shapes (with --shape: both)\n"
    "  -h, --help       this text\n"
    "  -V, --version    the libeni version\n";

/* --shape's names, added to `want` (one flag per shape_names entry). */
static void add_shapes(const char *prog, const char *arg, bool *want)
{
    char *copy = strdup(arg), *save = NULL;
    bool any = false;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int i = shape_index(t);
        if (i < 0)
            cli_fail(prog,
                     "--shape takes tcpudp, mix, icmp, all, groupref, prefixlist, acl, ranges, "
                     "hosts, protos, icmptypes, cluster, sameport or v6-NAME",
                     t);
        want[i] = any = true;
    }
    free(copy);
    if (!any)
        cli_fail(prog, "--shape needs a shape name", arg);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"reps", required_argument, NULL, 'r'}, {"json", required_argument, NULL, 'j'},
        {"quick", no_argument, NULL, 'q'},      {"flows", required_argument, NULL, 'f'},
        {"only", required_argument, NULL, 'o'}, {"shape", required_argument, NULL, 's'},
        {"stress", no_argument, NULL, 'S'},     CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    const char *prog = argv[0], *json_path = NULL, *only = NULL;
    bool quick = false, want[SHAPE_MAX] = {false}, some = false;
    uint32_t flows = 0;
    char shapes_arg[512] = "";
    for (int opt; (opt = getopt_long(argc, argv, "hV", longopts, NULL)) != -1;) {
        if (opt == 'r')
            bench_reps = (int)cli_number(prog, "--reps", optarg, 1, 100);
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
        else if (opt == 's')
            add_shapes(prog, optarg, want), some = true;
        else if (opt == 'S') {
            for (uint32_t i = shape_count; i < shape_count_all; i++)
                want[i] = true;
            some = true;
        }
        else
            cli_common(opt, prog, usage);
    }
    if (optind < argc)
        cli_fail(prog, "unexpected argument", argv[optind]);
    if (!flows)
        flows = quick ? 100000 : 1000000;
    const char *names[SHAPE_MAX];
    uint32_t nnames = 0;
    for (uint32_t i = 0; i < (some ? shape_count_all : shape_count); i++)
        if (!some || want[i]) {
            names[nnames++] = shape_names[i];
            if (some)
                snprintf(shapes_arg + strlen(shapes_arg), sizeof shapes_arg - strlen(shapes_arg),
                         "%s%s", shapes_arg[0] ? "," : "", shape_names[i]);
        }
    if (peer_available() && peer_init() != 0) {
        fprintf(stderr, "DPDK EAL init failed: the peer is skipped\n");
        return 1;
    }
    struct json_run run = {quick, flows, only, some ? shapes_arg : NULL};
    if (json_path && !json_open(json_path, &run)) {
        perror(json_path);
        return 1;
    }
    printf("eni-bench: %d repetitions, medians; peer: %s\n", bench_reps,
           peer_available() ? "DPDK rte_hash + rte_acl (same process)" : "none (-Ddpdk_peer)");
    static const uint32_t sizes[] = {10, 100, 1000};
    if (!only || !strcmp(only, "classify"))
        bench_shapes(names, nnames, sizes, quick ? 2 : 3, quick);
    if (!only || !strcmp(only, "established"))
        bench_established(flows);
    if (!only || !strcmp(only, "frames"))
        bench_frames_and_publish();
    if (json_path && !json_close()) {
        perror(json_path);
        return 1;
    }
    return 0;
}
