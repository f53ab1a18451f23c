/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl's parts that the command-line checks reach only indirectly:
 * endpoints both ways, the flow table's keying, JSON locations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "endpoint.h"
#include "flows.h"
#include "jsonin.h"
#include "rule_text.h"

static void endpoint_parses_ipv4_ipv6_and_ports(void **state)
{
    (void)state;
    uint8_t fam, addr[16];
    uint16_t port;
    assert_null(endpoint_parse("203.0.113.5:40000", true, &fam, addr, &port));
    assert_int_equal(fam, 4);
    assert_int_equal(port, 40000);
    assert_memory_equal(addr, "\xcb\x00\x71\x05", 4);
    assert_null(endpoint_parse("[2001:db8::5]:443", true, &fam, addr, &port));
    assert_int_equal(fam, 6);
    assert_int_equal(port, 443);
    assert_null(endpoint_parse("2001:db8::5", false, &fam, addr, &port));
    assert_int_equal(fam, 6);
    assert_null(endpoint_parse("[2001:db8::5]", false, &fam, addr, &port));
    assert_null(endpoint_parse("10.0.1.7:0", true, &fam, addr, &port));
    assert_null(endpoint_parse("10.0.1.7:65535", true, &fam, addr, &port));
    assert_int_equal(port, 65535);
}

static void endpoint_refuses_what_is_not_one(void **state)
{
    (void)state;
    uint8_t fam, addr[16];
    uint16_t port;
    static const struct { const char *s; bool ports; const char *why; } bad[] = {
        {"10.0.1.7", true, "port is missing"},
        {"2001:db8::5", true, "[ADDRESS]:PORT"},
        {"10.0.1.7:65536", true, "whole number"},
        {"10.0.1.7:-1", true, "whole number"},
        {"10.0.1.7:+1", true, "whole number"},
        {"10.0.1.7:", true, "whole number"},
        {"10.0.1.7:1", false, "no ports"},
        {"[2001:db8::5]x", true, "[ADDRESS]:PORT"},
        {"[2001:db8::5", true, "[ADDRESS]:PORT"},
        {"10.0.1.256:1", true, "not an IPv4 or IPv6"},
        {"host:1", true, "not an IPv4 or IPv6"},
        {"", false, "not an IPv4 or IPv6"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = endpoint_parse(bad[i].s, bad[i].ports, &fam, addr, &port);
        assert_non_null(why);
        assert_non_null(strstr(why, bad[i].why));
    }
}

static void endpoint_formats_both_families(void **state)
{
    (void)state;
    char buf[ENDPOINT_MAX];
    uint8_t v4[16] = {10, 0, 1, 7}, v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 5};
    endpoint_format(buf, 4, v4, 22);
    assert_string_equal(buf, "10.0.1.7:22");
    endpoint_format(buf, 6, v6, 443);
    assert_string_equal(buf, "[2001:db8::5]:443");
    endpoint_format(buf, 6, v6, -1);
    assert_string_equal(buf, "2001:db8::5");
}

static eni_pkt pkt(uint8_t s, uint16_t sport, uint8_t d, uint16_t dport)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4;
    p.proto = 6;
    p.src[0] = s;
    p.dst[0] = d;
    p.sport = sport;
    p.dport = dport;
    return p;
}

static void a_request_and_its_reply_are_one_flow(void **state)
{
    (void)state;
    flows f = {0};
    eni_verdict allow = {.action = ENI_ALLOW, .reason = ENI_REASON_RULE};
    eni_verdict tracked = {.action = ENI_ALLOW, .reason = ENI_REASON_TRACKED};
    eni_verdict drop = {.action = ENI_DROP, .reason = ENI_REASON_NO_RULE};
    eni_pkt req = pkt(1, 40000, 2, 22), rep = pkt(2, 22, 1, 40000), other = pkt(3, 40000, 2, 22);
    flows_add(&f, 1, 100, ENI_DIR_INBOUND, &req, &allow, NULL);
    flows_add(&f, 2, 200, ENI_DIR_OUTBOUND, &rep, &tracked, NULL);
    flows_add(&f, 3, 300, ENI_DIR_INBOUND, &req, &tracked, NULL);
    flows_add(&f, 4, 400, ENI_DIR_INBOUND, &other, &drop, NULL);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.v[0].packets, 3);
    assert_int_equal(f.v[0].initiator, ENI_DIR_INBOUND);
    assert_int_equal(f.v[0].nout, 3); /* rule in, tracked out, tracked in */
    assert_int_equal(f.v[0].out[2].first, 3);
    assert_int_equal(f.v[0].first_ns, 100);
    assert_int_equal(f.v[0].last_ns, 300);
    assert_int_equal(f.v[1].dropped, 1);
    flows_free(&f);
}

