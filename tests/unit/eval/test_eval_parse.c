/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The frame parser: every field it extracts, every way a frame can be
 * malformed, and a truncation + mutation sweep in which each frame sits in
 * a heap block of exactly its length, so ASan and valgrind catch any read
 * past its end. */
#include <stdlib.h>

#include "test_helpers.h"

struct frame {
    uint8_t b[256];
    uint32_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void eth(struct frame *f, uint16_t type, int vlans)
{
    memset(f, 0, sizeof *f);
    memset(f->b, 0x02, 12);
    uint32_t off = 12;
    for (int i = 0; i < vlans; i++) {
        put16(f->b + off, i == 0 && vlans == 2 ? 0x88a8 : 0x8100);
        put16(f->b + off + 2, 100 + (uint16_t)i);
        off += 4;
    }
    put16(f->b + off, type);
    f->len = off + 2;
}

/* Append an IPv4 header (ihl words) for a payload of `payload` bytes. */
static uint8_t *ipv4(struct frame *f, uint8_t proto, uint32_t payload, int ihl_words, uint16_t frag)
{
    uint8_t *p = f->b + f->len;
    uint32_t hl = (uint32_t)ihl_words * 4;
    memset(p, 0, hl);
    p[0] = (uint8_t)(0x40 | ihl_words);
    put16(p + 2, (uint16_t)(hl + payload));
    put16(p + 6, frag);
    p[8] = 64;
    p[9] = proto;
    const uint8_t src[4] = {10, 0, 1, 4}, dst[4] = {10, 0, 1, 9};
    memcpy(p + 12, src, 4);
    memcpy(p + 16, dst, 4);
    f->len += hl;
    return p;
}

static uint8_t *ipv6(struct frame *f, uint8_t next, uint32_t payload)
{
    uint8_t *p = f->b + f->len;
    memset(p, 0, 40);
    p[0] = 0x60;
    put16(p + 4, (uint16_t)payload);
    p[6] = next;
    p[7] = 64;
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 0x04;
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 0x09;
    f->len += 40;
    return p;
}

static void tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t flags)
{
    uint8_t *p = f->b + f->len;
    memset(p, 0, 20);
    put16(p, sport);
    put16(p + 2, dport);
    p[12] = 5 << 4;
    p[13] = flags;
    f->len += 20;
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport, uint16_t len)
{
    uint8_t *p = f->b + f->len;
    memset(p, 0, 8);
    put16(p, sport);
    put16(p + 2, dport);
    put16(p + 4, len);
    f->len += 8;
}

static void icmp(struct frame *f, uint8_t type, uint8_t code, uint16_t id)
{
    uint8_t *p = f->b + f->len;
    memset(p, 0, 8);
    p[0] = type;
    p[1] = code;
    put16(p + 4, id);
    f->len += 8;
}

static struct frame v4_tcp(void)
{
    struct frame f;
    eth(&f, 0x0800, 0);
    ipv4(&f, 6, 20, 5, 0);
    tcp(&f, 40000, 443, 0x02);
    return f;
}

static int parse(const struct frame *f, eni_pkt *p)
{
    return eni_pkt_parse(f->b, f->len, p);
}

static void test_s5_ipv4_tcp_fields(void **state)
{
    (void)state;
    struct frame f = v4_tcp();
    eni_pkt p;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.family, 4);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 40000);
    assert_int_equal(p.dport, 443);
    assert_int_equal(p.tcp_flags, 0x02);
    assert_int_equal(p.len, 40);
    assert_int_equal(p.flags, 0);
    const uint8_t src[4] = {10, 0, 1, 4}, dst[4] = {10, 0, 1, 9};
    assert_memory_equal(p.src, src, 4);
    assert_memory_equal(p.dst, dst, 4);
}

static void test_s5_vlan_tags_and_ipv4_options(void **state)
{
    (void)state;
    for (int vlans = 1; vlans <= 2; vlans++) {
        struct frame f;
        eth(&f, 0x0800, vlans);
        ipv4(&f, 17, 8, 7, 0); /* 8 bytes of options */
        udp(&f, 53, 5353, 8);
        eni_pkt p;
        assert_eni_ok(parse(&f, &p));
        assert_int_equal(p.proto, 17);
        assert_int_equal(p.sport, 53);
        assert_int_equal(p.dport, 5353);
    }
    struct frame f;
    eth(&f, 0x0800, 0);
    memmove(f.b + 24, f.b + 12, 2); /* three tags */
    for (int i = 0; i < 3; i++)
        put16(f.b + 12 + 4 * i, 0x8100);
    put16(f.b + 24, 0x0800);
    f.len = 26;
    ipv4(&f, 17, 8, 5, 0);
    udp(&f, 1, 2, 8);
    eni_pkt p;
    assert_eni_fail(parse(&f, &p), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s5_ipv4_fragments(void **state)
{
    (void)state;
    struct frame f;
    eth(&f, 0x0800, 0);
    ipv4(&f, 6, 20, 5, 0x2000); /* first fragment: MF, offset 0 */
    tcp(&f, 1000, 22, 0x10);
    eni_pkt p;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_FIRST_FRAGMENT);
    assert_int_equal(p.dport, 22);
    eth(&f, 0x0800, 0);
    ipv4(&f, 6, 8, 5, 0x0003); /* later fragment: no TCP header to read */
    f.len += 8;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_FRAGMENT);
    assert_int_equal(p.sport, 0);
    assert_int_equal(p.dport, 0);
}

