/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl's command line, parsed into one struct (docs/enictl.md, "Command
 * line"). Options may come before or after the command; `--model` takes
 * every argument up to the next option or `--`. Every mistake is a usage
 * error (status 2) naming the argument. */
#ifndef ENICTL_CLI_H
#define ENICTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum cli_cmd { CLI_NONE, CLI_LOAD, CLI_REPLAY, CLI_EXPLAIN } cli_cmd;

typedef enum cli_flows { CLI_FLOWS_ALL, CLI_FLOWS_DROPPED, CLI_FLOWS_NONE } cli_flows;

typedef struct cli {
    cli_cmd cmd;
    const char *cmd_name;       /* "load", "replay", "explain", or NULL */
    bool json, help, version;
    int progress;               /* -1: on a terminal only; 0 off; 1 on */
    const char **models;        /* --model files (load: also its arguments) */
    size_t nmodels;
    const char **args;          /* arguments after the command */
    size_t nargs;
    const char *interface;      /* --interface */
    const char *dropped;        /* replay --dropped FILE */
    cli_flows flows;            /* replay --flows */
    bool packets;               /* replay --packets: every packet's verdict too */
    int unknown_direction;      /* replay --unknown-direction: 0 skip, else an eni_eval_dir */
    int direction;              /* explain --direction: 0 from the addresses, else an eni_eval_dir */
    const char *tcp_flags;      /* explain --tcp-flags */
    const char *icmp;           /* explain --icmp TYPE[/CODE] */
} cli;

/* Parse argv; a usage error ends the program (status 2). */
void cli_parse(int argc, char **argv, cli *out);
/* Release what cli_parse() allocated. */
void cli_free(cli *c);
/* The help text of a command (CLI_NONE: the overview). */
void cli_usage(cli_cmd cmd, FILE *to);

#endif
