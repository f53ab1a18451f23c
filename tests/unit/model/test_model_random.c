/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A seeded randomized walk over the whole model API: thousands of mixed
 * valid and invalid operations. After each one the invariant checker must
 * pass, and every refused operation must leave the model byte-for-byte as
 * it was (its canonical dump is compared before and after).
 *
 * ENI_RANDOM_SEED and ENI_RANDOM_STEPS override the defaults, to replay or
 * to run longer. */
#include <stdlib.h>

#include "test_helpers.h"
#include "util/addr.h"

enum { POOL = 64 };

struct pool {
    uint64_t ids[POOL]; /* live and dead ids alike: dead ones test staleness */
    uint32_t n;
};

struct world {
    eni_ctx *ctx;
    uint64_t rng;
    struct pool vpc, subnet, sg, rule, pl, nic, eip, assoc, inst, att;
    char *before, *after;
    size_t before_cap, after_cap;
    uint32_t ok, refused;
    uint32_t last_case;
    uint32_t ok_by_case[29];
};

static uint32_t rnd(struct world *w, uint32_t n)
{
    uint64_t v = test_xorshift64(&w->rng);
    return n ? (uint32_t)(v % n) : 0;
}

static void remember(struct world *w, struct pool *p, uint64_t id)
{
    if (p->n < POOL)
        p->ids[p->n++] = id;
    else
        p->ids[rnd(w, POOL)] = id;
}

/* Mostly an id from the pool; sometimes null, another kind, or forged. */
static uint64_t pick(struct world *w, struct pool *p)
{
    uint32_t r = rnd(w, 100);
    if (r < 3)
        return 0;
    if (r < 7) {
        struct pool *any[] = {&w->vpc, &w->subnet, &w->sg, &w->nic, &w->eip, &w->inst};
        struct pool *q = any[rnd(w, 6)];
        return q->n ? q->ids[rnd(w, q->n)] : 0;
    }
    if (r < 9)
        return ((uint64_t)rnd(w, 12) << 56) | ((uint64_t)(1 + rnd(w, 3)) << 32) | rnd(w, 50);
    return p->n ? p->ids[rnd(w, p->n)] : 0;
}

/* A group of the given VPC most of the time, so group sets can succeed. */
static uint64_t pick_sg_of(struct world *w, uint64_t vpc)
{
    eni_sg_id ids[32];
    uint32_t n = 0;
    if (rnd(w, 10) == 0 || eni_sg_list(w->ctx, (eni_vpc_id){vpc}, ids, 32, &n) != ENI_OK || !n)
        return pick(w, &w->sg);
    return ids[rnd(w, n < 32 ? n : 32)].v;
}

static uint64_t vpc_of_subnet(struct world *w, uint64_t subnet)
{
    eni_subnet_info si = {.size = sizeof si};
    return eni_subnet_describe(w->ctx, (eni_subnet_id){subnet}, &si) == ENI_OK ? si.vpc.v : 0;
}

static uint64_t vpc_of_nic(struct world *w, uint64_t nic)
{
    eni_nic_info ni = {.size = sizeof ni};
    return eni_nic_describe(w->ctx, (eni_nic_id){nic}, &ni) == ENI_OK ? ni.vpc.v : 0;
}

static char *dump(struct world *w, char **buf, size_t *cap)
{
    size_t need;
    assert_eni_ok(eni_ctx_dump(w->ctx, NULL, 0, &need));
    if (need > *cap) {
        *buf = realloc(*buf, need);
        assert_non_null(*buf);
        *cap = need;
    }
    assert_eni_ok(eni_ctx_dump(w->ctx, *buf, *cap, &need));
    return *buf;
}

static const char *v4_text(struct world *w, char *buf)
{
    /* Addresses from the handful of blocks the walk uses, some invalid. */
    static const char *const odd[] = {"10.0.0.0", "10.0.0.3", "10.0.0.255", "bogus", "10.1",
                                      "300.0.0.1", "2001:db8::1"};
    if (rnd(w, 10) == 0)
        return odd[rnd(w, 7)];
    snprintf(buf, 32, "10.%u.%u.%u", rnd(w, 2), rnd(w, 4), rnd(w, 40));
    return buf;
}

