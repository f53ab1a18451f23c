/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The attach/detach state machine (sections 1.3, 1.5, 1.6, 2).
 *
 * This is the only code that calls a backend to attach or detach. A
 * transition happens only when the backend's completion is applied in
 * eni_ctx_poll(); until then the attachment is `attaching` or `detaching`
 * and holds its device index. A failed, refused or lost attach is rolled
 * back completely: the interface is available again, the index free, and
 * the backend is told to abort so nothing is left behind. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attach_internal.h"
#include "eni/names.h"
#include "model/nic_internal.h"

static void finish_detach(eni_ctx *ctx, struct eni_attachment *att, uint32_t event_type);

static bool is_efa(const struct eni_nic *nic)
{
    return nic->type == ENI_NIC_EFA || nic->type == ENI_NIC_EFA_ONLY;
}

int eni__attach_check(eni_ctx *ctx, const struct eni_nic *nic, const struct eni_instance *inst,
                      uint32_t device_index, uint32_t card, bool at_launch, uint32_t *kind)
{
    char iid[ENI_ID_STRING_MAX];
    eni_id_format(ctx, inst->id, iid, sizeof iid);
    switch (inst->state) {
    case ENI_INSTANCE_PENDING: *kind = ENI_ATTACH_COLD; break;
    case ENI_INSTANCE_RUNNING: *kind = ENI_ATTACH_HOT; break;
    case ENI_INSTANCE_STOPPED: *kind = ENI_ATTACH_WARM; break;
    default:
        return eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                         "the instance '%s' is '%s'; interfaces attach only while it is pending, "
                         "running or stopped",
                         iid, eni__instance_state_name(inst->state));
    }
    if (nic->status != ENI_NIC_AVAILABLE || nic->attachment)
        return eni__fail(ENI_EINUSE, "InvalidNetworkInterface.InUse",
                         "the network interface is already attached");
    if (nic->vpc != inst->vpc)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "the network interface and the instance are in different VPCs");
    struct eni_subnet *ns, *is;
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, nic->subnet, (void **)&ns);
    (void)eni__registry_peek(ctx, ENI_KIND_SUBNET, inst->subnet, (void **)&is);
    if (strcmp(ns->az, is->az) != 0)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "the network interface is in '%s' and the instance in '%s'", ns->az,
                         is->az);
    const eni_instance_type_info *t = &inst->type;
    if (card >= t->max_network_cards)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "network card index %u is not valid for %s (%u cards)", card, t->name,
                         t->max_network_cards);
    /* Every card has its own device 0 (section 2.2); device 0 of card 0 is
     * the primary. */
    if (device_index > 255)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "device index %u on network card %u is not valid", device_index, card);

    uint32_t total = 0, on_card = 0, efa_total = 0, efa_on_card = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
    {
        if (a->instance != inst->id)
            continue;
        if (a->card == card && a->device_index == device_index)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "Instance '%s' already has an interface attached at device index "
                             "'%u'",
                             iid, device_index);
        struct eni_nic *other;
        (void)eni__registry_peek(ctx, ENI_KIND_NIC, a->nic, (void **)&other);
        total++;
        on_card += a->card == card;
        if (is_efa(other)) {
            efa_total++;
            efa_on_card += a->card == card;
        }
    }
    if (total >= t->max_interfaces || on_card >= t->card_max_interfaces[card])
        return eni__fail(ENI_ELIMIT, "AttachmentLimitExceeded",
                         "%s allows %u interfaces (%u on network card %u)", t->name,
                         t->max_interfaces, t->card_max_interfaces[card], card);
    uint32_t v6_max = (t->flags & ENI_ITYPE_IPV6) ? t->ipv6_per_interface : 0;
    /* A delegated prefix takes one address slot (section 1.8). */
    uint32_t v4_slots = nic->v4_count + nic->p4_count, v6_slots = nic->v6_count + nic->p6_count;
    if (v4_slots > t->ipv4_per_interface || v6_slots > v6_max)
        return eni__fail(ENI_ELIMIT,
                         at_launch ? "InvalidInterface.IpAddressLimitExceeded"
                                   : "PrivateIpAddressLimitExceeded",
                         "the interface takes %u IPv4 and %u IPv6 address slots; %s allows %u "
                         "and %u",
                         v4_slots, v6_slots, t->name, t->ipv4_per_interface, v6_max);
    if (is_efa(nic)) {
        if (!(t->flags & ENI_ITYPE_EFA))
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "the instance type %s does not support EFA", t->name);
        if (nic->type == ENI_NIC_EFA_ONLY && inst->platform != ENI_PLATFORM_LINUX)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "EFA OS bypass (efa-only) works on Linux only");
        if (!(inst->type.ena_support != ENI_ENA_UNSUPPORTED &&
              inst->virtualization == ENI_VIRT_HVM && inst->ena_support))
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "an EFA needs enhanced networking (ENA) on the instance");
        if (*kind == ENI_ATTACH_HOT)
            return eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                             "an EFA cannot be attached to a running instance; stop it first");
        if (nic->type == ENI_NIC_EFA_ONLY && device_index == 0 && card == 0)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "an efa-only interface cannot be the primary interface");
        if (efa_on_card >= 1 || efa_total >= t->max_efa_interfaces)
            return eni__fail(ENI_ELIMIT, "AttachmentLimitExceeded",
                             "%s allows one EFA per network card and %u in all", t->name,
                             t->max_efa_interfaces);
    }
    return ENI_OK;
}

