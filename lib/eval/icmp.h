/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What connection tracking makes of an ICMP or ICMPv6 message, by type
 * (docs/decisions-icmp.md). The parser (which messages carry an identifier
 * or quote a packet) and the verdict engine (which messages have a flow key)
 * share it, so the two never disagree.
 *
 * - An error (ICMP 3, 4, 5, 11, 12; ICMPv6 1-4) quotes a packet. It has no
 *   flow of its own: it is related to the flow of the packet it quotes, or
 *   judged by the rules.
 * - A request of a query (ICMP echo 8, timestamp 13, information 15,
 *   address mask 17; ICMPv6 echo 128, node information 139) starts a flow
 *   keyed by its identifier and its type, which later requests the same way
 *   and its own reply type the other way match.
 * - A reply of a query (0, 14, 16, 18; 129, 140) only matches its request's
 *   flow; it starts none.
 * - Everything else (router advertisement and solicitation, neighbour
 *   discovery, multicast listener messages, unassigned types) starts no flow
 *   and matches none: the rules judge every such message. */
#ifndef ENI_EVAL_ICMP_H
#define ENI_EVAL_ICMP_H

#include <stdint.h>

enum { ICMP_OTHER = 0, ICMP_REQUEST = 1, ICMP_REPLY = 2, ICMP_ERROR = 3 };

/* A message's class, and for a query (request or reply) its request type. */
struct icmp_kind {
    uint8_t cls;
    uint8_t request;
};

/* The ICMP protocol number of a family: 1 for IPv4, 58 for IPv6. Protocol 58
 * over IPv4 and 1 over IPv6 are not ICMP to the evaluator (the parser
 * refuses them; a record carrying one is any other protocol). */
static inline uint8_t eni__icmp_proto(unsigned family)
{
    return family == 4 ? 1 : 58;
}

/* A table lookup, not a switch: the packet path asks for every ICMP packet
 * (a switch compiled to a chain of compares cost 20 instructions a packet). */
static inline struct icmp_kind eni__icmp_kind(unsigned family, uint8_t type)
{
    static const struct icmp_kind v4[256] = {
        [0] = {ICMP_REPLY, 8},     [3] = {ICMP_ERROR, 0},     [4] = {ICMP_ERROR, 0},
        [5] = {ICMP_ERROR, 0},     [8] = {ICMP_REQUEST, 8},   [11] = {ICMP_ERROR, 0},
        [12] = {ICMP_ERROR, 0},    [13] = {ICMP_REQUEST, 13}, [14] = {ICMP_REPLY, 13},
        [15] = {ICMP_REQUEST, 15}, [16] = {ICMP_REPLY, 15},   [17] = {ICMP_REQUEST, 17},
        [18] = {ICMP_REPLY, 17},
    };
    static const struct icmp_kind v6[256] = {
        [1] = {ICMP_ERROR, 0},       [2] = {ICMP_ERROR, 0},     [3] = {ICMP_ERROR, 0},
        [4] = {ICMP_ERROR, 0},       [128] = {ICMP_REQUEST, 128}, [129] = {ICMP_REPLY, 128},
        [139] = {ICMP_REQUEST, 139}, [140] = {ICMP_REPLY, 139},
    };
    return family == 4 ? v4[type] : v6[type];
}

#endif
