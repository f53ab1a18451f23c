/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Parsing enictl's command line (cli.h). One table says which option takes
 * a value and which commands accept it; the checks of values are here too,
 * so the commands start from a command line known to be well formed. */
#include "cli.h"

#include <eni.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "mem.h"

enum { FOR_LOAD = 1, FOR_REPLAY = 2, FOR_EXPLAIN = 4, FOR_ALL = 7 };

typedef enum opt_id {
    O_MODEL, O_INTERFACE, O_JSON, O_DROPPED, O_FLOWS, O_PACKETS, O_PROGRESS, O_NO_PROGRESS,
    O_UNKNOWN_DIR, O_DIRECTION, O_TCP_FLAGS, O_ICMP, O_HELP, O_VERSION
} opt_id;

static const struct opt {
    opt_id id;
    const char *name;
    char short_name;
    bool value;
    unsigned commands;
} opts[] = {
    {O_MODEL, "model", 'm', true, FOR_ALL},
    {O_INTERFACE, "interface", 'i', true, FOR_REPLAY | FOR_EXPLAIN},
    {O_JSON, "json", 0, false, FOR_ALL},
    {O_DROPPED, "dropped", 0, true, FOR_REPLAY},
    {O_FLOWS, "flows", 0, true, FOR_REPLAY},
    {O_PACKETS, "packets", 0, false, FOR_REPLAY},
    {O_PROGRESS, "progress", 0, false, FOR_REPLAY},
    {O_NO_PROGRESS, "no-progress", 0, false, FOR_REPLAY},
    {O_UNKNOWN_DIR, "unknown-direction", 0, true, FOR_REPLAY},
    {O_DIRECTION, "direction", 0, true, FOR_EXPLAIN},
    {O_TCP_FLAGS, "tcp-flags", 0, true, FOR_EXPLAIN},
    {O_ICMP, "icmp", 0, true, FOR_EXPLAIN},
    {O_HELP, "help", 'h', false, FOR_ALL},
    {O_VERSION, "version", 'V', false, FOR_ALL},
};
enum { NOPTS = sizeof opts / sizeof opts[0] };

static const struct { const char *name; cli_cmd cmd; unsigned bit; } commands[] = {
    {"load", CLI_LOAD, FOR_LOAD},
    {"replay", CLI_REPLAY, FOR_REPLAY},
    {"explain", CLI_EXPLAIN, FOR_EXPLAIN},
};

static const struct opt *find_opt(const char *arg, const char **value)
{
    *value = NULL;
    if (arg[1] != '-') { /* -x */
        for (size_t i = 0; i < NOPTS; i++)
            if (arg[1] && !arg[2] && opts[i].short_name == arg[1])
                return &opts[i];
        fail_usage("unknown option '%s'", arg);
    }
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    for (size_t i = 0; i < NOPTS; i++) {
        if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len)) {
            if (eq && !opts[i].value)
                fail_usage("option '--%s' takes no value", opts[i].name);
            *value = eq ? eq + 1 : NULL;
            return &opts[i];
        }
    }
    fail_usage("unknown option '%s'", arg);
}

static int direction_word(const char *opt, const char *v, bool allow_skip)
{
    if (!strcmp(v, "in") || !strcmp(v, "inbound"))
        return ENI_DIR_INBOUND;
    if (!strcmp(v, "out") || !strcmp(v, "outbound"))
        return ENI_DIR_OUTBOUND;
    if (allow_skip && !strcmp(v, "skip"))
        return 0;
    fail_usage("%s is %s, not '%s'", opt, allow_skip ? "skip, in or out" : "in or out", v);
}

static cli_flows flows_word(const char *v)
{
    static const char *const words[] = {"all", "dropped", "none"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(v, words[i]))
            return (cli_flows)i;
    fail_usage("--flows is all, dropped or none, not '%s'", v);
}

static void push(const char ***arr, size_t *n, size_t *cap, const char *s)
{
    XGROW(*arr, *cap, *n);
    (*arr)[(*n)++] = s;
}

/* The option's value: after '=', or the next argument. */
static const char *take_value(const struct opt *o, const char *inline_value, int argc,
                              char **argv, int *i)
{
    if (inline_value)
        return inline_value;
    if (*i + 1 >= argc)
        fail_usage("option '--%s' needs a value", o->name);
    return argv[++*i];
}

