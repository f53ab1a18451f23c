/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "objects.h"

#include <string.h>

#include "eni/acl.h"
#include "eni/attach.h"
#include "eni/eval.h"
#include "eni/instance.h"
#include "eni/nic.h"
#include "eni/sg.h"
#include "model/model.h"

/* Array bounds a row may claim (the model's own limits, with room). */
enum {
    MAX_ADDRS = 1u << 16,     /* addresses or prefixes on one interface */
    MAX_RULES = 1u << 20,     /* rules of one group, one direction */
    MAX_ENTRIES = 1u << 16,   /* prefix-list or ACL entries */
    MAX_REMOTE = 1u << 24,    /* members of one remote source */
    MAX_SOURCES = 1u << 20,
    MAX_TEXT = 4096,
};

/* ---- the id string ------------------------------------------------------- */

static void enc_text(const eni_ctx *ctx, uint64_t id, struct enc *e)
{
    const struct eni_id_text *t = eni__alias_find_id(&ctx->registry.aliases, id);
    eni__enc_u8(e, t ? 1 : 0);
    if (t) {
        eni__enc_u8(e, (uint8_t)t->ndigits);
        eni__enc_u8(e, (uint8_t)t->high);
        eni__enc_u64(e, t->value);
    }
}

static void dec_text(struct dec *d, unsigned kind, struct eni_id_text *t, bool *has)
{
    uint8_t flag = eni__dec_u8(d);
    *has = flag == 1;
    if (flag > 1)
        d->bad = true;
    memset(t, 0, sizeof *t);
    if (!*has)
        return;
    t->kind = kind;
    t->ndigits = eni__dec_u8(d);
    t->high = eni__dec_u8(d);
    t->value = eni__dec_u64(d);
    if ((t->ndigits != 8 && t->ndigits != 17) || t->high > 15 ||
        (t->ndigits == 8 && (t->high || t->value >> 32)))
        d->bad = true;
}

/* ---- arrays ------------------------------------------------------------------ */

static void enc_u32s(struct enc *e, const uint32_t *v, uint32_t n)
{
    eni__enc_u32(e, n);
    for (uint32_t i = 0; i < n; i++)
        eni__enc_u32(e, v[i]);
}

static void enc_u64s(struct enc *e, const uint64_t *v, uint32_t n)
{
    eni__enc_u32(e, n);
    for (uint32_t i = 0; i < n; i++)
        eni__enc_u64(e, v[i]);
}

static void enc_v6s(struct enc *e, const struct eni_v6 *v, uint32_t n)
{
    eni__enc_u32(e, n);
    for (uint32_t i = 0; i < n; i++) {
        eni__enc_u64(e, v[i].hi);
        eni__enc_u64(e, v[i].lo);
    }
}

static void enc_prefixes(struct enc *e, const eni_prefix *v, uint32_t n)
{
    eni__enc_u32(e, n);
    for (uint32_t i = 0; i < n; i++)
        eni__enc_prefix(e, &v[i]);
}

/* The decoders allocate through the ctx; a failed allocation is noted in
 * *oom and the array is skipped. n == 0 gives NULL. */
static void *dec_alloc(eni_ctx *ctx, uint32_t n, size_t size, bool *oom)
{
    if (n == 0)
        return NULL;
    void *p = eni__calloc(ctx, n, size);
    if (!p)
        *oom = true;
    return p;
}

static uint32_t *dec_u32s(struct dec *d, eni_ctx *ctx, uint32_t max, uint32_t *n, bool *oom)
{
    *n = eni__dec_count(d, 4, max);
    uint32_t *v = dec_alloc(ctx, *n, sizeof *v, oom);
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t x = eni__dec_u32(d);
        if (v)
            v[i] = x;
    }
    return v;
}

static uint64_t *dec_u64s(struct dec *d, eni_ctx *ctx, uint32_t max, uint32_t *n, bool *oom)
{
    *n = eni__dec_count(d, 8, max);
    uint64_t *v = dec_alloc(ctx, *n, sizeof *v, oom);
    for (uint32_t i = 0; i < *n; i++) {
        uint64_t x = eni__dec_u64(d);
        if (v)
            v[i] = x;
    }
    return v;
}

