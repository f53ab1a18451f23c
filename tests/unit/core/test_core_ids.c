/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Typed generational ids and their EC2-style strings.
 *
 * The model issue creates real objects; here the registry is driven
 * directly, which is exactly what those objects will sit on. */
#include <stdio.h>

#include "test_helpers.h"
#include "core/ctx_internal.h"

static int setup(void **state)
{
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 1234;
    eni_ctx *ctx;
    if (eni_ctx_new(&opts, &ctx) != ENI_OK)
        return -1;
    *state = ctx;
    return 0;
}

static int dummy_object;

/* The fake objects must leave before eni_ctx_free, which frees real ones. */
static void drop_dummies(eni_ctx *ctx)
{
    for (unsigned k = 1; k < ENI__KIND_COUNT; k++) {
        struct eni_slot_map *map = &ctx->registry.kinds[k];
        for (uint32_t i = 0; i < map->len; i++)
            if (map->slots[i].obj == &dummy_object)
                eni__registry_remove(ctx, eni__id_make(k, map->slots[i].gen, i));
    }
}

static int teardown(void **state)
{
    drop_dummies(*state);
    eni_ctx_free(*state);
    return 0;
}

static uint64_t insert(eni_ctx *ctx, unsigned kind)
{
    uint64_t id = 0;
    eni__lock(ctx);
    assert_int_equal(eni__registry_insert(ctx, kind, &dummy_object, &id), ENI_OK);
    eni__unlock(ctx);
    assert_int_not_equal(id, 0);
    return id;
}

static void test_live_id_resolves(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t id = insert(ctx, ENI_KIND_NIC);
    void *obj = NULL;
    assert_eni_ok(eni__registry_get(ctx, ENI_KIND_NIC, id, &obj));
    assert_ptr_equal(obj, &dummy_object);
    assert_int_equal(eni_id_kind(id), ENI_KIND_NIC);
    assert_int_equal(eni__registry_live(ctx, ENI_KIND_NIC), 1);
}

static void test_stale_id_is_estale_never_an_alias(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t old = insert(ctx, ENI_KIND_SG);
    eni__registry_remove(ctx, old);
    uint64_t reused = insert(ctx, ENI_KIND_SG); /* same slot, next generation */
    assert_int_not_equal(old, reused);
    void *obj = (void *)0x1;
    assert_eni_fail(eni__registry_get(ctx, ENI_KIND_SG, old, &obj), ENI_ESTALE,
                    "InvalidGroup.NotFound");
    assert_ptr_equal(obj, (void *)0x1); /* out untouched */
    assert_eni_ok(eni__registry_get(ctx, ENI_KIND_SG, reused, &obj));
}

static void test_wrong_kind_id_is_einval(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t sg = insert(ctx, ENI_KIND_SG);
    void *obj;
    assert_eni_fail(eni__registry_get(ctx, ENI_KIND_NIC, sg, &obj), ENI_EINVAL,
                    "InvalidNetworkInterfaceId.Malformed");
    assert_eni_fail(eni__registry_get(ctx, ENI_KIND_NIC, 0, &obj), ENI_EINVAL,
                    "InvalidNetworkInterfaceId.Malformed");
}

static void test_never_issued_id_is_enotfound(void **state)
{
    eni_ctx *ctx = *state;
    void *obj;
    uint64_t forged = eni__id_make(ENI_KIND_VPC, 1, 999);
    assert_eni_fail(eni__registry_get(ctx, ENI_KIND_VPC, forged, &obj), ENI_ENOTFOUND,
                    "InvalidVpcID.NotFound");
    uint64_t live = insert(ctx, ENI_KIND_VPC);
    uint64_t future = eni__id_make(ENI_KIND_VPC, eni__id_gen(live) + 1, eni__id_slot(live));
    assert_eni_fail(eni__registry_get(ctx, ENI_KIND_VPC, future, &obj), ENI_ENOTFOUND,
                    "InvalidVpcID.NotFound");
}

static void test_saturated_generation_retires_the_slot(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t id = insert(ctx, ENI_KIND_EIP);
    struct eni_slot_map *map = &ctx->registry.kinds[ENI_KIND_EIP];
    map->slots[eni__id_slot(id)].gen = ENI__GEN_MAX; /* as after 16M reuses */
    id = eni__id_make(ENI_KIND_EIP, ENI__GEN_MAX, eni__id_slot(id));
    eni__registry_remove(ctx, id);
    uint64_t next = insert(ctx, ENI_KIND_EIP);
    assert_int_not_equal(eni__id_slot(next), eni__id_slot(id));
    void *obj;
    assert_int_equal(eni__registry_peek(ctx, ENI_KIND_EIP, id, &obj), ENI_ESTALE);
}

