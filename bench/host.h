/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A host with one attached interface, set up only through the public API
 * (include/eni), and a shape_set's rules, groups, prefix lists and network
 * ACL written into it the way a user would: authorize calls, remote
 * members, ModifyManagedPrefixList, CreateNetworkAclEntry. */
#ifndef ENI_BENCH_HOST_H
#define ENI_BENCH_HOST_H

#include <eni.h>
#include <stddef.h>

#include "shapes.h"

enum {
    HOST_V6 = 1u << 0,        /* the VPC, subnet and interface have IPv6 */
    HOST_NO_EGRESS = 1u << 1, /* the group's default outbound rules revoked */
};

struct host {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id sg; /* the interface's one group */
    eni_nic_id nic;
    eni_instance_id inst;
    uint32_t ip;      /* primary private IPv4, host order */
    uint8_t ip6[16];  /* its IPv6 address (HOST_V6) */
    size_t live;      /* bytes the ctx holds now (its allocator hooks) */
};

/* A ctx with EC2's largest rules-per-group (1000, one group an interface;
 * the product is capped at 1000) and ACL quota (40), one VPC (SH_VPC4, and
 * SH_VPC6 with HOST_V6), one subnet, one group and an m5.24xlarge whose
 * primary interface is attached. */
void host_new(struct host *h, unsigned flags);
void host_free(struct host *h);

/* Add rules to the group, 100 a call; a generated duplicate is skipped. */
void host_authorize(struct host *h, const eni_sg_rule_spec *rules, uint32_t n);

/* Write the shape's referenced groups (their members stated as another
 * host's, eni_sg_set_remote_members), prefix lists, rules and network ACL. */
void host_load_shape(struct host *h, const struct shape_set *s);

/* The packet as eni_eval_burst takes it, to the interface's address. */
eni_pkt host_pkt(const struct host *h, const struct sh_pkt *p, unsigned family, uint8_t tcp_flags);

#endif
