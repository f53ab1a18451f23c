/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "codec.h"

#include <string.h>

void eni__enc_init(struct enc *e, const eni_ctx *ctx)
{
    memset(e, 0, sizeof *e);
    e->ctx = ctx;
}

void eni__enc_fini(struct enc *e)
{
    eni__free(e->ctx, e->p);
    e->p = NULL;
    e->len = e->cap = 0;
}

void eni__enc_bytes(struct enc *e, const void *src, size_t n)
{
    if (e->oom || n == 0)
        return;
    if (e->len + n > e->cap) {
        size_t cap = e->cap ? e->cap : 256;
        while (cap < e->len + n)
            cap *= 2;
        uint8_t *p = eni__realloc_array(e->ctx, e->p, cap, 1);
        if (!p) {
            e->oom = true;
            return;
        }
        e->p = p;
        e->cap = cap;
    }
    memcpy(e->p + e->len, src, n);
    e->len += n;
}

static void put_le(struct enc *e, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    eni__enc_bytes(e, b, n);
}

void eni__enc_u8(struct enc *e, uint8_t v) { put_le(e, v, 1); }
void eni__enc_u16(struct enc *e, uint16_t v) { put_le(e, v, 2); }
void eni__enc_u32(struct enc *e, uint32_t v) { put_le(e, v, 4); }
void eni__enc_u64(struct enc *e, uint64_t v) { put_le(e, v, 8); }

void eni__enc_str(struct enc *e, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    eni__enc_u32(e, (uint32_t)n);
    eni__enc_bytes(e, s, n);
}

void eni__enc_prefix(struct enc *e, const eni_prefix *p)
{
    eni__enc_u8(e, p->addr.family);
    eni__enc_u8(e, p->len);
    eni__enc_bytes(e, p->addr.b, sizeof p->addr.b);
}

void eni__dec_init(struct dec *d, const void *p, size_t len)
{
    d->p = p;
    d->len = p ? len : 0;
    d->at = 0;
    d->bad = false;
}

void eni__dec_bytes(struct dec *d, void *dst, size_t n)
{
    if (d->bad || n > d->len - d->at) {
        d->bad = true;
        memset(dst, 0, n);
        return;
    }
    memcpy(dst, d->p + d->at, n);
    d->at += n;
}

static uint64_t get_le(struct dec *d, unsigned n)
{
    uint8_t b[8];
    eni__dec_bytes(d, b, n);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

uint8_t eni__dec_u8(struct dec *d) { return (uint8_t)get_le(d, 1); }
uint16_t eni__dec_u16(struct dec *d) { return (uint16_t)get_le(d, 2); }
uint32_t eni__dec_u32(struct dec *d) { return (uint32_t)get_le(d, 4); }
uint64_t eni__dec_u64(struct dec *d) { return get_le(d, 8); }

uint32_t eni__dec_count(struct dec *d, size_t size, uint32_t max)
{
    uint32_t n = eni__dec_u32(d);
    if (d->bad || n > max || (size && n > (d->len - d->at) / size)) {
        d->bad = true;
        return 0;
    }
    return n;
}

char *eni__dec_str(struct dec *d, const eni_ctx *ctx, size_t max, bool *oom)
{
    uint32_t n = eni__dec_count(d, 1, (uint32_t)max);
    if (n == 0)
        return NULL;
    char *s = eni__malloc(ctx, (size_t)n + 1);
    if (!s) {
        *oom = true;
        d->at += n;
        return NULL;
    }
    eni__dec_bytes(d, s, n);
    s[n] = '\0';
    if (memchr(s, '\0', n))
        d->bad = true; /* an embedded NUL: not a string this library wrote */
    return s;
}

void eni__dec_strbuf(struct dec *d, char *buf, size_t cap)
{
    uint32_t n = eni__dec_count(d, 1, (uint32_t)(cap - 1));
    eni__dec_bytes(d, buf, n);
    buf[n] = '\0';
    if (memchr(buf, '\0', n))
        d->bad = true;
}

void eni__dec_prefix(struct dec *d, eni_prefix *p)
{
    memset(p, 0, sizeof *p);
    p->addr.family = eni__dec_u8(d);
    p->len = eni__dec_u8(d);
    eni__dec_bytes(d, p->addr.b, sizeof p->addr.b);
    unsigned max = p->addr.family == 4 ? 32 : p->addr.family == 6 ? 128 : 0;
    if ((p->addr.family != 0 && p->addr.family != 4 && p->addr.family != 6) || p->len > max)
        d->bad = true;
}

bool eni__dec_done(const struct dec *d)
{
    return !d->bad && d->at == d->len;
}
