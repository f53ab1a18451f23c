/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Indexing the describe-* outputs (aws.h): which top-level key holds which
 * kind, the id field of each, the instances' own interface records, and
 * what to do with an object read twice. */
#include "aws.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "mem.h"

static const struct list_key {
    const char *key;
    aws_kind kind;
    const char *id_field;
} lists[] = {
    {"Vpcs", AWS_VPC, "VpcId"},
    {"Subnets", AWS_SUBNET, "SubnetId"},
    {"SecurityGroups", AWS_GROUP, "GroupId"},
    {"PrefixLists", AWS_PREFIX_LIST, "PrefixListId"},
    {"NetworkInterfaces", AWS_NIC, "NetworkInterfaceId"},
    {"NetworkAcls", AWS_ACL, "NetworkAclId"},
};
enum { NLISTS = sizeof lists / sizeof lists[0] };

aws_item *aws_find(const aws_input *in, aws_kind kind, const char *id)
{
    for (size_t i = 0; id && i < in->n[kind]; i++)
        if (!strcmp(in->items[kind][i].id, id))
            return &in->items[kind][i];
    return NULL;
}

void aws_skip(aws_item *it, const char *reason)
{
    free(it->skipped);
    it->skipped = xstrdup(reason);
}

/* An interface is listed by describe-network-interfaces and again inside its
 * instance by describe-instances: one item, the former's record, the
 * latter's instance. Any other object read twice must be the same object. */
static void add(aws_input *in, report *rep, aws_kind kind, json_t *obj, const jloc *at,
                const char *id, aws_item *instance)
{
    aws_item *old = aws_find(in, kind, id);
    if (old && kind == AWS_NIC && (old->instance != NULL) != (instance != NULL)) {
        if (instance)
            old->instance = instance;
        else { /* the describe-network-interfaces record is the fuller one */
            old->obj = obj;
            old->loc = *at;
        }
        return;
    }
    if (old) {
        if (!json_equal(old->obj, obj))
            jfail(at, NULL, "%s differs from the one at %s %s", id, old->loc.file,
                  old->loc.path);
        report_note(rep, "file", id, at, "read twice (also at %s %s): the same object",
                    old->loc.file, old->loc.path);
        return;
    }
    XGROW(in->items[kind], in->cap[kind], in->n[kind]);
    aws_item *it = &in->items[kind][in->n[kind]++];
    memset(it, 0, sizeof *it);
    it->obj = obj;
    it->loc = *at;
    it->id = id;
    it->instance = instance;
}

static void read_list(aws_input *in, report *rep, const struct list_key *lk, json_t *doc,
                      const jloc *root)
{
    jloc at, el;
    json_t *arr = jfield(root, doc, lk->key, JSON_ARRAY, true);
    jloc_key(&at, root, lk->key);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *obj = jobject_at(&at, arr, i, &el);
        add(in, rep, lk->kind, obj, &el, jname(&el, obj, lk->id_field, true), NULL);
    }
}

/* Reservations[].Instances[], and each instance's NetworkInterfaces[]. */
static void read_reservations(aws_input *in, report *rep, json_t *doc, const jloc *root)
{
    jloc at, res_at, inst_at, inst_el, nics_at, nic_el;
    json_t *arr = jfield(root, doc, "Reservations", JSON_ARRAY, true);
    jloc_key(&at, root, "Reservations");
    for (size_t r = 0; r < json_array_size(arr); r++) {
        json_t *res = jobject_at(&at, arr, r, &res_at);
        json_t *insts = jfield(&res_at, res, "Instances", JSON_ARRAY, true);
        jloc_key(&inst_at, &res_at, "Instances");
        for (size_t i = 0; i < json_array_size(insts); i++) {
            json_t *inst = jobject_at(&inst_at, insts, i, &inst_el);
            const char *id = jname(&inst_el, inst, "InstanceId", true);
            add(in, rep, AWS_INSTANCE, inst, &inst_el, id, NULL);
            aws_item *it = aws_find(in, AWS_INSTANCE, id);
            json_t *nics = jarray(&inst_el, inst, "NetworkInterfaces");
            jloc_key(&nics_at, &inst_el, "NetworkInterfaces");
            for (size_t k = 0; k < json_array_size(nics); k++) {
                json_t *nic = jobject_at(&nics_at, nics, k, &nic_el);
                add(in, rep, AWS_NIC, nic, &nic_el, jname(&nic_el, nic, "NetworkInterfaceId", true),
                    it);
            }
        }
    }
}

