/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A rule in a few words ("tcp 22 from 203.0.113.0/24", "all traffic to
 * 0.0.0.0/0"), for the verdicts replay prints. */
#ifndef ENICTL_RULE_TEXT_H
#define ENICTL_RULE_TEXT_H

#include <eni.h>
#include <stddef.h>

void rule_text(eni_ctx *ctx, eni_sg_rule_id rule, char *buf, size_t len);
/* A protocol's name ("tcp", "icmpv6", "gre") or its number. */
const char *protocol_name(int proto, char buf[8]);

#endif
