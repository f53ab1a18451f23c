/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_ctx_check(): recount and cross-check the whole model. */
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"
#include "sg_internal.h"
#include "eni/eval.h"

#define BAD(...) return eni__fail(ENI_EINTERNAL, NULL, __VA_ARGS__)

static bool live(eni_ctx *ctx, unsigned kind, uint64_t id, void **obj)
{
    return eni__registry_peek(ctx, kind, id, obj) == ENI_OK;
}

static int check_vpcs(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_VPC, struct eni_vpc, v)
    {
        struct eni_sg *d;
        if (!live(ctx, ENI_KIND_SG, v->default_sg, (void **)&d) || !d->is_default || d->vpc != v->id)
            BAD("VPC slot %u: default group missing or foreign", v_i_);
        if (v->cidr.addr.family != 4 || v->cidr.len < 16 || v->cidr.len > 28)
            BAD("VPC slot %u: bad IPv4 block", v_i_);
        for (uint32_t i = 0; i < v->n_extra; i++) {
            const eni_prefix *x = &v->extra[i];
            bool clash = x->addr.family != 4 || x->len < 16 || x->len > 28 ||
                         !eni__prefix_is_canonical(x) || eni__prefix_overlaps(x, &v->cidr);
            for (uint32_t j = 0; j < i; j++)
                clash = clash || eni__prefix_overlaps(x, &v->extra[j]);
            if (clash)
                BAD("VPC slot %u: secondary block #%u is bad or overlaps another", v_i_, i);
        }
        /* IPv6 (D33): /56s, disjoint, the first in cidr6 whenever there are any */
        if ((v->n_extra6 && !eni__vpc_has_ipv6(v)) ||
            (!eni__vpc_has_ipv6(v) && (v->cidr6.addr.family || v->cidr6.len)) ||
            eni__vpc_ipv6_count(v) > ENI__MAX_IPV6_CIDR_BLOCKS)
            BAD("VPC slot %u: IPv6 blocks without a first one, or %u of them", v_i_,
                eni__vpc_ipv6_count(v));
        for (uint32_t i = 0; i < eni__vpc_ipv6_count(v); i++) {
            const eni_prefix *x = eni__vpc_ipv6_block(v, i);
            bool clash = x->addr.family != 6 || x->len != 56 || !eni__prefix_is_canonical(x);
            for (uint32_t j = 0; j < i; j++)
                clash = clash || eni__prefix_overlaps(x, eni__vpc_ipv6_block(v, j));
            if (clash)
                BAD("VPC slot %u: IPv6 block #%u is bad or overlaps another", v_i_, i);
        }
        struct eni_acl *acl;
        if (!live(ctx, ENI_KIND_NETWORK_ACL, v->default_acl, (void **)&acl) || !acl->is_default ||
            acl->vpc != v->id)
            BAD("VPC slot %u: default network ACL missing or foreign", v_i_);
        uint32_t acls = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_NETWORK_ACL, struct eni_acl, l) acls += l->vpc == v->id;
        if (acls != v->acl_count)
            BAD("VPC slot %u: %u network ACLs, recount %u", v_i_, v->acl_count, acls);
        uint32_t subnets = 0, groups = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s) subnets += s->vpc == v->id;
        ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g) groups += g->vpc == v->id;
        if (subnets != v->subnet_count || groups != v->sg_count)
            BAD("VPC slot %u: counts %u/%u, recount %u/%u", v_i_, v->subnet_count, v->sg_count,
                subnets, groups);
    }
    return ENI_OK;
}

