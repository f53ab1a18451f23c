/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The durable model's promise (eni/state.h): a ctx created on the file a
 * previous ctx left is the same model, object for object, with the same ids
 * and id strings, deleted ids still stale and new ids fresh. Also the state
 * figures, the batches, and every argument the state calls refuse. The model
 * holds one object of every kind and every attribute the file must carry. */
#include "store_helpers.h"

static const char *const PATH = "store_basic.state";

/* A refused call: its code, returned and recorded. */
#define FAILS(expr, want)                                    \
    do {                                                     \
        eni_error_clear();                                   \
        assert_int_equal((expr), (want));                    \
        assert_int_equal(eni_error_last()->code, (want));    \
    } while (0)

/* ---- the model: every kind, every attribute ----------------------------------- */

struct full {
    eni_vpc_id vpc, vpc_gone;
    eni_subnet_id sub_a, sub_b, sub_gone;
    eni_sg_id web, db, sg_gone;
    eni_sg_rule_id rule_gone;
    eni_prefix_list_id pl, pl_gone;
    eni_acl_id acl, acl_gone;
    eni_nic_id nic1, nic2, nic3, nic_gone;
    eni_eip_id eip1, eip2, eip_gone;
    eni_eip_assoc_id assoc1, assoc_gone;
    eni_instance_id running, stopped, pending, terminated, inst_gone;
    eni_attachment_id att_hot, att_warm, att_gone;
};

static void poll_all(eni_ctx *ctx)
{
    uint32_t n;
    do
        assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    while (n);
}

static eni_sg_rule_spec rule(int proto, int from, int to)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = proto;
    r.from_port = from;
    r.to_port = to;
    return r;
}

static void acl_entry(eni_ctx *ctx, eni_acl_id acl, uint32_t dir, uint32_t num, uint32_t action,
                      int proto, int from, int to, const char *cidr)
{
    eni_acl_entry_spec e = ENI_ACL_ENTRY_SPEC_INIT;
    e.direction = dir;
    e.rule_number = num;
    e.rule_action = action;
    e.protocol = proto;
    e.from_port = from;
    e.to_port = to;
    e.icmp_type = -1;
    e.icmp_code = -1;
    e.cidr = cidr;
    assert_eni_ok(eni_acl_create_entry(ctx, acl, &e));
}

static void build_network(eni_ctx *ctx, struct full *m)
{
    eni_quotas q = ENI_QUOTAS_INIT;
    q.eips = 7;
    q.security_groups = 40;
    q.rules_per_group = 50;
    q.acl_rules = 30;
    q.cidr_blocks_per_vpc = 6;
    q.ipv6_cidr_blocks_per_vpc = 4;
    assert_eni_ok(eni_ctx_set_quotas(ctx, &q));

    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    v.ipv6_cidr_block = "2001:db8:0:100::/56";
    v.id = "vpc-0ab12cd34ef567890";
    v.default_group_id = "sg-0123abcd4567ef890";
    v.default_acl_id = "acl-0fedcba9876543210";
    assert_eni_ok(eni_vpc_create(ctx, &v, &m->vpc));
    assert_eni_ok(eni_vpc_associate_cidr_block(ctx, m->vpc, "10.1.0.0/16", 0, NULL));
    assert_eni_ok(eni_vpc_associate_cidr_block(ctx, m->vpc, "2001:db8:0:200::/56", 0, NULL));
    assert_eni_ok(eni_vpc_associate_cidr_block(ctx, m->vpc, NULL, ENI_VPC_AMAZON_IPV6, NULL));

    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = m->vpc;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    s.ipv6_cidr_block = "2001:db8:0:100::/64";
    s.id = "subnet-5a6b7c8d";
    s.flags = ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH;
    assert_eni_ok(eni_subnet_create(ctx, &s, &m->sub_a));
    s.availability_zone = "us-east-1b";
    s.cidr_block = "10.1.2.0/24";
    s.ipv6_cidr_block = "2001:db8:0:200::/64";
    s.id = NULL;
    s.flags = ENI_SUBNET_ASSIGN_IPV6_ON_CREATION;
    assert_eni_ok(eni_subnet_create(ctx, &s, &m->sub_b));

    eni_prefix_list_spec pls = ENI_PREFIX_LIST_SPEC_INIT;
    pls.family = 4;
    pls.name = "office";
    pls.max_entries = 5;
    pls.id = "pl-0a0b0c0d0e0f01020";
    assert_eni_ok(eni_prefix_list_create(ctx, &pls, &m->pl));
    const char *entries[] = {"192.0.2.0/24", "198.51.100.0/25"};
    assert_eni_ok(eni_prefix_list_modify(ctx, m->pl, entries, 2, NULL, 0));

    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = m->vpc;
    g.name = "web";
    g.description = "web tier";
    g.id = "sg-f00000000000000aa";
    assert_eni_ok(eni_sg_create(ctx, &g, &m->web));
    g.name = "db";
    g.description = "database";
    g.id = NULL;
    assert_eni_ok(eni_sg_create(ctx, &g, &m->db));

    /* Every peer kind, both families, ICMP, and a description. */
    eni_sg_rule_spec in[6];
    in[0] = rule(6, 22, 22);
    in[0].peer_kind = ENI_PEER_CIDR;
    in[0].cidr = "10.0.0.0/8";
    in[0].description = "ssh from the corporate network";
    in[1] = rule(6, 443, 443);
    in[1].peer_kind = ENI_PEER_CIDR;
    in[1].cidr = "::/0";
    in[2] = rule(ENI_PROTO_ALL, 0, 0);
    in[2].peer_kind = ENI_PEER_GROUP;
    in[2].group = m->db;
    in[3] = rule(6, 80, 80);
    in[3].peer_kind = ENI_PEER_PREFIX_LIST;
    in[3].prefix_list = m->pl;
    in[4] = rule(1, 8, -1);
    in[4].peer_kind = ENI_PEER_CIDR;
    in[4].cidr = "0.0.0.0/0";
    in[5] = rule(58, 128, 0);
    in[5].peer_kind = ENI_PEER_CIDR;
    in[5].cidr = "2001:db8::/32";
    assert_eni_ok(eni_sg_authorize(ctx, m->web, ENI_INGRESS, in, 6, NULL));
    eni_sg_rule_spec out = rule(17, 53, 53);
    out.peer_kind = ENI_PEER_CIDR;
    out.cidr = "10.0.0.2/32";
    assert_eni_ok(eni_sg_authorize(ctx, m->web, ENI_EGRESS, &out, 1, NULL));
    eni_sg_rule_spec back = rule(6, 5432, 5432);
    back.peer_kind = ENI_PEER_GROUP;
    back.group = m->web;
    assert_eni_ok(eni_sg_authorize(ctx, m->db, ENI_INGRESS, &back, 1, NULL));

    const char *addrs[] = {"10.0.1.77", "2001:db8:0:100::77"};
    const char *prefixes[] = {"10.0.1.96/28"};
    eni_remote_members rm = ENI_REMOTE_MEMBERS_INIT;
    rm.addresses = addrs;
    rm.address_count = 2;
    rm.prefixes = prefixes;
    rm.prefix_count = 1;
    assert_eni_ok(eni_sg_set_remote(ctx, m->web, "host-b", &rm));
    assert_eni_ok(eni_sg_set_remote_members(ctx, m->db, "host-c", addrs, 1));

    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = m->vpc;
    as.id = "acl-0123456789abcdef1";
    assert_eni_ok(eni_acl_create(ctx, &as, &m->acl));
    acl_entry(ctx, m->acl, ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, 22, 22, "10.0.0.0/8");
    acl_entry(ctx, m->acl, ENI_INGRESS, 110, ENI_ACL_DENY, 17, 53, 53, "0.0.0.0/0");
    acl_entry(ctx, m->acl, ENI_INGRESS, 120, ENI_ACL_ALLOW, ENI_PROTO_ALL, 0, 0, "0.0.0.0/0");
    acl_entry(ctx, m->acl, ENI_INGRESS, 130, ENI_ACL_ALLOW, ENI_PROTO_ALL, 0, 0, "::/0");
    acl_entry(ctx, m->acl, ENI_EGRESS, 100, ENI_ACL_ALLOW, ENI_PROTO_ALL, 0, 0, "0.0.0.0/0");
    acl_entry(ctx, m->acl, ENI_EGRESS, 101, ENI_ACL_ALLOW, ENI_PROTO_ALL, 0, 0, "::/0");
    assert_eni_ok(eni_acl_replace_association(ctx, m->sub_b, m->acl));
}

