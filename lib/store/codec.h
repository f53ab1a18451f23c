/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The byte layout of a stored object: little-endian integers, counted
 * arrays and strings, written into a growing buffer and read back with
 * every length checked. A reader that runs past its end or meets a bad
 * count remembers it (bad) and returns zeros from then on, so a decoder
 * checks once at the end instead of after every field. */
#ifndef ENI_STORE_CODEC_H
#define ENI_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctx_internal.h"
#include "util/addr.h"

struct enc {
    const eni_ctx *ctx;
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

struct dec {
    const uint8_t *p;
    size_t len, at;
    bool bad;
};

void eni__enc_init(struct enc *e, const eni_ctx *ctx);
void eni__enc_fini(struct enc *e);
void eni__enc_bytes(struct enc *e, const void *src, size_t n);
void eni__enc_u8(struct enc *e, uint8_t v);
void eni__enc_u16(struct enc *e, uint16_t v);
void eni__enc_u32(struct enc *e, uint32_t v);
void eni__enc_u64(struct enc *e, uint64_t v);
void eni__enc_str(struct enc *e, const char *s); /* NULL and "" are both stored empty */
void eni__enc_prefix(struct enc *e, const eni_prefix *p);

void eni__dec_init(struct dec *d, const void *p, size_t len);
void eni__dec_bytes(struct dec *d, void *dst, size_t n);
uint8_t eni__dec_u8(struct dec *d);
uint16_t eni__dec_u16(struct dec *d);
uint32_t eni__dec_u32(struct dec *d);
uint64_t eni__dec_u64(struct dec *d);
/* A count of elements of `size` bytes each that must still fit in the input,
 * and be at most max: a damaged count cannot make a decoder allocate more
 * than the row holds. */
uint32_t eni__dec_count(struct dec *d, size_t size, uint32_t max);
/* A string (NULL when empty) from the ctx's allocator, at most max bytes. *oom is set when
 * the allocation fails. */
char *eni__dec_str(struct dec *d, const eni_ctx *ctx, size_t max, bool *oom);
/* The same into a fixed buffer of cap bytes (NUL-terminated). */
void eni__dec_strbuf(struct dec *d, char *buf, size_t cap);
void eni__dec_prefix(struct dec *d, eni_prefix *p);
/* Every byte consumed and nothing bad met. */
bool eni__dec_done(const struct dec *d);

#endif
