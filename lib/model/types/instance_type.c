/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instance-type lookups over the generated table (instance_type_table.h). */
#include "model/types/instance_type_table.h"

#include <inttypes.h>
#include <string.h>

#include "core/error_internal.h"
#include "eni/instance_type.h"
#include "eni/types.h"
#include "util/abi_struct.h"

/* eni_instance_type_info as first published; a smaller caller struct is refused. */
#define ITYPE_INFO_MIN_SIZE sizeof(eni_instance_type_info)

/* The packed fields must hold every value the public enums can take. */
_Static_assert((ENI_ITYPE_BARE_METAL | ENI_ITYPE_HVM | ENI_ITYPE_PARAVIRTUAL | ENI_ITYPE_IPV6 |
                ENI_ITYPE_EFA) <= UINT8_MAX,
               "eni__itype.flags is a uint8_t");
_Static_assert(ENI_HYPERVISOR_XEN <= UINT8_MAX && ENI_ENA_REQUIRED <= UINT8_MAX,
               "eni__itype enums are uint8_t");
_Static_assert(ENI_MAX_NETWORK_CARDS <= UINT8_MAX, "eni__itype.max_network_cards is a uint8_t");

const struct eni__itype *eni__itype_find(const char *name)
{
    if (name == NULL)
        return NULL;
    uint32_t lo = 0, hi = eni__itype_count; /* the answer, if any, is in [lo, hi) */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct eni__itype *t = &eni__itype_table[mid];
        int c = strcmp(name, eni__itype_name(t));
        if (c == 0)
            return t;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* Argument checks shared by the public calls: out set, and large enough. */
static int check_out(const char *fn, const eni_instance_type_info *out)
{
    if (out == NULL)
        return eni__fail(ENI_EINVAL, NULL, "%s: out is NULL", fn);
    if (out->size < ITYPE_INFO_MIN_SIZE || out->size > ENI_STRUCT_SIZE_MAX)
        return eni__fail(ENI_EINVAL, NULL,
                         "%s: out->size is %" PRIu32 ", eni_instance_type_info takes %zu..%d "
                         "(set it with ENI_INSTANCE_TYPE_INFO_INIT)",
                         fn, out->size, (size_t)ITYPE_INFO_MIN_SIZE, ENI_STRUCT_SIZE_MAX);
    return ENI_OK;
}

/* Fill *out (already checked by check_out) from one table row. */
static void copy_out(const struct eni__itype *t, eni_instance_type_info *out)
{
    eni_instance_type_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    info.flags = t->flags;
    const char *name = eni__itype_name(t);
    size_t len = strlen(name);
    if (len >= sizeof info.name) /* the generator rules this out */
        len = sizeof info.name - 1;
    memcpy(info.name, name, len);
    info.hypervisor = t->hypervisor;
    info.ena_support = t->ena_support;
    info.max_interfaces = t->max_interfaces;
    info.max_network_cards = t->max_network_cards;
    info.ipv4_per_interface = t->ipv4_per_interface;
    info.ipv6_per_interface = t->ipv6_per_interface;
    info.max_efa_interfaces = t->max_efa_interfaces;
    info.default_tcp_established_timeout = t->tcp_established_timeout;
    info.default_udp_stream_timeout = t->udp_stream_timeout;
    info.default_udp_timeout = t->udp_timeout;
    for (uint32_t i = 0; i < t->max_network_cards && i < ENI_MAX_NETWORK_CARDS; i++)
        info.card_max_interfaces[i] = eni__itype_card_max(t, i);

    /* Cannot fail: check_out already refused a size out of range. */
    (void)eni__struct_copy_out(out, out->size, &info, sizeof info, ITYPE_INFO_MIN_SIZE);
}

int eni_instance_type_lookup(const char *name, eni_instance_type_info *out)
{
    if (name == NULL)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_type_lookup: name is NULL");
    int rc = check_out("eni_instance_type_lookup", out);
    if (rc != ENI_OK)
        return rc;
    const struct eni__itype *t = eni__itype_find(name);
    if (t == NULL)
        return eni__fail(ENI_ENOTFOUND, "InvalidInstanceType", "unknown instance type '%s'",
                         name);
    copy_out(t, out);
    return ENI_OK;
}

uint32_t eni_instance_type_count(void)
{
    return eni__itype_count;
}

int eni_instance_type_at(uint32_t index, eni_instance_type_info *out)
{
    int rc = check_out("eni_instance_type_at", out);
    if (rc != ENI_OK)
        return rc;
    if (index >= eni__itype_count)
        return eni__fail(ENI_EINVAL, NULL,
                         "eni_instance_type_at: index %" PRIu32 " is out of range (count %" PRIu32
                         ")",
                         index, eni__itype_count);
    copy_out(&eni__itype_table[index], out);
    return ENI_OK;
}
