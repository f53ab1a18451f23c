/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instance launch and lifecycle cascades (include/eni/attach.h,
 * include/eni/instance.h), the backend seam (include/eni/sys/backend.h) and
 * the mock's controls (include/eni/sys/mock.h): ec2-semantics.md sections
 * 1.3 (states), 1.4 (public IPv4), 1.5 (delete-on-termination), 1.6 (device
 * index 0), 2.1 (cold, warm and hot attach), 2.3 (limits) and 6 (ENA).
 *
 * Every mutation and every poll is followed by eni_ctx_check(); every refused
 * call is checked to leave eni_ctx_dump() byte-for-byte unchanged. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "describe_helpers.h"
#include "model_fixture.h"

#include <eni/sys/mock.h>

/* ---- custom backend (the seam) ------------------------------------------------ */

/* What the custom backend was asked to do. Reset by setup(). */
typedef struct custom_rec {
    eni_backend_host *host;
    int opens, closes, attaches, detaches, aborts, polls;
    int open_rc;            /* what open returns */
    bool config_null;
    char config[32];
    eni_backend_attach_req last_attach;
    eni_backend_detach_req last_detach;
} custom_rec;

static custom_rec g_custom;

static int custom_open(eni_backend_host *host, const char *config, void **instance)
{
    g_custom.opens++;
    if (g_custom.open_rc != ENI_OK)
        return g_custom.open_rc;
    g_custom.host = host;
    g_custom.config_null = config == NULL;
    snprintf(g_custom.config, sizeof g_custom.config, "%s", config ? config : "");
    *instance = &g_custom;
    return ENI_OK;
}

static void custom_close(void *instance)
{
    ((custom_rec *)instance)->closes++;
}

/* Starts the attach and posts nothing: the test posts the completion. */
static int custom_attach(void *instance, const eni_backend_attach_req *req)
{
    custom_rec *c = instance;
    c->attaches++;
    c->last_attach = *req;
    return ENI_OK;
}

/* Detaches complete at once; aborts are silent. */
static int custom_detach(void *instance, const eni_backend_detach_req *req)
{
    custom_rec *c = instance;
    c->detaches++;
    c->last_detach = *req;
    if (req->flags & ENI_BACKEND_DETACH_ABORT) {
        c->aborts++;
        return ENI_OK;
    }
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_DETACH_DONE;
    ev.attachment = req->attachment;
    return eni_backend_post(c->host, &ev);
}

static int custom_poll(void *instance, uint64_t now_ns)
{
    (void)now_ns;
    ((custom_rec *)instance)->polls++;
    return ENI_OK;
}

/* No get_device: eni_attachment_get_device() must say ENI_ENOTSUP. */
static const eni_backend_ops custom_ops = {
    .size = sizeof(eni_backend_ops),
    .abi = ENI_BACKEND_ABI,
    .name = "custom",
    .open = custom_open,
    .close = custom_close,
    .attach = custom_attach,
    .detach = custom_detach,
    .poll = custom_poll,
    .get_device = NULL,
};

/* ---- fixture ----------------------------------------------------------------- */

typedef struct fx {
    eni_ctx *ctx;
    char *before, *after; /* dumps around a refused call; freed by teardown */
    eni_vpc_id vpc;       /* 10.0.0.0/16 */
    eni_sg_id dflt;       /* its default group */
    eni_subnet_id sn;     /* 10.0.1.0/24, us-east-1a */
    eni_subnet_id sn2;    /* 10.0.2.0/24, us-east-1a */
    eni_subnet_id snb;    /* 10.0.3.0/24, us-east-1b */
} fx;

static int make_subnet(eni_ctx *ctx, eni_vpc_id vpc, const char *az, const char *cidr,
                       eni_subnet_id *out)
{
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = az;
    ss.cidr_block = cidr;
    return eni_subnet_create(ctx, &ss, out);
}

static int setup(void **state)
{
    memset(&g_custom, 0, sizeof g_custom);
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    if (eni_vpc_create(f->ctx, &vs, &f->vpc) != ENI_OK)
        return -1;
    eni_vpc_info vi;
    memset(&vi, 0, sizeof vi);
    vi.size = sizeof vi;
    if (eni_vpc_describe(f->ctx, f->vpc, &vi) != ENI_OK)
        return -1;
    f->dflt = vi.default_group;
    if (make_subnet(f->ctx, f->vpc, "us-east-1a", "10.0.1.0/24", &f->sn) != ENI_OK ||
        make_subnet(f->ctx, f->vpc, "us-east-1a", "10.0.2.0/24", &f->sn2) != ENI_OK ||
        make_subnet(f->ctx, f->vpc, "us-east-1b", "10.0.3.0/24", &f->snb) != ENI_OK)
        return -1;
    return eni_ctx_check(f->ctx) == ENI_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */




/* Events delivered by one eni_ctx_poll(). */
enum { REC_MAX = 32 };
typedef struct rec {
    uint32_t n;
    eni_event ev[REC_MAX];
} rec;

static int rec_cb(const eni_event *e, void *ud)
{
    rec *r = ud;
    if (r->n < REC_MAX)
        r->ev[r->n] = *e;
    r->n++;
    return 0;
}

static uint32_t poll_rec(fx *f, rec *r)
{
    memset(r, 0, sizeof *r);
    uint32_t n = 12345;
    assert_eni_ok(eni_ctx_poll(f->ctx, 0, rec_cb, r, &n));
    assert_int_equal(n, r->n);
    assert_true(r->n <= REC_MAX);
    assert_eni_ok(eni_ctx_check(f->ctx));
    return n;
}

static uint32_t rec_count(const rec *r, uint32_t type)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < r->n && i < REC_MAX; i++)
        k += r->ev[i].type == type;
    return k;
}

/* The event of @p type about @p subject; fails the test when there is none. */
static const eni_event *rec_get(const rec *r, uint32_t type, uint64_t subject)
{
    for (uint32_t i = 0; i < r->n && i < REC_MAX; i++)
        if (r->ev[i].type == type && r->ev[i].subject == subject)
            return &r->ev[i];
    fail_msg("no event of type %u for subject 0x%llx among %u", type,
             (unsigned long long)subject, r->n);
    return NULL;
}

static void assert_attach_event(const eni_event *e, uint32_t type, eni_attachment_id att,
                                eni_nic_id nic, eni_instance_id inst, int32_t status)
{
    assert_non_null(e);
    assert_int_equal(e->type, type);
    assert_int_equal(e->subject, att.v);
    assert_int_equal(e->related, nic.v);
    assert_int_equal(e->cookie, inst.v);
    assert_int_equal(e->status, status);
}

static eni_nic_spec nspec(eni_subnet_id sn)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = sn;
    return sp;
}

static eni_launch_nic lnew(const eni_nic_spec *sp, uint32_t dev, uint32_t card, uint32_t flags)
{
    eni_launch_nic n = ENI_LAUNCH_NIC_INIT;
    n.device_index = dev;
    n.network_card_index = card;
    n.flags = flags;
    n.spec = sp;
    return n;
}

static eni_launch_nic lold(eni_nic_id id, uint32_t dev, uint32_t card, uint32_t flags)
{
    eni_launch_nic n = ENI_LAUNCH_NIC_INIT;
    n.device_index = dev;
    n.network_card_index = card;
    n.flags = flags;
    n.existing = id;
    return n;
}

static eni_launch_spec lspec(const char *type, const eni_launch_nic *nics, uint32_t n)
{
    eni_launch_spec s = ENI_LAUNCH_SPEC_INIT;
    s.instance_type = type;
    s.nics = nics;
    s.nic_count = n;
    return s;
}

static eni_instance_id launch_ok(fx *f, const eni_launch_spec *s)
{
    eni_instance_id id = {0};
    MUTATE(f, eni_instance_launch(f->ctx, s, &id));
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_INSTANCE);
    return id;
}

static eni_nic_id nic_new(fx *f, eni_subnet_id sn, uint32_t secondaries)
{
    eni_nic_spec sp = nspec(sn);
    sp.secondary_ip_count = secondaries;
    eni_nic_id id = {0};
    MUTATE(f, eni_nic_create(f->ctx, &sp, &id));
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_NIC);
    return id;
}

static eni_instance_id instance_new(fx *f, const char *type, eni_subnet_id sn)
{
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = type;
    is.subnet = sn;
    eni_instance_id id = {0};
    MUTATE(f, eni_instance_create(f->ctx, &is, &id));
    return id;
}

/* The single attachment of an instance that has exactly @p want of them, at index i. */
static eni_attachment_id att_at(fx *f, eni_instance_id inst, uint32_t want, uint32_t i)
{
    eni_attachment_id ids[16];
    uint32_t n = 99;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, ids, 16, &n));
    assert_int_equal(n, want);
    assert_true(i < n);
    return ids[i];
}

