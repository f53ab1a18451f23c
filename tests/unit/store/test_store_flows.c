/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What a restart hands over besides the model (eni/state.h): tracked flows
 * and conntrack counters at a graceful stop or a checkpoint, and the
 * attachments a crash left half-way, which the next process settles with
 * its backend. Crashes are real: a forked child opens the file and _exits
 * without eni_ctx_free (children report through their exit status). */
#include <time.h>

#include "eval/eval_host.h"
#include "store_helpers.h"

#include "eni/sys/mock.h"

static const char *const PATH = "store_flows.state";
static const char *const PATH2 = "store_flows.2.state";
static const uint64_t SEC = 1000000000ull;

enum { OUT = ENI_DIR_OUTBOUND, IN = ENI_DIR_INBOUND };
enum { SYN = 0x02, ACK = 0x10 };

static eni_ctx_opts opts_for(const char *path)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.seed = 5;
    o.state_path = path;
    return o;
}

/* eval_host.h's host (a running m5.large, one interface with one IPv4 and
 * one IPv6 address) on a state file, in a group that admits inbound SSH
 * from 10.0.0.0/8 (and 2001:db8::/32) only; outbound is the default: all. */
static void host_new(struct eval_host *h, const char *path)
{
    st_remove(path);
    eni_ctx_opts o = opts_for(path);
    eval_host_new(h, &o, "ssh");
    eval_host_allow(h->ctx, h->group, ENI_INGRESS, 6, 22, 22, "10.0.0.0/8");
    eval_host_allow(h->ctx, h->group, ENI_INGRESS, 6, 22, 22, "2001:db8::/32");
}

/* The same host from the file: the ctx and the ids of its objects. */
static int host_reopen(struct eval_host *h, const char *path, eni_ctx **out)
{
    eni_ctx_opts o = opts_for(path);
    int rc = eni_ctx_new(&o, out);
    if (rc == ENI_OK)
        h->ctx = *out;
    return rc;
}

static eni_verdict eval1(eni_eval_worker *w, eni_nic_id nic, uint32_t dir, eni_pkt p,
                         uint64_t now)
{
    eni_verdict v;
    memset(&v, 0, sizeof v);
    assert_eni_ok(eni_eval_burst(w, nic, dir, &p, 1, now, 0, &v));
    return v;
}

struct addrs {
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
};

static struct addrs host_addrs(const struct eval_host *h)
{
    struct addrs a;
    eval_host_addresses(h, a.ip4, a.ip6);
    return a;
}

/* The instance connects out to 198.51.100.7:443; 10.1.2.3 connects in to
 * port 22. Two new flows. */
