/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Members of a group on other hosts (section 4.4 across hosts): per group
 * and per source, replaced whole, their delegated prefixes included (D35);
 * listed, cleared per source and per host; shown by the dump and validated
 * by the check; bad input refused with nothing changed. */
#include "model_fixture.h"

#include "core/ctx_internal.h"
#include "model/model.h"

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

static uint32_t prefixes(struct fx *f, eni_sg_id sg, const char *source,
                         char out[][ENI_CIDR_STRING_MAX], uint32_t cap)
{
    uint32_t n = 99;
    assert_eni_ok(eni_sg_get_remote_prefixes(f->ctx, sg, source, out[0], cap, &n));
    return n;
}

static eni_remote_members stated(const char *const *addrs, uint32_t n, const char *const *pfx,
                                 uint32_t np)
{
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    m.addresses = addrs;
    m.address_count = n;
    m.prefixes = pfx;
    m.prefix_count = np;
    return m;
}

static void test_4_4_remote_prefixes_replace_whole(void **state)
{
    struct fx *f = *state;
    const char *addrs[] = {"10.0.3.3"};
    const char *pfx[] = {"2001:db8::/80", "10.0.1.48/28", "10.0.1.32/28", "10.0.1.48/28"};
    eni_remote_members m = stated(addrs, 1, pfx, 4);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m));
    char out[8][ENI_CIDR_STRING_MAX];
    assert_int_equal(prefixes(f, f->app, "host-b", out, 8), 3); /* sorted, duplicate gone */
    assert_string_equal(out[0], "10.0.1.32/28");
    assert_string_equal(out[1], "10.0.1.48/28");
    assert_string_equal(out[2], "2001:db8::/80");
    char addr[4][ENI_IP_STRING_MAX];
    assert_int_equal(members(f, f->app, "host-b", addr, 4), 1);
    assert_string_equal(addr[0], "10.0.3.3");
    /* The dump shows them after the addresses. */
    snap(f->ctx, &f->before);
    assert_non_null(
        strstr(f->before, "  remote host-b: 10.0.3.3 10.0.1.32/28 10.0.1.48/28 2001:db8::/80\n"));
    /* Prefixes alone are a statement too; a small buffer still counts all. */
    m = stated(NULL, 0, pfx + 1, 1);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m));
    assert_int_equal(members(f, f->app, "host-b", addr, 4), 0);
    assert_int_equal(prefixes(f, f->app, "host-b", out, 0), 1);
    /* The addresses-only call replaces the whole set: the prefixes go. */
    MUTATE(f, eni_sg_set_remote_members(f->ctx, f->app, "host-b", addrs, 1));
    assert_int_equal(prefixes(f, f->app, "host-b", out, 8), 0);
    snap(f->ctx, &f->before);
    assert_non_null(strstr(f->before, "  remote host-b: 10.0.3.3\n"));
    /* Neither addresses nor prefixes forgets the source; an unknown one has none. */
    m = stated(NULL, 0, NULL, 0);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m));
    uint32_t n = 9;
    assert_eni_ok(eni_sg_list_remote_sources(f->ctx, f->app, NULL, 0, &n));
    assert_int_equal(n, 0);
    assert_int_equal(prefixes(f, f->app, "host-z", out, 8), 0);
    /* Clearing a host drops its prefixes too (ASan and valgrind watch the frees). */
    m = stated(addrs, 1, pfx, 1);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->db, "host-c", &m));
    MUTATE(f, eni_ctx_clear_remote_source(f->ctx, "host-c", NULL));
    assert_int_equal(prefixes(f, f->db, "host-c", out, 8), 0);
    m = stated(addrs, 1, pfx, 2);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->db, "host-c", &m));
    MUTATE(f, eni_sg_delete(f->ctx, f->db));
}

