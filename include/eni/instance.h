/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/instance.h
 * @brief Instances: type, AMI virtualization, platform, subnet, and EC2's
 *        instance-state machine with its enhanced-networking prerequisites.
 *
 * An instance is created `pending`. eni_instance_set_state() moves it only
 * along EC2's legal transitions:
 *
 * | from | to |
 * |---|---|
 * | pending | running, shutting-down |
 * | running | stopping, shutting-down |
 * | stopping | stopped, shutting-down |
 * | stopped | pending (start), shutting-down |
 * | shutting-down | terminated |
 *
 * ENA is active when the type supports it, the AMI is HVM and the instance's
 * `enaSupport` attribute is set; a type that *requires* ENA refuses an
 * instance without it. EFA needs an EFA-capable type and Linux.
 *
 * @defgroup eni_instance Instances
 * @{
 */
#ifndef ENI_INSTANCE_H
#define ENI_INSTANCE_H

#include "common.h"
#include "instance_type.h"
#include "types.h"

/** @brief EC2 `InstanceState` (the numbers are EC2's state codes). */
typedef enum eni_instance_state {
    ENI_INSTANCE_PENDING = 0,        /**< `pending` */
    ENI_INSTANCE_RUNNING = 16,       /**< `running` */
    ENI_INSTANCE_SHUTTING_DOWN = 32, /**< `shutting-down` */
    ENI_INSTANCE_TERMINATED = 48,    /**< `terminated` */
    ENI_INSTANCE_STOPPING = 64,      /**< `stopping` */
    ENI_INSTANCE_STOPPED = 80        /**< `stopped` */
} eni_instance_state;

/** @brief AMI virtualization type. */
typedef enum eni_virtualization {
    ENI_VIRT_HVM = 1,        /**< `hvm` */
    ENI_VIRT_PARAVIRTUAL = 2 /**< `paravirtual` */
} eni_virtualization;

/** @brief Guest platform. */
typedef enum eni_platform {
    ENI_PLATFORM_LINUX = 1,  /**< Linux/UNIX. */
    ENI_PLATFORM_WINDOWS = 2 /**< Windows (EFA acts as a plain ENA). */
} eni_platform;

/** @brief Bits of eni_instance_spec::flags. */
typedef enum eni_instance_flag {
    ENI_INSTANCE_NO_ENA_SUPPORT = 1u << 0 /**< The instance's/AMI's `enaSupport` attribute is off. */
} eni_instance_flag;

/** @brief What eni_instance_create() makes. */
typedef struct eni_instance_spec {
    uint32_t size;              /**< sizeof as the caller knows it. */
    uint32_t flags;             /**< ::eni_instance_flag bits. */
    const char *instance_type;  /**< For example "m5.large". */
    eni_subnet_id subnet;       /**< The subnet it is launched in. */
    uint32_t virtualization;    /**< An ::eni_virtualization. */
    uint32_t platform;          /**< An ::eni_platform. */
    uint32_t reserved0;         /**< Must be 0. */
    const char *id;             /**< The id EC2 gave it (`i-…`), or NULL for one libeni mints. */
} eni_instance_spec;

/** Static initialiser for ::eni_instance_spec (HVM, Linux). */
#define ENI_INSTANCE_SPEC_INIT { sizeof(eni_instance_spec), 0, 0, {0}, ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0, 0 }

/** @brief An instance as eni_instance_describe() reports it. */
typedef struct eni_instance_info {
    uint32_t size;                 /**< Set by the caller before the call. */
    uint32_t state;                /**< An ::eni_instance_state. */
    eni_instance_id id;            /**< The instance. */
    eni_subnet_id subnet;          /**< Its subnet. */
    eni_vpc_id vpc;                /**< Its VPC. */
    char instance_type[ENI_INSTANCE_TYPE_NAME_MAX]; /**< Its type. */
    uint32_t virtualization;       /**< An ::eni_virtualization. */
    uint32_t platform;             /**< An ::eni_platform. */
    uint32_t ena_support;          /**< 1 when the `enaSupport` attribute is set. */
    uint32_t ena_active;           /**< 1 when ENA is in use (type, HVM and attribute). */
    uint32_t efa_capable;          /**< 1 when the type has EFA and the platform is Linux. */
    uint32_t nic_count;            /**< Interfaces attached. */
} eni_instance_info;

/** Initializer for ::eni_instance_info: sets `size`, zeroes the rest. Use it for every
 * eni_instance_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_INSTANCE_INFO_INIT { sizeof(eni_instance_info), 0, {0}, {0}, {0}, {0}, 0, 0, 0, 0, 0, 0 }

/** @brief Filter for eni_instance_list(); null ids and 0 mean "any". */
typedef struct eni_instance_filter {
    uint32_t size;        /**< sizeof as the caller knows it. */
    uint32_t reserved0;   /**< Must be 0. */
    eni_vpc_id vpc;       /**< Only this VPC's instances. */
    eni_subnet_id subnet; /**< Only this subnet's. */
    uint64_t state_mask;  /**< Bit (1 << (state / 16)) per wanted ::eni_instance_state; 0 = all. */
} eni_instance_filter;

/** Static initialiser for ::eni_instance_filter. */
#define ENI_INSTANCE_FILTER_INIT { sizeof(eni_instance_filter), 0, {0}, {0}, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Create an instance in the `pending` state, with no interfaces yet.
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the instance id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, unknown flags, a bad
 *         virtualization or platform; ::ENI_ENOTFOUND (`InvalidInstanceType`)
 *         for an unknown type; ::ENI_EINVAL (`InvalidParameterCombination`)
 *         for a virtualization the type does not support or a type that
 *         requires ENA without the attribute or with a paravirtual AMI;
 *         subnet id errors; ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_create(eni_ctx *ctx, const eni_instance_spec *spec,
                                eni_instance_id *out);

/**
 * @brief Move an instance to another state, along EC2's legal transitions only.
 * @param[in] ctx      The context.
 * @param[in] instance The instance.
 * @param[in] state    The new ::eni_instance_state.
 * @return ::ENI_OK; ::ENI_EINVAL for an unknown state; ::ENI_ESTATE
 *         (`IncorrectInstanceState`) for a transition EC2 does not allow;
 *         id errors (`InvalidInstanceID.*`).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_set_state(eni_ctx *ctx, eni_instance_id instance, uint32_t state);

/**
 * @brief Change the `enaSupport` attribute (`ModifyInstanceAttribute EnaSupport`).
 * @param[in] ctx      The context.
 * @param[in] instance The instance; it must be `stopped`.
 * @param[in] enabled  1 or 0.
 * @return ::ENI_OK; ::ENI_EINVAL for another value, or turning it off on a
 *         type that requires ENA (`InvalidParameterCombination`); ::ENI_ESTATE
 *         (`IncorrectInstanceState`) unless stopped; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_set_ena_support(eni_ctx *ctx, eni_instance_id instance,
                                         uint32_t enabled);

/**
 * @brief Forget a terminated instance.
 * @param[in] ctx      The context.
 * @param[in] instance The instance; it must be `terminated`.
 * @return ::ENI_OK; ::ENI_ESTATE (`IncorrectInstanceState`) otherwise; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_delete(eni_ctx *ctx, eni_instance_id instance);

/**
 * @brief Describe an instance.
 * @param[in]  ctx      The context.
 * @param[in]  instance The instance.
 * @param[out] out      Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_describe(eni_ctx *ctx, eni_instance_id instance,
                                  eni_instance_info *out);

/**
 * @brief List instances in id order.
 * @param[in]  ctx    The context.
 * @param[in]  filter What to list, or NULL for all.
 * @param[out] out    Receives up to @p cap ids.
 * @param[in]  cap    Capacity of @p out.
 * @param[out] count  Receives the total number that match.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); filter id errors; ::ENI_EVERSION.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_list(eni_ctx *ctx, const eni_instance_filter *filter,
                              eni_instance_id *out, uint32_t cap, uint32_t *count);

ENI_END_DECLS

/** @} */
#endif /* ENI_INSTANCE_H */