static void set_state(fx *f, eni_instance_id inst, uint32_t state)
{
    MUTATE(f, eni_instance_set_state(f->ctx, inst, state));
    assert_int_equal(describe_instance(f->ctx, inst).state, state);
}

/* 198.18.0.0/15: where libeni's public addresses come from. */
static void assert_public_ip(const char *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, ip, &a) != 1)
        fail_msg("'%s' is not an IPv4 address", ip);
    uint32_t h = ntohl(a.s_addr);
    if ((h & 0xfffe0000u) != 0xc6120000u)
        fail_msg("'%s' is not in 198.18.0.0/15", ip);
}

/* Launch one new interface in @p sn with @p flags on a t3.micro, complete
 * the cold attach and make the instance running. */
static eni_instance_id launch_running(fx *f, eni_subnet_id sn, uint32_t flags, eni_nic_id *nic)
{
    eni_nic_spec sp = nspec(sn);
    eni_launch_nic n = lnew(&sp, 0, 0, flags);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 1);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    *nic = describe_attachment(f->ctx, a).nic;
    assert_int_equal(describe_nic(f->ctx, *nic).status, ENI_NIC_IN_USE);
    return inst;
}

/* ---- 2.1 launch: cold attach ---------------------------------------------------- */

static void test_s2_1_launch_new_interface_cold_attach(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);

    eni_instance_info ii = describe_instance(f->ctx, inst);
    assert_int_equal(ii.state, ENI_INSTANCE_PENDING);
    assert_int_equal(ii.subnet.v, f->sn.v);
    assert_int_equal(ii.vpc.v, f->vpc.v);
    assert_string_equal(ii.instance_type, "t3.micro");
    assert_int_equal(ii.nic_count, 1);

    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_attachment_info ai = describe_attachment(f->ctx, a);
    assert_int_equal(ai.status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(ai.kind, ENI_ATTACH_COLD);
    assert_int_equal(ai.delete_on_termination, 1);
    assert_int_equal(ai.device_index, 0);
    assert_int_equal(ai.network_card_index, 0);
    assert_int_equal(ai.instance.v, inst.v);
    assert_int_equal(eni_id_kind(ai.nic.v), ENI_KIND_NIC);

    eni_nic_info ni = describe_nic(f->ctx, ai.nic);
    assert_int_equal(ni.status, ENI_NIC_ATTACHING);
    assert_int_equal(ni.instance.v, inst.v);
    assert_int_equal(ni.attachment.v, a.v);
    assert_int_equal(ni.subnet.v, f->sn.v);
    assert_string_equal(ni.public_ip, "");

    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.attach_calls, 1);
    assert_int_equal(c.devices, 1);

    rec r;
    assert_int_equal(poll_rec(f, &r), 2);
    const eni_event *e = rec_get(&r, ENI_EVENT_INSTANCE_STATE, inst.v);
    assert_int_equal(e->state, ENI_INSTANCE_PENDING);
    e = rec_get(&r, ENI_EVENT_ATTACH_COMPLETED, a.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_COMPLETED, a, ai.nic, inst, ENI_OK);
    assert_int_equal(e->state, ENI_ATTACHMENT_ATTACHED);
    assert_string_equal(e->ec2_code, "");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, ai.nic).status, ENI_NIC_IN_USE);
    assert_int_equal(describe_instance(f->ctx, inst).state, ENI_INSTANCE_PENDING);

    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_5_launch_existing_interface_not_deleted_on_termination(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, f->sn2, 0);
    eni_launch_nic n = lold(nic, 0, 0, 0);
    eni_launch_spec s = lspec("m5.large", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    /* The instance lands in the primary interface's subnet. */
    assert_int_equal(describe_instance(f->ctx, inst).subnet.v, f->sn2.v);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_attachment_info ai = describe_attachment(f->ctx, a);
    assert_int_equal(ai.nic.v, nic.v);
    assert_int_equal(ai.kind, ENI_ATTACH_COLD);
    assert_int_equal(ai.delete_on_termination, 0);
    assert_int_equal(ai.status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_ATTACHING);
    rec r;
    poll_rec(f, &r);
    assert_attach_event(rec_get(&r, ENI_EVENT_ATTACH_COMPLETED, a.v),
                        ENI_EVENT_ATTACH_COMPLETED, a, nic, inst, ENI_OK);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
}

static void test_s1_6_launch_several_interfaces_device_order(void **state)
{
    fx *f = *state;
    eni_nic_id old = nic_new(f, f->sn2, 0);
    eni_nic_spec sp0 = nspec(f->sn);
    eni_nic_spec sp1 = nspec(f->sn2);
    /* Given out of order: index 2 (existing), 0 (new), 1 (new). */
    eni_launch_nic n[3] = {lold(old, 2, 0, 0), lnew(&sp0, 0, 0, 0), lnew(&sp1, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 3);
    eni_instance_id inst = launch_ok(f, &s);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 3);
    assert_int_equal(describe_instance(f->ctx, inst).subnet.v, f->sn.v);

    eni_attachment_id ids[4];
    uint32_t cnt = 0;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, ids, 4, &cnt));
    assert_int_equal(cnt, 3);
    for (uint32_t i = 0; i < 3; i++) {
        eni_attachment_info ai = describe_attachment(f->ctx, ids[i]);
        assert_int_equal(ai.device_index, i);
        assert_int_equal(ai.network_card_index, 0);
        assert_int_equal(ai.kind, ENI_ATTACH_COLD);
        assert_int_equal(ai.instance.v, inst.v);
        assert_int_equal(ai.delete_on_termination, i == 2 ? 0 : 1);
        assert_int_equal(describe_nic(f->ctx, ai.nic).subnet.v, i == 0 ? f->sn.v : f->sn2.v);
    }
    assert_int_equal(describe_attachment(f->ctx, ids[2]).nic.v, old.v);

    /* A short buffer gets the first ones and the full count. */
    eni_attachment_id one[1] = {{0}};
    cnt = 0;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, one, 1, &cnt));
    assert_int_equal(cnt, 3);
    assert_int_equal(one[0].v, ids[0].v);
    cnt = 0;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, NULL, 0, &cnt));
    assert_int_equal(cnt, 3);

    rec r;
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 3);
    assert_int_equal(mock_counters(f->ctx).devices, 3);
}

/* Every card has its own device 0 (reference 2.2); the primary is card 0 / index 0. */
static void test_s1_6_launch_multi_card_primary_on_card0(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 1, 0), lnew(&sp, 0, 0, 0)};
    eni_launch_spec s = lspec("c6in.32xlarge", n, 2);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a0 = att_at(f, inst, 2, 0);
    eni_attachment_id a1 = att_at(f, inst, 2, 1);
    assert_int_equal(describe_attachment(f->ctx, a0).network_card_index, 0);
    assert_int_equal(describe_attachment(f->ctx, a0).device_index, 0);
    assert_int_equal(describe_attachment(f->ctx, a1).network_card_index, 1);
    assert_int_equal(describe_attachment(f->ctx, a1).device_index, 0);
}

static void test_s1_5_launch_keep_on_termination(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, ENI_LAUNCH_KEEP_ON_TERMINATION), lnew(&sp, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id inst = launch_ok(f, &s);
    assert_int_equal(describe_attachment(f->ctx, att_at(f, inst, 2, 0)).delete_on_termination, 0);
    assert_int_equal(describe_attachment(f->ctx, att_at(f, inst, 2, 1)).delete_on_termination, 1);
}

/* ---- launch refusals: nothing created ----------------------------------------- */

static void test_s2_1_launch_null_arguments_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(NULL, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_instance_launch(f->ctx, NULL, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_instance_launch(f->ctx, &s, NULL), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).attach_calls, 0);
}

static void test_s2_1_launch_bad_sizes_and_flags_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id id = {0};
    s.size = 4;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EVERSION, "");
    s.size = sizeof s;
    s.reserved0 = 1;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    s.reserved0 = 0;
    n.size = 4;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EVERSION, "");
    n.size = sizeof n;
    n.flags = 1u << 7;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    n.flags = ENI_LAUNCH_PUBLIC_IP | ENI_LAUNCH_NO_PUBLIC_IP;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    n.flags = 0;
    s.flags = 1u << 5;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
}

static void test_s2_1_launch_no_interfaces_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 0);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    s = lspec("t3.micro", NULL, 1);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).attach_calls, 0);
}

static void test_s1_6_launch_two_primaries_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lnew(&sp, 0, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).attach_calls, 0);
}

static void test_s1_6_launch_no_primary_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 1, 0, 0), lnew(&sp, 2, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
}

