/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network interfaces: create, delete, attributes, queries (section 1). */
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"

#define NIC_SPEC_MIN offsetof(eni_nic_spec, id) /* the first layout */
#define NIC_FILTER_MIN sizeof(eni_nic_filter)

/* ---- shared helpers ------------------------------------------------------- */

int eni__nic_reserve_addrs(eni_ctx *ctx, struct eni_nic *nic, uint32_t v4_extra,
                           uint32_t v6_extra)
{
    if (nic->v4_count + v4_extra > nic->v4_cap) {
        uint32_t cap = nic->v4_count + v4_extra;
        uint32_t *v4 = eni__realloc_array(ctx, nic->v4, cap, sizeof *v4);
        if (!v4)
            goto nomem;
        nic->v4 = v4;
        uint64_t *eip = eni__realloc_array(ctx, nic->v4_eip, cap, sizeof *eip);
        if (!eip)
            goto nomem; /* v4 grew; harmless, v4_cap still tells the smaller size */
        nic->v4_eip = eip;
        nic->v4_cap = cap;
    }
    if (nic->v6_count + v6_extra > nic->v6_cap) {
        uint32_t cap = nic->v6_count + v6_extra;
        struct eni_v6 *v6 = eni__realloc_array(ctx, nic->v6, cap, sizeof *v6);
        if (!v6)
            goto nomem;
        nic->v6 = v6;
        nic->v6_cap = cap;
    }
    return ENI_OK;
nomem:
    return eni__fail(ENI_ENOMEM, NULL, "out of memory growing an interface's addresses");
}

int eni__nic_find_v4(const struct eni_nic *nic, uint32_t v4)
{
    for (uint32_t i = 0; i < nic->v4_count; i++)
        if (nic->v4[i] == v4)
            return (int)i;
    return -1;
}

int eni__nic_find_v6(const struct eni_nic *nic, const struct eni_v6 *a)
{
    for (uint32_t i = 0; i < nic->v6_count; i++)
        if (nic->v6[i].hi == a->hi && nic->v6[i].lo == a->lo)
            return (int)i;
    return -1;
}

void eni__nic_drop_v4(struct eni_nic *nic, uint32_t i)
{
    memmove(&nic->v4[i], &nic->v4[i + 1], (nic->v4_count - i - 1) * sizeof nic->v4[0]);
    memmove(&nic->v4_eip[i], &nic->v4_eip[i + 1], (nic->v4_count - i - 1) * sizeof nic->v4_eip[0]);
    nic->v4_count--;
}

void eni__nic_drop_v6(struct eni_nic *nic, uint32_t i)
{
    memmove(&nic->v6[i], &nic->v6[i + 1], (nic->v6_count - i - 1) * sizeof nic->v6[0]);
    nic->v6_count--;
}

bool eni__nic_addr_limits(eni_ctx *ctx, const struct eni_nic *nic, uint32_t *v4_max,
                          uint32_t *v6_max)
{
    struct eni_instance *inst;
    if (!nic->instance ||
        eni__registry_peek(ctx, ENI_KIND_INSTANCE, nic->instance, (void **)&inst) != ENI_OK)
        return false;
    *v4_max = inst->type.ipv4_per_interface;
    *v6_max = (inst->type.flags & ENI_ITYPE_IPV6) ? inst->type.ipv6_per_interface : 0;
    return true;
}

static int bad_address(const char *text, const char *why)
{
    return eni__fail(ENI_EINVAL, "InvalidParameterValue", "the address '%.60s' %s",
                     text ? text : "(null)", why);
}

