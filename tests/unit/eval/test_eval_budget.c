/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The conntrack allowance belongs to the instance (ec2-semantics.md 5.5,
 * decisions.md D38): its interfaces share one budget, divided into
 * per-interface shares that are re-divided at attach, detach, a move, an
 * allowance change and a sweep that frees flows. The host is eval_host.h's
 * m5.large with its primary interface; a second interface is attached to it.
 * Each interface's flows are outbound UDP to distinct ports (the default
 * group allows all egress), so every packet asks for one new flow. */
#include <stdbool.h>

#include "eval/eval_host.h"
#include "test_helpers.h"

static const uint64_t SEC = 1000000000ull;

struct fx {
    struct eval_host h;
    eni_eval_worker *w;
    eni_nic_id second;
    char ip[2][INET6_ADDRSTRLEN];
};

static void primary_ip(eni_ctx *ctx, eni_nic_id nic, char *out)
{
    eni_nic_info ni = {.size = sizeof ni};
    assert_eni_ok(eni_nic_describe(ctx, nic, &ni));
    strcpy(out, ni.private_ip);
}

static void poll_all(eni_ctx *ctx)
{
    uint32_t n;
    do
        assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    while (n);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "budget");
    assert_eni_ok(eni_eval_worker_new(f->h.ctx, &f->w));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->h.subnet;
    ns.groups = &f->h.group;
    ns.group_count = 1;
    assert_eni_ok(eni_nic_create(f->h.ctx, &ns, &f->second));
    eni_attachment_id att;
    assert_eni_ok(eni_nic_attach(f->h.ctx, f->second, f->h.inst, 1, 0, &att));
    poll_all(f->h.ctx);
    primary_ip(f->h.ctx, f->h.nic, f->ip[0]);
    primary_ip(f->h.ctx, f->second, f->ip[1]);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eval_host_free(&f->h, f->w);
    free(f);
    return 0;
}

/* One new outbound UDP flow from interface k (0 primary, 1 second). */
static eni_verdict new_flow(struct fx *f, int k, uint16_t port, uint64_t now)
{
    eni_pkt p = eval_host_pkt(17, f->ip[k], 4000, "198.51.100.9", port, 0);
    eni_verdict v;
    assert_eni_ok(eni_eval_burst(f->w, k ? f->second : f->h.nic, ENI_DIR_OUTBOUND, &p, 1, now,
                                 0, &v));
    return v;
}

static eni_conntrack_stats nic_ct(struct fx *f, eni_nic_id nic)
{
    eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_nic_get_conntrack(f->h.ctx, nic, &st));
    return st;
}

static eni_conntrack_stats inst_ct(struct fx *f, eni_instance_id inst)
{
    eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_instance_get_conntrack(f->h.ctx, inst, &st));
    return st;
}

static void test_s5_5_default_budget_is_shared(void **state)
{
    struct fx *f = *state;
    eni_conntrack_stats st = inst_ct(f, f->h.inst);
    assert_int_equal(st.allowance, 16384);
    assert_int_equal(st.tracked, 0);
    assert_int_equal(st.conntrack_allowance_available, 16384);
    assert_int_equal(st.conntrack_allowance_exceeded, 0);
    /* two interfaces, one budget: the shares add up to it */
    assert_int_equal(nic_ct(f, f->h.nic).allowance + nic_ct(f, f->second).allowance, 16384);
    /* each reports the instance's gauge */
    assert_int_equal(nic_ct(f, f->h.nic).conntrack_allowance_available, 16384);
}

