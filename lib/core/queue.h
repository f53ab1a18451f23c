/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A growable FIFO of fixed-size elements guarded by its own mutex, so a
 * backend thread can push while the control thread holds the ctx lock.
 * The ctx has two: user events (eni_event) and backend completions
 * (eni_backend_event); each side reads back the type it pushed. */
#ifndef ENI_CORE_QUEUE_H
#define ENI_CORE_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct eni_ctx eni_ctx;

/* Called under the queue's lock on the element just pushed, with the
 * queue's running sequence number (1, 2, ...): numbers follow queue order. */
typedef void (*eni_queue_stamp_fn)(void *elem, uint64_t seq);

struct eni_queue {
    pthread_mutex_t lock;
    unsigned char *ring;
    size_t elem_size;
    eni_queue_stamp_fn stamp; /* may be NULL */
    uint32_t cap;             /* power of two, or 0 before the first push */
    uint32_t head;            /* next to take */
    uint32_t count;
    uint64_t next_seq;
};

/* ENI_OK, or ENI_ENOMEM when the mutex cannot be created (not recorded). */
int eni__queue_init(struct eni_queue *q, size_t elem_size, eni_queue_stamp_fn stamp);
void eni__queue_fini(const eni_ctx *ctx, struct eni_queue *q);

/* Append a copy of *elem. ENI_OK or ENI_ENOMEM (recorded). */
int eni__queue_push(const eni_ctx *ctx, struct eni_queue *q, const void *elem);

/* Like eni__queue_push, but first offer *elem to the queued elements, newest
 * first: `merge` folds it into one that is about the same thing (keeping
 * that one's place and sequence number) and returns true, or returns false.
 * A newer state of the same thing replaces the older one. */
int eni__queue_push_coalesced(const eni_ctx *ctx, struct eni_queue *q, const void *elem,
                              bool (*merge)(void *queued, const void *elem));

/* Take the oldest element into *out; false when empty. */
bool eni__queue_take(struct eni_queue *q, void *out);

/* Drop every element. */
void eni__queue_clear(struct eni_queue *q);

uint32_t eni__queue_count(struct eni_queue *q);

#endif
