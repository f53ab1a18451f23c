/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Endpoints (endpoint.h). */
#include "endpoint.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool endpoint_has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 136 || proto == 33;
}

static const char *port_of(const char *s, uint16_t *port)
{
    char *end;
    errno = 0;
    long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
    if (v < 0 || *end || errno || v > 65535)
        return "a port is a whole number from 0 to 65535";
    *port = (uint16_t)v;
    return NULL;
}

const char *endpoint_parse(const char *s, bool want_port, uint8_t *family, uint8_t addr[16],
                           uint16_t *port)
{
    char host[ENDPOINT_MAX];
    const char *port_s = NULL;
    *port = 0;
    memset(addr, 0, 16);
    if (s[0] == '[') { /* [IPv6] or [IPv6]:PORT */
        const char *close = strchr(s, ']');
        if (!close || (size_t)(close - s - 1) >= sizeof host)
            return "an IPv6 endpoint is [ADDRESS]:PORT";
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = 0;
        if (close[1] == ':')
            port_s = close + 2;
        else if (close[1])
            return "an IPv6 endpoint is [ADDRESS]:PORT";
    } else {
        const char *colon = strchr(s, ':');
        bool v4_port = colon && !strchr(colon + 1, ':'); /* two colons: a bare IPv6 address */
        size_t n = v4_port ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof host)
            return "not an address";
        memcpy(host, s, n);
        host[n] = 0;
        port_s = v4_port ? colon + 1 : NULL;
    }
    if (inet_pton(AF_INET, host, addr) == 1)
        *family = 4;
    else if (inet_pton(AF_INET6, host, addr) == 1)
        *family = 6;
    else
        return "not an IPv4 or IPv6 address";
    if (want_port && !port_s)
        return *family == 6 ? "the port is missing: [ADDRESS]:PORT" : "the port is missing: ADDRESS:PORT";
    if (!want_port && port_s)
        return "this protocol has no ports: give the address alone";
    return port_s ? port_of(port_s, port) : NULL;
}

void endpoint_format(char buf[ENDPOINT_MAX], uint8_t family, const uint8_t addr[16], int port)
{
    char a[INET6_ADDRSTRLEN] = "?";
    inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof a);
    if (port < 0)
        snprintf(buf, ENDPOINT_MAX, "%s", a);
    else
        snprintf(buf, ENDPOINT_MAX, family == 6 ? "[%s]:%d" : "%s:%d", a, port);
}
