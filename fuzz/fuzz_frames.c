/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The frame parser and the evaluator's burst and explain paths, on an
 * interface attached through the public API whose groups hold rules of
 * every shape (fuzz.h).
 *
 * The host is built once (an attach allocates the flow tables, which costs
 * more than an input; it is built again before the clock nears 2^62 ns).
 * Inputs are kept apart in time instead: each starts 11.6 days (past the
 * longest idle timeout plus an input's own clock steps) after the last,
 * sweeps away every flow the earlier ones left, and undoes its own changes
 * at the end, so a verdict depends on the input alone. Model changes are kept out of
 * the common path (each one recompiles the rules): the interface without
 * the source/destination check is a second attached one, not a toggle.
 *
 * Input: a mode byte, a parameter byte, then records. A record is a control
 * byte (bit 0: direction, bits 1-7: how far the clock moves) and either a
 * frame (u16 little-endian length, then the bytes) or, in raw mode, an
 * eni_pkt as its bytes.
 *
 * Checks: eni_eval_frames() answers MALFORMED exactly when eni_pkt_parse()
 * refuses the frame; eni_eval_explain() (which changes nothing) predicts
 * the action and reason of the evaluation that follows it; an allowing
 * rule named by ENI_EVAL_WANT_RULE exists and belongs to its group; the
 * worker's counters add up; the model's invariants hold at the end.
 *
 * ENI_FUZZ_VERBOSE=1 prints each record's verdict (to check what a seed
 * reaches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

enum {
    MODE_OUTBOUND = 1 << 0,    /* the direction for the batch passes */
    MODE_ROUTER = 1 << 1,      /* the attached interface without the source/dest check */
    MODE_WANT_RULE = 1 << 2,   /* ENI_EVAL_WANT_RULE */
    MODE_SMALL_TABLE = 1 << 3, /* conntrack allowance 1..8 (param & 7) */
    MODE_SPARE = 1 << 4,       /* the interface that is not attached (wins over ROUTER) */
    MODE_RAW = 1 << 5,         /* records are eni_pkt structs, not frames */
    MODE_EXTRA_RULE = 1 << 6,  /* one more rule, decoded from the input */
    MODE_TEXT = 1 << 7         /* explain writes its sentence (into 1 + param bytes) */
};

#define MAX_RECORDS 32

static const char *const EXTRA_CIDRS[] = {"0.0.0.0/0", "::/0", "10.0.1.0/24", "10.0.1.10/32",
                                          "2001:db8:0:100::10/128", "128.0.0.0/1", "::/1"};

/* One more rule on `web`, decoded from the input; its id, or the null id
 * when it was refused. */
static eni_sg_rule_id extra_rule(fz_host *h, fz_in *in)
{
    static const int protos[] = {ENI_PROTO_ALL, 1, 6, 17, 58, 47, 0, 255};
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    uint8_t b = fz_u8(in);
    r.protocol = (b & 0x80) ? (int)(int8_t)fz_u8(in) : protos[b & 7];
    r.from_port = (int16_t)fz_u16(in);
    r.to_port = (int16_t)fz_u16(in);
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = FZ_PICK(in, EXTRA_CIDRS);
    eni_direction dir = (b & 0x40) ? ENI_EGRESS : ENI_INGRESS;
    eni_sg_rule_id id = {0};
    char *before = fz_dump(h->ctx);
    int rc = eni_sg_authorize(h->ctx, h->web, dir, &r, 1, &id);
    fz_outcome(h->ctx, "eni_sg_authorize (extra rule)", rc, before);
    return rc == ENI_OK ? id : (eni_sg_rule_id){0};
}

/* The evaluation's verdict against what explain predicted for it. */
static void same_verdict(const eni_verdict *got, const eni_verdict *predicted, unsigned i)
{
    FZ_CHECK(got->action == predicted->action && got->reason == predicted->reason,
             "record %u: explain predicted %s/%s, the evaluation said %s/%s", i,
             eni_action_name(predicted->action), eni_reason_name(predicted->reason),
             eni_action_name(got->action), eni_reason_name(got->reason));
}

static void check_rule(fz_host *h, const eni_verdict *v, uint32_t flags, unsigned i)
{
    FZ_CHECK(v->action == (v->reason < ENI_REASON_NO_RULE ? ENI_ALLOW : ENI_DROP),
             "record %u: action %u with reason %s", i, v->action, eni_reason_name(v->reason));
    bool by_rule = v->reason == ENI_REASON_RULE || v->reason == ENI_REASON_UNTRACKED;
    if (!(flags & ENI_EVAL_WANT_RULE) || !by_rule)
        return;
    eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
    FZ_CHECK(eni_sg_rule_describe(h->ctx, v->rule, &ri) == ENI_OK,
             "record %u: the allowing rule does not exist", i);
    FZ_CHECK(ri.group.v == v->group.v, "record %u: the rule is not in the verdict's group", i);
}

static void check_counters(eni_eval_worker *w)
{
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    FZ_OK(eni_eval_worker_counters(w, &c));
    uint64_t sum = 0;
    for (size_t i = 0; i < sizeof c.by_reason / sizeof c.by_reason[0]; i++)
        sum += c.by_reason[i];
    FZ_CHECK(c.packets == c.allowed + c.dropped && c.packets == sum,
             "counters: %llu packets, %llu allowed, %llu dropped, %llu by reason",
             (unsigned long long)c.packets, (unsigned long long)c.allowed,
             (unsigned long long)c.dropped, (unsigned long long)sum);
}

#define ALLOWANCE 64             /* the host's conntrack allowance (small tables) */
#define EPOCH 1000000000000000ull /* ns between inputs: longer than any idle timeout */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_host h;
    static uint64_t epoch;
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("ENI_FUZZ_VERBOSE") != NULL;
    if (epoch > (1ull << 62)) { /* about 4600 inputs before the clock could wrap: start again */
        fz_host_free(&h);
        epoch = 0;
    }
    if (!h.ctx) {
        fz_host_new(&h, true);
        FZ_OK(eni_nic_set_conntrack_allowance(h.ctx, h.nic, ALLOWANCE));
    }
    eni_ctx *ctx = h.ctx;
    epoch += EPOCH;
    uint32_t count = 0, removed = 0;
    eni_flow_info flows[8];
    FZ_OK(eni_nic_sweep_flows(ctx, h.nic, epoch, &removed));
    FZ_OK(eni_nic_list_flows(ctx, h.nic, epoch, flows, 8, &count));
    FZ_CHECK(count == 0, "%u flows outlived every timeout", count);

    fz_in in = {data, size};
    uint8_t mode = fz_u8(&in), param = fz_u8(&in);
    eni_nic_id nic = (mode & MODE_SPARE) ? h.spare : (mode & MODE_ROUTER) ? h.router : h.nic;
    if (mode & MODE_SMALL_TABLE)
        FZ_OK(eni_nic_set_conntrack_allowance(ctx, h.nic, 1u + (param & 7u)));
    eni_sg_rule_id extra = {0};
    if (mode & MODE_EXTRA_RULE)
        extra = extra_rule(&h, &in);
    uint32_t flags = (mode & MODE_WANT_RULE) ? ENI_EVAL_WANT_RULE : 0;
    uint32_t batch_dir = (mode & MODE_OUTBOUND) ? ENI_DIR_OUTBOUND : ENI_DIR_INBOUND;

    eni_eval_worker *w;
    FZ_OK(eni_eval_worker_new(ctx, &w));
    static uint8_t frames[MAX_RECORDS][2048];
    const uint8_t *fptr[MAX_RECORDS];
    uint32_t flen[MAX_RECORDS];
    eni_pkt pkts[MAX_RECORDS];
    unsigned n = 0, parsed = 0;
    uint64_t now = epoch;

    while (in.n && n < MAX_RECORDS) {
        uint8_t ctl = fz_u8(&in);
        uint32_t dir = (ctl & 1) ? ENI_DIR_OUTBOUND : ENI_DIR_INBOUND;
        now += (uint64_t)(ctl >> 1) * (ctl & 0x80 ? 60000000000ull : 1000000ull);
        eni_pkt pkt;
        int prc;
        eni_verdict v;
        int erc;
        bool raw = (mode & MODE_RAW) != 0;
        if (raw) {
            memset(&pkt, 0, sizeof pkt);
            fz_bytes(&in, &pkt, sizeof pkt);
            prc = ENI_OK;
        } else {
            uint32_t len = fz_u16(&in) % sizeof frames[0];
            len = (uint32_t)fz_bytes(&in, frames[n], len);
            fptr[n] = frames[n];
            flen[n] = len;
            memset(&pkt, 0xa5, sizeof pkt);
            eni_pkt untouched;
            memcpy(&untouched, &pkt, sizeof pkt);
            prc = eni_pkt_parse(frames[n], len, &pkt);
            if (prc != ENI_OK)
                FZ_CHECK(memcmp(&pkt, &untouched, sizeof pkt) == 0,
                         "record %u: a refused parse wrote its output", n);
            else
                FZ_CHECK(pkt.len <= len && (pkt.family == 4 || pkt.family == 6),
                         "record %u: parsed length %u of a %u-byte frame, family %u", n, pkt.len,
                         len, pkt.family);
        }
        /* explain first: it changes nothing and must predict the evaluation */
        eni_verdict predicted = {0};
        char text[300];
        size_t textlen = 1 + (size_t)param;
        memset(text, '#', sizeof text);
        int xrc = prc == ENI_OK ? eni_eval_explain(ctx, nic, dir, &pkt, now, &predicted,
                                                   (mode & MODE_TEXT) ? text : NULL, textlen)
                                : ENI_EINVAL;
        if (xrc == ENI_OK && (mode & MODE_TEXT))
            FZ_CHECK(memchr(text, '\0', textlen) && text[textlen] == '#',
                     "record %u: explain's sentence overran its %zu bytes", n, textlen);
        if (raw) {
            erc = eni_eval_burst(w, nic, dir, &pkt, 1, now, flags, &v);
            if (pkt.family != 4 && pkt.family != 6) {
                /* eni/eval.h says ENI_EINVAL; the burst path answers MALFORMED
                 * (as it does for a frame that does not parse): either will do */
                FZ_CHECK(erc == ENI_EINVAL || ((mode & MODE_SPARE) && erc == ENI_ENOTFOUND) ||
                             (erc == ENI_OK && v.reason == ENI_REASON_MALFORMED),
                         "record %u: a family-%u packet was evaluated: %s, %s", n, pkt.family,
                         eni_err_name(erc), eni_reason_name(v.reason));
                n++;
                continue;
            }
        } else {
            erc = eni_eval_frames(w, nic, dir, &fptr[n], &flen[n], 1, now, flags, &v);
        }
        if (erc != ENI_OK) {
            /* only an interface the evaluator never saw (the spare) is refused */
            FZ_CHECK((mode & MODE_SPARE) && (erc == ENI_ENOTFOUND || erc == ENI_ESTALE),
                     "record %u: evaluation refused: %s", n, eni_err_name(erc));
        } else {
            if (!raw)
                FZ_CHECK((prc != ENI_OK) == (v.reason == ENI_REASON_MALFORMED),
                         "record %u: parse said %s, the evaluator said %s", n, eni_err_name(prc),
                         eni_reason_name(v.reason));
            if (xrc == ENI_OK)
                same_verdict(&v, &predicted, n);
            check_rule(&h, &v, flags, n);
            if (verbose)
                fprintf(stderr, "record %u: %s %s, %s: %s/%s\n", n, eni_eval_dir_name(dir),
                        raw ? "record" : "frame", prc == ENI_OK ? "parsed" : "malformed",
                        eni_action_name(v.action), eni_reason_name(v.reason));
        }
        if (prc == ENI_OK)
            pkts[parsed++] = pkt;
        n++;
    }

    /* the batch paths: every record again in one burst, frames and packets */
    eni_verdict out[MAX_RECORDS];
    now += 1000;
    if (!(mode & MODE_RAW) && n) {
        int rc = eni_eval_frames(w, nic, batch_dir, fptr, flen, n, now, flags, out);
        FZ_CHECK(rc == ENI_OK || (mode & MODE_SPARE), "batch of frames: %s", eni_err_name(rc));
    }
    if (parsed) {
        int rc = eni_eval_burst(w, nic, batch_dir, pkts, parsed, now, flags, out);
        FZ_CHECK(rc == ENI_OK || (mode & MODE_SPARE), "batch of packets: %s", eni_err_name(rc));
    }
    check_counters(w);

    /* the queries over the flows the input made */
    eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
    if (eni_nic_list_flows(ctx, h.nic, now, flows, 8, &count) == ENI_OK &&
        eni_nic_get_conntrack(ctx, h.nic, &st) == ENI_OK)
        FZ_CHECK(count <= st.tracked && st.tracked <= st.allowance,
                 "%u live flows, %llu tracked, allowance %llu", count,
                 (unsigned long long)st.tracked, (unsigned long long)st.allowance);
    eni_eval_worker_free(w);

    /* undo the input's changes */
    if (mode & MODE_SMALL_TABLE)
        FZ_OK(eni_nic_set_conntrack_allowance(ctx, h.nic, ALLOWANCE));
    if (extra.v)
        FZ_OK(eni_sg_revoke_rules(ctx, h.web, &extra, 1));
    fz_invariants(ctx, "the evaluation");
    return 0;
}
