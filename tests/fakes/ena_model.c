/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The software ENA/EFA device (ena_model.h). */
#include "ena_model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/hw/ena_wire.h"

#define MS 1000000ull

/* ---- DMA: the device's view of host memory ---------------------------------------- */

static uint8_t *dma_at(struct ena_model *m, uint64_t iova, size_t len)
{
    if (m->xlate)
        return m->xlate(m->xlate_ud, iova, len);
    for (int i = 0; i < MODEL_MAX_DMA; i++) {
        struct model_dma *d = &m->dma[i];
        /* without adding to the device's address: it could wrap */
        if (d->va && iova >= d->iova && len <= d->size && iova - d->iova <= d->size - len)
            return d->va + (iova - d->iova);
    }
    return NULL; /* an IOMMU fault, in real life */
}

static int m_dma_alloc(void *ud, size_t size, void **va, uint64_t *iova)
{
    struct ena_model *m = ud;
    m->dma_calls++;
    if (m->fail_dma_at && m->dma_calls == m->fail_dma_at)
        return -1;
    for (int i = 0; i < MODEL_MAX_DMA; i++) {
        struct model_dma *d = &m->dma[i];
        if (d->va)
            continue;
        size_t rounded = (size + 4095) & ~(size_t)4095;
        d->va = aligned_alloc(4096, rounded);
        if (!d->va)
            return -1;
        memset(d->va, 0, rounded);
        d->iova = m->iova_base;
        d->size = size;
        m->iova_base += rounded + 4096; /* a guard page between buffers */
        m->dma_live++;
        *va = d->va;
        *iova = d->iova;
        return 0;
    }
    return -1;
}

static void m_dma_free(void *ud, void *va, size_t size, uint64_t iova)
{
    struct ena_model *m = ud;
    for (int i = 0; i < MODEL_MAX_DMA; i++)
        if (m->dma[i].va == va && m->dma[i].iova == iova && m->dma[i].size == size) {
            free(va);
            m->dma[i].va = NULL;
            m->dma_live--;
            return;
        }
    abort(); /* the driver freed something it did not allocate */
}

/* ---- time --------------------------------------------------------------------------- */

static void write_completion(struct ena_model *m, const uint8_t *entry);

/* Let timed device work catch up with the clock. */
static void run_due(struct ena_model *m)
{
    if (m->real_time) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        m->clock_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    }
    if (m->reset_rise_ns && m->clock_ns >= m->reset_rise_ns) {
        m->reset_rise_ns = 0;
        m->resetting = true;
    }
    if (m->reset_fall_ns && m->clock_ns >= m->reset_fall_ns) {
        m->reset_fall_ns = 0;
        m->resetting = false;
        m->resets_done++;
    }
    for (int i = 0; i < m->npending;) {
        if (m->pending[i].due_ns <= m->clock_ns) {
            write_completion(m, m->pending[i].entry);
            m->pending[i] = m->pending[--m->npending];
            i = 0; /* keep them in order of due time (small queue) */
        } else {
            i++;
        }
    }
}

static uint64_t m_now(void *ud)
{
    return ((struct ena_model *)ud)->clock_ns;
}

static void m_sleep(void *ud, uint64_t ns)
{
    struct ena_model *m = ud;
    m->clock_ns += ns ? ns : 1;
    run_due(m);
}

/* ---- registers ------------------------------------------------------------------------ */

static uint32_t dev_sts(struct ena_model *m)
{
    uint32_t s = m->not_ready ? 0 : ENA_DEV_STS_READY;
    if (m->resetting)
        s |= ENA_DEV_STS_RESET_IN_PROGRESS;
    if (m->fatal)
        s |= ENA_DEV_STS_FATAL_ERROR;
    return s;
}

