/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Elastic IPs (section 3, and 1.4 for the auto-assigned public IPv4). */
#include <stdio.h>
#include <string.h>

#include "nic_internal.h"

int eni_eip_allocate(eni_ctx *ctx, eni_eip_id *out)
{
    ENI__CALL(ctx);
    return eni_eip_allocate_id(ctx, NULL, out);
}

int eni_eip_allocate_id(eni_ctx *ctx, const char *allocation_id, eni_eip_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_allocate: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    int rc = eni__given_id_check(ctx, ENI_KIND_EIP, allocation_id);
    struct eni_eip *eip = NULL;
    if (rc != ENI_OK)
        goto out;
    if (eni__registry_live(ctx, ENI_KIND_EIP) >= ctx->model->quotas.eips) {
        rc = eni__fail(ENI_ELIMIT, "AddressLimitExceeded",
                       "the maximum number of addresses (%u) has been reached",
                       ctx->model->quotas.eips);
        goto out;
    }
    eip = eni__calloc(ctx, 1, sizeof *eip);
    if (!eip || eni__public_reserve(ctx) != ENI_OK) {
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_eip_allocate: out of memory");
        goto out;
    }
    if ((rc = eni__registry_reserve(ctx, ENI_KIND_EIP, 1)) != ENI_OK ||
        (allocation_id && (rc = eni__given_ids_reserve(ctx, 1)) != ENI_OK))
        goto out;
    uint32_t v4;
    if (!eni__public_take(ctx, &v4)) {
        rc = eni__fail(ENI_ELIMIT, "AddressLimitExceeded", "the public address pool is empty");
        goto out;
    }
    uint64_t id;
    (void)eni__registry_insert_as(ctx, ENI_KIND_EIP, eip, allocation_id, &id); /* reserved */
    eip->id = id;
    eip->public_v4 = v4;
    rc = eni__model_changed(ctx);
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "allocated Elastic IP %s (%u.%u.%u.%u)", eni__idstr(ctx, id, b1), v4 >> 24,
              (v4 >> 16) & 0xffu, (v4 >> 8) & 0xffu, v4 & 0xffu);
    if (rc == ENI_OK)
        out->v = id;
    eip = NULL;
out:
    eni__free(ctx, eip);
    eni__unlock(ctx);
    return rc;
}

