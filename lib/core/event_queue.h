/* The ctx's event queue: a growable ring guarded by its own mutex, so a
 * backend thread can post while the control thread holds the ctx lock. */
#ifndef ENI_CORE_EVENT_QUEUE_H
#define ENI_CORE_EVENT_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "eni/ctx.h"

struct eni_event_queue {
    pthread_mutex_t lock;
    eni_event *ring;
    uint32_t cap;      /* power of two, or 0 before the first post */
    uint32_t head;     /* next to deliver */
    uint32_t count;
    uint64_t next_seq; /* sequence number of the next posted event */
};

int eni__event_queue_init(struct eni_event_queue *q);
void eni__event_queue_fini(eni_ctx *ctx, struct eni_event_queue *q);

/* Append a copy of *ev to the ctx's user queue; fills size and seq.
 * ENI_OK or ENI_ENOMEM (recorded). */
int eni__event_post(eni_ctx *ctx, const eni_event *ev);
/* The same for any queue of the ctx (the backend's completions, say). */
int eni__event_post_to(eni_ctx *ctx, struct eni_event_queue *q, const eni_event *ev);

/* Take the oldest event into *out; false when empty. */
bool eni__event_take(struct eni_event_queue *q, eni_event *out);

uint32_t eni__event_count(struct eni_event_queue *q);

#endif
