/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/nic.h
 * @brief Elastic network interfaces: creation, addresses, attributes.
 *
 * An interface lives in one subnet for its whole life. It has exactly one
 * primary private IPv4 (never removed), optional secondary IPv4 and IPv6
 * addresses, 1..quota security groups of its VPC, a fixed locally
 * administered MAC, a description, the source/destination check (on by
 * default) and per-interface connection-tracking idle timeouts. An
 * `efa-only` interface has no addresses at all. Attachment to instances is
 * in eni/attach.h; an interface's status is `available` until it is
 * attached, then `in-use`.
 *
 * Address limits per interface come from the instance type and are checked
 * when the interface is attached and, while it is attached, on every
 * assignment (`PrivateIpAddressLimitExceeded`). Delegated prefixes (IPv4
 * /28, IPv6 /80; eni_nic_assign_prefixes()) take one address slot each, as
 * EC2 counts them, and every address inside them is the interface's own.
 *
 * @defgroup eni_nic Network interfaces
 * @{
 */
#ifndef ENI_NIC_H
#define ENI_NIC_H

#include "common.h"
#include "model.h"
#include "types.h"

/** Longest interface description (255 characters), NUL included. */
#define ENI_NIC_DESCRIPTION_MAX 256

/** @brief EC2 `InterfaceType` values an interface can be created with. */
typedef enum eni_nic_type {
    ENI_NIC_INTERFACE = 0, /**< `interface`: an ordinary ENA interface (the default). */
    ENI_NIC_EFA = 1,       /**< `efa`: ENA plus an OS-bypass device; has addresses. */
    ENI_NIC_EFA_ONLY = 2,  /**< `efa-only`: OS-bypass device only; no addresses; never primary. */
    ENI_NIC_TRUNK = 3      /**< `trunk`: carries branch interfaces; not modelled yet, so eni_nic_create() refuses it (::ENI_ENOTSUP, `UnsupportedOperation`). */
} eni_nic_type;

/** @brief EC2 `NetworkInterfaceStatus`. */
typedef enum eni_nic_status {
    ENI_NIC_AVAILABLE = 0, /**< Not attached. */
    ENI_NIC_ATTACHING = 1, /**< An attach is in progress. */
    ENI_NIC_IN_USE = 2,    /**< Attached. */
    ENI_NIC_DETACHING = 3  /**< A detach is in progress. */
} eni_nic_status;

/** @brief Bits of the `flags` argument of the assign calls. */
typedef enum eni_assign_flag {
    ENI_ASSIGN_ALLOW_REASSIGNMENT = 1u << 0 /**< `AllowReassignment`: move an IPv4 address held by another interface (its Elastic IP moves with it). */
} eni_assign_flag;

/**
 * @brief Connection-tracking idle timeouts in seconds (`ConnectionTrackingSpecification`).
 *
 * 0 means "the instance type's default" on input. Ranges: TCP established
 * 60..432000, UDP stream 60..180, UDP 30..60 (`InvalidParameterValue` outside).
 */
typedef struct eni_conntrack_timeouts {
    uint32_t tcp_established; /**< `TcpEstablishedTimeout`. */
    uint32_t udp_stream;      /**< `UdpStreamTimeout`. */
    uint32_t udp;             /**< `UdpTimeout`. */
} eni_conntrack_timeouts;

/**
 * @brief What eni_nic_create() makes (`CreateNetworkInterface`).
 *
 * An explicit list and a count of the same kind are exclusive
 * (`InvalidParameterCombination`).
 */
typedef struct eni_nic_spec {
    uint32_t size;                 /**< sizeof as the caller knows it. */
    uint32_t type;                 /**< An ::eni_nic_type. */
    eni_subnet_id subnet;          /**< The subnet, required. */
    const char *description;       /**< Up to 255 characters, or NULL. */
    const char *private_ip;        /**< Primary IPv4, or NULL to let libeni pick. */
    const char *const *secondary_ips; /**< Explicit secondary IPv4 addresses. */
    uint32_t secondary_ip_list_len;   /**< How many in @ref secondary_ips. */
    uint32_t secondary_ip_count;      /**< Or: how many secondary addresses to pick. */
    const char *const *ipv6_addresses; /**< Explicit IPv6 addresses. */
    uint32_t ipv6_list_len;           /**< How many in @ref ipv6_addresses. */
    uint32_t ipv6_count;              /**< Or: how many IPv6 addresses to pick. */
    const eni_sg_id *groups;          /**< Security groups of the subnet's VPC; NULL with 0 for the default group. */
    uint32_t group_count;             /**< How many groups. */
    uint32_t flags;                   /**< ::eni_nic_spec_flag bits. */
    eni_conntrack_timeouts conntrack; /**< Idle timeouts; zeros for the defaults. */
    uint32_t reserved0;               /**< Must be 0. */
    const char *id;                   /**< The id EC2 gave it (`eni-…`), or NULL for one libeni mints. */
} eni_nic_spec;

/** @brief Bits of eni_nic_spec::flags. */
typedef enum eni_nic_spec_flag {
    ENI_NIC_SPEC_NO_IPV6 = 1u << 0 /**< `Ipv6AddressCount=0`: no IPv6 even if the subnet assigns one on creation. */
} eni_nic_spec_flag;

/** Static initialiser for ::eni_nic_spec. */
#define ENI_NIC_SPEC_INIT { sizeof(eni_nic_spec), 0, {0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, {0, 0, 0}, 0, 0 }

/** @brief An interface as eni_nic_describe() reports it. */
typedef struct eni_nic_info {
    uint32_t size;                 /**< Set by the caller before the call. */
    uint32_t type;                 /**< An ::eni_nic_type. */
    eni_nic_id id;                 /**< The interface. */
    eni_subnet_id subnet;          /**< Its subnet. */
    eni_vpc_id vpc;                /**< Its VPC. */
    uint8_t mac[6];                /**< Locally administered, unique in the ctx. */
    uint8_t source_dest_check;     /**< 1 when the check is on. */
    uint8_t reserved0;             /**< Zero. */
    uint32_t status;               /**< An ::eni_nic_status. */
    char mac_string[18];           /**< "02:xx:xx:xx:xx:xx". */
    char private_ip[ENI_IP_STRING_MAX]; /**< Primary private IPv4, "" for efa-only. */
    char public_ip[ENI_IP_STRING_MAX];  /**< Auto-assigned public IPv4 or the primary address's Elastic IP, "" if none. */
    char description[ENI_NIC_DESCRIPTION_MAX]; /**< "" if none. */
    uint32_t ipv4_count;           /**< Private IPv4 addresses, primary included. */
    uint32_t ipv6_count;           /**< IPv6 addresses. */
    uint32_t group_count;          /**< Security groups. */
    uint32_t reserved1;            /**< Zero. */
    eni_instance_id instance;      /**< Instance attached to, or the null id. */
    eni_attachment_id attachment;  /**< The attachment, or the null id. */
    eni_conntrack_timeouts conntrack; /**< Effective idle timeouts in seconds. */
    uint32_t reserved2;            /**< Zero. */
} eni_nic_info;

/** Initializer for ::eni_nic_info: sets `size`, zeroes the rest. Use it for every
 * eni_nic_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_NIC_INFO_INIT { sizeof(eni_nic_info), 0, {0}, {0}, {0}, {0}, 0, 0, 0, {0}, {0}, {0}, {0}, 0, 0, 0, 0, {0}, {0}, {0, 0, 0}, 0 }

/** @brief One address of an interface (eni_nic_get_addresses()). Fixed layout. */
typedef struct eni_nic_address {
    char address[ENI_IP_STRING_MAX];   /**< The private IPv4 or the IPv6 address. */
    uint32_t family;                   /**< 4 or 6. */
    uint32_t primary;                  /**< 1 for the primary private IPv4. */
    eni_eip_id eip;                    /**< Elastic IP associated with it (IPv4), or null. */
    char public_ip[ENI_IP_STRING_MAX]; /**< Its Elastic IP or auto-assigned public IPv4, "" if none. */
} eni_nic_address;

/** @brief Filter for eni_nic_list(); null ids and 0 mean "any". */
typedef struct eni_nic_filter {
    uint32_t size;            /**< sizeof as the caller knows it. */
    uint32_t status_mask;     /**< Bit (1 << ::eni_nic_status) per wanted status; 0 = all. */
    eni_vpc_id vpc;           /**< Only this VPC's interfaces. */
    eni_subnet_id subnet;     /**< Only this subnet's. */
    eni_instance_id instance; /**< Only those attached to this instance. */
    eni_sg_id group;          /**< Only those using this group. */
} eni_nic_filter;

/** Static initialiser for ::eni_nic_filter. */
#define ENI_NIC_FILTER_INIT { sizeof(eni_nic_filter), 0, {0}, {0}, {0}, {0} }

ENI_BEGIN_DECLS

/**
 * @brief Create a network interface.
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the interface id.
 * @return ::ENI_OK, or (changing nothing):
 *         ::ENI_EINVAL for NULL arguments, an unknown type, a malformed or
 *         foreign address (`InvalidParameterValue`), an address outside the
 *         subnet or reserved by EC2, a list and a count of the same kind
 *         (`InvalidParameterCombination`), any address on `efa-only`, IPv6 in
 *         a subnet without IPv6, a group of another VPC, duplicate groups,
 *         an over-long description, timeouts out of range;
 *         subnet and group id errors; ::ENI_EINUSE (`InvalidIPAddress.InUse`)
 *         for an explicit address already in use; ::ENI_ELIMIT for too many
 *         groups (`SecurityGroupsPerInterfaceLimitExceeded`), the interface
 *         quota (`NetworkInterfaceLimitExceeded`) or a full subnet
 *         (`InsufficientFreeAddressesInSubnet`); ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_create(eni_ctx *ctx, const eni_nic_spec *spec, eni_nic_id *out);

/**
 * @brief Delete an interface; its addresses return to the subnet, Elastic IPs are disassociated.
 * @param[in] ctx The context.
 * @param[in] nic The interface.
 * @return ::ENI_OK; id errors (`InvalidNetworkInterfaceID.NotFound`,
 *         `InvalidNetworkInterfaceId.Malformed`); ::ENI_EINUSE
 *         (`InvalidNetworkInterface.InUse`) unless it is `available`.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_delete(eni_ctx *ctx, eni_nic_id nic);

/**
 * @brief Describe an interface.
 * @param[in]  ctx The context.
 * @param[in]  nic The interface.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_describe(eni_ctx *ctx, eni_nic_id nic, eni_nic_info *out);

/**
 * @brief Read an interface's addresses: private IPv4 (primary first), then IPv6.
 * @param[in]  ctx   The context.
 * @param[in]  nic   The interface.
 * @param[out] out   Receives up to @p cap addresses.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number of addresses.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_get_addresses(eni_ctx *ctx, eni_nic_id nic, eni_nic_address *out,
                                  uint32_t cap, uint32_t *count);

/**
 * @brief Read an interface's security groups, in the order they were set.
 * @param[in]  ctx   The context.
 * @param[in]  nic   The interface.
 * @param[out] out   Receives up to @p cap group ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the number of groups.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_get_groups(eni_ctx *ctx, eni_nic_id nic, eni_sg_id *out, uint32_t cap,
                               uint32_t *count);

/**
 * @brief List interfaces in id order.
 * @param[in]  ctx    The context.
 * @param[in]  filter What to list, or NULL for all.
 * @param[out] out    Receives up to @p cap ids.
 * @param[in]  cap    Capacity of @p out.
 * @param[out] count  Receives the total number that match.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for unknown status bits;
 *         id errors for a non-null filter id; ::ENI_EVERSION for a bad filter size.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_list(eni_ctx *ctx, const eni_nic_filter *filter, eni_nic_id *out,
                         uint32_t cap, uint32_t *count);

/**
 * @brief Replace the description.
 * @param[in] ctx         The context.
 * @param[in] nic         The interface.
 * @param[in] description Up to 255 characters; NULL or "" clears it.
 * @return ::ENI_OK; ::ENI_EINVAL for an over-long description; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_set_description(eni_ctx *ctx, eni_nic_id nic, const char *description);

/**
 * @brief Turn the source/destination check on or off.
 * @param[in] ctx     The context.
 * @param[in] nic     The interface.
 * @param[in] enabled 1 for on (EC2's default), 0 for off (NAT, routers).
 * @return ::ENI_OK; ::ENI_EINVAL for a value other than 0 or 1; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_set_source_dest_check(eni_ctx *ctx, eni_nic_id nic, uint32_t enabled);

/**
 * @brief Replace the whole set of security groups.
 * @param[in] ctx    The context.
 * @param[in] nic    The interface.
 * @param[in] groups At least one group of the interface's VPC.
 * @param[in] n      How many (1..quota).
 * @return ::ENI_OK; ::ENI_EINVAL for none, duplicates or a group of another
 *         VPC; group id errors; ::ENI_ELIMIT (`SecurityGroupsPerInterfaceLimitExceeded`).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_set_groups(eni_ctx *ctx, eni_nic_id nic, const eni_sg_id *groups,
                               uint32_t n);

/**
 * @brief Set connection-tracking idle timeouts.
 * @param[in] ctx      The context.
 * @param[in] nic      The interface.
 * @param[in] timeouts New values; a 0 field keeps the current value.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a value out of range; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_set_conntrack_timeouts(eni_ctx *ctx, eni_nic_id nic,
                                           const eni_conntrack_timeouts *timeouts);

/**
 * @brief Assign secondary private IPv4 addresses, all or nothing (`AssignPrivateIpAddresses`).
 *
 * Give either explicit addresses or a count. With
 * ::ENI_ASSIGN_ALLOW_REASSIGNMENT an address held as a *secondary* by another
 * interface of the subnet moves here, with its Elastic IP.
 *
 * @param[in] ctx   The context.
 * @param[in] nic   The interface.
 * @param[in] ips   Explicit addresses, or NULL.
 * @param[in] n     How many in @p ips.
 * @param[in] count Or: how many addresses libeni should pick.
 * @param[in] flags ::eni_assign_flag bits.
 * @return ::ENI_OK; ::ENI_EINVAL for both or neither of a list and a count,
 *         bad or reserved addresses, addresses outside the subnet, duplicates,
 *         an `efa-only` interface; ::ENI_EINUSE (`Resource.AlreadyAssigned`)
 *         for an address in use without the flag, or a primary address of
 *         another interface; ::ENI_ELIMIT (`PrivateIpAddressLimitExceeded`)
 *         past the attached instance type's limit, or
 *         `InsufficientFreeAddressesInSubnet`; id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_assign_private_ips(eni_ctx *ctx, eni_nic_id nic, const char *const *ips,
                                       uint32_t n, uint32_t count, uint32_t flags);

/**
 * @brief Unassign secondary private IPv4 addresses, all or nothing.
 *
 * Their Elastic IPs are disassociated (and stay allocated).
 *
 * @param[in] ctx The context.
 * @param[in] nic The interface.
 * @param[in] ips The addresses.
 * @param[in] n   How many (at least 1).
 * @return ::ENI_OK; ::ENI_EINVAL for malformed addresses, ones not on this
 *         interface (`InvalidParameterValue`), or the primary address
 *         (`InvalidParameterValue`: the primary cannot be removed); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_unassign_private_ips(eni_ctx *ctx, eni_nic_id nic, const char *const *ips,
                                         uint32_t n);

/**
 * @brief Assign IPv6 addresses, all or nothing (`AssignIpv6Addresses`).
 *
 * An IPv6 address in use elsewhere is never moved: it must be unassigned first.
 *
 * @param[in] ctx   The context.
 * @param[in] nic   The interface.
 * @param[in] ips   Explicit addresses, or NULL.
 * @param[in] n     How many in @p ips.
 * @param[in] count Or: how many addresses libeni should pick.
 * @return ::ENI_OK; ::ENI_EINVAL as for IPv4, or a subnet without IPv6;
 *         ::ENI_EINUSE (`InvalidIPAddress.InUse`); ::ENI_ELIMIT
 *         (`PrivateIpAddressLimitExceeded`) past the attached type's IPv6 limit; id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_assign_ipv6(eni_ctx *ctx, eni_nic_id nic, const char *const *ips,
                                uint32_t n, uint32_t count);

/**
 * @brief Unassign IPv6 addresses, all or nothing.
 * @param[in] ctx The context.
 * @param[in] nic The interface.
 * @param[in] ips The addresses.
 * @param[in] n   How many (at least 1).
 * @return ::ENI_OK; ::ENI_EINVAL for malformed addresses or ones not on this interface; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_unassign_ipv6(eni_ctx *ctx, eni_nic_id nic, const char *const *ips,
                                  uint32_t n);

/**
 * @brief Delegate prefixes to an interface, all or nothing (`AssignPrivateIpAddresses`
 *        `Ipv4Prefixes`/`Ipv4PrefixCount`, `AssignIpv6Addresses` `Ipv6Prefixes`/`Ipv6PrefixCount`).
 *
 * IPv4 prefixes are /28 and IPv6 prefixes /80, inside the interface's
 * subnet, without host bits, and free: no address of them assigned, none of
 * EC2's reserved ones in them. With a count libeni picks the lowest free
 * ones. Each prefix takes one of the attached instance type's per-interface
 * address slots (IPv4 and IPv6 apart). Every address inside a prefix is the
 * interface's own for the evaluator (source/destination check) and a member
 * address of its groups (group references).
 *
 * @param[in] ctx      The context.
 * @param[in] nic      The interface.
 * @param[in] family   4 or 6.
 * @param[in] prefixes Explicit prefixes ("10.0.1.32/28", "2001:db8::1:0:0:0/80"), or NULL.
 * @param[in] n        How many in @p prefixes.
 * @param[in] count    Or: how many prefixes libeni should pick.
 * @return ::ENI_OK; ::ENI_EINVAL for a bad family, both or neither of a list
 *         and a count (`InvalidParameterCombination`), malformed prefixes, a
 *         wrong length, host bits, a prefix outside the subnet, one holding a
 *         reserved address, duplicates, an `efa-only` interface, IPv6 in a
 *         subnet without IPv6 (`InvalidParameterValue`); ::ENI_EINUSE
 *         (`InvalidParameterValue`) for a prefix with an address in use;
 *         ::ENI_ELIMIT (`PrivateIpAddressLimitExceeded`) past the attached
 *         type's slots, (`InsufficientCidrBlocks`) when the subnet has no
 *         free prefix left; id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_assign_prefixes(eni_ctx *ctx, eni_nic_id nic, uint32_t family,
                                    const char *const *prefixes, uint32_t n, uint32_t count);

/**
 * @brief Take delegated prefixes back, all or nothing (`UnassignPrivateIpAddresses`
 *        `Ipv4Prefixes`, `UnassignIpv6Addresses` `Ipv6Prefixes`).
 * @param[in] ctx      The context.
 * @param[in] nic      The interface.
 * @param[in] prefixes The prefixes, of either family.
 * @param[in] n        How many (at least 1).
 * @return ::ENI_OK; ::ENI_EINVAL for NULL, malformed prefixes, duplicates or
 *         prefixes not delegated to this interface (`InvalidParameterValue`);
 *         id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_unassign_prefixes(eni_ctx *ctx, eni_nic_id nic,
                                      const char *const *prefixes, uint32_t n);

/**
 * @brief Read an interface's delegated prefixes (its `Ipv4Prefixes` and
 *        `Ipv6Prefixes`), each family in the order they were delegated.
 * @param[in]  ctx    The context.
 * @param[in]  nic    The interface.
 * @param[in]  family 4, 6, or 0 for both (IPv4 first).
 * @param[out] out    Receives up to @p cap prefixes, ::ENI_CIDR_STRING_MAX bytes each.
 * @param[in]  cap    Capacity of @p out, in prefixes.
 * @param[out] count  Receives the number of prefixes.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list() or for a bad family; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_get_prefixes(eni_ctx *ctx, eni_nic_id nic, uint32_t family, char *out,
                                 uint32_t cap, uint32_t *count);

ENI_END_DECLS

/** @} */
#endif /* ENI_NIC_H */
