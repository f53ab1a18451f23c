/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The "eni-fault" SQLite VFS (fault_vfs.h).
 *
 * Each file we open is a struct fault_file: our sqlite3_file first, then
 * the real VFS's file in the same allocation (szOsFile covers both). Every
 * method calls the real one with the real file or VFS; only xWrite, xSync
 * and xTruncate first ask fault_rc() whether this one is to fail, and if
 * so return the error without calling through, so the file is untouched.
 *
 * SQLite decides what a file or VFS can do from its iVersion and from which
 * method pointers are NULL (a NULL xShmMap means no WAL, a NULL
 * xCurrentTimeInt64 means use xCurrentTime). So the tables we hand out are
 * the real ones' shape: the same iVersion (capped at 3, all we can wrap)
 * and a wrapper only where the real method exists. A file's io-methods
 * table is built at open time and lives in the file; the VFS's is built at
 * registration. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "fault_vfs.h"

struct fault_file {
    sqlite3_file base;          /* what SQLite sees; must be first */
    sqlite3_file *real;         /* the wrapped file: the bytes right after this struct */
    sqlite3_io_methods methods; /* base.pMethods, shaped like real->pMethods */
};

/* SQLite allocates files 8-aligned; keep the real file (which holds i64s) so. */
_Static_assert(sizeof(struct fault_file) % 8 == 0, "the real file would be misaligned");

/* The fault plan. `armed` is the operation number to fail, or -1. */
static struct {
    atomic_long armed;
    atomic_bool sticky;
    atomic_long count;    /* write-side operations since the last arm */
    atomic_long failures; /* injected since the last arm */
} fault = {.armed = -1};

void eni__fault_vfs_arm(long n, bool sticky)
{
    /* Disarm first, so an operation racing with this call cannot fail
     * against a half-updated plan. */
    atomic_store(&fault.armed, -1);
    atomic_store(&fault.count, 0);
    atomic_store(&fault.failures, 0);
    atomic_store(&fault.sticky, sticky);
    atomic_store(&fault.armed, n < 0 ? -1 : n);
}

long eni__fault_vfs_count(void)
{
    return atomic_load(&fault.count);
}

long eni__fault_vfs_failures(void)
{
    return atomic_load(&fault.failures);
}

/* Count one write-side operation. SQLITE_OK to let it through, else the
 * error it fails with: `transient` for the armed one alone, `sticky` for
 * it and every later one when the plan is sticky (a full disk). */
static int fault_rc(int transient, int sticky)
{
    long k = atomic_fetch_add(&fault.count, 1);
    long n = atomic_load(&fault.armed);
    if (n < 0 || k < n)
        return SQLITE_OK;
    bool is_sticky = atomic_load(&fault.sticky);
    if (k > n && !is_sticky)
        return SQLITE_OK;
    atomic_fetch_add(&fault.failures, 1);
    return is_sticky ? sticky : transient;
}

/* ---- io methods: pass-through, except the three write-side ones ---- */

static sqlite3_file *real_file(sqlite3_file *f)
{
    return ((struct fault_file *)f)->real;
}

static int io_close(sqlite3_file *f)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xClose(r);
}

static int io_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xRead(r, buf, amt, off);
}

static int io_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    int rc = fault_rc(SQLITE_IOERR_WRITE, SQLITE_FULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_file *r = real_file(f);
    return r->pMethods->xWrite(r, buf, amt, off);
}

static int io_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int rc = fault_rc(SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_TRUNCATE);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_file *r = real_file(f);
    return r->pMethods->xTruncate(r, size);
}

static int io_sync(sqlite3_file *f, int flags)
{
    int rc = fault_rc(SQLITE_IOERR_FSYNC, SQLITE_IOERR_FSYNC);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_file *r = real_file(f);
    return r->pMethods->xSync(r, flags);
}

static int io_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFileSize(r, size);
}

static int io_lock(sqlite3_file *f, int level)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xLock(r, level);
}

static int io_unlock(sqlite3_file *f, int level)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xUnlock(r, level);
}

static int io_check_reserved_lock(sqlite3_file *f, int *out)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xCheckReservedLock(r, out);
}

static int io_file_control(sqlite3_file *f, int op, void *arg)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFileControl(r, op, arg);
}

static int io_sector_size(sqlite3_file *f)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xSectorSize(r);
}

static int io_device_characteristics(sqlite3_file *f)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xDeviceCharacteristics(r);
}

/* Version 2: shared memory (the WAL index). Not counted: it is memory. */
static int io_shm_map(sqlite3_file *f, int page, int page_size, int extend, void volatile **pp)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmMap(r, page, page_size, extend, pp);
}

static int io_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmLock(r, offset, n, flags);
}

static void io_shm_barrier(sqlite3_file *f)
{
    sqlite3_file *r = real_file(f);
    r->pMethods->xShmBarrier(r);
}

static int io_shm_unmap(sqlite3_file *f, int delete_flag)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xShmUnmap(r, delete_flag);
}

