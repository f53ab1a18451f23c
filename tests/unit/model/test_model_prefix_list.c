/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Customer-managed prefix lists (include/eni/sg.h, lib/model/prefix_list.c):
 * create, modify, list and delete, and rules that reference them, against
 * ec2-semantics.md section 4.3 (peers) and 4.6 (cost). One test per rule,
 * named after its section. Every refused call is checked to leave the model
 * dump unchanged. */
#include "sg_fixture.h"

static void test_s4_3_prefix_list_create_describe(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "corp-offices", 10);
    assert_int_equal(eni_id_kind(pl.v), ENI_KIND_PREFIX_LIST);
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(f->ctx, pl.v, text, sizeof text));
    assert_memory_equal(text, "pl-", 3);
    eni_prefix_list_info in = describe_prefix_list(f->ctx, pl);
    assert_int_equal(in.size, sizeof in);
    assert_true(in.id.v == pl.v);
    assert_int_equal(in.family, 4);
    assert_string_equal(in.name, "corp-offices");
    assert_int_equal(in.max_entries, 10);
    assert_int_equal(in.entry_count, 0);
    assert_int_equal(in.referenced_by, 0);
    eni_prefix_list_id pl6 = mk_pl(f, 6, "v6", 1000);
    in = describe_prefix_list(f->ctx, pl6);
    assert_int_equal(in.family, 6);
    assert_int_equal(in.max_entries, 1000);
    eni_prefix_list_id one = mk_pl(f, 4, "one", 1);
    assert_int_equal(describe_prefix_list(f->ctx, one).max_entries, 1);
    uint32_t n = 0;
    assert_eni_ok(eni_prefix_list_list(f->ctx, NULL, 0, &n));
    assert_int_equal(n, 3);
    /* the ids themselves, in creation order; a short array gets a prefix and the full count */
    eni_prefix_list_id ids[4] = {{0}, {0}, {0}, {0}};
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 4, &n));
    assert_int_equal(n, 3);
    assert_true(ids[0].v == pl.v && ids[1].v == pl6.v && ids[2].v == one.v && ids[3].v == 0);
    memset(ids, 0, sizeof ids);
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 2, &n));
    assert_int_equal(n, 3);
    assert_true(ids[0].v == pl.v && ids[1].v == pl6.v && ids[2].v == 0);
    REFUSED(f, eni_prefix_list_list(f->ctx, NULL, 2, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_list(f->ctx, ids, 2, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_list(NULL, ids, 2, &n), ENI_EINVAL, EINVAL_CODE);
}

static void test_s4_3_prefix_list_create_invalid(void **state)
{
    fx *f = *state;
    eni_prefix_list_id out = {5};
    static const uint32_t families[] = {0, 1, 5, 46, 0xffffffffu};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        eni_prefix_list_spec sp = pl_spec(families[i], "x", 5);
        REFUSED(f, eni_prefix_list_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    }
    static const uint32_t maxes[] = {0, 1001, 0xffffffffu};
    for (size_t i = 0; i < sizeof maxes / sizeof maxes[0]; i++) {
        eni_prefix_list_spec sp = pl_spec(4, "x", maxes[i]);
        REFUSED(f, eni_prefix_list_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    }
    char t256[257];
    memset(t256, 'p', 256);
    t256[256] = '\0';
    static const char *names[] = {"com.amazonaws.x", "com.amazonaws", "com.amazonaws.us-east-1.s3",
                                  "", NULL, "bad%name", NULL};
    names[6] = t256;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        eni_prefix_list_spec sp = pl_spec(4, names[i], 5);
        REFUSED(f, eni_prefix_list_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    }
    eni_prefix_list_spec sp = pl_spec(4, "x", 5);
    sp.reserved0 = 1;
    REFUSED(f, eni_prefix_list_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp.reserved0 = 0;
    sp.size = 4;
    REFUSED(f, eni_prefix_list_create(f->ctx, &sp, &out), ENI_EVERSION, "");
    sp.size = sizeof sp;
    REFUSED(f, eni_prefix_list_create(NULL, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_create(f->ctx, NULL, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_create(f->ctx, &sp, NULL), ENI_EINVAL, EINVAL_CODE);
    assert_true(out.v == 5);
    uint32_t n = 9;
    assert_eni_ok(eni_prefix_list_list(f->ctx, NULL, 0, &n));
    assert_int_equal(n, 0);
    /* Only the "com.amazonaws" prefix is reserved. */
    eni_prefix_list_id ok = mk_pl(f, 4, "my.com.amazonaws", 5);
    assert_string_equal(describe_prefix_list(f->ctx, ok).name, "my.com.amazonaws");
}

static void test_s4_3_prefix_list_modify_add_remove(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "corp", 10);
    const char *add[] = {"10.0.0.5/24", "192.168.1.0/24", "203.0.113.7/32"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, add, 3, NULL, 0));
    char buf[4][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 4, &n));
    assert_int_equal(n, 3);
    assert_string_equal(buf[0], "10.0.0.0/24");
    assert_string_equal(buf[1], "192.168.1.0/24");
    assert_string_equal(buf[2], "203.0.113.7/32");
    assert_int_equal(describe_prefix_list(f->ctx, pl).entry_count, 3);
    /* Removal matches canonically; the rest keep their order; additions go last. */
    const char *rm[] = {"10.0.0.77/24"};
    const char *add2[] = {"172.16.0.0/12"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, add2, 1, rm, 1));
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 4, &n));
    assert_int_equal(n, 3);
    assert_string_equal(buf[0], "192.168.1.0/24");
    assert_string_equal(buf[1], "203.0.113.7/32");
    assert_string_equal(buf[2], "172.16.0.0/12");
    /* Removing everything. */
    const char *all[] = {"192.168.1.0/24", "203.0.113.7/32", "172.16.0.0/12"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, NULL, 0, all, 3));
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 4, &n));
    assert_int_equal(n, 0);
    /* IPv6 entries are canonicalised too. */
    eni_prefix_list_id pl6 = mk_pl(f, 6, "v6", 4);
    const char *add6[] = {"2001:db8:1234:5678::1/48", "2001:DB8::/32"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl6, add6, 2, NULL, 0));
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl6, (char *)buf, 4, &n));
    assert_int_equal(n, 2);
    assert_string_equal(buf[0], "2001:db8:1234::/48");
    assert_string_equal(buf[1], "2001:db8::/32");
    assert_int_equal(describe_prefix_list(f->ctx, pl6).entry_count, 2);
}

