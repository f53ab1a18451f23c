/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The crash loop of the durable model (issue 14): a child process applies a
 * seeded stream of mutations to the state file and is killed with SIGKILL
 * at a random moment, hundreds of times per run. Each time the parent opens
 * the file again (which recovers what the kill left in the WAL) and checks
 * that the model is the state after the last call that returned, or the
 * one after it when the kill came inside a call, with the invariants (and
 * file == memory) clean.
 *
 * The expected states come from a mirror: before the child starts, the
 * parent copies the file; after the kill it opens the copy and replays the
 * same stream on it. The stream picks its targets only from what the ctx
 * lists and from its own generator, and libeni's ids are deterministic, so
 * the mirror makes exactly the calls the child made. The child reports
 * "starting call i" and "call i returned" on a pipe; the last report read
 * after its death says whether the kill came between calls (then only the
 * state after the last returned call is right) or inside one.
 *
 * eni_ctx_poll is the one call this loop lets off lighter: it commits each
 * backend completion (and each restored attachment it settles) on its own,
 * so a kill inside it may leave some of them applied. Then each line of the
 * dump must be as before the poll or as after it; such kills are counted.
 *
 * ENI_CRASH_ITERATIONS (default 200) and ENI_CRASH_SEED override the
 * defaults, to run longer or to replay a failure. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "model_fixture.h"
#include "util/addr.h"

#define STATE "store_crash.eni"
#define MIRROR "store_crash_mirror.eni"

enum {
    OPS = 24,        /* calls per child */
    CAP = 48,        /* ids the stream looks at per kind */
    MAX_VPCS = 4,    /* the model stays small and busy: creations turn into */
    MAX_SUBNETS = 8, /* deletions past these counts */
    MAX_GROUPS = 8,
    MAX_NICS = 5, /* each open allocates and zeroes every interface's flow
                   * tables (~1-2.5 MB each): the loop's main cost */
    MAX_EIPS = 4,
    MAX_INSTANCES = 4,
    MAX_LISTS = 3,
    MAX_ACLS = 6,
    CASES = 24 /* the stream's kinds of call (step()) */
};

/* ---- the generator: the only source of choices besides the ctx's lists ---- */

struct gen {
    uint64_t s;
};

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint32_t rnd(struct gen *g, uint32_t n)
{
    uint64_t v = test_xorshift64(&g->s);
    return n ? (uint32_t)((v * 0x2545f4914f6cdd1dULL >> 32) % n) : 0;
}

/* ---- what the ctx holds, listed in id order ---------------------------------- */

struct ids {
    uint64_t v[CAP];
    uint32_t n;
};

static uint64_t pick(struct gen *g, const struct ids *s)
{
    return s->n ? s->v[rnd(g, s->n)] : 0;
}

#define LIST_INTO(o, type, call)                        \
    do {                                                \
        type a_[CAP];                                   \
        uint32_t n_ = 0;                                \
        (o)->n = 0;                                     \
        if ((call) != ENI_OK)                           \
            break;                                      \
        for (uint32_t i_ = 0; i_ < n_ && i_ < CAP; i_++) \
            (o)->v[(o)->n++] = a_[i_].v;                \
    } while (0)

static void vpcs(eni_ctx *c, struct ids *o)
{
    LIST_INTO(o, eni_vpc_id, eni_vpc_list(c, a_, CAP, &n_));
}

/* Every VPC's subnets (kind 0), groups (1) or ACLs (2), one after another. */
static void per_vpc(eni_ctx *c, int kind, struct ids *o)
{
    struct ids v, one;
    vpcs(c, &v);
    o->n = 0;
    for (uint32_t i = 0; i < v.n; i++) {
        eni_vpc_id vpc = {v.v[i]};
        if (kind == 0)
            LIST_INTO(&one, eni_subnet_id, eni_subnet_list(c, vpc, a_, CAP, &n_));
        else if (kind == 1)
            LIST_INTO(&one, eni_sg_id, eni_sg_list(c, vpc, a_, CAP, &n_));
        else
            LIST_INTO(&one, eni_acl_id, eni_acl_list(c, vpc, a_, CAP, &n_));
        for (uint32_t j = 0; j < one.n && o->n < CAP; j++)
            o->v[o->n++] = one.v[j];
    }
}

static void subnets(eni_ctx *c, struct ids *o) { per_vpc(c, 0, o); }
static void groups(eni_ctx *c, struct ids *o) { per_vpc(c, 1, o); }
static void acls(eni_ctx *c, struct ids *o) { per_vpc(c, 2, o); }

static void groups_of(eni_ctx *c, uint64_t vpc, struct ids *o)
{
    LIST_INTO(o, eni_sg_id, eni_sg_list(c, (eni_vpc_id){vpc}, a_, CAP, &n_));
}

