/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Every string the API parses: VPC and subnet CIDRs (IPv4 and IPv6),
 * availability zones, group names and descriptions, instance types,
 * interface addresses (primary, secondary, IPv6) and descriptions, the
 * private address of an Elastic IP association, prefix-list names and
 * entries, rule CIDRs and descriptions, id strings, the ids EC2 gave
 * objects (given ids), remote-member sources and addresses.
 *
 * Input: an operation byte, a byte of flags, then up to four strings
 * separated by NULs. Each input gets a small host of its own (a VPC, a
 * subnet, a group, an available interface, a prefix list, an Elastic IP;
 * nothing attached, so it is cheap).
 *
 * Checks: a refusal records its code and changes nothing (fz_outcome); an
 * accepted address or CIDR is one inet_pton() reads too, and reads back
 * (describe) as the same value; accepted names and descriptions read back
 * unchanged; an instance type is accepted by eni_instance_create() only if
 * eni_instance_type_lookup() knows it; a rule that was authorized can be
 * revoked with the same spec, and remote members stated can be forgotten,
 * either restoring the model exactly; an object made under a given id
 * prints as that id and is found by it.
 *
 * ENI_FUZZ_VERBOSE=1 prints each call and its result. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct host {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id sg;
    eni_nic_id nic;
    eni_prefix_list_id pl;
    eni_eip_id eip;
};

static void host_new(struct host *h)
{
    memset(h, 0, sizeof *h);
    h->ctx = fz_ctx_new(2);
    fz_network(h->ctx, &h->vpc, &h->subnet);
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = gs.description = "web";
    FZ_OK(eni_sg_create(h->ctx, &gs, &h->sg));
    /* A group remembers that its outbound rules were edited (an IPv6 block
     * associated later adds no ::/0 rule to it, D34); edit them once here,
     * so that authorize-then-revoke leaves the dump exactly as it was. */
    eni_sg_rule_spec edit = ENI_SG_RULE_SPEC_INIT;
    edit.protocol = 6;
    edit.from_port = edit.to_port = 443;
    edit.peer_kind = ENI_PEER_CIDR;
    edit.cidr = "192.0.2.0/24";
    FZ_OK(eni_sg_authorize(h->ctx, h->sg, ENI_EGRESS, &edit, 1, NULL));
    FZ_OK(eni_sg_revoke(h->ctx, h->sg, ENI_EGRESS, &edit, 1));
    const char *second[] = {"10.0.1.11", "10.0.1.50"}, *v6[] = {"2001:db8:0:100::50"};
    eni_nic_spec ns;
    fz_nic_spec(&ns, h->subnet, "10.0.1.10", v6, 1, NULL, 0);
    ns.secondary_ips = second;
    ns.secondary_ip_list_len = 2;
    FZ_OK(eni_nic_create(h->ctx, &ns, &h->nic));
    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.family = 4;
    ps.name = "partners";
    ps.max_entries = 5;
    FZ_OK(eni_prefix_list_create(h->ctx, &ps, &h->pl));
    const char *entries[] = {"100.64.0.0/10"};
    FZ_OK(eni_prefix_list_modify(h->ctx, h->pl, entries, 1, NULL, 0));
    FZ_OK(eni_eip_allocate(h->ctx, &h->eip));
}

/* ---- a reference reader for addresses and CIDRs ---------------------------- */

struct ref {
    int family; /* 4 or 6 */
    uint8_t b[16];
    int len; /* prefix length; -1 for an address */
};

static bool ref_addr(const char *s, struct ref *r)
{
    memset(r, 0, sizeof *r);
    r->len = -1;
    if (inet_pton(AF_INET, s, r->b) == 1)
        r->family = 4;
    else if (inet_pton(AF_INET6, s, r->b) == 1)
        r->family = 6;
    return r->family != 0;
}