static int check_subnets(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
    {
        struct eni_vpc *v;
        struct eni_acl *acl;
        if (!live(ctx, ENI_KIND_VPC, s->vpc, (void **)&v) || !eni__vpc_holds_v4(v, &s->cidr) ||
            (s->cidr6.addr.family && !eni__vpc_holds_v6(v, &s->cidr6)))
            BAD("subnet slot %u: VPC missing or block outside it", s_i_);
        if (!live(ctx, ENI_KIND_NETWORK_ACL, s->acl, (void **)&acl) || acl->vpc != s->vpc)
            BAD("subnet slot %u: network ACL missing or foreign", s_i_);
        uint32_t bits = 0;
        for (uint32_t w = 0; w < (s->v4_size + 63) / 64; w++)
            bits += (uint32_t)__builtin_popcountll(s->v4_bitmap[w]);
        if (bits != s->v4_used)
            BAD("subnet slot %u: %u addresses used, bitmap says %u", s_i_, s->v4_used, bits);
        for (uint32_t off = 0; off < s->v4_size; off++)
            if (eni__ipam_v4_is_reserved(s, s->v4_base + off) &&
                !eni__ipam_v4_used(s, s->v4_base + off))
                BAD("subnet slot %u: reserved address +%u is free", s_i_, off);
        uint32_t nics = 0, insts = 0, v4 = 0, v6 = 0, p4 = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
        {
            if (n->subnet != s->id)
                continue;
            nics++;
            v4 += n->v4_count;
            v6 += n->v6_count;
            p4 += n->p4_count;
        }
        ENI__FOR_EACH(ctx, ENI_KIND_INSTANCE, struct eni_instance, i) insts += i->subnet == s->id;
        if (nics != s->nic_count || insts != s->instance_count)
            BAD("subnet slot %u: counts %u/%u, recount %u/%u", s_i_, s->nic_count,
                s->instance_count, nics, insts);
        if (v4 != s->v4_owner.count || v4 + 16 * p4 + 5 != s->v4_used ||
            v6 != s->v6_owner.count)
            BAD("subnet slot %u: %u IPv4 / %u IPv6 on interfaces, maps hold %u / %u, used %u",
                s_i_, v4, v6, s->v4_owner.count, s->v6_owner.count, s->v4_used);
    }
    return ENI_OK;
}

/* Delegated prefixes: aligned, in the subnet, marked used, holding no
 * assigned or reserved address and no other interface's prefix. */
static int check_prefixes(eni_ctx *ctx, const struct eni_subnet *s, const struct eni_nic *n,
                          uint32_t slot)
{
    for (uint32_t i = 0; i < n->p4_count; i++) {
        uint32_t base = n->p4[i];
        if ((base & 15u) || !eni__ipam_v4_in_subnet(s, base) ||
            !eni__ipam_v4_in_subnet(s, base + 15))
            BAD("interface slot %u: IPv4 prefix #%u misaligned or outside its subnet", slot, i);
        for (uint32_t k = 0; k < 16; k++)
            if (!eni__ipam_v4_used(s, base + k) || eni__ipam_v4_is_reserved(s, base + k) ||
                eni__addrmap_get(&s->v4_owner, 0, base + k) ||
                eni__subnet_v4_prefix_owner(ctx, s, base + k) != n->id)
                BAD("interface slot %u: IPv4 prefix #%u is not wholly its own", slot, i);
    }
    for (uint32_t i = 0; i < n->p6_count; i++) {
        struct eni_v6 a = n->p6[i], last = {a.hi, a.lo | 0xffffffffffffULL};
        if ((a.lo & 0xffffffffffffULL) || !eni__ipam_v6_in_subnet(s, &a) ||
            eni__ipam_v6_is_reserved(s, &a) || eni__ipam_v6_is_reserved(s, &last) ||
            eni__subnet_v6_prefix_owner(ctx, s, &a) != n->id)
            BAD("interface slot %u: IPv6 prefix #%u misaligned, reserved or shared", slot, i);
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, m)
        {
            for (uint32_t k = 0; m->subnet == s->id && k < m->v6_count; k++)
                if (m->v6[k].hi == a.hi && (m->v6[k].lo & ~0xffffffffffffULL) == a.lo)
                    BAD("interface slot %u: IPv6 prefix #%u holds an assigned address", slot, i);
        }
    }
    return ENI_OK;
}

static int check_acls(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_NETWORK_ACL, struct eni_acl, l)
    {
        struct eni_vpc *v;
        if (!live(ctx, ENI_KIND_VPC, l->vpc, (void **)&v) || (l->is_default != (v->default_acl == l->id)))
            BAD("network ACL slot %u: VPC missing or default flag wrong", l_i_);
        uint32_t subnets = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s) subnets += s->acl == l->id;
        if (subnets != l->subnet_count)
            BAD("network ACL slot %u: %u subnets, recount %u", l_i_, l->subnet_count, subnets);
        for (uint32_t i = 0; i < l->count; i++) {
            const struct eni_acl_entry *e = &l->entries[i], *p = i ? e - 1 : NULL;
            if (e->number < ENI_ACL_RULE_MIN || e->number > ENI_ACL_RULE_MAX || e->egress > 1 ||
                (e->action != ENI_ACL_ALLOW && e->action != ENI_ACL_DENY) ||
                !eni__prefix_is_canonical(&e->cidr) ||
                (p && (p->egress > e->egress ||
                       (p->egress == e->egress && p->number >= e->number))))
                BAD("network ACL slot %u: entry #%u is malformed or out of order", l_i_, i);
        }
    }
    return ENI_OK;
}