static uint32_t reg_value(struct ena_model *m, uint32_t off)
{
    switch (off) {
    case ENA_REG_VERSION: return m->version;
    case ENA_REG_CONTROLLER_VERSION: return m->ctrl_version;
    case ENA_REG_CAPS: return m->caps;
    case ENA_REG_DEV_STS: return dev_sts(m);
    case ENA_REG_INTR_MASK: return m->intr_mask;
    case ENA_REG_AENQ_TAIL: return m->aenq_tail;
    case ENA_REG_ACQ_TAIL: return m->cq_tail;
    default: return 0;
    }
}

static uint32_t m_read32(void *ud, uint32_t off)
{
    struct ena_model *m = ud;
    run_due(m);
    m->direct_reads++;
    return m->gone ? 0xffffffffu : reg_value(m, off);
}

/* The device forgets its queues and settings when it resets. */
static void device_reset(struct ena_model *m)
{
    m->mmio_resp_iova = 0;
    m->aq_base = m->acq_base = m->aenq_base = 0;
    m->aq_caps = m->acq_caps = m->aenq_caps = 0;
    m->sq_head = m->cq_tail = m->aenq_tail = m->aenq_head_db = 0;
    m->sq_phase = m->cq_phase = m->aenq_phase = 1;
    m->aenq_enabled = 0;
    m->npending = 0;
    m->host_os_type = 0;
    m->fatal = false;
}

static void process_commands(struct ena_model *m, uint32_t tail);

static void m_write32(void *ud, uint32_t off, uint32_t v)
{
    struct ena_model *m = ud;
    run_due(m);
    switch (off) {
    case ENA_REG_MMIO_RESP_LO:
        m->mmio_resp_iova = (m->mmio_resp_iova & ~0xffffffffull) | v;
        break;
    case ENA_REG_MMIO_RESP_HI:
        m->mmio_resp_iova = (m->mmio_resp_iova & 0xffffffffull) | (uint64_t)v << 32;
        break;
    case ENA_REG_MMIO_REG_READ: {
        m->readless_requests++;
        if (m->ignore_readless)
            break;
        uint8_t *r = dma_at(m, m->mmio_resp_iova, ENA_MMIO_RESP_SIZE);
        if (!r)
            break;
        uint16_t reg = (uint16_t)(v >> 16);
        ena_put16(r, 2, reg);
        ena_put32(r, 4, reg_value(m, reg));
        ena_put16(r, 0, (uint16_t)v); /* the id last: it tells the driver the rest is there */
        break;
    }
    case ENA_REG_DEV_CTL:
        m->dev_ctl = v;
        if (v & ENA_DEV_CTL_RESET) {
            device_reset(m);
            if (!m->stuck_reset)
                m->reset_rise_ns = m->clock_ns + m->reset_delay_ns + 1;
        } else if (m->resetting || m->reset_rise_ns) {
            m->reset_rise_ns = 0;
            m->resetting = true;
            m->reset_fall_ns = m->clock_ns + m->reset_delay_ns + 1;
        }
        break;
    case ENA_REG_AQ_BASE_LO: m->aq_base = (m->aq_base & ~0xffffffffull) | v; break;
    case ENA_REG_AQ_BASE_HI: m->aq_base = (m->aq_base & 0xffffffffull) | (uint64_t)v << 32; break;
    case ENA_REG_ACQ_BASE_LO: m->acq_base = (m->acq_base & ~0xffffffffull) | v; break;
    case ENA_REG_ACQ_BASE_HI: m->acq_base = (m->acq_base & 0xffffffffull) | (uint64_t)v << 32; break;
    case ENA_REG_AENQ_BASE_LO: m->aenq_base = (m->aenq_base & ~0xffffffffull) | v; break;
    case ENA_REG_AENQ_BASE_HI: m->aenq_base = (m->aenq_base & 0xffffffffull) | (uint64_t)v << 32; break;
    case ENA_REG_AQ_CAPS: m->aq_caps = v; break;
    case ENA_REG_ACQ_CAPS: m->acq_caps = v; break;
    case ENA_REG_AENQ_CAPS: m->aenq_caps = v; break;
    case ENA_REG_AENQ_HEAD_DB: m->aenq_head_db = v; break;
    case ENA_REG_INTR_MASK: m->intr_mask = v; break;
    case ENA_REG_AQ_DB: process_commands(m, v); break;
    default: break;
    }
}

