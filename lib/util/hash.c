/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "hash.h"

/* hash.h includes xxhash.h with XXH_INLINE_ALL: XXH3 is compiled into the
 * wrapper, as a call through the shared library's PLT costs as much as the
 * hash of a 16-40 byte key. */

uint64_t eni__hash64(const void *data, size_t len, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(data, len, (XXH64_hash_t)seed);
}

uint64_t eni__hash_u64(uint64_t value, uint64_t seed)
{
    return eni__hash64(&value, sizeof value, seed);
}
