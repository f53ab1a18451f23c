/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The model as a whole: the input is decoded into a sequence of public
 * calls (create, delete, attach, detach, assign, unassign, authorize,
 * revoke, evaluate, poll, the mock's faults...) on one fresh ctx, with live,
 * stale (deleted), null, wrong-kind and garbage handles.
 *
 * Input: a sequence of operations, each an operation byte followed by the
 * bytes that operation reads (handles, table indexes, numbers). A handle
 * byte below 0xf0 picks one of the last ids of the wanted kind that the
 * sequence created (deleted ones stay in the pick list: stale ids); 0xf0 is
 * the null id, 0xf1..0xf3 eight raw bytes, above that an id of another kind.
 *
 * Checks, after every call: eni_ctx_check() passes; a refusal recorded its
 * own code with a message, left its out-parameters untouched and the model
 * exactly as it was (eni_ctx_dump() before and after); explain predicts the
 * evaluation that follows it; listed ids describe; formatted ids parse back;
 * events come in sequence order. eni_ctx_poll() is the one call exempt from
 * the refusal check: it applies backend completions before a callback may
 * stop it.
 *
 * ENI_FUZZ_VERBOSE=1 prints each call and its result (to check what a seed
 * reaches). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

enum { K_VPC, K_SUBNET, K_SG, K_RULE, K_PL, K_NIC, K_INST, K_ATT, K_EIP, K_ASSOC, K_COUNT };
enum { SLOTS = 8, MAX_OPS = 96 };
#define SENT 0x5a5a5a5a5a5a5a5aull

struct state {
    eni_ctx *ctx;
    eni_eval_worker *w;
    fz_in *in;
    uint64_t ids[K_COUNT][SLOTS];
    unsigned next[K_COUNT], count[K_COUNT];
    unsigned names;
    uint64_t now, last_seq;
    bool stop_poll;
};

static void remember(struct state *s, int k, uint64_t id)
{
    if (!id)
        return;
    s->ids[k][s->next[k]++ % SLOTS] = id;
    if (s->count[k] < SLOTS)
        s->count[k]++;
}

static uint64_t handle(struct state *s, int k)
{
    uint8_t b = fz_u8(s->in);
    if (b < 0xf0)
        return s->count[k] ? s->ids[k][b % s->count[k]] : 0;
    if (b == 0xf0)
        return 0;
    if (b <= 0xf3)
        return fz_u64(s->in);
    int other = (k + 1 + (b & 7)) % K_COUNT;
    return s->count[other] ? s->ids[other][0] : 0;
}

#define H(s, type, k) ((type){handle((s), (k))})
#define PICK(s, table) FZ_PICK((s)->in, table)
/* An out-parameter left untouched by a refusal. */
#define UNTOUCHED(rc, id) \
    FZ_CHECK((rc) == ENI_OK || (id).v == SENT, "a refused call wrote its output id")

/* ---- tables the operations pick from ---------------------------------------- */

static const char *const VPC_CIDRS[] = {"10.0.0.0/16", "10.1.0.0/16", "172.16.0.0/20",
                                        "192.168.0.0/24", "10.2.0.0/28", "10.3.0.0/15",
                                        "10.0.0.1/16"};
static const char *const VPC_V6[] = {NULL, "2001:db8:1::/56", "2001:db8:2::/56", "2001:db8::/48"};
static const char *const SUBNET_CIDRS[] = {"10.0.1.0/24", "10.0.2.0/24", "10.1.1.0/24",
                                           "172.16.0.0/24", "192.168.0.0/26", "10.0.0.0/16",
                                           "10.0.1.0/28", "10.0.1.128/25"};
static const char *const ZONES[] = {"us-east-1a", "us-east-1b", "Bad_Zone"};
static const char *const IPV4[] = {"10.0.1.10", "10.0.1.11", "10.0.1.12", "10.0.2.10",
                                   "10.1.1.10", "172.16.0.10", "10.0.1.0", "10.0.1.255",
                                   "192.168.0.9", "10.7.0.5"};
static const char *const CIDRS[] = {"0.0.0.0/0", "::/0", "10.0.0.0/8", "2001:db8::/32",
                                    "10.0.1.5/32", "10.0.1.0/24", "not-a-cidr"};
static const char *const PL_ENTRIES[] = {"100.64.0.0/10", "172.16.0.0/12", "10.0.0.0/8",
                                         "2001:db8::/32", "1.2.3.4/32"};
static const char *const TYPES[] = {"m5.large", "t2.micro", "c5n.18xlarge", "p4d.24xlarge",
                                    "m1.small", "t3.nano", "nope.large"};
static const char *const TEXTS[] = {NULL, "", "a description", "web", "default", "sg-123"};
static const int PROTOS[] = {ENI_PROTO_ALL, 6, 17, 1, 58, 47, 0, 300, -2};
static const int PORTS[][2] = {{-1, -1}, {22, 22},   {0, 65535},    {1000, 2000}, {8, 0},
                               {3, -1},  {-1, 0},    {70000, 1},    {2000, 1000}};
static const uint32_t STATES[] = {ENI_INSTANCE_PENDING, ENI_INSTANCE_RUNNING,
                                  ENI_INSTANCE_SHUTTING_DOWN, ENI_INSTANCE_TERMINATED,
                                  ENI_INSTANCE_STOPPING, ENI_INSTANCE_STOPPED, 17};
static const uint32_t TIMEOUTS[] = {0, 30, 60, 180, 432000, 432001};
/* Ids EC2 gave (NULL: libeni mints one), some of another kind or malformed. */
static const char *const GIVEN_VPC[] = {NULL, "vpc-0123456789abcdef0", "vpc-01234567", "vpc-xyz"};
static const char *const GIVEN_SG[] = {NULL, "sg-01234567", "sg-0123456789abcdef0",
                                       "vpc-01234567"};
static const char *const SOURCES[] = {"host-a", "host-b.example", "bad source", ""};

/* ---- operations ---------------------------------------------------------------
 * Each makes at most one call that may change the model, and makes it
 * last unless it succeeded (so eni_error_last() is that call's). */

static int op_vpc_create(struct state *s)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = PICK(s, VPC_CIDRS);
    vs.ipv6_cidr_block = PICK(s, VPC_V6);
    uint8_t b = fz_u8(s->in);
    vs.flags = b % 3; /* 2: an unknown flag */
    vs.id = GIVEN_VPC[(b >> 2) & 3];
    vs.default_group_id = GIVEN_SG[(b >> 4) & 3];
    eni_vpc_id id = {SENT};
    int rc = eni_vpc_create(s->ctx, &vs, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK) {
        eni_vpc_info vi = ENI_VPC_INFO_INIT;
        FZ_OK(eni_vpc_describe(s->ctx, id, &vi));
        remember(s, K_VPC, id.v);
        remember(s, K_SG, vi.default_group.v);
    }
    return rc;
}

