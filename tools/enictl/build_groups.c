/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Security groups from describe-security-groups, without their rules (which
 * may reference groups read later): build_rules.c adds those and reports the
 * groups. A VPC's default group was made with its VPC under its EC2 id
 * (build_net.c). */
#include <string.h>

#include "build.h"

static void build_group(model *m, aws_item *it)
{
    char why[512];
    const char *name = jname(&it->loc, it->obj, "GroupName", true);
    const char *description = jstring(&it->loc, it->obj, "Description", true);
    const char *vpc_id = jname(&it->loc, it->obj, "VpcId", false);
    if (!vpc_id) {
        build_skip(m, it, "security-group", "no VpcId: an EC2-Classic group");
        return;
    }
    aws_item *vpc = build_ref(m, AWS_VPC, vpc_id, why, sizeof why);
    if (!vpc) {
        build_skip(m, it, "security-group", "%s", why);
        return;
    }
    if (!strcmp(name, "default")) {
        if (!it->built) /* another default group of the same VPC: the first one won */
            jfail(&it->loc, "GroupName", "a second default group of %s", vpc_id);
        return;
    }
    eni_sg_spec spec = ENI_SG_SPEC_INIT;
    spec.vpc.v = vpc->built;
    spec.name = name;
    spec.description = description;
    spec.id = it->id;
    eni_sg_id sg;
    if (eni_sg_create(m->ctx, &spec, &sg) != ENI_OK) {
        model_refused(m, it, "security-group", it->id, &it->loc, "the group");
        return;
    }
    it->built = sg.v;
}

void build_groups(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_GROUP]; i++)
        build_group(m, &m->in.items[AWS_GROUP][i]);
}
