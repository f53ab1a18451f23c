/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The EC2 network model's private layout: VPCs, subnets, instances,
 * interfaces, Elastic IPs, security groups, rules and prefix lists.
 *
 * lib/model knows nothing of backends or packets (ARCHITECTURE.md). Every
 * object is owned by the ctx's registry under a typed id. Every public call
 * validates everything and reserves every allocation before it changes
 * anything, so a refused call leaves the model byte-for-byte as it was, and
 * each successful mutation ends in eni__model_changed(). */
#ifndef ENI_MODEL_MODEL_H
#define ENI_MODEL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ctx_internal.h"
#include "eni/acl.h"
#include "eni/attach.h"
#include "eni/eip.h"
#include "eni/instance.h"
#include "eni/model.h"
#include "eni/nic.h"
#include "eni/sg.h"
#include "eni/vpc.h"
#include "util/addr.h"
#include "util/addrmap.h"

/* EC2 defaults (ec2-semantics.md sections 3, 4.6, 1.6). */
enum {
    ENI__DEFAULT_EIP_QUOTA = 5,
    ENI__DEFAULT_NIC_QUOTA = 5000,
    ENI__DEFAULT_SG_QUOTA = 2500,
    ENI__DEFAULT_RULES_PER_GROUP = 60,
    ENI__DEFAULT_GROUPS_PER_NIC = 5,
    ENI__MAX_GROUPS_PER_NIC = 16,
    ENI__MAX_GROUP_RULE_PRODUCT = 1000,
    ENI__MAX_BATCH = 100,
    ENI__TEXT_MAX = 255,
};

/* Network ACLs and VPC blocks (Amazon VPC quotas: network ACLs, VPC and
 * subnets; docs/decisions.md D32, D33). The rule quota counts per direction
 * and family, the implicit deny rule included. */
enum {
    ENI__DEFAULT_ACL_RULES = 20,
    ENI__MAX_ACL_RULES = 40,
    ENI__DEFAULT_ACLS_PER_VPC = 200,
    ENI__DEFAULT_CIDR_BLOCKS = 5,
    ENI__MAX_CIDR_BLOCKS = 50,
    ENI__DEFAULT_IPV6_CIDR_BLOCKS = 5,
    ENI__MAX_IPV6_CIDR_BLOCKS = 50,
};

/* Connection-tracking ranges (section 5.4). */
enum {
    ENI__TCP_EST_MIN = 60, ENI__TCP_EST_MAX = 432000, ENI__TCP_EST_DEFAULT = 432000,
    ENI__UDP_STREAM_MIN = 60, ENI__UDP_STREAM_MAX = 180, ENI__UDP_STREAM_DEFAULT = 180,
    ENI__UDP_MIN = 30, ENI__UDP_MAX = 60, ENI__UDP_DEFAULT = 30,
};

struct eni_vpc {
    uint64_t id;
    eni_prefix cidr;   /* the primary IPv4 block */
    eni_prefix cidr6;  /* the first IPv6 block; len 0 and family 0 when none */
    uint64_t default_sg;
    uint32_t subnet_count;
    uint32_t sg_count; /* default group included */
    uint64_t default_acl;
    uint32_t acl_count;   /* network ACLs, the default one included */
    uint32_t n_extra;     /* secondary IPv4 blocks, in association order */
    eni_prefix *extra;
    uint32_t n_extra6;    /* further IPv6 blocks, in association order; cidr6 is set
                           * whenever there are any (D33), so cidr6 alone says "has IPv6" */
    eni_prefix *extra6;
};

struct eni_subnet {
    uint64_t id;
    uint64_t vpc;
    char az[ENI_AZ_NAME_MAX];
    uint32_t flags;
    eni_prefix cidr;
    eni_prefix cidr6;      /* family 0 when none */
    uint32_t v4_base;      /* first address, host order */
    uint32_t v4_size;      /* addresses in the block */
    uint32_t v4_used;      /* bits set in v4_bitmap (reserved ones included) */
    uint32_t v4_cursor;    /* lowest index that may be free */
    uint64_t *v4_bitmap;   /* one bit per address */
    uint64_t v6_cursor;    /* next low-64 offset to try for auto IPv6 */
    eni_addrmap v4_owner;  /* address -> nic id */
    eni_addrmap v6_owner;  /* address -> nic id */
    uint32_t nic_count;
    uint32_t instance_count;
    uint64_t acl;          /* the network ACL it is associated with */
};

