/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Auto-assigned public IPv4 addresses over an instance's life (section 1.4).
 *
 * Only an interface launched at device index 0 with a public IPv4 carries
 * `auto_public`. Its address is released when the instance stops (or an
 * Elastic IP lands on its primary address) and a new one is assigned when it
 * runs again, unless the instance has more than one interface attached or a
 * secondary address holds an Elastic IP. */
#include "model.h"

static struct eni_nic *primary_of(eni_ctx *ctx, const struct eni_instance *inst)
{
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
    {
        struct eni_nic *nic;
        if (a->instance == inst->id && a->device_index == 0 && a->card == 0 &&
            eni__registry_peek(ctx, ENI_KIND_NIC, a->nic, (void **)&nic) == ENI_OK)
            return nic;
    }
    return NULL;
}

void eni__instance_release_public(eni_ctx *ctx, struct eni_instance *inst)
{
    ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, nic)
    {
        if (nic->instance == inst->id && nic->public_v4) {
            eni__touch(ctx, nic->id); /* reached by walking, not by lookup (journal.h) */
            eni__public_give(ctx, nic->public_v4);
            nic->public_v4 = 0;
        }
    }
}

void eni__instance_restore_public(eni_ctx *ctx, struct eni_instance *inst)
{
    struct eni_nic *nic = primary_of(ctx, inst);
    if (!nic || !nic->auto_public || nic->public_v4 || inst->nic_count != 1 || !nic->v4_count)
        return;
    for (uint32_t i = 0; i < nic->v4_count; i++)
        if (nic->v4_eip[i])
            return; /* an Elastic IP on any address: no new public IPv4 */
    uint32_t v4;
    if (eni__public_reserve(ctx) == ENI_OK && eni__public_take(ctx, &v4))
        nic->public_v4 = v4;
    else
        eni__log(ctx, ENI_LOG_WARN, "no public IPv4 could be assigned (pool empty or no memory)");
}
