/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What loading the model built, skipped (and why) and noted, each with the
 * file and JSON path it came from; printed by `enictl load` as text or JSON
 * (docs/enictl.md, "load"). */
#ifndef ENICTL_REPORT_H
#define ENICTL_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "jsonin.h"

typedef struct report_entry {
    const char *kind; /* EC2's resource type: "vpc", "security-group", ... */
    char *id;         /* the EC2 id, "" when it has none */
    char *file;
    char *path;
    char *text;       /* built: a summary; skipped: the reason; note: the note */
} report_entry;

typedef struct report_list {
    report_entry *e;
    size_t n, cap;
} report_list;

typedef struct report {
    report_list built, skipped, notes;
} report;

void report_built(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));
void report_skip(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));
void report_note(report *r, const char *kind, const char *id, const jloc *at, const char *fmt,
                 ...) __attribute__((format(printf, 5, 6)));

void report_text(const report *r, FILE *to);
/* {"built": [...], "skipped": [...], "notes": [...], "counts": {...}} */
json_t *report_json(const report *r);
/* One line for stderr when a command other than load skipped something. */
void report_brief(const report *r, FILE *to);
void report_free(report *r);

#endif