struct eni_v6 {
    uint64_t hi, lo;
};

struct eni_nic {
    uint64_t id;
    uint64_t subnet;
    uint64_t vpc;
    uint8_t type;
    uint8_t status;
    uint8_t source_dest_check;
    uint8_t mac[6];
    uint8_t group_count;
    char *description;        /* NULL when empty */
    uint32_t *v4;             /* host order; v4[0] is the primary */
    uint64_t *v4_eip;         /* Elastic IP per private IPv4, 0 = none */
    uint32_t v4_count, v4_cap;
    struct eni_v6 *v6;
    uint32_t v6_count, v6_cap;
    uint64_t groups[ENI__MAX_GROUPS_PER_NIC];
    uint32_t public_v4;       /* auto-assigned public IPv4, 0 = none */
    uint8_t auto_public;      /* launched at index 0 with a public IPv4 (section 1.4) */
    eni_conntrack_timeouts ct; /* explicit values; 0 = default */
    uint64_t instance;
    uint64_t attachment;
    uint32_t *p4;             /* delegated IPv4 /28 prefixes: first address, host order */
    struct eni_v6 *p6;        /* delegated IPv6 /80 prefixes: first address */
    uint32_t p4_count, p6_count;
    uint32_t conntrack_allowance; /* eni_nic_set_conntrack_allowance's cap; 0: none (D38) */
};

struct eni_instance {
    uint64_t id;
    uint64_t subnet;
    uint64_t vpc;
    eni_instance_type_info type; /* a copy: instances are few */
    uint8_t state;
    uint8_t virtualization;
    uint8_t platform;
    uint8_t ena_support;
    uint32_t nic_count;
    uint32_t conntrack_allowance; /* the budget its interfaces share; 0: the default (D38) */
};

struct eni_attachment {
    uint64_t id;
    uint64_t nic;
    uint64_t instance;
    uint8_t status;                /* eni_attachment_status */
    uint8_t kind;                  /* eni_attach_kind */
    uint8_t delete_on_termination;
    uint8_t link_up;
    uint8_t force;                 /* the pending detach is forced */
    uint8_t terminating;           /* detached because the instance is shutting down */
    uint16_t device_index;
    uint16_t card;
    uint64_t deadline_ns;          /* pending operation's deadline, 0 = none */
};

struct eni_eip {
    uint64_t id;
    uint32_t public_v4;
    uint32_t private_v4;  /* valid when assoc != 0 */
    uint64_t assoc;       /* eipassoc id, 0 = not associated */
    uint64_t nic;
};

struct eni_sg_rule {
    uint64_t id;
    uint64_t sg;
    uint8_t direction;    /* ENI_INGRESS / ENI_EGRESS */
    uint8_t peer_kind;
    int16_t protocol;     /* -1..255 */
    int32_t from_port, to_port;
    eni_prefix cidr;      /* ENI_PEER_CIDR */
    uint64_t peer;        /* sg or prefix-list id */
    char *description;    /* NULL when empty */
};

struct eni_rule_vec {
    struct eni_sg_rule **v;
    uint32_t count, cap;
};

/* What one source (a host) says are the group's member addresses there,
 * and the prefixes delegated to those members (sg_remote.c): each array
 * sorted, without duplicates; never all four empty. */
struct eni_remote_set {
    char *source;
    uint32_t *v4;         /* host order */
    struct eni_v6 *v6;
    uint32_t n4, n6;
    uint32_t *p4;         /* IPv4 /28s: first address, host order */
    struct eni_v6 *p6;    /* IPv6 /80s: first address */
    uint32_t np4, np6;
};