static int check_nics(eni_ctx *ctx)
{
    uint32_t publics = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        struct eni_subnet *s;
        if (!live(ctx, ENI_KIND_SUBNET, n->subnet, (void **)&s) || s->vpc != n->vpc)
            BAD("interface slot %u: subnet missing or VPC mismatch", n_i_);
        if ((n->type == ENI_NIC_EFA_ONLY) != (n->v4_count == 0) ||
            (n->type == ENI_NIC_EFA_ONLY && n->v6_count))
            BAD("interface slot %u: address count does not fit its type", n_i_);
        for (uint32_t i = 0; i < n->v4_count; i++) {
            if (!eni__ipam_v4_in_subnet(s, n->v4[i]) || eni__ipam_v4_is_reserved(s, n->v4[i]) ||
                !eni__ipam_v4_used(s, n->v4[i]) ||
                eni__addrmap_get(&s->v4_owner, 0, n->v4[i]) != n->id)
                BAD("interface slot %u: IPv4 #%u not owned in its subnet", n_i_, i);
            struct eni_eip *e;
            if (n->v4_eip[i] && (!live(ctx, ENI_KIND_EIP, n->v4_eip[i], (void **)&e) ||
                                 e->nic != n->id || e->private_v4 != n->v4[i] || !e->assoc))
                BAD("interface slot %u: Elastic IP of IPv4 #%u does not point back", n_i_, i);
        }
        for (uint32_t i = 0; i < n->v6_count; i++)
            if (!eni__ipam_v6_in_subnet(s, &n->v6[i]) ||
                eni__addrmap_get(&s->v6_owner, n->v6[i].hi, n->v6[i].lo) != n->id)
                BAD("interface slot %u: IPv6 #%u not owned in its subnet", n_i_, i);
        if (n->group_count < 1 || n->group_count > ENI__MAX_GROUPS_PER_NIC)
            BAD("interface slot %u: %u groups", n_i_, n->group_count);
        for (uint32_t i = 0; i < n->group_count; i++) {
            struct eni_sg *g;
            if (!live(ctx, ENI_KIND_SG, n->groups[i], (void **)&g) || g->vpc != n->vpc)
                BAD("interface slot %u: group #%u missing or foreign", n_i_, i);
            for (uint32_t j = 0; j < i; j++)
                if (n->groups[j] == n->groups[i])
                    BAD("interface slot %u: group listed twice", n_i_);
        }
        if (n->status > ENI_NIC_DETACHING)
            BAD("interface slot %u: bad status %u", n_i_, n->status);
        if (n->conntrack_allowance > ENI_CONNTRACK_ALLOWANCE_MAX)
            BAD("interface slot %u: conntrack allowance %u above %u", n_i_,
                n->conntrack_allowance, ENI_CONNTRACK_ALLOWANCE_MAX);
        int rc = check_prefixes(ctx, s, n, n_i_);
        if (rc != ENI_OK)
            return rc;
        publics += n->public_v4 != 0;
    }
    struct eni_model *m = ctx->model;
    if (publics + eni__registry_live(ctx, ENI_KIND_EIP) != m->public_used)
        BAD("public pool: %u used, %u interfaces + %u Elastic IPs hold one", m->public_used,
            publics, eni__registry_live(ctx, ENI_KIND_EIP));
    return ENI_OK;
}

