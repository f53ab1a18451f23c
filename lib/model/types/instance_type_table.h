/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The built-in instance-type table (internal).
 *
 * The data lives in a C file that gen_instance_types.py writes at build time
 * from data/instance-types.csv; the generator has already checked every row,
 * so code here may rely on:
 *   - the table is sorted by name in strcmp order, names are unique and
 *     shorter than ENI_INSTANCE_TYPE_NAME_MAX;
 *   - 1 <= max_network_cards <= ENI_MAX_NETWORK_CARDS, and the per-card
 *     limits sum to max_interfaces (>= 1);
 *   - flags holds only ENI_ITYPE_* bits, hypervisor an eni_hypervisor and
 *     ena_support an eni_ena_support. */
#ifndef ENI_MODEL_TYPES_INSTANCE_TYPE_TABLE_H
#define ENI_MODEL_TYPES_INSTANCE_TYPE_TABLE_H

#include <stdint.h>

#include "eni/instance_type.h"

/* One instance type, packed (20 bytes). Names and per-card limits live in
 * shared pools and are reached through the accessors below. */
struct eni__itype {
    uint32_t tcp_established_timeout; /* seconds */
    uint16_t name_off;                /* into eni__itype_names */
    uint16_t card_off;                /* into eni__itype_cards, max_network_cards entries */
    uint16_t udp_stream_timeout;      /* seconds */
    uint16_t udp_timeout;             /* seconds */
    uint8_t max_interfaces;           /* all cards together */
    uint8_t max_network_cards;
    uint8_t ipv4_per_interface;
    uint8_t ipv6_per_interface;
    uint8_t max_efa_interfaces;
    uint8_t hypervisor;  /* eni_hypervisor */
    uint8_t ena_support; /* eni_ena_support */
    uint8_t flags;       /* ENI_ITYPE_* */
};

/* Defined by the generated file. */
extern const uint32_t eni__itype_count;
extern const char eni__itype_names[];
extern const uint8_t eni__itype_cards[];
extern const struct eni__itype eni__itype_table[];

/* The type's name, NUL-terminated. */
static inline const char *eni__itype_name(const struct eni__itype *t)
{
    return eni__itype_names + t->name_off;
}

/* MaximumNetworkInterfaces of one network card; 0 past the type's last card. */
static inline uint32_t eni__itype_card_max(const struct eni__itype *t, uint32_t card)
{
    return card < t->max_network_cards ? eni__itype_cards[t->card_off + card] : 0;
}

/* The type called exactly `name` (case-sensitive), or NULL when `name` is NULL
 * or unknown. Binary search; no error is recorded. */
const struct eni__itype *eni__itype_find(const char *name);

#endif
