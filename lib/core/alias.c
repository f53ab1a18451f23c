/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The two-way map between given id strings and ids: two open-addressing
 * tables with linear probing and backward-shift deletion (no tombstones, so
 * a long-lived agent's churn never degrades a probe). */
#include "alias.h"

#include <string.h>

#include "ctx_internal.h"
#include "kind.h"
#include "util/hash.h"

enum { ID_HEX_DIGITS = 17, ID_OLD_HEX_DIGITS = 8 };

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool eni__id_text_parse(const char *str, struct eni_id_text *out)
{
    unsigned best = ENI_KIND_NONE;
    size_t best_len = 0;
    for (unsigned k = ENI_KIND_NONE + 1; k < ENI__KIND_COUNT; k++) {
        const char *prefix = eni__kind_info(k)->prefix;
        size_t len = strlen(prefix);
        if (len > best_len && strncmp(str, prefix, len) == 0) {
            best = k; /* the longest prefix wins ("eni-attach-" over "eni-") */
            best_len = len;
        }
    }
    if (best == ENI_KIND_NONE)
        return false;
    const char *digits = str + best_len;
    size_t n = strlen(digits);
    if (n != ID_HEX_DIGITS && n != ID_OLD_HEX_DIGITS)
        return false;
    uint64_t v = 0;
    unsigned high = 0;
    for (size_t i = 0; i < n; i++) {
        int h = hex_value(digits[i]);
        if (h < 0)
            return false;
        if (n == ID_HEX_DIGITS && i == 0)
            high = (unsigned)h;
        else
            v = (v << 4) | (uint64_t)h;
    }
    out->kind = best;
    out->ndigits = (unsigned)n;
    out->high = high;
    out->value = v;
    return true;
}

static bool same_text(const struct eni_id_text *a, const struct eni_id_text *b)
{
    return a->kind == b->kind && a->ndigits == b->ndigits && a->high == b->high &&
           a->value == b->value;
}

static uint32_t text_home(const struct eni_alias_table *t, const struct eni_id_text *x)
{
    uint64_t seed = (uint64_t)x->kind << 16 | (uint64_t)x->high << 8 | x->ndigits;
    return (uint32_t)eni__hash_u64(x->value, seed) & (t->cap - 1u);
}

static uint32_t id_home(const struct eni_alias_table *t, uint64_t id)
{
    return (uint32_t)eni__hash_u64(id, 0x616c696173ull /* "alias" */) & (t->cap - 1u);
}

uint64_t eni__alias_find_text(const struct eni_alias_table *t, const struct eni_id_text *text)
{
    if (!t->count)
        return 0;
    for (uint32_t i = text_home(t, text);; i = (i + 1u) & (t->cap - 1u)) {
        const struct eni_alias *a = &t->by_text[i];
        if (!a->id)
            return 0;
        if (same_text(&a->text, text))
            return a->id;
    }
}

const struct eni_id_text *eni__alias_find_id(const struct eni_alias_table *t, uint64_t id)
{
    if (!t->count || !id)
        return NULL;
    for (uint32_t i = id_home(t, id);; i = (i + 1u) & (t->cap - 1u)) {
        const struct eni_alias *a = &t->by_id[i];
        if (!a->id)
            return NULL;
        if (a->id == id)
            return &a->text;
    }
}

static void place(struct eni_alias *table, uint32_t cap, uint32_t home, const struct eni_alias *a)
{
    uint32_t i = home;
    while (table[i].id)
        i = (i + 1u) & (cap - 1u);
    table[i] = *a;
}

/* Rebuild both tables at twice the size. */
static int grow(eni_ctx *ctx, struct eni_alias_table *t)
{
    uint32_t cap = t->cap ? t->cap * 2u : 64u;
    if (cap < t->cap)
        return ENI_ENOMEM;
    struct eni_alias *by_text = eni__calloc(ctx, cap, sizeof *by_text);
    struct eni_alias *by_id = eni__calloc(ctx, cap, sizeof *by_id);
    if (!by_text || !by_id) {
        eni__free(ctx, by_text);
        eni__free(ctx, by_id);
        return ENI_ENOMEM;
    }
    struct eni_alias_table next = {by_text, by_id, cap, t->count};
    for (uint32_t i = 0; i < t->cap; i++) {
        const struct eni_alias *a = &t->by_id[i];
        if (a->id) {
            place(by_text, cap, text_home(&next, &a->text), a);
            place(by_id, cap, id_home(&next, a->id), a);
        }
    }
    eni__free(ctx, t->by_text);
    eni__free(ctx, t->by_id);
    *t = next;
    return ENI_OK;
}

int eni__alias_reserve(eni_ctx *ctx, struct eni_alias_table *t, uint32_t n)
{
    while ((uint64_t)(t->count + (uint64_t)n) * 2u > t->cap)
        if (grow(ctx, t) != ENI_OK)
            return ENI_ENOMEM;
    return ENI_OK;
}

int eni__alias_add(eni_ctx *ctx, struct eni_alias_table *t, uint64_t id,
                   const struct eni_id_text *text)
{
    if (eni__alias_reserve(ctx, t, 1) != ENI_OK)
        return ENI_ENOMEM;
    struct eni_alias a = {id, *text};
    place(t->by_text, t->cap, text_home(t, text), &a);
    place(t->by_id, t->cap, id_home(t, id), &a);
    t->count++;
    return ENI_OK;
}

/* Remove entry i of a table and shift later members of its cluster back,
 * so that every probe still reaches them. */
static void shift_out(struct eni_alias *table, uint32_t cap, uint32_t i,
                      uint32_t (*home)(const struct eni_alias_table *, const struct eni_alias *),
                      const struct eni_alias_table *t)
{
    uint32_t hole = i;
    for (uint32_t j = (i + 1u) & (cap - 1u); table[j].id; j = (j + 1u) & (cap - 1u)) {
        uint32_t h = home(t, &table[j]);
        /* j may move to the hole unless its home lies cyclically in (hole, j]. */
        bool stays = hole <= j ? (h > hole && h <= j) : (h > hole || h <= j);
        if (!stays) {
            table[hole] = table[j];
            hole = j;
        }
    }
    memset(&table[hole], 0, sizeof table[hole]);
}

static uint32_t home_by_text(const struct eni_alias_table *t, const struct eni_alias *a)
{
    return text_home(t, &a->text);
}

static uint32_t home_by_id(const struct eni_alias_table *t, const struct eni_alias *a)
{
    return id_home(t, a->id);
}

void eni__alias_remove(struct eni_alias_table *t, uint64_t id)
{
    const struct eni_id_text *found = eni__alias_find_id(t, id);
    if (!found)
        return;
    struct eni_id_text text = *found;
    for (uint32_t i = text_home(t, &text);; i = (i + 1u) & (t->cap - 1u)) {
        if (t->by_text[i].id == id) {
            shift_out(t->by_text, t->cap, i, home_by_text, t);
            break;
        }
    }
    for (uint32_t i = id_home(t, id);; i = (i + 1u) & (t->cap - 1u)) {
        if (t->by_id[i].id == id) {
            shift_out(t->by_id, t->cap, i, home_by_id, t);
            break;
        }
    }
    t->count--;
}

void eni__alias_fini(eni_ctx *ctx, struct eni_alias_table *t)
{
    eni__free(ctx, t->by_text);
    eni__free(ctx, t->by_id);
    memset(t, 0, sizeof *t);
}
