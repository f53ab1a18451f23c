/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Frame parsing for the evaluator (packet path: no allocation, no error
 * formatting; `why` points at a static reason string). */
#ifndef ENI_EVAL_PARSE_H
#define ENI_EVAL_PARSE_H

#include <stdint.h>

#include "eni/eval.h"

/* 0 on success; -1 with *why set when the frame is not a well-formed IPv4 or
 * IPv6 packet. Never reads outside frame[0..len). */
int eni__parse_frame(const uint8_t *frame, uint32_t len, eni_pkt *out, const char **why);
/* The same for a bare IP packet (no Ethernet header): the version comes from
 * its first byte. */
int eni__parse_ip(const uint8_t *packet, uint32_t len, eni_pkt *out, const char **why);

#endif
