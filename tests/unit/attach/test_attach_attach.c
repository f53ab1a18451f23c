/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Attaching and detaching interfaces (include/eni/attach.h, eni/sys/backend.h,
 * eni/sys/mock.h): ec2-semantics.md sections 1.3 (the attach state machine),
 * 1.5 (delete-on-termination), 1.6 (device indexes, cards, refusals),
 * 2.1 (hot, warm, cold), 2.2 (EFA), 2.3 (per-type limits), 6 and 7 (devices).
 *
 * Every mutation and every poll is followed by eni_ctx_check(); every refused
 * call is checked to leave eni_ctx_dump() byte-for-byte unchanged. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "describe_helpers.h"
#include "model_fixture.h"

#include <eni/sys/mock.h>

/* ---- fixture ----------------------------------------------------------------- */

enum { EV_CAP = 64 };

typedef struct fx {
    eni_ctx *ctx;
    char *before, *after;  /* dumps around a refused call; freed by teardown */
    char *base;            /* a dump a test compares against later; freed by teardown */
    eni_vpc_id vpc;        /* 10.0.0.0/16 + 2001:db8::/56 */
    eni_vpc_id vpc2;       /* 10.1.0.0/16 */
    eni_subnet_id sn;      /* 10.0.1.0/24 + 2001:db8:0:1::/64, us-east-1a */
    eni_subnet_id sn_b;    /* 10.0.2.0/24, us-east-1a (same zone, other subnet) */
    eni_subnet_id sn_z;    /* 10.0.3.0/24, us-east-1b (other zone) */
    eni_subnet_id sn_v2;   /* 10.1.1.0/24 in vpc2, us-east-1a */
    eni_event ev[EV_CAP];  /* events delivered by the last poll_fx() */
    uint32_t nev;
} fx;

static int subnet_make(eni_ctx *ctx, eni_vpc_id vpc, const char *az, const char *cidr,
                       const char *v6, eni_subnet_id *out)
{
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = az;
    ss.cidr_block = cidr;
    ss.ipv6_cidr_block = v6;
    return eni_subnet_create(ctx, &ss, out) == ENI_OK ? 0 : -1;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8::/56";
    if (eni_vpc_create(f->ctx, &vs, &f->vpc) != ENI_OK)
        return -1;
    vs.cidr_block = "10.1.0.0/16";
    vs.ipv6_cidr_block = NULL;
    if (eni_vpc_create(f->ctx, &vs, &f->vpc2) != ENI_OK)
        return -1;
    if (subnet_make(f->ctx, f->vpc, "us-east-1a", "10.0.1.0/24", "2001:db8:0:1::/64", &f->sn) ||
        subnet_make(f->ctx, f->vpc, "us-east-1a", "10.0.2.0/24", NULL, &f->sn_b) ||
        subnet_make(f->ctx, f->vpc, "us-east-1b", "10.0.3.0/24", NULL, &f->sn_z) ||
        subnet_make(f->ctx, f->vpc2, "us-east-1a", "10.1.1.0/24", NULL, &f->sn_v2))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f->base);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */




/* A refused attach: also leaves the out-parameter alone. */
#define ATTACH_REFUSED(f, nic, inst, idx, card, want_rc, want_code)                         \
    do {                                                                                \
        eni_attachment_id out_ = {UINT64_C(0xfeedface)};                                \
        REFUSED(f, eni_nic_attach((f)->ctx, (nic), (inst), (idx), (card), &out_), (want_rc), \
                (want_code));                                                           \
        assert_int_equal(out_.v, UINT64_C(0xfeedface));                                 \
    } while (0)

static int event_cb(const eni_event *ev, void *userdata)
{
    fx *f = userdata;
    if (f->nev < EV_CAP)
        f->ev[f->nev++] = *ev;
    return 0;
}

/* Poll once, keep the delivered events in f->ev, check the model. */
static uint32_t poll_fx(fx *f)
{
    f->nev = 0;
    uint32_t n = 0xdeadu;
    assert_eni_ok(eni_ctx_poll(f->ctx, 0, event_cb, f, &n));
    assert_true(n <= EV_CAP);
    assert_int_equal(n, f->nev);
    assert_eni_ok(eni_ctx_check(f->ctx));
    return n;
}

static uint32_t count_events(const fx *f, uint32_t type)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->nev; i++)
        n += f->ev[i].type == type;
    return n;
}

/* The single event of a type the last poll delivered. */
static const eni_event *only_event(const fx *f, uint32_t type)
{
    const eni_event *found = NULL;
    for (uint32_t i = 0; i < f->nev; i++) {
        if (f->ev[i].type != type)
            continue;
        if (found)
            fail_msg("two events of type %u", type);
        found = &f->ev[i];
    }
    if (!found)
        fail_msg("no event of type %u among %u", type, f->nev);
    return found;
}

static void assert_att_event(const eni_event *e, uint32_t type, eni_attachment_id att,
                             eni_nic_id nic, eni_instance_id inst, int32_t status,
                             int32_t os_errno, uint32_t st, const char *ec2_code)
{
    assert_int_equal(e->size, sizeof(eni_event));
    assert_int_equal(e->type, type);
    assert_true(e->seq > 0);
    assert_int_equal(e->subject, att.v);
    assert_int_equal(e->related, nic.v);
    assert_int_equal(e->cookie, inst.v);
    assert_int_equal(e->status, status);
    assert_int_equal(e->os_errno, os_errno);
    assert_int_equal(e->state, st);
    assert_int_equal(e->reserved0, 0);
    assert_string_equal(e->ec2_code, ec2_code);
}

static void mock_latency(fx *f, uint32_t latency, uint32_t polls)
{
    eni_mock_config c = ENI_MOCK_CONFIG_INIT;
    c.latency = latency;
    c.polls = polls;
    assert_eni_ok(eni_mock_configure(f->ctx, &c));
}

static void sleep_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static eni_nic_id nic_make(fx *f, eni_subnet_id sn, uint32_t type, uint32_t sec_v4, uint32_t v6)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = sn;
    sp.type = type;
    sp.secondary_ip_count = sec_v4;
    sp.ipv6_count = v6;
    eni_nic_id id = {0};
    MUTATE(f, eni_nic_create(f->ctx, &sp, &id));
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_NIC);
    assert_int_equal(describe_nic(f->ctx, id).status, ENI_NIC_AVAILABLE);
    return id;
}

static eni_nic_id nic_new(fx *f)
{
    return nic_make(f, f->sn, ENI_NIC_INTERFACE, 0, 0);
}

static void set_state(fx *f, eni_instance_id id, uint32_t st)
{
    MUTATE(f, eni_instance_set_state(f->ctx, id, st));
    assert_int_equal(describe_instance(f->ctx, id).state, st);
}

static eni_instance_id inst_make(fx *f, const char *type, eni_subnet_id sn, uint32_t platform)
{
    eni_instance_spec sp = ENI_INSTANCE_SPEC_INIT;
    sp.instance_type = type;
    sp.subnet = sn;
    sp.platform = platform;
    eni_instance_id id = {0};
    MUTATE(f, eni_instance_create(f->ctx, &sp, &id));
    assert_int_equal(describe_instance(f->ctx, id).state, ENI_INSTANCE_PENDING);
    return id;
}

static eni_instance_id inst_new(fx *f, const char *type)
{
    return inst_make(f, type, f->sn, ENI_PLATFORM_LINUX);
}

