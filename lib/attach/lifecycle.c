/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instance lifecycle: launch with interfaces (cold attach), and the
 * cascades of stop, start and terminate (sections 1.4, 1.5, 2.1). */
#include <stdlib.h>
#include <string.h>

#include "attach_internal.h"
#include "model/nic_internal.h"

#define LAUNCH_SPEC_MIN offsetof(eni_launch_spec, instance_id) /* the first layout */
#define LAUNCH_NIC_MIN sizeof(eni_launch_nic)
#define LAUNCH_NIC_FLAGS \
    (ENI_LAUNCH_KEEP_ON_TERMINATION | ENI_LAUNCH_PUBLIC_IP | ENI_LAUNCH_NO_PUBLIC_IP | \
     ENI_LAUNCH_DELETE_ON_TERMINATION)
enum { LAUNCH_MAX_NICS = 128 };

/* Termination: every attachment goes, forced; attaching ones are aborted. */
static void terminate_attachments(eni_ctx *ctx, struct eni_instance *inst)
{
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, att)
    {
        if (att->instance != inst->id)
            continue;
        eni__touch(ctx, att->id); /* reached by walking, not by lookup (journal.h) */
        if (att->status == ENI_ATTACHMENT_ATTACHING) {
            struct eni_attachment copy = *att;
            bool delete_nic = att->delete_on_termination;
            eni__attach_abort(ctx, att);
            struct eni_nic *nic;
            if (delete_nic && eni__registry_peek(ctx, ENI_KIND_NIC, copy.nic, (void **)&nic) == ENI_OK)
                eni__nic_destroy(ctx, nic);
            copy.status = ENI_ATTACHMENT_DETACHED;
            eni__attach_event(ctx, ENI_EVENT_ATTACH_FAILED, &copy, ENI_ESTATE, 0,
                              "IncorrectInstanceState");
        } else if (att->status == ENI_ATTACHMENT_ATTACHED) {
            (void)eni__detach_start(ctx, att, true, true);
        } else {
            att->force = 1;
            att->terminating = 1;
        }
    }
}

