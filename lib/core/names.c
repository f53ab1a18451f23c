/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni/names.h: EC2's words for libeni's enumerations. Tables are indexed by
 * the enumerations' own constants, so a renumbering cannot go unnoticed. */
#include <stddef.h>

#include "eni.h"
#include "eni/names.h"

#define NAME_OF(table, v) \
    ((v) < sizeof(table) / sizeof((table)[0]) && (table)[v] ? (table)[v] : "unknown")

const char *eni_instance_state_name(uint32_t state)
{
    static const char *const names[] = {
        [ENI_INSTANCE_PENDING] = "pending",
        [ENI_INSTANCE_RUNNING] = "running",
        [ENI_INSTANCE_SHUTTING_DOWN] = "shutting-down",
        [ENI_INSTANCE_TERMINATED] = "terminated",
        [ENI_INSTANCE_STOPPING] = "stopping",
        [ENI_INSTANCE_STOPPED] = "stopped",
    };
    return NAME_OF(names, state);
}

const char *eni_nic_type_name(uint32_t type)
{
    static const char *const names[] = {
        [ENI_NIC_INTERFACE] = "interface",
        [ENI_NIC_EFA] = "efa",
        [ENI_NIC_EFA_ONLY] = "efa-only",
        [ENI_NIC_TRUNK] = "trunk",
    };
    return NAME_OF(names, type);
}

const char *eni_nic_status_name(uint32_t status)
{
    static const char *const names[] = {
        [ENI_NIC_AVAILABLE] = "available",
        [ENI_NIC_ATTACHING] = "attaching",
        [ENI_NIC_IN_USE] = "in-use",
        [ENI_NIC_DETACHING] = "detaching",
    };
    return NAME_OF(names, status);
}

const char *eni_attachment_status_name(uint32_t status)
{
    static const char *const names[] = {
        [ENI_ATTACHMENT_ATTACHING] = "attaching",
        [ENI_ATTACHMENT_ATTACHED] = "attached",
        [ENI_ATTACHMENT_DETACHING] = "detaching",
        [ENI_ATTACHMENT_DETACHED] = "detached",
    };
    return NAME_OF(names, status);
}

const char *eni_attach_kind_name(uint32_t kind)
{
    static const char *const names[] = {
        [ENI_ATTACH_COLD] = "cold",
        [ENI_ATTACH_HOT] = "hot",
        [ENI_ATTACH_WARM] = "warm",
    };
    return NAME_OF(names, kind);
}

const char *eni_event_type_name(uint32_t type)
{
    static const char *const names[] = {
        [ENI_EVENT_USER] = "user",
        [ENI_EVENT_ATTACH_COMPLETED] = "attach-completed",
        [ENI_EVENT_ATTACH_FAILED] = "attach-failed",
        [ENI_EVENT_DETACH_COMPLETED] = "detach-completed",
        [ENI_EVENT_DETACH_FAILED] = "detach-failed",
        [ENI_EVENT_INSTANCE_STATE] = "instance-state",
        [ENI_EVENT_LINK_CHANGE] = "link-change",
        [ENI_EVENT_DEVICE_REMOVED] = "device-removed",
        [ENI_EVENT_RULES_CHANGED] = "rules-changed",
        [ENI_EVENT_MEMBERSHIP_CHANGED] = "membership-changed",
        [ENI_EVENT_ADDRESSES_CHANGED] = "addresses-changed",
        [ENI_EVENT_EIP_CHANGED] = "eip-changed",
        [ENI_EVENT_REMOTE_MEMBERS_CHANGED] = "remote-members-changed",
        [ENI_EVENT_ACL_CHANGED] = "acl-changed",
    };
    return NAME_OF(names, type);
}

const char *eni_log_level_name(uint32_t level)
{
    static const char *const names[] = {
        [ENI_LOG_ERROR] = "error",
        [ENI_LOG_WARN] = "warn",
        [ENI_LOG_INFO] = "info",
        [ENI_LOG_DEBUG] = "debug",
    };
    return NAME_OF(names, level);
}

const char *eni_direction_name(uint32_t direction)
{
    static const char *const names[] = {
        [ENI_INGRESS] = "ingress",
        [ENI_EGRESS] = "egress",
    };
    return NAME_OF(names, direction);
}

const char *eni_eval_dir_name(uint32_t dir)
{
    static const char *const names[] = {
        [ENI_DIR_INBOUND] = "inbound",
        [ENI_DIR_OUTBOUND] = "outbound",
    };
    return NAME_OF(names, dir);
}

const char *eni_action_name(uint32_t action)
{
    static const char *const names[] = {
        [ENI_DROP] = "drop",
        [ENI_ALLOW] = "allow",
    };
    return NAME_OF(names, action);
}

const char *eni_reason_name(uint32_t reason)
{
    static const char *const names[] = {
        [ENI_REASON_RULE] = "rule",
        [ENI_REASON_TRACKED] = "tracked",
        [ENI_REASON_RELATED_ICMP] = "related-icmp",
        [ENI_REASON_UNTRACKED] = "untracked",
        [ENI_REASON_SERVICE] = "service",
        [ENI_REASON_NO_RULE] = "no-rule",
        [ENI_REASON_SRC_DST_CHECK] = "source-dest-check",
        [ENI_REASON_NOT_ATTACHED] = "not-attached",
        [ENI_REASON_CONNTRACK_FULL] = "conntrack-full",
        [ENI_REASON_MALFORMED] = "malformed",
        [ENI_REASON_ACL_DENY] = "acl-deny",
    };
    return NAME_OF(names, reason);
}

const char *eni_kind_name(uint32_t kind)
{
    static const char *const names[] = {
        [ENI_KIND_VPC] = "vpc",
        [ENI_KIND_SUBNET] = "subnet",
        [ENI_KIND_INSTANCE] = "instance",
        [ENI_KIND_NIC] = "network-interface",
        [ENI_KIND_ATTACHMENT] = "network-interface-attachment",
        [ENI_KIND_EIP] = "elastic-ip",
        [ENI_KIND_EIP_ASSOC] = "elastic-ip-association",
        [ENI_KIND_SG] = "security-group",
        [ENI_KIND_SG_RULE] = "security-group-rule",
        [ENI_KIND_PREFIX_LIST] = "prefix-list",
        [ENI_KIND_NETWORK_ACL] = "network-acl",
    };
    return NAME_OF(names, kind);
}

const char *eni_acl_rule_action_name(uint32_t action)
{
    static const char *const names[] = {
        [ENI_ACL_ALLOW] = "allow",
        [ENI_ACL_DENY] = "deny",
    };
    return NAME_OF(names, action);
}