static void build_nics(eni_ctx *ctx, struct full *m)
{
    eni_sg_id both[2] = {m->web, m->db};
    const char *sec[] = {"10.0.1.11", "10.0.1.12"};
    const char *v6[] = {"2001:db8:0:100::10"};
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = m->sub_a;
    ns.private_ip = "10.0.1.10";
    ns.secondary_ips = sec;
    ns.secondary_ip_list_len = 2;
    ns.ipv6_addresses = v6;
    ns.ipv6_list_len = 1;
    ns.groups = both;
    ns.group_count = 2;
    ns.description = "front end";
    ns.conntrack = (eni_conntrack_timeouts){3600, 120, 45};
    ns.id = "eni-0aaaabbbbccccdddd";
    assert_eni_ok(eni_nic_create(ctx, &ns, &m->nic1));
    const char *p4[] = {"10.0.1.64/28"};
    assert_eni_ok(eni_nic_assign_prefixes(ctx, m->nic1, 4, p4, 1, 0));
    assert_eni_ok(eni_nic_assign_prefixes(ctx, m->nic1, 6, NULL, 0, 1));
    assert_eni_ok(eni_nic_set_source_dest_check(ctx, m->nic1, 0));

    eni_nic_spec n2 = ENI_NIC_SPEC_INIT;
    n2.subnet = m->sub_b;
    n2.secondary_ip_count = 2;
    n2.groups = &m->db;
    n2.group_count = 1;
    assert_eni_ok(eni_nic_create(ctx, &n2, &m->nic2));
    n2.subnet = m->sub_a;
    n2.type = ENI_NIC_EFA;
    n2.secondary_ip_count = 0;
    n2.description = "spare";
    assert_eni_ok(eni_nic_create(ctx, &n2, &m->nic3));
    n2.type = ENI_NIC_INTERFACE;
    assert_eni_ok(eni_nic_create(ctx, &n2, &m->nic_gone));

    assert_eni_ok(eni_eip_allocate_id(ctx, "eipalloc-0a1b2c3d4e5f60718", &m->eip1));
    assert_eni_ok(eni_eip_associate(ctx, m->eip1, m->nic1, "10.0.1.11", 0, &m->assoc1));
    assert_eni_ok(eni_eip_allocate(ctx, &m->eip2));
    assert_eni_ok(eni_eip_allocate(ctx, &m->eip_gone));
}

static eni_instance_id launch(eni_ctx *ctx, eni_subnet_id subnet, const char *id)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.xlarge";
    ls.nics = &ln;
    ls.nic_count = 1;
    ls.instance_id = id;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_launch(ctx, &ls, &inst));
    poll_all(ctx);
    return inst;
}