/* Start an attach: it must be under way (attaching) and nothing more. */
static eni_attachment_id attach_start(fx *f, eni_nic_id nic, eni_instance_id inst, uint32_t idx,
                                      uint32_t card)
{
    eni_attachment_id a = {0};
    MUTATE(f, eni_nic_attach(f->ctx, nic, inst, idx, card, &a));
    assert_int_equal(eni_id_kind(a.v), ENI_KIND_ATTACHMENT);
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(i.nic.v, nic.v);
    assert_int_equal(i.instance.v, inst.v);
    assert_int_equal(i.device_index, idx);
    assert_int_equal(i.network_card_index, card);
    eni_nic_info n = describe_nic(f->ctx, nic);
    assert_int_equal(n.status, ENI_NIC_ATTACHING);
    assert_int_equal(n.attachment.v, a.v);
    assert_int_equal(n.instance.v, inst.v);
    return a;
}

/* Attach and poll until the completion is applied. */
static eni_attachment_id attach_done(fx *f, eni_nic_id nic, eni_instance_id inst, uint32_t idx,
                                     uint32_t card)
{
    eni_attachment_id a = attach_start(f, nic, inst, idx, card);
    poll_fx(f);
    assert_att_event(only_event(f, ENI_EVENT_ATTACH_COMPLETED), ENI_EVENT_ATTACH_COMPLETED, a, nic,
                     inst, ENI_OK, 0, ENI_ATTACHMENT_ATTACHED, "");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    return a;
}

static void assert_gone(fx *f, eni_attachment_id a)
{
    eni_attachment_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_fail(eni_attachment_describe(f->ctx, a, &i), ENI_ESTALE,
                    "InvalidAttachmentID.NotFound");
}

static void assert_available(fx *f, eni_nic_id nic)
{
    eni_nic_info n = describe_nic(f->ctx, nic);
    assert_int_equal(n.status, ENI_NIC_AVAILABLE);
    assert_int_equal(n.instance.v, 0);
    assert_int_equal(n.attachment.v, 0);
}

/* Detach and poll until it completes. */
static void detach_done(fx *f, eni_attachment_id a, uint32_t flags)
{
    eni_attachment_info i = describe_attachment(f->ctx, a);
    MUTATE(f, eni_nic_detach(f->ctx, a, flags));
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(describe_nic(f->ctx, i.nic).status, ENI_NIC_DETACHING);
    poll_fx(f);
    assert_att_event(only_event(f, ENI_EVENT_DETACH_COMPLETED), ENI_EVENT_DETACH_COMPLETED, a,
                     i.nic, i.instance, ENI_OK, 0, ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, i.nic);
}

/* An instance of `type` in f->sn with a primary interface cold-attached at
 * 0/0, then moved to `st` (pending, running or stopped); events drained. */
static eni_instance_id inst_ready_p(fx *f, const char *type, uint32_t platform, uint32_t st,
                                    eni_attachment_id *primary)
{
    eni_instance_id inst = inst_make(f, type, f->sn, platform);
    eni_attachment_id a = attach_done(f, nic_new(f), inst, 0, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_COLD);
    if (st != ENI_INSTANCE_PENDING)
        set_state(f, inst, ENI_INSTANCE_RUNNING);
    if (st == ENI_INSTANCE_STOPPED) {
        set_state(f, inst, ENI_INSTANCE_STOPPING);
        set_state(f, inst, ENI_INSTANCE_STOPPED);
    }
    poll_fx(f);
    if (primary)
        *primary = a;
    return inst;
}

static eni_instance_id inst_ready(fx *f, const char *type, uint32_t st, eni_attachment_id *primary)
{
    return inst_ready_p(f, type, ENI_PLATFORM_LINUX, st, primary);
}

/* An attachment id whose slot was never handed out (D1: slot above the generation). */
static eni_attachment_id never_issued(eni_attachment_id real)
{
    eni_attachment_id a = {real.v + (UINT64_C(1000) << 24)};
    return a;
}

/* An attachment that existed and was detached. */
static eni_attachment_id stale_attachment(fx *f, eni_instance_id running)
{
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, running, 7, 0);
    detach_done(f, a, 0);
    return a;
}

static eni_backend_device device_of(fx *f, eni_attachment_id a)
{
    eni_backend_device d;
    memset(&d, 0xa5, sizeof d);
    d.size = sizeof d;
    assert_eni_ok(eni_attachment_get_device(f->ctx, a, &d));
    assert_int_equal(d.size, sizeof d);
    return d;
}

static unsigned bus_slot(const char *addr)
{
    unsigned slot = 0, fn = 9;
    char tail = 0;
    assert_int_equal(strlen(addr), 12);
    assert_int_equal(strncmp(addr, "0000:00:", 8), 0);
    assert_int_equal(sscanf(addr + 8, "%2x.%1u%c", &slot, &fn, &tail), 2);
    assert_int_equal(fn, 0);
    assert_true(addr[8] == '0' || addr[8] == '1');
    assert_true(strchr("0123456789abcdef", addr[9]) != NULL);
    assert_true(slot <= 0x1f);
    return slot;
}

/* ---- 2.1 the kind of attach follows the instance's state ---------------------- */

static void test_s2_1_cold_attach_pending(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_new(f, "m5.large");
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 0, 0);
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.kind, ENI_ATTACH_COLD);
    assert_int_equal(i.delete_on_termination, 0);
    assert_int_equal(i.link_up, 1);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    poll_fx(f);
    i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(i.kind, ENI_ATTACH_COLD);
}

static void test_s2_1_hot_attach_running(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_HOT);
    poll_fx(f);
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(i.kind, ENI_ATTACH_HOT);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 2);
}

static void test_s2_1_warm_attach_stopped(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_WARM);
    poll_fx(f);
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(i.kind, ENI_ATTACH_WARM);
}

static void test_s2_1_attach_stopping_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    eni_nic_id nic = nic_new(f);
    ATTACH_REFUSED(f, nic, inst, 1, 0, ENI_ESTATE, "IncorrectInstanceState");
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
}

static void test_s2_1_attach_shutting_down_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_new(f, "m5.large");
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    eni_nic_id nic = nic_new(f);
    ATTACH_REFUSED(f, nic, inst, 0, 0, ENI_ESTATE, "IncorrectInstanceState");
    ATTACH_REFUSED(f, nic, inst, 1, 0, ENI_ESTATE, "IncorrectInstanceState");
    assert_available(f, nic);
}

static void test_s2_1_attach_terminated_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_new(f, "m5.large");
    set_state(f, inst, ENI_INSTANCE_SHUTTING_DOWN);
    set_state(f, inst, ENI_INSTANCE_TERMINATED);
    eni_nic_id nic = nic_new(f);
    ATTACH_REFUSED(f, nic, inst, 0, 0, ENI_ESTATE, "IncorrectInstanceState");
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
}

/* ---- 1.3 the attach and detach state machine ---------------------------------- */

static void test_s1_3_attach_attaching_until_poll(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    /* Nothing is delivered until a poll, and nothing changes by itself. */
    assert_int_equal(eni_ctx_pending_events(f->ctx), 0);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_ATTACHING);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 2);
    eni_attachment_id list[4];
    uint32_t n = 0;
    assert_eni_ok(eni_instance_list_attachments(f->ctx, inst, list, 4, &n));
    assert_int_equal(n, 2);
    assert_int_equal(list[1].v, a.v);

    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_ATTACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_ATTACHED, "");
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHED);
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_int_equal(ni.status, ENI_NIC_IN_USE);
    assert_int_equal(ni.instance.v, inst.v);
    assert_int_equal(ni.attachment.v, a.v);
    /* A second poll has nothing to report and changes nothing. */
    assert_int_equal(poll_fx(f), 0);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.devices, 2);
    assert_int_equal(c.attach_calls, 2);
    assert_int_equal(c.completions, 2);
}