int eni__parse_v4_list(const struct eni_subnet *s, const char *const *ips, uint32_t n,
                       uint32_t *out)
{
    for (uint32_t i = 0; i < n; i++) {
        eni_addr a;
        if (!ips[i] || eni__addr_parse(ips[i], &a) != 0 || a.family != 4)
            return bad_address(ips[i], "is not a valid IPv4 address");
        uint32_t v4 = eni__addr_v4(&a);
        if (!eni__ipam_v4_in_subnet(s, v4))
            return bad_address(ips[i], "does not fall within the subnet's address range");
        if (eni__ipam_v4_is_reserved(s, v4))
            return bad_address(ips[i], "is reserved by EC2 in this subnet");
        for (uint32_t j = 0; j < i; j++)
            if (out[j] == v4)
                return bad_address(ips[i], "is listed twice");
        out[i] = v4;
    }
    return ENI_OK;
}

int eni__parse_v6_list(const struct eni_subnet *s, const char *const *ips, uint32_t n,
                       struct eni_v6 *out)
{
    for (uint32_t i = 0; i < n; i++) {
        eni_addr a;
        if (!ips[i] || eni__addr_parse(ips[i], &a) != 0 || a.family != 6)
            return bad_address(ips[i], "is not a valid IPv6 address");
        struct eni_v6 v6 = {eni__addr_hi64(&a), eni__addr_lo64(&a)};
        if (!eni__ipam_v6_in_subnet(s, &v6))
            return bad_address(ips[i], "does not fall within the subnet's IPv6 range");
        if (eni__ipam_v6_is_reserved(s, &v6))
            return bad_address(ips[i], "is reserved by EC2 in this subnet");
        for (uint32_t j = 0; j < i; j++)
            if (out[j].hi == v6.hi && out[j].lo == v6.lo)
                return bad_address(ips[i], "is listed twice");
        out[i] = v6;
    }
    return ENI_OK;
}

void eni__nic_effective_ct(const eni_ctx *ctx, const struct eni_nic *nic,
                           eni_conntrack_timeouts *out)
{
    eni_conntrack_timeouts d = {ENI__TCP_EST_DEFAULT, ENI__UDP_STREAM_DEFAULT, ENI__UDP_DEFAULT};
    struct eni_instance *inst;
    if (nic->instance &&
        eni__registry_peek(ctx, ENI_KIND_INSTANCE, nic->instance, (void **)&inst) == ENI_OK) {
        d.tcp_established = inst->type.default_tcp_established_timeout;
        d.udp_stream = inst->type.default_udp_stream_timeout;
        d.udp = inst->type.default_udp_timeout;
    }
    out->tcp_established = nic->ct.tcp_established ? nic->ct.tcp_established : d.tcp_established;
    out->udp_stream = nic->ct.udp_stream ? nic->ct.udp_stream : d.udp_stream;
    out->udp = nic->ct.udp ? nic->ct.udp : d.udp;
}

static int check_timeouts(const eni_conntrack_timeouts *t)
{
    if ((t->tcp_established &&
         (t->tcp_established < ENI__TCP_EST_MIN || t->tcp_established > ENI__TCP_EST_MAX)) ||
        (t->udp_stream && (t->udp_stream < ENI__UDP_STREAM_MIN || t->udp_stream > ENI__UDP_STREAM_MAX)) ||
        (t->udp && (t->udp < ENI__UDP_MIN || t->udp > ENI__UDP_MAX)))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "connection-tracking timeouts must be TCP established 60..432000 s, "
                         "UDP stream 60..180 s, UDP 30..60 s");
    return ENI_OK;
}

/* Resolve and check a group set for an interface of `vpc`. */
static int check_groups(eni_ctx *ctx, uint64_t vpc, const eni_sg_id *groups, uint32_t n,
                        struct eni_sg **out)
{
    if (n > ctx->model->quotas.groups_per_nic)
        return eni__fail(ENI_ELIMIT, "SecurityGroupsPerInterfaceLimitExceeded",
                         "at most %u security groups per network interface",
                         ctx->model->quotas.groups_per_nic);
    for (uint32_t i = 0; i < n; i++) {
        int rc = eni__get_sg(ctx, groups[i].v, &out[i]);
        if (rc != ENI_OK)
            return rc;
        if (out[i]->vpc != vpc)
            return eni__fail(ENI_EINVAL, "InvalidParameter",
                             "a security group and the subnet belong to different networks");
        for (uint32_t j = 0; j < i; j++)
            if (out[j] == out[i])
                return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                                 "a security group is listed twice");
    }
    return ENI_OK;
}

