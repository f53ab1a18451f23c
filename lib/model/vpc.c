/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* VPCs (section 4.2 for the default group, 9.2 for the default network ACL;
 * vpc_cidr.c adds and removes blocks). */
#include <string.h>

#include "model.h"
#include "sg_internal.h"

#define VPC_SPEC_MIN offsetof(eni_vpc_spec, id) /* the first layout */

static int parse_block(const char *text, unsigned family, unsigned min_len, unsigned max_len,
                       const char *range_code, const char *what, eni_prefix *out)
{
    if (eni__prefix_parse(text, out) != 0 || out->addr.family != family)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s: '%.60s' is not a valid %s CIDR",
                         what, text, family == 4 ? "IPv4" : "IPv6");
    if (out->len < min_len || out->len > max_len || !eni__prefix_is_canonical(out))
        return eni__fail(ENI_EINVAL, range_code,
                         "%s: the CIDR '%.60s' is invalid (netmask /%u..%u, no host bits)", what,
                         text, min_len, max_len);
    return ENI_OK;
}

int eni__parse_vpc_block(const char *text, unsigned family, unsigned min_len, unsigned max_len,
                         const char *range_code, const char *what, eni_prefix *out)
{
    return parse_block(text, family, min_len, max_len, range_code, what, out);
}

int eni_vpc_create(eni_ctx *ctx, const eni_vpc_spec *spec, eni_vpc_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_vpc_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_vpc_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, VPC_SPEC_MIN, "eni_vpc_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.flags & ~(uint32_t)ENI_VPC_AMAZON_IPV6)
        return eni__fail(ENI_EINVAL, NULL, "eni_vpc_create: unknown flags 0x%x", sp.flags);
    if (!sp.cidr_block)
        return eni__fail(ENI_EINVAL, "MissingParameter", "eni_vpc_create: cidr_block is required");
    if ((sp.flags & ENI_VPC_AMAZON_IPV6) && sp.ipv6_cidr_block)
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "eni_vpc_create: give an IPv6 block or ask for an Amazon one, not both");

    struct eni_vpc v;
    memset(&v, 0, sizeof v);
    rc = parse_block(sp.cidr_block, 4, 16, 28, "InvalidVpc.Range", "eni_vpc_create", &v.cidr);
    if (rc != ENI_OK)
        return rc;
    if (sp.ipv6_cidr_block) {
        rc = parse_block(sp.ipv6_cidr_block, 6, 56, 56, "InvalidVpc.Range", "eni_vpc_create",
                         &v.cidr6);
        if (rc != ENI_OK)
            return rc;
    }

    eni__lock(ctx);
    struct eni_model *m = ctx->model;
    if ((rc = eni__given_id_check(ctx, ENI_KIND_VPC, sp.id)) != ENI_OK ||
        (rc = eni__given_id_check(ctx, ENI_KIND_SG, sp.default_group_id)) != ENI_OK ||
        (rc = eni__given_id_check(ctx, ENI_KIND_NETWORK_ACL, sp.default_acl_id)) != ENI_OK ||
        (sp.id && (rc = eni__given_ids_reserve(ctx, 1)) != ENI_OK)) {
        eni__unlock(ctx);
        return rc;
    }
    if ((sp.flags & ENI_VPC_AMAZON_IPV6) &&
        (rc = eni__vpc_amazon_ipv6(ctx, &v.cidr6, "eni_vpc_create")) != ENI_OK) {
        eni__unlock(ctx);
        return rc;
    }
    struct eni_vpc *vpc = eni__malloc(ctx, sizeof *vpc);
    struct eni_sg *dflt = NULL;
    struct eni_acl *acl = NULL;
    uint64_t id = 0;
    if (!vpc) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_vpc_create: out of memory");
        goto out;
    }
    *vpc = v;
    rc = eni__registry_insert_as(ctx, ENI_KIND_VPC, vpc, sp.id, &id);
    if (rc != ENI_OK) {
        eni__free(ctx, vpc);
        goto out;
    }
    vpc->id = id;
    rc = eni__sg_create_default(ctx, vpc, sp.default_group_id, &dflt);
    if (rc == ENI_OK && (rc = eni__acl_create_default(ctx, vpc, sp.default_acl_id, &acl)) != ENI_OK)
        eni__sg_destroy(ctx, dflt);
    if (rc != ENI_OK) {
        eni__registry_remove(ctx, id);
        eni__free(ctx, vpc);
        goto out;
    }
    if (sp.flags & ENI_VPC_AMAZON_IPV6)
        m->v6_vpc_counter++;
    vpc->default_sg = dflt->id;
    vpc->sg_count = 1;
    vpc->default_acl = acl->id;
    rc = eni__model_changed(ctx);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX], b3[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "created VPC %s (%s%s), default security group %s, default network ACL %s",
              eni__idstr(ctx, id, b1), sp.cidr_block,
              vpc->cidr6.addr.family ? " with an IPv6 block" : "", eni__idstr(ctx, dflt->id, b2),
              eni__idstr(ctx, acl->id, b3));
    if (rc == ENI_OK)
        out->v = id;
