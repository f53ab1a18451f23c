/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl replay: the packets of a capture through one interface's security
 * groups, in order, at their capture timestamps (a timestamp earlier than
 * the one before it is taken as that one: the evaluator's clock never runs
 * back). Each IP packet is parsed into a record here rather than by the
 * evaluator, for two reasons: its addresses say which way it crosses the
 * interface, and a packet the capture's snap length cut short is judged on
 * the headers it kept instead of being malformed. One record at a time goes
 * to eni_eval_burst_dirs(), so the dropped packets can be written out as
 * they are read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "fail.h"
#include "mem.h"
#include "output.h"
#include "progress.h"
#include "replay.h"

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The record of an IP packet, or its fault in @why (a non-empty string). */
static void parse(const cap_pkt *cp, eni_pkt *out, char *why, size_t whylen)
{
    static uint8_t buf[262144];
    const uint8_t *ip = cp->l3;
    uint32_t n = cp->l3_len;
    bool cut = n < cp->l3_wire_len && n >= 1 && n <= sizeof buf;
    if (cut) { /* the lengths in the IP header say what was captured */
        memcpy(buf, ip, n);
        if (buf[0] >> 4 == 4 && n >= 20)
            buf[2] = (uint8_t)(n >> 8), buf[3] = (uint8_t)n;
        else if (buf[0] >> 4 == 6 && n >= 40)
            buf[4] = (uint8_t)((n - 40) >> 8), buf[5] = (uint8_t)(n - 40);
        ip = buf;
    }
    why[0] = 0;
    if (eni_pkt_parse_ip(ip, n, out) != ENI_OK) {
        memset(out, 0, sizeof *out);
        snprintf(why, whylen, "%s%s", eni_error_last()->message,
                 cut ? " (the capture's snap length cut the packet short)" : "");
        return;
    }
    if (cut) /* the length on the wire */
        out->len = cp->l3[0] >> 4 == 4 ? rd16(cp->l3 + 2) : 40u + rd16(cp->l3 + 4);
}

static void remember(replay_result *r, const cap_pkt *cp, uint8_t dir, const char *skipped,
                     const eni_verdict *v)
{
    if (!r->c->packets)
        return;
    XGROW(r->pkts, r->cap_pkts, r->npkts);
    r->pkts[r->npkts++] = (replay_packet){cp->number, cp->ts_ns, dir, skipped, *v};
}

static void judge(replay_result *r, eni_eval_worker *w, pcap_dumper_t *dump, const cap_pkt *cp,
                  uint64_t *clock)
{
    char why[512] = "";
    eni_pkt pkt;
    memset(&pkt, 0, sizeof pkt);
    r->packets++;
    eni_verdict v = {0};
    if (cp->cls == CAP_NOT_IP) {
        r->not_ip++;
        remember(r, cp, 0, "not-ip", &v);
        return;
    }
    if (cp->cls == CAP_BAD)
        snprintf(why, sizeof why, "%s", cp->what);
    else
        parse(cp, &pkt, why, sizeof why);
    int dir = iface_direction(r->f, why[0] ? NULL : &pkt, cp);
    if (!dir) /* a malformed packet is malformed either way */
        dir = why[0] ? ENI_DIR_INBOUND : r->c->unknown_direction;
    if (!dir) {
        r->unknown_direction++;
        remember(r, cp, 0, "unknown-direction", &v);
        return;
    }
    if (cp->ts_ns < *clock)
        r->time_backwards++;
    else
        *clock = cp->ts_ns;
    uint8_t d = (uint8_t)dir;
    if (eni_eval_burst_dirs(w, r->f->nic, &d, &pkt, 1, *clock, ENI_EVAL_WANT_RULE, &v) != ENI_OK)
        fail_libeni("eni_eval_burst_dirs");
    flows_add(&r->fl, cp->number, *clock, d, &pkt, &v, why[0] ? why : NULL);
    remember(r, cp, d, NULL, &v);
    if (v.reason < REPLAY_REASONS)
        r->by_reason[v.reason]++;
    if (v.action == ENI_ALLOW) {
        r->allowed++;
        return;
    }
    r->dropped++;
    if (dump) {
        pcap_dump((u_char *)dump, cp->hdr, cp->data);
        r->written++;
    }
}

static void run(replay_result *r, pcap_dumper_t *dump)
{
    eni_eval_worker *w;
    if (eni_eval_worker_new(r->m->ctx, &w) != ENI_OK)
        fail_libeni("eni_eval_worker_new");
    progress pr;
    progress_init(&pr, r->c->progress);
    uint64_t clock = 0;
    cap_pkt cp;
    int rc;
    while ((rc = capture_next(r->cap, &cp)) == 1) {
        judge(r, w, dump, &cp, &clock);
        if ((r->packets & 1023) == 0)
            progress_update(&pr, r->packets, capture_done(r->cap));
    }
    progress_end(&pr);
    if (rc < 0)
        r->error = capture_error(r->cap);
    eni_eval_worker_free(w);
}

int cmd_replay(const cli *c)
{
    model m;
    iface f;
    model_load(&m, c->models, c->nmodels);
    if (c->nargs == 0)
        fail_usage("replay needs a capture: put it after the options, or after '--'");
    iface_open(&m, c->interface, &f);
    replay_result r = {.c = c, .m = &m, .f = &f};
    r.cap = capture_open(c->args[0]);
    pcap_dumper_t *dump = NULL;
    if (c->dropped && !(dump = pcap_dump_open(capture_pcap(r.cap), c->dropped)))
        fail_input(c->dropped, NULL, "cannot write the dropped packets: %s",
                   pcap_geterr(capture_pcap(r.cap)));
    run(&r, dump);
    if (dump && (pcap_dump_flush(dump) != 0 || ferror(pcap_dump_file(dump))))
        fail_internal("%s: writing the dropped packets failed", c->dropped);
    if (dump)
        pcap_dump_close(dump);
    if (!c->json)
        report_brief(&m.rep, stderr);
    if (c->json)
        output_json(replay_json(&r));
    else {
        replay_print_text(&r, stdout);
        output_flush();
    }
    int status = r.error ? ENICTL_EXIT_INPUT : r.dropped ? ENICTL_EXIT_DROPPED : ENICTL_EXIT_OK;
    if (r.error)
        fprintf(stderr, "enictl: %s: damaged after packet %llu: %s\n", c->args[0],
                (unsigned long long)r.packets, r.error);
    flows_free(&r.fl);
    free(r.pkts);
    capture_close(r.cap);
    iface_close(&f);
    model_free(&m);
    return status;
}