static void test_s1_3_attach_after_polls(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    mock_latency(f, ENI_MOCK_AFTER_POLLS, 3);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    for (int p = 1; p <= 2; p++) {
        assert_int_equal(poll_fx(f), 0);
        assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
        assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_ATTACHING);
    }
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_ATTACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_ATTACHED, "");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    /* The detach waits as long. */
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    for (int p = 1; p <= 2; p++) {
        assert_int_equal(poll_fx(f), 0);
        assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_DETACHING);
        assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_DETACHING);
    }
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
}

static void test_s1_3_detach_completes_on_poll(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    assert_int_equal(mock_counters(f->ctx).devices, 2);
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_DETACHING);
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_int_equal(ni.status, ENI_NIC_DETACHING);
    assert_int_equal(ni.instance.v, inst.v);
    assert_int_equal(ni.attachment.v, a.v);
    assert_int_equal(eni_ctx_pending_events(f->ctx), 0);

    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.devices, 1);
    assert_int_equal(c.detach_calls, 1);
}

static void test_s1_6_addresses_stay_through_reattach(void **state)
{
    fx *f = *state;
    eni_instance_id one = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_instance_id two = inst_ready(f, "m5.large", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id nic = nic_make(f, f->sn, ENI_NIC_INTERFACE, 2, 1);
    eni_nic_info before = describe_nic(f->ctx, nic);
    eni_attachment_id a = attach_done(f, nic, one, 1, 0);
    detach_done(f, a, 0);
    eni_attachment_id b = attach_done(f, nic, two, 1, 0);
    assert_int_not_equal(a.v, b.v);
    eni_nic_info after = describe_nic(f->ctx, nic);
    assert_int_equal(after.instance.v, two.v);
    assert_string_equal(after.private_ip, before.private_ip);
    assert_string_equal(after.mac_string, before.mac_string);
    assert_int_equal(after.ipv4_count, 3);
    assert_int_equal(after.ipv6_count, 1);
    assert_int_equal(describe_attachment(f->ctx, b).kind, ENI_ATTACH_WARM);
}

/* ---- 1.6 refusals ------------------------------------------------------------- */

static void test_s1_6_attach_in_use_refused(void **state)
{
    fx *f = *state;
    eni_instance_id one = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_instance_id two = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, one, 1, 0);
    /* While attaching... */
    ATTACH_REFUSED(f, nic, two, 1, 0, ENI_EINUSE, "InvalidNetworkInterface.InUse");
    ATTACH_REFUSED(f, nic, one, 2, 0, ENI_EINUSE, "InvalidNetworkInterface.InUse");
    poll_fx(f);
    /* ...in use... */
    ATTACH_REFUSED(f, nic, two, 1, 0, ENI_EINUSE, "InvalidNetworkInterface.InUse");
    /* ...and detaching. */
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    ATTACH_REFUSED(f, nic, two, 1, 0, ENI_EINUSE, "InvalidNetworkInterface.InUse");
    assert_int_equal(describe_instance(f->ctx, two).nic_count, 1);
}

static void test_s1_6_device_index_taken_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id first = nic_new(f);
    eni_nic_id second = nic_new(f);
    ATTACH_REFUSED(f, second, inst, 0, 0, ENI_EINVAL, "InvalidParameterValue");
    (void)attach_start(f, first, inst, 1, 0);
    /* Taken while the first one is still attaching... */
    ATTACH_REFUSED(f, second, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message,
                           "already has an interface attached at device index '1'"));
    poll_fx(f);
    /* ...and once it is attached. */
    ATTACH_REFUSED(f, second, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, second);
    (void)attach_done(f, second, inst, 2, 0);
}

static void test_s1_6_device_index_over_255_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    ATTACH_REFUSED(f, nic, inst, 256, 0, ENI_EINVAL, "InvalidParameterValue");
    ATTACH_REFUSED(f, nic, inst, UINT32_MAX, 0, ENI_EINVAL, "InvalidParameterValue");
    (void)attach_done(f, nic, inst, 255, 0);
}

/* Every network card has its own device 0 (section 2.2's layout); only
 * device 0 of card 0 is the primary. */
static void test_s2_2_device_index0_on_other_cards_allowed(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c6in.32xlarge", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f), other = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 0, 1);
    assert_int_equal(describe_attachment(f->ctx, a).network_card_index, 1);
    assert_int_equal(describe_attachment(f->ctx, a).device_index, 0);
    ATTACH_REFUSED(f, other, inst, 0, 1, ENI_EINVAL, "InvalidParameterValue"); /* taken */
    /* it is not the primary: it detaches */
    assert_eni_ok(eni_nic_detach(f->ctx, a, 0));
    assert_eni_ok(eni_ctx_check(f->ctx));
}

static void test_s1_6_network_card_beyond_type_refused(void **state)
{
    fx *f = *state;
    eni_instance_id m5 = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_instance_id c6 = inst_ready(f, "c6in.32xlarge", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    ATTACH_REFUSED(f, nic, m5, 1, 1, ENI_EINVAL, "InvalidParameterValue");
    ATTACH_REFUSED(f, nic, c6, 1, 2, ENI_EINVAL, "InvalidParameterValue");
    ATTACH_REFUSED(f, nic, c6, 1, UINT32_MAX, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, nic);
    (void)attach_done(f, nic, c6, 1, 1);
}

static void test_s1_6_different_vpc_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_make(f, f->sn_v2, ENI_NIC_INTERFACE, 0, 0);
    ATTACH_REFUSED(f, nic, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, nic);
}

static void test_s1_6_different_az_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_make(f, f->sn_z, ENI_NIC_INTERFACE, 0, 0);
    ATTACH_REFUSED(f, nic, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, nic);
    /* Same VPC, same zone, another subnet: allowed. */
    eni_nic_id same_az = nic_make(f, f->sn_b, ENI_NIC_INTERFACE, 0, 0);
    eni_attachment_id a = attach_done(f, same_az, inst, 1, 0);
    eni_nic_info ni = describe_nic(f->ctx, same_az);
    assert_int_equal(ni.subnet.v, f->sn_b.v);
    assert_int_equal(ni.instance.v, inst.v);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_HOT);
}

static void test_s1_6_total_limit_exceeded(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "t3.micro", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id second = nic_new(f);
    eni_nic_id third = nic_new(f);
    eni_attachment_id a = attach_start(f, second, inst, 1, 0);
    /* An attaching interface counts. */
    ATTACH_REFUSED(f, third, inst, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    poll_fx(f);
    ATTACH_REFUSED(f, third, inst, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    assert_available(f, third);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 2);
    /* A detach frees the room. */
    detach_done(f, a, 0);
    (void)attach_done(f, third, inst, 2, 0);
}

static void test_s1_6_per_card_limit_exceeded(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c6in.32xlarge", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nics[8];
    eni_attachment_id atts[8];
    for (uint32_t k = 0; k < 8; k++) {
        nics[k] = nic_new(f);
        atts[k] = attach_start(f, nics[k], inst, k + 1, 1);
    }
    assert_int_equal(poll_fx(f), 8);
    assert_int_equal(count_events(f, ENI_EVENT_ATTACH_COMPLETED), 8);
    for (uint32_t k = 0; k < 8; k++)
        assert_int_equal(describe_attachment(f->ctx, atts[k]).status, ENI_ATTACHMENT_ATTACHED);
    eni_nic_id ninth = nic_new(f);
    ATTACH_REFUSED(f, ninth, inst, 9, 1, ENI_ELIMIT, "AttachmentLimitExceeded");
    assert_available(f, ninth);
    /* Card 0 still has room (9 of 16 in all). */
    eni_attachment_id a = attach_done(f, ninth, inst, 9, 0);
    assert_int_equal(describe_attachment(f->ctx, a).network_card_index, 0);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 10);
}

