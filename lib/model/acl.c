/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network ACLs: create, delete, entries, subnet associations (section 9).
 * An ACL keeps its numbered entries in one array sorted by direction, then
 * rule number, so a direction is a slice and its order is EC2's evaluation
 * order; the evaluator compiles that slice (lib/eval/acl.c). */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "sg_internal.h"

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };

_Static_assert(offsetof(struct eni_acl, id) == 0 && offsetof(struct eni_subnet, id) == 0,
               "listed objects begin with their id");
_Static_assert(sizeof(eni_acl_id) == 8, "typed ids are one uint64_t");

/* ---- entries ------------------------------------------------------------ */

static int cmp_key(const struct eni_acl_entry *e, unsigned egress, uint32_t number)
{
    if (e->egress != egress)
        return e->egress < egress ? -1 : 1;
    return e->number < number ? -1 : e->number > number ? 1 : 0;
}

/* The index of (egress, number), or where it would go (*found false). */
static uint32_t locate(const struct eni_acl *acl, unsigned egress, uint32_t number, bool *found)
{
    uint32_t lo = 0, hi = acl->count;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (cmp_key(&acl->entries[mid], egress, number) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < acl->count && cmp_key(&acl->entries[lo], egress, number) == 0;
    return lo;
}

const struct eni_acl_entry *eni__acl_dir(const struct eni_acl *acl, unsigned egress, uint32_t *n)
{
    bool found;
    uint32_t first = locate(acl, egress, 0, &found);
    uint32_t end = egress ? acl->count : locate(acl, 1, 0, &found);
    *n = end - first;
    return acl->entries + first;
}

static uint32_t family_count(const struct eni_acl *acl, unsigned egress, unsigned family)
{
    uint32_t n, count = 0;
    const struct eni_acl_entry *e = eni__acl_dir(acl, egress, &n);
    for (uint32_t i = 0; i < n; i++)
        count += e[i].cidr.addr.family == family;
    return count;
}

static int reserve_entries(eni_ctx *ctx, struct eni_acl *acl, uint32_t extra)
{
    if (acl->count + extra <= acl->cap)
        return ENI_OK;
    uint32_t cap = acl->cap ? acl->cap : 4;
    while (cap < acl->count + extra)
        cap *= 2;
    struct eni_acl_entry *v = eni__realloc_array(ctx, acl->entries, cap, sizeof *v);
    if (!v)
        return eni__fail(ENI_ENOMEM, NULL, "out of memory growing a network ACL");
    acl->entries = v;
    acl->cap = cap;
    return ENI_OK;
}

/* Insert into reserved room, keeping the order. */
static void insert_entry(struct eni_acl *acl, const struct eni_acl_entry *e)
{
    bool found;
    uint32_t at = locate(acl, e->egress, e->number, &found);
    memmove(&acl->entries[at + 1], &acl->entries[at], (acl->count - at) * sizeof *e);
    acl->entries[at] = *e;
    acl->count++;
}

static void remove_entry(struct eni_acl *acl, uint32_t at)
{
    memmove(&acl->entries[at], &acl->entries[at + 1],
            (acl->count - at - 1) * sizeof acl->entries[0]);
    acl->count--;
}

static struct eni_acl_entry all_traffic(unsigned egress, uint16_t number, unsigned family)
{
    struct eni_acl_entry e;
    memset(&e, 0, sizeof e);
    e.number = number;
    e.egress = (uint8_t)egress;
    e.action = ENI_ACL_ALLOW;
    e.protocol = ENI_PROTO_ALL;
    e.from_port = e.to_port = e.icmp_type = e.icmp_code = -1;
    e.cidr.addr.family = (uint8_t)family; /* 0.0.0.0/0 or ::/0 */
    return e;
}

static int dir_check(uint32_t direction, const char *what)
{
    if (direction != ENI_INGRESS && direction != ENI_EGRESS)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: direction %u is neither ingress nor egress", what, direction);
    return ENI_OK;
}

static int number_check(uint32_t number, const char *what)
{
    if (number < ENI_ACL_RULE_MIN || number > ENI_ACL_RULE_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: the rule number %u is outside %d..%d", what, number,
                         ENI_ACL_RULE_MIN, ENI_ACL_RULE_MAX);
    return ENI_OK;
}

/* Validate an entry and bring it to the stored form. Records errors. */
static int normalize(const eni_acl_entry_spec *spec, const char *what, struct eni_acl_entry *out)
{
    eni_acl_entry_spec s;
    int rc = eni__spec_in(&s, sizeof s, spec, sizeof s, what);
    if (rc != ENI_OK)
        return rc;
    memset(out, 0, sizeof *out);
    if (s.reserved0)
        return eni__fail(ENI_EINVAL, NULL, "%s: reserved0 must be 0", what);
    if ((rc = dir_check(s.direction, what)) != ENI_OK ||
        (rc = number_check(s.rule_number, what)) != ENI_OK)
        return rc;
    if (s.rule_action != ENI_ACL_ALLOW && s.rule_action != ENI_ACL_DENY)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: the rule action %u is neither allow nor deny", what, s.rule_action);
    if (s.protocol < -1 || s.protocol > 255)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "%s: invalid protocol %d (want -1 or 0..255)", what, (int)s.protocol);
    if (!s.cidr)
        return eni__fail(ENI_EINVAL, "MissingParameter",
                         "%s: an IPv4 or IPv6 CIDR block is required", what);
    if (eni__prefix_parse(s.cidr, &out->cidr) != 0)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue", "CIDR block %.60s is malformed",
                         s.cidr);
    eni__prefix_canonicalize(&out->cidr); /* as EC2 does: 100.68.0.18/18 is 100.68.0.0/18 */
    out->number = (uint16_t)s.rule_number;
    out->egress = s.direction == ENI_EGRESS;
    out->action = (uint8_t)s.rule_action;
    out->protocol = (int16_t)s.protocol;
    out->from_port = out->to_port = out->icmp_type = out->icmp_code = -1;
    /* Section 9.3: ports for TCP and UDP only; type and code for ICMP, and
     * for ICMPv6 with an IPv6 CIDR; everything else matches all. */
    if (s.protocol == PROTO_TCP || s.protocol == PROTO_UDP) {
        if (s.from_port == -1 && s.to_port == -1)
            return eni__fail(ENI_EINVAL, "InvalidParameterCombination",
                             "%s: TCP and UDP entries need a port range", what);
        if (s.from_port < 0 || s.to_port > 65535 || s.from_port > s.to_port)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "%s: invalid port range %d-%d (want 0 <= from <= to <= 65535)", what,
                             (int)s.from_port, (int)s.to_port);
        out->from_port = s.from_port;
        out->to_port = s.to_port;
    } else if (s.protocol == PROTO_ICMP ||
               (s.protocol == PROTO_ICMPV6 && out->cidr.addr.family == 6)) {
        if (s.icmp_type < -1 || s.icmp_type > 255 || s.icmp_code < -1 || s.icmp_code > 255)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "%s: invalid ICMP type %d or code %d (want -1 or 0..255)", what,
                             (int)s.icmp_type, (int)s.icmp_code);
        if (s.icmp_type == -1 && s.icmp_code != -1)
            return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                             "%s: ICMP type -1 (all) needs code -1, not %d", what,
                             (int)s.icmp_code);
        out->icmp_type = s.icmp_type;
        out->icmp_code = s.icmp_code;
    }
    return ENI_OK;
}

