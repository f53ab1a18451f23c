/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl explain: one packet, described on the command line
 * (PROTO SRC -> DST), judged on one interface with eni_eval_explain(), whose
 * sentence is the answer. A TCP packet is a SYN unless --tcp-flags says
 * otherwise, an ICMP one an echo request unless --icmp does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "endpoint.h"
#include "fail.h"
#include "iface.h"
#include "model.h"
#include "output.h"
#include "rule_text.h"

static int protocol(const char *s)
{
    static const char *const names[] = {"icmp", "tcp", "udp", "icmpv6", "gre", "esp", "ah", "sctp"};
    static const int numbers[] = {1, 6, 17, 58, 47, 50, 51, 132};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        if (!strcmp(s, names[i]))
            return numbers[i];
    char *end;
    errno = 0;
    long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
    if (v < 0 || *end || errno || v > 255)
        fail_usage("the protocol is tcp, udp, icmp, icmpv6, gre, esp, ah, sctp or a number "
                   "0..255, not '%s'", s);
    return (int)v;
}

static uint8_t tcp_flags(const char *list)
{
    static const struct { const char *name; uint8_t bit; } flags[] = {
        {"fin", 0x01}, {"syn", 0x02}, {"rst", 0x04}, {"psh", 0x08}, {"ack", 0x10}, {"urg", 0x20},
        {"ece", 0x40}, {"cwr", 0x80}};
    uint8_t bits = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", list ? list : "syn");
    for (char *save, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof flags / sizeof flags[0] && strcmp(w, flags[i].name))
            i++;
        if (i == sizeof flags / sizeof flags[0])
            fail_usage("--tcp-flags takes fin, syn, rst, psh, ack, urg, ece, cwr separated by "
                       "commas, not '%s'", w);
        bits |= flags[i].bit;
    }
    return bits;
}

static void icmp(const char *spec, eni_pkt *p)
{
    unsigned type = p->family == 6 ? 128 : 8, code = 0; /* echo request */
    char end;
    if (spec && sscanf(spec, "%u/%u%c", &type, &code, &end) != 2 &&
        sscanf(spec, "%u%c", &type, &end) != 1)
        fail_usage("--icmp is TYPE or TYPE/CODE, not '%s'", spec);
    if (type > 255 || code > 255)
        fail_usage("--icmp: type and code are 0..255, not '%s'", spec);
    p->icmp_type = (uint8_t)type;
    p->icmp_code = (uint8_t)code;
}

static void endpoint(const char *s, const char *which, bool ports, eni_pkt *p, uint8_t *addr,
                     uint16_t *port)
{
    uint8_t family;
    const char *err = endpoint_parse(s, ports, &family, addr, port);
    if (err)
        fail_usage("%s '%s': %s", which, s, err);
    if (p->family && p->family != family)
        fail_usage("the source and destination are of different families ('%s')", s);
    p->family = family;
}

static void packet(const cli *c, eni_pkt *p)
{
    if (c->nargs != 4 || (strcmp(c->args[2], "->") && strcmp(c->args[2], "to")))
        fail_usage("explain takes PROTO SRC '->' DST, e.g. tcp 203.0.113.5:40000 '->' 10.0.1.7:22");
    memset(p, 0, sizeof *p);
    int proto = protocol(c->args[0]);
    bool ports = endpoint_has_ports((uint8_t)proto);
    endpoint(c->args[1], "source", ports, p, p->src, &p->sport);
    endpoint(c->args[3], "destination", ports, p, p->dst, &p->dport);
    if (proto == 1 && p->family == 6)
        proto = 58; /* ICMP over IPv6 is ICMPv6 */
    if (proto == 58 && p->family == 4)
        fail_usage("icmpv6 needs IPv6 addresses");
    p->proto = (uint8_t)proto;
    p->len = p->family == 4 ? 60 : 80;
    if (c->tcp_flags && proto != 6)
        fail_usage("--tcp-flags is for tcp");
    if (c->icmp && proto != 1 && proto != 58)
        fail_usage("--icmp is for icmp and icmpv6");
    if (proto == 6)
        p->tcp_flags = tcp_flags(c->tcp_flags);
    if (proto == 1 || proto == 58)
        icmp(c->icmp, p);
}

