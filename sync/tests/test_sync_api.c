/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* libeni-sync without etcd: every API call's refusals, a sync whose etcd
 * never answers (it keeps trying, stops at once, changes nothing), and the
 * internals that decide what is written and applied: base64 and range ends,
 * the model read (what this host publishes and watches, delegated prefixes
 * included; a period that finds the model's generation unchanged reads
 * nothing), and applying other hosts' values (never its own, never an
 * unchanged one twice, never a bad one; values with prefixes and values
 * written before prefixes both). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fleet_model.h"
#include "sync_internal.h"

/* Nothing listens on port 1 of loopback: every request fails at once. */
#define NOWHERE "http://127.0.0.1:1"

struct fx {
    struct fleet f;
    eni_ctx *ctx;
    eni_sg_id app, db;
};

static eni_nic_id nic(struct fx *f, const char *ip, const char *ip6, eni_sg_id *g, uint32_t ng)
{
    eni_nic_id id;
    assert_int_equal(fleet_nic(&f->f, NULL, ip, ip6, g, ng, &id), ENI_OK);
    return id;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_int_equal(fleet_model_new(&f->f), ENI_OK);
    f->ctx = f->f.ctx;
    f->app = f->f.app;
    f->db = f->f.db;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_ctx_free(f->ctx);
    free(f);
    return 0;
}

static void test_new_refuses_bad_arguments(void **state)
{
    struct fx *f = *state;
    eni_sync *s = NULL;
    assert_int_equal(eni_sync_new(NULL, NOWHERE, "h", NULL, &s), ENI_EINVAL);
    assert_int_equal(eni_sync_new(f->ctx, NULL, "h", NULL, &s), ENI_EINVAL);
    const char *bad_endpoints[] = {"ftp://x", "", ",", "http://a,ftp://b",
                                   "http://1,http://2,http://3,http://4,http://5,http://6,"
                                   "http://7,http://8,http://9"};
    for (size_t i = 0; i < sizeof bad_endpoints / sizeof *bad_endpoints; i++)
        assert_int_equal(eni_sync_new(f->ctx, bad_endpoints[i], "h", NULL, &s), ENI_EINVAL);
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "h", NULL, NULL), ENI_EINVAL);
    const char *bad_hosts[] = {NULL, "", "a/b", "a b", "tab\t", "\x7f"};
    for (size_t i = 0; i < sizeof bad_hosts / sizeof *bad_hosts; i++)
        assert_int_equal(eni_sync_new(f->ctx, NOWHERE, bad_hosts[i], NULL, &s), ENI_EINVAL);
    char longname[ENI_REMOTE_SOURCE_MAX + 1];
    memset(longname, 'h', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, longname, NULL, &s), ENI_EINVAL);
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.flags = 1;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "h", &o, &s), ENI_EINVAL);
    o = (eni_sync_opts)ENI_SYNC_OPTS_INIT;
    const char *bad_prefixes[] = {"", "/", "x", "/trailing/", "/sp ace"};
    for (size_t i = 0; i < sizeof bad_prefixes / sizeof *bad_prefixes; i++) {
        o.prefix = bad_prefixes[i];
        assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "h", &o, &s), ENI_EINVAL);
    }
    o = (eni_sync_opts)ENI_SYNC_OPTS_INIT;
    o.backoff_min_ms = 10;
    o.backoff_max_ms = 5;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "h", &o, &s), ENI_EINVAL);
    o = (eni_sync_opts)ENI_SYNC_OPTS_INIT;
    o.size = 4;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "h", &o, &s), ENI_EVERSION);
    assert_null(s);
}

static void test_lifecycle_refusals(void **state)
{
    struct fx *f = *state;
    eni_sync *s;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE "/," NOWHERE, "host-a", NULL, &s), ENI_OK);
    assert_int_equal(eni_sync_stop(s, 0), ENI_ESTATE); /* never started */
    assert_int_equal(eni_sync_nudge(s), ENI_OK);        /* harmless before start */
    assert_int_equal(eni_sync_start(s), ENI_OK);
    assert_int_equal(eni_sync_start(s), ENI_ESTATE);
    assert_int_equal(eni_sync_stop(s, 2), ENI_EINVAL);
    assert_int_equal(eni_sync_stop(s, 0), ENI_OK);
    assert_int_equal(eni_sync_stop(s, 0), ENI_ESTATE);
    assert_int_equal(eni_sync_start(s), ENI_ESTATE); /* no restart */
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    st.size = 4;
    assert_int_equal(eni_sync_get_stats(s, &st), ENI_EINVAL);
    assert_int_equal(eni_sync_get_stats(s, NULL), ENI_EINVAL);
    assert_int_equal(eni_sync_get_stats(NULL, &st), ENI_EINVAL);
    assert_int_equal(eni_sync_nudge(NULL), ENI_EINVAL);
    assert_int_equal(eni_sync_start(NULL), ENI_EINVAL);
    assert_int_equal(eni_sync_stop(NULL, 0), ENI_EINVAL);
    eni_sync_free(s);
    eni_sync_free(NULL);
}