static void make_v4_flows(struct eval_host *h, eni_eval_worker *w, uint64_t now)
{
    struct addrs a = host_addrs(h);
    assert_verdict(eval1(w, h->nic, OUT,
                         eval_host_pkt(6, a.ip4, 40000, "198.51.100.7", 443, SYN), now),
                   ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(eval1(w, h->nic, IN, eval_host_pkt(6, "10.1.2.3", 50000, a.ip4, 22, SYN), now),
                   ENI_ALLOW, ENI_REASON_RULE);
}

/* The reply of the outbound flow: no rule admits 198.51.100.7, so only the
 * tracked flow lets it in. */
static eni_verdict v4_reply(struct eval_host *h, eni_eval_worker *w, uint64_t now)
{
    struct addrs a = host_addrs(h);
    return eval1(w, h->nic, IN,
                 eval_host_pkt(6, "198.51.100.7", 443, a.ip4, 40000, SYN | ACK), now);
}

static uint64_t flow_count(eni_ctx *ctx, eni_nic_id nic, uint64_t now)
{
    uint32_t n = 0;
    assert_eni_ok(eni_nic_list_flows(ctx, nic, now, NULL, 0, &n));
    return n;
}

static int cleanup(void **state)
{
    (void)state;
    st_remove(PATH);
    st_remove(PATH2);
    return 0;
}

/* ---- hand-over at a graceful stop ------------------------------------------------ */

static void test_flows_survive_a_graceful_restart(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(h.ctx, &w));
    make_v4_flows(&h, w, 1 * SEC);
    assert_int_equal(flow_count(h.ctx, h.nic, 1 * SEC), 2);
    /* A second file with the same model whose flows are lost, as the
     * control: the same reply must then be dropped. */
    eval_host_free(&h, w);
    assert_false(st_exists("store_flows.state-wal"));
    size_t len;
    uint8_t *bytes = file_read(PATH, &len);
    st_remove(PATH2);
    file_write(PATH2, bytes, len);
    free(bytes);
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 1); /* one interface */
    sql_run(PATH2, "DELETE FROM flows");

    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    eni_state_info si = st_info(ctx);
    assert_int_equal(si.flows_loaded, 2);
    assert_int_equal(flow_count(ctx, h.nic, 2 * SEC), 2);
    assert_eni_ok(eni_ctx_check(ctx));
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(v4_reply(&h, w, 2 * SEC), ENI_ALLOW, ENI_REASON_TRACKED);
    /* The inbound flow's reply goes out as part of it too. */
    struct addrs a = host_addrs(&h);
    assert_verdict(eval1(w, h.nic, OUT, eval_host_pkt(6, a.ip4, 22, "10.1.2.3", 50000, SYN | ACK),
                         2 * SEC),
                   ENI_ALLOW, ENI_REASON_TRACKED);
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(w, &c));
    assert_int_equal(c.flows_created, 0); /* nothing new was tracked */
    eni_eval_worker_free(w);
    eni_ctx_free(ctx);

    /* The control: the same model without its flows drops the reply. */
    assert_eni_ok(host_reopen(&h, PATH2, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 0);
    assert_int_equal(flow_count(ctx, h.nic, 2 * SEC), 0);
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(v4_reply(&h, w, 2 * SEC), ENI_DROP, ENI_REASON_NO_RULE);
    eni_eval_worker_free(w);
    eni_ctx_free(ctx);
    st_remove(PATH);
    st_remove(PATH2);
}