out:
    eni__unlock(ctx);
    return rc;
}

int eni_vpc_delete(eni_ctx *ctx, eni_vpc_id vpc_id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_vpc_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_vpc *vpc;
    int rc = eni__get_vpc(ctx, vpc_id.v, &vpc);
    if (rc != ENI_OK)
        goto out;
    struct eni_sg *dflt;
    struct eni_acl *acl;
    if (eni__get_sg(ctx, vpc->default_sg, &dflt) != ENI_OK ||
        eni__get_acl(ctx, vpc->default_acl, &acl) != ENI_OK) {
        rc = eni__fail(ENI_EINTERNAL, NULL, "eni_vpc_delete: default group or ACL missing");
        goto out;
    }
    if (vpc->subnet_count || vpc->sg_count > 1 || vpc->acl_count > 1) {
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the VPC has dependencies (%u subnets, %u non-default groups, %u "
                       "non-default network ACLs) and cannot be deleted",
                       vpc->subnet_count, vpc->sg_count - 1, vpc->acl_count - 1);
        goto out;
    }
    if (dflt->referenced_by) {
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the VPC's default group is referenced by %u rules of other groups",
                       dflt->referenced_by);
        goto out;
    }
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "deleted VPC %s", eni__idstr(ctx, vpc->id, b1));
    eni__sg_destroy(ctx, dflt);
    eni__acl_destroy(ctx, acl);
    eni__registry_remove(ctx, vpc->id);
    eni__free(ctx, vpc->extra);
    eni__free(ctx, vpc->extra6);
    eni__free(ctx, vpc);
    rc = eni__model_changed(ctx);
out:
    eni__unlock(ctx);
    return rc;
}

int eni_vpc_describe(eni_ctx *ctx, eni_vpc_id vpc_id, eni_vpc_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_vpc_describe: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_vpc *vpc;
    int rc = eni__get_vpc(ctx, vpc_id.v, &vpc);
    if (rc == ENI_OK) {
        eni_vpc_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.id.v = vpc->id;
        info.default_group.v = vpc->default_sg;
        info.subnet_count = vpc->subnet_count;
        info.group_count = vpc->sg_count;
        eni__prefix_format(&vpc->cidr, info.cidr_block);
        if (eni__vpc_has_ipv6(vpc)) /* the first; eni_vpc_get_cidr_blocks lists them all */
            eni__prefix_format(&vpc->cidr6, info.ipv6_cidr_block);
        rc = eni__info_out(out, &info, sizeof info, "eni_vpc_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_vpc_list(eni_ctx *ctx, eni_vpc_id *out, uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_VPC, (eni_vpc_id){0}, 0, out, cap, count, "eni_vpc_list");
}
