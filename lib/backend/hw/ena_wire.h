/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* ENA and EFA wire formats: register offsets and fields, admin, completion
 * and AENQ entry layouts, opcodes, feature ids and status codes.
 *
 * Definitions only. Entries are handled as 64-byte little-endian buffers
 * through the accessors at the end (no packed structs: the layout is the
 * same on every host and every compiler). Facts from
 * shared/reference/ena-efa-vfio.md sections 2-4.
 */
#ifndef ENI_HW_ENA_WIRE_H
#define ENI_HW_ENA_WIRE_H

#include <stdint.h>
#include <string.h>

/* ---- PCI identity ---------------------------------------------------------- */
#define ENA_PCI_VENDOR_AMAZON 0x1d0fu
#define ENA_PCI_DEV_PF 0x0ec2u
#define ENA_PCI_DEV_LLQ_PF 0x1ec2u
#define ENA_PCI_DEV_VF 0xec20u
#define ENA_PCI_DEV_LLQ_VF 0xec21u
#define ENA_PCI_DEV_RESRV0 0x0051u
#define EFA_PCI_DEV_VF0 0xefa0u
#define EFA_PCI_DEV_VF3 0xefa3u
/* PCI revision bit 0: read registers directly, not through read-less DMA. */
#define ENA_REVISION_NO_READLESS 0x01u

#define ENA_REG_BAR 0
#define ENA_MEM_BAR 2

/* ---- BAR0 registers (32-bit) ------------------------------------------------ */
enum {
    ENA_REG_VERSION = 0x00,
    ENA_REG_CONTROLLER_VERSION = 0x04,
    ENA_REG_CAPS = 0x08,
    ENA_REG_CAPS_EXT = 0x0c,
    ENA_REG_AQ_BASE_LO = 0x10,
    ENA_REG_AQ_BASE_HI = 0x14,
    ENA_REG_AQ_CAPS = 0x18,
    ENA_REG_ACQ_BASE_LO = 0x20,
    ENA_REG_ACQ_BASE_HI = 0x24,
    ENA_REG_ACQ_CAPS = 0x28,
    ENA_REG_AQ_DB = 0x2c,
    ENA_REG_ACQ_TAIL = 0x30,
    ENA_REG_AENQ_CAPS = 0x34,
    ENA_REG_AENQ_BASE_LO = 0x38,
    ENA_REG_AENQ_BASE_HI = 0x3c,
    ENA_REG_AENQ_HEAD_DB = 0x40,
    ENA_REG_AENQ_TAIL = 0x44,
    ENA_REG_INTR_MASK = 0x4c,
    ENA_REG_DEV_CTL = 0x54,
    ENA_REG_DEV_STS = 0x58,
    ENA_REG_MMIO_REG_READ = 0x5c,
    ENA_REG_MMIO_RESP_LO = 0x60,
    ENA_REG_MMIO_RESP_HI = 0x64,
    ENA_REG_RSS_IND_ENTRY_UPDATE = 0x68, /* EFA: EQ_DB */
    ENA_REG_BAR0_SIZE = 0x104
};

/* VERSION / CONTROLLER_VERSION */
#define ENA_VERSION_MINOR(v) ((v) & 0xffu)
#define ENA_VERSION_MAJOR(v) (((v) >> 8) & 0xffu)
#define ENA_CTRL_VERSION_NO_IMPL(v) ((v) & 0x00ffffffu) /* major.minor.subminor */

/* CAPS */
#define ENA_CAPS_CONTIGUOUS_QUEUE 0x1u
#define ENA_CAPS_RESET_TIMEOUT(c) (((c) >> 1) & 0x1fu)   /* units of 100 ms */
#define ENA_CAPS_DMA_WIDTH(c) (((c) >> 8) & 0xffu)       /* bits */
#define ENA_CAPS_ADMIN_TIMEOUT(c) (((c) >> 16) & 0xfu)   /* units of 100 ms; 0 = default */

/* AQ_CAPS, ACQ_CAPS, AENQ_CAPS: depth | entry size << 16 (EFA: | msix << 24) */
#define ENA_QUEUE_CAPS(depth, esize) ((uint32_t)(depth) | (uint32_t)(esize) << 16)
#define EFA_QUEUE_CAPS(depth, esize, vec) \
    ((uint32_t)(depth) | (uint32_t)(esize) << 16 | (uint32_t)(vec) << 24)

/* INTR_MASK */
#define ENA_INTR_MASK_ADMIN 0x1u