static void test_s1_6_detach_nic_id_malformed(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_attachment_id as_att = {nic.v};
    REFUSED(f, eni_nic_detach(f->ctx, as_att, 0), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_nic_detach(f->ctx, as_att, ENI_DETACH_FORCE), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    /* Other kinds and the null id are malformed too. */
    eni_attachment_id inst_as_att = {inst.v};
    REFUSED(f, eni_nic_detach(f->ctx, inst_as_att, 0), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    eni_attachment_id null_att = {0};
    REFUSED(f, eni_nic_detach(f->ctx, null_att, 0), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_6_detach_unknown_attachment(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id gone = stale_attachment(f, inst);
    /* The slot is reused by a new attachment: the old id must not alias it. */
    eni_attachment_id fresh = attach_done(f, nic_new(f), inst, 1, 0);
    REFUSED(f, eni_nic_detach(f->ctx, gone, 0), ENI_ESTALE, "InvalidAttachmentID.NotFound");
    REFUSED(f, eni_nic_detach(f->ctx, gone, ENI_DETACH_FORCE), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
    REFUSED(f, eni_nic_detach(f->ctx, never_issued(fresh), 0), ENI_ENOTFOUND,
            "InvalidAttachmentID.NotFound");
    assert_int_equal(describe_attachment(f->ctx, fresh).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_6_detach_primary_not_permitted(void **state)
{
    fx *f = *state;
    eni_attachment_id primary;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, &primary);
    REFUSED(f, eni_nic_detach(f->ctx, primary, 0), ENI_EPERM, "OperationNotPermitted");
    assert_string_equal(eni_error_last()->message,
                        "The network interface at device index 0 cannot be detached.");
    REFUSED(f, eni_nic_detach(f->ctx, primary, ENI_DETACH_FORCE), ENI_EPERM,
            "OperationNotPermitted");
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    REFUSED(f, eni_nic_detach(f->ctx, primary, 0), ENI_EPERM, "OperationNotPermitted");
    REFUSED(f, eni_nic_detach(f->ctx, primary, ENI_DETACH_FORCE), ENI_EPERM,
            "OperationNotPermitted");
    assert_int_equal(describe_attachment(f->ctx, primary).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_6_detach_while_attaching_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_ESTATE, "IncorrectState");
    REFUSED(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE), ENI_ESTATE, "IncorrectState");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    poll_fx(f);
    assert_int_equal(count_events(f, ENI_EVENT_ATTACH_COMPLETED), 1);
    /* A second detach while the first is under way is refused as well. */
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_ESTATE, "IncorrectState");
    REFUSED(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE), ENI_ESTATE, "IncorrectState");
    assert_int_equal(poll_fx(f), 1);
    assert_int_equal(count_events(f, ENI_EVENT_DETACH_COMPLETED), 1);
    assert_available(f, nic);
}

static void test_s1_6_detach_pending_instance_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_PENDING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_COLD);
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_ESTATE, "IncorrectInstanceState");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    /* Force goes through. */
    detach_done(f, a, ENI_DETACH_FORCE);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    assert_int_equal(mock_counters(f->ctx).devices, 1);
}

static void test_s1_6_detach_stopping_instance_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id a = attach_done(f, nic_new(f), inst, 1, 0);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_ESTATE, "IncorrectInstanceState");
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    poll_fx(f);
    /* Secondary interfaces detach while stopped (2.1). */
    detach_done(f, a, 0);
}

static void test_s1_6_detach_unknown_flags_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id a = attach_done(f, nic_new(f), inst, 1, 0);
    REFUSED(f, eni_nic_detach(f->ctx, a, 2), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE | 0x80000000u), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_6_detach_null_ctx(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id a = attach_done(f, nic_new(f), inst, 1, 0);
    REFUSED(f, eni_nic_detach(NULL, a, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_detach(NULL, a, ENI_DETACH_FORCE), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s1_6_attach_bad_ids(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_nic_id null_nic = {0};
    eni_instance_id null_inst = {0};
    eni_nic_id subnet_as_nic = {f->sn.v};
    eni_instance_id nic_as_inst = {nic.v};
    ATTACH_REFUSED(f, null_nic, inst, 1, 0, ENI_EINVAL, "InvalidNetworkInterfaceId.Malformed");
    ATTACH_REFUSED(f, subnet_as_nic, inst, 1, 0, ENI_EINVAL,
                   "InvalidNetworkInterfaceId.Malformed");
    ATTACH_REFUSED(f, nic, null_inst, 1, 0, ENI_EINVAL, "InvalidInstanceID.Malformed");
    ATTACH_REFUSED(f, nic, nic_as_inst, 1, 0, ENI_EINVAL, "InvalidInstanceID.Malformed");
    /* Never issued. */
    eni_nic_id forged_nic = {nic.v + (UINT64_C(1000) << 24)};
    eni_instance_id forged_inst = {inst.v + (UINT64_C(1000) << 24)};
    ATTACH_REFUSED(f, forged_nic, inst, 1, 0, ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
    ATTACH_REFUSED(f, nic, forged_inst, 1, 0, ENI_ENOTFOUND, "InvalidInstanceID.NotFound");
    /* Stale: a deleted interface and a forgotten instance. */
    eni_nic_id gone_nic = nic_new(f);
    MUTATE(f, eni_nic_delete(f->ctx, gone_nic));
    ATTACH_REFUSED(f, gone_nic, inst, 1, 0, ENI_ESTALE, "InvalidNetworkInterfaceID.NotFound");
    eni_instance_id gone_inst = inst_new(f, "m5.large");
    set_state(f, gone_inst, ENI_INSTANCE_SHUTTING_DOWN);
    set_state(f, gone_inst, ENI_INSTANCE_TERMINATED);
    MUTATE(f, eni_instance_delete(f->ctx, gone_inst));
    ATTACH_REFUSED(f, nic, gone_inst, 1, 0, ENI_ESTALE, "InvalidInstanceID.NotFound");
    assert_available(f, nic);
    (void)attach_done(f, nic, inst, 1, 0);
}

static void test_s1_6_attach_null_ctx(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id out = {UINT64_C(0xfeedface)};
    REFUSED(f, eni_nic_attach(NULL, nic, inst, 1, 0, &out), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(out.v, UINT64_C(0xfeedface));
    assert_available(f, nic);
    /* A NULL out-parameter is allowed. */
    MUTATE(f, eni_nic_attach(f->ctx, nic, inst, 1, 0, NULL));
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_int_equal(ni.status, ENI_NIC_ATTACHING);
    assert_int_equal(describe_attachment(f->ctx, ni.attachment).device_index, 1);
}

/* ---- 2.3 per-type address limits ---------------------------------------------- */

static void test_s2_3_attach_ipv4_over_type_limit_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id eleven = nic_make(f, f->sn, ENI_NIC_INTERFACE, 10, 0);
    assert_int_equal(describe_nic(f->ctx, eleven).ipv4_count, 11);
    ATTACH_REFUSED(f, eleven, inst, 1, 0, ENI_ELIMIT, "PrivateIpAddressLimitExceeded");
    assert_available(f, eleven);
    /* Exactly the limit fits. */
    eni_nic_id ten = nic_make(f, f->sn, ENI_NIC_INTERFACE, 9, 0);
    (void)attach_done(f, ten, inst, 1, 0);
    /* t3.micro takes 2. */
    eni_instance_id small = inst_ready(f, "t3.micro", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id three = nic_make(f, f->sn, ENI_NIC_INTERFACE, 2, 0);
    ATTACH_REFUSED(f, three, small, 1, 0, ENI_ELIMIT, "PrivateIpAddressLimitExceeded");
}

static void test_s2_3_attach_ipv6_over_type_limit_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id eleven = nic_make(f, f->sn, ENI_NIC_INTERFACE, 0, 11);
    assert_int_equal(describe_nic(f->ctx, eleven).ipv6_count, 11);
    ATTACH_REFUSED(f, eleven, inst, 1, 0, ENI_ELIMIT, "PrivateIpAddressLimitExceeded");
    assert_available(f, eleven);
    eni_nic_id ten = nic_make(f, f->sn, ENI_NIC_INTERFACE, 0, 10);
    (void)attach_done(f, ten, inst, 1, 0);
}

static void test_s2_3_assign_ipv4_past_limit_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    (void)attach_done(f, nic, inst, 1, 0);
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 8, 0));
    assert_int_equal(describe_nic(f->ctx, nic).ipv4_count, 9);
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 2, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    const char *two[] = {"10.0.1.200", "10.0.1.201"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, nic, two, 2, 0, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, nic, two, 1, 0, 0));
    assert_int_equal(describe_nic(f->ctx, nic).ipv4_count, 10);
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 1, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    assert_int_equal(describe_nic(f->ctx, nic).ipv4_count, 10);
}