static eni_instance_id bare_instance(eni_ctx *ctx, eni_subnet_id subnet)
{
    eni_instance_spec sp = ENI_INSTANCE_SPEC_INIT;
    sp.instance_type = "m5.large";
    sp.subnet = subnet;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_create(ctx, &sp, &inst));
    return inst;
}

static void build_instances(eni_ctx *ctx, struct full *m)
{
    m->running = launch(ctx, m->sub_a, "i-0123456789abcdef0");
    assert_eni_ok(eni_instance_set_state(ctx, m->running, ENI_INSTANCE_RUNNING));
    assert_eni_ok(eni_nic_attach(ctx, m->nic1, m->running, 1, 0, &m->att_hot));
    poll_all(ctx);
    assert_eni_ok(eni_attachment_set_delete_on_termination(ctx, m->att_hot, 1));
    assert_eni_ok(eni_instance_set_conntrack_allowance(ctx, m->running, 5000));

    m->stopped = bare_instance(ctx, m->sub_b);
    assert_eni_ok(eni_instance_set_state(ctx, m->stopped, ENI_INSTANCE_RUNNING));
    assert_eni_ok(eni_instance_set_state(ctx, m->stopped, ENI_INSTANCE_STOPPING));
    assert_eni_ok(eni_instance_set_state(ctx, m->stopped, ENI_INSTANCE_STOPPED));
    assert_eni_ok(eni_nic_attach(ctx, m->nic2, m->stopped, 1, 0, &m->att_warm));
    poll_all(ctx);

    m->pending = bare_instance(ctx, m->sub_a);
    m->terminated = launch(ctx, m->sub_a, NULL);
    assert_eni_ok(eni_instance_set_state(ctx, m->terminated, ENI_INSTANCE_RUNNING));
    assert_eni_ok(eni_instance_set_state(ctx, m->terminated, ENI_INSTANCE_SHUTTING_DOWN));
    poll_all(ctx);
    assert_eni_ok(eni_instance_set_state(ctx, m->terminated, ENI_INSTANCE_TERMINATED));
    poll_all(ctx);
}

/* Objects of every kind made and deleted again: their ids must stay stale. */
static void build_gone(eni_ctx *ctx, struct full *m)
{
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "172.16.0.0/16";
    assert_eni_ok(eni_vpc_create(ctx, &v, &m->vpc_gone));
    assert_eni_ok(eni_vpc_delete(ctx, m->vpc_gone));

    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = m->vpc;
    s.availability_zone = "us-east-1c";
    s.cidr_block = "10.0.9.0/24";
    assert_eni_ok(eni_subnet_create(ctx, &s, &m->sub_gone));
    assert_eni_ok(eni_subnet_delete(ctx, m->sub_gone));

    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = m->vpc;
    g.name = "tmp";
    g.description = "temporary";
    assert_eni_ok(eni_sg_create(ctx, &g, &m->sg_gone));
    assert_eni_ok(eni_sg_delete(ctx, m->sg_gone));

    eni_sg_rule_spec r = rule(6, 8080, 8080);
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = "203.0.113.0/24";
    assert_eni_ok(eni_sg_authorize(ctx, m->web, ENI_INGRESS, &r, 1, &m->rule_gone));
    assert_eni_ok(eni_sg_revoke_rules(ctx, m->web, &m->rule_gone, 1));

    eni_prefix_list_spec pls = ENI_PREFIX_LIST_SPEC_INIT;
    pls.family = 6;
    pls.name = "tmp6";
    pls.max_entries = 2;
    assert_eni_ok(eni_prefix_list_create(ctx, &pls, &m->pl_gone));
    assert_eni_ok(eni_prefix_list_delete(ctx, m->pl_gone));

    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = m->vpc;
    assert_eni_ok(eni_acl_create(ctx, &as, &m->acl_gone));
    assert_eni_ok(eni_acl_delete(ctx, m->acl_gone));

    assert_eni_ok(eni_eip_release(ctx, m->eip_gone));

    assert_eni_ok(eni_eip_associate(ctx, m->eip2, m->nic1, "10.0.1.12", 0, &m->assoc_gone));
    assert_eni_ok(eni_eip_disassociate(ctx, m->assoc_gone));

    m->inst_gone = bare_instance(ctx, m->sub_a);
    assert_eni_ok(eni_instance_set_state(ctx, m->inst_gone, ENI_INSTANCE_RUNNING));
    assert_eni_ok(eni_nic_attach(ctx, m->nic_gone, m->inst_gone, 1, 0, &m->att_gone));
    poll_all(ctx);
    assert_eni_ok(eni_nic_detach(ctx, m->att_gone, 0));
    poll_all(ctx);
    assert_eni_ok(eni_nic_delete(ctx, m->nic_gone));
    assert_eni_ok(eni_instance_set_state(ctx, m->inst_gone, ENI_INSTANCE_SHUTTING_DOWN));
    poll_all(ctx);
    assert_eni_ok(eni_instance_set_state(ctx, m->inst_gone, ENI_INSTANCE_TERMINATED));
    poll_all(ctx);
    assert_eni_ok(eni_instance_delete(ctx, m->inst_gone));
}

static void build_full(eni_ctx *ctx, struct full *m)
{
    memset(m, 0, sizeof *m);
    build_network(ctx, m);
    build_nics(ctx, m);
    build_instances(ctx, m);
    build_gone(ctx, m);
    assert_eni_ok(eni_ctx_check(ctx));
}

/* ---- every live id, by listing ------------------------------------------------- */

enum { IDS_MAX = 512 };

struct ids {
    uint64_t v[IDS_MAX];
    char text[IDS_MAX][ENI_ID_STRING_MAX];
    size_t n;
};

