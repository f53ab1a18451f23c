/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network interfaces from describe-network-interfaces (or, for those it does
 * not list, from the instances of describe-instances): type, addresses,
 * groups, description, source/destination check, conntrack timeouts and
 * delegated prefixes.
 * Attachments come later, with the instances (build_instances.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "fail.h"
#include "mem.h"

typedef struct nic_in {
    model *m;
    aws_item *it;
    eni_nic_spec spec;
    const char **v4, **v6;
    size_t nv4, nv6, cap4, cap6;
    eni_sg_id *groups;
    size_t ngroups, capg;
} nic_in;

/* InterfaceType: libeni models interface, efa and efa-only; the types EC2
 * gives its own services' interfaces (load balancers, NAT gateways, VPC
 * endpoints...) are plain interfaces to a security group. */
static bool interface_type(nic_in *n)
{
    const char *t = jname(&n->it->loc, n->it->obj, "InterfaceType", false);
    if (!t || !strcmp(t, "interface"))
        n->spec.type = ENI_NIC_INTERFACE;
    else if (!strcmp(t, "efa"))
        n->spec.type = ENI_NIC_EFA;
    else if (!strcmp(t, "efa-only"))
        n->spec.type = ENI_NIC_EFA_ONLY;
    else if (!strcmp(t, "trunk") || !strcmp(t, "branch")) {
        build_skip(n->m, n->it, "network-interface",
                   "InterfaceType %s: trunk and branch interfaces are not modelled yet", t);
        return false;
    } else {
        n->spec.type = ENI_NIC_INTERFACE;
        report_note(&n->m->rep, "network-interface", n->it->id, &n->it->loc,
                    "InterfaceType %s is modelled as an ordinary interface", t);
    }
    return true;
}

static void push(const char ***arr, size_t *n, size_t *cap, const char *s)
{
    XGROW(*arr, *cap, *n);
    (*arr)[(*n)++] = s;
}

static void addresses(nic_in *n, bool subnet_has_ipv6)
{
    aws_item *it = n->it;
    jloc at, el;
    n->spec.private_ip = jname(&it->loc, it->obj, "PrivateIpAddress", false);
    json_t *arr = jarray(&it->loc, it->obj, "PrivateIpAddresses");
    jloc_key(&at, &it->loc, "PrivateIpAddresses");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *a = jobject_at(&at, arr, i, &el);
        const char *ip = jname(&el, a, "PrivateIpAddress", true);
        bool primary = jbool(&el, a, "Primary", false);
        if (primary && n->spec.private_ip && strcmp(ip, n->spec.private_ip))
            jfail(&el, "PrivateIpAddress", "the primary address %s, but PrivateIpAddress says %s",
                  ip, n->spec.private_ip);
        if (primary)
            n->spec.private_ip = ip;
        else
            push(&n->v4, &n->nv4, &n->cap4, ip);
    }
    arr = jarray(&it->loc, it->obj, "Ipv6Addresses");
    jloc_key(&at, &it->loc, "Ipv6Addresses");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *a = jobject_at(&at, arr, i, &el);
        push(&n->v6, &n->nv6, &n->cap6, jname(&el, a, "Ipv6Address", true));
    }
    if (n->nv6 && !subnet_has_ipv6 && n->spec.subnet.v) {
        report_note(&n->m->rep, "network-interface", it->id, &it->loc,
                    "%zu IPv6 address%s left out: its subnet has no IPv6 block in the model", n->nv6,
                    n->nv6 == 1 ? "" : "es");
        n->nv6 = 0;
    }
    n->spec.secondary_ips = n->v4;
    n->spec.secondary_ip_list_len = (uint32_t)n->nv4;
    n->spec.ipv6_addresses = n->v6;
    n->spec.ipv6_list_len = (uint32_t)n->nv6;
    if (!n->nv6)
        n->spec.flags |= ENI_NIC_SPEC_NO_IPV6;
}

/* Delegated prefixes (Ipv4Prefixes, Ipv6Prefixes), one at a time, so that a
 * refused one is reported at its path; an interface that was not built has
 * them only read. Returns how many were delegated. */
static size_t prefixes(model *m, aws_item *it, bool subnet_has_ipv6)
{
    jloc at, el;
    size_t done = 0;
    static const char *const keys[] = {"Ipv4Prefixes", "Ipv6Prefixes"};
    for (size_t k = 0; k < 2; k++) {
        json_t *arr = jarray(&it->loc, it->obj, keys[k]);
        jloc_key(&at, &it->loc, keys[k]);
        for (size_t i = 0; i < json_array_size(arr); i++) {
            json_t *p = jobject_at(&at, arr, i, &el);
            const char *cidr = jname(&el, p, k ? "Ipv6Prefix" : "Ipv4Prefix", true);
            if (!it->built)
                continue;
            if (k && !subnet_has_ipv6) {
                report_note(&m->rep, "network-interface-prefix", it->id, &el,
                            "IPv6 prefix %s left out: its subnet has no IPv6 block in the model",
                            cidr);
                continue;
            }
            if (eni_nic_assign_prefixes(m->ctx, (eni_nic_id){it->built}, k ? 6 : 4, &cidr, 1, 0)
                != ENI_OK) {
                model_refused(m, NULL, "network-interface-prefix", it->id, &el, "the prefix");
                continue;
            }
            done++;
        }
    }
    return done;
}

