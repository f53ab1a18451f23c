/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Events for model changes (ENI_CTX_MODEL_EVENTS): rules, membership,
 * addresses, Elastic IPs and remote members each report what changed, with
 * a change number that only grows; a newer change about the same things
 * replaces a queued one; without the flag none is delivered. The same
 * number is the model's generation (eni_ctx_model_generation), which moves
 * with every change and with nothing else. */
#include "test_helpers.h"

struct seen {
    eni_event ev[64];
    uint32_t n;
};

static int collect(const eni_event *ev, void *ud)
{
    struct seen *s = ud;
    if (s->n < 64)
        s->ev[s->n++] = *ev;
    return 0;
}

static struct seen drain(eni_ctx *ctx)
{
    struct seen s;
    memset(&s, 0, sizeof s);
    assert_eni_ok(eni_ctx_poll(ctx, 0, collect, &s, NULL));
    return s;
}

static const eni_event *find(const struct seen *s, uint32_t type, uint64_t subject,
                             uint64_t related)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->ev[i].type == type && s->ev[i].subject == subject && s->ev[i].related == related)
            return &s->ev[i];
    return NULL;
}

static uint32_t count(const struct seen *s, uint32_t type)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n; i++)
        n += s->ev[i].type == type;
    return n;
}

struct world {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id app, db;
};

static void build(struct world *w, uint32_t flags)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.flags = flags;
    assert_eni_ok(eni_ctx_new(&o, &w->ctx));
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    assert_eni_ok(eni_vpc_create(w->ctx, &v, &w->vpc));
    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = w->vpc;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    assert_eni_ok(eni_subnet_create(w->ctx, &s, &w->subnet));
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = w->vpc;
    g.description = "tier";
    g.name = "app";
    assert_eni_ok(eni_sg_create(w->ctx, &g, &w->app));
    g.name = "db";
    assert_eni_ok(eni_sg_create(w->ctx, &g, &w->db));
}

static void test_changes_are_reported(void **state)
{
    (void)state;
    struct world w;
    build(&w, ENI_CTX_MODEL_EVENTS);
    /* A rule, and an interface joining a group with its address. */
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP, r.group = w.app;
    assert_eni_ok(eni_sg_authorize(w.ctx, w.db, ENI_INGRESS, &r, 1, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w.subnet;
    ns.groups = &w.app;
    ns.group_count = 1;
    eni_nic_id nic;
    assert_eni_ok(eni_nic_create(w.ctx, &ns, &nic));
    struct seen s = drain(w.ctx);
    const eni_event *rules = find(&s, ENI_EVENT_RULES_CHANGED, w.db.v, 0);
    assert_non_null(rules);
    assert_int_equal(rules->state, 2); /* the default egress rule and the new one */
    const eni_event *joined = find(&s, ENI_EVENT_MEMBERSHIP_CHANGED, w.app.v, nic.v);
    assert_non_null(joined);
    assert_int_equal(joined->state, 1);
    assert_true(joined->cookie > rules->cookie); /* the change number grows */
    assert_non_null(find(&s, ENI_EVENT_ADDRESSES_CHANGED, nic.v, 0));
    assert_string_equal(eni_event_type_name(ENI_EVENT_MEMBERSHIP_CHANGED), "membership-changed");

    /* Moving groups: left app, joined db. */
    assert_eni_ok(eni_nic_set_groups(w.ctx, nic, &w.db, 1));
    s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_MEMBERSHIP_CHANGED, w.app.v, nic.v)->state, 0);
    assert_int_equal(find(&s, ENI_EVENT_MEMBERSHIP_CHANGED, w.db.v, nic.v)->state, 1);

    /* Addresses, an Elastic IP, remote members, deletion. */
    assert_eni_ok(eni_nic_assign_private_ips(w.ctx, nic, NULL, 0, 2, 0));
    eni_eip_id eip;
    assert_eni_ok(eni_eip_allocate(w.ctx, &eip));
    eni_eip_assoc_id assoc;
    assert_eni_ok(eni_eip_associate(w.ctx, eip, nic, NULL, 0, &assoc));
    const char *members[] = {"10.0.9.9"};
    assert_eni_ok(eni_sg_set_remote_members(w.ctx, w.app, "host-b", members, 1));
    s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_ADDRESSES_CHANGED, nic.v, 0)->state, 3);
    assert_int_equal(find(&s, ENI_EVENT_EIP_CHANGED, eip.v, nic.v)->state, 1);
    assert_int_equal(find(&s, ENI_EVENT_REMOTE_MEMBERS_CHANGED, w.app.v, 0)->state, 1);
    assert_eni_ok(eni_eip_disassociate(w.ctx, assoc));
    assert_eni_ok(eni_nic_delete(w.ctx, nic));
    s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_EIP_CHANGED, eip.v, nic.v)->state, 0);
    assert_int_equal(find(&s, ENI_EVENT_MEMBERSHIP_CHANGED, w.db.v, nic.v)->state, 0);
    eni_ctx_free(w.ctx);
}

