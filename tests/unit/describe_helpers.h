/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Describe calls as test expressions: each fills a poisoned struct, asserts
 * the call succeeded and that the struct came back for the object asked
 * about (and, where the struct has one, with its reserved field zero), and
 * returns it. Shared by the attach and model tests. */
#ifndef ENI_TEST_DESCRIBE_HELPERS_H
#define ENI_TEST_DESCRIBE_HELPERS_H

#include <string.h>

#include <eni/sys/mock.h>

#include "test_helpers.h"

#define ENI_TEST_DESCRIBE_CHECKED(fn, type, idtype, call, check) \
    static inline type fn(eni_ctx *ctx, idtype id)               \
    {                                                            \
        type i;                                                  \
        memset(&i, 0xa5, sizeof i);                              \
        i.size = sizeof i;                                       \
        assert_eni_ok(call(ctx, id, &i));                        \
        assert_int_equal(i.size, sizeof i);                      \
        assert_true(i.id.v == id.v);                             \
        check;                                                   \
        return i;                                                \
    }

#define ENI_TEST_DESCRIBE(fn, type, idtype, call) \
    ENI_TEST_DESCRIBE_CHECKED(fn, type, idtype, call, (void)0)

/* ... for structs whose reserved field must come back zero. */
#define ENI_TEST_DESCRIBE_R0(fn, type, idtype, call) \
    ENI_TEST_DESCRIBE_CHECKED(fn, type, idtype, call, assert_int_equal(i.reserved0, 0))

ENI_TEST_DESCRIBE(describe_nic, eni_nic_info, eni_nic_id, eni_nic_describe)
ENI_TEST_DESCRIBE_R0(describe_attachment, eni_attachment_info, eni_attachment_id,
                     eni_attachment_describe)
ENI_TEST_DESCRIBE(describe_instance, eni_instance_info, eni_instance_id, eni_instance_describe)
ENI_TEST_DESCRIBE(describe_eip, eni_eip_info, eni_eip_id, eni_eip_describe)
ENI_TEST_DESCRIBE_R0(describe_vpc, eni_vpc_info, eni_vpc_id, eni_vpc_describe)
ENI_TEST_DESCRIBE_R0(describe_subnet, eni_subnet_info, eni_subnet_id, eni_subnet_describe)
ENI_TEST_DESCRIBE(describe_sg, eni_sg_info, eni_sg_id, eni_sg_describe)
ENI_TEST_DESCRIBE_R0(describe_sg_rule, eni_sg_rule_info, eni_sg_rule_id, eni_sg_rule_describe)
ENI_TEST_DESCRIBE_R0(describe_prefix_list, eni_prefix_list_info, eni_prefix_list_id,
                     eni_prefix_list_describe)
ENI_TEST_DESCRIBE_R0(describe_acl, eni_acl_info, eni_acl_id, eni_acl_describe)

/* The mock backend's counters. */
static inline eni_mock_counters mock_counters(eni_ctx *ctx)
{
    eni_mock_counters c;
    memset(&c, 0xa5, sizeof c);
    c.size = sizeof c;
    assert_eni_ok(eni_mock_get_counters(ctx, &c));
    assert_int_equal(c.size, sizeof c);
    return c;
}

#endif
