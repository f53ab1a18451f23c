/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What libeni knows about each object kind: EC2 prefix, display name, and
 * the EC2 error codes for an id of that kind that is unknown or malformed. */
#ifndef ENI_CORE_KIND_H
#define ENI_CORE_KIND_H

#include <stdbool.h>

#include "eni/types.h"

enum { ENI__KIND_COUNT = ENI_KIND_NETWORK_ACL + 1 };

struct eni_kind_info {
    const char *prefix;        /* "eni-" */
    const char *name;          /* "network interface" */
    const char *ec2_not_found; /* "InvalidNetworkInterfaceID.NotFound" */
    const char *ec2_malformed; /* "InvalidNetworkInterfaceId.Malformed" */
};

bool eni__kind_valid(unsigned kind);
/* NULL for an invalid kind. */
const struct eni_kind_info *eni__kind_info(unsigned kind);

#endif
