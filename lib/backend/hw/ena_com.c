/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The ENA/EFA control path (ena_com.h). */
#include "ena_com.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>

#include "eni/errors.h"

#define MS 1000000ull

/* Ordering between memory the device reads by DMA and its registers: a
 * CPU fence is not enough on arm64 (Graviton runs ENA), where DMA-visible
 * stores need an outer-shareable barrier before the doorbell (Linux's
 * dma_wmb/dma_rmb). x86 orders them already; the compiler must not. */
#if defined(__aarch64__)
#define io_wmb() __asm__ volatile("dmb oshst" ::: "memory")
#define io_rmb() __asm__ volatile("dmb oshld" ::: "memory")
#else
#define io_wmb() atomic_thread_fence(memory_order_release)
#define io_rmb() atomic_thread_fence(memory_order_acquire)
#endif
enum { LOG_ERROR = 1, LOG_WARN = 2, LOG_DEBUG = 4 };

/* Defaults the device may override through CAPS (section 3). */
#define ENA_ADMIN_TIMEOUT_DEFAULT (3000 * MS)
#define EFA_ADMIN_TIMEOUT_DEFAULT (30000 * MS)
#define ENA_MMIO_TIMEOUT (200 * MS)
#define ENA_KEEP_ALIVE_TIMEOUT (6000 * MS)
#define EFA_MMIO_TIMEOUT (50 * MS)
/* Poll back-off: from 1 us doubling to 5 ms (reset and admin waits). */
#define BACKOFF_MIN 1000ull
#define BACKOFF_MAX (5 * MS)

static int fail(struct eni_hw_dev *dev, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct eni_hw_dev *dev, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dev->why, sizeof dev->why, fmt, ap);
    va_end(ap);
    if (dev->pf && dev->pf->log)
        dev->pf->log(dev->pf->ud, LOG_ERROR, dev->why);
    return rc;
}

static void wr(struct eni_hw_dev *dev, uint32_t off, uint32_t v)
{
    dev->pf->write32(dev->pf->ud, off, v);
}

static uint64_t now(struct eni_hw_dev *dev)
{
    return dev->pf->now_ns(dev->pf->ud);
}

static uint64_t backoff(struct eni_hw_dev *dev, uint64_t step)
{
    dev->pf->sleep_ns(dev->pf->ud, step);
    return step * 2 > BACKOFF_MAX ? BACKOFF_MAX : step * 2;
}

static const char *kind_name(const struct eni_hw_dev *dev)
{
    return dev->kind == ENI_HW_EFA ? "EFA" : "ENA";
}

/* ---- registers ---------------------------------------------------------------- */

static void set_mmio_resp_addr(struct eni_hw_dev *dev)
{
    wr(dev, ENA_REG_MMIO_RESP_LO, (uint32_t)dev->mmio_resp_iova);
    wr(dev, ENA_REG_MMIO_RESP_HI, (uint32_t)(dev->mmio_resp_iova >> 32));
}

int eni__hw_read_reg(struct eni_hw_dev *dev, uint32_t off, uint32_t *out)
{
    if (!dev->mmio_resp)
        return fail(dev, ENI_ESTATE, "hw: register read on a device that is not set up");
    if (!dev->readless) {
        *out = dev->pf->read32(dev->pf->ud, off);
        return ENI_OK;
    }
    /* Read-less: ask the device to DMA {seq, offset, value} into the
     * response buffer, after poisoning the id so a stale answer is seen. */
    uint16_t seq = ++dev->mmio_seq;
    uint8_t *r = dev->mmio_resp;
    ena_put16(r, 0, (uint16_t)(seq + (dev->kind == ENI_HW_EFA ? 0x9a : 0xdead)));
    io_wmb();
    wr(dev, ENA_REG_MMIO_REG_READ, ENA_MMIO_READ_REQ(off, seq));
    uint64_t deadline = now(dev) + dev->mmio_timeout_ns, step = BACKOFF_MIN;
    for (;;) {
        io_rmb();
        if (ena_get16(r, 0) == seq) {
            if (ena_get16(r, 2) != off)
                return fail(dev, ENI_EBACKEND,
                            "%s read-less read of register 0x%x answered for 0x%x",
                            kind_name(dev), off, ena_get16(r, 2));
            *out = ena_get32(r, 4);
            return ENI_OK;
        }
        if (now(dev) >= deadline) {
            *out = 0xffffffffu;
            return fail(dev, ENI_ETIMEDOUT,
                        "%s read-less read of register 0x%x: no answer within %llu ms",
                        kind_name(dev), off, (unsigned long long)(dev->mmio_timeout_ns / MS));
        }
        step = backoff(dev, step > 100000 ? 100000 : step);
    }
}

/* Poll DEV_STS until (sts & mask) == want, within the reset timeout. */
static int wait_sts(struct eni_hw_dev *dev, uint32_t mask, uint32_t want, const char *what)
{
    uint64_t deadline = now(dev) + dev->reset_timeout_ns, step = 100000; /* from 100 us */
    for (;;) {
        uint32_t sts;
        int rc = eni__hw_read_reg(dev, ENA_REG_DEV_STS, &sts);
        if (rc != ENI_OK)
            return rc;
        if ((sts & mask) == want)
            return ENI_OK;
        if (now(dev) >= deadline)
            return fail(dev, ENI_ETIMEDOUT, "%s reset: %s did not happen within %llu ms "
                        "(DEV_STS 0x%x)", kind_name(dev), what,
                        (unsigned long long)(dev->reset_timeout_ns / MS), sts);
        step = backoff(dev, step);
    }
}

