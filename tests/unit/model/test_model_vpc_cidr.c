/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A VPC's CIDR blocks after creation (eni_vpc_associate_cidr_block and
 * friends, lib/model/vpc_cidr.c), against docs/ec2-sections.md section 10:
 * secondary IPv4 blocks and EC2's range rules, disassociation, the IPv6
 * blocks (up to five by default, decisions.md D33) and the rules the first
 * one adds (4.2, 9.2). */
#include <stdbool.h>

#include "sg_fixture.h"
#include "acl_fixture.h"

#include "core/ctx_internal.h"
#include "model/model.h"

#define RANGE "InvalidVpc.Range"

static void blocks(eni_ctx *ctx, eni_vpc_id vpc, char out[][ENI_CIDR_STRING_MAX], uint32_t cap,
                   uint32_t *n)
{
    assert_eni_ok(eni_vpc_get_cidr_blocks(ctx, vpc, (char *)out, cap, n));
}

static void test_s10_1_secondary_block_holds_subnets(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    char got[ENI_CIDR_STRING_MAX];
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.1.0.0/16", 0, got));
    assert_string_equal(got, "10.1.0.0/16");
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "100.64.0.0/24", 0, NULL));
    char b[4][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    blocks(f->ctx, vpc, b, 4, &n);
    assert_int_equal(n, 3);
    assert_string_equal(b[0], "10.0.0.0/16"); /* the primary first */
    assert_string_equal(b[1], "10.1.0.0/16");
    assert_string_equal(b[2], "100.64.0.0/24");
    assert_string_equal(describe_vpc(f->ctx, vpc).cidr_block, "10.0.0.0/16");
    /* subnets may live in any block, never across two */
    eni_subnet_id s1 = mk_subnet(f->ctx, vpc, "10.1.4.0/24", NULL);
    (void)mk_subnet(f->ctx, vpc, "100.64.0.0/28", NULL);
    eni_subnet_spec sp = subnet_spec(vpc, "us-east-1a", "10.2.0.0/24", NULL);
    eni_subnet_id out;
    REFUSED(f, eni_subnet_create(f->ctx, &sp, &out), ENI_EINVAL, "InvalidSubnet.Range");
    sp.cidr_block = "100.64.0.0/23";
    REFUSED(f, eni_subnet_create(f->ctx, &sp, &out), ENI_EINVAL, "InvalidSubnet.Range");
    assert_int_equal(describe_subnet(f->ctx, s1).available_ip_count, 251);
    /* the list call's contract */
    assert_eni_ok(eni_vpc_get_cidr_blocks(f->ctx, vpc, NULL, 0, &n));
    assert_int_equal(n, 3);
    REFUSED(f, eni_vpc_get_cidr_blocks(f->ctx, vpc, NULL, 1, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_vpc_get_cidr_blocks(f->ctx, (eni_vpc_id){0}, (char *)b, 4, &n), ENI_EINVAL,
            "InvalidVpcID.Malformed");
}

/* The VPC User Guide's "IPv4 CIDR block association restrictions", by the
 * range of the primary block. */
static void test_s10_1_restricted_ranges(void **state)
{
    fx *f = *state;
    static const struct {
        const char *primary, *block;
        bool ok;
    } cases[] = {
        {"10.0.0.0/16", "172.16.0.0/16", false},  {"10.0.0.0/16", "192.168.0.0/16", false},
        {"10.0.0.0/16", "198.19.0.0/16", false},  {"10.0.0.0/16", "169.254.0.0/16", false},
        {"10.0.0.0/16", "10.2.0.0/16", true},     {"10.0.0.0/16", "100.64.0.0/16", true},
        {"10.0.0.0/16", "203.0.113.0/24", true},  {"10.1.0.0/16", "10.0.0.0/16", false},
        {"10.4.0.0/16", "10.0.0.0/16", true},     {"172.16.0.0/16", "10.0.0.0/16", false},
        {"172.16.0.0/16", "172.31.0.0/16", false}, {"172.16.0.0/16", "172.30.0.0/16", true},
        {"172.16.0.0/16", "192.168.0.0/16", false}, {"192.168.0.0/16", "10.0.0.0/16", false},
        {"192.168.0.0/16", "172.16.0.0/16", false}, {"192.168.0.0/16", "100.64.0.0/16", true},
        {"198.19.0.0/16", "10.0.0.0/16", false},   {"198.19.0.0/16", "203.0.113.0/24", true},
        {"203.0.113.0/24", "10.0.0.0/16", false},  {"203.0.113.0/24", "198.19.0.0/16", false},
        {"203.0.113.0/24", "100.64.0.0/16", true}, {"100.64.0.0/16", "198.51.100.0/24", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eni_vpc_id vpc = mk_vpc(f->ctx, cases[i].primary, 0, NULL);
        if (cases[i].ok)
            MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, cases[i].block, 0, NULL));
        else
            REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, cases[i].block, 0, NULL),
                    ENI_EINVAL, RANGE);
        if (!cases[i].ok)
            assert_non_null(strstr(eni_error_last()->message, "is restricted"));
    }
    /* a block in 10.0.0.0/15 restricts 10.0.0.0/16, whichever block it is */
    eni_vpc_id v = mk_vpc(f->ctx, "10.8.0.0/16", 0, NULL);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, v, "10.1.0.0/16", 0, NULL));
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, v, "10.0.4.0/24", 0, NULL), ENI_EINVAL,
            RANGE);
}

