/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The DPDK peer (peer.h): EAL without hugepages or PCI, one lcore; the
 * firewall composite built from a shape_set, and rte_hash alone. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_acl.h>
#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_jhash.h>
#include <rte_lcore.h>

#include "peer.h"

bool peer_available(void) { return true; }

int peer_init(void)
{
    /* 512-bit SIMD allowed, so rte_acl's AVX-512 classifiers can be tried */
    char *argv[] = {"eni-bench", "--no-huge", "-m", "2048", "--no-pci", "-l", "0",
                    "--log-level=3", "--no-telemetry", "--force-max-simd-bitwidth=512", NULL};
    cpu_set_t all;
    pthread_getaffinity_np(pthread_self(), sizeof all, &all);
    if (rte_eal_init(10, argv) < 0)
        return -1;
    /* EAL pins the calling thread to lcore 0; give it (and the threads the
     * bench starts later) every CPU back, or the 2-thread run is serialised. */
    pthread_setaffinity_np(pthread_self(), sizeof all, &all);
    return 0;
}

/* ---- rte_acl's view of a packet ------------------------------------------- */

/* The input: the protocol (rte_acl's first field is one byte, alone in its
 * 4-byte group), the source (one 32-bit field for IPv4, four for IPv6), and
 * two 16-bit fields sharing a group: TCP/UDP source and destination port,
 * or ICMP type and code. All in network order, as in a packet. */
struct acl_in {
    uint8_t proto;
    uint8_t pad[3];
    uint8_t src[16];
    uint16_t a, b;
};

enum { MAX_FIELDS = 7 };
RTE_ACL_RULE_DEF(fw_rule, MAX_FIELDS);

static uint32_t field_defs(unsigned fam, struct rte_acl_field_def *d)
{
    uint32_t n = 0, in = 0;
    d[n++] = (struct rte_acl_field_def){.type = RTE_ACL_FIELD_TYPE_BITMASK, .size = 1,
                                        .field_index = 0, .input_index = in++,
                                        .offset = offsetof(struct acl_in, proto)};
    for (unsigned w = 0; w < (fam == 4 ? 1u : 4u); w++, n++)
        d[n] = (struct rte_acl_field_def){.type = RTE_ACL_FIELD_TYPE_MASK, .size = 4,
                                          .field_index = (uint8_t)n, .input_index = (uint8_t)in++,
                                          .offset = (uint32_t)(offsetof(struct acl_in, src) + 4 * w)};
    for (unsigned k = 0; k < 2; k++, n++)
        d[n] = (struct rte_acl_field_def){.type = RTE_ACL_FIELD_TYPE_RANGE, .size = 2,
                                          .field_index = (uint8_t)n, .input_index = (uint8_t)in,
                                          .offset = k ? offsetof(struct acl_in, b)
                                                      : offsetof(struct acl_in, a)};
    return n;
}

/* One rte_acl rule for (proto, from, to) from prefix x, with EC2's
 * meaning: protocol -1 is every protocol (mask 0) and port; TCP/UDP
 * from..to is the destination port range; for ICMP, from is the type and to
 * the code, -1 each meaning all (all codes of the type); every other
 * protocol has no ports. */
static void fill_rule(struct fw_rule *r, unsigned fam, int32_t proto, int32_t from, int32_t to,
                      const struct sh_prefix *x)
{
    uint32_t f = 0;
    r->field[f].value.u8 = proto < 0 ? 0 : (uint8_t)proto;
    r->field[f++].mask_range.u8 = proto < 0 ? 0 : 0xff;
    for (unsigned w = 0; w < (fam == 4 ? 1u : 4u); w++, f++) {
        uint32_t v;
        memcpy(&v, x->a + 4 * w, 4);
        int bits = (int)x->len - 32 * (int)w;
        r->field[f].value.u32 = rte_be_to_cpu_32(v);
        r->field[f].mask_range.u32 = (uint32_t)(bits < 0 ? 0 : bits > 32 ? 32 : bits);
    }
    uint16_t alo = 0, ahi = 65535, blo = 0, bhi = 65535;
    if (proto == 6 || proto == 17) {
        blo = (uint16_t)from, bhi = (uint16_t)to;
    } else if (proto == (fam == 4 ? 1 : 58)) {
        if (from >= 0)
            alo = ahi = (uint16_t)from;
        if (to >= 0)
            blo = bhi = (uint16_t)to;
    }
    r->field[f].value.u16 = alo, r->field[f++].mask_range.u16 = ahi;
    r->field[f].value.u16 = blo, r->field[f].mask_range.u16 = bhi;
}

