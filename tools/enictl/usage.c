/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl's help texts (cli_usage() of cli.h); the man page (enictl.1) and
 * docs/enictl.md say the same at length. */
#include "cli.h"

static const char overview[] =
    "usage: enictl COMMAND [OPTIONS] [ARGUMENTS]\n"
    "Build the EC2 network model of a host from the AWS CLI's describe-* output\n"
    "and ask libeni's security-group evaluator about packets.\n"
    "\n"
    "  enictl load FILE...                              what the JSON builds, and what it skips\n"
    "  enictl replay --model FILE... --interface ENI CAPTURE\n"
    "                                                   verdicts for a pcap/pcapng capture\n"
    "  enictl explain --model FILE... --interface ENI PROTO SRC '->' DST\n"
    "                                                   one packet's verdict, in words\n"
    "\n"
    "Every command reads the model from --model FILE... (the outputs of aws ec2\n"
    "describe-vpcs, describe-subnets, describe-security-groups,\n"
    "describe-managed-prefix-lists, get-managed-prefix-list-entries,\n"
    "describe-network-interfaces, describe-instances, describe-network-acls).\n"
    "--model takes every argument up to the next option or '--'.\n"
    "\n"
    "  --json          machine-readable output (docs/enictl.md, \"JSON output\")\n"
    "  -h, --help      this text; 'enictl COMMAND --help' for a command's\n"
    "  -V, --version   enictl's and libeni's version\n"
    "\n"
    "Exit status: 0 done, nothing dropped; 1 done, a packet was dropped;\n"
    "2 a usage error or bad input; 3 anything else.\n";

static const char load_help[] =
    "usage: enictl load [--json] FILE...\n"
    "Build the model from the AWS CLI's JSON and say what was built, what was\n"
    "skipped and why. A file may hold any of the describe outputs; they may come\n"
    "in any order. Bad JSON is an error naming the file and the JSON path.\n";

static const char replay_help[] =
    "usage: enictl replay --model FILE... --interface ENI [OPTIONS] CAPTURE\n"
    "Feed a capture (pcap or pcapng; Ethernet, Linux cooked SLL/SLL2, raw IP,\n"
    "BSD loopback) through the interface's security groups in order, at the\n"
    "packets' timestamps, and print each flow's verdicts and a summary.\n"
    "A packet's direction comes from its addresses (the interface's own as\n"
    "destination: inbound; as source: outbound), else from its MAC address or\n"
    "the cooked header's packet type.\n"
    "\n"
    "  -m, --model FILE...          the model (see 'enictl --help')\n"
    "  -i, --interface ENI          the interface the capture was taken on\n"
    "  --dropped FILE               write the dropped packets to a new pcap file\n"
    "  --flows all|dropped|none     which flows to list (default all)\n"
    "  --packets                    list every packet's verdict too\n"
    "  --unknown-direction skip|in|out\n"
    "                               packets whose direction cannot be told (default skip)\n"
    "  --progress, --no-progress    a progress line on stderr (default: on a terminal)\n"
    "  --json                       JSON output\n";

static const char explain_help[] =
    "usage: enictl explain --model FILE... --interface ENI [OPTIONS] PROTO SRC '->' DST\n"
    "Would this packet pass the interface's security groups, and why?\n"
    "  PROTO    tcp, udp, icmp, icmpv6, or a protocol number 0..255\n"
    "  SRC DST  ADDRESS:PORT for tcp and udp (IPv6 as [ADDRESS]:PORT), else ADDRESS;\n"
    "           '->' (quoted for the shell) or 'to' between them\n"
    "The direction comes from the addresses: the interface's own address as DST\n"
    "is inbound, as SRC outbound.\n"
    "\n"
    "  -m, --model FILE...     the model (see 'enictl --help')\n"
    "  -i, --interface ENI     the interface\n"
    "  --direction in|out      when neither address is the interface's\n"
    "  --tcp-flags LIST        e.g. syn,ack (default syn: a new connection)\n"
    "  --icmp TYPE[/CODE]      ICMP type and code (default: echo request)\n"
    "  --json                  JSON output\n";

void cli_usage(cli_cmd cmd, FILE *to)
{
    const char *text = cmd == CLI_LOAD      ? load_help
                       : cmd == CLI_REPLAY  ? replay_help
                       : cmd == CLI_EXPLAIN ? explain_help
                                            : overview;
    fputs(text, to);
}
