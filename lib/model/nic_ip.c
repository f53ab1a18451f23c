/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Secondary IPv4 and IPv6 assignment (sections 1.1, 1.7). */
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"

static int list_or_count(const void *ips, uint32_t n, uint32_t count, const char *what)
{
    if ((n && count) || (!n && !count))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "%s: give either a list of addresses or a count", what);
    if (n && !ips)
        return eni__fail(ENI_EINVAL, NULL, "%s: ips is NULL", what);
    if (n > ENI__MAX_ADDRS_PER_CALL || count > ENI__MAX_ADDRS_PER_CALL)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s: at most %d addresses per call",
                         what, ENI__MAX_ADDRS_PER_CALL);
    return ENI_OK;
}

static int limit_exceeded(uint32_t have, uint32_t add, uint32_t max, const char *family)
{
    return eni__nic_limit_exceeded(have + add, max, family);
}

int eni__nic_limit_exceeded(uint32_t want, uint32_t max, const char *family)
{
    return eni__fail(ENI_ELIMIT, "PrivateIpAddressLimitExceeded",
                     "the interface would take %u %s address slots (a delegated prefix takes "
                     "one); its instance type allows %u",
                     want, family, max);
}

int eni_nic_assign_private_ips(eni_ctx *ctx, eni_nic_id id, const char *const *ips, uint32_t n,
                               uint32_t count, uint32_t flags)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_assign_private_ips: ctx is NULL");
    if (flags & ~(uint32_t)ENI_ASSIGN_ALLOW_REASSIGNMENT)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_assign_private_ips: unknown flags 0x%x", flags);
    int rc = list_or_count(ips, n, count, "eni_nic_assign_private_ips");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s = NULL;
    uint32_t addrs[ENI__MAX_ADDRS_PER_CALL];
    struct eni_nic *donor[ENI__MAX_ADDRS_PER_CALL];
    uint32_t total = n ? n : count;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    if (nic->type == ENI_NIC_EFA_ONLY) {
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                       "an efa-only interface has no IP addresses");
        goto out;
    }
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    uint32_t v4_max, v6_max;
    if (eni__nic_addr_limits(ctx, nic, &v4_max, &v6_max) &&
        nic->v4_count + nic->p4_count + total > v4_max) {
        rc = limit_exceeded(nic->v4_count + nic->p4_count, total, v4_max, "private IPv4");
        goto out;
    }
    if (n) {
        rc = eni__parse_v4_list(s, ips, n, addrs);
        for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
            donor[i] = NULL;
            if (!eni__ipam_v4_used(s, addrs[i]))
                continue;
            uint64_t owner = eni__addrmap_get(&s->v4_owner, 0, addrs[i]);
            struct eni_nic *other;
            if (!owner && eni__subnet_v4_prefix_owner(ctx, s, addrs[i])) {
                rc = eni__fail(ENI_EINUSE, "Resource.AlreadyAssigned",
                               "the address %s lies in a prefix delegated to an interface",
                               ips[i]);
            } else if (owner == nic->id) {
                rc = eni__fail(ENI_EINUSE, "InvalidParameterValue",
                               "the address %s is already assigned to this interface", ips[i]);
            } else if (!owner ||
                       eni__registry_peek(ctx, ENI_KIND_NIC, owner, (void **)&other) != ENI_OK) {
                rc = eni__fail(ENI_EINTERNAL, NULL, "address %s is marked used with no owner",
                               ips[i]);
            } else if (other->v4[0] == addrs[i]) {
                rc = eni__fail(ENI_EINUSE, "Resource.AlreadyAssigned",
                               "the address %s is the primary address of another interface",
                               ips[i]);
            } else if (!(flags & ENI_ASSIGN_ALLOW_REASSIGNMENT)) {
                rc = eni__fail(ENI_EINUSE, "Resource.AlreadyAssigned",
                               "the address %s is assigned to another interface; allow "
                               "reassignment to move it",
                               ips[i]);
            } else {
                donor[i] = other;
            }
        }
    } else {
        for (uint32_t i = 0; i < count; i++)
            donor[i] = NULL;
        if (!eni__ipam_v4_pick(s, count, NULL, 0, addrs))
            rc = eni__fail(ENI_ELIMIT, "InsufficientFreeAddressesInSubnet",
                           "the subnet has not enough free addresses");
    }
    if (rc == ENI_OK)
        rc = eni__nic_reserve_addrs(ctx, nic, total, 0);
    if (rc == ENI_OK && eni__addrmap_reserve(&s->v4_owner, total, eni__mapmem(ctx)) != 0)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_assign_private_ips: out of memory");
    if (rc != ENI_OK)
        goto out;

    for (uint32_t i = 0; i < total; i++) {
        uint64_t eip_id = 0;
        if (donor[i]) {
            /* Reassignment: the address leaves the donor with its Elastic IP. */
            int at = eni__nic_find_v4(donor[i], addrs[i]);
            eip_id = donor[i]->v4_eip[at];
            eni__nic_drop_v4(donor[i], (uint32_t)at);
            if (eip_id) {
                struct eni_eip *eip;
                (void)eni__registry_peek(ctx, ENI_KIND_EIP, eip_id, (void **)&eip);
                eip->nic = nic->id;
                eni__model_event(ctx, ENI_EVENT_EIP_CHANGED, eip_id, donor[i]->id, 0);
                eni__model_event(ctx, ENI_EVENT_EIP_CHANGED, eip_id, nic->id, 1);
            }
        } else {
            eni__ipam_v4_mark(s, addrs[i], true);
        }
        nic->v4[nic->v4_count] = addrs[i];
        nic->v4_eip[nic->v4_count] = eip_id;
        nic->v4_count++;
        eni__addrmap_put(&s->v4_owner, 0, addrs[i], nic->id);
    }
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    for (uint32_t i = 0; i < total; i++)
        if (donor[i])
            eni__addresses_event(ctx, donor[i]); /* coalesced per donor */
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: assigned %u private IPv4 address%s",
              eni__idstr(ctx, nic->id, b1), total, total == 1 ? "" : "es");
