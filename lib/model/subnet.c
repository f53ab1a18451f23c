/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Subnets (section 1.6 for addresses; EC2 reserves five IPv4 addresses;
 * section 9.4: every subnet starts with its VPC's default network ACL). */
#include <stdio.h>
#include <string.h>

#include "sg_internal.h"

#define SUBNET_SPEC_MIN offsetof(eni_subnet_spec, id) /* the first layout */
#define SUBNET_FLAGS (ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH | ENI_SUBNET_ASSIGN_IPV6_ON_CREATION)

static bool az_ok(const char *az)
{
    size_t n = strlen(az);
    if (n == 0 || n >= ENI_AZ_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = az[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

int eni_subnet_create(eni_ctx *ctx, const eni_subnet_spec *spec, eni_subnet_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_subnet_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, SUBNET_SPEC_MIN, "eni_subnet_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.flags & ~(uint32_t)SUBNET_FLAGS)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_create: unknown flags 0x%x", sp.flags);
    if (!sp.availability_zone || !az_ok(sp.availability_zone))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_subnet_create: invalid availability zone");
    if (!sp.cidr_block)
        return eni__fail(ENI_EINVAL, "MissingParameter", "eni_subnet_create: cidr_block is required");
    eni_prefix cidr, cidr6;
    memset(&cidr6, 0, sizeof cidr6);
    rc = eni__parse_vpc_block(sp.cidr_block, 4, 16, 28, "InvalidSubnet.Range",
                              "eni_subnet_create", &cidr);
    if (rc == ENI_OK && sp.ipv6_cidr_block)
        rc = eni__parse_vpc_block(sp.ipv6_cidr_block, 6, 64, 64, "InvalidSubnet.Range",
                                  "eni_subnet_create", &cidr6);
    if (rc != ENI_OK)
        return rc;
    if ((sp.flags & ENI_SUBNET_ASSIGN_IPV6_ON_CREATION) && !sp.ipv6_cidr_block)
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "eni_subnet_create: IPv6 on creation needs an IPv6 block");

    eni__lock(ctx);
    struct eni_vpc *vpc;
    struct eni_subnet *s = NULL;
    rc = eni__get_vpc(ctx, sp.vpc.v, &vpc);
    if (rc == ENI_OK)
        rc = eni__given_id_check(ctx, ENI_KIND_SUBNET, sp.id);
    if (rc == ENI_OK && sp.id)
        rc = eni__given_ids_reserve(ctx, 1);
    if (rc != ENI_OK)
        goto out;
    struct eni_acl *acl;
    if (eni__get_acl(ctx, vpc->default_acl, &acl) != ENI_OK) {
        rc = eni__fail(ENI_EINTERNAL, NULL, "eni_subnet_create: the VPC's default ACL is missing");
        goto out;
    }
    if (!eni__vpc_holds_v4(vpc, &cidr)) {
        rc = eni__fail(ENI_EINVAL, "InvalidSubnet.Range",
                       "the subnet CIDR '%.60s' is not inside a block of the VPC", sp.cidr_block);
        goto out;
    }
    if (sp.ipv6_cidr_block && !eni__vpc_holds_v6(vpc, &cidr6)) { /* any of its /56s (D33) */
        rc = eni__fail(ENI_EINVAL, "InvalidSubnet.Range",
                       "the subnet IPv6 CIDR '%.60s' is not inside an IPv6 block of the VPC",
                       sp.ipv6_cidr_block);
        goto out;
    }
    ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, other)
    {
        if (other->vpc != vpc->id)
            continue;
        if (eni__prefix_overlaps(&other->cidr, &cidr) ||
            (sp.ipv6_cidr_block && other->cidr6.addr.family &&
             eni__prefix_overlaps(&other->cidr6, &cidr6))) {
            rc = eni__fail(ENI_EINUSE, "InvalidSubnet.Conflict",
                           "the CIDR conflicts with another subnet of the VPC");
            goto out;
        }
    }
    s = eni__calloc(ctx, 1, sizeof *s);
    uint32_t size = 1u << (32 - cidr.len);
    uint64_t *bitmap = s ? eni__calloc(ctx, (size + 63) / 64, sizeof *bitmap) : NULL;
    if (!s || !bitmap) {
        eni__free(ctx, bitmap);
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_subnet_create: out of memory");
        goto out;
    }
    s->v4_bitmap = bitmap;
    uint64_t id;
    rc = eni__registry_insert_as(ctx, ENI_KIND_SUBNET, s, sp.id, &id);
    if (rc != ENI_OK) {
        eni__free(ctx, bitmap);
        goto out;
    }
    s->id = id;
    s->vpc = vpc->id;
    snprintf(s->az, sizeof s->az, "%s", sp.availability_zone);
    s->flags = sp.flags;
    s->cidr = cidr;
    s->cidr6 = cidr6;
    s->v4_base = eni__addr_v4(&cidr.addr);
    s->v4_size = size;
    /* EC2's five reserved addresses: network, router, DNS, future use, broadcast. */
    for (uint32_t off = 0; off <= 3; off++)
        eni__ipam_v4_mark(s, s->v4_base + off, true);
    eni__ipam_v4_mark(s, s->v4_base + size - 1, true);
    s->v6_cursor = 4;
    s->acl = acl->id;
    acl->subnet_count++;
    vpc->subnet_count++;
    rc = eni__model_changed(ctx);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "created subnet %s (%s in %s) in VPC %s", eni__idstr(ctx, id, b1),
              sp.cidr_block, sp.availability_zone, eni__idstr(ctx, vpc->id, b2));
    if (rc == ENI_OK)
        out->v = id;
    s = NULL;
out:
    eni__free(ctx, s);
    eni__unlock(ctx);
    return rc;
}