/* Ten rule changes before a poll arrive as one event with the last state. */
/* Network ACLs: an entry change names the ACL (related 0) with its entry
 * count; a new association names the subnet, on the ACL it left and on the
 * one it joined. Refusals report nothing. */
static void test_acl_changes_are_reported(void **state)
{
    (void)state;
    struct world w;
    build(&w, ENI_CTX_MODEL_EVENTS);
    eni_acl_id dflt, mine;
    uint32_t n;
    assert_eni_ok(eni_acl_list(w.ctx, w.vpc, &dflt, 1, &n));
    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = w.vpc;
    assert_eni_ok(eni_acl_create(w.ctx, &as, &mine));
    (void)drain(w.ctx);
    eni_acl_entry_spec e = ENI_ACL_ENTRY_SPEC_INIT;
    e.direction = ENI_INGRESS, e.rule_number = 100, e.rule_action = ENI_ACL_DENY;
    e.protocol = 6, e.from_port = 22, e.to_port = 22, e.cidr = "203.0.113.7/32";
    assert_eni_ok(eni_acl_create_entry(w.ctx, mine, &e));
    struct seen s = drain(w.ctx);
    const eni_event *ev = find(&s, ENI_EVENT_ACL_CHANGED, mine.v, 0);
    assert_non_null(ev);
    assert_int_equal(ev->state, 1);
    /* a refused entry (the same number again) reports nothing */
    assert_int_equal(eni_acl_create_entry(w.ctx, mine, &e), ENI_EEXIST);
    s = drain(w.ctx);
    assert_int_equal(count(&s, ENI_EVENT_ACL_CHANGED), 0);
    assert_eni_ok(eni_acl_replace_association(w.ctx, w.subnet, mine));
    s = drain(w.ctx);
    assert_int_equal(count(&s, ENI_EVENT_ACL_CHANGED), 2);
    assert_non_null(find(&s, ENI_EVENT_ACL_CHANGED, dflt.v, w.subnet.v));
    assert_int_equal(find(&s, ENI_EVENT_ACL_CHANGED, mine.v, w.subnet.v)->state, 1);
    assert_eni_ok(eni_acl_delete_entry(w.ctx, mine, ENI_INGRESS, 100));
    s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_ACL_CHANGED, mine.v, 0)->state, 0);
    assert_string_equal(eni_event_type_name(ENI_EVENT_ACL_CHANGED), "acl-changed");
    eni_ctx_free(w.ctx);
}