static void nics(eni_ctx *c, uint32_t status_mask, struct ids *o)
{
    eni_nic_filter f = ENI_NIC_FILTER_INIT;
    f.status_mask = status_mask;
    LIST_INTO(o, eni_nic_id, eni_nic_list(c, &f, a_, CAP, &n_));
}

static void eips(eni_ctx *c, struct ids *o)
{
    LIST_INTO(o, eni_eip_id, eni_eip_list(c, a_, CAP, &n_));
}

static void instances(eni_ctx *c, uint64_t state_mask, struct ids *o)
{
    eni_instance_filter f = ENI_INSTANCE_FILTER_INIT;
    f.state_mask = state_mask;
    LIST_INTO(o, eni_instance_id, eni_instance_list(c, &f, a_, CAP, &n_));
}

static void prefix_lists(eni_ctx *c, struct ids *o)
{
    LIST_INTO(o, eni_prefix_list_id, eni_prefix_list_list(c, a_, CAP, &n_));
}

static void attachments(eni_ctx *c, struct ids *o)
{
    struct ids in, one;
    instances(c, 0, &in);
    o->n = 0;
    for (uint32_t i = 0; i < in.n; i++) {
        LIST_INTO(&one, eni_attachment_id,
                  eni_instance_list_attachments(c, (eni_instance_id){in.v[i]}, a_, CAP, &n_));
        for (uint32_t j = 0; j < one.n && o->n < CAP; j++)
            o->v[o->n++] = one.v[j];
    }
}

static void rules(eni_ctx *c, uint64_t sg, struct ids *o)
{
    LIST_INTO(o, eni_sg_rule_id, eni_sg_list_rules(c, (eni_sg_id){sg}, 0, a_, CAP, &n_));
}

static uint64_t vpc_of_subnet(eni_ctx *c, uint64_t subnet)
{
    eni_subnet_info si = {.size = sizeof si};
    return eni_subnet_describe(c, (eni_subnet_id){subnet}, &si) == ENI_OK ? si.vpc.v : 0;
}

static uint64_t vpc_of_nic(eni_ctx *c, uint64_t nic)
{
    eni_nic_info ni = {.size = sizeof ni};
    return eni_nic_describe(c, (eni_nic_id){nic}, &ni) == ENI_OK ? ni.vpc.v : 0;
}

static const char *some_cidr(struct gen *g, char *buf)
{
    static const char *const fixed[] = {"0.0.0.0/0", "::/0", "10.0.0.0/8", "192.0.2.0/24",
                                        "2001:db8::/32", "bad/33"};
    if (rnd(g, 2))
        return fixed[rnd(g, 6)];
    snprintf(buf, 32, "172.%u.%u.0/24", 16 + rnd(g, 8), rnd(g, 200));
    return buf;
}

/* ---- the stream: one call (or one batch of calls) per step -------------------- */

static int step(eni_ctx *c, struct gen *g, bool in_batch, uint32_t *which);

/* Everything in one VPC that can go, then the VPC, in one batch (the file
 * takes all of it or none). Attached interfaces stay until their instance's
 * termination completes at a poll, so a VPC may take several tries. */
static int teardown(eni_ctx *c, uint64_t vpc)
{
    int rc = eni_ctx_batch_begin(c);
    if (rc != ENI_OK)
        return rc;
    struct ids s;
    eni_instance_filter fi = ENI_INSTANCE_FILTER_INIT;
    fi.vpc.v = vpc;
    LIST_INTO(&s, eni_instance_id, eni_instance_list(c, &fi, a_, CAP, &n_));
    for (uint32_t i = 0; i < s.n; i++) {
        (void)eni_instance_set_state(c, (eni_instance_id){s.v[i]}, ENI_INSTANCE_TERMINATED);
        (void)eni_instance_delete(c, (eni_instance_id){s.v[i]});
    }
    eni_nic_filter fn = ENI_NIC_FILTER_INIT;
    fn.vpc.v = vpc;
    fn.status_mask = 1u << ENI_NIC_AVAILABLE;
    LIST_INTO(&s, eni_nic_id, eni_nic_list(c, &fn, a_, CAP, &n_));
    for (uint32_t i = 0; i < s.n; i++)
        (void)eni_nic_delete(c, (eni_nic_id){s.v[i]});
    groups_of(c, vpc, &s);
    for (uint32_t i = 0; i < s.n; i++)
        (void)eni_sg_delete(c, (eni_sg_id){s.v[i]}); /* not the default one */
    LIST_INTO(&s, eni_acl_id, eni_acl_list(c, (eni_vpc_id){vpc}, a_, CAP, &n_));
    for (uint32_t i = 0; i < s.n; i++)
        (void)eni_acl_delete(c, (eni_acl_id){s.v[i]});
    LIST_INTO(&s, eni_subnet_id, eni_subnet_list(c, (eni_vpc_id){vpc}, a_, CAP, &n_));
    for (uint32_t i = 0; i < s.n; i++)
        (void)eni_subnet_delete(c, (eni_subnet_id){s.v[i]});
    rc = eni_vpc_delete(c, (eni_vpc_id){vpc});
    int end = eni_ctx_batch_end(c);
    return end != ENI_OK ? end : rc;
}