static void test_s10_1_size_host_bits_overlap(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.1.0.0/24", 0, NULL));
    static const char *const range[] = {"10.2.0.0/15", "10.2.0.0/29", "10.2.0.1/24",
                                        "10.0.5.0/24", "10.0.0.0/8", "10.1.0.128/25",
                                        "2001:db8::/48", "2001:db8:0:1::/56"};
    for (size_t i = 0; i < sizeof range / sizeof range[0]; i++)
        REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, range[i], 0, NULL), ENI_EINVAL,
                RANGE);
    static const char *const malformed[] = {"10.2.0.0", "10.2.0.0/33", "abc", ""};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, malformed[i], 0, NULL), ENI_EINVAL,
                EINVAL_CODE);
    /* a block, or an Amazon IPv6 one: exactly one of them */
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, 0, NULL), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.3.0.0/16", ENI_VPC_AMAZON_IPV6,
                                            NULL),
            ENI_EINVAL, "InvalidParameterCombination");
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.3.0.0/16", 2, NULL), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_vpc_associate_cidr_block(NULL, vpc, "10.3.0.0/16", 0, NULL), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, (eni_vpc_id){0}, "10.3.0.0/16", 0, NULL),
            ENI_EINVAL, "InvalidVpcID.Malformed");
}

static void test_s10_1_blocks_per_vpc_quota(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    for (int i = 1; i <= 4; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.%d.0.0/16", i * 2);
        MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, cidr, 0, NULL));
    }
    /* 5 with the primary (Amazon VPC quotas) */
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.20.0.0/16", 0, NULL), ENI_ELIMIT,
            "CidrLimitExceeded");
    assert_non_null(strstr(eni_error_last()->message, "maximum number of allowed CIDRs: 5"));
    eni_quotas q = ENI_QUOTAS_INIT;
    q.cidr_blocks_per_vpc = 51;
    REFUSED(f, eni_ctx_set_quotas(f->ctx, &q), ENI_EINVAL, EINVAL_CODE);
    q.cidr_blocks_per_vpc = 6;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.20.0.0/16", 0, NULL));
    assert_int_equal(describe_vpc(f->ctx, vpc).subnet_count, 0);
}

static void test_s10_2_disassociate(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.1.0.0/16", 0, NULL));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.2.0.0/16", 0, NULL));
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "10.0.0.0/16"), ENI_EPERM,
            "OperationNotPermitted");
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "10.3.0.0/16"), ENI_ENOTFOUND,
            "InvalidVpcCidrBlockAssociationID.NotFound");
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8::/56"), ENI_ENOTFOUND,
            "InvalidVpcCidrBlockAssociationID.NotFound");
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "10.1.0.1/16"), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, NULL), ENI_EINVAL, EINVAL_CODE);
    eni_subnet_id sub = mk_subnet(f->ctx, vpc, "10.1.3.0/24", NULL);
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "10.1.0.0/16"), ENI_EINUSE,
            "InvalidCidrBlock.InUse");
    MUTATE(f, eni_subnet_delete(f->ctx, sub));
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "10.1.0.0/16"));
    char b[4][ENI_CIDR_STRING_MAX];
    uint32_t n;
    blocks(f->ctx, vpc, b, 4, &n);
    assert_int_equal(n, 2);
    assert_string_equal(b[1], "10.2.0.0/16");
    /* the block is free again, and the VPC goes with its secondary blocks */
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.1.0.0/16", 0, NULL));
    MUTATE(f, eni_vpc_delete(f->ctx, vpc));
}

