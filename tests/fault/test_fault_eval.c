/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Out-of-memory sweep over the evaluator's control path: publishing
 * snapshots (rule compilation with the port and elementary-interval
 * indexes, shared rule sets), growing the IPv6 flow table, replacing flow
 * tables for a new allowance, and explain.
 *
 * Each step runs with allocation N failing, for N = 1, 2, ... until it runs
 * clean. A model call may succeed while its republication ran out of
 * memory (the old snapshot stays published, and the next change retries).
 * After each injected failure the injection stops, one harmless model
 * change republishes, and every probe packet must get the verdict a run
 * without faults gave at the same step; at the end nothing has leaked. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "eval/eval_internal.h"
#include "model/model.h"
#include "fail_alloc.h"
#include "eval/eval_host.h"
#include "test_helpers.h"

struct world {
    eni_ctx *ctx;
    eni_sg_id web;
    eni_nic_id nic[2]; /* [0] dual-stack, [1] IPv4-only until a step gives it IPv6 */
    eni_instance_id inst;
    eni_subnet_id subnet;
    uint32_t tick;     /* descriptions for the harmless change */
};

static eni_sg_rule_id rule_id(eni_ctx *ctx, eni_sg_id sg, int port, const char *cidr)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = port, r.to_port = port;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = cidr;
    eni_sg_rule_id id = {0};
    (void)eni_sg_authorize(ctx, sg, ENI_INGRESS, &r, 1, &id);
    return id;
}

static void world_new(struct world *w, const eni_ctx_opts *opts)
{
    memset(w, 0, sizeof *w);
    struct eval_host h;
    eval_host_new(&h, opts, "web");
    w->ctx = h.ctx, w->subnet = h.subnet, w->web = h.group, w->inst = h.inst, w->nic[0] = h.nic;
    /* enough TCP rules for the port index and its bit rows */
    for (int i = 0; i < 12; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "198.51.100.%d/32", 10 * i);
        assert_true(rule_id(w->ctx, w->web, 1000 + i, cidr).v != 0);
    }
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w->subnet;
    ns.groups = &w->web;
    ns.group_count = 1;
    assert_eni_ok(eni_nic_create(w->ctx, &ns, &w->nic[1]));
    eni_attachment_id att;
    uint32_t n;
    assert_eni_ok(eni_nic_attach(w->ctx, w->nic[1], w->inst, 1, 0, &att));
    assert_eni_ok(eni_ctx_poll(w->ctx, 0, NULL, NULL, &n));
}

/* ---- steps ---------------------------------------------------------------- */

static int s_authorize(struct world *w)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = 0, r.to_port = 65535;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = "203.0.113.0/24";
    return eni_sg_authorize(w->ctx, w->web, ENI_INGRESS, &r, 1, NULL);
}

static int s_assign6(struct world *w)
{
    return eni_nic_assign_ipv6(w->ctx, w->nic[1], NULL, 0, 1);
}

static int s_allowance(struct world *w)
{
    return eni_nic_set_conntrack_allowance(w->ctx, w->nic[0], 5000);
}

/* The instance's budget: re-divided into shares, tables resized to follow it. */
static int s_instance_allowance(struct world *w)
{
    return eni_instance_set_conntrack_allowance(w->ctx, w->inst, 9000);
}

static int s_sdc_off(struct world *w)
{
    return eni_nic_set_source_dest_check(w->ctx, w->nic[1], 0);
}

static int s_explain(struct world *w)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4, p.proto = 6, p.sport = 40000, p.dport = 1003, p.len = 60;
    inet_pton(AF_INET, "198.51.100.30", p.src);
    inet_pton(AF_INET, "10.0.1.4", p.dst);
    eni_verdict v;
    char text[200];
    return eni_eval_explain(w->ctx, w->nic[0], ENI_DIR_INBOUND, &p, 0, &v, text, sizeof text);
}

static const struct {
    const char *name;
    int (*fn)(struct world *);
} steps[] = {
    {"authorize", s_authorize}, {"assign ipv6", s_assign6}, {"allowance", s_allowance},
    {"instance allowance", s_instance_allowance},
    {"source/dest check off", s_sdc_off}, {"explain", s_explain},
};
enum { N_STEPS = sizeof steps / sizeof steps[0] };

/* ---- probes ---------------------------------------------------------------- */

enum { N_PROBES = 8 };

/* Verdict reasons for fixed packets on both interfaces, through the
 * published snapshots (a worker's burst). Source ports move with `round`
 * so that no probe meets a flow an earlier probe created. */
