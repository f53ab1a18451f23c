/**
 * @file eni/eval.h
 * @brief The packet record the security-group evaluator works on, and the
 *        frame parser that produces it.
 *
 * A packet reaches the evaluator either pre-parsed (an ::eni_pkt filled by
 * the caller) or as a whole Ethernet frame that eni_pkt_parse() turns into
 * one. The parser understands Ethernet II with up to two VLAN tags (802.1Q,
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
    ENI_PKT_ICMP_ERROR = 1u << 1, /**< An ICMP/ICMPv6 error; the inner_* fields hold the packet it is about. */
    ENI_PKT_FIRST_FRAGMENT = 1u << 2 /**< The first fragment of a fragmented datagram. */
} eni_pkt_flag;

/**
 * @brief One packet, as the evaluator sees it. Fixed layout (arrays of it
 * cross the API): new fields go into a new record type, not this one.
 *
 * Addresses are in network byte order, an IPv4 address in the first 4 bytes
 * of its 16. Ports are in host order. For ICMP echo request/reply the
 * identifier is in eni_pkt::sport (and eni_pkt::dport), as connection tracking keys
 * echo flows by it.
 */
typedef struct eni_pkt {
    uint8_t family;       /**< 4 or 6. */
    uint8_t proto;        /**< IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6...). */
    uint8_t tcp_flags;    /**< TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10), else 0. */
    uint8_t flags;        /**< ::eni_pkt_flag bits. */
    uint8_t icmp_type;    /**< ICMP/ICMPv6 type, else 0. */
    uint8_t icmp_code;    /**< ICMP/ICMPv6 code, else 0. */
    uint8_t inner_proto;  /**< For an ICMP error: the embedded packet's protocol. */
    uint8_t reserved0;    /**< Zero. */
    uint16_t sport;       /**< Source port (or ICMP echo identifier). */
    uint16_t dport;       /**< Destination port (or ICMP echo identifier). */
    uint16_t inner_sport; /**< For an ICMP error: the embedded packet's source port. */
    uint16_t inner_dport; /**< For an ICMP error: the embedded packet's destination port. */
    uint32_t len;         /**< Length of the IP packet in bytes (header included). */
    uint8_t src[16];      /**< Source address. */
    uint8_t dst[16];      /**< Destination address. */
    uint8_t inner_src[16];/**< For an ICMP error: the embedded packet's source. */
    uint8_t inner_dst[16];/**< For an ICMP error: the embedded packet's destination. */
} eni_pkt;

ENI_BEGIN_DECLS

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

ENI_END_DECLS

/** @} */
#endif /* ENI_EVAL_H */