static void test_queued_changes_coalesce(void **state)
{
    (void)state;
    struct world w;
    build(&w, ENI_CTX_MODEL_EVENTS);
    drain(w.ctx);
    for (int i = 0; i < 10; i++) {
        eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
        r.protocol = 6, r.from_port = r.to_port = 1000 + i;
        r.peer_kind = ENI_PEER_CIDR, r.cidr = "10.9.0.0/16";
        assert_eni_ok(eni_sg_authorize(w.ctx, w.app, ENI_INGRESS, &r, 1, NULL));
    }
    struct seen s = drain(w.ctx);
    assert_int_equal(count(&s, ENI_EVENT_RULES_CHANGED), 1);
    assert_int_equal(find(&s, ENI_EVENT_RULES_CHANGED, w.app.v, 0)->state, 11);
    eni_ctx_free(w.ctx);
}

/* Without the flag, existing poll loops see none of them. */
static void test_off_by_default(void **state)
{
    (void)state;
    struct world w;
    build(&w, 0);
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = r.to_port = 22;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = "10.9.0.0/16";
    assert_eni_ok(eni_sg_authorize(w.ctx, w.app, ENI_INGRESS, &r, 1, NULL));
    struct seen s = drain(w.ctx);
    assert_int_equal(s.n, 0);
    eni_ctx_free(w.ctx);
}

static uint64_t generation(eni_ctx *ctx)
{
    uint64_t g = 0;
    assert_eni_ok(eni_ctx_model_generation(ctx, &g));
    return g;
}

static void test_model_generation(void **state)
{
    (void)state;
    eni_ctx *fresh;
    assert_eni_ok(eni_ctx_new(NULL, &fresh));
    assert_int_equal(generation(fresh), 0);
    eni_ctx_free(fresh);

    struct world w;
    build(&w, ENI_CTX_MODEL_EVENTS);
    drain(w.ctx);
    uint64_t g0 = generation(w.ctx);
    assert_true(g0 > 0); /* the VPC, subnet and groups */
    /* Reads and refusals leave it. */
    size_t n;
    assert_eni_ok(eni_ctx_dump(w.ctx, NULL, 0, &n));
    assert_eni_ok(eni_ctx_check(w.ctx));
    eni_sg_info gi = ENI_SG_INFO_INIT;
    assert_eni_ok(eni_sg_describe(w.ctx, w.app, &gi));
    const char *bad[] = {"10.0.9.300"};
    assert_int_equal(eni_sg_set_remote_members(w.ctx, w.app, "host-b", bad, 1), ENI_EINVAL);
    assert_eni_ok(eni_sg_clear_remote_members(w.ctx, w.app, "nobody")); /* nothing to forget */
    assert_int_equal(generation(w.ctx), g0);
    /* Each change moves it, remote members and their prefixes too; the
     * change events carry the value it has after their change. */
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = r.to_port = 22;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = "10.9.0.0/16";
    assert_eni_ok(eni_sg_authorize(w.ctx, w.app, ENI_INGRESS, &r, 1, NULL));
    uint64_t g1 = generation(w.ctx);
    assert_true(g1 > g0);
    struct seen s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_RULES_CHANGED, w.app.v, 0)->cookie, g1);
    const char *pfx[] = {"10.0.7.32/28"};
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    m.prefixes = pfx;
    m.prefix_count = 1;
    assert_eni_ok(eni_sg_set_remote(w.ctx, w.db, "host-b", &m));
    uint64_t g2 = generation(w.ctx);
    assert_true(g2 > g1);
    s = drain(w.ctx);
    assert_int_equal(find(&s, ENI_EVENT_REMOTE_MEMBERS_CHANGED, w.db.v, 0)->cookie, g2);
    assert_int_equal(generation(w.ctx), g2); /* polling is not a change */
    /* NULL arguments. */
    uint64_t g;
    assert_int_equal(eni_ctx_model_generation(NULL, &g), ENI_EINVAL);
    assert_int_equal(eni_ctx_model_generation(w.ctx, NULL), ENI_EINVAL);
    eni_ctx_free(w.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes_are_reported),
        cmocka_unit_test(test_acl_changes_are_reported),
        cmocka_unit_test(test_queued_changes_coalesce),
        cmocka_unit_test(test_off_by_default),
        cmocka_unit_test(test_model_generation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