void eni__attach_event(eni_ctx *ctx, uint32_t type, const struct eni_attachment *att,
                       int32_t status, int32_t os_errno, const char *ec2_code)
{
    eni_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.subject = att->id;
    ev.related = att->nic;
    ev.cookie = att->instance;
    ev.status = status;
    ev.os_errno = os_errno;
    ev.state = type == ENI_EVENT_LINK_CHANGE ? att->link_up : att->status;
    if (ec2_code)
        snprintf(ev.ec2_code, sizeof ev.ec2_code, "%s", ec2_code);
    /* What happened, for an operator: completions at INFO, what went wrong
     * in the backend (a refusal, a lost answer, a vanished device) at WARN. */
    bool trouble = type == ENI_EVENT_ATTACH_FAILED || type == ENI_EVENT_DETACH_FAILED ||
                   type == ENI_EVENT_DEVICE_REMOVED;
    unsigned level = trouble ? ENI_LOG_WARN : ENI_LOG_INFO;
    if (eni__log_enabled(ctx, level)) {
        char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX], b3[ENI_ID_STRING_MAX];
        if (type == ENI_EVENT_LINK_CHANGE)
            eni__log(ctx, level, "attachment %s (%s): link %s", eni__idstr(ctx, att->id, b1),
                     eni__idstr(ctx, att->nic, b2), att->link_up ? "up" : "down");
        else
            eni__log(ctx, level, "%s: %s of %s to %s at device index %u (%s)%s%s%s%s",
                     eni_event_type_name(type), eni__idstr(ctx, att->id, b1),
                     eni__idstr(ctx, att->nic, b2), eni__idstr(ctx, att->instance, b3),
                     att->device_index, eni_attach_kind_name(att->kind),
                     status != ENI_OK ? ": " : "", status != ENI_OK ? eni_strerror(status) : "",
                     os_errno ? ", " : "", os_errno ? strerror(os_errno) : "");
    }
    if (eni__event_post(ctx, &ev) != ENI_OK)
        eni__log(ctx, ENI_LOG_ERROR, "event %u for an attachment lost: out of memory", type);
}

void eni__instance_event(eni_ctx *ctx, const struct eni_instance *inst)
{
    eni_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ENI_EVENT_INSTANCE_STATE;
    ev.subject = inst->id;
    ev.state = inst->state;
    char b1[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "instance %s is %s", eni__idstr(ctx, inst->id, b1),
              eni_instance_state_name(inst->state));
    if (eni__event_post(ctx, &ev) != ENI_OK)
        eni__log(ctx, ENI_LOG_ERROR, "instance state event lost: out of memory");
}