static void test_s5_ipv6_extension_headers(void **state)
{
    (void)state;
    struct frame f;
    eth(&f, 0x86dd, 0);
    ipv6(&f, 0, 8 + 16 + 8 + 20); /* hop-by-hop, dest opts (16), fragment, TCP */
    uint8_t *h = f.b + f.len;
    memset(h, 0, 8 + 16 + 8);
    h[0] = 60;                        /* hop-by-hop -> destination options */
    h[8] = 44, h[9] = 1;              /* destination options (16 bytes) -> fragment */
    h[24] = 6;                        /* fragment -> TCP, offset 0, M=1 */
    h[27] = 1;
    f.len += 32;
    tcp(&f, 5000, 80, 0x12);
    eni_pkt p;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.family, 6);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.dport, 80);
    assert_int_equal(p.tcp_flags, 0x12);
    assert_int_equal(p.flags, ENI_PKT_FIRST_FRAGMENT);
    assert_int_equal(p.src[15], 4);
    assert_int_equal(p.dst[15], 9);
    /* hop-by-hop anywhere but first is malformed */
    eth(&f, 0x86dd, 0);
    ipv6(&f, 60, 16 + 20);
    h = f.b + f.len;
    memset(h, 0, 16);
    h[0] = 0;  /* dest opts -> hop-by-hop */
    h[8] = 6;  /* hop-by-hop -> TCP */
    f.len += 16;
    tcp(&f, 1, 2, 0);
    assert_eni_fail(parse(&f, &p), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s5_icmp_echo_and_errors(void **state)
{
    (void)state;
    struct frame f;
    eth(&f, 0x0800, 0);
    ipv4(&f, 1, 8, 5, 0);
    icmp(&f, 8, 0, 0x1234);
    eni_pkt p;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.icmp_type, 8);
    assert_int_equal(p.sport, 0x1234);
    assert_int_equal(p.dport, 0x1234);
    assert_int_equal(p.flags, 0);

    /* Destination unreachable quoting a UDP datagram (only 8 bytes of it). */
    eth(&f, 0x0800, 0);
    ipv4(&f, 1, 8 + 20 + 8, 5, 0);
    icmp(&f, 3, 3, 0);
    uint8_t *inner = ipv4(&f, 17, 100, 5, 0); /* claims 100 bytes: quoted only */
    inner[12] = 10, inner[15] = 9;             /* inner src 10.0.1.9 -> dst 10.0.1.9 */
    udp(&f, 4444, 53, 108);
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_ICMP_ERROR);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.icmp_code, 3);
    assert_int_equal(p.inner_proto, 17);
    assert_int_equal(p.inner_sport, 4444);
    assert_int_equal(p.inner_dport, 53);
    assert_int_equal(p.inner_src[3], 9);

    /* ICMPv6 packet too big quoting TCP */
    eth(&f, 0x86dd, 0);
    ipv6(&f, 58, 8 + 40 + 20);
    icmp(&f, 2, 0, 0);
    ipv6(&f, 6, 20);
    tcp(&f, 443, 50000, 0x10);
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_ICMP_ERROR);
    assert_int_equal(p.inner_proto, 6);
    assert_int_equal(p.inner_sport, 443);
    assert_int_equal(p.inner_dport, 50000);

    /* ICMPv6 echo */
    eth(&f, 0x86dd, 0);
    ipv6(&f, 58, 8);
    icmp(&f, 128, 0, 77);
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.sport, 77);
    /* ICMP inside IPv6 is malformed */
    eth(&f, 0x86dd, 0);
    ipv6(&f, 1, 8);
    icmp(&f, 8, 0, 1);
    assert_eni_fail(parse(&f, &p), ENI_EINVAL, "InvalidParameterValue");
}

/* An error quoting an ICMP message carries the quoted type (which query it
 * belongs to); its identifier only when it is a query. */