/* Version 3: memory-mapped reads (SQLite never writes through a mapping). */
static int io_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xFetch(r, off, amt, pp);
}

static int io_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    sqlite3_file *r = real_file(f);
    return r->pMethods->xUnfetch(r, off, p);
}

/* Every wrapper; vfs_open() drops the ones the real file lacks. */
static const sqlite3_io_methods io_all = {
    .iVersion = 3,
    .xClose = io_close,
    .xRead = io_read,
    .xWrite = io_write,
    .xTruncate = io_truncate,
    .xSync = io_sync,
    .xFileSize = io_file_size,
    .xLock = io_lock,
    .xUnlock = io_unlock,
    .xCheckReservedLock = io_check_reserved_lock,
    .xFileControl = io_file_control,
    .xSectorSize = io_sector_size,
    .xDeviceCharacteristics = io_device_characteristics,
    .xShmMap = io_shm_map,
    .xShmLock = io_shm_lock,
    .xShmBarrier = io_shm_barrier,
    .xShmUnmap = io_shm_unmap,
    .xFetch = io_fetch,
    .xUnfetch = io_unfetch,
};

/* Keep our wrapper `x` only where the real table `r` has a method. */
#define KEEP_IF_REAL(m, r, x) \
    do { \
        if (!(r)->x) \
            (m)->x = NULL; \
    } while (0)

/* Shape *m like the real file's table r (see the top of this file). A real
 * table of version 1 or 2 may be a shorter struct, so never read past its
 * version's methods. */
static void io_methods_like(sqlite3_io_methods *m, const sqlite3_io_methods *r)
{
    *m = io_all;
    m->iVersion = r->iVersion < 1 ? 1 : r->iVersion > 3 ? 3 : r->iVersion;
    KEEP_IF_REAL(m, r, xClose);
    KEEP_IF_REAL(m, r, xRead);
    KEEP_IF_REAL(m, r, xWrite);
    KEEP_IF_REAL(m, r, xTruncate);
    KEEP_IF_REAL(m, r, xSync);
    KEEP_IF_REAL(m, r, xFileSize);
    KEEP_IF_REAL(m, r, xLock);
    KEEP_IF_REAL(m, r, xUnlock);
    KEEP_IF_REAL(m, r, xCheckReservedLock);
    KEEP_IF_REAL(m, r, xFileControl);
    KEEP_IF_REAL(m, r, xSectorSize);
    KEEP_IF_REAL(m, r, xDeviceCharacteristics);
    if (m->iVersion < 2) {
        m->xShmMap = NULL;
        m->xShmLock = NULL;
        m->xShmBarrier = NULL;
        m->xShmUnmap = NULL;
    } else {
        KEEP_IF_REAL(m, r, xShmMap);
        KEEP_IF_REAL(m, r, xShmLock);
        KEEP_IF_REAL(m, r, xShmBarrier);
        KEEP_IF_REAL(m, r, xShmUnmap);
    }
    if (m->iVersion < 3) {
        m->xFetch = NULL;
        m->xUnfetch = NULL;
    } else {
        KEEP_IF_REAL(m, r, xFetch);
        KEEP_IF_REAL(m, r, xUnfetch);
    }
}

/* ---- the VFS: xOpen wraps, everything else passes to the real VFS ---- */

static sqlite3_vfs *real_vfs(sqlite3_vfs *vfs)
{
    return vfs->pAppData;
}

/* `name` is a sqlite3_filename (a typedef from 3.40 on; meson accepts 3.24):
 * SQLite keeps URI parameters after it, so pass the pointer on unchanged. */
static int vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
                    int *out_flags)
{
    struct fault_file *ff = (struct fault_file *)f;
    ff->base.pMethods = NULL; /* until the real file is open */
    ff->real = (sqlite3_file *)(ff + 1);
    ff->real->pMethods = NULL;
    int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, ff->real, flags, out_flags);
    const sqlite3_io_methods *m = ff->real->pMethods;
    if (rc != SQLITE_OK) {
        /* A VFS may set pMethods and still fail, expecting xClose; SQLite
         * would call ours only if we set ours, and we must not: close here. */
        if (m)
            m->xClose(ff->real);
        return rc;
    }
    io_methods_like(&ff->methods, m);
    ff->base.pMethods = &ff->methods;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    return real_vfs(vfs)->xDelete(real_vfs(vfs), name, sync_dir);
}

static int vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return real_vfs(vfs)->xAccess(real_vfs(vfs), name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    return real_vfs(vfs)->xFullPathname(real_vfs(vfs), name, n, out);
}

static void *vfs_dl_open(sqlite3_vfs *vfs, const char *name)
{
    return real_vfs(vfs)->xDlOpen(real_vfs(vfs), name);
}

static void vfs_dl_error(sqlite3_vfs *vfs, int n, char *msg)
{
    real_vfs(vfs)->xDlError(real_vfs(vfs), n, msg);
}

