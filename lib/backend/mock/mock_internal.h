/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The mock backend's state, shared by its ops (mock.c) and the control
 * functions of eni/sys/mock.h (mock_api.c). It sees only the backend API. */
#ifndef ENI_BACKEND_MOCK_INTERNAL_H
#define ENI_BACKEND_MOCK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "eni/sys/mock.h"

struct mock_device {
    uint64_t attachment;
    uint8_t mac[6];
    uint32_t nic_type;
    uint32_t link_up;
    uint32_t slot; /* PCI device number */
};

struct mock_pending {
    eni_backend_event ev;
    uint32_t polls_left;
    uint64_t due_ns;
};

struct mock_fault {
    uint32_t fail_in;   /* fail the op when this counts down to 0; 0 = off */
    int32_t fail_errno;
    uint32_t fail_flags;
    uint32_t drop_in;   /* drop the completion when this counts down to 0; 0 = off */
};

struct mock {
    pthread_mutex_t lock;
    eni_backend_host *host;
    eni_mock_config cfg;
    struct mock_device *devs;
    uint32_t ndev, capdev;
    struct mock_pending *pend;
    uint32_t npend, cappend;
    struct mock_fault fault[3]; /* indexed by eni_mock_op */
    eni_mock_counters counters;
    uint64_t now_ns;
    uint32_t next_slot;
};

/* Find a device; NULL if absent. Caller holds the lock. */
struct mock_device *eni__mock_find(struct mock *m, uint64_t attachment);
/* Remove device i. Caller holds the lock. */
void eni__mock_drop_device(struct mock *m, uint32_t i);
/* A device for the attachment, link up (mock.c); false when out of memory. */
bool eni__mock_add_device(struct mock *m, uint64_t attachment, const uint8_t mac[6],
                          uint32_t nic_type);

#endif