/* Forget an attachment and free its interface (no backend call). */
static void unlink_attachment(eni_ctx *ctx, struct eni_attachment *att)
{
    struct eni_nic *nic;
    struct eni_instance *inst;
    if (eni__registry_peek(ctx, ENI_KIND_NIC, att->nic, (void **)&nic) == ENI_OK) {
        nic->status = ENI_NIC_AVAILABLE;
        nic->instance = 0;
        nic->attachment = 0;
        if (nic->public_v4) { /* a public IPv4 never outlives the attachment */
            eni__public_give(ctx, nic->public_v4);
            nic->public_v4 = 0;
        }
        /* The launch-time public IPv4 belonged to that instance: reused as
         * another instance's primary, the interface gets none (section 1.4). */
        nic->auto_public = 0;
    }
    if (eni__registry_peek(ctx, ENI_KIND_INSTANCE, att->instance, (void **)&inst) == ENI_OK)
        inst->nic_count--;
    eni__registry_remove(ctx, att->id);
}

int eni__attach_start(eni_ctx *ctx, struct eni_nic *nic, struct eni_instance *inst,
                      uint32_t device_index, uint32_t card, uint32_t kind,
                      bool delete_on_termination, struct eni_attachment **out)
{
    struct eni_attachment *att = eni__calloc(ctx, 1, sizeof *att);
    if (!att)
        return eni__fail(ENI_ENOMEM, NULL, "out of memory creating an attachment");
    uint64_t id;
    int rc = eni__registry_insert(ctx, ENI_KIND_ATTACHMENT, att, &id);
    if (rc != ENI_OK) {
        eni__free(ctx, att);
        return rc;
    }
    att->id = id;
    att->nic = nic->id;
    att->instance = inst->id;
    att->status = ENI_ATTACHMENT_ATTACHING;
    att->kind = (uint8_t)kind;
    att->delete_on_termination = delete_on_termination;
    att->link_up = 1;
    att->device_index = (uint16_t)device_index;
    att->card = (uint16_t)card;
    att->deadline_ns = eni__now_ns() + ctx->op_timeout_ns;
    nic->status = ENI_NIC_ATTACHING;
    nic->instance = inst->id;
    nic->attachment = id;
    inst->nic_count++;

    eni_backend_attach_req req;
    memset(&req, 0, sizeof req);
    req.size = sizeof req;
    req.kind = kind;
    req.attachment.v = id;
    req.nic.v = nic->id;
    req.instance.v = inst->id;
    req.device_index = device_index;
    req.network_card_index = card;
    req.nic_type = nic->type;
    memcpy(req.mac, nic->mac, 6);
    eni_error_clear();
    rc = ctx->backend_ops->attach(ctx->backend, &req);
    if (rc != ENI_OK) {
        /* Keep the backend's own words when it recorded them for this code
         * (copied: the failure below reuses the thread's error buffer). */
        const eni_error *e = eni_error_last();
        int os = e->code == rc ? e->os_errno : 0;
        char why[200];
        snprintf(why, sizeof why, "%s",
                 e->code == rc && e->message && *e->message ? e->message
                 : os                                      ? strerror(os)
                                                           : eni_strerror(rc));
        unlink_attachment(ctx, att);
        eni__free(ctx, att);
        return eni__fail_os(rc, os, NULL, "the %s backend refused the attach: %s",
                            ctx->backend_ops->name, why);
    }
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX], b3[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "attaching %s to %s at device index %u, card %u (%s attach): %s",
              eni__idstr(ctx, nic->id, b1), eni__idstr(ctx, inst->id, b2), device_index, card,
              eni_attach_kind_name(kind), eni__idstr(ctx, id, b3));
    if (out)
        *out = att;
    return ENI_OK;
}

void eni__attach_abort(eni_ctx *ctx, struct eni_attachment *att)
{
    eni_backend_detach_req req;
    memset(&req, 0, sizeof req);
    req.size = sizeof req;
    req.flags = ENI_BACKEND_DETACH_ABORT;
    req.attachment.v = att->id;
    req.nic.v = att->nic;
    req.instance.v = att->instance;
    if (ctx->backend_ops->detach(ctx->backend, &req) != ENI_OK)
        eni__log(ctx, ENI_LOG_ERROR, "backend %s could not abort an attach",
                 ctx->backend_ops->name);
    unlink_attachment(ctx, att);
    eni__free(ctx, att);
}