static int op_vpc_delete(struct state *s)
{
    return eni_vpc_delete(s->ctx, H(s, eni_vpc_id, K_VPC));
}

/* The /64 number @p idx inside the VPC's /56, or NULL if it has none. */
static const char *subnet_v6(struct state *s, eni_vpc_id vpc, uint8_t idx, char *buf)
{
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    if (eni_vpc_describe(s->ctx, vpc, &vi) != ENI_OK || !vi.ipv6_cidr_block[0])
        return idx & 1 ? "2001:db8:9::/64" : NULL;
    char *slash = strchr(vi.ipv6_cidr_block, '/');
    if (slash)
        *slash = '\0';
    uint8_t b[16];
    if (inet_pton(AF_INET6, vi.ipv6_cidr_block, b) != 1)
        return NULL;
    b[7] = idx;
    char a[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b, a, sizeof a);
    snprintf(buf, ENI_CIDR_STRING_MAX, "%s/%s", a, idx & 0x80 ? "60" : "64");
    return buf;
}

static int op_subnet_create(struct state *s)
{
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    char v6[ENI_CIDR_STRING_MAX];
    ss.vpc = H(s, eni_vpc_id, K_VPC);
    ss.cidr_block = PICK(s, SUBNET_CIDRS);
    ss.availability_zone = PICK(s, ZONES);
    uint8_t b = fz_u8(s->in);
    ss.ipv6_cidr_block = b & 1 ? subnet_v6(s, ss.vpc, fz_u8(s->in), v6) : NULL;
    ss.flags = (b >> 1) % 5; /* 4: an unknown flag */
    eni_subnet_id id = {SENT};
    int rc = eni_subnet_create(s->ctx, &ss, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_SUBNET, id.v);
    return rc;
}

static int op_subnet_delete(struct state *s)
{
    return eni_subnet_delete(s->ctx, H(s, eni_subnet_id, K_SUBNET));
}

static int op_subnet_flags(struct state *s)
{
    eni_subnet_id sn = H(s, eni_subnet_id, K_SUBNET);
    return eni_subnet_set_flags(s->ctx, sn, fz_u8(s->in) % 5);
}

