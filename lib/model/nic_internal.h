/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Interface internals shared by nic.c, nic_ip.c, eip.c and lib/attach. */
#ifndef ENI_MODEL_NIC_INTERNAL_H
#define ENI_MODEL_NIC_INTERNAL_H

#include "model.h"

enum { ENI__MAX_ADDRS_PER_CALL = 1000 };

/* eni_nic_create in two halves: spec copy-in and checks that need no ctx,
 * then the work under the ctx lock (also used by instance launch). */
int eni__nic_spec_check(const eni_nic_spec *spec, eni_nic_spec *out_spec);
int eni__nic_create_locked(eni_ctx *ctx, const eni_nic_spec *spec, eni_nic_id *out);

/* Grow the address arrays so `v4_extra` / `v6_extra` more fit. Records ENOMEM. */
int eni__nic_reserve_addrs(eni_ctx *ctx, struct eni_nic *nic, uint32_t v4_extra,
                           uint32_t v6_extra);
/* Index of a private IPv4 on the interface, or -1. */
int eni__nic_find_v4(const struct eni_nic *nic, uint32_t v4);
int eni__nic_find_v6(const struct eni_nic *nic, const struct eni_v6 *a);
/* Drop address i from the arrays (keeps order). Does not touch the subnet. */
void eni__nic_drop_v4(struct eni_nic *nic, uint32_t i);
void eni__nic_drop_v6(struct eni_nic *nic, uint32_t i);
/* Per-interface address limits of the instance type it is attached to;
 * false when it is not attached (no limit applies yet). */
bool eni__nic_addr_limits(eni_ctx *ctx, const struct eni_nic *nic, uint32_t *v4_max,
                          uint32_t *v6_max);
/* PrivateIpAddressLimitExceeded for `want` slots of `max`. Records it. */
int eni__nic_limit_exceeded(uint32_t want, uint32_t max, const char *family);
/* Parse explicit addresses for `nic`'s subnet. Records errors. */
int eni__parse_v4_list(const struct eni_subnet *s, const char *const *ips, uint32_t n,
                       uint32_t *out);
int eni__parse_v6_list(const struct eni_subnet *s, const char *const *ips, uint32_t n,
                       struct eni_v6 *out);

#endif
