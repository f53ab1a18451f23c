/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/eval.h
 * @brief The packet record the security-group evaluator works on, and the
 *        frame parser that produces it.
 *
 * A packet reaches the evaluator either pre-parsed (an ::eni_pkt filled by
 * the caller), as a whole Ethernet frame that eni_pkt_parse() turns into
 * one, or as a bare IP packet (eni_pkt_parse_ip(), ::ENI_EVAL_L3). The
 * parser understands Ethernet II with up to two VLAN tags (802.1Q,
 * 802.1ad), IPv4 with options and fragments, IPv6 with extension headers,
 * TCP, UDP, ICMP and ICMPv6, including the embedded packet of ICMP errors.
 * It never reads past the end of the frame; anything malformed or truncated
 * is refused, which the evaluator turns into a `MALFORMED` verdict.
 *
 * @defgroup eni_eval Packet evaluation
 * @{
 */
#ifndef ENI_EVAL_H
#define ENI_EVAL_H

#include "common.h"
#include "types.h"

/** @brief Bits of eni_pkt::flags. */
typedef enum eni_pkt_flag {
    ENI_PKT_FRAGMENT = 1u << 0,   /**< A non-first fragment: no transport header, ports are 0. */
    /** An ICMP/ICMPv6 error; the inner_* fields hold the packet it is about. Read only
     *  when eni_pkt::icmp_type is an error type of the family (ICMP 3, 4, 5, 11, 12;
     *  ICMPv6 1-4). */
    ENI_PKT_ICMP_ERROR = 1u << 1,
    ENI_PKT_FIRST_FRAGMENT = 1u << 2, /**< The first fragment of a fragmented datagram. */
    /** With ::ENI_PKT_ICMP_ERROR, when the quoted packet is ICMP/ICMPv6:
     *  eni_pkt::inner_icmp_type holds its type. Without it an error quoting an ICMP
     *  message cannot be related to its flow, and the rules judge it. */
    ENI_PKT_INNER_ICMP_TYPE = 1u << 3
} eni_pkt_flag;

/**
 * @brief One packet, as the evaluator sees it. Fixed layout (arrays of it
 * cross the API): new fields go into a new record type, not this one.
 *
 * Addresses are in network byte order, an IPv4 address in the first 4 bytes
 * of its 16. Ports are in host order. For an ICMP/ICMPv6 query (echo,
 * timestamp, information, address mask; ICMPv6 echo, node information) the
 * identifier is in eni_pkt::sport (the parser copies it to eni_pkt::dport,
 * which the evaluator does not read for ICMP): connection tracking keys a
 * query by it and by its type (docs/eval.md, "ICMP"). ICMP means protocol 1
 * over IPv4 and 58 over IPv6; the other pairing is judged as any other
 * protocol (the parser refuses it).
 *
 * The record of an ICMP error carries the quoted packet's addresses,
 * protocol, ports and, for a quoted ICMP message, its type
 * (::ENI_PKT_INNER_ICMP_TYPE) but not its code: a caller building a record
 * from a packet it parsed itself has nowhere to put the quoted code, and the
 * evaluator does not need it.
 */
typedef struct eni_pkt {
    uint8_t family;       /**< 4 or 6. */
    uint8_t proto;        /**< IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...). */
    uint8_t tcp_flags;    /**< TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), else 0. */
    uint8_t flags;        /**< ::eni_pkt_flag bits. */
    uint8_t icmp_type;    /**< ICMP/ICMPv6 type, else 0. */
    uint8_t icmp_code;    /**< ICMP/ICMPv6 code, else 0. */
    uint8_t inner_proto;  /**< For an ICMP error: the embedded packet's protocol. */
    /** For an ICMP error quoting an ICMP message, with ::ENI_PKT_INNER_ICMP_TYPE: the
     *  quoted message's type; else zero (this byte was `reserved0`, always zero). */
    uint8_t inner_icmp_type;
    uint16_t sport;       /**< Source port, or an ICMP query's identifier. */
    uint16_t dport;       /**< Destination port (an ICMP query's identifier again; not read for ICMP). */
    uint16_t inner_sport; /**< For an ICMP error: the embedded packet's source port. */
    uint16_t inner_dport; /**< For an ICMP error: the embedded packet's destination port. */
    uint32_t len;         /**< Length of the IP packet in bytes (header included). */
    uint8_t src[16];      /**< Source address. */
    uint8_t dst[16];      /**< Destination address. */
    uint8_t inner_src[16];/**< For an ICMP error: the embedded packet's source. */
    uint8_t inner_dst[16];/**< For an ICMP error: the embedded packet's destination. */
} eni_pkt;

/** @brief Which way a packet crosses the interface. */
typedef enum eni_eval_dir {
    ENI_DIR_INBOUND = 1, /**< Arriving at the interface (ingress rules). */
    ENI_DIR_OUTBOUND = 2 /**< Leaving the interface (egress rules). */
} eni_eval_dir;

/** @brief What happens to a packet. */
typedef enum eni_action {
    ENI_DROP = 0, /**< Dropped silently (security groups never reject). */
    ENI_ALLOW = 1 /**< Allowed. */
} eni_action;

/** @brief Why (eni_verdict::reason). Numbers are ABI. */
typedef enum eni_reason {
    /** Allowed by a rule; a tracked flow was created, except for packets that start none:
     *  ICMP errors, ICMP replies and messages other than query requests, and non-first
     *  fragments of TCP, UDP and ICMP (docs/eval.md). */
    ENI_REASON_RULE = 1,
    ENI_REASON_TRACKED = 2,       /**< Part of a tracked flow (a reply, or more of the same). */
    ENI_REASON_RELATED_ICMP = 3,  /**< An ICMP error about a tracked flow. */
    ENI_REASON_UNTRACKED = 4,     /**< Allowed by a rule on an untracked flow (section 5.2): re-checked every packet. */
    ENI_REASON_SERVICE = 5,       /**< Traffic security groups never filter (DNS resolver, metadata, time sync; section 4.7). */
    ENI_REASON_NO_RULE = 16,      /**< Dropped: no rule allows it (a client sees a timeout). */
    ENI_REASON_SRC_DST_CHECK = 17,/**< Dropped: the interface is neither its source (outbound) nor its destination (inbound). */
    ENI_REASON_NOT_ATTACHED = 18, /**< Dropped: the interface is not attached (in-use). */
    ENI_REASON_CONNTRACK_FULL = 19,/**< Dropped: a new tracked flow and the conntrack allowance is exhausted. */
    ENI_REASON_MALFORMED = 20,    /**< Dropped: the frame could not be parsed, or the record's family is not 4 or 6. */
    /** Dropped by the network ACL of the interface's subnet (eni/acl.h): an entry denies it,
     *  or none matches. eni_eval_explain() names the ACL and the rule. */
    ENI_REASON_ACL_DENY = 21
} eni_reason;

/** @brief One packet's verdict. */
typedef struct eni_verdict {
    uint8_t action;       /**< An ::eni_action. */
    uint8_t reason;       /**< An ::eni_reason. */
    uint16_t reserved0;   /**< Zero. */
    uint32_t reserved1;   /**< Zero. */
    eni_sg_id group;      /**< With ::ENI_EVAL_WANT_RULE and ::ENI_REASON_RULE / UNTRACKED: the group of an allowing rule. */
    eni_sg_rule_id rule;  /**< ... and the rule. */
} eni_verdict;

/** @brief Bits of the `flags` argument of the burst calls. */
typedef enum eni_eval_flag {
    ENI_EVAL_WANT_RULE = 1u << 0, /**< Fill eni_verdict::group and eni_verdict::rule (slower: a second, exact lookup). */
    /** eni_eval_frames() and eni_eval_frames_dirs(): each frame is a bare IPv4 or IPv6
     *  packet (starting at its IP header, as eni_pkt_parse_ip() takes it), not an Ethernet
     *  frame. The record calls refuse it. */
    ENI_EVAL_L3 = 1u << 1
} eni_eval_flag;

/** @brief A worker: one per thread that evaluates packets. Opaque. */
typedef struct eni_eval_worker eni_eval_worker;

/** @brief A worker's counters (ENA-style names where EC2 has them). */
typedef struct eni_eval_counters {
    uint32_t size;                        /**< Set by the caller before the call. */
    uint32_t reserved0;                   /**< Zero. */
    uint64_t packets;                     /**< Packets evaluated. */
    uint64_t allowed;                     /**< Packets allowed. */
    uint64_t dropped;                     /**< Packets dropped. */
    uint64_t by_reason[21];               /**< Packets per ::eni_reason value (index = reason). */
    uint64_t flows_created;               /**< Tracked flows created. */
    uint64_t conntrack_allowance_exceeded;/**< New flows dropped because the allowance was exhausted. */
    uint64_t acl_denied;                  /**< Packets dropped with ::ENI_REASON_ACL_DENY (by_reason has no room for it). Appended: a caller of the first layout gets everything before it. */
} eni_eval_counters;

/** Initializer for ::eni_eval_counters: sets `size`, zeroes the rest. Use it for every
 * eni_eval_counters handed to libeni, so a garbage `size` can never reach it. */
#define ENI_EVAL_COUNTERS_INIT { sizeof(eni_eval_counters), 0, 0, 0, 0, {0}, 0, 0, 0 }

/** @brief Connection-tracking figures of an interface (eni_nic_get_conntrack()) or an
 *  instance (eni_instance_get_conntrack()). */
typedef struct eni_conntrack_stats {
    uint32_t size;                          /**< Set by the caller before the call. */
    uint32_t reserved0;                     /**< Zero. */
    uint64_t tracked;                       /**< Flow entries in the table (expired ones until swept). */
    uint64_t allowance;                     /**< Most flows it may track now (an interface: its share of the instance's budget). */
    uint64_t conntrack_allowance_available; /**< How many more can be tracked now (a gauge). */
    uint64_t conntrack_allowance_exceeded;  /**< Packets dropped for lack of room, since the interface was attached (an instance: summed). */
} eni_conntrack_stats;

/** Initializer for ::eni_conntrack_stats: sets `size`, zeroes the rest. Use it for every
 * eni_conntrack_stats handed to libeni, so a garbage `size` can never reach it. */
#define ENI_CONNTRACK_STATS_INIT { sizeof(eni_conntrack_stats), 0, 0, 0, 0, 0 }

/** @brief Memory the evaluator holds for one interface (eni_nic_get_eval_memory()): the
 *  bytes of its compiled arrays, without allocator overhead or spare capacity. */
typedef struct eni_eval_memory {
    uint32_t size;           /**< Set by the caller before the call. */
    uint32_t reserved0;      /**< Zero. */
    uint64_t rules_bytes;    /**< The compiled security-group rules (both directions and families); shared with the interfaces that have the same groups in the same order. */
    uint64_t acl_bytes;      /**< The subnet's network ACL as compiled for this interface (0: none). */
    uint64_t flow_bytes;     /**< Its flow tables (both families). */
    uint64_t snapshot_bytes; /**< The rest of its published snapshot: own addresses and prefixes. */
} eni_eval_memory;

/** Initializer for ::eni_eval_memory: sets `size`, zeroes the rest. */
#define ENI_EVAL_MEMORY_INIT { sizeof(eni_eval_memory), 0, 0, 0, 0, 0 }

/** @brief One tracked flow (eni_nic_list_flows()), seen from the interface. Fixed layout. */
typedef struct eni_flow_info {
    uint8_t family;          /**< 4 or 6. */
    uint8_t proto;           /**< Protocol number. */
    uint8_t initiator;       /**< ::eni_eval_dir of the packet that created it. */
    uint8_t state;           /**< Protocol state: TCP 1 opening, 2 established, 3 closing; UDP 1 one-way, 2 stream; else 1. */
    uint16_t local_port;     /**< The interface's port (ICMP: the query's identifier). */
    uint16_t remote_port;    /**< The peer's port (ICMP: the query's identifier again). */
    uint8_t local[16];       /**< The interface's address. */
    uint8_t remote[16];      /**< The peer's address. */
    uint64_t expires_ns;     /**< When it idles out, on the caller's clock. */
} eni_flow_info;

ENI_BEGIN_DECLS

/**
 * @brief Create a worker for the calling thread.
 * @param[in]  ctx The context.
 * @param[out] out Receives the worker.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized; the worker is then used by one thread at a time
 *               (a burst call while another is running on the same worker is
 *               refused with ::ENI_EBUSY).
 * @ownership Free it with eni_eval_worker_free() before the ctx.
 */
ENI_API int eni_eval_worker_new(eni_ctx *ctx, eni_eval_worker **out);

/**
 * @brief Free a worker.
 * @param[in] worker The worker, or NULL.
 * @since 1.0
 * @threadsafety ctx-serialized; not while the worker is evaluating.
 */
ENI_API void eni_eval_worker_free(eni_eval_worker *worker);

/**
 * @brief Read a worker's counters.
 * @param[in]  worker The worker.
 * @param[out] out    Receives the counters; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out.
 * @since 1.0
 * @threadsafety the worker's thread.
 */
ENI_API int eni_eval_worker_counters(const eni_eval_worker *worker, eni_eval_counters *out);

/**
 * @brief Evaluate a burst of pre-parsed packets of one interface in one direction.
 *
 * Never takes the ctx lock and never allocates: it reads the interface's
 * published state (addresses, compiled rules, timeouts) and its flow table.
 * `now_ns` is the caller's monotonic clock; flows idle out against it.
 *
 * A record is data, not an argument: one the evaluator cannot judge (a
 * family other than 4 or 6) gets ::ENI_DROP / ::ENI_REASON_MALFORMED and
 * is counted, as an unparsable frame is, and the other packets of the
 * burst are judged as usual. Refusing the whole burst would make a
 * capture replay or a forwarding loop hunt for the bad record, and could
 * only "change nothing" by checking every record before judging any.
 *
 * A worker is one thread's: a burst call on a worker that is inside another
 * burst call (another thread using it at the same moment) is refused with
 * ::ENI_EBUSY, nothing judged and nothing counted, instead of letting the
 * two lose each other's counts. The check is one atomic compare-exchange
 * per call, which the call needed anyway to enter its epoch.
 *
 * @param[in]  worker The calling thread's worker.
 * @param[in]  nic    The interface.
 * @param[in]  dir    ::ENI_DIR_INBOUND or ::ENI_DIR_OUTBOUND.
 * @param[in]  pkts   @p n packets.
 * @param[in]  n      How many (0 is allowed).
 * @param[in]  now_ns Current time in nanoseconds.
 * @param[in]  flags  ::ENI_EVAL_WANT_RULE or 0.
 * @param[out] out    @p n verdicts.
 * @return ::ENI_OK (every packet has a verdict); ::ENI_EINVAL for NULL
 *         arguments, a bad direction or unknown flags (::ENI_EVAL_L3
 *         included); ::ENI_ENOTFOUND / ::ENI_ESTALE when the interface was
 *         never seen by the evaluator or was deleted; ::ENI_EBUSY when the
 *         worker is in use by another thread. On an error nothing is written
 *         or counted.
 * @since 1.0
 * @threadsafety any number of threads, each with its own worker, concurrently
 *               with control-plane calls.
 */
ENI_API int eni_eval_burst(eni_eval_worker *worker, eni_nic_id nic, uint32_t dir,
                           const eni_pkt *pkts, uint32_t n, uint64_t now_ns, uint32_t flags,
                           eni_verdict *out);

/**
 * @brief Evaluate a burst of pre-parsed packets, each with its own direction.
 *
 * For capture replays and bump-in-the-wire use, where both directions of an
 * interface's traffic arrive interleaved: packet `i` crosses the interface
 * in direction `dirs[i]`. Judged in order, as eni_eval_burst() judges a
 * burst of one direction (a reply later in the burst sees the flow its
 * request created earlier in it).
 *
 * @param[in]  worker The calling thread's worker.
 * @param[in]  nic    The interface.
 * @param[in]  dirs   @p n directions, each ::ENI_DIR_INBOUND or ::ENI_DIR_OUTBOUND.
 * @param[in]  pkts   @p n packets.
 * @param[in]  n      How many (0 is allowed).
 * @param[in]  now_ns Current time in nanoseconds.
 * @param[in]  flags  ::ENI_EVAL_WANT_RULE or 0.
 * @param[out] out    @p n verdicts.
 * @return As eni_eval_burst(); a direction other than inbound or outbound
 *         anywhere in @p dirs is ::ENI_EINVAL (an argument, checked before
 *         any packet is judged: nothing is written or counted).
 * @since 1.0
 * @threadsafety as eni_eval_burst().
 */
ENI_API int eni_eval_burst_dirs(eni_eval_worker *worker, eni_nic_id nic, const uint8_t *dirs,
                                const eni_pkt *pkts, uint32_t n, uint64_t now_ns, uint32_t flags,
                                eni_verdict *out);

/**
 * @brief Evaluate a burst of whole Ethernet frames (parsed with eni_pkt_parse()'s rules),
 *        or with ::ENI_EVAL_L3 of bare IP packets (eni_pkt_parse_ip()'s rules).
 *
 * A frame that does not parse (or a NULL frame pointer) gets ::ENI_DROP /
 * ::ENI_REASON_MALFORMED.
 *
 * @param[in]  worker The calling thread's worker.
 * @param[in]  nic    The interface.
 * @param[in]  dir    ::ENI_DIR_INBOUND or ::ENI_DIR_OUTBOUND.
 * @param[in]  frames @p n frame pointers.
 * @param[in]  lens   @p n frame lengths.
 * @param[in]  n      How many.
 * @param[in]  now_ns Current time in nanoseconds.
 * @param[in]  flags  ::eni_eval_flag bits.
 * @param[out] out    @p n verdicts.
 * @return As eni_eval_burst() (which refuses ::ENI_EVAL_L3; this call takes it).
 * @since 1.0
 * @threadsafety as eni_eval_burst().
 */
ENI_API int eni_eval_frames(eni_eval_worker *worker, eni_nic_id nic, uint32_t dir,
                            const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
                            uint64_t now_ns, uint32_t flags, eni_verdict *out);

/**
 * @brief Evaluate a burst of frames (or, with ::ENI_EVAL_L3, IP packets), each with its
 *        own direction: eni_eval_frames() as eni_eval_burst_dirs() is to eni_eval_burst().
 *
 * @param[in]  worker The calling thread's worker.
 * @param[in]  nic    The interface.
 * @param[in]  dirs   @p n directions, each ::ENI_DIR_INBOUND or ::ENI_DIR_OUTBOUND.
 * @param[in]  frames @p n frame pointers.
 * @param[in]  lens   @p n frame lengths.
 * @param[in]  n      How many.
 * @param[in]  now_ns Current time in nanoseconds.
 * @param[in]  flags  ::eni_eval_flag bits.
 * @param[out] out    @p n verdicts.
 * @return As eni_eval_burst_dirs().
 * @since 1.0
 * @threadsafety as eni_eval_burst().
 */
ENI_API int eni_eval_frames_dirs(eni_eval_worker *worker, eni_nic_id nic, const uint8_t *dirs,
                                 const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
                                 uint64_t now_ns, uint32_t flags, eni_verdict *out);

/** @brief A size for eni_eval_explain()'s text that no sentence it writes exceeds. */
#define ENI_EXPLAIN_TEXT_MAX 512

/**
 * @brief Would this packet pass, and why, in words. Changes nothing (no flow is created).
 * @param[in]  ctx     The context.
 * @param[in]  nic     The interface.
 * @param[in]  dir     ::ENI_DIR_INBOUND or ::ENI_DIR_OUTBOUND.
 * @param[in]  pkt     The packet.
 * @param[in]  now_ns  Current time, for flow expiry.
 * @param[out] verdict Receives the verdict, with the allowing group and rule.
 * @param[out] text    Receives a sentence such as "allowed by sg-… rule sgr-…
 *                     (tcp 443-443 from 0.0.0.0/0)" or "dropped: no rule
 *                     matched — the client would see a timeout; the closest
 *                     rule is sg-… rule sgr-…: wrong port (the packet is to
 *                     port 80, the rule allows 22-22)"; may be NULL. It is
 *                     cut short (still terminated) when @p textlen is less
 *                     than ::ENI_EXPLAIN_TEXT_MAX.
 *                     An allowed TCP connection attempt (SYN) adds that the
 *                     groups let it through, so a refused connection comes
 *                     from the instance (inbound) or the remote host
 *                     (outbound). A drop for want of a rule names the
 *                     closest rule in that direction (the most of protocol,
 *                     port or ICMP type, and peer right; the first on a tie)
 *                     and each thing it got wrong.
 * @param[in]  textlen Size of @p text.
 * @return ::ENI_OK (a record of an unknown family gets a ::ENI_REASON_MALFORMED
 *         verdict, as in a burst); ::ENI_EINVAL for NULL arguments or a bad
 *         direction; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_eval_explain(eni_ctx *ctx, eni_nic_id nic, uint32_t dir, const eni_pkt *pkt,
                             uint64_t now_ns, eni_verdict *verdict, char *text, size_t textlen);

/** The largest conntrack allowance libeni accepts, for an instance or an interface. */
#define ENI_CONNTRACK_ALLOWANCE_MAX 16777216u

/**
 * @brief Set an interface's own conntrack allowance: the most flows it ever
 *        tracks, whatever its instance's budget (default: the budget).
 *
 * All the interfaces of an instance draw on the instance's budget
 * (eni_instance_set_conntrack_allowance()); this caps one of them, and
 * sizes its flow tables for that many (set it to bound memory when an
 * instance's budget is large). A new allowance rebuilds the flow tables;
 * tracked flows are carried over while they fit. It holds from the
 * interface's first attachment when set before.
 *
 * @param[in] ctx       The context.
 * @param[in] nic       The interface.
 * @param[in] max_flows 1 .. ::ENI_CONNTRACK_ALLOWANCE_MAX.
 * @return ::ENI_OK; ::ENI_EINVAL out of range; id errors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_set_conntrack_allowance(eni_ctx *ctx, eni_nic_id nic, uint32_t max_flows);

/**
 * @brief Set an instance's conntrack allowance: the most flows all its
 *        interfaces track together (EC2's per-instance budget; default 16384).
 *
 * EC2 publishes no per-type figure. The budget is divided into
 * per-interface shares on the control path (nothing is shared between
 * interfaces on the packet path): an interface may track what it tracks
 * plus an even part of what the instance has left, never more than its own
 * allowance (eni_nic_set_conntrack_allowance()). Shares are re-divided at
 * every attach, detach and move, when an allowance changes, and when
 * eni_nic_sweep_flows() frees flows of an interface of the instance; in
 * between, a busy interface may be refused a new flow (counted in its
 * `conntrack_allowance_exceeded`) while another has room. Interfaces that
 * follow the budget get flow tables sized for all of it.
 *
 * @param[in] ctx       The context.
 * @param[in] instance  The instance.
 * @param[in] max_flows 1 .. ::ENI_CONNTRACK_ALLOWANCE_MAX.
 * @return ::ENI_OK; ::ENI_EINVAL (`InvalidParameterValue`) out of range or a NULL
 *         @p ctx; id errors (`InvalidInstanceID.NotFound`...); ::ENI_ENOMEM, with
 *         nothing changed.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_set_conntrack_allowance(eni_ctx *ctx, eni_instance_id instance,
                                                 uint32_t max_flows);

/**
 * @brief Read an instance's connection-tracking figures: its budget, the
 *        flows its interfaces track together, `conntrack_allowance_available`
 *        (the budget less those flows, the gauge EC2 reports per instance) and
 *        the sum of its interfaces' `conntrack_allowance_exceeded`.
 * @param[in]  ctx      The context.
 * @param[in]  instance The instance.
 * @param[out] out      Receives them; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_instance_get_conntrack(eni_ctx *ctx, eni_instance_id instance,
                                       eni_conntrack_stats *out);

/**
 * @brief Read an interface's connection-tracking figures: `allowance` is its
 *        share now; on an instance, `conntrack_allowance_available` is the
 *        instance's gauge (ENA reports the instance's on every interface).
 * @param[in]  ctx The context.
 * @param[in]  nic The interface.
 * @param[out] out Receives them; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_get_conntrack(eni_ctx *ctx, eni_nic_id nic, eni_conntrack_stats *out);

/**
 * @brief Read the memory the evaluator holds for an interface: its compiled
 *        rules, network ACL, flow tables and the rest of its snapshot, as
 *        published now. An interface never attached has none (all zero).
 * @param[in]  ctx The context.
 * @param[in]  nic The interface.
 * @param[out] out Receives them; set `out->size` first (::ENI_EVAL_MEMORY_INIT).
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; id errors
 *         (`InvalidNetworkInterfaceID.NotFound`...).
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_get_eval_memory(eni_ctx *ctx, eni_nic_id nic, eni_eval_memory *out);

/**
 * @brief List an interface's live tracked flows (expired ones are skipped).
 * @param[in]  ctx    The context.
 * @param[in]  nic    The interface.
 * @param[in]  now_ns Current time.
 * @param[out] out    Receives up to @p cap flows.
 * @param[in]  cap    Capacity of @p out.
 * @param[out] count  Receives the number of live flows.
 * @return ::ENI_OK; ::ENI_EINVAL as eni_vpc_list(); id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_list_flows(eni_ctx *ctx, eni_nic_id nic, uint64_t now_ns, eni_flow_info *out,
                               uint32_t cap, uint32_t *count);

/**
 * @brief Remove an interface's expired flows now (they also go lazily).
 * @param[in]  ctx     The context.
 * @param[in]  nic     The interface.
 * @param[in]  now_ns  Current time.
 * @param[out] removed Receives how many were removed; may be NULL.
 * @return ::ENI_OK; id errors.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_nic_sweep_flows(eni_ctx *ctx, eni_nic_id nic, uint64_t now_ns, uint32_t *removed);

/**
 * @brief Parse an Ethernet frame into a packet record.
 * @param[in]  frame The frame, starting at the destination MAC.
 * @param[in]  len   Its length in bytes.
 * @param[out] out   Receives the record (untouched on failure).
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL argument or a frame that is not
 *         an IPv4/IPv6 packet, or is malformed or truncated anywhere the
 *         evaluator needs to look (the message says where).
 * @since 1.0
 * @threadsafety any (no ctx, no state)
 */
ENI_API int eni_pkt_parse(const uint8_t *frame, uint32_t len, eni_pkt *out);

/**
 * @brief Parse a bare IPv4 or IPv6 packet (no Ethernet header: a TUN device's,
 *        or a capture's of link type RAW) into a packet record.
 * @param[in]  packet The packet, starting at its IP header (the version is its first nibble).
 * @param[in]  len    Its length in bytes.
 * @param[out] out    Receives the record (untouched on failure).
 * @return As eni_pkt_parse().
 * @since 1.0
 * @threadsafety any (no ctx, no state)
 */
ENI_API int eni_pkt_parse_ip(const uint8_t *packet, uint32_t len, eni_pkt *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_EVAL_H */
