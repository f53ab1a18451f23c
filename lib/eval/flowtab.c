/* Flow-table storage: a fixed-size open-addressed array of slots, 1.6
 * times the interface's conntrack allowance, so it never has to move while
 * workers read it and stays at most 62.5% full (short probe chains). IPv4
 * slots are 32 bytes: 51 bytes of table per tracked flow when the allowance
 * is in use. The IPv6 table (64-byte slots) is sized to the allowance only
 * once the interface can see IPv6 traffic (eni__flows_enable_v6). */
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "eval_internal.h"

/* Ask for transparent huge pages over the whole 2 MiB pages inside a large
 * table. Lookups land on random slots: with 4 KiB pages nearly every one is
 * also a TLB miss (a page walk, and a slow one under virtualisation), which
 * costs as much as the cache miss itself. Only a hint: it changes nothing
 * where THP is off, and it is made before the memory is first touched
 * (zeroed), so the pages are huge from their first fault. */
static void want_huge_pages(void *p, size_t len)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t hi = ((uintptr_t)p + len) & ~(huge - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)len;
#endif
}

/* A table sized for `allowance` flows of one family. */
static struct flow_table *ft_new(eni_ctx *ctx, unsigned family, uint32_t allowance)
{
    struct flow_table *ft = eni__calloc(ctx, 1, sizeof *ft);
    if (!ft)
        return NULL;
    uint32_t words = family == 4 ? 1 : 4;
    uint32_t stride = (uint32_t)(sizeof(struct flow_slot) + words * sizeof(uint64_t));
    stride = (stride + 31u) & ~31u; /* 32 (IPv4) or 64 (IPv6): slots never straddle lines */
    uint64_t cap = (uint64_t)allowance * 8 / 5 + 64;
    /* Line-aligned: allocators return 16-byte alignment, which would split
     * every other 32-byte slot across two cache lines (two misses a lookup
     * instead of one). */
    size_t bytes = (size_t)cap * stride + 64;
    uint8_t *raw = eni__malloc(ctx, bytes);
    if (!raw) {
        eni__free(ctx, ft);
        return NULL;
    }
    want_huge_pages(raw, bytes);
    memset(raw, 0, bytes);
    ft->raw = raw;
    ft->slots = raw + ((64 - ((uintptr_t)raw & 63)) & 63);
    ft->stride = stride;
    ft->words = words;
    ft->cap = (uint32_t)cap;
    return ft;
}

static void ft_free(eni_ctx *ctx, void *p)
{
    struct flow_table *ft = p;
    if (ft)
        eni__free(ctx, ft->raw);
    eni__free(ctx, ft);
}

/* The IPv6 table of an interface that cannot see IPv6 traffic (no IPv6
 * address and the source/destination check on): the minimum table, which
 * stays empty, so an IPv4-only host pays for IPv4 slots only. */
enum { V6_IDLE_ALLOWANCE = 0 };

struct eni_flows *eni__flows_new(eni_ctx *ctx, uint32_t allowance, bool v6)
{
    struct eni_flows *fl = eni__calloc(ctx, 1, sizeof *fl);
    if (!fl)
        return NULL;
    fl->ft4 = ft_new(ctx, 4, allowance);
    struct flow_table *ft6 = ft_new(ctx, 6, v6 ? allowance : V6_IDLE_ALLOWANCE);
    atomic_init(&fl->ft6, ft6);
    fl->allowance = allowance;
    fl->v6 = v6;
    if (!fl->ft4 || !ft6) {
        eni__flows_free(ctx, fl);
        return NULL;
    }
    return fl;
}

int eni__flows_enable_v6(eni_ctx *ctx, struct eni_flows *fl)
{
    if (fl->v6)
        return ENI_OK;
    struct flow_table *full = ft_new(ctx, 6, fl->allowance);
    if (!full)
        return ENI_ENOMEM;
    /* The idle table never held a flow (no IPv6 packet got past the
     * source/destination check), so there is nothing to carry over. */
    struct flow_table *idle = atomic_exchange(&fl->ft6, full);
    fl->v6 = true;
    eni__eval_retire(ctx, idle, ft_free);
    return ENI_OK;
}

void eni__flows_free(eni_ctx *ctx, void *p)
{
    struct eni_flows *fl = p;
    if (!fl)
        return;
    ft_free(ctx, fl->ft4);
    ft_free(ctx, atomic_load(&fl->ft6));
    eni__free(ctx, fl);
}