static void test_ipv6_flows_survive_a_graceful_restart(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(h.ctx, &w));
    struct addrs a = host_addrs(&h);
    const char *far = "2001:db9::7"; /* outside 2001:db8::/32: no rule admits it */
    assert_verdict(eval1(w, h.nic, OUT, eval_host_pkt(6, a.ip6, 41000, far, 443, SYN), SEC),
                   ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(eval1(w, h.nic, OUT, eval_host_pkt(17, a.ip6, 41001, far, 53, 0), SEC),
                   ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(eval1(w, h.nic, IN, eval_host_pkt(6, "2001:db8:5::1", 51000, a.ip6, 22, SYN),
                         SEC),
                   ENI_ALLOW, ENI_REASON_RULE);
    /* And one IPv4 flow beside them, in the same row. */
    assert_verdict(eval1(w, h.nic, OUT, eval_host_pkt(17, a.ip4, 41002, "198.51.100.9", 123, 0),
                         SEC),
                   ENI_ALLOW, ENI_REASON_RULE);
    eni_flow_info before[8];
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(h.ctx, h.nic, SEC, before, 8, &n));
    assert_int_equal(n, 4);
    eval_host_free(&h, w);

    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 4);
    eni_flow_info after[8];
    assert_eni_ok(eni_nic_list_flows(ctx, h.nic, SEC, after, 8, &n));
    assert_int_equal(n, 4);
    /* The same flows, field for field (the table's order may differ). */
    for (uint32_t i = 0; i < 4; i++) {
        bool found = false;
        for (uint32_t j = 0; j < 4 && !found; j++)
            found = memcmp(&before[i], &after[j], sizeof before[i]) == 0;
        if (!found)
            fail_msg("flow %u (family %u proto %u port %u) did not come back", i,
                     before[i].family, before[i].proto, before[i].local_port);
    }
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(
        eval1(w, h.nic, IN, eval_host_pkt(6, far, 443, a.ip6, 41000, SYN | ACK), 2 * SEC),
        ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(eval1(w, h.nic, IN, eval_host_pkt(17, far, 53, a.ip6, 41001, 0), 2 * SEC),
                   ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(eval1(w, h.nic, IN, eval_host_pkt(17, "198.51.100.9", 123, a.ip4, 41002, 0),
                         2 * SEC),
                   ENI_ALLOW, ENI_REASON_TRACKED);
    /* Not a flow of this interface: still dropped. */
    assert_verdict(
        eval1(w, h.nic, IN, eval_host_pkt(6, far, 443, a.ip6, 41009, SYN | ACK), 2 * SEC),
        ENI_DROP, ENI_REASON_NO_RULE);
    eni_eval_worker_free(w);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* ---- conntrack counters, expiry, hand-over once ---------------------------------------- */

static void test_conntrack_counters_survive(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    assert_eni_ok(eni_nic_set_conntrack_allowance(h.ctx, h.nic, 2));
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(h.ctx, &w));
    struct addrs a = host_addrs(&h);
    uint64_t exceeded = 0;
    for (uint16_t i = 0; i < 5; i++) {
        eni_pkt p = eval_host_pkt(17, a.ip4, (uint16_t)(30000 + i), "192.0.2.1", 53, 0);
        eni_verdict v = eval1(w, h.nic, OUT, p, SEC);
        if (i < 2) {
            assert_verdict(v, ENI_ALLOW, ENI_REASON_RULE);
        } else {
            assert_verdict(v, ENI_DROP, ENI_REASON_CONNTRACK_FULL);
            exceeded++;
        }
    }
    eni_conntrack_stats before = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_nic_get_conntrack(h.ctx, h.nic, &before));
    assert_int_equal(before.conntrack_allowance_exceeded, exceeded);
    assert_int_equal(before.allowance, 2);
    assert_int_equal(before.tracked, 2);
    eval_host_free(&h, w);

    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 2);
    eni_conntrack_stats after = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_nic_get_conntrack(ctx, h.nic, &after));
    assert_int_equal(after.conntrack_allowance_exceeded, exceeded);
    assert_int_equal(after.allowance, 2);
    assert_int_equal(after.tracked, 2);
    assert_int_equal(after.conntrack_allowance_available, 0);
    eni_conntrack_stats inst = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_instance_get_conntrack(ctx, h.inst, &inst));
    assert_int_equal(inst.conntrack_allowance_exceeded, exceeded);
    /* The ceiling is enforced again: a new flow still does not fit. */
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(
        eval1(w, h.nic, OUT, eval_host_pkt(17, a.ip4, 31000, "192.0.2.1", 53, 0), 2 * SEC),
        ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    assert_eni_ok(eni_nic_get_conntrack(ctx, h.nic, &after));
    assert_int_equal(after.conntrack_allowance_exceeded, exceeded + 1);
    eni_eval_worker_free(w);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* A child opens the file, reports what it loaded, and dies without a
 * graceful stop (what kill -9 or a crash does). FLOWS_THEN_POLL makes two
 * TCP flows and polls past the checkpoint interval; SAVE_THEN_DIE makes
 * those and a UDP flow and saves at a time when the UDP one has idled out.
 * Exit status: flows_loaded (SAVE_THEN_DIE: flows saved), or 100 + the
 * failure point. */
enum child_mode { JUST_OPEN, FLOWS_THEN_POLL, SAVE_THEN_DIE };

static int crash_child(const char *path, uint32_t checkpoint_ms, enum child_mode mode)
{
    pid_t pid = st_fork();
    if (pid != 0)
        return child_status(pid);
    eni_ctx_opts o = opts_for(path);
    o.flow_checkpoint_ms = checkpoint_ms;
    eni_ctx *ctx;
    if (eni_ctx_new(&o, &ctx) != ENI_OK)
        st_child_exit(101);
    eni_state_info si = ENI_STATE_INFO_INIT;
    if (eni_ctx_get_state_info(ctx, &si) != ENI_OK)
        st_child_exit(102);
    if (mode != JUST_OPEN) {
        eni_nic_id nic;
        uint32_t n;
        if (eni_nic_list(ctx, NULL, &nic, 1, &n) != ENI_OK || n != 1)
            st_child_exit(103);
        eni_nic_address ad[2];
        if (eni_nic_get_addresses(ctx, nic, ad, 2, &n) != ENI_OK)
            st_child_exit(104);
        eni_eval_worker *w;
        if (eni_eval_worker_new(ctx, &w) != ENI_OK)
            st_child_exit(105);
        eni_pkt p = eval_host_pkt(6, ad[0].address, 40000, "198.51.100.7", 443, SYN);
        eni_verdict v;
        if (eni_eval_burst(w, nic, OUT, &p, 1, SEC, 0, &v) != ENI_OK ||
            v.reason != ENI_REASON_RULE)
            st_child_exit(106);
        p = eval_host_pkt(6, "10.1.2.3", 50000, ad[0].address, 22, SYN);
        if (eni_eval_burst(w, nic, IN, &p, 1, SEC, 0, &v) != ENI_OK ||
            v.reason != ENI_REASON_RULE)
            st_child_exit(107);
        if (mode == SAVE_THEN_DIE) {
            p = eval_host_pkt(17, ad[0].address, 41002, "198.51.100.9", 123, 0);
            if (eni_eval_burst(w, nic, OUT, &p, 1, SEC, 0, &v) != ENI_OK ||
                v.reason != ENI_REASON_RULE)
                st_child_exit(109);
            eni_flow_info f[4];
            if (eni_nic_list_flows(ctx, nic, SEC, f, 4, &n) != ENI_OK || n != 3)
                st_child_exit(110);
            uint64_t udp_end = 0;
            for (uint32_t i = 0; i < n; i++)
                if (f[i].proto == 17)
                    udp_end = f[i].expires_ns;
            uint64_t saved = 0;
            if (eni_ctx_save_flows(ctx, udp_end + 1, &saved) != ENI_OK)
                st_child_exit(111);
            st_child_exit((int)saved);
        }
        /* Past the checkpoint interval, then the poll that may save. */
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        if (eni_ctx_poll(ctx, 0, NULL, NULL, NULL) != ENI_OK)
            st_child_exit(108);
    }
    st_child_exit((int)si.flows_loaded);
}

/* eni_ctx_save_flows(now) leaves out what has idled out by now. */
static void test_save_flows_leaves_out_expired(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(h.ctx, &w));
    struct addrs a = host_addrs(&h);
    make_v4_flows(&h, w, SEC);
    assert_verdict(
        eval1(w, h.nic, OUT, eval_host_pkt(17, a.ip4, 41002, "198.51.100.9", 123, 0), SEC),
        ENI_ALLOW, ENI_REASON_RULE);
    eni_flow_info f[4];
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(h.ctx, h.nic, SEC, f, 4, &n));
    assert_int_equal(n, 3);
    uint64_t udp_end = 0, tcp_end = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (f[i].proto == 17)
            udp_end = f[i].expires_ns;
        else if (f[i].expires_ns < tcp_end)
            tcp_end = f[i].expires_ns;
    }
    assert_true(udp_end > SEC);
    assert_true(tcp_end > udp_end + SEC); /* UDP idles out first */
    uint64_t saved = 99;
    assert_eni_ok(eni_ctx_save_flows(h.ctx, 0, &saved));
    assert_int_equal(saved, 3); /* 0: every flow */
    assert_eni_ok(eni_ctx_save_flows(h.ctx, udp_end + 1, &saved));
    assert_int_equal(saved, 2);
    assert_eni_ok(eni_ctx_save_flows(h.ctx, tcp_end + 1, &saved));
    assert_int_equal(saved, 0);
    assert_eni_ok(eni_ctx_save_flows(h.ctx, udp_end + 1, &saved));
    assert_int_equal(saved, 2);
    assert_eni_ok(eni_ctx_save_flows(h.ctx, udp_end + 1, NULL));
    eval_host_free(&h, w); /* a graceful stop saves again, with now 0: all three */
    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 3);
    eni_ctx_free(ctx);

    /* What a crash right after eni_ctx_save_flows(now) hands over (the
     * child makes the same flows again on a file without any). */
    sql_run(PATH, "DELETE FROM flows");
    assert_int_equal(crash_child(PATH, 0, SAVE_THEN_DIE), 2);
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 2);
    assert_eni_ok(eni_nic_list_flows(ctx, h.nic, SEC, f, 4, &n));
    assert_int_equal(n, 2);
    assert_int_equal(f[0].proto, 6); /* the UDP flow was left out */
    assert_int_equal(f[1].proto, 6);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* Flows are handed over once: a process that loaded them and crashed hands
 * nothing to the next one. */
