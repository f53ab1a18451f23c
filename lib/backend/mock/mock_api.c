/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni/sys/mock.h: controls that reach the ctx's mock backend. Like any
 * backend's own API, they find the instance through eni_ctx_backend_call. */
#include <stdio.h>
#include <string.h>

#include "eni/nic.h"
#include "mock_internal.h"

/* Record a failure of the named call. */
static int refuse(int code, const char *what, const char *why)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %s", what, why);
    return eni_backend_fail(code, 0, msg);
}

/* One control call: what it is, the function that does it on the mock
 * (with the mock's lock held) and its arguments. */
struct mock_call {
    const char *what;
    int (*fn)(struct mock *m, struct mock_call *call);
    const eni_mock_config *config;
    uint32_t op, n, flags, up;
    int32_t os_errno;
    eni_attachment_id attachment;
    eni_mock_counters *counters;
};

static int locked(void *instance, void *arg)
{
    struct mock *m = instance;
    struct mock_call *call = arg;
    pthread_mutex_lock(&m->lock);
    int rc = call->fn(m, call);
    pthread_mutex_unlock(&m->lock);
    return rc;
}

/* Run call->fn on the ctx's mock; ENI_ENOTSUP when the backend is another. */
static int with_mock(eni_ctx *ctx, struct mock_call *call)
{
    if (!ctx)
        return refuse(ENI_EINVAL, call->what, "ctx is NULL");
    return eni_ctx_backend_call(ctx, eni_mock_backend_ops(), locked, call);
}

static int do_configure(struct mock *m, struct mock_call *call)
{
    m->cfg = *call->config;
    return ENI_OK;
}

/* Struct sizes: a caller may pass a newer, larger struct whose extra bytes
 * are zero; a smaller one is refused (there is only one layout so far). */
static bool size_ok(const void *s, uint32_t size, size_t ours)
{
    if (size < ours || size > ENI_STRUCT_SIZE_MAX)
        return false;
    const unsigned char *tail = (const unsigned char *)s + ours;
    for (size_t i = 0; i < size - ours; i++)
        if (tail[i])
            return false;
    return true;
}

int eni_mock_configure(eni_ctx *ctx, const eni_mock_config *config)
{
    const char *what = "eni_mock_configure";
    if (!config)
        return refuse(ENI_EINVAL, what, "config is NULL");
    if (!size_ok(config, config->size, sizeof *config))
        return refuse(ENI_EVERSION, what, "config->size not accepted");
    eni_mock_config c = *config;
    c.size = sizeof c;
    if (c.latency > ENI_MOCK_AFTER_TIME || c.reserved0 ||
        (c.latency == ENI_MOCK_AFTER_POLLS && c.polls == 0))
        return refuse(ENI_EINVAL, what, "bad latency settings");
    struct mock_call call = {.what = what, .fn = do_configure, .config = &c};
    return with_mock(ctx, &call);
}

static int do_fail_nth(struct mock *m, struct mock_call *call)
{
    m->fault[call->op].fail_in = call->n;
    m->fault[call->op].fail_errno = call->os_errno;
    m->fault[call->op].fail_flags = call->flags;
    return ENI_OK;
}

int eni_mock_fail_nth(eni_ctx *ctx, uint32_t op, uint32_t n, int32_t os_errno, uint32_t flags)
{
    const char *what = "eni_mock_fail_nth";
    if (op != ENI_MOCK_OP_ATTACH && op != ENI_MOCK_OP_DETACH)
        return refuse(ENI_EINVAL, what, "unknown op");
    if (os_errno < 0 || (flags & ~(uint32_t)ENI_MOCK_FAIL_SYNC))
        return refuse(ENI_EINVAL, what, "bad errno or flags");
    struct mock_call call = {
        .what = what, .fn = do_fail_nth, .op = op, .n = n, .os_errno = os_errno, .flags = flags};
    return with_mock(ctx, &call);
}

static int do_drop_nth(struct mock *m, struct mock_call *call)
{
    m->fault[call->op].drop_in = call->n;
    return ENI_OK;
}

