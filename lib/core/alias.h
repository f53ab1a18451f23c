/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Ids EC2 gave: a create may name the object's id string ("sg-0abc…"), and
 * the object is then known by it in every id string libeni prints or parses.
 * The internal 64-bit id stays libeni's own (slot and generation); this is a
 * two-way map between it and the given string, kept with the registry. */
#ifndef ENI_CORE_ALIAS_H
#define ENI_CORE_ALIAS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct eni_ctx eni_ctx;

/* An id string taken apart: its kind, 8 or 17 hex digits, their value
 * (a 17-digit id's first digit apart: 17 digits hold 68 bits). */
struct eni_id_text {
    unsigned kind;
    unsigned ndigits;
    unsigned high;  /* the first of 17 digits; 0 for 8-digit ids */
    uint64_t value; /* the last 16 (or all 8) digits */
};

struct eni_alias {
    uint64_t id; /* 0: empty slot */
    struct eni_id_text text;
};

struct eni_alias_table {
    struct eni_alias *by_text; /* open addressing, linear probing */
    struct eni_alias *by_id;
    uint32_t cap;              /* power of two, or 0 */
    uint32_t count;
};

/* Take an id string apart (lower-case hex, EC2's 8- or 17-digit forms).
 * False when it is not one. */
bool eni__id_text_parse(const char *str, struct eni_id_text *out);

/* The id a given string names, or 0. */
uint64_t eni__alias_find_text(const struct eni_alias_table *t, const struct eni_id_text *text);
/* The given string of an id, or NULL. */
const struct eni_id_text *eni__alias_find_id(const struct eni_alias_table *t, uint64_t id);
/* Make room for n more pairs, so that adding them cannot fail. ENI_OK or
 * ENI_ENOMEM (not recorded). */
int eni__alias_reserve(eni_ctx *ctx, struct eni_alias_table *t, uint32_t n);
/* Add a pair (neither side present). ENI_OK or ENI_ENOMEM (not recorded). */
int eni__alias_add(eni_ctx *ctx, struct eni_alias_table *t, uint64_t id,
                   const struct eni_id_text *text);
/* Forget an id's given string, if it has one. */
void eni__alias_remove(struct eni_alias_table *t, uint64_t id);
void eni__alias_fini(eni_ctx *ctx, struct eni_alias_table *t);

#endif
