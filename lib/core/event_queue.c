#include "event_queue.h"

#include <string.h>

#include "ctx_internal.h"

int eni__event_queue_init(struct eni_event_queue *q)
{
    memset(q, 0, sizeof *q);
    q->next_seq = 1;
    return pthread_mutex_init(&q->lock, NULL) == 0 ? ENI_OK : ENI_ENOMEM;
}

void eni__event_queue_fini(eni_ctx *ctx, struct eni_event_queue *q)
{
    eni__free(ctx, q->ring);
    pthread_mutex_destroy(&q->lock);
}

/* Double the ring, unrolling it so the oldest event sits at index 0. */
static int grow(eni_ctx *ctx, struct eni_event_queue *q)
{
    uint32_t cap = q->cap ? q->cap * 2u : 16u;
    if (cap < q->cap)
        return ENI_ENOMEM;
    eni_event *ring = eni__calloc(ctx, cap, sizeof *ring);
    if (!ring)
        return ENI_ENOMEM;
    for (uint32_t i = 0; i < q->count; i++)
        ring[i] = q->ring[(q->head + i) & (q->cap - 1u)];
    eni__free(ctx, q->ring);
    q->ring = ring;
    q->cap = cap;
    q->head = 0;
    return ENI_OK;
}

int eni__event_post(eni_ctx *ctx, const eni_event *ev)
{
    return eni__event_post_to(ctx, &ctx->events, ev);
}

int eni__event_post_to(eni_ctx *ctx, struct eni_event_queue *q, const eni_event *ev)
{
    pthread_mutex_lock(&q->lock);
    if (q->count == q->cap && grow(ctx, q) != ENI_OK) {
        pthread_mutex_unlock(&q->lock);
        return eni__fail(ENI_ENOMEM, NULL, "out of memory queueing an event");
    }
    eni_event *slot = &q->ring[(q->head + q->count) & (q->cap - 1u)];
    *slot = *ev;
    slot->size = sizeof *slot;
    slot->seq = q->next_seq++;
    slot->ec2_code[sizeof slot->ec2_code - 1] = '\0';
    q->count++;
    pthread_mutex_unlock(&q->lock);
    return ENI_OK;
}

bool eni__event_take(struct eni_event_queue *q, eni_event *out)
{
    pthread_mutex_lock(&q->lock);
    bool any = q->count > 0;
    if (any) {
        *out = q->ring[q->head];
        q->head = (q->head + 1u) & (q->cap - 1u);
        q->count--;
    }
    pthread_mutex_unlock(&q->lock);
    return any;
}

uint32_t eni__event_count(struct eni_event_queue *q)
{
    pthread_mutex_lock(&q->lock);
    uint32_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