static int op_sg_create(struct state *s)
{
    char name[32];
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = H(s, eni_vpc_id, K_VPC);
    uint8_t b = fz_u8(s->in);
    if (b & 1) {
        snprintf(name, sizeof name, "g%u", s->names++ % 6);
        gs.name = name;
    } else {
        gs.name = TEXTS[(b >> 1) % 6];
    }
    gs.description = b & 0x80 ? NULL : "a group";
    gs.id = GIVEN_SG[(b >> 4) & 3];
    eni_sg_id id = {SENT};
    int rc = eni_sg_create(s->ctx, &gs, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_SG, id.v);
    return rc;
}

static int op_sg_delete(struct state *s)
{
    return eni_sg_delete(s->ctx, H(s, eni_sg_id, K_SG));
}

static void decode_rule(struct state *s, eni_sg_rule_spec *r)
{
    *r = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
    r->protocol = PICK(s, PROTOS);
    uint32_t p = fz_below(s->in, sizeof PORTS / sizeof PORTS[0]);
    r->from_port = PORTS[p][0];
    r->to_port = PORTS[p][1];
    uint8_t b = fz_u8(s->in);
    r->peer_kind = 1 + b % 4; /* 4: unknown */
    r->cidr = PICK(s, CIDRS);
    if (r->peer_kind == ENI_PEER_GROUP || (b & 0x10))
        r->group = H(s, eni_sg_id, K_SG);
    if (r->peer_kind == ENI_PEER_PREFIX_LIST || (b & 0x20))
        r->prefix_list = H(s, eni_prefix_list_id, K_PL);
    if (r->peer_kind != ENI_PEER_CIDR && !(b & 0x40))
        r->cidr = NULL;
    r->description = b & 0x80 ? "rule" : NULL;
}

static uint32_t decode_rules(struct state *s, eni_sg_rule_spec *r)
{
    uint32_t n = 1 + fz_u8(s->in) % 3;
    for (uint32_t i = 0; i < n; i++)
        decode_rule(s, &r[i]);
    return n;
}

static eni_direction direction(struct state *s)
{
    return (eni_direction)(1 + fz_u8(s->in) % 3); /* 3: unknown */
}

static int op_authorize(struct state *s)
{
    eni_sg_id sg = H(s, eni_sg_id, K_SG);
    eni_direction dir = direction(s);
    eni_sg_rule_spec r[3];
    uint32_t n = decode_rules(s, r);
    eni_sg_rule_id ids[3] = {{SENT}, {SENT}, {SENT}};
    int rc = eni_sg_authorize(s->ctx, sg, dir, r, n, ids);
    for (uint32_t i = 0; i < n; i++) {
        UNTOUCHED(rc, ids[i]);
        if (rc == ENI_OK)
            remember(s, K_RULE, ids[i].v);
    }
    return rc;
}

static int op_revoke(struct state *s)
{
    eni_sg_id sg = H(s, eni_sg_id, K_SG);
    eni_direction dir = direction(s);
    eni_sg_rule_spec r[3];
    uint32_t n = decode_rules(s, r);
    return eni_sg_revoke(s->ctx, sg, dir, r, n);
}

static int op_revoke_rules(struct state *s)
{
    eni_sg_id sg = H(s, eni_sg_id, K_SG);
    eni_sg_rule_id r[3];
    uint32_t n = fz_u8(s->in) % 4; /* 0: refused */
    for (uint32_t i = 0; i < n; i++)
        r[i] = H(s, eni_sg_rule_id, K_RULE);
    return eni_sg_revoke_rules(s->ctx, sg, n ? r : NULL, n);
}

static int op_pl_create(struct state *s)
{
    static const uint32_t max[] = {1, 3, 1000, 1001, 0};
    char name[32];
    snprintf(name, sizeof name, "pl%u", s->names++ % 4);
    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.family = 4 + fz_u8(s->in) % 3; /* 4, 5 (bad), 6 */
    ps.name = fz_u8(s->in) & 1 ? name : "com.amazonaws.s3";
    ps.max_entries = PICK(s, max);
    eni_prefix_list_id id = {SENT};
    int rc = eni_prefix_list_create(s->ctx, &ps, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_PL, id.v);
    return rc;
}

static int op_pl_modify(struct state *s)
{
    eni_prefix_list_id pl = H(s, eni_prefix_list_id, K_PL);
    const char *add[2], *rem[1];
    uint32_t nadd = fz_u8(s->in) % 3, nrem = fz_u8(s->in) % 2;
    for (uint32_t i = 0; i < nadd; i++)
        add[i] = PICK(s, PL_ENTRIES);
    for (uint32_t i = 0; i < nrem; i++)
        rem[i] = PICK(s, PL_ENTRIES);
    return eni_prefix_list_modify(s->ctx, pl, nadd ? add : NULL, nadd, nrem ? rem : NULL, nrem);
}

static int op_pl_delete(struct state *s)
{
    return eni_prefix_list_delete(s->ctx, H(s, eni_prefix_list_id, K_PL));
}

