#include "hash.h"

/* Inline XXH3 into the wrapper: flow keys are 16-40 bytes, where a call
 * through the shared library's PLT costs as much as the hash. */
#define XXH_INLINE_ALL
#include <xxhash.h>

uint64_t eni_hash64(const void *data, size_t len, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(data, len, (XXH64_hash_t)seed);
}

uint64_t eni_hash_u64(uint64_t value, uint64_t seed)
{
    return eni_hash64(&value, sizeof value, seed);
}
