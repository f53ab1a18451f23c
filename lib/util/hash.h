/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Hashing for libeni. xxhash is used only through this file, so it can be
 * swapped without touching callers (ARCHITECTURE.md, lib/util rule). */
#ifndef ENI_UTIL_HASH_H
#define ENI_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

/* 64-bit XXH3 of a byte range, keyed by seed. */
uint64_t eni__hash64(const void *data, size_t len, uint64_t seed);

/* Hash of one 64-bit value: the common case, kept branch-free. */
uint64_t eni__hash_u64(uint64_t value, uint64_t seed);

/* The same hash of exactly 16 bytes, inlined: an IPv4 flow key on the
 * packet path, where a call and a length dispatch would cost as much as
 * the hash itself. Equal to eni__hash64(data, 16, seed). */
static inline uint64_t eni__hash16(const void *data, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(data, 16, (XXH64_hash_t)seed);
}

/* The same hash of exactly 40 bytes, inlined: an IPv6 flow key (four
 * address words and the ports/protocol word). Equal to
 * eni__hash64(data, 40, seed). */
static inline uint64_t eni__hash40(const void *data, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(data, 40, (XXH64_hash_t)seed);
}

#endif
