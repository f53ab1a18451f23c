/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The attach state machine's shared pieces (attach.c, lifecycle.c). */
#ifndef ENI_ATTACH_INTERNAL_H
#define ENI_ATTACH_INTERNAL_H

#include "model/model.h"

/* Validate an attach of nic to inst at (device, card). at_launch picks the
 * launch-time EC2 code for address limits. Sets *kind. Records errors. */
int eni__attach_check(eni_ctx *ctx, const struct eni_nic *nic, const struct eni_instance *inst,
                      uint32_t device_index, uint32_t card, bool at_launch, uint32_t *kind);

/* Create the attachment (status attaching) and tell the backend. On a
 * backend refusal everything is undone and its error returned. */
int eni__attach_start(eni_ctx *ctx, struct eni_nic *nic, struct eni_instance *inst,
                      uint32_t device_index, uint32_t card, uint32_t kind,
                      bool delete_on_termination, struct eni_attachment **out);

/* Ask the backend to detach; the attachment becomes detaching. */
int eni__detach_start(eni_ctx *ctx, struct eni_attachment *att, bool force, bool terminating);

/* Undo an attachment that never completed: abort it in the backend and
 * free the interface. */
void eni__attach_abort(eni_ctx *ctx, struct eni_attachment *att);

/* Apply the backend's completions and expire lost operations; run by
 * eni_ctx_poll (lib/ctx) before user events are delivered. */
void eni__attach_process(eni_ctx *ctx);
/* The same with the ctx lock already held (eni_ctx_poll: one commit). */
void eni__attach_process_locked(eni_ctx *ctx);

/* For eni_ctx_timeout_ms (caller holds the ctx lock): true when an attach or
 * detach waits for the backend, with the earliest deadline of those;
 * *attached says whether any attachment exists. */
/* After a restart: every attachment restored attaching or detaching is
 * settled with what the backend says of its device (attaching: completed if
 * it is there, else rolled back; detaching: completed if it is gone, else
 * attached again), with the usual events. ENI_OK or a commit's error. */
int eni__attach_reconcile(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back);
bool eni__attach_next_deadline(eni_ctx *ctx, uint64_t *deadline_ns, bool *attached);

/* Post a user-visible event about an attachment or instance. */
void eni__attach_event(eni_ctx *ctx, uint32_t type, const struct eni_attachment *att,
                       int32_t status, int32_t os_errno, const char *ec2_code);
void eni__instance_event(eni_ctx *ctx, const struct eni_instance *inst);

#endif