static void test_s10_3_ipv6_block(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    char got[ENI_CIDR_STRING_MAX] = "";
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, got));
    assert_string_equal(got, describe_vpc(f->ctx, vpc).ipv6_cidr_block);
    assert_memory_equal(got, "2001:db8:", 9);
    char sub6[ENI_CIDR_STRING_MAX];
    snprintf(sub6, sizeof sub6, "%.*s/64", (int)(strlen(got) - 3), got);
    eni_subnet_id sub = mk_subnet(f->ctx, vpc, "10.0.1.0/24", sub6);
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, got), ENI_EINUSE,
            "InvalidCidrBlock.InUse");
    MUTATE(f, eni_subnet_delete(f->ctx, sub));
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, got));
    assert_string_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "");
    /* a given /56 */
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:ff00::/56", 0, got));
    assert_string_equal(got, "2001:db8:0:ff00::/56");
    (void)mk_subnet(f->ctx, vpc, "10.0.2.0/24", "2001:db8:0:ff01::/64");
}

static uint32_t egress_v6_rules(fx *f, eni_sg_id sg)
{
    eni_sg_rule_id ids[8];
    uint32_t n = 0, v6 = 0;
    assert_eni_ok(eni_sg_list_rules(f->ctx, sg, ENI_EGRESS, ids, 8, &n));
    for (uint32_t i = 0; i < n; i++)
        v6 += describe_sg_rule(f->ctx, ids[i]).family == 6;
    return v6;
}

/* The VPC User Guide, "Migrate your VPC from IPv4 to IPv6": an all-IPv6 egress rule
 * is added to every group whose outbound rules were never changed, and rule 101 to
 * each direction of the default ACL the user left alone. */
static void test_s10_3_ipv6_association_adds_rules_where_untouched(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id dflt = describe_vpc(f->ctx, vpc).default_group;
    eni_sg_id plain = mk_sg(f, vpc, "plain");
    eni_sg_id changed = mk_sg(f, vpc, "changed");
    eni_sg_id inbound = mk_sg(f, vpc, "inbound-only");
    (void)add1(f, changed, ENI_EGRESS, r_cidr(6, 443, 443, "0.0.0.0/0"));
    (void)add1(f, inbound, ENI_INGRESS, r_cidr(6, 22, 22, "0.0.0.0/0"));
    eni_acl_id acl = default_acl(f->ctx, vpc);
    eni_acl_entry_spec deny = acl_ports(ENI_INGRESS, 50, ENI_ACL_DENY, 6, 23, 23, "0.0.0.0/0");
    MUTATE(f, eni_acl_create_entry(f->ctx, acl, &deny)); /* ingress changed, egress not */
    eni_acl_id custom = mk_acl(f->ctx, vpc);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));
    assert_int_equal(egress_v6_rules(f, dflt), 1);
    assert_int_equal(egress_v6_rules(f, plain), 1);
    assert_int_equal(egress_v6_rules(f, changed), 0);
    assert_int_equal(egress_v6_rules(f, inbound), 1); /* only outbound changes count */
    uint32_t nums[4], n;
    acl_numbers(f->ctx, acl, ENI_INGRESS, nums, 4, &n);
    assert_int_equal(n, 2); /* 50 and 100: no 101 */
    acl_numbers(f->ctx, acl, ENI_EGRESS, nums, 4, &n);
    assert_int_equal(n, 2);
    assert_int_equal(nums[1], 101);
    assert_string_equal(acl_get(f->ctx, acl, ENI_EGRESS, 101).cidr, "::/0");
    assert_int_equal(describe_acl(f->ctx, custom).egress_count, 0); /* only the default */
    /* away and back: nothing twice */
    char b[4][ENI_CIDR_STRING_MAX];
    blocks(f->ctx, vpc, b, 4, &n);
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, b[1]));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));
    assert_int_equal(egress_v6_rules(f, plain), 1);
    assert_int_equal(describe_acl(f->ctx, acl).egress_count, 2);
    /* a group revoking and re-adding counts as changed */
    eni_sg_rule_spec all4 = r_cidr(-1, -1, -1, "0.0.0.0/0");
    eni_vpc_id vpc2 = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    eni_sg_id again = mk_sg(f, vpc2, "again");
    MUTATE(f, eni_sg_revoke(f->ctx, again, ENI_EGRESS, &all4, 1));
    (void)add1(f, again, ENI_EGRESS, all4);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc2, "2001:db8:0:aa00::/56", 0, NULL));
    assert_int_equal(egress_v6_rules(f, again), 0);
}