/* ---- admin commands ----------------------------------------------------------------------- */

static uint32_t depth_of(uint32_t caps)
{
    return caps & 0xffffu;
}

static void write_completion(struct ena_model *m, const uint8_t *entry)
{
    uint32_t depth = depth_of(m->acq_caps);
    uint8_t *c = depth ? dma_at(m, m->acq_base + (size_t)(m->cq_tail & (depth - 1)) * 64, 64) : NULL;
    if (!c)
        return;
    memcpy(c + 4, entry + 4, 60);
    ena_put16(c, 0, ena_get16(entry, 0));
    c[2] = entry[2];
    c[3] = (uint8_t)((entry[3] & ~1u) | m->cq_phase); /* the phase byte last */
    m->cq_tail++;
    if ((m->cq_tail & (depth - 1)) == 0)
        m->cq_phase ^= 1;
}

static void complete(struct ena_model *m, uint16_t id, uint8_t status, const uint8_t *resp)
{
    uint8_t e[64] = {0};
    ena_put16(e, 0, id);
    e[2] = status;
    ena_put16(e, 6, (uint16_t)m->sq_head);
    if (resp)
        memcpy(e + 8, resp, 56);
    if (m->stale_next) {
        m->stale_next = false;
        uint8_t stale[64] = {0};
        ena_put16(stale, 0, (uint16_t)((id + 7) & ENA_CMD_ID_MASK));
        write_completion(m, stale);
    }
    if (m->drop_completions) {
        m->drop_completions--;
        return;
    }
    if (m->completion_delay_ns && m->npending < MODEL_MAX_PENDING) {
        m->pending[m->npending].due_ns = m->clock_ns + m->completion_delay_ns;
        memcpy(m->pending[m->npending].entry, e, 64);
        m->npending++;
        return;
    }
    write_completion(m, e);
}