static void test_s2_3_assign_ipv4_while_attaching_limited(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "t3.micro", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    (void)attach_start(f, nic, inst, 1, 0);
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 1, 0));
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 1, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    assert_int_equal(describe_nic(f->ctx, nic).ipv4_count, 2);
}

static void test_s2_3_assign_ipv6_past_limit_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id nic = nic_new(f);
    (void)attach_done(f, nic, inst, 1, 0);
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, nic, NULL, 0, 9));
    assert_int_equal(describe_nic(f->ctx, nic).ipv6_count, 9);
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, nic, NULL, 0, 2), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, nic, NULL, 0, 1));
    assert_int_equal(describe_nic(f->ctx, nic).ipv6_count, 10);
    const char *one[] = {"2001:db8:0:1::ff"};
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, nic, one, 1, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    assert_int_equal(describe_nic(f->ctx, nic).ipv6_count, 10);
}

/* ---- 2.2 EFA ------------------------------------------------------------------ */

static void test_s2_2_efa_hot_attach_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    ATTACH_REFUSED(f, efa, inst, 1, 0, ENI_ESTATE, "IncorrectInstanceState");
    ATTACH_REFUSED(f, efa_only, inst, 1, 0, ENI_ESTATE, "IncorrectInstanceState");
    assert_available(f, efa);
    assert_available(f, efa_only);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
}

static void test_s2_2_efa_warm_attach_stopped(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_attachment_id a = attach_start(f, efa, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_WARM);
    poll_fx(f);
    assert_att_event(only_event(f, ENI_EVENT_ATTACH_COMPLETED), ENI_EVENT_ATTACH_COMPLETED, a, efa,
                     inst, ENI_OK, 0, ENI_ATTACHMENT_ATTACHED, "");
    assert_int_equal(describe_nic(f->ctx, efa).status, ENI_NIC_IN_USE);
    /* The instance starts with it. */
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
}

static void test_s2_2_efa_cold_attach_pending(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_new(f, "c5n.18xlarge");
    /* An `efa` (ENA + EFA) interface may be the primary. */
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_attachment_id a = attach_done(f, efa, inst, 0, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_COLD);
}

static void test_s2_2_efa_type_without_efa_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    ATTACH_REFUSED(f, efa, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    ATTACH_REFUSED(f, efa_only, inst, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    eni_instance_id fresh = inst_new(f, "m5.large");
    ATTACH_REFUSED(f, efa, fresh, 0, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, efa);
    assert_available(f, efa_only);
}

static void test_s2_2_efa_only_primary_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_new(f, "c5n.18xlarge");
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    ATTACH_REFUSED(f, efa_only, inst, 0, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, efa_only);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 0);
    /* At index 1 it is fine. */
    (void)attach_done(f, nic_new(f), inst, 0, 0);
    eni_attachment_id a = attach_done(f, efa_only, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).kind, ENI_ATTACH_COLD);
}

static void test_s2_2_one_efa_per_card(void **state)
{
    fx *f = *state;
    /* c5n.18xlarge: one card, one EFA. */
    eni_instance_id c5n = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id e1 = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_nic_id e2 = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    eni_nic_id e3 = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    (void)attach_start(f, e1, c5n, 1, 0);
    ATTACH_REFUSED(f, e2, c5n, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    poll_fx(f);
    ATTACH_REFUSED(f, e2, c5n, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    ATTACH_REFUSED(f, e3, c5n, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    /* A plain interface still fits. */
    (void)attach_done(f, nic_new(f), c5n, 2, 0);
    /* c6in.32xlarge: two cards, one EFA on each. */
    eni_instance_id c6 = inst_ready(f, "c6in.32xlarge", ENI_INSTANCE_STOPPED, NULL);
    (void)attach_done(f, e2, c6, 1, 0);
    (void)attach_done(f, e3, c6, 1, 1);
    eni_nic_id e4 = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    ATTACH_REFUSED(f, e4, c6, 2, 1, ENI_ELIMIT, "AttachmentLimitExceeded");
    ATTACH_REFUSED(f, e4, c6, 2, 0, ENI_ELIMIT, "AttachmentLimitExceeded");
    assert_available(f, e4);
    /* p4d.24xlarge: four cards, four EFAs. */
    eni_instance_id p4d = inst_ready(f, "p4d.24xlarge", ENI_INSTANCE_STOPPED, NULL);
    for (uint32_t card = 0; card < 4; card++)
        (void)attach_done(f, nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0), p4d, 1, card);
    ATTACH_REFUSED(f, e4, p4d, 2, 3, ENI_ELIMIT, "AttachmentLimitExceeded");
    assert_int_equal(describe_instance(f->ctx, p4d).nic_count, 5);
}

/* Section 2.2: on multi-card types an efa-only interface sits at device 0 of further cards. */
static void test_s2_2_efa_only_device0_on_further_card(void **state)
{
    fx *f = *state;
    eni_instance_id p4d = inst_ready(f, "p4d.24xlarge", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    eni_attachment_id a = {0};
    MUTATE(f, eni_nic_attach(f->ctx, efa_only, p4d, 0, 1, &a));
    poll_fx(f);
    eni_attachment_info i = describe_attachment(f->ctx, a);
    assert_int_equal(i.status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(i.device_index, 0);
    assert_int_equal(i.network_card_index, 1);
}

static void test_s2_2_efa_only_windows_refused(void **state)
{
    fx *f = *state;
    eni_instance_id win = inst_ready_p(f, "c5n.18xlarge", ENI_PLATFORM_WINDOWS,
                                       ENI_INSTANCE_STOPPED, NULL);
    assert_int_equal(describe_instance(f->ctx, win).efa_capable, 0);
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    ATTACH_REFUSED(f, efa_only, win, 1, 0, ENI_EINVAL, "InvalidParameterValue");
    assert_available(f, efa_only);
    /* An `efa` interface acts as a plain ENA on Windows (section 6). */
    (void)attach_done(f, nic_make(f, f->sn, ENI_NIC_EFA, 0, 0), win, 1, 0);
}

static void test_s2_2_efa_detach_running_refused(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA, 0, 0);
    eni_attachment_id a = attach_done(f, efa, inst, 1, 0);
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_ESTATE, "IncorrectInstanceState");
    REFUSED(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE), ENI_ESTATE, "IncorrectInstanceState");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, efa).status, ENI_NIC_IN_USE);
}