/* The interface's groups that were built; false when it listed some and none was. */
static bool groups(nic_in *n)
{
    char why[512];
    jloc at, el;
    json_t *arr = jarray(&n->it->loc, n->it->obj, "Groups");
    jloc_key(&at, &n->it->loc, "Groups");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *g = jobject_at(&at, arr, i, &el);
        aws_item *gi = build_ref(n->m, AWS_GROUP, jname(&el, g, "GroupId", true), why, sizeof why);
        if (!gi) {
            report_skip(&n->m->rep, "network-interface-group", n->it->id, &el, "%s", why);
            continue;
        }
        XGROW(n->groups, n->capg, n->ngroups);
        n->groups[n->ngroups++].v = gi->built;
    }
    n->spec.groups = n->groups;
    n->spec.group_count = (uint32_t)n->ngroups;
    if (json_array_size(arr) && !n->ngroups) {
        build_skip(n->m, n->it, "network-interface", "none of its security groups is in the model");
        return false;
    }
    return true;
}

static void conntrack(nic_in *n)
{
    jloc at;
    json_t *c = jfield(&n->it->loc, n->it->obj, "ConnectionTrackingConfiguration", JSON_OBJECT, false);
    if (!c)
        return;
    jloc_key(&at, &n->it->loc, "ConnectionTrackingConfiguration");
    long long v;
    if (jint(&at, c, "TcpEstablishedTimeout", 0, UINT32_MAX, &v))
        n->spec.conntrack.tcp_established = (uint32_t)v;
    if (jint(&at, c, "UdpStreamTimeout", 0, UINT32_MAX, &v))
        n->spec.conntrack.udp_stream = (uint32_t)v;
    if (jint(&at, c, "UdpTimeout", 0, UINT32_MAX, &v))
        n->spec.conntrack.udp = (uint32_t)v;
}

/* An interface listed by an instance must say it is attached to that instance. */
static void check_instance(aws_item *it)
{
    json_t *att = json_object_get(it->obj, "Attachment");
    const char *inst = json_string_value(json_object_get(att, "InstanceId"));
    if (it->instance && inst && strcmp(inst, it->instance->id))
        jfail(&it->loc, "Attachment", "attached to %s, but %s lists it at %s %s", inst,
              it->instance->id, it->instance->loc.file, it->instance->loc.path);
}

static void build_nic(model *m, aws_item *it)
{
    char why[512];
    nic_in n = {.m = m, .it = it};
    n.spec = (eni_nic_spec)ENI_NIC_SPEC_INIT;
    check_instance(it);
    const char *subnet_id = jname(&it->loc, it->obj, "SubnetId", true);
    aws_item *subnet = build_ref(m, AWS_SUBNET, subnet_id, why, sizeof why);
    eni_subnet_info si = ENI_SUBNET_INFO_INIT;
    if (subnet && eni_subnet_describe(m->ctx, (eni_subnet_id){subnet->built}, &si) != ENI_OK)
        fail_libeni("eni_subnet_describe");
    n.spec.subnet.v = subnet ? subnet->built : 0;
    addresses(&n, si.ipv6_cidr_block[0] != 0); /* read before any skip: bad JSON is an error */
    conntrack(&n);
    n.spec.description = jstring(&it->loc, it->obj, "Description", false);
    bool check = jbool(&it->loc, it->obj, "SourceDestCheck", true);
    if (!subnet)
        build_skip(m, it, "network-interface", "%s", why);
    if (!subnet || !interface_type(&n) || !groups(&n))
        goto out;
    n.spec.id = it->id;
    eni_nic_id nic;
    if (eni_nic_create(m->ctx, &n.spec, &nic) != ENI_OK) {
        model_refused(m, it, "network-interface", it->id, &it->loc, "the interface");
        goto out;
    }
    it->built = nic.v;
    if (!check && eni_nic_set_source_dest_check(m->ctx, nic, 0) != ENI_OK)
        fail_libeni("eni_nic_set_source_dest_check");
    size_t np = prefixes(m, it, si.ipv6_cidr_block[0] != 0);
    char more[48] = "", pfx[32] = "";
    if (n.nv4 + n.nv6)
        snprintf(more, sizeof more, " and %zu more address%s", n.nv4 + n.nv6,
                 n.nv4 + n.nv6 == 1 ? "" : "es");
    if (np)
        snprintf(pfx, sizeof pfx, ", %zu prefix%s", np, np == 1 ? "" : "es");
    report_built(&m->rep, "network-interface", it->id, &it->loc, "%s%s%s in %s, %zu group%s%s",
                 n.spec.private_ip ? n.spec.private_ip : "no address", more, pfx, subnet_id,
                 n.ngroups, n.ngroups == 1 ? "" : "s",
                 check ? "" : ", source/destination check off");
out:
    if (!it->built)
        prefixes(m, it, false); /* read, to report bad JSON */
    free(n.v4);
    free(n.v6);
    free(n.groups);
}

void build_nics(model *m)
{
    for (size_t i = 0; i < m->in.n[AWS_NIC]; i++)
        build_nic(m, &m->in.items[AWS_NIC][i]);
}
