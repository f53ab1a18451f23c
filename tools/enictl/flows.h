/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Per-flow verdicts of a replay. A flow is keyed as the evaluator tracks it,
 * from the interface's side (protocol, local and remote address and port),
 * so a request and its replies are one flow; it remembers its first packet
 * and, in the order they first happened, each distinct verdict (direction,
 * action, reason, group and rule) with a packet count. Packets that do not
 * parse are grouped by what is wrong with them. */
#ifndef ENICTL_FLOWS_H
#define ENICTL_FLOWS_H

#include <eni.h>
#include <stdint.h>

typedef struct outcome {
    uint8_t dir, action, reason;
    eni_sg_id group;
    eni_sg_rule_id rule;
    uint64_t packets, first; /* how many; the number of the first one */
} outcome;

typedef struct flow {
    uint8_t family, proto; /* key (family 0: malformed packets, grouped by why) */
    uint16_t lport, rport;
    uint8_t local[16], remote[16];
    uint32_t why;          /* index into flows::why + 1, or 0 */
    uint8_t initiator;     /* the direction of the first packet */
    eni_pkt first_pkt;     /* the first packet, addresses as they were */
    uint64_t first, first_ns, last_ns, packets, allowed, dropped;
    outcome *out;
    size_t nout, capout;
} flow;

typedef struct flows {
    flow *v;
    size_t n, cap;
    size_t *slot, nslot; /* open addressing: index + 1, 0 empty */
    char **why;
    size_t nwhy, capwhy;
} flows;

/* Count packet @number (at @ts_ns, crossing in @dir) with its verdict; @why
 * says what is wrong with a packet that did not parse (family 0). */
void flows_add(flows *f, uint64_t number, uint64_t ts_ns, uint8_t dir, const eni_pkt *pkt,
               const eni_verdict *v, const char *why);
const char *flows_why(const flows *f, const flow *fl);
void flows_free(flows *f);

#endif