static void test_s2_2_efa_detach_stopped_allowed(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_STOPPED, NULL);
    eni_nic_id efa = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    eni_attachment_id a = attach_done(f, efa, inst, 1, 0);
    set_state(f, inst, ENI_INSTANCE_PENDING);
    set_state(f, inst, ENI_INSTANCE_RUNNING);
    set_state(f, inst, ENI_INSTANCE_STOPPING);
    set_state(f, inst, ENI_INSTANCE_STOPPED);
    poll_fx(f);
    detach_done(f, a, 0);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
}

/* ---- 1.5 delete-on-termination ------------------------------------------------ */

static void test_s1_5_attach_delete_on_termination_off(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id a = attach_start(f, nic_new(f), inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 0);
    poll_fx(f);
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 0);
    eni_instance_id pending = inst_new(f, "m5.large");
    eni_attachment_id cold = attach_done(f, nic_new(f), pending, 0, 0);
    assert_int_equal(describe_attachment(f->ctx, cold).delete_on_termination, 0);
}

static void test_s1_5_set_delete_on_termination(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id a = attach_done(f, nic_new(f), inst, 1, 0);
    snap(f->ctx, &f->base);
    MUTATE(f, eni_attachment_set_delete_on_termination(f->ctx, a, 1));
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 1);
    snap(f->ctx, &f->after);
    assert_string_not_equal(f->base, f->after);
    MUTATE(f, eni_attachment_set_delete_on_termination(f->ctx, a, 1));
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 1);
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, a, 2), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, a, UINT32_MAX), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 1);
    MUTATE(f, eni_attachment_set_delete_on_termination(f->ctx, a, 0));
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 0);
    snap(f->ctx, &f->after);
    assert_string_equal(f->base, f->after);
}

static void test_s1_5_set_delete_on_termination_bad_ids(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id gone = stale_attachment(f, inst);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_attachment_id null_att = {0};
    eni_attachment_id nic_as_att = {nic.v};
    REFUSED(f, eni_attachment_set_delete_on_termination(NULL, a, 1), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, null_att, 1), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, nic_as_att, 1), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, gone, 1), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
    REFUSED(f, eni_attachment_set_delete_on_termination(f->ctx, never_issued(a), 1),
            ENI_ENOTFOUND, "InvalidAttachmentID.NotFound");
    assert_int_equal(describe_attachment(f->ctx, a).delete_on_termination, 0);
}

/* ---- eni_attachment_describe arguments ---------------------------------------- */

static void test_s1_3_describe_bad_args(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id gone = stale_attachment(f, inst);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_attachment_info i;
    memset(&i, 0x5a, sizeof i);
    i.size = sizeof i;
    eni_attachment_info untouched = i;
    eni_attachment_id null_att = {0};
    eni_attachment_id nic_as_att = {nic.v};
    REFUSED(f, eni_attachment_describe(NULL, a, &i), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_attachment_describe(f->ctx, a, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_attachment_describe(f->ctx, null_att, &i), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_describe(f->ctx, nic_as_att, &i), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_describe(f->ctx, gone, &i), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
    REFUSED(f, eni_attachment_describe(f->ctx, never_issued(a), &i), ENI_ENOTFOUND,
            "InvalidAttachmentID.NotFound");
    i.size = sizeof i - 4;
    untouched.size = i.size;
    REFUSED(f, eni_attachment_describe(f->ctx, a, &i), ENI_EINVAL, "InvalidParameterValue");
    assert_memory_equal(&i, &untouched, sizeof i);
    /* A larger struct gets the known part; nothing after it is written. */
    struct {
        eni_attachment_info info;
        uint32_t extra[4];
    } big;
    memset(&big, 0x77, sizeof big);
    big.info.size = sizeof big;
    assert_eni_ok(eni_attachment_describe(f->ctx, a, &big.info));
    assert_int_equal(big.info.id.v, a.v);
    assert_int_equal(big.info.nic.v, nic.v);
    assert_int_equal(big.info.instance.v, inst.v);
    assert_int_equal(big.info.device_index, 1);
    for (int k = 0; k < 4; k++)
        assert_int_equal(big.extra[k], 0x77777777u);
}

/* ---- rollbacks (1.3) ------------------------------------------------------------ */

static void test_s1_3_attach_sync_failure_rolled_back(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_mock_counters c0 = mock_counters(f->ctx);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, ENI_MOCK_FAIL_SYNC));
    ATTACH_REFUSED(f, nic, inst, 1, 0, ENI_EBACKEND, "InternalError");
    assert_int_equal(eni_error_last()->os_errno, EIO);
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    assert_int_equal(poll_fx(f), 0);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.attach_calls, c0.attach_calls + 1);
    assert_int_equal(c.failures, c0.failures + 1);
    assert_int_equal(c.completions, c0.completions);
    assert_int_equal(c.devices, c0.devices);
    /* The fault fired once: the next attach works at the same index. */
    (void)attach_done(f, nic, inst, 1, 0);
}

static void test_s1_3_attach_failure_nth(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id one = nic_new(f);
    eni_nic_id two = nic_new(f);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 2, ENOSPC, ENI_MOCK_FAIL_SYNC));
    (void)attach_done(f, one, inst, 1, 0);
    ATTACH_REFUSED(f, two, inst, 2, 0, ENI_EBACKEND, "InternalError");
    assert_int_equal(eni_error_last()->os_errno, ENOSPC);
    (void)attach_done(f, two, inst, 2, 0);
}

static void test_s1_3_attach_async_failure_rolled_back(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_mock_counters c0 = mock_counters(f->ctx);
    snap(f->ctx, &f->base);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1, EIO, 0));
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_EBACKEND, EIO,
                     ENI_ATTACHMENT_DETACHED, "InternalError");
    assert_gone(f, a);
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    snap(f->ctx, &f->after);
    assert_string_equal(f->base, f->after);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.devices, c0.devices);
    assert_int_equal(c.attach_calls, c0.attach_calls + 1);
    assert_int_equal(c.failures, c0.failures + 1);
    assert_int_equal(c.completions, c0.completions + 1);
    /* The device index is free again. */
    eni_attachment_id b = attach_done(f, nic, inst, 1, 0);
    assert_int_not_equal(a.v, b.v);
    assert_int_equal(mock_counters(f->ctx).devices, c0.devices + 1);
}

