/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench-store: what the state file costs (issue 14), through the public
 * API only. The same work runs in one process on a ctx held in memory and on
 * ctxs with a state file, in --dir and in --shm-dir (tmpfs: the storage
 * device's share is the difference), interleaved within each repetition so
 * that the machine's drift falls on all of them alike:
 *
 *   1. single mutations of a model of realistic size, per kind of call;
 *   2. the same calls in batches of 10, 100 and 1000 (eni_ctx_batch_begin/end);
 *   3. eni_eval_burst on an attached interface (the store is not on that path);
 *   4. eni_ctx_new restoring a model of --nics interfaces, and its build;
 *   5. eni_ctx_new restoring --flows tracked flows, and eni_ctx_save_flows.
 *
 * Every figure is a median over repetitions with its spread (half the range,
 * as a percentage of the median). Timing is wall-clock, since the file's cost
 * includes waiting for writes, except for the packet path (thread CPU time).
 *
 *   eni-bench-store [--quick] [--reps N] [--dir PATH] [--shm-dir PATH|none]
 *                   [--nics N] [--flows N] [--only LIST] */
#include <arpa/inet.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_cli.h"
#include "bench_util.h"
#include "model_slice.h"

enum { EXIT_NO_STORE = 77, MAX_REPS = 100, RESTORE_REPS = 3, BURST = 32 };
/* Section 4: calls per commit, interfaces per VPC, single calls timed at scale. */
enum { BIG_BATCH = 100000, PER_VPC = 30000, AT_SCALE = 1000 };

/* Where a ctx keeps its model. */
enum mode { MEM, DISK, SHM, NMODES };

enum section { S_MUT = 1, S_BATCH = 2, S_PKT = 4, S_MODEL = 8, S_FLOWS = 16, S_ALL = 31 };
static const char *const section_name[] = {"mutations", "batched", "packets", "restore-model",
                                           "restore-flows"};

struct config {
    bool quick;
    int reps;
    const char *dir, *shm_dir; /* shm_dir NULL: no tmpfs column */
    uint32_t big_nics, big_flows;
    unsigned only;
    uint32_t groups, nics, calls; /* sections 1-2: model size, calls of each kind per round */
    uint32_t pkt_flows, pkt_passes;
};

/* ---- numbers ------------------------------------------------------------------ */

struct stat3 {
    double med, lo, hi;
};

/* The median of v[0..n) and its range; v is left as it was. */
static struct stat3 summarize(const double *v, int n)
{
    double *tmp = malloc((size_t)n * sizeof *v);
    if (!tmp)
        exit(1);
    memcpy(tmp, v, (size_t)n * sizeof *v);
    struct stat3 s;
    s.med = median(tmp, n); /* sorts tmp */
    s.lo = tmp[0];
    s.hi = tmp[n - 1];
    free(tmp);
    return s;
}

/* Half the range as a percentage of the median: "±3%". */
static double spread(struct stat3 s)
{
    return s.med > 0 ? 50.0 * (s.hi - s.lo) / s.med : 0;
}

static void load_average(char *buf, size_t n)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = 0, b = 0, c = 0;
    if (!f || fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
        snprintf(buf, n, "unknown");
    else
        snprintf(buf, n, "%.2f %.2f %.2f", a, b, c);
    if (f)
        fclose(f);
}

/* ---- state files ------------------------------------------------------------------ */

static void db_path(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/eni-bench-store.%ld.%s.db", dir, (long)getpid(), name);
}

/* The file and SQLite's companions. */
static void db_remove(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static double db_bytes(const char *path)
{
    double total = 0;
    static const char *const suffix[] = {"", "-wal"};
    for (int i = 0; i < 2; i++) {
        char p[4200];
        struct stat sb;
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        if (stat(p, &sb) == 0)
            total += (double)sb.st_size;
    }
    return total;
}

/* A ctx in memory (path NULL) or on a state file. A library built without
 * SQLite cannot run this bench at all: exit 77 says so. */
static eni_ctx *ctx_open(const char *path)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.state_path = path;
    eni_ctx *ctx;
    int rc = eni_ctx_new(&o, &ctx);
    if (rc == ENI_ENOTSUP) {
        fprintf(stderr, "eni-bench-store: %s\n", eni_error_last()->message);
        exit(EXIT_NO_STORE);
    }
    CHECK(rc);
    return ctx;
}

static eni_state_info state_info(eni_ctx *ctx)
{
    eni_state_info si = ENI_STATE_INFO_INIT;
    CHECK(eni_ctx_get_state_info(ctx, &si));
    return si;
}

/* ---- sections 1 and 2: mutations ----------------------------------------------- */

enum kind { K_AUTH, K_REVOKE, K_CREATE, K_DELETE, K_ASSIGN, K_UNASSIGN, K_DESCR, NKINDS };
static const char *const kind_name[NKINDS] = {
    "sg_authorize (1 rule)", "sg_revoke (1 rule)", "nic_create", "nic_delete",
    "assign_private_ips (1)", "unassign_private_ips (1)", "nic_set_description"};

enum { NBATCH = 4 };
static const uint32_t batch_sizes[NBATCH] = {1, 10, 100, 1000}; /* 1: no batch calls */

struct world {
    eni_ctx *ctx;
    eni_subnet_id subnet[4];
    eni_sg_id *groups;
    eni_nic_id *nics, *fresh; /* the model's interfaces; those a round creates */
    char (*addr)[ENI_IP_STRING_MAX]; /* the secondary address a round gave nics[i] */
    uint32_t ngroups, nnics;
    uint32_t rounds; /* run so far: the descriptions alternate, so each call changes one */
};

/* 1 VPC, 4 subnets, G groups of 3 rules (one referencing the next group),
 * N interfaces of one group each; written in one batch. */
static void world_build(struct world *w, eni_ctx *ctx, const struct config *c)
{
    memset(w, 0, sizeof *w);
    w->ctx = ctx;
    w->ngroups = c->groups;
    w->nnics = c->nics;
    w->groups = calloc(c->groups, sizeof *w->groups);
    w->nics = calloc(c->nics, sizeof *w->nics);
    w->fresh = calloc(c->calls, sizeof *w->fresh);
    w->addr = calloc(c->calls, sizeof *w->addr);
    if (!w->groups || !w->nics || !w->fresh || !w->addr)
        exit(1);
    eni_quotas q = ENI_QUOTAS_INIT;
    q.nics = c->nics + c->calls + 100;
    q.security_groups = c->groups + 10;
    CHECK(eni_ctx_set_quotas(ctx, &q));
    CHECK(eni_ctx_batch_begin(ctx));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    CHECK(eni_vpc_create(ctx, &vs, &vpc));
    for (unsigned s = 0; s < 4; s++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.0.%u.0/18", 64 * s);
        eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
        ss.vpc = vpc;
        ss.availability_zone = "us-east-1a";
        ss.cidr_block = cidr;
        CHECK(eni_subnet_create(ctx, &ss, &w->subnet[s]));
    }
    for (uint32_t g = 0; g < c->groups; g++) {
        char name[32];
        snprintf(name, sizeof name, "tier-%u", g);
        eni_sg_spec gs = ENI_SG_SPEC_INIT;
        gs.vpc = vpc;
        gs.name = name;
        gs.description = "bench";
        CHECK(eni_sg_create(ctx, &gs, &w->groups[g]));
    }
    for (uint32_t g = 0; g < c->groups; g++) {
        eni_sg_rule_spec r[3];
        for (int i = 0; i < 3; i++) {
            r[i] = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
            r[i].protocol = 6;
        }
        r[0].from_port = r[0].to_port = 22;
        r[0].peer_kind = ENI_PEER_CIDR, r[0].cidr = "10.0.0.0/16";
        r[1].from_port = r[1].to_port = 443;
        r[1].peer_kind = ENI_PEER_CIDR, r[1].cidr = "0.0.0.0/0";
        r[2].from_port = r[2].to_port = 5432, r[2].peer_kind = ENI_PEER_GROUP;
        r[2].group = w->groups[(g + 1) % c->groups];
        CHECK(eni_sg_authorize(ctx, w->groups[g], ENI_INGRESS, r, 3, NULL));
    }
    for (uint32_t i = 0; i < c->nics; i++) {
        eni_nic_spec ns = ENI_NIC_SPEC_INIT;
        ns.subnet = w->subnet[i % 4];
        ns.groups = &w->groups[i % c->groups];
        ns.group_count = 1;
        ns.description = "bench";
        CHECK(eni_nic_create(ctx, &ns, &w->nics[i]));
    }
    CHECK(eni_ctx_batch_end(ctx));
}

static void world_free(struct world *w)
{
    free(w->groups);
    free(w->nics);
    free(w->fresh);
    free(w->addr);
}

/* Call i of a kind. Rule i is TCP port 20000 + i / G into group i % G, so a
 * round's rules are distinct and its revokes remove exactly them. */
static void one_call(struct world *w, enum kind k, uint32_t i)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = (int32_t)(20000 + i / w->ngroups);
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = "192.0.2.0/24";
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    const char *ip = w->addr[i];
    switch (k) {
    case K_AUTH:
        CHECK(eni_sg_authorize(w->ctx, w->groups[i % w->ngroups], ENI_INGRESS, &r, 1, NULL));
        break;
    case K_REVOKE:
        CHECK(eni_sg_revoke(w->ctx, w->groups[i % w->ngroups], ENI_INGRESS, &r, 1));
        break;
    case K_CREATE:
        ns.subnet = w->subnet[i % 4];
        ns.groups = &w->groups[i % w->ngroups];
        ns.group_count = 1;
        CHECK(eni_nic_create(w->ctx, &ns, &w->fresh[i]));
        break;
    case K_DELETE:
        CHECK(eni_nic_delete(w->ctx, w->fresh[i]));
        break;
    case K_ASSIGN:
        CHECK(eni_nic_assign_private_ips(w->ctx, w->nics[i], NULL, 0, 1, 0));
        break;
    case K_UNASSIGN:
        CHECK(eni_nic_unassign_private_ips(w->ctx, w->nics[i], &ip, 1));
        break;
    case K_DESCR:
        CHECK(eni_nic_set_description(w->ctx, w->nics[i],
                                      w->rounds % 2 ? "bench, odd" : "bench, even"));
        break;
    default:
        break;
    }
}

