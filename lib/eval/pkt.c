/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_pkt_parse() and eni_pkt_parse_ip(): the parser with an error record,
 * for callers off the packet path (the evaluator's burst path calls
 * eni__parse_frame / eni__parse_ip). */
#include "core/error_internal.h"
#include "parse.h"

typedef int (*parse_fn)(const uint8_t *data, uint32_t len, eni_pkt *out, const char **why);

static int parse_with(parse_fn fn, const char *name, const char *what, const uint8_t *data,
                      uint32_t len, eni_pkt *out)
{
    if (!data || !out)
        return eni__fail(ENI_EINVAL, NULL, "%s: %s is NULL", name, data ? "out" : what);
    const char *why = "malformed";
    if (fn(data, len, out, &why) != 0)
        return eni__fail(ENI_EINVAL, NULL, "malformed %s: %s", what, why);
    return ENI_OK;
}

int eni_pkt_parse(const uint8_t *frame, uint32_t len, eni_pkt *out)
{
    return parse_with(eni__parse_frame, "eni_pkt_parse", "frame", frame, len, out);
}

int eni_pkt_parse_ip(const uint8_t *packet, uint32_t len, eni_pkt *out)
{
    return parse_with(eni__parse_ip, "eni_pkt_parse_ip", "packet", packet, len, out);
}
