/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The library side of the backend seam, for composition (lib/ctx). */
#ifndef ENI_BACKEND_INTERNAL_H
#define ENI_BACKEND_INTERNAL_H

#include "eni/sys/backend.h"

/* Validate ops, open it with config and make it the ctx's backend (the ctx
 * must have none). Records the error on failure and changes nothing. */
int eni__backend_open(eni_ctx *ctx, const eni_backend_ops *ops, const char *config);

/* Close the ctx's backend. */
void eni__backend_close(eni_ctx *ctx);

#endif
