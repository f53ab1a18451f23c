/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The AWS CLI's describe-* outputs, indexed by kind and EC2 id before
 * anything is built: files may come in any order, and a rule may name a
 * group read from a later file. Each item keeps its JSON object and where
 * it came from; building (build.h) reads its fields. */
#ifndef ENICTL_AWS_H
#define ENICTL_AWS_H

#include <jansson.h>
#include <stdint.h>

#include "jsonin.h"
#include "report.h"

typedef enum aws_kind {
    AWS_VPC,          /* describe-vpcs: Vpcs[] */
    AWS_SUBNET,       /* describe-subnets: Subnets[] */
    AWS_GROUP,        /* describe-security-groups: SecurityGroups[] */
    AWS_PREFIX_LIST,  /* describe-managed-prefix-lists: PrefixLists[] */
    AWS_ENTRIES,      /* get-managed-prefix-list-entries: the whole document */
    AWS_NIC,          /* describe-network-interfaces: NetworkInterfaces[], and those of instances */
    AWS_INSTANCE,     /* describe-instances: Reservations[].Instances[] */
    AWS_ACL,          /* describe-network-acls: NetworkAcls[] */
    AWS_KINDS
} aws_kind;

typedef struct aws_item {
    json_t *obj;
    jloc loc;
    const char *id;
    struct aws_item *instance; /* AWS_NIC: the instance whose NetworkInterfaces listed it */
    uint64_t built;            /* the libeni id once built, else 0 */
    char *skipped;             /* why it was not built, else NULL */
} aws_item;

typedef struct aws_input {
    aws_item *items[AWS_KINDS];
    size_t n[AWS_KINDS], cap[AWS_KINDS];
    json_t **docs;
    size_t ndocs, docs_cap;
    char **owned; /* strings the items point at that no document holds */
    size_t nowned, owned_cap;
} aws_input;

/* Index one file (fails with status 2 on anything enictl does not read). */
void aws_read(aws_input *in, report *rep, const char *file);
aws_item *aws_find(const aws_input *in, aws_kind kind, const char *id);
/* Mark an item skipped (reported by the caller). */
void aws_skip(aws_item *it, const char *reason);
void aws_free(aws_input *in);

#endif