static void test_s1_3_attach_lost_completion_times_out(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_mock_counters c0 = mock_counters(f->ctx);
    snap(f->ctx, &f->base);
    assert_eni_ok(eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1));
    assert_eni_ok(eni_ctx_set_op_timeout(f->ctx, 1000000));
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.drops, c0.drops + 1);
    assert_int_equal(c.devices, c0.devices + 1);
    sleep_ms(5);
    /* Nothing moves without a poll. */
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_ETIMEDOUT, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
    snap(f->ctx, &f->after);
    assert_string_equal(f->base, f->after);
    c = mock_counters(f->ctx);
    assert_int_equal(c.devices, c0.devices); /* the abort removed the device */
    assert_int_equal(c.detach_calls, c0.detach_calls + 1);
    assert_int_equal(c.completions, c0.completions);
    /* Nothing more comes later. */
    sleep_ms(2);
    assert_int_equal(poll_fx(f), 0);
    (void)attach_done(f, nic, inst, 1, 0);
}

static void test_s1_3_detach_async_failure(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    snap(f->ctx, &f->base);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, 0));
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_FAILED, a, nic, inst, ENI_EBACKEND, EIO,
                     ENI_ATTACHMENT_ATTACHED, "InternalError");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_int_equal(ni.status, ENI_NIC_IN_USE);
    assert_int_equal(ni.attachment.v, a.v);
    snap(f->ctx, &f->after);
    assert_string_equal(f->base, f->after);
    /* It can be tried again. */
    detach_done(f, a, 0);
}

static void test_s1_3_detach_sync_failure_nothing_changed(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, ENI_MOCK_FAIL_SYNC));
    REFUSED(f, eni_nic_detach(f->ctx, a, 0), ENI_EBACKEND, "InternalError");
    assert_int_equal(eni_error_last()->os_errno, EIO);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    assert_int_equal(poll_fx(f), 0);
    detach_done(f, a, 0);
}

static void test_s1_6_force_detach_backend_failure(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    /* A failed completion. */
    eni_nic_id one = nic_new(f);
    eni_attachment_id a = attach_done(f, one, inst, 1, 0);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, 0));
    MUTATE(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, a, one, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, one);
    /* A backend that refuses the request outright. */
    eni_nic_id two = nic_new(f);
    eni_attachment_id b = attach_done(f, two, inst, 2, 0);
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, ENI_MOCK_FAIL_SYNC));
    MUTATE(f, eni_nic_detach(f->ctx, b, ENI_DETACH_FORCE));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, b, two, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, b);
    assert_available(f, two);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    /* Both indexes are free again. */
    (void)attach_done(f, one, inst, 1, 0);
    (void)attach_done(f, two, inst, 2, 0);
}

static void test_s1_3_detach_lost_completion_times_out(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    assert_eni_ok(eni_ctx_set_op_timeout(f->ctx, 1000000));
    /* The backend failed the detach (the device stays) and the news is lost:
     * after the timeout the interface is still attached. */
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, 0));
    assert_eni_ok(eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 1));
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    sleep_ms(5);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_FAILED, a, nic, inst, ENI_ETIMEDOUT, 0,
                     ENI_ATTACHMENT_ATTACHED, "");
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(describe_nic(f->ctx, nic).status, ENI_NIC_IN_USE);
    assert_int_equal(device_of(f, a).link_up, 1);
    /* Forced, the same lost failure still completes. */
    assert_eni_ok(eni_mock_fail_nth(f->ctx, ENI_MOCK_OP_DETACH, 1, EIO, 0));
    assert_eni_ok(eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 1));
    MUTATE(f, eni_nic_detach(f->ctx, a, ENI_DETACH_FORCE));
    sleep_ms(5);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
}

static void test_s1_3_detach_lost_completion_device_gone(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_mock_counters c0 = mock_counters(f->ctx);
    assert_eni_ok(eni_ctx_set_op_timeout(f->ctx, 1000000));
    /* The mock did the detach (its device is gone) but the completion is
     * lost: after the timeout the backend's word is believed. */
    assert_eni_ok(eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_DETACH, 1));
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    assert_int_equal(mock_counters(f->ctx).devices, c0.devices - 1);
    sleep_ms(5);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_DETACHING);
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DETACH_COMPLETED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
    assert_int_equal(mock_counters(f->ctx).drops, c0.drops + 1);
}

static void test_s1_3_op_timeout_refusals(void **state)
{
    fx *f = *state;
    REFUSED(f, eni_ctx_set_op_timeout(f->ctx, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_ctx_set_op_timeout(NULL, 1000000), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_ctx_set_op_timeout(NULL, 0), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_ok(eni_ctx_set_op_timeout(f->ctx, 1));
    assert_eni_ok(eni_ctx_set_op_timeout(f->ctx, UINT64_MAX / 4));
    /* With a long timeout a dropped completion stays attaching. */
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    assert_eni_ok(eni_mock_drop_nth(f->ctx, ENI_MOCK_OP_ATTACH, 1));
    eni_attachment_id a = attach_start(f, nic_new(f), inst, 1, 0);
    sleep_ms(2);
    assert_int_equal(poll_fx(f), 0);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHING);
}

/* ---- devices and device events (sections 6, 7) --------------------------------- */

static void test_s7_get_device(void **state)
{
    fx *f = *state;
    eni_attachment_id primary;
    eni_instance_id inst = inst_ready(f, "c5n.18xlarge", ENI_INSTANCE_STOPPED, &primary);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    eni_backend_device d;
    memset(&d, 0, sizeof d);
    d.size = sizeof d;
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &d), ENI_ESTATE, "IncorrectState");
    poll_fx(f);
    d = device_of(f, a);
    eni_nic_info ni = describe_nic(f->ctx, nic);
    assert_memory_equal(d.mac, ni.mac, 6);
    assert_int_equal(d.vendor_id, 0x1d0f);
    assert_int_equal(d.device_id, 0xec20);
    assert_int_equal(d.link_up, 1);
    assert_int_equal(d.reserved[0], 0);
    assert_int_equal(d.reserved[1], 0);
    unsigned s1 = bus_slot(d.bus_address);
    eni_backend_device p = device_of(f, primary);
    assert_string_not_equal(p.bus_address, d.bus_address);
    assert_int_not_equal(bus_slot(p.bus_address), s1);
    assert_memory_not_equal(p.mac, d.mac, 6);
    /* An efa-only interface is an EFA function. */
    eni_nic_id efa_only = nic_make(f, f->sn, ENI_NIC_EFA_ONLY, 0, 0);
    eni_attachment_id e = attach_done(f, efa_only, inst, 2, 0);
    eni_backend_device ed = device_of(f, e);
    assert_int_equal(ed.vendor_id, 0x1d0f);
    assert_true(ed.device_id >= 0xefa0 && ed.device_id <= 0xefa4);
    assert_memory_equal(ed.mac, describe_nic(f->ctx, efa_only).mac, 6);
    (void)bus_slot(ed.bus_address);
    /* Detaching: not attached any more. */
    MUTATE(f, eni_nic_detach(f->ctx, a, 0));
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &d), ENI_ESTATE, "IncorrectState");
    poll_fx(f);
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &d), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
}

