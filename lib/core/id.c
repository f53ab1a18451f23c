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

static void format_id(const eni_ctx *ctx, uint64_t id, eni_kind kind, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    const char *prefix = eni__kind_info(kind)->prefix;
    size_t plen = strlen(prefix);
    uint64_t v = eni__perm64_encode(id, id_key(ctx));
    memcpy(buf, prefix, plen);
    char *p = buf + plen;
    *p++ = '0';
    for (int shift = 60; shift >= 0; shift -= 4)
        *p++ = hex[(v >> shift) & 0xf];
    *p = '\0';
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

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
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
    if (found == ENI_KIND_NONE || found != want)
        return eni__fail(ENI_EINVAL, malformed, "'%.40s' is not a valid %s id", str,
                         want ? eni__kind_info(want)->name : "resource");

    const struct eni_kind_info *info = eni__kind_info(found);
    const char *digits = str + strlen(info->prefix);
    size_t ndigits = strlen(digits);
    uint64_t v = 0;
    for (size_t i = 0; i < ndigits; i++) {
        int h = hex_value(digits[i]);
        if (h < 0)
            return eni__fail(ENI_EINVAL, malformed, "'%.40s' is not a valid %s id", str,
                             info->name);
        v = (v << 4) | (uint64_t)h;
    }
    /* EC2 issues 8-digit (old) and 17-digit ids; both are well formed. We only
     * issue 17-digit ones whose first digit is 0, so anything else is unknown. */
    if (ndigits != ID_HEX_DIGITS && ndigits != ID_OLD_HEX_DIGITS)
        return eni__fail(ENI_EINVAL, malformed, "'%.40s' is not a valid %s id", str, info->name);

    eni__lock(ctx);
    void *obj;
    uint64_t id = eni__perm64_decode(v, id_key(ctx));
    int ok = ndigits == ID_HEX_DIGITS && digits[0] == '0' &&
             eni__registry_peek(ctx, found, id, &obj) == ENI_OK;
    eni__unlock(ctx);
    if (!ok)
        return eni__fail(ENI_ENOTFOUND, info->ec2_not_found, "the %s '%.40s' does not exist",
                         info->name, str);
    *out = id;
    return ENI_OK;
}
