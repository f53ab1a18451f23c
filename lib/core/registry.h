/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Typed generational ids: one slot map per object kind.
 *
 * An id is [kind 8 | slot 32 | generation 24]: with the slot above the
 * generation, walking the slots in order lists ids in ascending value. A slot's generation starts at
 * 1 and is bumped when its object is removed, so an old id no longer matches
 * and yields ENI_ESTALE instead of aliasing the slot's next object. A slot
 * whose generation would wrap is retired (never reused), which costs one
 * slot per 16M reuses and keeps the guarantee absolute.
 *
 * The registry is part of the ctx and is used under the ctx lock. */
#ifndef ENI_CORE_REGISTRY_H
#define ENI_CORE_REGISTRY_H

#include <stdint.h>

#include "alias.h"
#include "kind.h"

typedef struct eni_ctx eni_ctx;

struct eni_slot {
    void *obj;          /* NULL when free */
    uint32_t gen;       /* current generation, 1..ENI__GEN_MAX */
    uint32_t next_free; /* free-list link, UINT32_MAX ends it */
};

struct eni_slot_map {
    struct eni_slot *slots;
    uint32_t len;       /* slots ever handed out */
    uint32_t cap;
    uint32_t free_head; /* UINT32_MAX when empty */
    uint32_t live;      /* objects currently registered */
};

struct eni_registry {
    struct eni_slot_map kinds[ENI__KIND_COUNT];
    struct eni_alias_table aliases; /* ids EC2 gave (alias.h) */
};

#define ENI__GEN_MAX 0xffffffu

static inline uint64_t eni__id_make(unsigned kind, uint32_t gen, uint32_t slot)
{
    return ((uint64_t)kind << 56) | ((uint64_t)slot << 24) | (gen & ENI__GEN_MAX);
}
static inline unsigned eni__id_kind(uint64_t id) { return (unsigned)(id >> 56); }
static inline uint32_t eni__id_gen(uint64_t id) { return (uint32_t)id & ENI__GEN_MAX; }
static inline uint32_t eni__id_slot(uint64_t id) { return (uint32_t)(id >> 24); }

void eni__registry_init(struct eni_registry *reg);
void eni__registry_fini(eni_ctx *ctx, struct eni_registry *reg);

/* Register obj (non-NULL) under a new id of `kind`. ENI_OK or ENI_ENOMEM/ENI_ELIMIT. */
int eni__registry_insert(eni_ctx *ctx, unsigned kind, void *obj, uint64_t *id_out);

/* Is `given` (NULL: none) an id string a new object of `kind` may take? A
 * malformed string or one of another kind is ENI_EINVAL with the kind's
 * Malformed code; one that names a live object is ENI_EEXIST. Records. */
int eni__given_id_check(const eni_ctx *ctx, unsigned kind, const char *given);

/* Make room for n given ids, so that eni__registry_insert_as cannot fail
 * for want of it (model code reserves everything before it changes
 * anything). ENI_OK or ENI_ENOMEM (recorded). */
int eni__given_ids_reserve(eni_ctx *ctx, uint32_t n);

/* eni__registry_insert, then known by `given` (already checked with
 * eni__given_id_check; NULL for a minted id). ENI_ENOMEM leaves nothing. */
int eni__registry_insert_as(eni_ctx *ctx, unsigned kind, void *obj, const char *given,
                            uint64_t *id_out);

/* The given-id table agrees with the registry: every entry names a live
 * object of its kind, both directions match. Records ENI_EINTERNAL if not. */
int eni__given_ids_check(const eni_ctx *ctx);

/* Does a given id string take the string the id would print as? (id.c) */
bool eni__id_string_taken(const eni_ctx *ctx, uint64_t id);

/* Make sure `n` more inserts of `kind` cannot fail. ENI_OK or ENI_ENOMEM/ENI_ELIMIT (recorded). */
int eni__registry_reserve(eni_ctx *ctx, unsigned kind, uint32_t n);

/* Resolve an id of the expected kind without touching the error record.
 * ENI_OK; ENI_EINVAL (null or wrong-kind id); ENI_ENOTFOUND (never issued);
 * ENI_ESTALE (its object was removed). */
int eni__registry_peek(const eni_ctx *ctx, unsigned kind, uint64_t id, void **obj_out);

/* As eni__registry_peek, and on failure records the error with the kind's
 * EC2 code (`InvalidGroup.NotFound`, `InvalidGroupId.Malformed`). */
int eni__registry_get(const eni_ctx *ctx, unsigned kind, uint64_t id, void **obj_out);

/* Unregister a live id; later lookups of it give ENI_ESTALE. */
void eni__registry_remove(eni_ctx *ctx, uint64_t id);

/* ---- loading a saved registry (lib/store) -------------------------------
 * Empty every slot map (objects are the caller's to free first), then give
 * each saved slot, in ascending order per kind: its generation and its
 * object (NULL: free). Slots skipped are free at generation 1. ENI_OK,
 * ENI_ENOMEM, or ENI_EINVAL for a slot out of order or a generation out of
 * range (nothing recorded).
 * eni__registry_restore_done threads the free slots into free lists. */
void eni__registry_clear(eni_ctx *ctx);
int eni__registry_restore(eni_ctx *ctx, unsigned kind, uint32_t slot, uint32_t gen, void *obj);
void eni__registry_restore_done(eni_ctx *ctx);

/* Number of live objects of a kind. */
uint32_t eni__registry_live(const eni_ctx *ctx, unsigned kind);

#endif
