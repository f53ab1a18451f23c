/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_pkt_parse(): the parser with an error record, for callers off the
 * packet path (the evaluator's burst path calls eni__parse_frame). */
#include "core/error_internal.h"
#include "parse.h"

int eni_pkt_parse(const uint8_t *frame, uint32_t len, eni_pkt *out)
{
    if (!frame || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_pkt_parse: %s is NULL", frame ? "out" : "frame");
    const char *why = "malformed";
    if (eni__parse_frame(frame, len, out, &why) != 0)
        return eni__fail(ENI_EINVAL, NULL, "malformed frame: %s", why);
    return ENI_OK;
}