static void test_s4_3_prefix_list_modify_all_or_nothing(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "corp", 10);
    const char *start[] = {"10.0.0.0/8", "192.168.0.0/16"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, start, 2, NULL, 0));
    /* Adding an entry already present (even written non-canonically). */
    const char *add_dup[] = {"172.16.0.0/12", "10.9.9.9/8"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, add_dup, 2, NULL, 0), ENI_EINVAL,
            "InvalidPrefixListModification");
    /* Adding the same entry twice in one call. */
    const char *add_twice[] = {"172.16.0.0/12", "172.16.1.0/12"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, add_twice, 2, NULL, 0), ENI_EINVAL,
            "InvalidPrefixListModification");
    /* Removing an entry that is absent, together with one that is present. */
    const char *rm_missing[] = {"10.0.0.0/8", "10.0.0.0/9"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, NULL, 0, rm_missing, 2), ENI_EINVAL,
            "InvalidPrefixListModification");
    /* A good addition with a bad removal. */
    const char *good[] = {"172.16.0.0/12"};
    const char *rm_bad[] = {"203.0.113.0/24"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, good, 1, rm_bad, 1), ENI_EINVAL,
            "InvalidPrefixListModification");
    /* Removing the same entry twice. */
    const char *rm_twice[] = {"10.0.0.0/8", "10.0.0.0/8"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, NULL, 0, rm_twice, 2), ENI_EINVAL,
            "InvalidPrefixListModification");
    char buf[4][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 4, &n));
    assert_int_equal(n, 2);
    assert_string_equal(buf[0], "10.0.0.0/8");
    assert_string_equal(buf[1], "192.168.0.0/16");
}