static void test_flows_are_handed_over_once(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(h.ctx, &w));
    make_v4_flows(&h, w, SEC);
    eval_host_free(&h, w);
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 1);

    assert_int_equal(crash_child(PATH, 0, JUST_OPEN), 2); /* loaded them, then died */
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 0);
    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 0);
    assert_int_equal(flow_count(ctx, h.nic, 2 * SEC), 0);
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(v4_reply(&h, w, 2 * SEC), ENI_DROP, ENI_REASON_NO_RULE);
    eni_eval_worker_free(w);
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* flow_checkpoint_ms: eni_ctx_poll saves the flows for a crash. The file is
 * read with SQLite after the child that held it died. */
static void test_checkpoint_saves_for_a_crash(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    eval_host_free(&h, NULL);

    /* No checkpoint: the crash loses the flows. */
    assert_int_equal(crash_child(PATH, 0, FLOWS_THEN_POLL), 0);
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 0);
    /* A checkpoint interval not yet reached: nothing saved either. */
    assert_int_equal(crash_child(PATH, 600000, FLOWS_THEN_POLL), 0);
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 0);
    /* A short one: the poll saved them before the crash. */
    assert_int_equal(crash_child(PATH, 5, FLOWS_THEN_POLL), 0);
    assert_int_equal(sql_int(PATH, "SELECT count(*) FROM flows"), 1);
    assert_true(sql_int(PATH, "SELECT length(data) FROM flows") > 2 * 25);

    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_int_equal(st_info(ctx).flows_loaded, 2);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(ctx, &w));
    assert_verdict(v4_reply(&h, w, 2 * SEC), ENI_ALLOW, ENI_REASON_TRACKED);
    eni_eval_worker_free(w);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* An interface's own conntrack allowance is a setting the caller made: it
 * must outlive a crash like the model does, not only ride along with a
 * flow hand-over (which the next start consumes). */
