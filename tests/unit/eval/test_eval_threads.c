/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Many threads evaluate the same interface while the control plane keeps
 * changing its rules, its group membership, its addresses and its
 * conntrack allowance. Run under ThreadSanitizer in CI: the packet path
 * must never race with publication, and old snapshots must outlive every
 * burst that can still read them. */
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "eval/eval_host.h"
#include "test_helpers.h"

enum { THREADS = 3, BURST = 32 };

struct shared {
    eni_ctx *ctx;
    eni_nic_id nic;
    uint8_t ip[4];
    _Atomic int stop;
    _Atomic uint64_t verdicts;
    _Atomic int bad;
};

static void *evaluator(void *arg)
{
    struct shared *s = arg;
    eni_eval_worker *w;
    if (eni_eval_worker_new(s->ctx, &w) != ENI_OK) {
        atomic_store(&s->bad, 1);
        return NULL;
    }
    eni_pkt pk[BURST];
    eni_verdict v[BURST];
    uint64_t now = 1, rng = (uint64_t)(uintptr_t)&pk;
    while (!atomic_load(&s->stop)) {
        for (int i = 0; i < BURST; i++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            memset(&pk[i], 0, sizeof pk[i]);
            pk[i].family = 4;
            pk[i].proto = (rng >> 40) & 1 ? 6 : 17;
            pk[i].tcp_flags = 0x02;
            pk[i].src[0] = 198, pk[i].src[1] = 51, pk[i].src[2] = 100;
            pk[i].src[3] = (uint8_t)(rng >> 24);
            memcpy(pk[i].dst, s->ip, 4);
            pk[i].sport = (uint16_t)(1024 + ((rng >> 8) & 255));
            pk[i].dport = (rng >> 50) & 1 ? 443 : 22;
        }
        /* alternate directions: replies of earlier flows, and new ones */
        uint32_t dir = (rng >> 33) & 1 ? ENI_DIR_INBOUND : ENI_DIR_OUTBOUND;
        if (dir == ENI_DIR_OUTBOUND)
            for (int i = 0; i < BURST; i++) {
                uint8_t tmp[16];
                memcpy(tmp, pk[i].src, 16);
                memcpy(pk[i].src, pk[i].dst, 16);
                memcpy(pk[i].dst, tmp, 16);
                uint16_t t = pk[i].sport;
                pk[i].sport = pk[i].dport;
                pk[i].dport = t;
            }
        if (eni_eval_burst(w, s->nic, dir, pk, BURST, now, 0, v) != ENI_OK) {
            atomic_store(&s->bad, 2);
            break;
        }
        for (int i = 0; i < BURST; i++)
            if (v[i].action > 1 || v[i].reason == 0 || v[i].reason > ENI_REASON_MALFORMED)
                atomic_store(&s->bad, 3);
        atomic_fetch_add(&s->verdicts, BURST);
        now += 1000000; /* 1 ms per burst */
    }
    eni_eval_worker_free(w);
    return NULL;
}

static void wait_for_progress(struct shared *s, uint64_t target)
{
    for (long spin = 0; spin < 50000000 && atomic_load(&s->verdicts) < target &&
                        !atomic_load(&s->bad);
         spin++)
        sched_yield();
}

static void test_s5_concurrent_evaluation_while_rules_change(void **state)
{
    (void)state;
    struct shared s;
    memset(&s, 0, sizeof s);
    assert_eni_ok(eni_ctx_new(NULL, &s.ctx));
    eni_ctx *ctx = s.ctx;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    eni_subnet_id subnet;
    assert_eni_ok(eni_subnet_create(ctx, &ss, &subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = vpc;
    gs.name = "web";
    gs.description = "web";
    eni_sg_id web, peers;
    assert_eni_ok(eni_sg_create(ctx, &gs, &web));
    gs.name = "peers";
    assert_eni_ok(eni_sg_create(ctx, &gs, &peers));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &web;
    ns.group_count = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_launch(ctx, &ls, &inst));
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    eni_nic_filter nf = ENI_NIC_FILTER_INIT;
    nf.instance = inst;
    assert_eni_ok(eni_nic_list(ctx, &nf, &s.nic, 1, &n));
    eni_nic_info ni = {.size = sizeof ni};
    assert_eni_ok(eni_nic_describe(ctx, s.nic, &ni));
    inet_pton(AF_INET, ni.private_ip, s.ip);

    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, evaluator, &s), 0);

    /* The control plane churns while the evaluators run. */
    eni_nic_spec ms = ENI_NIC_SPEC_INIT;
    ms.subnet = subnet;
    ms.groups = &peers;
    ms.group_count = 1;
    eni_sg_rule_spec ref = ENI_SG_RULE_SPEC_INIT;
    ref.protocol = 6, ref.from_port = 22, ref.to_port = 22;
    ref.peer_kind = ENI_PEER_GROUP, ref.group = peers;
    assert_eni_ok(eni_sg_authorize(ctx, web, ENI_INGRESS, &ref, 1, NULL));
    /* The churn must overlap evaluation: wait for the evaluators to be
     * running, and every ten rounds for them to make progress (meson runs
     * tests in parallel; a starved thread must not turn this into a no-op). */
    wait_for_progress(&s, THREADS * BURST);
    for (int round = 0; round < 60; round++) {
        if (round % 10 == 0)
            wait_for_progress(&s, atomic_load(&s.verdicts) + BURST);
        eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
        r.protocol = 6, r.from_port = 443, r.to_port = 443;
        r.peer_kind = ENI_PEER_CIDR;
        r.cidr = round % 2 ? "198.51.100.0/25" : "198.51.100.128/25";
        eni_sg_rule_id id;
        assert_eni_ok(eni_sg_authorize(ctx, web, ENI_INGRESS, &r, 1, &id));
        eni_nic_id member;
        assert_eni_ok(eni_nic_create(ctx, &ms, &member));
        assert_eni_ok(eni_nic_assign_private_ips(ctx, member, NULL, 0, 1, 0));
        if (round % 10 == 0)
            assert_eni_ok(eni_nic_set_conntrack_allowance(ctx, s.nic, 1024 + (uint32_t)round));
        assert_eni_ok(eni_sg_revoke_rules(ctx, web, &id, 1));
        assert_eni_ok(eni_nic_delete(ctx, member));
        assert_eni_ok(eni_nic_sweep_flows(ctx, s.nic, 1, NULL));
    }
    atomic_store(&s.stop, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&s.bad), 0);
    assert_true(atomic_load(&s.verdicts) > 0);
    print_message("# %llu verdicts during 60 rounds of rule, membership and allowance changes\n",
                  (unsigned long long)atomic_load(&s.verdicts));
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
}