/* ---- DMA ------------------------------------------------------------------------ */

static int ring_alloc(struct eni_hw_dev *dev, struct eni_hw_ring *r, uint32_t depth)
{
    void *va;
    if (dev->pf->dma_alloc(dev->pf->ud, (size_t)depth * ENA_ENTRY_SIZE, &va, &r->iova) != 0)
        return fail(dev, ENI_ENOMEM, "%s: no DMA memory for a %u-entry queue", kind_name(dev),
                    depth);
    r->va = va;
    r->depth = depth;
    return ENI_OK;
}

static void ring_free(struct eni_hw_dev *dev, struct eni_hw_ring *r)
{
    if (r->va)
        dev->pf->dma_free(dev->pf->ud, r->va, (size_t)r->depth * ENA_ENTRY_SIZE, r->iova);
    r->va = NULL;
}

static bool addr_fits(const struct eni_hw_dev *dev, uint64_t iova, size_t len)
{
    if (dev->dma_width >= 64)
        return true;
    /* the last byte must be reachable; iova + len could wrap, so no sum */
    uint64_t top = (1ull << dev->dma_width) - 1;
    return iova <= top && (len == 0 || len - 1 <= top - iova);
}

/* ---- bring-up -------------------------------------------------------------------- */

static int dev_reset(struct eni_hw_dev *dev, uint32_t reason)
{
    uint32_t sts, caps;
    int rc = eni__hw_read_reg(dev, ENA_REG_DEV_STS, &sts);
    if (rc == ENI_OK)
        rc = eni__hw_read_reg(dev, ENA_REG_CAPS, &caps);
    if (rc != ENI_OK)
        return rc;
    if (!(sts & ENA_DEV_STS_READY))
        return fail(dev, ENI_EBACKEND, "%s reset: the device is not ready (DEV_STS 0x%x)",
                    kind_name(dev), sts);
    if (ENA_CAPS_RESET_TIMEOUT(caps) == 0)
        return fail(dev, ENI_EBACKEND, "%s reset: the device advertises no reset timeout "
                    "(CAPS 0x%x)", kind_name(dev), caps);
    dev->reset_timeout_ns = ENA_CAPS_RESET_TIMEOUT(caps) * 100 * MS;
    wr(dev, ENA_REG_DEV_CTL, ENA_DEV_CTL_RESET | ENA_DEV_CTL_REASON(reason));
    set_mmio_resp_addr(dev); /* the reset clears it */
    rc = wait_sts(dev, ENA_DEV_STS_RESET_IN_PROGRESS, ENA_DEV_STS_RESET_IN_PROGRESS,
                  "entering reset");
    if (rc != ENI_OK)
        return rc;
    wr(dev, ENA_REG_DEV_CTL, 0);
    rc = wait_sts(dev, ENA_DEV_STS_RESET_IN_PROGRESS, 0, "leaving reset");
    if (rc != ENI_OK)
        return rc;
    uint32_t admin = ENA_CAPS_ADMIN_TIMEOUT(caps);
    dev->admin_timeout_ns = admin ? admin * 100 * MS
                            : dev->kind == ENI_HW_EFA ? EFA_ADMIN_TIMEOUT_DEFAULT
                                                      : ENA_ADMIN_TIMEOUT_DEFAULT;
    dev->resets++;
    return ENI_OK;
}

static int check_versions(struct eni_hw_dev *dev)
{
    uint32_t ver, ctrl, caps;
    int rc = eni__hw_read_reg(dev, ENA_REG_VERSION, &ver);
    if (rc == ENI_OK)
        rc = eni__hw_read_reg(dev, ENA_REG_CONTROLLER_VERSION, &ctrl);
    if (rc == ENI_OK)
        rc = eni__hw_read_reg(dev, ENA_REG_CAPS, &caps);
    if (rc != ENI_OK)
        return rc;
    if (ENA_CTRL_VERSION_NO_IMPL(ctrl) < 1)
        return fail(dev, ENI_ENOTSUP, "%s controller version %u.%u.%u is older than 0.0.1",
                    kind_name(dev), (ctrl >> 16) & 0xff, (ctrl >> 8) & 0xff, ctrl & 0xff);
    uint32_t width = ENA_CAPS_DMA_WIDTH(caps);
    if (width < 32 || width > (dev->kind == ENI_HW_EFA ? 64u : 48u))
        return fail(dev, ENI_ENOTSUP, "%s DMA address width %u bits is outside 32..%u",
                    kind_name(dev), width, dev->kind == ENI_HW_EFA ? 64 : 48);
    dev->dma_width = width;
    return ENI_OK;
}

