/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network ACLs from describe-network-acls: entries and subnet associations.
 * A VPC's default ACL was made with its VPC under the JSON's id
 * (build_net.c); its entries are replaced by the JSON's, as a group's rules
 * are, so the ACL holds exactly what the JSON lists. The "*" entries (rule
 * 32767, and 32768 for IPv6) are EC2's implicit deny: read, never created. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "fail.h"
#include "mem.h"

/* EC2's implicit deny rules: 32767 (IPv4) and 32768 (IPv6), shown as "*". */
enum { ACL_RULE_IMPLICIT4 = 32767, ACL_RULE_IMPLICIT6 = 32768 };

/* "6", "-1": EC2 prints the protocol as a number in a string. */
static int32_t protocol(const jloc *at, json_t *e)
{
    const char *p = jname(at, e, "Protocol", true);
    if (!strcmp(p, "-1"))
        return ENI_PROTO_ALL;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (*p < '0' || *p > '9' || *end || errno || v > 255)
        jfail(at, "Protocol", "expected -1 or a protocol number 0..255, got '%s'", p);
    return (int32_t)v;
}

/* A {"From": n, "To": n} or {"Type": n, "Code": n} member into two numbers. */
static void pair(const jloc *at, json_t *e, const char *key, const char *a, const char *b,
                 long long lo, int32_t *x, int32_t *y)
{
    json_t *o = jfield(at, e, key, JSON_OBJECT, false);
    if (!o)
        return;
    jloc ol;
    jloc_key(&ol, at, key);
    long long v;
    if (!jint(&ol, o, a, lo, 65535, &v))
        jfail(&ol, a, "missing (required)");
    *x = (int32_t)v;
    if (!jint(&ol, o, b, lo, 65535, &v))
        jfail(&ol, b, "missing (required)");
    *y = (int32_t)v;
}

/* Read one entry; false for the implicit "*" rules, which are only checked. */
static bool read_entry(const jloc *el, json_t *e, eni_acl_entry_spec *s)
{
    *s = (eni_acl_entry_spec)ENI_ACL_ENTRY_SPEC_INIT;
    long long n;
    if (!jint(el, e, "RuleNumber", ENI_ACL_RULE_MIN, ACL_RULE_IMPLICIT6, &n))
        jfail(el, "RuleNumber", "missing (required)");
    s->rule_number = (uint32_t)n;
    s->protocol = protocol(el, e);
    const char *action = jname(el, e, "RuleAction", true);
    if (strcmp(action, "allow") && strcmp(action, "deny"))
        jfail(el, "RuleAction", "expected allow or deny, got '%s'", action);
    s->rule_action = action[0] == 'a' ? ENI_ACL_ALLOW : ENI_ACL_DENY;
    s->direction = jbool(el, e, "Egress", false) ? ENI_EGRESS : ENI_INGRESS;
    const char *v4 = jname(el, e, "CidrBlock", false);
    const char *v6 = jname(el, e, "Ipv6CidrBlock", false);
    if (!!v4 == !!v6)
        jfail(el, NULL, "an entry has one of CidrBlock and Ipv6CidrBlock, not %s",
              v4 ? "both" : "neither");
    s->cidr = v4 ? v4 : v6;
    s->from_port = s->to_port = s->icmp_type = s->icmp_code = -1;
    pair(el, e, "PortRange", "From", "To", 0, &s->from_port, &s->to_port);
    pair(el, e, "IcmpTypeCode", "Type", "Code", -1, &s->icmp_type, &s->icmp_code);
    if (n < ACL_RULE_IMPLICIT4)
        return true;
    /* "*": EC2's own, denying all of one family; anything else is not EC2's output */
    int want = n == ACL_RULE_IMPLICIT4 ? 4 : 6;
    if (s->rule_action != ENI_ACL_DENY || s->protocol != ENI_PROTO_ALL ||
        strcmp(s->cidr, want == 4 ? "0.0.0.0/0" : "::/0"))
        jfail(el, NULL, "rule %lld is EC2's implicit deny of all IPv%d traffic (\"*\"), which "
              "cannot be changed: expected Protocol -1, RuleAction deny, %s %s", n, want,
              want == 4 ? "CidrBlock" : "Ipv6CidrBlock", want == 4 ? "0.0.0.0/0" : "::/0");
    return false;
}

/* The entries libeni gave a default ACL go: the JSON lists what it holds. */
static void clear_entries(model *m, eni_acl_id acl)
{
    for (uint32_t dir = ENI_INGRESS; dir <= ENI_EGRESS; dir++) {
        uint32_t numbers[64], n;
        do {
            if (eni_acl_list_entries(m->ctx, acl, dir, numbers, 64, &n) != ENI_OK)
                fail_libeni("eni_acl_list_entries");
            for (uint32_t i = 0; i < n && i < 64; i++)
                if (eni_acl_delete_entry(m->ctx, acl, dir, numbers[i]) != ENI_OK)
                    fail_libeni("eni_acl_delete_entry");
        } while (n > 64);
    }
}