static void test_s1_6_launch_index0_only_on_card1_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 1, 0), lnew(&sp, 1, 0, 0)};
    eni_launch_spec s = lspec("c6in.32xlarge", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
}

static void test_s2_1_launch_existing_and_spec_both_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lold(nic, 0, 0, 0);
    n.spec = &sp;
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    /* Neither is refused the same way. */
    eni_launch_nic none = ENI_LAUNCH_NIC_INIT;
    s = lspec("t3.micro", &none, 1);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    assert_int_equal(id.v, 0);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
}

static void test_s1_6_launch_existing_in_use_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_instance_id other = instance_new(f, "m5.large", f->sn);
    MUTATE(f, eni_nic_attach(f->ctx, nic, other, 0, 0, NULL));
    rec r;
    poll_rec(f, &r);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);

    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lold(nic, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    uint64_t devices = mock_counters(f->ctx).devices;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINUSE, "InvalidNetworkInterface.InUse");
    /* As the primary too. */
    n[0] = lold(nic, 0, 0, 0);
    n[1] = lnew(&sp, 1, 0, 0);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINUSE, "InvalidNetworkInterface.InUse");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).devices, devices);
    assert_int_equal(describe_nic(f->ctx, nic).instance.v, other.v);
}

static void test_s1_6_launch_interface_listed_twice_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_launch_nic n[2] = {lold(nic, 0, 0, 0), lold(nic, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_s2_3_launch_unknown_type_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("x9.nonexistent", &n, 1);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ENOTFOUND, "InvalidInstanceType");
    s.instance_type = NULL;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "MissingParameter");
    assert_int_equal(id.v, 0);
}

static void test_s6_launch_ena_required_type_without_ena_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    s.flags = ENI_INSTANCE_NO_ENA_SUPPORT;
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    s.flags = 0;
    s.virtualization = ENI_VIRT_PARAVIRTUAL;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    assert_int_equal(id.v, 0);
}

static void test_s1_1_launch_address_limit_exceeded(void **state)
{
    fx *f = *state;
    /* t3.micro allows 2 IPv4 per interface; 1 primary + 2 secondaries is 3. */
    eni_nic_spec sp = nspec(f->sn);
    sp.secondary_ip_count = 2;
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ELIMIT,
            "InvalidInterface.IpAddressLimitExceeded");
    /* An existing interface with 3 IPv4 as well. */
    eni_nic_id big = nic_new(f, f->sn, 2);
    n = lold(big, 0, 0, 0);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ELIMIT,
            "InvalidInterface.IpAddressLimitExceeded");
    assert_int_equal(id.v, 0);
    assert_int_equal(describe_nic(f->ctx, big).status, ENI_NIC_AVAILABLE);
    assert_int_equal(mock_counters(f->ctx).attach_calls, 0);
}

static void test_s2_3_launch_too_many_interfaces_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[3] = {lnew(&sp, 0, 0, 0), lnew(&sp, 1, 0, 0), lnew(&sp, 2, 0, 0)};
    eni_launch_spec s = lspec("t3.micro", n, 3);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ELIMIT, "AttachmentLimitExceeded");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_s1_1_launch_interface_in_other_az_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_nic_spec spb = nspec(f->snb);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lnew(&spb, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_s2_1_launch_bad_subnet_refused(void **state)
{
    fx *f = *state;
    eni_subnet_id gone;
    MUTATE(f, make_subnet(f->ctx, f->vpc, "us-east-1a", "10.0.9.0/24", &gone));
    MUTATE(f, eni_subnet_delete(f->ctx, gone));
    eni_nic_spec bad = nspec(gone);
    eni_nic_spec good = nspec(f->sn);
    eni_instance_id id = {0};
    /* As the primary (it decides the instance's subnet) ... */
    eni_launch_nic n[2] = {lnew(&bad, 0, 0, 0), lnew(&good, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ESTALE, "InvalidSubnetID.NotFound");
    /* ... and as a secondary one, after the primary was created. */
    n[0] = lnew(&good, 0, 0, 0);
    n[1] = lnew(&bad, 1, 0, 0);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ESTALE, "InvalidSubnetID.NotFound");
    /* A wrong-kind subnet id. */
    bad.subnet.v = f->vpc.v;
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidSubnetID.Malformed");
    assert_int_equal(id.v, 0);
    assert_int_equal(mock_counters(f->ctx).attach_calls, 0);
}

static void test_s2_1_launch_existing_id_errors(void **state)
{
    fx *f = *state;
    eni_nic_id gone = nic_new(f, f->sn, 0);
    MUTATE(f, eni_nic_delete(f->ctx, gone));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lold(gone, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ESTALE,
            "InvalidNetworkInterfaceID.NotFound");
    n[1].existing.v = f->sn.v; /* a subnet id where an interface id belongs */
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL,
            "InvalidNetworkInterfaceId.Malformed");
    n[0] = lold(gone, 0, 0, 0);
    n[1] = lnew(&sp, 1, 0, 0);
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_ESTALE,
            "InvalidNetworkInterfaceID.NotFound");
    assert_int_equal(id.v, 0);
}

static void test_s1_4_launch_public_ip_with_two_interfaces_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, ENI_LAUNCH_PUBLIC_IP), lnew(&sp, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    assert_int_equal(id.v, 0);
}

static void test_s1_4_launch_public_ip_for_existing_interface_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_launch_nic n = lold(nic, 0, 0, ENI_LAUNCH_PUBLIC_IP);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EINVAL, "InvalidParameterCombination");
    assert_int_equal(id.v, 0);
}

static void test_s2_1_launch_backend_refusal_then_retry(void **state)
{
    fx *f = *state;
    eni_nic_id old = nic_new(f, f->sn, 0);
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 2, EIO, ENI_MOCK_FAIL_SYNC));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[3] = {lnew(&sp, 0, 0, 0), lnew(&sp, 1, 0, 0), lold(old, 2, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 3);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EBACKEND, "InternalError");
    assert_int_equal(id.v, 0);
    eni_nic_info ni = describe_nic(f->ctx, old);
    assert_int_equal(ni.status, ENI_NIC_AVAILABLE);
    assert_int_equal(ni.attachment.v, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
    /* The fault fired once: the same launch goes through now. */
    eni_instance_id inst = launch_ok(f, &s);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 3);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.failures, 1);
    assert_int_equal(c.attach_calls, 5);
    assert_int_equal(c.devices, 3);
}

static void test_s2_1_launch_backend_refusal_leaves_nothing(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 2, EIO, ENI_MOCK_FAIL_SYNC));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lnew(&sp, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id id = {0};
    REFUSED(f, eni_instance_launch(f->ctx, &s, &id), ENI_EBACKEND, "InternalError");
    assert_int_equal(eni_error_last()->os_errno, EIO);
    assert_int_equal(id.v, 0);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.devices, 0);
    assert_int_equal(c.attach_calls, 2);
    assert_int_equal(c.failures, 1);
    uint32_t cnt = 99;
    assert_eni_ok(eni_instance_list(f->ctx, NULL, NULL, 0, &cnt));
    assert_int_equal(cnt, 0);
    assert_eni_ok(eni_nic_list(f->ctx, NULL, NULL, 0, &cnt));
    assert_int_equal(cnt, 0);
    /* Nothing is delivered for the aborted first attach either. */
    rec r;
    assert_int_equal(poll_rec(f, &r), 0);
}

static void test_s1_3_launch_async_attach_failure_rolled_back(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, 0));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_nic_id nic = describe_attachment(f->ctx, a).nic;
    rec r;
    poll_rec(f, &r);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_EBACKEND);
    assert_int_equal(e->os_errno, EIO);
    assert_string_equal(e->ec2_code, "InternalError");
    eni_attachment_info ai;
    memset(&ai, 0, sizeof ai);
    ai.size = sizeof ai;
    assert_eni_fail(eni_attachment_describe(f->ctx, a, &ai), ENI_ESTALE,
                    "InvalidAttachmentID.NotFound");
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_int_equal(ni.status, ENI_NIC_AVAILABLE);
    assert_int_equal(ni.instance.v, 0);
    assert_int_equal(ni.attachment.v, 0);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_s1_3_launch_lost_completion_rolled_back(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1));
    MUTATE(f, eni_ctx_set_op_timeout(f->ctx, 1));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_nic_id nic = describe_attachment(f->ctx, a).nic;
    assert_int_equal(mock_counters(f->ctx).drops, 1);
    assert_int_equal(mock_counters(f->ctx).devices, 1);
    rec r;
    poll_rec(f, &r);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_ETIMEDOUT);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

/* ---- 1.4 public IPv4 --------------------------------------------------------- */