int eni__detach_start(eni_ctx *ctx, struct eni_attachment *att, bool force, bool terminating)
{
    eni_backend_detach_req req;
    memset(&req, 0, sizeof req);
    req.size = sizeof req;
    req.flags = force ? ENI_BACKEND_DETACH_FORCE : 0;
    req.attachment.v = att->id;
    req.nic.v = att->nic;
    req.instance.v = att->instance;
    eni_error_clear();
    int rc = ctx->backend_ops->detach(ctx->backend, &req);
    if (rc != ENI_OK && !force) {
        const eni_error *e = eni_error_last();
        int os = e->code == rc ? e->os_errno : 0;
        return eni__fail_os(rc, os, NULL, "the %s backend refused the detach: %s",
                            ctx->backend_ops->name, os ? strerror(os) : eni_strerror(rc));
    }
    struct eni_nic *nic;
    (void)eni__registry_peek(ctx, ENI_KIND_NIC, att->nic, (void **)&nic);
    att->status = ENI_ATTACHMENT_DETACHING;
    att->force = force;
    att->terminating = terminating;
    att->deadline_ns = eni__now_ns() + ctx->op_timeout_ns;
    nic->status = ENI_NIC_DETACHING;
    char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
    ENI__INFO(ctx, "detaching %s (%s)%s%s", eni__idstr(ctx, att->id, b1),
              eni__idstr(ctx, att->nic, b2), force ? ", forced" : "",
              terminating ? ", instance terminating" : "");
    if (rc != ENI_OK) {
        /* Forced through a backend that refused: no completion will come. */
        eni__log(ctx, ENI_LOG_WARN, "forced detach went ahead although the backend failed");
        finish_detach(ctx, att, ENI_EVENT_DETACH_COMPLETED);
    }
    return ENI_OK;
}

int eni_nic_attach(eni_ctx *ctx, eni_nic_id nic_id, eni_instance_id inst_id, uint32_t device_index,
                   uint32_t network_card_index, eni_attachment_id *attachment)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_attach: ctx is NULL");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_instance *inst;
    struct eni_attachment *att = NULL;
    uint32_t kind;
    int rc = eni__get_nic(ctx, nic_id.v, &nic);
    if (rc == ENI_OK)
        rc = eni__get_instance(ctx, inst_id.v, &inst);
    if (rc == ENI_OK)
        rc = eni__attach_check(ctx, nic, inst, device_index, network_card_index, false, &kind);
    if (rc == ENI_OK) /* attached later: delete-on-termination is off (section 1.5) */
        rc = eni__attach_start(ctx, nic, inst, device_index, network_card_index, kind, false, &att);
    if (rc == ENI_OK) {
        rc = eni__model_changed(ctx);
        if (attachment && rc == ENI_OK)
            attachment->v = att->id;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_detach(eni_ctx *ctx, eni_attachment_id attachment, uint32_t flags)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_detach: ctx is NULL");
    if (flags & ~(uint32_t)ENI_DETACH_FORCE)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_detach: unknown flags 0x%x", flags);
    bool force = flags & ENI_DETACH_FORCE;
    eni__lock(ctx);
    struct eni_attachment *att;
    struct eni_instance *inst;
    struct eni_nic *nic;
    int rc;
    if (eni_id_kind(attachment.v) == ENI_KIND_NIC)
        rc = eni__fail(ENI_EINVAL, "InvalidNetworkInterfaceAttachmentId.Malformed",
                       "an interface id was given where an attachment id is expected");
    else
        rc = eni__get_attachment(ctx, attachment.v, &att);
    if (rc != ENI_OK)
        goto out;
    (void)eni__registry_peek(ctx, ENI_KIND_INSTANCE, att->instance, (void **)&inst);
    (void)eni__registry_peek(ctx, ENI_KIND_NIC, att->nic, (void **)&nic);
    if (att->device_index == 0 && att->card == 0) {
        rc = eni__fail(ENI_EPERM, "OperationNotPermitted",
                       "The network interface at device index 0 cannot be detached.");
    } else if (att->status != ENI_ATTACHMENT_ATTACHED) {
        rc = eni__fail(ENI_ESTATE, "IncorrectState", "the attachment is %s",
                       att->status == ENI_ATTACHMENT_ATTACHING ? "still attaching" : "detaching");
    } else if (!force && inst->state != ENI_INSTANCE_RUNNING &&
               inst->state != ENI_INSTANCE_STOPPED) {
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "interfaces detach while the instance is running or stopped (it is '%s')",
                       eni__instance_state_name(inst->state));
    } else if ((nic->type == ENI_NIC_EFA || nic->type == ENI_NIC_EFA_ONLY) &&
               inst->state != ENI_INSTANCE_STOPPED) {
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "an EFA can be detached only while the instance is stopped");
    } else {
        rc = eni__detach_start(ctx, att, force, false);
        if (rc == ENI_OK)
            rc = eni__model_changed(ctx);
    }
