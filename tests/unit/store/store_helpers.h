/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the state-file tests: opening a ctx on a file, reading
 * its state figures, and looking at (or damaging) the file from outside
 * libeni with SQLite itself, which is how an operator or a bad disk would. */
#ifndef ENI_TEST_STORE_HELPERS_H
#define ENI_TEST_STORE_HELPERS_H

#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model_fixture.h"

/* The file and every side file SQLite may leave next to it. */
static inline void st_remove(const char *path)
{
    static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s", path, sides[i]);
        (void)remove(p);
    }
}

static inline bool st_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* A ctx on path (seed given, so a fresh file's id strings are known). */
static inline int st_open_seed(const char *path, uint64_t seed, eni_ctx **out)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.seed = seed;
    o.state_path = path;
    return eni_ctx_new(&o, out);
}

static inline eni_ctx *st_open(const char *path)
{
    eni_ctx *ctx = NULL;
    int rc = st_open_seed(path, 7, &ctx);
    if (rc != ENI_OK)
        fail_msg("opening %s: %s: %s", path, eni_err_name(rc), eni_error_last()->message);
    return ctx;
}

static inline eni_state_info st_info(eni_ctx *ctx)
{
    eni_state_info i = ENI_STATE_INFO_INIT;
    assert_eni_ok(eni_ctx_get_state_info(ctx, &i));
    return i;
}

/* A VPC 10.0.0.0/16 with a subnet 10.0.1.0/24 in us-east-1a: the subnet. */
static inline eni_subnet_id st_subnet(eni_ctx *ctx)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    eni_subnet_id sn;
    assert_eni_ok(eni_subnet_create(ctx, &ss, &sn));
    return sn;
}

/* The whole model as text; the caller frees it. */
static inline char *st_dump(eni_ctx *ctx)
{
    char *s = NULL;
    snap(ctx, &s);
    return s;
}

/* The last failure's message names the file (every store error must). */
static inline void st_message_names(const char *path)
{
    const char *m = eni_error_last()->message;
    if (!strstr(m, path))
        fail_msg("the message does not name %s: %s", path, m);
}

/* ---- the file from outside ------------------------------------------------- */

/* Its whole content (malloc'd, *len bytes). */
static inline uint8_t *file_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    uint8_t *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static inline void file_write(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (len)
        assert_int_equal(fwrite(p, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Bytes and modification time, to prove a refused file was not touched. */
struct file_snap {
    uint8_t *bytes;
    size_t len;
    struct timespec mtime;
};

static inline struct file_snap file_snap_take(const char *path)
{
    struct file_snap s;
    s.bytes = file_read(path, &s.len);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    s.mtime = sb.st_mtim;
    return s;
}

static inline void file_snap_same(const char *path, struct file_snap *was)
{
    struct file_snap now = file_snap_take(path);
    assert_int_equal(now.len, was->len);
    assert_memory_equal(now.bytes, was->bytes, was->len);
    assert_int_equal(now.mtime.tv_sec, was->mtime.tv_sec);
    assert_int_equal(now.mtime.tv_nsec, was->mtime.tv_nsec);
    free(now.bytes);
    free(was->bytes);
    was->bytes = NULL;
}

/* Run SQL on a closed state file with SQLite itself. */
static inline void sql_run(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, err ? err : sqlite3_errstr(rc));
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The first column of the first row of a query, as an integer. */
static inline int64_t sql_int(const char *path, const char *query)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    int rc = sqlite3_prepare_v2(db, query, -1, &q, NULL);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", query, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return v;
}

/* ---- children ----------------------------------------------------------------- */

/* Wait for a child and return its exit status (-1 if it did not exit). */
/* Forked children report their status up a pipe and end by SIGKILL: no
 * exit handlers run, a crash looks like one, and valgrind does not
 * leak-check (and fail) a child for the parent's memory it inherited.
 * One child at a time. */
static int st_status_fd[2] = {-1, -1};

static inline pid_t st_fork(void)
{
    assert_int_equal(pipe(st_status_fd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(st_status_fd[0]);
        st_status_fd[0] = -1;
    } else {
        close(st_status_fd[1]);
        st_status_fd[1] = -1;
    }
    return pid;
}

static inline _Noreturn void st_child_exit(int code)
{
    uint8_t b = (uint8_t)code;
    if (write(st_status_fd[1], &b, 1) != 1)
        b = 0; /* the parent then reads no status */
    kill(getpid(), SIGKILL);
    for (;;)
        pause();
}

/* The status st_child_exit sent, or -1 if the child died without one. */
static inline int child_status(pid_t pid)
{
    uint8_t b;
    ssize_t got;
    do
        got = read(st_status_fd[0], &b, 1);
    while (got < 0 && errno == EINTR);
    close(st_status_fd[0]);
    st_status_fd[0] = -1;
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            return -1;
    return got == 1 ? b : -1;
}

#endif