/* Entries of the family in the direction, with one more and the implicit
 * deny rule (Amazon VPC quotas: "This quota includes the default deny
 * rules"), within the quota? */
static int quota_room(eni_ctx *ctx, const struct eni_acl *acl, const struct eni_acl_entry *e,
                      uint32_t leaving)
{
    uint32_t have = family_count(acl, e->egress, e->cidr.addr.family) - leaving;
    uint32_t quota = ctx->model->quotas.acl_rules;
    if (have + 2 > quota)
        return eni__fail(ENI_ELIMIT, "NetworkAclEntryLimitExceeded",
                         "the network ACL has %u IPv%u %s entries; the quota of %u counts the "
                         "default deny rule too",
                         have, e->cidr.addr.family, e->egress ? "egress" : "ingress", quota);
    return ENI_OK;
}

/* ---- ACLs ---------------------------------------------------------------- */

/* An ACL registered under `given` or a minted id; all or nothing. */
static int acl_build(eni_ctx *ctx, struct eni_vpc *vpc, bool is_default, const char *given,
                     struct eni_acl **out)
{
    struct eni_acl *acl = eni__calloc(ctx, 1, sizeof *acl);
    bool v6 = eni__vpc_has_ipv6(vpc);
    int rc = acl ? ENI_OK : eni__fail(ENI_ENOMEM, NULL, "out of memory creating a network ACL");
    if (rc == ENI_OK && is_default)
        rc = reserve_entries(ctx, acl, v6 ? 4 : 2);
    if (rc == ENI_OK)
        rc = eni__registry_reserve(ctx, ENI_KIND_NETWORK_ACL, 1);
    if (rc == ENI_OK && given)
        rc = eni__given_ids_reserve(ctx, 1);
    if (rc != ENI_OK) {
        if (acl)
            eni__free(ctx, acl->entries);
        eni__free(ctx, acl);
        return rc;
    }
    uint64_t id;
    (void)eni__registry_insert_as(ctx, ENI_KIND_NETWORK_ACL, acl, given, &id); /* reserved */
    acl->id = id;
    acl->vpc = vpc->id;
    acl->is_default = is_default;
    if (is_default) {
        /* Section 9.2: rule 100 allows all IPv4 both ways, rule 101 all IPv6
         * when the VPC has an IPv6 block (the VPC User Guide, "Default
         * network ACL"). */
        for (unsigned d = 0; d < 2; d++) {
            struct eni_acl_entry e = all_traffic(d, 100, 4);
            insert_entry(acl, &e);
            if (v6) {
                e = all_traffic(d, 101, 6);
                insert_entry(acl, &e);
            }
        }
    }
    vpc->acl_count++;
    *out = acl;
    return ENI_OK;
}