/* DEV_CTL */
#define ENA_DEV_CTL_RESET 0x1u
#define ENA_DEV_CTL_AQ_RESTART 0x2u
#define ENA_DEV_CTL_QUIESCENT 0x4u
#define ENA_DEV_CTL_IO_RESUME 0x8u
#define ENA_DEV_CTL_REASON(r) (((uint32_t)(r) & 0xfu) << 28)
#define ENA_DEV_CTL_REASON_OF(v) (((v) >> 28) & 0xfu)

/* DEV_STS */
#define ENA_DEV_STS_READY 0x01u
#define ENA_DEV_STS_AQ_RESTART_IN_PROGRESS 0x02u
#define ENA_DEV_STS_AQ_RESTART_FINISHED 0x04u
#define ENA_DEV_STS_RESET_IN_PROGRESS 0x08u
#define ENA_DEV_STS_RESET_FINISHED 0x10u
#define ENA_DEV_STS_FATAL_ERROR 0x20u

/* Reset reasons (ENA; EFA numbers its own, see EFA_RESET_*) */
enum {
    ENA_RESET_NORMAL = 0,
    ENA_RESET_KEEP_ALIVE_TO = 1,
    ENA_RESET_ADMIN_TO = 2,
    ENA_RESET_INIT_ERR = 7,
    ENA_RESET_DRIVER_INVALID_STATE = 8,
    ENA_RESET_USER_TRIGGER = 12,
    ENA_RESET_GENERIC = 13,
    EFA_RESET_NORMAL = 0,
    EFA_RESET_ADMIN_TO = 2,
    EFA_RESET_INIT_ERR = 3,
    EFA_RESET_GENERIC = 8
};

/* MMIO_REG_READ: request id | register offset << 16 */
#define ENA_MMIO_READ_REQ(off, seq) ((uint32_t)(off) << 16 | ((uint32_t)(seq) & 0xffffu))

/* ---- admin queues ----------------------------------------------------------- */
enum {
    ENA_ADMIN_DEPTH = 32,
    ENA_AENQ_DEPTH = 16,
    ENA_ENTRY_SIZE = 64,
    ENA_MMIO_RESP_SIZE = 8 /* u16 req_id, u16 reg_off, u32 reg_val */
};

/* Command entry: u16 command id ([11:0]) | u8 opcode | u8 flags | 12 bytes
 * inline or control buffer | 48 bytes command-specific. */
#define ENA_CMD_ID_MASK 0x0fffu
#define ENA_CMD_FLAG_PHASE 0x1u
#define ENA_CMD_FLAG_CTRL_DATA 0x2u
#define ENA_CMD_FLAG_CTRL_INDIRECT 0x4u

/* ENA opcodes */
enum {
    ENA_OP_CREATE_SQ = 1,
    ENA_OP_DESTROY_SQ = 2,
    ENA_OP_CREATE_CQ = 3,
    ENA_OP_DESTROY_CQ = 4,
    ENA_OP_GET_FEATURE = 8,
    ENA_OP_SET_FEATURE = 9,
    ENA_OP_GET_STATS = 11
};

/* EFA opcodes (the ones libeni uses) */
enum {
    EFA_OP_GET_FEATURE = 11,
    EFA_OP_SET_FEATURE = 12,
    EFA_OP_GET_STATS = 13
};

/* Completion entry: u16 command id | u8 status | u8 flags (phase) | u16
 * extended status | u16 sq head | 56 bytes of response. */
enum {
    ENA_STATUS_SUCCESS = 0,
    ENA_STATUS_RESOURCE_ALLOCATION_FAILURE = 1,
    ENA_STATUS_BAD_OPCODE = 2,
    ENA_STATUS_UNSUPPORTED_OPCODE = 3,
    ENA_STATUS_MALFORMED_REQUEST = 4,
    ENA_STATUS_ILLEGAL_PARAMETER = 5,
    ENA_STATUS_UNKNOWN_ERROR = 6,
    ENA_STATUS_RESOURCE_BUSY = 7
};
enum { ENA_RESP_OFF = 8, ENA_RESP_SIZE = 56 };

/* Feature commands: byte 16 select flags (ENA; reserved on EFA), byte 17
 * feature id, byte 18 version, payload from byte 20. */
enum { ENA_FEAT_HDR_OFF = 16, ENA_FEAT_PAYLOAD_OFF = 20, ENA_FEAT_PAYLOAD_SIZE = 44 };
#define ENA_FEAT_SELECT_CURRENT 1u