static json_t *to_json(model *m, const iface *f, uint32_t dir, const eni_pkt *p,
                       const eni_verdict *v, const char *text)
{
    char s[ENDPOINT_MAX], d[ENDPOINT_MAX], pb[8], g[ENI_ID_STRING_MAX], r[ENI_ID_STRING_MAX],
        rt[160];
    bool ports = endpoint_has_ports(p->proto), is_icmp = p->proto == 1 || p->proto == 58;
    endpoint_format(s, p->family, p->src, -1);
    endpoint_format(d, p->family, p->dst, -1);
    json_t *doc = output_doc("explain", m);
    json_object_set_new(doc, "interface", json_string(f->id));
    json_object_set_new(doc, "direction", json_string(eni_eval_dir_name(dir)));
    json_object_set_new(doc, "packet", json_pack("{s:s, s:i, s:s, s:o, s:s, s:o, s:i, s:o, s:o}",
        "protocol", protocol_name(p->proto, pb), "family", p->family, "source", s,
        "source_port", ports ? json_integer(p->sport) : json_null(), "destination", d,
        "destination_port", ports ? json_integer(p->dport) : json_null(),
        "tcp_flags", p->tcp_flags,
        "icmp_type", is_icmp ? json_integer(p->icmp_type) : json_null(),
        "icmp_code", is_icmp ? json_integer(p->icmp_code) : json_null()));
    json_object_set_new(doc, "action", json_string(eni_action_name(v->action)));
    json_object_set_new(doc, "reason", json_string(eni_reason_name(v->reason)));
    if (v->rule.v)
        rule_text(m->ctx, v->rule, rt, sizeof rt);
    json_object_set_new(doc, "group", v->group.v ? json_string(model_id(m, v->group.v, g)) : json_null());
    json_object_set_new(doc, "rule", v->rule.v ? json_string(model_id(m, v->rule.v, r)) : json_null());
    json_object_set_new(doc, "rule_text", v->rule.v ? json_string(rt) : json_null());
    json_object_set_new(doc, "explanation", json_string(text));
    return doc;
}

static uint32_t direction(const cli *c, const iface *f, const eni_pkt *p)
{
    int dir = c->direction ? c->direction : iface_direction(f, p, NULL);
    if (!dir)
        fail_input(NULL, NULL, "neither %s nor %s is an address of %s: say which way the packet "
                   "crosses it with --direction in|out", c->args[1], c->args[3], f->id);
    return (uint32_t)dir;
}

int cmd_explain(const cli *c)
{
    eni_pkt p;
    packet(c, &p); /* the words first: a typo needs no model */
    model m;
    iface f;
    model_load(&m, c->models, c->nmodels);
    iface_open(&m, c->interface, &f);
    uint32_t dir = direction(c, &f, &p);
    eni_verdict v;
    char text[4096];
    if (eni_eval_explain(m.ctx, f.nic, dir, &p, 0, &v, text, sizeof text) != ENI_OK)
        fail_libeni("eni_eval_explain");
    if (c->json)
        output_json(to_json(&m, &f, dir, &p, &v, text));
    else {
        report_brief(&m.rep, stderr);
        printf("%s %s %s %s %s on %s\n%s\n", eni_eval_dir_name(dir), c->args[0], c->args[1],
               c->args[2], c->args[3], f.id, text);
        output_flush();
    }
    int status = v.action == ENI_ALLOW ? ENICTL_EXIT_OK : ENICTL_EXIT_DROPPED;
    iface_close(&f);
    model_free(&m);
    return status;
}