static void test_4_4_bad_prefixes_change_nothing(void **state)
{
    struct fx *f = *state;
    const char *addrs[] = {"10.0.3.3"};
    const char *good[] = {"10.0.1.32/28"};
    eni_remote_members m = stated(addrs, 1, good, 1);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m));
    static const char *const bad[] = {
        "10.0.1.0/24",       /* not a /28 */
        "10.0.1.33/28",      /* host bits */
        "10.0.1.32/29",
        "10.0.1.32",         /* an address, not a prefix */
        "2001:db8::/64",     /* not an /80 */
        "2001:db8::1:0:0/80", /* host bits */
        "2001:db8::/080",
        "10.0.1.32/28 ",
        "not-a-prefix",
        NULL,
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *list[] = {"10.0.1.64/28", bad[i]};
        m = stated(addrs, 1, list, 2);
        REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EINVAL,
                "InvalidParameterValue");
    }
    /* A prefix among the addresses is refused as an address. */
    m = stated(good, 1, NULL, 0);
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EINVAL,
            "InvalidParameterValue");
    m = stated(addrs, 1, NULL, 1);
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EINVAL,
            "InvalidParameterValue");
    m = stated(addrs, 1, good, 1);
    m.flags = 1;
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EINVAL,
            "InvalidParameterValue");
    m = stated(addrs, 1, good, 1);
    m.size = 4;
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EVERSION, "");
    m.size = ENI_STRUCT_SIZE_MAX + 1;
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_EVERSION, "");
    m = stated(addrs, ENI_REMOTE_MEMBERS_MAX, good, 1); /* together past the limit */
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m), ENI_ELIMIT,
            "InvalidParameterValue");
    m = stated(addrs, 1, good, 1);
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host b", &m), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote(f->ctx, f->app, "host-b", NULL), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_sg_set_remote(f->ctx, (eni_sg_id){0}, "host-b", &m), ENI_EINVAL,
            "InvalidGroupId.Malformed");
    assert_int_equal(eni_sg_set_remote(NULL, f->app, "host-b", &m), ENI_EINVAL);
    char out[2][ENI_CIDR_STRING_MAX];
    uint32_t n;
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, NULL, out[0], 2, &n), ENI_EINVAL);
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, "host-b", NULL, 2, &n),
                     ENI_EINVAL);
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, "host-b", out[0], 2, NULL),
                     ENI_EINVAL);
    /* What was stated first is still there. */
    assert_int_equal(prefixes(f, f->app, "host-b", out, 2), 1);
    assert_string_equal(out[0], "10.0.1.32/28");
}

/* eni_ctx_check sees a stored remote prefix that is misaligned (only memory
 * corruption could make one: the calls refuse them). */
static void test_4_4_check_validates_remote_prefixes(void **state)
{
    struct fx *f = *state;
    const char *pfx[] = {"10.0.1.32/28", "2001:db8::/80"};
    eni_remote_members m = stated(NULL, 0, pfx, 2);
    MUTATE(f, eni_sg_set_remote(f->ctx, f->app, "host-b", &m));
    struct eni_sg *sg;
    assert_eni_ok(eni__registry_peek(f->ctx, ENI_KIND_SG, f->app.v, (void **)&sg));
    assert_int_equal(sg->remote_count, 1);
    struct eni_remote_set *set = &sg->remote[0];
    assert_int_equal(set->np4, 1);
    assert_int_equal(set->np6, 1);
    set->p4[0] |= 4;
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    assert_non_null(strstr(eni_error_last()->message, "IPv4 prefix #0 is not an aligned /28"));
    set->p4[0] &= ~4u;
    set->p6[0].lo |= 1;
    assert_int_equal(eni_ctx_check(f->ctx), ENI_EINTERNAL);
    assert_non_null(strstr(eni_error_last()->message, "IPv6 prefix #0 is not an aligned /80"));
    set->p6[0].lo &= ~1ull;
    assert_eni_ok(eni_ctx_check(f->ctx));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4_4_remote_members_replace_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_4_clearing_per_source_and_per_host, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_4_4_bad_input_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_4_remote_prefixes_replace_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_4_bad_prefixes_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_4_check_validates_remote_prefixes, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