static void test_s1_4_map_public_ip_on_launch(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_nic_id nic = describe_attachment(f->ctx, att_at(f, inst, 1, 0)).nic;
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_public_ip(ni.public_ip);
    eni_nic_address ad[2];
    uint32_t cnt = 0;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, nic, ad, 2, &cnt));
    assert_int_equal(cnt, 1);
    assert_int_equal(ad[0].primary, 1);
    assert_string_equal(ad[0].public_ip, ni.public_ip);
    assert_int_equal(ad[0].eip.v, 0);
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, ni.public_ip);
}

static void test_s1_4_no_public_ip_flag_overrides_subnet(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_NO_PUBLIC_IP, &nic);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

static void test_s1_4_public_ip_flag_on_non_mapping_subnet(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    (void)launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP, &nic);
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
}

static void test_s1_4_no_public_ip_by_default(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    (void)launch_running(f, f->sn, 0, &nic);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

static void test_s1_4_existing_primary_gets_no_public_ip(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_launch_nic n = lold(nic, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

/* An interface launched with a public IPv4, kept at termination and used
 * again as an *existing* primary must not get one (only new interfaces do). */
/* Section 1.4: an existing interface reused at index 0 gets no public IPv4. */
static void test_s1_4_reused_primary_gets_no_public_ip(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst =
        launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP | ENI_LAUNCH_KEEP_ON_TERMINATION, &nic);
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");

    eni_launch_nic n = lold(nic, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id again = launch_ok(f, &s);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    poll_rec(f, &r);
    set_state(f, again, ENI_INSTANCE_RUNNING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

static void test_s1_4_secondary_eip_blocks_new_public_ip(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    sp.secondary_ip_count = 1;
    eni_launch_nic n = lnew(&sp, 0, 0, ENI_LAUNCH_PUBLIC_IP);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_nic_id nic = describe_attachment(f->ctx, att_at(f, inst, 1, 0)).nic;
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
    eni_nic_address ad[2];
    uint32_t cnt = 0;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, nic, ad, 2, &cnt));
    assert_int_equal(cnt, 2);
    eni_eip_id eip;
    MUTATE(f, eni_eip_allocate(f->ctx, &eip));
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, ad[1].address, 0, NULL));
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

static void test_s1_4_two_interfaces_get_no_public_ip(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lnew(&sp, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id inst = launch_ok(f, &s);
    for (uint32_t i = 0; i < 2; i++)
        assert_string_equal(
            describe_nic(f->ctx, describe_attachment(f->ctx, att_at(f, inst, 2, i)).nic).public_ip,
            "");
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    for (uint32_t i = 0; i < 2; i++)
        assert_string_equal(
            describe_nic(f->ctx, describe_attachment(f->ctx, att_at(f, inst, 2, i)).nic).public_ip,
            "");
}

static void test_s1_4_stop_releases_start_assigns(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP, &nic);
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
}

static void test_s1_4_eip_on_primary_releases_disassociate_assigns(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    (void)launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP, &nic);
    eni_nic_info before = describe_nic(f->ctx, nic);
    assert_public_ip(before.public_ip);

    eni_eip_id eip;
    MUTATE(f, eni_eip_allocate(f->ctx, &eip));
    eni_eip_info ei = describe_eip(f->ctx, eip);
    assert_string_not_equal(ei.public_ip, before.public_ip);
    eni_eip_assoc_id assoc;
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, NULL, 0, &assoc));
    /* The interface's public address is now the Elastic IP's. */
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, ei.public_ip);
    eni_nic_address ad[2];
    uint32_t cnt = 0;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, nic, ad, 2, &cnt));
    assert_int_equal(ad[0].eip.v, eip.v);
    assert_string_equal(ad[0].public_ip, ei.public_ip);

    MUTATE(f, eni_eip_disassociate(f->ctx, assoc));
    eni_nic_info after = describe_nic(f->ctx, nic);
    assert_public_ip(after.public_ip);
    assert_string_not_equal(after.public_ip, ei.public_ip);
    /* The Elastic IP stays allocated. */
    ei = describe_eip(f->ctx, eip);
    assert_int_equal(ei.association.v, 0);
    assert_int_equal(ei.nic.v, 0);
}

static void test_s1_4_second_interface_blocks_new_public_ip(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP, &nic);
    eni_nic_id second = nic_new(f, f->sn, 0);
    eni_attachment_id a2;
    MUTATE(f, eni_nic_attach(f->ctx, second, inst, 1, 0, &a2));
    assert_int_equal(describe_attachment(f->ctx, a2).kind, ENI_ATTACH_HOT);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(describe_attachment(f->ctx, a2).status, ENI_ATTACHMENT_ATTACHED);
    /* Attaching the second interface does not take the address away ... */
    assert_public_ip(describe_nic(f->ctx, nic).public_ip);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    /* ... but no new one comes with two interfaces attached. */
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
    assert_string_equal(describe_nic(f->ctx, second).public_ip, "");
}

static void test_s1_4_second_interface_blocks_public_ip_after_eip(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_PUBLIC_IP, &nic);
    eni_nic_id second = nic_new(f, f->sn, 0);
    MUTATE(f, eni_nic_attach(f->ctx, second, inst, 1, 0, NULL));
    rec r;
    poll_rec(f, &r);
    eni_eip_id eip;
    MUTATE(f, eni_eip_allocate(f->ctx, &eip));
    eni_eip_assoc_id assoc;
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, NULL, 0, &assoc));
    MUTATE(f, eni_eip_disassociate(f->ctx, assoc));
    assert_string_equal(describe_nic(f->ctx, nic).public_ip, "");
}

/* ---- 1.5 / 2.1 stop, start and terminate -------------------------------------- */

