/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* IP addresses and prefixes inside libeni, and their string forms.
 *
 * Strings cross the API; everything inside works on these small binary
 * structs. Parsing goes through libcidr, and only here, with a strict
 * lexical check first: libcidr alone accepts "10.1", octal octets
 * ("010.0.0.1" is 8.0.0.1), netmask suffixes and trailing junk, none of
 * which EC2 accepts. Formatting is done here: IPv6 in RFC 5952's canonical
 * form (lower case, "::" only for the longest run of two or more zero
 * groups, the first of equal ones), which libcidr does not follow. */
#ifndef ENI_UTIL_ADDR_H
#define ENI_UTIL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ENI_ADDR_STR_MAX = 48, ENI_PREFIX_STR_MAX = 52 };

typedef struct eni_addr {
    uint8_t family; /* 4 or 6 */
    uint8_t b[16];  /* network order; IPv4 in b[0..3], the rest zero */
} eni_addr;

typedef struct eni_prefix {
    eni_addr addr;
    uint8_t len; /* 0..32 or 0..128 */
} eni_prefix;

/* 0 on success, -1 for a malformed string. An address takes no "/len". */
int eni__addr_parse(const char *s, eni_addr *out);
/* A prefix needs "/len" (decimal, no leading zeros). Host bits are kept. */
int eni__prefix_parse(const char *s, eni_prefix *out);

void eni__addr_format(const eni_addr *a, char out[ENI_ADDR_STR_MAX]);
void eni__prefix_format(const eni_prefix *p, char out[ENI_PREFIX_STR_MAX]);

static inline uint32_t eni__addr_v4(const eni_addr *a)
{
    return ((uint32_t)a->b[0] << 24) | ((uint32_t)a->b[1] << 16) | ((uint32_t)a->b[2] << 8) |
           a->b[3];
}
eni_addr eni__addr_from_v4(uint32_t v4);
/* IPv6: the high and low 64 bits. */
uint64_t eni__addr_hi64(const eni_addr *a);
uint64_t eni__addr_lo64(const eni_addr *a);
eni_addr eni__addr_from_v6(uint64_t hi, uint64_t lo);

bool eni__addr_equal(const eni_addr *a, const eni_addr *b);

bool eni__prefix_is_canonical(const eni_prefix *p);
void eni__prefix_canonicalize(eni_prefix *p);
bool eni__prefix_equal(const eni_prefix *a, const eni_prefix *b);
bool eni__prefix_contains_addr(const eni_prefix *p, const eni_addr *a);
bool eni__prefix_contains(const eni_prefix *outer, const eni_prefix *inner);
bool eni__prefix_overlaps(const eni_prefix *a, const eni_prefix *b);

#endif