static void test_nic_allowance_survives_a_crash(void **state)
{
    (void)state;
    struct eval_host h;
    host_new(&h, PATH);
    uint64_t commits = st_info(h.ctx).commits;
    assert_eni_ok(eni_nic_set_conntrack_allowance(h.ctx, h.nic, 2));
    assert_int_equal(st_info(h.ctx).commits, commits + 1); /* committed like any setting */
    eval_host_free(&h, NULL);
    /* A start that consumes the hand-over, then a crash. */
    assert_int_equal(crash_child(PATH, 0, JUST_OPEN), 0);
    eni_ctx *ctx;
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    eni_conntrack_stats cs = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_nic_get_conntrack(ctx, h.nic, &cs));
    assert_int_equal(cs.allowance, 2);
    eni_ctx_free(ctx);

    /* Set, then a crash before any hand-over. */
    pid_t pid = st_fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        eni_ctx_opts o = opts_for(PATH);
        eni_ctx *c;
        if (eni_ctx_new(&o, &c) != ENI_OK)
            st_child_exit(1);
        st_child_exit(eni_nic_set_conntrack_allowance(c, h.nic, 3) == ENI_OK ? 0 : 2);
    }
    assert_int_equal(child_status(pid), 0);
    assert_eni_ok(host_reopen(&h, PATH, &ctx));
    assert_eni_ok(eni_nic_get_conntrack(ctx, h.nic, &cs));
    assert_int_equal(cs.allowance, 3);
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* ---- attachments a crash left half-way ----------------------------------------- */

struct halfway {
    eni_nic_id attaching, detaching;
    eni_attachment_id att_attaching, att_detaching;
    eni_instance_id inst;
};

/* In a child: an instance with one interface attached, then (the mock now
 * answering only after an hour) a second attach and a detach of the first,
 * both left waiting when the process dies. Exit 0 when all went as meant. */
