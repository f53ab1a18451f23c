/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* One host of test_sync_etcd: its own ctx and libeni-sync, the model every
 * host shares by the ids EC2 gave (VPC, subnet, groups `app` and `db`, db
 * allowing TCP 5432 from app), driven by one command per line on stdin with
 * one answer line on stdout:
 *   launch NIC IPV4 IPV6 GROUP[,GROUP]  an instance with that interface, running
 *   groups NIC GROUP[,GROUP]            ModifyNetworkInterfaceAttribute --groups
 *   terminate NIC                       its instance terminated, the interface deleted
 *   prefix NIC CIDR | unprefix NIC CIDR  delegate a /28 or /80 to it, or take it back
 *   eval NIC in|out PEER PORT FLAGS     a TCP packet to/from port 5432: the reason
 *   remote GROUP                        what other hosts reported: host=addr,...,prefix,... ...
 *   stats                               libeni-sync's counters
 *   quit | leave                        stop (leave: delete this host's keys), exit 0 */
#include "eni_sync.h"
#include "fleet_model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct fleet fleet;
static eni_ctx *ctx;
static eni_sync *sync_;
static eni_eval_worker *worker;
static const char *host;

static void fail(const char *what, int rc)
{
    fprintf(stderr, "agent %s: %s: %s (%s)\n", host, what, eni_err_name(rc),
            eni_error_last()->message);
    exit(1);
}
#define MUST(call) do { int rc_ = (call); if (rc_) fail(#call, rc_); } while (0)

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void on_log(uint32_t level, const char *msg, void *ud)
{
    (void)level, (void)ud;
    fprintf(stderr, "%s\n", msg);
}

static eni_sg_id group(const char *name)
{
    uint64_t id = 0;
    if (!strcmp(name, "app") || !strcmp(name, "db"))
        return name[0] == 'a' ? fleet.app : fleet.db;
    MUST(eni_id_parse(ctx, FLEET_SG_DEFAULT, ENI_KIND_SG, &id));
    return (eni_sg_id){id};
}

static uint32_t groups(char *list, eni_sg_id *out)
{
    uint32_t n = 0;
    for (char *g = strtok(list, ","); g && n < 5; g = strtok(NULL, ","))
        out[n++] = group(g);
    return n;
}

static eni_nic_id nic(const char *id)
{
    uint64_t v = 0;
    MUST(eni_id_parse(ctx, id, ENI_KIND_NIC, &v));
    return (eni_nic_id){v};
}

static void setup(void)
{
    MUST(fleet_model_new(&fleet));
    ctx = fleet.ctx;
    MUST(eni_eval_worker_new(ctx, &worker));
}

static int on_event(const eni_event *ev, void *ud)
{
    *(int *)ud |= ev->type == ENI_EVENT_ATTACH_COMPLETED || ev->type == ENI_EVENT_DETACH_COMPLETED;
    return 0;
}

/* Deliver the mock backend's attach or detach completion, bounded. */
static void settle(void)
{
    uint32_t n;
    int done = 0;
    for (int i = 0; i < 500 && !done; i++) {
        int rc = eni_ctx_wait(ctx, 10);
        if (rc != ENI_OK && rc != ENI_ETIMEDOUT)
            fail("eni_ctx_wait", rc);
        MUST(eni_ctx_poll(ctx, 0, on_event, &done, &n));
    }
}

static void launch(char *id, char *ip4, char *ip6, char *list)
{
    eni_sg_id g[5];
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    MUST(fleet_nic(&fleet, id, ip4, ip6, g, groups(list, g), &ln.existing));
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    MUST(eni_instance_launch(ctx, &ls, &inst));
    settle();
    MUST(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
}

static void terminate(const char *id)
{
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    MUST(eni_nic_describe(ctx, nic(id), &ni));
    MUST(eni_instance_set_state(ctx, ni.instance, ENI_INSTANCE_SHUTTING_DOWN));
    settle();
    MUST(eni_instance_set_state(ctx, ni.instance, ENI_INSTANCE_TERMINATED));
    MUST(eni_nic_delete(ctx, nic(id))); /* an existing interface outlives its instance */
}

static const char *eval(const char *id, const char *dir, const char *peer, int port, int flags)
{
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    eni_nic_id n = nic(id);
    MUST(eni_nic_describe(ctx, n, &ni));
    int v6 = strchr(peer, ':') != NULL;
    char self[ENI_IP_STRING_MAX];
    snprintf(self, sizeof self, "%.47s", ni.private_ip);
    if (v6) {
        eni_nic_address a[8];
        uint32_t na;
        MUST(eni_nic_get_addresses(ctx, n, a, 8, &na));
        for (uint32_t i = 0; i < na && i < 8; i++)
            if (a[i].family == 6)
                snprintf(self, sizeof self, "%.47s", a[i].address);
    }
    int in = !strcmp(dir, "in");
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = v6 ? 6 : 4;
    p.proto = 6;
    p.tcp_flags = (uint8_t)flags;
    p.sport = (uint16_t)(in ? port : 5432);
    p.dport = (uint16_t)(in ? 5432 : port);
    inet_pton(v6 ? AF_INET6 : AF_INET, in ? peer : self, p.src);
    inet_pton(v6 ? AF_INET6 : AF_INET, in ? self : peer, p.dst);
    eni_verdict v;
    MUST(eni_eval_burst(worker, n, in ? ENI_DIR_INBOUND : ENI_DIR_OUTBOUND, &p, 1, now_ns(), 0,
                        &v));
    return eni_reason_name(v.reason);
}

static void remote(const char *name)
{
    eni_sg_id sg = group(name);
    static char hosts[16][ENI_REMOTE_SOURCE_MAX];
    static char addrs[64][ENI_IP_STRING_MAX];
    static char prefixes[16][ENI_CIDR_STRING_MAX];
    uint32_t nh, na, np;
    MUST(eni_sg_list_remote_sources(ctx, sg, &hosts[0][0], 16, &nh));
    for (uint32_t i = 0; i < nh && i < 16; i++) {
        MUST(eni_sg_get_remote_members(ctx, sg, hosts[i], &addrs[0][0], 64, &na));
        MUST(eni_sg_get_remote_prefixes(ctx, sg, hosts[i], &prefixes[0][0], 16, &np));
        printf("%s%s=", i ? " " : "", hosts[i]);
        for (uint32_t k = 0; k < na && k < 64; k++)
            printf("%s%s", k ? "," : "", addrs[k]);
        for (uint32_t k = 0; k < np && k < 16; k++)
            printf("%s%s", k || na ? "," : "", prefixes[k]);
    }
    printf("\n");
}

static void stats(void)
{
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    MUST(eni_sync_get_stats(sync_, &st));
    printf("connected=%u pending=%u published=%u watches=%u watching=%u errors=%llu "
           "reconnects=%llu txns=%llu conflicts=%llu ranges=%llu compactions=%llu revision=%lld\n",
           st.connected, st.pending, st.published, st.watches, st.watching,
           (unsigned long long)st.errors, (unsigned long long)st.reconnects,
           (unsigned long long)st.txns, (unsigned long long)st.conflicts,
           (unsigned long long)st.ranges,
           (unsigned long long)st.compactions, (long long)st.revision);
}

int main(int argc, char **argv)
{
    const char *etcd = NULL;
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--etcd"))
            etcd = argv[i + 1];
        else if (!strcmp(argv[i], "--host"))
            host = argv[i + 1];
        else if (!strcmp(argv[i], "--prefix"))
            o.prefix = argv[i + 1];
    }
    if (!etcd || !host) {
        fprintf(stderr, "usage: sync_agent --etcd URL --host NAME [--prefix P]\n");
        return 2;
    }
    setup();
    /* Short periods and backoff: the test restarts etcd and waits for it. */
    o.period_ms = 500;
    o.backoff_min_ms = 50;
    o.backoff_max_ms = 400;
    o.timeout_ms = 2000;
    o.audit_ms = 1000;
    o.log_fn = on_log;
    o.log_level = ENI_LOG_INFO;
    MUST(eni_sync_new(ctx, etcd, host, &o, &sync_));
    MUST(eni_sync_start(sync_));
    char line[512], a[5][128];
    while (fgets(line, sizeof line, stdin)) {
        int n = sscanf(line, "%127s %127s %127s %127s %127s", a[0], a[1], a[2], a[3], a[4]);
        char more[128];
        int extra = sscanf(line, "%*s %*s %*s %*s %*s %127s", more);
        if (n >= 5 && !strcmp(a[0], "launch"))
            launch(a[1], a[2], a[3], a[4]);
        else if (n == 3 && !strcmp(a[0], "groups")) {
            eni_sg_id g[5];
            uint32_t ng = groups(a[2], g);
            MUST(eni_nic_set_groups(ctx, nic(a[1]), g, ng));
        } else if (n == 2 && !strcmp(a[0], "terminate")) {
            terminate(a[1]);
        } else if (n == 3 && !strcmp(a[0], "prefix")) {
            const char *p = a[2];
            MUST(eni_nic_assign_prefixes(ctx, nic(a[1]), strchr(p, ':') ? 6 : 4, &p, 1, 0));
        } else if (n == 3 && !strcmp(a[0], "unprefix")) {
            const char *p = a[2];
            MUST(eni_nic_unassign_prefixes(ctx, nic(a[1]), &p, 1));
        } else if (n == 5 && extra == 1 && !strcmp(a[0], "eval")) {
            printf("%s\n", eval(a[1], a[2], a[3], atoi(a[4]), (int)strtol(more, NULL, 16)));
            fflush(stdout);
            continue;
        } else if (n == 2 && !strcmp(a[0], "remote")) {
            remote(a[1]);
            fflush(stdout);
            continue;
        } else if (n == 1 && !strcmp(a[0], "stats")) {
            stats();
            fflush(stdout);
            continue;
        } else if (n == 1 && (!strcmp(a[0], "quit") || !strcmp(a[0], "leave"))) {
            MUST(eni_sync_stop(sync_, !strcmp(a[0], "leave") ? ENI_SYNC_LEAVE : 0));
            printf("bye\n");
            break;
        } else {
            printf("error: %s", line);
            fflush(stdout);
            continue;
        }
        MUST(eni_sync_nudge(sync_)); /* the model changed: publish now */
        printf("ok\n");
        fflush(stdout);
    }
    eni_sync_free(sync_);
    eni_eval_worker_free(worker);
    eni_ctx_free(ctx);
    return 0;
}