static void test_s1_5_terminate_cascade(void **state)
{
    fx *f = *state;
    /* nicB: existing, two addresses, two groups. */
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = f->vpc;
    gs.name = "web";
    gs.description = "web servers";
    eni_sg_id web;
    MUTATE(f, eni_sg_create(f->ctx, &gs, &web));
    eni_nic_id nic_b = nic_new(f, f->sn, 1);
    eni_sg_id groups[2] = {f->dflt, web};
    MUTATE(f, eni_nic_set_groups(f->ctx, nic_b, groups, 2));
    eni_nic_info b_before = describe_nic(f->ctx, nic_b);

    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lold(nic_b, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a_a = att_at(f, inst, 2, 0);
    eni_attachment_id a_b = att_at(f, inst, 2, 1);
    eni_nic_id nic_a = describe_attachment(f->ctx, a_a).nic;
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);

    eni_eip_id eip_a, eip_b;
    MUTATE(f, eni_eip_allocate(f->ctx, &eip_a));
    MUTATE(f, eni_eip_allocate(f->ctx, &eip_b));
    MUTATE(f, eni_eip_associate(f->ctx, eip_a, nic_a, NULL, 0, NULL));
    MUTATE(f, eni_eip_associate(f->ctx, eip_b, nic_b, NULL, 0, NULL));
    eni_subnet_info si;
    memset(&si, 0, sizeof si);
    si.size = sizeof si;
    assert_eni_ok(eni_subnet_describe(f->ctx, f->sn, &si));
    uint64_t free_before = si.available_ip_count;

    /* shutting-down: every attachment starts detaching, the primary included. */
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    assert_int_equal(describe_attachment(f->ctx, a_a).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(describe_attachment(f->ctx, a_b).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(describe_nic(f->ctx, nic_a).status, ENI_NIC_DETACHING);
    assert_int_equal(describe_nic(f->ctx, nic_b).status, ENI_NIC_DETACHING);
    assert_int_equal(mock_counters(f->ctx).detach_calls, 2);

    /* terminated only once they are gone. */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_TERMINATED), ENI_EBUSY,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_delete(f->ctx, inst), ENI_ESTATE, "IncorrectInstanceState");

    assert_int_equal(poll_rec(f, &r), 3);
    assert_int_equal(rec_get(&r, ENI_EVENT_INSTANCE_STATE, inst.v)->state,
                     ENI_INSTANCE_SHUTTING_DOWN);
    const eni_event *e = rec_get(&r, ENI_EVENT_DETACH_COMPLETED, a_a.v);
    assert_attach_event(e, ENI_EVENT_DETACH_COMPLETED, a_a, nic_a, inst, ENI_OK);
    assert_int_equal(e->state, ENI_ATTACHMENT_DETACHED);
    e = rec_get(&r, ENI_EVENT_DETACH_COMPLETED, a_b.v);
    assert_attach_event(e, ENI_EVENT_DETACH_COMPLETED, a_b, nic_b, inst, ENI_OK);

    /* The launched interface is deleted; its Elastic IP let go but kept. */
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, nic_a, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    eni_attachment_info ai;
    memset(&ai, 0, sizeof ai);
    ai.size = sizeof ai;
    assert_eni_fail(eni_attachment_describe(f->ctx, a_a, &ai), ENI_ESTALE,
                    "InvalidAttachmentID.NotFound");
    assert_eni_fail(eni_attachment_describe(f->ctx, a_b, &ai), ENI_ESTALE,
                    "InvalidAttachmentID.NotFound");
    eni_eip_info ea = describe_eip(f->ctx, eip_a);
    assert_int_equal(ea.association.v, 0);
    assert_int_equal(ea.nic.v, 0);
    assert_int_equal(ea.instance.v, 0);
    assert_string_equal(ea.private_ip, "");
    assert_public_ip(ea.public_ip);
    uint32_t cnt = 0;
    assert_eni_ok(eni_eip_list(f->ctx, NULL, 0, &cnt));
    assert_int_equal(cnt, 2);
    assert_eni_ok(eni_subnet_describe(f->ctx, f->sn, &si));
    assert_int_equal(si.available_ip_count, free_before + 1);

    /* The existing one is available with its addresses, groups and Elastic IP. */
    eni_nic_info nb = describe_nic(f->ctx, nic_b);
    assert_int_equal(nb.status, ENI_NIC_AVAILABLE);
    assert_int_equal(nb.instance.v, 0);
    assert_int_equal(nb.attachment.v, 0);
    assert_int_equal(nb.ipv4_count, 2);
    assert_string_equal(nb.private_ip, b_before.private_ip);
    assert_int_equal(nb.group_count, 2);
    eni_sg_id got[2];
    assert_eni_ok(eni_nic_get_groups(f->ctx, nic_b, got, 2, &cnt));
    assert_int_equal(cnt, 2);
    assert_int_equal(got[0].v, f->dflt.v);
    assert_int_equal(got[1].v, web.v);
    eni_eip_info eb = describe_eip(f->ctx, eip_b);
    assert_int_equal(eb.nic.v, nic_b.v);
    assert_int_not_equal(eb.association.v, 0);
    assert_string_equal(eb.private_ip, b_before.private_ip);
    assert_int_equal(eb.instance.v, 0);
    assert_string_equal(nb.public_ip, eb.public_ip);

    eni_instance_info ii = describe_instance(f->ctx, inst);
    assert_int_equal(ii.state, ENI_INSTANCE_SHUTTING_DOWN);
    assert_int_equal(ii.nic_count, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);

    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    assert_int_equal(poll_rec(f, &r), 1);
    assert_int_equal(rec_get(&r, ENI_EVENT_INSTANCE_STATE, inst.v)->state,
                     ENI_INSTANCE_TERMINATED);
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, NULL, 0, &cnt));
    assert_int_equal(cnt, 0);
    MUTATE(f, eni_instance_delete(f->ctx, inst));
    assert_eni_fail(eni_instance_list_attachments(f->ctx, inst, NULL, 0, &cnt), ENI_ESTALE,
                    "InvalidInstanceID.NotFound");
    REFUSED(f, eni_instance_delete(f->ctx, inst), ENI_ESTALE, "InvalidInstanceID.NotFound");
    /* The kept interface can be deleted now. */
    MUTATE(f, eni_nic_delete(f->ctx, nic_b));
}

static void test_s1_5_terminate_hot_attached_keeps_interface(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    eni_nic_id later = nic_new(f, f->sn, 0);
    eni_attachment_id a;
    MUTATE(f, eni_nic_attach(f->ctx, later, inst, 1, 0, &a));
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 0);
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 2);
    assert_int_equal(describe_nic(f->ctx, later).status, ENI_NIC_AVAILABLE);
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, nic, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
}

static void test_s1_5_terminate_honours_modified_delete_on_termination(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    eni_attachment_id a0 = att_at(f, inst, 1, 0);
    MUTATE(f, eni_attachment_set_delete_on_termination(f->ctx, a0, 0));
    eni_nic_id later = nic_new(f, f->sn, 0);
    eni_attachment_id a1;
    MUTATE(f, eni_nic_attach(f->ctx, later, inst, 1, 0, &a1));
    rec r;
    poll_rec(f, &r);
    MUTATE(f, eni_attachment_set_delete_on_termination(f->ctx, a1, 1));
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    poll_rec(f, &r);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, later, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
}

static void test_s2_1_terminate_while_cold_attach_pending(void **state)
{
    fx *f = *state;
    eni_mock_config cfg = ENI_MOCK_CONFIG_INIT;
    cfg.latency = ENI_MOCK_AFTER_POLLS;
    cfg.polls = 5;
    MUTATE(f, eni_mock_configure(f->ctx, &cfg));
    eni_nic_id old = nic_new(f, f->sn, 0);
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n[2] = {lnew(&sp, 0, 0, 0), lold(old, 1, 0, 0)};
    eni_launch_spec s = lspec("m5.large", n, 2);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a0 = att_at(f, inst, 2, 0);
    eni_attachment_id a1 = att_at(f, inst, 2, 1);
    eni_nic_id fresh = describe_attachment(f->ctx, a0).nic;
    rec r;
    poll_rec(f, &r);
    poll_rec(f, &r);
    assert_int_equal(describe_attachment(f->ctx, a0).status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(mock_counters(f->ctx).devices, 2);

    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    eni_instance_info ii = describe_instance(f->ctx, inst);
    assert_int_equal(ii.nic_count, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, fresh, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    assert_int_equal(describe_nic(f->ctx, old).status, ENI_NIC_AVAILABLE);
    assert_int_equal(describe_nic(f->ctx, old).attachment.v, 0);

    poll_rec(f, &r);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a0.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a0, fresh, inst, ENI_ESTATE);
    assert_string_equal(e->ec2_code, "IncorrectInstanceState");
    e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a1.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a1, old, inst, ENI_ESTATE);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 0);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    /* The aborted completions never arrive. */
    for (int i = 0; i < 6; i++) {
        poll_rec(f, &r);
        assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 0);
    }
    assert_int_equal(mock_counters(f->ctx).completions, 0);
    MUTATE(f, eni_instance_delete(f->ctx, inst));
}

static void test_s2_1_terminate_before_poll_discards_queued_completion(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id first = launch_ok(f, &s);
    eni_attachment_id a_old = att_at(f, first, 1, 0);
    eni_nic_id nic_old = describe_attachment(f->ctx, a_old).nic;
    /* The mock already queued its completion; terminating aborts the attach. */
    set_state(f, first, ENI_INSTANCE_SHUTTING_DOWN);
    assert_int_equal(mock_counters(f->ctx).devices, 0);
    assert_int_equal(describe_instance(f->ctx, first).nic_count, 0);
    /* A new launch may reuse the freed slots. */
    eni_instance_id second = launch_ok(f, &s);
    eni_attachment_id a_new = att_at(f, second, 1, 0);
    assert_int_not_equal(a_new.v, a_old.v);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 1);
    assert_attach_event(rec_get(&r, ENI_EVENT_ATTACH_COMPLETED, a_new.v),
                        ENI_EVENT_ATTACH_COMPLETED, a_new, describe_attachment(f->ctx, a_new).nic,
                        second, ENI_OK);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a_old.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a_old, nic_old, first, ENI_ESTATE);
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, nic_old, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    assert_int_equal(mock_counters(f->ctx).devices, 1);
    set_state(f, first, ENI_INSTANCE_TERMINATED);
}

static void test_s1_5_terminate_despite_backend_detach_failure(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_KEEP_ON_TERMINATION, &nic);
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, 0));
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_TERMINATED), ENI_EBUSY,
            "IncorrectInstanceState");
    rec r;
    poll_rec(f, &r);
    /* Termination detaches whatever the backend says. */
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 1);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_FAILED), 0);
    assert_int_equal(mock_counters(f->ctx).failures, 1);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
}

static void test_s1_5_terminate_despite_backend_refusing_detach(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, ENI_MOCK_FAIL_SYNC));
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    /* Forced through at once: the interface (delete-on-termination) is gone. */
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
    eni_nic_info ni;
    memset(&ni, 0, sizeof ni);
    ni.size = sizeof ni;
    assert_eni_fail(eni_nic_describe(f->ctx, nic, &ni), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 1);
}

static void test_s1_5_terminate_despite_lost_detach(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, ENI_LAUNCH_KEEP_ON_TERMINATION, &nic);
    MUTATE(f, eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 1));
    MUTATE(f, eni_ctx_set_op_timeout(f->ctx, 1));
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(mock_counters(f->ctx).drops, 1);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 1);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
}

