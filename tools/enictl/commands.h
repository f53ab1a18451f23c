/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The commands; each returns enictl's exit status (fail.h). */
#ifndef ENICTL_COMMANDS_H
#define ENICTL_COMMANDS_H

#include "cli.h"

int cmd_load(const cli *c);    /* load.c */
int cmd_replay(const cli *c);  /* replay.c */
int cmd_explain(const cli *c); /* explain.c */

#endif
