/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The load report (report.h). */
#include "report.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static void add(report_list *l, const char *kind, const char *id, const jloc *at,
                const char *fmt, va_list ap)
{
    XGROW(l->e, l->cap, l->n);
    report_entry *e = &l->e[l->n++];
    char text[1024];
    vsnprintf(text, sizeof text, fmt, ap);
    e->kind = kind;
    e->id = xstrdup(id ? id : "");
    e->file = xstrdup(at && at->file ? at->file : "");
    e->path = xstrdup(at ? at->path : "");
    e->text = xstrdup(text);
}

#define ADD(list)                                   \
    do {                                            \
        va_list ap;                                 \
        va_start(ap, fmt);                          \
        add(&r->list, kind, id, at, fmt, ap);       \
        va_end(ap);                                 \
    } while (0)

void report_built(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                  ...)
{
    ADD(built);
}

void report_skip(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                 ...)
{
    ADD(skipped);
}

void report_note(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                 ...)
{
    ADD(notes);
}

/* Kinds in the order the model is built, with their names for the summary. */
static const struct { const char *kind, *one, *many; } kinds[] = {
    {"vpc", "VPC", "VPCs"},
    {"subnet", "subnet", "subnets"},
    {"network-acl", "network ACL", "network ACLs"},
    {"prefix-list", "prefix list", "prefix lists"},
    {"security-group", "security group", "security groups"},
    {"network-interface", "network interface", "network interfaces"},
    {"instance", "instance", "instances"},
    {"elastic-ip", "Elastic IP", "Elastic IPs"},
};

static size_t count(const report_list *l, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += !strcmp(l->e[i].kind, kind);
    return n;
}

static void print_list(const report_list *l, const char *title, FILE *to)
{
    if (!l->n)
        return;
    fprintf(to, "%s (%zu):\n", title, l->n);
    for (size_t i = 0; i < l->n; i++) {
        const report_entry *e = &l->e[i];
        fprintf(to, "  %s%s%s: %s\n", e->kind, e->id[0] ? " " : "", e->id, e->text);
        if (e->file[0])
            fprintf(to, "      at %s %s\n", e->file, e->path);
    }
}

void report_text(const report *r, FILE *to)
{
    fprintf(to, "built");
    const char *sep = " ";
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t n = count(&r->built, kinds[k].kind);
        if (n) {
            fprintf(to, "%s%zu %s", sep, n, n == 1 ? kinds[k].one : kinds[k].many);
            sep = ", ";
        }
    }
    fprintf(to, "%s\n", *sep == ' ' ? " nothing" : "");
    for (size_t i = 0; i < r->built.n; i++) {
        const report_entry *e = &r->built.e[i];
        fprintf(to, "  %-18s %-26s %s\n", e->kind, e->id, e->text);
    }
    print_list(&r->skipped, "skipped", to);
    print_list(&r->notes, "notes", to);
}

static json_t *list_json(const report_list *l, const char *text_key)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) {
        const report_entry *e = &l->e[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", e->kind, "id",
                                           e->id, "file", e->file, "path", e->path, text_key,
                                           e->text));
    }
    return a;
}

json_t *report_json(const report *r)
{
    json_t *counts = json_object();
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        json_object_set_new(counts, kinds[k].kind,
                            json_integer((json_int_t)count(&r->built, kinds[k].kind)));
    return json_pack("{s:o, s:o, s:o, s:o}", "counts", counts, "built",
                     list_json(&r->built, "summary"), "skipped",
                     list_json(&r->skipped, "reason"), "notes", list_json(&r->notes, "note"));
}

void report_brief(const report *r, FILE *to)
{
    if (r->skipped.n)
        fprintf(to, "enictl: the model skipped %zu object%s of the input ('enictl load' says why)\n",
                r->skipped.n, r->skipped.n == 1 ? "" : "s");
}

static void free_list(report_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].id);
        free(l->e[i].file);
        free(l->e[i].path);
        free(l->e[i].text);
    }
    free(l->e);
    memset(l, 0, sizeof *l);
}

void report_free(report *r)
{
    free_list(&r->built);
    free_list(&r->skipped);
    free_list(&r->notes);
}