/* ENA feature ids */
enum {
    ENA_FEAT_DEVICE_ATTRIBUTES = 1,
    ENA_FEAT_MAX_QUEUES_NUM = 2,
    ENA_FEAT_HW_HINTS = 3,
    ENA_FEAT_LLQ = 4,
    ENA_FEAT_MAX_QUEUES_EXT = 7,
    ENA_FEAT_STATELESS_OFFLOAD = 11,
    ENA_FEAT_MTU = 14,
    ENA_FEAT_AENQ_CONFIG = 26,
    ENA_FEAT_LINK_CONFIG = 27,
    ENA_FEAT_HOST_ATTR_CONFIG = 28,
    ENA_FEAT_MAX = 32
};

/* EFA feature ids */
enum {
    EFA_FEAT_DEVICE_ATTR = 1,
    EFA_FEAT_AENQ_CONFIG = 2,
    EFA_FEAT_NETWORK_ATTR = 3,
    EFA_FEAT_QUEUE_ATTR_1 = 4,
    EFA_FEAT_HW_HINTS = 5,
    EFA_FEAT_HOST_INFO = 6
};

/* ENA DEVICE_ATTRIBUTES response payload offsets */
enum {
    ENA_DA_IMPL_ID = 0,
    ENA_DA_DEVICE_VERSION = 4,
    ENA_DA_SUPPORTED_FEATURES = 8,
    ENA_DA_CAPABILITIES = 12,
    ENA_DA_PHYS_ADDR_WIDTH = 16,
    ENA_DA_VIRT_ADDR_WIDTH = 20,
    ENA_DA_MAC = 24,
    ENA_DA_FLOW_STEERING = 30,
    ENA_DA_MAX_MTU = 32
};

/* ENA MAX_QUEUES_NUM response payload: max SQs, SQ depth, max CQs, CQ depth,
 * max LLQs, LLQ depth (u32 each), max header size, max descriptors per TX
 * packet and per RX packet (u16). */
enum {
    ENA_MQ_MAX_SQ = 0,
    ENA_MQ_SQ_DEPTH = 4,
    ENA_MQ_MAX_CQ = 8,
    ENA_MQ_CQ_DEPTH = 12,
    ENA_MQ_MAX_HEADER = 24,
    ENA_MQ_MAX_TX_DESCS = 26,
    ENA_MQ_MAX_RX_DESCS = 28
};

/* AENQ_CONFIG payload: u32 supported groups (get), u32 enabled groups (get/set) */
enum { ENA_AENQ_CFG_SUPPORTED = 0, ENA_AENQ_CFG_ENABLED = 4 };

/* HOST_ATTR_CONFIG payload: host-info page address (u32 lo, u16 hi, u16 0),
 * debug area address (same form), u32 debug area size. */
enum { ENA_HOST_ATTR_INFO_BA = 0, ENA_HOST_ATTR_DEBUG_BA = 8, ENA_HOST_ATTR_DEBUG_SIZE = 16 };

/* Host-info page (4 KiB) offsets */
enum {
    ENA_HI_OS_TYPE = 0,
    ENA_HI_OS_DIST_STR = 4,      /* char[128] */
    ENA_HI_OS_DIST = 132,
    ENA_HI_KERNEL_VER_STR = 136, /* char[32] */
    ENA_HI_KERNEL_VER = 168,
    ENA_HI_DRIVER_VERSION = 172,
    ENA_HI_SUPPORTED_NET_FEATURES = 176, /* u32[2] */
    ENA_HI_SPEC_VERSION = 184,   /* u16 */
    ENA_HI_BDF = 186,            /* u16 */
    ENA_HI_NUM_CPUS = 188,       /* u16 */
    ENA_HI_DRIVER_FEATURES = 192,
    ENA_HOST_INFO_SIZE = 4096
};
enum { ENA_OS_LINUX = 1, ENA_OS_DPDK = 3 };

/* GET_STATS command (after the 16-byte header): u8 type, u8 scope, u16
 * reserved, u16 queue, u16 device id, u64 requested metrics. */
enum { ENA_STATS_TYPE_OFF = 16, ENA_STATS_SCOPE_OFF = 17, ENA_STATS_DEVICE_OFF = 22 };
enum { ENA_STATS_BASIC = 0, ENA_STATS_SCOPE_ETH = 1 };
/* Basic stats response: 7 u64 split lo/hi: tx bytes, tx packets, rx bytes,
 * rx packets, rx drops, tx drops, rx overruns. */

