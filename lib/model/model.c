/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Model lifecycle, typed lookups, quotas and small shared helpers. */
#include "model.h"

#include <stddef.h>
#include <string.h>

#include "util/abi_struct.h"

int eni__model_init(eni_ctx *ctx)
{
    struct eni_model *m = eni__calloc(ctx, 1, sizeof *m);
    if (!m)
        return ENI_ENOMEM;
    m->quotas.size = sizeof m->quotas;
    m->quotas.eips = ENI__DEFAULT_EIP_QUOTA;
    m->quotas.nics = ENI__DEFAULT_NIC_QUOTA;
    m->quotas.security_groups = ENI__DEFAULT_SG_QUOTA;
    m->quotas.rules_per_group = ENI__DEFAULT_RULES_PER_GROUP;
    m->quotas.groups_per_nic = ENI__DEFAULT_GROUPS_PER_NIC;
    m->quotas.acl_rules = ENI__DEFAULT_ACL_RULES;
    m->quotas.acls_per_vpc = ENI__DEFAULT_ACLS_PER_VPC;
    m->quotas.cidr_blocks_per_vpc = ENI__DEFAULT_CIDR_BLOCKS;
    m->quotas.ipv6_cidr_blocks_per_vpc = ENI__DEFAULT_IPV6_CIDR_BLOCKS;
    eni__mapmem_init(ctx, &m->mapmem);
    ctx->model = m;
    return ENI_OK;
}

static void free_subnet(eni_ctx *ctx, struct eni_subnet *s)
{
    eni__free(ctx, s->v4_bitmap);
    eni__addrmap_fini(&s->v4_owner, eni__mapmem(ctx));
    eni__addrmap_fini(&s->v6_owner, eni__mapmem(ctx));
    eni__free(ctx, s);
}

static void free_nic(eni_ctx *ctx, struct eni_nic *n)
{
    eni__free(ctx, n->p4);
    eni__free(ctx, n->p6);
    eni__free(ctx, n->description);
    eni__free(ctx, n->v4);
    eni__free(ctx, n->v4_eip);
    eni__free(ctx, n->v6);
    eni__free(ctx, n);
}

static void free_sg(eni_ctx *ctx, struct eni_sg *g)
{
    for (int d = 0; d < 2; d++)
        eni__free(ctx, g->rules[d].v);
    eni__sg_remote_free(ctx, g);
    eni__free(ctx, g->name);
    eni__free(ctx, g->description);
    eni__free(ctx, g);
}

void eni__model_free_object(eni_ctx *ctx, unsigned kind, void *obj)
{
    switch (kind) {
    case ENI_KIND_SUBNET:
        free_subnet(ctx, obj);
        break;
    case ENI_KIND_NIC:
        free_nic(ctx, obj);
        break;
    case ENI_KIND_SG:
        free_sg(ctx, obj);
        break;
    case ENI_KIND_SG_RULE: {
        struct eni_sg_rule *r = obj;
        eni__free(ctx, r->description);
        eni__free(ctx, r);
        break;
    }
    case ENI_KIND_PREFIX_LIST: {
        struct eni_prefix_list *p = obj;
        eni__free(ctx, p->name);
        eni__free(ctx, p->entries);
        eni__free(ctx, p);
        break;
    }
    case ENI_KIND_NETWORK_ACL: {
        struct eni_acl *a = obj;
        eni__free(ctx, a->entries);
        eni__free(ctx, a);
        break;
    }
    case ENI_KIND_VPC: {
        struct eni_vpc *v = obj;
        eni__free(ctx, v->extra);
        eni__free(ctx, v->extra6);
        eni__free(ctx, v);
        break;
    }
    case ENI_KIND_EIP_ASSOC:
        break; /* an association id points at its EIP: nothing of its own */
    default: /* instances, Elastic IPs, attachments: flat */
        eni__free(ctx, obj);
        break;
    }
}

void eni__model_free_all(eni_ctx *ctx)
{
    for (unsigned k = 1; k < ENI__KIND_COUNT; k++) {
        struct eni_slot_map *map = &ctx->registry.kinds[k];
        for (uint32_t i = 0; i < map->len; i++)
            if (map->slots[i].obj) {
                eni__model_free_object(ctx, k, map->slots[i].obj);
                map->slots[i].obj = NULL;
            }
    }
}