static struct eni_v6 *dec_v6s(struct dec *d, eni_ctx *ctx, uint32_t max, uint32_t *n, bool *oom)
{
    *n = eni__dec_count(d, 16, max);
    struct eni_v6 *v = dec_alloc(ctx, *n, sizeof *v, oom);
    for (uint32_t i = 0; i < *n; i++) {
        struct eni_v6 x = {eni__dec_u64(d), 0};
        x.lo = eni__dec_u64(d);
        if (v)
            v[i] = x;
    }
    return v;
}

static eni_prefix *dec_prefixes(struct dec *d, eni_ctx *ctx, uint32_t max, uint32_t *n,
                                bool *oom)
{
    *n = eni__dec_count(d, 18, max);
    eni_prefix *v = dec_alloc(ctx, *n, sizeof *v, oom);
    for (uint32_t i = 0; i < *n; i++) {
        eni_prefix x;
        eni__dec_prefix(d, &x);
        if (v)
            v[i] = x;
    }
    return v;
}

/* ---- encode ---------------------------------------------------------------------- */

static void enc_vpc(struct enc *e, const struct eni_vpc *v)
{
    eni__enc_prefix(e, &v->cidr);
    eni__enc_prefix(e, &v->cidr6);
    eni__enc_u64(e, v->default_sg);
    eni__enc_u64(e, v->default_acl);
    enc_prefixes(e, v->extra, v->n_extra);
    enc_prefixes(e, v->extra6, v->n_extra6);
}

static void enc_subnet(struct enc *e, const struct eni_subnet *s)
{
    eni__enc_u64(e, s->vpc);
    eni__enc_str(e, s->az);
    eni__enc_u32(e, s->flags);
    eni__enc_prefix(e, &s->cidr);
    eni__enc_prefix(e, &s->cidr6);
    eni__enc_u64(e, s->v6_cursor);
    eni__enc_u64(e, s->acl);
}

static void enc_type(struct enc *e, const eni_instance_type_info *t)
{
    eni__enc_u32(e, t->flags);
    eni__enc_str(e, t->name);
    eni__enc_u32(e, t->hypervisor);
    eni__enc_u32(e, t->ena_support);
    eni__enc_u32(e, t->max_interfaces);
    eni__enc_u32(e, t->max_network_cards);
    eni__enc_u32(e, t->ipv4_per_interface);
    eni__enc_u32(e, t->ipv6_per_interface);
    eni__enc_u32(e, t->max_efa_interfaces);
    eni__enc_u32(e, t->default_tcp_established_timeout);
    eni__enc_u32(e, t->default_udp_stream_timeout);
    eni__enc_u32(e, t->default_udp_timeout);
    enc_u32s(e, t->card_max_interfaces, ENI_MAX_NETWORK_CARDS);
}

static void enc_instance(struct enc *e, const struct eni_instance *i)
{
    eni__enc_u64(e, i->subnet);
    eni__enc_u64(e, i->vpc);
    enc_type(e, &i->type);
    eni__enc_u8(e, i->state);
    eni__enc_u8(e, i->virtualization);
    eni__enc_u8(e, i->platform);
    eni__enc_u8(e, i->ena_support);
    eni__enc_u32(e, i->conntrack_allowance);
}

static void enc_nic(struct enc *e, const struct eni_nic *n)
{
    eni__enc_u64(e, n->subnet);
    eni__enc_u64(e, n->vpc);
    eni__enc_u8(e, n->type);
    eni__enc_u8(e, n->status);
    eni__enc_u8(e, n->source_dest_check);
    eni__enc_bytes(e, n->mac, sizeof n->mac);
    eni__enc_str(e, n->description);
    enc_u32s(e, n->v4, n->v4_count);
    enc_u64s(e, n->v4_eip, n->v4_count);
    enc_v6s(e, n->v6, n->v6_count);
    enc_u64s(e, n->groups, n->group_count);
    eni__enc_u32(e, n->public_v4);
    eni__enc_u8(e, n->auto_public);
    eni__enc_u32(e, n->ct.tcp_established);
    eni__enc_u32(e, n->ct.udp_stream);
    eni__enc_u32(e, n->ct.udp);
    eni__enc_u64(e, n->instance);
    eni__enc_u64(e, n->attachment);
    enc_u32s(e, n->p4, n->p4_count);
    enc_v6s(e, n->p6, n->p6_count);
    eni__enc_u32(e, n->conntrack_allowance);
}