static void groups_of(struct state *s, eni_sg_id *g, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        g[i] = H(s, eni_sg_id, K_SG);
}

static void nic_spec(struct state *s, eni_nic_spec *ns, eni_sg_id *g, const char **second)
{
    *ns = (eni_nic_spec)ENI_NIC_SPEC_INIT;
    ns->subnet = H(s, eni_subnet_id, K_SUBNET);
    uint8_t b = fz_u8(s->in);
    ns->type = b % 5; /* 4: unknown */
    ns->private_ip = b & 0x08 ? PICK(s, IPV4) : NULL;
    if (b & 0x10) {
        second[0] = PICK(s, IPV4);
        ns->secondary_ips = second;
        ns->secondary_ip_list_len = 1;
    }
    ns->secondary_ip_count = b & 0x20 ? 1 : 0;
    ns->ipv6_count = b & 0x40 ? 1 : 0;
    ns->flags = b & 0x80 ? ENI_NIC_SPEC_NO_IPV6 : 0;
    ns->group_count = fz_u8(s->in) % 3;
    groups_of(s, g, ns->group_count);
    ns->groups = ns->group_count ? g : NULL;
    ns->description = PICK(s, TEXTS);
}

static int op_nic_create(struct state *s)
{
    eni_nic_spec ns;
    eni_sg_id g[2];
    const char *second[1];
    nic_spec(s, &ns, g, second);
    eni_nic_id id = {SENT};
    int rc = eni_nic_create(s->ctx, &ns, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_NIC, id.v);
    return rc;
}

static int op_nic_delete(struct state *s)
{
    return eni_nic_delete(s->ctx, H(s, eni_nic_id, K_NIC));
}

static int op_nic_groups(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    eni_sg_id g[3];
    uint32_t n = fz_u8(s->in) % 4;
    groups_of(s, g, n);
    return eni_nic_set_groups(s->ctx, nic, n ? g : NULL, n);
}

static int op_nic_description(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    return eni_nic_set_description(s->ctx, nic, PICK(s, TEXTS));
}

static int op_nic_src_dst(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    return eni_nic_set_source_dest_check(s->ctx, nic, fz_u8(s->in) % 3);
}

static int op_nic_timeouts(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    eni_conntrack_timeouts t = {PICK(s, TIMEOUTS), PICK(s, TIMEOUTS), PICK(s, TIMEOUTS)};
    return eni_nic_set_conntrack_timeouts(s->ctx, nic, &t);
}

static int op_addresses(struct state *s, unsigned which)
{
    static const char *const V6[] = {"2001:db8:0:100::10", "2001:db8:1::10", "2001:db8:1::11",
                                     "fe80::1", "::"};
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    const char *ips[2];
    uint8_t b = fz_u8(s->in);
    uint32_t n = b % 3, count = (b >> 2) % 3;
    for (uint32_t i = 0; i < n; i++)
        ips[i] = which < 2 ? PICK(s, IPV4) : PICK(s, V6);
    const char *const *arg = n ? ips : NULL;
    switch (which) {
    case 0:
        return eni_nic_assign_private_ips(s->ctx, nic, arg, n, count, (b >> 4) % 3);
    case 1:
        return eni_nic_unassign_private_ips(s->ctx, nic, arg, n);
    case 2:
        return eni_nic_assign_ipv6(s->ctx, nic, arg, n, count);
    default:
        return eni_nic_unassign_ipv6(s->ctx, nic, arg, n);
    }
}

static int op_assign4(struct state *s) { return op_addresses(s, 0); }
static int op_unassign4(struct state *s) { return op_addresses(s, 1); }
static int op_assign6(struct state *s) { return op_addresses(s, 2); }
static int op_unassign6(struct state *s) { return op_addresses(s, 3); }

static void remember_attachments(struct state *s, eni_instance_id inst)
{
    eni_attachment_id att[8];
    uint32_t n = 0;
    FZ_OK(eni_instance_list_attachments(s->ctx, inst, att, 8, &n));
    for (uint32_t i = 0; i < n && i < 8; i++) {
        eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
        FZ_OK(eni_attachment_describe(s->ctx, att[i], &ai));
        remember(s, K_ATT, att[i].v);
        remember(s, K_NIC, ai.nic.v);
    }
}

static int op_instance_create(struct state *s)
{
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = PICK(s, TYPES);
    is.subnet = H(s, eni_subnet_id, K_SUBNET);
    uint8_t b = fz_u8(s->in);
    is.virtualization = 1 + b % 3; /* 3: unknown */
    is.platform = 1 + (b >> 2) % 2;
    is.flags = (b >> 3) % 3; /* 2: an unknown flag */
    eni_instance_id id = {SENT};
    int rc = eni_instance_create(s->ctx, &is, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_INST, id.v);
    return rc;
}

