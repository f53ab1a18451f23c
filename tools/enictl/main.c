/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl: the EC2 network model of a host from the AWS CLI's JSON, and
 * libeni's verdicts on packets: load, replay, explain (docs/enictl.md). */
#include <eni.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "fail.h"

int main(int argc, char **argv)
{
    cli c;
    cli_parse(argc, argv, &c);
    if (c.help || c.version) {
        if (c.help)
            cli_usage(c.cmd, stdout);
        else
            printf("enictl %s (libeni %s)\n", ENICTL_VERSION, eni_version_string());
        cli_free(&c);
        return ENICTL_EXIT_OK;
    }
    fail_setup(c.cmd_name, c.json);
    int status = ENICTL_EXIT_INPUT;
    switch (c.cmd) {
    case CLI_LOAD: status = cmd_load(&c); break;
    case CLI_REPLAY: status = cmd_replay(&c); break;
    case CLI_EXPLAIN: status = cmd_explain(&c); break;
    case CLI_NONE: break;
    }
    cli_free(&c);
    return status;
}