static void enc_attachment(struct enc *e, const struct eni_attachment *a)
{
    eni__enc_u64(e, a->nic);
    eni__enc_u64(e, a->instance);
    eni__enc_u8(e, a->status);
    eni__enc_u8(e, a->kind);
    eni__enc_u8(e, a->delete_on_termination);
    eni__enc_u8(e, a->link_up);
    eni__enc_u8(e, a->force);
    eni__enc_u8(e, a->terminating);
    eni__enc_u16(e, a->device_index);
    eni__enc_u16(e, a->card);
    eni__enc_u64(e, a->deadline_ns);
}

static void enc_eip(struct enc *e, const struct eni_eip *p)
{
    eni__enc_u32(e, p->public_v4);
    eni__enc_u32(e, p->private_v4);
    eni__enc_u64(e, p->assoc);
    eni__enc_u64(e, p->nic);
}

static void enc_sg(struct enc *e, const struct eni_sg *g)
{
    eni__enc_u64(e, g->vpc);
    eni__enc_str(e, g->name);
    eni__enc_str(e, g->description);
    eni__enc_u8(e, g->is_default);
    eni__enc_u8(e, g->egress_modified);
    for (unsigned d = 0; d < 2; d++) { /* rule order is what describe calls show */
        eni__enc_u32(e, g->rules[d].count);
        for (uint32_t i = 0; i < g->rules[d].count; i++)
            eni__enc_u64(e, g->rules[d].v[i]->id);
    }
    eni__enc_u32(e, g->remote_count);
    for (uint32_t i = 0; i < g->remote_count; i++) {
        const struct eni_remote_set *s = &g->remote[i];
        eni__enc_str(e, s->source);
        enc_u32s(e, s->v4, s->n4);
        enc_v6s(e, s->v6, s->n6);
        enc_u32s(e, s->p4, s->np4);
        enc_v6s(e, s->p6, s->np6);
    }
}

static void enc_rule(struct enc *e, const struct eni_sg_rule *r)
{
    eni__enc_u64(e, r->sg);
    eni__enc_u8(e, r->direction);
    eni__enc_u8(e, r->peer_kind);
    eni__enc_u16(e, (uint16_t)r->protocol);
    eni__enc_u32(e, (uint32_t)r->from_port);
    eni__enc_u32(e, (uint32_t)r->to_port);
    eni__enc_prefix(e, &r->cidr);
    eni__enc_u64(e, r->peer);
    eni__enc_str(e, r->description);
}

static void enc_prefix_list(struct enc *e, const struct eni_prefix_list *p)
{
    eni__enc_u8(e, p->family);
    eni__enc_str(e, p->name);
    eni__enc_u32(e, p->max_entries);
    enc_prefixes(e, p->entries, p->entry_count);
}

static void enc_acl(struct enc *e, const struct eni_acl *a)
{
    eni__enc_u64(e, a->vpc);
    eni__enc_u8(e, a->is_default);
    eni__enc_u8(e, a->modified[0]);
    eni__enc_u8(e, a->modified[1]);
    eni__enc_u32(e, a->count);
    for (uint32_t i = 0; i < a->count; i++) {
        const struct eni_acl_entry *x = &a->entries[i];
        eni__enc_u16(e, x->number);
        eni__enc_u8(e, x->egress);
        eni__enc_u8(e, x->action);
        eni__enc_u16(e, (uint16_t)x->protocol);
        eni__enc_u32(e, (uint32_t)x->from_port);
        eni__enc_u32(e, (uint32_t)x->to_port);
        eni__enc_u32(e, (uint32_t)x->icmp_type);
        eni__enc_u32(e, (uint32_t)x->icmp_code);
        eni__enc_prefix(e, &x->cidr);
    }
}

