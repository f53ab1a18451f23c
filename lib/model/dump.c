/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_ctx_dump(): a canonical text form of the whole model, one line per
 * object, in kind then id order. Equal dumps mean equal models. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"

struct out {
    eni_ctx *ctx;
    char *buf;
    size_t len, cap;
    bool nomem;
};

static void put(struct out *o, const char *fmt, ...) ENI__PRINTF(2, 3);
static void put(struct out *o, const char *fmt, ...)
{
    if (o->nomem)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->nomem = true;
            return;
        }
        if (o->buf && o->len + (size_t)n < o->cap) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + (size_t)n + 1)
            cap *= 2;
        char *b = eni__realloc_array(o->ctx, o->buf, cap, 1);
        if (!b) {
            o->nomem = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
}

static const char *idstr(eni_ctx *ctx, uint64_t id, char *buf)
{
    if (!id)
        return "-";
    eni_id_format(ctx, id, buf, ENI_ID_STRING_MAX);
    return buf;
}

static void put_v4(struct out *o, uint32_t v4)
{
    char t[ENI_ADDR_STR_MAX];
    eni_addr a = eni__addr_from_v4(v4);
    eni__addr_format(&a, t);
    put(o, " %s", t);
}

static void put_prefix(struct out *o, const eni_prefix *p)
{
    char t[ENI_PREFIX_STR_MAX];
    eni__prefix_format(p, t);
    put(o, " %s", t);
}

/* "  remote <source>: <addresses> <prefixes>" for members on another host
 * (IPv4 before IPv6 in each part; the prefixes are the ones with a '/'). */
static void dump_remote(struct out *o, const struct eni_remote_set *s)
{
    char text[ENI_ADDR_STR_MAX];
    put(o, "  remote %s:", s->source);
    for (uint32_t i = 0; i < s->n4 + s->n6; i++) {
        eni_addr a = i < s->n4 ? eni__addr_from_v4(s->v4[i])
                               : eni__addr_from_v6(s->v6[i - s->n4].hi, s->v6[i - s->n4].lo);
        eni__addr_format(&a, text);
        put(o, " %s", text);
    }
    for (uint32_t i = 0; i < s->np4 + s->np6; i++) {
        eni_prefix p;
        memset(&p, 0, sizeof p);
        p.addr = i < s->np4 ? eni__addr_from_v4(s->p4[i])
                            : eni__addr_from_v6(s->p6[i - s->np4].hi, s->p6[i - s->np4].lo);
        p.len = i < s->np4 ? 28 : 80;
        put_prefix(o, &p);
    }
    put(o, "\n");
}

static void dump_rule(struct out *o, const struct eni_sg_rule *r)
{
    char a[ENI_ID_STRING_MAX], b[ENI_ID_STRING_MAX];
    put(o, "  rule %s %s proto=%d ports=%d:%d peer=", idstr(o->ctx, r->id, a),
        r->direction == ENI_INGRESS ? "in" : "out", r->protocol, r->from_port, r->to_port);
    if (r->peer_kind == ENI_PEER_CIDR)
        put_prefix(o, &r->cidr);
    else
        put(o, " %s", idstr(o->ctx, r->peer, b));
    put(o, " desc=\"%s\"\n", r->description ? r->description : "");
}

static void dump_acl_entry(struct out *o, const struct eni_acl_entry *e)
{
    put(o, "  entry %s %u %s proto=%d ports=%d:%d icmp=%d:%d", e->egress ? "out" : "in",
        e->number, e->action == ENI_ACL_ALLOW ? "allow" : "deny", e->protocol, e->from_port,
        e->to_port, e->icmp_type, e->icmp_code);
    put_prefix(o, &e->cidr);
    put(o, "\n");
}

