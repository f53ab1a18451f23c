/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The ENA/EFA control path, OS-agnostic: read-less register reads, the
 * reset handshake, version and DMA-width checks, the admin queues with the
 * phase-bit protocol, the asynchronous event queue (AENQ) and the feature
 * commands libeni needs.
 *
 * It touches the device only through a platform seam (register access, DMA
 * memory, time, logging), so the same code drives a real function mapped
 * through VFIO and the software device model the tests use. Every wait has
 * a deadline; every failure returns an eni_err code and leaves a sentence
 * in dev->why.
 *
 * Not thread-safe: one caller at a time per device (the backend serialises).
 */
#ifndef ENI_HW_ENA_COM_H
#define ENI_HW_ENA_COM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ena_wire.h"

/* What the protocol layer needs from its host. */
struct eni_hw_platform {
    void *ud;
    uint32_t (*read32)(void *ud, uint32_t off);            /* BAR0 register */
    void (*write32)(void *ud, uint32_t off, uint32_t val);  /* BAR0 register */
    /* Zeroed memory the device can reach; `iova` is its device address. */
    int (*dma_alloc)(void *ud, size_t size, void **va, uint64_t *iova);
    void (*dma_free)(void *ud, void *va, size_t size, uint64_t iova);
    uint64_t (*now_ns)(void *ud);                          /* monotonic */
    void (*sleep_ns)(void *ud, uint64_t ns);
    void (*log)(void *ud, int level, const char *msg);     /* may be NULL */
};

enum eni_hw_kind { ENI_HW_ENA = 1, ENI_HW_EFA = 2 };

typedef void (*eni_hw_aenq_fn)(void *ud, uint16_t group, uint16_t syndrome,
                               const uint8_t *payload /* 48 bytes */);

struct eni_hw_ring {
    uint8_t *va;
    uint64_t iova;
    uint32_t depth;
    uint32_t counter; /* free-running tail (AQ) or head (ACQ, AENQ) */
    uint8_t phase;
};

struct eni_hw_dev {
    const struct eni_hw_platform *pf;
    unsigned kind;           /* enum eni_hw_kind */
    bool readless;           /* registers are read through DMA (section 3.4) */
    bool admin_running;      /* false after an admin timeout, until a reset */
    bool up;                 /* eni__hw_init succeeded and fini not called */
    bool quiesced;           /* held in reset: it has forgotten our DMA addresses */
    uint32_t reset_reason;   /* what eni__hw_health suggests passing to eni__hw_reset */
    uint8_t *mmio_resp;
    uint64_t mmio_resp_iova;
    uint16_t mmio_seq;
    struct eni_hw_ring aq, acq, aenq;
    uint16_t cmd_seq;
    uint32_t msix_vector;    /* EFA: the vector for admin and AENQ */
    uint32_t dma_width;
    uint64_t admin_timeout_ns, mmio_timeout_ns, reset_timeout_ns;
    uint64_t supported_features; /* bit n = feature n (from the device attributes) */
    uint32_t aenq_supported, aenq_enabled;
    uint8_t *host_info;          /* ENA host-info page, once set */
    uint64_t host_info_iova;
    eni_hw_aenq_fn aenq_fn[ENA_AENQ_GROUPS];
    void *aenq_ud[ENA_AENQ_GROUPS];
    eni_hw_aenq_fn aenq_unknown; /* groups without a handler */
    void *aenq_unknown_ud;
    /* what the device told us through the AENQ (handled before any
     * handler registered for the group is called) */
    uint64_t last_keep_alive_ns;       /* 0 until the first keep-alive */
    uint64_t ka_rx_drops, ka_tx_drops, ka_rx_overruns;
    bool link_up;                      /* from LINK_CHANGE (true until told otherwise) */
    bool reset_requested;              /* DEVICE_REQUEST_RESET, or a fatal-error event */
    /* counters */
    uint64_t aenq_events, stale_completions, admin_commands, resets;
    char why[192];               /* the last failure, in words */
};

/* ENA device attributes (DEVICE_ATTRIBUTES). */
struct eni_ena_attrs {
    uint32_t impl_id, device_version, supported_features, capabilities;
    uint32_t phys_addr_width, virt_addr_width, max_mtu;
    uint16_t flow_steering_entries;
    uint8_t mac[6];
};

/* ENA basic statistics (GET_STATS basic, whole device). */
struct eni_ena_stats {
    uint64_t tx_bytes, tx_packets, rx_bytes, rx_packets, rx_drops, tx_drops, rx_overruns;
};

/* What the host-info page tells the device. */
struct eni_hw_host_info {
    uint32_t os_type;          /* ENA_OS_* */
    const char *os_dist;       /* e.g. "Debian 12" */
    const char *kernel_version;
    uint32_t driver_version;   /* libeni's encoding: major << 16 | minor << 8 | patch */
    uint16_t bdf;              /* bus << 8 | device << 3 | function */
    uint16_t num_cpus;
};

