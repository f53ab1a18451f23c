/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Reading this host's memberships from the model, through the public API
 * only: which groups have local member interfaces, their private addresses
 * and delegated prefixes (what this host publishes), and which groups the
 * rules of those groups reference (what it watches). libeni has no event
 * for every change that matters here that the agent would not also
 * consume, so the sync thread reads the whole picture when the model's
 * generation moved (checked on a period) and when nudged; each call is
 * short and ctx-serialized, so the agent's calls interleave. An object that
 * vanishes between two calls is skipped: the next pass sees the model after
 * that change. */
#include "sync_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One address ("10.0.1.10") or delegated prefix ("10.0.1.32/28") of a member. */
struct member {
    uint64_t sg, vpc;
    char addr[ENI_CIDR_STRING_MAX];
};

/* An eni_nic_get_prefixes() entry. */
struct cidr {
    char s[ENI_CIDR_STRING_MAX];
};

struct acc {
    struct member *m;
    uint32_t n, cap;
    uint64_t *groups; /* local groups, for the references */
    uint32_t ng, gcap;
};

static int grow(void **p, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    uint32_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

void entries_free(struct entries *e)
{
    for (uint32_t i = 0; i < e->n; i++) {
        free(e->v[i].group);
        free(e->v[i].value);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}

int entries_add(struct entries *e, const char *group, const char *value)
{
    if (grow((void **)&e->v, &e->cap, e->n + 1, sizeof *e->v))
        return -1;
    struct entry *x = &e->v[e->n];
    x->group = strdup(group);
    x->value = value ? strdup(value) : NULL;
    if (!x->group || (value && !x->value)) {
        free(x->group);
        free(x->value);
        return -1;
    }
    e->n++;
    return 0;
}

void view_free(struct view *v)
{
    entries_free(&v->publish);
    for (uint32_t i = 0; i < v->nrefs; i++)
        free(v->refs[i].group);
    free(v->refs);
    memset(v, 0, sizeof *v);
}

/* "<vpc-id>/sg/<sg-id>": the ids EC2 gave, the same on every host. */
static int group_name(eni_ctx *ctx, uint64_t vpc, uint64_t sg, char *out, size_t cap)
{
    char v[ENI_ID_STRING_MAX], g[ENI_ID_STRING_MAX];
    if (eni_id_format(ctx, vpc, v, sizeof v) || eni_id_format(ctx, sg, g, sizeof g))
        return -1;
    snprintf(out, cap, "%s/sg/%s", v, g);
    return 0;
}

/* A list call whose count may grow between the sizing call and the read. */
#define LIST(call, buf, cap, count)                                                           \
    do {                                                                                      \
        rc = (call);                                                                          \
        if (rc == ENI_OK && count > cap) {                                                    \
            if (grow((void **)&buf, &cap, count, sizeof *buf))                                \
                rc = ENI_ENOMEM;                                                              \
            else                                                                              \
                rc = (call);                                                                  \
        }                                                                                     \
        if (count > cap)                                                                      \
            count = cap;                                                                      \
    } while (0)

/* Scratch buffers reused across interfaces. */
struct bufs {
    eni_sg_id *g;
    eni_nic_address *a;
    struct cidr *p;
    uint32_t gcap, acap, pcap;
};

static int add_member(struct acc *a, uint64_t sg, uint64_t vpc, const char *text)
{
    if (grow((void **)&a->m, &a->cap, a->n + 1, sizeof *a->m))
        return ENI_ENOMEM;
    struct member *m = &a->m[a->n++];
    m->sg = sg;
    m->vpc = vpc;
    snprintf(m->addr, sizeof m->addr, "%s", text);
    return ENI_OK;
}

static int add_nic(eni_ctx *ctx, eni_nic_id nic, struct acc *a, struct bufs *b)
{
    eni_nic_info info = ENI_NIC_INFO_INIT;
    uint32_t ng = 0, na = 0, np = 0;
    int rc = eni_nic_describe(ctx, nic, &info);
    if (rc == ENI_OK)
        LIST(eni_nic_get_groups(ctx, nic, b->g, b->gcap, &ng), b->g, b->gcap, ng);
    if (rc == ENI_OK)
        LIST(eni_nic_get_addresses(ctx, nic, b->a, b->acap, &na), b->a, b->acap, na);
    /* Delegated prefixes (D35) are the member's too: every address in them. */
    if (rc == ENI_OK)
        LIST(eni_nic_get_prefixes(ctx, nic, 0, b->p ? b->p[0].s : NULL, b->pcap, &np), b->p,
             b->pcap, np);
    if (rc != ENI_OK)
        return rc == ENI_ENOMEM ? rc : ENI_OK; /* gone meanwhile */
    for (uint32_t g = 0; g < ng; g++) {
        if (grow((void **)&a->groups, &a->gcap, a->ng + 1, sizeof *a->groups))
            return ENI_ENOMEM;
        a->groups[a->ng++] = b->g[g].v;
        for (uint32_t i = 0; i < na; i++)
            if (add_member(a, b->g[g].v, info.vpc.v, b->a[i].address))
                return ENI_ENOMEM;
        for (uint32_t i = 0; i < np; i++)
            if (add_member(a, b->g[g].v, info.vpc.v, b->p[i].s))
                return ENI_ENOMEM;
    }
    return ENI_OK;
}

static int by_member(const void *x, const void *y)
{
    const struct member *a = x, *b = y;
    if (a->sg != b->sg)
        return a->sg < b->sg ? -1 : 1;
    return strcmp(a->addr, b->addr);
}

static int by_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

static int by_group(const void *x, const void *y)
{
    return strcmp(((const struct entry *)x)->group, ((const struct entry *)y)->group);
}

/* One JSON list per group: its members' addresses and delegated prefixes
 * (the ones with a '/'), sorted as strings, without repeats, so the same
 * membership always gives the same bytes (writes on change), and a host
 * without prefixes writes exactly what hosts wrote before prefixes. */
static int build_publish(eni_ctx *ctx, struct acc *a, struct entries *out)
{
    if (a->n)
        qsort(a->m, a->n, sizeof *a->m, by_member);
    for (uint32_t i = 0; i < a->n;) {
        uint32_t j = i;
        json_t *list = json_array();
        for (; j < a->n && a->m[j].sg == a->m[i].sg; j++)
            if (j == i || strcmp(a->m[j].addr, a->m[j - 1].addr))
                json_array_append_new(list, json_string(a->m[j].addr));
        char name[2 * ENI_ID_STRING_MAX + 8];
        char *value = json_dumps(list, JSON_COMPACT);
        json_decref(list);
        int bad = group_name(ctx, a->m[i].vpc, a->m[i].sg, name, sizeof name);
        int rc = !value ? -1 : bad ? 0 : entries_add(out, name, value);
        free(value);
        if (rc)
            return ENI_ENOMEM;
        i = j;
    }
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, by_group);
    return ENI_OK;
}

/* The groups that the rules of the local groups reference. */
static int build_refs(eni_ctx *ctx, struct acc *a, struct view *out)
{
    if (a->ng)
        qsort(a->groups, a->ng, sizeof *a->groups, by_u64);
    uint64_t *peers = NULL;
    uint32_t np = 0, pcap = 0, rcap = 0, nr;
    eni_sg_rule_id *rules = NULL;
    int rc = ENI_OK;
    for (uint32_t i = 0; i < a->ng && rc == ENI_OK; i++) {
        if (i && a->groups[i] == a->groups[i - 1])
            continue;
        eni_sg_id sg = {a->groups[i]};
        nr = 0;
        LIST(eni_sg_list_rules(ctx, sg, 0, rules, rcap, &nr), rules, rcap, nr);
        if (rc != ENI_OK) {
            rc = rc == ENI_ENOMEM ? rc : ENI_OK;
            continue;
        }
        for (uint32_t r = 0; r < nr; r++) {
            eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
            if (eni_sg_rule_describe(ctx, rules[r], &ri) || ri.peer_kind != ENI_PEER_GROUP)
                continue;
            if (grow((void **)&peers, &pcap, np + 1, sizeof *peers)) {
                rc = ENI_ENOMEM;
                break;
            }
            peers[np++] = ri.peer_group.v;
        }
    }
    free(rules);
    if (np)
        qsort(peers, np, sizeof *peers, by_u64);
    for (uint32_t i = 0; i < np && rc == ENI_OK; i++) {
        if (i && peers[i] == peers[i - 1])
            continue;
        eni_sg_info gi = ENI_SG_INFO_INIT;
        char name[2 * ENI_ID_STRING_MAX + 8];
        if (eni_sg_describe(ctx, (eni_sg_id){peers[i]}, &gi) ||
            group_name(ctx, gi.vpc.v, peers[i], name, sizeof name))
            continue;
        struct ref *refs = realloc(out->refs, (out->nrefs + 1) * sizeof *refs);
        char *g = strdup(name);
        if (!refs || !g) {
            free(g);
            if (refs)
                out->refs = refs;
            rc = ENI_ENOMEM;
            break;
        }
        out->refs = refs;
        refs[out->nrefs++] = (struct ref){{peers[i]}, g};
    }
    free(peers);
    return rc;
}

int local_read(eni_ctx *ctx, struct view *out)
{
    memset(out, 0, sizeof *out);
    struct acc a = {0};
    eni_nic_id *nics = NULL;
    struct bufs b = {0};
    uint32_t ncap = 0, nn = 0;
    int rc;
    LIST(eni_nic_list(ctx, NULL, nics, ncap, &nn), nics, ncap, nn);
    for (uint32_t i = 0; i < nn && rc == ENI_OK; i++)
        rc = add_nic(ctx, nics[i], &a, &b);
    if (rc == ENI_OK)
        rc = build_publish(ctx, &a, &out->publish);
    if (rc == ENI_OK)
        rc = build_refs(ctx, &a, out);
    free(nics);
    free(b.g);
    free(b.a);
    free(b.p);
    free(a.m);
    free(a.groups);
    if (rc != ENI_OK)
        view_free(out);
    return rc;
}