static void test_s5_icmp_error_records_the_quoted_icmp_type(void **state)
{
    (void)state;
    struct frame f;
    eth(&f, 0x0800, 0);
    ipv4(&f, 1, 8 + 20 + 8, 5, 0);
    icmp(&f, 11, 0, 0); /* time exceeded */
    ipv4(&f, 1, 8, 5, 0);
    icmp(&f, 8, 0, 0x4242); /* quoting an echo request */
    eni_pkt p;
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_ICMP_ERROR | ENI_PKT_INNER_ICMP_TYPE);
    assert_int_equal(p.inner_proto, 1);
    assert_int_equal(p.inner_icmp_type, 8);
    assert_int_equal(p.inner_sport, 0x4242);
    assert_int_equal(p.inner_dport, 0x4242);

    eth(&f, 0x86dd, 0);
    ipv6(&f, 58, 8 + 40 + 8);
    icmp(&f, 1, 4, 0);
    ipv6(&f, 58, 8);
    icmp(&f, 134, 0, 0x1111); /* a router advertisement: no identifier */
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.flags, ENI_PKT_ICMP_ERROR | ENI_PKT_INNER_ICMP_TYPE);
    assert_int_equal(p.inner_icmp_type, 134);
    assert_int_equal(p.inner_sport, 0);

    /* queries other than echo carry their identifier too */
    eth(&f, 0x0800, 0);
    ipv4(&f, 1, 8, 5, 0);
    icmp(&f, 13, 0, 0x0707); /* timestamp */
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.sport, 0x0707);
    eth(&f, 0x0800, 0);
    ipv4(&f, 1, 8, 5, 0);
    icmp(&f, 10, 0, 0x0707); /* router solicitation: none */
    assert_eni_ok(parse(&f, &p));
    assert_int_equal(p.sport, 0);
    assert_int_equal(p.flags, 0);
}

static void test_s5_malformed_frames(void **state)
{
    (void)state;
    eni_pkt p;
    struct frame f = v4_tcp();
    memset(&p, 0x5a, sizeof p);
    eni_pkt before = p;

    struct frame g = f;
    g.b[14] = 0x44; /* IHL 4 words */
    assert_eni_fail(parse(&g, &p), ENI_EINVAL, "InvalidParameterValue");
    g = f;
    g.b[14] = 0x65; /* version 6 in an IPv4 ethertype */
    assert_eni_fail(parse(&g, &p), ENI_EINVAL, "InvalidParameterValue");
    g = f;
    put16(g.b + 16, 200); /* total length beyond the frame */
    assert_eni_fail(parse(&g, &p), ENI_EINVAL, "InvalidParameterValue");
    g = f;
    g.b[14 + 20 + 12] = 0x40; /* TCP data offset 4 words */
    assert_eni_fail(parse(&g, &p), ENI_EINVAL, "InvalidParameterValue");
    g = f;
    put16(g.b + 12, 0x0806); /* ARP */
    assert_eni_fail(parse(&g, &p), ENI_EINVAL, "InvalidParameterValue");
    struct frame u;
    eth(&u, 0x0800, 0);
    ipv4(&u, 17, 8, 5, 0);
    udp(&u, 1, 2, 7); /* UDP length below its header */
    assert_eni_fail(parse(&u, &p), ENI_EINVAL, "InvalidParameterValue");
    assert_memory_equal(&p, &before, sizeof p); /* untouched on failure */
    assert_eni_fail(eni_pkt_parse(NULL, 10, &p), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_pkt_parse(f.b, f.len, NULL), ENI_EINVAL, "InvalidParameterValue");
}

/* Every prefix of every sample frame, and random single-byte mutations, in
 * exactly-sized heap blocks. Valid prefixes are only the whole frame (and,
 * for frames with trailing padding, longer ones). */
enum { SAMPLES = 6 };

/* The sample frames, and the length of each one's Ethernet header (with
 * its VLAN tags): the IP packet starts there. */
static void sample_frames(struct frame samples[SAMPLES], uint32_t l2[SAMPLES])
{
    static const uint32_t l2_len[SAMPLES] = {14, 18, 14, 14, 22, 14};
    memcpy(l2, l2_len, sizeof l2_len);
    samples[0] = v4_tcp();
    eth(&samples[1], 0x86dd, 1);
    ipv6(&samples[1], 17, 8);
    udp(&samples[1], 9, 10, 8);
    eth(&samples[2], 0x0800, 0);
    ipv4(&samples[2], 1, 48, 5, 0);
    icmp(&samples[2], 11, 0, 0);
    ipv4(&samples[2], 6, 20, 5, 0);
    tcp(&samples[2], 1, 2, 0);
    eth(&samples[3], 0x86dd, 0);
    ipv6(&samples[3], 58, 8 + 40 + 8);
    icmp(&samples[3], 1, 4, 0);
    ipv6(&samples[3], 17, 8);
    udp(&samples[3], 3, 4, 8);
    eth(&samples[4], 0x0800, 2);
    ipv4(&samples[4], 47, 4, 6, 0); /* GRE, with options */
    samples[4].len += 4;
    eth(&samples[5], 0x86dd, 0);
    ipv6(&samples[5], 44, 8);
    samples[5].b[samples[5].len] = 6;
    put16(samples[5].b + samples[5].len + 2, 0x0100); /* later fragment */
    samples[5].len += 8;
}