void eni__model_fini(eni_ctx *ctx)
{
    struct eni_model *m = ctx->model;
    if (!m)
        return;
    eni__model_free_all(ctx);
    eni__free(ctx, m->public_bitmap);
    eni__free(ctx, m);
    ctx->model = NULL;
}

int eni__model_changed(eni_ctx *ctx)
{
    ctx->model->version++;
    /* The state file first (outside a batch): a change it did not take is
     * undone when the lock is released, and never published. */
    if (ctx->on_commit && !ctx->batch_depth && !ctx->commit_error) {
        int rc = ctx->on_commit(ctx);
        if (rc != ENI_OK) {
            ctx->commit_error = rc;
            return rc;
        }
        eni__held_events_release(ctx, true); /* what the call posted is now true */
    }
    if (ctx->commit_error)
        return ctx->commit_error;
    /* The evaluator republishes what the packet path reads (lib/eval). */
    if (ctx->on_model_change)
        ctx->on_model_change(ctx);
    return ENI_OK;
}

void eni__model_event(eni_ctx *ctx, uint32_t type, uint64_t subject, uint64_t related,
                      uint32_t state)
{
    eni__change_event(ctx, type, subject, related, state, ctx->model->version);
}

void eni__membership_events(eni_ctx *ctx, const struct eni_nic *nic, uint32_t joined)
{
    for (uint32_t i = 0; i < nic->group_count; i++)
        eni__model_event(ctx, ENI_EVENT_MEMBERSHIP_CHANGED, nic->groups[i], nic->id, joined);
}

void eni__addresses_event(eni_ctx *ctx, const struct eni_nic *nic)
{
    eni__model_event(ctx, ENI_EVENT_ADDRESSES_CHANGED, nic->id, 0,
                     nic->v4_count + nic->v6_count);
}

void eni__acl_event(eni_ctx *ctx, const struct eni_acl *acl, uint64_t subnet)
{
    eni__model_event(ctx, ENI_EVENT_ACL_CHANGED, acl->id, subnet, acl->count);
}

void eni__rules_event(eni_ctx *ctx, const struct eni_sg *sg)
{
    eni__model_event(ctx, ENI_EVENT_RULES_CHANGED, sg->id, 0,
                     sg->rules[0].count + sg->rules[1].count);
}

#define GETTER(fn, kind, type)                                        \
    int fn(eni_ctx *ctx, uint64_t id, type **out)                     \
    {                                                                 \
        void *obj;                                                    \
        int rc = eni__registry_get(ctx, kind, id, &obj);              \
        if (rc == ENI_OK)                                             \
            *out = obj;                                               \
        return rc;                                                    \
    }
GETTER(eni__get_vpc, ENI_KIND_VPC, struct eni_vpc)
GETTER(eni__get_subnet, ENI_KIND_SUBNET, struct eni_subnet)
GETTER(eni__get_nic, ENI_KIND_NIC, struct eni_nic)
GETTER(eni__get_instance, ENI_KIND_INSTANCE, struct eni_instance)
GETTER(eni__get_eip, ENI_KIND_EIP, struct eni_eip)
GETTER(eni__get_sg, ENI_KIND_SG, struct eni_sg)
GETTER(eni__get_rule, ENI_KIND_SG_RULE, struct eni_sg_rule)
GETTER(eni__get_prefix_list, ENI_KIND_PREFIX_LIST, struct eni_prefix_list)
GETTER(eni__get_attachment, ENI_KIND_ATTACHMENT, struct eni_attachment)
GETTER(eni__get_acl, ENI_KIND_NETWORK_ACL, struct eni_acl)
#undef GETTER