int eni_eip_release(eni_ctx *ctx, eni_eip_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_release: ctx is NULL");
    eni__lock(ctx);
    struct eni_eip *eip;
    int rc = eni__get_eip(ctx, id.v, &eip);
    if (rc == ENI_OK && eip->assoc)
        rc = eni__fail(ENI_EINUSE, "InvalidIPAddress.InUse",
                       "the address is associated; disassociate it first");
    if (rc == ENI_OK) {
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "released Elastic IP %s", eni__idstr(ctx, eip->id, b1));
        eni__public_give(ctx, eip->public_v4);
        eni__registry_remove(ctx, eip->id);
        eni__free(ctx, eip);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

/* Section 1.4: after the Elastic IP leaves the primary address of an
 * interface that was launched with a public IPv4, a new public address is
 * assigned, unless the instance has more than one interface attached or a
 * secondary address has an Elastic IP. A stopped instance has none at all. */
static void maybe_restore_public(eni_ctx *ctx, struct eni_nic *nic)
{
    struct eni_instance *inst;
    if (!nic->auto_public || nic->public_v4 || nic->v4_eip[0] || !nic->instance ||
        eni__registry_peek(ctx, ENI_KIND_INSTANCE, nic->instance, (void **)&inst) != ENI_OK ||
        inst->state != ENI_INSTANCE_RUNNING || inst->nic_count != 1)
        return;
    for (uint32_t i = 1; i < nic->v4_count; i++)
        if (nic->v4_eip[i])
            return;
    uint32_t v4;
    if (eni__public_reserve(ctx) == ENI_OK && eni__public_take(ctx, &v4))
        nic->public_v4 = v4;
}

void eni__eip_disassociate(eni_ctx *ctx, struct eni_eip *eip)
{
    eni__touch(ctx, eip->id); /* it may have been reached through its association (journal.h) */
    struct eni_nic *nic;
    if (eni__registry_peek(ctx, ENI_KIND_NIC, eip->nic, (void **)&nic) == ENI_OK) {
        int at = eni__nic_find_v4(nic, eip->private_v4);
        if (at >= 0)
            nic->v4_eip[at] = 0;
        if (at == 0)
            maybe_restore_public(ctx, nic);
    }
    eni__registry_remove(ctx, eip->assoc);
    eni__model_event(ctx, ENI_EVENT_EIP_CHANGED, eip->id, eip->nic, 0);
    eip->assoc = 0;
    eip->nic = 0;
    eip->private_v4 = 0;
}

int eni_eip_associate(eni_ctx *ctx, eni_eip_id eip_id, eni_nic_id nic_id, const char *private_ip,
                      uint32_t flags, eni_eip_assoc_id *out)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_associate: ctx is NULL");
    if (flags & ~(uint32_t)ENI_EIP_NO_REASSOCIATION)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_associate: unknown flags 0x%x", flags);
    eni__lock(ctx);
    struct eni_eip *eip;
    struct eni_nic *nic;
    int rc = eni__get_eip(ctx, eip_id.v, &eip);
    if (rc == ENI_OK)
        rc = eni__get_nic(ctx, nic_id.v, &nic);
    if (rc != ENI_OK)
        goto out;
    if (nic->type == ENI_NIC_EFA_ONLY || nic->v4_count == 0) {
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                       "the interface has no private IPv4 address");
        goto out;
    }
    int at = 0;
    if (private_ip) {
        eni_addr a;
        if (eni__addr_parse(private_ip, &a) != 0 || a.family != 4) {
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "'%.60s' is not a valid IPv4 address", private_ip);
            goto out;
        }
        at = eni__nic_find_v4(nic, eni__addr_v4(&a));
        if (at < 0) {
            rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                           "the address %s is not assigned to the interface", private_ip);
            goto out;
        }
    }
    struct eni_instance *inst;
    if (nic->instance &&
        eni__registry_peek(ctx, ENI_KIND_INSTANCE, nic->instance, (void **)&inst) == ENI_OK &&
        inst->state == ENI_INSTANCE_PENDING) {
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "the interface's instance is pending");
        goto out;
    }
    uint32_t target = nic->v4[at];
    if (eip->assoc && eip->nic == nic->id && eip->private_v4 == target) {
        if (out) /* idempotent: the association already holds */
            out->v = eip->assoc;
        goto out;
    }
    if (eip->assoc && (flags & ENI_EIP_NO_REASSOCIATION)) {
        rc = eni__fail(ENI_EINUSE, "Resource.AlreadyAssociated",
                       "the Elastic IP is already associated and reassociation is not allowed");
        goto out;
    }
    if ((rc = eni__registry_reserve(ctx, ENI_KIND_EIP_ASSOC, 1)) != ENI_OK)
        goto out;
    if (eip->assoc)
        eni__eip_disassociate(ctx, eip); /* moves silently (allow-reassociation) */
    if (nic->v4_eip[at]) {
        struct eni_eip *old; /* one Elastic IP per private address: the old one is let go */
        if (eni__registry_peek(ctx, ENI_KIND_EIP, nic->v4_eip[at], (void **)&old) == ENI_OK)
            eni__eip_disassociate(ctx, old);
    }
    uint64_t assoc;
    (void)eni__registry_insert(ctx, ENI_KIND_EIP_ASSOC, eip, &assoc);
    eip->assoc = assoc;
    eip->nic = nic->id;
    eip->private_v4 = target;
    nic->v4_eip[at] = eip->id;
    if (at == 0 && nic->public_v4) {
        /* Section 1.4: an Elastic IP on the primary address releases the
         * auto-assigned public IPv4 for good. */
        eni__public_give(ctx, nic->public_v4);
        nic->public_v4 = 0;
    }
    rc = eni__model_changed(ctx);
    eni__model_event(ctx, ENI_EVENT_EIP_CHANGED, eip->id, nic->id, 1);
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "associated Elastic IP %s with network interface %s (private %u.%u.%u.%u)",
              eni__idstr(ctx, eip->id, b1), eni__idstr(ctx, nic->id, b2), target >> 24,
              (target >> 16) & 0xffu, (target >> 8) & 0xffu, target & 0xffu);
    if (out)
        if (rc == ENI_OK)
            out->v = assoc;
out:
    eni__unlock(ctx);
    return rc;
}

int eni_eip_disassociate(eni_ctx *ctx, eni_eip_assoc_id assoc)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_disassociate: ctx is NULL");
    eni__lock(ctx);
    void *obj;
    int rc = eni__registry_peek(ctx, ENI_KIND_EIP_ASSOC, assoc.v, &obj);
    if (rc == ENI_ESTALE) {
        rc = ENI_OK; /* already ended: DisassociateAddress is idempotent */
    } else if (rc != ENI_OK) {
        rc = eni__registry_get(ctx, ENI_KIND_EIP_ASSOC, assoc.v, &obj); /* records the error */
    } else {
        struct eni_eip *eip = obj;
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "disassociated Elastic IP %s", eni__idstr(ctx, eip->id, b1));
        eni__eip_disassociate(ctx, obj);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_eip_describe(eni_ctx *ctx, eni_eip_id id, eni_eip_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_eip_describe: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_eip *eip;
    int rc = eni__get_eip(ctx, id.v, &eip);
    if (rc == ENI_OK) {
        eni_eip_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.id.v = eip->id;
        eni_addr a = eni__addr_from_v4(eip->public_v4);
        eni__addr_format(&a, info.public_ip);
        if (eip->assoc) {
            struct eni_nic *nic;
            info.association.v = eip->assoc;
            info.nic.v = eip->nic;
            a = eni__addr_from_v4(eip->private_v4);
            eni__addr_format(&a, info.private_ip);
            if (eni__registry_peek(ctx, ENI_KIND_NIC, eip->nic, (void **)&nic) == ENI_OK)
                info.instance.v = nic->instance;
        }
        rc = eni__info_out(out, &info, sizeof info, "eni_eip_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_eip_list(eni_ctx *ctx, eni_eip_id *out, uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_EIP, (eni_vpc_id){0}, 0, out, cap, count, "eni_eip_list");
}