/* Point the device at fresh, zeroed rings and restart the phase walk. */
static int admin_start(struct eni_hw_dev *dev)
{
    uint32_t sts;
    int rc = eni__hw_read_reg(dev, ENA_REG_DEV_STS, &sts);
    if (rc != ENI_OK)
        return rc;
    if (!(sts & ENA_DEV_STS_READY))
        return fail(dev, ENI_EBACKEND, "%s admin init: the device is not ready (DEV_STS 0x%x)",
                    kind_name(dev), sts);
    struct eni_hw_ring *rings[3] = {&dev->aq, &dev->acq, &dev->aenq};
    for (int i = 0; i < 3; i++) {
        memset(rings[i]->va, 0, (size_t)rings[i]->depth * ENA_ENTRY_SIZE);
        rings[i]->counter = 0;
        rings[i]->phase = 1;
        if (!addr_fits(dev, rings[i]->iova, (size_t)rings[i]->depth * ENA_ENTRY_SIZE))
            return fail(dev, ENI_EBACKEND, "%s admin init: queue at 0x%llx is beyond the "
                        "device's %u-bit DMA reach", kind_name(dev),
                        (unsigned long long)rings[i]->iova, dev->dma_width);
    }
    io_wmb();
    wr(dev, ENA_REG_AQ_BASE_LO, (uint32_t)dev->aq.iova);
    wr(dev, ENA_REG_AQ_BASE_HI, (uint32_t)(dev->aq.iova >> 32));
    wr(dev, ENA_REG_ACQ_BASE_LO, (uint32_t)dev->acq.iova);
    wr(dev, ENA_REG_ACQ_BASE_HI, (uint32_t)(dev->acq.iova >> 32));
    wr(dev, ENA_REG_AQ_CAPS, ENA_QUEUE_CAPS(dev->aq.depth, ENA_ENTRY_SIZE));
    bool efa = dev->kind == ENI_HW_EFA;
    wr(dev, ENA_REG_ACQ_CAPS, efa ? EFA_QUEUE_CAPS(dev->acq.depth, ENA_ENTRY_SIZE, dev->msix_vector)
                                  : ENA_QUEUE_CAPS(dev->acq.depth, ENA_ENTRY_SIZE));
    wr(dev, ENA_REG_AENQ_BASE_LO, (uint32_t)dev->aenq.iova);
    wr(dev, ENA_REG_AENQ_BASE_HI, (uint32_t)(dev->aenq.iova >> 32));
    wr(dev, ENA_REG_AENQ_CAPS, efa ? EFA_QUEUE_CAPS(dev->aenq.depth, ENA_ENTRY_SIZE, dev->msix_vector)
                                   : ENA_QUEUE_CAPS(dev->aenq.depth, ENA_ENTRY_SIZE));
    /* ENA counts its AENQ head from the depth (every slot free); EFA from 0,
     * written at once (section 4). */
    dev->aenq.counter = efa ? 0 : dev->aenq.depth;
    if (efa)
        wr(dev, ENA_REG_AENQ_HEAD_DB, 0);
    wr(dev, ENA_REG_INTR_MASK, ENA_INTR_MASK_ADMIN); /* polling mode */
    dev->admin_running = true;
    return ENI_OK;
}

static int configure_features(struct eni_hw_dev *dev)
{
    uint8_t resp[ENA_RESP_SIZE];
    bool efa = dev->kind == ENI_HW_EFA;
    /* The device attributes say which other features exist. */
    dev->supported_features = 1u << 1;
    int rc = eni__hw_get_feature(dev, efa ? EFA_FEAT_DEVICE_ATTR : ENA_FEAT_DEVICE_ATTRIBUTES,
                                0, resp);
    if (rc != ENI_OK)
        return rc;
    dev->supported_features = efa ? ena_get64(resp, EFA_DA_SUPPORTED_FEATURES)
                                  : ena_get32(resp, ENA_DA_SUPPORTED_FEATURES);
    dev->supported_features |= 1u << 1;
    uint8_t aenq_feat = efa ? EFA_FEAT_AENQ_CONFIG : ENA_FEAT_AENQ_CONFIG;
    uint32_t wanted = efa ? (1u << ENA_AENQ_FATAL_ERROR | 1u << ENA_AENQ_WARNING |
                             1u << ENA_AENQ_NOTIFICATION | 1u << ENA_AENQ_KEEP_ALIVE)
                          : (1u << ENA_AENQ_LINK_CHANGE | 1u << ENA_AENQ_FATAL_ERROR |
                             1u << ENA_AENQ_WARNING | 1u << ENA_AENQ_NOTIFICATION |
                             1u << ENA_AENQ_KEEP_ALIVE | 1u << ENA_AENQ_CONF_NOTIFICATIONS |
                             1u << ENA_AENQ_DEVICE_REQUEST_RESET);
    rc = eni__hw_get_feature(dev, aenq_feat, 0, resp);
    if (rc != ENI_OK)
        return rc;
    dev->aenq_supported = ena_get32(resp, ENA_AENQ_CFG_SUPPORTED);
    uint8_t set[8] = {0};
    ena_put32(set, ENA_AENQ_CFG_ENABLED, wanted & dev->aenq_supported);
    rc = eni__hw_set_feature(dev, aenq_feat, 0, set, sizeof set);
    if (rc != ENI_OK)
        return rc;
    dev->aenq_enabled = wanted & dev->aenq_supported;
    if (!efa)
        wr(dev, ENA_REG_AENQ_HEAD_DB, dev->aenq.counter); /* hand every slot to the device */
    return ENI_OK;
}

