/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Rules in words (rule_text.h). */
#include "rule_text.h"

#include <stdio.h>

static const struct { int number; const char *name; } protocols[] = {
    {1, "icmp"}, {6, "tcp"}, {17, "udp"}, {47, "gre"}, {50, "esp"}, {51, "ah"},
    {58, "icmpv6"}, {132, "sctp"}};

const char *protocol_name(int proto, char buf[8])
{
    for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
        if (protocols[i].number == proto)
            return protocols[i].name;
    snprintf(buf, 8, "%d", proto & 0xff);
    return buf;
}

static void what(const eni_sg_rule_info *r, char *buf, size_t len)
{
    char pb[8];
    const char *p = protocol_name(r->protocol, pb);
    if (r->protocol == ENI_PROTO_ALL)
        snprintf(buf, len, "all traffic");
    else if (r->protocol == 6 || r->protocol == 17) {
        if (r->from_port == 0 && r->to_port == 65535)
            snprintf(buf, len, "%s all ports", p);
        else if (r->from_port == r->to_port)
            snprintf(buf, len, "%s %d", p, r->from_port);
        else
            snprintf(buf, len, "%s %d-%d", p, r->from_port, r->to_port);
    } else if (r->protocol == 1 || r->protocol == 58) {
        if (r->from_port < 0)
            snprintf(buf, len, "%s all types", p);
        else if (r->to_port < 0)
            snprintf(buf, len, "%s type %d", p, r->from_port);
        else
            snprintf(buf, len, "%s type %d code %d", p, r->from_port, r->to_port);
    } else
        snprintf(buf, len, "protocol %s", p);
}

void rule_text(eni_ctx *ctx, eni_sg_rule_id rule, char *buf, size_t len)
{
    eni_sg_rule_info r = ENI_SG_RULE_INFO_INIT;
    char w[64], peer[ENI_ID_STRING_MAX] = "?";
    if (eni_sg_rule_describe(ctx, rule, &r) != ENI_OK) {
        snprintf(buf, len, "a rule since removed");
        return;
    }
    what(&r, w, sizeof w);
    if (r.peer_kind == ENI_PEER_GROUP)
        eni_id_format(ctx, r.peer_group.v, peer, sizeof peer);
    else if (r.peer_kind == ENI_PEER_PREFIX_LIST)
        eni_id_format(ctx, r.prefix_list.v, peer, sizeof peer);
    snprintf(buf, len, "%s %s %s", w, r.direction == ENI_EGRESS ? "to" : "from",
             r.peer_kind == ENI_PEER_CIDR ? r.cidr : peer);
}
