/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building an interface's network-ACL tables (acl.h) from the model, on the
 * control path when its snapshot is published, and explain's sentence for a
 * packet an ACL dropped. */
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "eval_internal.h"
#include "model/model.h"

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };

static void mask_words(unsigned family, unsigned len, uint64_t *hi, uint64_t *lo)
{
    if (family == 4) {
        *hi = 0;
        *lo = len ? (0xffffffffu << (32 - len)) & 0xffffffffu : 0;
        return;
    }
    *hi = len == 0 ? 0 : len >= 64 ? UINT64_MAX : UINT64_MAX << (64 - len);
    *lo = len <= 64 ? 0 : len == 128 ? UINT64_MAX : UINT64_MAX << (128 - len);
}

/* Section 9.3: which packets an entry's ports or type and code cover. */
static void key_range(const struct eni_acl_entry *m, uint32_t *lo, uint32_t *hi)
{
    *lo = 0;
    *hi = ACL_NO_PORT;
    if (m->protocol == PROTO_TCP || m->protocol == PROTO_UDP) {
        if (m->from_port > 0 || m->to_port < 65535) {
            *lo = (uint32_t)m->from_port;
            *hi = (uint32_t)m->to_port;
        }
    } else if (m->icmp_type >= 0) { /* set only where type and code apply */
        *lo = (uint32_t)m->icmp_type << 8 | (m->icmp_code >= 0 ? (uint32_t)m->icmp_code : 0);
        *hi = (uint32_t)m->icmp_type << 8 | (m->icmp_code >= 0 ? (uint32_t)m->icmp_code : 255);
    }
}

static struct acl_ent compile_entry(const struct eni_acl_entry *m)
{
    struct acl_ent e;
    memset(&e, 0, sizeof e);
    uint64_t hi = 0, lo = 0;
    eni__acl_words(m->cidr.addr.b, m->cidr.addr.family, &hi, &lo);
    mask_words(m->cidr.addr.family, m->cidr.len, &e.mask_hi, &e.mask_lo);
    e.net_hi = hi & e.mask_hi;
    e.net_lo = lo & e.mask_lo;
    key_range(m, &e.key_lo, &e.key_hi);
    e.proto = m->protocol;
    e.allow = m->action == ENI_ACL_ALLOW;
    e.number = m->number;
    return e;
}

size_t eni__acl_snap_size(uint32_t count)
{
    /* the header, the entries, then four tables' index arrays (an index's
     * words grow linearly with its entries, so four tables that share
     * `count` entries need no more than four indexes of all of them) */
    return sizeof(struct eni_acl_snap) + (size_t)count * sizeof(struct acl_ent) +
           4 * (size_t)eni__acl_index_words(count) * sizeof(uint64_t);
}

static uint32_t table_verdict(const struct acl_table *t, bool family_absent)
{
    if (t->n == 0)
        return family_absent ? ACL_ALLOW_ALL : ACL_DENY_ALL;
    const struct acl_ent *e = &t->e[0];
    bool everything = e->proto < 0 && !e->mask_hi && !e->mask_lo && e->key_lo == 0 &&
                      e->key_hi == ACL_NO_PORT;
    return !everything ? ACL_SCAN : e->allow ? ACL_ALLOW_ALL : ACL_DENY_ALL;
}