int eni__hw_init(struct eni_hw_dev *dev, const struct eni_hw_platform *pf, unsigned kind,
                uint8_t pci_revision)
{
    memset(dev, 0, sizeof *dev);
    dev->pf = pf;
    if (!pf || !pf->read32 || !pf->write32 || !pf->dma_alloc || !pf->dma_free || !pf->now_ns ||
        !pf->sleep_ns)
        return fail(dev, ENI_EINVAL, "hw: incomplete platform ops");
    if (kind != ENI_HW_ENA && kind != ENI_HW_EFA)
        return fail(dev, ENI_EINVAL, "hw: unknown device kind %u", kind);
    dev->kind = kind;
    dev->readless = kind == ENI_HW_EFA || !(pci_revision & ENA_REVISION_NO_READLESS);
    dev->mmio_timeout_ns = kind == ENI_HW_EFA ? EFA_MMIO_TIMEOUT : ENA_MMIO_TIMEOUT;
    dev->dma_width = 64; /* until CAPS says */
    void *va;
    if (pf->dma_alloc(pf->ud, ENA_MMIO_RESP_SIZE, &va, &dev->mmio_resp_iova) != 0)
        return fail(dev, ENI_ENOMEM, "%s: no DMA memory for read-less reads", kind_name(dev));
    dev->mmio_resp = va;
    set_mmio_resp_addr(dev);
    int rc = ring_alloc(dev, &dev->aq, ENA_ADMIN_DEPTH);
    if (rc == ENI_OK)
        rc = ring_alloc(dev, &dev->acq, ENA_ADMIN_DEPTH);
    if (rc == ENI_OK)
        rc = ring_alloc(dev, &dev->aenq, ENA_AENQ_DEPTH);
    if (rc == ENI_OK)
        rc = dev_reset(dev, ENA_RESET_NORMAL);
    if (rc == ENI_OK)
        rc = check_versions(dev);
    if (rc == ENI_OK && !addr_fits(dev, dev->mmio_resp_iova, ENA_MMIO_RESP_SIZE))
        rc = fail(dev, ENI_EBACKEND, "%s: read-less buffer beyond the %u-bit DMA reach",
                  kind_name(dev), dev->dma_width);
    if (rc == ENI_OK)
        rc = admin_start(dev);
    if (rc == ENI_OK)
        rc = configure_features(dev);
    if (rc != ENI_OK) {
        char why[sizeof dev->why];
        memcpy(why, dev->why, sizeof why);
        eni__hw_quiesce(dev); /* it may hold our ring addresses: make it forget them */
        eni__hw_fini(dev);
        memcpy(dev->why, why, sizeof why);
        return rc;
    }
    dev->up = true;
    dev->link_up = true;
    return ENI_OK;
}

void eni__hw_quiesce(struct eni_hw_dev *dev)
{
    if (!dev->pf || !dev->mmio_resp || dev->quiesced)
        return;
    /* A reset makes the device drop every queue address we gave it. Only
     * its start is waited for, and briefly: a dead device must not stall
     * the teardown, and one held in reset does no DMA. The read-less
     * buffer is handed back after the reset cleared it, as in dev_reset. */
    wr(dev, ENA_REG_DEV_CTL, ENA_DEV_CTL_RESET | ENA_DEV_CTL_REASON(0));
    set_mmio_resp_addr(dev);
    uint64_t saved = dev->reset_timeout_ns;
    dev->reset_timeout_ns = saved && saved < 100 * MS ? saved : 100 * MS;
    char why[sizeof dev->why];
    memcpy(why, dev->why, sizeof why);
    (void)wait_sts(dev, ENA_DEV_STS_RESET_IN_PROGRESS, ENA_DEV_STS_RESET_IN_PROGRESS,
                   "entering reset");
    memcpy(dev->why, why, sizeof why);
    dev->reset_timeout_ns = saved;
    wr(dev, ENA_REG_MMIO_RESP_LO, 0); /* and no read-less buffer either */
    wr(dev, ENA_REG_MMIO_RESP_HI, 0);
    dev->quiesced = true;
    dev->up = false;
    dev->admin_running = false;
}

void eni__hw_fini(struct eni_hw_dev *dev)
{
    if (!dev->pf)
        return;
    eni__hw_quiesce(dev);
    ring_free(dev, &dev->aq);
    ring_free(dev, &dev->acq);
    ring_free(dev, &dev->aenq);
    if (dev->mmio_resp)
        dev->pf->dma_free(dev->pf->ud, dev->mmio_resp, ENA_MMIO_RESP_SIZE, dev->mmio_resp_iova);
    dev->mmio_resp = NULL;
    if (dev->host_info)
        dev->pf->dma_free(dev->pf->ud, dev->host_info, ENA_HOST_INFO_SIZE, dev->host_info_iova);
    dev->host_info = NULL;
    dev->up = false;
    dev->admin_running = false;
}

int eni__hw_reset(struct eni_hw_dev *dev, uint32_t reason)
{
    if (!dev->aq.va)
        return fail(dev, ENI_ESTATE, "hw: reset of a device that was never brought up");
    dev->admin_running = false;
    dev->reset_requested = false;
    dev->quiesced = false;
    int rc = dev_reset(dev, reason);
    if (rc == ENI_OK)
        rc = admin_start(dev);
    if (rc == ENI_OK)
        rc = configure_features(dev);
    if (rc == ENI_OK && dev->host_info) { /* the device forgot it */
        uint8_t p[20] = {0};
        ena_put_addr48(p, ENA_HOST_ATTR_INFO_BA, dev->host_info_iova);
        rc = eni__hw_set_feature(dev, ENA_FEAT_HOST_ATTR_CONFIG, 0, p, sizeof p);
    }
    return rc;
}

