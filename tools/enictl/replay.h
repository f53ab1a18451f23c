/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What a replay found, shared by the replay loop (replay.c) and its two
 * printers (replay_out.c). */
#ifndef ENICTL_REPLAY_H
#define ENICTL_REPLAY_H

#include <eni.h>

#include "capture.h"
#include "cli.h"
#include "flows.h"
#include "iface.h"
#include "model.h"

enum { REPLAY_REASONS = 32 }; /* room for every eni_reason value, later ones included */

/* One packet's fate, for --packets. */
typedef struct replay_packet {
    uint64_t number, ts_ns;
    uint8_t dir;          /* 0: not judged */
    const char *skipped;  /* not judged: "not-ip" or "unknown-direction" */
    eni_verdict v;
} replay_packet;

typedef struct replay_result {
    const cli *c;
    model *m;
    iface *f;
    capture *cap;
    flows fl;
    uint64_t packets, allowed, dropped, by_reason[REPLAY_REASONS];
    uint64_t not_ip, unknown_direction, time_backwards, written;
    const char *error; /* the capture is damaged after the packets counted */
    replay_packet *pkts; /* with --packets */
    size_t npkts, cap_pkts;
} replay_result;

void replay_print_text(const replay_result *r, FILE *to);
json_t *replay_json(const replay_result *r);

#endif
