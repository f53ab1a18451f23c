/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The host most evaluator tests start from: a running m5.large whose
 * primary interface (one private IPv4, one IPv6) is in one new group, in a
 * dual-stack VPC 10.0.0.0/16 + 2001:db8:0:100::/56 with the subnet
 * 10.0.1.0/24 + 2001:db8:0:100::/64. Shared by eval_semantics,
 * eval_classify, eval_acl and fault_eval. */
#ifndef ENI_TEST_EVAL_HOST_H
#define ENI_TEST_EVAL_HOST_H

#include <arpa/inet.h>

#include "test_helpers.h"

struct eval_host {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id group;
    eni_instance_id inst;
    eni_nic_id nic;
};

static inline void eval_host_new(struct eval_host *h, const eni_ctx_opts *opts, const char *group)
{
    memset(h, 0, sizeof *h);
    assert_eni_ok(eni_ctx_new(opts, &h->ctx));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8:0:100::/56";
    assert_eni_ok(eni_vpc_create(h->ctx, &vs, &h->vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = h->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = "2001:db8:0:100::/64";
    assert_eni_ok(eni_subnet_create(h->ctx, &ss, &h->subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = group;
    gs.description = group;
    assert_eni_ok(eni_sg_create(h->ctx, &gs, &h->group));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h->subnet;
    ns.groups = &h->group;
    ns.group_count = 1;
    ns.ipv6_count = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    assert_eni_ok(eni_instance_launch(h->ctx, &ls, &h->inst));
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(h->ctx, 0, NULL, NULL, &n));
    assert_eni_ok(eni_instance_set_state(h->ctx, h->inst, ENI_INSTANCE_RUNNING));
    eni_attachment_id att;
    assert_eni_ok(eni_instance_list_attachments(h->ctx, h->inst, &att, 1, &n));
    eni_attachment_info ai = {.size = sizeof ai};
    assert_eni_ok(eni_attachment_describe(h->ctx, att, &ai));
    h->nic = ai.nic;
}

/* Free a worker of the host (or NULL), then the host's ctx. */
static inline void eval_host_free(struct eval_host *h, eni_eval_worker *w)
{
    eni_eval_worker_free(w);
    eni_ctx_free(h->ctx);
}

/* Authorize one rule with a CIDR peer in group sg; its id. */
static inline eni_sg_rule_id eval_host_allow(eni_ctx *ctx, eni_sg_id sg, eni_direction dir,
                                             int proto, int from, int to, const char *cidr)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = proto;
    r.from_port = from;
    r.to_port = to;
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = cidr;
    eni_sg_rule_id id;
    assert_eni_ok(eni_sg_authorize(ctx, sg, dir, &r, 1, &id));
    return id;
}

/* A packet record: family from the source's text, length 60. */
static inline eni_pkt eval_host_pkt(uint8_t proto, const char *src, uint16_t sport,
                                    const char *dst, uint16_t dport, uint8_t tcp_flags)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = strchr(src, ':') ? 6 : 4;
    p.proto = proto;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = tcp_flags;
    int af = p.family == 4 ? AF_INET : AF_INET6;
    assert_int_equal(inet_pton(af, src, p.src), 1);
    assert_int_equal(inet_pton(af, dst, p.dst), 1);
    p.len = 60;
    return p;
}

/* A verdict's reason and action, the reason first (it says more). */
#define assert_verdict(v, act, why)         \
    do {                                    \
        eni_verdict v_ = (v);               \
        assert_int_equal(v_.reason, (why)); \
        assert_int_equal(v_.action, (act)); \
    } while (0)

/* A new group in vpc, named (and described) name. */
static inline eni_sg_id eval_host_group(eni_ctx *ctx, eni_vpc_id vpc, const char *name)
{
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = vpc;
    gs.name = name;
    gs.description = name;
    eni_sg_id id;
    assert_eni_ok(eni_sg_create(ctx, &gs, &id));
    return id;
}

/* The interface's addresses as strings: [0] its IPv4, [1] its IPv6. */
static inline void eval_host_addresses(const struct eval_host *h, char ip4[ENI_IP_STRING_MAX],
                                       char ip6[ENI_IP_STRING_MAX])
{
    eni_nic_address a[4];
    uint32_t n;
    assert_eni_ok(eni_nic_get_addresses(h->ctx, h->nic, a, 4, &n));
    assert_int_equal(n, 2);
    snprintf(ip4, ENI_IP_STRING_MAX, "%s", a[0].address);
    snprintf(ip6, ENI_IP_STRING_MAX, "%s", a[1].address);
}

#endif
