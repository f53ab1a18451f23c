/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "perm64.h"

#include "hash.h"

enum { PERM64_ROUNDS = 4 };

static uint32_t round_fn(uint32_t half, uint64_t key, unsigned round)
{
    /* Each round gets its own key so the rounds are independent functions. */
    return (uint32_t)eni__hash_u64(half, key + 0x9e3779b97f4a7c15ULL * (round + 1u));
}

uint64_t eni__perm64_encode(uint64_t value, uint64_t key)
{
    uint32_t left = (uint32_t)(value >> 32), right = (uint32_t)value;
    for (unsigned r = 0; r < PERM64_ROUNDS; r++) {
        uint32_t next = left ^ round_fn(right, key, r);
        left = right;
        right = next;
    }
    return ((uint64_t)left << 32) | right;
}

uint64_t eni__perm64_decode(uint64_t value, uint64_t key)
{
    uint32_t left = (uint32_t)(value >> 32), right = (uint32_t)value;
    for (unsigned r = PERM64_ROUNDS; r-- > 0;) {
        uint32_t prev = right ^ round_fn(left, key, r);
        right = left;
        left = prev;
    }
    return ((uint64_t)left << 32) | right;
}