static void test_s2_1_stop_keeps_attachments_warm_attach(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    eni_attachment_id a0 = att_at(f, inst, 1, 0);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    assert_int_equal(describe_attachment(f->ctx, a0).status, ENI_ATTACHMENT_ATTACHED);
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    rec r;
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 0);
    assert_int_equal(describe_attachment(f->ctx, a0).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    assert_int_equal(mock_counters(f->ctx).detach_calls, 0);

    eni_nic_id second = nic_new(f, f->sn, 0);
    eni_attachment_id a1;
    MUTATE(f, eni_nic_attach(f->ctx, second, inst, 1, 0, &a1));
    eni_attachment_info ai = describe_attachment(f->ctx, a1);
    assert_int_equal(ai.kind, ENI_ATTACH_WARM);
    assert_int_equal(ai.status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(ai.delete_on_termination, 0);
    poll_rec(f, &r);
    assert_attach_event(rec_get(&r, ENI_EVENT_ATTACH_COMPLETED, a1.v),
                        ENI_EVENT_ATTACH_COMPLETED, a1, second, inst, ENI_OK);

    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_int_equal(describe_attachment(f->ctx, a0).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_attachment(f->ctx, a1).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 2);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_INSTANCE_STATE), 2);
    assert_int_equal(r.ev[0].state, ENI_INSTANCE_PENDING);
    assert_int_equal(r.ev[1].state, ENI_INSTANCE_RUNNING);
}

static void test_s1_3_instance_state_events_carry_new_state(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    static const uint32_t path[] = {ENI_INSTANCE_STOPPING, ENI_INSTANCE_STOPPED,
                                    ENI_INSTANCE_PENDING, ENI_INSTANCE_RUNNING,
                                    ENI_INSTANCE_SHUTTING_DOWN};
    rec r;
    poll_rec(f, &r); /* the running event of launch_running */
    for (size_t i = 0; i < sizeof path / sizeof path[0]; i++)
        set_state(f, inst, path[i]);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_INSTANCE_STATE), 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(r.ev[i].type, ENI_EVENT_INSTANCE_STATE);
        assert_int_equal(r.ev[i].subject, inst.v);
        assert_int_equal(r.ev[i].state, path[i]);
        assert_true(i == 0 || r.ev[i].seq > r.ev[i - 1].seq);
    }
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    poll_rec(f, &r);
    assert_int_equal(rec_get(&r, ENI_EVENT_INSTANCE_STATE, inst.v)->state,
                     ENI_INSTANCE_TERMINATED);
}

static void test_s1_3_terminate_stopped_instance(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_DETACHING);
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    MUTATE(f, eni_instance_delete(f->ctx, inst));
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_s1_3_illegal_transitions_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    /* pending */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_PENDING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPED), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_TERMINATED), ENI_ESTATE,
            "IncorrectInstanceState");
    rec r;
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    nic = describe_attachment(f->ctx, att_at(f, inst, 1, 0)).nic;
    /* running */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_PENDING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPED), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING), ENI_ESTATE,
            "IncorrectInstanceState");
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    /* stopping */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_PENDING), ENI_ESTATE,
            "IncorrectInstanceState");
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    /* stopped */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPING), ENI_ESTATE,
            "IncorrectInstanceState");
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    /* shutting-down */
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING), ENI_ESTATE,
            "IncorrectInstanceState");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPED), ENI_ESTATE,
            "IncorrectInstanceState");
    poll_rec(f, &r);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    /* terminated: nothing */
    static const uint32_t all[] = {ENI_INSTANCE_PENDING, ENI_INSTANCE_RUNNING,
                                   ENI_INSTANCE_SHUTTING_DOWN, ENI_INSTANCE_TERMINATED,
                                   ENI_INSTANCE_STOPPING, ENI_INSTANCE_STOPPED};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        REFUSED(f, eni_instance_set_state(f->ctx, inst, all[i]), ENI_ESTATE,
                "IncorrectInstanceState");
    (void)nic;
}

static void test_s1_3_set_state_argument_errors(void **state)
{
    fx *f = *state;
    eni_instance_id inst = instance_new(f, "m5.large", f->sn);
    REFUSED(f, eni_instance_set_state(NULL, inst, ENI_INSTANCE_RUNNING), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_instance_set_state(f->ctx, inst, 96), ENI_EINVAL, "InvalidParameterValue");
    eni_instance_id null_id = {0};
    REFUSED(f, eni_instance_set_state(f->ctx, null_id, ENI_INSTANCE_RUNNING), ENI_EINVAL,
            "InvalidInstanceID.Malformed");
    eni_instance_id wrong = {f->sn.v};
    REFUSED(f, eni_instance_set_state(f->ctx, wrong, ENI_INSTANCE_RUNNING), ENI_EINVAL,
            "InvalidInstanceID.Malformed");
    eni_instance_id gone = instance_new(f, "m5.large", f->sn);
    set_state(f, gone, ENI_INSTANCE_SHUTTING_DOWN);
    set_state(f, gone, ENI_INSTANCE_TERMINATED);
    MUTATE(f, eni_instance_delete(f->ctx, gone));
    REFUSED(f, eni_instance_set_state(f->ctx, gone, ENI_INSTANCE_RUNNING), ENI_ESTALE,
            "InvalidInstanceID.NotFound");
    assert_int_equal(describe_instance(f->ctx, inst).state, ENI_INSTANCE_PENDING);
}

static void test_s1_6_list_attachments_argument_errors(void **state)
{
    fx *f = *state;
    eni_instance_id inst = instance_new(f, "m5.large", f->sn);
    eni_attachment_id ids[2];
    uint32_t cnt = 77;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, ids, 2, &cnt));
    assert_int_equal(cnt, 0);
    cnt = 77;
    assert_eni_fail(eni_instance_list_attachments(NULL, inst, ids, 2, &cnt), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_instance_list_attachments(f->ctx, inst, ids, 2, NULL), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_instance_list_attachments(f->ctx, inst, NULL, 2, &cnt), ENI_EINVAL,
                    "InvalidParameterValue");
    eni_instance_id null_id = {0};
    assert_eni_fail(eni_instance_list_attachments(f->ctx, null_id, ids, 2, &cnt), ENI_EINVAL,
                    "InvalidInstanceID.Malformed");
    eni_instance_id wrong = {f->vpc.v};
    assert_eni_fail(eni_instance_list_attachments(f->ctx, wrong, ids, 2, &cnt), ENI_EINVAL,
                    "InvalidInstanceID.Malformed");
    eni_instance_id gone = instance_new(f, "m5.large", f->sn);
    set_state(f, gone, ENI_INSTANCE_SHUTTING_DOWN);
    set_state(f, gone, ENI_INSTANCE_TERMINATED);
    MUTATE(f, eni_instance_delete(f->ctx, gone));
    assert_eni_fail(eni_instance_list_attachments(f->ctx, gone, ids, 2, &cnt), ENI_ESTALE,
                    "InvalidInstanceID.NotFound");
    assert_int_equal(cnt, 77); /* untouched on failure */
}

/* ---- the backend seam -------------------------------------------------------- */

static void test_backend_name(void **state)
{
    fx *f = *state;
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
    assert_string_equal(eni_ctx_backend_name(NULL), "");
}

static void test_backend_set_custom_and_back(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, "opt=1"));
    assert_string_equal(eni_ctx_backend_name(f->ctx), "custom");
    assert_int_equal(g_custom.opens, 1);
    assert_int_equal(g_custom.closes, 0);
    assert_false(g_custom.config_null);
    assert_string_equal(g_custom.config, "opt=1");
    assert_non_null(g_custom.host);

    /* The mock's controls refuse another backend. */
    eni_mock_config cfg = ENI_MOCK_CONFIG_INIT;
    eni_mock_counters c;
    memset(&c, 0, sizeof c);
    c.size = sizeof c;
    eni_attachment_id none = {0};
    REFUSED(f, eni_mock_configure(f->ctx, &cfg), ENI_ENOTSUP, "UnsupportedOperation");
    REFUSED(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, 0), ENI_ENOTSUP,
            "UnsupportedOperation");
    REFUSED(f, eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 1), ENI_ENOTSUP,
            "UnsupportedOperation");
    REFUSED(f, eni_mock_get_counters(f->ctx, &c), ENI_ENOTSUP, "UnsupportedOperation");
    REFUSED(f, eni_mock_remove_device(f->ctx, none), ENI_ENOTSUP, "UnsupportedOperation");
    REFUSED(f, eni_mock_set_link(f->ctx, none, 1), ENI_ENOTSUP, "UnsupportedOperation");

    /* The backend's poll runs with every eni_ctx_poll(). */
    rec r;
    assert_int_equal(poll_rec(f, &r), 0);
    assert_int_equal(g_custom.polls, 1);

    MUTATE(f, eni_ctx_set_backend(f->ctx, eni_mock_backend_ops(), NULL));
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
    assert_int_equal(g_custom.closes, 1);
    eni_mock_counters fresh = mock_counters(f->ctx);
    assert_int_equal(fresh.attach_calls, 0);
    assert_int_equal(fresh.devices, 0);
    MUTATE(f, eni_mock_configure(f->ctx, &cfg));

    /* NULL config reaches open as NULL. */
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL));
    assert_true(g_custom.config_null);
    assert_int_equal(g_custom.opens, 2);
}

