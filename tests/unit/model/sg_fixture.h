/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The fixture and builders shared by the security-group tests
 * (test_model_sg.c: groups, test_model_sg_rule.c: rules,
 * test_model_prefix_list.c: managed prefix lists). Refusal and mutation
 * checks are model_fixture.h's, describe calls describe_helpers.h's, VPCs
 * and subnets model_build.h's. */
#ifndef ENI_TEST_SG_FIXTURE_H
#define ENI_TEST_SG_FIXTURE_H

#include <stdlib.h>

#include "describe_helpers.h"
#include "model_build.h"
#include "model_fixture.h"

/* ---- fixture ----------------------------------------------------------- */

typedef struct fx {
    eni_ctx *ctx;
    char *before; /* dumps live here so a failing assertion does not leak them */
    char *after;
} fx;

static inline int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (eni_ctx_new(NULL, &f->ctx) != ENI_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int teardown(void **state)
{
    fx *f = *state;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

#define EINVAL_CODE "InvalidParameterValue"
#define SG_NOTFOUND "InvalidGroup.NotFound"
#define SG_MALFORMED "InvalidGroupId.Malformed"
#define RULE_NOTFOUND "InvalidSecurityGroupRuleId.NotFound"
#define PL_NOTFOUND "InvalidPrefixListID.NotFound"
#define PL_MALFORMED "InvalidPrefixListId.Malformed"

/* ---- groups ------------------------------------------------------------ */

static inline eni_sg_spec sg_spec(eni_vpc_id vpc, const char *name, const char *desc)
{
    eni_sg_spec sp = ENI_SG_SPEC_INIT;
    sp.vpc = vpc;
    sp.name = name;
    sp.description = desc;
    return sp;
}

static inline eni_sg_id mk_sg(fx *f, eni_vpc_id vpc, const char *name)
{
    eni_sg_spec sp = sg_spec(vpc, name, "test group");
    eni_sg_id id = {0};
    MUTATE(f, eni_sg_create(f->ctx, &sp, &id));
    assert_true(id.v != 0);
    return id;
}

/* An interface in the given groups (none: the VPC's default group). */
static inline eni_nic_id mk_nic(fx *f, eni_subnet_id subnet, const eni_sg_id *groups, uint32_t n)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = subnet;
    sp.groups = groups;
    sp.group_count = n;
    eni_nic_id id = {0};
    MUTATE(f, eni_nic_create(f->ctx, &sp, &id));
    return id;
}

/* Set the group and rule quotas; 0 keeps the current value. */
static inline void set_quotas(fx *f, uint32_t groups, uint32_t rules)
{
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    assert_eni_ok(eni_ctx_get_quotas(f->ctx, &q));
    if (groups)
        q.security_groups = groups;
    if (rules)
        q.rules_per_group = rules;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
}

/* ---- rules ------------------------------------------------------------- */

/* A rule spec without its peer; r_cidr, r_group and r_pl add one. */
static inline eni_sg_rule_spec r_ports(uint32_t peer_kind, int32_t proto, int32_t from,
                                       int32_t to)
{
    eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
    s.peer_kind = peer_kind;
    s.protocol = proto;
    s.from_port = from;
    s.to_port = to;
    return s;
}

static inline eni_sg_rule_spec r_cidr(int32_t proto, int32_t from, int32_t to, const char *cidr)
{
    eni_sg_rule_spec s = r_ports(ENI_PEER_CIDR, proto, from, to);
    s.cidr = cidr;
    return s;
}

static inline eni_sg_rule_spec r_group(int32_t proto, int32_t from, int32_t to, eni_sg_id g)
{
    eni_sg_rule_spec s = r_ports(ENI_PEER_GROUP, proto, from, to);
    s.group = g;
    return s;
}

static inline eni_sg_rule_spec r_pl(int32_t proto, int32_t from, int32_t to,
                                    eni_prefix_list_id pl)
{
    eni_sg_rule_spec s = r_ports(ENI_PEER_PREFIX_LIST, proto, from, to);
    s.prefix_list = pl;
    return s;
}

/* Authorize one rule, which must succeed. */
static inline eni_sg_rule_id add1(fx *f, eni_sg_id sg, eni_direction dir, eni_sg_rule_spec s)
{
    eni_sg_rule_id id = {0};
    MUTATE(f, eni_sg_authorize(f->ctx, sg, dir, &s, 1, &id));
    assert_true(id.v != 0);
    return id;
}

/* Authorize one rule, which must be refused without changing anything. */
static inline void add1_refused(fx *f, eni_sg_id sg, eni_direction dir, eni_sg_rule_spec s,
                                int rc, const char *code)
{
    eni_sg_rule_id id = {0x1234};
    REFUSED(f, eni_sg_authorize(f->ctx, sg, dir, &s, 1, &id), rc, code);
    assert_true(id.v == 0x1234); /* out-parameter untouched */
}

/* ---- prefix lists ------------------------------------------------------ */

static inline eni_prefix_list_spec pl_spec(uint32_t family, const char *name, uint32_t max)
{
    eni_prefix_list_spec sp = ENI_PREFIX_LIST_SPEC_INIT;
    sp.family = family;
    sp.name = name;
    sp.max_entries = max;
    return sp;
}

static inline eni_prefix_list_id mk_pl(fx *f, uint32_t family, const char *name, uint32_t max)
{
    eni_prefix_list_spec sp = pl_spec(family, name, max);
    eni_prefix_list_id id = {0};
    MUTATE(f, eni_prefix_list_create(f->ctx, &sp, &id));
    assert_true(id.v != 0);
    return id;
}

#endif
