/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/model.h
 * @brief Whole-model operations: regional quotas, the invariant checker, a
 *        canonical text dump and the change counter.
 *
 * @defgroup eni_model Model-wide operations
 * @{
 */
#ifndef ENI_MODEL_H
#define ENI_MODEL_H

#include "common.h"
#include "types.h"

/**
 * @brief Adjustable EC2 quotas, per ctx (EC2 applies them per Region).
 *
 * Defaults are EC2's: 5 Elastic IPs, 5000 network interfaces, 2500 security
 * groups, 60 rules per group and direction (IPv4 and IPv6 counted apart),
 * 5 groups per interface, 20 rules per network ACL and direction (IPv4 and
 * IPv6 apart, the implicit deny rule included), 200 network ACLs per VPC,
 * 5 IPv4 and 5 IPv6 CIDR blocks per VPC. EC2 requires groups-per-interface ×
 * rules-per-group ≤ 1000, groups-per-interface ≤ 16, ACL rules ≤ 40 and
 * CIDR blocks of each family ≤ 50. The last four fields were appended in
 * later layouts; a caller built against an earlier one (`size` up to
 * `groups_per_nic`, or up to `cidr_blocks_per_vpc`) keeps working and
 * leaves the fields it does not know as they are.
 */
typedef struct eni_quotas {
    uint32_t size;               /**< sizeof as the caller knows it. */
    uint32_t eips;               /**< Elastic IP allocations (`AddressLimitExceeded`). */
    uint32_t nics;               /**< Network interfaces (`NetworkInterfaceLimitExceeded`). */
    uint32_t security_groups;    /**< Security groups (`SecurityGroupLimitExceeded`). */
    uint32_t rules_per_group;    /**< Rules per group, per direction and per family (`RulesPerSecurityGroupLimitExceeded`). */
    uint32_t groups_per_nic;     /**< Groups per interface, 1..16 (`SecurityGroupsPerInterfaceLimitExceeded`). */
    uint32_t acl_rules;          /**< Network ACL entries per direction and family, the implicit deny included, 1..40 (`NetworkAclEntryLimitExceeded`). */
    uint32_t acls_per_vpc;       /**< Network ACLs per VPC, the default one included (`NetworkAclLimitExceeded`). */
    uint32_t cidr_blocks_per_vpc;/**< IPv4 CIDR blocks per VPC, the primary included, 1..50 (`CidrLimitExceeded`). */
    uint32_t ipv6_cidr_blocks_per_vpc; /**< IPv6 CIDR blocks per VPC, 1..50 (`CidrLimitExceeded`). */
} eni_quotas;

/** Initializer for ::eni_quotas: sets `size`, zeroes the rest. Use it for every
 * eni_quotas handed to libeni, so a garbage `size` can never reach it. */
#define ENI_QUOTAS_INIT { sizeof(eni_quotas), 0, 0, 0, 0, 0, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Read the ctx's quotas.
 * @param[in]  ctx The context.
 * @param[out] out Receives the quotas; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments or a too-small `size`.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_get_quotas(eni_ctx *ctx, eni_quotas *out);

/**
 * @brief Replace the ctx's quotas.
 *
 * Lowering a quota below current use is allowed: existing objects stay, new
 * ones are refused until use drops below it (as EC2 does).
 *
 * @param[in] ctx    The context.
 * @param[in] quotas The new quotas; a 0 field keeps the current value.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, groups_per_nic above 16,
 *         groups_per_nic × rules_per_group above 1000, acl_rules above 40,
 *         or cidr_blocks_per_vpc or ipv6_cidr_blocks_per_vpc above 50;
 *         ::ENI_EVERSION for a bad `size`.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_set_quotas(eni_ctx *ctx, const eni_quotas *quotas);

/**
 * @brief Check the model's invariants.
 *
 * Verifies that addresses are unique per VPC and inside their subnets, that
 * every reference (subnet → VPC, interface → subnet and groups, rule → group
 * or prefix list, Elastic IP → interface and address) points at a live
 * object, and that every count the model keeps equals a recount. Meant for
 * tests and debugging: it walks everything.
 *
 * @param[in] ctx The context.
 * @return ::ENI_OK; ::ENI_EINVAL if @p ctx is NULL; ::ENI_EINTERNAL with the
 *         first violation in eni_error_last()->message.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_check(eni_ctx *ctx);

/**
 * @brief Write a canonical text dump of the whole model.
 *
 * Two models with the same dump are the same model: every object, attribute,
 * address and rule appears, in id order. Use it to compare states.
 *
 * @param[in]  ctx    The context.
 * @param[out] buf    Receives the NUL-terminated dump, or NULL to only measure.
 * @param[in]  buflen Size of @p buf.
 * @param[out] needed Receives the dump's length plus its NUL.
 * @return ::ENI_OK when the whole dump fit (or @p buf was NULL);
 *         ::ENI_ELIMIT when @p buflen is too small (@p needed says how big);
 *         ::ENI_EINVAL for a NULL @p ctx or @p needed; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_dump(eni_ctx *ctx, char *buf, size_t buflen, size_t *needed);

/**
 * @brief Read the model's change counter (its generation).
 *
 * Every call that changes the model advances it: objects created, changed or
 * deleted, addresses and prefixes, group memberships and rules, attachments,
 * members on other hosts (eni_sg_set_remote()). A refused call, a read, or
 * evaluating packets never does. Two equal readings mean the model did not
 * change in between, so a reader that walks the model on a period (a sync
 * component, a cache) can skip the walk; the number is also the `cookie` of
 * the model-change events (::ENI_CTX_MODEL_EVENTS). It only grows, starts
 * at 0 in a new ctx, and means nothing across contexts or processes.
 *
 * @param[in]  ctx The context.
 * @param[out] out Receives the generation.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_model_generation(eni_ctx *ctx, uint64_t *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_MODEL_H */
