/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Customer-managed prefix lists (section 4.3 peers, 4.6 cost). */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define PL_SPEC_MIN offsetof(eni_prefix_list_spec, id) /* the first layout */
enum { PL_MAX_ENTRIES = 1000 };

int eni_prefix_list_create(eni_ctx *ctx, const eni_prefix_list_spec *spec,
                           eni_prefix_list_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_prefix_list_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_prefix_list_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, PL_SPEC_MIN, "eni_prefix_list_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.family != 4 && sp.family != 6)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_prefix_list_create: address family must be 4 or 6");
    if (!sp.name || !eni__sg_text_ok(sp.name) || strncmp(sp.name, "com.amazonaws", 13) == 0)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_prefix_list_create: invalid prefix-list name");
    if (sp.max_entries < 1 || sp.max_entries > PL_MAX_ENTRIES || sp.reserved0)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_prefix_list_create: max_entries must be 1..%d", PL_MAX_ENTRIES);
    eni__lock(ctx);
    struct eni_prefix_list *pl = NULL;
    char *name = NULL;
    uint64_t id;
    if ((rc = eni__given_id_check(ctx, ENI_KIND_PREFIX_LIST, sp.id)) != ENI_OK) {
        /* refused: nothing allocated */
    } else if (!(pl = eni__calloc(ctx, 1, sizeof *pl)) || !(name = eni__strdup(ctx, sp.name))) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_prefix_list_create: out of memory");
    } else if ((rc = eni__registry_insert_as(ctx, ENI_KIND_PREFIX_LIST, pl, sp.id, &id)) ==
               ENI_OK) {
        pl->id = id;
        pl->family = (uint8_t)sp.family;
        pl->name = name;
        pl->max_entries = sp.max_entries;
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "created prefix list %s (%s, IPv%u, at most %u entries)",
                  eni__idstr(ctx, id, b1), name, sp.family, sp.max_entries);
        if (rc == ENI_OK)
            out->v = id;
        pl = NULL;
        name = NULL;
    }
    eni__free(ctx, pl);
    eni__free(ctx, name);
    eni__unlock(ctx);
    return rc;
}

int eni_prefix_list_delete(eni_ctx *ctx, eni_prefix_list_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_prefix_list_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_prefix_list *pl;
    int rc = eni__get_prefix_list(ctx, id.v, &pl);
    if (rc == ENI_OK && pl->referenced_by)
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the prefix list is referenced by %u security group rules",
                       pl->referenced_by);
    if (rc == ENI_OK) {
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "deleted prefix list %s", eni__idstr(ctx, pl->id, b1));
        eni__registry_remove(ctx, pl->id);
        eni__free(ctx, pl->name);
        eni__free(ctx, pl->entries);
        eni__free(ctx, pl);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

static int parse_entries(const struct eni_prefix_list *pl, const char *const *text, uint32_t n,
                         eni_prefix *out)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!text[i] || eni__prefix_parse(text[i], &out[i]) != 0 ||
            out[i].addr.family != pl->family)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "'%.60s' is not a valid IPv%u CIDR for this prefix list",
                             text[i] ? text[i] : "(null)", pl->family);
        eni__prefix_canonicalize(&out[i]);
    }
    return ENI_OK;
}

static int find_entry(const eni_prefix *list, uint32_t n, const eni_prefix *p)
{
    for (uint32_t i = 0; i < n; i++)
        if (eni__prefix_equal(&list[i], p))
            return (int)i;
    return -1;
}

