/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Managed prefix lists (describe-managed-prefix-lists) with their entries
 * (get-managed-prefix-list-entries). */
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "mem.h"

/* Add the entries one at a time, so that a bad one is reported at its path. */
static size_t add_entries(model *m, aws_item *pl, aws_item *entries)
{
    jloc at, el;
    json_t *arr = jfield(&entries->loc, entries->obj, "Entries", JSON_ARRAY, true);
    jloc_key(&at, &entries->loc, "Entries");
    eni_prefix_list_id id = {pl->built};
    size_t added = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *e = jobject_at(&at, arr, i, &el);
        const char *cidr = jname(&el, e, "Cidr", true);
        if (eni_prefix_list_modify(m->ctx, id, &cidr, 1, NULL, 0) != ENI_OK) {
            model_refused(m, NULL, "prefix-list-entry", pl->id, &el, "the entry");
            continue;
        }
        added++;
    }
    entries->built = pl->built;
    return added;
}

static void build_list(model *m, aws_item *it)
{
    const char *name = jname(&it->loc, it->obj, "PrefixListName", true);
    const char *family = jname(&it->loc, it->obj, "AddressFamily", true);
    const char *owner = jstring(&it->loc, it->obj, "OwnerId", false);
    aws_item *entries = aws_find(&m->in, AWS_ENTRIES, it->id);
    size_t nentries = entries ? json_array_size(json_object_get(entries->obj, "Entries")) : 0;
    if (strcmp(family, "IPv4") && strcmp(family, "IPv6"))
        jfail(&it->loc, "AddressFamily", "expected IPv4 or IPv6, got '%s'", family);
    long long max = 0;
    bool aws_managed = (owner && !strcmp(owner, "AWS")) || !strncmp(name, "com.amazonaws", 13);
    if (!jint(&it->loc, it->obj, "MaxEntries", 1, 1000, &max)) /* AWS-managed lists have none */
        max = nentries ? (long long)(nentries < 1000 ? nentries : 1000) : 1;
    /* libeni keeps com.amazonaws names for AWS's own lists, as EC2 does */
    char *shown = aws_managed ? xasprintf("aws-managed:%.240s", name) : xstrdup(name);
    eni_prefix_list_spec spec = ENI_PREFIX_LIST_SPEC_INIT;
    spec.family = family[3] == '4' ? 4 : 6;
    spec.name = shown;
    spec.max_entries = (uint32_t)max;
    spec.id = it->id;
    eni_prefix_list_id pl;
    if (eni_prefix_list_create(m->ctx, &spec, &pl) != ENI_OK) {
        free(shown);
        model_refused(m, it, "prefix-list", it->id, &it->loc, "the prefix list");
        return;
    }
    it->built = pl.v;
    if (aws_managed)
        report_note(&m->rep, "prefix-list", it->id, &it->loc,
                    "AWS-managed list '%s' is named '%s' in the model (libeni keeps com.amazonaws "
                    "names for AWS)", name, shown);
    size_t added = entries ? add_entries(m, it, entries) : 0;
    if (!entries)
        report_note(&m->rep, "prefix-list", it->id, &it->loc,
                    "no entries given (the output of get-managed-prefix-list-entries "
                    "--prefix-list-id %s): the list is empty", it->id);
    report_built(&m->rep, "prefix-list", it->id, &it->loc, "%s %s, %zu entr%s (max %lld)", name,
                 family, added, added == 1 ? "y" : "ies", max);
    free(shown);
}

void build_prefix_lists(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_PREFIX_LIST]; i++)
        build_list(m, &m->in.items[AWS_PREFIX_LIST][i]);
    for (size_t i = 0; i < m->in.n[AWS_ENTRIES]; i++) {
        aws_item *e = &m->in.items[AWS_ENTRIES][i];
        jloc at, el;
        json_t *arr = jfield(&e->loc, e->obj, "Entries", JSON_ARRAY, true);
        jloc_key(&at, &e->loc, "Entries");
        for (size_t k = 0; !e->built && k < json_array_size(arr); k++) /* read, to report bad JSON */
            jname(&el, jobject_at(&at, arr, k, &el), "Cidr", true);
        if (!e->built)
            build_skip(m, e, "prefix-list-entries",
                       "prefix list %s is not in the input (describe-managed-prefix-lists)", e->id);
    }
}