out:
    eni__unlock(ctx);
    return rc;
}

int eni_attachment_describe(eni_ctx *ctx, eni_attachment_id attachment, eni_attachment_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_attachment_describe: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_attachment *att;
    int rc = eni__get_attachment(ctx, attachment.v, &att);
    if (rc == ENI_OK) {
        eni_attachment_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.status = att->status;
        info.id.v = att->id;
        info.nic.v = att->nic;
        info.instance.v = att->instance;
        info.device_index = att->device_index;
        info.network_card_index = att->card;
        info.kind = att->kind;
        info.delete_on_termination = att->delete_on_termination;
        info.link_up = att->link_up;
        rc = eni__info_out(out, &info, sizeof info, "eni_attachment_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_attachment_set_delete_on_termination(eni_ctx *ctx, eni_attachment_id attachment,
                                             uint32_t enabled)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_attachment_set_delete_on_termination: ctx is NULL");
    if (enabled > 1)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "deleteOnTermination must be 0 or 1");
    eni__lock(ctx);
    struct eni_attachment *att;
    int rc = eni__get_attachment(ctx, attachment.v, &att);
    if (rc == ENI_OK) {
        att->delete_on_termination = (uint8_t)enabled;
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_ctx_set_op_timeout(eni_ctx *ctx, uint64_t timeout_ns)
{
    ENI__CALL(ctx);
    if (!ctx || timeout_ns == 0)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_set_op_timeout: %s",
                         ctx ? "timeout must be at least 1 ns" : "ctx is NULL");
    eni__lock(ctx);
    ctx->op_timeout_ns = timeout_ns;
    eni__unlock(ctx);
    return ENI_OK;
}

/* ---- completions ---------------------------------------------------------- */

/* The interface leaves the instance: deleted if the instance is terminating
 * and the attachment says so (its Elastic IPs are disassociated), else
 * available with all its addresses, groups and Elastic IPs (section 1.5). */
static void finish_detach(eni_ctx *ctx, struct eni_attachment *att, uint32_t event_type)
{
    struct eni_attachment copy = *att;
    copy.status = ENI_ATTACHMENT_DETACHED;
    bool delete_nic = att->terminating && att->delete_on_termination;
    unlink_attachment(ctx, att);
    eni__free(ctx, att);
    struct eni_nic *nic;
    if (delete_nic && eni__registry_peek(ctx, ENI_KIND_NIC, copy.nic, (void **)&nic) == ENI_OK)
        eni__nic_destroy(ctx, nic);
    eni__attach_event(ctx, event_type, &copy, ENI_OK, 0, NULL);
}

static void fail_attach(eni_ctx *ctx, struct eni_attachment *att, int32_t status, int32_t os_errno,
                        bool abort_backend)
{
    struct eni_attachment copy = *att;
    copy.status = ENI_ATTACHMENT_DETACHED;
    if (abort_backend) {
        eni__attach_abort(ctx, att);
    } else {
        unlink_attachment(ctx, att);
        eni__free(ctx, att);
    }
    eni__attach_event(ctx, ENI_EVENT_ATTACH_FAILED, &copy, status, os_errno,
                      eni_err_ec2_code(status));
}

static void apply(eni_ctx *ctx, const eni_backend_event *bev)
{
    struct eni_attachment *att;
    if (eni__registry_peek(ctx, ENI_KIND_ATTACHMENT, bev->attachment.v, (void **)&att) != ENI_OK) {
        eni__log(ctx, ENI_LOG_DEBUG, "backend event %u for a finished attachment ignored",
                 bev->type);
        return;
    }
    struct eni_nic *nic;
    (void)eni__registry_peek(ctx, ENI_KIND_NIC, att->nic, (void **)&nic);
    switch (bev->type) {
    case ENI_BEV_ATTACH_DONE:
        if (att->status != ENI_ATTACHMENT_ATTACHING)
            return;
        if (bev->status == ENI_OK) {
            att->status = ENI_ATTACHMENT_ATTACHED;
            att->deadline_ns = 0;
            nic->status = ENI_NIC_IN_USE;
            eni__attach_event(ctx, ENI_EVENT_ATTACH_COMPLETED, att, ENI_OK, 0, NULL);
        } else {
            /* The backend failed it and holds nothing: no abort needed. */
            fail_attach(ctx, att, bev->status < 0 ? bev->status : ENI_EBACKEND, bev->os_errno, false);
        }
        break;
    case ENI_BEV_DETACH_DONE:
        if (att->status != ENI_ATTACHMENT_DETACHING)
            return;
        if (bev->status == ENI_OK || att->force || att->terminating) {
            finish_detach(ctx, att, ENI_EVENT_DETACH_COMPLETED);
        } else {
            att->status = ENI_ATTACHMENT_ATTACHED;
            att->deadline_ns = 0;
            nic->status = ENI_NIC_IN_USE;
            int32_t st = bev->status < 0 ? bev->status : ENI_EBACKEND;
            eni__attach_event(ctx, ENI_EVENT_DETACH_FAILED, att, st, bev->os_errno,
                              eni_err_ec2_code(st));
        }
        break;
    case ENI_BEV_DEVICE_REMOVED:
        if (att->status == ENI_ATTACHMENT_ATTACHING)
            fail_attach(ctx, att, ENI_EBACKEND, ENODEV, true);
        else
            finish_detach(ctx, att, ENI_EVENT_DEVICE_REMOVED);
        break;
    case ENI_BEV_LINK:
        att->link_up = bev->link_up ? 1 : 0;
        eni__attach_event(ctx, ENI_EVENT_LINK_CHANGE, att, ENI_OK, 0, NULL);
        break;
    default:
        break;
    }
    if (eni__model_changed(ctx) != ENI_OK)
        return; /* the state file refused it: undone at unlock, as if the event were lost */
}

int eni__attach_reconcile(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back)
{
    *completed = *rolled_back = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, att)
    {
        if (att->status != ENI_ATTACHMENT_ATTACHING && att->status != ENI_ATTACHMENT_DETACHING)
            continue;
        eni__touch(ctx, att->id); /* reached by walking, not by lookup (journal.h) */
        /* The backend's word on the device; none (no get_device) counts as
         * no device: nothing was ever confirmed. */
        eni_backend_device dev;
        memset(&dev, 0, sizeof dev);
        dev.size = sizeof dev;
        bool present = ctx->backend_ops->get_device &&
                       ctx->backend_ops->get_device(ctx->backend, (eni_attachment_id){att->id},
                                                    &dev) == ENI_OK;
        eni_backend_event bev;
        memset(&bev, 0, sizeof bev);
        bev.size = sizeof bev;
        bev.attachment.v = att->id;
        bool attaching = att->status == ENI_ATTACHMENT_ATTACHING;
        bev.type = attaching ? ENI_BEV_ATTACH_DONE : ENI_BEV_DETACH_DONE;
        /* Attaching: done if the device is there. Detaching: done if it is
         * gone, or forced (apply finishes a forced or terminating detach
         * whatever the backend says); else back to attached. */
        bool done = attaching ? present : (!present || att->force || att->terminating);
        bev.status = attaching == present ? ENI_OK : ENI_EBACKEND;
        apply(ctx, &bev);
        if (done)
            (*completed)++;
        else
            (*rolled_back)++;
        if (ctx->commit_error)
            return ctx->commit_error;
    }
    return ENI_OK;
}