int eni_instance_set_state(eni_ctx *ctx, eni_instance_id id, uint32_t state)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_set_state: ctx is NULL");
    if (!eni__instance_state_valid(state))
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "unknown instance state %u", state);
    eni__lock(ctx);
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK && !eni__instance_transition_ok(inst->state, state))
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "the instance is '%s'; it cannot become '%s'",
                       eni__instance_state_name(inst->state), eni__instance_state_name(state));
    if (rc == ENI_OK && state == ENI_INSTANCE_TERMINATED && inst->nic_count)
        rc = eni__fail(ENI_EBUSY, "IncorrectInstanceState",
                       "%u interfaces are still detaching; poll and try again", inst->nic_count);
    if (rc == ENI_OK) {
        switch (state) {
        case ENI_INSTANCE_STOPPING: /* public IPv4 is lost at stop; attachments stay */
            eni__instance_release_public(ctx, inst);
            break;
        case ENI_INSTANCE_STOPPED: /* hot attachments are now warm ones */
            ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
            {
                if (a->instance == inst->id && a->kind == ENI_ATTACH_HOT) {
                    eni__touch(ctx, a->id); /* reached by walking, not by lookup (journal.h) */
                    a->kind = ENI_ATTACH_WARM;
                }
            }
            break;
        case ENI_INSTANCE_RUNNING: /* a new public IPv4 when EC2 gives one */
            eni__instance_restore_public(ctx, inst);
            break;
        case ENI_INSTANCE_SHUTTING_DOWN:
            eni__instance_release_public(ctx, inst);
            terminate_attachments(ctx, inst);
            break;
        default:
            break;
        }
        inst->state = (uint8_t)state;
        eni__instance_event(ctx, inst);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

/* ---- launch --------------------------------------------------------------- */

struct launch_entry {
    eni_launch_nic in;
    eni_nic_spec spec;   /* copied when in.spec is set */
    struct eni_nic *nic;
    bool created;
    struct eni_attachment *att;
};

static const eni_launch_nic *entry_at(const eni_launch_nic *nics, uint32_t i)
{
    return (const eni_launch_nic *)(const void *)((const char *)nics + (size_t)nics[0].size * i);
}

static int check_entries(const eni_launch_spec *sp, struct launch_entry *e)
{
    if (!sp->nics || sp->nic_count == 0 || sp->nic_count > LAUNCH_MAX_NICS)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_instance_launch: give 1..%d interfaces", LAUNCH_MAX_NICS);
    if (sp->nics[0].size < LAUNCH_NIC_MIN)
        return eni__fail(ENI_EVERSION, NULL, "eni_instance_launch: interface entry size %u",
                         sp->nics[0].size);
    uint32_t primaries = 0;
    for (uint32_t i = 0; i < sp->nic_count; i++) {
        int rc = eni__spec_in(&e[i].in, sizeof e[i].in, entry_at(sp->nics, i), LAUNCH_NIC_MIN,
                              "eni_instance_launch");
        if (rc != ENI_OK)
            return rc;
        const eni_launch_nic *n = &e[i].in;
        if (n->flags & ~(uint32_t)LAUNCH_NIC_FLAGS ||
            ((n->flags & ENI_LAUNCH_PUBLIC_IP) && (n->flags & ENI_LAUNCH_NO_PUBLIC_IP)))
            return eni__fail(ENI_EINVAL, NULL, "eni_instance_launch: bad flags 0x%x", n->flags);
        if (!!n->existing.v == !!n->spec)
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "each interface is either an existing one or a spec, not both");
        if ((n->flags & ENI_LAUNCH_DELETE_ON_TERMINATION) &&
            ((n->flags & ENI_LAUNCH_KEEP_ON_TERMINATION) || n->existing.v))
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "DeleteOnTermination=true is allowed only for a network interface "
                             "created at launch%s",
                             n->existing.v ? ", not an existing one" : " (and not with false)");
        if ((n->flags & ENI_LAUNCH_PUBLIC_IP) &&
            (sp->nic_count > 1 || n->device_index != 0 || n->existing.v))
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "a public IPv4 can be requested only for a single new interface "
                             "at device index 0");
        if (n->device_index == 0 && n->network_card_index == 0)
            primaries++;
        if (n->spec && (rc = eni__nic_spec_check(n->spec, &e[i].spec)) != ENI_OK)
            return rc;
    }
    if (primaries != 1)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "exactly one interface must sit at device index 0 of card 0 (%u do)",
                         primaries);
    return ENI_OK;
}

/* Undo a launch that failed half-way: nothing of it may remain. */
static void launch_rollback(eni_ctx *ctx, struct launch_entry *e, uint32_t n,
                            struct eni_instance *inst)
{
    for (uint32_t i = 0; i < n; i++)
        if (e[i].att)
            eni__attach_abort(ctx, e[i].att);
    for (uint32_t i = 0; i < n; i++)
        if (e[i].created && e[i].nic)
            eni__nic_destroy(ctx, e[i].nic);
    if (inst)
        eni__instance_destroy(ctx, inst);
}

