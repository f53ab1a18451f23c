/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/names.h
 * @brief EC2's names for libeni's enumerations, for logs, tools and UIs.
 *
 * Each function returns a static string: EC2's own word where EC2 has one
 * (`running`, `in-use`, `efa-only`, `attached`, `ingress`), a short
 * lower-case word otherwise. A value the enumeration does not define gives
 * `"unknown"`, never NULL, so the result can go straight to printf().
 *
 * @defgroup eni_names Names of enumeration values
 * @{
 */
#ifndef ENI_NAMES_H
#define ENI_NAMES_H

#include "common.h"

ENI_BEGIN_DECLS

/**
 * @brief An ::eni_instance_state as EC2 names it (`pending`, `running`, ...).
 * @param[in] state The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_instance_state_name(uint32_t state);

/**
 * @brief An ::eni_nic_type as EC2 names it (`interface`, `efa`, `efa-only`, `trunk`).
 * @param[in] type The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_nic_type_name(uint32_t type);

/**
 * @brief An ::eni_nic_status as EC2 names it (`available`, `attaching`, `in-use`, `detaching`).
 * @param[in] status The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_nic_status_name(uint32_t status);

/**
 * @brief An ::eni_attachment_status as EC2 names it (`attaching`, `attached`, ...).
 * @param[in] status The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_attachment_status_name(uint32_t status);

/**
 * @brief An ::eni_attach_kind: `cold`, `hot` or `warm`.
 * @param[in] kind The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_attach_kind_name(uint32_t kind);

/**
 * @brief An ::eni_event_type (`user`, `attach-completed`, `instance-state`, ...).
 * @param[in] type The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_event_type_name(uint32_t type);

/**
 * @brief An ::eni_log_level (`error`, `warn`, `info`, `debug`).
 * @param[in] level The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_log_level_name(uint32_t level);

/**
 * @brief An ::eni_direction of a rule: `ingress` or `egress`.
 * @param[in] direction The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_direction_name(uint32_t direction);

/**
 * @brief An ::eni_eval_dir of a packet: `inbound` or `outbound`.
 * @param[in] dir The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_eval_dir_name(uint32_t dir);

/**
 * @brief An ::eni_action: `drop` or `allow`.
 * @param[in] action The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_action_name(uint32_t action);

/**
 * @brief An ::eni_reason (`rule`, `tracked`, `no-rule`, `conntrack-full`, ...).
 * @param[in] reason The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_reason_name(uint32_t reason);

/**
 * @brief An ::eni_kind as EC2 names the resource type (`vpc`, `subnet`,
 * `instance`, `network-interface`, `network-interface-attachment`,
 * `elastic-ip`, `elastic-ip-association`, `security-group`,
 * `security-group-rule`, `prefix-list`, `network-acl`).
 * @param[in] kind The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_kind_name(uint32_t kind);

/**
 * @brief An ::eni_acl_rule_action as EC2 names it: `allow` or `deny`.
 * @param[in] action The value.
 * @return A static string; `"unknown"` for an undefined value.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_acl_rule_action_name(uint32_t action);

ENI_END_DECLS

/** @} */
#endif /* ENI_NAMES_H */
