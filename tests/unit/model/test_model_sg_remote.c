/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Members of a group on other hosts (section 4.4 across hosts): per group
 * and per source, replaced whole; listed, cleared per source and per host;
 * shown by the dump; bad input refused with nothing changed. */
#include "model_fixture.h"

struct fx {
    eni_ctx *ctx;
    char *before, *after;
    eni_sg_id app, db;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f || eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.description = "tier";
    if (eni_vpc_create(f->ctx, &v, &vpc) != ENI_OK)
        return -1;
    g.vpc = vpc;
    g.name = "app";
    if (eni_sg_create(f->ctx, &g, &f->app) != ENI_OK)
        return -1;
    g.name = "db";
    if (eni_sg_create(f->ctx, &g, &f->db) != ENI_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

static uint32_t members(struct fx *f, eni_sg_id sg, const char *source,
                        char out[][ENI_IP_STRING_MAX], uint32_t cap)
{
    uint32_t n = 99;
    assert_eni_ok(eni_sg_get_remote_members(f->ctx, sg, source, out[0], cap, &n));
    return n;
}

static void test_4_4_remote_members_replace_whole(void **state)
{
    struct fx *f = *state;
    const char *first[] = {"10.0.2.7", "10.0.1.5", "2001:db8::5", "10.0.1.5"};
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", first, 4));
    char out[8][ENI_IP_STRING_MAX];
    assert_int_equal(members(f, f->app, "host-b", out, 8), 3); /* sorted, duplicate gone */
    assert_string_equal(out[0], "10.0.1.5");
    assert_string_equal(out[1], "10.0.2.7");
    assert_string_equal(out[2], "2001:db8::5");
    const char *second[] = {"10.0.3.3"};
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", second, 1));
    assert_int_equal(members(f, f->app, "host-b", out, 8), 1);
    assert_string_equal(out[0], "10.0.3.3");
    /* Another source and another group are separate. */
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-a", first, 1));
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->db, "host-b", first, 2));
    char names[4][ENI_REMOTE_SOURCE_MAX];
    uint32_t n;
    assert_eni_ok(eni_sg_list_remote_sources(f->ctx, f->app, names[0], 4, &n));
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "host-a");
    assert_string_equal(names[1], "host-b");
    /* The dump shows them. */
    snap(f->ctx, &f->before);
    assert_non_null(strstr(f->before, "  remote host-b: 10.0.3.3\n"));
    /* An unknown source has none; a small buffer still counts all. */
    assert_int_equal(members(f, f->app, "host-z", out, 8), 0);
    assert_eni_ok(eni_sg_get_remote_members(f->ctx, f->db, "host-b", out[0], 1, &n));
    assert_int_equal(n, 2);
}

static void test_4_4_clearing_per_source_and_per_host(void **state)
{
    struct fx *f = *state;
    const char *a[] = {"10.0.1.5"};
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", a, 1));
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->db, "host-b", a, 1));
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->db, "host-c", a, 1));
    MUTATE(f, eni_sg_clear_remote_members(f->ctx, f->app, "host-b"));
    MUTATE(f, eni_sg_clear_remote_members(f->ctx, f->app, "host-b")); /* again: fine */
    uint32_t n, groups = 99;
    char names[4][ENI_REMOTE_SOURCE_MAX];
    assert_eni_ok(eni_sg_list_remote_sources(f->ctx, f->app, names[0], 4, &n));
    assert_int_equal(n, 0);
    MUTATE(f, eni_ctx_clear_remote_source(f->ctx, "host-b", &groups));
    assert_int_equal(groups, 1);
    assert_eni_ok(eni_sg_list_remote_sources(f->ctx, f->db, names[0], 4, &n));
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "host-c");
    /* Deleting a group frees its sets (valgrind and ASan watch). */
    MUTATE(f, eni_sg_delete(f->ctx, f->db));
}

static void test_4_4_bad_input_changes_nothing(void **state)
{
    struct fx *f = *state;
    const char *good[] = {"10.0.1.5"};
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", good, 1));
    const char *bad[] = {"10.0.1.6", "10.0.1.300"};
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", bad, 2), ENI_EINVAL,
            "InvalidParameterValue");
    const char *cidr[] = {"10.0.1.0/24"};
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", cidr, 1), ENI_EINVAL,
            "InvalidParameterValue");
    const char *null_addr[] = {NULL};
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", null_addr, 1), ENI_EINVAL,
            "InvalidParameterValue");
    char longname[ENI_REMOTE_SOURCE_MAX + 1];
    memset(longname, 'h', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    static const char *const bad_sources[] = {"", "host b", "tab\there", NULL};
    for (size_t i = 0; i < sizeof bad_sources / sizeof bad_sources[0]; i++)
        REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, bad_sources[i], good, 1),
                ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, longname, good, 1), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", NULL, 1), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", good,
                                         ENI_REMOTE_MEMBERS_MAX + 1),
            ENI_ELIMIT, "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote_members(f->ctx, (eni_sg_id){0}, "host-b", good, 1), ENI_EINVAL,
            "InvalidGroupId.Malformed");
    REFUSED(f, eni_ctx_clear_remote_source(f->ctx, "bad name", NULL), ENI_EINVAL,
            "InvalidParameterValue");
    char out[2][ENI_IP_STRING_MAX];
    uint32_t n;
    assert_int_equal(eni_sg_get_remote_members(f->ctx, f->app, NULL, out[0], 2, &n), ENI_EINVAL);
    assert_int_equal(eni_sg_list_remote_sources(NULL, f->app, out[0], 2, &n), ENI_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4_4_remote_members_replace_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_4_clearing_per_source_and_per_host, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_4_4_bad_input_changes_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