static void test_backend_set_refused_while_attached(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    /* attaching */
    REFUSED(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL), ENI_EBUSY, "IncorrectState");
    rec r;
    poll_rec(f, &r);
    /* attached */
    REFUSED(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL), ENI_EBUSY, "IncorrectState");
    REFUSED(f, eni_ctx_set_backend(f->ctx, eni_mock_backend_ops(), NULL), ENI_EBUSY,
            "IncorrectState");
    assert_int_equal(g_custom.opens, 0);
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
    assert_int_equal(mock_counters(f->ctx).devices, 1);
    /* After the instance is gone it works. */
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    poll_rec(f, &r);
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL));
    assert_int_equal(g_custom.opens, 1);
}

static void test_backend_bad_ops_refused(void **state)
{
    fx *f = *state;
    eni_backend_ops bad = custom_ops;
    bad.abi = 2;
    REFUSED(f, eni_ctx_set_backend(f->ctx, &bad, NULL), ENI_EVERSION, "");
    bad = custom_ops;
    bad.size = 8;
    REFUSED(f, eni_ctx_set_backend(f->ctx, &bad, NULL), ENI_EVERSION, "");
    bad.size = (uint32_t)offsetof(eni_backend_ops, get_device);
    REFUSED(f, eni_ctx_set_backend(f->ctx, &bad, NULL), ENI_EVERSION, "");
    for (int i = 0; i < 6; i++) {
        bad = custom_ops;
        switch (i) {
        case 0: bad.name = NULL; break;
        case 1: bad.open = NULL; break;
        case 2: bad.close = NULL; break;
        case 3: bad.attach = NULL; break;
        case 4: bad.detach = NULL; break;
        default: bad.poll = NULL; break;
        }
        REFUSED(f, eni_ctx_set_backend(f->ctx, &bad, NULL), ENI_EINVAL, "InvalidParameterValue");
    }
    REFUSED(f, eni_ctx_set_backend(f->ctx, NULL, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_ctx_set_backend(NULL, &custom_ops, NULL), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(g_custom.opens, 0);
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
    /* The mock still answers. */
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_backend_open_failure_keeps_old(void **state)
{
    fx *f = *state;
    g_custom.open_rc = ENI_ENOMEM;
    REFUSED(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL), ENI_ENOMEM, "InternalError");
    assert_int_equal(g_custom.opens, 1);
    assert_int_equal(g_custom.closes, 0);
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
    assert_int_equal(mock_counters(f->ctx).devices, 0);
}

static void test_backend_post_completes_attach(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL));
    eni_backend_host *host = g_custom.host;
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_nic_id nic = describe_attachment(f->ctx, a).nic;

    /* The request the backend saw. */
    assert_int_equal(g_custom.attaches, 1);
    const eni_backend_attach_req *q = &g_custom.last_attach;
    assert_int_equal(q->size, sizeof *q);
    assert_int_equal(q->kind, ENI_ATTACH_COLD);
    assert_int_equal(q->attachment.v, a.v);
    assert_int_equal(q->nic.v, nic.v);
    assert_int_equal(q->instance.v, inst.v);
    assert_int_equal(q->device_index, 0);
    assert_int_equal(q->network_card_index, 0);
    assert_int_equal(q->nic_type, ENI_NIC_INTERFACE);
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_memory_equal(q->mac, ni.mac, 6);

    /* Nothing posted: still attaching after polls. */
    rec r;
    poll_rec(f, &r);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 0);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(g_custom.polls, 2);

    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_ATTACH_DONE;
    ev.attachment = a;
    ev.status = ENI_OK;
    MUTATE(f, eni_backend_post(host, &ev));
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(poll_rec(f, &r), 1);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_COMPLETED, a.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_COMPLETED, a, nic, inst, ENI_OK);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);

    /* No get_device op. */
    eni_backend_device dev;
    memset(&dev, 0, sizeof dev);
    dev.size = sizeof dev;
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &dev), ENI_ENOTSUP, "UnsupportedOperation");

    /* A second completion for the same attach changes nothing. */
    MUTATE(f, eni_backend_post(host, &ev));
    snap(f->ctx, &f->before);
    assert_int_equal(poll_rec(f, &r), 0);
    snap(f->ctx, &f->after);
    assert_string_equal(f->before, f->after);

    /* Terminating goes through the custom detach (forced). */
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    assert_int_equal(g_custom.detaches, 1);
    assert_int_equal(g_custom.last_detach.attachment.v, a.v);
    assert_int_equal(g_custom.last_detach.nic.v, nic.v);
    assert_int_equal(g_custom.last_detach.instance.v, inst.v);
    assert_true(g_custom.last_detach.flags & ENI_BACKEND_DETACH_FORCE);
    assert_false(g_custom.last_detach.flags & ENI_BACKEND_DETACH_ABORT);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_DETACH_COMPLETED), 1);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
}

static void test_backend_post_failed_attach_rolled_back(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL));
    eni_nic_id nic = nic_new(f, f->sn, 0);
    eni_instance_id inst = instance_new(f, "m5.large", f->sn);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    eni_attachment_id a;
    MUTATE(f, eni_nic_attach(f->ctx, nic, inst, 0, 0, &a));
    assert_int_equal(g_custom.last_attach.kind, ENI_ATTACH_HOT);
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_ATTACH_DONE;
    ev.attachment = a;
    ev.status = ENI_EBACKEND;
    ev.os_errno = EIO;
    MUTATE(f, eni_backend_post(g_custom.host, &ev));
    rec r;
    poll_rec(f, &r);
    const eni_event *e = rec_get(&r, ENI_EVENT_ATTACH_FAILED, a.v);
    assert_attach_event(e, ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_EBACKEND);
    assert_int_equal(e->os_errno, EIO);
    assert_string_equal(e->ec2_code, "InternalError");
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_AVAILABLE);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
    /* Nothing attached: the backend can be switched again. */
    MUTATE(f, eni_ctx_set_backend(f->ctx, eni_mock_backend_ops(), NULL));
}

static void test_backend_post_argument_errors(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_ctx_set_backend(f->ctx, &custom_ops, NULL));
    eni_backend_host *host = g_custom.host;
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_LINK;
    REFUSED(f, eni_backend_post(NULL, &ev), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_backend_post(host, NULL), ENI_EINVAL, "InvalidParameterValue");
    ev.type = 0;
    REFUSED(f, eni_backend_post(host, &ev), ENI_EINVAL, "InvalidParameterValue");
    ev.type = ENI_BEV_DEVICE_REMOVED + 1;
    REFUSED(f, eni_backend_post(host, &ev), ENI_EINVAL, "InvalidParameterValue");
    ev.type = ENI_BEV_ATTACH_DONE;
    ev.size = 8;
    REFUSED(f, eni_backend_post(host, &ev), ENI_EVERSION, "");
    ev.size = 0;
    REFUSED(f, eni_backend_post(host, &ev), ENI_EVERSION, "");
    /* Nothing was queued by the refusals. */
    rec r;
    assert_int_equal(poll_rec(f, &r), 0);
}

static void test_backend_mock_get_device(void **state)
{
    fx *f = *state;
    eni_nic_id nic;
    eni_instance_id inst = launch_running(f, f->sn, 0, &nic);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    eni_backend_device dev;
    memset(&dev, 0, sizeof dev);
    dev.size = sizeof dev;
    MUTATE(f, eni_attachment_get_device(f->ctx, a, &dev));
    assert_int_equal(dev.vendor_id, 0x1d0f);
    assert_int_equal(dev.device_id, 0xec20);
    assert_int_equal(dev.link_up, 1);
    assert_memory_equal(dev.mac, describe_nic(f->ctx, nic).mac, 6);
    assert_true(strncmp(dev.bus_address, "0000:00:", 8) == 0);
    dev.size = 4;
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &dev), ENI_EINVAL, "InvalidParameterValue");
    dev.size = sizeof dev;
    REFUSED(f, eni_attachment_get_device(f->ctx, a, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_attachment_get_device(NULL, a, &dev), ENI_EINVAL, "InvalidParameterValue");
    eni_attachment_id wrong = {nic.v};
    REFUSED(f, eni_attachment_get_device(f->ctx, wrong, &dev), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &dev), ENI_ESTATE, "IncorrectState");
    rec r;
    poll_rec(f, &r);
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &dev), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
}