static int op_launch(struct state *s)
{
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    eni_launch_nic ln[2];
    eni_nic_spec ns[2];
    eni_sg_id g[2][2];
    const char *second[2][1];
    ls.instance_type = PICK(s, TYPES);
    ls.nic_count = 1 + fz_u8(s->in) % 2;
    for (uint32_t i = 0; i < ls.nic_count; i++) {
        ln[i] = (eni_launch_nic)ENI_LAUNCH_NIC_INIT;
        uint8_t b = fz_u8(s->in);
        ln[i].device_index = b & 0x80 ? (b & 3) : i;
        ln[i].network_card_index = (b >> 2) & 1;
        ln[i].flags = (b >> 3) & 7; /* KEEP, PUBLIC_IP, NO_PUBLIC_IP */
        if (b & 0x40) {
            ln[i].existing = H(s, eni_nic_id, K_NIC);
        } else {
            nic_spec(s, &ns[i], g[i], second[i]);
            ln[i].spec = &ns[i];
        }
    }
    ls.nics = ln;
    eni_instance_id id = {SENT};
    int rc = eni_instance_launch(s->ctx, &ls, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK) {
        remember(s, K_INST, id.v);
        remember_attachments(s, id);
    }
    return rc;
}

static int op_set_state(struct state *s)
{
    eni_instance_id inst = H(s, eni_instance_id, K_INST);
    return eni_instance_set_state(s->ctx, inst, PICK(s, STATES));
}

static int op_ena(struct state *s)
{
    eni_instance_id inst = H(s, eni_instance_id, K_INST);
    return eni_instance_set_ena_support(s->ctx, inst, fz_u8(s->in) % 3);
}

static int op_instance_delete(struct state *s)
{
    return eni_instance_delete(s->ctx, H(s, eni_instance_id, K_INST));
}

static int op_attach(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    eni_instance_id inst = H(s, eni_instance_id, K_INST);
    uint8_t b = fz_u8(s->in);
    uint32_t index = b & 0x80 ? 256u : b % 4u, card = (b >> 2) % 3u;
    eni_attachment_id att = {SENT};
    int rc = eni_nic_attach(s->ctx, nic, inst, index, card, &att);
    UNTOUCHED(rc, att);
    if (rc == ENI_OK)
        remember(s, K_ATT, att.v);
    return rc;
}

static int op_detach(struct state *s)
{
    eni_attachment_id att = H(s, eni_attachment_id, K_ATT);
    return eni_nic_detach(s->ctx, att, fz_u8(s->in) % 3);
}

static int op_delete_on_termination(struct state *s)
{
    eni_attachment_id att = H(s, eni_attachment_id, K_ATT);
    return eni_attachment_set_delete_on_termination(s->ctx, att, fz_u8(s->in) % 3);
}

static int op_eip_allocate(struct state *s)
{
    eni_eip_id id = {SENT};
    int rc = eni_eip_allocate(s->ctx, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_EIP, id.v);
    return rc;
}

static int op_eip_release(struct state *s)
{
    return eni_eip_release(s->ctx, H(s, eni_eip_id, K_EIP));
}

static int op_eip_associate(struct state *s)
{
    eni_eip_id eip = H(s, eni_eip_id, K_EIP);
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    uint8_t b = fz_u8(s->in);
    const char *ip = b & 1 ? PICK(s, IPV4) : NULL;
    eni_eip_assoc_id id = {SENT};
    int rc = eni_eip_associate(s->ctx, eip, nic, ip, (b >> 1) % 3, &id);
    UNTOUCHED(rc, id);
    if (rc == ENI_OK)
        remember(s, K_ASSOC, id.v);
    return rc;
}

static int op_eip_disassociate(struct state *s)
{
    return eni_eip_disassociate(s->ctx, H(s, eni_eip_assoc_id, K_ASSOC));
}

static int on_event(const eni_event *e, void *userdata)
{
    struct state *s = userdata;
    FZ_CHECK(e->size >= sizeof *e && e->type >= ENI_EVENT_USER &&
                 e->type <= ENI_EVENT_DEVICE_REMOVED && e->seq > s->last_seq,
             "event type %u seq %llu after %llu", e->type, (unsigned long long)e->seq,
             (unsigned long long)s->last_seq);
    s->last_seq = e->seq;
    return s->stop_poll;
}

