/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Subnet address management.
 *
 * IPv4: one bit per address of the block. EC2 reserves five addresses of
 * every subnet (network, +1 router, +2 DNS, +3 future use, broadcast); their
 * bits are set at creation, so "used" means reserved or assigned. New
 * addresses are the lowest free ones, which makes allocation deterministic.
 * IPv6: the owner map says what is used; automatic picks walk a cursor
 * upward from the first non-reserved address of the /64. */
#include "model.h"

static void *map_alloc(size_t bytes, void *ud)
{
    return eni__calloc(ud, 1, bytes);
}

static void map_free(void *p, void *ud)
{
    eni__free(ud, p);
}

void eni__mapmem_init(eni_ctx *ctx, eni_addrmap_mem *mem)
{
    mem->alloc = map_alloc;
    mem->free = map_free;
    mem->ud = ctx;
}

const eni_addrmap_mem *eni__mapmem(eni_ctx *ctx)
{
    return &ctx->model->mapmem;
}

bool eni__ipam_v4_in_subnet(const struct eni_subnet *s, uint32_t v4)
{
    return v4 - s->v4_base < s->v4_size;
}

bool eni__ipam_v4_is_reserved(const struct eni_subnet *s, uint32_t v4)
{
    uint32_t off = v4 - s->v4_base;
    return off <= 3 || off == s->v4_size - 1;
}

bool eni__ipam_v4_used(const struct eni_subnet *s, uint32_t v4)
{
    uint32_t off = v4 - s->v4_base;
    return (s->v4_bitmap[off / 64] >> (off % 64)) & 1u;
}

void eni__ipam_v4_mark(struct eni_subnet *s, uint32_t v4, bool used)
{
    uint32_t off = v4 - s->v4_base;
    uint64_t bit = 1ULL << (off % 64);
    if (used) {
        s->v4_bitmap[off / 64] |= bit;
        s->v4_used++;
        while (s->v4_cursor < s->v4_size && eni__ipam_v4_used(s, s->v4_base + s->v4_cursor))
            s->v4_cursor++;
    } else {
        s->v4_bitmap[off / 64] &= ~bit;
        s->v4_used--;
        if (off < s->v4_cursor)
            s->v4_cursor = off;
    }
}

static bool in_list(uint32_t v, const uint32_t *list, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i] == v)
            return true;
    return false;
}

bool eni__ipam_v4_pick(const struct eni_subnet *s, uint32_t n, const uint32_t *avoid,
                       uint32_t navoid, uint32_t *out)
{
    uint32_t found = 0;
    uint32_t words = (s->v4_size + 63) / 64;
    for (uint32_t w = s->v4_cursor / 64; w < words && found < n; w++) {
        uint64_t freebits = ~s->v4_bitmap[w];
        while (freebits && found < n) {
            uint32_t bit = (uint32_t)__builtin_ctzll(freebits);
            freebits &= freebits - 1;
            uint32_t off = w * 64 + bit;
            if (off >= s->v4_size)
                break;
            uint32_t v4 = s->v4_base + off;
            if (!in_list(v4, avoid, navoid) && !in_list(v4, out, found))
                out[found++] = v4;
        }
    }
    return found == n;
}

bool eni__ipam_v6_in_subnet(const struct eni_subnet *s, const struct eni_v6 *a)
{
    eni_addr addr = eni__addr_from_v6(a->hi, a->lo);
    return eni__prefix_contains_addr(&s->cidr6, &addr);
}

bool eni__ipam_v6_is_reserved(const struct eni_subnet *s, const struct eni_v6 *a)
{
    (void)s;
    /* EC2 reserves the first four and the last address of a subnet's /64. */
    return a->lo <= 3 || a->lo == UINT64_MAX;
}

static bool v6_in_list(const struct eni_v6 *a, const struct eni_v6 *list, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (list[i].hi == a->hi && list[i].lo == a->lo)
            return true;
    return false;
}

bool eni__ipam_v6_pick(struct eni_subnet *s, uint32_t n, const struct eni_v6 *avoid,
                       uint32_t navoid, struct eni_v6 *out)
{
    uint64_t hi = eni__addr_hi64(&s->cidr6.addr);
    uint64_t lo = s->v6_cursor < 4 || s->v6_cursor == UINT64_MAX ? 4 : s->v6_cursor;
    uint32_t found = 0;
    /* Walk upward from the cursor, wrapping past the reserved last address
     * back to ::4. Every used address is passed at most once, so the walk
     * ends after (used + n) probes; a /64 is never full in practice. */
    uint64_t budget = (uint64_t)s->v6_owner.count + navoid + n + 1;
    for (; found < n && budget > 0; budget--) {
        struct eni_v6 a = {hi, lo};
        lo = lo + 1 == UINT64_MAX ? 4 : lo + 1;
        if (eni__addrmap_get(&s->v6_owner, a.hi, a.lo) || v6_in_list(&a, avoid, navoid) ||
            v6_in_list(&a, out, found)) {
            continue;
        }
        out[found++] = a;
    }
    return found == n;
}

void eni__ipam_v6_advance(struct eni_subnet *s, const struct eni_v6 *picked, uint32_t n)
{
    if (n)
        s->v6_cursor = picked[n - 1].lo + 1 == UINT64_MAX ? 4 : picked[n - 1].lo + 1;
}
