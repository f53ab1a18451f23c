/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Elastic IPs from the interfaces' Association members (the primary
 * address's, and each PrivateIpAddresses[] entry's): allocated under their
 * AllocationId and associated with the private address. libeni draws public
 * addresses from 198.18.0.0/15, so the model's public address differs from
 * EC2's; security groups never see public addresses. A public address
 * without an AllocationId (auto-assigned at launch) is not modelled. */
#include <string.h>

#include "build.h"
#include "fail.h"

static void associate(model *m, aws_item *nic, const jloc *at, json_t *assoc, const char *private_ip)
{
    const char *alloc = jname(at, assoc, "AllocationId", false);
    const char *public_ip = jname(at, assoc, "PublicIp", false);
    if (!nic->built) /* read only, to report bad JSON */
        return;
    if (!alloc) {
        report_note(&m->rep, "network-interface", nic->id, at,
                    "public IPv4 %s has no AllocationId (auto-assigned): not modelled",
                    public_ip ? public_ip : "");
        return;
    }
    uint64_t raw;
    eni_eip_id eip;
    if (eni_id_parse(m->ctx, alloc, ENI_KIND_EIP, &raw) == ENI_OK)
        eip.v = raw;
    else if (eni_eip_allocate_id(m->ctx, alloc, &eip) != ENI_OK) {
        model_refused(m, NULL, "elastic-ip", alloc, at, "the Elastic IP");
        return;
    }
    if (eni_eip_associate(m->ctx, eip, (eni_nic_id){nic->built}, private_ip, 0, NULL) != ENI_OK) {
        model_refused(m, NULL, "elastic-ip", alloc, at, "the association");
        return;
    }
    eni_eip_info info = ENI_EIP_INFO_INIT;
    if (eni_eip_describe(m->ctx, eip, &info) != ENI_OK)
        fail_libeni("eni_eip_describe");
    report_built(&m->rep, "elastic-ip", alloc, at, "%s (%s in the model) on %s %s",
                 public_ip ? public_ip : "?", info.public_ip, nic->id, private_ip);
}

static void nic_eips(model *m, aws_item *nic)
{
    jloc at, el, al;
    json_t *arr = jarray(&nic->loc, nic->obj, "PrivateIpAddresses");
    jloc_key(&at, &nic->loc, "PrivateIpAddresses");
    bool primary_done = false;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *a = jobject_at(&at, arr, i, &el);
        json_t *assoc = jfield(&el, a, "Association", JSON_OBJECT, false);
        if (!assoc)
            continue;
        jloc_key(&al, &el, "Association");
        associate(m, nic, &al, assoc, jname(&el, a, "PrivateIpAddress", true));
        primary_done |= jbool(&el, a, "Primary", false);
    }
    json_t *assoc = jfield(&nic->loc, nic->obj, "Association", JSON_OBJECT, false);
    const char *primary = jname(&nic->loc, nic->obj, "PrivateIpAddress", false);
    if (assoc && !primary_done && primary) { /* only the top-level member says it */
        jloc_key(&al, &nic->loc, "Association");
        associate(m, nic, &al, assoc, primary);
    }
}

void build_eips(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++)
        nic_eips(m, &m->in.items[AWS_NIC][i]);
}