/* "address/length", the length in plain decimal within the family's range. */
static bool ref_prefix(const char *s, struct ref *r)
{
    const char *slash = strrchr(s, '/');
    if (!slash || slash - s >= 64 || !slash[1] || strlen(slash + 1) > 3)
        return false;
    char a[64];
    memcpy(a, s, (size_t)(slash - s));
    a[slash - s] = '\0';
    if (!ref_addr(a, r))
        return false;
    int len = 0;
    for (const char *p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        len = len * 10 + (*p - '0');
    }
    if ((slash[1] == '0' && slash[2]) || len > (r->family == 4 ? 32 : 128))
        return false;
    r->len = len;
    return true;
}

static void clear_host_bits(struct ref *r)
{
    int bits = r->family == 4 ? 32 : 128;
    for (int i = r->len; i < bits; i++)
        r->b[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
}

static bool ref_equal(const struct ref *a, const struct ref *b)
{
    return a->family == b->family && a->len == b->len && memcmp(a->b, b->b, 16) == 0;
}

/* libeni accepted @p given; @p shown is how it reads back: the same address
 * or CIDR (host bits cleared when @p canonical). */
static void same_value(const char *what, const char *given, const char *shown, bool prefix,
                       bool canonical)
{
    struct ref g, s;
    bool ok = prefix ? ref_prefix(given, &g) : ref_addr(given, &g);
    FZ_CHECK(ok, "%s '%s' was accepted, but inet_pton and a decimal length refuse it", what,
             given);
    FZ_CHECK(prefix ? ref_prefix(shown, &s) : ref_addr(shown, &s),
             "%s '%s' reads back as '%s', which does not parse", what, given, shown);
    if (canonical)
        clear_host_bits(&g);
    FZ_CHECK(ref_equal(&g, &s), "%s '%s' reads back as '%s'", what, given, shown);
}

/* ---- the operations --------------------------------------------------------- */

enum { MAXS = 4, SLEN = 320 };

struct args {
    uint8_t flags;
    char s[MAXS][SLEN];
};

/* The given strings from index @p from on that are not empty, as a list. */
static uint32_t list_of(struct args *a, unsigned from, unsigned to, const char **out)
{
    uint32_t n = 0;
    for (unsigned i = from; i < to && i < MAXS; i++)
        if (a->s[i][0])
            out[n++] = a->s[i];
    return n;
}

static const char *opt(struct args *a, unsigned i)
{
    return a->s[i][0] || (a->flags & 0x80) ? a->s[i] : NULL;
}

static int op_vpc(struct host *h, struct args *a)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = a->s[0];
    vs.ipv6_cidr_block = opt(a, 1);
    vs.flags = a->flags & 1 ? ENI_VPC_AMAZON_IPV6 : 0;
    eni_vpc_id id;
    int rc = eni_vpc_create(h->ctx, &vs, &id);
    if (rc == ENI_OK) {
        eni_vpc_info vi = ENI_VPC_INFO_INIT;
        FZ_OK(eni_vpc_describe(h->ctx, id, &vi));
        same_value("VPC CIDR", a->s[0], vi.cidr_block, true, false);
        if (vs.ipv6_cidr_block)
            same_value("VPC IPv6 CIDR", vs.ipv6_cidr_block, vi.ipv6_cidr_block, true, false);
    }
    return rc;
}

static int op_subnet(struct host *h, struct args *a)
{
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = h->vpc;
    ss.availability_zone = a->s[0];
    ss.cidr_block = a->s[1];
    ss.ipv6_cidr_block = opt(a, 2);
    ss.flags = a->flags & 3u;
    eni_subnet_id id;
    int rc = eni_subnet_create(h->ctx, &ss, &id);
    if (rc == ENI_OK) {
        eni_subnet_info si = ENI_SUBNET_INFO_INIT;
        FZ_OK(eni_subnet_describe(h->ctx, id, &si));
        FZ_CHECK(strcmp(si.availability_zone, a->s[0]) == 0, "zone '%s' reads back as '%s'",
                 a->s[0], si.availability_zone);
        same_value("subnet CIDR", a->s[1], si.cidr_block, true, false);
        if (ss.ipv6_cidr_block)
            same_value("subnet IPv6 CIDR", ss.ipv6_cidr_block, si.ipv6_cidr_block, true, false);
    }
    return rc;
}