/* Add the entries one at a time, so that a refused one is reported at its path. */
static void entries(model *m, aws_item *it)
{
    jloc at, el;
    json_t *arr = jarray(&it->loc, it->obj, "Entries");
    jloc_key(&at, &it->loc, "Entries");
    eni_acl_id acl = {it->built};
    if (acl.v && jbool(&it->loc, it->obj, "IsDefault", false))
        clear_entries(m, acl);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *e = jobject_at(&at, arr, i, &el);
        eni_acl_entry_spec s;
        if (!read_entry(&el, e, &s) || !acl.v) /* a skipped ACL's entries are only read */
            continue;
        if (eni_acl_create_entry(m->ctx, acl, &s) != ENI_OK) {
            model_refused(m, NULL, "network-acl-entry", it->id, &el, "the entry");
            continue;
        }
    }
}

/* Where each subnet's association was read, to refuse a subnet listed twice. */
typedef struct assoc_seen {
    const char *subnet;
    jloc at;
} assoc_seen;

static void associations(model *m, aws_item *it, assoc_seen **seen, size_t *nseen,
                           size_t *capseen)
{
    char why[512];
    jloc at, el;
    json_t *arr = jarray(&it->loc, it->obj, "Associations");
    jloc_key(&at, &it->loc, "Associations");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *a = jobject_at(&at, arr, i, &el);
        const char *subnet_id = jname(&el, a, "SubnetId", true);
        const char *acl_id = jname(&el, a, "NetworkAclId", false);
        if (acl_id && strcmp(acl_id, it->id))
            jfail(&el, "NetworkAclId", "names %s, but the association is inside network ACL %s",
                  acl_id, it->id);
        for (size_t k = 0; k < *nseen; k++)
            if (!strcmp((*seen)[k].subnet, subnet_id))
                jfail(&el, "SubnetId", "subnet %s is associated twice (also at %s %s): a "
                      "subnet has exactly one network ACL", subnet_id, (*seen)[k].at.file,
                      (*seen)[k].at.path);
        XGROW(*seen, *capseen, *nseen);
        (*seen)[(*nseen)++] = (assoc_seen){subnet_id, el};
        aws_item *subnet = aws_find(&m->in, AWS_SUBNET, subnet_id);
        if (!it->built)
            continue;
        if (!subnet) /* EC2 lists the associations of its own subnets only */
            jfail(&el, "SubnetId", "subnet %s is not in the input (describe-subnets): give the "
                  "subnets of the ACL's VPC too", subnet_id);
        if (!build_ref(m, AWS_SUBNET, subnet_id, why, sizeof why)) {
            report_skip(&m->rep, "network-acl-association", it->id, &el, "%s", why);
            continue;
        }
        if (eni_acl_replace_association(m->ctx, (eni_subnet_id){subnet->built},
                                        (eni_acl_id){it->built}) != ENI_OK)
            model_refused(m, NULL, "network-acl-association", it->id, &el, "the association");
    }
}

static void build_acl(model *m, aws_item *it)
{
    char why[512];
    const char *vpc_id = jname(&it->loc, it->obj, "VpcId", true);
    bool is_default = jbool(&it->loc, it->obj, "IsDefault", false);
    aws_item *vpc = build_ref(m, AWS_VPC, vpc_id, why, sizeof why);
    if (!vpc) {
        build_skip(m, it, "network-acl", "%s", why);
        return;
    }
    if (is_default && !it->built) /* another default ACL of the VPC: the first one won */
        jfail(&it->loc, "IsDefault", "a second default network ACL of %s", vpc_id);
    if (!is_default) {
        eni_acl_spec spec = ENI_ACL_SPEC_INIT;
        spec.vpc.v = vpc->built;
        spec.id = it->id;
        eni_acl_id acl;
        if (eni_acl_create(m->ctx, &spec, &acl) != ENI_OK) {
            model_refused(m, it, "network-acl", it->id, &it->loc, "the network ACL");
            return;
        }
        it->built = acl.v;
    }
}

void build_acls(model *m)
{
    assoc_seen *seen = NULL;
    size_t nseen = 0, capseen = 0;
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++)
        build_acl(m, &m->in.items[AWS_ACL][i]);
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++) {
        entries(m, &m->in.items[AWS_ACL][i]);
        associations(m, &m->in.items[AWS_ACL][i], &seen, &nseen, &capseen);
    }
    free(seen);
    for (size_t i = 0; i < m->in.n[AWS_ACL]; i++) { /* reported once every subnet has moved */
        aws_item *it = &m->in.items[AWS_ACL][i];
        eni_acl_info ai = ENI_ACL_INFO_INIT;
        if (!it->built)
            continue;
        if (eni_acl_describe(m->ctx, (eni_acl_id){it->built}, &ai) != ENI_OK)
            fail_libeni("eni_acl_describe");
        report_built(&m->rep, "network-acl", it->id, &it->loc,
                     "%s %s: %u inbound, %u outbound entr%s, %u subnet%s",
                     ai.is_default ? "default ACL of" : "in",
                     jstring(&it->loc, it->obj, "VpcId", true), ai.ingress_count,
                     ai.egress_count, ai.egress_count == 1 ? "y" : "ies", ai.subnet_count,
                     ai.subnet_count == 1 ? "" : "s");
    }
}
