/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A replay's flows and summary, as text and as JSON (docs/enictl.md). */
#include <stdio.h>
#include <string.h>

#include "endpoint.h"
#include "replay.h"
#include "output.h"
#include "rule_text.h"

static void verdict_json(const replay_result *r, json_t *j, uint8_t dir, const eni_verdict *v);

static bool is_icmp(const eni_pkt *p)
{
    return (p->family == 4 && p->proto == 1) || (p->family == 6 && p->proto == 58);
}

static bool listed(const replay_result *r, const flow *fl)
{
    return r->c->flows == CLI_FLOWS_ALL || (r->c->flows == CLI_FLOWS_DROPPED && fl->dropped);
}

/* "tcp 203.0.113.5:40000 -> 10.0.1.7:22", "icmp 203.0.113.5 -> 10.0.1.7 type 8 id 7" */
static void flow_words(const flow *fl, char *buf, size_t len)
{
    const eni_pkt *p = &fl->first_pkt;
    char pb[8], s[ENDPOINT_MAX], d[ENDPOINT_MAX];
    bool ports = endpoint_has_ports(p->proto);
    endpoint_format(s, p->family, p->src, ports ? p->sport : -1);
    endpoint_format(d, p->family, p->dst, ports ? p->dport : -1);
    int n = snprintf(buf, len, "%s %s -> %s", protocol_name(p->proto, pb), s, d);
    if (is_icmp(p) && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " type %u id %u", p->icmp_type, p->sport);
}

static void print_outcome(const replay_result *r, const outcome *o, FILE *to)
{
    char g[ENI_ID_STRING_MAX], rid[ENI_ID_STRING_MAX], text[160];
    fprintf(to, "  %6llu %-8s %-5s %s", (unsigned long long)o->packets,
            eni_eval_dir_name(o->dir), eni_action_name(o->action), eni_reason_name(o->reason));
    if (o->rule.v) {
        rule_text(r->m->ctx, o->rule, text, sizeof text);
        fprintf(to, "%*s %s %s: %s", 14 - (int)strlen(eni_reason_name(o->reason)), "",
                model_id(r->m, o->group.v, g), model_id(r->m, o->rule.v, rid), text);
    }
    fputc('\n', to);
}

static void print_packets(const replay_result *r, FILE *to)
{
    char g[ENI_ID_STRING_MAX], rid[ENI_ID_STRING_MAX], text[160];
    for (size_t i = 0; i < r->npkts; i++) {
        const replay_packet *p = &r->pkts[i];
        fprintf(to, "packet %llu at %llu.%09llu: ", (unsigned long long)p->number,
                (unsigned long long)(p->ts_ns / 1000000000u),
                (unsigned long long)(p->ts_ns % 1000000000u));
        if (!p->dir) {
            fprintf(to, "not judged (%s)\n", p->skipped);
            continue;
        }
        fprintf(to, "%s %s %s", eni_eval_dir_name(p->dir), eni_action_name(p->v.action),
                eni_reason_name(p->v.reason));
        if (p->v.rule.v) {
            rule_text(r->m->ctx, p->v.rule, text, sizeof text);
            fprintf(to, " %s %s: %s", model_id(r->m, p->v.group.v, g),
                    model_id(r->m, p->v.rule.v, rid), text);
        }
        fputc('\n', to);
    }
}