int eni__acl_snap_build(eni_ctx *ctx, const struct eni_nic *nic, struct eni_acl_snap **out)
{
    struct eni_subnet *s;
    struct eni_vpc *vpc;
    struct eni_acl *acl;
    *out = NULL;
    if (eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s) != ENI_OK ||
        eni__registry_peek(ctx, ENI_KIND_VPC, s->vpc, (void **)&vpc) != ENI_OK ||
        eni__registry_peek(ctx, ENI_KIND_NETWORK_ACL, s->acl, (void **)&acl) != ENI_OK)
        return ENI_OK; /* not in the model as a whole: nothing to filter by */
    /* One block (eni__acl_snap_size); a table holds at most 39 entries:
     * ENI__MAX_ACL_RULES with the implicit deny. */
    _Static_assert((int)ENI__MAX_ACL_RULES <= (int)ACL_INDEX_MAX,
                   "an ACL table's entries fit one 64-bit word");
    struct eni_acl_snap *a = eni__calloc(ctx, 1, eni__acl_snap_size(acl->count));
    if (!a)
        return ENI_ENOMEM;
    uint64_t *mem = (uint64_t *)(void *)&a->ent[acl->count];
    a->acl = acl->id;
    a->n = acl->count;
    uint64_t hi, lo;
    eni__acl_words(s->cidr.addr.b, 4, &hi, &lo);
    a->sub4_net = (uint32_t)lo;
    a->sub4_mask = s->cidr.len ? 0xffffffffu << (32 - s->cidr.len) : 0;
    if (s->cidr6.addr.family == 6) {
        a->has6 = 1;
        a->sub6_hi = eni__addr_hi64(&s->cidr6.addr);
    }
    /* Entries are sorted by direction, then rule number: each (direction,
     * family) table is those of its family in that order. */
    uint32_t k = 0;
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++) {
            uint32_t n;
            const struct eni_acl_entry *m = eni__acl_dir(acl, d, &n);
            struct acl_table *t = &a->t[d][f];
            t->e = &a->ent[k];
            for (uint32_t i = 0; i < n; i++)
                if (m[i].cidr.addr.family == (f ? 6 : 4))
                    a->ent[k++] = compile_entry(&m[i]);
            t->n = (uint32_t)(&a->ent[k] - t->e);
            t->all = table_verdict(t, f == 1 && vpc->cidr6.addr.family != 6);
            if (t->n > ACL_INDEX_MAX) { /* past the quota: a model no call makes */
                eni__free(ctx, a);
                return ENI_ECORRUPT;
            }
            if (t->all == ACL_SCAN) {
                eni__acl_index_build(&t->ix, t->e, t->n, f ? 6 : 4, mem);
                mem += eni__acl_index_words(t->n);
            }
        }
    *out = a;
    return ENI_OK;
}

static const char *proto_word(int proto, char *buf, size_t len)
{
    switch (proto) {
    case -1: return "all traffic";
    case PROTO_ICMP: return "icmp";
    case PROTO_TCP: return "tcp";
    case PROTO_UDP: return "udp";
    case PROTO_ICMPV6: return "icmpv6";
    default: snprintf(buf, len, "protocol %d", proto); return buf;
    }
}

int eni__acl_explain(eni_ctx *ctx, const struct eni_acl_snap *a, unsigned dir, const eni_pkt *p,
                     char *text, size_t len)
{
    const struct acl_ent *e;
    const uint8_t *remote = dir == ENI_DIR_OUTBOUND ? p->dst : p->src;
    char id[ENI_ID_STRING_MAX] = "?";
    if (!a || !eni__acl_denies(a, dir == ENI_DIR_OUTBOUND, p, remote, &e))
        return snprintf(text, len, "dropped by the network ACL");
    eni_id_format(ctx, a->acl, id, sizeof id);
    if (!e)
        return snprintf(text, len,
                        "dropped: denied by %s rule * (no entry matches, so the implicit rule "
                        "denies); network ACLs are stateless, replies are judged again",
                        id);
    /* The model's entry, for its CIDR and ports as written. */
    struct eni_acl *acl;
    char what[96] = "", cidr[ENI_PREFIX_STR_MAX] = "?", pb[16];
    if (eni__registry_peek(ctx, ENI_KIND_NETWORK_ACL, a->acl, (void **)&acl) == ENI_OK) {
        uint32_t n;
        const struct eni_acl_entry *m = eni__acl_dir(acl, dir == ENI_DIR_OUTBOUND, &n);
        for (uint32_t i = 0; i < n; i++) {
            if (m[i].number != e->number)
                continue;
            const char *pw = proto_word(m[i].protocol, pb, sizeof pb);
            eni__prefix_format(&m[i].cidr, cidr);
            if (m[i].from_port >= 0 && m[i].from_port == m[i].to_port)
                snprintf(what, sizeof what, "%s %d", pw, (int)m[i].from_port);
            else if (m[i].from_port >= 0)
                snprintf(what, sizeof what, "%s %d-%d", pw, (int)m[i].from_port,
                         (int)m[i].to_port);
            else if (m[i].icmp_type >= 0 && m[i].icmp_code >= 0)
                snprintf(what, sizeof what, "%s type %d code %d", pw, (int)m[i].icmp_type,
                         (int)m[i].icmp_code);
            else if (m[i].icmp_type >= 0)
                snprintf(what, sizeof what, "%s type %d", pw, (int)m[i].icmp_type);
            else
                snprintf(what, sizeof what, "%s", pw);
        }
    }
    return snprintf(text, len,
                    "dropped: denied by %s rule %u (deny %s %s %s); network ACLs are stateless, "
                    "replies are judged again",
                    id, e->number, what, dir == ENI_DIR_OUTBOUND ? "to" : "from", cidr);
}
