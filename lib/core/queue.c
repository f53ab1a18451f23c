/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "queue.h"

#include <string.h>

#include "ctx_internal.h"

int eni__queue_init(struct eni_queue *q, size_t elem_size, eni_queue_stamp_fn stamp)
{
    memset(q, 0, sizeof *q);
    q->elem_size = elem_size;
    q->stamp = stamp;
    q->next_seq = 1;
    return pthread_mutex_init(&q->lock, NULL) == 0 ? ENI_OK : ENI_ENOMEM;
}

void eni__queue_fini(const eni_ctx *ctx, struct eni_queue *q)
{
    eni__free(ctx, q->ring);
    pthread_mutex_destroy(&q->lock);
}

static unsigned char *slot(const struct eni_queue *q, uint32_t i)
{
    return q->ring + (size_t)(i & (q->cap - 1u)) * q->elem_size;
}

/* Double the ring, unrolling it so the oldest element sits at index 0. */
static int grow(const eni_ctx *ctx, struct eni_queue *q)
{
    uint32_t cap = q->cap ? q->cap * 2u : 16u;
    if (cap < q->cap)
        return ENI_ENOMEM;
    unsigned char *ring = eni__calloc(ctx, cap, q->elem_size);
    if (!ring)
        return ENI_ENOMEM;
    for (uint32_t i = 0; i < q->count; i++)
        memcpy(ring + (size_t)i * q->elem_size, slot(q, q->head + i), q->elem_size);
    eni__free(ctx, q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return ENI_OK;
}

int eni__queue_push(const eni_ctx *ctx, struct eni_queue *q, const void *elem)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->cap && grow(ctx, q) != ENI_OK) {
        pthread_mutex_unlock(&q->lock);
        return eni__fail(ENI_ENOMEM, NULL, "out of memory queueing an event");
    }
    unsigned char *s = slot(q, q->head + q->count);
    memcpy(s, elem, q->elem_size);
    if (q->stamp)
        q->stamp(s, q->next_seq);
    q->next_seq++;
    q->count++;
    pthread_mutex_unlock(&q->lock);
    return ENI_OK;
}

int eni__queue_push_coalesced(const eni_ctx *ctx, struct eni_queue *q, const void *elem,
                              bool (*merge)(void *queued, const void *elem))
{
    pthread_mutex_lock(&q->lock);
    for (uint32_t i = q->count; i-- > 0;) {
        if (merge(slot(q, q->head + i), elem)) {
            pthread_mutex_unlock(&q->lock);
            return ENI_OK;
        }
    }
    pthread_mutex_unlock(&q->lock);
    return eni__queue_push(ctx, q, elem);
}

bool eni__queue_take(struct eni_queue *q, void *out)
{
    pthread_mutex_lock(&q->lock);
    bool any = q->count > 0;
    if (any) {
        memcpy(out, slot(q, q->head), q->elem_size);
        q->head = (q->head + 1u) & (q->cap - 1u);
        q->count--;
    }
    pthread_mutex_unlock(&q->lock);
    return any;
}

void eni__queue_clear(struct eni_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->head = 0;
    q->count = 0;
    pthread_mutex_unlock(&q->lock);
}

uint32_t eni__queue_count(struct eni_queue *q)
{
    pthread_mutex_lock(&q->lock);
    uint32_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
