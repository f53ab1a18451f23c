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
    eni__alias_fini(ctx, &reg->aliases);
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

/* Take a slot and make its id; see eni__registry_insert. */
static int take_slot(eni_ctx *ctx, unsigned kind, void *obj, uint64_t *id_out)
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
    eni__touch(ctx, *id_out);
    return ENI_OK;
}

int eni__registry_insert(eni_ctx *ctx, unsigned kind, void *obj, uint64_t *id_out)
{
    for (;;) {
        int rc = take_slot(ctx, kind, obj, id_out);
        if (rc != ENI_OK || !eni__id_string_taken(ctx, *id_out))
            return rc;
        /* A given id already prints as this minted one would (a 2^-64
         * chance per id, but "never collide" is a promise): retire this
         * generation of the slot and take another. */
        eni__registry_remove(ctx, *id_out);
    }
}

int eni__given_ids_check(const eni_ctx *ctx)
{
    const struct eni_alias_table *t = &ctx->registry.aliases;
    uint32_t seen = 0;
    for (uint32_t i = 0; i < t->cap; i++) {
        const struct eni_alias *a = &t->by_id[i];
        if (!a->id)
            continue;
        seen++;
        void *obj;
        if (eni__id_kind(a->id) != a->text.kind ||
            eni__registry_peek(ctx, a->text.kind, a->id, &obj) != ENI_OK)
            return eni__fail(ENI_EINTERNAL, NULL, "a given id names no live object");
        if (eni__alias_find_text(t, &a->text) != a->id)
            return eni__fail(ENI_EINTERNAL, NULL, "the given-id table disagrees with itself");
    }
    if (seen != t->count)
        return eni__fail(ENI_EINTERNAL, NULL, "the given-id table counts %u, holds %u", t->count,
                         seen);
    return ENI_OK;
}

int eni__given_ids_reserve(eni_ctx *ctx, uint32_t n)
{
    if (eni__alias_reserve(ctx, &ctx->registry.aliases, n) != ENI_OK)
        return eni__fail(ENI_ENOMEM, NULL, "out of memory registering given ids");
    return ENI_OK;
}

int eni__registry_insert_as(eni_ctx *ctx, unsigned kind, void *obj, const char *given,
                            uint64_t *id_out)
{
    uint64_t id;
    int rc = eni__registry_insert(ctx, kind, obj, &id);
    if (rc != ENI_OK || !given) {
        *id_out = id;
        return rc;
    }
    struct eni_id_text text;
    (void)eni__id_text_parse(given, &text); /* checked by eni__given_id_check */
    if (eni__alias_add(ctx, &ctx->registry.aliases, id, &text) != ENI_OK) {
        eni__registry_remove(ctx, id);
        return eni__fail(ENI_ENOMEM, NULL, "out of memory registering the id '%.40s'", given);
    }
    *id_out = id;
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
    eni__touch(ctx, id); /* whoever resolves it may change it (journal.h) */
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
    eni__touch(ctx, id);
    eni__alias_remove(&ctx->registry.aliases, id);
    s->obj = NULL;
    map->live--;
    if (s->gen == ENI__GEN_MAX)
        return; /* retired: reusing it would let a new generation wrap to an old id */
    s->gen++;
    s->next_free = map->free_head;
    map->free_head = slot;
}

void eni__registry_clear(eni_ctx *ctx)
{
    struct eni_registry *reg = &ctx->registry;
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++) {
        struct eni_slot_map *map = &reg->kinds[k];
        map->len = 0;
        map->live = 0;
        map->free_head = NO_SLOT;
    }
    eni__alias_fini(ctx, &reg->aliases);
    memset(&reg->aliases, 0, sizeof reg->aliases);
}

int eni__registry_restore(eni_ctx *ctx, unsigned kind, uint32_t slot, uint32_t gen, void *obj)
{
    struct eni_slot_map *map = &ctx->registry.kinds[kind];
    if (slot < map->len || gen == 0 || gen > ENI__GEN_MAX || slot >= MAX_SLOTS)
        return ENI_EINVAL;
    /* A slot with no row was only ever taken by calls that were refused
     * (their ids never reached a caller): it is free, at generation 1. */
    while (map->len <= slot) {
        if (map->len == map->cap && grow(ctx, map) != ENI_OK)
            return ENI_ENOMEM;
        map->slots[map->len++] = (struct eni_slot){NULL, 1, NO_SLOT};
    }
    map->slots[slot] = (struct eni_slot){obj, gen, NO_SLOT};
    map->live += obj != NULL;
    return ENI_OK;
}

void eni__registry_restore_done(eni_ctx *ctx)
{
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++) {
        struct eni_slot_map *map = &ctx->registry.kinds[k];
        map->free_head = NO_SLOT;
        /* Highest slot first, so the lowest free slot is reused first; a
         * retired slot (its generation spent) never goes back in. */
        for (uint32_t i = map->len; i-- > 0;)
            if (!map->slots[i].obj && map->slots[i].gen < ENI__GEN_MAX) {
                map->slots[i].next_free = map->free_head;
                map->free_head = i;
            }
    }
}

uint32_t eni__registry_live(const eni_ctx *ctx, unsigned kind)
{
    return ctx->registry.kinds[kind].live;
}
