/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Loading the model (model.h): the ctx, the order of the build steps, and
 * how a libeni refusal becomes an error or a skip. */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "build.h"
#include "fail.h"

void model_load(model *m, const char *const *files, size_t nfiles)
{
    memset(m, 0, sizeof *m);
    m->files = files;
    m->nfiles = nfiles;
    for (size_t i = 0; i < nfiles; i++)
        aws_read(&m->in, &m->rep, files[i]);
    if (eni_ctx_new(NULL, &m->ctx) != ENI_OK)
        fail_libeni("eni_ctx_new");
    build_quotas(m);
    build_vpcs(m);
    build_subnets(m);
    build_acls(m);
    build_prefix_lists(m);
    build_groups(m);
    build_rules(m);
    build_nics(m);
    build_instances(m);
    build_eips(m);
    if (eni_ctx_check(m->ctx) != ENI_OK)
        fail_libeni("eni_ctx_check");
}

void model_free(model *m)
{
    eni_ctx_free(m->ctx);
    aws_free(&m->in);
    report_free(&m->rep);
}

const char *model_id(const model *m, uint64_t id, char buf[ENI_ID_STRING_MAX])
{
    if (eni_id_format(m->ctx, id, buf, ENI_ID_STRING_MAX) != ENI_OK)
        snprintf(buf, ENI_ID_STRING_MAX, "-");
    return buf;
}

void model_refused(model *m, aws_item *it, const char *kind, const char *id, const jloc *at,
                   const char *what)
{
    const eni_error *e = eni_error_last();
    char text[1200];
    snprintf(text, sizeof text, "%s: %s%s%s%s", what, e->message, e->ec2_code[0] ? " (" : "",
             e->ec2_code, e->ec2_code[0] ? ")" : "");
    switch (e->code) {
    case ENI_ELIMIT:
    case ENI_ESTATE:
    case ENI_ENOTSUP:
    case ENI_EPERM:
        report_skip(&m->rep, kind, id, at, "libeni refused %s", text);
        if (it)
            aws_skip(it, text);
        return;
    case ENI_EINVAL:
    case ENI_EINUSE:
    case ENI_EEXIST:
    case ENI_ENOTFOUND:
    case ENI_ESTALE:
        fail_input(at->file, at->path, "libeni refused %s", text);
    default:
        fail_internal("%s %s: %s", at->file, at->path, text);
    }
}
