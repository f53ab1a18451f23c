/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench-sync: how long a membership change takes to reach every other
 * host through etcd, and what it costs. N simulated hosts in one process,
 * each its own ctx and libeni-sync (its own thread, connections and watch),
 * against one etcd (started here on loopback unless --etcd is given). Host
 * 0 toggles a secondary address of its interface in `app` and nudges its
 * sync; hosts 1..N-1 have a database interface whose group allows `app`, so
 * each watches `app`. A change counts as converged on a host when that
 * host's sync thread has applied host 0's new set to its ctx (the
 * evaluator's rules are republished before that call returns). Changes are
 * made one at a time. Never part of a test suite: figures in
 * docs/benchmarks.md. Warnings go to stderr (a run with any is not a clean
 * figure); ENI_BENCH_DEBUG=1 logs everything the syncs do. */
#include "eni_sync.h"
#include "etcd_proc.h"
#include "fleet_model.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct host {
    char name[32];
    struct fleet f;
    eni_sync *s;
    eni_nic_id nic;
    atomic_ullong seen_gen; /* the last change seen applied */
    long long seen_us;      /* when (monotonic microseconds) */
};

static struct host *hosts;
static int nhosts;
static atomic_ullong gen;
static atomic_uint expect;

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void on_remote(eni_sg_id sg, const char *from, uint32_t count, void *ud)
{
    struct host *h = ud;
    if (sg.v != h->f.app.v || strcmp(from, "host-0") || count != atomic_load(&expect))
        return;
    h->seen_us = now_us();
    atomic_store(&h->seen_gen, atomic_load(&gen));
}

static void on_log(uint32_t level, const char *msg, void *ud)
{
    (void)level, (void)ud;
    fprintf(stderr, "%s\n", msg);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "eni-bench-sync: %s: %s\n", what, eni_err_name(rc));
    exit(1);
}

static void host_new(struct host *h, int i, const char *url)
{
    int rc;
    snprintf(h->name, sizeof h->name, "host-%d", i);
    atomic_store(&h->seen_gen, ~0ull); /* nothing seen: gen 0 is the initial set */
    if ((rc = fleet_model_new(&h->f)))
        die("model", rc);
    char ip[32];
    snprintf(ip, sizeof ip, "10.0.1.%d", i ? 20 + i % 200 : 10);
    if ((rc = fleet_nic(&h->f, NULL, ip, NULL, i ? &h->f.db : &h->f.app, 1, &h->nic)))
        die("interface", rc);
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.remote_fn = on_remote;
    o.remote_userdata = h;
    o.prefix = "/libeni-bench/v1";
    o.log_fn = on_log; /* warnings: a run with any is not a clean figure */
    o.log_level = getenv("ENI_BENCH_DEBUG") ? ENI_LOG_DEBUG : 0;
    if ((rc = eni_sync_new(h->f.ctx, url, h->name, &o, &h->s)) || (rc = eni_sync_start(h->s)))
        die("sync", rc);
}

static int all_seen(unsigned long long g, long long deadline_us)
{
    for (;;) {
        int n = 0;
        for (int i = 1; i < nhosts; i++)
            n += atomic_load(&hosts[i].seen_gen) == g;
        if (n == nhosts - 1)
            return 1;
        if (now_us() > deadline_us)
            return 0;
        usleep(100);
    }
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void percentiles(const char *what, long long *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_ll);
    printf("%-34s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu samples)\n", what,
           v[n / 2] / 1e3, v[n * 9 / 10] / 1e3, v[n * 99 / 100] / 1e3, v[n - 1] / 1e3, n);
}

static eni_sync_stats stats_of(int i)
{
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    eni_sync_get_stats(hosts[i].s, &st);
    return st;
}

/* The watchers' counters, summed. */
static eni_sync_stats watchers(void)
{
    eni_sync_stats sum = ENI_SYNC_STATS_INIT;
    for (int i = 1; i < nhosts; i++) {
        eni_sync_stats st = stats_of(i);
        sum.watch_events += st.watch_events;
        sum.bytes_received += st.bytes_received;
        sum.ranges += st.ranges;
        sum.errors += st.errors;
        sum.applied += st.applied;
    }
    return sum;
}

