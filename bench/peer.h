/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The DPDK peer, in the same process: the firewall a DPDK application
 * builds from the same rules, run on the same packets (rte_hash for flows,
 * rte_acl for rules), and rte_hash alone on the established-flow scenario's
 * flows. Built only with -Ddpdk_peer=enabled; otherwise (peer_none.c)
 * peer_available() is false and no ratio is reported. */
#ifndef ENI_BENCH_PEER_H
#define ENI_BENCH_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shapes.h"

bool peer_available(void);
int peer_init(void);

/* ---- the composite firewall of one shape --------------------------------- */

struct peer_fw;
struct peer_batch;

/* Build the firewall for s: one rte_acl context over the group rules (a
 * group reference or prefix list becomes one rule per member address or
 * entry) and, when s has a network ACL, its entries in a second category
 * (priority by rule number), plus an ACL-only context for the packets of
 * tracked flows; an rte_hash flow table for `flows` flows. The fastest
 * rte_acl algorithm on s's packets is chosen (untimed). NULL, with the reason
 * in why, when the peer cannot express s exactly or cannot build it. */
struct peer_fw *peer_fw_new(const struct shape_set *s, uint32_t flows, char *why, size_t whylen);
void peer_fw_free(struct peer_fw *fw);
/* The rte_acl rules the group rules became, and the algorithm chosen. */
uint32_t peer_fw_acl_rules(const struct peer_fw *fw);
const char *peer_fw_alg(const struct peer_fw *fw);

/* What the peer says of each packet (1: allowed), by rte_acl; untimed. */
void peer_fw_verdicts(struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n, uint8_t *allow);

/* Packets laid out as the peer reads them, ahead of the timed passes: the
 * rte_acl input (protocol, source, ports or ICMP type and code) and the
 * flow key, as a DPDK application reads them in place from each mbuf. */
struct peer_batch *peer_batch_new(const struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n);
void peer_batch_free(struct peer_batch *b);

enum peer_pass {
    PEER_NEW,  /* rte_hash_lookup_bulk (misses), rte_acl_classify, rte_hash_add_key_data for the allowed */
    PEER_EST,  /* rte_hash_lookup_bulk (hits), and the network ACL's rte_acl_classify when s has one */
    PEER_ACL,  /* rte_acl_classify alone */
};

/* One pass over the batch, 64 packets a burst; returns the packets allowed. */
uint32_t peer_fw_pass(struct peer_fw *fw, const struct peer_batch *b, enum peer_pass pass);
/* Empty the flow table (between rounds, untimed). */
void peer_fw_reset(struct peer_fw *fw);

/* ---- rte_hash alone, for the established-flow scenario ------------------- */

/* rte_hash: table of `n` 16-byte keys. Lookup: `count` keys, keys[order[(start + i) % norder]],
 * in bursts of 64 copied (untimed) into a local array before each timed
 * rte_hash_lookup_bulk; returns hits, and the timed seconds in *busy_s. */
void *peer_hash_build(const uint8_t (*keys)[16], uint32_t n);
uint32_t peer_hash_lookup(void *h, const uint8_t (*keys)[16], const uint32_t *order, uint32_t norder,
                          uint32_t start, uint32_t count, double *busy_s);
void peer_hash_free(void *h);

#endif