int eni_mock_drop_nth(eni_ctx *ctx, uint32_t op, uint32_t n)
{
    const char *what = "eni_mock_drop_nth";
    if (op != ENI_MOCK_OP_ATTACH && op != ENI_MOCK_OP_DETACH)
        return refuse(ENI_EINVAL, what, "unknown op");
    struct mock_call call = {.what = what, .fn = do_drop_nth, .op = op, .n = n};
    return with_mock(ctx, &call);
}

/* A device disappears (remove) or its link changes (up). */
static int do_device_event(struct mock *m, struct mock_call *call, bool remove)
{
    struct mock_device *d = eni__mock_find(m, call->attachment.v);
    if (!d)
        return refuse(ENI_ENOTFOUND, call->what, "the mock has no device for this attachment");
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.attachment = call->attachment;
    if (remove) {
        eni__mock_drop_device(m, (uint32_t)(d - m->devs));
        m->counters.removals++;
        ev.type = ENI_BEV_DEVICE_REMOVED;
        return eni_backend_post(m->host, &ev);
    }
    if (d->link_up == call->up)
        return ENI_OK;
    d->link_up = call->up;
    ev.type = ENI_BEV_LINK;
    ev.link_up = call->up;
    return eni_backend_post(m->host, &ev);
}

static int do_remove(struct mock *m, struct mock_call *call)
{
    return do_device_event(m, call, true);
}

static int do_link(struct mock *m, struct mock_call *call)
{
    return do_device_event(m, call, false);
}

int eni_mock_remove_device(eni_ctx *ctx, eni_attachment_id attachment)
{
    struct mock_call call = {
        .what = "eni_mock_remove_device", .fn = do_remove, .attachment = attachment};
    return with_mock(ctx, &call);
}

static int do_adopt(struct mock *m, struct mock_call *call)
{
    if (eni__mock_find(m, call->attachment.v))
        return refuse(ENI_EEXIST, call->what, "the mock already has a device for it");
    static const uint8_t no_mac[6];
    if (!eni__mock_add_device(m, call->attachment.v, no_mac, call->n))
        return refuse(ENI_ENOMEM, call->what, "out of memory");
    return ENI_OK;
}

int eni_mock_adopt_device(eni_ctx *ctx, eni_attachment_id attachment, uint32_t nic_type)
{
    const char *what = "eni_mock_adopt_device";
    if (eni_id_kind(attachment.v) != ENI_KIND_ATTACHMENT)
        return refuse(ENI_EINVAL, what, "not an attachment id");
    if (nic_type > ENI_NIC_EFA_ONLY)
        return refuse(ENI_EINVAL, what, "nic_type is not an eni_nic_type");
    struct mock_call call = {.what = what, .fn = do_adopt, .attachment = attachment, .n = nic_type};
    return with_mock(ctx, &call);
}

int eni_mock_set_link(eni_ctx *ctx, eni_attachment_id attachment, uint32_t up)
{
    const char *what = "eni_mock_set_link";
    if (up > 1)
        return refuse(ENI_EINVAL, what, "up must be 0 or 1");
    struct mock_call call = {.what = what, .fn = do_link, .attachment = attachment, .up = up};
    return with_mock(ctx, &call);
}

static int do_counters(struct mock *m, struct mock_call *call)
{
    *call->counters = m->counters;
    call->counters->size = sizeof *call->counters;
    call->counters->devices = m->ndev;
    return ENI_OK;
}

int eni_mock_get_counters(eni_ctx *ctx, eni_mock_counters *out)
{
    const char *what = "eni_mock_get_counters";
    if (!out)
        return refuse(ENI_EINVAL, what, "out is NULL");
    uint32_t size;
    memcpy(&size, out, sizeof size);
    if (size < sizeof *out || size > ENI_STRUCT_SIZE_MAX)
        return refuse(ENI_EINVAL, what, "out->size is not accepted (use ENI_MOCK_COUNTERS_INIT)");
    eni_mock_counters c;
    struct mock_call call = {.what = what, .fn = do_counters, .counters = &c};
    int rc = with_mock(ctx, &call);
    if (rc == ENI_OK)
        memcpy(out, &c, sizeof c); /* never past our layout: a larger caller struct keeps its tail */
    return rc;
}
