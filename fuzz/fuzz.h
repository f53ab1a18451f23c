/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What the fuzz targets share: reading the input as a stream of numbers and
 * strings, the checks that turn a broken promise of the API into a crash
 * (libFuzzer keeps the input; the replay program exits non-zero), the
 * refusal check (a refused call records its code and changes nothing), and
 * a small host built through the public API. Targets use <eni.h> and
 * eni/sys/mock.h only, as any caller would. */
#ifndef ENI_FUZZ_H
#define ENI_FUZZ_H

#include <eni.h>
#include <eni/sys/mock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The entry point every target defines (libFuzzer's name). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- reading the input ---------------------------------------------------- */

/* The unread rest of the input; every read past its end yields zeros. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

uint8_t fz_u8(fz_in *in);
uint16_t fz_u16(fz_in *in);
uint32_t fz_u32(fz_in *in);
uint64_t fz_u64(fz_in *in);
/* A number below @p n (n >= 1), from one byte (two when n > 256). */
uint32_t fz_below(fz_in *in, uint32_t n);
/* An entry of a table of strings. */
#define FZ_PICK(in, table) ((table)[fz_below((in), (uint32_t)(sizeof(table) / sizeof((table)[0])))])
/* Up to @p max bytes into @p out, taken as they are. */
size_t fz_bytes(fz_in *in, void *out, size_t max);
/* The next string: the bytes up to the next NUL (or the end), at most
 * cap - 1 of them, NUL-terminated in @p buf. Returns @p buf. */
char *fz_cstr(fz_in *in, char *buf, size_t cap);

/* ---- checks ---------------------------------------------------------------- */

/* Print what broke (with the last libeni error) and abort. */
void fz_fail(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

#define FZ_CHECK(cond, ...) \
    ((cond) ? (void)0 : fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__))
/* A call that must succeed. */
#define FZ_OK(expr)                                                                 \
    do {                                                                            \
        int fz_rc_ = (expr);                                                        \
        FZ_CHECK(fz_rc_ == ENI_OK, "%s returned %s", #expr, eni_err_name(fz_rc_)); \
    } while (0)

/* The canonical dump of the model (malloc'd; the caller frees it). */
char *fz_dump(eni_ctx *ctx);
/* eni_ctx_check() passes, or abort naming @p after. */
void fz_invariants(eni_ctx *ctx, const char *after);
/* The outcome of one control-plane call, taken @p before (a fz_dump, freed
 * here) it: on success the invariants hold; a refusal left its own code in
 * eni_error_last() and the model exactly as it was. */
void fz_outcome(eni_ctx *ctx, const char *call, int rc, char *before);

/* ---- a host built through the public API ------------------------------------ */

/* A ctx with a fixed seed (the same id strings every run) and logging off. */
eni_ctx *fz_ctx_new(uint64_t seed);
/* The dual-stack VPC 10.0.0.0/16 + 2001:db8:0:100::/56 and its subnet
 * 10.0.1.0/24 + 2001:db8:0:100::/64 in us-east-1a. */
void fz_network(eni_ctx *ctx, eni_vpc_id *vpc, eni_subnet_id *subnet);
/* A spec for an interface of @p subnet: primary IPv4 @p ip4, the IPv6
 * addresses @p ip6 (n6 of them, kept alive by the caller) and @p ngroups groups. */
void fz_nic_spec(eni_nic_spec *ns, eni_subnet_id subnet, const char *ip4,
                 const char *const *ip6, uint32_t n6, const eni_sg_id *groups,
                 uint32_t ngroups);

/* A running m5.large whose primary interface `nic` (10.0.1.10, 10.0.1.11,
 * 2001:db8:0:100::10) is in the groups `web` and `peer`, in the dual-stack
 * VPC 10.0.0.0/16 + 2001:db8:0:100::/56 with the subnet 10.0.1.0/24 +
 * 2001:db8:0:100::/64; a second attached interface `router` (10.0.1.30,
 * 2001:db8:0:100::30, same groups) with the source/destination check off;
 * an available interface `spare` (10.0.1.20) in
 * `peer`; a prefix list `pl` (100.64.0.0/10, 172.16.0.0/12); an Elastic IP
 * associated with the primary address; and, when asked, rules of every
 * shape on `web` (TCP and UDP ports and ranges, ICMP and ICMPv6 type/code,
 * all traffic, other protocol numbers, IPv4 and IPv6 CIDRs, group
 * references, a prefix list), their ids in `rules`. */
typedef struct fz_host {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id web, peer, dflt;
    eni_prefix_list_id pl;
    eni_instance_id inst;
    eni_nic_id nic, router, spare;
    eni_attachment_id att;
    eni_eip_id eip;
    eni_eip_assoc_id assoc;
    eni_sg_rule_id rules[32];
    uint32_t nrules;
} fz_host;

#define FZ_NIC_IP4 "10.0.1.10"
#define FZ_NIC_IP4_2 "10.0.1.11"
#define FZ_NIC_IP6 "2001:db8:0:100::10"
#define FZ_SPARE_IP4 "10.0.1.20"
#define FZ_ROUTER_IP4 "10.0.1.30"
#define FZ_ROUTER_IP6 "2001:db8:0:100::30"

/* Build the host (abort if any step fails). */
void fz_host_new(fz_host *h, bool rules);
void fz_host_free(fz_host *h);

#endif
