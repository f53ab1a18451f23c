/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* EC2-style id strings: prefix + 17 hex digits.
 *
 * The 64-bit id is passed through a keyed permutation (util/perm64) and
 * printed as "0" + 16 hex digits, the shape of EC2's long ids. Decoding
 * inverts the permutation, so parsing needs no reverse table; the kind tag
 * inside the decoded value must agree with the prefix, and the registry must
 * hold a live object, before a string is accepted. */
#include <string.h>

#include "ctx_internal.h"
#include "util/perm64.h"

enum { ID_HEX_DIGITS = 17, ID_OLD_HEX_DIGITS = 8 };

/* Per-ctx key, separated from other uses of the seed. */
static uint64_t id_key(const eni_ctx *ctx)
{
    return ctx->opts.seed ^ 0x656e692d69647321ULL; /* "eni-ids!" */
}

eni_kind eni_id_kind(uint64_t id)
{
    unsigned kind = eni__id_kind(id);
    if (id == 0 || !eni__kind_valid(kind) || eni__id_gen(id) == 0)
        return ENI_KIND_NONE;
    return (eni_kind)kind;
}

/* The id's string: the one EC2 gave, if it was given one, else its own
 * (prefix, "0", 16 hex digits of the permuted id). */
static void format_id(const eni_ctx *ctx, uint64_t id, eni_kind kind, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    const struct eni_id_text *given = eni__alias_find_id(&ctx->registry.aliases, id);
    const char *prefix = eni__kind_info(kind)->prefix;
    size_t plen = strlen(prefix);
    uint64_t v = given ? given->value : eni__perm64_encode(id, id_key(ctx));
    unsigned digits = given ? given->ndigits : ID_HEX_DIGITS;
    memcpy(buf, prefix, plen);
    char *p = buf + plen;
    if (digits == ID_HEX_DIGITS)
        *p++ = hex[given ? given->high : 0];
    for (int shift = digits == ID_HEX_DIGITS ? 60 : 28; shift >= 0; shift -= 4)
        *p++ = hex[(v >> shift) & 0xf];
    *p = '\0';
}

bool eni__id_string_taken(const eni_ctx *ctx, uint64_t id)
{
    struct eni_id_text own = {eni__id_kind(id), ID_HEX_DIGITS, 0,
                              eni__perm64_encode(id, id_key(ctx))};
    return eni__alias_find_text(&ctx->registry.aliases, &own) != 0;
}

/* The live object a well-formed id string names, through a given id or its
 * own; 0 when none. Caller holds the ctx lock. */
static uint64_t lookup_text(const eni_ctx *ctx, const struct eni_id_text *text)
{
    uint64_t id = eni__alias_find_text(&ctx->registry.aliases, text);
    if (id)
        return id;
    if (text->ndigits != ID_HEX_DIGITS || text->high != 0)
        return 0; /* libeni mints only 17-digit ids that start with 0 */
    void *obj;
    id = eni__perm64_decode(text->value, id_key(ctx));
    if (eni__id_kind(id) != text->kind || eni__registry_peek(ctx, text->kind, id, &obj) != ENI_OK)
        return 0;
    /* An id that was given a string answers only to that string. */
    return eni__alias_find_id(&ctx->registry.aliases, id) ? 0 : id;
}

int eni__given_id_check(const eni_ctx *ctx, unsigned kind, const char *given)
{
    if (!given)
        return ENI_OK;
    const struct eni_kind_info *info = eni__kind_info(kind);
    struct eni_id_text text;
    if (!eni__id_text_parse(given, &text) || text.kind != kind)
        return eni__fail(ENI_EINVAL, info->ec2_malformed, "'%.40s' is not a valid %s id", given,
                         info->name);
    if (lookup_text(ctx, &text))
        return eni__fail(ENI_EEXIST, "InvalidParameterValue",
                         "the %s id '%.40s' is already in use", info->name, given);
    return ENI_OK;
}

const char *eni__idstr(const eni_ctx *ctx, uint64_t id, char *buf)
{
    eni_kind kind = eni_id_kind(id);
    if (kind == ENI_KIND_NONE)
        return strcpy(buf, "?");
    format_id(ctx, id, kind, buf);
    return buf;
}

int eni_id_format(const eni_ctx *ctx, uint64_t id, char *buf, size_t buflen)
{
    ENI__CALL((eni_ctx *)ctx);
    if (!ctx || !buf)
        return eni__fail(ENI_EINVAL, NULL, "eni_id_format: %s is NULL", ctx ? "buf" : "ctx");
    eni_kind kind = eni_id_kind(id);
    if (kind == ENI_KIND_NONE)
        return eni__fail(ENI_EINVAL, NULL, "eni_id_format: 0x%016llx is not an id",
                         (unsigned long long)id);
    const char *prefix = eni__kind_info(kind)->prefix;
    size_t plen = strlen(prefix);
    if (buflen < plen + ID_HEX_DIGITS + 1)
        return eni__fail(ENI_EINVAL, NULL, "eni_id_format: buffer of %zu bytes is too small",
                         buflen);
    format_id(ctx, id, kind, buf);
    return ENI_OK;
}

/* The kind whose prefix starts str; the longest prefix wins ("eni-attach-"). */
static unsigned kind_of_prefix(const char *str)
{
    unsigned best = ENI_KIND_NONE;
    size_t best_len = 0;
    for (unsigned k = ENI_KIND_NONE + 1; k < ENI__KIND_COUNT; k++) {
        const char *prefix = eni__kind_info(k)->prefix;
        size_t len = strlen(prefix);
        if (len > best_len && strncmp(str, prefix, len) == 0) {
            best = k;
            best_len = len;
        }
    }
    return best;
}

int eni_id_parse(eni_ctx *ctx, const char *str, eni_kind kind, uint64_t *out)
{
    ENI__CALL(ctx);
    if (!ctx || !str || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_id_parse: %s is NULL",
                         !ctx ? "ctx" : !str ? "str" : "out");
    if (kind != ENI_KIND_NONE && !eni__kind_valid((unsigned)kind))
        return eni__fail(ENI_EINVAL, NULL, "eni_id_parse: unknown kind %d", (int)kind);

    unsigned found = kind_of_prefix(str);
    unsigned want = kind == ENI_KIND_NONE ? found : (unsigned)kind;
    const char *malformed = want ? eni__kind_info(want)->ec2_malformed : "InvalidID";
    struct eni_id_text text;
    if (found == ENI_KIND_NONE || found != want || !eni__id_text_parse(str, &text))
        return eni__fail(ENI_EINVAL, malformed, "'%.40s' is not a valid %s id", str,
                         want ? eni__kind_info(want)->name : "resource");
    const struct eni_kind_info *info = eni__kind_info(found);
    eni__lock(ctx);
    uint64_t id = lookup_text(ctx, &text);
    eni__unlock(ctx);
    if (!id)
        return eni__fail(ENI_ENOTFOUND, info->ec2_not_found, "the %s '%.40s' does not exist",
                         info->name, str);
    *out = id;
    return ENI_OK;
}
