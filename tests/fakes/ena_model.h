/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A software ENA/EFA device behind the protocol layer's platform seam.
 *
 * Registers, read-less register reads, the reset handshake with timed
 * DEV_STS transitions, the admin submission/completion queues and the AENQ
 * with their phase bits, and the feature commands libeni uses, all in
 * memory. Time is virtual: the protocol layer's sleeps advance the model's
 * clock, and timed device work (a reset, a late completion) happens as the
 * clock passes it, so timeouts of seconds take microseconds to test.
 *
 * Faults can be injected: a device that is not ready, never resets,
 * ignores read-less requests, drops, delays or fails completions, answers
 * with a stale id, reports a fatal error, or sits beyond the DMA reach.
 */
#ifndef ENI_TEST_ENA_MODEL_H
#define ENI_TEST_ENA_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/hw/ena_com.h"

enum { MODEL_MAX_DMA = 64, MODEL_MAX_PENDING = 64 };

struct model_dma {
    uint8_t *va;
    uint64_t iova;
    size_t size;
};

struct model_pending { /* a completion the device will write later */
    uint64_t due_ns;
    uint8_t entry[64];
};

struct ena_model {
    unsigned kind;
    struct eni_hw_platform pf;
    /* identity and capabilities (set before eni__hw_init) */
    uint32_t version, ctrl_version, caps;
    uint8_t mac[6];
    uint32_t max_mtu;
    uint64_t supported_features;
    uint32_t aenq_supported;
    uint64_t reset_delay_ns;     /* how long DEV_STS takes to show a reset step */
    uint64_t completion_delay_ns;/* how long a command takes */
    /* faults */
    bool not_ready, stuck_reset, ignore_readless, fatal;
    bool gone;                   /* surprise-removed: every register reads all ones */
    bool ignore_aenq_credits;    /* posts AENQ events whatever the head doorbell allows */
    uint32_t drop_completions;   /* the next n commands get no completion */
    int force_status;            /* >= 0: the next command fails with it */
    bool stale_next;             /* write a wrong-id completion before the next answer */
    int fail_dma_at;             /* > 0: that many-th allocation fails */
    uint64_t iova_base;
    /* hosted behind a fake VFIO kernel: DMA addresses are translated by it,
     * and the device's clock is the real one */
    uint8_t *(*xlate)(void *ud, uint64_t iova, size_t len);
    void *xlate_ud;
    bool real_time;
    /* state */
    uint64_t clock_ns;
    uint32_t dev_ctl, intr_mask;
    bool resetting;
    uint64_t reset_rise_ns, reset_fall_ns; /* when DEV_STS changes next (0 = never) */
    uint64_t mmio_resp_iova;
    uint64_t aq_base, acq_base, aenq_base;
    uint32_t aq_caps, acq_caps, aenq_caps;
    uint32_t sq_head, cq_tail, aenq_tail, aenq_head_db;
    uint8_t sq_phase, cq_phase, aenq_phase;
    uint32_t aenq_enabled;
    uint32_t mtu;
    uint32_t host_os_type;
    char host_dist[128], host_kernel[32];
    uint16_t host_bdf, host_cpus;
    struct eni_ena_stats stats;
    struct model_dma dma[MODEL_MAX_DMA];
    int dma_calls, dma_live;
    struct model_pending pending[MODEL_MAX_PENDING];
    int npending;
    /* what the driver did */
    uint32_t readless_requests, direct_reads, commands, resets_done, aenq_dropped;
    uint32_t opcode_count[32];
};

/* A healthy device of `kind` (ENI_HW_ENA or ENI_HW_EFA) with sensible
 * capabilities; m->pf is its platform for eni__hw_init. */
void ena_model_init(struct ena_model *m, unsigned kind);
/* Free what the model still holds (DMA the driver leaked is counted first). */
void ena_model_fini(struct ena_model *m);

/* Post an AENQ event; false when the group is not enabled or the queue is full. */
bool ena_model_aenq(struct ena_model *m, uint16_t group, uint16_t syndrome,
                    const uint8_t *payload, unsigned len);
bool ena_model_link(struct ena_model *m, bool up);
bool ena_model_keep_alive(struct ena_model *m, uint64_t rx_drops, uint64_t tx_drops);
/* A function-level reset (FLR): the device forgets everything. */
void ena_model_flr(struct ena_model *m);

#endif
