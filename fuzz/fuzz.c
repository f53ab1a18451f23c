/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The helpers of fuzz.h: input reading, checks, and the shared host. */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading the input ---------------------------------------------------- */

uint8_t fz_u8(fz_in *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

uint16_t fz_u16(fz_in *in)
{
    uint16_t lo = fz_u8(in);
    return (uint16_t)(lo | (uint16_t)(fz_u8(in) << 8));
}

uint32_t fz_u32(fz_in *in)
{
    uint32_t lo = fz_u16(in);
    return lo | ((uint32_t)fz_u16(in) << 16);
}

uint64_t fz_u64(fz_in *in)
{
    uint64_t lo = fz_u32(in);
    return lo | ((uint64_t)fz_u32(in) << 32);
}

uint32_t fz_below(fz_in *in, uint32_t n)
{
    return (n > 256 ? fz_u16(in) : fz_u8(in)) % n;
}

size_t fz_bytes(fz_in *in, void *out, size_t max)
{
    size_t k = in->n < max ? in->n : max;
    if (k)
        memcpy(out, in->p, k);
    in->p += k;
    in->n -= k;
    return k;
}

char *fz_cstr(fz_in *in, char *buf, size_t cap)
{
    size_t k = 0;
    while (in->n && *in->p != 0) {
        if (k + 1 < cap)
            buf[k++] = (char)*in->p;
        in->p++;
        in->n--;
    }
    if (in->n) { /* the NUL that ended it */
        in->p++;
        in->n--;
    }
    buf[k] = '\0';
    return buf;
}

/* ---- checks ---------------------------------------------------------------- */

void fz_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    const eni_error *e = eni_error_last();
    fprintf(stderr, "\n%s:%d: check failed: %s\n  ", file, line, what);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n  last libeni error: %s %s: %s\n", eni_err_name(e->code), e->ec2_code,
            e->message);
    fflush(stderr);
    abort();
}

char *fz_dump(eni_ctx *ctx)
{
    size_t need = 0;
    FZ_OK(eni_ctx_dump(ctx, NULL, 0, &need));
    char *buf = malloc(need);
    FZ_CHECK(buf != NULL, "out of memory for a %zu-byte dump", need);
    size_t again = 0;
    FZ_OK(eni_ctx_dump(ctx, buf, need, &again));
    FZ_CHECK(again == need && strlen(buf) + 1 == need, "dump sizes %zu, %zu, %zu", need, again,
             strlen(buf) + 1);
    return buf;
}

void fz_invariants(eni_ctx *ctx, const char *after)
{
    int rc = eni_ctx_check(ctx);
    FZ_CHECK(rc == ENI_OK, "eni_ctx_check after %s: %s", after, eni_error_last()->message);
}

/* Where two dumps first differ, for the report. */
static void show_difference(const char *before, const char *after)
{
    size_t i = 0;
    while (before[i] && before[i] == after[i])
        i++;
    size_t from = i > 200 ? i - 200 : 0;
    fprintf(stderr, "the dumps differ at byte %zu\n--- before\n%.400s\n--- after\n%.400s\n", i,
            before + from, after + from);
}

void fz_outcome(eni_ctx *ctx, const char *call, int rc, char *before)
{
    if (rc < 0) {
        const eni_error *e = eni_error_last();
        FZ_CHECK(e->code == rc, "%s returned %s but recorded %s", call, eni_err_name(rc),
                 eni_err_name(e->code));
        FZ_CHECK(e->message[0] != '\0', "%s refused with an empty message", call);
        char *after = fz_dump(ctx);
        if (strcmp(before, after) != 0) {
            show_difference(before, after);
            FZ_CHECK(0, "%s was refused (%s) but changed the model", call, eni_err_name(rc));
        }
        free(after);
    }
    free(before);
    fz_invariants(ctx, call);
}

/* ---- the shared host ------------------------------------------------------ */

/* One rule of the host: a protocol, a port range (or ICMP type and
 * code) and one peer. */
struct shape {
    int direction, protocol, from, to;
    const char *cidr; /* NULL: a group (`web` itself when self, else `peer`) or the prefix list */
    int peer;         /* 0 cidr, 1 group peer, 2 group web (self), 3 prefix list */
};

