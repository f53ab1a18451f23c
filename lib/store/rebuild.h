/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* After the rows are registered: everything derived from them (counts,
 * back-references, address bitmaps and owner maps, the public pool, the
 * rules behind each group's list, the EIP behind each association id).
 * ENI_OK; ENI_ECORRUPT when the rows contradict each other (a reference to
 * nothing, an address outside its subnet or held twice); ENI_ENOMEM.
 * Records nothing; the caller frees the model on failure. */
#ifndef ENI_STORE_REBUILD_H
#define ENI_STORE_REBUILD_H

#include "core/ctx_internal.h"

int eni__store_rebuild(eni_ctx *ctx);

#endif