static void test_s5_5_interfaces_draw_on_one_budget(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, f->h.inst, 4));
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 2);
    assert_int_equal(nic_ct(f, f->second).allowance, 2);
    /* the primary uses its share; its next flow is refused, counted on it */
    for (uint16_t i = 0; i < 2; i++)
        assert_verdict(new_flow(f, 0, (uint16_t)(100 + i), 1), ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(new_flow(f, 0, 102, 1), ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    eni_conntrack_stats st = inst_ct(f, f->h.inst);
    assert_int_equal(st.tracked, 2);
    assert_int_equal(st.conntrack_allowance_available, 2);
    assert_int_equal(st.conntrack_allowance_exceeded, 1);
    assert_int_equal(nic_ct(f, f->second).conntrack_allowance_exceeded, 0);
    /* re-divided: what is left is split evenly, the primary keeps its flows */
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, f->h.inst, 4));
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 3);
    assert_int_equal(nic_ct(f, f->second).allowance, 1);
    assert_verdict(new_flow(f, 0, 103, 1), ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(new_flow(f, 1, 104, 1), ENI_ALLOW, ENI_REASON_RULE);
    /* the instance is full: neither interface gets another */
    assert_verdict(new_flow(f, 1, 105, 1), ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    assert_verdict(new_flow(f, 0, 106, 1), ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    st = inst_ct(f, f->h.inst);
    assert_int_equal(st.tracked, 4);
    assert_int_equal(st.conntrack_allowance_available, 0);
    assert_int_equal(st.conntrack_allowance_exceeded, 3);
}

static void test_s5_5_a_sweep_gives_room_back(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, f->h.inst, 2));
    assert_verdict(new_flow(f, 0, 100, 1), ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(new_flow(f, 1, 101, 1), ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(new_flow(f, 1, 102, 1), ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    /* the primary's flow idles out (UDP 30 s); sweeping it re-divides */
    uint32_t removed;
    assert_eni_ok(eni_nic_sweep_flows(f->h.ctx, f->h.nic, 40 * SEC, &removed));
    assert_int_equal(removed, 1);
    /* one left: its flow stays its own, the spare one goes to the first in id order */
    assert_int_equal(nic_ct(f, f->second).allowance, 1);
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 1);
    assert_verdict(new_flow(f, 0, 103, 40 * SEC), ENI_ALLOW, ENI_REASON_RULE);
}

static void test_s5_5_detach_and_move(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, f->h.inst, 10));
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 5);
    /* detached, the second interface no longer shares the budget */
    eni_nic_info ni = {.size = sizeof ni};
    assert_eni_ok(eni_nic_describe(f->h.ctx, f->second, &ni));
    assert_eni_ok(eni_nic_detach(f->h.ctx, ni.attachment, 0));
    poll_all(f->h.ctx);
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 10);
    /* on another instance it draws on that one's budget */
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "m5.large";
    is.subnet = f->h.subnet;
    eni_instance_id other;
    assert_eni_ok(eni_instance_create(f->h.ctx, &is, &other));
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, other, 3));
    eni_attachment_id att;
    assert_eni_ok(eni_nic_attach(f->h.ctx, f->second, other, 0, 0, &att));
    poll_all(f->h.ctx);
    assert_int_equal(nic_ct(f, f->second).allowance, 3);
    assert_int_equal(inst_ct(f, other).allowance, 3);
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 10);
}

static void test_s5_5_own_allowance_caps_the_share(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->h.ctx, f->second, 1));
    assert_eni_ok(eni_instance_set_conntrack_allowance(f->h.ctx, f->h.inst, 100));
    assert_int_equal(nic_ct(f, f->second).allowance, 1);
    assert_int_equal(nic_ct(f, f->h.nic).allowance, 50);
    assert_verdict(new_flow(f, 1, 100, 1), ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(new_flow(f, 1, 101, 1), ENI_DROP, ENI_REASON_CONNTRACK_FULL);
    /* its gauge is bounded by its own allowance; the instance's is not */
    assert_int_equal(nic_ct(f, f->second).conntrack_allowance_available, 0);
    assert_int_equal(inst_ct(f, f->h.inst).conntrack_allowance_available, 99);
}

static void test_s5_5_budget_errors_change_nothing(void **state)
{
    struct fx *f = *state;
    eni_ctx *ctx = f->h.ctx;
    assert_eni_ok(eni_instance_set_conntrack_allowance(ctx, f->h.inst, 8));
    assert_eni_fail(eni_instance_set_conntrack_allowance(ctx, f->h.inst, 0), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_instance_set_conntrack_allowance(ctx, f->h.inst,
                                                         ENI_CONNTRACK_ALLOWANCE_MAX + 1),
                    ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(eni_instance_set_conntrack_allowance(NULL, f->h.inst, 8), ENI_EINVAL);
    eni_instance_id wrong = {f->h.nic.v}; /* an interface's id where an instance's goes */
    assert_int_not_equal(eni_instance_set_conntrack_allowance(ctx, wrong, 8), ENI_OK);
    eni_instance_id none = {0};
    assert_int_not_equal(eni_instance_set_conntrack_allowance(ctx, none, 8), ENI_OK);
    eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
    assert_int_not_equal(eni_instance_get_conntrack(ctx, wrong, &st), ENI_OK);
    assert_int_equal(eni_instance_get_conntrack(ctx, f->h.inst, NULL), ENI_EINVAL);
    assert_int_equal(eni_instance_get_conntrack(NULL, f->h.inst, &st), ENI_EINVAL);
    st.size = 4;
    assert_int_equal(eni_instance_get_conntrack(ctx, f->h.inst, &st), ENI_EINVAL);
    assert_int_equal(inst_ct(f, f->h.inst).allowance, 8);
    /* shown by the dump, and the model stays consistent */
    char buf[16384];
    size_t len = 0;
    assert_eni_ok(eni_ctx_dump(ctx, buf, sizeof buf, &len));
    assert_non_null(strstr(buf, "conntrack_allowance=8"));
    assert_eni_ok(eni_ctx_check(ctx));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s5_5_default_budget_is_shared),
        T(test_s5_5_interfaces_draw_on_one_budget),
        T(test_s5_5_a_sweep_gives_room_back),
        T(test_s5_5_detach_and_move),
        T(test_s5_5_own_allowance_caps_the_share),
        T(test_s5_5_budget_errors_change_nothing),
    };
    return cmocka_run_group_tests_name("eval_budget", tests, NULL, NULL);
}