static void test_unreachable_etcd_keeps_trying_and_stops_at_once(void **state)
{
    struct fx *f = *state;
    nic(f, "10.0.1.10", NULL, &f->app, 1);
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.backoff_min_ms = 5;
    o.backoff_max_ms = 20;
    o.period_ms = 10;
    eni_sync *s;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "host-a", &o, &s), ENI_OK);
    assert_int_equal(eni_sync_start(s), ENI_OK);
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    for (int i = 0; i < 500 && st.errors < 3; i++) {
        usleep(10000);
        assert_int_equal(eni_sync_get_stats(s, &st), ENI_OK);
    }
    assert_true(st.errors >= 3); /* retried, with backoff */
    assert_int_equal(st.connected, 0);
    assert_int_equal(st.pending, 1); /* the member of app is not in etcd */
    assert_int_equal(st.watches, 0); /* app has no rule referencing a group */
    assert_true(st.passes >= 1);
    assert_true(strstr(st.last_error, "/v3/kv/range") != NULL);
    assert_int_equal(st.size, sizeof st);
    /* Leaving needs etcd: it cannot, and says so without hanging. */
    assert_int_equal(eni_sync_stop(s, ENI_SYNC_LEAVE), ENI_OK);
    eni_sync_free(s);
    /* Nothing was applied to the ctx. */
    uint32_t n = 1;
    assert_int_equal(eni_sg_list_remote_sources(f->ctx, f->app, NULL, 0, &n), ENI_OK);
    assert_int_equal(n, 0);
}

static void never(const char *host, uint32_t groups, int64_t rev, void *ud)
{
    (void)host, (void)groups, (void)rev, (void)ud;
    fail();
}

static void test_operator_calls_refuse_and_report_unreachable(void **state)
{
    (void)state;
    uint32_t n = 7;
    assert_int_equal(eni_sync_forget_host(NOWHERE, "a/b", NULL, &n), ENI_EINVAL);
    assert_int_equal(eni_sync_forget_host(NULL, "h", NULL, &n), ENI_EINVAL);
    assert_int_equal(eni_sync_forget_host(NOWHERE, "h", NULL, &n), ENI_EBACKEND);
    assert_int_equal(n, 7);
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.size = 4;
    assert_int_equal(eni_sync_forget_host(NOWHERE, "h", &o, &n), ENI_EVERSION);
    assert_int_equal(eni_sync_list_hosts(NOWHERE, NULL, NULL, NULL), ENI_EINVAL);
    assert_int_equal(eni_sync_list_hosts(NOWHERE, NULL, never, NULL),
                     ENI_EBACKEND);
}

static void test_base64_and_range_ends(void **state)
{
    (void)state;
    const char *plain[] = {"", "f", "fo", "foo", "foob", "/libeni/v1/"};
    const char *coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "L2xpYmVuaS92MS8="};
    for (int i = 0; i < 6; i++) {
        char *b = etcd_b64(plain[i], strlen(plain[i]));
        assert_string_equal(b, coded[i]);
        size_t n;
        char *p = etcd_unb64(b, &n);
        assert_int_equal(n, strlen(plain[i]));
        assert_string_equal(p, plain[i]);
        free(b);
        free(p);
    }
    const char *bad[] = {"Zg=", "Z===", "Zg=a", "Zm9v!A==", "=Zm9"};
    for (int i = 0; i < 5; i++)
        assert_null(etcd_unb64(bad[i], NULL));
    char *end = etcd_prefix_end("/libeni/v1/");
    assert_string_equal(end, "/libeni/v10");
    free(end);
    char *k = sync_key("/p", "vpc-1/sg/sg-2", "h");
    assert_string_equal(k, "/p/vpc-1/sg/sg-2/host/h");
    free(k);
    k = sync_key("/p", NULL, "h");
    assert_string_equal(k, "/p/hosts/h");
    free(k);
}

