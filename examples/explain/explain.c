/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-explain: would this packet pass, and why?
 *
 *   eni-explain                               (a few sample questions)
 *   eni-explain in tcp 203.0.113.9 51000 443  (one inbound packet to the web server)
 *   eni-explain --help | --version
 *
 * It builds a small VPC with a web server whose group allows HTTPS from
 * anywhere and SSH from an office network, then asks the evaluator. Every
 * argument is checked; a bad one is a message and exit status 2. */
#include <arpa/inet.h>
#include <eni.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static eni_ctx *ctx;
static eni_nic_id web_nic;
static char web_ip[ENI_IP_STRING_MAX];

static void die(const char *what)
{
    fprintf(stderr, "%s: %s (%s)\n", what, eni_error_last()->message, eni_error_last()->ec2_code);
    exit(1);
}
#define MUST(call) do { if ((call) != ENI_OK) die(#call); } while (0)

static void setup(void)
{
    MUST(eni_ctx_new(NULL, &ctx));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    MUST(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    eni_subnet_id subnet;
    MUST(eni_subnet_create(ctx, &ss, &subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = vpc;
    gs.name = "web";
    gs.description = "web server";
    eni_sg_id web;
    MUST(eni_sg_create(ctx, &gs, &web));
    eni_sg_rule_spec r[2] = {ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT};
    r[0].protocol = 6, r[0].from_port = 443, r[0].to_port = 443;
    r[0].peer_kind = ENI_PEER_CIDR, r[0].cidr = "0.0.0.0/0", r[0].description = "HTTPS";
    r[1].protocol = 6, r[1].from_port = 22, r[1].to_port = 22;
    r[1].peer_kind = ENI_PEER_CIDR, r[1].cidr = "198.51.100.0/24", r[1].description = "office SSH";
    MUST(eni_sg_authorize(ctx, web, ENI_INGRESS, r, 2, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &web;
    ns.group_count = 1;
    ns.private_ip = "10.0.1.10";
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    MUST(eni_instance_launch(ctx, &ls, &inst));
    uint32_t n;
    MUST(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    MUST(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.instance = inst;
    MUST(eni_nic_list(ctx, &f, &web_nic, 1, &n));
    snprintf(web_ip, sizeof web_ip, "10.0.1.10");
}

/* The questions' words, checked: every one is required to be valid. */
enum { USAGE_ERROR = 2 };
static const char *prog = "eni-explain";

static void usage(FILE *to)
{
    fprintf(to,
            "usage: %s [in|out PROTOCOL REMOTE REMOTE-PORT LOCAL-PORT]\n"
            "Would this packet pass the web server's security group (10.0.1.10), and why?\n"
            "With no arguments, a few sample questions.\n"
            "  in|out       the direction as the web server sees it\n"
            "  PROTOCOL     tcp, udp, icmp, or an IP protocol number 0..255\n"
            "  REMOTE       the other end's IPv4 address (the web server has no IPv6)\n"
            "  REMOTE-PORT  0..65535\n"
            "  LOCAL-PORT   0..65535, the web server's port\n"
            "  -h, --help     this text\n"
            "  -V, --version  the libeni version\n",
            prog);
}

static _Noreturn void bad(const char *what, const char *arg)
{
    fprintf(stderr, "%s: %s: '%s'\nTry '%s --help'.\n", prog, what, arg, prog);
    exit(USAGE_ERROR);
}

/* A whole decimal number 0..max, or -1. */
static long number(const char *s, long max)
{
    char *end = NULL;
    errno = 0;
    long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
    return end && !*end && !errno && v <= max ? v : -1;
}

static unsigned port(const char *s)
{
    long v = number(s, 65535);
    if (v < 0)
        bad("a port is a whole number from 0 to 65535", s);
    return (unsigned)v;
}

static uint8_t protocol(const char *s)
{
    static const struct { const char *name; uint8_t number; } names[] = {
        {"tcp", 6}, {"udp", 17}, {"icmp", 1}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name))
            return names[i].number;
    long v = number(s, 255);
    if (v < 0)
        bad("the protocol is tcp, udp, icmp or a number from 0 to 255", s);
    return (uint8_t)v;
}

static void ipv4(const char *s, uint8_t out[16])
{
    if (inet_pton(AF_INET, s, out) != 1)
        bad("not an IPv4 address", s);
}

static void ask(const char *dir, const char *proto, const char *src, unsigned sport,
                const char *dst, unsigned dport)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4;
    ipv4(src, p.src);
    ipv4(dst, p.dst);
    p.proto = protocol(proto);
    p.sport = (uint16_t)sport;
    p.dport = (uint16_t)dport;
    p.tcp_flags = p.proto == 6 ? 0x02 : 0;
    if (p.proto == 1)
        p.icmp_type = 8;
    uint32_t d = !strcmp(dir, "out") ? ENI_DIR_OUTBOUND : ENI_DIR_INBOUND;
    eni_verdict v;
    char text[256];
    MUST(eni_eval_explain(ctx, web_nic, d, &p, 0, &v, text, sizeof text));
    printf("%-3s %-4s %s:%u -> %s:%u\n    %s\n", dir, proto, src, sport, dst, dport, text);
}

int main(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        printf("%s (libeni %s)\n", prog, eni_version_string());
        return 0;
    }
    if (argc > 1 && argv[1][0] == '-')
        bad("unknown option", argv[1]);
    if (argc != 1 && argc != 6) {
        fprintf(stderr, "%s: takes no arguments or 5, not %d\n", prog, argc - 1);
        usage(stderr);
        return USAGE_ERROR;
    }
    if (argc == 6) {
        /* in|out proto remote port local-port: the web server is the other end */
        bool in = !strcmp(argv[1], "in");
        if (!in && strcmp(argv[1], "out"))
            bad("the direction is in or out", argv[1]);
        (void)protocol(argv[2]);
        uint8_t remote[16];
        ipv4(argv[3], remote);
        unsigned remote_port = port(argv[4]), local_port = port(argv[5]);
        setup();
        if (in)
            ask("in", argv[2], argv[3], remote_port, web_ip, local_port);
        else
            ask("out", argv[2], web_ip, local_port, argv[3], remote_port);
        eni_ctx_free(ctx);
        return 0;
    }
    setup();
    printf("web server %s: HTTPS from anywhere, SSH from 198.51.100.0/24\n\n", web_ip);
    ask("in", "tcp", "203.0.113.9", 51000, web_ip, 443);
    ask("in", "tcp", "198.51.100.7", 51000, web_ip, 22);
    ask("in", "tcp", "203.0.113.9", 51000, web_ip, 22);
    ask("out", "tcp", web_ip, 40000, "192.0.2.80", 5432);
    ask("out", "tcp", "10.0.1.99", 40000, "192.0.2.80", 5432);
    ask("in", "udp", "169.254.169.254", 80, web_ip, 40000);
    eni_ctx_free(ctx);
    return 0;
}
