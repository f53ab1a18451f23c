/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The steps of model_load(), in the order it runs them; each builds one kind
 * of object from the indexed input (aws.h) and reports it (report.h). */
#ifndef ENICTL_BUILD_H
#define ENICTL_BUILD_H

#include "model.h"

void build_quotas(model *m);        /* build_quotas.c: room for what the input holds */
void build_vpcs(model *m);          /* build_net.c */
void build_subnets(model *m);       /* build_net.c */
void build_acls(model *m);          /* build_acls.c, with their entries and associations */
void build_prefix_lists(model *m);  /* build_prefix_lists.c, with their entries */
void build_groups(model *m);        /* build_groups.c */
void build_rules(model *m);         /* build_rules.c */
void build_nics(model *m);          /* build_nics.c */
void build_instances(model *m);     /* build_instances.c, with attachments and states */
void build_eips(model *m);          /* build_eips.c */

/* Shared by the steps (build_util.c). */
/* The state of a CIDR block association ("…State": {"State": "associated"});
 * "associated" when absent. */
const char *build_block_state(const jloc *at, json_t *obj, const char *state_key);
/* The prefix length of a CIDR, -1 when it has none. */
int build_prefix_len(const char *cidr);
/* Whether CIDR @inner lies inside CIDR @outer (same family). */
bool build_cidr_within(const char *inner, const char *outer);
/* The built item of @kind named @id, or NULL with @why saying why not
 * ("VPC vpc-… is not in the input (describe-vpcs)", "… was skipped"). */
aws_item *build_ref(model *m, aws_kind kind, const char *id, char *why, size_t whylen);
/* Report @it (of @kind, at its own location) skipped and remember why. */
void build_skip(model *m, aws_item *it, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