static void ids_add(eni_ctx *ctx, struct ids *s, uint64_t id)
{
    assert_true(s->n < IDS_MAX);
    assert_int_not_equal(id, 0);
    s->v[s->n] = id;
    assert_eni_ok(eni_id_format(ctx, id, s->text[s->n], ENI_ID_STRING_MAX));
    s->n++;
}

static bool ids_has(const struct ids *s, uint64_t id, const char *text)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == id || (text && strcmp(s->text[i], text) == 0))
            return true;
    return false;
}

/* Every live object, through the list calls: an enumeration independent of
 * the store, so it can be compared with what the store says it loaded. */
static void ids_collect(eni_ctx *ctx, struct ids *s)
{
    uint64_t raw[IDS_MAX];
    uint32_t n, m;
    memset(s, 0, sizeof *s);
    eni_vpc_id *vpcs = (eni_vpc_id *)raw;
    assert_eni_ok(eni_vpc_list(ctx, vpcs, IDS_MAX, &n));
    for (uint32_t i = 0; i < n; i++)
        ids_add(ctx, s, raw[i]);
    assert_eni_ok(eni_subnet_list(ctx, (eni_vpc_id){0}, (eni_subnet_id *)raw, IDS_MAX, &n));
    for (uint32_t i = 0; i < n; i++)
        ids_add(ctx, s, raw[i]);
    eni_sg_id groups[64];
    assert_eni_ok(eni_sg_list(ctx, (eni_vpc_id){0}, groups, 64, &n));
    assert_true(n <= 64);
    for (uint32_t i = 0; i < n; i++) {
        ids_add(ctx, s, groups[i].v);
        assert_eni_ok(eni_sg_list_rules(ctx, groups[i], 0, (eni_sg_rule_id *)raw, IDS_MAX, &m));
        for (uint32_t j = 0; j < m; j++)
            ids_add(ctx, s, raw[j]);
    }
    assert_eni_ok(eni_prefix_list_list(ctx, (eni_prefix_list_id *)raw, IDS_MAX, &n));
    for (uint32_t i = 0; i < n; i++)
        ids_add(ctx, s, raw[i]);
    assert_eni_ok(eni_acl_list(ctx, (eni_vpc_id){0}, (eni_acl_id *)raw, IDS_MAX, &n));
    for (uint32_t i = 0; i < n; i++)
        ids_add(ctx, s, raw[i]);
    assert_eni_ok(eni_nic_list(ctx, NULL, (eni_nic_id *)raw, IDS_MAX, &n));
    for (uint32_t i = 0; i < n; i++)
        ids_add(ctx, s, raw[i]);
    eni_instance_id insts[64];
    assert_eni_ok(eni_instance_list(ctx, NULL, insts, 64, &n));
    assert_true(n <= 64);
    for (uint32_t i = 0; i < n; i++) {
        ids_add(ctx, s, insts[i].v);
        assert_eni_ok(
            eni_instance_list_attachments(ctx, insts[i], (eni_attachment_id *)raw, IDS_MAX, &m));
        for (uint32_t j = 0; j < m; j++)
            ids_add(ctx, s, raw[j]);
    }
    eni_eip_id eips[64];
    assert_eni_ok(eni_eip_list(ctx, eips, 64, &n));
    for (uint32_t i = 0; i < n; i++) {
        ids_add(ctx, s, eips[i].v);
        eni_eip_info ei = ENI_EIP_INFO_INIT;
        assert_eni_ok(eni_eip_describe(ctx, eips[i], &ei));
        if (ei.association.v)
            ids_add(ctx, s, ei.association.v);
    }
}

/* The kind's own describe (or, for an association, disassociate) refuses a
 * deleted object's id as stale. */
static void assert_stale(eni_ctx *ctx, uint64_t id)
{
    int rc;
    switch (eni_id_kind(id)) {
    case ENI_KIND_VPC: {
        eni_vpc_info i = ENI_VPC_INFO_INIT;
        rc = eni_vpc_describe(ctx, (eni_vpc_id){id}, &i);
        break;
    }
    case ENI_KIND_SUBNET: {
        eni_subnet_info i = ENI_SUBNET_INFO_INIT;
        rc = eni_subnet_describe(ctx, (eni_subnet_id){id}, &i);
        break;
    }
    case ENI_KIND_INSTANCE: {
        eni_instance_info i = ENI_INSTANCE_INFO_INIT;
        rc = eni_instance_describe(ctx, (eni_instance_id){id}, &i);
        break;
    }
    case ENI_KIND_NIC: {
        eni_nic_info i = ENI_NIC_INFO_INIT;
        rc = eni_nic_describe(ctx, (eni_nic_id){id}, &i);
        break;
    }
    case ENI_KIND_ATTACHMENT: {
        eni_attachment_info i = ENI_ATTACHMENT_INFO_INIT;
        rc = eni_attachment_describe(ctx, (eni_attachment_id){id}, &i);
        break;
    }
    case ENI_KIND_EIP: {
        eni_eip_info i = ENI_EIP_INFO_INIT;
        rc = eni_eip_describe(ctx, (eni_eip_id){id}, &i);
        break;
    }
    case ENI_KIND_EIP_ASSOC: {
        /* DisassociateAddress is idempotent: an ended association is no
         * error, and nothing changes. Its staleness shows in the parse below. */
        eni_state_info was = st_info(ctx);
        assert_eni_ok(eni_eip_disassociate(ctx, (eni_eip_assoc_id){id}));
        assert_int_equal(st_info(ctx).commits, was.commits);
        rc = ENI_ESTALE;
        break;
    }
    case ENI_KIND_SG: {
        eni_sg_info i = ENI_SG_INFO_INIT;
        rc = eni_sg_describe(ctx, (eni_sg_id){id}, &i);
        break;
    }
    case ENI_KIND_SG_RULE: {
        eni_sg_rule_info i = ENI_SG_RULE_INFO_INIT;
        rc = eni_sg_rule_describe(ctx, (eni_sg_rule_id){id}, &i);
        break;
    }
    case ENI_KIND_PREFIX_LIST: {
        eni_prefix_list_info i = ENI_PREFIX_LIST_INFO_INIT;
        rc = eni_prefix_list_describe(ctx, (eni_prefix_list_id){id}, &i);
        break;
    }
    case ENI_KIND_NETWORK_ACL: {
        eni_acl_info i = ENI_ACL_INFO_INIT;
        rc = eni_acl_describe(ctx, (eni_acl_id){id}, &i);
        break;
    }
    default:
        fail_msg("id 0x%llx has no kind", (unsigned long long)id);
        return;
    }
    if (rc != ENI_ESTALE)
        fail_msg("%s id 0x%llx: %s, not ENI_ESTALE", eni_kind_name(eni_id_kind(id)),
                 (unsigned long long)id, eni_err_name(rc));
    /* Its string still forms (same seed) but names nothing. */
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, id, text, sizeof text));
    uint64_t back = 0;
    assert_int_equal(eni_id_parse(ctx, text, eni_id_kind(id), &back), ENI_ENOTFOUND);
    assert_int_equal(back, 0);
}