void replay_print_text(const replay_result *r, FILE *to)
{
    fprintf(to, "replay of %s (%s, %s) on %s\n", r->c->args[0], capture_format(r->cap),
            capture_link_name(r->cap), r->f->id);
    for (size_t i = 0; i < r->fl.n; i++) {
        const flow *fl = &r->fl.v[i];
        if (!listed(r, fl))
            continue;
        char words[200];
        const char *why = flows_why(&r->fl, fl);
        if (why)
            snprintf(words, sizeof words, "%s", why);
        else
            flow_words(fl, words, sizeof words);
        fprintf(to, "flow %zu: %s, %llu packet%s (%llu allowed, %llu dropped)\n", i + 1, words,
                (unsigned long long)fl->packets, fl->packets == 1 ? "" : "s",
                (unsigned long long)fl->allowed, (unsigned long long)fl->dropped);
        for (size_t k = 0; k < fl->nout; k++)
            print_outcome(r, &fl->out[k], to);
    }
    print_packets(r, to);
    uint64_t not_judged = r->not_ip + r->unknown_direction;
    fprintf(to, "summary: %llu packet%s, %llu allowed, %llu dropped, %llu not judged; %zu flow%s\n",
            (unsigned long long)r->packets, r->packets == 1 ? "" : "s",
            (unsigned long long)r->allowed, (unsigned long long)r->dropped,
            (unsigned long long)not_judged, r->fl.n, r->fl.n == 1 ? "" : "s");
    for (int reason = 0; reason < REPLAY_REASONS; reason++)
        if (r->by_reason[reason])
            fprintf(to, "  %-18s %llu\n", eni_reason_name((uint32_t)reason),
                    (unsigned long long)r->by_reason[reason]);
    if (r->not_ip)
        fprintf(to, "  %-18s %llu\n", "not-ip", (unsigned long long)r->not_ip);
    if (r->unknown_direction)
        fprintf(to, "  %-18s %llu (--unknown-direction in|out judges them)\n", "unknown-direction",
                (unsigned long long)r->unknown_direction);
    if (r->time_backwards)
        fprintf(to, "  %llu packet%s older than the one before: judged at the later time\n",
                (unsigned long long)r->time_backwards, r->time_backwards == 1 ? " was" : "s were");
    if (r->c->dropped)
        fprintf(to, "dropped packets written to %s: %llu\n", r->c->dropped,
                (unsigned long long)r->written);
}

static json_t *address(uint8_t family, const uint8_t a[16])
{
    char buf[ENDPOINT_MAX];
    endpoint_format(buf, family, a, -1);
    return json_string(buf);
}

static json_t *outcome_json(const replay_result *r, const outcome *o)
{
    eni_verdict v = {.action = o->action, .reason = o->reason, .group = o->group, .rule = o->rule};
    json_t *j = json_object();
    verdict_json(r, j, o->dir, &v);
    json_object_set_new(j, "packets", json_integer((json_int_t)o->packets));
    json_object_set_new(j, "first_packet", json_integer((json_int_t)o->first));
    return j;
}

static json_t *flow_json(const replay_result *r, const flow *fl, size_t number)
{
    const eni_pkt *p = &fl->first_pkt;
    const char *why = flows_why(&r->fl, fl);
    char pb[8];
    bool ports = !why && endpoint_has_ports(p->proto);
    json_t *j = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:I, "
                          "s:I, s:o}",
                          "number", (json_int_t)number,
                          "protocol", why ? json_null() : json_string(protocol_name(p->proto, pb)),
                          "family", why ? json_null() : json_integer(p->family),
                          "source", why ? json_null() : address(p->family, p->src),
                          "source_port", ports ? json_integer(p->sport) : json_null(),
                          "destination", why ? json_null() : address(p->family, p->dst),
                          "destination_port", ports ? json_integer(p->dport) : json_null(),
                          "icmp_type", !why && is_icmp(p) ? json_integer(p->icmp_type) : json_null(),
                          "initiator", eni_eval_dir_name(fl->initiator),
                          "first_packet", (json_int_t)fl->first,
                          "first_seen_ns", (json_int_t)fl->first_ns,
                          "last_seen_ns", (json_int_t)fl->last_ns,
                          "packets", (json_int_t)fl->packets,
                          "allowed", (json_int_t)fl->allowed,
                          "dropped", (json_int_t)fl->dropped,
                          "malformed", why ? json_string(why) : json_null());
    json_t *v = json_array();
    for (size_t k = 0; k < fl->nout; k++)
        json_array_append_new(v, outcome_json(r, &fl->out[k]));
    json_object_set_new(j, "verdicts", v);
    return j;
}