static int s_vpc(eni_ctx *c, struct gen *g)
{
    struct ids v;
    vpcs(c, &v);
    if (v.n < MAX_VPCS) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.%u.0.0/16", rnd(g, 250));
        eni_vpc_spec s = ENI_VPC_SPEC_INIT;
        s.cidr_block = cidr;
        s.flags = rnd(g, 3) ? ENI_VPC_AMAZON_IPV6 : 0;
        eni_vpc_id id;
        return eni_vpc_create(c, &s, &id);
    }
    /* Full: one VPC goes, so VPCs come and go instead of only filling up. */
    return teardown(c, pick(g, &v));
}

static int s_subnet(eni_ctx *c, struct gen *g)
{
    struct ids s;
    subnets(c, &s);
    if (s.n >= MAX_SUBNETS || rnd(g, 4) == 0)
        return eni_subnet_delete(c, (eni_subnet_id){pick(g, &s)});
    struct ids v;
    vpcs(c, &v);
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    eni_subnet_spec sp = ENI_SUBNET_SPEC_INIT;
    sp.vpc.v = pick(g, &v);
    unsigned second = 0;
    if (eni_vpc_describe(c, sp.vpc, &vi) != ENI_OK || sscanf(vi.cidr_block, "10.%u.", &second) != 1)
        second = 0;
    char v4[32], v6[64];
    snprintf(v4, sizeof v4, "10.%u.%u.0/24", second, rnd(g, 32));
    sp.cidr_block = v4;
    sp.availability_zone = rnd(g, 4) ? "us-east-1a" : "us-east-1b";
    eni_prefix p6;
    if (vi.ipv6_cidr_block[0] && rnd(g, 2) && eni__prefix_parse(vi.ipv6_cidr_block, &p6) == 0) {
        p6.addr.b[7] = (uint8_t)rnd(g, 16); /* one of the /56's first /64s */
        p6.len = 64;
        eni__prefix_format(&p6, v6);
        sp.ipv6_cidr_block = v6;
        sp.flags = rnd(g, 4) ? 0 : ENI_SUBNET_ASSIGN_IPV6_ON_CREATION;
    }
    eni_subnet_id id;
    return eni_subnet_create(c, &sp, &id);
}

static int s_group(eni_ctx *c, struct gen *g)
{
    struct ids s;
    groups(c, &s);
    if (s.n >= MAX_GROUPS || rnd(g, 3) == 0)
        return eni_sg_delete(c, (eni_sg_id){pick(g, &s)});
    struct ids v;
    vpcs(c, &v);
    char name[16];
    snprintf(name, sizeof name, "g%u", rnd(g, 1000));
    eni_sg_spec sp = ENI_SG_SPEC_INIT;
    sp.vpc.v = pick(g, &v);
    sp.name = name;
    sp.description = "crash loop";
    eni_sg_id id;
    return eni_sg_create(c, &sp, &id);
}

static void rule_spec(eni_ctx *c, struct gen *g, uint64_t vpc, eni_sg_rule_spec *r, char *buf)
{
    static const int protos[] = {-1, 6, 17, 1, 58, 50};
    *r = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
    r->protocol = protos[rnd(g, 6)];
    r->from_port = (int32_t)rnd(g, 1000);
    r->to_port = r->from_port + (int32_t)rnd(g, 100);
    if (r->protocol == 1 || r->protocol == 58)
        r->from_port = r->to_port = -1;
    uint32_t peer = rnd(g, 4);
    struct ids s;
    if (peer == 0) {
        groups_of(c, vpc, &s);
        r->peer_kind = ENI_PEER_GROUP;
        r->group.v = pick(g, &s);
    } else if (peer == 1) {
        prefix_lists(c, &s);
        r->peer_kind = ENI_PEER_PREFIX_LIST;
        r->prefix_list.v = pick(g, &s);
    } else {
        r->peer_kind = ENI_PEER_CIDR;
        r->cidr = some_cidr(g, buf);
    }
    r->description = rnd(g, 2) ? "rule" : NULL;
}