int eni_prefix_list_modify(eni_ctx *ctx, eni_prefix_list_id id, const char *const *add,
                           uint32_t add_count, const char *const *remove, uint32_t remove_count)
{
    ENI__CALL(ctx);
    if (!ctx || (!add && add_count) || (!remove && remove_count))
        return eni__fail(ENI_EINVAL, NULL, "eni_prefix_list_modify: %s",
                         !ctx ? "ctx is NULL" : "an array is NULL with a non-zero count");
    if (add_count > PL_MAX_ENTRIES || remove_count > PL_MAX_ENTRIES)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_prefix_list_modify: at most %d entries per call", PL_MAX_ENTRIES);
    eni__lock(ctx);
    struct eni_prefix_list *pl;
    eni_prefix *adds = NULL, *dels = NULL, *next = NULL;
    int rc = eni__get_prefix_list(ctx, id.v, &pl);
    if (rc != ENI_OK)
        goto out;
    adds = eni__calloc(ctx, add_count + 1, sizeof *adds);
    dels = eni__calloc(ctx, remove_count + 1, sizeof *dels);
    next = eni__calloc(ctx, pl->entry_count + add_count + 1, sizeof *next);
    if (!adds || !dels || !next) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_prefix_list_modify: out of memory");
        goto out;
    }
    rc = parse_entries(pl, add, add_count, adds);
    if (rc == ENI_OK)
        rc = parse_entries(pl, remove, remove_count, dels);
    if (rc != ENI_OK)
        goto out;
    /* Build the new list: old entries minus removals, then additions. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < remove_count; i++)
        if (find_entry(pl->entries, pl->entry_count, &dels[i]) < 0 ||
            find_entry(dels, i, &dels[i]) >= 0) {
            rc = eni__fail(ENI_EINVAL, "InvalidPrefixListModification",
                           "an entry to remove is not in the prefix list");
            goto out;
        }
    for (uint32_t i = 0; i < pl->entry_count; i++)
        if (find_entry(dels, remove_count, &pl->entries[i]) < 0)
            next[n++] = pl->entries[i];
    for (uint32_t i = 0; i < add_count; i++) {
        if (find_entry(next, n, &adds[i]) >= 0) {
            rc = eni__fail(ENI_EINVAL, "InvalidPrefixListModification",
                           "an entry to add is already in the prefix list");
            goto out;
        }
        next[n++] = adds[i];
    }
    if (n > pl->max_entries) {
        rc = eni__fail(ENI_ELIMIT, "InvalidParameterValue",
                       "the prefix list would have %u entries; its maximum is %u", n,
                       pl->max_entries);
        goto out;
    }
    eni__free(ctx, pl->entries);
    pl->entries = next;
    pl->entry_count = n;
    next = NULL;
    rc = eni__model_changed(ctx);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "prefix list %s now has %u entries", eni__idstr(ctx, pl->id, b1), n);
out:
    eni__free(ctx, adds);
    eni__free(ctx, dels);
    eni__free(ctx, next);
    eni__unlock(ctx);
    return rc;
}

int eni_prefix_list_describe(eni_ctx *ctx, eni_prefix_list_id id, eni_prefix_list_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_prefix_list_describe: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_prefix_list *pl;
    int rc = eni__get_prefix_list(ctx, id.v, &pl);
    if (rc == ENI_OK) {
        eni_prefix_list_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.family = pl->family;
        info.id.v = pl->id;
        snprintf(info.name, sizeof info.name, "%s", pl->name);
        info.max_entries = pl->max_entries;
        info.entry_count = pl->entry_count;
        info.referenced_by = pl->referenced_by;
        rc = eni__info_out(out, &info, sizeof info, "eni_prefix_list_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_prefix_list_get_entries(eni_ctx *ctx, eni_prefix_list_id id, char *out, uint32_t cap,
                                uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_prefix_list_get_entries");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_prefix_list *pl;
    rc = eni__get_prefix_list(ctx, id.v, &pl);
    if (rc == ENI_OK) {
        for (uint32_t i = 0; i < pl->entry_count && i < cap; i++)
            eni__prefix_format(&pl->entries[i], out + (size_t)i * ENI_CIDR_STRING_MAX);
        *count = pl->entry_count;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_prefix_list_list(eni_ctx *ctx, eni_prefix_list_id *out, uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_PREFIX_LIST, (eni_vpc_id){0}, 0, out, cap, count,
                         "eni_prefix_list_list");
}
