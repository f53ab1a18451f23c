/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The shared model of the sync tests and benchmark (fleet_model.h). */
#include "fleet_model.h"

#include <string.h>

int fleet_model_new(struct fleet *f)
{
    memset(f, 0, sizeof *f);
    int rc = eni_ctx_new(NULL, &f->ctx);
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8:0:100::/56";
    vs.id = FLEET_VPC;
    vs.default_group_id = FLEET_SG_DEFAULT;
    if (rc == ENI_OK)
        rc = eni_vpc_create(f->ctx, &vs, &f->vpc);
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = "2001:db8:0:100::/64";
    ss.id = FLEET_SUBNET;
    if (rc == ENI_OK)
        rc = eni_subnet_create(f->ctx, &ss, &f->subnet);
    const char *ids[] = {FLEET_SG_APP, FLEET_SG_DB}, *names[] = {"app", "db"};
    eni_sg_id *out[] = {&f->app, &f->db};
    for (int i = 0; i < 2 && rc == ENI_OK; i++) {
        eni_sg_spec gs = ENI_SG_SPEC_INIT;
        gs.vpc = f->vpc;
        gs.name = names[i];
        gs.description = names[i];
        gs.id = ids[i];
        rc = eni_sg_create(f->ctx, &gs, out[i]);
    }
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP;
    r.group = f->app;
    if (rc == ENI_OK)
        rc = eni_sg_authorize(f->ctx, f->db, ENI_INGRESS, &r, 1, NULL);
    if (rc != ENI_OK) {
        eni_ctx_free(f->ctx);
        f->ctx = NULL;
    }
    return rc;
}

int fleet_nic(struct fleet *f, const char *id, const char *ip, const char *ip6,
              const eni_sg_id *groups, uint32_t ng, eni_nic_id *out)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->subnet;
    ns.id = id;
    ns.private_ip = ip;
    ns.ipv6_addresses = &ip6;
    ns.ipv6_list_len = ip6 ? 1 : 0;
    ns.flags = ip6 ? 0 : ENI_NIC_SPEC_NO_IPV6;
    ns.groups = groups;
    ns.group_count = ng;
    return eni_nic_create(f->ctx, &ns, out);
}
