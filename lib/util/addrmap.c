/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "addrmap.h"

#include <string.h>

#include "hash.h"

static uint32_t home(const eni_addrmap *m, uint64_t hi, uint64_t lo)
{
    uint64_t key[2] = {hi, lo};
    return (uint32_t)eni__hash64(key, sizeof key, 0x61646472u) & (m->cap - 1u);
}

void eni__addrmap_fini(eni_addrmap *m, const eni_addrmap_mem *mem)
{
    if (m->slots)
        mem->free(m->slots, mem->ud);
    memset(m, 0, sizeof *m);
}

uint64_t eni__addrmap_get(const eni_addrmap *m, uint64_t hi, uint64_t lo)
{
    if (m->cap == 0)
        return 0;
    for (uint32_t i = home(m, hi, lo);; i = (i + 1u) & (m->cap - 1u)) {
        const struct eni_addrmap_slot *s = &m->slots[i];
        if (s->value == 0)
            return 0;
        if (s->hi == hi && s->lo == lo)
            return s->value;
    }
}

static void put_raw(eni_addrmap *m, uint64_t hi, uint64_t lo, uint64_t value)
{
    for (uint32_t i = home(m, hi, lo);; i = (i + 1u) & (m->cap - 1u)) {
        struct eni_addrmap_slot *s = &m->slots[i];
        if (s->value == 0) {
            s->hi = hi;
            s->lo = lo;
            s->value = value;
            m->count++;
            return;
        }
        if (s->hi == hi && s->lo == lo) {
            s->value = value;
            return;
        }
    }
}

int eni__addrmap_reserve(eni_addrmap *m, uint32_t extra, const eni_addrmap_mem *mem)
{
    uint64_t need = ((uint64_t)m->count + extra) * 2u;
    if (need <= m->cap)
        return 0;
    uint64_t cap = m->cap ? m->cap : 8u;
    while (cap < need)
        cap *= 2u;
    if (cap > (1u << 31))
        return -1;
    struct eni_addrmap_slot *slots = mem->alloc((size_t)cap * sizeof *slots, mem->ud);
    if (!slots)
        return -1;
    eni_addrmap old = *m;
    m->slots = slots;
    m->cap = (uint32_t)cap;
    m->count = 0;
    for (uint32_t i = 0; i < old.cap; i++)
        if (old.slots[i].value)
            put_raw(m, old.slots[i].hi, old.slots[i].lo, old.slots[i].value);
    if (old.slots)
        mem->free(old.slots, mem->ud);
    return 0;
}

void eni__addrmap_put(eni_addrmap *m, uint64_t hi, uint64_t lo, uint64_t value)
{
    put_raw(m, hi, lo, value);
}

bool eni__addrmap_del(eni_addrmap *m, uint64_t hi, uint64_t lo)
{
    if (m->cap == 0)
        return false;
    uint32_t mask = m->cap - 1u, i = home(m, hi, lo);
    for (;; i = (i + 1u) & mask) {
        if (m->slots[i].value == 0)
            return false;
        if (m->slots[i].hi == hi && m->slots[i].lo == lo)
            break;
    }
    /* Backward shift: pull later members of the cluster into the hole when
     * their home position does not lie cyclically in (hole, j]. */
    uint32_t hole = i;
    for (uint32_t j = (hole + 1u) & mask; m->slots[j].value; j = (j + 1u) & mask) {
        uint32_t h = home(m, m->slots[j].hi, m->slots[j].lo);
        bool in_range = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (!in_range) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    memset(&m->slots[hole], 0, sizeof m->slots[hole]);
    m->count--;
    return true;
}
