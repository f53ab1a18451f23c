/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/vpc.h
 * @brief VPCs and subnets, with EC2's CIDR rules and address management.
 *
 * A VPC has a primary IPv4 CIDR block (/16 to /28), up to
 * eni_quotas::cidr_blocks_per_vpc IPv4 blocks in all (secondary ones are
 * associated later with eni_vpc_associate_cidr_block()), and optionally
 * IPv6 /56 blocks (one at creation, up to
 * eni_quotas::ipv6_cidr_blocks_per_vpc in all). Creating a VPC creates its
 * default security group (name `default`: inbound from itself, all
 * outbound) and its default network ACL (eni/acl.h), which cannot be
 * deleted on their own. A subnet sits in one availability zone, inside one
 * of its VPC's IPv4 blocks, never overlapping another subnet of the VPC,
 * with an optional IPv6 /64 inside one of the VPC's /56 blocks. EC2
 * reserves five IPv4 addresses of every subnet: the
 * network address, +1 (router), +2 (DNS), +3 (future use) and the last.
 *
 * Addresses and CIDRs cross the API as strings ("10.0.0.0/16"); host bits
 * set in a VPC or subnet CIDR are an error (EC2: `InvalidVpc.Range`,
 * `InvalidSubnet.Range`).
 *
 * @defgroup eni_vpc VPCs and subnets
 * @{
 */
#ifndef ENI_VPC_H
#define ENI_VPC_H

#include "common.h"
#include "model.h"
#include "types.h"

/** Longest availability-zone name, NUL included. */
#define ENI_AZ_NAME_MAX 32

/** @brief Bits of eni_vpc_spec::flags. */
typedef enum eni_vpc_flag {
    /** Give the VPC an IPv6 /56 from libeni's Amazon-provided pool (2600:1f00::/24 style,
     *  drawn from 2001:db8::/32 here). Exclusive with eni_vpc_spec::ipv6_cidr_block. */
    ENI_VPC_AMAZON_IPV6 = 1u << 0
} eni_vpc_flag;

/** @brief What eni_vpc_create() makes. */
typedef struct eni_vpc_spec {
    uint32_t size;               /**< sizeof as the caller knows it. */
    uint32_t flags;              /**< ::eni_vpc_flag bits. */
    const char *cidr_block;      /**< IPv4 CIDR, /16 to /28, required. */
    const char *ipv6_cidr_block; /**< IPv6 /56, or NULL for none. */
    const char *id;              /**< The id EC2 gave it (`vpc-…`), or NULL for one libeni mints. */
    const char *default_group_id;/**< The id EC2 gave its default security group (`sg-…`), or NULL. */
    const char *default_acl_id;  /**< The id EC2 gave its default network ACL (`acl-…`), or NULL. */
} eni_vpc_spec;

/** Static initialiser for ::eni_vpc_spec. */
#define ENI_VPC_SPEC_INIT { sizeof(eni_vpc_spec), 0, 0, 0, 0, 0, 0 }

/** @brief A VPC as eni_vpc_describe() reports it. */
typedef struct eni_vpc_info {
    uint32_t size;                            /**< Set by the caller before the call. */
    uint32_t subnet_count;                    /**< Subnets in the VPC. */
    eni_vpc_id id;                            /**< The VPC. */
    eni_sg_id default_group;                  /**< Its default security group. */
    char cidr_block[ENI_CIDR_STRING_MAX];     /**< IPv4 CIDR. */
    char ipv6_cidr_block[ENI_CIDR_STRING_MAX];/**< The first IPv6 /56 in association order, "" if none (eni_vpc_get_cidr_blocks() lists them all). */
    uint32_t group_count;                     /**< Security groups, the default one included. */
    uint32_t reserved0;                       /**< Zero. */
} eni_vpc_info;

/** Initializer for ::eni_vpc_info: sets `size`, zeroes the rest. Use it for every
 * eni_vpc_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_VPC_INFO_INIT { sizeof(eni_vpc_info), 0, {0}, {0}, {0}, {0}, 0, 0 }

/** @brief Bits of eni_subnet_spec::flags and eni_subnet_info::flags. */
typedef enum eni_subnet_flag {
    ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH = 1u << 0,   /**< `MapPublicIpOnLaunch`: auto-assign a public IPv4 at launch (device index 0). */
    ENI_SUBNET_ASSIGN_IPV6_ON_CREATION = 1u << 1    /**< `AssignIpv6AddressOnCreation`: new interfaces get one IPv6 address. */
} eni_subnet_flag;

/** @brief What eni_subnet_create() makes. */
typedef struct eni_subnet_spec {
    uint32_t size;                /**< sizeof as the caller knows it. */
    uint32_t flags;               /**< ::eni_subnet_flag bits. */
    eni_vpc_id vpc;               /**< The VPC. */
    const char *availability_zone;/**< For example "us-east-1a"; 1..31 characters of [a-z0-9-]. */
    const char *cidr_block;       /**< IPv4 CIDR inside the VPC's, /16 to /28. */
    const char *ipv6_cidr_block;  /**< IPv6 /64 inside one of the VPC's /56 blocks, or NULL. */
    const char *id;               /**< The id EC2 gave it (`subnet-…`), or NULL for one libeni mints. */
} eni_subnet_spec;

/** Static initialiser for ::eni_subnet_spec. */
#define ENI_SUBNET_SPEC_INIT { sizeof(eni_subnet_spec), 0, {0}, 0, 0, 0, 0 }

/** @brief A subnet as eni_subnet_describe() reports it. */
typedef struct eni_subnet_info {
    uint32_t size;                            /**< Set by the caller before the call. */
    uint32_t flags;                           /**< ::eni_subnet_flag bits. */
    eni_subnet_id id;                         /**< The subnet. */
    eni_vpc_id vpc;                           /**< Its VPC. */
    char availability_zone[ENI_AZ_NAME_MAX];  /**< Its zone. */
    char cidr_block[ENI_CIDR_STRING_MAX];     /**< IPv4 CIDR. */
    char ipv6_cidr_block[ENI_CIDR_STRING_MAX];/**< IPv6 /64, "" if none. */
    uint64_t available_ip_count;              /**< `AvailableIpAddressCount`: free IPv4 addresses, reserved ones excluded. */
    uint32_t nic_count;                       /**< Interfaces in the subnet. */
    uint32_t reserved0;                       /**< Zero. */
} eni_subnet_info;

/** Initializer for ::eni_subnet_info: sets `size`, zeroes the rest. Use it for every
 * eni_subnet_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_SUBNET_INFO_INIT { sizeof(eni_subnet_info), 0, {0}, {0}, {0}, {0}, {0}, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Create a VPC, its default security group and its default network ACL.
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id and
 * eni_vpc_spec::default_acl_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the VPC id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, unknown flags, a
 *         malformed CIDR (`InvalidParameterValue`), a block outside /16../28
 *         or with host bits set (`InvalidVpc.Range`), an IPv6 block that is
 *         not a /56; ::ENI_EVERSION for a bad `size`; ::ENI_ELIMIT when the
 *         security-group quota leaves no room for the default group; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_create(eni_ctx *ctx, const eni_vpc_spec *spec, eni_vpc_id *out);

/**
 * @brief Delete a VPC (and its default security group and network ACL).
 * @param[in] ctx The context.
 * @param[in] vpc The VPC.
 * @return ::ENI_OK; ::ENI_EINVAL / ::ENI_ESTALE / ::ENI_ENOTFOUND for a bad
 *         id (`InvalidVpcID.*`); ::ENI_EDEPEND (`DependencyViolation`) while
 *         it has subnets, or security groups or network ACLs other than the
 *         default ones, or its default group is referenced by another VPC's
 *         rule.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_delete(eni_ctx *ctx, eni_vpc_id vpc);

/**
 * @brief Describe a VPC.
 * @param[in]  ctx The context.
 * @param[in]  vpc The VPC.
 * @param[out] out Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors as eni_vpc_delete().
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_describe(eni_ctx *ctx, eni_vpc_id vpc, eni_vpc_info *out);

/**
 * @brief List VPCs in id order.
 * @param[in]  ctx   The context.
 * @param[out] out   Receives up to @p cap ids; may be NULL when @p cap is 0.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number of VPCs (may exceed @p cap).
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p ctx or @p count, or a NULL @p out with @p cap > 0.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_list(eni_ctx *ctx, eni_vpc_id *out, uint32_t cap, uint32_t *count);

/**
 * @brief Associate another CIDR block with a VPC (`AssociateVpcCidrBlock`).
 *
 * An IPv4 block (/16 to /28, no host bits) joins the VPC's secondary blocks:
 * it may not overlap a block of the VPC, must respect EC2's range rules
 * (a primary block in 10.0.0.0/8 admits no block of 172.16.0.0/12 or
 * 192.168.0.0/16, and so on; none from 198.19.0.0/16 or 169.254.0.0/16;
 * docs/decisions.md D33), and counts against eni_quotas::cidr_blocks_per_vpc
 * with the primary. An IPv6 block is a /56, given or, with
 * ::ENI_VPC_AMAZON_IPV6 and a NULL @p cidr, Amazon-provided (the next /56
 * of libeni's pool that the VPC does not hold); the two kinds mix, up to
 * eni_quotas::ipv6_cidr_blocks_per_vpc blocks (5 by default), none
 * overlapping another. With the VPC's first IPv6 block the default network
 * ACL gains rule 101 (all IPv6 allowed) and every security group whose
 * outbound rules were never changed gains an all-traffic rule to `::/0`, in
 * each direction where the user changed nothing (EC2's behaviour,
 * docs/ec2-sections.md 4.2 and 9.2); further blocks add no rules. Subnets
 * may then be created in the new block.
 *
 * @param[in]  ctx   The context.
 * @param[in]  vpc   The VPC.
 * @param[in]  cidr  The block ("10.1.0.0/16", "2001:db8:0:100::/56"), or NULL
 *                   with ::ENI_VPC_AMAZON_IPV6.
 * @param[in]  flags 0 or ::ENI_VPC_AMAZON_IPV6.
 * @param[out] out   Receives the canonical block (::ENI_CIDR_STRING_MAX
 *                   bytes), or NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for unknown flags, a CIDR and the flag
 *         together or neither (`InvalidParameterCombination`), a malformed
 *         CIDR (`InvalidParameterValue`), a block outside /16../28 or /56,
 *         with host bits, restricted or overlapping the VPC's
 *         (`InvalidVpc.Range`); VPC id errors; ::ENI_ELIMIT
 *         (`CidrLimitExceeded`) past the family's quota,
 *         (`InsufficientCidrBlocks`) when the Amazon pool is spent; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_associate_cidr_block(eni_ctx *ctx, eni_vpc_id vpc, const char *cidr,
                                         uint32_t flags, char *out);

/**
 * @brief Disassociate a secondary IPv4 block or an IPv6 block (`DisassociateVpcCidrBlock`).
 *
 * EC2 names the association by a `vpc-cidr-assoc-` id; libeni names it by
 * the block itself, which is unique in the VPC. Any IPv6 block may go, the
 * first one too: the others keep their order and the next becomes
 * eni_vpc_info::ipv6_cidr_block. The rules the first IPv6 block added stay.
 *
 * @param[in] ctx  The context.
 * @param[in] vpc  The VPC.
 * @param[in] cidr The block, as associated (host bits are an error).
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a malformed CIDR
 *         (`InvalidParameterValue`); VPC id errors; ::ENI_ENOTFOUND
 *         (`InvalidVpcCidrBlockAssociationID.NotFound`) for a block the VPC
 *         does not have; ::ENI_EPERM (`OperationNotPermitted`) for the
 *         primary block; ::ENI_EINUSE (`InvalidCidrBlock.InUse`) while a
 *         subnet lies in it.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_disassociate_cidr_block(eni_ctx *ctx, eni_vpc_id vpc, const char *cidr);

/**
 * @brief A VPC's CIDR blocks (its `CidrBlockAssociationSet` and
 *        `Ipv6CidrBlockAssociationSet`): the primary IPv4 block first, the
 *        secondary ones in association order, then the IPv6 blocks in
 *        association order.
 * @param[in]  ctx   The context.
 * @param[in]  vpc   The VPC.
 * @param[out] out   Receives up to @p cap blocks, ::ENI_CIDR_STRING_MAX bytes each.
 * @param[in]  cap   Capacity of @p out, in blocks.
 * @param[out] count Receives the number of blocks.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_vpc_get_cidr_blocks(eni_ctx *ctx, eni_vpc_id vpc, char *out, uint32_t cap,
                                    uint32_t *count);

/**
 * @brief Create a subnet, associated with its VPC's default network ACL.
 * Given ids: an `id` in the spec
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to create.
 * @param[out] out  Receives the subnet id.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments, unknown flags, a bad
 *         zone name, a malformed CIDR, a block outside /16../28, with host
 *         bits set or outside every IPv4 block of the VPC (`InvalidSubnet.Range`), an IPv6
 *         block that is not a /64 inside one of the VPC's IPv6 blocks;
 *         ::ENI_EINUSE (`InvalidSubnet.Conflict`) when it overlaps another
 *         subnet; VPC id errors; ::ENI_EVERSION; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_create(eni_ctx *ctx, const eni_subnet_spec *spec, eni_subnet_id *out);

/**
 * @brief Delete a subnet.
 * @param[in] ctx    The context.
 * @param[in] subnet The subnet.
 * @return ::ENI_OK; id errors (`InvalidSubnetID.*`); ::ENI_EDEPEND
 *         (`DependencyViolation`) while interfaces or instances are in it.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_delete(eni_ctx *ctx, eni_subnet_id subnet);

/**
 * @brief Describe a subnet.
 * @param[in]  ctx    The context.
 * @param[in]  subnet The subnet.
 * @param[out] out    Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or too small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_describe(eni_ctx *ctx, eni_subnet_id subnet, eni_subnet_info *out);

/**
 * @brief Change a subnet's launch-time flags (`ModifySubnetAttribute`).
 * @param[in] ctx    The context.
 * @param[in] subnet The subnet.
 * @param[in] flags  The new ::eni_subnet_flag bits (replacing the old ones).
 * @return ::ENI_OK; ::ENI_EINVAL for unknown bits, or ASSIGN_IPV6_ON_CREATION
 *         on a subnet without IPv6; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_set_flags(eni_ctx *ctx, eni_subnet_id subnet, uint32_t flags);

/**
 * @brief List subnets in id order.
 * @param[in]  ctx   The context.
 * @param[in]  vpc   Only this VPC's subnets, or the null id for all.
 * @param[out] out   Receives up to @p cap ids.
 * @param[in]  cap   Capacity of @p out.
 * @param[out] count Receives the total number that match.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); VPC id errors for a non-null @p vpc.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_subnet_list(eni_ctx *ctx, eni_vpc_id vpc, eni_subnet_id *out, uint32_t cap,
                            uint32_t *count);

ENI_END_DECLS

/** @} */
#endif /* ENI_VPC_H */
