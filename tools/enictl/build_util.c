/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Helpers of the build steps (build.h): block states, CIDR arithmetic, and
 * references between objects of the input. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"

const char *build_block_state(const jloc *at, json_t *obj, const char *state_key)
{
    json_t *st = jfield(at, obj, state_key, JSON_OBJECT, false);
    if (!st)
        return "associated";
    jloc sl;
    jloc_key(&sl, at, state_key);
    const char *s = jname(&sl, st, "State", false);
    return s ? s : "associated";
}

/* "10.0.0.0/16" into 16 address bytes, family and length. */
static bool parse_cidr(const char *cidr, uint8_t addr[16], int *family, int *len)
{
    char buf[64];
    const char *slash = strchr(cidr, '/');
    if (!slash || (size_t)(slash - cidr) >= sizeof buf)
        return false;
    memcpy(buf, cidr, (size_t)(slash - cidr));
    buf[slash - cidr] = 0;
    char *end;
    long l = strtol(slash + 1, &end, 10);
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, buf, addr) == 1)
        *family = 4;
    else if (inet_pton(AF_INET6, buf, addr) == 1)
        *family = 6;
    else
        return false;
    if (*end || end == slash + 1 || l < 0 || l > (*family == 4 ? 32 : 128))
        return false;
    *len = (int)l;
    return true;
}

int build_prefix_len(const char *cidr)
{
    uint8_t a[16];
    int fam, len;
    return parse_cidr(cidr, a, &fam, &len) ? len : -1;
}

bool build_cidr_within(const char *inner, const char *outer)
{
    uint8_t a[16], b[16];
    int fa, fb, la, lb;
    if (!parse_cidr(inner, a, &fa, &la) || !parse_cidr(outer, b, &fb, &lb) || fa != fb || la < lb)
        return false;
    for (int bit = 0; bit < lb; bit++) {
        uint8_t mask = (uint8_t)(0x80 >> (bit % 8));
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
            return false;
    }
    return true;
}

static const struct { const char *name, *command; } ref_names[AWS_KINDS] = {
    [AWS_VPC] = {"VPC", "describe-vpcs"},
    [AWS_SUBNET] = {"subnet", "describe-subnets"},
    [AWS_GROUP] = {"security group", "describe-security-groups"},
    [AWS_PREFIX_LIST] = {"prefix list", "describe-managed-prefix-lists"},
    [AWS_ENTRIES] = {"prefix list entries", "get-managed-prefix-list-entries"},
    [AWS_NIC] = {"network interface", "describe-network-interfaces"},
    [AWS_INSTANCE] = {"instance", "describe-instances"},
    [AWS_ACL] = {"network ACL", "describe-network-acls"},
};

aws_item *build_ref(model *m, aws_kind kind, const char *id, char *why, size_t whylen)
{
    aws_item *it = aws_find(&m->in, kind, id);
    if (it && it->built)
        return it;
    if (!it)
        snprintf(why, whylen, "%s %s is not in the input (%s)", ref_names[kind].name, id,
                 ref_names[kind].command);
    else
        snprintf(why, whylen, "%s %s was skipped%s%s", ref_names[kind].name, id,
                 it->skipped ? ": " : "", it->skipped ? it->skipped : "");
    return NULL;
}

void build_skip(model *m, aws_item *it, const char *kind, const char *fmt, ...)
{
    char why[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    report_skip(&m->rep, kind, it->id, &it->loc, "%s", why);
    aws_skip(it, why);
}