static uint64_t gone_ids(const struct full *m, uint64_t out[16])
{
    const uint64_t g[] = {m->vpc_gone.v, m->sub_gone.v,    m->sg_gone.v,   m->rule_gone.v,
                          m->pl_gone.v,  m->acl_gone.v,    m->nic_gone.v,  m->eip_gone.v,
                          m->assoc_gone.v, m->inst_gone.v, m->att_gone.v};
    memcpy(out, g, sizeof g);
    return sizeof g / sizeof g[0];
}

static int cleanup(void **state)
{
    (void)state;
    st_remove(PATH);
    return 0;
}

/* ---- tests ----------------------------------------------------------------------- */

/* The whole model survives the ctx: same dump, same ids and id strings,
 * the invariants and the file-equals-memory check hold, stale ids stay
 * stale, and what the store says it loaded is what the lists count. */
static void test_reopen_is_the_same_model(void **state)
{
    (void)state;
    st_remove(PATH);
    eni_ctx *ctx = st_open(PATH);
    struct full m;
    build_full(ctx, &m);
    char *before = st_dump(ctx);
    static struct ids live, again;
    ids_collect(ctx, &live);
    /* Every kind is in the model (the enumeration itself is not vacuous). */
    bool kinds[ENI_KIND_NETWORK_ACL + 1] = {false};
    for (size_t i = 0; i < live.n; i++)
        kinds[eni_id_kind(live.v[i])] = true;
    for (int k = ENI_KIND_VPC; k <= ENI_KIND_NETWORK_ACL; k++)
        if (!kinds[k])
            fail_msg("the model has no %s", eni_kind_name((uint32_t)k));
    eni_ctx_free(ctx);

    ctx = st_open(PATH);
    char *after = st_dump(ctx);
    assert_string_equal(before, after);
    assert_eni_ok(eni_ctx_check(ctx));

    eni_state_info si = st_info(ctx);
    assert_int_equal(si.schema, 2);
    assert_int_equal(si.library_schema, 2);
    /* Attachments came back: a backend must settle them (none is attaching
     * or detaching here, so reconciling changes nothing). */
    assert_int_equal(si.flags, ENI_STATE_OPEN | ENI_STATE_RECONCILE);
    assert_int_equal(si.objects_loaded, live.n);
    assert_int_equal(si.flows_loaded, 0);
    assert_int_equal(si.commits, 0);
    assert_int_equal(si.rows_written, 0);

    ids_collect(ctx, &again);
    assert_int_equal(again.n, live.n);
    for (size_t i = 0; i < live.n; i++) {
        assert_int_equal(again.v[i], live.v[i]);
        assert_string_equal(again.text[i], live.text[i]);
        uint64_t back = 0;
        assert_eni_ok(eni_id_parse(ctx, live.text[i], ENI_KIND_NONE, &back));
        assert_int_equal(back, live.v[i]);
    }
    /* The given ids in particular (the file's, not a re-minting). */
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, m.vpc.v, text, sizeof text));
    assert_string_equal(text, "vpc-0ab12cd34ef567890");
    assert_eni_ok(eni_id_format(ctx, m.sub_a.v, text, sizeof text));
    assert_string_equal(text, "subnet-5a6b7c8d");
    assert_eni_ok(eni_id_format(ctx, m.running.v, text, sizeof text));
    assert_string_equal(text, "i-0123456789abcdef0");
    assert_eni_ok(eni_id_format(ctx, m.eip1.v, text, sizeof text));
    assert_string_equal(text, "eipalloc-0a1b2c3d4e5f60718");

    uint64_t gone[16];
    uint64_t ngone = gone_ids(&m, gone);
    for (uint64_t i = 0; i < ngone; i++) {
        assert_false(ids_has(&live, gone[i], NULL));
        assert_stale(ctx, gone[i]);
    }

    uint32_t done = 9, back = 9;
    assert_eni_ok(eni_ctx_reconcile(ctx, &done, &back));
    assert_int_equal(done, 0);
    assert_int_equal(back, 0);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN);
    assert_int_equal(st_info(ctx).commits, 0);
    char *settled = st_dump(ctx);
    assert_string_equal(before, settled);
    free(settled);

    /* Attributes a dump might summarise, read one by one. */
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, m.nic1, &ni));
    assert_int_equal(ni.source_dest_check, 0);
    assert_string_equal(ni.description, "front end");
    assert_int_equal(ni.conntrack.tcp_established, 3600);
    assert_int_equal(ni.conntrack.udp_stream, 120);
    assert_int_equal(ni.conntrack.udp, 45);
    assert_int_equal(ni.status, ENI_NIC_IN_USE);
    assert_int_equal(ni.attachment.v, m.att_hot.v);
    eni_conntrack_stats cs = ENI_CONNTRACK_STATS_INIT;
    assert_eni_ok(eni_instance_get_conntrack(ctx, m.running, &cs));
    assert_int_equal(cs.allowance, 5000);
    eni_quotas q = ENI_QUOTAS_INIT;
    assert_eni_ok(eni_ctx_get_quotas(ctx, &q));
    assert_int_equal(q.eips, 7);
    assert_int_equal(q.rules_per_group, 50);
    assert_int_equal(q.ipv6_cidr_blocks_per_vpc, 4);
    eni_instance_info ii = ENI_INSTANCE_INFO_INIT;
    assert_eni_ok(eni_instance_describe(ctx, m.stopped, &ii));
    assert_int_equal(ii.state, ENI_INSTANCE_STOPPED);
    assert_eni_ok(eni_instance_describe(ctx, m.terminated, &ii));
    assert_int_equal(ii.state, ENI_INSTANCE_TERMINATED);
    assert_eni_ok(eni_instance_describe(ctx, m.pending, &ii));
    assert_int_equal(ii.state, ENI_INSTANCE_PENDING);
    char src[2][ENI_REMOTE_SOURCE_MAX];
    uint32_t n;
    assert_eni_ok(eni_sg_list_remote_sources(ctx, m.web, &src[0][0], 2, &n));
    assert_int_equal(n, 1);
    assert_string_equal(src[0], "host-b");

    free(before);
    free(after);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* Objects made after a reopen take ids no object of the file ever had,
 * live or deleted, and id strings none of them had; and they survive the
 * next reopen too. */
