/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Builders for the network-ACL tests (test_model_acl.c, test_eval_acl.c)
 * on a bare eni_ctx: ACLs, entries, and their description. */
#ifndef ENI_TEST_ACL_FIXTURE_H
#define ENI_TEST_ACL_FIXTURE_H

#include "test_helpers.h"

#define ACL_NOTFOUND "InvalidNetworkAclID.NotFound"
#define ACL_MALFORMED "InvalidNetworkAclId.Malformed"
#define ENTRY_NOTFOUND "InvalidNetworkAclEntry.NotFound"

/* An entry spec: ports or ICMP type/code are set by the caller. */
static inline eni_acl_entry_spec acl_entry(uint32_t dir, uint32_t number, uint32_t action,
                                           int32_t proto, const char *cidr)
{
    eni_acl_entry_spec e = ENI_ACL_ENTRY_SPEC_INIT;
    e.direction = dir;
    e.rule_number = number;
    e.rule_action = action;
    e.protocol = proto;
    e.from_port = e.to_port = e.icmp_type = e.icmp_code = -1;
    e.cidr = cidr;
    return e;
}

/* The same, for TCP or UDP ports from..to. */
static inline eni_acl_entry_spec acl_ports(uint32_t dir, uint32_t number, uint32_t action,
                                           int32_t proto, int32_t from, int32_t to,
                                           const char *cidr)
{
    eni_acl_entry_spec e = acl_entry(dir, number, action, proto, cidr);
    e.from_port = from;
    e.to_port = to;
    return e;
}

static inline eni_acl_id mk_acl(eni_ctx *ctx, eni_vpc_id vpc)
{
    eni_acl_spec sp = ENI_ACL_SPEC_INIT;
    sp.vpc = vpc;
    eni_acl_id id = {0};
    assert_eni_ok(eni_acl_create(ctx, &sp, &id));
    assert_eni_ok(eni_ctx_check(ctx));
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_NETWORK_ACL);
    return id;
}

/* Add an entry, which must succeed. */
static inline void acl_add(eni_ctx *ctx, eni_acl_id acl, eni_acl_entry_spec e)
{
    assert_eni_ok(eni_acl_create_entry(ctx, acl, &e));
    assert_eni_ok(eni_ctx_check(ctx));
}

static inline eni_acl_entry_info acl_get(eni_ctx *ctx, eni_acl_id acl, uint32_t dir,
                                         uint32_t number)
{
    eni_acl_entry_info i;
    memset(&i, 0xa5, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_acl_get_entry(ctx, acl, dir, number, &i));
    assert_int_equal(i.size, sizeof i);
    assert_true(i.acl.v == acl.v);
    assert_int_equal(i.rule_number, number);
    assert_int_equal(i.direction, dir);
    assert_int_equal(i.reserved0, 0);
    return i;
}

/* The rule numbers of one direction, lowest first, in out[0..*n). */
static inline void acl_numbers(eni_ctx *ctx, eni_acl_id acl, uint32_t dir, uint32_t *out,
                               uint32_t cap, uint32_t *n)
{
    assert_eni_ok(eni_acl_list_entries(ctx, acl, dir, out, cap, n));
    assert_true(*n <= cap);
}

/* The VPC's default network ACL. */
static inline eni_acl_id default_acl(eni_ctx *ctx, eni_vpc_id vpc)
{
    eni_acl_id ids[8];
    uint32_t n = 0;
    assert_eni_ok(eni_acl_list(ctx, vpc, ids, 8, &n));
    for (uint32_t i = 0; i < n && i < 8; i++) {
        eni_acl_info in = {.size = sizeof in};
        assert_eni_ok(eni_acl_describe(ctx, ids[i], &in));
        if (in.is_default)
            return ids[i];
    }
    fail_msg("the VPC has no default network ACL");
    return (eni_acl_id){0};
}

#endif
