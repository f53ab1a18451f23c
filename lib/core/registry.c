/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "registry.h"

#include <string.h>

#include "ctx_internal.h"

#define NO_SLOT UINT32_MAX

void eni__registry_init(struct eni_registry *reg)
{
    memset(reg, 0, sizeof *reg);
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++)
        reg->kinds[k].free_head = NO_SLOT;
}

void eni__registry_fini(eni_ctx *ctx, struct eni_registry *reg)
{
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++)
        eni__free(ctx, reg->kinds[k].slots);
    memset(reg, 0, sizeof *reg);
}

/* Slot indexes stop below NO_SLOT, which marks the end of the free list. */
#define MAX_SLOTS (NO_SLOT - 1u)

static int grow(eni_ctx *ctx, struct eni_slot_map *map)
{
    if (map->cap >= MAX_SLOTS)
        return ENI_ELIMIT;
    uint64_t cap = map->cap ? (uint64_t)map->cap * 2u : 16u;
    if (cap > MAX_SLOTS)
        cap = MAX_SLOTS;
    struct eni_slot *slots = eni__realloc_array(ctx, map->slots, (size_t)cap, sizeof *slots);
    if (!slots)
        return ENI_ENOMEM;
    map->slots = slots;
    map->cap = (uint32_t)cap;
    return ENI_OK;
}

int eni__registry_reserve(eni_ctx *ctx, unsigned kind, uint32_t n)
{
    struct eni_slot_map *map = &ctx->registry.kinds[kind];
    while (map->cap - map->len < n) {
        int rc = grow(ctx, map);
        if (rc == ENI_ENOMEM)
            return eni__fail(rc, NULL, "out of memory registering %s objects",
                             eni__kind_info(kind)->name);
        if (rc != ENI_OK)
            return eni__fail(rc, NULL, "too many %s objects", eni__kind_info(kind)->name);
    }
    return ENI_OK;
}

int eni__registry_insert(eni_ctx *ctx, unsigned kind, void *obj, uint64_t *id_out)
{
    struct eni_slot_map *map = &ctx->registry.kinds[kind];
    uint32_t slot;
    if (map->free_head != NO_SLOT) {
        slot = map->free_head;
        map->free_head = map->slots[slot].next_free;
    } else {
        if (map->len == map->cap) {
            int rc = grow(ctx, map);
            if (rc == ENI_ENOMEM)
                return eni__fail(rc, NULL, "out of memory registering a %s",
                                 eni__kind_info(kind)->name);
            if (rc != ENI_OK)
                return eni__fail(rc, NULL, "too many %s objects", eni__kind_info(kind)->name);
        }
        slot = map->len++;
        map->slots[slot].gen = 1;
    }
    map->slots[slot].obj = obj;
    map->slots[slot].next_free = NO_SLOT;
    map->live++;
    *id_out = eni__id_make(kind, map->slots[slot].gen, slot);
    return ENI_OK;
}

int eni__registry_peek(const eni_ctx *ctx, unsigned kind, uint64_t id, void **obj_out)
{
    if (id == 0 || eni__id_kind(id) != kind || eni__id_gen(id) == 0)
        return ENI_EINVAL;
    const struct eni_slot_map *map = &ctx->registry.kinds[kind];
    uint32_t slot = eni__id_slot(id);
    if (slot >= map->len || eni__id_gen(id) > map->slots[slot].gen)
        return ENI_ENOTFOUND;
    if (map->slots[slot].gen != eni__id_gen(id) || !map->slots[slot].obj)
        return ENI_ESTALE;
    *obj_out = map->slots[slot].obj;
    return ENI_OK;
}

int eni__registry_get(const eni_ctx *ctx, unsigned kind, uint64_t id, void **obj_out)
{
    int rc = eni__registry_peek(ctx, kind, id, obj_out);
    if (rc == ENI_OK)
        return rc;
    const struct eni_kind_info *info = eni__kind_info(kind);
    char text[ENI_ID_STRING_MAX] = "";
    if (rc != ENI_EINVAL)
        eni_id_format(ctx, id, text, sizeof text);
    switch (rc) {
    case ENI_EINVAL:
        if (id == 0)
            return eni__fail(rc, info->ec2_malformed, "null %s id", info->name);
        return eni__fail(rc, info->ec2_malformed, "id 0x%016llx is not a %s id",
                         (unsigned long long)id, info->name);
    case ENI_ESTALE:
        return eni__fail(rc, info->ec2_not_found, "the %s '%s' was deleted", info->name, text);
    default:
        return eni__fail(rc, info->ec2_not_found, "the %s '%s' does not exist", info->name,
                         text);
    }
}

void eni__registry_remove(eni_ctx *ctx, uint64_t id)
{
    struct eni_slot_map *map = &ctx->registry.kinds[eni__id_kind(id)];
    uint32_t slot = eni__id_slot(id);
    struct eni_slot *s = &map->slots[slot];
    s->obj = NULL;
    map->live--;
    if (s->gen == ENI__GEN_MAX)
        return; /* retired: reusing it would let a new generation wrap to an old id */
    s->gen++;
    s->next_free = map->free_head;
    map->free_head = slot;
}

uint32_t eni__registry_live(const eni_ctx *ctx, unsigned kind)
{
    return ctx->registry.kinds[kind].live;
}