static int check_groups(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        void *obj;
        if (!live(ctx, ENI_KIND_VPC, g->vpc, &obj))
            BAD("group slot %u: VPC missing", g_i_);
        uint32_t nics = 0, refs = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
        for (uint32_t i = 0; i < n->group_count; i++)
            nics += n->groups[i] == g->id;
        ENI__FOR_EACH(ctx, ENI_KIND_SG_RULE, struct eni_sg_rule, r)
        refs += r->peer_kind == ENI_PEER_GROUP && r->peer == g->id && r->sg != g->id;
        for (uint32_t i = 0; i < g->remote_count; i++) {
            const struct eni_remote_set *s = &g->remote[i];
            bool order = i == 0 || strcmp(g->remote[i - 1].source, s->source) < 0;
            for (uint32_t k = 1; k < s->n4; k++)
                order = order && s->v4[k - 1] < s->v4[k];
            for (uint32_t k = 1; k < s->n6; k++)
                order = order && (s->v6[k - 1].hi < s->v6[k].hi ||
                                  (s->v6[k - 1].hi == s->v6[k].hi && s->v6[k - 1].lo < s->v6[k].lo));
            for (uint32_t k = 1; k < s->np4; k++)
                order = order && s->p4[k - 1] < s->p4[k];
            for (uint32_t k = 1; k < s->np6; k++) {
                const struct eni_v6 *a = &s->p6[k - 1], *b = &s->p6[k];
                order = order && (a->hi < b->hi || (a->hi == b->hi && a->lo < b->lo));
            }
            if (!order || s->n4 + s->n6 + s->np4 + s->np6 == 0)
                BAD("group slot %u: remote set #%u is unsorted, repeated or empty", g_i_, i);
            /* Delegated prefixes (D35), kept per family (p4: IPv4 /28s, p6:
             * IPv6 /80s): each one's first address, so no host bits. */
            for (uint32_t k = 0; k < s->np4; k++)
                if (s->p4[k] & 15u)
                    BAD("group slot %u: remote set #%u: IPv4 prefix #%u is not an aligned /28",
                        g_i_, i, k);
            for (uint32_t k = 0; k < s->np6; k++)
                if (s->p6[k].lo & 0xffffffffffffULL)
                    BAD("group slot %u: remote set #%u: IPv6 prefix #%u is not an aligned /80",
                        g_i_, i, k);
        }
        if (nics != g->nic_count || refs != g->referenced_by)
            BAD("group slot %u: counts %u/%u, recount %u/%u", g_i_, g->nic_count,
                g->referenced_by, nics, refs);
        for (unsigned d = 0; d < 2; d++)
            for (uint32_t i = 0; i < g->rules[d].count; i++) {
                struct eni_sg_rule *r = g->rules[d].v[i], *again;
                if (!live(ctx, ENI_KIND_SG_RULE, r->id, (void **)&again) || again != r ||
                    r->sg != g->id || eni__dir_index(r->direction) != d)
                    BAD("group slot %u: rule #%u not registered or misfiled", g_i_, i);
                struct eni_sg *peer;
                struct eni_prefix_list *pl;
                if ((r->peer_kind == ENI_PEER_GROUP &&
                     (!live(ctx, ENI_KIND_SG, r->peer, (void **)&peer) || peer->vpc != g->vpc)) ||
                    (r->peer_kind == ENI_PEER_PREFIX_LIST &&
                     !live(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl)) ||
                    (r->peer_kind == ENI_PEER_CIDR && !eni__prefix_is_canonical(&r->cidr)))
                    BAD("group slot %u: rule #%u has a bad peer", g_i_, i);
            }
    }
    uint32_t rules = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g) rules += g->rules[0].count + g->rules[1].count;
    if (rules != eni__registry_live(ctx, ENI_KIND_SG_RULE))
        BAD("%u rules in groups, %u registered", rules, eni__registry_live(ctx, ENI_KIND_SG_RULE));
    ENI__FOR_EACH(ctx, ENI_KIND_PREFIX_LIST, struct eni_prefix_list, p)
    {
        uint32_t refs = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_SG_RULE, struct eni_sg_rule, r)
        refs += r->peer_kind == ENI_PEER_PREFIX_LIST && r->peer == p->id;
        if (refs != p->referenced_by || p->entry_count > p->max_entries)
            BAD("prefix list slot %u: %u references (recount %u), %u/%u entries", p_i_,
                p->referenced_by, refs, p->entry_count, p->max_entries);
        for (uint32_t i = 0; i < p->entry_count; i++)
            if (p->entries[i].addr.family != p->family || !eni__prefix_is_canonical(&p->entries[i]))
                BAD("prefix list slot %u: entry #%u is malformed", p_i_, i);
    }
    return ENI_OK;
}

