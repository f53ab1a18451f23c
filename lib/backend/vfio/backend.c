/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The VFIO backend (eni/sys/vfio.h): a pool of Amazon PCI functions; an
 * attach claims one for the attachment, opens it through VFIO, brings the
 * device up with the ENA/EFA protocol layer and reads its MAC; a detach
 * resets and closes it; poll() handles the device's asynchronous events
 * (link changes become ENI_BEV_LINK) and its health. */
#include <errno.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/hw/ena_com.h"
#include "eni/nic.h"
#include "vfio_internal.h"

struct vfio_fn {
    eni_backend_host *host; /* for logging what the device reports */
    eni_vfio_function info;
    uint64_t attachment;    /* owner, 0 when free (so 0 is never an attachment here) */
    struct eni_vfio_dev vdev;
    struct eni_hw_dev hw;
    struct eni_hw_platform pf;
    uint8_t mac[6];
    bool link_up;
};

enum { MAX_BOUND = 64, FUNCTIONS_MAX = 1024 };
/* Switches of the configuration; the low bits are eni_vfio_sysfs_flags. */
enum { SW_BIND = 1u << 8, SW_UNSAFE_NOIOMMU = 1u << 9 };

struct vfio_config {
    char sysfs[ENI_VFIO_ROOT_MAX], dev[ENI_VFIO_ROOT_MAX];
    char functions[FUNCTIONS_MAX]; /* "a;b", or "" for every ready function */
    uint32_t switches;             /* SW_* | eni_vfio_sysfs_flags */
};

struct vfio_backend {
    eni_backend_host *host;
    const struct eni_vfio_sys *sys;
    struct vfio_config cfg;
    struct vfio_fn *fns;
    uint32_t nfns;
    /* functions this backend bound to vfio-pci (bind=1): given back to
     * their driver when it closes, or when opening fails half-way */
    char bound[MAX_BOUND][ENI_PCI_ADDR_MAX];
    uint32_t nbound;
};

/* ---- the protocol layer's platform, over one open function ------------------------------- */

static uint32_t pf_read32(void *ud, uint32_t off)
{
    struct vfio_fn *f = ud;
    uint32_t v;
    return eni__vfio_read32(&f->vdev, ENA_REG_BAR, off, &v) == ENI_OK ? v : 0xffffffffu;
}

static void pf_write32(void *ud, uint32_t off, uint32_t val)
{
    struct vfio_fn *f = ud;
    (void)eni__vfio_write32(&f->vdev, ENA_REG_BAR, off, val);
}

static int pf_dma_alloc(void *ud, size_t size, void **va, uint64_t *iova)
{
    return eni__vfio_dma_alloc(&((struct vfio_fn *)ud)->vdev, size, va, iova) == ENI_OK ? 0 : -1;
}

/* Log through the host, formatted first. */
static void ENI__VFIO_PRINTF(3, 4)
vfio_log(eni_backend_host *host, uint32_t level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    eni_backend_log(host, level, msg);
}

/* AENQ fatal-error and warning groups: the device's own word of trouble. */
static void on_device_trouble(void *ud, uint16_t group, uint16_t syndrome, const uint8_t *payload)
{
    (void)payload;
    struct vfio_fn *f = ud;
    vfio_log(f->host, group == ENA_AENQ_FATAL_ERROR ? ENI_LOG_ERROR : ENI_LOG_WARN,
             "vfio backend: %s reports a %s (syndrome %u)", f->info.address,
                  group == ENA_AENQ_FATAL_ERROR ? "fatal error" : "warning", syndrome);
}

static void pf_dma_free(void *ud, void *va, size_t size, uint64_t iova)
{
    eni__vfio_dma_free(&((struct vfio_fn *)ud)->vdev, va, size, iova);
}

static uint64_t pf_now(void *ud)
{
    (void)ud;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void pf_sleep(void *ud, uint64_t ns)
{
    (void)ud;
    struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- configuration ------------------------------------------------------------------------- */

static bool listed(const char *list, const char *address)
{
    size_t n = strlen(address);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && !strncmp(p, address, n))
            return true;
        p = end ? end + 1 : NULL;
    }
    return false;
}