/* Locally administered, unique per ctx, deterministic for a seed: a 40-bit
 * bijection (odd multiplier, then a seed-keyed xor) of a counter. */
static void next_mac(eni_ctx *ctx, uint8_t mac[6])
{
    const uint64_t mask = (1ULL << 40) - 1;
    uint64_t v = (ctx->model->mac_counter++ * 0x9e3779b97fULL) & mask;
    v ^= (ctx->opts.seed * 0xff51afd7ed558ccdULL >> 24) & mask;
    mac[0] = 0x02;
    for (int i = 5; i >= 1; i--) {
        mac[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* ---- create / delete ------------------------------------------------------ */

int eni__nic_spec_check(const eni_nic_spec *spec, eni_nic_spec *out_spec)
{
    eni_nic_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, NIC_SPEC_MIN, "eni_nic_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.type > ENI_NIC_TRUNK)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "eni_nic_create: unknown type %u",
                         sp.type);
    /* A trunk exists to carry branch interfaces (VLAN ids, their own groups
     * and addresses), which libeni does not model: accepting one that then
     * behaves like a plain interface would be a stub. */
    if (sp.type == ENI_NIC_TRUNK)
        return eni__fail(ENI_ENOTSUP, "UnsupportedOperation",
                         "eni_nic_create: trunk interfaces (and their branch interfaces) are not "
                         "modelled; create an interface, efa or efa-only one");
    if (sp.flags & ~(uint32_t)ENI_NIC_SPEC_NO_IPV6 || sp.reserved0)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_create: unknown flags or reserved bits");
    if ((sp.secondary_ip_list_len && sp.secondary_ip_count) ||
        (sp.ipv6_list_len && sp.ipv6_count))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "eni_nic_create: give a list of addresses or a count, not both");
    if ((sp.flags & ENI_NIC_SPEC_NO_IPV6) && (sp.ipv6_list_len || sp.ipv6_count))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "eni_nic_create: NO_IPV6 with IPv6 addresses");
    if ((sp.secondary_ip_list_len && !sp.secondary_ips) || (sp.ipv6_list_len && !sp.ipv6_addresses) ||
        (sp.group_count && !sp.groups))
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_create: a list is NULL with a non-zero length");
    if (sp.secondary_ip_list_len + (uint64_t)sp.secondary_ip_count > ENI__MAX_ADDRS_PER_CALL ||
        sp.ipv6_list_len + (uint64_t)sp.ipv6_count > ENI__MAX_ADDRS_PER_CALL)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_nic_create: at most %d addresses of a family per call",
                         ENI__MAX_ADDRS_PER_CALL);
    if (sp.type == ENI_NIC_EFA_ONLY &&
        (sp.private_ip || sp.secondary_ip_list_len || sp.secondary_ip_count ||
         sp.ipv6_list_len || sp.ipv6_count))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "an efa-only interface has no IP addresses");
    if (sp.description && strlen(sp.description) > ENI__TEXT_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_nic_create: the description is longer than 255 characters");
    rc = check_timeouts(&sp.conntrack);
    if (rc != ENI_OK)
        return rc;
    *out_spec = sp;
    return ENI_OK;
}