static void test_new_ids_after_reopen_are_fresh(void **state)
{
    (void)state;
    st_remove(PATH);
    eni_ctx *ctx = st_open(PATH);
    struct full m;
    build_full(ctx, &m);
    static struct ids old;
    ids_collect(ctx, &old);
    uint64_t gone[16];
    uint64_t ngone = gone_ids(&m, gone);
    for (uint64_t i = 0; i < ngone; i++)
        ids_add(ctx, &old, gone[i]);
    eni_ctx_free(ctx);

    ctx = st_open(PATH);
    uint64_t fresh[16];
    size_t nf = 0;
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "172.16.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &v, &vpc));
    fresh[nf++] = vpc.v;
    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = m.vpc;
    s.availability_zone = "us-east-1c";
    s.cidr_block = "10.0.9.0/24";
    eni_subnet_id sub;
    assert_eni_ok(eni_subnet_create(ctx, &s, &sub));
    fresh[nf++] = sub.v;
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = m.vpc;
    g.name = "tmp";
    g.description = "again";
    eni_sg_id sg;
    assert_eni_ok(eni_sg_create(ctx, &g, &sg));
    fresh[nf++] = sg.v;
    eni_sg_rule_spec r = rule(6, 8080, 8080);
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = "203.0.113.0/24";
    eni_sg_rule_id rid;
    assert_eni_ok(eni_sg_authorize(ctx, m.web, ENI_INGRESS, &r, 1, &rid));
    fresh[nf++] = rid.v;
    eni_prefix_list_spec pls = ENI_PREFIX_LIST_SPEC_INIT;
    pls.family = 6;
    pls.name = "tmp6";
    pls.max_entries = 2;
    eni_prefix_list_id pl;
    assert_eni_ok(eni_prefix_list_create(ctx, &pls, &pl));
    fresh[nf++] = pl.v;
    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = m.vpc;
    eni_acl_id acl;
    assert_eni_ok(eni_acl_create(ctx, &as, &acl));
    fresh[nf++] = acl.v;
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = m.sub_a;
    eni_nic_id nic;
    assert_eni_ok(eni_nic_create(ctx, &ns, &nic));
    fresh[nf++] = nic.v;
    eni_eip_id eip;
    assert_eni_ok(eni_eip_allocate(ctx, &eip));
    fresh[nf++] = eip.v;
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, nic, &ni));
    eni_eip_assoc_id assoc;
    assert_eni_ok(eni_eip_associate(ctx, eip, nic, ni.private_ip, 0, &assoc));
    fresh[nf++] = assoc.v;
    eni_instance_id inst = bare_instance(ctx, m.sub_a);
    fresh[nf++] = inst.v;
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    eni_attachment_id att;
    assert_eni_ok(eni_nic_attach(ctx, nic, inst, 1, 0, &att));
    fresh[nf++] = att.v;
    poll_all(ctx);
    assert_eni_ok(eni_ctx_check(ctx));

    for (size_t i = 0; i < nf; i++) {
        char text[ENI_ID_STRING_MAX];
        assert_eni_ok(eni_id_format(ctx, fresh[i], text, sizeof text));
        if (ids_has(&old, fresh[i], text))
            fail_msg("new %s %s (0x%llx) repeats an id of the file",
                     eni_kind_name(eni_id_kind(fresh[i])), text, (unsigned long long)fresh[i]);
    }
    /* Old stale ids are still stale now that their slots may be reused. */
    for (uint64_t i = 0; i < ngone; i++)
        assert_stale(ctx, gone[i]);

    char *before = st_dump(ctx);
    eni_ctx_free(ctx);
    ctx = st_open(PATH);
    char *after = st_dump(ctx);
    assert_string_equal(before, after);
    assert_eni_ok(eni_ctx_check(ctx));
    for (uint64_t i = 0; i < ngone; i++)
        assert_stale(ctx, gone[i]);
    free(before);
    free(after);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