static void test_many_ids_unique_and_resolvable(void **state)
{
    eni_ctx *ctx = *state;
    enum { N = 5000 };
    static uint64_t ids[N];
    for (int i = 0; i < N; i++)
        ids[i] = insert(ctx, ENI_KIND_INSTANCE);
    for (int i = 0; i < N; i += 2)
        eni__registry_remove(ctx, ids[i]);
    void *obj;
    for (int i = 0; i < N; i++)
        assert_int_equal(eni__registry_peek(ctx, ENI_KIND_INSTANCE, ids[i], &obj),
                         i % 2 ? ENI_OK : ENI_ESTALE);
    assert_int_equal(eni__registry_live(ctx, ENI_KIND_INSTANCE), N / 2);
}

static void test_format_shape_and_prefixes(void **state)
{
    eni_ctx *ctx = *state;
    static const struct {
        unsigned kind;
        const char *prefix;
    } cases[] = {
        {ENI_KIND_VPC, "vpc-"},       {ENI_KIND_SUBNET, "subnet-"},
        {ENI_KIND_INSTANCE, "i-"},    {ENI_KIND_NIC, "eni-"},
        {ENI_KIND_ATTACHMENT, "eni-attach-"}, {ENI_KIND_EIP, "eipalloc-"},
        {ENI_KIND_EIP_ASSOC, "eipassoc-"},    {ENI_KIND_SG, "sg-"},
        {ENI_KIND_SG_RULE, "sgr-"},   {ENI_KIND_PREFIX_LIST, "pl-"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t id = insert(ctx, cases[i].kind);
        char buf[ENI_ID_STRING_MAX];
        assert_eni_ok(eni_id_format(ctx, id, buf, sizeof buf));
        size_t plen = strlen(cases[i].prefix);
        assert_string_equal(eni_kind_prefix((eni_kind)cases[i].kind), cases[i].prefix);
        assert_memory_equal(buf, cases[i].prefix, plen);
        assert_int_equal(strlen(buf), plen + 17);
        assert_int_equal(buf[plen], '0');
        for (size_t j = plen; j < plen + 17; j++)
            assert_non_null(strchr("0123456789abcdef", buf[j]));
        uint64_t back = 0;
        assert_eni_ok(eni_id_parse(ctx, buf, (eni_kind)cases[i].kind, &back));
        assert_int_equal(back, id);
        back = 0;
        assert_eni_ok(eni_id_parse(ctx, buf, ENI_KIND_NONE, &back));
        assert_int_equal(back, id);
    }
    assert_string_equal(eni_kind_prefix(ENI_KIND_NONE), "");
    assert_string_equal(eni_kind_prefix((eni_kind)77), "");
}

static void test_format_is_deterministic_per_seed(void **state)
{
    (void)state;
    char a[ENI_ID_STRING_MAX], b[ENI_ID_STRING_MAX], c[ENI_ID_STRING_MAX];
    eni_ctx *x, *y, *z;
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 7;
    assert_eni_ok(eni_ctx_new(&opts, &x));
    assert_eni_ok(eni_ctx_new(&opts, &y));
    opts.seed = 8;
    assert_eni_ok(eni_ctx_new(&opts, &z));
    uint64_t ix = insert(x, ENI_KIND_NIC), iy = insert(y, ENI_KIND_NIC),
             iz = insert(z, ENI_KIND_NIC);
    assert_eni_ok(eni_id_format(x, ix, a, sizeof a));
    assert_eni_ok(eni_id_format(y, iy, b, sizeof b));
    assert_eni_ok(eni_id_format(z, iz, c, sizeof c));
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    drop_dummies(x);
    drop_dummies(y);
    drop_dummies(z);
    eni_ctx_free(x);
    eni_ctx_free(y);
    eni_ctx_free(z);
}

static void test_format_bad_input(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t id = insert(ctx, ENI_KIND_NIC);
    char buf[ENI_ID_STRING_MAX];
    memset(buf, 'z', sizeof buf);
    assert_eni_fail(eni_id_format(NULL, id, buf, sizeof buf), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_format(ctx, id, NULL, sizeof buf), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_format(ctx, 0, buf, sizeof buf), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_id_format(ctx, eni__id_make(200, 1, 0), buf, sizeof buf), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_format(ctx, id, buf, 21), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(buf[0], 'z'); /* untouched on failure */
    assert_eni_ok(eni_id_format(ctx, id, buf, 22)); /* "eni-" + 17 + NUL */
}

static void test_stale_id_string_is_not_found(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t id = insert(ctx, ENI_KIND_NIC);
    char buf[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, id, buf, sizeof buf));
    eni__registry_remove(ctx, id);
    /* the string of a deleted object still formats... */
    char again[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, id, again, sizeof again));
    assert_string_equal(buf, again);
    /* ...and no longer resolves */
    uint64_t out = 77;
    assert_eni_fail(eni_id_parse(ctx, buf, ENI_KIND_NIC, &out), ENI_ENOTFOUND,
                    "InvalidNetworkInterfaceID.NotFound");
    assert_int_equal(out, 77);
}