/* The secondary address each of the first n interfaces was just given (untimed). */
static void find_secondaries(struct world *w, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        eni_nic_address a[4];
        uint32_t cnt;
        CHECK(eni_nic_get_addresses(w->ctx, w->nics[i], a, 4, &cnt));
        w->addr[i][0] = 0;
        for (uint32_t j = 0; j < cnt && j < 4; j++)
            if (a[j].family == 4 && !a[j].primary)
                memcpy(w->addr[i], a[j].address, sizeof w->addr[i]);
    }
}

struct round_result {
    double s[NKINDS];          /* seconds for all the calls of the kind */
    double cpu[NKINDS];        /* the same, in this thread's CPU time */
    double rows[NKINDS];       /* state-file rows written per call */
    double commits[NKINDS];    /* transactions per call */
};

/* n calls of each kind, in batches of `batch` (1: no batch calls). The
 * kinds come in pairs that undo each other, so every round starts from the
 * same model. */
static void run_round(struct world *w, uint32_t n, uint32_t batch, struct round_result *out)
{
    w->rounds++;
    for (int k = 0; k < NKINDS; k++) {
        if (k == K_UNASSIGN)
            find_secondaries(w, n);
        eni_state_info a = state_info(w->ctx);
        double t0 = wall_s(), c0 = cpu_s();
        for (uint32_t i = 0; i < n; i++) {
            if (batch > 1 && i % batch == 0)
                CHECK(eni_ctx_batch_begin(w->ctx));
            one_call(w, (enum kind)k, i);
            if (batch > 1 && (i % batch == batch - 1 || i == n - 1))
                CHECK(eni_ctx_batch_end(w->ctx));
        }
        out->s[k] = wall_s() - t0;
        out->cpu[k] = cpu_s() - c0;
        eni_state_info b = state_info(w->ctx);
        out->rows[k] = (double)(b.rows_written - a.rows_written) / n;
        out->commits[k] = (double)(b.commits - a.commits) / n;
    }
}