/* Operations the backend never answered: roll them back as lost. */
static void expire(eni_ctx *ctx, uint64_t now)
{
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, att)
    {
        if (!att->deadline_ns || now < att->deadline_ns)
            continue;
        eni__touch(ctx, att->id); /* reached by walking, not by lookup (journal.h) */
        if (att->status == ENI_ATTACHMENT_ATTACHING) {
            fail_attach(ctx, att, ENI_ETIMEDOUT, 0, true);
        } else if (att->status == ENI_ATTACHMENT_DETACHING) {
            /* A lost detach completion: ask the backend whether the device
             * is still there, and believe it. Without get_device, assume it
             * is (the interface stays attached and the caller may retry). */
            eni_backend_device dev;
            memset(&dev, 0, sizeof dev);
            dev.size = sizeof dev;
            bool gone = ctx->backend_ops->get_device &&
                        ctx->backend_ops->get_device(ctx->backend, (eni_attachment_id){att->id},
                                                     &dev) == ENI_ENOTFOUND;
            if (att->force || att->terminating || gone) {
                finish_detach(ctx, att, ENI_EVENT_DETACH_COMPLETED);
            } else {
                struct eni_nic *nic;
                (void)eni__registry_peek(ctx, ENI_KIND_NIC, att->nic, (void **)&nic);
                att->status = ENI_ATTACHMENT_ATTACHED;
                att->deadline_ns = 0;
                nic->status = ENI_NIC_IN_USE;
                eni__attach_event(ctx, ENI_EVENT_DETACH_FAILED, att, ENI_ETIMEDOUT, 0,
                                  eni_err_ec2_code(ENI_ETIMEDOUT));
            }
        }
        if (eni__model_changed(ctx) != ENI_OK)
            return; /* undone at unlock; the deadline passes again at the next poll */
    }
}