int eni__hw_health(struct eni_hw_dev *dev)
{
    if (!dev->up)
        return fail(dev, ENI_ESTATE, "hw: the device is not up");
    uint32_t sts;
    int rc = eni__hw_read_reg(dev, ENA_REG_DEV_STS, &sts);
    if (rc != ENI_OK)
        return rc;
    bool efa = dev->kind == ENI_HW_EFA;
    dev->reset_reason = efa ? EFA_RESET_GENERIC : ENA_RESET_GENERIC;
    if (sts == 0xffffffffu)
        return fail(dev, ENI_EBACKEND, "%s reads as all ones: the function is gone", kind_name(dev));
    if (sts & ENA_DEV_STS_FATAL_ERROR)
        return fail(dev, ENI_EBACKEND, "%s reports a fatal error (DEV_STS 0x%x)", kind_name(dev), sts);
    if (dev->reset_requested)
        return fail(dev, ENI_EBACKEND, "%s asked to be reset (AENQ)", kind_name(dev));
    if (!(sts & ENA_DEV_STS_READY))
        return fail(dev, ENI_EBACKEND, "%s is no longer ready (DEV_STS 0x%x)", kind_name(dev), sts);
    if (!dev->admin_running) {
        dev->reset_reason = efa ? EFA_RESET_ADMIN_TO : ENA_RESET_ADMIN_TO;
        return fail(dev, ENI_EBACKEND, "%s admin queue stopped after a timeout", kind_name(dev));
    }
    /* Keep-alives are watched once the first has come: the device sends
     * them about every second; Linux gives up after 6 s. */
    if (dev->last_keep_alive_ns && now(dev) - dev->last_keep_alive_ns > ENA_KEEP_ALIVE_TIMEOUT) {
        dev->reset_reason = efa ? EFA_RESET_GENERIC : ENA_RESET_KEEP_ALIVE_TO;
        return fail(dev, ENI_EBACKEND, "%s sent no keep-alive for %llu ms", kind_name(dev),
                    (unsigned long long)((now(dev) - dev->last_keep_alive_ns) / MS));
    }
    return ENI_OK;
}

/* ---- admin queue --------------------------------------------------------------------- */

static int status_rc(struct eni_hw_dev *dev, uint8_t opcode, uint8_t status, uint16_t ext)
{
    static const char *const names[] = {"success", "resource allocation failure",
                                        "bad opcode", "unsupported opcode", "malformed request",
                                        "illegal parameter", "unknown error", "resource busy"};
    const char *name = status < 8 ? names[status] : "undefined status";
    int rc = status == ENA_STATUS_RESOURCE_ALLOCATION_FAILURE ? ENI_ENOMEM
             : status == ENA_STATUS_UNSUPPORTED_OPCODE       ? ENI_ENOTSUP
             : status == ENA_STATUS_RESOURCE_BUSY            ? ENI_EBUSY
             : status < 8                                    ? ENI_EINVAL
                                                             : ENI_EBACKEND;
    return fail(dev, rc, "%s admin opcode %u failed: %s (status %u, extended 0x%x)",
                kind_name(dev), opcode, name, status, ext);
}

int eni__hw_admin(struct eni_hw_dev *dev, uint8_t opcode, const uint8_t cmd[64], uint8_t resp[56])
{
    if (!dev->aq.va)
        return fail(dev, ENI_ESTATE, "hw: the device was never brought up");
    if (!dev->admin_running)
        return fail(dev, ENI_ESTATE, "%s admin queue stopped after a timeout; the device needs "
                    "a reset", kind_name(dev));
    uint16_t id = (uint16_t)(dev->cmd_seq++ & ENA_CMD_ID_MASK);
    uint32_t mask = dev->aq.depth - 1;
    uint8_t *e = dev->aq.va + (size_t)(dev->aq.counter & mask) * ENA_ENTRY_SIZE;
    memcpy(e, cmd, ENA_ENTRY_SIZE);
    ena_put16(e, 0, id);
    e[2] = opcode;
    e[3] = (uint8_t)((cmd[3] & ~ENA_CMD_FLAG_PHASE) | dev->aq.phase);
    dev->aq.counter++;
    if ((dev->aq.counter & mask) == 0)
        dev->aq.phase ^= 1;
    io_wmb(); /* the entry before the doorbell */
    wr(dev, ENA_REG_AQ_DB, dev->aq.counter);
    dev->admin_commands++;

    uint32_t cmask = dev->acq.depth - 1;
    uint64_t deadline = now(dev) + dev->admin_timeout_ns, step = BACKOFF_MIN;
    for (;;) {
        uint8_t *c = dev->acq.va + (size_t)(dev->acq.counter & cmask) * ENA_ENTRY_SIZE;
        if ((c[3] & ENA_CMD_FLAG_PHASE) == dev->acq.phase) {
            io_rmb(); /* the phase before the rest */
            dev->acq.counter++;
            if ((dev->acq.counter & cmask) == 0)
                dev->acq.phase ^= 1;
            if ((ena_get16(c, 0) & ENA_CMD_ID_MASK) != id) {
                dev->stale_completions++; /* a late answer to an earlier command */
                if (now(dev) < deadline)
                    continue;
                dev->admin_running = false;
                return fail(dev, ENI_ETIMEDOUT, "%s admin opcode %u: only stale completions "
                            "until the deadline", kind_name(dev), opcode);
            }
            if (resp)
                memcpy(resp, c + ENA_RESP_OFF, ENA_RESP_SIZE);
            return c[2] == ENA_STATUS_SUCCESS ? ENI_OK : status_rc(dev, opcode, c[2], ena_get16(c, 4));
        }
        if (now(dev) >= deadline) {
            dev->admin_running = false;
            return fail(dev, ENI_ETIMEDOUT, "%s admin opcode %u: no completion within %llu ms; "
                        "the admin queue is stopped until the device is reset", kind_name(dev),
                        opcode, (unsigned long long)(dev->admin_timeout_ns / MS));
        }
        step = backoff(dev, step);
    }
}

