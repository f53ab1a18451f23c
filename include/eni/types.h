/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/types.h
 * @brief Handles: the opaque context and the typed generational ids of
 *        model objects, with their EC2-style string forms.
 *
 * Every model object (VPC, subnet, instance, network interface, ...) is
 * named by a 64-bit id wrapped in a one-member struct of its own type, so
 * the compiler rejects an interface id where a group id is expected. An id
 * carries its kind, a generation and a slot; the layout is private. The
 * value 0 is the null id and never names an object.
 *
 * A stale id (its object was deleted) yields ::ENI_ESTALE and an id of
 * the wrong kind yields ::ENI_EINVAL, deterministically: an id never
 * silently aliases a newer object.
 *
 * Ids have EC2-style string forms (`eni-0123456789abcdef0`): the kind's
 * prefix and 17 lower-case hex digits. The strings are a keyed permutation
 * of the id, so they look like EC2's, are unique within a ctx, and are the
 * same for the same ctx seed and the same sequence of calls.
 *
 * @defgroup eni_types Handles and ids
 * @{
 */
#ifndef ENI_TYPES_H
#define ENI_TYPES_H

#include "common.h"

/** @brief A libeni context: one host's whole network-interface model. Opaque. */
typedef struct eni_ctx eni_ctx;

/** @brief Id of a VPC (`vpc-…`). */
typedef struct eni_vpc_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_vpc_id;
/** @brief Id of a subnet (`subnet-…`). */
typedef struct eni_subnet_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_subnet_id;
/** @brief Id of an instance (`i-…`). */
typedef struct eni_instance_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_instance_id;
/** @brief Id of an elastic network interface (`eni-…`). */
typedef struct eni_nic_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_nic_id;
/** @brief Id of an interface attachment (`eni-attach-…`). */
typedef struct eni_attachment_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_attachment_id;
/** @brief Id of an Elastic IP allocation (`eipalloc-…`). */
typedef struct eni_eip_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_eip_id;
/** @brief Id of an Elastic IP association (`eipassoc-…`). */
typedef struct eni_eip_assoc_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_eip_assoc_id;
/** @brief Id of a security group (`sg-…`). */
typedef struct eni_sg_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_sg_id;
/** @brief Id of a security-group rule (`sgr-…`). */
typedef struct eni_sg_rule_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_sg_rule_id;
/** @brief Id of a managed prefix list (`pl-…`). */
typedef struct eni_prefix_list_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_prefix_list_id;
/** @brief Id of a network ACL (`acl-…`). */
typedef struct eni_acl_id { uint64_t v; /**< Opaque value; 0 is the null id. */ } eni_acl_id;

/**
 * @brief The kind of object an id names. Numbers are ABI and never reused.
 */
typedef enum eni_kind {
    ENI_KIND_NONE = 0,         /**< Not a kind: the null id, or "any kind" where a call accepts it. */
    ENI_KIND_VPC = 1,          /**< `vpc-` */
    ENI_KIND_SUBNET = 2,       /**< `subnet-` */
    ENI_KIND_INSTANCE = 3,     /**< `i-` */
    ENI_KIND_NIC = 4,          /**< `eni-` */
    ENI_KIND_ATTACHMENT = 5,   /**< `eni-attach-` */
    ENI_KIND_EIP = 6,          /**< `eipalloc-` */
    ENI_KIND_EIP_ASSOC = 7,    /**< `eipassoc-` */
    ENI_KIND_SG = 8,           /**< `sg-` */
    ENI_KIND_SG_RULE = 9,      /**< `sgr-` */
    ENI_KIND_PREFIX_LIST = 10, /**< `pl-` */
    ENI_KIND_NETWORK_ACL = 11  /**< `acl-` */
} eni_kind;

/** Bytes needed for any id string, terminating NUL included. */
#define ENI_ID_STRING_MAX 32
/**
 * Largest value the `size` field of any libeni struct may hold. A larger one
 * can only be an uninitialised field (use the struct's `_INIT` macro), never
 * a newer layout: it is refused before anything is read or written past the
 * caller's struct (::ENI_EINVAL for output structs, ::ENI_EVERSION for input
 * ones).
 */
#define ENI_STRUCT_SIZE_MAX 4096
/** Longest address string (IPv6 included) with its NUL. */
#define ENI_IP_STRING_MAX 48
/** Longest CIDR string with its NUL. */
#define ENI_CIDR_STRING_MAX 52

ENI_BEGIN_DECLS

/**
 * @brief The kind an id claims to be, read from its tag.
 * @param[in] id Any raw id value (the `v` member of a typed id).
 * @return The kind, or ::ENI_KIND_NONE for the null id or an unknown tag.
 *         This says nothing about whether the object exists.
 * @since 1.0
 * @threadsafety any
 */
ENI_API eni_kind eni_id_kind(uint64_t id);

/**
 * @brief The EC2 id prefix of a kind, such as "eni-" or "eni-attach-".
 * @param[in] kind A kind.
 * @return A static string, or "" for ::ENI_KIND_NONE and unknown kinds. Never NULL.
 * @since 1.0
 * @threadsafety any
 */
ENI_API const char *eni_kind_prefix(eni_kind kind);

/**
 * @brief Format an id as its EC2-style string, such as `eni-0a1b2c3d4e5f60718`.
 *
 * The string depends only on the id and the ctx's seed, so it can be formed
 * for an id whose object was deleted (to name it in a log line, say).
 *
 * @param[in]  ctx    The context that issued the id.
 * @param[in]  id     A raw id value of any kind.
 * @param[out] buf    Receives the NUL-terminated string.
 * @param[in]  buflen Size of @p buf; ::ENI_ID_STRING_MAX always suffices.
 * @return ::ENI_OK, or ::ENI_EINVAL when @p ctx or @p buf is NULL, @p id is
 *         the null id or of no known kind, or @p buflen is too small (then
 *         @p buf is left untouched).
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_id_format(const eni_ctx *ctx, uint64_t id, char *buf, size_t buflen);

/**
 * @brief Look an object up by its EC2-style id string.
 *
 * @param[in]  ctx  The context.
 * @param[in]  str  A NUL-terminated id string such as `sg-0123456789abcdef0`.
 * @param[in]  kind The kind expected, or ::ENI_KIND_NONE to accept any kind.
 * @param[out] out  Receives the raw id of a live object.
 * @return ::ENI_OK;
 *         ::ENI_EINVAL when an argument is NULL, @p kind is unknown, or @p str
 *         is malformed or of another kind (ec2_code `<Kind>.Malformed`, e.g.
 *         `InvalidNetworkInterfaceId.Malformed`);
 *         ::ENI_ENOTFOUND when the string is well formed but names no live
 *         object of this ctx (ec2_code `<Kind>.NotFound`, e.g.
 *         `InvalidNetworkInterfaceID.NotFound`), deleted objects included.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_id_parse(eni_ctx *ctx, const char *str, eni_kind kind, uint64_t *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_TYPES_H */