/* [batch][mode][kind][rep] */
struct mut_results {
    double s[NBATCH][NMODES][NKINDS + 1][MAX_REPS]; /* NKINDS: the whole mix */
    double cpu[NBATCH][NMODES][NKINDS + 1][MAX_REPS];
    double rows[NBATCH][NKINDS], commits[NBATCH][NKINDS];
};

static void print_mut_table(const struct config *c, const struct mut_results *r, int b,
                            unsigned modes, double *worst_ratio, const char **worst_kind)
{
    printf("  %-26s %13s %19s %9s %8s", "call", "memory call/s", "file call/s", "file cost",
           "file cpu");
    if (modes & 1u << SHM)
        printf(" %19s %10s", "tmpfs call/s", "tmpfs cost");
    printf(" %9s\n", "rows/call");
    for (int k = 0; k <= NKINDS; k++) {
        double rate[NMODES][MAX_REPS], ratio[NMODES][MAX_REPS], cpu_ratio[MAX_REPS];
        for (int m = 0; m < NMODES; m++)
            for (int i = 0; i < c->reps; i++) {
                double calls = k == NKINDS ? (double)c->calls * NKINDS : c->calls;
                rate[m][i] = calls / r->s[b][m][k][i];
                ratio[m][i] = r->s[b][m][k][i] / r->s[b][MEM][k][i];
                if (m == DISK)
                    cpu_ratio[i] = r->cpu[b][DISK][k][i] / r->cpu[b][MEM][k][i];
            }
        struct stat3 mem = summarize(rate[MEM], c->reps);
        struct stat3 disk = summarize(rate[DISK], c->reps), dr = summarize(ratio[DISK], c->reps);
        struct stat3 dc = summarize(cpu_ratio, c->reps);
        printf("  %-26s %8.0f ±%2.0f%% %12.0f ±%3.0f%% %8.2fx %7.1fx",
               k == NKINDS ? "all of the above" : kind_name[k], mem.med, spread(mem), disk.med,
               spread(disk), dr.med, dc.med);
        if (modes & 1u << SHM) {
            struct stat3 shm = summarize(rate[SHM], c->reps), sr = summarize(ratio[SHM], c->reps);
            printf(" %12.0f ±%3.0f%% %9.2fx", shm.med, spread(shm), sr.med);
        }
        if (k < NKINDS)
            printf(" %9.1f\n", r->rows[b][k]);
        else
            printf("\n");
        if (k < NKINDS && worst_ratio && dr.med > *worst_ratio) {
            *worst_ratio = dr.med;
            *worst_kind = kind_name[k];
        }
    }
}

static void bench_mutations(const struct config *c)
{
    char path[NMODES][4200] = {{0}};
    unsigned modes = 1u << MEM | 1u << DISK | (c->shm_dir ? 1u << SHM : 0u);
    db_path(path[DISK], sizeof path[DISK], c->dir, "mutations");
    if (c->shm_dir)
        db_path(path[SHM], sizeof path[SHM], c->shm_dir, "mutations");
    struct world w[NMODES];
    for (int m = 0; m < NMODES; m++)
        if (modes & 1u << m) {
            if (m != MEM)
                db_remove(path[m]);
            world_build(&w[m], ctx_open(m == MEM ? NULL : path[m]), c);
        }
    struct mut_results *r = calloc(1, sizeof *r);
    if (!r)
        exit(1);
    /* One warm-up round each (page cache, SQLite's statement cache, the
     * WAL's first growth), then the repetitions; the modes take turns at
     * going first. */
    struct round_result rr;
    for (int m = 0; m < NMODES; m++)
        if (modes & 1u << m)
            run_round(&w[m], c->calls, 1, &rr);
    for (int i = 0; i < c->reps; i++)
        for (int b = 0; b < NBATCH; b++) {
            if (!(c->only & (b ? S_BATCH : S_MUT)))
                continue;
            for (int j = 0; j < NMODES; j++) {
                int m = (i + j) % NMODES;
                if (!(modes & 1u << m))
                    continue;
                run_round(&w[m], c->calls, batch_sizes[b], &rr);
                double all = 0, all_cpu = 0;
                for (int k = 0; k < NKINDS; k++) {
                    r->s[b][m][k][i] = rr.s[k];
                    r->cpu[b][m][k][i] = rr.cpu[k];
                    all += rr.s[k];
                    all_cpu += rr.cpu[k];
                    if (m == DISK) {
                        r->rows[b][k] = rr.rows[k];
                        r->commits[b][k] = rr.commits[k];
                    }
                }
                r->s[b][m][NKINDS][i] = all;
                r->cpu[b][m][NKINDS][i] = all_cpu;
            }
        }
    for (int m = 0; m < NMODES; m++)
        if (modes & 1u << m) {
            CHECK(eni_ctx_check(w[m].ctx)); /* memory == file, after all of it */
            eni_ctx_free(w[m].ctx);
            world_free(&w[m]);
            if (m != MEM)
                db_remove(path[m]);
        }
    printf("\nModel: 1 VPC, 4 subnets, %u groups (3 rules each), %u interfaces; %u calls of each "
           "kind per round, %d rounds.\nFile: %s; tmpfs: %s. Cost = time with the file / time in "
           "memory, median of the rounds' ratios\n(wall clock; `file cpu`: the same in thread CPU "
           "time).\n",
           c->groups, c->nics, c->calls, c->reps, c->dir, c->shm_dir ? c->shm_dir : "(none)");
    if (c->only & S_MUT) {
        double worst = 0;
        const char *worst_kind = "";
        printf("\n1. Single mutations (each call commits before it returns; commits per call: "
               "%.3g)\n",
               r->commits[0][0]);
        print_mut_table(c, r, 0, modes, &worst, &worst_kind);
        printf("  target: the file costs at most 2x memory per single mutation: %s (worst: %s, "
               "%.2fx)\n",
               worst <= 2.0 ? "met" : "MISSED", worst_kind, worst);
    }
    if (c->only & S_BATCH)
        for (int b = 1; b < NBATCH; b++) {
            printf("\n2. Batches of %u calls (eni_ctx_batch_begin/end around them, memory "
                   "batched alike; commits per call: %.3g)\n",
                   batch_sizes[b], r->commits[b][0]);
            print_mut_table(c, r, b, modes, NULL, NULL);
        }
    free(r);
}