static bool feature_known(const struct eni_hw_dev *dev, uint8_t feature)
{
    return feature < 64 && (dev->supported_features >> feature & 1);
}

static void feature_cmd(const struct eni_hw_dev *dev, uint8_t cmd[64], uint8_t feature,
                        uint8_t version)
{
    memset(cmd, 0, 64);
    if (dev->kind == ENI_HW_ENA)
        cmd[ENA_FEAT_HDR_OFF] = ENA_FEAT_SELECT_CURRENT;
    cmd[ENA_FEAT_HDR_OFF + 1] = feature;
    if (dev->kind == ENI_HW_ENA)
        cmd[ENA_FEAT_HDR_OFF + 2] = version;
}

int eni__hw_get_feature(struct eni_hw_dev *dev, uint8_t feature, uint8_t version, uint8_t resp[56])
{
    if (!feature_known(dev, feature))
        return fail(dev, ENI_ENOTSUP, "%s does not support feature %u", kind_name(dev), feature);
    uint8_t cmd[64];
    feature_cmd(dev, cmd, feature, version);
    return eni__hw_admin(dev, dev->kind == ENI_HW_EFA ? EFA_OP_GET_FEATURE : ENA_OP_GET_FEATURE,
                        cmd, resp);
}

int eni__hw_set_feature(struct eni_hw_dev *dev, uint8_t feature, uint8_t version,
                       const uint8_t *payload, size_t len)
{
    if (len > ENA_FEAT_PAYLOAD_SIZE)
        return fail(dev, ENI_EINVAL, "hw: a feature payload is at most %d bytes",
                    ENA_FEAT_PAYLOAD_SIZE);
    if (!feature_known(dev, feature))
        return fail(dev, ENI_ENOTSUP, "%s does not support feature %u", kind_name(dev), feature);
    uint8_t cmd[64];
    feature_cmd(dev, cmd, feature, version);
    if (len)
        memcpy(cmd + ENA_FEAT_PAYLOAD_OFF, payload, len);
    return eni__hw_admin(dev, dev->kind == ENI_HW_EFA ? EFA_OP_SET_FEATURE : ENA_OP_SET_FEATURE,
                        cmd, NULL);
}

/* ---- ENA features ----------------------------------------------------------------------- */

static int want_kind(struct eni_hw_dev *dev, unsigned kind, const char *call)
{
    if (dev->kind != kind)
        return fail(dev, ENI_ENOTSUP, "%s: not a%s device", call, kind == ENI_HW_EFA ? "n EFA" : "n ENA");
    return ENI_OK;
}

int eni__ena_get_attrs(struct eni_hw_dev *dev, struct eni_ena_attrs *out)
{
    uint8_t r[ENA_RESP_SIZE];
    int rc = want_kind(dev, ENI_HW_ENA, "eni__ena_get_attrs");
    if (rc == ENI_OK)
        rc = eni__hw_get_feature(dev, ENA_FEAT_DEVICE_ATTRIBUTES, 0, r);
    if (rc != ENI_OK)
        return rc;
    out->impl_id = ena_get32(r, ENA_DA_IMPL_ID);
    out->device_version = ena_get32(r, ENA_DA_DEVICE_VERSION);
    out->supported_features = ena_get32(r, ENA_DA_SUPPORTED_FEATURES);
    out->capabilities = ena_get32(r, ENA_DA_CAPABILITIES);
    out->phys_addr_width = ena_get32(r, ENA_DA_PHYS_ADDR_WIDTH);
    out->virt_addr_width = ena_get32(r, ENA_DA_VIRT_ADDR_WIDTH);
    memcpy(out->mac, r + ENA_DA_MAC, 6);
    out->flow_steering_entries = ena_get16(r, ENA_DA_FLOW_STEERING);
    out->max_mtu = ena_get32(r, ENA_DA_MAX_MTU);
    return ENI_OK;
}

int eni__ena_set_mtu(struct eni_hw_dev *dev, uint32_t mtu)
{
    int rc = want_kind(dev, ENI_HW_ENA, "eni__ena_set_mtu");
    if (rc != ENI_OK)
        return rc;
    uint8_t p[4];
    ena_put32(p, 0, mtu);
    return eni__hw_set_feature(dev, ENA_FEAT_MTU, 0, p, sizeof p);
}

static void put_str(uint8_t *page, unsigned off, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(page + off, s, n);
    page[off + n] = 0;
}

