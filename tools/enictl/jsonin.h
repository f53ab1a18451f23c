/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Reading JSON with its location: every value is read through a getter
 * that knows the file and the JSON path ($.SecurityGroups[3].IpPermissions[0]),
 * so a missing field, a wrong type or a value libeni refuses is reported
 * exactly there (status 2) and never reaches the model half-read. JSON null
 * counts as absent, as in the EC2 API's output. */
#ifndef ENICTL_JSONIN_H
#define ENICTL_JSONIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum { JLOC_PATH_MAX = 320 };

typedef struct jloc {
    const char *file;
    char path[JLOC_PATH_MAX];
} jloc;

void jloc_root(jloc *l, const char *file);
void jloc_key(jloc *child, const jloc *parent, const char *key);
void jloc_index(jloc *child, const jloc *parent, size_t index);

/* Load a whole JSON file (an object at the top); a syntax error names the line. */
json_t *jsonin_load(const char *file);

/* Fail at @at (and @key below it, when not NULL). */
_Noreturn void jfail(const jloc *at, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The member @key of @obj of type @type; NULL when absent and not @required. */
json_t *jfield(const jloc *at, json_t *obj, const char *key, json_type type, bool required);
const char *jstring(const jloc *at, json_t *obj, const char *key, bool required);
/* A non-empty string (EC2's ids and names are never empty). */
const char *jname(const jloc *at, json_t *obj, const char *key, bool required);
bool jbool(const jloc *at, json_t *obj, const char *key, bool dflt);
/* An integer in lo..hi into *out; false when absent. */
bool jint(const jloc *at, json_t *obj, const char *key, long long lo, long long hi,
          long long *out);
/* An array member, or NULL when absent. */
json_t *jarray(const jloc *at, json_t *obj, const char *key);
/* The @i-th element of @arr (at @at), which must be an object; sets @el to its location. */
json_t *jobject_at(const jloc *at, json_t *arr, size_t i, jloc *el);

#endif