/* One commit per accepted call; none, and no row, for a refused one or a
 * read. */
static void test_state_info_counts_commits(void **state)
{
    (void)state;
    st_remove(PATH);
    eni_ctx *ctx = st_open(PATH);
    eni_state_info si = st_info(ctx);
    assert_int_equal(si.flags, ENI_STATE_OPEN);
    assert_int_equal(si.schema, 2);
    assert_int_equal(si.library_schema, 2);
    assert_int_equal(si.objects_loaded, 0);
    assert_int_equal(si.commits, 0);

    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &v, &vpc));
    eni_state_info a = st_info(ctx);
    assert_int_equal(a.commits, 1);
    assert_true(a.rows_written >= 3); /* the VPC, its group and ACL (and rules) */

    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = vpc;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    eni_subnet_id sub;
    assert_eni_ok(eni_subnet_create(ctx, &s, &sub));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = sub;
    eni_nic_id nic;
    assert_eni_ok(eni_nic_create(ctx, &ns, &nic));
    assert_eni_ok(eni_nic_set_description(ctx, nic, "x"));
    eni_state_info b = st_info(ctx);
    assert_int_equal(b.commits, a.commits + 3);
    assert_true(b.rows_written >= a.rows_written + 3);

    assert_eni_ok(eni_nic_set_description(ctx, nic, NULL)); /* clearing it is a change */
    eni_vpc_id gone;
    v.cidr_block = "10.9.0.0/16";
    assert_eni_ok(eni_vpc_create(ctx, &v, &gone));
    assert_eni_ok(eni_vpc_delete(ctx, gone));
    b = st_info(ctx);
    assert_int_equal(b.commits, a.commits + 6);

    /* Refused: an overlap, a bad argument, a dependency, a stale id, a
     * create that fails after taking a slot. */
    assert_int_equal(eni_subnet_create(ctx, &s, &sub), ENI_EINUSE);
    assert_int_equal(eni_nic_set_source_dest_check(ctx, nic, 2), ENI_EINVAL);
    assert_int_equal(eni_vpc_delete(ctx, gone), ENI_ESTALE);
    assert_int_equal(eni_vpc_delete(ctx, vpc), ENI_EDEPEND);
    ns.private_ip = "10.0.1.3"; /* reserved by EC2 */
    assert_int_equal(eni_nic_create(ctx, &ns, &(eni_nic_id){0}), ENI_EINVAL);
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, nic, &ni));
    char *dump = st_dump(ctx);
    free(dump);
    eni_state_info c = st_info(ctx);
    assert_int_equal(c.commits, b.commits);
    assert_int_equal(c.rows_written, b.rows_written);
    assert_eni_ok(eni_ctx_check(ctx));

    /* A ctx without a file reports no file. */
    eni_ctx *mem;
    assert_eni_ok(eni_ctx_new(NULL, &mem));
    si = st_info(mem);
    assert_int_equal(si.flags, 0);
    assert_int_equal(si.schema, 0);
    assert_int_equal(si.library_schema, 2);
    assert_int_equal(si.commits, 0);
    eni_ctx_free(mem);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    st_remove(PATH);
    eni_ctx *ctx = (eni_ctx *)&ctx; /* must stay as it is */
    eni_ctx *const was = ctx;
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.state_path = "";
    FAILS(eni_ctx_new(&o, &ctx), ENI_EINVAL);
    o.state_path = NULL;
    o.flow_checkpoint_ms = 100;
    FAILS(eni_ctx_new(&o, &ctx), ENI_EINVAL);
    o.flow_checkpoint_ms = 0;
    o.state_path = PATH;
    o.reserved1 = 1;
    FAILS(eni_ctx_new(&o, &ctx), ENI_EINVAL);
    assert_ptr_equal(ctx, was);
    assert_false(st_exists(PATH)); /* nothing created for a refused call */

    FAILS(eni_ctx_get_state_info(NULL, &(eni_state_info)ENI_STATE_INFO_INIT), ENI_EINVAL);
    FAILS(eni_ctx_save_flows(NULL, 0, NULL), ENI_EINVAL);
    FAILS(eni_ctx_batch_begin(NULL), ENI_EINVAL);
    FAILS(eni_ctx_batch_end(NULL), ENI_EINVAL);
    FAILS(eni_ctx_reconcile(NULL, NULL, NULL), ENI_EINVAL);

    eni_ctx *mem;
    assert_eni_ok(eni_ctx_new(NULL, &mem));
    FAILS(eni_ctx_get_state_info(mem, NULL), ENI_EINVAL);
    eni_state_info small = ENI_STATE_INFO_INIT;
    small.size = 0;
    FAILS(eni_ctx_get_state_info(mem, &small), ENI_EINVAL);
    small.size = 8;
    FAILS(eni_ctx_get_state_info(mem, &small), ENI_EINVAL);
    uint64_t saved = 99;
    FAILS(eni_ctx_save_flows(mem, 0, &saved), ENI_EINVAL);
    assert_int_equal(saved, 99);
    FAILS(eni_ctx_batch_end(mem), ENI_ESTATE);
    /* Batches and reconcile on a ctx without a file: accepted, no effect. */
    assert_eni_ok(eni_ctx_batch_begin(mem));
    assert_int_equal(st_info(mem).flags, ENI_STATE_BATCH);
    assert_eni_ok(eni_ctx_batch_end(mem));
    assert_int_equal(st_info(mem).flags, 0);
    uint32_t c = 9, r = 9;
    assert_eni_ok(eni_ctx_reconcile(mem, &c, &r));
    assert_int_equal(c, 0);
    assert_int_equal(r, 0);
    eni_ctx_free(mem);
}

