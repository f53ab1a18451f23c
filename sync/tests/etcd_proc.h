/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A throwaway etcd for the sync tests and benchmark: one member on free
 * loopback ports, its data and log in a directory the caller owns, killed
 * with the process that started it. */
#ifndef ENI_SYNC_ETCD_PROC_H
#define ENI_SYNC_ETCD_PROC_H

#include <sys/types.h>

struct etcd_proc {
    pid_t pid;
    const char *bin;
    char dir[256];
    int client_port, peer_port;
    char url[64];
};

/* $ENI_ETCD, else `etcd` on PATH; NULL when there is none. */
const char *etcd_find(void);

/* Start etcd in @p dir (the first call picks the ports; later calls restart
 * on the same ports and data), and wait until it answers, at most
 * @p timeout_ms. 0 on success. */
int etcd_proc_start(struct etcd_proc *p, const char *bin, const char *dir, int timeout_ms);

/* SIGKILL and reap (a crash, not a shutdown). */
void etcd_proc_kill(struct etcd_proc *p);

/* Remove a directory tree (the temp dir, etcd's data included). */
void etcd_proc_rmdir(const char *dir);

/* Milliseconds on the monotonic clock. */
long long etcd_proc_now_ms(void);

#endif
