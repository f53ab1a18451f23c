/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Security groups: create, delete, describe, list (section 4.1, 4.2, 4.5). */
#include <stdio.h>
#include <string.h>

#include "sg_internal.h"

#define SG_SPEC_MIN offsetof(eni_sg_spec, id) /* the first layout */

/* Register a rule built by the caller; capacity was reserved beforehand. */
void eni__sg_add_rule_reserved(eni_ctx *ctx, struct eni_sg *sg, struct eni_sg_rule *r)
{
    uint64_t id;
    /* Cannot fail: eni__registry_reserve ran before. */
    (void)eni__registry_insert(ctx, ENI_KIND_SG_RULE, r, &id);
    r->id = id;
    r->sg = sg->id;
    struct eni_rule_vec *vec = &sg->rules[eni__dir_index(r->direction)];
    vec->v[vec->count++] = r;
}

static int reserve_rules(eni_ctx *ctx, struct eni_rule_vec *vec, uint32_t extra)
{
    if (vec->count + extra <= vec->cap)
        return ENI_OK;
    uint32_t cap = vec->cap ? vec->cap : 4;
    while (cap < vec->count + extra)
        cap *= 2;
    struct eni_sg_rule **v = eni__realloc_array(ctx, vec->v, cap, sizeof *v);
    if (!v)
        return eni__fail(ENI_ENOMEM, NULL, "out of memory growing a rule list");
    vec->v = v;
    vec->cap = cap;
    return ENI_OK;
}

int eni__sg_reserve_rules(eni_ctx *ctx, struct eni_sg *sg, uint32_t in, uint32_t out)
{
    int rc = reserve_rules(ctx, &sg->rules[0], in);
    if (rc == ENI_OK)
        rc = reserve_rules(ctx, &sg->rules[1], out);
    if (rc == ENI_OK)
        rc = eni__registry_reserve(ctx, ENI_KIND_SG_RULE, in + out);
    return rc;
}

static struct eni_sg_rule *all_traffic_rule(eni_ctx *ctx, unsigned direction, unsigned kind,
                                            unsigned family, uint64_t peer)
{
    struct eni_sg_rule *r = eni__calloc(ctx, 1, sizeof *r);
    if (!r)
        return NULL;
    r->direction = (uint8_t)direction;
    r->peer_kind = (uint8_t)kind;
    r->protocol = ENI_PROTO_ALL;
    r->from_port = r->to_port = -1;
    if (kind == ENI_PEER_CIDR) {
        r->cidr.addr.family = (uint8_t)family; /* 0.0.0.0/0 or ::/0 */
        r->cidr.len = 0;
    }
    r->peer = peer;
    return r;
}

struct eni_sg_rule *eni__sg_all_traffic_rule(eni_ctx *ctx, unsigned direction, unsigned family)
{
    return all_traffic_rule(ctx, direction, ENI_PEER_CIDR, family, 0);
}