int eni_instance_launch(eni_ctx *ctx, const eni_launch_spec *spec, eni_instance_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_launch: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_launch_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, LAUNCH_SPEC_MIN, "eni_instance_launch");
    if (rc != ENI_OK)
        return rc;
    if (sp.reserved0)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_launch: reserved0 must be 0");
    struct launch_entry *e = eni__calloc(ctx, sp.nic_count ? sp.nic_count : 1, sizeof *e);
    if (!e)
        return eni__fail(ENI_ENOMEM, NULL, "eni_instance_launch: out of memory");
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.flags = sp.flags;
    is.instance_type = sp.instance_type;
    is.virtualization = sp.virtualization;
    is.platform = sp.platform;
    is.id = sp.instance_id;
    eni_instance_type_info type;
    rc = check_entries(&sp, e);
    if (rc == ENI_OK)
        rc = eni__instance_spec_check(&is, &is, &type);
    if (rc != ENI_OK) {
        eni__free(ctx, e);
        return rc;
    }

    eni__lock(ctx);
    struct eni_instance *inst = NULL;
    uint32_t primary = 0;
    for (uint32_t i = 0; i < sp.nic_count; i++)
        if (e[i].in.device_index == 0 && e[i].in.network_card_index == 0)
            primary = i;
    /* The instance lands in the primary interface's subnet. */
    if (e[primary].in.existing.v) {
        rc = eni__get_nic(ctx, e[primary].in.existing.v, &e[primary].nic);
        if (rc == ENI_OK)
            is.subnet.v = e[primary].nic->subnet;
    } else {
        is.subnet = e[primary].spec.subnet;
    }
    if (rc == ENI_OK)
        rc = eni__instance_create_locked(ctx, &is, &type, &inst);
    for (uint32_t i = 0; rc == ENI_OK && i < sp.nic_count; i++) {
        if (e[i].in.existing.v) {
            rc = eni__get_nic(ctx, e[i].in.existing.v, &e[i].nic);
            for (uint32_t j = 0; rc == ENI_OK && j < i; j++)
                if (e[j].nic == e[i].nic)
                    rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                                   "an interface is listed twice");
        } else {
            eni_nic_id nid;
            rc = eni__nic_create_locked(ctx, &e[i].spec, &nid);
            if (rc == ENI_OK) {
                (void)eni__registry_peek(ctx, ENI_KIND_NIC, nid.v, (void **)&e[i].nic);
                e[i].created = true;
            }
        }
    }
    /* Cold attaches: new interfaces are deleted on termination unless told
     * otherwise; existing ones never are (section 1.5). */
    for (uint32_t i = 0; rc == ENI_OK && i < sp.nic_count; i++) {
        uint32_t kind;
        rc = eni__attach_check(ctx, e[i].nic, inst, e[i].in.device_index,
                               e[i].in.network_card_index, true, &kind);
        if (rc == ENI_OK)
            rc = eni__attach_start(ctx, e[i].nic, inst, e[i].in.device_index,
                                   e[i].in.network_card_index, kind,
                                   e[i].created && !(e[i].in.flags & ENI_LAUNCH_KEEP_ON_TERMINATION),
                                   &e[i].att);
    }
    if (rc != ENI_OK) {
        launch_rollback(ctx, e, sp.nic_count, inst);
        goto out;
    }
    /* Section 1.4: a public IPv4 only for a new interface at index 0, and
     * only when it is the launch's single interface. */
    struct launch_entry *p = &e[primary];
    struct eni_subnet *s;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, p->nic->subnet, (void **)&s);
    bool wants = (p->in.flags & ENI_LAUNCH_PUBLIC_IP) ||
                 ((s->flags & ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH) &&
                  !(p->in.flags & ENI_LAUNCH_NO_PUBLIC_IP));
    if (p->created && sp.nic_count == 1 && wants && p->nic->v4_count) {
        uint32_t v4;
        p->nic->auto_public = 1;
        if (eni__public_reserve(ctx) == ENI_OK && eni__public_take(ctx, &v4))
            p->nic->public_v4 = v4;
    }
    eni__instance_event(ctx, inst);
    rc = eni__model_changed(ctx);
    if (rc == ENI_OK)
        out->v = inst->id;
out:
    eni__unlock(ctx);
    eni__free(ctx, e);
    return rc;
}

static int by_device(const void *x, const void *y)
{
    const struct eni_attachment *a = *(const struct eni_attachment *const *)x;
    const struct eni_attachment *b = *(const struct eni_attachment *const *)y;
    uint32_t ka = (uint32_t)a->card << 16 | a->device_index;
    uint32_t kb = (uint32_t)b->card << 16 | b->device_index;
    return (ka > kb) - (ka < kb);
}

int eni_instance_list_attachments(eni_ctx *ctx, eni_instance_id id, eni_attachment_id *out,
                                  uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_instance_list_attachments");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_instance *inst;
    rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK) {
        /* An instance has at most 255 interfaces (the type table's limit). */
        struct eni_attachment *found[256];
        uint32_t n = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
        {
            if (a->instance == inst->id && n < 256)
                found[n++] = a;
        }
        qsort(found, n, sizeof found[0], by_device);
        for (uint32_t i = 0; i < n && i < cap; i++)
            out[i].v = found[i]->id;
        *count = n;
    }
    eni__unlock(ctx);
    return rc;
}