static void apply(cli *c, const struct opt *o, const char *v)
{
    switch (o->id) {
    case O_INTERFACE: c->interface = v; break;
    case O_JSON: c->json = true; break;
    case O_DROPPED: c->dropped = v; break;
    case O_FLOWS: c->flows = flows_word(v); break;
    case O_PACKETS: c->packets = true; break;
    case O_PROGRESS: c->progress = 1; break;
    case O_NO_PROGRESS: c->progress = 0; break;
    case O_UNKNOWN_DIR: c->unknown_direction = direction_word("--unknown-direction", v, true); break;
    case O_DIRECTION: c->direction = direction_word("--direction", v, false); break;
    case O_TCP_FLAGS: c->tcp_flags = v; break;
    case O_ICMP: c->icmp = v; break;
    case O_HELP: c->help = true; break;
    case O_VERSION: c->version = true; break;
    case O_MODEL: break; /* handled by the caller */
    }
}

static void set_command(cli *c, const char *word)
{
    if (!strcmp(word, "help")) { /* enictl help [COMMAND] */
        c->help = true;
        return;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(word, commands[i].name)) {
            c->cmd = commands[i].cmd;
            c->cmd_name = commands[i].name;
            return;
        }
    }
    fail_usage("unknown command '%s' (load, replay, explain)", word);
}

static unsigned command_bit(cli_cmd cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].cmd == cmd)
            return commands[i].bit;
    return FOR_ALL;
}

void cli_parse(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->progress = -1;
    size_t mcap = 0, acap = 0;
    bool options_done = false, seen[NOPTS] = {false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || !a[1] || !strcmp(a, "->")) { /* explain's arrow */
            if (c->cmd == CLI_NONE) /* the command, or after help the one to explain */
                set_command(c, a);
            else
                push(&c->args, &c->nargs, &acap, a);
            continue;
        }
        if (!strcmp(a, "--")) {
            options_done = true;
            continue;
        }
        const char *v;
        const struct opt *o = find_opt(a, &v);
        seen[o - opts] = true;
        if (o->id != O_MODEL) {
            apply(c, o, o->value ? take_value(o, v, argc, argv, &i) : NULL);
            continue;
        }
        if (v) { /* --model=FILE: one file */
            push(&c->models, &c->nmodels, &mcap, v);
            continue;
        }
        size_t before = c->nmodels;
        while (i + 1 < argc && (argv[i + 1][0] != '-' || !argv[i + 1][1]))
            push(&c->models, &c->nmodels, &mcap, argv[++i]);
        if (c->nmodels == before)
            fail_usage("option '%s' needs at least one FILE", a);
    }
    if (c->help || c->version)
        return;
    if (c->cmd == CLI_NONE)
        fail_usage("no command given (load, replay, explain)");
    unsigned bit = command_bit(c->cmd);
    for (size_t i = 0; i < NOPTS; i++)
        if (seen[i] && !(opts[i].commands & bit))
            fail_usage("'--%s' is not an option of '%s'", opts[i].name, c->cmd_name);
    if (c->cmd == CLI_LOAD) { /* load FILE...: the arguments are model files too */
        for (size_t i = 0; i < c->nargs; i++)
            push(&c->models, &c->nmodels, &mcap, c->args[i]);
        c->nargs = 0;
    }
    if (c->nmodels == 0)
        fail_usage("'%s' needs the model: --model FILE... (describe-* outputs of the AWS CLI)",
                   c->cmd_name);
    if (c->cmd != CLI_LOAD && !c->interface)
        fail_usage("'%s' needs --interface eni-...", c->cmd_name);
    /* replay without a capture: checked after the model is read, which names a
     * capture taken into --model as such */
    if (c->cmd == CLI_REPLAY && c->nargs > 1)
        fail_usage("replay takes one capture, not %zu ('%s', '%s'...)", c->nargs, c->args[0],
                   c->args[1]);
}

void cli_free(cli *c)
{
    free(c->models);
    free(c->args);
    c->models = c->args = NULL;
    c->nmodels = c->nargs = 0;
}