static void fill_in(struct acl_in *in, unsigned fam, const struct sh_pkt *p)
{
    memset(in, 0, sizeof *in);
    in->proto = p->proto;
    memcpy(in->src, p->src, fam == 4 ? 4 : 16);
    if (p->proto == 6 || p->proto == 17) {
        in->a = rte_cpu_to_be_16(p->sport), in->b = rte_cpu_to_be_16(p->dport);
    } else if (p->proto == (fam == 4 ? 1 : 58)) {
        in->a = rte_cpu_to_be_16(p->icmp_type), in->b = rte_cpu_to_be_16(p->icmp_code);
    }
}

/* ---- the firewall ------------------------------------------------------------ */

struct peer_fw {
    unsigned fam;
    struct rte_acl_ctx *acl;    /* group rules (category 0), network ACL (category 1) */
    struct rte_acl_ctx *nacl;   /* the network ACL alone (category 0), or NULL */
    uint32_t cats;              /* categories classified: 1, or 4 with a network ACL */
    uint32_t acl_rules;         /* rte_acl rules from the group rules */
    const char *alg;
    struct rte_hash *flows;
    uint32_t key_len;
};

struct peer_batch {
    uint32_t n;
    struct acl_in *in;
    const uint8_t **data; /* rte_acl's input pointers */
    uint8_t *keys;
    const void **kp;      /* rte_hash's key pointers */
};

static int seq; /* rte_acl and rte_hash want unique names */

static struct rte_acl_ctx *acl_ctx(unsigned fam, uint32_t max_rules)
{
    char name[32];
    snprintf(name, sizeof name, "eni-bench-acl-%d", seq++);
    uint32_t nf = fam == 4 ? 4 : 7;
    struct rte_acl_param p = {.name = name, .socket_id = SOCKET_ID_ANY,
                              .rule_size = RTE_ACL_RULE_SZ(nf), .max_rule_num = max_rules};
    return rte_acl_create(&p);
}

static int acl_build(struct rte_acl_ctx *c, unsigned fam, uint32_t cats)
{
    struct rte_acl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.num_categories = cats;
    cfg.num_fields = field_defs(fam, cfg.defs);
    return rte_acl_build(c, &cfg);
}

/* The network ACL's entries, first match by rule number: a lower number is
 * a higher priority; userdata 1 allow, 2 deny; no match is the implicit deny. */
static int add_acl_entries(struct rte_acl_ctx *c, const struct shape_set *s, uint32_t cat)
{
    for (uint32_t i = 0; i < s->nacl; i++) {
        const struct sh_acl_entry *e = &s->acl[i];
        struct fw_rule r;
        memset(&r, 0, sizeof r);
        r.data.category_mask = 1u << cat;
        r.data.priority = (int32_t)(40000 - e->number);
        r.data.userdata = e->allow ? 1 : 2;
        fill_rule(&r, s->family, e->proto, e->from, e->to, &e->cidr);
        if (rte_acl_add_rules(c, (struct rte_acl_rule *)&r, 1) != 0)
            return -1;
    }
    return 0;
}

static bool allowed(const struct peer_fw *fw, const uint32_t *res)
{
    return res[0] != 0 && (fw->cats == 1 || res[1] == 1);
}

/* Time each classify function rte_acl has here on the shape's packets and
 * keep the fastest (the bench compares libeni with DPDK at its best). */
static void pick_alg(struct peer_fw *fw, const struct shape_set *s)
{
    static const struct {
        enum rte_acl_classify_alg alg;
        const char *name;
    } algs[] = {{RTE_ACL_CLASSIFY_SCALAR, "scalar"}, {RTE_ACL_CLASSIFY_SSE, "sse"},
                {RTE_ACL_CLASSIFY_AVX2, "avx2"},     {RTE_ACL_CLASSIFY_AVX512X16, "avx512x16"},
                {RTE_ACL_CLASSIFY_AVX512X32, "avx512x32"}};
    struct peer_batch *b = peer_batch_new(fw, s->pkts, s->npkts);
    double best = 1e30;
    enum rte_acl_classify_alg chosen = RTE_ACL_CLASSIFY_DEFAULT;
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        if (rte_acl_set_ctx_classify(fw->acl, algs[i].alg) != 0)
            continue;
        struct timespec t0, t1;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
        for (int k = 0; k < 5; k++)
            peer_fw_pass(fw, b, PEER_ACL);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
        double t = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        if (t < best)
            best = t, chosen = algs[i].alg, fw->alg = algs[i].name;
    }
    rte_acl_set_ctx_classify(fw->acl, chosen);
    if (fw->nacl)
        rte_acl_set_ctx_classify(fw->nacl, chosen);
    peer_batch_free(b);
}

