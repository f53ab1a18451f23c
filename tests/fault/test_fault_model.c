/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Out-of-memory sweep over a scripted model scenario: each step is retried
 * with allocation N failing, for N = 1, 2, ... until it succeeds. Every
 * failure must be ENI_ENOMEM, leave the model's dump unchanged, keep the
 * invariants, and leak nothing (the allocator counts live blocks). */
#include <stdio.h>
#include <stdlib.h>

#include "test_helpers.h"
#include "fail_alloc.h"

struct scenario {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id web, db;
    eni_prefix_list_id pl;
    eni_nic_id nic[3];
    eni_eip_id eip;
    eni_sg_rule_id rule;
    eni_instance_id inst;
    eni_acl_id acl;
    eni_vpc_id vpc2;
};

typedef int (*step_fn)(struct scenario *s);

static int s_vpc(struct scenario *s)
{
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    v.flags = ENI_VPC_AMAZON_IPV6;
    v.id = "vpc-0a1b2c3d4e5f60718"; /* ids EC2 gave: their table is swept too */
    v.default_group_id = "sg-0a1b2c3d4e5f60719";
    return eni_vpc_create(s->ctx, &v, &s->vpc);
}
static int s_subnet(struct scenario *s)
{
    eni_subnet_spec sp = ENI_SUBNET_SPEC_INIT;
    sp.vpc = s->vpc;
    sp.availability_zone = "us-east-1a";
    sp.cidr_block = "10.0.1.0/24";
    sp.ipv6_cidr_block = "2001:db8::/64";
    return eni_subnet_create(s->ctx, &sp, &s->subnet);
}
static int s_acl(struct scenario *s)
{
    eni_acl_spec a = ENI_ACL_SPEC_INIT;
    a.vpc = s->vpc;
    a.id = "acl-0a1b2c3d4e5f6071b";
    return eni_acl_create(s->ctx, &a, &s->acl);
}
static eni_acl_entry_spec acl_entry(uint32_t dir, uint32_t number, const char *cidr)
{
    eni_acl_entry_spec e = ENI_ACL_ENTRY_SPEC_INIT;
    e.direction = dir;
    e.rule_number = number;
    e.rule_action = ENI_ACL_ALLOW;
    e.protocol = 6;
    e.from_port = 1024;
    e.to_port = 65535;
    e.cidr = cidr;
    return e;
}
static int s_acl_entry_in4(struct scenario *s)
{
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 100, "0.0.0.0/0");
    return eni_acl_create_entry(s->ctx, s->acl, &e);
}
static int s_acl_entry_in6(struct scenario *s)
{
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 101, "::/0");
    return eni_acl_create_entry(s->ctx, s->acl, &e);
}
static int s_acl_entry_out(struct scenario *s)
{
    eni_acl_entry_spec e = acl_entry(ENI_EGRESS, 102, "198.51.100.0/24");
    return eni_acl_create_entry(s->ctx, s->acl, &e);
}
static int s_acl_replace(struct scenario *s)
{
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 100, "203.0.113.0/24");
    e.rule_action = ENI_ACL_DENY;
    return eni_acl_replace_entry(s->ctx, s->acl, &e);
}
static int s_acl_associate(struct scenario *s)
{
    return eni_acl_replace_association(s->ctx, s->subnet, s->acl);
}
static int s_cidr_block(struct scenario *s)
{
    return eni_vpc_associate_cidr_block(s->ctx, s->vpc, "10.1.0.0/16", 0, NULL);
}
static int s_vpc2(struct scenario *s)
{
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.9.0.0/16";
    v.default_acl_id = "acl-0a1b2c3d4e5f6071c";
    return eni_vpc_create(s->ctx, &v, &s->vpc2);
}
static int s_group_vpc2(struct scenario *s)
{
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = s->vpc2;
    g.name = "untouched";
    g.description = "group";
    eni_sg_id id;
    return eni_sg_create(s->ctx, &g, &id);
}
static int s_ipv6_block(struct scenario *s)
{
    /* adds ::/0 egress to both groups of vpc2 and rule 101 to its default ACL */
    return eni_vpc_associate_cidr_block(s->ctx, s->vpc2, NULL, ENI_VPC_AMAZON_IPV6, NULL);
}
static int s_ipv6_block2(struct scenario *s)
{
    /* a further block (D33): the VPC's list of IPv6 blocks grows, no rules */
    return eni_vpc_associate_cidr_block(s->ctx, s->vpc2, "2001:db8:0:ff00::/56", 0, NULL);
}
static int s_disassociate_ipv6_first(struct scenario *s)
{
    /* the first IPv6 block goes; the next takes its place */
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    int rc = eni_vpc_describe(s->ctx, s->vpc2, &vi);
    if (rc != ENI_OK)
        return rc;
    return eni_vpc_disassociate_cidr_block(s->ctx, s->vpc2, vi.ipv6_cidr_block);
}
static int s_prefix4(struct scenario *s)
{
    return eni_nic_assign_prefixes(s->ctx, s->nic[0], 4, NULL, 0, 2);
}
static int s_prefix6(struct scenario *s)
{
    const char *p[] = {"2001:db8::5:0:0:0/80"};
    return eni_nic_assign_prefixes(s->ctx, s->nic[0], 6, p, 1, 0);
}
static int s_unassign_prefix(struct scenario *s)
{
    const char *p[] = {"2001:db8::5:0:0:0/80", "10.0.1.16/28"};
    return eni_nic_unassign_prefixes(s->ctx, s->nic[0], p, 2);
}
static int s_acl_delete_entry(struct scenario *s)
{
    return eni_acl_delete_entry(s->ctx, s->acl, ENI_EGRESS, 102);
}
static int s_disassociate_block(struct scenario *s)
{
    return eni_vpc_disassociate_cidr_block(s->ctx, s->vpc, "10.1.0.0/16");
}
static int s_groups(struct scenario *s)
{
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = s->vpc;
    g.name = s->web.v ? "db" : "web";
    g.description = "group";
    g.id = s->web.v ? NULL : "sg-0a1b2c3d4e5f6071a";
    return eni_sg_create(s->ctx, &g, s->web.v ? &s->db : &s->web);
}
static int s_remote(struct scenario *s)
{
    const char *addrs[] = {"10.0.7.1", "10.0.7.2", "2001:db8::7"};
    return eni_sg_set_remote_members(s->ctx, s->web, "host-b", addrs, 3);
}
static int s_remote_prefixes(struct scenario *s)
{
    const char *addrs[] = {"10.0.8.1"};
    const char *prefixes[] = {"10.0.8.16/28", "2001:db8:0:8::/80"};
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    m.addresses = addrs;
    m.address_count = 1;
    m.prefixes = prefixes;
    m.prefix_count = 2;
    return eni_sg_set_remote(s->ctx, s->web, "host-c", &m);
}
static int s_pl(struct scenario *s)
{
    eni_prefix_list_spec p = ENI_PREFIX_LIST_SPEC_INIT;
    p.family = 4;
    p.name = "office";
    p.max_entries = 5;
    return eni_prefix_list_create(s->ctx, &p, &s->pl);
}
static int s_pl_modify(struct scenario *s)
{
    const char *add[] = {"192.0.2.0/24", "198.51.100.7/24"};
    return eni_prefix_list_modify(s->ctx, s->pl, add, 2, NULL, 0);
}
static int s_rules(struct scenario *s)
{
    eni_sg_rule_spec r[3] = {ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT};
    r[0].protocol = 6, r[0].from_port = 443, r[0].to_port = 443;
    r[0].peer_kind = ENI_PEER_CIDR, r[0].cidr = "0.0.0.0/0", r[0].description = "https";
    r[1].protocol = 6, r[1].from_port = 5432, r[1].to_port = 5432;
    r[1].peer_kind = ENI_PEER_GROUP, r[1].group = s->web;
    r[2].protocol = -1, r[2].peer_kind = ENI_PEER_PREFIX_LIST, r[2].prefix_list = s->pl;
    eni_sg_rule_id ids[3];
    int rc = eni_sg_authorize(s->ctx, s->db, ENI_INGRESS, r, 3, ids);
    if (rc == ENI_OK)
        s->rule = ids[0];
    return rc;
}
static int s_nic(struct scenario *s)
{
    int i = s->nic[0].v == 0 ? 0 : s->nic[1].v == 0 ? 1 : 2;
    eni_nic_spec n = ENI_NIC_SPEC_INIT;
    n.subnet = s->subnet;
    n.secondary_ip_count = 2;
    n.ipv6_count = 1;
    n.description = "nic";
    eni_sg_id g[2] = {s->web, s->db};
    n.groups = g;
    n.group_count = 2;
    return eni_nic_create(s->ctx, &n, &s->nic[i]);
}
static int s_assign(struct scenario *s)
{
    const char *ip[] = {"10.0.1.100", "10.0.1.101"};
    return eni_nic_assign_private_ips(s->ctx, s->nic[0], ip, 2, 0, 0);
}
static int s_reassign(struct scenario *s)
{
    const char *ip[] = {"10.0.1.100"};
    return eni_nic_assign_private_ips(s->ctx, s->nic[1], ip, 1, 0, ENI_ASSIGN_ALLOW_REASSIGNMENT);
}
static int s_assign6(struct scenario *s)
{
    return eni_nic_assign_ipv6(s->ctx, s->nic[1], NULL, 0, 3);
}
static int s_eip(struct scenario *s)
{
    return eni_eip_allocate_id(s->ctx, "eipalloc-1a2b3c4d", &s->eip);
}
static int s_associate(struct scenario *s)
{
    return eni_eip_associate(s->ctx, s->eip, s->nic[0], "10.0.1.101", 0, NULL);
}
static int s_set_groups(struct scenario *s)
{
    return eni_nic_set_groups(s->ctx, s->nic[2], &s->db, 1);
}
static int s_description(struct scenario *s)
{
    return eni_nic_set_description(s->ctx, s->nic[2], "renamed");
}
static int s_instance(struct scenario *s)
{
    eni_instance_spec i = ENI_INSTANCE_SPEC_INIT;
    i.instance_type = "m5.large";
    i.subnet = s->subnet;
    return eni_instance_create(s->ctx, &i, &s->inst);
}
static int s_modify(struct scenario *s)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = r.to_port = 5433;
    r.peer_kind = ENI_PEER_CIDR, r.cidr = "10.0.0.0/8";
    r.description = "edited in place";
    return eni_sg_rule_modify(s->ctx, s->rule, &r);
}
static int s_revoke(struct scenario *s)
{
    return eni_sg_revoke_rules(s->ctx, s->db, &s->rule, 1);
}
static int s_unassign(struct scenario *s)
{
    const char *ip[] = {"10.0.1.101"};
    return eni_nic_unassign_private_ips(s->ctx, s->nic[0], ip, 1);
}
static int s_delete_nic(struct scenario *s)
{
    return eni_nic_delete(s->ctx, s->nic[1]);
}
static int s_dump(struct scenario *s)
{
    size_t n;
    return eni_ctx_dump(s->ctx, NULL, 0, &n);
}

