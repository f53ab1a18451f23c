/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/instance_type.h
 * @brief Per-instance-type network limits (EC2 `DescribeInstanceTypes` `NetworkInfo`).
 *
 * libeni carries a table of every instance type it knows, generated at build
 * time from `data/instance-types.csv`. Lookups need no ctx and never fail
 * for a known name.
 *
 * @defgroup eni_instance_type Instance types
 * @{
 */
#ifndef ENI_INSTANCE_TYPE_H
#define ENI_INSTANCE_TYPE_H

#include "common.h"

/** Longest instance-type name, terminating NUL included. */
#define ENI_INSTANCE_TYPE_NAME_MAX 32
/** Network cards an ::eni_instance_type_info can describe. */
#define ENI_MAX_NETWORK_CARDS 64

/** @brief Hypervisor of an instance type (eni_instance_type_info::hypervisor). */
typedef enum eni_hypervisor {
    ENI_HYPERVISOR_NONE = 0,  /**< Bare metal: no hypervisor. */
    ENI_HYPERVISOR_NITRO = 1, /**< AWS Nitro. */
    ENI_HYPERVISOR_XEN = 2    /**< Xen. */
} eni_hypervisor;

/** @brief EC2 `EnaSupport` (eni_instance_type_info::ena_support). */
typedef enum eni_ena_support {
    ENI_ENA_UNSUPPORTED = 0, /**< The type has no ENA (T2 and older Xen types). */
    ENI_ENA_SUPPORTED = 1,   /**< ENA can be used. */
    ENI_ENA_REQUIRED = 2     /**< The type only works with ENA (Nitro). */
} eni_ena_support;

/** @brief Bits of eni_instance_type_info::flags. */
typedef enum eni_instance_type_flag {
    ENI_ITYPE_BARE_METAL = 1u << 0,     /**< A `.metal` type. */
    ENI_ITYPE_HVM = 1u << 1,            /**< Supports HVM AMIs. */
    ENI_ITYPE_PARAVIRTUAL = 1u << 2,    /**< Supports paravirtual AMIs. */
    ENI_ITYPE_IPV6 = 1u << 3,           /**< `Ipv6Supported`. */
    ENI_ITYPE_EFA = 1u << 4             /**< `EfaSupported`. */
} eni_instance_type_flag;

/**
 * @brief Network limits of one instance type.
 *
 * An output struct: set eni_instance_type_info::size before the call; the library writes at most
 * that many bytes (see docs/decisions.md, D5).
 */
typedef struct eni_instance_type_info {
    uint32_t size;                      /**< sizeof as the caller knows it; set before the call. */
    uint32_t flags;                     /**< ::eni_instance_type_flag bits. */
    char name[ENI_INSTANCE_TYPE_NAME_MAX]; /**< For example "m5.large". */
    uint32_t hypervisor;                /**< An ::eni_hypervisor. */
    uint32_t ena_support;               /**< An ::eni_ena_support. */
    uint32_t max_interfaces;            /**< `MaximumNetworkInterfaces`, all cards together. */
    uint32_t max_network_cards;         /**< `MaximumNetworkCards`. */
    uint32_t ipv4_per_interface;        /**< `Ipv4AddressesPerInterface` (primary included). */
    uint32_t ipv6_per_interface;        /**< `Ipv6AddressesPerInterface`. */
    uint32_t max_efa_interfaces;        /**< `EfaInfo.MaximumEfaInterfaces`, 0 without EFA. */
    uint32_t default_tcp_established_timeout; /**< Seconds. */
    uint32_t default_udp_stream_timeout;      /**< Seconds. */
    uint32_t default_udp_timeout;             /**< Seconds. */
    uint32_t card_max_interfaces[ENI_MAX_NETWORK_CARDS]; /**< Per network card `MaximumNetworkInterfaces`; 0 past max_network_cards. */
} eni_instance_type_info;

/** Initializer for ::eni_instance_type_info: sets `size`, zeroes the rest. Use it for every
 * eni_instance_type_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_INSTANCE_TYPE_INFO_INIT { sizeof(eni_instance_type_info), 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {0} }

ENI_BEGIN_DECLS

/**
 * @brief Look an instance type up by name.
 * @param[in]  name A type name such as "c5n.18xlarge" (exact, case-sensitive).
 * @param[out] out  Receives the limits; its `size` must be set.
 * @return ::ENI_OK; ::ENI_EINVAL if an argument is NULL or `out->size` is
 *         smaller than the first layout; ::ENI_ENOTFOUND (ec2_code
 *         `InvalidInstanceType`) for an unknown name.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_instance_type_lookup(const char *name, eni_instance_type_info *out);

/**
 * @brief Number of instance types in the table.
 * @return The count (types are indexed 0..count-1 in name order).
 * @since 1.0
 * @threadsafety any
 */
ENI_API uint32_t eni_instance_type_count(void);

/**
 * @brief The instance type at an index of the name-ordered table.
 * @param[in]  index 0 .. eni_instance_type_count() - 1.
 * @param[out] out   Receives the limits; its `size` must be set.
 * @return ::ENI_OK; ::ENI_EINVAL if @p out is NULL, too small, or @p index is out of range.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_instance_type_at(uint32_t index, eni_instance_type_info *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_INSTANCE_TYPE_H */