static uint8_t get_feature(struct ena_model *m, uint8_t feature, uint8_t *r)
{
    bool efa = m->kind == ENI_HW_EFA;
    if (feature >= 64 || !(m->supported_features >> feature & 1))
        return ENA_STATUS_UNSUPPORTED_OPCODE;
    if (!efa && feature == ENA_FEAT_DEVICE_ATTRIBUTES) {
        ena_put32(r, ENA_DA_IMPL_ID, 1);
        ena_put32(r, ENA_DA_DEVICE_VERSION, 0x00020003);
        ena_put32(r, ENA_DA_SUPPORTED_FEATURES, (uint32_t)m->supported_features);
        ena_put32(r, ENA_DA_CAPABILITIES, 0x1);
        ena_put32(r, ENA_DA_PHYS_ADDR_WIDTH, 48);
        ena_put32(r, ENA_DA_VIRT_ADDR_WIDTH, 48);
        memcpy(r + ENA_DA_MAC, m->mac, 6);
        ena_put16(r, ENA_DA_FLOW_STEERING, 0);
        ena_put32(r, ENA_DA_MAX_MTU, m->max_mtu);
    } else if (!efa && feature == ENA_FEAT_MAX_QUEUES_NUM) {
        ena_put32(r, ENA_MQ_MAX_SQ, 8);
        ena_put32(r, ENA_MQ_SQ_DEPTH, 1024);
        ena_put32(r, ENA_MQ_MAX_CQ, 8);
        ena_put32(r, ENA_MQ_CQ_DEPTH, 1024);
    } else if ((!efa && feature == ENA_FEAT_AENQ_CONFIG) || (efa && feature == EFA_FEAT_AENQ_CONFIG)) {
        ena_put32(r, ENA_AENQ_CFG_SUPPORTED, m->aenq_supported);
        ena_put32(r, ENA_AENQ_CFG_ENABLED, m->aenq_enabled);
    } else if (efa && feature == EFA_FEAT_DEVICE_ATTR) {
        ena_put64(r, EFA_DA_SUPPORTED_FEATURES, m->supported_features);
        ena_put64(r, EFA_DA_PAGE_SIZE_CAP, 0x40201000ull);
        ena_put32(r, EFA_DA_FW_VERSION, 0x00010203);
        ena_put32(r, EFA_DA_ADMIN_API_VERSION, 1);
        ena_put32(r, EFA_DA_DEVICE_VERSION, 0x00000300);
        ena_put16(r, EFA_DA_DB_BAR, 2);
        r[EFA_DA_PHYS_ADDR_WIDTH] = 48;
        r[EFA_DA_VIRT_ADDR_WIDTH] = 48;
        ena_put32(r, EFA_DA_DEVICE_CAPS, 0x3);
        ena_put32(r, EFA_DA_MAX_RDMA_SIZE, 1u << 30);
        ena_put64(r, EFA_DA_GUID, 0x0123456789abcdefull);
        ena_put32(r, EFA_DA_MAX_LINK_SPEED, 100);
    } else if (efa && feature == EFA_FEAT_QUEUE_ATTR_1) {
        ena_put32(r, EFA_QA_MAX_QP, 256);
        ena_put32(r, EFA_QA_MAX_SQ_DEPTH, 4096);
        ena_put32(r, EFA_QA_INLINE_BUF, 32);
        ena_put32(r, EFA_QA_MAX_RQ_DEPTH, 32768);
        ena_put32(r, EFA_QA_MAX_CQ, 512);
        ena_put32(r, EFA_QA_MAX_CQ_DEPTH, 65536);
        ena_put16(r, EFA_QA_SUB_CQS_PER_CQ, 2);
        ena_put16(r, EFA_QA_MIN_SQ_DEPTH, 1);
        ena_put16(r, EFA_QA_MAX_SEND_SGES, 2);
        ena_put16(r, EFA_QA_MAX_RECV_SGES, 3);
        ena_put32(r, EFA_QA_MAX_MR, 262144);
        ena_put32(r, EFA_QA_MAX_MR_PAGES, 1u << 20);
        ena_put32(r, EFA_QA_MAX_PD, 256);
        ena_put32(r, EFA_QA_MAX_AH, 1024);
        ena_put32(r, EFA_QA_MAX_LLQ, 8192);
        ena_put16(r, EFA_QA_MAX_RDMA_SGES, 1);
        ena_put16(r, EFA_QA_MAX_TX_BATCH, 16);
    } else {
        return ENA_STATUS_UNSUPPORTED_OPCODE;
    }
    return ENA_STATUS_SUCCESS;
}

static uint8_t set_feature(struct ena_model *m, uint8_t feature, const uint8_t *p)
{
    bool efa = m->kind == ENI_HW_EFA;
    if (feature >= 64 || !(m->supported_features >> feature & 1))
        return ENA_STATUS_UNSUPPORTED_OPCODE;
    if ((!efa && feature == ENA_FEAT_AENQ_CONFIG) || (efa && feature == EFA_FEAT_AENQ_CONFIG)) {
        uint32_t want = ena_get32(p, ENA_AENQ_CFG_ENABLED);
        if (want & ~m->aenq_supported)
            return ENA_STATUS_ILLEGAL_PARAMETER;
        m->aenq_enabled = want;
    } else if (!efa && feature == ENA_FEAT_MTU) {
        uint32_t mtu = ena_get32(p, 0);
        if (mtu < 128 || mtu > m->max_mtu)
            return ENA_STATUS_ILLEGAL_PARAMETER;
        m->mtu = mtu;
    } else if (!efa && feature == ENA_FEAT_HOST_ATTR_CONFIG) {
        const uint8_t *pg = dma_at(m, ena_get_addr48(p, ENA_HOST_ATTR_INFO_BA), ENA_HOST_INFO_SIZE);
        if (!pg || ena_get32(pg, ENA_HI_OS_TYPE) == 0)
            return ENA_STATUS_MALFORMED_REQUEST;
        m->host_os_type = ena_get32(pg, ENA_HI_OS_TYPE);
        memcpy(m->host_dist, pg + ENA_HI_OS_DIST_STR, sizeof m->host_dist);
        m->host_dist[sizeof m->host_dist - 1] = 0;
        memcpy(m->host_kernel, pg + ENA_HI_KERNEL_VER_STR, sizeof m->host_kernel);
        m->host_kernel[sizeof m->host_kernel - 1] = 0;
        m->host_bdf = ena_get16(pg, ENA_HI_BDF);
        m->host_cpus = ena_get16(pg, ENA_HI_NUM_CPUS);
    } else {
        return ENA_STATUS_UNSUPPORTED_OPCODE;
    }
    return ENA_STATUS_SUCCESS;
}

