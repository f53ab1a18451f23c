/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The JSON document every command prints with --json (docs/enictl.md,
 * "JSON output"): {"format": 1, "command": ..., "model": {...}, ...}. */
#ifndef ENICTL_OUTPUT_H
#define ENICTL_OUTPUT_H

#include <jansson.h>

#include "model.h"

/* A new document for @command with the model's files and load report. */
json_t *output_doc(const char *command, const model *m);
/* Print it on stdout and release it; a failed write is status 3. */
void output_json(json_t *doc);
/* End stdout, checking that everything was written (status 3 if not). */
void output_flush(void);

#endif