int main(int argc, char **argv)
{
    int changes = 1000;
    const char *url = NULL;
    nhosts = 3;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--hosts") && i + 1 < argc)
            nhosts = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--changes") && i + 1 < argc)
            changes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--etcd") && i + 1 < argc)
            url = argv[++i];
        else {
            fprintf(stderr, "usage: eni-bench-sync [--hosts N] [--changes M] [--etcd URL]\n");
            return 2;
        }
    }
    if (nhosts < 2 || nhosts > 1000 || changes < 1)
        return 2;
    struct etcd_proc etcd = {0};
    char dir[] = "/tmp/eni-bench-sync-XXXXXX";
    if (!url) {
        const char *bin = etcd_find();
        if (!bin || !mkdtemp(dir) || etcd_proc_start(&etcd, bin, dir, 15000)) {
            fprintf(stderr, "eni-bench-sync: cannot start etcd (install etcd-server)\n");
            return 1;
        }
        url = etcd.url;
    }
    hosts = calloc((size_t)nhosts, sizeof *hosts);
    atomic_store(&expect, 1);
    for (int i = 0; i < nhosts; i++)
        host_new(&hosts[i], i, url);
    if (!all_seen(0, now_us() + 30000000)) {
        fprintf(stderr, "eni-bench-sync: the hosts did not see host 0 within 30 s\n");
        return 1;
    }
    usleep(200000); /* the counters of the first reads reach the snapshot */
    eni_sync_stats w0 = stats_of(0), r0 = watchers();
    long long *each = calloc((size_t)changes * (size_t)(nhosts - 1), sizeof *each);
    long long *all = calloc((size_t)changes, sizeof *all);
    size_t ne = 0;
    int lost = 0;
    const char *second = "10.0.1.9";
    for (int c = 1; c <= changes; c++) {
        atomic_store(&expect, c % 2 ? 2 : 1);
        atomic_store(&gen, (unsigned long long)c);
        long long t0 = now_us();
        int rc = c % 2 ? eni_nic_assign_private_ips(hosts[0].f.ctx, hosts[0].nic, &second, 1, 0, 0)
                       : eni_nic_unassign_private_ips(hosts[0].f.ctx, hosts[0].nic, &second, 1);
        if (rc)
            die("change", rc);
        eni_sync_nudge(hosts[0].s);
        if (!all_seen((unsigned long long)c, t0 + 10000000)) {
            lost++;
            continue;
        }
        long long worst = 0;
        for (int i = 1; i < nhosts; i++) {
            long long d = hosts[i].seen_us - t0;
            each[ne++] = d;
            worst = d > worst ? d : worst;
        }
        all[c - 1 - lost] = worst;
    }
    usleep(200000); /* the counters of the last change reach the snapshot */
    eni_sync_stats w1 = stats_of(0), r1 = watchers();
    int done = changes - lost;
    printf("eni-bench-sync: %d hosts (1 writer, %d watchers), %d changes, %d not converged in 10 s\n",
           nhosts, nhosts - 1, changes, lost);
    if (done) {
        percentiles("convergence, each watcher:", each, ne);
        percentiles("convergence, all watchers:", all, (size_t)done);
        printf("per change: writer %.2f txn, %.2f keys written, %.0f bytes sent; "
               "watchers %.2f watch events (%.2f each), %.0f bytes received (%.0f each)\n",
               (double)(w1.txns - w0.txns) / done,
               (double)(w1.puts + w1.deletes - w0.puts - w0.deletes) / done,
               (double)(w1.bytes_sent - w0.bytes_sent) / done,
               (double)(r1.watch_events - r0.watch_events) / done,
               (double)(r1.watch_events - r0.watch_events) / done / (nhosts - 1),
               (double)(r1.bytes_received - r0.bytes_received) / done,
               (double)(r1.bytes_received - r0.bytes_received) / done / (nhosts - 1));
    }
    printf("watchers during the run: %llu sets applied, %llu full reads, %llu errors\n",
           (unsigned long long)(r1.applied - r0.applied), (unsigned long long)(r1.ranges - r0.ranges),
           (unsigned long long)(r1.errors - r0.errors));
    for (int i = 0; i < nhosts; i++) {
        eni_sync_stop(hosts[i].s, ENI_SYNC_LEAVE);
        eni_sync_free(hosts[i].s);
        eni_ctx_free(hosts[i].f.ctx);
    }
    etcd_proc_kill(&etcd);
    if (etcd.dir[0])
        etcd_proc_rmdir(dir);
    free(each);
    free(all);
    free(hosts);
    return lost ? 1 : 0;
}