out:
    eni__unlock(ctx);
    return rc;
}

int eni_nic_unassign_private_ips(eni_ctx *ctx, eni_nic_id id, const char *const *ips, uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx || !ips || n == 0 || n > ENI__MAX_ADDRS_PER_CALL)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_unassign_private_ips: %s",
                         !ctx ? "ctx is NULL" : "give 1..1000 addresses");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s;
    uint32_t addrs[ENI__MAX_ADDRS_PER_CALL];
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        eni_addr a;
        if (!ips[i] || eni__addr_parse(ips[i], &a) != 0 || a.family != 4) {
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "'%.60s' is not a valid IPv4 address", ips[i] ? ips[i] : "(null)");
            break;
        }
        addrs[i] = eni__addr_v4(&a);
        int at = eni__nic_find_v4(nic, addrs[i]);
        if (at < 0)
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "the address %s is not assigned to this interface", ips[i]);
        else if (at == 0)
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "the primary address %s cannot be unassigned", ips[i]);
        for (uint32_t j = 0; rc == ENI_OK && j < i; j++)
            if (addrs[j] == addrs[i])
                rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                               "the address %s is listed twice", ips[i]);
    }
    if (rc != ENI_OK)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        int at = eni__nic_find_v4(nic, addrs[i]);
        if (nic->v4_eip[at]) {
            struct eni_eip *eip;
            /* Section 1.7: the Elastic IP is disassociated and stays allocated. */
            if (eni__registry_peek(ctx, ENI_KIND_EIP, nic->v4_eip[at], (void **)&eip) == ENI_OK)
                eni__eip_disassociate(ctx, eip);
        }
        eni__nic_drop_v4(nic, (uint32_t)at);
        eni__ipam_v4_mark(s, addrs[i], false);
        eni__addrmap_del(&s->v4_owner, 0, addrs[i]);
    }
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: unassigned %u private IPv4 address%s",
              eni__idstr(ctx, nic->id, b1), n, n == 1 ? "" : "es");
out:
    eni__unlock(ctx);
    return rc;
}

