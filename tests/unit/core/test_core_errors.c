/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The error table and the thread-local last-error record. */
#include <pthread.h>

#include "test_helpers.h"
#include "core/error_internal.h"

static void test_codes_have_names_messages_and_ec2_codes(void **state)
{
    (void)state;
    assert_string_equal(eni_err_name(ENI_OK), "ENI_OK");
    assert_string_equal(eni_strerror(ENI_OK), "success");
    assert_string_equal(eni_err_name(ENI_ENOTFOUND), "ENI_ENOTFOUND");
    assert_string_equal(eni_err_name(ENI_EPERM), "ENI_EPERM");
    assert_string_equal(eni_strerror(ENI_EDEPEND), "object still has dependents");
    assert_string_equal(eni_err_ec2_code(ENI_EDEPEND), "DependencyViolation");
    assert_string_equal(eni_err_ec2_code(ENI_ESTATE), "IncorrectState");
    assert_string_equal(eni_err_ec2_code(ENI_EPERM), "OperationNotPermitted");
    assert_string_equal(eni_err_ec2_code(ENI_EVERSION), "");
    /* every code from OK down to the last one is named and distinct */
    for (int c = 0; c > ENI__ERR_LAST; c--) {
        assert_string_not_equal(eni_err_name(c), "ENI_EUNKNOWN");
        assert_string_not_equal(eni_strerror(c), "unknown error");
        for (int d = c - 1; d > ENI__ERR_LAST; d--)
            assert_string_not_equal(eni_err_name(c), eni_err_name(d));
    }
}

static void test_unknown_codes_are_never_null(void **state)
{
    (void)state;
    const int bad[] = {1, 42, ENI__ERR_LAST, -1000, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_string_equal(eni_strerror(bad[i]), "unknown error");
        assert_string_equal(eni_err_name(bad[i]), "ENI_EUNKNOWN");
        assert_string_equal(eni_err_ec2_code(bad[i]), "");
    }
}

static void test_last_error_starts_clean_and_records_failures(void **state)
{
    (void)state;
    eni_error_clear();
    const eni_error *e = eni_error_last();
    assert_non_null(e);
    assert_int_equal(e->code, ENI_OK);
    assert_string_equal(e->message, "no error");
    assert_string_equal(e->ec2_code, "");

    assert_int_equal(eni__fail(ENI_ENOTFOUND, "InvalidGroup.NotFound", "group %s", "sg-1"),
                     ENI_ENOTFOUND);
    assert_int_equal(e->code, ENI_ENOTFOUND);
    assert_string_equal(e->message, "group sg-1");
    assert_string_equal(e->ec2_code, "InvalidGroup.NotFound");
    assert_int_equal(e->os_errno, 0);

    /* NULL EC2 code: the table's default */
    eni__fail(ENI_EDEPEND, NULL, "x");
    assert_string_equal(e->ec2_code, "DependencyViolation");
    eni__fail_os(ENI_EBACKEND, 5, NULL, "io");
    assert_int_equal(e->os_errno, 5);
    assert_string_equal(e->ec2_code, "InternalError");
}

static void test_long_messages_are_truncated_not_overflowed(void **state)
{
    (void)state;
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    eni__fail(ENI_EINVAL, NULL, "%s", big);
    size_t len = strlen(eni_error_last()->message);
    assert_true(len > 0 && len < sizeof big - 1);
}

static void *other_thread(void *arg)
{
    int *seen = arg;
    *seen = eni_error_last()->code; /* this thread's record, untouched */
    eni__fail(ENI_EBUSY, NULL, "other thread");
    return NULL;
}

static void test_last_error_is_per_thread(void **state)
{
    (void)state;
    eni__fail(ENI_ESTALE, NULL, "main thread");
    int seen = -99;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_thread, &seen), 0);
    pthread_join(t, NULL);
    assert_int_equal(seen, ENI_OK);
    assert_int_equal(eni_error_last()->code, ENI_ESTALE);
    assert_string_equal(eni_error_last()->message, "main thread");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_have_names_messages_and_ec2_codes),
        cmocka_unit_test(test_unknown_codes_are_never_null),
        cmocka_unit_test(test_last_error_starts_clean_and_records_failures),
        cmocka_unit_test(test_long_messages_are_truncated_not_overflowed),
        cmocka_unit_test(test_last_error_is_per_thread),
    };
    return cmocka_run_group_tests_name("core_errors", tests, NULL, NULL);
}