static void make_halfway(const char *path, struct halfway *hw)
{
    st_remove(path);
    /* The ids are deterministic (same seed, same calls), so the parent can
     * learn them from a pipe. */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = st_fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        eni_ctx_opts o = opts_for(path);
        eni_ctx *ctx;
        if (eni_ctx_new(&o, &ctx) != ENI_OK)
            st_child_exit(1);
        eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
        vs.cidr_block = "10.0.0.0/16";
        eni_vpc_id vpc;
        eni_subnet_id sub;
        eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
        struct halfway c;
        eni_nic_spec ns = ENI_NIC_SPEC_INIT;
        eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
        if (eni_vpc_create(ctx, &vs, &vpc) != ENI_OK)
            st_child_exit(2);
        ss.vpc = vpc;
        ss.availability_zone = "us-east-1a";
        ss.cidr_block = "10.0.1.0/24";
        if (eni_subnet_create(ctx, &ss, &sub) != ENI_OK)
            st_child_exit(3);
        ns.subnet = sub;
        is.instance_type = "m5.large";
        is.subnet = sub;
        if (eni_nic_create(ctx, &ns, &c.detaching) != ENI_OK ||
            eni_nic_create(ctx, &ns, &c.attaching) != ENI_OK ||
            eni_instance_create(ctx, &is, &c.inst) != ENI_OK ||
            eni_instance_set_state(ctx, c.inst, ENI_INSTANCE_RUNNING) != ENI_OK)
            st_child_exit(4);
        if (eni_nic_attach(ctx, c.detaching, c.inst, 1, 0, &c.att_detaching) != ENI_OK ||
            eni_ctx_poll(ctx, 0, NULL, NULL, NULL) != ENI_OK)
            st_child_exit(5);
        eni_mock_config mc = ENI_MOCK_CONFIG_INIT;
        mc.latency = ENI_MOCK_AFTER_TIME;
        mc.delay_ns = 3600 * SEC;
        if (eni_mock_configure(ctx, &mc) != ENI_OK)
            st_child_exit(6);
        if (eni_nic_attach(ctx, c.attaching, c.inst, 2, 0, &c.att_attaching) != ENI_OK ||
            eni_nic_detach(ctx, c.att_detaching, 0) != ENI_OK ||
            eni_ctx_poll(ctx, 0, NULL, NULL, NULL) != ENI_OK)
            st_child_exit(7);
        eni_nic_info a = ENI_NIC_INFO_INIT, d = ENI_NIC_INFO_INIT;
        if (eni_nic_describe(ctx, c.attaching, &a) != ENI_OK ||
            eni_nic_describe(ctx, c.detaching, &d) != ENI_OK || a.status != ENI_NIC_ATTACHING ||
            d.status != ENI_NIC_DETACHING)
            st_child_exit(8);
        if (write(fds[1], &c, sizeof c) != (ssize_t)sizeof c)
            st_child_exit(9);
        st_child_exit(0); /* no eni_ctx_free: the process dies mid-operation */
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], hw, sizeof *hw), (ssize_t)sizeof *hw);
    close(fds[0]);
    assert_int_equal(child_status(pid), 0);
    assert_true(st_exists(path));
}

struct seen {
    unsigned attach_failed, detach_completed, other;
    uint64_t failed_subject, completed_subject;
};

static int on_event(const eni_event *e, void *ud)
{
    struct seen *s = ud;
    if (e->type == ENI_EVENT_ATTACH_FAILED) {
        s->attach_failed++;
        s->failed_subject = e->subject;
    } else if (e->type == ENI_EVENT_DETACH_COMPLETED) {
        s->detach_completed++;
        s->completed_subject = e->subject;
    } else {
        s->other++;
    }
    return 0;
}