struct eni_sg {
    uint64_t id;
    uint64_t vpc;
    char *name;
    char *description;
    bool is_default;
    bool egress_modified;         /* its outbound rules were changed (IPv6 association, 4.2) */
    struct eni_rule_vec rules[2]; /* [0] ingress, [1] egress */
    uint32_t nic_count;
    uint32_t referenced_by;       /* rules of *other* groups naming this one */
    struct eni_remote_set *remote; /* members elsewhere, sorted by source */
    uint32_t remote_count;
};

/* A model-change event after the change (eni__change_event, with the
 * model's change number); nothing unless the ctx asked for them. */
void eni__model_event(eni_ctx *ctx, uint32_t type, uint64_t subject, uint64_t related,
                      uint32_t state);
/* The same for every group of an interface: it joined (1) or left (0). */
void eni__membership_events(eni_ctx *ctx, const struct eni_nic *nic, uint32_t joined);
/* A network ACL's entries changed (related 0), or a subnet's association
 * with it did (related: the subnet): its entry count now. */
struct eni_acl;
void eni__acl_event(eni_ctx *ctx, const struct eni_acl *acl, uint64_t subnet);
/* An interface's addresses changed: its count now. */
void eni__addresses_event(eni_ctx *ctx, const struct eni_nic *nic);
/* A group's rules changed: its count now. */
void eni__rules_event(eni_ctx *ctx, const struct eni_sg *sg);

/* Free every remote set of a group (sg_remote.c). */
void eni__sg_remote_free(eni_ctx *ctx, struct eni_sg *sg);

struct eni_prefix_list {
    uint64_t id;
    uint8_t family;
    char *name;
    uint32_t max_entries;
    eni_prefix *entries;
    uint32_t entry_count;
    uint32_t referenced_by;
};

/* One numbered entry of a network ACL (section 9). */
struct eni_acl_entry {
    uint16_t number;      /* 1..32766 */
    uint8_t egress;       /* 0 ingress, 1 egress */
    uint8_t action;       /* ENI_ACL_ALLOW / ENI_ACL_DENY */
    int16_t protocol;     /* -1..255 */
    int32_t from_port, to_port;   /* TCP/UDP, else -1 */
    int32_t icmp_type, icmp_code; /* ICMP, ICMPv6 with an IPv6 CIDR, else -1 */
    eni_prefix cidr;      /* canonical */
};

struct eni_acl {
    uint64_t id;
    uint64_t vpc;
    bool is_default;
    uint8_t modified[2];  /* a call changed this direction's entries (IPv6 association, 9.2) */
    struct eni_acl_entry *entries; /* sorted by (egress, number) */
    uint32_t count, cap;
    uint32_t subnet_count;
};

struct eni_model {
    eni_quotas quotas;
    uint64_t version;          /* bumped by every successful mutation */
    uint64_t mac_counter;
    uint64_t *public_bitmap;   /* 198.18.0.0/15, one bit per address */
    uint32_t public_cursor;
    uint32_t public_used;
    uint32_t v6_vpc_counter;   /* next Amazon-provided /56 */
    eni_addrmap_mem mapmem;    /* the ctx's allocator, for address maps */
};

#define ENI__PUBLIC_POOL_BASE 0xc6120000u /* 198.18.0.0 */
#define ENI__PUBLIC_POOL_SIZE 131072u     /* /15 */

/* Lifecycle (called by the ctx). */
int eni__model_init(eni_ctx *ctx);
void eni__model_fini(eni_ctx *ctx);
/* Free one object of a kind with everything it owns (no unlinking), and
 * every registered object (the registry keeps its slots, now empty): for
 * code that builds a model from outside, such as a state file. */
void eni__model_free_object(eni_ctx *ctx, unsigned kind, void *obj);
void eni__model_free_all(eni_ctx *ctx);
/* The whole model's invariants (what eni_ctx_check runs), under the lock. */
int eni__model_check_locked(eni_ctx *ctx);

/* An instance's public-IPv4 rules (section 1.4), used by lifecycle code. */
void eni__instance_release_public(eni_ctx *ctx, struct eni_instance *inst);
void eni__instance_restore_public(eni_ctx *ctx, struct eni_instance *inst);