/* Build a group with its implicit rules; nothing is visible until it returns ENI_OK. */
static int sg_build(eni_ctx *ctx, struct eni_vpc *vpc, const char *name, const char *description,
                    bool is_default, const char *given, struct eni_sg **out)
{
    struct eni_sg *sg = eni__calloc(ctx, 1, sizeof *sg);
    struct eni_sg_rule *rules[3] = {NULL, NULL, NULL};
    uint32_t nrules = 0;
    char *nm = NULL, *desc = NULL;
    int rc = ENI_ENOMEM;
    if (!sg)
        goto fail;
    nm = eni__strdup(ctx, name);
    desc = eni__strdup(ctx, description);
    if (!nm || !desc)
        goto fail;
    bool v6 = eni__vpc_has_ipv6(vpc);
    if (is_default) /* inbound from itself; the peer id is filled in below */
        rules[nrules++] = all_traffic_rule(ctx, ENI_INGRESS, ENI_PEER_GROUP, 0, 0);
    rules[nrules++] = all_traffic_rule(ctx, ENI_EGRESS, ENI_PEER_CIDR, 4, 0);
    if (v6) /* section 4.2: every group of an IPv6 VPC, the default one included */
        rules[nrules++] = all_traffic_rule(ctx, ENI_EGRESS, ENI_PEER_CIDR, 6, 0);
    for (uint32_t i = 0; i < nrules; i++)
        if (!rules[i])
            goto fail;
    rc = eni__registry_reserve(ctx, ENI_KIND_SG, 1);
    if (rc == ENI_OK && given)
        rc = eni__given_ids_reserve(ctx, 1);
    if (rc == ENI_OK)
        rc = eni__sg_reserve_rules(ctx, sg, is_default ? 1 : 0, nrules - (is_default ? 1 : 0));
    if (rc != ENI_OK)
        goto fail;

    uint64_t id;
    (void)eni__registry_insert_as(ctx, ENI_KIND_SG, sg, given, &id); /* reserved */
    sg->id = id;
    sg->vpc = vpc->id;
    sg->name = nm;
    sg->description = desc;
    sg->is_default = is_default;
    for (uint32_t i = 0; i < nrules; i++) {
        if (rules[i]->peer_kind == ENI_PEER_GROUP)
            rules[i]->peer = id; /* a self-reference: not counted in referenced_by */
        eni__sg_add_rule_reserved(ctx, sg, rules[i]);
    }
    *out = sg;
    return ENI_OK;

fail:
    for (uint32_t i = 0; i < nrules; i++)
        eni__free(ctx, rules[i]);
    if (sg) {
        eni__free(ctx, sg->rules[0].v);
        eni__free(ctx, sg->rules[1].v);
    }
    eni__free(ctx, nm);
    eni__free(ctx, desc);
    eni__free(ctx, sg);
    return rc == ENI_ENOMEM ? eni__fail(ENI_ENOMEM, NULL, "out of memory creating a group") : rc;
}

static int quota_room(eni_ctx *ctx)
{
    uint32_t live = eni__registry_live(ctx, ENI_KIND_SG);
    if (live >= ctx->model->quotas.security_groups)
        return eni__fail(ENI_ELIMIT, "SecurityGroupLimitExceeded",
                         "the maximum number of security groups (%u) has been reached",
                         ctx->model->quotas.security_groups);
    return ENI_OK;
}

int eni__sg_create_default(eni_ctx *ctx, struct eni_vpc *vpc, const char *given,
                           struct eni_sg **out)
{
    int rc = quota_room(ctx);
    if (rc != ENI_OK)
        return rc;
    return sg_build(ctx, vpc, "default", "default VPC security group", true, given, out);
}

/* Drop the references a rule holds. */
void eni__rule_unlink(eni_ctx *ctx, struct eni_sg_rule *r)
{
    if (r->peer_kind == ENI_PEER_GROUP && r->peer != r->sg) {
        struct eni_sg *peer;
        if (eni__registry_peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer) == ENI_OK)
            peer->referenced_by--;
    } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
        struct eni_prefix_list *pl;
        if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK)
            pl->referenced_by--;
    }
}

void eni__sg_destroy(eni_ctx *ctx, struct eni_sg *sg)
{
    for (int d = 0; d < 2; d++) {
        for (uint32_t i = 0; i < sg->rules[d].count; i++) {
            struct eni_sg_rule *r = sg->rules[d].v[i];
            eni__rule_unlink(ctx, r);
            eni__registry_remove(ctx, r->id);
            eni__free(ctx, r->description);
            eni__free(ctx, r);
        }
        eni__free(ctx, sg->rules[d].v);
    }
    struct eni_vpc *vpc;
    if (eni__registry_peek(ctx, ENI_KIND_VPC, sg->vpc, (void **)&vpc) == ENI_OK)
        vpc->sg_count--;
    eni__registry_remove(ctx, sg->id);
    eni__sg_remote_free(ctx, sg);
    eni__free(ctx, sg->name);
    eni__free(ctx, sg->description);
    eni__free(ctx, sg);
}

/* EC2 trims trailing spaces from group names (section 4.1). */
static size_t trimmed_len(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    return n;
}

