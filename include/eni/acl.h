/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/acl.h
 * @brief Network ACLs: numbered, stateless allow and deny entries for a
 *        subnet's traffic (EC2 `CreateNetworkAcl` and its family).
 *
 * Every VPC has a default network ACL, made with it, that allows all
 * traffic both ways (rule 100 for IPv4, and rule 101 for IPv6 when the VPC
 * has an IPv6 block), and every subnet is associated with exactly one ACL:
 * the VPC's default one until eni_acl_replace_association() moves it. A new
 * ACL has no entries and denies everything. Entries are numbered 1..32766
 * per direction and evaluated lowest first; the first that matches the
 * packet decides; a packet no entry matches is denied (EC2's `*` rule,
 * which is implicit and cannot be changed).
 *
 * An entry names a protocol (-1 for all), a port range (TCP 6 and UDP 17
 * only: for -1 and every other protocol all ports match), or an ICMP type
 * and code (ICMP 1, and ICMPv6 58 with an IPv6 CIDR; -1 for any), an IPv4 or
 * IPv6 CIDR (stored canonical), and allow or deny. ACLs are stateless: the
 * evaluator judges every packet, replies included, by the entries of the
 * direction it crosses the subnet in (docs/eval.md).
 *
 * Entries are counted per direction and family against
 * eni_quotas::acl_rules (EC2's default 20, at most 40), the implicit deny
 * rule included; ACLs per VPC against eni_quotas::acls_per_vpc (200).
 *
 * @defgroup eni_acl Network ACLs
 * @{
 */
#ifndef ENI_ACL_H
#define ENI_ACL_H

#include "common.h"
#include "model.h"
#include "types.h"

/** Lowest rule number of an entry. */
#define ENI_ACL_RULE_MIN 1
/** Highest rule number of an entry (32767 is EC2's implicit IPv4 deny rule). */
#define ENI_ACL_RULE_MAX 32766

/** @brief What an entry does with the traffic it matches (`RuleAction`). */
typedef enum eni_acl_rule_action {
    ENI_ACL_ALLOW = 1, /**< `allow`. */
    ENI_ACL_DENY = 2   /**< `deny`. */
} eni_acl_rule_action;

/** @brief What eni_acl_create() makes (`CreateNetworkAcl`). */
typedef struct eni_acl_spec {
    uint32_t size;   /**< sizeof as the caller knows it. */
    uint32_t flags;  /**< No flags yet: 0. */
    eni_vpc_id vpc;  /**< The VPC. */
    const char *id;  /**< The id EC2 gave it (`acl-…`), or NULL for one libeni mints. */
} eni_acl_spec;

/** Static initialiser for ::eni_acl_spec. */
#define ENI_ACL_SPEC_INIT { sizeof(eni_acl_spec), 0, {0}, 0 }

/** @brief A network ACL as eni_acl_describe() reports it. */
typedef struct eni_acl_info {
    uint32_t size;          /**< Set by the caller before the call. */
    uint32_t is_default;    /**< 1 for a VPC's default ACL. */
    eni_acl_id id;          /**< The ACL. */
    eni_vpc_id vpc;         /**< Its VPC. */
    uint32_t ingress_count; /**< Numbered inbound entries (the implicit deny rule not counted). */
    uint32_t egress_count;  /**< Numbered outbound entries. */
    uint32_t subnet_count;  /**< Subnets associated with it. */
    uint32_t reserved0;     /**< Zero. */
} eni_acl_info;

/** Initializer for ::eni_acl_info: sets `size`, zeroes the rest. Use it for every
 * eni_acl_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_ACL_INFO_INIT { sizeof(eni_acl_info), 0, {0}, {0}, 0, 0, 0, 0 }

/**
 * @brief One entry, as eni_acl_create_entry() and eni_acl_replace_entry() take it.
 *
 * For TCP (6) and UDP (17) `from_port..to_port` is an inclusive range in
 * 0..65535 (required). For ICMP (1), and ICMPv6 (58) with an IPv6 CIDR,
 * `icmp_type` and `icmp_code` are required, each -1 (any) or 0..255. For
 * every other protocol, and ICMPv6 with an IPv4 CIDR, all ports, types and
 * codes match whatever is given (stored as -1), as EC2 does.
 */
typedef struct eni_acl_entry_spec {
    uint32_t size;        /**< sizeof as the caller knows it. */
    uint32_t direction;   /**< ::ENI_INGRESS or ::ENI_EGRESS (`Egress`). */
    uint32_t rule_number; /**< ::ENI_ACL_RULE_MIN..::ENI_ACL_RULE_MAX (`RuleNumber`). */
    uint32_t rule_action; /**< An ::eni_acl_rule_action (`RuleAction`). */
    int32_t protocol;     /**< IANA protocol number 0..255, or ::ENI_PROTO_ALL. */
    int32_t from_port;    /**< `PortRange.From` for TCP and UDP. */
    int32_t to_port;      /**< `PortRange.To`. */
    int32_t icmp_type;    /**< `IcmpTypeCode.Type`, -1 for any. */
    int32_t icmp_code;    /**< `IcmpTypeCode.Code`, -1 for any. */
    uint32_t reserved0;   /**< Must be 0. */
    const char *cidr;     /**< `CidrBlock` or `Ipv6CidrBlock`: "0.0.0.0/0", "2001:db8::/32"... */
} eni_acl_entry_spec;

/** Static initialiser for ::eni_acl_entry_spec. */
#define ENI_ACL_ENTRY_SPEC_INIT { sizeof(eni_acl_entry_spec), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** @brief An entry as eni_acl_get_entry() reports it. */
typedef struct eni_acl_entry_info {
    uint32_t size;                  /**< Set by the caller before the call. */
    uint32_t direction;             /**< ::ENI_INGRESS or ::ENI_EGRESS. */
    eni_acl_id acl;                 /**< The ACL it belongs to. */
    uint32_t rule_number;           /**< Its number. */
    uint32_t rule_action;           /**< An ::eni_acl_rule_action. */
    int32_t protocol;               /**< Protocol number, or -1. */
    int32_t from_port;              /**< TCP/UDP range start, -1 when not applicable. */
    int32_t to_port;                /**< TCP/UDP range end, -1 when not applicable. */
    int32_t icmp_type;              /**< ICMP type, -1 for any or not applicable. */
    int32_t icmp_code;              /**< ICMP code, -1 for any or not applicable. */
    uint32_t family;                /**< 4 or 6. */
    char cidr[ENI_CIDR_STRING_MAX]; /**< Canonical CIDR. */
    uint32_t reserved0;             /**< Zero. */
} eni_acl_entry_info;

/** Initializer for ::eni_acl_entry_info: sets `size`, zeroes the rest. Use it for every
 * eni_acl_entry_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_ACL_ENTRY_INFO_INIT { sizeof(eni_acl_entry_info), 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0, {0}, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Create a network ACL in a VPC (`CreateNetworkAcl`); it has no entries and denies all.
 * Given ids: an `id` in the spec names the ACL as EC2 did; a malformed one is
 * ::ENI_EINVAL (`InvalidNetworkAclId.Malformed`), one in use ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the ACL id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments or unknown flags; VPC id
 *         errors; ::ENI_ELIMIT (`NetworkAclLimitExceeded`) at
 *         eni_quotas::acls_per_vpc; ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_create(eni_ctx *ctx, const eni_acl_spec *spec, eni_acl_id *out);

/**
 * @brief Delete a network ACL (`DeleteNetworkAcl`).
 * @param[in] ctx The context.
 * @param[in] acl The ACL.
 * @return ::ENI_OK; id errors (`InvalidNetworkAclID.NotFound`,
 *         `InvalidNetworkAclId.Malformed`); ::ENI_EPERM
 *         (`InvalidParameterValue`) for a VPC's default ACL, which goes only
 *         with its VPC; ::ENI_EDEPEND (`DependencyViolation`) while a subnet
 *         is associated with it.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_delete(eni_ctx *ctx, eni_acl_id acl);

/**
 * @brief Describe a network ACL.
 * @param[in]  ctx The context.
 * @param[in]  acl The ACL.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a bad `size`; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_describe(eni_ctx *ctx, eni_acl_id acl, eni_acl_info *out);

/**
 * @brief List network ACLs in id order.
 * @param[in]  ctx   The context.
 * @param[in]  vpc   Only this VPC's ACLs, or the null id for all.
 * @param[out] out   Receives up to @p cap ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number that match.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); VPC id errors for a non-null @p vpc.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_list(eni_ctx *ctx, eni_vpc_id vpc, eni_acl_id *out, uint32_t cap,
                         uint32_t *count);

/**
 * @brief Add a numbered entry (`CreateNetworkAclEntry`).
 * @param[in] ctx   The context.
 * @param[in] acl   The ACL.
 * @param[in] entry The entry.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL, a bad direction, action, rule
 *         number, protocol, port range or ICMP type/code, or a nonzero
 *         `reserved0` (`InvalidParameterValue`), a missing port range or ICMP
 *         type/code (`InvalidParameterCombination`), a malformed CIDR
 *         (`InvalidParameterValue`, "CIDR block … is malformed"); ACL id
 *         errors; ::ENI_EEXIST (`NetworkAclEntryAlreadyExists`) for a rule
 *         number taken in that direction; ::ENI_ELIMIT
 *         (`NetworkAclEntryLimitExceeded`) past eni_quotas::acl_rules;
 *         ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_create_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry);

/**
 * @brief Replace the entry of the same direction and number (`ReplaceNetworkAclEntry`).
 * @param[in] ctx   The context.
 * @param[in] acl   The ACL.
 * @param[in] entry The new contents.
 * @return As eni_acl_create_entry(), except that the entry must exist
 *         (::ENI_ENOTFOUND, `InvalidNetworkAclEntry.NotFound`) instead of
 *         being new; the quota is checked with the old entry gone.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_replace_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry);

/**
 * @brief Delete a numbered entry (`DeleteNetworkAclEntry`).
 * @param[in] ctx         The context.
 * @param[in] acl         The ACL.
 * @param[in] direction   ::ENI_INGRESS or ::ENI_EGRESS.
 * @param[in] rule_number Its number.
 * @return ::ENI_OK; ::ENI_EINVAL for a bad direction or a number outside
 *         1..32766 (`InvalidParameterValue`); ACL id errors; ::ENI_ENOTFOUND
 *         (`InvalidNetworkAclEntry.NotFound`).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_delete_entry(eni_ctx *ctx, eni_acl_id acl, uint32_t direction,
                                 uint32_t rule_number);

/**
 * @brief List the rule numbers of one direction's entries, lowest first.
 * @param[in]  ctx       The context.
 * @param[in]  acl       The ACL.
 * @param[in]  direction ::ENI_INGRESS or ::ENI_EGRESS.
 * @param[out] out       Receives up to @p cap rule numbers.
 * @param[in]  cap       Capacity of @p out.
 * @param[out] count     Receives the number of entries.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for a bad direction; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_list_entries(eni_ctx *ctx, eni_acl_id acl, uint32_t direction,
                                 uint32_t *out, uint32_t cap, uint32_t *count);

/**
 * @brief Describe one entry.
 * @param[in]  ctx         The context.
 * @param[in]  acl         The ACL.
 * @param[in]  direction   ::ENI_INGRESS or ::ENI_EGRESS.
 * @param[in]  rule_number Its number.
 * @param[out] out         Receives the entry; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL, a bad `size` or direction; id
 *         errors; ::ENI_ENOTFOUND (`InvalidNetworkAclEntry.NotFound`).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_get_entry(eni_ctx *ctx, eni_acl_id acl, uint32_t direction,
                              uint32_t rule_number, eni_acl_entry_info *out);

/**
 * @brief Associate a subnet with another ACL of its VPC (`ReplaceNetworkAclAssociation`).
 *
 * EC2 names the association by an `aclassoc-` id; a subnet has exactly one
 * association at all times, so libeni names it by the subnet
 * (docs/decisions.md D32).
 *
 * @param[in] ctx    The context.
 * @param[in] subnet The subnet.
 * @param[in] acl    The ACL it is to use from now on.
 * @return ::ENI_OK (also when it already uses @p acl); subnet and ACL id
 *         errors; ::ENI_EINVAL (`InvalidParameterValue`) for an ACL of another VPC.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_replace_association(eni_ctx *ctx, eni_subnet_id subnet, eni_acl_id acl);

/**
 * @brief List the subnets associated with an ACL, in id order (its `Associations`).
 * @param[in]  ctx   The context.
 * @param[in]  acl   The ACL.
 * @param[out] out   Receives up to @p cap subnet ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the number of subnets.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_acl_list_subnets(eni_ctx *ctx, eni_acl_id acl, eni_subnet_id *out, uint32_t cap,
                                 uint32_t *count);

/**
 * @brief The network ACL a subnet is associated with.
 * @param[in]  ctx    The context.
 * @param[in]  subnet The subnet.
 * @param[out] out    Receives the ACL id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments; subnet id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_get_acl(eni_ctx *ctx, eni_subnet_id subnet, eni_acl_id *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_ACL_H */