static int op_poll(struct state *s)
{
    uint8_t b = fz_u8(s->in);
    s->stop_poll = b & 0x80;
    if (b & 0x40)
        FZ_OK(eni_ctx_post_user_event(s->ctx, b));
    uint32_t delivered = 0;
    int rc = eni_ctx_poll(s->ctx, b % 4, b & 0x20 ? NULL : on_event, s, &delivered);
    FZ_CHECK(rc == ENI_OK || (rc == ENI_EUSER && s->stop_poll), "eni_ctx_poll: %s",
             eni_err_name(rc));
    return rc;
}

static int op_mock(struct state *s)
{
    uint8_t b = fz_u8(s->in);
    uint32_t op = 1 + (b >> 3) % 3, n = (b >> 5) % 4;
    switch (b % 5) {
    case 0: {
        eni_mock_config c = ENI_MOCK_CONFIG_INIT;
        c.latency = op == 3 ? 3 : op - 1; /* immediate, after polls, unknown: never real time */
        c.polls = n;
        return eni_mock_configure(s->ctx, &c);
    }
    case 1:
        return eni_mock_fail_nth(s->ctx, op, n, b & 4 ? -5 : 5, b & 1 ? ENI_MOCK_FAIL_SYNC : 0);
    case 2:
        return eni_mock_drop_nth(s->ctx, op, n);
    case 3:
        return eni_mock_remove_device(s->ctx, H(s, eni_attachment_id, K_ATT));
    default:
        return eni_mock_set_link(s->ctx, H(s, eni_attachment_id, K_ATT), n % 3);
    }
}

static int op_op_timeout(struct state *s)
{
    static const uint64_t t[] = {1, 30000000000ull, 0};
    return eni_ctx_set_op_timeout(s->ctx, PICK(s, t));
}

static int op_quotas(struct state *s)
{
    eni_quotas q = ENI_QUOTAS_INIT;
    uint8_t b = fz_u8(s->in);
    q.eips = (b & 3) * 2;
    q.nics = ((b >> 2) & 3) * 3;
    q.security_groups = ((b >> 4) & 3) * 4;
    q.rules_per_group = (b & 0x40) ? 2 : 0;
    q.groups_per_nic = (b & 0x80) ? 17 : fz_u8(s->in) % 4;
    return eni_ctx_set_quotas(s->ctx, &q);
}

/* A packet to or from the interface (its own address, or another), into pkt. */
static void packet(struct state *s, eni_nic_id nic, eni_pkt *p)
{
    static const uint8_t protos[] = {6, 17, 1, 58, 47};
    memset(p, 0, sizeof *p);
    uint8_t b = fz_u8(s->in);
    p->family = b & 1 ? 6 : 4;
    p->proto = protos[(b >> 1) % 5];
    p->tcp_flags = fz_u8(s->in);
    p->sport = fz_u16(s->in);
    p->dport = fz_u16(s->in);
    p->icmp_type = (uint8_t)p->sport;
    p->len = 60;
    eni_nic_address a[4];
    uint32_t n = 0;
    bool found = false;
    if (eni_nic_get_addresses(s->ctx, nic, a, 4, &n) == ENI_OK)
        for (uint32_t i = 0; i < n && i < 4 && !found; i++)
            if (a[i].family == p->family)
                found = inet_pton(p->family == 4 ? AF_INET : AF_INET6, a[i].address,
                                  (b & 0x80) ? p->src : p->dst) == 1;
    uint8_t *peer = (b & 0x80) ? p->dst : p->src;
    peer[0] = p->family == 4 ? 10 : 0x20;
    peer[1] = fz_u8(s->in);
    peer[3] = 5;
}

static int op_evaluate(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    uint32_t dir = 1 + fz_u8(s->in) % 3; /* 3: unknown */
    eni_pkt p;
    packet(s, nic, &p);
    s->now += 1000000ull * fz_u8(s->in);
    eni_verdict predicted = {0}, v;
    int xrc = eni_eval_explain(s->ctx, nic, dir, &p, s->now, &predicted, NULL, 0);
    int rc = eni_eval_burst(s->w, nic, dir, &p, 1, s->now, 0, &v);
    if (rc == ENI_OK && xrc == ENI_OK)
        FZ_CHECK(v.action == predicted.action && v.reason == predicted.reason,
                 "explain predicted %s/%s, the evaluation said %s/%s",
                 eni_action_name(predicted.action), eni_reason_name(predicted.reason),
                 eni_action_name(v.action), eni_reason_name(v.reason));
    return rc;
}

