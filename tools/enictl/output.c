/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The JSON document (output.h). */
#include "output.h"

#include <stdio.h>

#include "fail.h"

json_t *output_doc(const char *command, const model *m)
{
    json_t *files = json_array();
    for (size_t i = 0; i < m->nfiles; i++)
        json_array_append_new(files, json_string(m->files[i]));
    json_t *model_json = json_pack("{s:o}", "files", files);
    json_t *rep = report_json(&m->rep);
    json_object_update(model_json, rep);
    json_decref(rep);
    return json_pack("{s:i, s:s, s:o}", "format", 1, "command", command, "model", model_json);
}

void output_json(json_t *doc)
{
    if (!doc)
        fail_internal("out of memory building the JSON output");
    if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        fail_internal("writing the JSON output failed");
    fputc('\n', stdout);
    json_decref(doc);
    output_flush();
}

void output_flush(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        fail_internal("writing to stdout failed");
}
