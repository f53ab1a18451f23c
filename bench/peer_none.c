/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* No DPDK peer in this build (-Ddpdk_peer=disabled). */
#include <stddef.h>

#include "peer.h"

bool peer_available(void) { return false; }
int peer_init(void) { return -1; }
void *peer_acl_build(const struct bench_rule *rules, uint32_t n, double *build_ms)
{
    (void)rules, (void)n, (void)build_ms;
    return NULL;
}
void peer_acl_classify(void *acl, const struct bench_pkt4 *pkts, uint32_t n, uint8_t *out, int alg)
{
    (void)acl, (void)pkts, (void)n, (void)out, (void)alg;
}
void peer_acl_free(void *acl) { (void)acl; }
void *peer_hash_build(const uint8_t (*keys)[16], uint32_t n)
{
    (void)keys, (void)n;
    return NULL;
}
uint32_t peer_hash_lookup(void *h, const uint8_t (*keys)[16], const uint32_t *order, uint32_t norder,
                          uint32_t start, uint32_t count, double *busy_s)
{
    (void)h, (void)keys, (void)order, (void)norder, (void)start, (void)count;
    *busy_s = 0;
    return 0;
}
void peer_hash_free(void *h) { (void)h; }