static void test_s4_3_prefix_list_modify_family_and_malformed(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "corp", 10);
    eni_prefix_list_id pl6 = mk_pl(f, 6, "corp6", 10);
    const char *v6[] = {"10.0.0.0/8", "2001:db8::/32"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, v6, 2, NULL, 0), ENI_EINVAL, EINVAL_CODE);
    const char *v4[] = {"10.0.0.0/8"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl6, v4, 1, NULL, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl6, NULL, 0, v4, 1), ENI_EINVAL, EINVAL_CODE);
    static const char *const bad[] = {"10.0.0.0", "10.0.0.0/33", "300.0.0.0/8", "", "x/8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *one[] = {bad[i]};
        REFUSED(f, eni_prefix_list_modify(f->ctx, pl, one, 1, NULL, 0), ENI_EINVAL, EINVAL_CODE);
        REFUSED(f, eni_prefix_list_modify(f->ctx, pl, NULL, 0, one, 1), ENI_EINVAL, EINVAL_CODE);
    }
    const char *null_entry[] = {"10.0.0.0/8", NULL};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, null_entry, 2, NULL, 0), ENI_EINVAL,
            EINVAL_CODE);
    assert_int_equal(describe_prefix_list(f->ctx, pl).entry_count, 0);
    assert_int_equal(describe_prefix_list(f->ctx, pl6).entry_count, 0);
}

static void test_s4_3_prefix_list_max_entries(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "small", 2);
    const char *three[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, three, 3, NULL, 0), ENI_ELIMIT,
            EINVAL_CODE);
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, three, 2, NULL, 0));
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, &three[2], 1, NULL, 0), ENI_ELIMIT,
            EINVAL_CODE);
    /* Swapping one for another stays within the maximum. */
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, &three[2], 1, &three[0], 1));
    eni_prefix_list_info in = describe_prefix_list(f->ctx, pl);
    assert_int_equal(in.entry_count, 2);
    assert_int_equal(in.max_entries, 2);
    char buf[2][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 2, &n));
    assert_int_equal(n, 2);
    assert_string_equal(buf[0], "172.16.0.0/12");
    assert_string_equal(buf[1], "192.168.0.0/16");
}

static void test_s4_3_prefix_list_get_entries(void **state)
{
    fx *f = *state;
    eni_prefix_list_id pl = mk_pl(f, 4, "corp", 10);
    const char *add[] = {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, add, 3, NULL, 0));
    char buf[3][ENI_CIDR_STRING_MAX];
    memset(buf, 'z', sizeof buf);
    uint32_t n = 0;
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 1, &n));
    assert_int_equal(n, 3);
    assert_string_equal(buf[0], "10.0.0.0/8");
    assert_int_equal(buf[1][0], 'z'); /* beyond cap: untouched */
    assert_eni_ok(eni_prefix_list_get_entries(f->ctx, pl, NULL, 0, &n));
    assert_int_equal(n, 3);
    n = 42;
    REFUSED(f, eni_prefix_list_get_entries(NULL, pl, (char *)buf, 3, &n), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 3, NULL), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, pl, NULL, 3, &n), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, (eni_prefix_list_id){0}, (char *)buf, 3, &n),
            ENI_EINVAL, PL_MALFORMED);
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    REFUSED(f,
            eni_prefix_list_get_entries(f->ctx, (eni_prefix_list_id){vpc.v}, (char *)buf, 3, &n),
            ENI_EINVAL, PL_MALFORMED);
    MUTATE(f, eni_prefix_list_delete(f->ctx, pl));
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, pl, (char *)buf, 3, &n), ENI_ESTALE,
            PL_NOTFOUND);
    assert_int_equal(n, 42);
}

