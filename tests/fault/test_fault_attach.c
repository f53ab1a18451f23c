/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Backend fault sweep over a scripted attach/detach scenario: for each
 * backend operation, make it fail (synchronously, as a failed completion, or
 * by dropping its completion) and check that after the failing step has been
 * polled the model equals its state before that step, the invariants hold,
 * the mock holds exactly one device per attached interface, and nothing
 * leaked (the allocator counts live blocks; ASan checks the rest). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include <eni/sys/mock.h>

#include "test_helpers.h"
#include "fail_alloc.h"

struct world {
    eni_ctx *ctx;
    eni_subnet_id subnet;
    eni_instance_id inst, inst2;
    eni_nic_id nic[3];
    eni_attachment_id att[3];
};

static void poll_all(struct world *w)
{
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(w->ctx, 0, NULL, NULL, &n));
}

static char *dump(struct world *w)
{
    size_t n;
    assert_eni_ok(eni_ctx_dump(w->ctx, NULL, 0, &n));
    char *buf = malloc(n);
    assert_non_null(buf);
    assert_eni_ok(eni_ctx_dump(w->ctx, buf, n, &n));
    return buf;
}

static void setup_world(struct world *w)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(w->ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.flags = ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH;
    assert_eni_ok(eni_subnet_create(w->ctx, &ss, &w->subnet));
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "c5n.18xlarge";
    is.subnet = w->subnet;
    assert_eni_ok(eni_instance_create(w->ctx, &is, &w->inst));
    assert_eni_ok(eni_instance_set_state(w->ctx, w->inst, ENI_INSTANCE_RUNNING));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w->subnet;
    ns.secondary_ip_count = 1;
    for (int i = 0; i < 3; i++)
        assert_eni_ok(eni_nic_create(w->ctx, &ns, &w->nic[i]));
}

/* The scenario: each step and the backend operations it starts. */
static int st_attach0(struct world *w) { return eni_nic_attach(w->ctx, w->nic[0], w->inst, 1, 0, &w->att[0]); }
static int st_attach1(struct world *w) { return eni_nic_attach(w->ctx, w->nic[1], w->inst, 2, 0, &w->att[1]); }
static int st_detach0(struct world *w) { return eni_nic_detach(w->ctx, w->att[0], 0); }
static int st_stop(struct world *w)
{
    int rc = eni_instance_set_state(w->ctx, w->inst, ENI_INSTANCE_STOPPING);
    return rc ? rc : eni_instance_set_state(w->ctx, w->inst, ENI_INSTANCE_STOPPED);
}
static int st_attach2(struct world *w) { return eni_nic_attach(w->ctx, w->nic[2], w->inst, 3, 0, &w->att[2]); }
static int st_detach1(struct world *w) { return eni_nic_detach(w->ctx, w->att[1], 0); }
static int st_launch(struct world *w)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w->subnet;
    eni_launch_nic ln[2] = {ENI_LAUNCH_NIC_INIT, ENI_LAUNCH_NIC_INIT};
    ln[0].spec = &ns;
    ln[1].spec = &ns;
    ln[1].device_index = 1;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = ln;
    ls.nic_count = 2;
    return eni_instance_launch(w->ctx, &ls, &w->inst2);
}

static const struct step {
    const char *name;
    int (*fn)(struct world *w);
    uint32_t attaches, detaches;
    int async_ok; /* a failed completion rolls the whole step back */
} steps[] = {
    {"hot attach 0", st_attach0, 1, 0, 1}, {"hot attach 1", st_attach1, 1, 0, 1},
    {"detach 0", st_detach0, 0, 1, 1},     {"stop", st_stop, 0, 0, 1},
    {"warm attach 2", st_attach2, 1, 0, 1}, {"detach 1", st_detach1, 0, 1, 1},
    {"launch 2 nics", st_launch, 2, 0, 0},
};
enum { NSTEPS = sizeof steps / sizeof steps[0] };

enum mode { SYNC, ASYNC, DROP };

static uint32_t attached_count(struct world *w)
{
    uint32_t n = 0;
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.status_mask = 1u << ENI_NIC_IN_USE;
    assert_eni_ok(eni_nic_list(w->ctx, &f, NULL, 0, &n));
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Run the scenario with the nth operation of `op` failing in `mode`. */
static void run(uint32_t op, uint32_t nth, enum mode mode)
{
    struct fail_alloc a = {0};
    eni_ctx_opts opts = fail_alloc_opts(&a);
    struct world w;
    memset(&w, 0, sizeof w);
    assert_eni_ok(eni_ctx_new(&opts, &w.ctx));
    assert_eni_ok(eni_ctx_set_op_timeout(w.ctx, 2000000)); /* 2 ms: drops expire fast */
    setup_world(&w);
    poll_all(&w);
    if (mode == DROP)
        assert_eni_ok(eni_mock_drop_nth(w.ctx, op, nth));
    else
        assert_eni_ok(eni_mock_fail_nth(w.ctx, op, nth, EIO, mode == SYNC ? ENI_MOCK_FAIL_SYNC : 0));
    uint32_t seen = 0;
    for (uint32_t i = 0; i < NSTEPS; i++) {
        const struct step *s = &steps[i];
        uint32_t ops = op == ENI_MOCK_OP_ATTACH ? s->attaches : s->detaches;
        bool faulty = seen < nth && seen + ops >= nth;
        seen += ops;
        char *before = dump(&w);
        int rc = s->fn(&w);
        if (faulty && mode == SYNC) {
            if (rc != ENI_EBACKEND || eni_error_last()->os_errno != EIO)
                fail_msg("%s: sync fault gave %s", s->name, eni_err_name(rc));
        } else if (rc != ENI_OK) {
            fail_msg("%s: %s", s->name, eni_error_last()->message);
        }
        if (faulty && mode == DROP)
            sleep_ms(4);
        poll_all(&w);
        char *after = dump(&w);
        /* A dropped detach completion is different: the backend did detach,
         * and the model believes the device's absence (checked below). */
        bool rolls_back = mode == SYNC || (s->async_ok && !(mode == DROP && op == ENI_MOCK_OP_DETACH));
        if (faulty && rolls_back && strcmp(before, after) != 0)
            fail_msg("%s: the failed step (mode %d) left the model changed", s->name, mode);
        assert_eni_ok(eni_ctx_check(w.ctx));
        eni_mock_counters c = {.size = sizeof c};
        assert_eni_ok(eni_mock_get_counters(w.ctx, &c));
        if (c.devices != attached_count(&w))
            fail_msg("%s: the mock holds %u devices for %u attached interfaces", s->name,
                     c.devices, attached_count(&w));
        free(before);
        free(after);
        if (faulty)
            break; /* later steps depend on this one */
    }
    eni_ctx_free(w.ctx);
    assert_int_equal(a.live, 0);
}

static void test_s1_3_every_backend_failure_rolls_back(void **state)
{
    (void)state;
    uint32_t attaches = 0, detaches = 0;
    for (uint32_t i = 0; i < NSTEPS; i++) {
        attaches += steps[i].attaches;
        detaches += steps[i].detaches;
    }
    for (int mode = SYNC; mode <= DROP; mode++) {
        for (uint32_t n = 1; n <= attaches; n++)
            run(ENI_MOCK_OP_ATTACH, n, (enum mode)mode);
        for (uint32_t n = 1; n <= detaches; n++)
            run(ENI_MOCK_OP_DETACH, n, (enum mode)mode);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s1_3_every_backend_failure_rolls_back),
    };
    return cmocka_run_group_tests_name("fault_attach", tests, NULL, NULL);
}
