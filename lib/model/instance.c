/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instances and EC2's instance-state machine (sections 1.3, 2.1, 6). */
#include <stdio.h>
#include <string.h>

#include "eni/names.h"
#include "model.h"

#define INSTANCE_SPEC_MIN offsetof(eni_instance_spec, reserved0) /* the first layout */
#define INSTANCE_FILTER_MIN sizeof(eni_instance_filter)

bool eni__instance_state_valid(uint32_t s)
{
    return s == ENI_INSTANCE_PENDING || s == ENI_INSTANCE_RUNNING ||
           s == ENI_INSTANCE_SHUTTING_DOWN || s == ENI_INSTANCE_TERMINATED ||
           s == ENI_INSTANCE_STOPPING || s == ENI_INSTANCE_STOPPED;
}

const char *eni__instance_state_name(uint32_t s)
{
    return eni_instance_state_name(s);
}

/* EC2's legal transitions (instance.h has the table). */
bool eni__instance_transition_ok(uint32_t from, uint32_t to)
{
    switch (from) {
    case ENI_INSTANCE_PENDING:
        return to == ENI_INSTANCE_RUNNING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_RUNNING:
        return to == ENI_INSTANCE_STOPPING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_STOPPING:
        return to == ENI_INSTANCE_STOPPED || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_STOPPED:
        return to == ENI_INSTANCE_PENDING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_SHUTTING_DOWN:
        return to == ENI_INSTANCE_TERMINATED;
    default:
        return false;
    }
}

static bool ena_active(const struct eni_instance *i)
{
    return i->type.ena_support != ENI_ENA_UNSUPPORTED && i->virtualization == ENI_VIRT_HVM &&
           i->ena_support;
}

/* Checks that need no ctx; fills the type. */
int eni__instance_spec_check(const eni_instance_spec *spec, eni_instance_spec *sp,
                             eni_instance_type_info *type)
{
    int rc = eni__spec_in(sp, sizeof *sp, spec, INSTANCE_SPEC_MIN, "eni_instance_create");
    if (rc != ENI_OK)
        return rc;
    if (sp->flags & ~(uint32_t)ENI_INSTANCE_NO_ENA_SUPPORT)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_create: unknown flags 0x%x", sp->flags);
    if (sp->reserved0)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_create: reserved0 must be 0");
    if (sp->virtualization != ENI_VIRT_HVM && sp->virtualization != ENI_VIRT_PARAVIRTUAL)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_instance_create: unknown virtualization type %u", sp->virtualization);
    if (sp->platform != ENI_PLATFORM_LINUX && sp->platform != ENI_PLATFORM_WINDOWS)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "eni_instance_create: unknown platform %u", sp->platform);
    if (!sp->instance_type)
        return eni__fail(ENI_EINVAL, "MissingParameter", "eni_instance_create: instance_type is required");
    memset(type, 0, sizeof *type);
    type->size = sizeof *type;
    rc = eni_instance_type_lookup(sp->instance_type, type);
    if (rc != ENI_OK)
        return rc;
    bool pv = sp->virtualization == ENI_VIRT_PARAVIRTUAL;
    if (pv ? !(type->flags & ENI_ITYPE_PARAVIRTUAL) : !(type->flags & ENI_ITYPE_HVM))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "virtualization type '%s' is not supported for instance type '%s'",
                         pv ? "paravirtual" : "hvm", type->name);
    bool ena_attr = !(sp->flags & ENI_INSTANCE_NO_ENA_SUPPORT);
    if (type->ena_support == ENI_ENA_REQUIRED && (pv || !ena_attr))
        return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                         "enhanced networking with the Elastic Network Adapter (ENA) is required "
                         "for the '%s' instance type (HVM AMI with enaSupport)",
                         type->name);
    return ENI_OK;
}

int eni__instance_create_locked(eni_ctx *ctx, const eni_instance_spec *sp,
                                const eni_instance_type_info *type, struct eni_instance **out)
{
    struct eni_subnet *s;
    struct eni_instance *inst = NULL;
    int rc = eni__get_subnet(ctx, sp->subnet.v, &s);
    if (rc == ENI_OK)
        rc = eni__given_id_check(ctx, ENI_KIND_INSTANCE, sp->id);
    if (rc == ENI_OK && !(inst = eni__calloc(ctx, 1, sizeof *inst)))
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_instance_create: out of memory");
    uint64_t id;
    if (rc == ENI_OK &&
        (rc = eni__registry_insert_as(ctx, ENI_KIND_INSTANCE, inst, sp->id, &id)) == ENI_OK) {
        inst->id = id;
        inst->subnet = s->id;
        inst->vpc = s->vpc;
        inst->type = *type;
        inst->state = ENI_INSTANCE_PENDING;
        inst->virtualization = (uint8_t)sp->virtualization;
        inst->platform = (uint8_t)sp->platform;
        inst->ena_support = !(sp->flags & ENI_INSTANCE_NO_ENA_SUPPORT);
        s->instance_count++;
        *out = inst;
        inst = NULL;
    }
    eni__free(ctx, inst);
    return rc;
}