int eni__nic_create_locked(eni_ctx *ctx, const eni_nic_spec *spec, eni_nic_id *out)
{
    eni_nic_spec sp = *spec;
    int rc;
    struct eni_subnet *s;
    struct eni_sg *groups[ENI__MAX_GROUPS_PER_NIC];
    struct eni_nic *nic = NULL;
    uint32_t *v4 = NULL;
    struct eni_v6 *v6 = NULL;
    rc = eni__get_subnet(ctx, sp.subnet.v, &s);
    if (rc == ENI_OK)
        rc = eni__given_id_check(ctx, ENI_KIND_NIC, sp.id);
    if (rc != ENI_OK)
        goto out;
    if (eni__registry_live(ctx, ENI_KIND_NIC) >= ctx->model->quotas.nics) {
        rc = eni__fail(ENI_ELIMIT, "NetworkInterfaceLimitExceeded",
                       "the maximum number of network interfaces (%u) has been reached",
                       ctx->model->quotas.nics);
        goto out;
    }
    uint32_t ngroups = sp.group_count;
    if (ngroups == 0) {
        struct eni_vpc *vpc;
        (void)eni__registry_peek(ctx, ENI_KIND_VPC, s->vpc, (void **)&vpc);
        rc = eni__get_sg(ctx, vpc->default_sg, &groups[0]);
        ngroups = 1;
    } else {
        rc = check_groups(ctx, s->vpc, sp.groups, ngroups, groups);
    }
    if (rc != ENI_OK)
        goto out;

    /* IPv4: [0] primary, then secondaries; explicit ones first, then picks. */
    bool efa_only = sp.type == ENI_NIC_EFA_ONLY;
    uint32_t n_explicit = (sp.private_ip ? 1u : 0u) + sp.secondary_ip_list_len;
    uint32_t n_v4 = efa_only ? 0 : 1 + sp.secondary_ip_list_len + sp.secondary_ip_count;
    uint32_t want_v6 = sp.ipv6_list_len + sp.ipv6_count;
    if (!efa_only && want_v6 == 0 && !(sp.flags & ENI_NIC_SPEC_NO_IPV6) &&
        (s->flags & ENI_SUBNET_ASSIGN_IPV6_ON_CREATION))
        want_v6 = 1; /* AssignIpv6AddressOnCreation */
    if (want_v6 && !s->cidr6.addr.family) {
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue", "the subnet has no IPv6 block");
        goto out;
    }
    v4 = eni__calloc(ctx, n_v4 + 1, sizeof *v4);
    v6 = eni__calloc(ctx, want_v6 + 1, sizeof *v6);
    nic = eni__calloc(ctx, 1, sizeof *nic);
    if (!v4 || !v6 || !nic) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_create: out of memory");
        goto out;
    }
    if (!efa_only) {
        /* Explicit addresses (primary first if given), checked together so a
         * duplicate across primary and secondaries is caught. */
        const char *text[ENI__MAX_ADDRS_PER_CALL + 1];
        uint32_t ex[ENI__MAX_ADDRS_PER_CALL + 1], picks[ENI__MAX_ADDRS_PER_CALL + 1];
        uint32_t k = 0;
        if (sp.private_ip)
            text[k++] = sp.private_ip;
        for (uint32_t i = 0; i < sp.secondary_ip_list_len; i++)
            text[k++] = sp.secondary_ips[i];
        if (k)
            rc = eni__parse_v4_list(s, text, k, ex);
        for (uint32_t i = 0; rc == ENI_OK && i < k; i++)
            if (eni__ipam_v4_used(s, ex[i]))
                rc = eni__fail(ENI_EINUSE, "InvalidIPAddress.InUse",
                               "the address %s is already in use", text[i]);
        if (rc != ENI_OK)
            goto out;
        uint32_t n_pick = n_v4 - n_explicit;
        if (n_pick && !eni__ipam_v4_pick(s, n_pick, ex, k, picks)) {
            rc = eni__fail(ENI_ELIMIT, "InsufficientFreeAddressesInSubnet",
                           "the subnet has not enough free addresses");
            goto out;
        }
        /* Layout: primary, explicit secondaries, picked secondaries. */
        uint32_t at = 0, pi = 0;
        v4[at++] = sp.private_ip ? ex[0] : picks[pi++];
        for (uint32_t i = sp.private_ip ? 1 : 0; i < k; i++)
            v4[at++] = ex[i];
        while (pi < n_pick)
            v4[at++] = picks[pi++];
    }
    if (sp.ipv6_list_len) {
        rc = eni__parse_v6_list(s, sp.ipv6_addresses, sp.ipv6_list_len, v6);
        for (uint32_t i = 0; rc == ENI_OK && i < sp.ipv6_list_len; i++)
            if (eni__addrmap_get(&s->v6_owner, v6[i].hi, v6[i].lo) ||
                eni__subnet_v6_prefix_owner(ctx, s, &v6[i]))
                rc = eni__fail(ENI_EINUSE, "InvalidIPAddress.InUse",
                               "the address %s is already in use", sp.ipv6_addresses[i]);
        if (rc != ENI_OK)
            goto out;
    } else if (want_v6 && !eni__ipam_v6_pick(s, want_v6, NULL, 0, v6)) {
        rc = eni__fail(ENI_ELIMIT, "InsufficientFreeAddressesInSubnet",
                       "the subnet has not enough free IPv6 addresses");
        goto out;
    }
    char *desc = NULL;
    if (sp.description && sp.description[0] && !(desc = eni__strdup(ctx, sp.description))) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_create: out of memory");
        goto out;
    }
    nic->description = desc;
    if ((rc = eni__nic_reserve_addrs(ctx, nic, n_v4, want_v6)) != ENI_OK ||
        (rc = eni__registry_reserve(ctx, ENI_KIND_NIC, 1)) != ENI_OK ||
        (sp.id && (rc = eni__given_ids_reserve(ctx, 1)) != ENI_OK))
        goto out;
    if (eni__addrmap_reserve(&s->v4_owner, n_v4, eni__mapmem(ctx)) != 0 ||
        eni__addrmap_reserve(&s->v6_owner, want_v6, eni__mapmem(ctx)) != 0) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_create: out of memory");
        goto out;
    }

    /* Commit: nothing below can fail. */
    uint64_t id;
    (void)eni__registry_insert_as(ctx, ENI_KIND_NIC, nic, sp.id, &id); /* reserved */
    nic->id = id;
    nic->subnet = s->id;
    nic->vpc = s->vpc;
    nic->type = (uint8_t)sp.type;
    nic->status = ENI_NIC_AVAILABLE;
    nic->source_dest_check = 1;
    nic->ct = sp.conntrack;
    next_mac(ctx, nic->mac);
    for (uint32_t i = 0; i < n_v4; i++) {
        nic->v4[i] = v4[i];
        nic->v4_eip[i] = 0;
        eni__ipam_v4_mark(s, v4[i], true);
        eni__addrmap_put(&s->v4_owner, 0, v4[i], id);
    }
    nic->v4_count = n_v4;
    for (uint32_t i = 0; i < want_v6; i++) {
        nic->v6[i] = v6[i];
        eni__addrmap_put(&s->v6_owner, v6[i].hi, v6[i].lo, id);
    }
    if (!sp.ipv6_list_len)
        eni__ipam_v6_advance(s, v6, want_v6);
    nic->v6_count = want_v6;
    for (uint32_t i = 0; i < ngroups; i++) {
        nic->groups[i] = groups[i]->id;
        groups[i]->nic_count++;
    }
    nic->group_count = (uint8_t)ngroups;
    s->nic_count++;
    rc = eni__model_changed(ctx);
    eni__membership_events(ctx, nic, 1);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "created network interface %s in subnet %s (%u IPv4, %u IPv6, %u groups)",
              eni__idstr(ctx, id, b1), eni__idstr(ctx, s->id, b2), nic->v4_count, nic->v6_count,
              nic->group_count);
    if (rc == ENI_OK)
        out->v = id;
    nic = NULL;