/* ---- several IPv6 blocks (D33: the Amazon VPC quotas page, "IPv6 CIDR
 * blocks per VPC", 5 by default, adjustable up to 50) --------------------- */

static bool dump_has(fx *f, const char *text)
{
    snap(f->ctx, &f->after);
    return strstr(f->after, text) != NULL;
}

/* A second and a fifth block are accepted, Amazon-provided and given ones
 * mixed; the sixth is CidrLimitExceeded with nothing changed, the pool's
 * counter included; the IPv4 quota is apart. */
static void test_s10_3_ipv6_blocks_up_to_the_quota(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    char got[ENI_CIDR_STRING_MAX];
    assert_string_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "2001:db8::/56");
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:ff00::/56", 0, got));
    assert_string_equal(got, "2001:db8:0:ff00::/56"); /* the second: given */
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, got));
    assert_string_equal(got, "2001:db8:0:100::/56"); /* the third: the pool's next */
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:fe00::/56", 0, NULL));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, got));
    assert_string_equal(got, "2001:db8:0:200::/56"); /* the fifth */
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL),
            ENI_ELIMIT, "CidrLimitExceeded");
    assert_non_null(strstr(eni_error_last()->message, "maximum number of allowed CIDRs: 5"));
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:fd00::/56", 0, NULL),
            ENI_ELIMIT, "CidrLimitExceeded");
    /* the refused Amazon request took nothing from the pool */
    eni_vpc_id other = mk_vpc(f->ctx, "10.1.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    assert_string_equal(describe_vpc(f->ctx, other).ipv6_cidr_block, "2001:db8:0:300::/56");
    /* all of them listed after the IPv4 blocks, in association order; the
     * describe call keeps the first */
    char b[8][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    blocks(f->ctx, vpc, b, 8, &n);
    assert_int_equal(n, 6);
    static const char *const want[] = {"10.0.0.0/16",          "2001:db8::/56",
                                       "2001:db8:0:ff00::/56", "2001:db8:0:100::/56",
                                       "2001:db8:0:fe00::/56", "2001:db8:0:200::/56"};
    for (uint32_t i = 0; i < 6; i++)
        assert_string_equal(b[i], want[i]);
    assert_string_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "2001:db8::/56");
    /* the dump shows every block and the quota */
    assert_true(dump_has(f, " 10.0.0.0/16 2001:db8::/56 2001:db8:0:ff00::/56 "
                            "2001:db8:0:100::/56 2001:db8:0:fe00::/56 2001:db8:0:200::/56 "
                            "default="));
    assert_true(dump_has(f, " ipv6_cidr_blocks=5 "));
    /* IPv6 blocks do not count against the IPv4 quota, nor IPv4 ones here */
    for (int i = 1; i <= 4; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.%d.0.0/16", 10 + i);
        MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, cidr, 0, NULL));
    }
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "10.20.0.0/16", 0, NULL), ENI_ELIMIT,
            "CidrLimitExceeded");
    /* the quota is adjustable up to 50 */
    eni_quotas q = ENI_QUOTAS_INIT;
    q.ipv6_cidr_blocks_per_vpc = 51;
    REFUSED(f, eni_ctx_set_quotas(f->ctx, &q), ENI_EINVAL, EINVAL_CODE);
    q.ipv6_cidr_blocks_per_vpc = 6;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    eni_quotas now = ENI_QUOTAS_INIT;
    assert_eni_ok(eni_ctx_get_quotas(f->ctx, &now));
    assert_int_equal(now.ipv6_cidr_blocks_per_vpc, 6);
    assert_int_equal(now.cidr_blocks_per_vpc, 5);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:fd00::/56", 0, NULL));
    assert_true(dump_has(f, " ipv6_cidr_blocks=6 "));
    /* lowering it below use keeps the blocks and refuses more */
    q.ipv6_cidr_blocks_per_vpc = 1;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, other, "2001:db8:0:fc00::/56", 0, NULL),
            ENI_ELIMIT, "CidrLimitExceeded");
    blocks(f->ctx, vpc, b, 8, &n);
    assert_int_equal(n, 11);
    /* a caller of the layout before the field leaves it alone */
    q.ipv6_cidr_blocks_per_vpc = 9;
    q.size = offsetof(eni_quotas, ipv6_cidr_blocks_per_vpc);
    q.eips = 6;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    assert_eni_ok(eni_ctx_get_quotas(f->ctx, &now));
    assert_int_equal(now.ipv6_cidr_blocks_per_vpc, 1);
    assert_int_equal(now.eips, 6);
}

