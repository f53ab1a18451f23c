/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A hash map from a 128-bit address to a non-zero 64-bit value (an owner
 * id). Open addressing, linear probing, backward-shift deletion (no
 * tombstones), load factor at most 1/2. IPv4 addresses use hi = 0. */
#ifndef ENI_UTIL_ADDRMAP_H
#define ENI_UTIL_ADDRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eni_addrmap_slot {
    uint64_t hi, lo;
    uint64_t value; /* 0 = empty */
};

typedef struct eni_addrmap {
    struct eni_addrmap_slot *slots;
    uint32_t cap;   /* power of two or 0 */
    uint32_t count;
} eni_addrmap;

/* Allocation callbacks, so the map uses the ctx's hooks. */
typedef void *(*eni_addrmap_alloc_fn)(size_t bytes, void *ud);
typedef void (*eni_addrmap_free_fn)(void *p, void *ud);

typedef struct eni_addrmap_mem {
    eni_addrmap_alloc_fn alloc; /* must return zeroed memory */
    eni_addrmap_free_fn free;
    void *ud;
} eni_addrmap_mem;

void eni__addrmap_fini(eni_addrmap *m, const eni_addrmap_mem *mem);
uint64_t eni__addrmap_get(const eni_addrmap *m, uint64_t hi, uint64_t lo);
/* Make room for `extra` more insertions, so they cannot fail. 0 or -1 (ENOMEM). */
int eni__addrmap_reserve(eni_addrmap *m, uint32_t extra, const eni_addrmap_mem *mem);
/* Insert or overwrite. Call eni__addrmap_reserve first; never fails then. */
void eni__addrmap_put(eni_addrmap *m, uint64_t hi, uint64_t lo, uint64_t value);
/* Remove; false if absent. */
bool eni__addrmap_del(eni_addrmap *m, uint64_t hi, uint64_t lo);

#endif