void eni__obj_encode(const eni_ctx *ctx, unsigned kind, uint64_t id, const void *obj,
                     struct enc *e)
{
    enc_text(ctx, id, e);
    switch (kind) {
    case ENI_KIND_VPC: enc_vpc(e, obj); break;
    case ENI_KIND_SUBNET: enc_subnet(e, obj); break;
    case ENI_KIND_INSTANCE: enc_instance(e, obj); break;
    case ENI_KIND_NIC: enc_nic(e, obj); break;
    case ENI_KIND_ATTACHMENT: enc_attachment(e, obj); break;
    case ENI_KIND_EIP: enc_eip(e, obj); break;
    case ENI_KIND_EIP_ASSOC: eni__enc_u64(e, ((const struct eni_eip *)obj)->id); break;
    case ENI_KIND_SG: enc_sg(e, obj); break;
    case ENI_KIND_SG_RULE: enc_rule(e, obj); break;
    case ENI_KIND_PREFIX_LIST: enc_prefix_list(e, obj); break;
    case ENI_KIND_NETWORK_ACL: enc_acl(e, obj); break;
    default: break;
    }
}

/* ---- decode ---------------------------------------------------------------------- */

static void *dec_vpc(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_vpc *v = dec_alloc(ctx, 1, sizeof *v, oom);
    if (!v)
        return NULL;
    eni__dec_prefix(d, &v->cidr);
    eni__dec_prefix(d, &v->cidr6);
    v->default_sg = eni__dec_u64(d);
    v->default_acl = eni__dec_u64(d);
    v->extra = dec_prefixes(d, ctx, ENI__MAX_CIDR_BLOCKS, &v->n_extra, oom);
    v->extra6 = dec_prefixes(d, ctx, ENI__MAX_IPV6_CIDR_BLOCKS, &v->n_extra6, oom);
    return v;
}

static void *dec_subnet(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_subnet *s = dec_alloc(ctx, 1, sizeof *s, oom);
    if (!s)
        return NULL;
    s->vpc = eni__dec_u64(d);
    eni__dec_strbuf(d, s->az, sizeof s->az);
    s->flags = eni__dec_u32(d);
    eni__dec_prefix(d, &s->cidr);
    eni__dec_prefix(d, &s->cidr6);
    s->v6_cursor = eni__dec_u64(d);
    s->acl = eni__dec_u64(d);
    return s;
}

static void dec_type(struct dec *d, eni_instance_type_info *t)
{
    memset(t, 0, sizeof *t);
    t->size = sizeof *t;
    t->flags = eni__dec_u32(d);
    eni__dec_strbuf(d, t->name, sizeof t->name);
    t->hypervisor = eni__dec_u32(d);
    t->ena_support = eni__dec_u32(d);
    t->max_interfaces = eni__dec_u32(d);
    t->max_network_cards = eni__dec_u32(d);
    t->ipv4_per_interface = eni__dec_u32(d);
    t->ipv6_per_interface = eni__dec_u32(d);
    t->max_efa_interfaces = eni__dec_u32(d);
    t->default_tcp_established_timeout = eni__dec_u32(d);
    t->default_udp_stream_timeout = eni__dec_u32(d);
    t->default_udp_timeout = eni__dec_u32(d);
    if (eni__dec_count(d, 4, ENI_MAX_NETWORK_CARDS) != ENI_MAX_NETWORK_CARDS)
        d->bad = true;
    for (unsigned i = 0; i < ENI_MAX_NETWORK_CARDS; i++)
        t->card_max_interfaces[i] = eni__dec_u32(d);
    if (t->max_network_cards > ENI_MAX_NETWORK_CARDS)
        d->bad = true;
}

