/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Builders for the model tests, on a bare eni_ctx so that tests with either
 * fixture (model_refuse.h or model_fixture.h) can use them: each creates one
 * object, which must succeed with an id of the right kind and leave the
 * invariants intact. */
#ifndef ENI_TEST_MODEL_BUILD_H
#define ENI_TEST_MODEL_BUILD_H

#include "test_helpers.h"

/* A VPC (flags and IPv6 block optional). */
static inline eni_vpc_id mk_vpc(eni_ctx *ctx, const char *cidr, uint32_t flags, const char *v6)
{
    eni_vpc_spec spec = ENI_VPC_SPEC_INIT;
    spec.cidr_block = cidr;
    spec.flags = flags;
    spec.ipv6_cidr_block = v6;
    eni_vpc_id id = {0};
    assert_eni_ok(eni_vpc_create(ctx, &spec, &id));
    assert_eni_ok(eni_ctx_check(ctx));
    assert_int_not_equal(id.v, 0);
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_VPC);
    return id;
}

static inline eni_subnet_spec subnet_spec(eni_vpc_id vpc, const char *az, const char *cidr,
                                          const char *v6)
{
    eni_subnet_spec spec = ENI_SUBNET_SPEC_INIT;
    spec.vpc = vpc;
    spec.availability_zone = az;
    spec.cidr_block = cidr;
    spec.ipv6_cidr_block = v6;
    return spec;
}

/* A subnet in us-east-1a (IPv6 block optional). */
static inline eni_subnet_id mk_subnet(eni_ctx *ctx, eni_vpc_id vpc, const char *cidr,
                                      const char *v6)
{
    eni_subnet_spec spec = subnet_spec(vpc, "us-east-1a", cidr, v6);
    eni_subnet_id id = {0};
    assert_eni_ok(eni_subnet_create(ctx, &spec, &id));
    assert_eni_ok(eni_ctx_check(ctx));
    assert_int_not_equal(id.v, 0);
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_SUBNET);
    return id;
}

#endif
