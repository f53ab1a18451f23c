/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The DPDK peer (rte_acl, rte_hash), as in dataplane-anchors.md: EAL without
 * hugepages or PCI, one lcore. */
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <rte_acl.h>
#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "peer.h"

bool peer_available(void) { return true; }

int peer_init(void)
{
    char *argv[] = {"eni-bench", "--no-huge", "-m", "1024", "--no-pci", "-l", "0",
                    "--log-level=3", "--no-telemetry", NULL};
    cpu_set_t all;
    pthread_getaffinity_np(pthread_self(), sizeof all, &all);
    if (rte_eal_init(9, argv) < 0)
        return -1;
    /* EAL pins the calling thread to lcore 0; give it (and the threads the
     * bench starts later) every CPU back, or the 2-thread run is serialised. */
    pthread_setaffinity_np(pthread_self(), sizeof all, &all);
    return 0;
}

RTE_ACL_RULE_DEF(bench_acl_rule, 4);

/* Input layout: proto (1 byte, its own 4-byte group), source, then source
 * and destination ports sharing one 4-byte group (rte_acl reads inputs in
 * 4-byte groups; the source port is a wildcard). */
struct acl_input {
    uint8_t proto;
    uint8_t pad[3];
    uint32_t src;   /* network order */
    uint16_t sport; /* network order */
    uint16_t dport; /* network order */
};

static struct rte_acl_field_def defs[4] = {
    {.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1, .field_index = 0, .input_index = 0,
     .offset = offsetof(struct acl_input, proto)},
    {.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4, .field_index = 1, .input_index = 1,
     .offset = offsetof(struct acl_input, src)},
    {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = 2, .input_index = 2,
     .offset = offsetof(struct acl_input, sport)},
    {.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2, .field_index = 3, .input_index = 2,
     .offset = offsetof(struct acl_input, dport)},
};

void *peer_acl_build(const struct bench_rule *rules, uint32_t n, double *build_ms)
{
    static int seq;
    char name[32];
    snprintf(name, sizeof name, "eni-bench-%d", seq++);
    struct rte_acl_param p = {.name = name, .socket_id = SOCKET_ID_ANY,
                              .rule_size = RTE_ACL_RULE_SZ(4), .max_rule_num = n};
    struct rte_acl_ctx *acx = rte_acl_create(&p);
    if (!acx)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        struct bench_acl_rule r;
        memset(&r, 0, sizeof r);
        r.data.category_mask = 1;
        r.data.priority = 1; /* allow-only: every rule says the same thing */
        r.data.userdata = i + 1;
        r.field[0].value.u8 = rules[i].proto;
        r.field[0].mask_range.u8 = 0xff;
        r.field[1].value.u32 = rules[i].addr;
        r.field[1].mask_range.u32 = rules[i].len;
        r.field[2].value.u16 = 0;
        r.field[2].mask_range.u16 = 65535;
        r.field[3].value.u16 = rules[i].lo;
        r.field[3].mask_range.u16 = rules[i].hi;
        if (rte_acl_add_rules(acx, (struct rte_acl_rule *)&r, 1) != 0) {
            rte_acl_free(acx);
            return NULL;
        }
    }
    struct rte_acl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.num_categories = 1;
    cfg.num_fields = 4;
    memcpy(cfg.defs, defs, sizeof defs);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (rte_acl_build(acx, &cfg) != 0) {
        rte_acl_free(acx);
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    *build_ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    return acx;
}

void peer_acl_classify(void *acl, const struct bench_pkt4 *pkts, uint32_t n, uint8_t *out, int alg)
{
    struct rte_acl_ctx *acx = acl;
    int src = rte_acl_set_ctx_classify(acx, alg ? RTE_ACL_CLASSIFY_AVX2 : RTE_ACL_CLASSIFY_SSE);
    if (src) fprintf(stderr, "set classify rc %d\n", src);
    static struct acl_input in[32];
    const uint8_t *ptr[32];
    uint32_t res[32];
    for (uint32_t base = 0; base < n; base += 32) {
        uint32_t m = n - base < 32 ? n - base : 32;
        for (uint32_t i = 0; i < m; i++) {
            in[i].proto = pkts[base + i].proto;
            in[i].src = rte_cpu_to_be_32(pkts[base + i].src);
            in[i].sport = rte_cpu_to_be_16(40000);
            in[i].dport = rte_cpu_to_be_16(pkts[base + i].dport);
            ptr[i] = (const uint8_t *)&in[i];
        }
        int crc = rte_acl_classify(acx, ptr, res, m, 1);
        if (crc) fprintf(stderr, "classify rc %d\n", crc);
        for (uint32_t i = 0; i < m; i++)
            out[base + i] = res[i] != 0;
    }
}

void peer_acl_free(void *acl) { rte_acl_free(acl); }

void *peer_hash_build(const uint8_t (*keys)[16], uint32_t n)
{
    struct rte_hash_parameters hp = {.name = "eni-bench-flows", .entries = n * 2,
                                     .key_len = 16, .hash_func = rte_jhash,
                                     .socket_id = (int)rte_socket_id()};
    struct rte_hash *h = rte_hash_create(&hp);
    if (!h)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (rte_hash_add_key(h, keys[i]) < 0) {
            rte_hash_free(h);
            return NULL;
        }
    return h;
}

uint32_t peer_hash_lookup(void *h, const uint8_t (*keys)[16], const uint32_t *order, uint32_t norder,
                          uint32_t start, uint32_t count, double *busy_s)
{
    uint8_t burst[64][16];
    const void *k[64];
    int32_t pos[64];
    uint32_t hits = 0;
    double busy = 0;
    for (uint32_t i = 0; i < 64; i++)
        k[i] = burst[i];
    for (uint32_t base = 0; base < count; base += 64) {
        uint32_t m = count - base < 64 ? count - base : 64;
        for (uint32_t i = 0; i < m; i++)
            memcpy(burst[i], keys[order[(start + base + i) % norder]], 16);
        struct timespec t0, t1;
        atomic_thread_fence(memory_order_seq_cst); /* as settle() in eni_bench.c */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rte_hash_lookup_bulk(h, k, m, pos);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        busy += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        for (uint32_t i = 0; i < m; i++)
            hits += pos[i] >= 0;
    }
    *busy_s = busy;
    return hits;
}

void peer_hash_free(void *h) { rte_hash_free(h); }