static int op_sg(struct host *h, struct args *a)
{
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = h->vpc;
    gs.name = opt(a, 0);
    gs.description = opt(a, 1);
    eni_sg_id id;
    int rc = eni_sg_create(h->ctx, &gs, &id);
    if (rc == ENI_OK) {
        eni_sg_info gi = ENI_SG_INFO_INIT;
        FZ_OK(eni_sg_describe(h->ctx, id, &gi));
        /* EC2 trims trailing spaces from group names (docs/ec2-sections.md 4.1) */
        size_t nlen = strlen(a->s[0]);
        while (nlen && a->s[0][nlen - 1] == ' ')
            nlen--;
        FZ_CHECK(strlen(gi.name) == nlen && strncmp(gi.name, a->s[0], nlen) == 0 &&
                     strcmp(gi.description, a->s[1]) == 0,
                 "group '%s' / '%s' reads back as '%s' / '%s'", a->s[0], a->s[1], gi.name,
                 gi.description);
    }
    return rc;
}

static int op_instance(struct host *h, struct args *a)
{
    eni_instance_type_info ti = ENI_INSTANCE_TYPE_INFO_INIT;
    int lrc = eni_instance_type_lookup(a->s[0], &ti);
    if (lrc == ENI_OK)
        FZ_CHECK(strcmp(ti.name, a->s[0]) == 0, "type '%s' found as '%s'", a->s[0], ti.name);
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = opt(a, 0);
    is.subnet = h->subnet;
    is.virtualization = a->flags & 1 ? ENI_VIRT_PARAVIRTUAL : ENI_VIRT_HVM;
    is.platform = a->flags & 2 ? ENI_PLATFORM_WINDOWS : ENI_PLATFORM_LINUX;
    eni_instance_id id;
    int rc = eni_instance_create(h->ctx, &is, &id);
    FZ_CHECK(rc != ENI_OK || lrc == ENI_OK, "instance of unknown type '%s' created", a->s[0]);
    return rc;
}

/* Each address of @p ips is on the interface. */
static void has_addresses(struct host *h, eni_nic_id nic, const char **ips, uint32_t n)
{
    eni_nic_address got[64];
    uint32_t count = 0;
    FZ_OK(eni_nic_get_addresses(h->ctx, nic, got, 64, &count));
    for (uint32_t i = 0; i < n; i++) {
        struct ref want, have;
        FZ_CHECK(ref_addr(ips[i], &want), "address '%s' was accepted, but inet_pton refuses it",
                 ips[i]);
        bool found = false;
        for (uint32_t j = 0; j < count && j < 64 && !found; j++)
            found = ref_addr(got[j].address, &have) && ref_equal(&want, &have);
        FZ_CHECK(found, "address '%s' was accepted but is not on the interface", ips[i]);
    }
}

static int op_nic(struct host *h, struct args *a)
{
    const char *second[1], *v6[1];
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h->subnet;
    ns.private_ip = opt(a, 0);
    ns.description = opt(a, 1);
    ns.secondary_ips = second;
    ns.secondary_ip_list_len = list_of(a, 2, 3, second);
    ns.ipv6_addresses = v6;
    ns.ipv6_list_len = list_of(a, 3, 4, v6);
    ns.type = a->flags & 3u;
    eni_nic_id id;
    int rc = eni_nic_create(h->ctx, &ns, &id);
    if (rc == ENI_OK) {
        eni_nic_info ni = ENI_NIC_INFO_INIT;
        FZ_OK(eni_nic_describe(h->ctx, id, &ni));
        if (ns.private_ip)
            same_value("private IP", ns.private_ip, ni.private_ip, false, false);
        FZ_CHECK(strcmp(ni.description, ns.description ? ns.description : "") == 0,
                 "description '%s' reads back as '%s'", a->s[1], ni.description);
        has_addresses(h, id, second, ns.secondary_ip_list_len);
        has_addresses(h, id, v6, ns.ipv6_list_len);
    }
    return rc;
}