int eni__acl_create_default(eni_ctx *ctx, struct eni_vpc *vpc, const char *given,
                            struct eni_acl **out)
{
    return acl_build(ctx, vpc, true, given, out);
}

void eni__acl_destroy(eni_ctx *ctx, struct eni_acl *acl)
{
    struct eni_vpc *vpc;
    if (eni__registry_peek(ctx, ENI_KIND_VPC, acl->vpc, (void **)&vpc) == ENI_OK)
        vpc->acl_count--;
    eni__registry_remove(ctx, acl->id);
    eni__free(ctx, acl->entries);
    eni__free(ctx, acl);
}

int eni__acl_ipv6_reserve(eni_ctx *ctx, struct eni_acl *acl)
{
    return reserve_entries(ctx, acl, 2);
}

void eni__acl_ipv6_added(eni_ctx *ctx, struct eni_acl *acl)
{
    bool added = false;
    for (unsigned d = 0; d < 2; d++) {
        bool found;
        (void)locate(acl, d, 101, &found);
        if (acl->modified[d] || found)
            continue; /* the user's own rules: EC2 adds nothing */
        struct eni_acl_entry e = all_traffic(d, 101, 6);
        insert_entry(acl, &e);
        added = true;
    }
    if (added)
        eni__acl_event(ctx, acl, 0);
}

