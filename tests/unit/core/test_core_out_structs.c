/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Every output struct through the public API: a `size` left as garbage (or
 * set outside ENI_STRUCT_SIZE_MAX) is ENI_EINVAL with nothing written, and a
 * size that merely claims more than the library's layout costs no byte past
 * it. Run under ASan by CI, so an overrun would not go unnoticed. */
#include "test_helpers.h"

#include <eni/sys/backend.h>
#include <eni/sys/mock.h>
#include <eni/sys/vfio.h>

/* Sizes an uninitialised `size` field might hold. */
static const uint32_t garbage[] = {0, 3, ENI_STRUCT_SIZE_MAX + 1, 1u << 30, 0x41414141u,
                                   UINT32_MAX};
enum { GARBAGE = sizeof garbage / sizeof garbage[0] };

/* A struct of the given type at the start of a buffer with room after it. */
#define BUF(type) \
    union { type s; unsigned char bytes[sizeof(type) + 64]; }

/* Call `call` (which takes &b.s) with each garbage size: refused, untouched;
 * then with the largest accepted size: accepted, nothing past the struct. */
#define CHECK_OUT(type, call)                                                         \
    do {                                                                              \
        BUF(type) b;                                                                  \
        for (size_t g_ = 0; g_ < GARBAGE; g_++) {                                     \
            memset(&b, 0x6b, sizeof b);                                               \
            b.s.size = garbage[g_];                                                   \
            eni_error_clear();                                                        \
            assert_int_equal((call), ENI_EINVAL);                                     \
            assert_int_equal(b.s.size, garbage[g_]);                                  \
            for (size_t k_ = sizeof b.s.size; k_ < sizeof b.bytes; k_++)              \
                assert_int_equal(b.bytes[k_], 0x6b);                                  \
        }                                                                             \
        memset(&b, 0x6b, sizeof b);                                                   \
        b.s.size = ENI_STRUCT_SIZE_MAX;                                               \
        assert_int_equal((call), ENI_OK);                                             \
        for (size_t k_ = sizeof(type); k_ < sizeof b.bytes; k_++)                     \
            assert_int_equal(b.bytes[k_], 0x6b);                                      \
    } while (0)

struct world {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id sg;
    eni_sg_rule_id rule;
    eni_prefix_list_id pl;
    eni_instance_id inst;
    eni_nic_id nic;
    eni_attachment_id att;
    eni_eip_id eip;
};

static int collect_attach(const eni_event *ev, void *ud)
{
    struct world *w = ud;
    if (ev->type == ENI_EVENT_ATTACH_COMPLETED)
        w->att.v = ev->subject;
    return 0;
}

static void build(struct world *w)
{
    memset(w, 0, sizeof *w);
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.seed = 7;
    assert_eni_ok(eni_ctx_new(&o, &w->ctx));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    assert_eni_ok(eni_vpc_create(w->ctx, &vs, &w->vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = w->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    assert_eni_ok(eni_subnet_create(w->ctx, &ss, &w->subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = w->vpc;
    gs.name = "web";
    gs.description = "web";
    assert_eni_ok(eni_sg_create(w->ctx, &gs, &w->sg));
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = 22, r.to_port = 22;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = "0.0.0.0/0";
    assert_eni_ok(eni_sg_authorize(w->ctx, w->sg, ENI_INGRESS, &r, 1, &w->rule));
    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.name = "office";
    ps.family = 4;
    ps.max_entries = 5;
    assert_eni_ok(eni_prefix_list_create(w->ctx, &ps, &w->pl));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w->subnet;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    assert_eni_ok(eni_instance_launch(w->ctx, &ls, &w->inst));
    assert_eni_ok(eni_ctx_poll(w->ctx, 0, collect_attach, w, NULL));
    assert_int_not_equal(w->att.v, 0);
    eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
    assert_eni_ok(eni_attachment_describe(w->ctx, w->att, &ai));
    w->nic = ai.nic;
    assert_eni_ok(eni_eip_allocate(w->ctx, &w->eip));
}

static void test_describe_calls_refuse_garbage_sizes(void **state)
{
    (void)state;
    struct world w;
    build(&w);
    eni_ctx *ctx = w.ctx;
    CHECK_OUT(eni_vpc_info, eni_vpc_describe(ctx, w.vpc, &b.s));
    CHECK_OUT(eni_subnet_info, eni_subnet_describe(ctx, w.subnet, &b.s));
    CHECK_OUT(eni_sg_info, eni_sg_describe(ctx, w.sg, &b.s));
    CHECK_OUT(eni_sg_rule_info, eni_sg_rule_describe(ctx, w.rule, &b.s));
    CHECK_OUT(eni_prefix_list_info, eni_prefix_list_describe(ctx, w.pl, &b.s));
    CHECK_OUT(eni_instance_info, eni_instance_describe(ctx, w.inst, &b.s));
    CHECK_OUT(eni_nic_info, eni_nic_describe(ctx, w.nic, &b.s));
    CHECK_OUT(eni_attachment_info, eni_attachment_describe(ctx, w.att, &b.s));
    CHECK_OUT(eni_eip_info, eni_eip_describe(ctx, w.eip, &b.s));
    CHECK_OUT(eni_quotas, eni_ctx_get_quotas(ctx, &b.s));
    CHECK_OUT(eni_conntrack_stats, eni_nic_get_conntrack(ctx, w.nic, &b.s));
    CHECK_OUT(eni_mock_counters, eni_mock_get_counters(ctx, &b.s));
    CHECK_OUT(eni_backend_device, eni_attachment_get_device(ctx, w.att, &b.s));
    eni_eval_worker *wk;
    assert_eni_ok(eni_eval_worker_new(ctx, &wk));
    CHECK_OUT(eni_eval_counters, eni_eval_worker_counters(wk, &b.s));
    eni_eval_worker_free(wk);
    eni_ctx_free(ctx);
}

static void test_ctx_less_calls_refuse_garbage_sizes(void **state)
{
    (void)state;
    CHECK_OUT(eni_instance_type_info, eni_instance_type_lookup("m5.large", &b.s));
    CHECK_OUT(eni_instance_type_info, eni_instance_type_at(0, &b.s));
}

/* Every _INIT macro sets size to its struct's size. */
static void test_init_macros_set_the_size(void **state)
{
    (void)state;
    eni_vpc_info a = ENI_VPC_INFO_INIT;
    eni_nic_info n = ENI_NIC_INFO_INIT;
    eni_backend_device d = ENI_BACKEND_DEVICE_INIT;
    eni_vfio_function f = ENI_VFIO_FUNCTION_INIT;
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_int_equal(a.size, sizeof a);
    assert_int_equal(n.size, sizeof n);
    assert_int_equal(n.conntrack.udp, 0);
    assert_int_equal(d.size, sizeof d);
    assert_int_equal(f.size, sizeof f);
    assert_int_equal(c.size, sizeof c);
    assert_int_equal(c.packets, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_describe_calls_refuse_garbage_sizes),
        cmocka_unit_test(test_ctx_less_calls_refuse_garbage_sizes),
        cmocka_unit_test(test_init_macros_set_the_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