static int op_description(struct host *h, struct args *a)
{
    int rc = eni_nic_set_description(h->ctx, h->nic, opt(a, 0));
    if (rc == ENI_OK) {
        eni_nic_info ni = ENI_NIC_INFO_INIT;
        FZ_OK(eni_nic_describe(h->ctx, h->nic, &ni));
        FZ_CHECK(strcmp(ni.description, a->s[0]) == 0, "description '%s' reads back as '%s'",
                 a->s[0], ni.description);
    }
    return rc;
}

static int op_addresses(struct host *h, struct args *a, unsigned which)
{
    const char *ips[MAXS];
    uint32_t n = list_of(a, 0, MAXS, ips);
    const char *const *arg = n || !(a->flags & 0x40) ? ips : NULL;
    int rc;
    switch (which) {
    case 0:
        rc = eni_nic_assign_private_ips(h->ctx, h->nic, arg, n, a->flags & 0x20 ? 1 : 0,
                                        a->flags & 1);
        break;
    case 1:
        rc = eni_nic_unassign_private_ips(h->ctx, h->nic, arg, n);
        break;
    case 2:
        rc = eni_nic_assign_ipv6(h->ctx, h->nic, arg, n, a->flags & 0x20 ? 1 : 0);
        break;
    default:
        rc = eni_nic_unassign_ipv6(h->ctx, h->nic, arg, n);
        break;
    }
    if (rc == ENI_OK && (which == 0 || which == 2))
        has_addresses(h, h->nic, ips, n);
    return rc;
}

static int op_eip(struct host *h, struct args *a)
{
    eni_eip_assoc_id assoc;
    int rc = eni_eip_associate(h->ctx, h->eip, h->nic, opt(a, 0), a->flags & 1, &assoc);
    if (rc == ENI_OK && a->s[0][0]) {
        eni_eip_info ei = ENI_EIP_INFO_INIT;
        FZ_OK(eni_eip_describe(h->ctx, h->eip, &ei));
        same_value("Elastic IP private address", a->s[0], ei.private_ip, false, false);
    }
    return rc;
}

static int op_prefix_list(struct host *h, struct args *a)
{
    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.family = a->flags & 1 ? 6 : 4;
    ps.name = opt(a, 0);
    ps.max_entries = 1 + (a->flags >> 1 & 7u);
    eni_prefix_list_id id;
    int rc = eni_prefix_list_create(h->ctx, &ps, &id);
    if (rc == ENI_OK) {
        eni_prefix_list_info pi = ENI_PREFIX_LIST_INFO_INIT;
        FZ_OK(eni_prefix_list_describe(h->ctx, id, &pi));
        FZ_CHECK(strcmp(pi.name, a->s[0]) == 0, "name '%s' reads back as '%s'", a->s[0],
                 pi.name);
    }
    return rc;
}

static int op_prefix_entries(struct host *h, struct args *a)
{
    const char *add[MAXS], *rem[MAXS];
    uint32_t nadd = list_of(a, 0, 2, add), nrem = list_of(a, 2, 4, rem);
    int rc = eni_prefix_list_modify(h->ctx, h->pl, add, nadd, rem, nrem);
    if (rc == ENI_OK) {
        char entries[8][ENI_CIDR_STRING_MAX];
        uint32_t count = 0;
        FZ_OK(eni_prefix_list_get_entries(h->ctx, h->pl, &entries[0][0], 8, &count));
        for (uint32_t i = 0; i < nadd; i++) {
            struct ref want, have;
            FZ_CHECK(ref_prefix(add[i], &want), "entry '%s' accepted, but it is no CIDR", add[i]);
            clear_host_bits(&want);
            bool found = false;
            for (uint32_t j = 0; j < count && j < 8 && !found; j++)
                found = ref_prefix(entries[j], &have) && ref_equal(&want, &have);
            FZ_CHECK(found, "entry '%s' was added but is not in the list", add[i]);
        }
    }
    return rc;
}