/* EFA device attributes (DEVICE_ATTR). */
struct eni_efa_attrs {
    uint64_t supported_features, page_size_cap, guid;
    uint32_t fw_version, admin_api_version, device_version, device_caps, max_rdma_size;
    uint32_t max_link_speed_gbps;
    uint16_t db_bar;
    uint8_t phys_addr_width, virt_addr_width;
};

/* EFA queue attributes (QUEUE_ATTR_1). */
struct eni_efa_queue_attrs {
    uint32_t max_qp, max_sq_depth, inline_buf_size, max_rq_depth, max_cq, max_cq_depth;
    uint32_t max_mr, max_mr_pages, max_pd, max_ah, max_llq_size;
    uint16_t sub_cqs_per_cq, min_sq_depth, max_send_sges, max_recv_sges, max_rdma_sges;
    uint16_t max_tx_batch;
};

/* Bring the device up: read-less setup, reset handshake, version and DMA
 * width checks, admin queues and AENQ (polling mode), device attributes
 * (which features exist) and the AENQ groups to enable. `pci_revision`
 * decides read-less reads on ENA (bit 0 set: direct); EFA always uses them.
 * On failure everything allocated is released. */
int eni__hw_init(struct eni_hw_dev *dev, const struct eni_hw_platform *pf, unsigned kind,
                uint8_t pci_revision);
/* Make the device forget every DMA address it was given (a reset, waited
 * for briefly), so its memory can be freed safely. fini does it too; a
 * backend calls it first when it must also switch bus mastering off. */
void eni__hw_quiesce(struct eni_hw_dev *dev);
/* Quiesce the device (unless done), then release the DMA memory. */
void eni__hw_fini(struct eni_hw_dev *dev);
/* Reset the device (DEV_CTL handshake with `reason`) and bring its admin
 * queues up again from empty rings: recovery after a timeout, a fatal
 * error or a device request. */
int eni__hw_reset(struct eni_hw_dev *dev, uint32_t reason);

/* Is the device still healthy? ENI_EBACKEND when it reports a fatal error,
 * asked for a reset, stopped being ready, reads as all ones (removed), its
 * admin queue stopped after a timeout, or its keep-alives stopped (6 s);
 * dev->reset_reason then says which reason to reset it with. */
int eni__hw_health(struct eni_hw_dev *dev);

/* A register, read the way the device wants (read-less or direct). */
int eni__hw_read_reg(struct eni_hw_dev *dev, uint32_t off, uint32_t *out);

/* Execute one admin command (64 bytes; command id, phase and opcode-byte
 * position are handled here) and return its 56-byte response. */
int eni__hw_admin(struct eni_hw_dev *dev, uint8_t opcode, const uint8_t cmd[64], uint8_t resp[56]);

/* Feature commands. The feature must be one the device supports (bit in
 * its supported-features map), else ENI_ENOTSUP without touching it. */
int eni__hw_get_feature(struct eni_hw_dev *dev, uint8_t feature, uint8_t version,
                       uint8_t resp[56]);
int eni__hw_set_feature(struct eni_hw_dev *dev, uint8_t feature, uint8_t version,
                       const uint8_t *payload, size_t len);

int eni__ena_get_attrs(struct eni_hw_dev *dev, struct eni_ena_attrs *out);
int eni__ena_set_mtu(struct eni_hw_dev *dev, uint32_t mtu);
int eni__ena_set_host_info(struct eni_hw_dev *dev, const struct eni_hw_host_info *hi);
int eni__ena_get_stats(struct eni_hw_dev *dev, struct eni_ena_stats *out);
int eni__efa_get_attrs(struct eni_hw_dev *dev, struct eni_efa_attrs *out);
int eni__efa_get_queue_attrs(struct eni_hw_dev *dev, struct eni_efa_queue_attrs *out);

/* Handlers run inside eni__hw_aenq_poll and must not reset the device (they
 * note what to do; the caller acts after the poll). */
/* Handle the events the device has posted to the AENQ, in order, and tell
 * the device how far it got: at most the ring's depth per call (the rest
 * waits for the next), so a babbling device cannot hold the caller.
 * *handled (may be NULL) counts them. The layer
 * itself keeps the link state, the keep-alive time and drop counters,
 * applies UPDATE_HINTS notifications (its read-less and admin timeouts),
 * and notes a device's request for a reset; a handler set for the group is
 * called after that. */
int eni__hw_aenq_poll(struct eni_hw_dev *dev, uint32_t *handled);
void eni__hw_set_aenq_handler(struct eni_hw_dev *dev, unsigned group, eni_hw_aenq_fn fn, void *ud);

#endif
