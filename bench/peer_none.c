/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* No DPDK peer in this build (-Ddpdk_peer=disabled): peer_available() is
 * false and the bench never calls the rest. */
#include <stddef.h>

#include "peer.h"

bool peer_available(void) { return false; }
int peer_init(void) { return -1; }

struct peer_fw *peer_fw_new(const struct shape_set *s, uint32_t flows, char *why, size_t whylen)
{
    (void)s, (void)flows;
    if (whylen)
        why[0] = 0;
    return NULL;
}
void peer_fw_free(struct peer_fw *fw) { (void)fw; }
uint32_t peer_fw_acl_rules(const struct peer_fw *fw)
{
    (void)fw;
    return 0;
}
const char *peer_fw_alg(const struct peer_fw *fw)
{
    (void)fw;
    return "none";
}
void peer_fw_verdicts(struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n, uint8_t *allow)
{
    (void)fw, (void)pkts, (void)n, (void)allow;
}
struct peer_batch *peer_batch_new(const struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n)
{
    (void)fw, (void)pkts, (void)n;
    return NULL;
}
void peer_batch_free(struct peer_batch *b) { (void)b; }
uint32_t peer_fw_pass(struct peer_fw *fw, const struct peer_batch *b, enum peer_pass pass)
{
    (void)fw, (void)b, (void)pass;
    return 0;
}
void peer_fw_reset(struct peer_fw *fw) { (void)fw; }

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