static void rule_spec(struct args *a, eni_sg_rule_spec *r)
{
    static const int protos[] = {ENI_PROTO_ALL, 6, 17, 1, 58, 47};
    *r = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
    r->peer_kind = ENI_PEER_CIDR;
    r->protocol = protos[(a->flags & 0x0f) % 6];
    r->from_port = r->protocol == 6 || r->protocol == 17 ? 443 : -1;
    r->to_port = r->from_port;
    r->cidr = opt(a, 0);
    r->description = opt(a, 1);
}

static int op_authorize(struct host *h, struct args *a, char *before)
{
    eni_sg_rule_spec r;
    rule_spec(a, &r);
    eni_direction dir = a->flags & 0x10 ? ENI_EGRESS : ENI_INGRESS;
    eni_sg_rule_id id;
    int rc = eni_sg_authorize(h->ctx, h->sg, dir, &r, 1, &id);
    if (rc == ENI_OK) {
        eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
        FZ_OK(eni_sg_rule_describe(h->ctx, id, &ri));
        same_value("rule CIDR", a->s[0], ri.cidr, true, true);
        FZ_CHECK(strcmp(ri.description, a->s[1]) == 0, "rule description '%s' reads back as '%s'",
                 a->s[1], ri.description);
        FZ_OK(eni_sg_revoke(h->ctx, h->sg, dir, &r, 1));
        char *after = fz_dump(h->ctx);
        FZ_CHECK(strcmp(before, after) == 0, "authorize then revoke of '%s' changed the model",
                 a->s[0]);
        free(after);
    }
    return rc;
}

static int op_revoke(struct host *h, struct args *a)
{
    eni_sg_rule_spec r;
    rule_spec(a, &r);
    return eni_sg_revoke(h->ctx, h->sg, a->flags & 0x10 ? ENI_EGRESS : ENI_INGRESS, &r, 1);
}

static int op_id(struct host *h, struct args *a)
{
    uint64_t out = 0;
    return eni_id_parse(h->ctx, a->s[0], ENI_KIND_NONE, &out);
}

/* An object made under a given id prints as it and is found by it. */
static void named_as(struct host *h, uint64_t id, const char *given)
{
    if (!given)
        return;
    char s[ENI_ID_STRING_MAX];
    FZ_OK(eni_id_format(h->ctx, id, s, sizeof s));
    FZ_CHECK(strcmp(s, given) == 0, "made under the id '%s', it prints as '%s'", given, s);
    uint64_t back = 0;
    FZ_OK(eni_id_parse(h->ctx, given, eni_id_kind(id), &back));
    FZ_CHECK(back == id, "the given id '%s' finds another object", given);
}

static int op_given_ids(struct host *h, struct args *a)
{
    const char *id = opt(a, 0), *id2 = opt(a, 1);
    switch (a->flags % 3) {
    case 0: {
        eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
        vs.cidr_block = "10.9.0.0/16";
        vs.id = id;
        vs.default_group_id = id2;
        eni_vpc_id vpc;
        int rc = eni_vpc_create(h->ctx, &vs, &vpc);
        if (rc == ENI_OK) {
            eni_vpc_info vi = ENI_VPC_INFO_INIT;
            FZ_OK(eni_vpc_describe(h->ctx, vpc, &vi));
            named_as(h, vpc.v, id);
            named_as(h, vi.default_group.v, id2);
        }
        return rc;
    }
    case 1: {
        eni_sg_spec gs = ENI_SG_SPEC_INIT;
        gs.vpc = h->vpc;
        gs.name = gs.description = "given";
        gs.id = id;
        eni_sg_id sg;
        int rc = eni_sg_create(h->ctx, &gs, &sg);
        if (rc == ENI_OK)
            named_as(h, sg.v, id);
        return rc;
    }
    default: {
        eni_eip_id eip;
        int rc = eni_eip_allocate_id(h->ctx, id, &eip);
        if (rc == ENI_OK)
            named_as(h, eip.v, id);
        return rc;
    }
    }
}