int eni__ena_set_host_info(struct eni_hw_dev *dev, const struct eni_hw_host_info *hi)
{
    int rc = want_kind(dev, ENI_HW_ENA, "eni__ena_set_host_info");
    if (rc != ENI_OK)
        return rc;
    if (!dev->host_info) {
        void *va;
        if (dev->pf->dma_alloc(dev->pf->ud, ENA_HOST_INFO_SIZE, &va, &dev->host_info_iova) != 0)
            return fail(dev, ENI_ENOMEM, "ENA: no DMA memory for the host-info page");
        dev->host_info = va;
    }
    uint8_t *pg = dev->host_info;
    memset(pg, 0, ENA_HOST_INFO_SIZE);
    ena_put32(pg, ENA_HI_OS_TYPE, hi->os_type);
    put_str(pg, ENA_HI_OS_DIST_STR, 128, hi->os_dist);
    put_str(pg, ENA_HI_KERNEL_VER_STR, 32, hi->kernel_version);
    ena_put32(pg, ENA_HI_DRIVER_VERSION, hi->driver_version);
    ena_put16(pg, ENA_HI_BDF, hi->bdf);
    ena_put16(pg, ENA_HI_NUM_CPUS, hi->num_cpus);
    io_wmb();
    uint8_t p[20] = {0};
    ena_put_addr48(p, ENA_HOST_ATTR_INFO_BA, dev->host_info_iova);
    return eni__hw_set_feature(dev, ENA_FEAT_HOST_ATTR_CONFIG, 0, p, sizeof p);
}

int eni__ena_get_stats(struct eni_hw_dev *dev, struct eni_ena_stats *out)
{
    int rc = want_kind(dev, ENI_HW_ENA, "eni__ena_get_stats");
    if (rc != ENI_OK)
        return rc;
    uint8_t cmd[64] = {0}, r[ENA_RESP_SIZE];
    cmd[ENA_STATS_TYPE_OFF] = ENA_STATS_BASIC;
    cmd[ENA_STATS_SCOPE_OFF] = ENA_STATS_SCOPE_ETH;
    ena_put16(cmd, ENA_STATS_DEVICE_OFF, 0xffff);
    rc = eni__hw_admin(dev, ENA_OP_GET_STATS, cmd, r);
    if (rc != ENI_OK)
        return rc;
    uint64_t *f[] = {&out->tx_bytes, &out->tx_packets, &out->rx_bytes, &out->rx_packets,
                     &out->rx_drops, &out->tx_drops, &out->rx_overruns};
    for (unsigned i = 0; i < 7; i++)
        *f[i] = ena_get64(r, 8 * i);
    return ENI_OK;
}

/* ---- EFA features ----------------------------------------------------------------------- */

int eni__efa_get_attrs(struct eni_hw_dev *dev, struct eni_efa_attrs *out)
{
    uint8_t r[ENA_RESP_SIZE];
    int rc = want_kind(dev, ENI_HW_EFA, "eni__efa_get_attrs");
    if (rc == ENI_OK)
        rc = eni__hw_get_feature(dev, EFA_FEAT_DEVICE_ATTR, 0, r);
    if (rc != ENI_OK)
        return rc;
    out->supported_features = ena_get64(r, EFA_DA_SUPPORTED_FEATURES);
    out->page_size_cap = ena_get64(r, EFA_DA_PAGE_SIZE_CAP);
    out->fw_version = ena_get32(r, EFA_DA_FW_VERSION);
    out->admin_api_version = ena_get32(r, EFA_DA_ADMIN_API_VERSION);
    out->device_version = ena_get32(r, EFA_DA_DEVICE_VERSION);
    out->db_bar = ena_get16(r, EFA_DA_DB_BAR);
    out->phys_addr_width = r[EFA_DA_PHYS_ADDR_WIDTH];
    out->virt_addr_width = r[EFA_DA_VIRT_ADDR_WIDTH];
    out->device_caps = ena_get32(r, EFA_DA_DEVICE_CAPS);
    out->max_rdma_size = ena_get32(r, EFA_DA_MAX_RDMA_SIZE);
    out->guid = ena_get64(r, EFA_DA_GUID);
    out->max_link_speed_gbps = ena_get32(r, EFA_DA_MAX_LINK_SPEED);
    return ENI_OK;
}

