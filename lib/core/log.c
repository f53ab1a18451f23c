#include <stdarg.h>
#include <stdio.h>

#include "ctx_internal.h"

enum { LOG_LINE_MAX = 512 };

void eni__log(const eni_ctx *ctx, unsigned level, const char *fmt, ...)
{
    if (!ctx->opts.log_fn || level > ctx->opts.log_level)
        return;
    char line[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ctx->opts.log_fn(level, line, ctx->opts.log_userdata);
}
