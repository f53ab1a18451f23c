/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A SQLite VFS shim for fault-injection tests of the store (SQLite's own
 * "fail the Nth I/O" method, STYLE.md section 1).
 *
 * "eni-fault" wraps the default VFS and passes everything through, except
 * that it counts the write-side operations (xWrite, xSync, xTruncate) on
 * every file opened through it (main database, WAL, journals, temp files)
 * and can make one of them, or that one and all later ones, fail without
 * touching the file. A test runs an operation disarmed to learn how many
 * writes it does, then fails each in turn:
 *
 *     eni__fault_vfs_arm(-1, false);  run();  long n = eni__fault_vfs_count();
 *     for (long k = 0; k < n; k++) { eni__fault_vfs_arm(k, false); run(); check(); }
 *
 * The failing call returns SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC or
 * SQLITE_IOERR_TRUNCATE; a sticky write failure (a full disk) returns
 * SQLITE_FULL. The counters are process-wide atomics: concurrent use is
 * defined, but a count is only meaningful when one test drives the I/O.
 * Not part of the library's API; tests only. */
#ifndef ENI_STORE_FAULT_VFS_H
#define ENI_STORE_FAULT_VFS_H

#include <stdbool.h>

/* The VFS's name, for sqlite3_open_v2's zVfs. */
#define ENI__FAULT_VFS_NAME "eni-fault"

/* Register the shim once (thread-safe, idempotent; pthread_once). SQLITE_OK
 * or an SQLite error, the same on every call. It is never the default VFS. */
int eni__fault_vfs_register(void);

/* Arm: the write-side operation number `n` (0-based) counted from now fails;
 * n < 0 disarms. Also fails every later one while `sticky` is true (a full
 * disk), otherwise only that one (a transient error). Resets both counters. */
void eni__fault_vfs_arm(long n, bool sticky);

/* Write-side operations counted since the last arm (armed or not), the
 * failed ones included. */
long eni__fault_vfs_count(void);

/* How many failures were injected since the last arm. */
long eni__fault_vfs_failures(void);

#endif
