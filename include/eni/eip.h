/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/eip.h
 * @brief Elastic IP addresses: allocate, associate with an interface's
 *        private IPv4, disassociate, release.
 *
 * One Elastic IP per private IPv4 and one private IPv4 per Elastic IP.
 * Associating with an address that already has one replaces it (the old one
 * stays allocated); associating an Elastic IP that is associated elsewhere
 * moves it unless re-association is refused. Associating with the primary
 * address of an interface releases its auto-assigned public IPv4.
 * Public addresses come from 198.18.0.0/15 (reserved for benchmarking),
 * never from real Amazon space.
 *
 * @defgroup eni_eip Elastic IPs
 * @{
 */
#ifndef ENI_EIP_H
#define ENI_EIP_H

#include "common.h"
#include "model.h"
#include "types.h"

/** @brief Bits of the `flags` argument of eni_eip_associate(). */
typedef enum eni_eip_flag {
    ENI_EIP_NO_REASSOCIATION = 1u << 0 /**< `AllowReassociation=false`: fail instead of moving an associated Elastic IP. */
} eni_eip_flag;

/** @brief An Elastic IP as eni_eip_describe() reports it. */
typedef struct eni_eip_info {
    uint32_t size;                 /**< Set by the caller before the call. */
    uint32_t reserved0;            /**< Zero. */
    eni_eip_id id;                 /**< The allocation (`eipalloc-…`). */
    char public_ip[ENI_IP_STRING_MAX];  /**< `PublicIp`. */
    eni_eip_assoc_id association;  /**< `AssociationId`, or null. */
    eni_nic_id nic;                /**< Interface it is associated with, or null. */
    char private_ip[ENI_IP_STRING_MAX]; /**< The private IPv4 it maps to, "" if none. */
    eni_instance_id instance;      /**< The interface's instance, or null. */
} eni_eip_info;

/** Initializer for ::eni_eip_info: sets `size`, zeroes the rest. Use it for every
 * eni_eip_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_EIP_INFO_INIT { sizeof(eni_eip_info), 0, {0}, {0}, {0}, {0}, {0}, {0} }

ENI_BEGIN_DECLS

/**
 * @brief Allocate an Elastic IP (`AllocateAddress`).
 * @param[in]  ctx The context.
 * @param[out] out Receives the allocation id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments; ::ENI_ELIMIT
 *         (`AddressLimitExceeded`) at the quota or when the pool is empty; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_allocate(eni_ctx *ctx, eni_eip_id *out);

/**
 * @brief Allocate an Elastic IP under the allocation id EC2 gave it.
 * @param[in]  ctx           The context.
 * @param[in]  allocation_id `eipalloc-…` as EC2 printed it, or NULL (then as eni_eip_allocate()).
 * @param[out] out           Receives the allocation id.
 * @return As eni_eip_allocate(); ::ENI_EINVAL (`InvalidAllocationID.Malformed`)
 *         for a malformed id or one of another kind; ::ENI_EEXIST
 *         (`InvalidParameterValue`) when the id is already in use.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_allocate_id(eni_ctx *ctx, const char *allocation_id, eni_eip_id *out);

/**
 * @brief Release an Elastic IP (`ReleaseAddress`).
 * @param[in] ctx The context.
 * @param[in] eip The allocation.
 * @return ::ENI_OK; id errors (`InvalidAllocationID.NotFound`); ::ENI_EINUSE
 *         (`InvalidIPAddress.InUse`) while it is associated.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_release(eni_ctx *ctx, eni_eip_id eip);

/**
 * @brief Associate an Elastic IP with a private IPv4 of an interface (`AssociateAddress`).
 *
 * Repeating an association that already holds is not an error and returns
 * the same association id.
 *
 * @param[in]  ctx        The context.
 * @param[in]  eip        The allocation.
 * @param[in]  nic        The interface.
 * @param[in]  private_ip One of its private IPv4 addresses, or NULL for the primary.
 * @param[in]  flags      ::eni_eip_flag bits.
 * @param[out] out        Receives the association id; may be NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for unknown flags, a malformed address or
 *         one not on the interface (`InvalidParameterValue`), an `efa-only`
 *         interface; ::ENI_EINUSE (`Resource.AlreadyAssociated`) when the
 *         Elastic IP is associated elsewhere and re-association is refused;
 *         ::ENI_ESTATE (`IncorrectInstanceState`) when the interface's instance
 *         is `pending`; id errors for either id.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_associate(eni_ctx *ctx, eni_eip_id eip, eni_nic_id nic,
                              const char *private_ip, uint32_t flags, eni_eip_assoc_id *out);

/**
 * @brief Disassociate an Elastic IP (`DisassociateAddress`). Idempotent.
 * @param[in] ctx         The context.
 * @param[in] association The association; one that already ended is not an error.
 * @return ::ENI_OK; ::ENI_EINVAL for a null or wrong-kind id;
 *         ::ENI_ENOTFOUND (`InvalidAssociationID.NotFound`) for an id this ctx never issued.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_disassociate(eni_ctx *ctx, eni_eip_assoc_id association);

/**
 * @brief Describe an Elastic IP.
 * @param[in]  ctx The context.
 * @param[in]  eip The allocation.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_describe(eni_ctx *ctx, eni_eip_id eip, eni_eip_info *out);

/**
 * @brief List Elastic IPs in id order.
 * @param[in]  ctx   The context.
 * @param[out] out   Receives up to @p cap ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list().
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eip_list(eni_ctx *ctx, eni_eip_id *out, uint32_t cap, uint32_t *count);

ENI_END_DECLS

/** @} */
#endif /* ENI_EIP_H */