static void *dec_instance(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_instance *i = dec_alloc(ctx, 1, sizeof *i, oom);
    if (!i)
        return NULL;
    i->subnet = eni__dec_u64(d);
    i->vpc = eni__dec_u64(d);
    dec_type(d, &i->type);
    i->state = eni__dec_u8(d);
    i->virtualization = eni__dec_u8(d);
    i->platform = eni__dec_u8(d);
    i->ena_support = eni__dec_u8(d);
    i->conntrack_allowance = eni__dec_u32(d);
    if (!eni__instance_state_valid(i->state) || i->virtualization < ENI_VIRT_HVM ||
        i->virtualization > ENI_VIRT_PARAVIRTUAL || i->platform < ENI_PLATFORM_LINUX ||
        i->platform > ENI_PLATFORM_WINDOWS || i->ena_support > 1 ||
        i->conntrack_allowance > ENI_CONNTRACK_ALLOWANCE_MAX)
        d->bad = true;
    return i;
}

static void *dec_nic(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_nic *n = dec_alloc(ctx, 1, sizeof *n, oom);
    if (!n)
        return NULL;
    n->subnet = eni__dec_u64(d);
    n->vpc = eni__dec_u64(d);
    n->type = eni__dec_u8(d);
    n->status = eni__dec_u8(d);
    n->source_dest_check = eni__dec_u8(d);
    eni__dec_bytes(d, n->mac, sizeof n->mac);
    n->description = eni__dec_str(d, ctx, ENI_NIC_DESCRIPTION_MAX - 1, oom);
    n->v4 = dec_u32s(d, ctx, MAX_ADDRS, &n->v4_count, oom);
    uint32_t neip;
    n->v4_eip = dec_u64s(d, ctx, MAX_ADDRS, &neip, oom);
    if (neip != n->v4_count)
        d->bad = true;
    n->v4_cap = n->v4_count;
    n->v6 = dec_v6s(d, ctx, MAX_ADDRS, &n->v6_count, oom);
    n->v6_cap = n->v6_count;
    uint32_t ng = eni__dec_count(d, 8, ENI__MAX_GROUPS_PER_NIC);
    for (uint32_t i = 0; i < ng; i++)
        n->groups[i] = eni__dec_u64(d);
    n->group_count = (uint8_t)ng;
    n->public_v4 = eni__dec_u32(d);
    n->auto_public = eni__dec_u8(d);
    n->ct.tcp_established = eni__dec_u32(d);
    n->ct.udp_stream = eni__dec_u32(d);
    n->ct.udp = eni__dec_u32(d);
    n->instance = eni__dec_u64(d);
    n->attachment = eni__dec_u64(d);
    n->p4 = dec_u32s(d, ctx, MAX_ADDRS, &n->p4_count, oom);
    n->p6 = dec_v6s(d, ctx, MAX_ADDRS, &n->p6_count, oom);
    if (d->at < d->len) /* schema 1 rows end before the interface's allowance */
        n->conntrack_allowance = eni__dec_u32(d);
    if (n->conntrack_allowance > ENI_CONNTRACK_ALLOWANCE_MAX || n->type > ENI_NIC_EFA_ONLY || n->status > ENI_NIC_DETACHING || n->source_dest_check > 1 ||
        n->auto_public > 1)
        d->bad = true;
    return n;
}

static void *dec_attachment(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_attachment *a = dec_alloc(ctx, 1, sizeof *a, oom);
    if (!a)
        return NULL;
    a->nic = eni__dec_u64(d);
    a->instance = eni__dec_u64(d);
    a->status = eni__dec_u8(d);
    a->kind = eni__dec_u8(d);
    a->delete_on_termination = eni__dec_u8(d);
    a->link_up = eni__dec_u8(d);
    a->force = eni__dec_u8(d);
    a->terminating = eni__dec_u8(d);
    a->device_index = eni__dec_u16(d);
    a->card = eni__dec_u16(d);
    a->deadline_ns = eni__dec_u64(d);
    if (a->status > ENI_ATTACHMENT_DETACHING || a->kind < ENI_ATTACH_COLD ||
        a->kind > ENI_ATTACH_WARM || a->delete_on_termination > 1 || a->link_up > 1 ||
        a->force > 1 || a->terminating > 1)
        d->bad = true;
    return a;
}