bool eni__attach_next_deadline(eni_ctx *ctx, uint64_t *deadline_ns, bool *attached)
{
    bool pending = false;
    *deadline_ns = UINT64_MAX;
    *attached = eni__registry_live(ctx, ENI_KIND_ATTACHMENT) > 0;
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, att)
    {
        if (!att->deadline_ns)
            continue;
        pending = true;
        if (att->deadline_ns < *deadline_ns)
            *deadline_ns = att->deadline_ns;
    }
    return pending;
}

void eni__attach_process(eni_ctx *ctx)
{
    eni__lock(ctx);
    eni__attach_process_locked(ctx);
    eni__unlock(ctx);
}

void eni__attach_process_locked(eni_ctx *ctx)
{
    uint64_t now = eni__now_ns();
    if (ctx->backend_ops->poll(ctx->backend, now) != ENI_OK)
        eni__log(ctx, ENI_LOG_WARN, "backend %s: poll failed: %s", ctx->backend_ops->name,
                 eni_error_last()->message);
    eni_backend_event bev;
    while (eni__queue_take(&ctx->backend_events, &bev))
        apply(ctx, &bev);
    expire(ctx, now);
}

int eni_attachment_get_device(eni_ctx *ctx, eni_attachment_id attachment, eni_backend_device *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_attachment_get_device: %s is NULL",
                         ctx ? "out" : "ctx");
    uint32_t size;
    memcpy(&size, out, sizeof size);
    if (size < sizeof(eni_backend_device) || size > ENI_STRUCT_SIZE_MAX)
        return eni__fail(ENI_EINVAL, NULL,
                         "eni_attachment_get_device: out->size %u is not accepted (use "
                         "ENI_BACKEND_DEVICE_INIT)", size);
    eni__lock(ctx);
    struct eni_attachment *att;
    int rc = eni__get_attachment(ctx, attachment.v, &att);
    if (rc == ENI_OK && att->status != ENI_ATTACHMENT_ATTACHED)
        rc = eni__fail(ENI_ESTATE, "IncorrectState", "the attachment is not attached");
    if (rc == ENI_OK && !ctx->backend_ops->get_device)
        rc = eni__fail(ENI_ENOTSUP, NULL, "the %s backend does not report devices",
                       ctx->backend_ops->name);
    if (rc == ENI_OK) {
        eni_backend_device dev;
        memset(&dev, 0, sizeof dev);
        dev.size = sizeof dev;
        rc = ctx->backend_ops->get_device(ctx->backend, attachment, &dev);
        if (rc == ENI_OK)
            rc = eni__info_out(out, &dev, sizeof dev, "eni_attachment_get_device");
    }
    eni__unlock(ctx);
    return rc;
}