static const char *cidr_text(struct world *w, char *buf)
{
    static const char *const fixed[] = {"0.0.0.0/0", "::/0", "10.0.0.0/8", "10.0.1.7/24",
                                        "2001:db8::/32", "192.0.2.0/24", "bad/33", "10.0.0.0/33"};
    if (rnd(w, 3))
        return fixed[rnd(w, 8)];
    snprintf(buf, 32, "172.%u.%u.0/%u", 16 + rnd(w, 4), rnd(w, 4), 16 + rnd(w, 17));
    return buf;
}

/* One random operation; returns its rc. New ids go into the pools. */
static int step(struct world *w)
{
    eni_ctx *ctx = w->ctx;
    char b1[64], b2[64];
    int rc = ENI_OK;
    w->last_case = rnd(w, 29);
    switch (w->last_case) {
    case 0: {
        eni_vpc_spec s = ENI_VPC_SPEC_INIT;
        static const char *const blocks[] = {"10.0.0.0/16", "10.1.0.0/16", "10.0.0.0/24",
                                             "10.0.0.0/8", "10.0.0.1/16"};
        s.cidr_block = blocks[rnd(w, 5)];
        if (rnd(w, 4))
            s.flags = ENI_VPC_AMAZON_IPV6;
        eni_vpc_id id;
        if ((rc = eni_vpc_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->vpc, id.v);
        break;
    }
    case 1:
        rc = eni_vpc_delete(ctx, (eni_vpc_id){pick(w, &w->vpc)});
        break;
    case 2:
    case 3: {
        eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
        s.vpc.v = pick(w, &w->vpc);
        s.availability_zone = rnd(w, 20) ? "us-east-1a" : "Bad Zone";
        snprintf(b1, sizeof b1, "10.%u.%u.0/%u", rnd(w, 2), rnd(w, 4), 24 + rnd(w, 6));
        s.cidr_block = b1;
        eni_vpc_info vi = {.size = sizeof vi};
        eni_prefix p6;
        if (rnd(w, 4) && eni_vpc_describe(ctx, s.vpc, &vi) == ENI_OK && vi.ipv6_cidr_block[0] &&
            eni__prefix_parse(vi.ipv6_cidr_block, &p6) == 0) {
            p6.addr.b[7] = (uint8_t)rnd(w, 4); /* one of the /56's first /64s */
            p6.len = 64;
            eni__prefix_format(&p6, b2);
            s.ipv6_cidr_block = b2;
            s.flags = rnd(w, 2) ? ENI_SUBNET_ASSIGN_IPV6_ON_CREATION : 0;
        }
        eni_subnet_id id;
        if ((rc = eni_subnet_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->subnet, id.v);
        break;
    }
    case 4:
        rc = eni_subnet_delete(ctx, (eni_subnet_id){pick(w, &w->subnet)});
        break;
    case 5: {
        static const char *const names[] = {"web", "db", "default", "sg-x", "web ", "cache"};
        eni_sg_spec s = ENI_SG_SPEC_INIT;
        s.vpc.v = pick(w, &w->vpc);
        s.name = names[rnd(w, 6)];
        s.description = rnd(w, 10) ? "a group" : "";
        eni_sg_id id;
        if ((rc = eni_sg_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->sg, id.v);
        break;
    }
    case 6:
        rc = eni_sg_delete(ctx, (eni_sg_id){pick(w, &w->sg)});
        break;
    case 7:
    case 8: {
        eni_sg_rule_spec r[2] = {ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT};
        uint32_t n = 1 + rnd(w, 2);
        static const int protos[] = {-1, 6, 17, 1, 58, 50, 300};
        for (uint32_t i = 0; i < n; i++) {
            r[i].protocol = protos[rnd(w, 7)];
            r[i].from_port = rnd(w, 10) ? (int32_t)rnd(w, 3) * 40 : -1;
            r[i].to_port = r[i].from_port + (int32_t)rnd(w, 100);
            uint32_t peer = rnd(w, 4);
            if (peer == 0 && w->sg.n) {
                r[i].peer_kind = ENI_PEER_GROUP;
                r[i].group.v = pick(w, &w->sg);
            } else if (peer == 1 && w->pl.n) {
                r[i].peer_kind = ENI_PEER_PREFIX_LIST;
                r[i].prefix_list.v = pick(w, &w->pl);
            } else {
                r[i].peer_kind = ENI_PEER_CIDR;
                r[i].cidr = cidr_text(w, i ? b2 : b1);
            }
        }
        eni_sg_id sg = {pick(w, &w->sg)};
        eni_direction dir = rnd(w, 2) ? ENI_INGRESS : ENI_EGRESS;
        if (rnd(w, 3) == 0) {
            rc = eni_sg_revoke(ctx, sg, dir, r, n);
        } else {
            eni_sg_rule_id ids[2];
            if ((rc = eni_sg_authorize(ctx, sg, dir, r, n, ids)) == ENI_OK)
                for (uint32_t i = 0; i < n; i++)
                    remember(w, &w->rule, ids[i].v);
        }
        break;
    }
    case 9: {
        eni_sg_rule_id id = {pick(w, &w->rule)};
        rc = eni_sg_revoke_rules(ctx, (eni_sg_id){pick(w, &w->sg)}, &id, 1);
        break;
    }
    case 10: {
        eni_prefix_list_spec s = ENI_PREFIX_LIST_SPEC_INIT;
        s.family = rnd(w, 5) ? 4 : 6;
        s.name = "list";
        s.max_entries = rnd(w, 25);
        eni_prefix_list_id id;
        if ((rc = eni_prefix_list_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->pl, id.v);
        break;
    }
    case 11: {
        const char *add[1] = {cidr_text(w, b1)}, *del[1] = {cidr_text(w, b2)};
        uint32_t na = rnd(w, 2), nd = rnd(w, 2);
        rc = eni_prefix_list_modify(ctx, (eni_prefix_list_id){pick(w, &w->pl)}, na ? add : NULL,
                                    na, nd ? del : NULL, nd);
        break;
    }
    case 12:
        rc = eni_prefix_list_delete(ctx, (eni_prefix_list_id){pick(w, &w->pl)});
        break;
    case 13:
    case 14:
    case 15: {
        eni_nic_spec s = ENI_NIC_SPEC_INIT;
        s.subnet.v = pick(w, &w->subnet);
        s.type = rnd(w, 8) == 0 ? ENI_NIC_EFA_ONLY : rnd(w, 6) == 0 ? ENI_NIC_EFA : 0;
        if (rnd(w, 4) == 0)
            s.private_ip = v4_text(w, b1);
        s.secondary_ip_count = rnd(w, 3);
        if (rnd(w, 5) == 0)
            s.ipv6_count = 1;
        uint64_t vpc = vpc_of_subnet(w, s.subnet.v);
        eni_sg_id groups[2] = {{pick_sg_of(w, vpc)}, {pick_sg_of(w, vpc)}};
        if (rnd(w, 2)) {
            s.groups = groups;
            s.group_count = 1 + rnd(w, 2);
        }
        eni_nic_id id;
        if ((rc = eni_nic_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->nic, id.v);
        break;
    }
    case 16:
        rc = eni_nic_delete(ctx, (eni_nic_id){pick(w, &w->nic)});
        break;
    case 17: {
        const char *ips[1] = {v4_text(w, b1)};
        eni_nic_id nic = {pick(w, &w->nic)};
        uint32_t mode = rnd(w, 4);
        if (mode == 0)
            rc = eni_nic_unassign_private_ips(ctx, nic, ips, 1);
        else if (mode == 1)
            rc = eni_nic_assign_private_ips(ctx, nic, NULL, 0, 1 + rnd(w, 2), 0);
        else
            rc = eni_nic_assign_private_ips(ctx, nic, ips, 1, 0,
                                            rnd(w, 2) ? ENI_ASSIGN_ALLOW_REASSIGNMENT : 0);
        break;
    }
    case 18: {
        eni_nic_id nic = {pick(w, &w->nic)};
        eni_nic_address a[8];
        uint32_t n = 0;
        if (rnd(w, 2) && eni_nic_get_addresses(ctx, nic, a, 8, &n) == ENI_OK && n &&
            a[n - 1].family == 6) {
            const char *ips[1] = {a[n - 1].address};
            rc = eni_nic_unassign_ipv6(ctx, nic, ips, 1);
        } else {
            rc = eni_nic_assign_ipv6(ctx, nic, NULL, 0, 1);
        }
        break;
    }
    case 19: {
        uint64_t nic = pick(w, &w->nic), vpc = vpc_of_nic(w, nic);
        eni_sg_id groups[3] = {{pick_sg_of(w, vpc)}, {pick_sg_of(w, vpc)}, {pick_sg_of(w, vpc)}};
        rc = eni_nic_set_groups(ctx, (eni_nic_id){nic}, groups, rnd(w, 8) ? 1 + rnd(w, 3) : 0);
        break;
    }
    case 20:
        if (rnd(w, 2))
            rc = eni_nic_set_description(ctx, (eni_nic_id){pick(w, &w->nic)},
                                         rnd(w, 2) ? "frontend" : NULL);
        else
            rc = eni_nic_set_source_dest_check(ctx, (eni_nic_id){pick(w, &w->nic)}, rnd(w, 3));
        break;
    case 21: {
        eni_eip_id id;
        if ((rc = eni_eip_allocate(ctx, &id)) == ENI_OK)
            remember(w, &w->eip, id.v);
        break;
    }
    case 22: {
        eni_eip_assoc_id a;
        const char *ip = rnd(w, 2) ? NULL : v4_text(w, b1);
        rc = eni_eip_associate(ctx, (eni_eip_id){pick(w, &w->eip)},
                               (eni_nic_id){pick(w, &w->nic)}, ip,
                               rnd(w, 3) ? 0 : ENI_EIP_NO_REASSOCIATION, &a);
        if (rc == ENI_OK)
            remember(w, &w->assoc, a.v);
        break;
    }
    case 23:
        if (rnd(w, 2))
            rc = eni_eip_disassociate(ctx, (eni_eip_assoc_id){pick(w, &w->assoc)});
        else
            rc = eni_eip_release(ctx, (eni_eip_id){pick(w, &w->eip)});
        break;
    case 24: {
        static const char *const types[] = {"m5.large", "t2.micro", "c5n.18xlarge", "x9.huge"};
        eni_instance_spec s = ENI_INSTANCE_SPEC_INIT;
        s.instance_type = types[rnd(w, 4)];
        s.subnet.v = pick(w, &w->subnet);
        eni_instance_id id;
        if ((rc = eni_instance_create(ctx, &s, &id)) == ENI_OK)
            remember(w, &w->inst, id.v);
        break;
    }
    case 26: {
        eni_attachment_id a;
        if ((rc = eni_nic_attach(ctx, (eni_nic_id){pick(w, &w->nic)},
                                 (eni_instance_id){pick(w, &w->inst)}, rnd(w, 4), rnd(w, 2),
                                 &a)) == ENI_OK)
            remember(w, &w->att, a.v);
        break;
    }
    case 27:
        rc = eni_nic_detach(ctx, (eni_attachment_id){pick(w, &w->att)},
                            rnd(w, 4) ? 0 : ENI_DETACH_FORCE);
        break;
    case 28: {
        uint32_t n;
        rc = eni_ctx_poll(ctx, 0, NULL, NULL, &n);
        break;
    }
    default: {
        static const uint32_t states[] = {0, 16, 32, 48, 64, 80, 7};
        eni_instance_id id = {pick(w, &w->inst)};
        if (rnd(w, 4) == 0)
            rc = eni_instance_delete(ctx, id);
        else
            rc = eni_instance_set_state(ctx, id, states[rnd(w, 7)]);
        break;
    }
    }
    return rc;
}

static void test_random_walk_keeps_invariants_and_refusals_change_nothing(void **state)
{
    (void)state;
    const char *seed_env = getenv("ENI_RANDOM_SEED"), *steps_env = getenv("ENI_RANDOM_STEPS");
    struct world w;
    memset(&w, 0, sizeof w);
    w.rng = seed_env ? strtoull(seed_env, NULL, 0) : 0x5eed1234abcdULL;
    uint32_t steps = steps_env ? (uint32_t)strtoul(steps_env, NULL, 0) : 3000;
    /* With ENI_RANDOM_STATE (a file path), the walk runs on a durable
     * model: eni_ctx_check also compares the file with memory after every
     * step, and every REOPEN_EVERY steps the ctx is freed and created again
     * from the file, which must give the same dump. */
    const char *state_path = getenv("ENI_RANDOM_STATE");
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 99;
    if (state_path) {
        remove(state_path);
        char side[512];
        snprintf(side, sizeof side, "%s-wal", state_path);
        remove(side);
        opts.state_path = state_path;
    }
    assert_eni_ok(eni_ctx_new(&opts, &w.ctx));
    eni_quotas q = {sizeof q, 4, 40, 12, 30, 3, 0, 0, 0, 0};
    assert_eni_ok(eni_ctx_set_quotas(w.ctx, &q));
    enum { REOPEN_EVERY = 97 };
    uint32_t reopened = 0;

    for (uint32_t i = 0; i < steps; i++) {
        if (state_path && i % REOPEN_EVERY == REOPEN_EVERY - 1) {
            dump(&w, &w.before, &w.before_cap);
            eni_ctx_free(w.ctx);
            w.ctx = NULL;
            int rc = eni_ctx_new(&opts, &w.ctx);
            if (rc != ENI_OK)
                fail_msg("step %u: reopening the state file: %s", i, eni_error_last()->message);
            dump(&w, &w.after, &w.after_cap);
            if (strcmp(w.before, w.after) != 0)
                fail_msg("step %u: the reopened model differs:\n--- before\n%s\n--- after\n%s",
                         i, w.before, w.after);
            reopened++;
        }
        dump(&w, &w.before, &w.before_cap);
        int rc = step(&w);
        int check = eni_ctx_check(w.ctx);
        if (check != ENI_OK)
            fail_msg("step %u (case %u, rc %s): invariant broken: %s", i, w.last_case, eni_err_name(rc),
                     eni_error_last()->message);
        dump(&w, &w.after, &w.after_cap);
        if (rc != ENI_OK) {
            w.refused++;
            if (strcmp(w.before, w.after) != 0)
                fail_msg("step %u: refused with %s but the model changed", i, eni_err_name(rc));
        } else {
            w.ok++;
            w.ok_by_case[w.last_case]++;
        }
    }
    /* Every kind of operation must have succeeded somewhere in the walk:
     * vpc, subnet, group, rule, prefix list, interface, address, group set,
     * Elastic IP allocate/associate, instance create/state, attach, detach. */
    static const uint32_t must[] = {0, 2, 5, 7, 10, 11, 13, 17, 18, 19, 21, 22, 24, 25, 26, 27};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        if (w.ok_by_case[must[i]] == 0)
            fail_msg("operation %u never succeeded: the walk is too weak", must[i]);
    /* The walk must exercise both sides, or it proves nothing. */
    assert_true(w.ok > steps / 10);
    assert_true(w.refused > steps / 10);
    /* A TAP comment line, so the figures show in the log without breaking TAP. */
    print_message("# random walk: %u accepted, %u refused, %u reopened from the state file\n",
                  w.ok, w.refused, reopened);
    if (state_path)
        assert_true(reopened > 0);
    eni_ctx_free(w.ctx);
    free(w.before);
    free(w.after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_walk_keeps_invariants_and_refusals_change_nothing),
    };
    return cmocka_run_group_tests_name("model_random", tests, NULL, NULL);
}