struct peer_fw *peer_fw_new(const struct shape_set *s, uint32_t flows, char *why, size_t whylen)
{
    struct peer_fw *fw = calloc(1, sizeof *fw);
    fw->fam = s->family;
    fw->cats = s->nacl ? RTE_ACL_RESULTS_MULTIPLIER : 1;
    fw->alg = "default";
    for (uint32_t i = 0; i < s->nrules; i++) {
        uint32_t n;
        shape_rule_prefixes(s, &s->rules[i], &n);
        fw->acl_rules += n;
    }
    fw->acl = acl_ctx(s->family, fw->acl_rules + s->nacl);
    if (!fw->acl) {
        snprintf(why, whylen, "rte_acl_create failed for %u rules", fw->acl_rules);
        goto fail;
    }
    for (uint32_t i = 0; i < s->nrules; i++) {
        const struct sh_rule *x = &s->rules[i];
        uint32_t n;
        const struct sh_prefix *p = shape_rule_prefixes(s, x, &n);
        for (uint32_t k = 0; k < n; k++) {
            struct fw_rule r;
            memset(&r, 0, sizeof r);
            r.data.category_mask = 1; /* the groups only allow: any match allows */
            r.data.priority = 1;
            r.data.userdata = 1;
            fill_rule(&r, s->family, x->proto, x->from, x->to, &p[k]);
            if (rte_acl_add_rules(fw->acl, (struct rte_acl_rule *)&r, 1) != 0) {
                snprintf(why, whylen, "rte_acl_add_rules failed at rule %u", i);
                goto fail;
            }
        }
    }
    if (s->nacl && add_acl_entries(fw->acl, s, 1) != 0) {
        snprintf(why, whylen, "rte_acl_add_rules failed for the network ACL");
        goto fail;
    }
    int rc = acl_build(fw->acl, s->family, fw->cats);
    if (rc != 0) {
        snprintf(why, whylen, "rte_acl_build failed (%d) for %u rules", rc, fw->acl_rules);
        goto fail;
    }
    if (s->nacl) {
        fw->nacl = acl_ctx(s->family, s->nacl);
        if (!fw->nacl || add_acl_entries(fw->nacl, s, 0) != 0 || acl_build(fw->nacl, s->family, 1)) {
            snprintf(why, whylen, "the network ACL's rte_acl context failed");
            goto fail;
        }
    }
    char name[32];
    snprintf(name, sizeof name, "eni-bench-flows-%d", seq++);
    fw->key_len = s->family == 4 ? 16 : 40;
    struct rte_hash_parameters hp = {.name = name, .entries = flows * 2 < 1024 ? 1024 : flows * 2,
                                     .key_len = fw->key_len, .hash_func = rte_hash_crc,
                                     .socket_id = (int)rte_socket_id()};
    if (!(fw->flows = rte_hash_create(&hp))) {
        snprintf(why, whylen, "rte_hash_create failed");
        goto fail;
    }
    pick_alg(fw, s);
    return fw;
fail:
    peer_fw_free(fw);
    return NULL;
}

void peer_fw_free(struct peer_fw *fw)
{
    if (!fw)
        return;
    rte_acl_free(fw->acl);
    rte_acl_free(fw->nacl);
    rte_hash_free(fw->flows);
    free(fw);
}

uint32_t peer_fw_acl_rules(const struct peer_fw *fw) { return fw->acl_rules; }
const char *peer_fw_alg(const struct peer_fw *fw) { return fw->alg; }

void peer_fw_verdicts(struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n, uint8_t *allow)
{
    struct peer_batch *b = peer_batch_new(fw, pkts, n);
    uint32_t res[64 * RTE_ACL_RESULTS_MULTIPLIER];
    for (uint32_t base = 0; base < n; base += 64) {
        uint32_t m = n - base < 64 ? n - base : 64;
        rte_acl_classify(fw->acl, b->data + base, res, m, fw->cats);
        for (uint32_t i = 0; i < m; i++)
            allow[base + i] = allowed(fw, &res[i * fw->cats]);
    }
    peer_batch_free(b);
}

/* The flow key, as the firewall would build it from the packet: source,
 * destination (the interface's, the same for every packet), ports (ICMP:
 * identifier and type), protocol. */
static void fill_key(uint8_t *k, unsigned fam, const struct sh_pkt *p)
{
    unsigned alen = fam == 4 ? 4 : 16;
    uint16_t a = 0, b = 0;
    if (p->proto == 6 || p->proto == 17)
        a = p->sport, b = p->dport;
    else if (p->proto == (fam == 4 ? 1 : 58))
        a = p->sport, b = p->icmp_type;
    memcpy(k, p->src, alen);
    memcpy(k + 2 * alen, &a, 2);
    memcpy(k + 2 * alen + 2, &b, 2);
    k[2 * alen + 4] = p->proto;
}