/* get-managed-prefix-list-entries prints {"Entries": [...]} without the
 * list's id: it comes from a "PrefixListId" member added beside it, or else
 * from the file's name (pl-0123456789abcdef0.json, entries-pl-0123abcd.json). */
static char *entries_list_id(json_t *doc, const jloc *root)
{
    const char *id = jname(root, doc, "PrefixListId", false);
    if (id)
        return xstrdup(id);
    const char *base = strrchr(root->file, '/');
    base = base ? base + 1 : root->file;
    regex_t re;
    regmatch_t m;
    if (regcomp(&re, "pl-[0-9a-f]{8}([0-9a-f]{9})?", REG_EXTENDED) != 0)
        fail_internal("regcomp failed");
    int rc = regexec(&re, base, 1, &m, 0);
    regfree(&re);
    if (rc != 0)
        jfail(root, "Entries",
              "which prefix list? get-managed-prefix-list-entries does not say: name the file "
              "after the list (pl-0123456789abcdef0.json) or add \"PrefixListId\" beside "
              "\"Entries\"");
    return xasprintf("%.*s", (int)(m.rm_eo - m.rm_so), base + m.rm_so);
}

void aws_read(aws_input *in, report *rep, const char *file)
{
    json_t *doc = jsonin_load(file);
    XGROW(in->docs, in->docs_cap, in->ndocs);
    in->docs[in->ndocs++] = doc;
    jloc root;
    jloc_root(&root, file);
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        bool known = false;
        for (size_t i = 0; i < NLISTS && !known; i++) {
            if (!strcmp(key, lists[i].key)) {
                read_list(in, rep, &lists[i], doc, &root);
                known = true;
            }
        }
        if (known)
            continue;
        if (!strcmp(key, "Reservations")) {
            read_reservations(in, rep, doc, &root);
        } else if (!strcmp(key, "Entries")) {
            jfield(&root, doc, "Entries", JSON_ARRAY, true);
            XGROW(in->owned, in->owned_cap, in->nowned);
            in->owned[in->nowned] = entries_list_id(doc, &root);
            add(in, rep, AWS_ENTRIES, doc, &root, in->owned[in->nowned++], NULL);
        } else if (!strcmp(key, "PrefixListId") && json_object_get(doc, "Entries")) {
            /* names the list of Entries */
        } else if (!strcmp(key, "NextToken")) {
            report_note(rep, "file", "", &root,
                        "the output is paginated (NextToken): objects on later pages are missing");
        } else {
            jloc at;
            jloc_key(&at, &root, key);
            fail_input(file, at.path,
                       "not a describe output enictl reads (Vpcs, Subnets, SecurityGroups, "
                       "PrefixLists, Entries, NetworkInterfaces, Reservations, NetworkAcls)");
        }
    }
}

void aws_free(aws_input *in)
{
    for (int k = 0; k < AWS_KINDS; k++) {
        for (size_t i = 0; i < in->n[k]; i++)
            free(in->items[k][i].skipped);
        free(in->items[k]);
    }
    for (size_t i = 0; i < in->ndocs; i++)
        json_decref(in->docs[i]);
    free(in->docs);
    for (size_t i = 0; i < in->nowned; i++)
        free(in->owned[i]);
    free(in->owned);
    memset(in, 0, sizeof *in);
}