/* ---- the mock's controls ------------------------------------------------------ */

static void test_mock_after_polls_latency(void **state)
{
    fx *f = *state;
    eni_mock_config cfg = ENI_MOCK_CONFIG_INIT;
    cfg.latency = ENI_MOCK_AFTER_POLLS;
    cfg.polls = 3;
    MUTATE(f, eni_mock_configure(f->ctx, &cfg));
    eni_nic_spec sp = nspec(f->sn);
    eni_launch_nic n = lnew(&sp, 0, 0, 0);
    eni_launch_spec s = lspec("t3.micro", &n, 1);
    eni_instance_id inst = launch_ok(f, &s);
    eni_attachment_id a = att_at(f, inst, 1, 0);
    rec r;
    for (int i = 0; i < 2; i++) {
        poll_rec(f, &r);
        assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 0);
        assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    }
    assert_int_equal(mock_counters(f->ctx).completions, 0);
    poll_rec(f, &r);
    assert_int_equal(rec_count(&r, ENI_EVENT_ATTACH_COMPLETED), 1);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(mock_counters(f->ctx).completions, 1);
}

static void test_mock_fail_nth_argument_errors(void **state)
{
    fx *f = *state;
    REFUSED(f, eni_mock_fail_nth(f->ctx, 0, 1, EIO, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_fail_nth(f->ctx, 3, 1, EIO, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, -5, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, 1u << 1), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_mock_fail_nth(NULL, ENI_MOCK_OP_ATTACH, 1, EIO, 0), ENI_EINVAL,
            "InvalidParameterValue");
    /* None of them armed anything: the next attach works. */
    eni_nic_id nic;
    (void)launch_running(f, f->sn, 0, &nic);
    assert_int_equal(mock_counters(f->ctx).failures, 0);
    /* Armed then disarmed with n = 0. */
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, ENI_MOCK_FAIL_SYNC));
    MUTATE(f, eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 0, 0, 0));
    (void)launch_running(f, f->sn, 0, &nic);
    assert_int_equal(mock_counters(f->ctx).failures, 0);
}

static void test_mock_drop_nth_argument_errors(void **state)
{
    fx *f = *state;
    REFUSED(f, eni_mock_drop_nth(f->ctx, 0, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_drop_nth(f->ctx, 7, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_drop_nth(NULL, ENI_MOCK_OP_ATTACH, 1), ENI_EINVAL,
            "InvalidParameterValue");
    MUTATE(f, eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 0));
    assert_int_equal(mock_counters(f->ctx).drops, 0);
}

static void test_mock_configure_argument_errors(void **state)
{
    fx *f = *state;
    eni_mock_config cfg = ENI_MOCK_CONFIG_INIT;
    cfg.latency = 9;
    REFUSED(f, eni_mock_configure(f->ctx, &cfg), ENI_EINVAL, "InvalidParameterValue");
    cfg.latency = ENI_MOCK_AFTER_POLLS;
    cfg.polls = 0;
    REFUSED(f, eni_mock_configure(f->ctx, &cfg), ENI_EINVAL, "InvalidParameterValue");
    cfg.polls = 2;
    cfg.reserved0 = 1;
    REFUSED(f, eni_mock_configure(f->ctx, &cfg), ENI_EINVAL, "InvalidParameterValue");
    cfg.reserved0 = 0;
    cfg.size = 4;
    REFUSED(f, eni_mock_configure(f->ctx, &cfg), ENI_EVERSION, "");
    cfg.size = sizeof cfg;
    REFUSED(f, eni_mock_configure(f->ctx, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_configure(NULL, &cfg), ENI_EINVAL, "InvalidParameterValue");
    /* Still immediate: the refused settings did not apply. */
    eni_nic_id nic;
    (void)launch_running(f, f->sn, 0, &nic);
}

static void test_mock_get_counters_argument_errors(void **state)
{
    fx *f = *state;
    eni_mock_counters c;
    memset(&c, 0, sizeof c);
    c.size = 4;
    REFUSED(f, eni_mock_get_counters(f->ctx, &c), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(c.devices, 0);
    c.size = sizeof c;
    REFUSED(f, eni_mock_get_counters(f->ctx, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_mock_get_counters(NULL, &c), ENI_EINVAL, "InvalidParameterValue");
    MUTATE(f, eni_mock_get_counters(f->ctx, &c));
    assert_int_equal(c.size, sizeof c);
    assert_int_equal(c.attach_calls, 0);
    assert_int_equal(c.detach_calls, 0);
    assert_int_equal(c.devices, 0);
}

/* ---- main ---------------------------------------------------------------------- */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s2_1_launch_new_interface_cold_attach),
        T(test_s1_5_launch_existing_interface_not_deleted_on_termination),
        T(test_s1_6_launch_several_interfaces_device_order),
        T(test_s1_6_launch_multi_card_primary_on_card0),
        T(test_s1_5_launch_keep_on_termination),
        T(test_s2_1_launch_null_arguments_refused),
        T(test_s2_1_launch_bad_sizes_and_flags_refused),
        T(test_s2_1_launch_no_interfaces_refused),
        T(test_s1_6_launch_two_primaries_refused),
        T(test_s1_6_launch_no_primary_refused),
        T(test_s1_6_launch_index0_only_on_card1_refused),
        T(test_s2_1_launch_existing_and_spec_both_refused),
        T(test_s1_6_launch_existing_in_use_refused),
        T(test_s1_6_launch_interface_listed_twice_refused),
        T(test_s2_3_launch_unknown_type_refused),
        T(test_s6_launch_ena_required_type_without_ena_refused),
        T(test_s1_1_launch_address_limit_exceeded),
        T(test_s2_3_launch_too_many_interfaces_refused),
        T(test_s1_1_launch_interface_in_other_az_refused),
        T(test_s2_1_launch_bad_subnet_refused),
        T(test_s2_1_launch_existing_id_errors),
        T(test_s1_4_launch_public_ip_with_two_interfaces_refused),
        T(test_s1_4_launch_public_ip_for_existing_interface_refused),
        T(test_s2_1_launch_backend_refusal_then_retry),
        T(test_s2_1_launch_backend_refusal_leaves_nothing),
        T(test_s1_3_launch_async_attach_failure_rolled_back),
        T(test_s1_3_launch_lost_completion_rolled_back),
        T(test_s1_4_map_public_ip_on_launch),
        T(test_s1_4_no_public_ip_flag_overrides_subnet),
        T(test_s1_4_public_ip_flag_on_non_mapping_subnet),
        T(test_s1_4_no_public_ip_by_default),
        T(test_s1_4_existing_primary_gets_no_public_ip),
        T(test_s1_4_reused_primary_gets_no_public_ip),
        T(test_s1_4_secondary_eip_blocks_new_public_ip),
        T(test_s1_4_two_interfaces_get_no_public_ip),
        T(test_s1_4_stop_releases_start_assigns),
        T(test_s1_4_eip_on_primary_releases_disassociate_assigns),
        T(test_s1_4_second_interface_blocks_new_public_ip),
        T(test_s1_4_second_interface_blocks_public_ip_after_eip),
        T(test_s1_5_terminate_cascade),
        T(test_s1_5_terminate_hot_attached_keeps_interface),
        T(test_s1_5_terminate_honours_modified_delete_on_termination),
        T(test_s2_1_terminate_while_cold_attach_pending),
        T(test_s2_1_terminate_before_poll_discards_queued_completion),
        T(test_s1_5_terminate_despite_backend_detach_failure),
        T(test_s1_5_terminate_despite_backend_refusing_detach),
        T(test_s1_5_terminate_despite_lost_detach),
        T(test_s2_1_stop_keeps_attachments_warm_attach),
        T(test_s1_3_instance_state_events_carry_new_state),
        T(test_s1_3_terminate_stopped_instance),
        T(test_s1_3_illegal_transitions_refused),
        T(test_s1_3_set_state_argument_errors),
        T(test_s1_6_list_attachments_argument_errors),
        T(test_backend_name),
        T(test_backend_set_custom_and_back),
        T(test_backend_set_refused_while_attached),
        T(test_backend_bad_ops_refused),
        T(test_backend_open_failure_keeps_old),
        T(test_backend_post_completes_attach),
        T(test_backend_post_failed_attach_rolled_back),
        T(test_backend_post_argument_errors),
        T(test_backend_mock_get_device),
        T(test_mock_after_polls_latency),
        T(test_mock_fail_nth_argument_errors),
        T(test_mock_drop_nth_argument_errors),
        T(test_mock_configure_argument_errors),
        T(test_mock_get_counters_argument_errors),
    };
    return cmocka_run_group_tests_name("attach_lifecycle", tests, NULL, NULL);
}
