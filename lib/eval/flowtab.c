/* Flow-table storage: a fixed-size open-addressed array of slots, 1.6
 * times the interface's conntrack allowance, so it never has to move while
 * workers read it and stays at most 62.5% full (short probe chains). IPv4
 * slots are 32 bytes: 51 bytes of table per tracked flow when the allowance
 * is in use. */
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

static int ft_init(eni_ctx *ctx, struct flow_table *ft, unsigned family, uint32_t allowance)
{
    uint32_t words = family == 4 ? 1 : 4;
    uint32_t stride = (uint32_t)(sizeof(struct flow_slot) + words * sizeof(uint64_t));
    stride = (stride + 31u) & ~31u; /* 32 (IPv4) or 64 (IPv6): slots never straddle lines */
    uint64_t cap = (uint64_t)allowance * 8 / 5 + 64;
    /* Line-aligned: allocators return 16-byte alignment, which would split
     * every other 32-byte slot across two cache lines (two misses a lookup
     * instead of one). */
    size_t bytes = (size_t)cap * stride + 64;
    uint8_t *raw = eni__malloc(ctx, bytes);
    if (!raw)
        return ENI_ENOMEM;
    want_huge_pages(raw, bytes);
    memset(raw, 0, bytes);
    ft->raw = raw;
    ft->slots = raw + ((64 - ((uintptr_t)raw & 63)) & 63);
    ft->stride = stride;
    ft->words = words;
    ft->cap = (uint32_t)cap;
    return ENI_OK;
}

struct eni_flows *eni__flows_new(eni_ctx *ctx, uint32_t allowance)
{
    struct eni_flows *fl = eni__calloc(ctx, 1, sizeof *fl);
    if (!fl)
        return NULL;
    if (ft_init(ctx, &fl->ft4, 4, allowance) != ENI_OK || ft_init(ctx, &fl->ft6, 6, allowance) != ENI_OK) {
        eni__flows_free(ctx, fl);
        return NULL;
    }
    fl->allowance = allowance;
    return fl;
}

void eni__flows_free(eni_ctx *ctx, void *p)
{
    struct eni_flows *fl = p;
    if (!fl)
        return;
    eni__free(ctx, fl->ft4.raw);
    eni__free(ctx, fl->ft6.raw);
    eni__free(ctx, fl);
}