static uint32_t sysfs_flags(const struct vfio_config *c)
{
    return c->switches & (ENI_VFIO_FOREIGN_ROOT | ENI_VFIO_FAKE_SYSFS);
}

static int set_text(char *dst, size_t cap, const char *key, const char *v, size_t vlen)
{
    /* cut short, a root names another tree: refuse instead */
    if (vlen >= cap)
        return eni__vfio_fail(ENI_EINVAL, ENAMETOOLONG,
                              "vfio backend: %s= is %zu characters long; at most %zu", key, vlen,
                              cap - 1);
    memcpy(dst, v, vlen);
    dst[vlen] = 0;
    return ENI_OK;
}

static int parse_setting(struct vfio_config *c, const char *k, size_t klen, const char *v,
                         size_t vlen)
{
    static const struct { const char *key; uint32_t bit; } switches[] = {
        {"bind", SW_BIND}, {"unsafe_noiommu", SW_UNSAFE_NOIOMMU},
        {"foreign_root", ENI_VFIO_FOREIGN_ROOT}, {"fake_sysfs", ENI_VFIO_FAKE_SYSFS}};
#define KEY_IS(name) (klen == sizeof(name) - 1 && !strncmp(k, name, klen))
    if (KEY_IS("sysfs"))
        return set_text(c->sysfs, sizeof c->sysfs, "sysfs", v, vlen);
    if (KEY_IS("dev"))
        return set_text(c->dev, sizeof c->dev, "dev", v, vlen);
    if (KEY_IS("functions"))
        return set_text(c->functions, sizeof c->functions, "functions", v, vlen);
#undef KEY_IS
    for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++)
        if (strlen(switches[i].key) == klen && !strncmp(k, switches[i].key, klen) && vlen == 1 &&
            (*v == '0' || *v == '1')) {
            c->switches = *v == '1' ? c->switches | switches[i].bit
                                    : c->switches & ~switches[i].bit;
            return ENI_OK;
        }
    return eni__vfio_fail(ENI_EINVAL, 0,
                          "vfio backend: unknown setting \"%.*s=%.*s\" (keys: sysfs, dev, "
                          "functions; bind, foreign_root, fake_sysfs, unsafe_noiommu take 0 or 1)",
                          (int)klen, k, (int)vlen, v);
}

/* Split "k=v,k=v" into the fields the backend knows. */
static int parse_config(const char *config, struct vfio_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->sysfs, sizeof c->sysfs, "/sys");
    snprintf(c->dev, sizeof c->dev, "/dev");
    for (const char *p = config; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return eni__vfio_fail(ENI_EINVAL, 0, "vfio backend: \"%.*s\" is not key=value",
                                  (int)len, p);
        size_t klen = (size_t)(eq - p);
        int rc = parse_setting(c, p, klen, eq + 1, len - klen - 1);
        if (rc != ENI_OK)
            return rc;
        p = end ? end + 1 : NULL;
    }
    /* Every Amazon function includes, on most hosts, the one the host's own
     * `ena` driver runs its primary interface on. */
    if ((c->switches & SW_BIND) && !*c->functions)
        return eni__vfio_fail(ENI_EINVAL, 0,
                              "vfio backend: bind=1 needs functions=<address;...>: binding every "
                              "Amazon function would take the host's own interface too");
    return ENI_OK;
}

static const char *readiness_words(uint32_t r)
{
    switch (r) {
    case ENI_VFIO_READY: return "ready";
    case ENI_VFIO_NOT_BOUND: return "not bound to vfio-pci";
    case ENI_VFIO_NO_IOMMU_GROUP: return "in no IOMMU group";
    case ENI_VFIO_SHARED_GROUP: return "in a group shared with devices of other drivers";
    case ENI_VFIO_NO_PERMISSION: return "not accessible to this process";
    default: return "missing its /dev/vfio node";
    }
}

static void vfio_close(void *instance);

/* bind=1: hand the listed functions that another driver holds to vfio-pci,
 * remembering each, so that closing gives them back. */
