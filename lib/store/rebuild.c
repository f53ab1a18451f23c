/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "rebuild.h"

#include "model/model.h"
#include "model/sg_internal.h"

#define FOR_KIND ENI__FOR_EACH

static bool peek(eni_ctx *ctx, unsigned kind, uint64_t id, void **obj)
{
    return eni__registry_peek(ctx, kind, id, obj) == ENI_OK;
}

/* Association ids and group rule lists were loaded holding ids. */
static int resolve_links(eni_ctx *ctx)
{
    struct eni_slot_map *assocs = &ctx->registry.kinds[ENI_KIND_EIP_ASSOC];
    for (uint32_t i = 0; i < assocs->len; i++) {
        uint64_t eip_id = (uint64_t)(uintptr_t)assocs->slots[i].obj;
        if (!eip_id)
            continue;
        assocs->slots[i].obj = NULL; /* not a pointer until it resolves */
        struct eni_eip *eip;
        if (!peek(ctx, ENI_KIND_EIP, eip_id, (void **)&eip) ||
            eip->assoc != eni__id_make(ENI_KIND_EIP_ASSOC, assocs->slots[i].gen, i))
            return ENI_ECORRUPT;
        assocs->slots[i].obj = eip;
    }
    FOR_KIND(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        for (unsigned d = 0; d < 2; d++)
            for (uint32_t i = 0; i < g->rules[d].count; i++) {
                uint64_t rid = (uint64_t)(uintptr_t)g->rules[d].v[i];
                g->rules[d].v[i] = NULL;
                struct eni_sg_rule *r;
                if (!peek(ctx, ENI_KIND_SG_RULE, rid, (void **)&r) || r->sg != g->id ||
                    eni__dir_index(r->direction) != d)
                    return ENI_ECORRUPT;
                g->rules[d].v[i] = r;
            }
    }
    return ENI_OK;
}

static int count_vpc_members(eni_ctx *ctx)
{
    struct eni_vpc *v;
    FOR_KIND(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
    {
        struct eni_acl *acl;
        if (!peek(ctx, ENI_KIND_VPC, s->vpc, (void **)&v) ||
            !peek(ctx, ENI_KIND_NETWORK_ACL, s->acl, (void **)&acl))
            return ENI_ECORRUPT;
        v->subnet_count++;
        acl->subnet_count++;
    }
    FOR_KIND(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        if (!peek(ctx, ENI_KIND_VPC, g->vpc, (void **)&v))
            return ENI_ECORRUPT;
        v->sg_count++;
    }
    FOR_KIND(ctx, ENI_KIND_NETWORK_ACL, struct eni_acl, a)
    {
        if (!peek(ctx, ENI_KIND_VPC, a->vpc, (void **)&v))
            return ENI_ECORRUPT;
        v->acl_count++;
    }
    FOR_KIND(ctx, ENI_KIND_SG_RULE, struct eni_sg_rule, r)
    {
        struct eni_sg *peer;
        struct eni_prefix_list *pl;
        if (r->peer_kind == ENI_PEER_GROUP && r->peer != r->sg) {
            if (!peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer))
                return ENI_ECORRUPT;
            peer->referenced_by++;
        } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
            if (!peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl))
                return ENI_ECORRUPT;
            pl->referenced_by++;
        }
    }
    return ENI_OK;
}

/* A subnet's IPv4 bitmap with EC2's five reserved addresses. */
static int subnet_space(eni_ctx *ctx, struct eni_subnet *s)
{
    if (s->cidr.addr.family != 4 || s->cidr.len < 16 || s->cidr.len > 28)
        return ENI_ECORRUPT;
    uint32_t size = 1u << (32 - s->cidr.len);
    s->v4_bitmap = eni__calloc(ctx, (size + 63) / 64, sizeof *s->v4_bitmap);
    if (!s->v4_bitmap)
        return ENI_ENOMEM;
    s->v4_base = eni__addr_v4(&s->cidr.addr);
    s->v4_size = size;
    for (uint32_t off = 0; off <= 3; off++)
        eni__ipam_v4_mark(s, s->v4_base + off, true);
    eni__ipam_v4_mark(s, s->v4_base + size - 1, true);
    return ENI_OK;
}

/* Mark an interface's IPv4 address (or a prefix's 16) used in its subnet:
 * it must be inside, and free until now. */
