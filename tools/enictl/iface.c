/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The interface under study (iface.h). */
#include "iface.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "mem.h"

static bool parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char end;
    if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                     &end) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)v[i];
    return true;
}

static _Noreturn void unknown(model *m, const char *id)
{
    aws_item *it = aws_find(&m->in, AWS_NIC, id);
    if (it && it->skipped)
        fail_input(NULL, NULL, "interface %s was skipped while loading the model: %s", id,
                   it->skipped);
    fail_input(NULL, NULL, "interface %s is not in the model (%zu interface%s: 'enictl load' "
               "lists them)", id, m->in.n[AWS_NIC], m->in.n[AWS_NIC] == 1 ? "" : "s");
}

void iface_open(model *m, const char *id, iface *f)
{
    memset(f, 0, sizeof *f);
    uint64_t raw;
    if (eni_id_parse(m->ctx, id, ENI_KIND_NIC, &raw) != ENI_OK)
        unknown(m, id);
    f->nic.v = raw;
    f->id = id;
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    if (eni_nic_describe(m->ctx, f->nic, &ni) != ENI_OK)
        fail_libeni("eni_nic_describe");
    if (ni.status != ENI_NIC_IN_USE)
        fail_input(NULL, NULL,
                   "interface %s is not attached to an instance in the model (%s): the evaluator "
                   "only judges attached interfaces; 'enictl load' shows why", id,
                   eni_nic_status_name(ni.status));
    uint32_t n = 0, np = 0;
    if (eni_nic_get_addresses(m->ctx, f->nic, NULL, 0, &n) != ENI_OK)
        fail_libeni("eni_nic_get_addresses");
    if (eni_nic_get_prefixes(m->ctx, f->nic, 0, NULL, 0, &np) != ENI_OK)
        fail_libeni("eni_nic_get_prefixes");
    eni_nic_address *a = xcalloc(n ? n : 1, sizeof *a);
    char *p = xcalloc(np ? np : 1, ENI_CIDR_STRING_MAX);
    if (eni_nic_get_addresses(m->ctx, f->nic, a, n, &n) != ENI_OK)
        fail_libeni("eni_nic_get_addresses");
    if (eni_nic_get_prefixes(m->ctx, f->nic, 0, p, np, &np) != ENI_OK)
        fail_libeni("eni_nic_get_prefixes");
    f->addr = xcalloc(n + np ? n + np : 1, sizeof *f->addr);
    f->family = xcalloc(n + np ? n + np : 1, 1);
    f->plen = xcalloc(n + np ? n + np : 1, 1);
    for (uint32_t i = 0; i < n + np; i++) {
        char buf[ENI_CIDR_STRING_MAX];
        snprintf(buf, sizeof buf, "%s",
                 i < n ? a[i].address : p + (size_t)(i - n) * ENI_CIDR_STRING_MAX);
        char *slash = strchr(buf, '/');
        int len = slash ? atoi(slash + 1) : -1;
        if (slash)
            *slash = 0;
        uint8_t bytes[16] = {0}, family = strchr(buf, ':') ? 6 : 4;
        if (inet_pton(family == 4 ? AF_INET : AF_INET6, buf, bytes) != 1)
            continue;
        f->family[f->naddr] = family;
        f->plen[f->naddr] = (uint8_t)(len >= 0 ? len : family == 4 ? 32 : 128);
        memcpy(f->addr[f->naddr++], bytes, 16);
    }
    free(a);
    free(p);
    aws_item *it = aws_find(&m->in, AWS_NIC, id);
    f->has_mac = it && parse_mac(json_string_value(json_object_get(it->obj, "MacAddress")), f->mac);
}

void iface_close(iface *f)
{
    free(f->addr);
    free(f->family);
    free(f->plen);
}

static bool within(const uint8_t a[16], const uint8_t net[16], unsigned plen)
{
    if (memcmp(a, net, plen / 8))
        return false;
    uint8_t mask = (uint8_t)(0xff00 >> (plen % 8));
    return plen % 8 == 0 || (a[plen / 8] & mask) == (net[plen / 8] & mask);
}

bool iface_owns(const iface *f, uint8_t family, const uint8_t addr[16])
{
    for (size_t i = 0; i < f->naddr; i++)
        if (f->family[i] == family && within(addr, f->addr[i], f->plen[i]))
            return true;
    return false;
}

int iface_direction(const iface *f, const eni_pkt *p, const cap_pkt *c)
{
    if (p && (p->family == 4 || p->family == 6)) {
        if (iface_owns(f, p->family, p->dst))
            return ENI_DIR_INBOUND;
        if (iface_owns(f, p->family, p->src))
            return ENI_DIR_OUTBOUND;
    }
    if (c && c->dst_mac && f->has_mac && !memcmp(c->dst_mac, f->mac, 6))
        return ENI_DIR_INBOUND;
    if (c && c->src_mac && f->has_mac && !memcmp(c->src_mac, f->mac, 6))
        return ENI_DIR_OUTBOUND;
    return c ? c->dir_hint : 0;
}