static void *dec_eip(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_eip *p = dec_alloc(ctx, 1, sizeof *p, oom);
    if (!p)
        return NULL;
    p->public_v4 = eni__dec_u32(d);
    p->private_v4 = eni__dec_u32(d);
    p->assoc = eni__dec_u64(d);
    p->nic = eni__dec_u64(d);
    return p;
}

/* A group's rule lists hold ids here; rebuild.c swaps in the rules. */
static void *dec_sg(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_sg *g = dec_alloc(ctx, 1, sizeof *g, oom);
    if (!g)
        return NULL;
    g->vpc = eni__dec_u64(d);
    g->name = eni__dec_str(d, ctx, MAX_TEXT, oom);
    g->description = eni__dec_str(d, ctx, MAX_TEXT, oom);
    uint8_t is_default = eni__dec_u8(d), egress_modified = eni__dec_u8(d);
    if (is_default > 1 || egress_modified > 1)
        d->bad = true;
    g->is_default = is_default;
    g->egress_modified = egress_modified;
    for (unsigned dir = 0; dir < 2; dir++) {
        uint32_t n = eni__dec_count(d, 8, MAX_RULES);
        struct eni_sg_rule **v = dec_alloc(ctx, n, sizeof *v, oom);
        for (uint32_t i = 0; i < n; i++) {
            uint64_t rid = eni__dec_u64(d);
            if (v)
                v[i] = (struct eni_sg_rule *)(uintptr_t)rid; /* resolved by rebuild.c */
        }
        g->rules[dir].v = v;
        g->rules[dir].count = g->rules[dir].cap = v ? n : 0;
    }
    uint32_t nsets = eni__dec_count(d, 4 * 5, MAX_SOURCES);
    g->remote = dec_alloc(ctx, nsets, sizeof *g->remote, oom);
    if (!g->remote)
        nsets = 0;
    g->remote_count = nsets;
    for (uint32_t i = 0; i < nsets; i++) {
        struct eni_remote_set *s = &g->remote[i];
        s->source = eni__dec_str(d, ctx, ENI_REMOTE_SOURCE_MAX - 1, oom);
        s->v4 = dec_u32s(d, ctx, MAX_REMOTE, &s->n4, oom);
        s->v6 = dec_v6s(d, ctx, MAX_REMOTE, &s->n6, oom);
        s->p4 = dec_u32s(d, ctx, MAX_REMOTE, &s->np4, oom);
        s->p6 = dec_v6s(d, ctx, MAX_REMOTE, &s->np6, oom);
        if (!s->source)
            d->bad = true;
    }
    if (!g->name)
        d->bad = true;
    return g;
}

static void *dec_rule(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_sg_rule *r = dec_alloc(ctx, 1, sizeof *r, oom);
    if (!r)
        return NULL;
    r->sg = eni__dec_u64(d);
    r->direction = eni__dec_u8(d);
    r->peer_kind = eni__dec_u8(d);
    r->protocol = (int16_t)eni__dec_u16(d);
    r->from_port = (int32_t)eni__dec_u32(d);
    r->to_port = (int32_t)eni__dec_u32(d);
    eni__dec_prefix(d, &r->cidr);
    r->peer = eni__dec_u64(d);
    r->description = eni__dec_str(d, ctx, MAX_TEXT, oom);
    if (r->protocol < -1 || r->protocol > 255 ||
        (r->direction != ENI_INGRESS && r->direction != ENI_EGRESS) ||
        r->peer_kind < ENI_PEER_CIDR || r->peer_kind > ENI_PEER_PREFIX_LIST)
        d->bad = true;
    return r;
}

static void *dec_prefix_list(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_prefix_list *p = dec_alloc(ctx, 1, sizeof *p, oom);
    if (!p)
        return NULL;
    p->family = eni__dec_u8(d);
    p->name = eni__dec_str(d, ctx, MAX_TEXT, oom);
    p->max_entries = eni__dec_u32(d);
    p->entries = dec_prefixes(d, ctx, MAX_ENTRIES, &p->entry_count, oom);
    if (p->family != 4 && p->family != 6)
        d->bad = true;
    return p;
}