static void test_parse_rejects_malformed_and_foreign(void **state)
{
    eni_ctx *ctx = *state;
    uint64_t sg = insert(ctx, ENI_KIND_SG);
    char sgs[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, sg, sgs, sizeof sgs));
    uint64_t out = 5;

    /* a live sg- string where an eni- is expected */
    assert_eni_fail(eni_id_parse(ctx, sgs, ENI_KIND_NIC, &out), ENI_EINVAL,
                    "InvalidNetworkInterfaceId.Malformed");
    static const char *const malformed[] = {
        "",           "eni-",          "eni-0123",      "eni-0123456789abcdef01",
        "eni-0123456789ABCDEF0",       "eni-0123456789abcdeg0", "ENI-0123456789abcdef0",
        "eni_0123456789abcdef0",       " eni-0123456789abcdef0", "eni-0123456789abcdef0 ",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
        assert_eni_fail(eni_id_parse(ctx, malformed[i], ENI_KIND_NIC, &out), ENI_EINVAL,
                        "InvalidNetworkInterfaceId.Malformed");
    /* well formed, but this ctx never issued them */
    assert_eni_fail(eni_id_parse(ctx, "eni-0123456789abcdef0", ENI_KIND_NIC, &out),
                    ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
    assert_eni_fail(eni_id_parse(ctx, "eni-1a2b3c4d", ENI_KIND_NIC, &out), ENI_ENOTFOUND,
                    "InvalidNetworkInterfaceID.NotFound");
    assert_eni_fail(eni_id_parse(ctx, "eni-f123456789abcdef0", ENI_KIND_NIC, &out),
                    ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
    /* eni-attach- is its own kind, not an eni- id */
    uint64_t att = insert(ctx, ENI_KIND_ATTACHMENT);
    char atts[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, att, atts, sizeof atts));
    assert_eni_fail(eni_id_parse(ctx, atts, ENI_KIND_NIC, &out), ENI_EINVAL,
                    "InvalidNetworkInterfaceId.Malformed");
    assert_eni_fail(eni_id_parse(ctx, "nope-0123456789abcdef0", ENI_KIND_NONE, &out),
                    ENI_EINVAL, "InvalidID");
    assert_int_equal(out, 5);

    assert_eni_fail(eni_id_parse(NULL, sgs, ENI_KIND_SG, &out), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_parse(ctx, NULL, ENI_KIND_SG, &out), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_parse(ctx, sgs, ENI_KIND_SG, NULL), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_id_parse(ctx, sgs, (eni_kind)99, &out), ENI_EINVAL,
                    "InvalidParameterValue");
}

static void test_id_kind_of_garbage_is_none(void **state)
{
    (void)state;
    assert_int_equal(eni_id_kind(0), ENI_KIND_NONE);
    assert_int_equal(eni_id_kind(eni__id_make(0, 1, 1)), ENI_KIND_NONE);
    assert_int_equal(eni_id_kind(eni__id_make(ENI__KIND_COUNT, 1, 1)), ENI_KIND_NONE);
    assert_int_equal(eni_id_kind(eni__id_make(ENI_KIND_SG, 0, 1)), ENI_KIND_NONE);
    assert_int_equal(eni_id_kind(eni__id_make(ENI_KIND_SG, 3, 1)), ENI_KIND_SG);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_live_id_resolves),
        T(test_stale_id_is_estale_never_an_alias),
        T(test_wrong_kind_id_is_einval),
        T(test_never_issued_id_is_enotfound),
        T(test_saturated_generation_retires_the_slot),
        T(test_many_ids_unique_and_resolvable),
        T(test_format_shape_and_prefixes),
        T(test_format_is_deterministic_per_seed),
        T(test_format_bad_input),
        T(test_stale_id_string_is_not_found),
        T(test_parse_rejects_malformed_and_foreign),
        T(test_id_kind_of_garbage_is_none),
    };
    return cmocka_run_group_tests_name("core_ids", tests, NULL, NULL);
}