static int s_authorize(eni_ctx *c, struct gen *g)
{
    struct ids s;
    groups(c, &s);
    eni_sg_id sg = {pick(g, &s)};
    eni_sg_info si = {.size = sizeof si};
    uint64_t vpc = eni_sg_describe(c, sg, &si) == ENI_OK ? si.vpc.v : 0;
    eni_sg_rule_spec r[2];
    char b0[32], b1[32];
    uint32_t n = 1 + rnd(g, 2);
    rule_spec(c, g, vpc, &r[0], b0);
    rule_spec(c, g, vpc, &r[1], b1);
    return eni_sg_authorize(c, sg, rnd(g, 2) ? ENI_INGRESS : ENI_EGRESS, r, n, NULL);
}

static int s_rule_change(eni_ctx *c, struct gen *g)
{
    struct ids s, rs;
    groups(c, &s);
    eni_sg_id sg = {pick(g, &s)};
    rules(c, sg.v, &rs);
    eni_sg_rule_id rule = {pick(g, &rs)};
    if (rnd(g, 2))
        return eni_sg_revoke_rules(c, sg, &rule, 1);
    eni_sg_info si = {.size = sizeof si};
    uint64_t vpc = eni_sg_describe(c, sg, &si) == ENI_OK ? si.vpc.v : 0;
    eni_sg_rule_spec r;
    char b[32];
    rule_spec(c, g, vpc, &r, b);
    return eni_sg_rule_modify(c, rule, &r);
}

static int s_prefix_list(eni_ctx *c, struct gen *g)
{
    struct ids s;
    prefix_lists(c, &s);
    uint32_t what = rnd(g, 4);
    if (s.n < MAX_LISTS && what == 0) {
        eni_prefix_list_spec sp = ENI_PREFIX_LIST_SPEC_INIT;
        sp.family = 4;
        sp.name = "office";
        sp.max_entries = 4 + rnd(g, 8);
        eni_prefix_list_id id;
        return eni_prefix_list_create(c, &sp, &id);
    }
    if (what == 1)
        return eni_prefix_list_delete(c, (eni_prefix_list_id){pick(g, &s)});
    char b1[32], b2[32];
    const char *add[1] = {some_cidr(g, b1)}, *del[1] = {some_cidr(g, b2)};
    uint32_t na = rnd(g, 2), nd = !na || rnd(g, 3) == 0;
    return eni_prefix_list_modify(c, (eni_prefix_list_id){pick(g, &s)}, na ? add : NULL, na,
                                  nd ? del : NULL, nd);
}

static int s_nic(eni_ctx *c, struct gen *g)
{
    struct ids s;
    nics(c, 0, &s);
    if (s.n >= MAX_NICS || rnd(g, 4) == 0) {
        struct ids avail;
        nics(c, 1u << ENI_NIC_AVAILABLE, &avail);
        return eni_nic_delete(c, (eni_nic_id){pick(g, rnd(g, 5) ? &avail : &s)});
    }
    struct ids sn, gs;
    subnets(c, &sn);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet.v = pick(g, &sn);
    groups_of(c, vpc_of_subnet(c, sp.subnet.v), &gs);
    eni_sg_id grp[2] = {{pick(g, &gs)}, {pick(g, &gs)}};
    if (rnd(g, 2)) {
        sp.groups = grp;
        sp.group_count = 1 + (grp[0].v != grp[1].v);
    }
    sp.secondary_ip_count = rnd(g, 3);
    sp.ipv6_count = rnd(g, 6) == 0;
    sp.description = rnd(g, 2) ? "crash loop" : NULL;
    eni_nic_id id;
    return eni_nic_create(c, &sp, &id);
}

static int s_addresses(eni_ctx *c, struct gen *g)
{
    struct ids s;
    nics(c, 0, &s);
    eni_nic_id nic = {pick(g, &s)};
    eni_nic_address a[16];
    uint32_t n = 0;
    if (eni_nic_get_addresses(c, nic, a, 16, &n) != ENI_OK)
        n = 0;
    if (n > 16)
        n = 16;
    /* IPv6 addresses are kept rare: an interface that can see IPv6 gets a
     * second flow table, and each ctx open zeroes every table (the loop's
     * main cost). */
    uint32_t what = rnd(g, 6);
    if (what <= 1)
        return eni_nic_assign_private_ips(c, nic, NULL, 0, 1 + rnd(g, 2), 0);
    if (what == 2)
        return eni_nic_assign_ipv6(c, nic, NULL, 0, 1);
    if (!n)
        return eni_nic_assign_private_ips(c, nic, NULL, 0, 1, 0);
    const char *ip[1] = {a[rnd(g, n)].address};
    if (a[n - 1].family == 6 && rnd(g, 2))
        ip[0] = a[n - 1].address;
    /* unassigning the primary is refused: that path is covered too */
    if (strchr(ip[0], ':'))
        return eni_nic_unassign_ipv6(c, nic, ip, 1);
    return eni_nic_unassign_private_ips(c, nic, ip, 1);
}