static void *dec_acl(struct dec *d, eni_ctx *ctx, bool *oom)
{
    struct eni_acl *a = dec_alloc(ctx, 1, sizeof *a, oom);
    if (!a)
        return NULL;
    a->vpc = eni__dec_u64(d);
    uint8_t is_default = eni__dec_u8(d);
    a->is_default = is_default;
    a->modified[0] = eni__dec_u8(d);
    a->modified[1] = eni__dec_u8(d);
    if (is_default > 1 || a->modified[0] > 1 || a->modified[1] > 1)
        d->bad = true;
    uint32_t n = eni__dec_count(d, 20 + 18, MAX_ENTRIES);
    a->entries = dec_alloc(ctx, n, sizeof *a->entries, oom);
    a->count = a->cap = a->entries ? n : 0;
    for (uint32_t i = 0; i < a->count; i++) {
        struct eni_acl_entry *x = &a->entries[i];
        x->number = eni__dec_u16(d);
        x->egress = eni__dec_u8(d);
        x->action = eni__dec_u8(d);
        x->protocol = (int16_t)eni__dec_u16(d);
        x->from_port = (int32_t)eni__dec_u32(d);
        x->to_port = (int32_t)eni__dec_u32(d);
        x->icmp_type = (int32_t)eni__dec_u32(d);
        x->icmp_code = (int32_t)eni__dec_u32(d);
        eni__dec_prefix(d, &x->cidr);
        if (x->egress > 1 || (x->action != ENI_ACL_ALLOW && x->action != ENI_ACL_DENY) ||
            x->protocol < -1 || x->protocol > 255)
            d->bad = true;
    }
    return a;
}

static void *dec_assoc(struct dec *d, eni_ctx *ctx, bool *oom)
{
    (void)ctx;
    (void)oom;
    /* The EIP's id, as a stand-in pointer until rebuild.c resolves it. */
    uint64_t eip = eni__dec_u64(d);
    if (eni__id_kind(eip) != ENI_KIND_EIP)
        d->bad = true;
    return (void *)(uintptr_t)eip;
}

int eni__obj_decode(eni_ctx *ctx, unsigned kind, uint64_t id, const void *row, size_t len,
                    void **out, struct eni_id_text *text, bool *has_text)
{
    struct dec d;
    eni__dec_init(&d, row, len);
    dec_text(&d, kind, text, has_text);
    bool oom = false;
    void *obj = NULL;
    switch (kind) {
    case ENI_KIND_VPC: obj = dec_vpc(&d, ctx, &oom); break;
    case ENI_KIND_SUBNET: obj = dec_subnet(&d, ctx, &oom); break;
    case ENI_KIND_INSTANCE: obj = dec_instance(&d, ctx, &oom); break;
    case ENI_KIND_NIC: obj = dec_nic(&d, ctx, &oom); break;
    case ENI_KIND_ATTACHMENT: obj = dec_attachment(&d, ctx, &oom); break;
    case ENI_KIND_EIP: obj = dec_eip(&d, ctx, &oom); break;
    case ENI_KIND_EIP_ASSOC: obj = dec_assoc(&d, ctx, &oom); break;
    case ENI_KIND_SG: obj = dec_sg(&d, ctx, &oom); break;
    case ENI_KIND_SG_RULE: obj = dec_rule(&d, ctx, &oom); break;
    case ENI_KIND_PREFIX_LIST: obj = dec_prefix_list(&d, ctx, &oom); break;
    case ENI_KIND_NETWORK_ACL: obj = dec_acl(&d, ctx, &oom); break;
    default: d.bad = true; break;
    }
    bool ok = eni__dec_done(&d) && !oom && obj;
    if (!ok && obj) /* (a group's rule lists hold ids, not rules: freeing them is all) */
        eni__model_free_object(ctx, kind, obj);
    if (!ok)
        return oom ? ENI_ENOMEM : ENI_ECORRUPT;
    /* Every object's first field is its id. */
    if (kind != ENI_KIND_EIP_ASSOC)
        memcpy(obj, &id, sizeof id);
    *out = obj;
    return ENI_OK;
}
