/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The interface a command is about (--interface): its id, its addresses and
 * delegated prefixes in the model, its MAC as EC2 gave it (the JSON's
 * MacAddress; the model mints its own), and which way a packet crosses it
 * (docs/enictl.md, "Direction"). */
#ifndef ENICTL_IFACE_H
#define ENICTL_IFACE_H

#include <eni.h>
#include <stdbool.h>

#include "capture.h"
#include "model.h"

typedef struct iface {
    eni_nic_id nic;
    const char *id;
    uint8_t (*addr)[16];
    uint8_t *family;
    uint8_t *plen;   /* the prefix length: 32 or 128 for an address, less for a delegated prefix */
    size_t naddr;
    bool has_mac;
    uint8_t mac[6];
} iface;

/* The interface @id of the model; one the model lacks, or never attached
 * (the evaluator judges attached interfaces only), is status 2. */
void iface_open(model *m, const char *id, iface *out);
void iface_close(iface *f);
/* Whether @addr is one of the interface's addresses or inside one of its prefixes. */
bool iface_owns(const iface *f, uint8_t family, const uint8_t addr[16]);
/* The direction of @p (and of @c's link layer, when not NULL): the
 * interface's address (or one in its prefixes) as destination is inbound,
 * as source outbound; else
 * the destination or source MAC, else the cooked header's packet type; 0
 * when nothing tells. */
int iface_direction(const iface *f, const eni_pkt *p, const cap_pkt *c);

#endif