static int s_nic_attrs(eni_ctx *c, struct gen *g)
{
    struct ids s, gs;
    nics(c, 0, &s);
    eni_nic_id nic = {pick(g, &s)};
    switch (rnd(g, 3)) {
    case 0: {
        groups_of(c, vpc_of_nic(c, nic.v), &gs);
        eni_sg_id grp[2] = {{pick(g, &gs)}, {pick(g, &gs)}};
        return eni_nic_set_groups(c, nic, grp, 1 + (grp[0].v != grp[1].v));
    }
    case 1:
        return eni_nic_set_description(c, nic, rnd(g, 2) ? "renamed" : NULL);
    default:
        return eni_nic_set_source_dest_check(c, nic, rnd(g, 4) != 0);
    }
}

static int s_eip(eni_ctx *c, struct gen *g)
{
    struct ids e;
    eips(c, &e);
    eni_eip_id id;
    if (e.n < MAX_EIPS && rnd(g, 3))
        return eni_eip_allocate(c, &id);
    return eni_eip_release(c, (eni_eip_id){pick(g, &e)});
}

static int s_eip_assoc(eni_ctx *c, struct gen *g)
{
    struct ids e, s;
    eips(c, &e);
    eni_eip_id eip = {pick(g, &e)};
    eni_eip_info ei = ENI_EIP_INFO_INIT;
    if (eni_eip_describe(c, eip, &ei) == ENI_OK && ei.association.v && rnd(g, 2))
        return eni_eip_disassociate(c, ei.association);
    nics(c, 0, &s);
    eni_eip_assoc_id id;
    return eni_eip_associate(c, eip, (eni_nic_id){pick(g, &s)}, NULL,
                             rnd(g, 3) ? 0 : ENI_EIP_NO_REASSOCIATION, &id);
}

static int s_instance(eni_ctx *c, struct gen *g)
{
    struct ids in, live, sn;
    instances(c, 0, &in);
    /* every state but terminated: bit state / 16 */
    instances(c, 0x3full & ~(1ull << (ENI_INSTANCE_TERMINATED / 16)), &live);
    uint32_t what = rnd(g, 4);
    if (what == 0 && live.n < MAX_INSTANCES) {
        static const char *const types[] = {"m5.large", "t2.micro", "c5n.18xlarge"};
        subnets(c, &sn);
        eni_instance_spec sp = ENI_INSTANCE_SPEC_INIT;
        sp.instance_type = types[rnd(g, 3)];
        sp.subnet.v = pick(g, &sn);
        eni_instance_id id;
        return eni_instance_create(c, &sp, &id);
    }
    if (what == 1)
        return eni_instance_delete(c, (eni_instance_id){pick(g, &in)});
    static const uint32_t states[] = {ENI_INSTANCE_RUNNING, ENI_INSTANCE_STOPPING,
                                      ENI_INSTANCE_STOPPED, ENI_INSTANCE_TERMINATED};
    return eni_instance_set_state(c, (eni_instance_id){pick(g, &in)}, states[rnd(g, 4)]);
}

static int s_attach(eni_ctx *c, struct gen *g)
{
    struct ids avail, in;
    nics(c, 1u << ENI_NIC_AVAILABLE, &avail);
    instances(c, 0, &in);
    return eni_nic_attach(c, (eni_nic_id){pick(g, &avail)}, (eni_instance_id){pick(g, &in)},
                          rnd(g, 4), 0, NULL);
}

static int s_detach(eni_ctx *c, struct gen *g)
{
    struct ids at;
    attachments(c, &at);
    return eni_nic_detach(c, (eni_attachment_id){pick(g, &at)},
                          rnd(g, 3) ? 0 : ENI_DETACH_FORCE);
}

static int s_poll(eni_ctx *c, struct gen *g)
{
    uint32_t n;
    return eni_ctx_poll(c, rnd(g, 2) ? 0 : 1, NULL, NULL, &n);
}

