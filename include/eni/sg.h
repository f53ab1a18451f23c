/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/sg.h
 * @brief Security groups, their rules, and managed prefix lists.
 *
 * Groups only allow: every rule of every group on an interface is unioned.
 * A new group has no inbound rules and one outbound rule allowing all IPv4
 * traffic, and a second one allowing all IPv6 traffic when its VPC has an
 * IPv6 block.
 * Rules name a protocol (a number, or -1 for all), a port range (TCP/UDP) or
 * ICMP type and code, and exactly one peer: an IPv4 CIDR, an IPv6 CIDR, a
 * security group of the same VPC, or a managed prefix list. CIDRs are stored
 * in canonical form (host bits cleared), so "10.0.0.9/8" and "10.0.0.0/8"
 * are the same rule.
 *
 * @defgroup eni_sg Security groups and prefix lists
 * @{
 */
#ifndef ENI_SG_H
#define ENI_SG_H

#include "common.h"
#include "model.h"
#include "types.h"

/** Longest group name or description (255 characters), NUL included. */
#define ENI_SG_TEXT_MAX 256
/** Longest name of a source of remote members (a host), NUL included. */
#define ENI_REMOTE_SOURCE_MAX 256
/** Most addresses and prefixes (together) one source may state for one group in one call. */
#define ENI_REMOTE_MEMBERS_MAX 65536

/** @brief Rule direction. */
typedef enum eni_direction {
    ENI_INGRESS = 1, /**< Inbound (`AuthorizeSecurityGroupIngress`). */
    ENI_EGRESS = 2   /**< Outbound (`AuthorizeSecurityGroupEgress`). */
} eni_direction;

/** @brief What a rule matches traffic against (eni_sg_rule_spec::peer_kind). */
typedef enum eni_peer_kind {
    ENI_PEER_CIDR = 1,        /**< eni_sg_rule_spec::cidr: an IPv4 or IPv6 CIDR. */
    ENI_PEER_GROUP = 2,       /**< eni_sg_rule_spec::group: private addresses of the group's members. */
    ENI_PEER_PREFIX_LIST = 3  /**< eni_sg_rule_spec::prefix_list: the list's entries. */
} eni_peer_kind;

/** Protocol number meaning "all protocols" (EC2 `IpProtocol` "-1"). */
#define ENI_PROTO_ALL (-1)

/** @brief What eni_sg_create() makes. */
typedef struct eni_sg_spec {
    uint32_t size;           /**< sizeof as the caller knows it. */
    uint32_t flags;          /**< No flags yet: 0. */
    eni_vpc_id vpc;          /**< The VPC. */
    const char *name;        /**< Unique in the VPC; 1..255 characters of EC2's set; not "default", not starting "sg-". */
    const char *description; /**< Required; 1..255 characters of EC2's set. */
    const char *id;          /**< The id EC2 gave it (`sg-…`), or NULL for one libeni mints. */
} eni_sg_spec;

/** Static initialiser for ::eni_sg_spec. */
#define ENI_SG_SPEC_INIT { sizeof(eni_sg_spec), 0, {0}, 0, 0, 0 }

/**
 * @brief What one source states about a group's members there, for
 *        eni_sg_set_remote(): their private addresses and the prefixes
 *        delegated to them (eni_nic_assign_prefixes()).
 */
typedef struct eni_remote_members {
    uint32_t size;                /**< sizeof as the caller knows it. */
    uint32_t flags;               /**< No flags yet: 0. */
    const char *const *addresses; /**< IPv4 and IPv6 addresses ("10.0.1.5"); NULL when `address_count` is 0. */
    const char *const *prefixes;  /**< IPv4 /28 and IPv6 /80 prefixes without host bits ("10.0.1.32/28"); NULL when `prefix_count` is 0. */
    uint32_t address_count;       /**< How many in `addresses`. */
    uint32_t prefix_count;        /**< How many in `prefixes`. */
} eni_remote_members;

/** Initializer for ::eni_remote_members: sets `size`, zeroes the rest. */
#define ENI_REMOTE_MEMBERS_INIT { sizeof(eni_remote_members), 0, 0, 0, 0, 0 }

/**
 * @brief One permission, as given to eni_sg_authorize() and eni_sg_revoke().
 *
 * Protocol -1 or any number other than 6, 17, 1 and 58 allows every port:
 * its from/to values are ignored (stored as -1). For TCP (6) and UDP (17),
 * `from_port..to_port` is an inclusive range in 0..65535. For ICMP (1) and
 * ICMPv6 (58), `from_port` is the type and `to_port` the code, -1 meaning
 * any; a -1 type needs a -1 code.
 */
typedef struct eni_sg_rule_spec {
    uint32_t size;            /**< sizeof as the caller knows it; arrays are strided by the first element's size. */
    uint32_t peer_kind;       /**< An ::eni_peer_kind. */
    int32_t protocol;         /**< IANA protocol number 0..255, or ::ENI_PROTO_ALL. */
    int32_t from_port;        /**< See above. */
    int32_t to_port;          /**< See above. */
    uint32_t reserved0;       /**< Must be 0. */
    const char *cidr;         /**< For ::ENI_PEER_CIDR: "0.0.0.0/0", "2001:db8::/32", "10.1.2.3/32"... */
    eni_sg_id group;          /**< For ::ENI_PEER_GROUP: a group in the same VPC (itself included). */
    eni_prefix_list_id prefix_list; /**< For ::ENI_PEER_PREFIX_LIST. */
    const char *description;  /**< Optional, up to 255 characters; NULL for none. Ignored by revoke. */
} eni_sg_rule_spec;

/** Static initialiser for ::eni_sg_rule_spec. */
#define ENI_SG_RULE_SPEC_INIT { sizeof(eni_sg_rule_spec), 0, 0, 0, 0, 0, 0, {0}, {0}, 0 }

/** @brief A rule as eni_sg_rule_describe() reports it. */
typedef struct eni_sg_rule_info {
    uint32_t size;                  /**< Set by the caller before the call. */
    uint32_t direction;             /**< An ::eni_direction. */
    eni_sg_rule_id id;              /**< The rule (`sgr-…`). */
    eni_sg_id group;                /**< The group it belongs to. */
    uint32_t peer_kind;             /**< An ::eni_peer_kind. */
    int32_t protocol;               /**< Protocol number, or -1. */
    int32_t from_port;              /**< Port or ICMP type, -1 when not applicable. */
    int32_t to_port;                /**< Port or ICMP code, -1 when not applicable. */
    char cidr[ENI_CIDR_STRING_MAX]; /**< Canonical CIDR for ::ENI_PEER_CIDR, else "". */
    uint32_t family;                /**< 4 or 6 for a CIDR or prefix-list peer, 0 for a group. */
    uint32_t reserved0;             /**< Zero. */
    eni_sg_id peer_group;           /**< For ::ENI_PEER_GROUP. */
    eni_prefix_list_id prefix_list; /**< For ::ENI_PEER_PREFIX_LIST. */
    char description[ENI_SG_TEXT_MAX]; /**< "" if none. */
} eni_sg_rule_info;

/** Initializer for ::eni_sg_rule_info: sets `size`, zeroes the rest. Use it for every
 * eni_sg_rule_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_SG_RULE_INFO_INIT { sizeof(eni_sg_rule_info), 0, {0}, {0}, 0, 0, 0, 0, {0}, 0, 0, {0}, {0}, {0} }

/** @brief A group as eni_sg_describe() reports it. */
typedef struct eni_sg_info {
    uint32_t size;                     /**< Set by the caller before the call. */
    uint32_t is_default;               /**< 1 for a VPC's default group. */
    eni_sg_id id;                      /**< The group. */
    eni_vpc_id vpc;                    /**< Its VPC. */
    char name[ENI_SG_TEXT_MAX];        /**< `GroupName`. */
    char description[ENI_SG_TEXT_MAX]; /**< `Description`. */
    uint32_t ingress_count;            /**< Inbound rules. */
    uint32_t egress_count;             /**< Outbound rules. */
    uint32_t nic_count;                /**< Interfaces that use the group. */
    uint32_t referenced_by;            /**< Rules of other groups that reference it. */
} eni_sg_info;

/** Initializer for ::eni_sg_info: sets `size`, zeroes the rest. Use it for every
 * eni_sg_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_SG_INFO_INIT { sizeof(eni_sg_info), 0, {0}, {0}, {0}, {0}, 0, 0, 0, 0 }

/** @brief What eni_prefix_list_create() makes. */
typedef struct eni_prefix_list_spec {
    uint32_t size;        /**< sizeof as the caller knows it. */
    uint32_t family;      /**< 4 (`IPv4`) or 6 (`IPv6`). */
    const char *name;     /**< 1..255 characters; not starting "com.amazonaws". */
    uint32_t max_entries; /**< 1..1000: what a rule referencing it costs toward the rule quota. */
    uint32_t reserved0;   /**< Must be 0. */
    const char *id;       /**< The id EC2 gave it (`pl-…`), or NULL for one libeni mints. */
} eni_prefix_list_spec;

/** Static initialiser for ::eni_prefix_list_spec. */
#define ENI_PREFIX_LIST_SPEC_INIT { sizeof(eni_prefix_list_spec), 0, 0, 0, 0, 0 }

/** @brief A prefix list as eni_prefix_list_describe() reports it. */
typedef struct eni_prefix_list_info {
    uint32_t size;              /**< Set by the caller before the call. */
    uint32_t family;            /**< 4 or 6. */
    eni_prefix_list_id id;      /**< The list (`pl-…`). */
    char name[ENI_SG_TEXT_MAX]; /**< Its name. */
    uint32_t max_entries;       /**< `MaxEntries`. */
    uint32_t entry_count;       /**< Entries now. */
    uint32_t referenced_by;     /**< Rules that reference it. */
    uint32_t reserved0;         /**< Zero. */
} eni_prefix_list_info;

/** Initializer for ::eni_prefix_list_info: sets `size`, zeroes the rest. Use it for every
 * eni_prefix_list_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_PREFIX_LIST_INFO_INIT { sizeof(eni_prefix_list_info), 0, {0}, {0}, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Create a security group (`CreateSecurityGroup`).
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the group id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, a missing name or
 *         description (`MissingParameter`), a bad one (`InvalidParameterValue`), the name "default" or a name
 *         starting "sg-" (`InvalidGroup.Reserved`); VPC id errors;
 *         ::ENI_EEXIST (`InvalidGroup.Duplicate`) for a name already used in
 *         the VPC; ::ENI_ELIMIT (`SecurityGroupLimitExceeded`); ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_create(eni_ctx *ctx, const eni_sg_spec *spec, eni_sg_id *out);

/**
 * @brief Delete a security group (`DeleteSecurityGroup`).
 * @param[in] ctx The context.
 * @param[in] sg  The group.
 * @return ::ENI_OK; id errors (`InvalidGroup.NotFound`, `InvalidGroupId.Malformed`);
 *         ::ENI_EPERM (`CannotDelete`) for a default group; ::ENI_EDEPEND
 *         (`DependencyViolation`) while an interface uses it or a rule of
 *         another group references it.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_delete(eni_ctx *ctx, eni_sg_id sg);

/**
 * @brief Describe a security group.
 * @param[in]  ctx The context.
 * @param[in]  sg  The group.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_describe(eni_ctx *ctx, eni_sg_id sg, eni_sg_info *out);

/**
 * @brief List security groups in id order.
 * @param[in]  ctx   The context.
 * @param[in]  vpc   Only this VPC's groups, or the null id for all.
 * @param[out] out   Receives up to @p cap ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number that match.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); VPC id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_list(eni_ctx *ctx, eni_vpc_id vpc, eni_sg_id *out, uint32_t cap,
                        uint32_t *count);

/**
 * @brief Add rules to a group, all or nothing (`AuthorizeSecurityGroupIngress/Egress`).
 * @param[in]  ctx       The context.
 * @param[in]  sg        The group.
 * @param[in]  direction ::ENI_INGRESS or ::ENI_EGRESS.
 * @param[in]  rules     @p n permissions (stride: `rules[0].size`).
 * @param[in]  n         1..100.
 * @param[out] ids_out   Receives the @p n new rule ids in order; may be NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments or a bad direction;
 *         `InvalidPermission.Malformed` for a bad protocol, port range, ICMP
 *         type/code, CIDR, description, or a peer of the wrong kind;
 *         group id errors for the group or a peer group (`InvalidGroup.NotFound`),
 *         and a peer group of another VPC; prefix-list id errors;
 *         ::ENI_EEXIST (`InvalidPermission.Duplicate`) when a rule already exists
 *         or appears twice in @p rules; ::ENI_ELIMIT (`RulesPerSecurityGroupLimitExceeded`);
 *         ::ENI_EVERSION; ::ENI_ENOMEM. Nothing is added on failure.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_authorize(eni_ctx *ctx, eni_sg_id sg, eni_direction direction,
                             const eni_sg_rule_spec *rules, uint32_t n, eni_sg_rule_id *ids_out);

/**
 * @brief Remove rules by their properties, all or nothing (`RevokeSecurityGroupIngress/Egress`).
 *
 * A rule matches on direction, protocol, ports and peer (after canonicalising
 * the CIDR); the description does not matter.
 *
 * @param[in] ctx       The context.
 * @param[in] sg        The group.
 * @param[in] direction ::ENI_INGRESS or ::ENI_EGRESS.
 * @param[in] rules     @p n permissions (stride: `rules[0].size`).
 * @param[in] n         1..100.
 * @return ::ENI_OK; the validation errors of eni_sg_authorize(); ::ENI_ENOTFOUND
 *         (`InvalidPermission.NotFound`) when one of them matches no rule.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_revoke(eni_ctx *ctx, eni_sg_id sg, eni_direction direction,
                          const eni_sg_rule_spec *rules, uint32_t n);

/**
 * @brief Remove rules by id, all or nothing (`SecurityGroupRuleIds`).
 * @param[in] ctx   The context.
 * @param[in] sg    The group the rules belong to.
 * @param[in] rules @p n rule ids.
 * @param[in] n     1..100.
 * @return ::ENI_OK; group id errors; rule id errors
 *         (`InvalidSecurityGroupRuleId.NotFound` also for a rule of another group).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_revoke_rules(eni_ctx *ctx, eni_sg_id sg, const eni_sg_rule_id *rules,
                                uint32_t n);

/**
 * @brief List a group's rules in the order they were added.
 * @param[in]  ctx       The context.
 * @param[in]  sg        The group.
 * @param[in]  direction ::ENI_INGRESS, ::ENI_EGRESS, or 0 for both (inbound first).
 * @param[out] out       Receives up to @p cap rule ids.
 * @param[in]  cap       Capacity of @p out.
 * @param[out] count     Receives the total number.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for a bad direction; group id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_list_rules(eni_ctx *ctx, eni_sg_id sg, uint32_t direction,
                              eni_sg_rule_id *out, uint32_t cap, uint32_t *count);

/**
 * @brief Describe one rule.
 * @param[in]  ctx  The context.
 * @param[in]  rule The rule.
 * @param[out] out  Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; rule id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_rule_describe(eni_ctx *ctx, eni_sg_rule_id rule, eni_sg_rule_info *out);

/**
 * @brief Replace a rule's contents in place (`ModifySecurityGroupRules`):
 * protocol, ports or ICMP type/code, peer and description; the rule keeps
 * its id, group and direction.
 *
 * The change is one step for the evaluator: traffic that both the old and
 * the new rule allow never sees a gap; tracked flows of what the new rule
 * no longer allows live on until they idle out, as after a revoke.
 *
 * @param[in] ctx  The context.
 * @param[in] rule The rule.
 * @param[in] spec Its new contents (eni_sg_rule_spec, as for eni_sg_authorize()).
 * @return ::ENI_OK; the spec errors of eni_sg_authorize(); ::ENI_EEXIST
 *         (`InvalidPermission.Duplicate`) when another rule of the group and
 *         direction already says the same; ::ENI_ELIMIT
 *         (`RulesPerSecurityGroupLimitExceeded`) when a prefix-list peer's
 *         cost would exceed the quota; rule id errors; ::ENI_ENOMEM.
 *         Nothing changes on failure.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_rule_modify(eni_ctx *ctx, eni_sg_rule_id rule, const eni_sg_rule_spec *spec);

/**
 * @brief Set or clear a rule's description
 * (`UpdateSecurityGroupRuleDescriptionsIngress`/`Egress`).
 * @param[in] ctx         The context.
 * @param[in] rule        The rule.
 * @param[in] description Up to 255 characters of EC2's set; NULL or "" clears it.
 * @return ::ENI_OK; ::ENI_EINVAL (`InvalidParameterValue`) for a bad
 *         description or NULL @p ctx; rule id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_rule_set_description(eni_ctx *ctx, eni_sg_rule_id rule,
                                        const char *description);

/**
 * @brief Create a customer-managed prefix list (`CreateManagedPrefixList`).
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the list id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, a bad family, name or
 *         max_entries; ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_create(eni_ctx *ctx, const eni_prefix_list_spec *spec,
                                   eni_prefix_list_id *out);

/**
 * @brief Delete a prefix list.
 * @param[in] ctx The context.
 * @param[in] pl  The list.
 * @return ::ENI_OK; id errors (`InvalidPrefixListID.NotFound`); ::ENI_EDEPEND
 *         (`DependencyViolation`) while a rule references it.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_delete(eni_ctx *ctx, eni_prefix_list_id pl);

/**
 * @brief Add and remove entries in one all-or-nothing step (`ModifyManagedPrefixList`).
 * @param[in] ctx        The context.
 * @param[in] pl         The list.
 * @param[in] add        CIDRs to add (canonicalised), @p add_count of them; may be NULL if 0.
 * @param[in] add_count  How many.
 * @param[in] remove     CIDRs to remove, @p remove_count of them; may be NULL if 0.
 * @param[in] remove_count How many.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arrays with counts, a malformed CIDR or
 *         one of the other family, adding an entry already present or removing
 *         one that is absent (`InvalidPrefixListModification`); ::ENI_ELIMIT
 *         (`InvalidParameterValue`) beyond max_entries; id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_modify(eni_ctx *ctx, eni_prefix_list_id pl,
                                   const char *const *add, uint32_t add_count,
                                   const char *const *remove, uint32_t remove_count);

/**
 * @brief Describe a prefix list.
 * @param[in]  ctx The context.
 * @param[in]  pl  The list.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_describe(eni_ctx *ctx, eni_prefix_list_id pl,
                                     eni_prefix_list_info *out);

/**
 * @brief Read a prefix list's entries, in the order they were added.
 * @param[in]  ctx   The context.
 * @param[in]  pl    The list.
 * @param[out] out   Receives up to @p cap canonical CIDR strings, each
 *                   ::ENI_CIDR_STRING_MAX bytes (a `char[cap][ENI_CIDR_STRING_MAX]` array).
 * @param[in]  cap   Capacity of @p out, in entries.
 * @param[out] count Receives the number of entries.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_get_entries(eni_ctx *ctx, eni_prefix_list_id pl, char *out,
                                        uint32_t cap, uint32_t *count);

/**
 * @brief List prefix lists in id order.
 * @param[in]  ctx   The context.
 * @param[out] out   Receives up to @p cap ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list().
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_prefix_list_list(eni_ctx *ctx, eni_prefix_list_id *out, uint32_t cap,
                                 uint32_t *count);

/**
 * @brief State the addresses of a group's member interfaces on another host.
 *
 * A rule that references a group admits the private addresses of every
 * interface in the group, on any host of the VPC. This ctx knows its own
 * interfaces; a sync component states, for each group and each @p source (a
 * host, by any stable name), the member addresses there. The statement
 * replaces that source's previous one whole (prefixes it stated through
 * eni_sg_set_remote() included); the evaluator treats the
 * addresses exactly like those of local members, and publishes the change
 * like a rule change (evaluation never waits for it).
 *
 * @param[in] ctx       The context.
 * @param[in] sg        The group.
 * @param[in] source    The host: 1..255 printable characters, no spaces.
 * @param[in] addresses IPv4 and IPv6 addresses (duplicates collapse); NULL when @p n is 0.
 * @param[in] n         How many; 0 forgets the source for this group.
 * @return ::ENI_OK; ::ENI_EINVAL (`InvalidParameterValue`) for a bad source
 *         or address, NULL arguments; ::ENI_ELIMIT above ::ENI_REMOTE_MEMBERS_MAX;
 *         group id errors; ::ENI_ENOMEM. Nothing changes on failure.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_set_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source,
                                      const char *const *addresses, uint32_t n);

/**
 * @brief State the addresses and delegated prefixes of a group's member
 *        interfaces on another host.
 *
 * As eni_sg_set_remote_members(), which is this call without prefixes: the
 * statement replaces everything @p source said about the group before, its
 * prefixes included, so a prefix the source no longer states stops being
 * admitted. A rule that references the group admits every address inside
 * the prefixes, exactly as it does for a local member's delegated prefixes.
 * Addresses and prefixes may overlap; duplicates collapse. Stating neither
 * forgets the source for this group.
 *
 * @param[in] ctx     The context.
 * @param[in] sg      The group.
 * @param[in] source  The host: 1..255 printable characters, no spaces.
 * @param[in] members The addresses and prefixes; set `size` with ::ENI_REMOTE_MEMBERS_INIT.
 * @return ::ENI_OK; ::ENI_EINVAL (`InvalidParameterValue`) for a bad source,
 *         address or prefix (not an IPv4 /28 or IPv6 /80, host bits set),
 *         NULL arguments or non-zero flags; ::ENI_EVERSION for a bad `size`;
 *         ::ENI_ELIMIT above ::ENI_REMOTE_MEMBERS_MAX addresses and prefixes
 *         together; group id errors; ::ENI_ENOMEM. Nothing changes on failure.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_set_remote(eni_ctx *ctx, eni_sg_id sg, const char *source,
                              const eni_remote_members *members);

/**
 * @brief Forget what @p source said about a group (eni_sg_set_remote_members() with none).
 * @param[in] ctx    The context.
 * @param[in] sg     The group.
 * @param[in] source The host.
 * @return As eni_sg_set_remote_members(); forgetting an unknown source is ::ENI_OK.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_clear_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source);

/**
 * @brief Forget everything @p source said, in every group (the host left).
 * @param[in]  ctx    The context.
 * @param[in]  source The host.
 * @param[out] groups Receives how many groups had members from it; may be NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p ctx or a bad source name.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_clear_remote_source(eni_ctx *ctx, const char *source, uint32_t *groups);

/**
 * @brief The sources that have stated members of a group, in name order.
 * @param[in]  ctx   The context.
 * @param[in]  sg    The group.
 * @param[out] out   Receives up to @p cap names, each ::ENI_REMOTE_SOURCE_MAX
 *                   bytes (a `char[cap][ENI_REMOTE_SOURCE_MAX]` array).
 * @param[in]  cap   Capacity of @p out, in names.
 * @param[out] count Receives the number of sources.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); group id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_list_remote_sources(eni_ctx *ctx, eni_sg_id sg, char *out, uint32_t cap,
                                       uint32_t *count);

/**
 * @brief The member addresses @p source stated for a group: IPv4 first, each
 * family in ascending order.
 * @param[in]  ctx    The context.
 * @param[in]  sg     The group.
 * @param[in]  source The host; one that stated nothing has none (count 0).
 * @param[out] out    Receives up to @p cap addresses, each ::ENI_IP_STRING_MAX
 *                    bytes (a `char[cap][ENI_IP_STRING_MAX]` array).
 * @param[in]  cap    Capacity of @p out, in addresses.
 * @param[out] count  Receives the number of addresses.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for a NULL @p source;
 *         group id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_get_remote_members(eni_ctx *ctx, eni_sg_id sg, const char *source, char *out,
                                      uint32_t cap, uint32_t *count);

/**
 * @brief The delegated prefixes @p source stated for a group's members
 *        (eni_sg_set_remote()): IPv4 /28s first, each family in ascending order.
 * @param[in]  ctx    The context.
 * @param[in]  sg     The group.
 * @param[in]  source The host; one that stated none has none (count 0).
 * @param[out] out    Receives up to @p cap prefixes, each ::ENI_CIDR_STRING_MAX
 *                    bytes (a `char[cap][ENI_CIDR_STRING_MAX]` array).
 * @param[in]  cap    Capacity of @p out, in prefixes.
 * @param[out] count  Receives the number of prefixes.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for a NULL @p source;
 *         group id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_sg_get_remote_prefixes(eni_ctx *ctx, eni_sg_id sg, const char *source, char *out,
                                       uint32_t cap, uint32_t *count);

ENI_END_DECLS

/** @} */
#endif /* ENI_SG_H */
