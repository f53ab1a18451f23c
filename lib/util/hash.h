/* Hashing for libeni. xxhash is used only through this file, so it can be
 * swapped without touching callers (ARCHITECTURE.md, lib/util rule). */
#ifndef ENI_UTIL_HASH_H
#define ENI_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit XXH3 of a byte range, keyed by seed. */
uint64_t eni_hash64(const void *data, size_t len, uint64_t seed);

/* Hash of one 64-bit value: the common case, kept branch-free. */
uint64_t eni_hash_u64(uint64_t value, uint64_t seed);

#endif