static char *snapshot(struct scenario *s, struct fail_alloc *a)
{
    long saved = a->fail_at;
    a->fail_at = 0;
    size_t n;
    assert_eni_ok(eni_ctx_dump(s->ctx, NULL, 0, &n));
    char *buf = malloc(n);
    assert_non_null(buf);
    assert_eni_ok(eni_ctx_dump(s->ctx, buf, n, &n));
    a->fail_at = saved;
    return buf;
}

static void test_every_allocation_failure_leaves_the_model_unchanged(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        step_fn fn;
    } steps[] = {
        {"vpc", s_vpc},
        {"subnet", s_subnet},
        {"network acl", s_acl},
        {"acl entry in v4", s_acl_entry_in4},
        {"acl entry in v6", s_acl_entry_in6},
        {"acl entry out", s_acl_entry_out},
        {"replace acl entry", s_acl_replace},
        {"acl association", s_acl_associate},
        {"cidr block", s_cidr_block},
        {"vpc 2", s_vpc2},
        {"group in vpc 2", s_group_vpc2},
        {"ipv6 block", s_ipv6_block},
        {"second ipv6 block", s_ipv6_block2},
        {"group web", s_groups},
        {"group db", s_groups},
        {"remote members", s_remote},
        {"remote prefixes", s_remote_prefixes},
        {"prefix list", s_pl},
        {"prefix entries", s_pl_modify},
        {"rules", s_rules},
        {"nic 0", s_nic},
        {"nic 1", s_nic},
        {"nic 2", s_nic},
        {"assign", s_assign},
        {"reassign", s_reassign},
        {"assign ipv6", s_assign6},
        {"ipv4 prefixes", s_prefix4},
        {"ipv6 prefix", s_prefix6},
        {"unassign prefixes", s_unassign_prefix},
        {"eip", s_eip},
        {"associate", s_associate},
        {"set groups", s_set_groups},
        {"description", s_description},
        {"instance", s_instance},
        {"modify rule", s_modify},
        {"revoke", s_revoke},
        {"unassign", s_unassign},
        {"delete nic", s_delete_nic},
        {"delete acl entry", s_acl_delete_entry},
        {"disassociate block", s_disassociate_block},
        {"disassociate first ipv6 block", s_disassociate_ipv6_first},
        {"dump", s_dump},
    };
    struct fail_alloc a = {0};
    eni_ctx_opts opts = fail_alloc_opts(&a);
    /* With ENI_FAULT_STATE (a path), the same sweep on a durable model: an
     * allocation that fails while a change is committed must undo it too,
     * and eni_ctx_check compares the file with memory after every step. */
    const char *state_path = getenv("ENI_FAULT_STATE");
    if (state_path) {
        remove(state_path);
        char side[512];
        snprintf(side, sizeof side, "%s-wal", state_path);
        remove(side);
        opts.state_path = state_path;
    }
    struct scenario s;
    memset(&s, 0, sizeof s);
    assert_eni_ok(eni_ctx_new(&opts, &s.ctx));
    long injected = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        for (long n = 1;; n++) {
            char *before = snapshot(&s, &a);
            a.failed = 0;
            a.fail_at = a.calls + n;
            int rc = steps[i].fn(&s);
            a.fail_at = 0;
            if (!a.failed) {
                if (rc != ENI_OK)
                    fail_msg("step '%s' failed without an injected fault: %s", steps[i].name,
                             eni_error_last()->message);
                free(before);
                break;
            }
            injected++;
            if (rc == ENI_OK) { /* the failed allocation had a fallback: fine */
                free(before);
                break;
            }
            if (rc != ENI_ENOMEM)
                fail_msg("step '%s', allocation %ld: %s instead of ENI_ENOMEM", steps[i].name, n,
                         eni_err_name(rc));
            char *after = snapshot(&s, &a);
            if (strcmp(before, after) != 0)
                fail_msg("step '%s', allocation %ld failed but changed the model", steps[i].name,
                         n);
            assert_eni_ok(eni_ctx_check(s.ctx));
            free(before);
            free(after);
        }
        assert_eni_ok(eni_ctx_check(s.ctx));
    }
    assert_true(injected > 30); /* the sweep really hit the allocation sites */
    print_message("# %ld allocation failures injected%s\n", injected,
                  state_path ? " (with a state file)" : "");
    char *last = snapshot(&s, &a);
    eni_ctx_free(s.ctx);
    assert_int_equal(a.live, 0);
    if (state_path) { /* and the file holds what memory held */
        opts = fail_alloc_opts(&a);
        opts.state_path = state_path;
        assert_eni_ok(eni_ctx_new(&opts, &s.ctx));
        char *again = snapshot(&s, &a);
        assert_string_equal(last, again);
        free(again);
        eni_ctx_free(s.ctx);
        assert_int_equal(a.live, 0);
    }
    free(last);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_allocation_failure_leaves_the_model_unchanged),
    };
    return cmocka_run_group_tests_name("fault_model", tests, NULL, NULL);
}