static int check_eips_and_instances(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_EIP, struct eni_eip, e)
    {
        if (e->public_v4 - ENI__PUBLIC_POOL_BASE >= ENI__PUBLIC_POOL_SIZE)
            BAD("Elastic IP slot %u: address outside the pool", e_i_);
        if (!e->assoc)
            continue;
        void *back;
        struct eni_nic *n;
        if (!live(ctx, ENI_KIND_EIP_ASSOC, e->assoc, &back) || back != e ||
            !live(ctx, ENI_KIND_NIC, e->nic, (void **)&n))
            BAD("Elastic IP slot %u: association or interface missing", e_i_);
        int at = eni__nic_find_v4(n, e->private_v4);
        if (at < 0 || n->v4_eip[at] != e->id)
            BAD("Elastic IP slot %u: interface does not point back", e_i_);
    }
    uint32_t assocs = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_EIP, struct eni_eip, e) assocs += e->assoc != 0;
    if (assocs != eni__registry_live(ctx, ENI_KIND_EIP_ASSOC))
        BAD("%u associations held, %u registered", assocs,
            eni__registry_live(ctx, ENI_KIND_EIP_ASSOC));
    ENI__FOR_EACH(ctx, ENI_KIND_INSTANCE, struct eni_instance, i)
    {
        struct eni_subnet *s;
        if (!live(ctx, ENI_KIND_SUBNET, i->subnet, (void **)&s) || s->vpc != i->vpc)
            BAD("instance slot %u: subnet missing or VPC mismatch", i_i_);
        uint32_t nics = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n) nics += n->instance == i->id;
        if (nics != i->nic_count)
            BAD("instance slot %u: %u interfaces, recount %u", i_i_, i->nic_count, nics);
        if (i->conntrack_allowance > ENI_CONNTRACK_ALLOWANCE_MAX)
            BAD("instance slot %u: conntrack allowance %u above %u", i_i_,
                i->conntrack_allowance, ENI_CONNTRACK_ALLOWANCE_MAX);
    }
    return ENI_OK;
}

static int check_attachments(eni_ctx *ctx)
{
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
    {
        struct eni_nic *n;
        struct eni_instance *i;
        if (!live(ctx, ENI_KIND_NIC, a->nic, (void **)&n) || n->attachment != a->id ||
            n->instance != a->instance || !live(ctx, ENI_KIND_INSTANCE, a->instance, (void **)&i))
            BAD("attachment slot %u: interface or instance does not point back", a_i_);
        static const uint8_t nic_status[] = {ENI_NIC_ATTACHING, ENI_NIC_IN_USE, ENI_NIC_DETACHING};
        if (a->status > ENI_ATTACHMENT_DETACHING || n->status != nic_status[a->status])
            BAD("attachment slot %u: status %u but interface status %u", a_i_, a->status,
                n->status);
        if (a->card >= i->type.max_network_cards)
            BAD("attachment slot %u: card %u out of range", a_i_, a->card);
        ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, b)
        if (b != a && b->instance == a->instance && b->card == a->card &&
            b->device_index == a->device_index)
            BAD("attachment slot %u: device index %u used twice", a_i_, a->device_index);
    }
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        void *obj;
        if ((n->attachment == 0) != (n->instance == 0) ||
            (n->attachment && !live(ctx, ENI_KIND_ATTACHMENT, n->attachment, &obj)) ||
            (!n->attachment && n->status != ENI_NIC_AVAILABLE))
            BAD("interface slot %u: attachment, instance and status disagree", n_i_);
    }
    return ENI_OK;
}

int eni_ctx_check(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_check: ctx is NULL");
    eni__lock(ctx);
    int rc = eni__model_check_locked(ctx);
    if (rc == ENI_OK && ctx->on_check)
        rc = ctx->on_check(ctx); /* the state file holds what memory holds */
    eni__unlock(ctx);
    return rc;
}

int eni__model_check_locked(eni_ctx *ctx)
{
    int rc = check_vpcs(ctx);
    if (rc == ENI_OK)
        rc = check_subnets(ctx);
    if (rc == ENI_OK)
        rc = check_nics(ctx);
    if (rc == ENI_OK)
        rc = check_groups(ctx);
    if (rc == ENI_OK)
        rc = check_eips_and_instances(ctx);
    if (rc == ENI_OK)
        rc = check_attachments(ctx);
    if (rc == ENI_OK)
        rc = check_acls(ctx);
    if (rc == ENI_OK)
        rc = eni__given_ids_check(ctx);
    return rc;
}
