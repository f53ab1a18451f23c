/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* JSON getters with locations (jsonin.h). */
#include "jsonin.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fail.h"

void jloc_root(jloc *l, const char *file)
{
    l->file = file;
    snprintf(l->path, sizeof l->path, "$");
}

/* A path too long for the buffer (never in EC2's output) ends in "...". */
static void mark_cut(jloc *l, int n)
{
    if (n < 0 || (size_t)n >= sizeof l->path)
        memcpy(l->path + sizeof l->path - 4, "...", 4);
}

void jloc_key(jloc *child, const jloc *parent, const char *key)
{
    char path[JLOC_PATH_MAX];
    memcpy(path, parent->path, sizeof path); /* child may be parent */
    child->file = parent->file;
    mark_cut(child, snprintf(child->path, sizeof child->path, "%s.%s", path, key));
}

void jloc_index(jloc *child, const jloc *parent, size_t index)
{
    char path[JLOC_PATH_MAX];
    memcpy(path, parent->path, sizeof path);
    child->file = parent->file;
    mark_cut(child, snprintf(child->path, sizeof child->path, "%s[%zu]", path, index));
}

void jfail(const jloc *at, const char *key, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    jloc l = *at;
    if (key)
        jloc_key(&l, at, key);
    fail_input(l.file, l.path, "%s", msg);
}

/* A capture given where JSON is expected: say so, rather than "invalid token". */
static bool looks_like_capture(const char *file)
{
    static const unsigned char magics[][4] = {
        {0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4}, {0x4d, 0x3c, 0xb2, 0xa1},
        {0xa1, 0xb2, 0x3c, 0x4d}, {0x0a, 0x0d, 0x0d, 0x0a}};
    unsigned char head[4];
    FILE *f = fopen(file, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, 4, f);
    fclose(f);
    for (size_t i = 0; n == 4 && i < sizeof magics / sizeof magics[0]; i++)
        if (!memcmp(head, magics[i], 4))
            return true;
    return false;
}

json_t *jsonin_load(const char *file)
{
    if (looks_like_capture(file))
        fail_input(file, NULL,
                   "a capture, not JSON: --model takes every argument up to the next option; "
                   "end the list with '--' or put the capture after another option");
    json_error_t err;
    json_t *doc = json_load_file(file, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        if (err.line <= 0)
            fail_input(file, NULL, "%s", err.text);
        fail_input(file, NULL, "line %d, column %d: %s", err.line, err.column, err.text);
    }
    if (!json_is_object(doc)) {
        const char *what = json_is_array(doc) ? "an array" : "a scalar";
        json_decref(doc);
        fail_input(file, "$", "expected an object such as {\"SecurityGroups\": [...]}, got %s",
                   what);
    }
    return doc;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

static const char *want_name(json_type t)
{
    switch (t) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    default: return "a value";
    }
}

json_t *jfield(const jloc *at, json_t *obj, const char *key, json_type type, bool required)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            jfail(at, key, "missing (required)");
        return NULL;
    }
    bool ok = json_typeof(v) == type ||
              ((type == JSON_TRUE || type == JSON_FALSE) && json_is_boolean(v));
    if (!ok)
        jfail(at, key, "expected %s, got %s", want_name(type), type_name(v));
    return v;
}

const char *jstring(const jloc *at, json_t *obj, const char *key, bool required)
{
    json_t *v = jfield(at, obj, key, JSON_STRING, required);
    return v ? json_string_value(v) : NULL;
}

const char *jname(const jloc *at, json_t *obj, const char *key, bool required)
{
    const char *s = jstring(at, obj, key, required);
    if (s && !*s)
        jfail(at, key, "empty string");
    return s;
}

bool jbool(const jloc *at, json_t *obj, const char *key, bool dflt)
{
    json_t *v = jfield(at, obj, key, JSON_TRUE, false);
    return v ? json_is_true(v) : dflt;
}

bool jint(const jloc *at, json_t *obj, const char *key, long long lo, long long hi,
          long long *out)
{
    json_t *v = jfield(at, obj, key, JSON_INTEGER, false);
    if (!v)
        return false;
    long long x = json_integer_value(v);
    if (x < lo || x > hi)
        jfail(at, key, "%lld is out of range (%lld..%lld)", x, lo, hi);
    *out = x;
    return true;
}

json_t *jarray(const jloc *at, json_t *obj, const char *key)
{
    return jfield(at, obj, key, JSON_ARRAY, false);
}

json_t *jobject_at(const jloc *at, json_t *arr, size_t i, jloc *el)
{
    jloc_index(el, at, i);
    json_t *v = json_array_get(arr, i);
    if (!json_is_object(v))
        fail_input(el->file, el->path, "expected an object, got %s", type_name(v));
    return v;
}
