/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench-members: how long a membership change takes to reach the
 * evaluator, through the public API only. A running host's interface has
 * RULES rules (TCP from CIDRs, and one from group `app`); each round states
 * a new set of MEMBERS remote addresses for `app` (eni_sg_set_remote_members,
 * which republishes the interface's compiled rules before it returns), and
 * the time of that call is the publication latency. While it runs, a second
 * thread evaluates packets on the interface; its rate with and without the
 * changes shows that evaluation never waits for them.
 *
 *   eni-bench-members [--rules N] [--members N] [--rounds N] */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "bench_cli.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define MUST(call)                                                                       \
    do {                                                                                 \
        if ((call) != ENI_OK) {                                                          \
            fprintf(stderr, "%s: %s\n", #call, eni_error_last()->message);               \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

struct host {
    eni_ctx *ctx;
    eni_sg_id db, app;
    eni_nic_id nic;
    uint8_t self[4];
};

static void build(struct host *h, uint32_t rules)
{
    MUST(eni_ctx_new(NULL, &h->ctx));
    eni_quotas q = ENI_QUOTAS_INIT;
    q.rules_per_group = rules; /* groups x rules <= 1000 (section 4.6) */
    q.groups_per_nic = 1;
    MUST(eni_ctx_set_quotas(h->ctx, &q));
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    MUST(eni_vpc_create(h->ctx, &v, &vpc));
    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = vpc;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    eni_subnet_id subnet;
    MUST(eni_subnet_create(h->ctx, &s, &subnet));
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = vpc;
    g.description = "tier";
    g.name = "db";
    MUST(eni_sg_create(h->ctx, &g, &h->db));
    g.name = "app";
    MUST(eni_sg_create(h->ctx, &g, &h->app));
    for (uint32_t i = 0; i + 1 < rules; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "172.%u.%u.0/24", 16 + i / 256 % 16, i % 256);
        eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
        r.protocol = 6, r.from_port = r.to_port = (int32_t)(1000 + i % 5000);
        r.peer_kind = ENI_PEER_CIDR, r.cidr = cidr;
        MUST(eni_sg_authorize(h->ctx, h->db, ENI_INGRESS, &r, 1, NULL));
    }
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP, r.group = h->app;
    MUST(eni_sg_authorize(h->ctx, h->db, ENI_INGRESS, &r, 1, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &h->db;
    ns.group_count = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    MUST(eni_instance_launch(h->ctx, &ls, &inst));
    MUST(eni_ctx_poll(h->ctx, 0, NULL, NULL, NULL));
    MUST(eni_instance_set_state(h->ctx, inst, ENI_INSTANCE_RUNNING));
    eni_attachment_id att;
    uint32_t n;
    MUST(eni_instance_list_attachments(h->ctx, inst, &att, 1, &n));
    eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
    MUST(eni_attachment_describe(h->ctx, att, &ai));
    h->nic = ai.nic;
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    MUST(eni_nic_describe(h->ctx, h->nic, &ni));
    inet_pton(AF_INET, ni.private_ip, h->self);
}

/* The evaluating thread: dropped SYNs from changing sources, until told to stop. */
struct load {
    struct host *h;
    atomic_bool stop;
    atomic_uint_fast64_t packets;
};

static void *evaluate(void *arg)
{
    struct load *l = arg;
    eni_eval_worker *w;
    MUST(eni_eval_worker_new(l->h->ctx, &w));
    eni_pkt p[32];
    eni_verdict v[32];
    memset(p, 0, sizeof p);
    for (int i = 0; i < 32; i++) {
        p[i].family = 4, p[i].proto = 6, p[i].tcp_flags = 0x02, p[i].dport = 22;
        memcpy(p[i].dst, l->h->self, 4);
        p[i].src[0] = 203, p[i].src[1] = 0, p[i].src[2] = 113, p[i].src[3] = (uint8_t)i;
    }
    uint64_t t = 1000000000ull;
    while (!atomic_load(&l->stop)) {
        for (int i = 0; i < 32; i++)
            p[i].sport = (uint16_t)(t >> 10);
        MUST(eni_eval_burst(w, l->h->nic, ENI_DIR_INBOUND, p, 32, t += 1000, 0, v));
        atomic_fetch_add(&l->packets, 32);
    }
    eni_eval_worker_free(w);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double rate(struct load *l, uint64_t ns)
{
    uint64_t before = atomic_load(&l->packets), t0 = now_ns();
    while (now_ns() - t0 < ns)
        ;
    return (double)(atomic_load(&l->packets) - before) * 1e3 / (double)(now_ns() - t0);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"rules", required_argument, NULL, 'r'},
                                         {"members", required_argument, NULL, 'm'},
                                         {"rounds", required_argument, NULL, 'n'},
                                         CLI_COMMON_OPTIONS,
                                         {NULL, 0, NULL, 0}};
    uint32_t rules = 1000, members = 1000, rounds = 101;
    for (int o; (o = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        if (o == 'r')
            rules = cli_number(argv[0], "--rules", optarg, 2, 1000);
        else if (o == 'm')
            members = cli_number(argv[0], "--members", optarg, 1, ENI_REMOTE_MEMBERS_MAX);
        else if (o == 'n')
            rounds = cli_number(argv[0], "--rounds", optarg, 1, 100000);
        else
            cli_common(o, argv[0], "[--rules N] [--members N] [--rounds N]\n"
                                   "Publication latency of a remote-membership change.\n");
    }
    if (optind < argc)
        cli_fail(argv[0], "unexpected argument", argv[optind]);
    struct host h;
    build(&h, rules);
    char (*addr)[16] = calloc(members, sizeof *addr);
    const char **list = calloc(members, sizeof *list);
    uint64_t *took = calloc(rounds, sizeof *took);
    if (!addr || !list || !took)
        return 1;
    struct load l = {.h = &h};
    pthread_t th;
    pthread_create(&th, NULL, evaluate, &l);
    double quiet = rate(&l, 300000000ull);
    uint64_t t0 = now_ns(), before = atomic_load(&l.packets);
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < members; i++) {
            uint32_t a = 10u << 24 | 2u << 16 | ((i + r) & 0xffffu);
            snprintf(addr[i], sizeof addr[i], "%u.%u.%u.%u", a >> 24, a >> 16 & 255u,
                     a >> 8 & 255u, a & 255u);
            list[i] = addr[i];
        }
        uint64_t s = now_ns();
        MUST(eni_sg_set_remote_members(h.ctx, h.app, "host-b", list, members));
        took[r] = now_ns() - s;
    }
    double busy = (double)(atomic_load(&l.packets) - before) * 1e3 / (double)(now_ns() - t0);
    atomic_store(&l.stop, true);
    pthread_join(th, NULL);
    qsort(took, rounds, sizeof *took, cmp_u64);
    printf("membership change, %u rules, %u remote members: publish p50 %.0f us, p99 %.0f us "
           "(%u rounds)\n",
           rules, members, took[rounds / 2] / 1e3, took[rounds * 99 / 100] / 1e3, rounds);
    printf("evaluation meanwhile: %.1f Mpps while changing, %.1f Mpps quiet (%.0f%%)\n", busy,
           quiet, 100.0 * busy / quiet);
    free(addr);
    free(list);
    free(took);
    eni_ctx_free(h.ctx);
    return 0;
}