static void malformed_packets_group_by_what_is_wrong(void **state)
{
    (void)state;
    flows f = {0};
    eni_verdict bad = {.action = ENI_DROP, .reason = ENI_REASON_MALFORMED};
    eni_pkt none;
    memset(&none, 0, sizeof none);
    flows_add(&f, 1, 1, ENI_DIR_INBOUND, &none, &bad, "truncated TCP header");
    flows_add(&f, 2, 2, ENI_DIR_OUTBOUND, &none, &bad, "truncated UDP header");
    flows_add(&f, 3, 3, ENI_DIR_INBOUND, &none, &bad, "truncated TCP header");
    assert_int_equal(f.n, 2);
    assert_string_equal(flows_why(&f, &f.v[0]), "truncated TCP header");
    assert_int_equal(f.v[0].packets, 2);
    flows_free(&f);
}

static void many_flows_survive_rehashing(void **state)
{
    (void)state;
    flows f = {0};
    eni_verdict allow = {.action = ENI_ALLOW, .reason = ENI_REASON_RULE};
    for (uint32_t i = 0; i < 5000; i++) {
        eni_pkt p = pkt((uint8_t)(i >> 8), (uint16_t)i, 2, 22);
        flows_add(&f, i + 1, i, ENI_DIR_INBOUND, &p, &allow, NULL);
        flows_add(&f, i + 1, i, ENI_DIR_INBOUND, &p, &allow, NULL);
    }
    assert_int_equal(f.n, 5000);
    for (size_t i = 0; i < f.n; i++)
        assert_int_equal(f.v[i].packets, 2);
    flows_free(&f);
}

static void locations_name_the_json_path(void **state)
{
    (void)state;
    jloc root, a, b, c;
    jloc_root(&root, "sgs.json");
    jloc_key(&a, &root, "SecurityGroups");
    jloc_index(&b, &a, 3);
    jloc_key(&c, &b, "IpPermissions");
    assert_string_equal(c.path, "$.SecurityGroups[3].IpPermissions");
    assert_string_equal(c.file, "sgs.json");
    jloc_key(&c, &c, "x"); /* in place */
    assert_string_equal(c.path, "$.SecurityGroups[3].IpPermissions.x");
    char key[400];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = 0;
    jloc_key(&c, &c, key); /* too long: cut, and says so */
    assert_string_equal(c.path + strlen(c.path) - 3, "...");
}

static void protocols_have_names(void **state)
{
    (void)state;
    char buf[8];
    assert_string_equal(protocol_name(6, buf), "tcp");
    assert_string_equal(protocol_name(58, buf), "icmpv6");
    assert_string_equal(protocol_name(99, buf), "99");
    assert_true(endpoint_has_ports(17));
    assert_false(endpoint_has_ports(1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(endpoint_parses_ipv4_ipv6_and_ports),
        cmocka_unit_test(endpoint_refuses_what_is_not_one),
        cmocka_unit_test(endpoint_formats_both_families),
        cmocka_unit_test(a_request_and_its_reply_are_one_flow),
        cmocka_unit_test(malformed_packets_group_by_what_is_wrong),
        cmocka_unit_test(many_flows_survive_rehashing),
        cmocka_unit_test(locations_name_the_json_path),
        cmocka_unit_test(protocols_have_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