void eni__instance_destroy(eni_ctx *ctx, struct eni_instance *inst)
{
    struct eni_subnet *s;
    if (eni__registry_peek(ctx, ENI_KIND_SUBNET, inst->subnet, (void **)&s) == ENI_OK)
        s->instance_count--;
    eni__registry_remove(ctx, inst->id);
    eni__free(ctx, inst);
}

int eni_instance_create(eni_ctx *ctx, const eni_instance_spec *spec, eni_instance_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_instance_spec sp;
    eni_instance_type_info type;
    int rc = eni__instance_spec_check(spec, &sp, &type);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_instance *inst;
    rc = eni__instance_create_locked(ctx, &sp, &type, &inst);
    if (rc == ENI_OK) {
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "created instance %s (%s), %s", eni__idstr(ctx, inst->id, b1),
                  inst->type.name, eni__instance_state_name(inst->state));
        if (rc == ENI_OK)
            out->v = inst->id;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_instance_set_ena_support(eni_ctx *ctx, eni_instance_id id, uint32_t enabled)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_set_ena_support: ctx is NULL");
    if (enabled > 1)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "enaSupport must be 0 or 1");
    eni__lock(ctx);
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK && inst->state != ENI_INSTANCE_STOPPED)
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "the instance must be stopped to change enaSupport (it is '%s')",
                       eni__instance_state_name(inst->state));
    if (rc == ENI_OK && !enabled && inst->type.ena_support == ENI_ENA_REQUIRED)
        rc = eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                       "the instance type '%s' requires ENA", inst->type.name);
    if (rc == ENI_OK) {
        inst->ena_support = (uint8_t)enabled;
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "instance %s: ENA support %s", eni__idstr(ctx, inst->id, b1),
                  enabled ? "on" : "off");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_instance_delete(eni_ctx *ctx, eni_instance_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK && inst->state != ENI_INSTANCE_TERMINATED)
        rc = eni__fail(ENI_ESTATE, "IncorrectInstanceState",
                       "only a terminated instance can be forgotten (it is '%s')",
                       eni__instance_state_name(inst->state));
    if (rc == ENI_OK && inst->nic_count)
        rc = eni__fail(ENI_EINTERNAL, NULL, "a terminated instance still has interfaces");
    if (rc == ENI_OK) {
        char b1[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "forgot terminated instance %s", eni__idstr(ctx, inst->id, b1));
        eni__instance_destroy(ctx, inst);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_instance_describe(eni_ctx *ctx, eni_instance_id id, eni_instance_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_describe: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK) {
        eni_instance_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.state = inst->state;
        info.id.v = inst->id;
        info.subnet.v = inst->subnet;
        info.vpc.v = inst->vpc;
        snprintf(info.instance_type, sizeof info.instance_type, "%s", inst->type.name);
        info.virtualization = inst->virtualization;
        info.platform = inst->platform;
        info.ena_support = inst->ena_support;
        info.ena_active = ena_active(inst);
        info.efa_capable = (inst->type.flags & ENI_ITYPE_EFA) && inst->platform == ENI_PLATFORM_LINUX;
        info.nic_count = inst->nic_count;
        rc = eni__info_out(out, &info, sizeof info, "eni_instance_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_instance_list(eni_ctx *ctx, const eni_instance_filter *filter, eni_instance_id *out,
                      uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_instance_list");
    if (rc != ENI_OK)
        return rc;
    eni_instance_filter f;
    memset(&f, 0, sizeof f);
    if (filter &&
        (rc = eni__spec_in(&f, sizeof f, filter, INSTANCE_FILTER_MIN, "eni_instance_list")) != ENI_OK)
        return rc;
    if (f.reserved0 || (f.state_mask & ~0x3full))
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_list: unknown filter bits");
    eni__lock(ctx);
    void *obj;
    if ((f.vpc.v && (rc = eni__registry_get(ctx, ENI_KIND_VPC, f.vpc.v, &obj)) != ENI_OK) ||
        (f.subnet.v && (rc = eni__registry_get(ctx, ENI_KIND_SUBNET, f.subnet.v, &obj)) != ENI_OK)) {
        eni__unlock(ctx);
        return rc;
    }
    uint32_t n = 0;
    ENI__FOR_EACH(ctx, ENI_KIND_INSTANCE, struct eni_instance, i)
    {
        if ((f.vpc.v && i->vpc != f.vpc.v) || (f.subnet.v && i->subnet != f.subnet.v) ||
            (f.state_mask && !(f.state_mask & (1ull << (i->state / 16)))))
            continue;
        if (n < cap)
            out[n].v = i->id;
        n++;
    }
    eni__unlock(ctx);
    *count = n;
    return ENI_OK;
}