out:
    if (nic) {
        eni__free(ctx, nic->description);
        eni__free(ctx, nic->v4);
        eni__free(ctx, nic->v4_eip);
        eni__free(ctx, nic->v6);
        eni__free(ctx, nic);
    }
    eni__free(ctx, v4);
    eni__free(ctx, v6);
    return rc;
}

int eni_nic_create(eni_ctx *ctx, const eni_nic_spec *spec, eni_nic_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_nic_spec sp;
    int rc = eni__nic_spec_check(spec, &sp);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    rc = eni__nic_create_locked(ctx, &sp, out);
    eni__unlock(ctx);
    return rc;
}

/* Release everything an interface holds; the caller checked it may go. */
void eni__nic_destroy(eni_ctx *ctx, struct eni_nic *nic)
{
    struct eni_subnet *s;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    for (uint32_t i = 0; i < nic->v4_count; i++) {
        if (nic->v4_eip[i]) {
            struct eni_eip *eip;
            if (eni__registry_peek(ctx, ENI_KIND_EIP, nic->v4_eip[i], (void **)&eip) == ENI_OK)
                eni__eip_disassociate(ctx, eip);
        }
        eni__ipam_v4_mark(s, nic->v4[i], false);
        eni__addrmap_del(&s->v4_owner, 0, nic->v4[i]);
    }
    for (uint32_t i = 0; i < nic->v6_count; i++)
        eni__addrmap_del(&s->v6_owner, nic->v6[i].hi, nic->v6[i].lo);
    for (uint32_t i = 0; i < nic->p4_count; i++)
        for (uint32_t k = 0; k < 16; k++)
            eni__ipam_v4_mark(s, nic->p4[i] + k, false);
    if (nic->public_v4)
        eni__public_give(ctx, nic->public_v4);
    eni__membership_events(ctx, nic, 0);
    for (uint32_t i = 0; i < nic->group_count; i++) {
        struct eni_sg *g;
        if (eni__registry_peek(ctx, ENI_KIND_SG, nic->groups[i], (void **)&g) == ENI_OK)
            g->nic_count--;
    }
    s->nic_count--;
    eni__registry_remove(ctx, nic->id);
    eni__free(ctx, nic->description);
    eni__free(ctx, nic->v4);
    eni__free(ctx, nic->v4_eip);
    eni__free(ctx, nic->v6);
    eni__free(ctx, nic->p4);
    eni__free(ctx, nic->p6);
    eni__free(ctx, nic);
}