int eni__efa_get_queue_attrs(struct eni_hw_dev *dev, struct eni_efa_queue_attrs *out)
{
    uint8_t r[ENA_RESP_SIZE];
    int rc = want_kind(dev, ENI_HW_EFA, "eni__efa_get_queue_attrs");
    if (rc == ENI_OK)
        rc = eni__hw_get_feature(dev, EFA_FEAT_QUEUE_ATTR_1, 0, r);
    if (rc != ENI_OK)
        return rc;
    out->max_qp = ena_get32(r, EFA_QA_MAX_QP);
    out->max_sq_depth = ena_get32(r, EFA_QA_MAX_SQ_DEPTH);
    out->inline_buf_size = ena_get32(r, EFA_QA_INLINE_BUF);
    out->max_rq_depth = ena_get32(r, EFA_QA_MAX_RQ_DEPTH);
    out->max_cq = ena_get32(r, EFA_QA_MAX_CQ);
    out->max_cq_depth = ena_get32(r, EFA_QA_MAX_CQ_DEPTH);
    out->sub_cqs_per_cq = ena_get16(r, EFA_QA_SUB_CQS_PER_CQ);
    out->min_sq_depth = ena_get16(r, EFA_QA_MIN_SQ_DEPTH);
    out->max_send_sges = ena_get16(r, EFA_QA_MAX_SEND_SGES);
    out->max_recv_sges = ena_get16(r, EFA_QA_MAX_RECV_SGES);
    out->max_mr = ena_get32(r, EFA_QA_MAX_MR);
    out->max_mr_pages = ena_get32(r, EFA_QA_MAX_MR_PAGES);
    out->max_pd = ena_get32(r, EFA_QA_MAX_PD);
    out->max_ah = ena_get32(r, EFA_QA_MAX_AH);
    out->max_llq_size = ena_get32(r, EFA_QA_MAX_LLQ);
    out->max_rdma_sges = ena_get16(r, EFA_QA_MAX_RDMA_SGES);
    out->max_tx_batch = ena_get16(r, EFA_QA_MAX_TX_BATCH);
    return ENI_OK;
}

/* ---- AENQ ------------------------------------------------------------------------------- */

void eni__hw_set_aenq_handler(struct eni_hw_dev *dev, unsigned group, eni_hw_aenq_fn fn, void *ud)
{
    if (group < ENA_AENQ_GROUPS) {
        dev->aenq_fn[group] = fn;
        dev->aenq_ud[group] = ud;
    } else {
        dev->aenq_unknown = fn;
        dev->aenq_unknown_ud = ud;
    }
}

/* A timeout hint in ms. 0 keeps the current value; 0xffff ("no timeout")
 * and anything longer are held to a minute: a dead device must not be able
 * to stop every deadline of the layer. */
enum { HINT_MAX_MS = 60000 };

static void apply_hint(uint64_t *timeout_ns, uint16_t ms)
{
    if (ms)
        *timeout_ns = (uint64_t)(ms > HINT_MAX_MS ? HINT_MAX_MS : ms) * MS;
}

static void builtin_event(struct eni_hw_dev *dev, uint16_t group, uint16_t syndrome,
                          const uint8_t *p)
{
    bool efa = dev->kind == ENI_HW_EFA;
    switch (group) {
    case ENA_AENQ_LINK_CHANGE:
        dev->link_up = ena_get32(p, 0) & ENA_AENQ_LINK_UP;
        break;
    case ENA_AENQ_KEEP_ALIVE:
        dev->last_keep_alive_ns = now(dev);
        dev->ka_rx_drops = ena_get64(p, 0);
        dev->ka_tx_drops = ena_get64(p, 8);
        dev->ka_rx_overruns = ena_get64(p, 16);
        break;
    case ENA_AENQ_NOTIFICATION:
        /* hints, all u16 ms: mmio read, driver watchdog, missing tx, its
         * threshold, admin completion, netdev watchdog, tx sgl, rx sgl */
        /* (ENA's layout; EFA's hints are not documented in the reference,
         * so they are left alone) */
        if (!efa && syndrome == ENA_AENQ_SYNDROME_UPDATE_HINTS) {
            apply_hint(&dev->mmio_timeout_ns, ena_get16(p, 0));
            apply_hint(&dev->admin_timeout_ns, ena_get16(p, 8));
        }
        break;
    case ENA_AENQ_FATAL_ERROR:
    case ENA_AENQ_DEVICE_REQUEST_RESET:
        dev->reset_requested = true;
        break;
    default:
        break;
    }
}

int eni__hw_aenq_poll(struct eni_hw_dev *dev, uint32_t *handled)
{
    if (handled)
        *handled = 0;
    if (!dev->aenq.va)
        return fail(dev, ENI_ESTATE, "hw: the device was never brought up");
    /* At most one ring's worth per call: a device that keeps writing
     * entries with the expected phase must not keep its driver here. What
     * is left is handled on the next call. */
    uint32_t mask = dev->aenq.depth - 1, n = 0;
    while (n < dev->aenq.depth) {
        uint8_t *e = dev->aenq.va + (size_t)(dev->aenq.counter & mask) * ENA_ENTRY_SIZE;
        if ((e[4] & 1) != dev->aenq.phase)
            break;
        io_rmb();
        uint16_t group = ena_get16(e, 0), syndrome = ena_get16(e, 2);
        builtin_event(dev, group, syndrome, e + ENA_AENQ_PAYLOAD_OFF);
        eni_hw_aenq_fn fn = group < ENA_AENQ_GROUPS ? dev->aenq_fn[group] : NULL;
        void *ud = group < ENA_AENQ_GROUPS ? dev->aenq_ud[group] : NULL;
        if (!fn) {
            fn = dev->aenq_unknown;
            ud = dev->aenq_unknown_ud;
        }
        if (fn)
            fn(ud, group, syndrome, e + ENA_AENQ_PAYLOAD_OFF);
        dev->aenq.counter++;
        if ((dev->aenq.counter & mask) == 0)
            dev->aenq.phase ^= 1;
        n++;
    }
    if (n) {
        io_wmb();
        wr(dev, ENA_REG_AENQ_HEAD_DB, dev->aenq.counter);
        dev->aenq_events += n;
    }
    if (handled)
        *handled = n;
    return ENI_OK;
}