static int bind_listed(struct vfio_backend *b)
{
    eni_vfio_function *all;
    uint32_t n;
    int rc = eni__vfio_scan(b->cfg.sysfs, b->cfg.dev, &all, &n);
    if (rc != ENI_OK)
        return rc;
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        if (!listed(b->cfg.functions, all[i].address) || all[i].readiness != ENI_VFIO_NOT_BOUND)
            continue;
        if (b->nbound == MAX_BOUND)
            rc = eni__vfio_fail(ENI_ELIMIT, 0, "vfio backend: bind=1 binds at most %d functions",
                                MAX_BOUND);
        else if ((rc = eni_vfio_bind_flags(b->cfg.sysfs, all[i].address,
                                           sysfs_flags(&b->cfg))) == ENI_OK)
            memcpy(b->bound[b->nbound++], all[i].address, ENI_PCI_ADDR_MAX);
    }
    free(all);
    return rc;
}

/* Why a function the configuration allows is not in the pool, or NULL. */
static const char *unusable(const struct vfio_config *c, const eni_vfio_function *f)
{
    if (f->readiness != ENI_VFIO_READY)
        return readiness_words(f->readiness);
    /* no DMA isolation, and DMA pages held only by mlock (docs/vfio.md) */
    if (f->noiommu && !(c->switches & SW_UNSAFE_NOIOMMU))
        return "in a noiommu group (no DMA isolation; unsafe_noiommu=1 accepts the risk)";
    return NULL;
}

/* The pool: every allowed, usable function; the error says why when none is. */
static int fill_pool(struct vfio_backend *b, const eni_vfio_function *all, uint32_t n)
{
    char why[512] = "";
    size_t wl = 0;
    int rc = ENI_OK;
    for (uint32_t i = 0; rc == ENI_OK && i < n; i++) {
        if (*b->cfg.functions && !listed(b->cfg.functions, all[i].address))
            continue;
        const char *no = unusable(&b->cfg, &all[i]);
        if (no) {
            wl += (size_t)snprintf(why + wl, sizeof why - wl, "%s%s is %s", wl ? "; " : "",
                                   all[i].address, no);
            if (wl >= sizeof why)
                wl = sizeof why - 1; /* the reasons are advice: cut short is fine */
            continue;
        }
        struct vfio_fn *grown = eni_backend_realloc_array(b->host, b->fns, b->nfns + 1,
                                                          sizeof *grown);
        if (!grown) {
            rc = eni__vfio_fail(ENI_ENOMEM, 0, "vfio backend: out of memory");
            break;
        }
        b->fns = grown;
        struct vfio_fn *f = &b->fns[b->nfns++];
        memset(f, 0, sizeof *f);
        f->host = b->host;
        f->info = all[i];
        f->vdev.container = f->vdev.group = f->vdev.device = -1;
        if (f->info.noiommu)
            vfio_log(b->host, ENI_LOG_WARN, "vfio backend: %s is in a noiommu group: its DMA is "
                     "not isolated and its buffers stay put by mlock only (unsafe_noiommu=1)",
                     f->info.address);
    }
    for (const char *p = b->cfg.functions; rc == ENI_OK && *p;) { /* every listed one exists */
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool found = false;
        for (uint32_t i = 0; i < n && !found; i++)
            found = strlen(all[i].address) == len && !strncmp(all[i].address, p, len);
        if (!found)
            rc = eni__vfio_fail(ENI_ENOTFOUND, 0, "vfio backend: no Amazon ENA/EFA function "
                                "%.*s under %s/bus/pci/devices", (int)len, p, b->cfg.sysfs);
        p = end ? end + 1 : "";
    }
    if (rc == ENI_OK && b->nfns == 0)
        rc = eni__vfio_fail(ENI_ENOTFOUND, 0, "vfio backend: no usable Amazon ENA/EFA function%s%s",
                            n ? ": " : " under ", n ? why : b->cfg.sysfs);
    return rc;
}