int eni_nic_delete(eni_ctx *ctx, eni_nic_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_nic *nic;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK && (nic->status != ENI_NIC_AVAILABLE || nic->attachment))
        rc = eni__fail(ENI_EINUSE, "InvalidNetworkInterface.InUse",
                       "the network interface is currently in use");
    if (rc == ENI_OK) {
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "deleted network interface %s", eni__idstr(ctx, nic->id, b1));
        eni__nic_destroy(ctx, nic);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

/* ---- attributes ----------------------------------------------------------- */

int eni_nic_set_description(eni_ctx *ctx, eni_nic_id id, const char *description)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_set_description: ctx is NULL");
    if (description && strlen(description) > ENI__TEXT_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "the description is longer than 255 characters");
    eni__lock(ctx);
    struct eni_nic *nic;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        char *copy = NULL;
        if (description && description[0] && !(copy = eni__strdup(ctx, description))) {
            rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_set_description: out of memory");
        } else {
            eni__free(ctx, nic->description);
            nic->description = copy;
            rc = eni__model_changed(ctx);
        }
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_set_source_dest_check(eni_ctx *ctx, eni_nic_id id, uint32_t enabled)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_set_source_dest_check: ctx is NULL");
    if (enabled > 1)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "source/destination check must be 0 or 1, not %u", enabled);
    eni__lock(ctx);
    struct eni_nic *nic;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        nic->source_dest_check = (uint8_t)enabled;
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "network interface %s: source/destination check %s",
                  eni__idstr(ctx, nic->id, b1), enabled ? "on" : "off");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_set_groups(eni_ctx *ctx, eni_nic_id id, const eni_sg_id *groups, uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_set_groups: ctx is NULL");
    if (!groups || n == 0)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "an interface needs at least one security group");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_sg *sgs[ENI__MAX_GROUPS_PER_NIC];
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK)
        rc = check_groups(ctx, nic->vpc, groups, n, sgs);
    if (rc == ENI_OK) {
        /* Left every old group, joined every new one: a group in both sets
         * coalesces to "joined" for a reader who has not polled yet. */
        eni__membership_events(ctx, nic, 0);
        for (uint32_t i = 0; i < nic->group_count; i++) {
            struct eni_sg *g;
            if (eni__registry_peek(ctx, ENI_KIND_SG, nic->groups[i], (void **)&g) == ENI_OK)
                g->nic_count--;
        }
        for (uint32_t i = 0; i < n; i++) {
            nic->groups[i] = sgs[i]->id;
            sgs[i]->nic_count++;
        }
        nic->group_count = (uint8_t)n;
        rc = eni__model_changed(ctx);
        eni__membership_events(ctx, nic, 1);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "network interface %s: now in %u security group%s",
                  eni__idstr(ctx, nic->id, b1), n, n == 1 ? "" : "s");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_set_conntrack_timeouts(eni_ctx *ctx, eni_nic_id id,
                                   const eni_conntrack_timeouts *timeouts)
{
    ENI__CALL(ctx);
    if (!ctx || !timeouts)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_set_conntrack_timeouts: %s is NULL",
                         ctx ? "timeouts" : "ctx");
    int rc = check_timeouts(timeouts);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        if (timeouts->tcp_established)
            nic->ct.tcp_established = timeouts->tcp_established;
        if (timeouts->udp_stream)
            nic->ct.udp_stream = timeouts->udp_stream;
        if (timeouts->udp)
            nic->ct.udp = timeouts->udp;
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "network interface %s: idle timeouts TCP %u s, UDP stream %u s, UDP %u s",
                  eni__idstr(ctx, nic->id, b1), nic->ct.tcp_established, nic->ct.udp_stream,
                  nic->ct.udp);
    }
    eni__unlock(ctx);
    return rc;
}

