/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The ids a mutation touched, for whoever persists the model (lib/store).
 *
 * The registry notes every id it hands out, removes or resolves while a
 * journal is attached to the ctx, so a mutation needs no bookkeeping of its
 * own: whatever it looked up, created or deleted is in the journal when it
 * calls eni__model_changed. The journal is emptied when the ctx lock is
 * taken (outside a batch) and after each commit; lookups that only read
 * cost the next commit one extra row each, never a missing one. */
#ifndef ENI_CORE_JOURNAL_H
#define ENI_CORE_JOURNAL_H

#include <stdbool.h>
#include <stdint.h>

typedef struct eni_ctx eni_ctx;

struct eni_journal {
    uint64_t *ids;     /* touched ids, each once, in first-touch order */
    uint32_t n, cap;
    uint64_t *set;     /* open addressing over ids[], 0 = empty; cap2 slots */
    uint32_t cap2;
    bool overflow;     /* a touch could not be recorded: rewrite everything */
};

/* Attach an empty journal (ENI_OK or ENI_ENOMEM, not recorded) / detach and free it. */
int eni__journal_attach(eni_ctx *ctx);
void eni__journal_detach(eni_ctx *ctx);

/* Note that id was touched; nothing without a journal. Never fails: when
 * memory runs out the journal says so (overflow) instead. */
void eni__touch(const eni_ctx *ctx, uint64_t id);

/* Forget what was touched. */
void eni__journal_reset(eni_ctx *ctx);

#endif
