/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Model scale bench: bytes per interface and control-plane operation rates
 * with one million interfaces (2 private IPv4, 1 IPv6, 2 groups each) in one
 * ctx.
 *
 *   ./build/bench/eni-bench-model [interfaces] [repetitions]
 *
 * Bytes are counted exactly through the ctx's allocator hooks (live bytes
 * the library holds for the interfaces, their addresses and the address
 * maps), not estimated. Rates are medians over batches of 100000 operations
 * (of all the interfaces, when there are fewer). */
#include "bench_cli.h"

#include <eni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_slice.h"

struct counting {
    size_t live_bytes;
};

/* Each block carries its size in a 16-byte header so free knows it. */
static void *c_malloc(size_t n, void *ud)
{
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    ((struct counting *)ud)->live_bytes += n;
    return (char *)p + 16;
}
static void c_free(void *ptr, void *ud)
{
    size_t *p = (size_t *)(void *)((char *)ptr - 16);
    ((struct counting *)ud)->live_bytes -= p[0];
    free(p);
}
static void *c_realloc(void *ptr, size_t n, void *ud)
{
    size_t *p = (size_t *)(void *)((char *)ptr - 16);
    size_t old = p[0];
    size_t *q = realloc(p, n + 16);
    if (!q)
        return NULL;
    q[0] = n;
    ((struct counting *)ud)->live_bytes += n - old;
    return (char *)q + 16;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define CHECK(call)                                                                          \
    do {                                                                                     \
        int rc_ = (call);                                                                    \
        if (rc_ != ENI_OK) {                                                                 \
            fprintf(stderr, "%s:%d: %s: %s (%s)\n", __FILE__, __LINE__, #call,               \
                    eni_error_last()->message, eni_error_last()->ec2_code);                  \
            exit(1);                                                                         \
        }                                                                                    \
    } while (0)

enum { BATCH = 100000, PER_SUBNET = 30000 };
/* The sizes taken: every one works (at most 71 VPCs of 10.N.0.0/16). */
enum { MIN_NICS = 1, MAX_NICS = 2000000, MIN_REPS = 1, MAX_REPS = 100 };

static const char usage[] =
    "[INTERFACES [REPETITIONS]]\n"
    "Model scale: bytes per interface and operation rates with INTERFACES\n"
    "interfaces (1..2000000, default 1000000) in one ctx; the at-scale rates\n"
    "are medians of REPETITIONS batches (1..100, default 5).\n"
    "  -h, --help     this text\n"
    "  -V, --version  the libeni version\n";

int main(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    const char *prog = argv[0];
    for (int opt; (opt = getopt_long(argc, argv, "hV", longopts, NULL)) != -1;)
        cli_common(opt, prog, usage);
    if (argc - optind > 2)
        cli_fail(prog, "too many arguments", argv[optind + 2]);
    uint32_t total = optind < argc
                         ? cli_number(prog, "INTERFACES", argv[optind], MIN_NICS, MAX_NICS)
                         : 1000000;
    int reps = optind + 1 < argc
                   ? (int)cli_number(prog, "REPETITIONS", argv[optind + 1], MIN_REPS, MAX_REPS)
                   : 5;
    /* Operations are timed in batches of BATCH, or of all the interfaces. */
    uint32_t batch = total < BATCH ? total : BATCH;
    struct counting cnt = {0};
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.malloc_fn = c_malloc;
    opts.realloc_fn = c_realloc;
    opts.free_fn = c_free;
    opts.alloc_userdata = &cnt;
    eni_ctx *ctx;
    CHECK(eni_ctx_new(&opts, &ctx));
    eni_quotas q = ENI_QUOTAS_INIT; /* zeros keep the defaults */
    q.nics = total + batch;
    q.security_groups = 100000;
    CHECK(eni_ctx_set_quotas(ctx, &q));

    /* One /16 VPC (IPv6 /56) per 30000 interfaces, one subnet each, two groups. */
    uint32_t nvpc = (total + batch) / PER_SUBNET + 1;
    eni_subnet_id *subnets = calloc(nvpc, sizeof *subnets);
    eni_sg_id(*groups)[2] = calloc(nvpc, sizeof *groups);
    eni_nic_id *nics = calloc(total, sizeof *nics);
    for (uint32_t v = 0; v < nvpc; v++) {
        CHECK(bench_vpc_slice(ctx, v, &subnets[v], groups[v]));
    }
    size_t base_bytes = cnt.live_bytes;

    /* The median is over the whole batches (the first is always whole): a
     * short last one would weigh as much as a whole one. */
    double *create_rate = calloc(total / batch + 1, sizeof(double));
    int nbatches = 0;
    for (uint32_t done = 0; done < total;) {
        double t0 = now_s();
        uint32_t end = total - done < batch ? total : done + batch;
        for (uint32_t i = done; i < end; i++) {
            uint32_t v = i / PER_SUBNET;
            eni_nic_spec ns = bench_slice_nic(subnets[v], groups[v]);
            CHECK(eni_nic_create(ctx, &ns, &nics[i]));
        }
        if (end - done == batch)
            create_rate[nbatches++] = batch / (now_s() - t0);
        done = end;
    }
    double bytes_per_nic = (double)(cnt.live_bytes - base_bytes) / total;

    /* At full scale: assign + unassign one secondary address (a pair per op),
     * then delete + recreate, each in batches of batch, each batch a window
     * of the interfaces that starts a quarter batch later than the last. */
    double *assign_rate = calloc((size_t)reps, sizeof(double));
    double *delete_rate = calloc((size_t)reps, sizeof(double));
    double *recreate_rate = calloc((size_t)reps, sizeof(double));
    for (int r = 0; r < reps; r++) {
        uint32_t first = (uint32_t)r * (batch / 4) % (total - batch + 1);
        double t0 = now_s();
        for (uint32_t i = first; i < first + batch; i++) {
            eni_nic_address a[4];
            uint32_t n;
            CHECK(eni_nic_assign_private_ips(ctx, nics[i], NULL, 0, 1, 0));
            CHECK(eni_nic_get_addresses(ctx, nics[i], a, 4, &n));
            const char *ip = a[2].address;
            CHECK(eni_nic_unassign_private_ips(ctx, nics[i], &ip, 1));
        }
        assign_rate[r] = batch / (now_s() - t0);
        t0 = now_s();
        for (uint32_t i = first; i < first + batch; i++)
            CHECK(eni_nic_delete(ctx, nics[i]));
        delete_rate[r] = batch / (now_s() - t0);
        t0 = now_s();
        for (uint32_t i = first; i < first + batch; i++) {
            uint32_t v = i / PER_SUBNET;
            eni_nic_spec ns = bench_slice_nic(subnets[v], groups[v]);
            CHECK(eni_nic_create(ctx, &ns, &nics[i]));
        }
        recreate_rate[r] = batch / (now_s() - t0);
    }
    printf("libeni model bench: %u interfaces (2 private IPv4, 1 IPv6, 2 groups), %u VPCs\n",
           total, nvpc);
    printf("  bytes per interface              %8.1f\n", bytes_per_nic);
    printf("  create, first %u (median/s)    %10.0f\n", total, median(create_rate, nbatches));
    printf("  at scale: assign+unassign (op/s) %10.0f  (median of %d x %d)\n",
           median(assign_rate, reps), reps, batch);
    printf("  at scale: delete (op/s)          %10.0f\n", median(delete_rate, reps));
    printf("  at scale: create (op/s)          %10.0f\n", median(recreate_rate, reps));
    printf("{\"interfaces\":%u,\"repetitions\":%d,\"bytes_per_interface\":%.1f,\"create_per_s\":%.0f,"
           "\"assign_unassign_per_s\":%.0f,\"delete_per_s\":%.0f,\"create_at_scale_per_s\":%.0f}\n",
           total, reps, bytes_per_nic, median(create_rate, nbatches), median(assign_rate, reps),
           median(delete_rate, reps), median(recreate_rate, reps));
    eni_ctx_free(ctx);
    free(subnets);
    free(groups);
    free(nics);
    free(create_rate);
    free(assign_rate);
    free(delete_rate);
    free(recreate_rate);
    return 0;
}
