/* Describe calls as test expressions: each fills a poisoned struct, asserts
 * the call succeeded and that the struct came back for the object asked
 * about, and returns it. Shared by the attach tests. */
#ifndef ENI_TEST_DESCRIBE_HELPERS_H
#define ENI_TEST_DESCRIBE_HELPERS_H

#include <string.h>

#include <eni/sys/mock.h>

#include "test_helpers.h"

#define ENI_TEST_DESCRIBE(fn, type, idtype, call)                \
    static inline type fn(eni_ctx *ctx, idtype id)               \
    {                                                            \
        type i;                                                  \
        memset(&i, 0xa5, sizeof i);                              \
        i.size = sizeof i;                                       \
        assert_eni_ok(call(ctx, id, &i));                        \
        assert_int_equal(i.size, sizeof i);                      \
        assert_true(i.id.v == id.v);                             \
        return i;                                                \
    }

ENI_TEST_DESCRIBE(describe_nic, eni_nic_info, eni_nic_id, eni_nic_describe)
ENI_TEST_DESCRIBE(describe_attachment_raw, eni_attachment_info, eni_attachment_id,
                  eni_attachment_describe)

/* ... and for attachments, the reserved field comes back zero. */
static inline eni_attachment_info describe_attachment(eni_ctx *ctx, eni_attachment_id id)
{
    eni_attachment_info i = describe_attachment_raw(ctx, id);
    assert_int_equal(i.reserved0, 0);
    return i;
}
ENI_TEST_DESCRIBE(describe_instance, eni_instance_info, eni_instance_id, eni_instance_describe)
ENI_TEST_DESCRIBE(describe_eip, eni_eip_info, eni_eip_id, eni_eip_describe)

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
