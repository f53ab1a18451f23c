/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-sync: the operator's side of libeni-sync. A host that crashed keeps
 * its keys (its instances may still run, docs/scale-out.md); `hosts` shows
 * who has published and when they last wrote, `forget` removes a host that
 * will not come back. */
#include "eni_sync.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: eni-sync hosts  --etcd URL [--prefix /libeni/v1]\n"
                    "       eni-sync forget --etcd URL [--prefix /libeni/v1] HOST\n");
    return 2;
}

static void show(const char *host, uint32_t groups, int64_t rev, void *ud)
{
    (void)ud;
    printf("%-32s %6u groups, last written at revision %lld\n", host, groups, (long long)rev);
}

int main(int argc, char **argv)
{
    const char *etcd = NULL, *cmd = argc > 1 ? argv[1] : "", *host = NULL;
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--etcd") && i + 1 < argc)
            etcd = argv[++i];
        else if (!strcmp(argv[i], "--prefix") && i + 1 < argc)
            o.prefix = argv[++i];
        else if (argv[i][0] != '-' && !host)
            host = argv[i];
        else
            return usage();
    }
    int rc;
    if (!etcd)
        return usage();
    if (!strcmp(cmd, "hosts") && !host) {
        rc = eni_sync_list_hosts(etcd, &o, show, NULL);
    } else if (!strcmp(cmd, "forget") && host) {
        uint32_t n = 0;
        rc = eni_sync_forget_host(etcd, host, &o, &n);
        if (rc == ENI_OK)
            printf("forgot %s: %u group keys and its manifest deleted\n", host, n);
    } else {
        return usage();
    }
    if (rc != ENI_OK)
        fprintf(stderr, "eni-sync %s: %s%s\n", cmd, eni_err_name(rc),
                rc == ENI_ENOTFOUND ? " (no manifest for that host)"
                : rc == ENI_EBUSY  ? " (the host wrote meanwhile: it is alive)"
                : rc == ENI_EBACKEND ? " (etcd unreachable)" : "");
    return rc == ENI_OK ? 0 : 1;
}