static const struct shape SHAPES[] = {
    {ENI_INGRESS, 6, 22, 22, "0.0.0.0/0", 0},
    {ENI_INGRESS, 6, 1000, 2000, "10.0.0.0/8", 0},
    {ENI_INGRESS, 6, 0, 65535, "2001:db8:0:100::/64", 0},
    {ENI_INGRESS, 17, 53, 53, "192.168.0.0/16", 0},
    {ENI_INGRESS, 17, 0, 65535, "::/0", 0},
    {ENI_INGRESS, 1, 8, 0, "0.0.0.0/0", 0},
    {ENI_INGRESS, 1, 3, -1, "198.51.100.0/24", 0},
    {ENI_INGRESS, 1, -1, -1, "203.0.113.0/24", 0},
    {ENI_INGRESS, 58, 128, -1, "::/0", 0},
    {ENI_INGRESS, 58, -1, -1, "2001:db8::/32", 0},
    {ENI_INGRESS, ENI_PROTO_ALL, -1, -1, NULL, 1},
    {ENI_INGRESS, 6, 8080, 8081, NULL, 2},
    {ENI_INGRESS, 6, 443, 443, NULL, 3},
    {ENI_INGRESS, 47, -1, -1, "198.51.100.0/24", 0},
    {ENI_INGRESS, 132, -1, -1, "2001:db8:ffff::/48", 0},
    {ENI_INGRESS, 0, -1, -1, "10.0.1.99/32", 0},
    {ENI_INGRESS, 6, 5432, 5432, "10.0.1.5/32", 0},
    {ENI_EGRESS, ENI_PROTO_ALL, -1, -1, "::/0", 0},
    {ENI_EGRESS, 17, 123, 123, "169.254.169.123/32", 0},
    {ENI_EGRESS, 6, 0, 1023, NULL, 1},
};



/* Every shape, authorized in one call per direction (one rule-set build). */
static void host_rules(fz_host *h)
{
    eni_sg_rule_spec r[sizeof SHAPES / sizeof SHAPES[0]];
    for (int dir = ENI_INGRESS; dir <= ENI_EGRESS; dir++) {
        uint32_t n = 0;
        for (size_t i = 0; i < sizeof SHAPES / sizeof SHAPES[0]; i++) {
            const struct shape *s = &SHAPES[i];
            if (s->direction != dir)
                continue;
            eni_sg_rule_spec one = ENI_SG_RULE_SPEC_INIT;
            one.protocol = s->protocol;
            one.from_port = s->from;
            one.to_port = s->to;
            one.description = "shape";
            switch (s->peer) {
            case 0:
                one.peer_kind = ENI_PEER_CIDR;
                one.cidr = s->cidr;
                break;
            case 1:
            case 2:
                one.peer_kind = ENI_PEER_GROUP;
                one.group = s->peer == 1 ? h->peer : h->web;
                break;
            default:
                one.peer_kind = ENI_PEER_PREFIX_LIST;
                one.prefix_list = h->pl;
                break;
            }
            r[n++] = one;
        }
        FZ_OK(eni_sg_authorize(h->ctx, h->web, (eni_direction)dir, r, n, &h->rules[h->nrules]));
        h->nrules += n;
    }
}

eni_ctx *fz_ctx_new(uint64_t seed)
{
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = seed;
    opts.log_level = ENI_LOG_OFF;
    eni_ctx *ctx;
    FZ_OK(eni_ctx_new(&opts, &ctx));
    return ctx;
}