/* A bare IP packet parses to the record its Ethernet frame parses to; the
 * version comes from its first nibble. */
static void test_s5_ip_packet_without_ethernet(void **state)
{
    (void)state;
    struct frame samples[SAMPLES];
    uint32_t l2[SAMPLES];
    sample_frames(samples, l2);
    for (int s = 0; s < SAMPLES; s++) {
        eni_pkt a, b;
        assert_eni_ok(parse(&samples[s], &a));
        assert_eni_ok(eni_pkt_parse_ip(samples[s].b + l2[s], samples[s].len - l2[s], &b));
        assert_memory_equal(&a, &b, sizeof a);
        /* every truncation is refused, in an exactly-sized block (but
         * sample 4's, GRE with a payload the parser does not read) */
        for (uint32_t len = 0; s != 4 && len < samples[s].len - l2[s]; len++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, samples[s].b + l2[s], len);
            assert_eni_fail(eni_pkt_parse_ip(copy, len, &b), ENI_EINVAL, "InvalidParameterValue");
            free(copy);
        }
    }
    eni_pkt p;
    memset(&p, 0x5a, sizeof p);
    eni_pkt before = p;
    struct frame f = v4_tcp();
    assert_eni_fail(eni_pkt_parse_ip(f.b, f.len, &p), ENI_EINVAL, "InvalidParameterValue"); /* a frame */
    f.b[14] = 0x55; /* version 5 */
    assert_eni_fail(eni_pkt_parse_ip(f.b + 14, f.len - 14, &p), ENI_EINVAL, "InvalidParameterValue");
    assert_memory_equal(&p, &before, sizeof p);
    assert_eni_fail(eni_pkt_parse_ip(NULL, 10, &p), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_pkt_parse_ip(f.b, f.len, NULL), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s5_truncation_and_mutation_sweep(void **state)
{
    (void)state;
    struct frame samples[SAMPLES];
    uint32_t l2[SAMPLES];
    sample_frames(samples, l2);
    uint64_t rng = 0xfeedface;
    uint32_t parsed = 0, refused = 0;
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        eni_pkt p;
        assert_eni_ok(eni_pkt_parse(samples[s].b, samples[s].len, &p));
        for (uint32_t len = 0; len < samples[s].len; len++) {
            uint8_t *copy = malloc(len ? len : 1);
            memcpy(copy, samples[s].b, len);
            int rc = eni_pkt_parse(copy, len, &p);
            free(copy);
            /* no truncation of a sample parses, except trailing payload of GRE */
            if (s != 4 && rc != ENI_EINVAL)
                fail_msg("sample %zu parsed when cut to %u of %u bytes", s, len, samples[s].len);
            rc == ENI_OK ? parsed++ : refused++;
        }
        for (int m = 0; m < 3000; m++) {
            uint8_t *copy = malloc(samples[s].len);
            memcpy(copy, samples[s].b, samples[s].len);
            for (int k = 0; k < 3; k++) {
                rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
                copy[(rng >> 33) % samples[s].len] = (uint8_t)(rng >> 17);
            }
            int rc = eni_pkt_parse(copy, samples[s].len, &p);
            assert_true(rc == ENI_OK || rc == ENI_EINVAL);
            rc == ENI_OK ? parsed++ : refused++;
            free(copy);
        }
    }
    assert_true(parsed > 1000 && refused > 1000); /* the sweep hit both sides */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s5_ipv4_tcp_fields),
        cmocka_unit_test(test_s5_vlan_tags_and_ipv4_options),
        cmocka_unit_test(test_s5_ipv4_fragments),
        cmocka_unit_test(test_s5_ipv6_extension_headers),
        cmocka_unit_test(test_s5_icmp_echo_and_errors),
        cmocka_unit_test(test_s5_icmp_error_records_the_quoted_icmp_type),
        cmocka_unit_test(test_s5_ip_packet_without_ethernet),
        cmocka_unit_test(test_s5_malformed_frames),
        cmocka_unit_test(test_s5_truncation_and_mutation_sweep),
    };
    return cmocka_run_group_tests_name("eval_parse", tests, NULL, NULL);
}
