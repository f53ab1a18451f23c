/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instances from describe-instances, their interfaces attached at the
 * device and card indexes the JSON gives, then brought to their state along
 * EC2's legal transitions. The evaluator only judges attached interfaces, so
 * an interface attached to an instance the input does not describe gets a
 * stand-in instance (of STAND_IN_TYPE, which has room for any interface),
 * reported as such. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "fail.h"
#include "mem.h"

#define STAND_IN_TYPE "p5.48xlarge"

typedef struct attach_in {
    aws_item *nic;
    jloc at;
    uint32_t device, card;
    bool delete_on_termination;
    eni_attachment_id id;
} attach_in;

typedef struct launch_in {
    const char *id;
    const jloc *at;
    aws_item *item; /* NULL for a stand-in */
    eni_instance_spec spec;
    uint32_t state;
    attach_in *att;
    size_t natt, cap;
    eni_instance_id built;
} launch_in;

static bool attached_to(aws_item *nic, const char *instance)
{
    json_t *att = json_object_get(nic->obj, "Attachment");
    const char *id = json_string_value(json_object_get(att, "InstanceId"));
    const char *status = json_string_value(json_object_get(att, "Status"));
    if (status && !strcmp(status, "detached"))
        return false;
    return (nic->instance && !strcmp(nic->instance->id, instance)) || (id && !strcmp(id, instance));
}

static void collect(model *m, launch_in *l)
{
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++) {
        aws_item *nic = &m->in.items[AWS_NIC][i];
        if (!attached_to(nic, l->id))
            continue;
        XGROW(l->att, l->cap, l->natt);
        attach_in *a = &l->att[l->natt++];
        json_t *att = jfield(&nic->loc, nic->obj, "Attachment", JSON_OBJECT, true);
        long long device, card = 0;
        jloc_key(&a->at, &nic->loc, "Attachment");
        if (!jint(&a->at, att, "DeviceIndex", 0, 255, &device))
            jfail(&a->at, "DeviceIndex", "missing (required)");
        jint(&a->at, att, "NetworkCardIndex", 0, 255, &card);
        a->nic = nic;
        a->device = (uint32_t)device;
        a->card = (uint32_t)card;
        a->delete_on_termination = jbool(&a->at, att, "DeleteOnTermination", false);
    }
}

static uint32_t state_of(const jloc *at, json_t *inst, bool *gone)
{
    static const struct { const char *name; uint32_t state; } states[] = {
        {"pending", ENI_INSTANCE_PENDING}, {"running", ENI_INSTANCE_RUNNING},
        {"stopping", ENI_INSTANCE_STOPPING}, {"stopped", ENI_INSTANCE_STOPPED},
        {"shutting-down", ENI_INSTANCE_SHUTTING_DOWN}, {"terminated", ENI_INSTANCE_TERMINATED}};
    jloc sl;
    json_t *st = jfield(at, inst, "State", JSON_OBJECT, true);
    jloc_key(&sl, at, "State");
    const char *name = jname(&sl, st, "Name", true);
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        if (!strcmp(name, states[i].name)) {
            *gone = states[i].state == ENI_INSTANCE_SHUTTING_DOWN ||
                    states[i].state == ENI_INSTANCE_TERMINATED;
            return states[i].state;
        }
    }
    jfail(&sl, "Name", "not an instance state: '%s'", name);
}

/* Create the instance (pending) and start its attaches (cold). */
static void launch(model *m, launch_in *l, const char *subnet_id)
{
    char why[512];
    aws_item *subnet = build_ref(m, AWS_SUBNET, subnet_id, why, sizeof why);
    if (!subnet) {
        if (l->item)
            build_skip(m, l->item, "instance", "%s", why);
        else
            report_skip(&m->rep, "instance", l->id, l->at, "a stand-in: %s", why);
        return;
    }
    l->spec.subnet.v = subnet->built;
    l->spec.id = l->id;
    if (eni_instance_create(m->ctx, &l->spec, &l->built) != ENI_OK) {
        model_refused(m, l->item, "instance", l->id, l->at, "the instance");
        return;
    }
    if (l->item)
        l->item->built = l->built.v;
    for (size_t i = 0; i < l->natt; i++) {
        attach_in *a = &l->att[i];
        if (!a->nic->built) {
            report_skip(&m->rep, "network-interface-attachment", a->nic->id, &a->at,
                        "not attached to %s: the interface was skipped", l->id);
            continue;
        }
        if (eni_nic_attach(m->ctx, (eni_nic_id){a->nic->built}, l->built, a->device, a->card,
                           &a->id) != ENI_OK)
            model_refused(m, NULL, "network-interface-attachment", a->nic->id, &a->at,
                          "the attachment");
    }
}

static void real_instance(model *m, aws_item *it, launch_in *l)
{
    const char *type = jname(&it->loc, it->obj, "InstanceType", true);
    const char *virt = jstring(&it->loc, it->obj, "VirtualizationType", false);
    const char *platform = jstring(&it->loc, it->obj, "Platform", false);
    bool gone = false;
    l->state = state_of(&it->loc, it->obj, &gone);
    bool ena = jbool(&it->loc, it->obj, "EnaSupport", true);
    const char *subnet = jname(&it->loc, it->obj, "SubnetId", false);
    collect(m, l); /* read before any skip: bad JSON is an error */
    eni_instance_type_info ti = {.size = sizeof ti};
    if (gone) {
        build_skip(m, it, "instance", "%s: its interfaces are gone or going",
                   eni_instance_state_name(l->state));
        return;
    }
    if (eni_instance_type_lookup(type, &ti) != ENI_OK) {
        build_skip(m, it, "instance", "instance type %s is not one libeni knows "
                   "(data/instance-types.csv)", type);
        return;
    }
    l->spec.instance_type = type;
    l->spec.virtualization = virt && !strcmp(virt, "paravirtual") ? ENI_VIRT_PARAVIRTUAL
                                                                   : ENI_VIRT_HVM;
    l->spec.platform = platform && !strcmp(platform, "windows") ? ENI_PLATFORM_WINDOWS
                                                                : ENI_PLATFORM_LINUX;
    if (!ena)
        l->spec.flags |= ENI_INSTANCE_NO_ENA_SUPPORT;
    if (!subnet && l->natt)
        subnet = jname(&l->att[0].nic->loc, l->att[0].nic->obj, "SubnetId", true);
    if (!subnet) {
        build_skip(m, it, "instance", "no SubnetId and no interface: not in a VPC");
        return;
    }
    launch(m, l, subnet);
}