static void dump_all(struct out *o)
{
    eni_ctx *ctx = o->ctx;
    struct eni_model *m = ctx->model;
    char a[ENI_ID_STRING_MAX], b[ENI_ID_STRING_MAX], c[ENI_ID_STRING_MAX];
    put(o,
        "quotas eips=%u nics=%u groups=%u rules=%u groups_per_nic=%u acl_rules=%u acls=%u "
        "cidr_blocks=%u ipv6_cidr_blocks=%u public_used=%u\n",
        m->quotas.eips, m->quotas.nics, m->quotas.security_groups, m->quotas.rules_per_group,
        m->quotas.groups_per_nic, m->quotas.acl_rules, m->quotas.acls_per_vpc,
        m->quotas.cidr_blocks_per_vpc, m->quotas.ipv6_cidr_blocks_per_vpc, m->public_used);
    ENI__FOR_EACH(ctx, ENI_KIND_VPC, struct eni_vpc, v)
    {
        put(o, "vpc %s", idstr(ctx, v->id, a));
        put_prefix(o, &v->cidr);
        for (uint32_t i = 0; i < v->n_extra; i++)
            put_prefix(o, &v->extra[i]);
        for (uint32_t i = 0; i < eni__vpc_ipv6_count(v); i++)
            put_prefix(o, eni__vpc_ipv6_block(v, i));
        put(o, " default=%s subnets=%u groups=%u acl=%s acls=%u\n", idstr(ctx, v->default_sg, b),
            v->subnet_count, v->sg_count, idstr(ctx, v->default_acl, c), v->acl_count);
    }
    ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
    {
        put(o, "subnet %s vpc=%s az=%s flags=%u", idstr(ctx, s->id, a), idstr(ctx, s->vpc, b),
            s->az, s->flags);
        put_prefix(o, &s->cidr);
        if (s->cidr6.addr.family)
            put_prefix(o, &s->cidr6);
        put(o, " used=%u nics=%u instances=%u acl=%s\n", s->v4_used, s->nic_count,
            s->instance_count, idstr(ctx, s->acl, c));
    }
    ENI__FOR_EACH(ctx, ENI_KIND_INSTANCE, struct eni_instance, i)
    {
        put(o, "instance %s subnet=%s type=%s state=%u virt=%u platform=%u ena=%u nics=%u",
            idstr(ctx, i->id, a), idstr(ctx, i->subnet, b), i->type.name, i->state,
            i->virtualization, i->platform, i->ena_support, i->nic_count);
        if (i->conntrack_allowance) /* only when set: dumps of earlier models read the same */
            put(o, " conntrack_allowance=%u", i->conntrack_allowance);
        put(o, "\n");
    }
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, n)
    {
        put(o, "nic %s subnet=%s type=%u status=%u sdc=%u mac=%02x%02x%02x%02x%02x%02x "
               "instance=%s ct=%u/%u/%u desc=\"%s\" public=",
            idstr(ctx, n->id, a), idstr(ctx, n->subnet, b), n->type, n->status,
            n->source_dest_check, n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4],
            n->mac[5], idstr(ctx, n->instance, c),
            n->ct.tcp_established, n->ct.udp_stream, n->ct.udp,
            n->description ? n->description : "");
        if (n->public_v4)
            put_v4(o, n->public_v4);
        put(o, " auto_public=%u", n->auto_public);
        if (n->conntrack_allowance) /* only when set: dumps of earlier models read the same */
            put(o, " conntrack_allowance=%u", n->conntrack_allowance);
        put(o, "\n  v4");
        for (uint32_t i = 0; i < n->v4_count; i++) {
            put_v4(o, n->v4[i]);
            if (n->v4_eip[i])
                put(o, "(%s)", idstr(ctx, n->v4_eip[i], b));
        }
        put(o, "\n  v6");
        for (uint32_t i = 0; i < n->v6_count; i++) {
            char t[ENI_ADDR_STR_MAX];
            eni_addr x = eni__addr_from_v6(n->v6[i].hi, n->v6[i].lo);
            eni__addr_format(&x, t);
            put(o, " %s", t);
        }
        put(o, "\n  groups");
        for (uint32_t i = 0; i < n->group_count; i++)
            put(o, " %s", idstr(ctx, n->groups[i], b));
        put(o, "\n  prefixes");
        for (uint32_t i = 0; i < n->p4_count + n->p6_count; i++) {
            eni_prefix p;
            memset(&p, 0, sizeof p);
            p.addr = i < n->p4_count ? eni__addr_from_v4(n->p4[i])
                                     : eni__addr_from_v6(n->p6[i - n->p4_count].hi,
                                                         n->p6[i - n->p4_count].lo);
            p.len = i < n->p4_count ? 28 : 80;
            put_prefix(o, &p);
        }
        put(o, "\n");
    }
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        put(o,
            "sg %s vpc=%s default=%u name=\"%s\" desc=\"%s\" nics=%u refs=%u "
            "egress_modified=%u\n",
            idstr(ctx, g->id, a), idstr(ctx, g->vpc, b), g->is_default, g->name, g->description,
            g->nic_count, g->referenced_by, g->egress_modified);
        for (unsigned d = 0; d < 2; d++)
            for (uint32_t i = 0; i < g->rules[d].count; i++)
                dump_rule(o, g->rules[d].v[i]);
        for (uint32_t i = 0; i < g->remote_count; i++)
            dump_remote(o, &g->remote[i]);
    }
    ENI__FOR_EACH(ctx, ENI_KIND_PREFIX_LIST, struct eni_prefix_list, p)
    {
        put(o, "pl %s family=%u max=%u refs=%u name=\"%s\"", idstr(ctx, p->id, a), p->family,
            p->max_entries, p->referenced_by, p->name);
        for (uint32_t i = 0; i < p->entry_count; i++)
            put_prefix(o, &p->entries[i]);
        put(o, "\n");
    }
    ENI__FOR_EACH(ctx, ENI_KIND_NETWORK_ACL, struct eni_acl, l)
    {
        put(o, "acl %s vpc=%s default=%u modified=%u/%u subnets=%u\n", idstr(ctx, l->id, a),
            idstr(ctx, l->vpc, b), l->is_default, l->modified[0], l->modified[1],
            l->subnet_count);
        for (uint32_t i = 0; i < l->count; i++)
            dump_acl_entry(o, &l->entries[i]);
    }
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, at)
    put(o, "attachment %s nic=%s instance=%s status=%u kind=%u card=%u index=%u dot=%u link=%u\n",
        idstr(ctx, at->id, a), idstr(ctx, at->nic, b), idstr(ctx, at->instance, c), at->status,
        at->kind, at->card, at->device_index, at->delete_on_termination, at->link_up);
    ENI__FOR_EACH(ctx, ENI_KIND_EIP, struct eni_eip, e)
    {
        put(o, "eip %s", idstr(ctx, e->id, a));
        put_v4(o, e->public_v4);
        put(o, " assoc=%s nic=%s", idstr(ctx, e->assoc, b), idstr(ctx, e->nic, c));
        if (e->assoc)
            put_v4(o, e->private_v4);
        put(o, "\n");
    }
}

int eni_ctx_dump(eni_ctx *ctx, char *buf, size_t buflen, size_t *needed)
{
    ENI__CALL(ctx);
    if (!ctx || !needed)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_dump: %s is NULL", ctx ? "needed" : "ctx");
    struct out o = {ctx, NULL, 0, 0, false};
    eni__lock(ctx);
    dump_all(&o);
    eni__unlock(ctx);
    int rc = ENI_OK;
    if (o.nomem)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_ctx_dump: out of memory");
    else {
        *needed = o.len + 1;
        if (buf && buflen >= o.len + 1)
            memcpy(buf, o.buf ? o.buf : "", o.len + 1);
        else if (buf)
            rc = eni__fail(ENI_ELIMIT, NULL, "eni_ctx_dump: %zu bytes needed, %zu given",
                           o.len + 1, buflen);
    }
    eni__free(ctx, o.buf);
    return rc;
}