static void test_model_read_publishes_members_and_watches_references(void **state)
{
    struct fx *f = *state;
    eni_sg_id both[] = {f->app, f->db};
    nic(f, "10.0.1.11", "2001:db8:0:100::11", both, 2);
    nic(f, "10.0.1.10", NULL, &f->app, 1);
    struct view v;
    assert_int_equal(local_read(f->ctx, &v), ENI_OK);
    assert_int_equal(v.publish.n, 2); /* app and db, sorted by key */
    assert_string_equal(v.publish.v[0].group, FLEET_APP_GROUP);
    assert_string_equal(v.publish.v[0].value,
                        "[\"10.0.1.10\",\"10.0.1.11\",\"2001:db8:0:100::11\"]");
    assert_string_equal(v.publish.v[1].value, "[\"10.0.1.11\",\"2001:db8:0:100::11\"]");
    /* db's rule references app: app is watched; app references nothing. */
    assert_int_equal(v.nrefs, 1);
    assert_int_equal(v.refs[0].sg.v, f->app.v);
    view_free(&v);
}

/* Delegated prefixes are published with the addresses, in the same sorted
 * list; an interface without any publishes what it did before prefixes. */
static void test_model_read_publishes_prefixes(void **state)
{
    struct fx *f = *state;
    eni_nic_id a = nic(f, "10.0.1.10", "2001:db8:0:100::11", &f->app, 1);
    nic(f, "10.0.1.12", NULL, &f->db, 1);
    const char *p4 = "10.0.1.32/28", *p6 = "2001:db8:0:100:5::/80";
    assert_int_equal(eni_nic_assign_prefixes(f->ctx, a, 4, &p4, 1, 0), ENI_OK);
    assert_int_equal(eni_nic_assign_prefixes(f->ctx, a, 6, &p6, 1, 0), ENI_OK);
    struct view v;
    assert_int_equal(local_read(f->ctx, &v), ENI_OK);
    assert_int_equal(v.publish.n, 2);
    assert_string_equal(v.publish.v[0].group, FLEET_APP_GROUP);
    assert_string_equal(v.publish.v[0].value, "[\"10.0.1.10\",\"10.0.1.32/28\","
                                              "\"2001:db8:0:100:5::/80\",\"2001:db8:0:100::11\"]");
    assert_string_equal(v.publish.v[1].value, "[\"10.0.1.12\"]");
    view_free(&v);
}

/* A period whose model generation did not move reads nothing; a change or a
 * nudge brings a read. */
static void test_unchanged_model_is_not_read_again(void **state)
{
    struct fx *f = *state;
    nic(f, "10.0.1.10", NULL, &f->app, 1);
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.period_ms = 5;
    o.backoff_min_ms = 1000; /* etcd is nowhere: few retries meanwhile */
    o.backoff_max_ms = 1000;
    eni_sync *s;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "host-a", &o, &s), ENI_OK);
    assert_int_equal(eni_sync_start(s), ENI_OK);
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    for (int i = 0; i < 500 && st.passes < 1; i++) {
        usleep(10000);
        assert_int_equal(eni_sync_get_stats(s, &st), ENI_OK);
    }
    assert_int_equal(st.passes, 1);
    usleep(100000); /* twenty periods */
    assert_int_equal(eni_sync_get_stats(s, &st), ENI_OK);
    assert_int_equal(st.passes, 1);
    nic(f, "10.0.1.11", NULL, &f->app, 1);
    for (int i = 0; i < 500 && st.passes < 2; i++) {
        usleep(10000);
        assert_int_equal(eni_sync_get_stats(s, &st), ENI_OK);
    }
    assert_int_equal(st.passes, 2);
    assert_int_equal(eni_sync_nudge(s), ENI_OK); /* the agent's word: read now */
    for (int i = 0; i < 500 && st.passes < 3; i++) {
        usleep(10000);
        assert_int_equal(eni_sync_get_stats(s, &st), ENI_OK);
    }
    assert_int_equal(st.passes, 3);
    assert_int_equal(eni_sync_stop(s, 0), ENI_OK);
    eni_sync_free(s);
}

static struct watch *fake_watch(eni_sync *s, eni_sg_id sg)
{
    struct ref r = {sg, FLEET_APP_GROUP};
    assert_int_equal(watch_set(s, &r, 1), ENI_OK);
    return s->w[0];
}

