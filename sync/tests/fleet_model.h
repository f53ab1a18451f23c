/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The model every simulated host of the sync tests and benchmark starts
 * from: the same VPC (10.0.0.0/16, 2001:db8:0:100::/56), subnet and groups
 * `app` and `db` under the ids EC2 gave, `db` allowing TCP 5432 from `app`.
 * Shared ids are what make one host's keys mean something on another. */
#ifndef ENI_SYNC_FLEET_MODEL_H
#define ENI_SYNC_FLEET_MODEL_H

#include <eni.h>

#define FLEET_VPC "vpc-0a1b2c3d4e5f60001"
#define FLEET_SUBNET "subnet-0a1b2c3d4e5f60011"
#define FLEET_SG_DEFAULT "sg-0a1b2c3d4e5f60000"
#define FLEET_SG_APP "sg-0a1b2c3d4e5f600a1"
#define FLEET_SG_DB "sg-0a1b2c3d4e5f600d1"
#define FLEET_APP_GROUP "vpc-0a1b2c3d4e5f60001/sg/sg-0a1b2c3d4e5f600a1"

struct fleet {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id app, db;
};

/* A new ctx holding the shared model; ENI_OK or the first failure. */
int fleet_model_new(struct fleet *f);

/* An interface in the subnet with @p ip (and @p ip6 unless NULL) in @p ng groups. */
int fleet_nic(struct fleet *f, const char *id, const char *ip, const char *ip6,
              const eni_sg_id *groups, uint32_t ng, eni_nic_id *out);

#endif