static int vfio_open(eni_backend_host *host, const char *config, void **instance)
{
    struct vfio_backend *b = eni_backend_calloc(host, 1, sizeof *b);
    if (!b)
        return eni__vfio_fail(ENI_ENOMEM, 0, "vfio backend: out of memory");
    b->host = host;
    b->sys = eni__vfio_sys_override ? eni__vfio_sys_override : &eni__vfio_sys_real;
    int rc = parse_config(config, &b->cfg);
    if (rc == ENI_OK && (b->cfg.switches & SW_BIND))
        rc = bind_listed(b);
    eni_vfio_function *all = NULL;
    uint32_t n = 0;
    if (rc == ENI_OK) /* after binding: as things are now */
        rc = eni__vfio_scan(b->cfg.sysfs, b->cfg.dev, &all, &n);
    if (rc == ENI_OK)
        rc = fill_pool(b, all, n);
    free(all);
    if (rc != ENI_OK) {
        vfio_close(b);
        return rc;
    }
    vfio_log(host, ENI_LOG_INFO, "vfio backend: %u function(s) in the pool", b->nfns);
    *instance = b;
    return ENI_OK;
}

static void fn_down(struct vfio_fn *f)
{
    /* The device must not write into memory once it is freed: it forgets
     * our queues (a reset), stops mastering the bus, gets an FLR where it
     * has one, and only then is its DMA memory released. */
    if (f->hw.pf)
        eni__hw_quiesce(&f->hw);
    if (f->vdev.sys && f->vdev.device >= 0) {
        uint16_t cmd;
        if (eni__vfio_config_read(&f->vdev, 0x04, &cmd, 2) == ENI_OK) {
            cmd &= (uint16_t)~0x0004;
            (void)eni__vfio_config_write(&f->vdev, 0x04, &cmd, 2);
        }
        (void)eni__vfio_reset(&f->vdev);
    }
    if (f->hw.pf)
        eni__hw_fini(&f->hw);
    memset(&f->hw, 0, sizeof f->hw);
    if (f->vdev.sys)
        eni__vfio_close(&f->vdev);
    memset(&f->vdev, 0, sizeof f->vdev);
    f->vdev.container = f->vdev.group = f->vdev.device = -1;
    f->attachment = 0;
    f->link_up = false;
}

static void vfio_close(void *instance)
{
    struct vfio_backend *b = instance;
    for (uint32_t i = 0; i < b->nfns; i++)
        if (b->fns[i].attachment)
            fn_down(&b->fns[i]);
    for (uint32_t i = 0; i < b->nbound; i++)
        (void)eni_vfio_release_flags(b->cfg.sysfs, b->bound[i], sysfs_flags(&b->cfg));
    eni_backend_free(b->host, b->fns);
    eni_backend_free(b->host, b);
}

static struct vfio_fn *find(struct vfio_backend *b, uint64_t attachment)
{
    if (!attachment) /* 0 is what every free function holds */
        return NULL;
    for (uint32_t i = 0; i < b->nfns; i++)
        if (b->fns[i].attachment == attachment)
            return &b->fns[i];
    return NULL;
}

static int post(struct vfio_backend *b, uint32_t type, uint64_t attachment, int status, int err,
                bool link)
{
    eni_backend_event ev = {.size = sizeof ev, .type = type, .attachment = {attachment},
                            .status = status, .os_errno = err, .link_up = link};
    return eni_backend_post(b->host, &ev);
}

/* One vector: ENA and EFA signal admin completions and AENQ events on
 * their first. The protocol layer polls either way, so a function that
 * cannot be armed still works; the interrupt only tells poll() that there
 * is something to do, and lets an INTx line be unmasked after it. */
static void arm_interrupts(struct vfio_backend *b, struct vfio_fn *f)
{
    int rc = eni__vfio_irq_enable(&f->vdev, 1);
    if (rc == ENI_OK)
        vfio_log(b->host, ENI_LOG_DEBUG, "vfio backend: %s: interrupts armed (%s)",
                 f->info.address, f->vdev.irq_index == VFIO_PCI_MSIX_IRQ_INDEX  ? "MSI-X"
                                  : f->vdev.irq_index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI"
                                                                                : "INTx");
    else
        vfio_log(b->host, rc == ENI_ENOTSUP ? ENI_LOG_DEBUG : ENI_LOG_WARN,
                 "vfio backend: %s: interrupts not armed, polling only: %s", f->info.address,
                 eni_error_last()->message);
}