static void execute(struct ena_model *m, const uint8_t *cmd)
{
    uint16_t id = ena_get16(cmd, 0) & ENA_CMD_ID_MASK;
    uint8_t op = cmd[2], resp[56] = {0}, status;
    bool efa = m->kind == ENI_HW_EFA;
    m->commands++;
    m->opcode_count[op & 31]++;
    uint8_t get = efa ? EFA_OP_GET_FEATURE : ENA_OP_GET_FEATURE;
    uint8_t set = efa ? EFA_OP_SET_FEATURE : ENA_OP_SET_FEATURE;
    uint8_t stats = efa ? EFA_OP_GET_STATS : ENA_OP_GET_STATS;
    if (op == get) {
        status = get_feature(m, cmd[ENA_FEAT_HDR_OFF + 1], resp);
    } else if (op == set) {
        status = set_feature(m, cmd[ENA_FEAT_HDR_OFF + 1], cmd + ENA_FEAT_PAYLOAD_OFF);
    } else if (op == stats && !efa) {
        const uint64_t v[7] = {m->stats.tx_bytes, m->stats.tx_packets, m->stats.rx_bytes,
                               m->stats.rx_packets, m->stats.rx_drops, m->stats.tx_drops,
                               m->stats.rx_overruns};
        for (int i = 0; i < 7; i++)
            ena_put64(resp, 8 * (unsigned)i, v[i]);
        status = cmd[ENA_STATS_TYPE_OFF] == ENA_STATS_BASIC ? ENA_STATUS_SUCCESS
                                                             : ENA_STATUS_ILLEGAL_PARAMETER;
    } else {
        status = ENA_STATUS_BAD_OPCODE;
    }
    if (m->force_status >= 0) {
        status = (uint8_t)m->force_status;
        m->force_status = -1;
    }
    complete(m, id, status, resp);
}

static void process_commands(struct ena_model *m, uint32_t tail)
{
    uint32_t depth = depth_of(m->aq_caps);
    if (!depth || m->resetting)
        return;
    while (m->sq_head != tail) {
        uint8_t *e = dma_at(m, m->aq_base + (size_t)(m->sq_head & (depth - 1)) * 64, 64);
        if (!e || (e[3] & 1) != m->sq_phase)
            return; /* not a valid entry: a real device would stall too */
        uint8_t cmd[64];
        memcpy(cmd, e, 64);
        m->sq_head++;
        if ((m->sq_head & (depth - 1)) == 0)
            m->sq_phase ^= 1;
        execute(m, cmd);
    }
}

/* ---- AENQ --------------------------------------------------------------------------------------- */