/* No block overlaps another of the VPC; the pool skips a /56 the VPC was
 * given. */
static void test_s10_3_ipv6_blocks_never_overlap(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, "2001:db8::/56");
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8::/56", 0, NULL), ENI_EINVAL,
            RANGE);
    assert_non_null(strstr(eni_error_last()->message, "overlaps a CIDR block of the VPC"));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:100::/56", 0, NULL));
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:100::/56", 0, NULL),
            ENI_EINVAL, RANGE);
    /* still a /56 each, without host bits */
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:200::/64", 0, NULL),
            ENI_EINVAL, RANGE);
    REFUSED(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:201::/56", 0, NULL),
            ENI_EINVAL, RANGE);
    /* the pool's first two /56s are the VPC's already: the next free one */
    char got[ENI_CIDR_STRING_MAX];
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, got));
    assert_string_equal(got, "2001:db8:0:200::/56");
    eni_vpc_id other = mk_vpc(f->ctx, "10.1.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    assert_string_equal(describe_vpc(f->ctx, other).ipv6_cidr_block, "2001:db8:0:300::/56");
}

/* A subnet's /64 may lie in any of the VPC's blocks; a block a subnet uses
 * cannot go, any other can, the first one included. */
static void test_s10_3_subnets_in_any_ipv6_block(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, "2001:db8:0:a00::/56");
    eni_sg_id dflt = describe_vpc(f->ctx, vpc).default_group;
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:b00::/56", 0, NULL));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:c00::/56", 0, NULL));
    eni_subnet_id in_second = mk_subnet(f->ctx, vpc, "10.0.1.0/24", "2001:db8:0:b07::/64");
    eni_subnet_spec sp = subnet_spec(vpc, "us-east-1a", "10.0.2.0/24", "2001:db8:0:d00::/64");
    eni_subnet_id out;
    REFUSED(f, eni_subnet_create(f->ctx, &sp, &out), ENI_EINVAL, "InvalidSubnet.Range");
    sp.ipv6_cidr_block = "2001:db8:0:b07::/64";
    REFUSED(f, eni_subnet_create(f->ctx, &sp, &out), ENI_EINUSE, "InvalidSubnet.Conflict");
    /* an interface there takes an address of that block */
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = in_second;
    ns.ipv6_count = 1;
    eni_nic_id nic;
    MUTATE(f, eni_nic_create(f->ctx, &ns, &nic));
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(f->ctx, nic, &ni));
    assert_int_equal(ni.ipv6_count, 1);
    /* the block in use stays */
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:b00::/56"), ENI_EINUSE,
            "InvalidCidrBlock.InUse");
    assert_non_null(strstr(eni_error_last()->message, "2001:db8:0:b00::/56"));
    /* the unused last one and the unused first one go; the others keep their
     * order and the next becomes the one describe reports */
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:c00::/56"));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:c00::/56", 0, NULL));
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:a00::/56"));
    char b[4][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    blocks(f->ctx, vpc, b, 4, &n);
    assert_int_equal(n, 3);
    assert_string_equal(b[1], "2001:db8:0:b00::/56");
    assert_string_equal(b[2], "2001:db8:0:c00::/56");
    assert_string_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "2001:db8:0:b00::/56");
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:a00::/56"), ENI_ENOTFOUND,
            "InvalidVpcCidrBlockAssociationID.NotFound");
    /* the VPC still has IPv6: a new group starts with ::/0 egress, and the
     * rules the first block added are still there */
    eni_sg_id later = mk_sg(f, vpc, "later");
    assert_int_equal(egress_v6_rules(f, later), 1);
    assert_int_equal(egress_v6_rules(f, dflt), 1);
    /* the middle one while the last is unused */
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:c00::/56"));
    REFUSED(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:b00::/56"), ENI_EINUSE,
            "InvalidCidrBlock.InUse");
    MUTATE(f, eni_nic_delete(f->ctx, nic));
    MUTATE(f, eni_subnet_delete(f->ctx, in_second));
    MUTATE(f, eni_vpc_disassociate_cidr_block(f->ctx, vpc, "2001:db8:0:b00::/56"));
    assert_string_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "");
    blocks(f->ctx, vpc, b, 4, &n);
    assert_int_equal(n, 1);
    /* with several blocks, the VPC goes with all of them */
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));
    MUTATE(f, eni_sg_delete(f->ctx, later));
    MUTATE(f, eni_vpc_delete(f->ctx, vpc));
}