char *eni__strdup(eni_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = eni__malloc(ctx, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

bool eni__sg_text_ok(const char *s)
{
    static const char extra[] = " ._-:/()#,@[]+=&;{}!$*";
    size_t n = strlen(s);
    if (n == 0 || n > ENI__TEXT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !strchr(extra, c))
            return false;
    }
    return true;
}

int eni__spec_in(void *dst, size_t own, const void *src, size_t min, const char *what)
{
    uint32_t size;
    memcpy(&size, src, sizeof size);
    if (!eni__struct_copy_in(dst, own, src, size, min))
        return eni__fail(ENI_EVERSION, NULL,
                         "%s: size %u not accepted (this library: %zu; smaller than the "
                         "first layout, or unknown fields set)",
                         what, size, own);
    return ENI_OK;
}

int eni__info_out(void *dst, const void *src, size_t own, const char *what)
{
    uint32_t size;
    memcpy(&size, dst, sizeof size);
    if (!eni__struct_copy_out(dst, size, src, own, own))
        return eni__fail(ENI_EINVAL, NULL,
                         "%s: out->size %u is not accepted (%zu..%d; set it with the struct's "
                         "_INIT macro)", what, size, own, ENI_STRUCT_SIZE_MAX);
    return ENI_OK;
}

int eni__list_check(const void *ctx, const void *out, uint32_t cap, const uint32_t *count,
                    const char *what)
{
    if (!ctx || !count || (!out && cap > 0))
        return eni__fail(ENI_EINVAL, NULL, "%s: %s", what,
                         !ctx ? "ctx is NULL" : !count ? "count is NULL" : "out is NULL");
    return ENI_OK;
}

/* eni__list_ids reads ids and VPCs by offset and writes typed ids as
 * plain 64-bit values: hold the layouts it relies on. */
_Static_assert(offsetof(struct eni_vpc, id) == 0 && offsetof(struct eni_subnet, id) == 0 &&
                   offsetof(struct eni_sg, id) == 0 && offsetof(struct eni_eip, id) == 0 &&
                   offsetof(struct eni_prefix_list, id) == 0,
               "listed objects begin with their id");
_Static_assert(sizeof(eni_vpc_id) == 8 && sizeof(eni_subnet_id) == 8 && sizeof(eni_sg_id) == 8 &&
                   sizeof(eni_eip_id) == 8 && sizeof(eni_prefix_list_id) == 8,
               "typed ids are one uint64_t");

int eni__list_ids(eni_ctx *ctx, unsigned kind, eni_vpc_id vpc, size_t vpc_offset, void *out,
                  uint32_t cap, uint32_t *count, const char *what)
{
    int rc = eni__list_check(ctx, out, cap, count, what);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_vpc *v;
    if (vpc_offset && vpc.v && (rc = eni__get_vpc(ctx, vpc.v, &v)) != ENI_OK) {
        eni__unlock(ctx);
        return rc;
    }
    uint32_t n = 0;
    ENI__FOR_EACH(ctx, kind, const char, obj)
    {
        uint64_t id, in;
        memcpy(&id, obj, sizeof id);
        if (vpc_offset && vpc.v) {
            memcpy(&in, obj + vpc_offset, sizeof in);
            if (in != vpc.v)
                continue;
        }
        if (n < cap)
            memcpy((char *)out + (size_t)n * sizeof id, &id, sizeof id);
        n++;
    }
    eni__unlock(ctx);
    *count = n;
    return ENI_OK;
}

/* ---- public pool ---------------------------------------------------------- */

int eni__public_reserve(eni_ctx *ctx)
{
    struct eni_model *m = ctx->model;
    if (m->public_bitmap)
        return ENI_OK;
    m->public_bitmap = eni__calloc(ctx, ENI__PUBLIC_POOL_SIZE / 64, sizeof(uint64_t));
    return m->public_bitmap ? ENI_OK : ENI_ENOMEM;
}

bool eni__public_take(eni_ctx *ctx, uint32_t *out)
{
    struct eni_model *m = ctx->model;
    /* Skip .0 and .255 of every /24 so addresses look ordinary. */
    for (uint32_t n = 0; n < ENI__PUBLIC_POOL_SIZE; n++) {
        uint32_t i = (m->public_cursor + n) % ENI__PUBLIC_POOL_SIZE;
        uint32_t low = i & 0xffu;
        if (low == 0 || low == 0xff)
            continue;
        if (!(m->public_bitmap[i / 64] & (1ULL << (i % 64)))) {
            m->public_bitmap[i / 64] |= 1ULL << (i % 64);
            m->public_cursor = (i + 1) % ENI__PUBLIC_POOL_SIZE;
            m->public_used++;
            *out = ENI__PUBLIC_POOL_BASE + i;
            return true;
        }
    }
    return false;
}

void eni__public_give(eni_ctx *ctx, uint32_t v4)
{
    struct eni_model *m = ctx->model;
    uint32_t i = v4 - ENI__PUBLIC_POOL_BASE;
    m->public_bitmap[i / 64] &= ~(1ULL << (i % 64));
    m->public_used--;
}

/* ---- the change counter ------------------------------------------------- */

int eni_ctx_model_generation(eni_ctx *ctx, uint64_t *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_model_generation: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    *out = ctx->model->version; /* eni__model_changed's counter */
    eni__unlock(ctx);
    return ENI_OK;
}

/* ---- quotas -------------------------------------------------------------- */

/* eni_quotas before acl_rules was appended (issue 13). */
#define QUOTAS_FIRST_LAYOUT offsetof(eni_quotas, acl_rules)

int eni_ctx_get_quotas(eni_ctx *ctx, eni_quotas *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_get_quotas: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    eni_quotas q = ctx->model->quotas;
    eni__unlock(ctx);
    /* A caller of the first layout (up to groups_per_nic) gets that much. */
    uint32_t size;
    memcpy(&size, out, sizeof size);
    if (!eni__struct_copy_out(out, size, &q, sizeof q, QUOTAS_FIRST_LAYOUT))
        return eni__fail(ENI_EINVAL, NULL,
                         "eni_ctx_get_quotas: out->size %u is not accepted (%zu..%d; set it with "
                         "ENI_QUOTAS_INIT)",
                         size, (size_t)QUOTAS_FIRST_LAYOUT, ENI_STRUCT_SIZE_MAX);
    return ENI_OK;
}

int eni_ctx_set_quotas(eni_ctx *ctx, const eni_quotas *quotas)
{
    ENI__CALL(ctx);
    if (!ctx || !quotas)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_set_quotas: %s is NULL",
                         ctx ? "quotas" : "ctx");
    eni_quotas in;
    int rc = eni__spec_in(&in, sizeof in, quotas, QUOTAS_FIRST_LAYOUT, "eni_ctx_set_quotas");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    eni_quotas q = ctx->model->quotas;
    if (in.eips)
        q.eips = in.eips;
    if (in.nics)
        q.nics = in.nics;
    if (in.security_groups)
        q.security_groups = in.security_groups;
    if (in.rules_per_group)
        q.rules_per_group = in.rules_per_group;
    if (in.groups_per_nic)
        q.groups_per_nic = in.groups_per_nic;
    if (in.acl_rules)
        q.acl_rules = in.acl_rules;
    if (in.acls_per_vpc)
        q.acls_per_vpc = in.acls_per_vpc;
    if (in.cidr_blocks_per_vpc)
        q.cidr_blocks_per_vpc = in.cidr_blocks_per_vpc;
    if (in.ipv6_cidr_blocks_per_vpc)
        q.ipv6_cidr_blocks_per_vpc = in.ipv6_cidr_blocks_per_vpc;
    if (q.acl_rules > ENI__MAX_ACL_RULES)
        rc = eni__fail(ENI_EINVAL, NULL, "network ACL rules %u is above EC2's maximum of %d",
                       q.acl_rules, ENI__MAX_ACL_RULES);
    else if (q.cidr_blocks_per_vpc > ENI__MAX_CIDR_BLOCKS)
        rc = eni__fail(ENI_EINVAL, NULL, "CIDR blocks per VPC %u is above EC2's maximum of %d",
                       q.cidr_blocks_per_vpc, ENI__MAX_CIDR_BLOCKS);
    else if (q.ipv6_cidr_blocks_per_vpc > ENI__MAX_IPV6_CIDR_BLOCKS)
        rc = eni__fail(ENI_EINVAL, NULL, "IPv6 CIDR blocks per VPC %u is above EC2's maximum of %d",
                       q.ipv6_cidr_blocks_per_vpc, ENI__MAX_IPV6_CIDR_BLOCKS);
    else if (q.groups_per_nic > ENI__MAX_GROUPS_PER_NIC)
        rc = eni__fail(ENI_EINVAL, NULL, "groups per interface %u is above EC2's maximum of 16",
                       q.groups_per_nic);
    else if ((uint64_t)q.groups_per_nic * q.rules_per_group > ENI__MAX_GROUP_RULE_PRODUCT)
        rc = eni__fail(ENI_EINVAL, NULL,
                       "groups per interface (%u) x rules per group (%u) must not exceed 1000",
                       q.groups_per_nic, q.rules_per_group);
    else {
        ctx->model->quotas = q;
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}