bool ena_model_aenq(struct ena_model *m, uint16_t group, uint16_t syndrome, const uint8_t *payload,
                    unsigned len)
{
    uint32_t depth = depth_of(m->aenq_caps);
    if (!depth || group >= 32 || !(m->aenq_enabled >> group & 1)) {
        m->aenq_dropped++;
        return false;
    }
    /* Free slots: ENA's head doorbell runs `depth` ahead of what the
     * driver consumed (0 until it hands the queue over); EFA's is a plain
     * consumer counter. */
    uint32_t free_slots = m->kind == ENI_HW_EFA ? depth - (m->aenq_tail - m->aenq_head_db)
                                                : m->aenq_head_db - m->aenq_tail;
    if (!m->ignore_aenq_credits && (free_slots == 0 || free_slots > depth)) {
        m->aenq_dropped++;
        return false;
    }
    uint8_t *e = dma_at(m, m->aenq_base + (size_t)(m->aenq_tail & (depth - 1)) * 64, 64);
    if (!e)
        return false;
    memset(e + 5, 0, 59);
    ena_put16(e, 0, group);
    ena_put16(e, 2, syndrome);
    ena_put32(e, 8, (uint32_t)m->clock_ns);
    ena_put32(e, 12, (uint32_t)(m->clock_ns >> 32));
    if (payload && len)
        memcpy(e + ENA_AENQ_PAYLOAD_OFF, payload, len > 48 ? 48 : len);
    e[4] = m->aenq_phase; /* last */
    m->aenq_tail++;
    if ((m->aenq_tail & (depth - 1)) == 0)
        m->aenq_phase ^= 1;
    return true;
}

bool ena_model_link(struct ena_model *m, bool up)
{
    uint8_t p[4];
    ena_put32(p, 0, up ? ENA_AENQ_LINK_UP : 0);
    return ena_model_aenq(m, ENA_AENQ_LINK_CHANGE, 0, p, sizeof p);
}

bool ena_model_keep_alive(struct ena_model *m, uint64_t rx_drops, uint64_t tx_drops)
{
    uint8_t p[24];
    ena_put64(p, 0, rx_drops);
    ena_put64(p, 8, tx_drops);
    ena_put64(p, 16, 0);
    return ena_model_aenq(m, ENA_AENQ_KEEP_ALIVE, 0, p, sizeof p);
}

void ena_model_flr(struct ena_model *m)
{
    device_reset(m);
    m->resetting = false;
    m->reset_rise_ns = m->reset_fall_ns = 0;
    m->dev_ctl = m->intr_mask = 0;
    m->mtu = 0;
}

/* ---- life --------------------------------------------------------------------------------------- */

void ena_model_init(struct ena_model *m, unsigned kind)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->version = 0x0202;               /* spec 2.2 */
    m->ctrl_version = 0x01000203;      /* impl 1, 0.2.3 */
    m->caps = (10u << 1) | (48u << 8) | (15u << 16); /* reset 1 s, 48-bit DMA, admin 1.5 s */
    if (kind == ENI_HW_EFA)
        m->caps = (10u << 1) | (64u << 8);            /* admin timeout: the default */
    static const uint8_t mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    memcpy(m->mac, mac, 6);
    m->max_mtu = 9216;
    m->supported_features = kind == ENI_HW_EFA
                                ? (1u << EFA_FEAT_DEVICE_ATTR | 1u << EFA_FEAT_AENQ_CONFIG |
                                   1u << EFA_FEAT_QUEUE_ATTR_1)
                                : (1u << ENA_FEAT_DEVICE_ATTRIBUTES | 1u << ENA_FEAT_MAX_QUEUES_NUM |
                                   1u << ENA_FEAT_MTU | 1u << ENA_FEAT_AENQ_CONFIG |
                                   1u << ENA_FEAT_HOST_ATTR_CONFIG);
    m->aenq_supported = kind == ENI_HW_EFA ? 0x1e : 0xff;
    m->reset_delay_ns = 300 * 1000;      /* 300 us each way */
    m->force_status = -1;
    m->iova_base = 0x100000;
    m->sq_phase = m->cq_phase = m->aenq_phase = 1;
    m->pf = (struct eni_hw_platform){m, m_read32, m_write32, m_dma_alloc, m_dma_free, m_now,
                                     m_sleep, NULL};
}

void ena_model_fini(struct ena_model *m)
{
    for (int i = 0; i < MODEL_MAX_DMA; i++)
        if (m->dma[i].va) {
            free(m->dma[i].va);
            m->dma[i].va = NULL;
        }
}
