/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The mock backend's operations: simulated devices, latency, faults. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mock_internal.h"

struct mock_device *eni__mock_find(struct mock *m, uint64_t attachment)
{
    for (uint32_t i = 0; i < m->ndev; i++)
        if (m->devs[i].attachment == attachment)
            return &m->devs[i];
    return NULL;
}

void eni__mock_drop_device(struct mock *m, uint32_t i)
{
    m->devs[i] = m->devs[--m->ndev];
}

static int mock_open(eni_backend_host *host, const char *config, void **instance)
{
    (void)config;
    struct mock *m = eni_backend_calloc(host, 1, sizeof *m);
    if (!m || pthread_mutex_init(&m->lock, NULL) != 0) {
        eni_backend_free(host, m);
        return eni_backend_fail(ENI_ENOMEM, 0, "mock backend: out of memory");
    }
    m->host = host;
    m->cfg.size = sizeof m->cfg;
    m->counters.size = sizeof m->counters;
    *instance = m;
    return ENI_OK;
}

static void mock_close(void *instance)
{
    struct mock *m = instance;
    pthread_mutex_destroy(&m->lock);
    eni_backend_free(m->host, m->devs);
    eni_backend_free(m->host, m->pend);
    eni_backend_free(m->host, m);
}

/* Count down an armed fault; true when it fires now. */
static bool fires(uint32_t *countdown)
{
    if (*countdown == 0)
        return false;
    return --*countdown == 0;
}

/* Deliver or schedule a completion, honouring the drop fault and latency. */
static int complete(struct mock *m, unsigned op, const eni_backend_event *ev)
{
    if (fires(&m->fault[op].drop_in)) {
        m->counters.drops++;
        return ENI_OK;
    }
    if (m->cfg.latency == ENI_MOCK_IMMEDIATE) {
        m->counters.completions++;
        return eni_backend_post(m->host, ev);
    }
    if (m->npend == m->cappend) {
        uint32_t cap = m->cappend ? m->cappend * 2 : 8;
        struct mock_pending *p = eni_backend_realloc_array(m->host, m->pend, cap, sizeof *p);
        if (!p)
            return eni_backend_fail(ENI_ENOMEM, 0, "mock backend: out of memory");
        m->pend = p;
        m->cappend = cap;
    }
    struct mock_pending *p = &m->pend[m->npend++];
    p->ev = *ev;
    p->polls_left = m->cfg.polls;
    p->due_ns = m->now_ns + m->cfg.delay_ns;
    return ENI_OK;
}

/* A synchronous failure armed by eni_mock_fail_nth. */
static int injected_failure(const char *op, int err)
{
    char msg[128];
    snprintf(msg, sizeof msg, "mock backend: injected %s failure (%s)", op, strerror(err));
    return eni_backend_fail(ENI_EBACKEND, err, msg);
}

static eni_backend_event event(uint32_t type, uint64_t attachment, int32_t status, int32_t err)
{
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = type;
    ev.attachment.v = attachment;
    ev.status = status;
    ev.os_errno = err;
    return ev;
}