/* Two threads misuse one worker at once. A burst that finds the worker busy
 * is refused (ENI_EBUSY) and counts nothing; every other burst counts all
 * its packets: the worker's count is exactly the sum of the bursts that
 * succeeded, however the threads interleave (so the test cannot be flaky:
 * it needs no overlap to pass, only no lost count). */
enum { HAMMER_ROUNDS = 20000, HAMMER_BURST = 8 };

struct hammer {
    eni_eval_worker *w;
    eni_nic_id nic;
    uint8_t ip[16];
    _Atomic int *go;
    uint64_t judged, busy; /* this thread's own */
    int bad;
};

static void *hammer(void *arg)
{
    struct hammer *h = arg;
    eni_pkt pk[HAMMER_BURST];
    eni_verdict v[HAMMER_BURST];
    uint8_t dirs[HAMMER_BURST];
    for (int i = 0; i < HAMMER_BURST; i++) {
        memset(&pk[i], 0, sizeof pk[i]);
        pk[i].family = 4;
        pk[i].proto = 6;
        pk[i].tcp_flags = 0x02;
        pk[i].src[0] = 198, pk[i].src[1] = 51, pk[i].src[2] = 100, pk[i].src[3] = (uint8_t)i;
        memcpy(pk[i].dst, h->ip, 4);
        pk[i].sport = (uint16_t)(1024 + i);
        pk[i].dport = 22;
        dirs[i] = ENI_DIR_INBOUND;
    }
    while (!atomic_load(h->go))
        sched_yield();
    for (int r = 0; r < HAMMER_ROUNDS; r++) {
        int rc = r & 1 ? eni_eval_burst_dirs(h->w, h->nic, dirs, pk, HAMMER_BURST, 1, 0, v)
                       : eni_eval_burst(h->w, h->nic, ENI_DIR_INBOUND, pk, HAMMER_BURST, 1, 0, v);
        if (rc == ENI_OK)
            h->judged += HAMMER_BURST;
        else if (rc == ENI_EBUSY)
            h->busy++;
        else
            h->bad = rc;
    }
    return NULL;
}

static void test_s5_shared_worker_is_refused_busy_and_loses_no_count(void **state)
{
    (void)state;
    struct eval_host host;
    eval_host_new(&host, NULL, "web");
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
    eval_host_addresses(&host, ip4, ip6);
    eni_eval_worker *w;
    assert_eni_ok(eni_eval_worker_new(host.ctx, &w));
    _Atomic int go = 0;
    struct hammer h[2];
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        memset(&h[i], 0, sizeof h[i]);
        h[i].w = w, h[i].nic = host.nic, h[i].go = &go;
        inet_pton(AF_INET, ip4, h[i].ip);
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &h[i]), 0);
    }
    atomic_store(&go, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(h[0].bad, 0);
    assert_int_equal(h[1].bad, 0);
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(w, &c));
    assert_int_equal(c.packets, h[0].judged + h[1].judged);
    assert_int_equal(c.dropped, c.packets); /* no rule allows port 22 */
    assert_int_equal(c.by_reason[ENI_REASON_NO_RULE], c.packets);
    assert_int_equal(h[0].busy + h[1].busy,
                     2u * HAMMER_ROUNDS - (h[0].judged + h[1].judged) / HAMMER_BURST);
    print_message("# %llu bursts refused busy of %u\n",
                  (unsigned long long)(h[0].busy + h[1].busy), 2u * HAMMER_ROUNDS);
    eval_host_free(&host, w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s5_concurrent_evaluation_while_rules_change),
        cmocka_unit_test(test_s5_shared_worker_is_refused_busy_and_loses_no_count),
    };
    return cmocka_run_group_tests_name("eval_threads", tests, NULL, NULL);
}