/* Called at the end of every successful mutation: commits it to the state
 * file, if the ctx has one, then republishes. ENI_OK, or the store's error
 * (recorded): the call must return it, post no events, and not touch the
 * model again; memory is put back when the ctx lock is released. */
int eni__model_changed(eni_ctx *ctx) __attribute__((warn_unused_result));

/* Typed lookups: record the kind's EC2 error on failure. */
int eni__get_vpc(eni_ctx *ctx, uint64_t id, struct eni_vpc **out);
int eni__get_subnet(eni_ctx *ctx, uint64_t id, struct eni_subnet **out);
int eni__get_nic(eni_ctx *ctx, uint64_t id, struct eni_nic **out);
int eni__get_instance(eni_ctx *ctx, uint64_t id, struct eni_instance **out);
int eni__get_eip(eni_ctx *ctx, uint64_t id, struct eni_eip **out);
int eni__get_sg(eni_ctx *ctx, uint64_t id, struct eni_sg **out);
int eni__get_rule(eni_ctx *ctx, uint64_t id, struct eni_sg_rule **out);
int eni__get_prefix_list(eni_ctx *ctx, uint64_t id, struct eni_prefix_list **out);
int eni__get_attachment(eni_ctx *ctx, uint64_t id, struct eni_attachment **out);
int eni__get_acl(eni_ctx *ctx, uint64_t id, struct eni_acl **out);