int eni_sg_create(eni_ctx *ctx, const eni_sg_spec *spec, eni_sg_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_sg_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, SG_SPEC_MIN, "eni_sg_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.flags)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_create: unknown flags 0x%x", sp.flags);
    if (!sp.name || !sp.description)
        return eni__fail(ENI_EINVAL, "MissingParameter", "eni_sg_create: the %s is required",
                         !sp.name ? "group name" : "group description");
    char name[ENI_SG_TEXT_MAX];
    size_t nlen = trimmed_len(sp.name);
    if (nlen == 0 || nlen > ENI__TEXT_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_sg_create: the group name must have 1..255 characters");
    memcpy(name, sp.name, nlen);
    name[nlen] = '\0';
    if (!eni__sg_text_ok(name))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_sg_create: invalid character in the group name");
    if (!eni__sg_text_ok(sp.description))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_sg_create: the description must have 1..255 characters of "
                         "a-zA-Z0-9 and ._-:/()#,@[]+=&;{}!$* or space");
    if (strcmp(name, "default") == 0 || strncmp(name, "sg-", 3) == 0)
        return eni__fail(ENI_EINVAL, "InvalidGroup.Reserved",
                         "eni_sg_create: the group name '%s' is reserved", name);

    eni__lock(ctx);
    struct eni_vpc *vpc;
    struct eni_sg *sg = NULL;
    rc = eni__get_vpc(ctx, sp.vpc.v, &vpc);
    if (rc == ENI_OK)
        rc = eni__given_id_check(ctx, ENI_KIND_SG, sp.id);
    if (rc != ENI_OK)
        goto out;
    ENI__FOR_EACH(ctx, ENI_KIND_SG, struct eni_sg, g)
    {
        if (g->vpc == vpc->id && strcmp(g->name, name) == 0) {
            rc = eni__fail(ENI_EEXIST, "InvalidGroup.Duplicate",
                           "the security group '%s' already exists in this VPC", name);
            goto out;
        }
    }
    rc = quota_room(ctx);
    if (rc == ENI_OK)
        rc = sg_build(ctx, vpc, name, sp.description, false, sp.id, &sg);
    if (rc != ENI_OK)
        goto out;
    vpc->sg_count++;
    rc = eni__model_changed(ctx);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "created security group %s (%s) in VPC %s", eni__idstr(ctx, sg->id, b1), name,
              eni__idstr(ctx, vpc->id, b2));
    if (rc == ENI_OK)
        out->v = sg->id;
out:
    eni__unlock(ctx);
    return rc;
}

int eni_sg_delete(eni_ctx *ctx, eni_sg_id sg_id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_sg *sg;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc != ENI_OK)
        goto out;
    if (sg->is_default) {
        rc = eni__fail(ENI_EPERM, "CannotDelete", "the default security group cannot be deleted");
        goto out;
    }
    if (sg->nic_count) {
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the security group is in use by %u network interfaces", sg->nic_count);
        goto out;
    }
    if (sg->referenced_by) {
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the security group is referenced by %u rules of other groups",
                       sg->referenced_by);
        goto out;
    }
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "deleted security group %s", eni__idstr(ctx, sg->id, b1));
    eni__sg_destroy(ctx, sg);
    rc = eni__model_changed(ctx);
out:
    eni__unlock(ctx);
    return rc;
}

int eni_sg_describe(eni_ctx *ctx, eni_sg_id sg_id, eni_sg_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_sg_describe: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_sg *sg;
    int rc = eni__get_sg(ctx, sg_id.v, &sg);
    if (rc == ENI_OK) {
        eni_sg_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.is_default = sg->is_default;
        info.id.v = sg->id;
        info.vpc.v = sg->vpc;
        snprintf(info.name, sizeof info.name, "%s", sg->name);
        snprintf(info.description, sizeof info.description, "%s", sg->description);
        info.ingress_count = sg->rules[0].count;
        info.egress_count = sg->rules[1].count;
        info.nic_count = sg->nic_count;
        info.referenced_by = sg->referenced_by;
        rc = eni__info_out(out, &info, sizeof info, "eni_sg_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_sg_list(eni_ctx *ctx, eni_vpc_id vpc_id, eni_sg_id *out, uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_SG, vpc_id, offsetof(struct eni_sg, vpc), out, cap, count,
                         "eni_sg_list");
}
