/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "addr.h"

#include <arpa/inet.h>
#include <libcidr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strict shape checks, before libcidr sees the text. */
static bool v4_text_ok(const char *s, size_t len)
{
    int octets = 0;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        unsigned value = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            value = value * 10 + (unsigned)(s[i] - '0');
            if (value > 255)
                return false;
            i++;
        }
        size_t digits = i - start;
        if (digits == 0 || digits > 3 || (digits > 1 && s[start] == '0'))
            return false;
        octets++;
        if (i < len) {
            if (s[i] != '.' || octets == 4)
                return false;
            i++;
            if (i == len)
                return false;
        }
    }
    return octets == 4;
}

static bool v6_text_ok(const char *s, size_t len)
{
    char buf[ENI_ADDR_STR_MAX];
    struct in6_addr tmp;
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return inet_pton(AF_INET6, buf, &tmp) == 1;
}

/* Parse "addr" or "addr/len" with libcidr after the shape is known good. */
static int parse(const char *s, bool want_prefix, eni_prefix *out)
{
    if (!s)
        return -1;
    size_t n = strlen(s);
    const char *slash = memchr(s, '/', n);
    if (want_prefix != (slash != NULL))
        return -1;
    size_t alen = slash ? (size_t)(slash - s) : n;
    int family;
    if (memchr(s, ':', alen))
        family = 6;
    else
        family = 4;
    if (family == 4 ? !v4_text_ok(s, alen) : !v6_text_ok(s, alen))
        return -1;
    if (slash) {
        const char *p = slash + 1;
        size_t plen = n - alen - 1;
        if (plen == 0 || plen > 3 || (plen > 1 && p[0] == '0'))
            return -1;
        unsigned v = 0;
        for (size_t i = 0; i < plen; i++) {
            if (p[i] < '0' || p[i] > '9')
                return -1;
            v = v * 10 + (unsigned)(p[i] - '0');
        }
        if (v > (family == 4 ? 32u : 128u))
            return -1;
    }
    /* libcidr scans backwards from the end of short strings and reads before
     * their start (seen with ASan on "::/0" and "1.2.3.4"): hand it a copy
     * with zeroed room on both sides instead of the caller's memory. */
    char padded[16 + ENI_PREFIX_STR_MAX + 16];
    if (n >= ENI_PREFIX_STR_MAX)
        return -1;
    memset(padded, 0, sizeof padded);
    memcpy(padded + 16, s, n);
    CIDR *c = cidr_from_str(padded + 16);
    if (!c)
        return -1;
    int proto = cidr_get_proto(c);
    int pflen = cidr_get_pflen(c);
    memset(out, 0, sizeof *out);
    if (proto == CIDR_IPV4 && family == 4) {
        out->addr.family = 4;
        memcpy(out->addr.b, c->addr + 12, 4);
    } else if (proto == CIDR_IPV6 && family == 6) {
        out->addr.family = 6;
        memcpy(out->addr.b, c->addr, 16);
    } else {
        cidr_free(c);
        return -1;
    }
    cidr_free(c);
    if (pflen < 0)
        return -1;
    out->len = (uint8_t)pflen;
    return 0;
}

int eni__addr_parse(const char *s, eni_addr *out)
{
    eni_prefix p;
    if (parse(s, false, &p) != 0)
        return -1;
    *out = p.addr;
    return 0;
}

int eni__prefix_parse(const char *s, eni_prefix *out)
{
    return parse(s, true, out);
}

static void to_cidr(const eni_addr *a, unsigned len, CIDR *c)
{
    memset(c->addr, 0, sizeof c->addr);
    memset(c->mask, 0, sizeof c->mask);
    unsigned total = len;
    if (a->family == 4) {
        c->proto = CIDR_IPV4;
        c->addr[10] = c->addr[11] = 0xff;
        memcpy(c->addr + 12, a->b, 4);
        total = 96 + len;
    } else {
        c->proto = CIDR_IPV6;
        memcpy(c->addr, a->b, 16);
    }
    for (unsigned i = 0; i < total; i++)
        c->mask[i / 8] |= (uint8_t)(0x80u >> (i % 8));
}