static int s_acl(eni_ctx *c, struct gen *g)
{
    struct ids a, v, sn;
    acls(c, &a);
    eni_acl_id acl = {pick(g, &a)};
    switch (rnd(g, 5)) {
    case 0: {
        if (a.n >= MAX_ACLS)
            return eni_acl_delete(c, acl);
        vpcs(c, &v);
        eni_acl_spec sp = ENI_ACL_SPEC_INIT;
        sp.vpc.v = pick(g, &v);
        eni_acl_id id;
        return eni_acl_create(c, &sp, &id);
    }
    case 1:
        return eni_acl_delete(c, acl);
    case 2: {
        char b[32];
        eni_acl_entry_spec e = ENI_ACL_ENTRY_SPEC_INIT;
        e.direction = rnd(g, 2) ? ENI_INGRESS : ENI_EGRESS;
        e.rule_number = 1 + rnd(g, 20);
        e.rule_action = rnd(g, 2) ? ENI_ACL_ALLOW : ENI_ACL_DENY;
        e.protocol = rnd(g, 2) ? 6 : -1;
        e.from_port = 1000;
        e.to_port = 2000;
        e.cidr = some_cidr(g, b);
        return rnd(g, 3) ? eni_acl_create_entry(c, acl, &e) : eni_acl_replace_entry(c, acl, &e);
    }
    case 3:
        return eni_acl_delete_entry(c, acl, rnd(g, 2) ? ENI_INGRESS : ENI_EGRESS, 1 + rnd(g, 20));
    default:
        subnets(c, &sn);
        return eni_acl_replace_association(c, (eni_subnet_id){pick(g, &sn)}, acl);
    }
}

static int s_cidr_block(eni_ctx *c, struct gen *g)
{
    struct ids v;
    vpcs(c, &v);
    eni_vpc_id vpc = {pick(g, &v)};
    char cidr[32];
    snprintf(cidr, sizeof cidr, "100.%u.0.0/20", 64 + rnd(g, 4));
    if (rnd(g, 2))
        return eni_vpc_associate_cidr_block(c, vpc, cidr, 0, NULL);
    return eni_vpc_disassociate_cidr_block(c, vpc, cidr);
}

/* A batch of two to four steps, committed together at its end. */
static int s_batch(eni_ctx *c, struct gen *g)
{
    int rc = eni_ctx_batch_begin(c);
    if (rc != ENI_OK)
        return rc;
    uint32_t n = 2 + rnd(g, 3), which;
    for (uint32_t i = 0; i < n; i++)
        (void)step(c, g, true, &which);
    return eni_ctx_batch_end(c);
}

typedef int (*step_fn)(eni_ctx *c, struct gen *g);

static const step_fn steps[CASES] = {
    s_vpc,     s_subnet,      s_subnet,     s_group,       s_authorize, s_authorize,
    s_rule_change, s_prefix_list, s_nic,    s_nic,         s_addresses, s_nic_attrs,
    s_eip,     s_eip_assoc,   s_instance,   s_instance,    s_attach,    s_attach,
    s_detach,  s_poll,        s_acl,        s_cidr_block,  s_batch,     s_batch,
};

static int step(eni_ctx *c, struct gen *g, bool in_batch, uint32_t *which)
{
    uint32_t k;
    do
        k = rnd(g, CASES);
    while (in_batch && steps[k] == s_batch);
    *which = k;
    return steps[k](c, g);
}

/* ---- the child ------------------------------------------------------------------- */

/* Reports on the pipe: START(i) before call i, DONE(i) after it returned;
 * DONE(0) once the file is open. */
#define START(i) ((uint32_t)(i) << 1)
#define DONE(i) ((uint32_t)(i) << 1 | 1u)

static void report(int fd, uint32_t msg)
{
    while (write(fd, &msg, sizeof msg) < 0 && errno == EINTR)
        ;
}

static void sleep_us(uint32_t us)
{
    struct timespec ts = {0, (long)us * 1000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Opens the real file, runs the stream, waits for the kill. Never returns. */
static void child(int fd, uint64_t stream_seed, uint64_t pace_seed)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.state_path = STATE;
    eni_ctx *c = NULL;
    if (eni_ctx_new(&o, &c) != ENI_OK) {
        fprintf(stderr, "child: opening %s: %s\n", STATE, eni_error_last()->message);
        _exit(3);
    }
    report(fd, DONE(0));
    struct gen g = {stream_seed}, pace = {pace_seed};
    for (uint32_t i = 1; i <= OPS; i++) {
        report(fd, START(i));
        uint32_t which;
        (void)step(c, &g, false, &which);
        report(fd, DONE(i));
        /* A pause now and then, so kills land between calls too. */
        if (rnd(&pace, 4) == 0)
            sleep_us(rnd(&pace, 200));
    }
    for (;;)
        pause();
}

/* ---- the parent ------------------------------------------------------------------ */

struct figures {
    uint32_t iterations, in_open, between, inside;
    uint32_t saw_k, saw_k1, saw_same; /* inside a call: which state the file held */
    uint32_t killed_after_ops;        /* kills after at least one call returned */
    uint64_t ops, ops_ok;             /* replayed on the mirror */
    uint32_t ok_by_case[CASES];
};

static void remove_all(const char *path)
{
    static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s%s", path, sides[i]);
        (void)remove(p);
    }
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    assert_int_equal(ferror(in), 0);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static eni_ctx *open_file(const char *path, uint32_t it)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.seed = 0xc4a5;
    o.state_path = path;
    eni_ctx *c = NULL;
    int rc = eni_ctx_new(&o, &c);
    if (rc != ENI_OK)
        fail_msg("iteration %u: opening %s: %s: %s", it, path, eni_err_name(rc),
                 eni_error_last()->message);
    return c;
}

