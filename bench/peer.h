/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The DPDK peer: rte_acl on the same rules and packets, rte_hash on the
 * same flows, in the same process. Built only with -Ddpdk_peer=enabled;
 * otherwise peer_available() is false and ratios are not reported. */
#ifndef ENI_BENCH_PEER_H
#define ENI_BENCH_PEER_H

#include <stdbool.h>
#include <stdint.h>

struct bench_rule {
    uint8_t proto;
    uint8_t len;     /* source prefix length */
    uint16_t lo, hi; /* destination port range */
    uint32_t addr;   /* source prefix, host order */
};

struct bench_pkt4 {
    uint8_t proto;
    uint16_t dport;
    uint32_t src; /* host order */
};

bool peer_available(void);
int peer_init(void);
/* rte_acl: build, classify n packets (burst 32), report matches in out[] (0/1). alg: 0 sse, 1 avx2. */
void *peer_acl_build(const struct bench_rule *rules, uint32_t n, double *build_ms);
void peer_acl_classify(void *acl, const struct bench_pkt4 *pkts, uint32_t n, uint8_t *out, int alg);
void peer_acl_free(void *acl);
/* rte_hash: table of `n` 16-byte keys. Lookup: `count` keys, keys[order[(start + i) % norder]],
 * in bursts of 64 copied (untimed) into a local array before each timed
 * rte_hash_lookup_bulk; returns hits, and the timed seconds in *busy_s. */
void *peer_hash_build(const uint8_t (*keys)[16], uint32_t n);
uint32_t peer_hash_lookup(void *h, const uint8_t (*keys)[16], const uint32_t *order, uint32_t norder,
                          uint32_t start, uint32_t count, double *busy_s);
void peer_hash_free(void *h);

#endif