/* ---- queries -------------------------------------------------------------- */

static void format_v4(uint32_t v4, char *out)
{
    eni_addr a = eni__addr_from_v4(v4);
    eni__addr_format(&a, out);
}

static uint32_t public_of(eni_ctx *ctx, const struct eni_nic *nic, uint32_t i)
{
    struct eni_eip *eip;
    if (nic->v4_eip[i] &&
        eni__registry_peek(ctx, ENI_KIND_EIP, nic->v4_eip[i], (void **)&eip) == ENI_OK)
        return eip->public_v4;
    return i == 0 ? nic->public_v4 : 0;
}

int eni_nic_describe(eni_ctx *ctx, eni_nic_id id, eni_nic_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_describe: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_nic *nic;
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        eni_nic_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.type = nic->type;
        info.id.v = nic->id;
        info.subnet.v = nic->subnet;
        info.vpc.v = nic->vpc;
        memcpy(info.mac, nic->mac, 6);
        info.source_dest_check = nic->source_dest_check;
        info.status = nic->status;
        snprintf(info.mac_string, sizeof info.mac_string, "%02x:%02x:%02x:%02x:%02x:%02x",
                 nic->mac[0], nic->mac[1], nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
        if (nic->v4_count) {
            format_v4(nic->v4[0], info.private_ip);
            uint32_t pub = public_of(ctx, nic, 0);
            if (pub)
                format_v4(pub, info.public_ip);
        }
        if (nic->description)
            snprintf(info.description, sizeof info.description, "%s", nic->description);
        info.ipv4_count = nic->v4_count;
        info.ipv6_count = nic->v6_count;
        info.group_count = nic->group_count;
        info.instance.v = nic->instance;
        info.attachment.v = nic->attachment;
        eni__nic_effective_ct(ctx, nic, &info.conntrack);
        rc = eni__info_out(out, &info, sizeof info, "eni_nic_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_get_addresses(eni_ctx *ctx, eni_nic_id id, eni_nic_address *out, uint32_t cap,
                          uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_nic_get_addresses");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < nic->v4_count; i++, n++) {
            if (n >= cap)
                continue;
            eni_nic_address *a = &out[n];
            memset(a, 0, sizeof *a);
            format_v4(nic->v4[i], a->address);
            a->family = 4;
            a->primary = i == 0;
            a->eip.v = nic->v4_eip[i];
            uint32_t pub = public_of(ctx, nic, i);
            if (pub)
                format_v4(pub, a->public_ip);
        }
        for (uint32_t i = 0; i < nic->v6_count; i++, n++) {
            if (n >= cap)
                continue;
            eni_nic_address *a = &out[n];
            memset(a, 0, sizeof *a);
            eni_addr v6 = eni__addr_from_v6(nic->v6[i].hi, nic->v6[i].lo);
            eni__addr_format(&v6, a->address);
            a->family = 6;
        }
        *count = n;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_get_groups(eni_ctx *ctx, eni_nic_id id, eni_sg_id *out, uint32_t cap,
                       uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_nic_get_groups");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK) {
        for (uint32_t i = 0; i < nic->group_count && i < cap; i++)
            out[i].v = nic->groups[i];
        *count = nic->group_count;
    }
    eni__unlock(ctx);
    return rc;
}

static bool has_group(const struct eni_nic *nic, uint64_t sg)
{
    for (uint32_t i = 0; i < nic->group_count; i++)
        if (nic->groups[i] == sg)
            return true;
    return false;
}

int eni_nic_list(eni_ctx *ctx, const eni_nic_filter *filter, eni_nic_id *out, uint32_t cap,
                 uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_nic_list");
    if (rc != ENI_OK)
        return rc;
    eni_nic_filter f;
    memset(&f, 0, sizeof f);
    if (filter && (rc = eni__spec_in(&f, sizeof f, filter, NIC_FILTER_MIN, "eni_nic_list")) != ENI_OK)
        return rc;
    if (f.status_mask & ~0xfu)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_list: unknown status bits 0x%x",
                         f.status_mask);
    eni__lock(ctx);
    void *obj;
    if ((f.vpc.v && (rc = eni__registry_get(ctx, ENI_KIND_VPC, f.vpc.v, &obj)) != ENI_OK) ||
        (f.subnet.v && (rc = eni__registry_get(ctx, ENI_KIND_SUBNET, f.subnet.v, &obj)) != ENI_OK) ||
        (f.instance.v &&
         (rc = eni__registry_get(ctx, ENI_KIND_INSTANCE, f.instance.v, &obj)) != ENI_OK) ||
        (f.group.v && (rc = eni__registry_get(ctx, ENI_KIND_SG, f.group.v, &obj)) != ENI_OK)) {
        eni__unlock(ctx);
        return rc;
    }
    uint32_t n = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, nic)
    {
        if ((f.vpc.v && nic->vpc != f.vpc.v) || (f.subnet.v && nic->subnet != f.subnet.v) ||
            (f.instance.v && nic->instance != f.instance.v) ||
            (f.group.v && !has_group(nic, f.group.v)) ||
            (f.status_mask && !(f.status_mask & (1u << nic->status))))
            continue;
        if (n < cap)
            out[n].v = nic->id;
        n++;
    }
    eni__unlock(ctx);
    *count = n;
    return ENI_OK;
}