static bool take_v4(struct eni_subnet *s, uint32_t first, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (!eni__ipam_v4_in_subnet(s, first + k) || eni__ipam_v4_used(s, first + k))
            return false;
    for (uint32_t k = 0; k < n; k++)
        eni__ipam_v4_mark(s, first + k, true);
    return true;
}

static int nic_addresses(eni_ctx *ctx, struct eni_nic *n, struct eni_subnet *s)
{
    const eni_addrmap_mem *mem = eni__mapmem(ctx);
    if (eni__addrmap_reserve(&s->v4_owner, n->v4_count, mem) != 0 ||
        eni__addrmap_reserve(&s->v6_owner, n->v6_count, mem) != 0)
        return ENI_ENOMEM;
    for (uint32_t i = 0; i < n->v4_count; i++) {
        if (!take_v4(s, n->v4[i], 1))
            return ENI_ECORRUPT;
        eni__addrmap_put(&s->v4_owner, 0, n->v4[i], n->id);
    }
    for (uint32_t i = 0; i < n->p4_count; i++)
        if ((n->p4[i] & 15u) || !take_v4(s, n->p4[i], 16))
            return ENI_ECORRUPT;
    for (uint32_t i = 0; i < n->v6_count; i++) {
        if (eni__addrmap_get(&s->v6_owner, n->v6[i].hi, n->v6[i].lo))
            return ENI_ECORRUPT;
        eni__addrmap_put(&s->v6_owner, n->v6[i].hi, n->v6[i].lo, n->id);
    }
    return ENI_OK;
}

static int public_mark(eni_ctx *ctx, uint32_t v4)
{
    struct eni_model *m = ctx->model;
    uint32_t i = v4 - ENI__PUBLIC_POOL_BASE;
    if (i >= ENI__PUBLIC_POOL_SIZE || (m->public_bitmap[i / 64] >> (i % 64)) & 1u)
        return ENI_ECORRUPT;
    m->public_bitmap[i / 64] |= 1ULL << (i % 64);
    m->public_used++;
    return ENI_OK;
}

static int addresses(eni_ctx *ctx)
{
    int rc = ENI_OK;
    FOR_KIND(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
    {
        if (rc == ENI_OK)
            rc = subnet_space(ctx, s);
    }
    if (rc != ENI_OK)
        return rc;
    bool publics = false;
    FOR_KIND(ctx, ENI_KIND_NIC, struct eni_nic, n) publics = publics || n->public_v4;
    if (publics || eni__registry_live(ctx, ENI_KIND_EIP))
        if (eni__public_reserve(ctx) != ENI_OK)
            return ENI_ENOMEM;
    FOR_KIND(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        struct eni_subnet *s;
        if (!peek(ctx, ENI_KIND_SUBNET, n->subnet, (void **)&s))
            return ENI_ECORRUPT;
        rc = nic_addresses(ctx, n, s);
        if (rc == ENI_OK && n->public_v4)
            rc = public_mark(ctx, n->public_v4);
        if (rc != ENI_OK)
            return rc;
        s->nic_count++;
        for (uint32_t i = 0; i < n->group_count; i++) {
            struct eni_sg *g;
            if (!peek(ctx, ENI_KIND_SG, n->groups[i], (void **)&g))
                return ENI_ECORRUPT;
            g->nic_count++;
        }
        struct eni_instance *inst;
        if (n->instance) {
            if (!peek(ctx, ENI_KIND_INSTANCE, n->instance, (void **)&inst))
                return ENI_ECORRUPT;
            inst->nic_count++;
        }
    }
    FOR_KIND(ctx, ENI_KIND_EIP, struct eni_eip, e)
    {
        rc = public_mark(ctx, e->public_v4);
        if (rc != ENI_OK)
            return rc;
    }
    FOR_KIND(ctx, ENI_KIND_INSTANCE, struct eni_instance, i)
    {
        struct eni_subnet *s;
        if (!peek(ctx, ENI_KIND_SUBNET, i->subnet, (void **)&s))
            return ENI_ECORRUPT;
        s->instance_count++;
    }
    return ENI_OK;
}

int eni__store_rebuild(eni_ctx *ctx)
{
    int rc = resolve_links(ctx);
    if (rc == ENI_OK)
        rc = count_vpc_members(ctx);
    if (rc == ENI_OK)
        rc = addresses(ctx);
    return rc;
}