int eni_nic_assign_ipv6(eni_ctx *ctx, eni_nic_id id, const char *const *ips, uint32_t n,
                        uint32_t count)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_assign_ipv6: ctx is NULL");
    int rc = list_or_count(ips, n, count, "eni_nic_assign_ipv6");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s = NULL;
    struct eni_v6 addrs[ENI__MAX_ADDRS_PER_CALL];
    uint32_t total = n ? n : count;
    rc = eni__get_nic(ctx, id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    if (nic->type == ENI_NIC_EFA_ONLY || !s->cidr6.addr.family) {
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue", "%s",
                       nic->type == ENI_NIC_EFA_ONLY ? "an efa-only interface has no IP addresses"
                                                      : "the subnet has no IPv6 block");
        goto out;
    }
    uint32_t v4_max, v6_max;
    if (eni__nic_addr_limits(ctx, nic, &v4_max, &v6_max) &&
        nic->v6_count + nic->p6_count + total > v6_max) {
        rc = limit_exceeded(nic->v6_count + nic->p6_count, total, v6_max, "IPv6");
        goto out;
    }
    if (n) {
        rc = eni__parse_v6_list(s, ips, n, addrs);
        for (uint32_t i = 0; rc == ENI_OK && i < n; i++)
            if (eni__addrmap_get(&s->v6_owner, addrs[i].hi, addrs[i].lo) ||
                eni__subnet_v6_prefix_owner(ctx, s, &addrs[i]))
                rc = eni__fail(ENI_EINUSE, "InvalidIPAddress.InUse",
                               "the address %s is in use; unassign it first", ips[i]);
    } else if (!eni__ipam_v6_pick(s, count, NULL, 0, addrs)) {
        rc = eni__fail(ENI_ELIMIT, "InsufficientFreeAddressesInSubnet",
                       "the subnet has not enough free IPv6 addresses");
    }
    if (rc == ENI_OK)
        rc = eni__nic_reserve_addrs(ctx, nic, 0, total);
    if (rc == ENI_OK && eni__addrmap_reserve(&s->v6_owner, total, eni__mapmem(ctx)) != 0)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_assign_ipv6: out of memory");
    if (rc != ENI_OK)
        goto out;
    for (uint32_t i = 0; i < total; i++) {
        nic->v6[nic->v6_count++] = addrs[i];
        eni__addrmap_put(&s->v6_owner, addrs[i].hi, addrs[i].lo, nic->id);
    }
    if (!n)
        eni__ipam_v6_advance(s, addrs, total);
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: assigned %u IPv6 address%s",
              eni__idstr(ctx, nic->id, b1), total, total == 1 ? "" : "es");
out:
    eni__unlock(ctx);
    return rc;
}

int eni_nic_unassign_ipv6(eni_ctx *ctx, eni_nic_id id, const char *const *ips, uint32_t n)
{
    ENI__CALL(ctx);
    if (!ctx || !ips || n == 0 || n > ENI__MAX_ADDRS_PER_CALL)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_unassign_ipv6: %s",
                         !ctx ? "ctx is NULL" : "give 1..1000 addresses");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_subnet *s;
    struct eni_v6 addrs[ENI__MAX_ADDRS_PER_CALL];
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&s);
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        eni_addr a;
        if (!ips[i] || eni__addr_parse(ips[i], &a) != 0 || a.family != 6) {
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "'%.60s' is not a valid IPv6 address", ips[i] ? ips[i] : "(null)");
            break;
        }
        addrs[i].hi = eni__addr_hi64(&a);
        addrs[i].lo = eni__addr_lo64(&a);
        if (eni__nic_find_v6(nic, &addrs[i]) < 0)
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "the address %s is not assigned to this interface", ips[i]);
        for (uint32_t j = 0; rc == ENI_OK && j < i; j++)
            if (addrs[j].hi == addrs[i].hi && addrs[j].lo == addrs[i].lo)
                rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                               "the address %s is listed twice", ips[i]);
    }
    if (rc != ENI_OK)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        eni__nic_drop_v6(nic, (uint32_t)eni__nic_find_v6(nic, &addrs[i]));
        eni__addrmap_del(&s->v6_owner, addrs[i].hi, addrs[i].lo);
    }
    rc = eni__model_changed(ctx);
    eni__addresses_event(ctx, nic);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "network interface %s: unassigned %u IPv6 address%s",
              eni__idstr(ctx, nic->id, b1), n, n == 1 ? "" : "es");
out:
    eni__unlock(ctx);
    return rc;
}