static int op_remote_members(struct host *h, struct args *a, char *before)
{
    const char *addrs[MAXS];
    uint32_t n = list_of(a, 1, MAXS, addrs);
    if (a->flags & 1)
        return eni_ctx_clear_remote_source(h->ctx, opt(a, 0), NULL);
    int rc = eni_sg_set_remote_members(h->ctx, h->sg, opt(a, 0), n ? addrs : NULL, n);
    if (rc == ENI_OK) {
        char got[8][ENI_IP_STRING_MAX];
        uint32_t count = 0;
        FZ_OK(eni_sg_get_remote_members(h->ctx, h->sg, a->s[0], &got[0][0], 8, &count));
        FZ_CHECK(count <= n, "%u addresses stated, %u kept", n, count);
        for (uint32_t i = 0; i < n; i++) {
            struct ref want, have;
            FZ_CHECK(ref_addr(addrs[i], &want), "member '%s' accepted, but inet_pton refuses it",
                     addrs[i]);
            bool found = false;
            for (uint32_t j = 0; j < count && !found; j++)
                found = ref_addr(got[j], &have) && ref_equal(&want, &have);
            FZ_CHECK(found, "member '%s' was stated but is not listed", addrs[i]);
        }
        FZ_OK(eni_sg_clear_remote_members(h->ctx, h->sg, a->s[0]));
        char *after = fz_dump(h->ctx);
        FZ_CHECK(strcmp(before, after) == 0, "stating then forgetting members from '%s' changed "
                 "the model", a->s[0]);
        free(after);
    }
    return rc;
}

static const char *const OP_NAMES[] = {
    "eni_vpc_create",           "eni_subnet_create",       "eni_sg_create",
    "eni_instance_create",      "eni_nic_create",          "eni_nic_set_description",
    "eni_nic_assign_private_ips", "eni_nic_unassign_private_ips", "eni_nic_assign_ipv6",
    "eni_nic_unassign_ipv6",    "eni_eip_associate",       "eni_prefix_list_create",
    "eni_prefix_list_modify",   "eni_sg_authorize",        "eni_sg_revoke",
    "eni_id_parse",             "given ids (vpc, sg, eip)", "eni_sg_set_remote_members",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    unsigned op = fz_below(&in, sizeof OP_NAMES / sizeof OP_NAMES[0]);
    static struct args a;
    a.flags = fz_u8(&in);
    for (unsigned i = 0; i < MAXS; i++)
        fz_cstr(&in, a.s[i], SLEN);

    struct host h;
    host_new(&h);
    char *before = fz_dump(h.ctx);
    int rc;
    eni_error_clear();
    switch (op) {
    case 0: rc = op_vpc(&h, &a); break;
    case 1: rc = op_subnet(&h, &a); break;
    case 2: rc = op_sg(&h, &a); break;
    case 3: rc = op_instance(&h, &a); break;
    case 4: rc = op_nic(&h, &a); break;
    case 5: rc = op_description(&h, &a); break;
    case 6: case 7: case 8: case 9: rc = op_addresses(&h, &a, op - 6); break;
    case 10: rc = op_eip(&h, &a); break;
    case 11: rc = op_prefix_list(&h, &a); break;
    case 12: rc = op_prefix_entries(&h, &a); break;
    case 13: rc = op_authorize(&h, &a, before); break;
    case 14: rc = op_revoke(&h, &a); break;
    case 15: rc = op_id(&h, &a); break;
    case 16: rc = op_given_ids(&h, &a); break;
    default: rc = op_remote_members(&h, &a, before); break;
    }
    if (getenv("ENI_FUZZ_VERBOSE"))
        fprintf(stderr, "%s '%s' '%s': %s\n", OP_NAMES[op], a.s[0], a.s[1], eni_err_name(rc));
    fz_outcome(h.ctx, OP_NAMES[op], rc, before);
    eni_ctx_free(h.ctx);
    return 0;
}