/* A second block adds no rules and no rule events: EC2 adds them with the
 * VPC's first IPv6 block ("Migrate to IPv6"). */
static void test_s10_3_second_ipv6_block_adds_no_rules(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id plain = mk_sg(f, vpc, "plain");
    eni_acl_id acl = default_acl(f->ctx, vpc);
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));
    assert_int_equal(egress_v6_rules(f, plain), 1);
    /* the user removes rule 101 outbound; a second block does not bring it back */
    MUTATE(f, eni_acl_delete_entry(f->ctx, acl, ENI_EGRESS, 101));
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:ee00::/56", 0, NULL));
    assert_int_equal(egress_v6_rules(f, plain), 1);
    assert_int_equal(describe_acl(f->ctx, acl).egress_count, 1);
    assert_int_equal(describe_acl(f->ctx, acl).ingress_count, 2);
}

/* eni_ctx_check validates the blocks: each a canonical /56, disjoint, the
 * first one set whenever there are others, every subnet's /64 inside one
 * (only memory corruption could break these: the calls refuse it). */
static void test_s10_3_check_validates_ipv6_blocks(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, "2001:db8:0:a00::/56");
    MUTATE(f, eni_vpc_associate_cidr_block(f->ctx, vpc, "2001:db8:0:b00::/56", 0, NULL));
    (void)mk_subnet(f->ctx, vpc, "10.0.1.0/24", "2001:db8:0:b01::/64");
    struct eni_vpc *v;
    assert_eni_ok(eni__registry_peek(f->ctx, ENI_KIND_VPC, vpc.v, (void **)&v));
    assert_int_equal(v->n_extra6, 1);
    eni_prefix saved = v->extra6[0];
    v->extra6[0] = v->cidr6; /* two equal blocks */
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    assert_non_null(strstr(eni_error_last()->message, "IPv6 block #1 is bad or overlaps"));
    v->extra6[0] = saved;
    v->extra6[0].len = 64;
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    v->extra6[0] = saved;
    eni_prefix first = v->cidr6;
    memset(&v->cidr6, 0, sizeof v->cidr6); /* others without a first */
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    v->cidr6 = first;
    v->n_extra6 = 0; /* the subnet's /64 now outside every block */
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    assert_non_null(strstr(eni_error_last()->message, "block outside it"));
    v->n_extra6 = 1;
    assert_eni_ok(eni_ctx_check(f->ctx));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s10_1_secondary_block_holds_subnets),
        T(test_s10_1_restricted_ranges),
        T(test_s10_1_size_host_bits_overlap),
        T(test_s10_1_blocks_per_vpc_quota),
        T(test_s10_2_disassociate),
        T(test_s10_3_ipv6_block),
        T(test_s10_3_ipv6_association_adds_rules_where_untouched),
        T(test_s10_3_ipv6_blocks_up_to_the_quota),
        T(test_s10_3_ipv6_blocks_never_overlap),
        T(test_s10_3_subnets_in_any_ipv6_block),
        T(test_s10_3_second_ipv6_block_adds_no_rules),
        T(test_s10_3_check_validates_ipv6_blocks),
    };
#undef T
    return cmocka_run_group_tests_name("model_vpc_cidr", tests, NULL, NULL);
}