static int mock_attach(void *instance, const eni_backend_attach_req *req)
{
    struct mock *m = instance;
    pthread_mutex_lock(&m->lock);
    m->counters.attach_calls++;
    struct mock_fault *f = &m->fault[ENI_MOCK_OP_ATTACH];
    int rc = ENI_OK;
    eni_backend_event ev;
    if (fires(&f->fail_in)) {
        m->counters.failures++;
        if (f->fail_flags & ENI_MOCK_FAIL_SYNC) {
            rc = injected_failure("attach", f->fail_errno);
            goto out;
        }
        ev = event(ENI_BEV_ATTACH_DONE, req->attachment.v, ENI_EBACKEND, f->fail_errno);
    } else {
        if (!eni__mock_add_device(m, req->attachment.v, req->mac, req->nic_type)) {
            rc = eni_backend_fail(ENI_EBACKEND, ENOMEM, "mock backend: out of memory");
            goto out;
        }
        ev = event(ENI_BEV_ATTACH_DONE, req->attachment.v, ENI_OK, 0);
    }
    rc = complete(m, ENI_MOCK_OP_ATTACH, &ev);
out:
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mock_detach(void *instance, const eni_backend_detach_req *req)
{
    struct mock *m = instance;
    pthread_mutex_lock(&m->lock);
    m->counters.detach_calls++;
    int rc = ENI_OK;
    struct mock_device *d = eni__mock_find(m, req->attachment.v);
    if (req->flags & ENI_BACKEND_DETACH_ABORT) {
        /* Undo an attach whose completion was lost or refused: no answer. */
        if (d)
            eni__mock_drop_device(m, (uint32_t)(d - m->devs));
        for (uint32_t i = 0; i < m->npend; i++)
            if (m->pend[i].ev.attachment.v == req->attachment.v)
                m->pend[i--] = m->pend[--m->npend];
        goto out;
    }
    struct mock_fault *f = &m->fault[ENI_MOCK_OP_DETACH];
    eni_backend_event ev;
    if (fires(&f->fail_in)) {
        m->counters.failures++;
        if (f->fail_flags & ENI_MOCK_FAIL_SYNC) {
            rc = injected_failure("detach", f->fail_errno);
            goto out;
        }
        ev = event(ENI_BEV_DETACH_DONE, req->attachment.v, ENI_EBACKEND, f->fail_errno);
    } else {
        if (d)
            eni__mock_drop_device(m, (uint32_t)(d - m->devs));
        ev = event(ENI_BEV_DETACH_DONE, req->attachment.v, ENI_OK, 0);
    }
    rc = complete(m, ENI_MOCK_OP_DETACH, &ev);
out:
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static int mock_poll(void *instance, uint64_t now_ns)
{
    struct mock *m = instance;
    pthread_mutex_lock(&m->lock);
    m->now_ns = now_ns;
    int rc = ENI_OK;
    for (uint32_t i = 0; i < m->npend;) {
        struct mock_pending *p = &m->pend[i];
        bool due = m->cfg.latency == ENI_MOCK_AFTER_POLLS ? (p->polls_left <= 1 || --p->polls_left == 0)
                                                           : now_ns >= p->due_ns;
        if (!due) {
            i++;
            continue;
        }
        m->counters.completions++;
        int prc = eni_backend_post(m->host, &p->ev);
        if (prc != ENI_OK)
            rc = prc;
        memmove(p, p + 1, (m->npend - i - 1) * sizeof *p); /* keep completion order */
        m->npend--;
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

bool eni__mock_add_device(struct mock *m, uint64_t attachment, const uint8_t mac[6],
                          uint32_t nic_type)
{
    if (m->ndev == m->capdev) {
        uint32_t cap = m->capdev ? m->capdev * 2 : 8;
        struct mock_device *d = eni_backend_realloc_array(m->host, m->devs, cap, sizeof *d);
        if (!d)
            return false;
        m->devs = d;
        m->capdev = cap;
    }
    struct mock_device *d = &m->devs[m->ndev++];
    memset(d, 0, sizeof *d);
    d->attachment = attachment;
    memcpy(d->mac, mac, 6);
    d->nic_type = nic_type;
    d->link_up = 1;
    d->slot = m->next_slot++ % 29 + 3; /* devices 03..1f on bus 00 */
    return true;
}

static int mock_get_device(void *instance, eni_attachment_id attachment, eni_backend_device *out)
{
    struct mock *m = instance;
    pthread_mutex_lock(&m->lock);
    struct mock_device *d = eni__mock_find(m, attachment.v);
    int rc = ENI_OK;
    if (!d) {
        rc = eni_backend_fail(ENI_ENOTFOUND, 0, "mock backend: no device for this attachment");
    } else {
        out->link_up = d->link_up;
        snprintf(out->bus_address, sizeof out->bus_address, "0000:00:%02x.0", d->slot);
        memcpy(out->mac, d->mac, 6);
        out->vendor_id = 0x1d0f;
        out->device_id = d->nic_type == 2 ? 0xefa1 : 0xec20; /* efa-only: EFA VF; else ENA VF */
    }
    pthread_mutex_unlock(&m->lock);
    return rc;
}

static const eni_backend_ops mock_ops = {
    .size = sizeof(eni_backend_ops),
    .abi = ENI_BACKEND_ABI,
    .name = "mock",
    .open = mock_open,
    .close = mock_close,
    .attach = mock_attach,
    .detach = mock_detach,
    .poll = mock_poll,
    .get_device = mock_get_device,
};

const eni_backend_ops *eni_mock_backend_ops(void)
{
    return &mock_ops;
}