static void check_clean(eni_ctx *c, const char *what, uint32_t it)
{
    int rc = eni_ctx_check(c);
    if (rc != ENI_OK)
        fail_msg("iteration %u: %s: eni_ctx_check: %s: %s", it, what, eni_err_name(rc),
                 eni_error_last()->message);
}

/* Read one report; false at end of file. Kills the child and fails the
 * test if it is silent for long (a hang). */
static bool read_report(int fd, pid_t pid, uint32_t *msg)
{
    struct pollfd p = {fd, POLLIN, 0};
    int r;
    while ((r = poll(&p, 1, 30000)) < 0 && errno == EINTR)
        ;
    if (r == 0) {
        kill(pid, SIGKILL);
        fail_msg("the child sent nothing for 30 s");
    }
    ssize_t n;
    while ((n = read(fd, msg, sizeof *msg)) < 0 && errno == EINTR)
        ;
    if (n == 0)
        return false;
    assert_int_equal(n, sizeof *msg);
    return true;
}

/* One child: run it, kill it; *last gets its last report (or ~0u: none). */
static void run_and_kill(uint64_t stream_seed, struct gen *timing, uint32_t *last)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    /* Reports to read before the kill: 1 + 2 * OPS at most come. */
    uint32_t wait_for = rnd(timing, 2 * OPS + 2);
    uint32_t delay_us = rnd(timing, 4) ? rnd(timing, 400) : 0;
    uint64_t pace_seed = splitmix(timing->s);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], stream_seed, pace_seed);
    }
    close(fds[1]);
    *last = ~0u;
    uint32_t msg;
    for (uint32_t i = 0; i < wait_for && read_report(fds[0], pid, &msg); i++)
        *last = msg;
    if (delay_us)
        sleep_us(delay_us);
    assert_int_equal(kill(pid, SIGKILL), 0);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0)
        assert_int_equal(errno, EINTR);
    if (!WIFSIGNALED(ws) || WTERMSIG(ws) != SIGKILL)
        fail_msg("the child ended by itself (status 0x%x) instead of being killed", ws);
    while (read_report(fds[0], pid, &msg)) /* what it said before dying */
        *last = msg;
    close(fds[0]);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *dump_of(eni_ctx *c)
{
    char *s = NULL;
    snap(c, &s);
    return s;
}

static void save_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The first line where two dumps differ, both versions (for the log). */
static const char *first_difference(const char *a, const char *b)
{
    static char out[1024];
    size_t i = 0, line = 0;
    while (a[i] && a[i] == b[i])
        i++;
    while (line < i && (i - line == 0 || a[i - line - 1] != '\n'))
        line++;
    const char *la = a + i - line, *lb = b + i - line;
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    snprintf(out, sizeof out, "\n#   file: %.*s\n#   want: %.*s", na, la, nb, lb);
    return out;
}

/* Replays one step on the mirror; returns the step's case. */
static uint32_t replay(eni_ctx *m, struct gen *g, struct figures *f)
{
    uint32_t which;
    int rc = step(m, g, false, &which);
    f->ops++;
    if (rc == ENI_OK) {
        f->ops_ok++;
        f->ok_by_case[which]++;
    } else if (rc == ENI_EIO || rc == ENI_ECORRUPT || rc == ENI_EINTERNAL) {
        fail_msg("the mirror's call (case %u) failed with %s: %s", which, eni_err_name(rc),
                 eni_error_last()->message);
    }
    return which;
}

/* A first model, so the early children have something to work on. */
static void seed_model(void)
{
    remove_all(STATE);
    eni_ctx *c = open_file(STATE, 0);
    eni_quotas q = ENI_QUOTAS_INIT;
    q.eips = MAX_EIPS;
    q.nics = MAX_NICS + 2;
    q.security_groups = MAX_GROUPS + 2;
    q.rules_per_group = 4;
    q.groups_per_nic = 3;
    assert_eni_ok(eni_ctx_set_quotas(c, &q));
    struct gen g = {0x1234567};
    for (int i = 0; i < 2; i++)
        assert_eni_ok(s_vpc(c, &g));
    for (int i = 0; i < 60; i++) {
        uint32_t which;
        (void)step(c, &g, false, &which);
    }
    check_clean(c, "the first model", 0);
    eni_ctx_free(c);
}

