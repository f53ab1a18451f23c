/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* host.h: a host and its rules through the public API only. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "host.h"

/* Allocator hooks that count the bytes the ctx holds, so that memory
 * figures (the flow table's) come from the public API too. A 16-byte
 * header keeps malloc's alignment. */
static void *c_malloc(size_t n, void *ud)
{
    size_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    *(size_t *)ud += n;
    return (char *)p + 16;
}

static void c_free(void *ptr, void *ud)
{
    size_t *p = (size_t *)(void *)((char *)ptr - 16);
    *(size_t *)ud -= p[0];
    free(p);
}

static void *c_realloc(void *ptr, size_t n, void *ud)
{
    size_t *p = (size_t *)(void *)((char *)ptr - 16), old = p[0];
    size_t *q = realloc(p, n + 16);
    if (!q)
        return NULL;
    q[0] = n;
    *(size_t *)ud += n - old;
    return (char *)q + 16;
}

void host_new(struct host *h, unsigned flags)
{
    memset(h, 0, sizeof *h);
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.malloc_fn = c_malloc, opts.realloc_fn = c_realloc, opts.free_fn = c_free;
    opts.alloc_userdata = &h->live;
    CHECK(eni_ctx_new(&opts, &h->ctx));
    eni_quotas q = ENI_QUOTAS_INIT;
    q.rules_per_group = 1000, q.groups_per_nic = 1, q.acl_rules = 40;
    CHECK(eni_ctx_set_quotas(h->ctx, &q));
    bool v6 = flags & HOST_V6;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = SH_VPC4;
    vs.ipv6_cidr_block = v6 ? SH_VPC6 : NULL;
    CHECK(eni_vpc_create(h->ctx, &vs, &h->vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = h->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = SH_SUBNET4;
    ss.ipv6_cidr_block = v6 ? SH_SUBNET6 : NULL;
    CHECK(eni_subnet_create(h->ctx, &ss, &h->subnet));
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = "bench";
    gs.description = "bench";
    CHECK(eni_sg_create(h->ctx, &gs, &h->sg));
    if (flags & HOST_NO_EGRESS) {
        /* Without them no inbound flow is untracked (EC2's section 5.2
         * exemption needs outbound open to all): every allowed TCP, UDP and
         * ICMP query packet creates a flow, as the peer's firewall does. */
        eni_sg_rule_id out[4];
        uint32_t n;
        CHECK(eni_sg_list_rules(h->ctx, h->sg, ENI_EGRESS, out, 4, &n));
        if (n)
            CHECK(eni_sg_revoke_rules(h->ctx, h->sg, out, n));
    }
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h->subnet;
    ns.groups = &h->sg;
    ns.group_count = 1;
    ns.ipv6_count = v6 ? 1 : 0;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.24xlarge";
    ls.nics = &ln;
    ls.nic_count = 1;
    CHECK(eni_instance_launch(h->ctx, &ls, &h->inst));
    uint32_t n;
    CHECK(eni_ctx_poll(h->ctx, 0, NULL, NULL, &n));
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.instance = h->inst;
    CHECK(eni_nic_list(h->ctx, &f, &h->nic, 1, &n));
    eni_nic_address addr[8];
    CHECK(eni_nic_get_addresses(h->ctx, h->nic, addr, 8, &n));
    for (uint32_t i = 0; i < n && i < 8; i++) {
        if (addr[i].family == 4 && addr[i].primary) {
            struct in_addr a;
            inet_pton(AF_INET, addr[i].address, &a);
            h->ip = ntohl(a.s_addr);
        } else if (addr[i].family == 6) {
            inet_pton(AF_INET6, addr[i].address, h->ip6);
        }
    }
}

void host_free(struct host *h)
{
    eni_ctx_free(h->ctx);
    h->ctx = NULL;
}

void host_authorize(struct host *h, const eni_sg_rule_spec *rules, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += 100) {
        uint32_t m = n - i < 100 ? n - i : 100;
        int rc = eni_sg_authorize(h->ctx, h->sg, ENI_INGRESS, rules + i, m, NULL);
        if (rc == ENI_EEXIST) /* all or nothing: again one by one, skipping the duplicates */
            for (uint32_t k = 0; k < m; k++) {
                rc = eni_sg_authorize(h->ctx, h->sg, ENI_INGRESS, &rules[i + k], 1, NULL);
                if (rc == ENI_EEXIST)
                    rc = ENI_OK;
                if (rc != ENI_OK)
                    break;
            }
        if (rc != ENI_OK) {
            fprintf(stderr, "authorize: %s\n", eni_error_last()->message);
            exit(1);
        }
    }
}

/* Text for each prefix of a list (each 64 bytes), and pointers to them;
 * full-length ones as bare addresses when `addresses`. */
static const char **texts(const struct sh_prefix *v, uint32_t n, unsigned fam, bool addresses,
                          char (**buf)[64])
{
    *buf = calloc(n, sizeof **buf);
    const char **p = calloc(n, sizeof *p);
    for (uint32_t i = 0; i < n; i++) {
        sh_prefix_str(&v[i], fam, (*buf)[i]);
        if (addresses && v[i].len == (fam == 4 ? 32 : 128))
            *strchr((*buf)[i], '/') = 0;
        p[i] = (*buf)[i];
    }
    return p;
}

static void load_acl(struct host *h, const struct shape_set *s)
{
    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = h->vpc;
    eni_acl_id acl;
    CHECK(eni_acl_create(h->ctx, &as, &acl));
    for (uint32_t i = 0; i < s->nacl; i++) {
        const struct sh_acl_entry *e = &s->acl[i];
        char cidr[64];
        eni_acl_entry_spec es = ENI_ACL_ENTRY_SPEC_INIT;
        es.direction = ENI_INGRESS;
        es.rule_number = e->number;
        es.rule_action = e->allow ? ENI_ACL_ALLOW : ENI_ACL_DENY;
        es.protocol = e->proto;
        bool ported = e->proto == 6 || e->proto == 17;
        es.from_port = ported ? e->from : 0, es.to_port = ported ? e->to : 0;
        es.icmp_type = ported ? 0 : e->from, es.icmp_code = ported ? 0 : e->to;
        es.cidr = sh_prefix_str(&e->cidr, s->family, cidr);
        CHECK(eni_acl_create_entry(h->ctx, acl, &es));
    }
    CHECK(eni_acl_replace_association(h->ctx, h->subnet, acl));
}

void host_load_shape(struct host *h, const struct shape_set *s)
{
    eni_sg_id *groups = calloc(s->ngroups + 1, sizeof *groups);
    eni_prefix_list_id *lists = calloc(s->nlists + 1, sizeof *lists);
    for (uint32_t i = 0; i < s->ngroups; i++) {
        char name[32], (*buf)[64];
        snprintf(name, sizeof name, "members-%u", i);
        eni_sg_spec gs = ENI_SG_SPEC_INIT;
        gs.vpc = h->vpc, gs.name = name, gs.description = name;
        CHECK(eni_sg_create(h->ctx, &gs, &groups[i]));
        const char **a = texts(s->groups[i].v, s->groups[i].n, s->family, true, &buf);
        CHECK(eni_sg_set_remote_members(h->ctx, groups[i], "host-b", a, s->groups[i].n));
        free(a), free(buf);
    }
    for (uint32_t i = 0; i < s->nlists; i++) {
        char name[32], (*buf)[64];
        snprintf(name, sizeof name, "bench-list-%u", i);
        eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
        ps.family = s->family, ps.name = name, ps.max_entries = s->lists[i].n;
        CHECK(eni_prefix_list_create(h->ctx, &ps, &lists[i]));
        const char **a = texts(s->lists[i].v, s->lists[i].n, s->family, false, &buf);
        CHECK(eni_prefix_list_modify(h->ctx, lists[i], a, s->lists[i].n, NULL, 0));
        free(a), free(buf);
    }
    eni_sg_rule_spec *spec = calloc(s->nrules, sizeof *spec);
    char (*cidr)[64] = calloc(s->nrules, sizeof *cidr);
    for (uint32_t i = 0; i < s->nrules; i++) {
        const struct sh_rule *r = &s->rules[i];
        spec[i] = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
        spec[i].protocol = r->proto;
        spec[i].from_port = r->from, spec[i].to_port = r->to;
        spec[i].peer_kind = r->kind;
        if (r->kind == SH_CIDR)
            spec[i].cidr = sh_prefix_str(&r->cidr, s->family, cidr[i]);
        else if (r->kind == SH_GROUP)
            spec[i].group = groups[r->ref];
        else
            spec[i].prefix_list = lists[r->ref];
    }
    host_authorize(h, spec, s->nrules);
    if (s->nacl)
        load_acl(h, s);
    free(spec), free(cidr), free(groups), free(lists);
}

eni_pkt host_pkt(const struct host *h, const struct sh_pkt *p, unsigned family, uint8_t tcp_flags)
{
    eni_pkt k;
    memset(&k, 0, sizeof k);
    k.family = (uint8_t)family;
    k.proto = p->proto;
    k.len = 60;
    bool icmp = p->proto == (family == 4 ? 1 : 58);
    k.sport = p->sport;
    k.dport = icmp ? p->sport : p->dport; /* a query's identifier, as the parser leaves it */
    k.tcp_flags = p->proto == 6 ? tcp_flags : 0;
    if (icmp)
        k.icmp_type = p->icmp_type, k.icmp_code = p->icmp_code;
    memcpy(k.src, p->src, 16);
    if (family == 4) {
        uint32_t d = htonl(h->ip);
        memcpy(k.dst, &d, 4);
    } else {
        memcpy(k.dst, h->ip6, 16);
    }
    return k;
}
