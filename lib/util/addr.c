/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "addr.h"

#include <arpa/inet.h>
#include <libcidr.h>
#include <stdio.h>
#include <string.h>

/* Strict shape checks, before libcidr sees the text. The IPv4 check reads
 * the four octets on the way; they are the address's bytes (into out). */
static bool v4_text(const char *s, size_t len, uint8_t out[4])
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
        if (octets < 4)
            out[octets] = (uint8_t)value;
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
    uint8_t v4[4];
    if (family == 4 ? !v4_text(s, alen, v4) : !v6_text_ok(s, alen))
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
    if (!slash) {
        /* A bare address, its text already checked strictly above: the
         * check read an IPv4 address's bytes, libc's inet_pton reads an IPv6
         * one's. libcidr stays the parser of prefixes; for an address it
         * would only repeat the work with an allocation (a list of 10,000
         * remote members parsed several times slower through it). */
        memset(out, 0, sizeof *out);
        out->addr.family = (uint8_t)family;
        out->len = family == 4 ? 32 : 128;
        if (family == 4) {
            memcpy(out->addr.b, v4, 4);
            return 0;
        }
        char buf[ENI_ADDR_STR_MAX];
        if (alen >= sizeof buf)
            return -1;
        memcpy(buf, s, alen);
        buf[alen] = '\0';
        return inet_pton(AF_INET6, buf, out->addr.b) == 1 ? 0 : -1;
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

/* RFC 5952 section 4: lower-case hex without leading zeros; "::" replaces
 * the longest run of two or more zero groups (the first of equally long
 * ones), never a single zero group. libcidr's formatter compresses a lone
 * zero group ("1::1:1:1:1:1:1"), and the C library's writes IPv4-mapped and
 * -compatible addresses in dotted form, which section 5 only suggests and
 * Python's ipaddress (before 3.13) does not: formatting here keeps
 * every string libeni prints in one canonical form, with no allocation. */
static size_t format_v6(const uint8_t *b, char *out)
{
    unsigned g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)b[2 * i] << 8 | b[2 * i + 1];
    int best = -1, best_len = 1; /* runs of 2 or more only */
    for (int i = 0; i < 8;) {
        if (g[i]) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && !g[j])
            j++;
        if (j - i > best_len)
            best = i, best_len = j - i;
        i = j;
    }
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            out[n++] = ':';
            if (i == 0)
                out[n++] = ':';
            i += best_len - 1;
            continue;
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = (g[i] >> shift) & 0xf;
            if (d || started || shift == 0) {
                out[n++] = hex[d];
                started = true;
            }
        }
        if (i < 7)
            out[n++] = ':';
    }
    out[n] = '\0';
    return n;
}

static size_t format_addr(const eni_addr *a, char *out)
{
    if (a->family == 6)
        return format_v6(a->b, out);
    int n = snprintf(out, ENI_ADDR_STR_MAX, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
    return n > 0 ? (size_t)n : 0;
}

void eni__addr_format(const eni_addr *a, char out[ENI_ADDR_STR_MAX])
{
    (void)format_addr(a, out);
}

void eni__prefix_format(const eni_prefix *p, char out[ENI_PREFIX_STR_MAX])
{
    size_t n = format_addr(&p->addr, out);
    snprintf(out + n, ENI_PREFIX_STR_MAX - n, "/%u", (unsigned)p->len);
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