/* The verdict members of a flow's outcome or a packet's. */
static void verdict_json(const replay_result *r, json_t *j, uint8_t dir, const eni_verdict *v)
{
    char g[ENI_ID_STRING_MAX], rid[ENI_ID_STRING_MAX], text[160];
    json_object_set_new(j, "direction", json_string(eni_eval_dir_name(dir)));
    json_object_set_new(j, "action", json_string(eni_action_name(v->action)));
    json_object_set_new(j, "reason", json_string(eni_reason_name(v->reason)));
    if (v->rule.v)
        rule_text(r->m->ctx, v->rule, text, sizeof text);
    json_object_set_new(j, "group", v->group.v ? json_string(model_id(r->m, v->group.v, g)) : json_null());
    json_object_set_new(j, "rule", v->rule.v ? json_string(model_id(r->m, v->rule.v, rid)) : json_null());
    json_object_set_new(j, "rule_text", v->rule.v ? json_string(text) : json_null());
}

static json_t *packets_json(const replay_result *r)
{
    if (!r->c->packets)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < r->npkts; i++) {
        const replay_packet *p = &r->pkts[i];
        json_t *j = json_pack("{s:I, s:I}", "number", (json_int_t)p->number, "time_ns",
                              (json_int_t)p->ts_ns);
        if (p->dir)
            verdict_json(r, j, p->dir, &p->v);
        else {
            json_object_set_new(j, "direction", json_null());
            json_object_set_new(j, "action", json_null());
            json_object_set_new(j, "reason", json_string(p->skipped));
        }
        json_array_append_new(a, j);
    }
    return a;
}

static json_t *summary_json(const replay_result *r)
{
    json_t *by = json_object();
    for (uint32_t reason = 1; reason < REPLAY_REASONS; reason++)
        if (strcmp(eni_reason_name(reason), "unknown"))
            json_object_set_new(by, eni_reason_name(reason), json_integer((json_int_t)r->by_reason[reason]));
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:{s:I, s:I}, s:I}",
                     "packets", (json_int_t)r->packets,
                     "judged", (json_int_t)(r->allowed + r->dropped),
                     "allowed", (json_int_t)r->allowed,
                     "dropped", (json_int_t)r->dropped,
                     "flows", (json_int_t)r->fl.n,
                     "by_reason", by,
                     "not_judged", "not-ip", (json_int_t)r->not_ip,
                     "unknown-direction", (json_int_t)r->unknown_direction,
                     "time_went_backwards", (json_int_t)r->time_backwards);
}

json_t *replay_json(const replay_result *r)
{
    json_t *doc = output_doc("replay", r->m);
    json_t *list = json_array();
    for (size_t i = 0; i < r->fl.n; i++)
        if (listed(r, &r->fl.v[i]))
            json_array_append_new(list, flow_json(r, &r->fl.v[i], i + 1));
    json_object_set_new(doc, "interface", json_string(r->f->id));
    json_object_set_new(doc, "capture", json_pack("{s:s, s:s, s:s}", "file", r->c->args[0],
                                                  "format", capture_format(r->cap), "link_type",
                                                  capture_link_name(r->cap)));
    json_object_set_new(doc, "flows", list);
    json_object_set_new(doc, "packets", packets_json(r));
    json_object_set_new(doc, "summary", summary_json(r));
    json_object_set_new(doc, "dropped_file",
                        r->c->dropped ? json_pack("{s:s, s:I}", "file", r->c->dropped, "packets",
                                                  (json_int_t)r->written)
                                      : json_null());
    json_object_set_new(doc, "error", r->error ? json_pack("{s:i, s:s, s:s}", "status", 2, "file",
                                                           r->c->args[0], "message", r->error)
                                               : json_null());
    return doc;
}