static int op_flows(struct state *s)
{
    eni_nic_id nic = H(s, eni_nic_id, K_NIC);
    uint8_t b = fz_u8(s->in);
    switch (b % 4) {
    case 0: {
        eni_flow_info f[4];
        uint32_t count = 0;
        return eni_nic_list_flows(s->ctx, nic, s->now, b & 4 ? f : NULL, b & 4 ? 4 : 0, &count);
    }
    case 1: {
        uint32_t removed;
        return eni_nic_sweep_flows(s->ctx, nic, s->now + (b & 4 ? 1000000000000000ull : 0),
                                   &removed);
    }
    case 2: {
        eni_conntrack_stats st = ENI_CONNTRACK_STATS_INIT;
        return eni_nic_get_conntrack(s->ctx, nic, &st);
    }
    default:
        return eni_nic_set_conntrack_allowance(s->ctx, nic, b & 4 ? (b >> 3) : 16777217u);
    }
}

/* A describe call on a handle of any kind: a refusal writes nothing past `size`. */
static int op_describe(struct state *s)
{
    union {
        eni_vpc_info vpc;
        eni_subnet_info subnet;
        eni_sg_info sg;
        eni_sg_rule_info rule;
        eni_prefix_list_info pl;
        eni_nic_info nic;
        eni_instance_info inst;
        eni_attachment_info att;
        eni_eip_info eip;
    } u, pristine;
    int k = (int)fz_below(s->in, K_COUNT - 1);
    uint64_t id = handle(s, k);
    memset(&u, 0xa5, sizeof u);
    int rc;
    switch (k) {
#define DESCRIBE(K, field, type, call)                 \
    case K:                                            \
        u.field.size = sizeof u.field;                 \
        rc = call(s->ctx, (type){id}, &u.field);       \
        break;
        DESCRIBE(K_VPC, vpc, eni_vpc_id, eni_vpc_describe)
        DESCRIBE(K_SUBNET, subnet, eni_subnet_id, eni_subnet_describe)
        DESCRIBE(K_SG, sg, eni_sg_id, eni_sg_describe)
        DESCRIBE(K_RULE, rule, eni_sg_rule_id, eni_sg_rule_describe)
        DESCRIBE(K_PL, pl, eni_prefix_list_id, eni_prefix_list_describe)
        DESCRIBE(K_NIC, nic, eni_nic_id, eni_nic_describe)
        DESCRIBE(K_INST, inst, eni_instance_id, eni_instance_describe)
        DESCRIBE(K_ATT, att, eni_attachment_id, eni_attachment_describe)
    default:
        u.eip.size = sizeof u.eip;
        rc = eni_eip_describe(s->ctx, (eni_eip_id){id}, &u.eip);
        break;
#undef DESCRIBE
    }
    if (rc != ENI_OK) {
        memset(&pristine, 0xa5, sizeof pristine);
        memcpy(&pristine, &u, sizeof(uint32_t)); /* the size the caller set */
        FZ_CHECK(memcmp(&u, &pristine, sizeof u) == 0, "a refused describe of kind %d wrote", k);
    }
    return rc;
}

/* An id's string parses back to the id while the object lives. */
static int op_id(struct state *s)
{
    int k = (int)fz_below(s->in, K_COUNT);
    uint64_t id = handle(s, k);
    char str[ENI_ID_STRING_MAX];
    if (eni_id_format(s->ctx, id, str, sizeof str) != ENI_OK)
        return ENI_OK;
    uint64_t back = SENT;
    int rc = eni_id_parse(s->ctx, str, ENI_KIND_NONE, &back);
    FZ_CHECK(rc == ENI_ENOTFOUND || (rc == ENI_OK && back == id), "%s: %s", str,
             eni_err_name(rc));
    return rc;
}

/* A list call: every listed id describes. */
static int op_list(struct state *s)
{
    uint64_t ids[8];
    uint32_t count = 0, cap = fz_u8(s->in) % 9;
    uint8_t which = fz_u8(s->in) % 4;
    int rc;
    switch (which) {
    case 0:
        rc = eni_nic_list(s->ctx, NULL, (eni_nic_id *)ids, cap, &count);
        break;
    case 1:
        rc = eni_sg_list(s->ctx, H(s, eni_vpc_id, K_VPC), (eni_sg_id *)ids, cap, &count);
        break;
    case 2:
        rc = eni_instance_list_attachments(s->ctx, H(s, eni_instance_id, K_INST),
                                           (eni_attachment_id *)ids, cap, &count);
        break;
    default:
        rc = eni_sg_list_rules(s->ctx, H(s, eni_sg_id, K_SG), 0, (eni_sg_rule_id *)ids, cap,
                               &count);
        break;
    }
    if (rc != ENI_OK)
        return rc;
    for (uint32_t i = 0; i < count && i < cap; i++) {
        char str[ENI_ID_STRING_MAX];
        uint64_t back;
        FZ_CHECK(eni_id_format(s->ctx, ids[i], str, sizeof str) == ENI_OK &&
                     eni_id_parse(s->ctx, str, ENI_KIND_NONE, &back) == ENI_OK && back == ids[i],
                 "list %u: entry %u is not a live object", which, i);
    }
    return rc;
}

