/* eni/sys/mock.h: controls that reach the ctx's mock backend. */
#include <string.h>

#include "core/ctx_internal.h"
#include "mock_internal.h"
#include "util/abi_struct.h"

/* Lock the ctx and find its mock; ENI_ENOTSUP when the backend is another. */
static int enter(eni_ctx *ctx, const char *what, struct mock **out)
{
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "%s: ctx is NULL", what);
    eni__lock(ctx);
    if (ctx->backend_ops != eni_mock_backend_ops()) {
        eni__unlock(ctx);
        return eni__fail(ENI_ENOTSUP, NULL, "%s: the ctx's backend is '%s', not the mock", what,
                         ctx->backend_ops->name);
    }
    *out = ctx->backend;
    pthread_mutex_lock(&(*out)->lock);
    return ENI_OK;
}

static void leave(eni_ctx *ctx, struct mock *m)
{
    pthread_mutex_unlock(&m->lock);
    eni__unlock(ctx);
}

int eni_mock_configure(eni_ctx *ctx, const eni_mock_config *config)
{
    if (!config)
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_configure: config is NULL");
    eni_mock_config c;
    if (!eni__struct_copy_in(&c, sizeof c, config, config->size, sizeof c))
        return eni__fail(ENI_EVERSION, NULL, "eni_mock_configure: size %u not accepted",
                         config->size);
    if (c.latency > ENI_MOCK_AFTER_TIME || c.reserved0 ||
        (c.latency == ENI_MOCK_AFTER_POLLS && c.polls == 0))
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_configure: bad latency settings");
    struct mock *m;
    int rc = enter(ctx, "eni_mock_configure", &m);
    if (rc != ENI_OK)
        return rc;
    m->cfg = c;
    leave(ctx, m);
    return ENI_OK;
}

int eni_mock_fail_nth(eni_ctx *ctx, uint32_t op, uint32_t n, int32_t os_errno, uint32_t flags)
{
    if (op != ENI_MOCK_OP_ATTACH && op != ENI_MOCK_OP_DETACH)
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_fail_nth: unknown op %u", op);
    if (os_errno < 0 || (flags & ~(uint32_t)ENI_MOCK_FAIL_SYNC))
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_fail_nth: bad errno or flags");
    struct mock *m;
    int rc = enter(ctx, "eni_mock_fail_nth", &m);
    if (rc != ENI_OK)
        return rc;
    m->fault[op].fail_in = n;
    m->fault[op].fail_errno = os_errno;
    m->fault[op].fail_flags = flags;
    leave(ctx, m);
    return ENI_OK;
}

int eni_mock_drop_nth(eni_ctx *ctx, uint32_t op, uint32_t n)
{
    if (op != ENI_MOCK_OP_ATTACH && op != ENI_MOCK_OP_DETACH)
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_drop_nth: unknown op %u", op);
    struct mock *m;
    int rc = enter(ctx, "eni_mock_drop_nth", &m);
    if (rc != ENI_OK)
        return rc;
    m->fault[op].drop_in = n;
    leave(ctx, m);
    return ENI_OK;
}

static int device_event(eni_ctx *ctx, eni_attachment_id attachment, int remove, uint32_t up,
                        const char *what)
{
    struct mock *m;
    int rc = enter(ctx, what, &m);
    if (rc != ENI_OK)
        return rc;
    struct mock_device *d = eni__mock_find(m, attachment.v);
    if (!d) {
        leave(ctx, m);
        return eni__fail(ENI_ENOTFOUND, NULL, "%s: the mock has no device for this attachment",
                         what);
    }
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.attachment = attachment;
    if (remove) {
        eni__mock_drop_device(m, (uint32_t)(d - m->devs));
        m->counters.removals++;
        ev.type = ENI_BEV_DEVICE_REMOVED;
        rc = eni_backend_post(m->host, &ev);
    } else if (d->link_up != up) {
        d->link_up = up;
        ev.type = ENI_BEV_LINK;
        ev.link_up = up;
        rc = eni_backend_post(m->host, &ev);
    }
    leave(ctx, m);
    return rc;
}

int eni_mock_remove_device(eni_ctx *ctx, eni_attachment_id attachment)
{
    return device_event(ctx, attachment, 1, 0, "eni_mock_remove_device");
}

int eni_mock_set_link(eni_ctx *ctx, eni_attachment_id attachment, uint32_t up)
{
    if (up > 1)
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_set_link: up must be 0 or 1");
    return device_event(ctx, attachment, 0, up, "eni_mock_set_link");
}

int eni_mock_get_counters(eni_ctx *ctx, eni_mock_counters *out)
{
    if (!out)
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_get_counters: out is NULL");
    struct mock *m;
    int rc = enter(ctx, "eni_mock_get_counters", &m);
    if (rc != ENI_OK)
        return rc;
    eni_mock_counters c = m->counters;
    c.size = sizeof c;
    c.devices = m->ndev;
    leave(ctx, m);
    uint32_t size;
    memcpy(&size, out, sizeof size);
    if (!eni__struct_copy_out(out, size, &c, sizeof c, sizeof c))
        return eni__fail(ENI_EINVAL, NULL, "eni_mock_get_counters: out->size %u is too small",
                         size);
    return ENI_OK;
}