int eni_acl_create(eni_ctx *ctx, const eni_acl_spec *spec, eni_acl_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !spec || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_create: %s is NULL",
                         !ctx ? "ctx" : !spec ? "spec" : "out");
    eni_acl_spec sp;
    int rc = eni__spec_in(&sp, sizeof sp, spec, sizeof sp, "eni_acl_create");
    if (rc != ENI_OK)
        return rc;
    if (sp.flags)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_create: unknown flags 0x%x", sp.flags);
    eni__lock(ctx);
    struct eni_vpc *vpc;
    struct eni_acl *acl;
    rc = eni__get_vpc(ctx, sp.vpc.v, &vpc);
    if (rc == ENI_OK)
        rc = eni__given_id_check(ctx, ENI_KIND_NETWORK_ACL, sp.id);
    if (rc == ENI_OK && vpc->acl_count >= ctx->model->quotas.acls_per_vpc)
        rc = eni__fail(ENI_ELIMIT, "NetworkAclLimitExceeded",
                       "the VPC has the maximum number of network ACLs (%u)",
                       ctx->model->quotas.acls_per_vpc);
    if (rc == ENI_OK)
        rc = acl_build(ctx, vpc, false, sp.id, &acl);
    if (rc == ENI_OK) {
        rc = eni__model_changed(ctx);
        char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "created network ACL %s in VPC %s", eni__idstr(ctx, acl->id, b1),
                  eni__idstr(ctx, vpc->id, b2));
        if (rc == ENI_OK)
            out->v = acl->id;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_delete(eni_ctx *ctx, eni_acl_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_delete: ctx is NULL");
    eni__lock(ctx);
    struct eni_acl *acl;
    char b1[ENI_ID_STRING_MAX];
    int rc = eni__get_acl(ctx, id.v, &acl);
    /* The codes AWS returns (docs/decisions.md D32). */
    if (rc == ENI_OK && acl->is_default)
        rc = eni__fail(ENI_EPERM, "InvalidParameterValue", "cannot delete default network ACL %s",
                       eni__idstr(ctx, acl->id, b1));
    else if (rc == ENI_OK && acl->subnet_count)
        rc = eni__fail(ENI_EDEPEND, "DependencyViolation",
                       "The networkAcl '%s' has dependencies and cannot be deleted.",
                       eni__idstr(ctx, acl->id, b1));
    if (rc == ENI_OK) {
        ENI__INFO(ctx, "deleted network ACL %s", eni__idstr(ctx, acl->id, b1));
        eni__acl_destroy(ctx, acl);
        rc = eni__model_changed(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_describe(eni_ctx *ctx, eni_acl_id id, eni_acl_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_describe: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_acl *acl;
    int rc = eni__get_acl(ctx, id.v, &acl);
    if (rc == ENI_OK) {
        eni_acl_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.is_default = acl->is_default;
        info.id.v = acl->id;
        info.vpc.v = acl->vpc;
        (void)eni__acl_dir(acl, 0, &info.ingress_count);
        (void)eni__acl_dir(acl, 1, &info.egress_count);
        info.subnet_count = acl->subnet_count;
        rc = eni__info_out(out, &info, sizeof info, "eni_acl_describe");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_list(eni_ctx *ctx, eni_vpc_id vpc, eni_acl_id *out, uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    return eni__list_ids(ctx, ENI_KIND_NETWORK_ACL, vpc, offsetof(struct eni_acl, vpc), out, cap,
                         count, "eni_acl_list");
}

/* ---- entry calls ------------------------------------------------------------ */

static void entry_logged(eni_ctx *ctx, const struct eni_acl *acl, const struct eni_acl_entry *e,
                         const char *what)
{
    char b1[ENI_ID_STRING_MAX], cidr[ENI_PREFIX_STR_MAX];
    eni__prefix_format(&e->cidr, cidr);
    ENI__INFO(ctx, "network ACL %s: %s %s rule %u (%s protocol %d %s), %u entries",
              eni__idstr(ctx, acl->id, b1), what, e->egress ? "egress" : "ingress", e->number,
              e->action == ENI_ACL_ALLOW ? "allow" : "deny", e->protocol, cidr, acl->count);
}

/* CreateNetworkAclEntry (replace false) and ReplaceNetworkAclEntry (true). */
static int put_entry(eni_ctx *ctx, eni_acl_id id, const eni_acl_entry_spec *spec, bool replace,
                     const char *what)
{
    if (!ctx || !spec)
        return eni__fail(ENI_EINVAL, NULL, "%s: %s is NULL", what, ctx ? "entry" : "ctx");
    struct eni_acl_entry e;
    int rc = normalize(spec, what, &e);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_acl *acl;
    bool found = false;
    uint32_t at = 0;
    rc = eni__get_acl(ctx, id.v, &acl);
    if (rc == ENI_OK)
        at = locate(acl, e.egress, e.number, &found);
    if (rc == ENI_OK && found && !replace)
        rc = eni__fail(ENI_EEXIST, "NetworkAclEntryAlreadyExists",
                       "The network acl entry identified by %u already exists.", e.number);
    else if (rc == ENI_OK && !found && replace)
        rc = eni__fail(ENI_ENOTFOUND, "InvalidNetworkAclEntry.NotFound",
                       "The network acl entry identified by %u does not exist.", e.number);
    if (rc == ENI_OK)
        rc = quota_room(ctx, acl, &e,
                        found && acl->entries[at].cidr.addr.family == e.cidr.addr.family);
    if (rc == ENI_OK && !found)
        rc = reserve_entries(ctx, acl, 1);
    if (rc == ENI_OK) {
        if (found)
            acl->entries[at] = e;
        else
            insert_entry(acl, &e);
        acl->modified[e.egress] = 1;
        rc = eni__model_changed(ctx);
        eni__acl_event(ctx, acl, 0);
        entry_logged(ctx, acl, &e, replace ? "replaced" : "created");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_create_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry)
{
    ENI__CALL(ctx);
    return put_entry(ctx, acl, entry, false, "eni_acl_create_entry");
}

int eni_acl_replace_entry(eni_ctx *ctx, eni_acl_id acl, const eni_acl_entry_spec *entry)
{
    ENI__CALL(ctx);
    return put_entry(ctx, acl, entry, true, "eni_acl_replace_entry");
}

/* The ACL and the index of one of its entries. Records errors. */
static int find_entry(eni_ctx *ctx, eni_acl_id id, uint32_t direction, uint32_t number,
                      const char *what, struct eni_acl **acl, uint32_t *at)
{
    int rc = dir_check(direction, what);
    if (rc == ENI_OK)
        rc = number_check(number, what);
    if (rc == ENI_OK)
        rc = eni__get_acl(ctx, id.v, acl);
    bool found = false;
    if (rc == ENI_OK)
        *at = locate(*acl, direction == ENI_EGRESS, number, &found);
    if (rc == ENI_OK && !found)
        rc = eni__fail(ENI_ENOTFOUND, "InvalidNetworkAclEntry.NotFound",
                       "The network acl entry identified by %u does not exist.", number);
    return rc;
}

int eni_acl_delete_entry(eni_ctx *ctx, eni_acl_id id, uint32_t direction, uint32_t rule_number)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_delete_entry: ctx is NULL");
    eni__lock(ctx);
    struct eni_acl *acl;
    uint32_t at;
    int rc = find_entry(ctx, id, direction, rule_number, "eni_acl_delete_entry", &acl, &at);
    if (rc == ENI_OK) {
        struct eni_acl_entry e = acl->entries[at];
        remove_entry(acl, at);
        acl->modified[e.egress] = 1;
        rc = eni__model_changed(ctx);
        eni__acl_event(ctx, acl, 0);
        entry_logged(ctx, acl, &e, "deleted");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_list_entries(eni_ctx *ctx, eni_acl_id id, uint32_t direction, uint32_t *out,
                         uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_acl_list_entries");
    if (rc == ENI_OK)
        rc = dir_check(direction, "eni_acl_list_entries");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_acl *acl;
    rc = eni__get_acl(ctx, id.v, &acl);
    if (rc == ENI_OK) {
        uint32_t n;
        const struct eni_acl_entry *e = eni__acl_dir(acl, direction == ENI_EGRESS, &n);
        for (uint32_t i = 0; i < n && i < cap; i++)
            out[i] = e[i].number;
        *count = n;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_get_entry(eni_ctx *ctx, eni_acl_id id, uint32_t direction, uint32_t rule_number,
                      eni_acl_entry_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_get_entry: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_acl *acl;
    uint32_t at;
    int rc = find_entry(ctx, id, direction, rule_number, "eni_acl_get_entry", &acl, &at);
    if (rc == ENI_OK) {
        const struct eni_acl_entry *e = &acl->entries[at];
        eni_acl_entry_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        info.direction = e->egress ? ENI_EGRESS : ENI_INGRESS;
        info.acl.v = acl->id;
        info.rule_number = e->number;
        info.rule_action = e->action;
        info.protocol = e->protocol;
        info.from_port = e->from_port;
        info.to_port = e->to_port;
        info.icmp_type = e->icmp_type;
        info.icmp_code = e->icmp_code;
        info.family = e->cidr.addr.family;
        eni__prefix_format(&e->cidr, info.cidr);
        rc = eni__info_out(out, &info, sizeof info, "eni_acl_get_entry");
    }
    eni__unlock(ctx);
    return rc;
}

/* ---- associations ---------------------------------------------------------- */

int eni_acl_replace_association(eni_ctx *ctx, eni_subnet_id subnet_id, eni_acl_id id)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_acl_replace_association: ctx is NULL");
    eni__lock(ctx);
    struct eni_subnet *s;
    struct eni_acl *acl, *old;
    int rc = eni__get_subnet(ctx, subnet_id.v, &s);
    if (rc == ENI_OK)
        rc = eni__get_acl(ctx, id.v, &acl);
    if (rc == ENI_OK && acl->vpc != s->vpc)
        rc = eni__fail(ENI_EINVAL, "InvalidParameterValue",
                       "the network ACL and the subnet belong to different VPCs");
    if (rc == ENI_OK && s->acl != acl->id) {
        if (eni__registry_peek(ctx, ENI_KIND_NETWORK_ACL, s->acl, (void **)&old) == ENI_OK)
            old->subnet_count--;
        else
            old = NULL;
        acl->subnet_count++;
        s->acl = acl->id;
        rc = eni__model_changed(ctx);
        if (old) /* the subnet left that ACL... */
            eni__acl_event(ctx, old, s->id);
        eni__acl_event(ctx, acl, s->id); /* ...and joined this one */
        char b1[ENI_ID_STRING_MAX], b2[ENI_ID_STRING_MAX];
        ENI__INFO(ctx, "subnet %s: now associated with network ACL %s",
                  eni__idstr(ctx, s->id, b1), eni__idstr(ctx, acl->id, b2));
    }
    eni__unlock(ctx);
    return rc;
}

int eni_acl_list_subnets(eni_ctx *ctx, eni_acl_id id, eni_subnet_id *out, uint32_t cap,
                         uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_acl_list_subnets");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_acl *acl;
    rc = eni__get_acl(ctx, id.v, &acl);
    if (rc == ENI_OK) {
        uint32_t n = 0;
        ENI__FOR_EACH(ctx, ENI_KIND_SUBNET, struct eni_subnet, s)
        {
            if (s->acl != acl->id)
                continue;
            if (n < cap)
                out[n].v = s->id;
            n++;
        }
        *count = n;
    }
    eni__unlock(ctx);
    return rc;
}

int eni_subnet_get_acl(eni_ctx *ctx, eni_subnet_id subnet_id, eni_acl_id *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_subnet_get_acl: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_subnet *s;
    int rc = eni__get_subnet(ctx, subnet_id.v, &s);
    if (rc == ENI_OK)
        out->v = s->acl;
    eni__unlock(ctx);
    return rc;
}