/* Open the function and bring its device up. */
static int fn_up(struct vfio_backend *b, struct vfio_fn *f)
{
    int rc = eni__vfio_open(&f->vdev, b->sys, b->cfg.dev, f->info.iommu_group, f->info.noiommu,
                            f->info.address);
    if (rc == ENI_OK)
        rc = eni__vfio_map_bar(&f->vdev, ENA_REG_BAR);
    if (rc == ENI_OK)
        rc = eni__vfio_enable_bus_master(&f->vdev);
    if (rc == ENI_OK) {
        int r = eni__vfio_reset(&f->vdev); /* a clean function; no method is fine */
        rc = r == ENI_ENOTSUP ? ENI_OK : r;
    }
    if (rc != ENI_OK)
        return rc;
    f->pf = (struct eni_hw_platform){f, pf_read32, pf_write32, pf_dma_alloc, pf_dma_free,
                                     pf_now, pf_sleep, NULL};
    bool efa = f->info.type == ENI_PCI_EFA_VF;
    rc = eni__hw_init(&f->hw, &f->pf, efa ? ENI_HW_EFA : ENI_HW_ENA, f->info.revision);
    if (rc != ENI_OK)
        return eni__vfio_fail(rc, 0, "vfio backend: %s: %s", f->info.address, f->hw.why);
    /* The protocol layer handles link, keep-alive, hints and reset requests
     * itself; what only an operator can act on is logged. */
    eni__hw_set_aenq_handler(&f->hw, ENA_AENQ_FATAL_ERROR, on_device_trouble, f);
    eni__hw_set_aenq_handler(&f->hw, ENA_AENQ_WARNING, on_device_trouble, f);
    if (efa) {
        struct eni_efa_attrs a;
        rc = eni__efa_get_attrs(&f->hw, &a);
        for (int i = 0; rc == ENI_OK && i < 6; i++) /* EFA has no MAC: its GUID, low bytes first */
            f->mac[i] = (uint8_t)(a.guid >> (8 * i));
        f->link_up = true;             /* and no link events */
    } else {
        struct eni_ena_attrs a;
        rc = eni__ena_get_attrs(&f->hw, &a);
        if (rc == ENI_OK)
            memcpy(f->mac, a.mac, 6);
        struct eni_hw_host_info hi = {ENA_OS_LINUX, "libeni", "", 0x010000, 0,
                                      (uint16_t)sysconf(_SC_NPROCESSORS_ONLN)};
        unsigned bus = 0, dev = 0, fn = 0;
        if (sscanf(f->info.address + 5, "%x:%x.%x", &bus, &dev, &fn) == 3)
            hi.bdf = (uint16_t)(bus << 8 | dev << 3 | fn);
        if (rc == ENI_OK && (f->hw.supported_features >> ENA_FEAT_HOST_ATTR_CONFIG & 1))
            rc = eni__ena_set_host_info(&f->hw, &hi);
        f->link_up = true; /* until the device says otherwise */
    }
    if (rc != ENI_OK)
        return eni__vfio_fail(rc, 0, "vfio backend: %s: %s", f->info.address, f->hw.why);
    arm_interrupts(b, f);
    return ENI_OK;
}