struct peer_batch *peer_batch_new(const struct peer_fw *fw, const struct sh_pkt *pkts, uint32_t n)
{
    struct peer_batch *b = calloc(1, sizeof *b);
    b->n = n;
    b->in = calloc(n ? n : 1, sizeof *b->in);
    b->data = calloc(n ? n : 1, sizeof *b->data);
    b->keys = calloc(n ? n : 1, fw->key_len);
    b->kp = calloc(n ? n : 1, sizeof *b->kp);
    for (uint32_t i = 0; i < n; i++) {
        fill_in(&b->in[i], fw->fam, &pkts[i]);
        b->data[i] = (const uint8_t *)&b->in[i];
        fill_key(b->keys + (size_t)i * fw->key_len, fw->fam, &pkts[i]);
        b->kp[i] = b->keys + (size_t)i * fw->key_len;
    }
    return b;
}

void peer_batch_free(struct peer_batch *b)
{
    if (!b)
        return;
    free(b->in), free(b->data), free(b->keys), free(b->kp);
    free(b);
}

void peer_fw_reset(struct peer_fw *fw) { rte_hash_reset(fw->flows); }

/* The packets of a burst the flow table did not find (`hit` false) or did
 * (`hit` true), compacted for one classify call. */
static uint32_t select_pkts(const int32_t *pos, uint32_t m, bool hit, const uint8_t *const *data,
                            const uint8_t **sel, uint32_t *idx)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < m; i++)
        if ((pos[i] >= 0) == hit)
            sel[n] = data[i], idx[n++] = i;
    return n;
}

uint32_t peer_fw_pass(struct peer_fw *fw, const struct peer_batch *b, enum peer_pass pass)
{
    uint32_t res[64 * RTE_ACL_RESULTS_MULTIPLIER], idx[64], ok = 0;
    int32_t pos[64];
    const uint8_t *sel[64];
    for (uint32_t base = 0; base < b->n; base += 64) {
        uint32_t m = b->n - base < 64 ? b->n - base : 64;
        if (pass == PEER_ACL) {
            rte_acl_classify(fw->acl, b->data + base, res, m, fw->cats);
            for (uint32_t i = 0; i < m; i++)
                ok += allowed(fw, &res[i * fw->cats]);
            continue;
        }
        rte_hash_lookup_bulk(fw->flows, b->kp + base, m, pos);
        /* tracked flows: allowed, unless the stateless network ACL denies */
        uint32_t h = select_pkts(pos, m, true, b->data + base, sel, idx);
        if (h && fw->nacl) {
            rte_acl_classify(fw->nacl, sel, res, h, 1);
            for (uint32_t j = 0; j < h; j++)
                ok += res[j] == 1;
        } else {
            ok += h;
        }
        if (pass == PEER_EST)
            continue;
        /* new: the rules, then a flow for each packet they allow */
        uint32_t nm = select_pkts(pos, m, false, b->data + base, sel, idx);
        if (!nm)
            continue;
        rte_acl_classify(fw->acl, sel, res, nm, fw->cats);
        for (uint32_t j = 0; j < nm; j++)
            if (allowed(fw, &res[j * fw->cats])) {
                rte_hash_add_key_data(fw->flows, b->kp[base + idx[j]], (void *)(uintptr_t)1);
                ok++;
            }
    }
    return ok;
}

/* ---- rte_hash alone ------------------------------------------------------------ */

void *peer_hash_build(const uint8_t (*keys)[16], uint32_t n)
{
    struct rte_hash_parameters hp = {.name = "eni-bench-flows", .entries = n * 2,
                                     .key_len = 16, .hash_func = rte_jhash,
                                     .socket_id = (int)rte_socket_id()};
    struct rte_hash *h = rte_hash_create(&hp);
    if (!h)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        if (rte_hash_add_key(h, keys[i]) < 0) {
            rte_hash_free(h);
            return NULL;
        }
    return h;
}

uint32_t peer_hash_lookup(void *h, const uint8_t (*keys)[16], const uint32_t *order, uint32_t norder,
                          uint32_t start, uint32_t count, double *busy_s)
{
    uint8_t burst[64][16];
    const void *k[64];
    int32_t pos[64];
    uint32_t hits = 0;
    double busy = 0;
    for (uint32_t i = 0; i < 64; i++)
        k[i] = burst[i];
    for (uint32_t base = 0; base < count; base += 64) {
        uint32_t m = count - base < 64 ? count - base : 64;
        for (uint32_t i = 0; i < m; i++)
            memcpy(burst[i], keys[order[(start + base + i) % norder]], 16);
        struct timespec t0, t1;
        atomic_thread_fence(memory_order_seq_cst); /* as settle() in bench_util.h */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rte_hash_lookup_bulk(h, k, m, pos);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        busy += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        for (uint32_t i = 0; i < m; i++)
            hits += pos[i] >= 0;
    }
    *busy_s = busy;
    return hits;
}

void peer_hash_free(void *h) { rte_hash_free(h); }
