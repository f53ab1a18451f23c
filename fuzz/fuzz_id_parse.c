/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_id_parse() and eni_id_format(), on a ctx that holds a live object of
 * every kind and some deleted ones (built once: parsing changes nothing).
 *
 * Input: a kind byte (0 any kind, 1..10 the kinds, 11 an unknown kind),
 * then the id string (up to the first NUL). The string's first 8 bytes,
 * taken as a raw id, are formatted too.
 *
 * Checks: a parsed id is of the kind asked for and formats back to exactly
 * the input; a refusal is ENI_EINVAL or ENI_ENOTFOUND, recorded, with the
 * output untouched; every string eni_id_format() writes is well formed
 * (it parses, or names no live object); a buffer too small is refused and
 * left untouched. */
#include <string.h>

#include "fuzz.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

static fz_host h;

/* Objects of every kind, then deleted ones, checked once by round trip. */
static void build(void)
{
    fz_host_new(&h, true);
    eni_ctx *ctx = h.ctx;
    uint64_t live[] = {h.vpc.v, h.subnet.v, h.inst.v, h.nic.v, h.att.v, h.eip.v,
                       h.assoc.v, h.web.v, h.rules[0].v, h.pl.v};
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
        char s[ENI_ID_STRING_MAX];
        FZ_OK(eni_id_format(ctx, live[i], s, sizeof s));
        uint64_t back = 0;
        FZ_OK(eni_id_parse(ctx, s, eni_id_kind(live[i]), &back));
        FZ_CHECK(back == live[i], "%s parsed to another id", s);
    }
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h.vpc;
    gs.name = gs.description = "gone";
    eni_sg_id gone;
    FZ_OK(eni_sg_create(ctx, &gs, &gone));
    FZ_OK(eni_sg_delete(ctx, gone));
    eni_eip_id eip;
    FZ_OK(eni_eip_allocate(ctx, &eip));
    FZ_OK(eni_eip_release(ctx, eip));
    uint64_t dead[] = {gone.v, eip.v};
    for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++) {
        char s[ENI_ID_STRING_MAX];
        FZ_OK(eni_id_format(ctx, dead[i], s, sizeof s));
        uint64_t back = SENTINEL;
        FZ_CHECK(eni_id_parse(ctx, s, ENI_KIND_NONE, &back) == ENI_ENOTFOUND && back == SENTINEL,
                 "the deleted %s was found", s);
    }
}

/* A string from eni_id_format() parses, or names no live object. */
static void format_round_trip(eni_ctx *ctx, uint64_t raw, size_t buflen)
{
    char s[ENI_ID_STRING_MAX + 8];
    memset(s, '#', sizeof s);
    if (buflen > sizeof s)
        buflen = sizeof s;
    int rc = eni_id_format(ctx, raw, s, buflen);
    if (rc != ENI_OK) {
        FZ_CHECK(rc == ENI_EINVAL, "eni_id_format: %s", eni_err_name(rc));
        for (size_t i = 0; i < sizeof s; i++)
            FZ_CHECK(s[i] == '#', "a refused eni_id_format wrote byte %zu", i);
        return;
    }
    size_t len = strnlen(s, sizeof s);
    FZ_CHECK(len < buflen && len < ENI_ID_STRING_MAX, "eni_id_format wrote %zu bytes", len);
    eni_kind kind = eni_id_kind(raw);
    FZ_CHECK(kind != ENI_KIND_NONE && strncmp(s, eni_kind_prefix(kind),
                                              strlen(eni_kind_prefix(kind))) == 0,
             "%s does not carry the prefix of kind %d", s, (int)kind);
    uint64_t back = SENTINEL;
    rc = eni_id_parse(ctx, s, kind, &back);
    FZ_CHECK(rc == ENI_OK || rc == ENI_ENOTFOUND, "%s (formatted) does not parse: %s", s,
             eni_err_name(rc));
    if (rc == ENI_OK) /* another raw value may name the same object only if it is the same */
        FZ_CHECK(back == raw, "%s names 0x%llx, formatted from 0x%llx", s,
                 (unsigned long long)back, (unsigned long long)raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!h.ctx)
        build();
    if (size == 0)
        return 0;
    eni_ctx *ctx = h.ctx;
    fz_in in = {data, size};
    uint8_t k = fz_u8(&in) % 12;
    eni_kind kind = k == 11 ? (eni_kind)(100 + k) : (eni_kind)k;
    char str[300];
    const uint8_t *start = in.p;
    fz_cstr(&in, str, sizeof str);

    uint64_t out = SENTINEL;
    eni_error_clear();
    int rc = eni_id_parse(ctx, str, kind, &out);
    if (rc == ENI_OK) {
        FZ_CHECK(k != 11, "an unknown kind was accepted");
        eni_kind got = eni_id_kind(out);
        FZ_CHECK(got != ENI_KIND_NONE && (kind == ENI_KIND_NONE || got == kind),
                 "'%s' asked as kind %d parsed to kind %d", str, (int)kind, (int)got);
        char back[ENI_ID_STRING_MAX];
        FZ_OK(eni_id_format(ctx, out, back, sizeof back));
        FZ_CHECK(strcmp(back, str) == 0, "'%s' parsed, but formats back as '%s'", str, back);
    } else {
        FZ_CHECK(rc == ENI_EINVAL || rc == ENI_ENOTFOUND, "'%s': %s", str, eni_err_name(rc));
        FZ_CHECK(eni_error_last()->code == rc, "'%s': %s not recorded", str, eni_err_name(rc));
        FZ_CHECK(out == SENTINEL, "a refused parse wrote its output");
    }

    uint64_t raw = 0;
    memcpy(&raw, start, size - 1 < sizeof raw ? size - 1 : sizeof raw);
    format_round_trip(ctx, raw, 1 + (size_t)(data[size - 1] % 40));
    return 0;
}