/* Paths SQLite cannot open read-write: ENI_EIO, naming the file. */
static void test_unusable_paths(void **state)
{
    (void)state;
    const char *dir = "store_basic.dir";
    (void)rmdir(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    const char *plain = "store_basic.plain";
    file_write(plain, "x", 1);
    const char *const paths[] = {dir, "store_basic.no-such-dir/state", "store_basic.plain/state"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        eni_ctx *ctx = NULL;
        eni_error_clear();
        int rc = st_open_seed(paths[i], 1, &ctx);
        if (rc != ENI_EIO)
            fail_msg("%s: %s (%s), not ENI_EIO", paths[i], eni_err_name(rc),
                     eni_error_last()->message);
        assert_null(ctx);
        assert_int_equal(eni_error_last()->code, ENI_EIO);
        st_message_names(paths[i]);
    }
    assert_false(st_exists("store_basic.no-such-dir"));
    assert_int_equal(rmdir(dir), 0); /* nothing was created inside it */
    assert_int_equal(remove(plain), 0);
}

/* A batch is one commit; a reopen after its end sees all of it. Batches
 * nest, and only the outermost end commits. */
static void test_batches(void **state)
{
    (void)state;
    st_remove(PATH);
    eni_ctx *ctx = st_open(PATH);
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &v, &vpc));
    uint64_t c0 = st_info(ctx).commits;

    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN | ENI_STATE_BATCH);
    eni_subnet_id subs[5];
    for (int i = 0; i < 5; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.0.%d.0/24", i + 1);
        eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
        s.vpc = vpc;
        s.availability_zone = "us-east-1a";
        s.cidr_block = cidr;
        assert_eni_ok(eni_subnet_create(ctx, &s, &subs[i]));
        assert_int_equal(st_info(ctx).commits, c0); /* nothing committed yet */
    }
    /* A refused call inside the batch does not spoil it. */
    assert_int_equal(eni_subnet_delete(ctx, (eni_subnet_id){vpc.v}), ENI_EINVAL);
    assert_eni_ok(eni_subnet_delete(ctx, subs[4]));
    assert_eni_ok(eni_ctx_check(ctx));
    assert_eni_ok(eni_ctx_batch_end(ctx));
    eni_state_info si = st_info(ctx);
    assert_int_equal(si.commits, c0 + 1);
    assert_int_equal(si.flags, ENI_STATE_OPEN);
    assert_eni_ok(eni_ctx_check(ctx));

    /* Nested: the inner end commits nothing, the outer one everything. */
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_nic_create(ctx, &(eni_nic_spec){.size = sizeof(eni_nic_spec),
                                                      .subnet = subs[0]},
                                 &(eni_nic_id){0}));
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = vpc;
    g.name = "inner";
    g.description = "inner";
    eni_sg_id sg;
    assert_eni_ok(eni_sg_create(ctx, &g, &sg));
    assert_eni_ok(eni_ctx_batch_end(ctx));
    assert_int_equal(st_info(ctx).commits, c0 + 1);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN | ENI_STATE_BATCH);
    assert_eni_ok(eni_sg_delete(ctx, sg));
    assert_eni_ok(eni_ctx_batch_end(ctx));
    assert_int_equal(st_info(ctx).commits, c0 + 2);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN);
    FAILS(eni_ctx_batch_end(ctx), ENI_ESTATE);
    assert_int_equal(st_info(ctx).commits, c0 + 2);

    /* An empty batch is harmless. */
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_ctx_batch_end(ctx));
    assert_eni_ok(eni_ctx_check(ctx));

    char *before = st_dump(ctx);
    eni_ctx_free(ctx);
    ctx = st_open(PATH);
    char *after = st_dump(ctx);
    assert_string_equal(before, after);
    assert_eni_ok(eni_ctx_check(ctx));
    uint32_t n;
    assert_eni_ok(eni_subnet_list(ctx, vpc, NULL, 0, &n));
    assert_int_equal(n, 4);
    assert_eni_ok(eni_nic_list(ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 1);
    assert_stale(ctx, subs[4].v);
    assert_stale(ctx, sg.v);

    /* A batch still open at a graceful stop: what memory holds goes in. */
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_subnet_delete(ctx, subs[3]));
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_sg_create(ctx, &g, &sg));
    char *open_batch = st_dump(ctx);
    eni_ctx_free(ctx);
    ctx = st_open(PATH);
    char *reopened = st_dump(ctx);
    assert_string_equal(open_batch, reopened);
    assert_int_equal(st_info(ctx).flags, ENI_STATE_OPEN);
    assert_stale(ctx, subs[3].v);
    assert_eni_ok(eni_ctx_check(ctx));
    free(open_batch);
    free(reopened);
    free(before);
    free(after);
    eni_ctx_free(ctx);
    st_remove(PATH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_reopen_is_the_same_model, cleanup),
        cmocka_unit_test_teardown(test_new_ids_after_reopen_are_fresh, cleanup),
        cmocka_unit_test_teardown(test_state_info_counts_commits, cleanup),
        cmocka_unit_test_teardown(test_bad_arguments, cleanup),
        cmocka_unit_test(test_unusable_paths),
        cmocka_unit_test_teardown(test_batches, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