static void probe(struct world *w, uint32_t round, uint8_t out[2][N_PROBES])
{
    static const char *const peer[N_PROBES] = {"198.51.100.30", "198.51.100.31", "203.0.113.9",
                                               "192.0.2.1",     "198.51.100.0",  "203.0.113.200",
                                               "2001:db8::1",   "198.51.100.110"};
    static const uint16_t port[N_PROBES] = {1003, 1003, 22, 1000, 1000, 443, 443, 1011};
    eni_eval_worker *wk;
    assert_eni_ok(eni_eval_worker_new(w->ctx, &wk));
    for (int n = 0; n < 2; n++) {
        eni_nic_address a[4];
        uint32_t na;
        assert_eni_ok(eni_nic_get_addresses(w->ctx, w->nic[n], a, 4, &na));
        for (int i = 0; i < N_PROBES; i++) {
            eni_pkt p;
            memset(&p, 0, sizeof p);
            bool v6 = strchr(peer[i], ':') != NULL;
            p.family = v6 ? 6 : 4;
            p.proto = 6, p.tcp_flags = 0x02, p.len = 60;
            p.sport = (uint16_t)(2000 + round * N_PROBES + (uint32_t)i), p.dport = port[i];
            inet_pton(v6 ? AF_INET6 : AF_INET, peer[i], p.src);
            const char *own = a[0].address;
            for (uint32_t k = 0; k < na && v6; k++)
                if (strchr(a[k].address, ':'))
                    own = a[k].address;
            if (v6 && !strchr(own, ':'))
                own = "2001:db8:0:100::99"; /* none of its own: the check decides */
            inet_pton(v6 ? AF_INET6 : AF_INET, own, p.dst);
            eni_verdict v;
            assert_eni_ok(eni_eval_burst(wk, w->nic[n], ENI_DIR_INBOUND, &p, 1, 1, 0, &v));
            out[n][i] = v.reason;
        }
    }
    eni_eval_worker_free(wk);
}

static void harmless_change(struct world *w)
{
    char d[32];
    snprintf(d, sizeof d, "tick %u", ++w->tick);
    assert_eni_ok(eni_nic_set_description(w->ctx, w->nic[0], d));
    /* every interface republished: the evaluator is current again */
    assert_int_equal(w->ctx->eval->seen_version, w->ctx->model->version);
}

static void test_every_allocation_failure_in_the_evaluator(void **state)
{
    (void)state;
    /* the verdicts of a run without faults, after each step */
    uint8_t want[N_STEPS][2][N_PROBES];
    struct world w;
    world_new(&w, NULL);
    for (int i = 0; i < N_STEPS; i++) {
        assert_eni_ok(steps[i].fn(&w));
        harmless_change(&w);
        probe(&w, (uint32_t)i, want[i]);
    }
    /* the steps change verdicts: the probes can see a bad republication */
    assert_true(memcmp(want[0], want[N_STEPS - 1], sizeof want[0]) != 0);
    eni_ctx_free(w.ctx);

    /* Each step's allocations are failed in turn, in a fresh world brought
     * to the step without faults: a failure inside a publication leaves the
     * model changed, so the sweep cannot just retry the step in place. */
    long injected = 0, published_late = 0;
    for (int i = 0; i < N_STEPS; i++) {
        for (long n = 1;; n++) {
            struct fail_alloc a = {0};
            eni_ctx_opts opts = fail_alloc_opts(&a);
            world_new(&w, &opts);
            for (int k = 0; k < i; k++)
                assert_eni_ok(steps[k].fn(&w));
            harmless_change(&w);
            a.failed = 0;
            a.fail_at = a.calls + n;
            uint64_t version = w.ctx->model->version;
            int rc = steps[i].fn(&w);
            a.fail_at = 0;
            bool done = !a.failed;
            if (done) {
                assert_eni_ok(rc);
            } else {
                injected++;
                if (rc != ENI_OK && rc != ENI_ENOMEM)
                    fail_msg("step '%s', allocation %ld: %s", steps[i].name, n, eni_err_name(rc));
                if (rc == ENI_OK && w.ctx->model->version != version &&
                    w.ctx->eval->seen_version != w.ctx->model->version)
                    published_late++; /* the model changed, its publication ran out of memory */
                assert_eni_ok(eni_ctx_check(w.ctx));
                if (rc == ENI_ENOMEM) /* nothing changed: take the step now */
                    assert_eni_ok(steps[i].fn(&w));
            }
            harmless_change(&w);
            uint8_t got[2][N_PROBES];
            probe(&w, (uint32_t)i, got);
            if (memcmp(got, want[i], sizeof got) != 0)
                fail_msg("step '%s' with allocation %ld failing: the verdicts differ from a run "
                         "without faults", steps[i].name, n);
            eni_ctx_free(w.ctx);
            assert_int_equal(a.live, 0);
            if (done)
                break;
        }
    }
    print_message("# %ld allocations failed, %ld publications ran out of memory\n", injected,
                  published_late);
    assert_true(injected > 50);
    assert_true(published_late > 20); /* the sweep reached the publication path */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_failure_in_the_evaluator),
    };
    return cmocka_run_group_tests_name("fault_eval", tests, NULL, NULL);
}