/* Iterate the live objects of a kind in id (slot) order. */
#define ENI__FOR_EACH(ctx, kind, type, var)                                          \
    for (uint32_t var##_i_ = 0; var##_i_ < (ctx)->registry.kinds[kind].len; var##_i_++) \
        for (type *var = (type *)(ctx)->registry.kinds[kind].slots[var##_i_].obj; var;  \
             var = NULL)

/* Small helpers shared by the model files. */
char *eni__strdup(eni_ctx *ctx, const char *s);
/* EC2's character set for group names and descriptions, 1..255 characters. */
bool eni__sg_text_ok(const char *s);
/* Copy-in a size-first spec; records ENI_EVERSION/ENI_EINVAL itself. */
int eni__spec_in(void *dst, size_t own, const void *src, size_t min, const char *what);
/* Copy-out to a size-first info struct; records ENI_EINVAL itself. */
int eni__info_out(void *dst, const void *src, size_t own, const char *what);
/* The list-call contract: validates, fills out[0..cap), sets *count. */
int eni__list_check(const void *ctx, const void *out, uint32_t cap, const uint32_t *count,
                    const char *what);
/* A whole list call for a kind whose objects begin with their 64-bit id:
 * out is an array of that kind's typed ids (each one uint64_t). With
 * vpc_offset non-zero, only objects whose uint64_t at that offset equals
 * vpc.v are listed (none given: all), and an unknown VPC is an error. */
int eni__list_ids(eni_ctx *ctx, unsigned kind, eni_vpc_id vpc, size_t vpc_offset, void *out,
                  uint32_t cap, uint32_t *count, const char *what);

/* Addresses in the public pool (Elastic IPs, auto-assigned public IPv4). */
int eni__public_reserve(eni_ctx *ctx);         /* ensures the bitmap exists */
bool eni__public_take(eni_ctx *ctx, uint32_t *out);
void eni__public_give(eni_ctx *ctx, uint32_t v4);

/* Subnet address management (ipam.c). */
bool eni__ipam_v4_is_reserved(const struct eni_subnet *s, uint32_t v4);
bool eni__ipam_v4_in_subnet(const struct eni_subnet *s, uint32_t v4);
bool eni__ipam_v4_used(const struct eni_subnet *s, uint32_t v4);
/* Find `n` free addresses not in `avoid[0..navoid)`; false when the subnet is too full. */
bool eni__ipam_v4_pick(const struct eni_subnet *s, uint32_t n, const uint32_t *avoid,
                       uint32_t navoid, uint32_t *out);
void eni__ipam_v4_mark(struct eni_subnet *s, uint32_t v4, bool used);
bool eni__ipam_v6_in_subnet(const struct eni_subnet *s, const struct eni_v6 *a);
bool eni__ipam_v6_is_reserved(const struct eni_subnet *s, const struct eni_v6 *a);
bool eni__ipam_v6_pick(struct eni_subnet *s, uint32_t n, const struct eni_v6 *avoid,
                       uint32_t navoid, struct eni_v6 *out);
/* After committing n auto-picked IPv6 addresses: the next walk starts past them. */
void eni__ipam_v6_advance(struct eni_subnet *s, const struct eni_v6 *picked, uint32_t n);
const eni_addrmap_mem *eni__mapmem(eni_ctx *ctx);
void eni__mapmem_init(eni_ctx *ctx, eni_addrmap_mem *mem);

/* eni_instance_create in halves (the second under the lock, also used by launch). */
int eni__instance_spec_check(const eni_instance_spec *spec, eni_instance_spec *sp,
                             eni_instance_type_info *type);
int eni__instance_create_locked(eni_ctx *ctx, const eni_instance_spec *sp,
                                const eni_instance_type_info *type, struct eni_instance **out);
void eni__instance_destroy(eni_ctx *ctx, struct eni_instance *inst);

/* EC2's instance states and legal transitions. */
bool eni__instance_transition_ok(uint32_t from, uint32_t to);
bool eni__instance_state_valid(uint32_t s);
const char *eni__instance_state_name(uint32_t s);
/* Release everything an interface holds and forget it (no checks). */
void eni__nic_destroy(eni_ctx *ctx, struct eni_nic *nic);

/* Interface helpers used across files. */
void eni__nic_effective_ct(const eni_ctx *ctx, const struct eni_nic *nic,
                           eni_conntrack_timeouts *out);
/* Disassociate an Elastic IP (no checks). */
void eni__eip_disassociate(eni_ctx *ctx, struct eni_eip *eip);

/* Network ACLs (acl.c). A VPC's default ACL, with EC2's default entries:
 * all-or-nothing, registered under `given` (checked by the caller) or a
 * minted id. */
int eni__acl_create_default(eni_ctx *ctx, struct eni_vpc *vpc, const char *given,
                            struct eni_acl **out);
/* Forget an ACL and its entries (no checks). */
void eni__acl_destroy(eni_ctx *ctx, struct eni_acl *acl);
/* The entries of one direction (0 ingress, 1 egress): a slice of acl->entries. */
const struct eni_acl_entry *eni__acl_dir(const struct eni_acl *acl, unsigned egress,
                                        uint32_t *n);
/* A new IPv6 block: rule 101 (::/0 allow) in each direction of the default
 * ACL that was never modified. Room for two entries must be reserved. */
int eni__acl_ipv6_reserve(eni_ctx *ctx, struct eni_acl *acl);
void eni__acl_ipv6_added(eni_ctx *ctx, struct eni_acl *acl);

/* The next Amazon-provided IPv6 /56 (the counter moves on when it is used). */
int eni__vpc_amazon_ipv6(eni_ctx *ctx, eni_prefix *out, const char *what);
/* Is the IPv4 block inside one of the VPC's blocks? */
bool eni__vpc_holds_v4(const struct eni_vpc *vpc, const eni_prefix *p);
/* The VPC's IPv6 blocks (D33): does it have any, how many, the i-th in
 * association order (i < count), and is the IPv6 prefix inside one of them. */
bool eni__vpc_has_ipv6(const struct eni_vpc *vpc);
uint32_t eni__vpc_ipv6_count(const struct eni_vpc *vpc);
const eni_prefix *eni__vpc_ipv6_block(const struct eni_vpc *vpc, uint32_t i);
bool eni__vpc_holds_v6(const struct eni_vpc *vpc, const eni_prefix *p);

/* Delegated prefixes (nic_prefix.c): an address inside one of them, and the
 * interface that holds it (0: none). */
uint64_t eni__subnet_v4_prefix_owner(eni_ctx *ctx, const struct eni_subnet *s, uint32_t v4);
uint64_t eni__subnet_v6_prefix_owner(eni_ctx *ctx, const struct eni_subnet *s,
                                     const struct eni_v6 *a);

#endif
