/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Security-group internals shared with the VPC and interface code. */
#ifndef ENI_MODEL_SG_INTERNAL_H
#define ENI_MODEL_SG_INTERNAL_H

#include "model.h"

/* Create a VPC's default group (rules included). All or nothing. */
/* given: the id EC2 gave the group, checked by the caller, or NULL. */
int eni__sg_create_default(eni_ctx *ctx, struct eni_vpc *vpc, const char *given,
                           struct eni_sg **out);
/* Remove a group and its rules, dropping the references they hold. */
void eni__sg_destroy(eni_ctx *ctx, struct eni_sg *sg);
/* Reserve room for `in` inbound and `out` outbound rules (vectors and ids). */
int eni__sg_reserve_rules(eni_ctx *ctx, struct eni_sg *sg, uint32_t in, uint32_t out);
/* A rule allowing all traffic to 0.0.0.0/0 (family 4) or ::/0 (6), not yet registered. */
struct eni_sg_rule *eni__sg_all_traffic_rule(eni_ctx *ctx, unsigned direction, unsigned family);
/* Register a rule into room eni__sg_reserve_rules made; cannot fail. */
void eni__sg_add_rule_reserved(eni_ctx *ctx, struct eni_sg *sg, struct eni_sg_rule *r);
/* Drop the references a rule holds (peer group's referenced_by, prefix list's). */
void eni__rule_unlink(eni_ctx *ctx, struct eni_sg_rule *r);
/* Parse and range-check a VPC or subnet block (also used by subnet.c). */
int eni__parse_vpc_block(const char *text, unsigned family, unsigned min_len, unsigned max_len,
                         const char *range_code, const char *what, eni_prefix *out);

static inline unsigned eni__dir_index(unsigned direction)
{
    return direction == ENI_EGRESS ? 1u : 0u;
}

#endif
