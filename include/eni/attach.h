/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/attach.h
 * @brief Attaching interfaces to instances (hot, warm, cold), detaching
 *        them, launching instances with interfaces, and the lifecycle
 *        cascades of stop, start and terminate.
 *
 * The kind of attach follows the instance's state: `pending` gives a cold
 * attach (at launch), `running` a hot one, `stopped` a warm one. Every
 * transition waits for the backend: an interface goes
 * `available → attaching → in-use → detaching → available` and its
 * attachment `attaching → attached → detaching → detached` only when the
 * backend's completion is applied in eni_ctx_poll(). A failed, refused or
 * lost completion rolls the attach back completely (the interface is
 * available again, the device index free, nothing left in the backend) and
 * is reported as an event carrying the backend's error.
 *
 * @defgroup eni_attach Attachments and instance lifecycle
 * @{
 */
#ifndef ENI_ATTACH_H
#define ENI_ATTACH_H

#include "common.h"
#include "nic.h"
#include "types.h"

/** @brief How an interface is attached, from the instance's state (EC2: cold at launch, hot when running, warm when stopped). */
typedef enum eni_attach_kind {
    ENI_ATTACH_COLD = 1, /**< At launch: the instance is `pending`. */
    ENI_ATTACH_HOT = 2,  /**< The instance is `running`. */
    ENI_ATTACH_WARM = 3  /**< The instance is `stopped`. */
} eni_attach_kind;

/** @brief EC2 `AttachmentStatus`. */
typedef enum eni_attachment_status {
    ENI_ATTACHMENT_ATTACHING = 0, /**< Waiting for the backend. */
    ENI_ATTACHMENT_ATTACHED = 1,  /**< Done. */
    ENI_ATTACHMENT_DETACHING = 2, /**< A detach is waiting for the backend. */
    ENI_ATTACHMENT_DETACHED = 3   /**< Gone (only seen in events). */
} eni_attachment_status;

/** @brief Bits of the `flags` argument of eni_nic_detach(). */
typedef enum eni_detach_flag {
    ENI_DETACH_FORCE = 1u << 0 /**< `Force=true`: detach even if the backend fails or the instance is not running or stopped. */
} eni_detach_flag;

/** @brief An attachment as eni_attachment_describe() reports it. */
typedef struct eni_attachment_info {
    uint32_t size;                 /**< Set by the caller before the call. */
    uint32_t status;               /**< An ::eni_attachment_status. */
    eni_attachment_id id;          /**< The attachment (`eni-attach-…`). */
    eni_nic_id nic;                /**< The interface. */
    eni_instance_id instance;      /**< The instance. */
    uint32_t device_index;         /**< `DeviceIndex`. */
    uint32_t network_card_index;   /**< `NetworkCardIndex`. */
    uint32_t kind;                 /**< How it was attached: an ::eni_attach_kind. */
    uint32_t delete_on_termination;/**< 1 when the interface is deleted with the instance. */
    uint32_t link_up;              /**< Last link state the backend reported (1 = up). */
    uint32_t reserved0;            /**< Zero. */
} eni_attachment_info;

/** Initializer for ::eni_attachment_info: sets `size`, zeroes the rest. Use it for every
 * eni_attachment_info handed to libeni, so a garbage `size` can never reach it. */
#define ENI_ATTACHMENT_INFO_INIT { sizeof(eni_attachment_info), 0, {0}, {0}, {0}, 0, 0, 0, 0, 0, 0 }

/**
 * @brief One interface of eni_instance_launch(): an existing one, or one to create.
 */
typedef struct eni_launch_nic {
    uint32_t size;                 /**< sizeof as the caller knows it; arrays are strided by the first element's size. */
    uint32_t device_index;         /**< `DeviceIndex`; exactly one entry has 0. */
    uint32_t network_card_index;   /**< `NetworkCardIndex` (the primary is device 0 of card 0). */
    uint32_t flags;                /**< ::eni_launch_nic_flag bits. */
    eni_nic_id existing;           /**< An `available` interface, or the null id to create one from @ref spec. */
    const eni_nic_spec *spec;      /**< For a new interface (its subnet decides the instance's). */
} eni_launch_nic;

/** @brief Bits of eni_launch_nic::flags. */
typedef enum eni_launch_nic_flag {
    ENI_LAUNCH_KEEP_ON_TERMINATION = 1u << 0,  /**< `DeleteOnTermination=false` for a new interface (new ones default to true; existing ones are always false). */
    ENI_LAUNCH_PUBLIC_IP = 1u << 1,            /**< `AssociatePublicIpAddress=true` (only at index 0, only with a single interface). */
    ENI_LAUNCH_NO_PUBLIC_IP = 1u << 2,         /**< `AssociatePublicIpAddress=false`: overrides the subnet's `MapPublicIpOnLaunch`. */
    ENI_LAUNCH_DELETE_ON_TERMINATION = 1u << 3 /**< `DeleteOnTermination=true` said explicitly: the default for a new interface, refused for an existing one (`InvalidParameterCombination`), as EC2 allows true "only if creating a new network interface". */
} eni_launch_nic_flag;

/** Static initialiser for ::eni_launch_nic. */
#define ENI_LAUNCH_NIC_INIT { sizeof(eni_launch_nic), 0, 0, 0, {0}, 0 }

/** @brief What eni_instance_launch() starts (`RunInstances` with `NetworkInterfaces`). */
typedef struct eni_launch_spec {
    uint32_t size;               /**< sizeof as the caller knows it. */
    uint32_t flags;              /**< ::eni_instance_flag bits (eni/instance.h). */
    const char *instance_type;   /**< For example "c5n.18xlarge". */
    uint32_t virtualization;     /**< An ::eni_virtualization. */
    uint32_t platform;           /**< An ::eni_platform. */
    const eni_launch_nic *nics;  /**< The interfaces, at least one. */
    uint32_t nic_count;          /**< How many. */
    uint32_t reserved0;          /**< Must be 0. */
    const char *instance_id;     /**< The id EC2 gave the instance (`i-…`), or NULL for one libeni mints; its new interfaces take theirs from eni_nic_spec::id. */
} eni_launch_spec;

/** Static initialiser for ::eni_launch_spec (HVM, Linux). */
#define ENI_LAUNCH_SPEC_INIT { sizeof(eni_launch_spec), 0, 0, 1, 1, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Attach an interface to an instance (`AttachNetworkInterface`).
 *
 * Checks, in EC2's terms: the instance is `pending`, `running` or `stopped`
 * (`IncorrectInstanceState`); the interface is `available`
 * (`InvalidNetworkInterface.InUse`); same VPC and availability zone
 * (`InvalidParameterValue`); the device index is free on the instance
 * (`InvalidParameterValue`), a card that exists (every card has its own
 * device 0; device 0 of card 0 is the primary);
 * the instance type's interface limits in total and per card
 * (`AttachmentLimitExceeded`); its per-interface address limits
 * (`PrivateIpAddressLimitExceeded`); EFA rules: EFA-capable type on Linux,
 * never hot, at most one EFA per network card and the type's maximum,
 * `efa-only` never at index 0 of card 0 (`InvalidParameterValue`,
 * `IncorrectInstanceState`, `AttachmentLimitExceeded`).
 * The attach finishes in a later eni_ctx_poll() (event
 * ::ENI_EVENT_ATTACH_COMPLETED or ::ENI_EVENT_ATTACH_FAILED).
 *
 * @param[in]  ctx                The context.
 * @param[in]  nic                The interface.
 * @param[in]  instance           The instance.
 * @param[in]  device_index       `DeviceIndex`, 0..255.
 * @param[in]  network_card_index `NetworkCardIndex`.
 * @param[out] attachment         Receives the attachment id; may be NULL.
 * @return ::ENI_OK (the attach is under way); the errors above as ::ENI_ESTATE,
 *         ::ENI_EINUSE, ::ENI_EINVAL, ::ENI_ELIMIT; id errors; ::ENI_EBACKEND
 *         (with os_errno) or another code when the backend refused to start it
 *         (nothing changed); ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_attach(eni_ctx *ctx, eni_nic_id nic, eni_instance_id instance,
                           uint32_t device_index, uint32_t network_card_index,
                           eni_attachment_id *attachment);

/**
 * @brief Detach an interface (`DetachNetworkInterface`).
 *
 * The primary interface (device index 0) never detaches
 * (`OperationNotPermitted`); an EFA detaches only while the instance is
 * stopped. Without ::ENI_DETACH_FORCE the instance must be `running` or
 * `stopped`. The detach finishes in a later eni_ctx_poll()
 * (::ENI_EVENT_DETACH_COMPLETED); with force it completes even if the
 * backend fails.
 *
 * @param[in] ctx        The context.
 * @param[in] attachment The attachment.
 * @param[in] flags      ::eni_detach_flag bits.
 * @return ::ENI_OK; ::ENI_EINVAL for unknown flags; attachment id errors
 *         (`InvalidAttachmentID.NotFound`; an interface id gives
 *         `InvalidNetworkInterfaceAttachmentId.Malformed`); ::ENI_EPERM for
 *         index 0; ::ENI_ESTATE (`IncorrectState`) unless attached, or
 *         (`IncorrectInstanceState`) for the instance's state; the backend's
 *         error without force (nothing changed); ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_detach(eni_ctx *ctx, eni_attachment_id attachment, uint32_t flags);

/**
 * @brief Describe an attachment.
 * @param[in]  ctx        The context.
 * @param[in]  attachment The attachment.
 * @param[out] out        Receives the description; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_attachment_describe(eni_ctx *ctx, eni_attachment_id attachment,
                                    eni_attachment_info *out);

/**
 * @brief Change an attachment's delete-on-termination flag
 *        (`ModifyNetworkInterfaceAttribute Attachment=`).
 * @param[in] ctx        The context.
 * @param[in] attachment The attachment.
 * @param[in] enabled    1 or 0.
 * @return ::ENI_OK; ::ENI_EINVAL for another value; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_attachment_set_delete_on_termination(eni_ctx *ctx, eni_attachment_id attachment,
                                                     uint32_t enabled);

/**
 * @brief Launch an instance with its interfaces, all cold-attached (`RunInstances`).
 *
 * New interfaces are created from their specs with delete-on-termination
 * set (unless ::ENI_LAUNCH_KEEP_ON_TERMINATION); existing ones must be
 * `available` and keep delete-on-termination off. The instance lands in the
 * subnet of the interface at index 0 and starts `pending`. A public IPv4 is
 * auto-assigned to a *new* interface at index 0 when its subnet maps public
 * addresses on launch or ::ENI_LAUNCH_PUBLIC_IP asks for one; asking for it
 * with more than one interface is `InvalidParameterCombination`. All or
 * nothing: a refusal creates and attaches nothing.
 *
 * Given ids: an `id` in the spec (eni_vpc_spec::default_group_id too)
 * names the object as EC2 did, and it is printed and parsed that way from
 * then on. A malformed id or one of another kind is ::ENI_EINVAL with the
 * kind's `…ID.Malformed` code; one already in use is ::ENI_EEXIST
 * (`InvalidParameterValue`).
 *
 * @param[in]  ctx  The context.
 * @param[in]  spec What to launch.
 * @param[out] out  Receives the instance id.
 * @return ::ENI_OK; the errors of eni_instance_create(), eni_nic_create() and
 *         eni_nic_attach() (address limits as `InvalidInterface.IpAddressLimitExceeded`);
 *         ::ENI_EINVAL for no interfaces, no or two index-0 entries, or
 *         delete-on-termination asked for an existing interface; ::ENI_EVERSION.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_launch(eni_ctx *ctx, const eni_launch_spec *spec, eni_instance_id *out);

/**
 * @brief List an instance's attachments in device order (card, then index).
 * @param[in]  ctx      The context.
 * @param[in]  instance The instance.
 * @param[out] out      Receives up to @p cap attachment ids.
 * @param[in]  cap      Capacity of @p out.
 * @param[out] count    Receives the total number.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_list_attachments(eni_ctx *ctx, eni_instance_id instance,
                                          eni_attachment_id *out, uint32_t cap, uint32_t *count);

/**
 * @brief How long an attach or detach may wait for the backend before it is
 *        rolled back as lost (default 30 s).
 * @param[in] ctx        The context.
 * @param[in] timeout_ns Nanoseconds, at least 1.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or 0.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_set_op_timeout(eni_ctx *ctx, uint64_t timeout_ns);

ENI_END_DECLS

/** @} */
#endif /* ENI_ATTACH_H */