static void assert_settled(eni_ctx *ctx, const struct halfway *hw, const struct seen *s)
{
    assert_int_equal(s->attach_failed, 1);
    assert_int_equal(s->detach_completed, 1);
    assert_int_equal(s->failed_subject, hw->att_attaching.v);
    assert_int_equal(s->completed_subject, hw->att_detaching.v);
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, hw->attaching, &ni));
    assert_int_equal(ni.status, ENI_NIC_AVAILABLE);
    assert_int_equal(ni.attachment.v, 0);
    assert_eni_ok(eni_nic_describe(ctx, hw->detaching, &ni));
    assert_int_equal(ni.status, ENI_NIC_AVAILABLE);
    assert_int_equal(ni.instance.v, 0);
    eni_instance_info ii = ENI_INSTANCE_INFO_INIT;
    assert_eni_ok(eni_instance_describe(ctx, hw->inst, &ii));
    assert_int_equal(ii.nic_count, 0);
    eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
    assert_int_equal(eni_attachment_describe(ctx, hw->att_attaching, &ai), ENI_ESTALE);
    assert_int_equal(eni_attachment_describe(ctx, hw->att_detaching, &ai), ENI_ESTALE);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN);
    assert_eni_ok(eni_ctx_check(ctx));
}

static void test_reconcile_settles_what_a_crash_left(void **state)
{
    (void)state;
    struct halfway hw;
    make_halfway(PATH, &hw);
    eni_ctx *ctx = st_open(PATH);
    eni_state_info si = st_info(ctx);
    assert_int_equal(si.flags, ENI_STATE_OPEN | ENI_STATE_RECONCILE);
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, hw.attaching, &ni));
    assert_int_equal(ni.status, ENI_NIC_ATTACHING);
    assert_eni_ok(eni_nic_describe(ctx, hw.detaching, &ni));
    assert_int_equal(ni.status, ENI_NIC_DETACHING);
    assert_eni_ok(eni_ctx_check(ctx));

    uint32_t completed = 9, rolled_back = 9;
    assert_eni_ok(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    assert_int_equal(completed, 1);   /* the detach: the new backend has no device */
    assert_int_equal(rolled_back, 1); /* the attach: no device either */
    struct seen s = {0};
    assert_eni_ok(eni_ctx_poll(ctx, 0, on_event, &s, NULL));
    assert_settled(ctx, &hw, &s);

    /* Nothing is left to settle. */
    uint64_t commits = st_info(ctx).commits;
    assert_eni_ok(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    assert_int_equal(completed, 0);
    assert_int_equal(rolled_back, 0);
    memset(&s, 0, sizeof s);
    assert_eni_ok(eni_ctx_poll(ctx, 0, on_event, &s, NULL));
    assert_int_equal(s.attach_failed + s.detach_completed + s.other, 0);
    assert_int_equal(st_info(ctx).commits, commits);

    /* The outcome was committed: the next process finds it settled. */
    char *dump = st_dump(ctx);
    eni_ctx_free(ctx);
    ctx = st_open(PATH);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN);
    char *again = st_dump(ctx);
    assert_string_equal(dump, again);
    free(dump);
    free(again);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* Without eni_ctx_reconcile, the first poll settles them and delivers the
 * events itself. */
static void test_first_poll_reconciles(void **state)
{
    (void)state;
    struct halfway hw;
    make_halfway(PATH2, &hw);
    eni_ctx *ctx = st_open(PATH2);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN | ENI_STATE_RECONCILE);
    struct seen s = {0};
    assert_eni_ok(eni_ctx_poll(ctx, 0, on_event, &s, NULL));
    assert_settled(ctx, &hw, &s);
    uint32_t completed = 9, rolled_back = 9;
    assert_eni_ok(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    assert_int_equal(completed + rolled_back, 0);
    eni_ctx_free(ctx);
    st_remove(PATH2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_flows_survive_a_graceful_restart, cleanup),
        cmocka_unit_test_teardown(test_ipv6_flows_survive_a_graceful_restart, cleanup),
        cmocka_unit_test_teardown(test_conntrack_counters_survive, cleanup),
        cmocka_unit_test_teardown(test_save_flows_leaves_out_expired, cleanup),
        cmocka_unit_test_teardown(test_flows_are_handed_over_once, cleanup),
        cmocka_unit_test_teardown(test_checkpoint_saves_for_a_crash, cleanup),
        cmocka_unit_test_teardown(test_nic_allowance_survives_a_crash, cleanup),
        cmocka_unit_test_teardown(test_reconcile_settles_what_a_crash_left, cleanup),
        cmocka_unit_test_teardown(test_first_poll_reconciles, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
