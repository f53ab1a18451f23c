/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Endpoints in words: ADDRESS, ADDRESS:PORT, [IPV6]:PORT, read (explain's
 * arguments) and written (replay's flows). */
#ifndef ENICTL_ENDPOINT_H
#define ENICTL_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ENDPOINT_MAX = 64 };

/* Parse @s; with @want_port the port is required, else refused. NULL, or a
 * message saying what is wrong. */
const char *endpoint_parse(const char *s, bool want_port, uint8_t *family, uint8_t addr[16],
                           uint16_t *port);
/* @port < 0: the address alone. */
void endpoint_format(char buf[ENDPOINT_MAX], uint8_t family, const uint8_t addr[16], int port);
/* Whether a protocol has ports (TCP, UDP, SCTP...). */
bool endpoint_has_ports(uint8_t proto);

#endif