/* ---- hosts with attached interfaces (sections 3 and 5) --------------------------- */

struct host {
    eni_ctx *ctx;
    eni_instance_id inst;
    uint32_t n;
    eni_nic_id nic[16];
    uint32_t ip[16]; /* primary IPv4, host order */
};

/* One m5.24xlarge with n interfaces (all in one group that allows TCP 443
 * from 203.0.0.0/8, outbound rules revoked so that every inbound flow is
 * tracked), attached; the instance may track `budget` flows, and each
 * interface `per_nic` (0: it follows the budget). */
static void host_build(struct host *h, eni_ctx *ctx, uint32_t n, uint32_t per_nic, uint32_t budget)
{
    memset(h, 0, sizeof *h);
    h->ctx = ctx;
    h->n = n;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    CHECK(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.0.0/16";
    eni_subnet_id subnet;
    CHECK(eni_subnet_create(ctx, &ss, &subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = vpc;
    gs.name = "web";
    gs.description = "bench";
    eni_sg_id sg;
    CHECK(eni_sg_create(ctx, &gs, &sg));
    eni_sg_rule_id out[4];
    uint32_t cnt;
    CHECK(eni_sg_list_rules(ctx, sg, ENI_EGRESS, out, 4, &cnt));
    if (cnt)
        CHECK(eni_sg_revoke_rules(ctx, sg, out, cnt));
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = 443;
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = "203.0.0.0/8";
    CHECK(eni_sg_authorize(ctx, sg, ENI_INGRESS, &r, 1, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &sg;
    ns.group_count = 1;
    eni_launch_nic ln[16];
    for (uint32_t i = 0; i < n; i++) {
        ln[i] = (eni_launch_nic)ENI_LAUNCH_NIC_INIT;
        ln[i].device_index = i;
        ln[i].spec = &ns;
    }
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.24xlarge";
    ls.nics = ln;
    ls.nic_count = n;
    CHECK(eni_instance_launch(ctx, &ls, &h->inst));
    CHECK(eni_ctx_poll(ctx, 0, NULL, NULL, NULL));
    CHECK(eni_instance_set_conntrack_allowance(ctx, h->inst, budget));
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.instance = h->inst;
    CHECK(eni_nic_list(ctx, &f, h->nic, 16, &cnt));
    if (cnt != n) {
        fprintf(stderr, "eni-bench-store: %u interfaces attached, %u wanted\n", cnt, n);
        exit(1);
    }
    for (uint32_t i = 0; i < n; i++) {
        if (per_nic)
            CHECK(eni_nic_set_conntrack_allowance(ctx, h->nic[i], per_nic));
        eni_nic_info ni = ENI_NIC_INFO_INIT;
        CHECK(eni_nic_describe(ctx, h->nic[i], &ni));
        struct in_addr a;
        inet_pton(AF_INET, ni.private_ip, &a);
        h->ip[i] = ntohl(a.s_addr);
    }
}

/* Packet k of a set: TCP to port 443 of interface `nic` from 203.x.y.z
 * (24 bits of k) and a source port that tells sets apart. */
static void make_pkt(eni_pkt *p, const struct host *h, uint32_t nic, uint32_t k, uint16_t sport,
                     uint8_t flags)
{
    memset(p, 0, sizeof *p);
    p->family = 4, p->proto = 6, p->tcp_flags = flags, p->len = 60;
    p->sport = sport, p->dport = 443;
    uint32_t src = 203u << 24 | (k & 0xffffffu), dst = h->ip[nic];
    src = htonl(src), dst = htonl(dst);
    memcpy(p->src, &src, 4);
    memcpy(p->dst, &dst, 4);
}

/* Evaluate n packets in bursts; the verdicts must all have `reason`. */
static void eval_all(eni_eval_worker *wk, eni_nic_id nic, const eni_pkt *p, uint32_t n,
                     uint64_t *now, int reason)
{
    eni_verdict v[BURST];
    for (uint32_t i = 0; i < n; i += BURST) {
        uint32_t m = n - i < BURST ? n - i : BURST;
        CHECK(eni_eval_burst(wk, nic, ENI_DIR_INBOUND, p + i, m, *now += 1000, 0, v));
        if (reason)
            for (uint32_t j = 0; j < m; j++)
                if (v[j].reason != reason) {
                    fprintf(stderr, "eni-bench-store: packet %u: %s, expected %s\n", i + j,
                            eni_reason_name(v[j].reason), eni_reason_name((uint32_t)reason));
                    exit(1);
                }
    }
}

/* ---- section 3: the packet path ------------------------------------------------- */

static void bench_packets(const struct config *c)
{
    char path[4200];
    db_path(path, sizeof path, c->dir, "packets");
    db_remove(path);
    struct host h[2]; /* [0] memory, [1] the file */
    eni_eval_worker *wk[2];
    eni_pkt *est = calloc(c->pkt_flows, sizeof *est), *fresh = calloc(c->pkt_flows, sizeof *fresh);
    if (!est || !fresh)
        exit(1);
    double *ns_est[2], *ns_new[2];
    int samples = c->reps * (int)c->pkt_passes;
    uint64_t now[2] = {1000000000ull, 1000000000ull};
    for (int m = 0; m < 2; m++) {
        ns_est[m] = calloc((size_t)samples, sizeof(double));
        ns_new[m] = calloc((size_t)samples, sizeof(double));
        host_build(&h[m], ctx_open(m ? path : NULL), 2, 65536, 262144);
        CHECK(eni_eval_worker_new(h[m].ctx, &wk[m]));
        /* Interface 0 tracks pkt_flows flows, timed as established hits;
         * interface 1 takes the new flows, swept after each pass. */
        for (uint32_t i = 0; i < c->pkt_flows; i++)
            make_pkt(&est[i], &h[m], 0, i, 40000, 0x02);
        eval_all(wk[m], h[m].nic[0], est, c->pkt_flows, &now[m], ENI_REASON_RULE);
    }
    int s = 0;
    for (int i = 0; i < c->reps; i++)
        for (uint32_t pass = 0; pass < c->pkt_passes; pass++, s++)
            for (int j = 0; j < 2; j++) {
                int m = (i + j) % 2;
                for (uint32_t k = 0; k < c->pkt_flows; k++)
                    make_pkt(&est[k], &h[m], 0, k, 40000, 0x10);
                eval_all(wk[m], h[m].nic[0], est, BURST, &now[m], ENI_REASON_TRACKED);
                settle();
                double t0 = cpu_s();
                eval_all(wk[m], h[m].nic[0], est, c->pkt_flows, &now[m], 0);
                ns_est[m][s] = (cpu_s() - t0) * 1e9 / c->pkt_flows;
                uint16_t sport = (uint16_t)(1024 + s);
                for (uint32_t k = 0; k < c->pkt_flows; k++)
                    make_pkt(&fresh[k], &h[m], 1, k, sport, 0x02);
                settle();
                t0 = cpu_s();
                eval_all(wk[m], h[m].nic[1], fresh, c->pkt_flows, &now[m], 0);
                ns_new[m][s] = (cpu_s() - t0) * 1e9 / c->pkt_flows;
                uint32_t removed;
                CHECK(eni_nic_sweep_flows(h[m].ctx, h[m].nic[1], now[m] + 86400000000000ull,
                                          &removed));
                if (removed != c->pkt_flows) {
                    fprintf(stderr, "eni-bench-store: %u new flows swept, %u made\n", removed,
                            c->pkt_flows);
                    exit(1);
                }
            }
    /* A repetition's figure is the median of its passes (a pass the
     * hypervisor disturbed is an outlier, not a spread). */
    double per_rep[4][MAX_REPS];
    for (int i = 0; i < c->reps; i++)
        for (int m = 0; m < 2; m++) {
            size_t at = (size_t)i * c->pkt_passes;
            per_rep[m][i] = summarize(ns_est[m] + at, (int)c->pkt_passes).med;
            per_rep[2 + m][i] = summarize(ns_new[m] + at, (int)c->pkt_passes).med;
        }
    struct stat3 e0 = summarize(per_rep[0], c->reps), e1 = summarize(per_rep[1], c->reps);
    struct stat3 n0 = summarize(per_rep[2], c->reps), n1 = summarize(per_rep[3], c->reps);
    printf("\n3. Packet path: eni_eval_burst, bursts of %d, thread CPU time; %d repetitions of "
           "%u passes of %u packets\n",
           BURST, c->reps, c->pkt_passes, c->pkt_flows);
    printf("  %-38s %14s %14s %10s\n", "traffic", "memory ns/pkt", "file ns/pkt", "file/memory");
    printf("  %-38s %8.1f ±%2.0f%% %8.1f ±%2.0f%% %9.2fx\n", "established hits (interface 0)",
           e0.med, spread(e0), e1.med, spread(e1), e1.med / e0.med);
    printf("  %-38s %8.1f ±%2.0f%% %8.1f ±%2.0f%% %9.2fx\n", "new tracked flows (interface 1)",
           n0.med, spread(n0), n1.med, spread(n1), n1.med / n0.med);
    for (int m = 0; m < 2; m++) {
        eni_eval_worker_free(wk[m]);
        eni_ctx_free(h[m].ctx);
        free(ns_est[m]);
        free(ns_new[m]);
    }
    db_remove(path);
    free(est);
    free(fresh);
}

/* ---- section 4: restoring a large model ------------------------------------------ */

/* The shape of eni-bench-model: one /16 VPC (with an Amazon IPv6 /56) per
 * 30000 interfaces, one subnet and two groups each; every interface has a
 * secondary IPv4, an IPv6 address and both groups. A batch every BIG_BATCH
 * calls. Returns the seconds, and the seconds spent in eni_ctx_batch_end;
 * the first AT_SCALE interfaces' ids go to first[]. */
static double build_big(eni_ctx *ctx, uint32_t total, double *commit_s, eni_nic_id *first)
{
    double t0 = wall_s();
    *commit_s = 0;
    eni_quotas q = ENI_QUOTAS_INIT;
    q.nics = total + 10;
    CHECK(eni_ctx_set_quotas(ctx, &q));
    uint32_t nvpc = (total + PER_VPC - 1) / PER_VPC;
    eni_subnet_id *subnets = calloc(nvpc, sizeof *subnets);
    eni_sg_id(*groups)[2] = calloc(nvpc, sizeof *groups);
    if (!subnets || !groups)
        exit(1);
    CHECK(eni_ctx_batch_begin(ctx));
    for (uint32_t v = 0; v < nvpc; v++) {
        CHECK(bench_vpc_slice(ctx, v, &subnets[v], groups[v]));
    }
    for (uint32_t i = 0; i < total; i++) {
        if (i && i % BIG_BATCH == 0) {
            double t = wall_s();
            CHECK(eni_ctx_batch_end(ctx));
            *commit_s += wall_s() - t;
            CHECK(eni_ctx_batch_begin(ctx));
        }
        uint32_t v = i / PER_VPC;
        eni_nic_spec ns = bench_slice_nic(subnets[v], groups[v]);
        eni_nic_id nic;
        CHECK(eni_nic_create(ctx, &ns, &nic));
        if (i < AT_SCALE)
            first[i] = nic;
    }
    double t = wall_s();
    CHECK(eni_ctx_batch_end(ctx));
    *commit_s += wall_s() - t;
    free(subnets);
    free(groups);
    return wall_s() - t0;
}

/* Single calls on the model's first interfaces, what one ordinary call
 * costs at this scale, in calls per second: eni_nic_set_description (a
 * mutation) into rate[0], eni_nic_describe (a read) into rate[1]. */
static void at_scale(eni_ctx *ctx, const eni_nic_id *nics, uint32_t n, int round,
                     double rate[2][RESTORE_REPS], int rep)
{
    double t0 = wall_s();
    for (uint32_t i = 0; i < n; i++)
        CHECK(eni_nic_set_description(ctx, nics[i],
                                      round % 2 ? "at scale, odd" : "at scale, even"));
    rate[0][rep] = n / (wall_s() - t0);
    t0 = wall_s();
    for (uint32_t i = 0; i < n; i++) {
        eni_nic_info ni = ENI_NIC_INFO_INIT;
        CHECK(eni_nic_describe(ctx, nics[i], &ni));
    }
    rate[1][rep] = n / (wall_s() - t0);
}

static void bench_restore_model(const struct config *c)
{
    char path[4200];
    db_path(path, sizeof path, c->dir, "model");
    db_remove(path);
    uint32_t n = c->big_nics;
    double commit_mem, commit_file;
    eni_nic_id first[AT_SCALE];
    uint32_t few = n < AT_SCALE ? n : AT_SCALE;
    int reps = c->reps < RESTORE_REPS ? c->reps : RESTORE_REPS;
    double rate[3][2][RESTORE_REPS]; /* [memory, built, restored][set_description, describe] */
    eni_ctx *mem = ctx_open(NULL);
    double build_mem = build_big(mem, n, &commit_mem, first);
    for (int i = 0; i < reps; i++)
        at_scale(mem, first, few, i, rate[0], i);
    eni_ctx_free(mem);
    eni_ctx *ctx = ctx_open(path);
    double build_file = build_big(ctx, n, &commit_file, first);
    eni_state_info si = state_info(ctx);
    for (int i = 0; i < reps; i++)
        at_scale(ctx, first, few, i, rate[1], i);
    double t0 = wall_s();
    eni_ctx_free(ctx);
    double close_s = wall_s() - t0;
    double bytes = db_bytes(path);
    double open_s[RESTORE_REPS], free_s[RESTORE_REPS];
    uint64_t loaded = 0;
    for (int i = 0; i < reps; i++) {
        t0 = wall_s();
        ctx = ctx_open(path);
        open_s[i] = wall_s() - t0;
        loaded = state_info(ctx).objects_loaded;
        at_scale(ctx, first, few, i, rate[2], i);
        t0 = wall_s();
        eni_ctx_free(ctx);
        free_s[i] = wall_s() - t0;
    }
    db_remove(path);
    struct stat3 o = summarize(open_s, reps), f = summarize(free_s, reps);
    uint32_t nvpc = (n + PER_VPC - 1) / PER_VPC;
    printf("\n4. A model of %u interfaces (%u VPC%s, 2 private IPv4, 1 IPv6, 2 groups each)\n", n,
           nvpc, nvpc == 1 ? "" : "s");
    printf("  %-44s %9.2f s  (%.0f interfaces/s)\n", "build in memory, batches alike", build_mem,
           n / build_mem);
    printf("  %-44s %9.2f s  (%.0f interfaces/s; %.2f s of it in %llu commits)\n",
           "build with the file, batches of 100000", build_file, n / build_file, commit_file,
           (unsigned long long)si.commits);
    printf("  %-44s %9.2f s\n", "close (eni_ctx_free)", close_s);
    printf("  %-44s %9.1f MB (%.0f bytes per interface)\n", "file size", bytes / 1e6, bytes / n);
    printf("  %-44s %9.2f s ±%.0f%%  (median of %d; %llu objects, %.0f objects/s)\n",
           "restore: eni_ctx_new on the file", o.med, spread(o), reps,
           (unsigned long long)loaded, (double)loaded / o.med);
    printf("  %-44s %9.2f s ±%.0f%%\n", "close after a restore (eni_ctx_free)", f.med, spread(f));
    static const char *const what[2] = {"nic_set_description", "nic_describe"};
    static const char *const where[3] = {"memory", "file, the ctx that built it",
                                         "file, a ctx that restored it"};
    printf("  single calls at this scale (%u calls each, median of %d):\n", few, reps);
    for (int k = 0; k < 2; k++) {
        struct stat3 base = summarize(rate[0][k], reps);
        for (int m = 0; m < 3; m++) {
            struct stat3 x = summarize(rate[m][k], reps);
            printf("    %-20s %-29s %10.0f /s ±%.0f%%", what[k], where[m], x.med, spread(x));
            if (m)
                printf("  (%.1fx memory's cost)", base.med / x.med);
            printf("\n");
        }
    }
}

/* ---- section 5: restoring tracked flows ----------------------------------------- */

/* The flows on `nics` interfaces: each with its own allowance (a quarter
 * above its share) under a budget twice the total, or (own false) following
 * an instance budget a quarter above the total. */
static void restore_flows(const struct config *c, uint32_t nics, bool own)
{
    char path[4200];
    db_path(path, sizeof path, c->dir, "flows");
    db_remove(path);
    uint32_t total = c->big_flows, per = (total + nics - 1) / nics;
    uint32_t allowance = per + per / 4 + 1024;
    uint64_t budget = own ? 2ull * allowance * nics : total + total / 4 + 1024;
    struct host h;
    if (budget > ENI_CONNTRACK_ALLOWANCE_MAX)
        budget = ENI_CONNTRACK_ALLOWANCE_MAX;
    host_build(&h, ctx_open(path), nics, own ? allowance : 0, (uint32_t)budget);
    eni_eval_worker *wk;
    CHECK(eni_eval_worker_new(h.ctx, &wk));
    eni_pkt *p = calloc(per, sizeof *p);
    if (!p)
        exit(1);
    uint64_t now = 1000000000ull;
    double t0 = wall_s();
    for (uint32_t n = 0; n < nics; n++) {
        uint32_t first = n * per, cnt = total - first < per ? total - first : per;
        for (uint32_t k = 0; k < cnt; k++)
            make_pkt(&p[k], &h, n, first + k, 40000, 0x02);
        eval_all(wk, h.nic[n], p, cnt, &now, ENI_REASON_RULE);
    }
    double create_s = wall_s() - t0;
    eni_eval_worker_free(wk);
    int reps = c->reps < RESTORE_REPS ? c->reps : RESTORE_REPS;
    double save_s[RESTORE_REPS], open_s[RESTORE_REPS], free_s[RESTORE_REPS];
    for (int i = 0; i < reps; i++) {
        uint64_t saved = 0;
        t0 = wall_s();
        CHECK(eni_ctx_save_flows(h.ctx, 0, &saved));
        save_s[i] = wall_s() - t0;
        if (saved != total) {
            fprintf(stderr, "eni-bench-store: %llu flows saved, %u made\n",
                    (unsigned long long)saved, total);
            exit(1);
        }
    }
    double bytes_saved = db_bytes(path);
    t0 = wall_s();
    eni_ctx_free(h.ctx); /* hands the flows over */
    double first_free = wall_s() - t0;
    double bytes_closed = db_bytes(path);
    for (int i = 0; i < reps; i++) {
        t0 = wall_s();
        h.ctx = ctx_open(path);
        open_s[i] = wall_s() - t0;
        uint64_t got = state_info(h.ctx).flows_loaded;
        if (got != total) {
            fprintf(stderr, "eni-bench-store: %llu flows restored, %u saved\n",
                    (unsigned long long)got, total);
            exit(1);
        }
        /* They are flows again: the next packet of one is tracked. */
        CHECK(eni_eval_worker_new(h.ctx, &wk));
        uint32_t m = per < BURST ? per : BURST;
        for (uint32_t k = 0; k < m; k++)
            make_pkt(&p[k], &h, 0, k, 40000, 0x10);
        eval_all(wk, h.nic[0], p, m, &now, ENI_REASON_TRACKED);
        eni_eval_worker_free(wk);
        t0 = wall_s();
        eni_ctx_free(h.ctx);
        free_s[i] = wall_s() - t0;
    }
    db_remove(path);
    free(p);
    struct stat3 sv = summarize(save_s, reps), o = summarize(open_s, reps),
                 f = summarize(free_s, reps);
    if (own)
        printf("\n5. %u tracked IPv4 TCP flows on %u interfaces of one instance, each with its own "
               "allowance of %u\n",
               total, nics, allowance);
    else
        printf("\n5. %u tracked IPv4 TCP flows on %u interface%s following the instance's budget "
               "of %llu\n",
               total, nics, nics == 1 ? "" : "s", (unsigned long long)budget);
    printf("  %-44s %9.2f s  (%.0f flows/s)\n", "create them through eni_eval_burst", create_s,
           total / create_s);
    printf("  %-44s %9.3f s ±%.0f%%  (median of %d)\n", "eni_ctx_save_flows", sv.med, spread(sv),
           reps);
    printf("  %-44s %9.3f s (first), %.3f s ±%.0f%% (after each restore)\n",
           "eni_ctx_free (saves them)", first_free, f.med, spread(f));
    printf("  %-44s %9.1f MB (%.1f bytes per flow; %.1f MB once closed)\n",
           "file size with the flows saved", bytes_saved / 1e6,
           (bytes_closed > 0 ? bytes_closed : bytes_saved) / total, bytes_closed / 1e6);
    printf("  %-44s %9.3f s ±%.0f%%  (median of %d; %.0f flows/s)\n",
           "restore: eni_ctx_new putting them back", o.med, spread(o), reps, total / o.med);
    printf("  target: restore of 1M flows under 1 s: %s\n",
           total < 1000000 ? "not measured (fewer flows)" : o.med < 1.0 ? "met" : "MISSED");
}

static void bench_restore_flows(const struct config *c)
{
    restore_flows(c, 4, true);
    restore_flows(c, 1, false);
}

/* ---- options -------------------------------------------------------------------- */

static const char usage[] =
    "[--quick] [--reps N] [--dir PATH] [--shm-dir PATH|none] [--nics N] [--flows N]\n"
    "       [--only LIST]\n"
    "What the state file costs: the same calls on a ctx in memory and on state\n"
    "files, in one process.\n"
    "  --quick          tiny sizes, for a smoke test (seconds)\n"
    "  --reps N         repetitions, 1..100 (default 5; restores: at most 3)\n"
    "  --dir PATH       where the state files go (default /tmp)\n"
    "  --shm-dir PATH   a tmpfs for the same files, to show the device's share\n"
    "                   (default /dev/shm; none: leave it out)\n"
    "  --nics N         interfaces of the restored model, 1..2000000 (default 1000000)\n"
    "  --flows N        tracked flows restored, 1..4000000 (default 1000000)\n"
    "  --only LIST      comma-separated: mutations, batched, packets, restore-model,\n"
    "                   restore-flows (default all)\n"
    "  -h, --help       this text\n"
    "  -V, --version    the libeni version\n"
    "Exit status: 0, 1 on a failed call, 2 on a usage error, 77 when this libeni\n"
    "was built without the state file (-Dstore).\n";

static unsigned parse_only(const char *prog, const char *arg)
{
    unsigned out = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned i = 0;
        while (i < 5 && strcmp(t, section_name[i]) != 0)
            i++;
        if (i == 5)
            cli_fail(prog, "--only takes mutations, batched, packets, restore-model, "
                     "restore-flows", t);
        out |= 1u << i;
    }
    if (!out)
        cli_fail(prog, "--only needs at least one section", arg);
    return out;
}

static bool usable_dir(const char *d)
{
    struct stat sb;
    return stat(d, &sb) == 0 && S_ISDIR(sb.st_mode) && access(d, W_OK | X_OK) == 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quick", no_argument, NULL, 'q'},        {"reps", required_argument, NULL, 'r'},
        {"dir", required_argument, NULL, 'd'},    {"shm-dir", required_argument, NULL, 's'},
        {"nics", required_argument, NULL, 'n'},   {"flows", required_argument, NULL, 'f'},
        {"only", required_argument, NULL, 'o'},   CLI_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    const char *prog = argv[0];
    struct config c = {.reps = 5, .dir = "/tmp", .shm_dir = "/dev/shm", .only = S_ALL};
    bool reps_set = false, nics_set = false, flows_set = false;
    for (int o; (o = getopt_long(argc, argv, "hV", longopts, NULL)) != -1;) {
        if (o == 'q')
            c.quick = true;
        else if (o == 'r')
            c.reps = (int)cli_number(prog, "--reps", optarg, 1, MAX_REPS), reps_set = true;
        else if (o == 'd')
            c.dir = optarg;
        else if (o == 's')
            c.shm_dir = strcmp(optarg, "none") ? optarg : NULL;
        else if (o == 'n')
            c.big_nics = cli_number(prog, "--nics", optarg, 1, 2000000), nics_set = true;
        else if (o == 'f')
            c.big_flows = cli_number(prog, "--flows", optarg, 1, 4000000), flows_set = true;
        else if (o == 'o')
            c.only = parse_only(prog, optarg);
        else
            cli_common(o, prog, usage);
    }
    if (optind < argc)
        cli_fail(prog, "unexpected argument", argv[optind]);
    if (!usable_dir(c.dir))
        cli_fail(prog, "--dir must be a writable directory", c.dir);
    if (c.shm_dir && !usable_dir(c.shm_dir)) {
        fprintf(stderr, "%s: %s is not a writable directory: no tmpfs column\n", prog, c.shm_dir);
        c.shm_dir = NULL;
    }
    if (c.quick) {
        c.groups = 10, c.nics = 40, c.calls = 20, c.pkt_flows = 256, c.pkt_passes = 2;
        if (!reps_set)
            c.reps = 1;
        if (!nics_set)
            c.big_nics = 2000;
        if (!flows_set)
            c.big_flows = 5000;
    } else {
        c.groups = 200, c.nics = 2000, c.calls = 1000, c.pkt_flows = 4096, c.pkt_passes = 8;
        if (!nics_set)
            c.big_nics = 1000000;
        if (!flows_set)
            c.big_flows = 1000000;
    }
    /* Before any output: a libeni without the state file exits 77 here. */
    char probe[4200];
    db_path(probe, sizeof probe, c.dir, "probe");
    eni_ctx_free(ctx_open(probe));
    db_remove(probe);
    char load[64];
    load_average(load, sizeof load);
    printf("libeni state-file bench (libeni %s): %d repetitions%s; load average %s\n",
           eni_version_string(), c.reps, c.quick ? ", quick" : "", load);
    if (c.only & (S_MUT | S_BATCH))
        bench_mutations(&c);
    if (c.only & S_PKT)
        bench_packets(&c);
    if (c.only & S_MODEL)
        bench_restore_model(&c);
    if (c.only & S_FLOWS)
        bench_restore_flows(&c);
    load_average(load, sizeof load);
    printf("\nload average at the end: %s\n", load);
    return 0;
}
