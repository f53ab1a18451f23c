/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* One model object as the bytes of its row, and back.
 *
 * Only what a call decided is stored: counts, address bitmaps, owner maps
 * and back-references are derived, and rebuilt after loading (rebuild.c),
 * so a row never disagrees with another about them. Each row starts with
 * the id string EC2 gave the object, if it was given one. */
#ifndef ENI_STORE_OBJECTS_H
#define ENI_STORE_OBJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"

/* Append the object's row. */
void eni__obj_encode(const eni_ctx *ctx, unsigned kind, uint64_t id, const void *obj,
                     struct enc *e);

/* Build an object of `kind` from its row (id is the row's): ENI_OK with
 * *out and, when it had one, the id string EC2 gave it (*has_text);
 * ENI_ECORRUPT for bytes this library did not write; ENI_ENOMEM. Nothing is
 * recorded; nothing is left allocated on failure. */
int eni__obj_decode(eni_ctx *ctx, unsigned kind, uint64_t id, const void *row, size_t len,
                    void **out, struct eni_id_text *text, bool *has_text);

#endif