/* Interfaces attached to instances the input does not describe. */
static size_t stand_ins(model *m, launch_in **ls, size_t n, size_t *cap)
{
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++) {
        aws_item *nic = &m->in.items[AWS_NIC][i];
        json_t *att = json_object_get(nic->obj, "Attachment");
        const char *id = json_string_value(json_object_get(att, "InstanceId"));
        bool known = !id || aws_find(&m->in, AWS_INSTANCE, id);
        for (size_t k = 0; !known && k < n; k++)
            known = !strcmp((*ls)[k].id, id);
        if (known || !nic->built)
            continue;
        XGROW(*ls, *cap, n);
        launch_in *l = &(*ls)[n++];
        memset(l, 0, sizeof *l);
        l->id = id;
        l->at = &nic->loc;
        l->spec = (eni_instance_spec)ENI_INSTANCE_SPEC_INIT;
        l->spec.instance_type = STAND_IN_TYPE;
        l->state = ENI_INSTANCE_RUNNING;
        collect(m, l);
        launch(m, l, jname(&nic->loc, nic->obj, "SubnetId", true));
    }
    return n;
}

/* pending -> running [-> stopping [-> stopped]], completing the attaches first. */
static void bring_to_state(model *m, launch_in *l)
{
    static const uint32_t path[] = {ENI_INSTANCE_RUNNING, ENI_INSTANCE_STOPPING,
                                    ENI_INSTANCE_STOPPED};
    for (size_t i = 0; l->state != ENI_INSTANCE_PENDING && i < 3; i++) {
        if (eni_instance_set_state(m->ctx, l->built, path[i]) != ENI_OK)
            fail_libeni("eni_instance_set_state");
        if (eni_ctx_poll(m->ctx, 0, NULL, NULL, NULL) != ENI_OK)
            fail_libeni("eni_ctx_poll");
        if (path[i] == l->state)
            break;
    }
}

static void finish(model *m, launch_in *l)
{
    char text[1024], id[ENI_ID_STRING_MAX];
    size_t len = 0;
    text[0] = 0;
    for (size_t i = 0; i < l->natt; i++) {
        attach_in *a = &l->att[i];
        eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
        if (!a->id.v || eni_attachment_describe(m->ctx, a->id, &ai) != ENI_OK ||
            ai.status != ENI_ATTACHMENT_ATTACHED)
            continue;
        if (a->delete_on_termination &&
            eni_attachment_set_delete_on_termination(m->ctx, a->id, 1) != ENI_OK)
            fail_libeni("eni_attachment_set_delete_on_termination");
        len += (size_t)snprintf(text + len, len < sizeof text ? sizeof text - len : 0,
                                "%s%s at %u", len ? ", " : ": ", model_id(m, ai.nic.v, id),
                                a->device);
        if (a->card && len < sizeof text)
            len += (size_t)snprintf(text + len, sizeof text - len, " (card %u)", a->card);
    }
    bring_to_state(m, l);
    report_built(&m->rep, "instance", l->id, l->at, "%s %s%s%.900s", l->spec.instance_type,
                 eni_instance_state_name(l->state), l->item ? "" : " (a stand-in: not in the input)",
                 text);
}

/* Interfaces the JSON says are attached that are not attached in the model. */
static void report_unattached(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++) {
        aws_item *nic = &m->in.items[AWS_NIC][i];
        json_t *att = json_object_get(nic->obj, "Attachment");
        const char *id = nic->instance ? nic->instance->id
                                       : json_string_value(json_object_get(att, "InstanceId"));
        aws_item *inst = id ? aws_find(&m->in, AWS_INSTANCE, id) : NULL;
        if (!nic->built || !inst || !inst->skipped)
            continue;
        jloc at;
        jloc_key(&at, &nic->loc, "Attachment");
        report_skip(&m->rep, "network-interface-attachment", nic->id, &at,
                    "not attached: instance %s was skipped (%s)", id, inst->skipped);
    }
}

void build_instances(model *m)
{
    size_t n = 0, cap = 0;
    launch_in *ls = NULL;
    for (size_t i = 0; i < m->in.n[AWS_INSTANCE]; i++) {
        aws_item *it = &m->in.items[AWS_INSTANCE][i];
        XGROW(ls, cap, n);
        launch_in *l = &ls[n++];
        memset(l, 0, sizeof *l);
        l->id = it->id;
        l->at = &it->loc;
        l->item = it;
        l->spec = (eni_instance_spec)ENI_INSTANCE_SPEC_INIT;
        real_instance(m, it, l);
    }
    n = stand_ins(m, &ls, n, &cap);
    if (eni_ctx_poll(m->ctx, 0, NULL, NULL, NULL) != ENI_OK) /* the attaches complete */
        fail_libeni("eni_ctx_poll");
    for (size_t i = 0; i < n; i++) {
        if (ls[i].built.v)
            finish(m, &ls[i]);
        free(ls[i].att);
    }
    free(ls);
    report_unattached(m);
}
