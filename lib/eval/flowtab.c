/* Flow-table storage: a fixed-size open-addressed array of slots, 1.6
 * times the interface's conntrack allowance, so it never has to move while
 * workers read it and stays at most 62.5% full (short probe chains). IPv4
 * slots are 32 bytes: 51 bytes of table per tracked flow when the allowance
 * is in use. */
#include <string.h>

#include "eval_internal.h"

static int ft_init(eni_ctx *ctx, struct flow_table *ft, unsigned family, uint32_t allowance)
{
    uint32_t words = family == 4 ? 1 : 4;
    uint32_t stride = (uint32_t)(sizeof(struct flow_slot) + words * sizeof(uint64_t));
    stride = (stride + 31u) & ~31u; /* 32 (IPv4) or 64 (IPv6): slots never straddle lines */
    uint64_t cap = (uint64_t)allowance * 8 / 5 + 64;
    uint8_t *slots = eni__calloc(ctx, (size_t)cap, stride);
    if (!slots)
        return ENI_ENOMEM;
    ft->slots = slots;
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
    eni__free(ctx, fl->ft4.slots);
    eni__free(ctx, fl->ft6.slots);
    eni__free(ctx, fl);
}