static void test_s4_3_prefix_list_rule(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web");
    eni_sg_id sg2 = mk_sg(f, vpc, "web2");
    eni_prefix_list_id pl = mk_pl(f, 6, "v6", 3);
    eni_sg_rule_spec s = r_pl(6, 443, 443, pl);
    s.description = "corp";
    eni_sg_rule_id r = add1(f, sg, ENI_INGRESS, s);
    eni_sg_rule_info ri = describe_sg_rule(f->ctx, r);
    assert_int_equal(ri.peer_kind, ENI_PEER_PREFIX_LIST);
    assert_true(ri.prefix_list.v == pl.v);
    assert_int_equal(ri.family, 6);
    assert_string_equal(ri.cidr, "");
    assert_true(ri.peer_group.v == 0);
    assert_string_equal(ri.description, "corp");
    add1_refused(f, sg, ENI_INGRESS, r_pl(6, 443, 443, pl), ENI_EEXIST,
                 "InvalidPermission.Duplicate");
    (void)add1(f, sg2, ENI_EGRESS, r_pl(6, 443, 443, pl));
    (void)add1(f, sg, ENI_INGRESS, r_pl(6, 80, 80, pl));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 3);
    /* Entries can change while rules reference the list. */
    const char *add[] = {"2001:db8::/32"};
    MUTATE(f, eni_prefix_list_modify(f->ctx, pl, add, 1, NULL, 0));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 3);
    /* Deleting a referencing group releases its references. */
    MUTATE(f, eni_sg_delete(f->ctx, sg2));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 2);
}

static void test_s4_3_prefix_list_delete_referenced(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web");
    eni_prefix_list_id pl = mk_pl(f, 4, "corp", 5);
    eni_sg_rule_id in = add1(f, sg, ENI_INGRESS, r_pl(6, 22, 22, pl));
    (void)add1(f, sg, ENI_EGRESS, r_pl(-1, -1, -1, pl));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 2);
    REFUSED(f, eni_prefix_list_delete(f->ctx, pl), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_sg_revoke_rules(f->ctx, sg, &in, 1));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 1);
    REFUSED(f, eni_prefix_list_delete(f->ctx, pl), ENI_EDEPEND, "DependencyViolation");
    eni_sg_rule_spec rv = r_pl(-1, 7, 7, pl);
    MUTATE(f, eni_sg_revoke(f->ctx, sg, ENI_EGRESS, &rv, 1));
    assert_int_equal(describe_prefix_list(f->ctx, pl).referenced_by, 0);
    MUTATE(f, eni_prefix_list_delete(f->ctx, pl));
    eni_prefix_list_info info;
    info.size = sizeof info;
    REFUSED(f, eni_prefix_list_describe(f->ctx, pl, &info), ENI_ESTALE, PL_NOTFOUND);
    REFUSED(f, eni_prefix_list_delete(f->ctx, pl), ENI_ESTALE, PL_NOTFOUND);
    /* Deleting the referencing group also frees the list. */
    eni_prefix_list_id pl2 = mk_pl(f, 4, "corp2", 5);
    eni_sg_id g = mk_sg(f, vpc, "g");
    (void)add1(f, g, ENI_INGRESS, r_pl(6, 22, 22, pl2));
    REFUSED(f, eni_prefix_list_delete(f->ctx, pl2), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_sg_delete(f->ctx, g));
    MUTATE(f, eni_prefix_list_delete(f->ctx, pl2));
}