void fz_network(eni_ctx *ctx, eni_vpc_id *vpc, eni_subnet_id *subnet)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8:0:100::/56";
    FZ_OK(eni_vpc_create(ctx, &vs, vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = *vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = "2001:db8:0:100::/64";
    FZ_OK(eni_subnet_create(ctx, &ss, subnet));
}

void fz_nic_spec(eni_nic_spec *ns, eni_subnet_id subnet, const char *ip4,
                 const char *const *ip6, uint32_t n6, const eni_sg_id *groups,
                 uint32_t ngroups)
{
    *ns = (eni_nic_spec)ENI_NIC_SPEC_INIT;
    ns->subnet = subnet;
    ns->private_ip = ip4;
    ns->ipv6_addresses = ip6;
    ns->ipv6_list_len = n6;
    ns->groups = groups;
    ns->group_count = ngroups;
}

void fz_host_new(fz_host *h, bool rules)
{
    memset(h, 0, sizeof *h);
    eni_ctx *ctx = h->ctx = fz_ctx_new(1);
    fz_network(ctx, &h->vpc, &h->subnet);
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    FZ_OK(eni_vpc_describe(ctx, h->vpc, &vi));
    h->dflt = vi.default_group;

    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = gs.description = "web";
    FZ_OK(eni_sg_create(ctx, &gs, &h->web));
    /* A new group in an IPv6 VPC starts with all outbound to ::/0 as well as
     * 0.0.0.0/0; the shapes add the ::/0 one themselves (in its place among
     * them), so the starting one goes. */
    eni_sg_rule_id starting[4];
    uint32_t nstart;
    FZ_OK(eni_sg_list_rules(ctx, h->web, ENI_EGRESS, starting, 4, &nstart));
    for (uint32_t i = 0; i < nstart; i++) {
        eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
        FZ_OK(eni_sg_rule_describe(ctx, starting[i], &ri));
        if (strcmp(ri.cidr, "::/0") == 0)
            FZ_OK(eni_sg_revoke_rules(ctx, h->web, &starting[i], 1));
    }
    gs.name = gs.description = "peer";
    FZ_OK(eni_sg_create(ctx, &gs, &h->peer));

    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.family = 4;
    ps.name = "partners";
    ps.max_entries = 10;
    FZ_OK(eni_prefix_list_create(ctx, &ps, &h->pl));
    const char *entries[] = {"100.64.0.0/10", "172.16.0.0/12"};
    FZ_OK(eni_prefix_list_modify(ctx, h->pl, entries, 2, NULL, 0));
    if (rules) /* before the interface is attached: no republication per rule */
        host_rules(h);

    /* the primary interface, launched with the instance */
    eni_sg_id groups[2] = {h->web, h->peer};
    const char *second[] = {FZ_NIC_IP4_2}, *v6[] = {FZ_NIC_IP6};
    eni_nic_spec ns;
    fz_nic_spec(&ns, h->subnet, FZ_NIC_IP4, v6, 1, groups, 2);
    ns.secondary_ips = second;
    ns.secondary_ip_list_len = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    FZ_OK(eni_instance_launch(ctx, &ls, &h->inst));
    uint32_t n;
    FZ_OK(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    FZ_OK(eni_instance_set_state(ctx, h->inst, ENI_INSTANCE_RUNNING));
    FZ_OK(eni_instance_list_attachments(ctx, h->inst, &h->att, 1, &n));
    eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
    FZ_OK(eni_attachment_describe(ctx, h->att, &ai));
    h->nic = ai.nic;

    /* the spare (never attached), and the router (hot-attached, no source/dest check) */
    fz_nic_spec(&ns, h->subnet, FZ_SPARE_IP4, NULL, 0, &h->peer, 1);
    ns.description = "spare";
    FZ_OK(eni_nic_create(ctx, &ns, &h->spare));
    const char *rv6[] = {FZ_ROUTER_IP6};
    fz_nic_spec(&ns, h->subnet, FZ_ROUTER_IP4, rv6, 1, groups, 2);
    FZ_OK(eni_nic_create(ctx, &ns, &h->router));
    FZ_OK(eni_nic_set_source_dest_check(ctx, h->router, 0));
    FZ_OK(eni_nic_attach(ctx, h->router, h->inst, 1, 0, NULL));
    FZ_OK(eni_ctx_poll(ctx, 0, NULL, NULL, &n));

    FZ_OK(eni_eip_allocate(ctx, &h->eip));
    FZ_OK(eni_eip_associate(ctx, h->eip, h->nic, NULL, 0, &h->assoc));
}

void fz_host_free(fz_host *h)
{
    eni_ctx_free(h->ctx);
    h->ctx = NULL;
}