/* Members of a group on other hosts, as a fleet agent states them. */
static int op_remote(struct state *s)
{
    eni_sg_id sg = H(s, eni_sg_id, K_SG);
    uint8_t b = fz_u8(s->in);
    const char *source = SOURCES[b & 3];
    const char *addrs[2];
    uint32_t n = (b >> 2) % 3;
    for (uint32_t i = 0; i < n; i++)
        addrs[i] = PICK(s, IPV4);
    switch ((b >> 4) % 3) {
    case 0:
        return eni_sg_set_remote_members(s->ctx, sg, source, n ? addrs : NULL, n);
    case 1:
        return eni_sg_clear_remote_members(s->ctx, sg, source);
    default:
        return eni_ctx_clear_remote_source(s->ctx, source, NULL);
    }
}

struct op {
    const char *name;
    int (*run)(struct state *s);
};

static const struct op OPS[] = {
    {"eni_vpc_create", op_vpc_create},
    {"eni_vpc_delete", op_vpc_delete},
    {"eni_subnet_create", op_subnet_create},
    {"eni_subnet_delete", op_subnet_delete},
    {"eni_subnet_set_flags", op_subnet_flags},
    {"eni_sg_create", op_sg_create},
    {"eni_sg_delete", op_sg_delete},
    {"eni_sg_authorize", op_authorize},
    {"eni_sg_revoke", op_revoke},
    {"eni_sg_revoke_rules", op_revoke_rules},
    {"eni_prefix_list_create", op_pl_create},
    {"eni_prefix_list_modify", op_pl_modify},
    {"eni_prefix_list_delete", op_pl_delete},
    {"eni_nic_create", op_nic_create},
    {"eni_nic_delete", op_nic_delete},
    {"eni_nic_set_groups", op_nic_groups},
    {"eni_nic_set_description", op_nic_description},
    {"eni_nic_set_source_dest_check", op_nic_src_dst},
    {"eni_nic_set_conntrack_timeouts", op_nic_timeouts},
    {"eni_nic_assign_private_ips", op_assign4},
    {"eni_nic_unassign_private_ips", op_unassign4},
    {"eni_nic_assign_ipv6", op_assign6},
    {"eni_nic_unassign_ipv6", op_unassign6},
    {"eni_instance_create", op_instance_create},
    {"eni_instance_launch", op_launch},
    {"eni_instance_set_state", op_set_state},
    {"eni_instance_set_ena_support", op_ena},
    {"eni_instance_delete", op_instance_delete},
    {"eni_nic_attach", op_attach},
    {"eni_nic_detach", op_detach},
    {"eni_attachment_set_delete_on_termination", op_delete_on_termination},
    {"eni_eip_allocate", op_eip_allocate},
    {"eni_eip_release", op_eip_release},
    {"eni_eip_associate", op_eip_associate},
    {"eni_eip_disassociate", op_eip_disassociate},
    {"eni_ctx_poll", op_poll},
    {"eni_mock_*", op_mock},
    {"eni_ctx_set_op_timeout", op_op_timeout},
    {"eni_ctx_set_quotas", op_quotas},
    {"eni_eval_explain/eni_eval_burst", op_evaluate},
    {"eni_nic_*_flows/conntrack", op_flows},
    {"eni_*_describe", op_describe},
    {"eni_id_format/eni_id_parse", op_id},
    {"eni_*_list", op_list},
    {"eni_sg_*_remote_*", op_remote},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in = {data, size};
    struct state s;
    memset(&s, 0, sizeof s);
    s.in = &in;
    s.now = 1000000000ull;
    s.ctx = fz_ctx_new(3);
    FZ_OK(eni_eval_worker_new(s.ctx, &s.w));
    for (unsigned i = 0; in.n && i < MAX_OPS; i++) {
        const struct op *op = &OPS[fz_below(&in, sizeof OPS / sizeof OPS[0])];
        char *before = fz_dump(s.ctx);
        eni_error_clear();
        int rc = op->run(&s);
        if (getenv("ENI_FUZZ_VERBOSE"))
            fprintf(stderr, "%s: %s\n", op->name, eni_err_name(rc));
        if (op->run == op_poll) { /* applies completions even when a callback stops it */
            free(before);
            fz_invariants(s.ctx, op->name);
        } else {
            fz_outcome(s.ctx, op->name, rc, before);
        }
    }
    eni_eval_worker_free(s.w);
    eni_ctx_free(s.ctx);
    return 0;
}
