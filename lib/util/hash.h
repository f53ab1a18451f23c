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

/* A flow table's hash of its fixed-size keys, inlined on the packet path:
 * the IPv4 key's two words, or the IPv6 key's five. Not XXH3 of the key
 * bytes: at 40 bytes its length dispatch, byte-order loads and four
 * multiplications were an eighth of the instructions a dropped IPv6
 * packet took (docs/decisions.md D54). It is wyhash's construction over
 * XXH3's own 64x64->128 multiplication (XXH_mult64to128): words whitened
 * by constants and multiplied, and the whole 128-bit product of the last
 * multiplication folded by one more, so every input bit reaches the high
 * half that home_slot uses (flowtab.h). Keyed by constants: as with XXH3
 * under a fixed seed, keys that collide can be found offline; a collision
 * costs probes, never a wrong answer. */
static inline uint64_t eni__flow_fold(uint64_t a, uint64_t b)
{
    XXH128_hash_t p = XXH_mult64to128((xxh_u64)a, (xxh_u64)b);
    return (uint64_t)(p.low64 ^ p.high64);
}

/* The last step: multiply, then fold the whole product by one more. */
static inline uint64_t eni__flow_final(uint64_t a, uint64_t b)
{
    XXH128_hash_t p = XXH_mult64to128((xxh_u64)(a ^ 0xa0761d6478bd642full),
                                      (xxh_u64)(b ^ 0xe7037ed1a0b428dbull));
    return eni__flow_fold(p.low64 ^ 0x8ebc6af09c88c6e3ull, p.high64 ^ 0x589965cc75374cc3ull);
}

static inline uint64_t eni__flow_hash2(uint64_t w0, uint64_t w1)
{
    return eni__flow_final(w0, w1);
}

static inline uint64_t eni__flow_hash5(const uint64_t w[5])
{
    uint64_t a = eni__flow_fold(w[0] ^ 0x2d358dccaa6c78a5ull, w[1] ^ 0x8bb84b93962eacc9ull);
    uint64_t b = eni__flow_fold(w[2] ^ 0x4b33a62ed433d4a3ull, w[3] ^ 0x4d5a2da51de1aa47ull);
    return eni__flow_final(a ^ w[4], b);
}

#endif