static int vfio_attach(void *instance, const eni_backend_attach_req *req)
{
    struct vfio_backend *b = instance;
    if (!req->attachment.v)
        return eni__vfio_fail(ENI_EINVAL, 0,
                              "vfio backend: attachment id 0 (it marks a free function)");
    bool want_efa = req->nic_type == ENI_NIC_EFA || req->nic_type == ENI_NIC_EFA_ONLY;
    struct vfio_fn *f = NULL;
    for (uint32_t i = 0; i < b->nfns && !f; i++)
        if (!b->fns[i].attachment &&
            (b->fns[i].info.type == ENI_PCI_EFA_VF) == want_efa)
            f = &b->fns[i];
    if (!f)
        return eni__vfio_fail(ENI_ELIMIT, 0,
                         "vfio backend: no free %s function left in the pool (%u in all)",
                         want_efa ? "EFA" : "ENA", b->nfns);
    f->attachment = req->attachment.v;
    int rc = fn_up(b, f);
    if (rc != ENI_OK) {
        int err = eni_error_last()->os_errno;
        vfio_log(b->host, ENI_LOG_ERROR, "%s", eni_error_last()->message);
        fn_down(f);
        return post(b, ENI_BEV_ATTACH_DONE, req->attachment.v, rc, err, false);
    }
    vfio_log(b->host, ENI_LOG_INFO, "vfio backend: %s is up, MAC %02x:%02x:%02x:%02x:%02x:%02x",
             f->info.address, f->mac[0], f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
    return post(b, ENI_BEV_ATTACH_DONE, req->attachment.v, ENI_OK, 0, false);
}

static int vfio_detach(void *instance, const eni_backend_detach_req *req)
{
    struct vfio_backend *b = instance;
    struct vfio_fn *f = find(b, req->attachment.v);
    if (f)
        fn_down(f);
    if (req->flags & ENI_BACKEND_DETACH_ABORT)
        return ENI_OK;
    return post(b, ENI_BEV_DETACH_DONE, req->attachment.v, ENI_OK, 0, false);
}

static int vfio_poll(void *instance, uint64_t now_ns)
{
    (void)now_ns;
    struct vfio_backend *b = instance;
    for (uint32_t i = 0; i < b->nfns; i++) {
        struct vfio_fn *f = &b->fns[i];
        if (!f->attachment || !f->hw.up)
            continue;
        /* drained first, so an interrupt raised while the queue is handled
         * is seen on the next poll */
        uint64_t irqs = eni__vfio_irq_drain(&f->vdev);
        bool was = f->link_up;
        if (eni__hw_health(&f->hw) != ENI_OK && eni__hw_reset(&f->hw, f->hw.reset_reason) != ENI_OK) {
            /* beyond recovery: as good as unplugged */
            vfio_log(b->host, ENI_LOG_ERROR, "vfio backend: %s: %s", f->info.address, f->hw.why);
            uint64_t att = f->attachment;
            fn_down(f);
            (void)post(b, ENI_BEV_DEVICE_REMOVED, att, ENI_EBACKEND, 0, false);
            continue;
        }
        (void)eni__hw_aenq_poll(&f->hw, NULL);
        /* the kernel masks INTx as it fires; handled, it may fire again */
        if (irqs && f->vdev.irq_index == VFIO_PCI_INTX_IRQ_INDEX)
            (void)eni__vfio_irq_unmask_intx(&f->vdev);
        f->link_up = f->hw.link_up;
        if (f->link_up != was)
            (void)post(b, ENI_BEV_LINK, f->attachment, ENI_OK, 0, f->link_up);
    }
    return ENI_OK;
}

static int vfio_get_device(void *instance, eni_attachment_id attachment, eni_backend_device *out)
{
    struct vfio_fn *f = find(instance, attachment.v);
    if (!f)
        return eni__vfio_fail(ENI_ENOTFOUND, 0, "vfio backend: no device for this attachment");
    eni_backend_device d = {.size = sizeof d, .link_up = f->link_up,
                            .vendor_id = f->info.vendor_id, .device_id = f->info.device_id};
    snprintf(d.bus_address, sizeof d.bus_address, "%s", f->info.address);
    memcpy(d.mac, f->mac, 6);
    uint32_t size = out->size;
    memcpy(out, &d, size < sizeof d ? size : sizeof d);
    out->size = size;
    return ENI_OK;
}

static const eni_backend_ops vfio_ops = {sizeof(eni_backend_ops), ENI_BACKEND_ABI, "vfio",
                                         vfio_open, vfio_close, vfio_attach, vfio_detach,
                                         vfio_poll, vfio_get_device};

const eni_backend_ops *eni_vfio_backend_ops(void)
{
    return &vfio_ops;
}