int eni_subnet_delete(eni_ctx *ctx, eni_subnet_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_subnet *s;
    int rc = eni__get_subnet(ctx, id.v, &s);
    if (rc == ENI_OK && (s->nic_count || s->instance_count))
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "the subnet has dependencies (%u interfaces, %u instances) and cannot "
                       "be deleted",
                       s->nic_count, s->instance_count);
    if (rc == ENI_OK) {
        struct eni_vpc *vpc;
        if (eni__registry_peek(ctx, ENI_KIND_VPC, s->vpc, (void **)&vpc) == ENI_OK)
            vpc->subnet_count--;
        struct eni_acl *acl;
        if (eni__registry_peek(ctx, ENI_KIND_NETWORK_ACL, s->acl, (void **)&acl) == ENI_OK)
            acl->subnet_count--;
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "deleted subnet %s", eni__idstr(ctx, s->id, b1));
        eni__registry_remove(ctx, s->id);
        eni__free(ctx, s->v4_bitmap);
        eni__addrmap_fini(&s->v4_owner, eni__mapmem(ctx));
        eni__addrmap_fini(&s->v6_owner, eni__mapmem(ctx));
        eni__free(ctx, s);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_subnet_describe(eni_ctx *ctx, eni_subnet_id id, eni_subnet_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_describe: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_subnet *s;
    int rc = eni__get_subnet(ctx, id.v, &s);
    if (rc == ENI_OK) {
        eni_subnet_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.flags = s->flags;
        info.id.v = s->id;
        info.vpc.v = s->vpc;
        snprintf(info.availability_zone, sizeof info.availability_zone, "%s", s->az);
        eni__prefix_format(&s->cidr, info.cidr_block);
        if (s->cidr6.addr.family)
            eni__prefix_format(&s->cidr6, info.ipv6_cidr_block);
        info.available_ip_count = s->v4_size - s->v4_used;
        info.nic_count = s->nic_count;
        rc = eni__info_out(out, &info, sizeof info, "eni_subnet_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_subnet_set_flags(eni_ctx *ctx, eni_subnet_id id, uint32_t flags)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_set_flags: ctx is NULL");
    if (flags & ~(uint32_t)SUBNET_FLAGS)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_set_flags: unknown flags 0x%x", flags);
    eni__lock(ctx);
    struct eni_subnet *s;
    int rc = eni__get_subnet(ctx, id.v, &s);
    if (rc == ENI_OK && (flags & ENI_SUBNET_ASSIGN_IPV6_ON_CREATION) && !s->cidr6.addr.family)
        rc = eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                       "the subnet has no IPv6 block");
    if (rc == ENI_OK && s->flags != flags) {
        s->flags = flags;
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "subnet %s: flags 0x%x", eni__idstr(ctx, s->id, b1), flags);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_subnet_list(eni_ctx *ctx, eni_vpc_id vpc_id, eni_subnet_id *out, uint32_t cap,
                    uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_SUBNET, vpc_id, offsetof(struct eni_subnet, vpc), out, cap,
                         count, "eni_subnet_list");
}