static void test_killed_children_leave_the_last_returned_state(void **state)
{
    (void)state;
    const char *it_env = getenv("ENI_CRASH_ITERATIONS"), *seed_env = getenv("ENI_CRASH_SEED");
    uint32_t iterations = it_env ? (uint32_t)strtoul(it_env, NULL, 0) : 200;
    uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x14c4a5bULL;
    struct figures f;
    memset(&f, 0, sizeof f);
    struct gen timing = {splitmix(seed) | 1};
    double t0 = now_s();
    seed_model();

    for (uint32_t it = 0; it < iterations; it++) {
        /* The starting point: what the last round left, recovered. A
         * graceful close checkpoints the WAL, so the file alone is the
         * state; copy the WAL too if one is left, to stay exact. */
        remove_all(MIRROR);
        copy_file(STATE, MIRROR);
        if (access(STATE "-wal", F_OK) == 0)
            copy_file(STATE "-wal", MIRROR "-wal");
        uint64_t stream_seed = splitmix(seed ^ ((uint64_t)it << 32 | it)) | 1;
        uint32_t last;
        run_and_kill(stream_seed, &timing, &last);

        /* k calls returned; `inside` when the kill may have come in call k+1. */
        uint32_t k;
        bool inside;
        if (last == ~0u) {
            k = 0, inside = false;
            f.in_open++;
        } else if (last & 1u) {
            k = last >> 1, inside = false;
            f.between++;
        } else {
            k = (last >> 1) - 1, inside = true;
            f.inside++;
        }
        f.killed_after_ops += k > 0;

        /* The mirror: the same calls on the copy. */
        eni_ctx *m = open_file(MIRROR, it);
        struct gen g = {stream_seed};
        for (uint32_t i = 0; i < k; i++)
            replay(m, &g, &f);
        char *dk = dump_of(m), *dk1 = NULL;
        if (inside) {
            (void)replay(m, &g, &f);
            dk1 = dump_of(m);
        }
        check_clean(m, "the mirror", it);
        eni_ctx_free(m);
        remove_all(MIRROR);

        /* The real file, opened after the kill. */
        eni_ctx *c = open_file(STATE, it);
        check_clean(c, "the file after the kill", it);
        char *got = dump_of(c);
        eni_ctx_free(c);
        bool is_k = strcmp(got, dk) == 0, is_k1 = dk1 && strcmp(got, dk1) == 0;
        /* A poll commits once too (its completions and the restored
         * attachments it settles), so no call is ever half in the file. */
        if (!is_k && !is_k1) {
            print_message("# file vs after call %u: %s\n", k, first_difference(got, dk));
            if (dk1)
                print_message("# file vs after call %u: %s\n", k + 1, first_difference(got, dk1));
            /* The whole dumps, for a diff: the log only has room for a line. */
            save_text("store_crash_fail.file", got);
            save_text("store_crash_fail.k", dk);
            save_text("store_crash_fail.k1", dk1 ? dk1 : "");
            fail_msg("iteration %u (seed 0x%llx): killed %s call %u; the file holds neither the "
                     "state after call %u%s (dumps in store_crash_fail.*)",
                     it, (unsigned long long)seed, inside ? "inside" : "after", inside ? k + 1 : k,
                     k, inside ? " nor the one after the next" : "");
        }
        if (inside && is_k && is_k1)
            f.saw_same++;
        else if (inside && is_k)
            f.saw_k++;
        else if (inside)
            f.saw_k1++;
        free(got);
        free(dk);
        free(dk1);
        f.iterations++;
    }
    remove_all(STATE);
    double secs = now_s() - t0;

    print_message("# crash loop: %u kills (seed 0x%llx, %.1f s): %u while opening, %u between "
                  "calls, %u inside a call (file after the last returned call %u, after the "
                  "interrupted one %u, both the same %u); %u after at least one call\n",
                  f.iterations, (unsigned long long)seed, secs, f.in_open, f.between, f.inside,
                  f.saw_k, f.saw_k1, f.saw_same, f.killed_after_ops);
    print_message("# crash loop: %llu calls replayed on the mirror, %llu accepted\n",
                  (unsigned long long)f.ops, (unsigned long long)f.ops_ok);
    /* The loop proves something only if kills landed everywhere. */
    assert_true(f.killed_after_ops > 0);
    if (iterations >= 100) {
        assert_true(f.between > 0);
        assert_true(f.inside > 0);
        assert_true(f.saw_k + f.saw_k1 > 0);
        assert_true(f.ops_ok > f.ops / 5);
        for (uint32_t i = 0; i < CASES; i++)
            if (!f.ok_by_case[i])
                fail_msg("step case %u never succeeded: the stream is too weak", i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_children_leave_the_last_returned_state),
    };
    return cmocka_run_group_tests_name("store_crash", tests, NULL, NULL);
}