static int applied;
static void count_applied(eni_sg_id sg, const char *host, uint32_t n, void *ud)
{
    (void)sg, (void)host, (void)n, (void)ud;
    applied++;
}

static void test_apply_skips_own_unchanged_and_bad_values(void **state)
{
    struct fx *f = *state;
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.remote_fn = count_applied;
    eni_sync *s;
    assert_int_equal(eni_sync_new(f->ctx, NOWHERE, "host-b", &o, &s), ENI_OK);
    struct watch *w = fake_watch(s, f->app);
    applied = 0;
    apply_put(s, w, "host-b", "[\"10.0.9.9\"]"); /* its own: never */
    apply_put(s, w, "host-a", "[\"10.0.1.10\",\"2001:db8::a\"]");
    apply_put(s, w, "host-a", "[\"10.0.1.10\",\"2001:db8::a\"]"); /* unchanged */
    assert_int_equal(applied, 1);
    apply_put(s, w, "host-a", "not json");
    apply_put(s, w, "host-a", "[\"10.0.1.999\"]");
    apply_put(s, w, "host-a", "{\"a\":1}");
    assert_int_equal(s->st.rejected, 3);
    char out[4][ENI_IP_STRING_MAX];
    uint32_t n;
    assert_int_equal(eni_sg_get_remote_members(f->ctx, f->app, "host-a", &out[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 2); /* the last good set stays */
    /* Prefixes travel in the same list; a later value without them (what a
     * host wrote before prefixes) replaces them; a bad prefix is refused. */
    char pfx[4][ENI_CIDR_STRING_MAX];
    apply_put(s, w, "host-a", "[\"10.0.1.10\",\"10.0.1.32/28\",\"2001:db8::/80\"]");
    assert_int_equal(eni_sg_get_remote_members(f->ctx, f->app, "host-a", &out[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 1);
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, "host-a", &pfx[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 2);
    assert_string_equal(pfx[0], "10.0.1.32/28");
    assert_string_equal(pfx[1], "2001:db8::/80");
    apply_put(s, w, "host-a", "[\"10.0.1.10\",\"10.0.1.33/28\"]"); /* host bits */
    apply_put(s, w, "host-a", "[\"10.0.1.0/24\"]");                 /* not a /28 */
    assert_int_equal(s->st.rejected, 5);
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, "host-a", &pfx[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 2); /* the last good set stays */
    apply_put(s, w, "host-a", "[\"10.0.1.10\",\"2001:db8::a\"]");
    assert_int_equal(eni_sg_get_remote_prefixes(f->ctx, f->app, "host-a", &pfx[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 0);
    assert_int_equal(eni_sg_get_remote_members(f->ctx, f->app, "host-a", &out[0][0], 4, &n),
                     ENI_OK);
    assert_int_equal(n, 2);
    /* A stale source in the ctx (a sync before this one) goes on a full read. */
    const char *old = "10.0.5.5";
    assert_int_equal(eni_sg_set_remote_members(f->ctx, f->app, "host-old", &old, 1), ENI_OK);
    json_t *kvs = json_array(), *kv = json_object();
    json_object_set_new(kv, "key",
                        etcd_bytes_json("/libeni/v1/" FLEET_APP_GROUP "/host/host-c"));
    json_object_set_new(kv, "value", etcd_bytes_json("[\"10.0.1.30\"]"));
    json_array_append_new(kvs, kv);
    apply_full(s, w, kvs);
    json_decref(kvs);
    char names[4][ENI_REMOTE_SOURCE_MAX];
    assert_int_equal(eni_sg_list_remote_sources(f->ctx, f->app, &names[0][0], 4, &n), ENI_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "host-c");
    /* Unwatching the group forgets what it applied. */
    assert_int_equal(watch_set(s, NULL, 0), ENI_OK);
    assert_int_equal(eni_sg_list_remote_sources(f->ctx, f->app, NULL, 0, &n), ENI_OK);
    assert_int_equal(n, 0);
    eni_sync_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new_refuses_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_etcd_keeps_trying_and_stops_at_once,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_operator_calls_refuse_and_report_unreachable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_base64_and_range_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_model_read_publishes_members_and_watches_references,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_model_read_publishes_prefixes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_model_is_not_read_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_skips_own_unchanged_and_bad_values, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