static void test_s7_get_device_bad_args(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_attachment_id gone = stale_attachment(f, inst);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_backend_device d;
    memset(&d, 0x3c, sizeof d);
    d.size = sizeof d;
    eni_attachment_id null_att = {0};
    eni_attachment_id nic_as_att = {nic.v};
    REFUSED(f, eni_attachment_get_device(NULL, a, &d), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_attachment_get_device(f->ctx, a, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_attachment_get_device(f->ctx, null_att, &d), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_get_device(f->ctx, nic_as_att, &d), ENI_EINVAL,
            "InvalidNetworkInterfaceAttachmentId.Malformed");
    REFUSED(f, eni_attachment_get_device(f->ctx, gone, &d), ENI_ESTALE,
            "InvalidAttachmentID.NotFound");
    REFUSED(f, eni_attachment_get_device(f->ctx, never_issued(a), &d), ENI_ENOTFOUND,
            "InvalidAttachmentID.NotFound");
    eni_backend_device untouched;
    memset(&untouched, 0x3c, sizeof untouched);
    untouched.size = sizeof untouched - 4;
    d.size = sizeof d - 4;
    REFUSED(f, eni_attachment_get_device(f->ctx, a, &d), ENI_EINVAL, "InvalidParameterValue");
    assert_memory_equal(&d, &untouched, sizeof d);
}

static void test_s6_link_change_event(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    assert_int_equal(describe_attachment(f->ctx, a).link_up, 1);
    MUTATE(f, eni_mock_set_link(f->ctx, a, 0));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_LINK_CHANGE, a, nic, inst, ENI_OK, 0, 0, "");
    assert_int_equal(describe_attachment(f->ctx, a).link_up, 0);
    assert_int_equal(device_of(f, a).link_up, 0);
    /* No change, no event. */
    MUTATE(f, eni_mock_set_link(f->ctx, a, 0));
    assert_int_equal(poll_fx(f), 0);
    MUTATE(f, eni_mock_set_link(f->ctx, a, 1));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_LINK_CHANGE, a, nic, inst, ENI_OK, 0, 1, "");
    assert_int_equal(describe_attachment(f->ctx, a).link_up, 1);
    assert_int_equal(describe_attachment(f->ctx, a).status, ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(eni_mock_set_link(f->ctx, a, 2), ENI_EINVAL);
    eni_attachment_id forged = never_issued(a);
    assert_int_equal(eni_mock_set_link(f->ctx, forged, 0), ENI_ENOTFOUND);
    assert_int_equal(poll_fx(f), 0);
}

static void test_s6_device_removed_event(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    eni_nic_id nic = nic_new(f);
    eni_attachment_id a = attach_done(f, nic, inst, 1, 0);
    eni_mock_counters c0 = mock_counters(f->ctx);
    MUTATE(f, eni_mock_remove_device(f->ctx, a));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_DEVICE_REMOVED, a, nic, inst, ENI_OK, 0,
                     ENI_ATTACHMENT_DETACHED, "");
    assert_gone(f, a);
    assert_available(f, nic);
    assert_int_equal(describe_instance(f->ctx, inst).nic_count, 1);
    eni_mock_counters c = mock_counters(f->ctx);
    assert_int_equal(c.removals, c0.removals + 1);
    assert_int_equal(c.devices, c0.devices - 1);
    assert_int_equal(eni_mock_remove_device(f->ctx, a), ENI_ENOTFOUND);
    /* The interface and its index can be used again. */
    (void)attach_done(f, nic, inst, 1, 0);
}

static void test_s6_device_removed_while_attaching(void **state)
{
    fx *f = *state;
    eni_instance_id inst = inst_ready(f, "m5.large", ENI_INSTANCE_RUNNING, NULL);
    mock_latency(f, ENI_MOCK_AFTER_POLLS, 2);
    eni_nic_id nic = nic_new(f);
    eni_mock_counters c0 = mock_counters(f->ctx);
    eni_attachment_id a = attach_start(f, nic, inst, 1, 0);
    MUTATE(f, eni_mock_remove_device(f->ctx, a));
    assert_int_equal(poll_fx(f), 1);
    assert_att_event(&f->ev[0], ENI_EVENT_ATTACH_FAILED, a, nic, inst, ENI_EBACKEND, ENODEV,
                     ENI_ATTACHMENT_DETACHED, "InternalError");
    assert_gone(f, a);
    assert_available(f, nic);
    /* The completion still pending in the mock never shows up. */
    assert_int_equal(poll_fx(f), 0);
    assert_int_equal(poll_fx(f), 0);
    assert_int_equal(mock_counters(f->ctx).devices, c0.devices);
}

/* ---- main ------------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s2_1_cold_attach_pending),
        T(test_s2_1_hot_attach_running),
        T(test_s2_1_warm_attach_stopped),
        T(test_s2_1_attach_stopping_refused),
        T(test_s2_1_attach_shutting_down_refused),
        T(test_s2_1_attach_terminated_refused),
        T(test_s1_3_attach_attaching_until_poll),
        T(test_s1_3_attach_after_polls),
        T(test_s1_3_detach_completes_on_poll),
        T(test_s1_6_addresses_stay_through_reattach),
        T(test_s1_6_attach_in_use_refused),
        T(test_s1_6_device_index_taken_refused),
        T(test_s1_6_device_index_over_255_refused),
        T(test_s2_2_device_index0_on_other_cards_allowed),
        T(test_s1_6_network_card_beyond_type_refused),
        T(test_s1_6_different_vpc_refused),
        T(test_s1_6_different_az_refused),
        T(test_s1_6_total_limit_exceeded),
        T(test_s1_6_per_card_limit_exceeded),
        T(test_s1_6_detach_nic_id_malformed),
        T(test_s1_6_detach_unknown_attachment),
        T(test_s1_6_detach_primary_not_permitted),
        T(test_s1_6_detach_while_attaching_refused),
        T(test_s1_6_detach_pending_instance_refused),
        T(test_s1_6_detach_stopping_instance_refused),
        T(test_s1_6_detach_unknown_flags_refused),
        T(test_s1_6_detach_null_ctx),
        T(test_s1_6_attach_bad_ids),
        T(test_s1_6_attach_null_ctx),
        T(test_s2_3_attach_ipv4_over_type_limit_refused),
        T(test_s2_3_attach_ipv6_over_type_limit_refused),
        T(test_s2_3_assign_ipv4_past_limit_refused),
        T(test_s2_3_assign_ipv4_while_attaching_limited),
        T(test_s2_3_assign_ipv6_past_limit_refused),
        T(test_s2_2_efa_hot_attach_refused),
        T(test_s2_2_efa_warm_attach_stopped),
        T(test_s2_2_efa_cold_attach_pending),
        T(test_s2_2_efa_type_without_efa_refused),
        T(test_s2_2_efa_only_primary_refused),
        T(test_s2_2_one_efa_per_card),
        T(test_s2_2_efa_only_device0_on_further_card),
        T(test_s2_2_efa_only_windows_refused),
        T(test_s2_2_efa_detach_running_refused),
        T(test_s2_2_efa_detach_stopped_allowed),
        T(test_s1_5_attach_delete_on_termination_off),
        T(test_s1_5_set_delete_on_termination),
        T(test_s1_5_set_delete_on_termination_bad_ids),
        T(test_s1_3_describe_bad_args),
        T(test_s1_3_attach_sync_failure_rolled_back),
        T(test_s1_3_attach_failure_nth),
        T(test_s1_3_attach_async_failure_rolled_back),
        T(test_s1_3_attach_lost_completion_times_out),
        T(test_s1_3_detach_async_failure),
        T(test_s1_3_detach_sync_failure_nothing_changed),
        T(test_s1_6_force_detach_backend_failure),
        T(test_s1_3_detach_lost_completion_times_out),
        T(test_s1_3_detach_lost_completion_device_gone),
        T(test_s1_3_op_timeout_refusals),
        T(test_s7_get_device),
        T(test_s7_get_device_bad_args),
        T(test_s6_link_change_event),
        T(test_s6_device_removed_event),
        T(test_s6_device_removed_while_attaching),
    };
    return cmocka_run_group_tests_name("attach_attach", tests, NULL, NULL);
}