/* EFA DEVICE_ATTR response payload offsets */
enum {
    EFA_DA_SUPPORTED_FEATURES = 0, /* u64 */
    EFA_DA_PAGE_SIZE_CAP = 8,      /* u64 */
    EFA_DA_FW_VERSION = 16,
    EFA_DA_ADMIN_API_VERSION = 20,
    EFA_DA_DEVICE_VERSION = 24,
    EFA_DA_DB_BAR = 28,            /* u16 */
    EFA_DA_PHYS_ADDR_WIDTH = 30,   /* u8 */
    EFA_DA_VIRT_ADDR_WIDTH = 31,   /* u8 */
    EFA_DA_DEVICE_CAPS = 32,
    EFA_DA_MAX_RDMA_SIZE = 36,
    EFA_DA_GUID = 40,              /* u64 */
    EFA_DA_MAX_LINK_SPEED = 48
};

/* EFA QUEUE_ATTR_1 response payload offsets */
enum {
    EFA_QA_MAX_QP = 0,
    EFA_QA_MAX_SQ_DEPTH = 4,
    EFA_QA_INLINE_BUF = 8,
    EFA_QA_MAX_RQ_DEPTH = 12,
    EFA_QA_MAX_CQ = 16,
    EFA_QA_MAX_CQ_DEPTH = 20,
    EFA_QA_SUB_CQS_PER_CQ = 24,  /* u16 */
    EFA_QA_MIN_SQ_DEPTH = 26,    /* u16 */
    EFA_QA_MAX_SEND_SGES = 28,   /* u16 */
    EFA_QA_MAX_RECV_SGES = 30,   /* u16 */
    EFA_QA_MAX_MR = 32,
    EFA_QA_MAX_MR_PAGES = 36,
    EFA_QA_MAX_PD = 40,
    EFA_QA_MAX_AH = 44,
    EFA_QA_MAX_LLQ = 48,
    EFA_QA_MAX_RDMA_SGES = 52,   /* u16 */
    EFA_QA_MAX_TX_BATCH = 54     /* u16 */
};

/* ---- AENQ -------------------------------------------------------------------- */
/* Entry: u16 group | u16 syndrome | u8 flags (phase) | 3 reserved | u32
 * timestamp lo | u32 timestamp hi | 48 bytes payload. */
enum { ENA_AENQ_PAYLOAD_OFF = 16 };
enum {
    ENA_AENQ_LINK_CHANGE = 0,
    ENA_AENQ_FATAL_ERROR = 1,
    ENA_AENQ_WARNING = 2,
    ENA_AENQ_NOTIFICATION = 3,
    ENA_AENQ_KEEP_ALIVE = 4,
    ENA_AENQ_REFRESH_CAPABILITIES = 5,
    ENA_AENQ_CONF_NOTIFICATIONS = 6,
    ENA_AENQ_DEVICE_REQUEST_RESET = 7,
    ENA_AENQ_GROUPS = 8
};
#define ENA_AENQ_LINK_UP 0x1u
enum { ENA_AENQ_SYNDROME_UPDATE_HINTS = 2 };

/* ---- little-endian accessors -------------------------------------------------- */
static inline uint16_t ena_get16(const uint8_t *p, unsigned off)
{
    return (uint16_t)(p[off] | p[off + 1] << 8);
}

static inline uint32_t ena_get32(const uint8_t *p, unsigned off)
{
    return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
           (uint32_t)p[off + 3] << 24;
}

static inline uint64_t ena_get64(const uint8_t *p, unsigned off)
{
    return (uint64_t)ena_get32(p, off) | (uint64_t)ena_get32(p, off + 4) << 32;
}

static inline void ena_put16(uint8_t *p, unsigned off, uint16_t v)
{
    p[off] = (uint8_t)v;
    p[off + 1] = (uint8_t)(v >> 8);
}

static inline void ena_put32(uint8_t *p, unsigned off, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[off + i] = (uint8_t)(v >> (8 * i));
}

static inline void ena_put64(uint8_t *p, unsigned off, uint64_t v)
{
    ena_put32(p, off, (uint32_t)v);
    ena_put32(p, off + 4, (uint32_t)(v >> 32));
}

/* An ENA 48-bit address in 8 bytes: u32 low, u16 high, u16 reserved. */
static inline void ena_put_addr48(uint8_t *p, unsigned off, uint64_t a)
{
    ena_put32(p, off, (uint32_t)a);
    ena_put16(p, off + 4, (uint16_t)(a >> 32));
    ena_put16(p, off + 6, 0);
}

static inline uint64_t ena_get_addr48(const uint8_t *p, unsigned off)
{
    return (uint64_t)ena_get32(p, off) | (uint64_t)ena_get16(p, off + 4) << 32;
}

#endif
