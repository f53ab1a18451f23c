/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The model every command starts from: a libeni ctx built from the AWS
 * CLI's JSON (--model FILE...), with the report of what was built and
 * skipped. model_load() reads every file first (aws.h), then builds in
 * dependency order (build.h): VPCs (with their CIDR blocks), subnets,
 * network ACLs, prefix lists, groups, rules, interfaces (with their
 * prefixes), instances and their attachments, Elastic IPs. */
#ifndef ENICTL_MODEL_H
#define ENICTL_MODEL_H

#include <eni.h>

#include "aws.h"
#include "report.h"

typedef struct model {
    eni_ctx *ctx;
    aws_input in;
    report rep;
    const char *const *files;
    size_t nfiles;
} model;

/* Read and build; bad input ends enictl with status 2 (fail.h). */
void model_load(model *m, const char *const *files, size_t nfiles);
void model_free(model *m);

/* The EC2 string of any libeni id. */
const char *model_id(const model *m, uint64_t id, char buf[ENI_ID_STRING_MAX]);

/* libeni refused to build @what (an object of the input at @at). A refusal
 * that says the input is wrong (a malformed or clashing value: ENI_EINVAL,
 * ENI_EINUSE, ENI_EEXIST, ENI_ENOTFOUND) ends enictl there, status 2; one
 * that says libeni does not go as far as EC2 went (ENI_ELIMIT, ENI_ESTATE,
 * ENI_ENOTSUP, ENI_EPERM) skips it, reported with libeni's message and
 * EC2 code; anything else is status 3. Returns only after a skip. */
void model_refused(model *m, aws_item *it, const char *kind, const char *id, const jloc *at,
                   const char *what);

#endif