static void format(const eni_addr *a, unsigned len, int flags, char *out, size_t outlen)
{
    CIDR *c = cidr_alloc();
    char *s = NULL;
    if (c) {
        to_cidr(a, len, c);
        s = cidr_to_str(c, flags);
        cidr_free(c);
    }
    /* libcidr allocates; if it cannot, fall back to the C library so a
     * formatter never fails (it only feeds describe/dump output). */
    if (s) {
        size_t n = strlen(s);
        if (n >= outlen)
            n = outlen - 1;
        memcpy(out, s, n);
        out[n] = '\0';
        free(s);
        return;
    }
    char tmp[INET6_ADDRSTRLEN];
    inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, tmp, sizeof tmp);
    if (flags & CIDR_ONLYADDR)
        snprintf(out, outlen, "%s", tmp);
    else
        snprintf(out, outlen, "%s/%u", tmp, len);
}

void eni__addr_format(const eni_addr *a, char out[ENI_ADDR_STR_MAX])
{
    format(a, a->family == 4 ? 32 : 128, CIDR_ONLYADDR, out, ENI_ADDR_STR_MAX);
}

void eni__prefix_format(const eni_prefix *p, char out[ENI_PREFIX_STR_MAX])
{
    format(&p->addr, p->len, CIDR_NOFLAGS, out, ENI_PREFIX_STR_MAX);
}

eni_addr eni__addr_from_v4(uint32_t v4)
{
    eni_addr a;
    memset(&a, 0, sizeof a);
    a.family = 4;
    a.b[0] = (uint8_t)(v4 >> 24);
    a.b[1] = (uint8_t)(v4 >> 16);
    a.b[2] = (uint8_t)(v4 >> 8);
    a.b[3] = (uint8_t)v4;
    return a;
}

static uint64_t load64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

static void store64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

uint64_t eni__addr_hi64(const eni_addr *a) { return load64(a->b); }
uint64_t eni__addr_lo64(const eni_addr *a) { return load64(a->b + 8); }

eni_addr eni__addr_from_v6(uint64_t hi, uint64_t lo)
{
    eni_addr a;
    a.family = 6;
    store64(a.b, hi);
    store64(a.b + 8, lo);
    return a;
}

bool eni__addr_equal(const eni_addr *a, const eni_addr *b)
{
    return a->family == b->family && memcmp(a->b, b->b, 16) == 0;
}

static unsigned bits_of(const eni_addr *a) { return a->family == 4 ? 32u : 128u; }

/* Do the first `len` bits of x and y agree? */
static bool same_bits(const uint8_t *x, const uint8_t *y, unsigned len)
{
    unsigned full = len / 8, rest = len % 8;
    if (memcmp(x, y, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return ((x[full] ^ y[full]) & mask) == 0;
}

bool eni__prefix_is_canonical(const eni_prefix *p)
{
    eni_prefix c = *p;
    eni__prefix_canonicalize(&c);
    return memcmp(c.addr.b, p->addr.b, 16) == 0;
}

void eni__prefix_canonicalize(eni_prefix *p)
{
    unsigned bits = bits_of(&p->addr);
    for (unsigned i = p->len; i < bits; i++)
        p->addr.b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

bool eni__prefix_equal(const eni_prefix *a, const eni_prefix *b)
{
    return a->len == b->len && eni__addr_equal(&a->addr, &b->addr);
}

bool eni__prefix_contains_addr(const eni_prefix *p, const eni_addr *a)
{
    return p->addr.family == a->family && same_bits(p->addr.b, a->b, p->len);
}

bool eni__prefix_contains(const eni_prefix *outer, const eni_prefix *inner)
{
    return outer->addr.family == inner->addr.family && outer->len <= inner->len &&
           same_bits(outer->addr.b, inner->addr.b, outer->len);
}

bool eni__prefix_overlaps(const eni_prefix *a, const eni_prefix *b)
{
    return eni__prefix_contains(a, b) || eni__prefix_contains(b, a);
}
