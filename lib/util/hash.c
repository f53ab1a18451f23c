#include "hash.h"

#include <xxhash.h>

uint64_t eni_hash64(const void *data, size_t len, uint64_t seed)
{
    return (uint64_t)XXH3_64bits_withSeed(data, len, (XXH64_hash_t)seed);
}

uint64_t eni_hash_u64(uint64_t value, uint64_t seed)
{
    return eni_hash64(&value, sizeof value, seed);
}
