/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* enictl load FILE...: build the model and say what was built and skipped. */
#include "commands.h"
#include "fail.h"
#include "model.h"
#include "output.h"

int cmd_load(const cli *c)
{
    model m;
    model_load(&m, c->models, c->nmodels);
    if (c->json)
        output_json(output_doc("load", &m));
    else {
        report_text(&m.rep, stdout);
        output_flush();
    }
    model_free(&m);
    return ENICTL_EXIT_OK;
}