/* xDlSym returns a function pointer, the type SQLite calls sqlite3_syscall_ptr. */
static sqlite3_syscall_ptr vfs_dl_sym(sqlite3_vfs *vfs, void *handle, const char *sym)
{
    return real_vfs(vfs)->xDlSym(real_vfs(vfs), handle, sym);
}

static void vfs_dl_close(sqlite3_vfs *vfs, void *handle)
{
    real_vfs(vfs)->xDlClose(real_vfs(vfs), handle);
}

static int vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    return real_vfs(vfs)->xRandomness(real_vfs(vfs), n, out);
}

static int vfs_sleep(sqlite3_vfs *vfs, int us)
{
    return real_vfs(vfs)->xSleep(real_vfs(vfs), us);
}

static int vfs_current_time(sqlite3_vfs *vfs, double *out)
{
    return real_vfs(vfs)->xCurrentTime(real_vfs(vfs), out);
}

static int vfs_get_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    return real_vfs(vfs)->xGetLastError(real_vfs(vfs), n, out);
}

/* Version 2. */
static int vfs_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    return real_vfs(vfs)->xCurrentTimeInt64(real_vfs(vfs), out);
}

/* Version 3: the real VFS's replaceable system calls. */
static int vfs_set_system_call(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr p)
{
    return real_vfs(vfs)->xSetSystemCall(real_vfs(vfs), name, p);
}

static sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs *vfs, const char *name)
{
    return real_vfs(vfs)->xGetSystemCall(real_vfs(vfs), name);
}

static const char *vfs_next_system_call(sqlite3_vfs *vfs, const char *name)
{
    return real_vfs(vfs)->xNextSystemCall(real_vfs(vfs), name);
}

/* Every wrapper; register_shim() drops the ones the real VFS lacks. */
static const sqlite3_vfs vfs_all = {
    .iVersion = 3,
    .zName = ENI__FAULT_VFS_NAME,
    .xOpen = vfs_open,
    .xDelete = vfs_delete,
    .xAccess = vfs_access,
    .xFullPathname = vfs_full_pathname,
    .xDlOpen = vfs_dl_open,
    .xDlError = vfs_dl_error,
    .xDlSym = vfs_dl_sym,
    .xDlClose = vfs_dl_close,
    .xRandomness = vfs_randomness,
    .xSleep = vfs_sleep,
    .xCurrentTime = vfs_current_time,
    .xGetLastError = vfs_get_last_error,
    .xCurrentTimeInt64 = vfs_current_time_int64,
    .xSetSystemCall = vfs_set_system_call,
    .xGetSystemCall = vfs_get_system_call,
    .xNextSystemCall = vfs_next_system_call,
};

static sqlite3_vfs fault_vfs; /* registered; SQLite links it into its list */
static pthread_once_t register_once = PTHREAD_ONCE_INIT;
static int register_rc;

static void register_shim(void)
{
    sqlite3_vfs *real = sqlite3_vfs_find(NULL); /* the default; initializes SQLite */
    if (!real) {
        register_rc = SQLITE_ERROR;
        return;
    }
    /* Shaped like the real VFS (see the top of this file). */
    sqlite3_vfs *v = &fault_vfs;
    *v = vfs_all;
    v->iVersion = real->iVersion > 3 ? 3 : real->iVersion;
    v->szOsFile = (int)sizeof(struct fault_file) + real->szOsFile;
    v->mxPathname = real->mxPathname;
    v->pAppData = real;
    KEEP_IF_REAL(v, real, xDelete);
    KEEP_IF_REAL(v, real, xAccess);
    KEEP_IF_REAL(v, real, xFullPathname);
    KEEP_IF_REAL(v, real, xDlOpen);
    KEEP_IF_REAL(v, real, xDlError);
    KEEP_IF_REAL(v, real, xDlSym);
    KEEP_IF_REAL(v, real, xDlClose);
    KEEP_IF_REAL(v, real, xRandomness);
    KEEP_IF_REAL(v, real, xSleep);
    KEEP_IF_REAL(v, real, xCurrentTime);
    KEEP_IF_REAL(v, real, xGetLastError);
    if (v->iVersion < 2)
        v->xCurrentTimeInt64 = NULL;
    else
        KEEP_IF_REAL(v, real, xCurrentTimeInt64);
    if (v->iVersion < 3) {
        v->xSetSystemCall = NULL;
        v->xGetSystemCall = NULL;
        v->xNextSystemCall = NULL;
    } else {
        KEEP_IF_REAL(v, real, xSetSystemCall);
        KEEP_IF_REAL(v, real, xGetSystemCall);
        KEEP_IF_REAL(v, real, xNextSystemCall);
    }
    register_rc = sqlite3_vfs_register(&fault_vfs, 0);
}

int eni__fault_vfs_register(void)
{
    if (pthread_once(&register_once, register_shim) != 0)
        return SQLITE_ERROR;
    return register_rc;
}