static void test_s4_3_prefix_list_list(void **state)
{
    fx *f = *state;
    eni_prefix_list_id ids[4];
    uint32_t n = 9;
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 4, &n));
    assert_int_equal(n, 0);
    eni_prefix_list_id a = mk_pl(f, 4, "a", 1);
    eni_prefix_list_id b = mk_pl(f, 6, "b", 1);
    eni_prefix_list_id c = mk_pl(f, 4, "c", 1);
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 4, &n));
    assert_int_equal(n, 3);
    assert_true(ids[0].v == a.v && ids[1].v == b.v && ids[2].v == c.v);
    ids[1].v = 0x77;
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 1, &n));
    assert_int_equal(n, 3);
    assert_true(ids[0].v == a.v && ids[1].v == 0x77);
    MUTATE(f, eni_prefix_list_delete(f->ctx, b));
    assert_eni_ok(eni_prefix_list_list(f->ctx, ids, 4, &n));
    assert_int_equal(n, 2);
    assert_true(ids[0].v == a.v && ids[1].v == c.v);
    REFUSED(f, eni_prefix_list_list(NULL, ids, 4, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_list(f->ctx, ids, 4, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_list(f->ctx, NULL, 4, &n), ENI_EINVAL, EINVAL_CODE);
}

static void test_s4_3_prefix_list_id_args(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_prefix_list_id pl = mk_pl(f, 4, "live", 5);
    eni_prefix_list_id gone = mk_pl(f, 4, "gone", 5);
    MUTATE(f, eni_prefix_list_delete(f->ctx, gone));
    const eni_prefix_list_id null_id = {0}, wrong = {vpc.v}, never = {pl.v + 1000};
    const char *add[] = {"10.0.0.0/8"};
    /* delete */
    REFUSED(f, eni_prefix_list_delete(NULL, pl), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_delete(f->ctx, null_id), ENI_EINVAL, PL_MALFORMED);
    REFUSED(f, eni_prefix_list_delete(f->ctx, wrong), ENI_EINVAL, PL_MALFORMED);
    REFUSED(f, eni_prefix_list_delete(f->ctx, never), ENI_ENOTFOUND, PL_NOTFOUND);
    REFUSED(f, eni_prefix_list_delete(f->ctx, gone), ENI_ESTALE, PL_NOTFOUND);
    /* modify */
    REFUSED(f, eni_prefix_list_modify(NULL, pl, add, 1, NULL, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, NULL, 1, NULL, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_modify(f->ctx, pl, NULL, 0, NULL, 1), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_modify(f->ctx, null_id, add, 1, NULL, 0), ENI_EINVAL,
            PL_MALFORMED);
    REFUSED(f, eni_prefix_list_modify(f->ctx, wrong, add, 1, NULL, 0), ENI_EINVAL, PL_MALFORMED);
    REFUSED(f, eni_prefix_list_modify(f->ctx, never, add, 1, NULL, 0), ENI_ENOTFOUND,
            PL_NOTFOUND);
    REFUSED(f, eni_prefix_list_modify(f->ctx, gone, add, 1, NULL, 0), ENI_ESTALE, PL_NOTFOUND);
    /* describe */
    eni_prefix_list_info in;
    memset(&in, 0x5a, sizeof in);
    in.size = sizeof in;
    REFUSED(f, eni_prefix_list_describe(NULL, pl, &in), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_describe(f->ctx, pl, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_prefix_list_describe(f->ctx, null_id, &in), ENI_EINVAL, PL_MALFORMED);
    REFUSED(f, eni_prefix_list_describe(f->ctx, wrong, &in), ENI_EINVAL, PL_MALFORMED);
    REFUSED(f, eni_prefix_list_describe(f->ctx, never, &in), ENI_ENOTFOUND, PL_NOTFOUND);
    REFUSED(f, eni_prefix_list_describe(f->ctx, gone, &in), ENI_ESTALE, PL_NOTFOUND);
    in.size = sizeof in - 1;
    REFUSED(f, eni_prefix_list_describe(f->ctx, pl, &in), ENI_EINVAL, EINVAL_CODE);
    assert_int_equal((unsigned char)in.name[0], 0x5a);
    /* get_entries */
    char buf[1][ENI_CIDR_STRING_MAX];
    uint32_t n = 0;
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, never, (char *)buf, 1, &n),
            ENI_ENOTFOUND, PL_NOTFOUND);
    REFUSED(f, eni_prefix_list_get_entries(f->ctx, gone, (char *)buf, 1, &n), ENI_ESTALE,
            PL_NOTFOUND);
    assert_int_equal(describe_prefix_list(f->ctx, pl).entry_count, 0);
}

/* ======================================================================== */

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s4_3_prefix_list_create_describe),
        T(test_s4_3_prefix_list_create_invalid),
        T(test_s4_3_prefix_list_modify_add_remove),
        T(test_s4_3_prefix_list_modify_all_or_nothing),
        T(test_s4_3_prefix_list_modify_family_and_malformed),
        T(test_s4_3_prefix_list_max_entries),
        T(test_s4_3_prefix_list_get_entries),
        T(test_s4_3_prefix_list_rule),
        T(test_s4_3_prefix_list_delete_referenced),
        T(test_s4_3_prefix_list_list),
        T(test_s4_3_prefix_list_id_args),
    };
#undef T
    return cmocka_run_group_tests_name("model_prefix_list", tests, NULL, NULL);
}
