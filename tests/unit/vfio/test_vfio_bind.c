/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Binding and releasing against a fake sysfs tree (tests/fakes/fake_sysfs.c),
 * whose write hook plays the kernel and hands plain attribute files to the
 * library's own guarded writer: the write sequences, their rollback, and
 * every refusal (a root that is not /sys, symlinks, paths that leave the
 * root, files not on sysfs, an interface that is up, long roots). */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_helpers.h"

#include <eni/sys/vfio.h>

#include "fakes/fake_sysfs.h"

#define ENA "0000:00:05.0"   /* an ENA VF the kernel's ena driver holds */
#define BOUND "0000:00:06.0" /* one already bound to vfio-pci */

struct fx {
    struct fake_sysfs fs;
    char outside[64]; /* a directory beside the tree */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    fake_sysfs_init(&f->fs);
    fake_sysfs_add(&f->fs, ENA, 0x1d0f, 0xec20, 0x00, 0, "ena", 4);
    fake_sysfs_add(&f->fs, BOUND, 0x1d0f, 0xec21, 0x01, 0, "vfio-pci", 3);
    fake_sysfs_add(&f->fs, "0000:01:00.0", 0x1d0f, 0x0ec2, 0x00, -1, "", -1); /* no driver */
    fake_sysfs_add(&f->fs, "0000:00:03.0", 0x8086, 0x100e, 0x00, 0, "e1000", 2);
    snprintf(f->outside, sizeof f->outside, "/tmp/eni-outside-XXXXXX");
    assert_non_null(mkdtemp(f->outside));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->outside);
    assert_int_equal(system(cmd), 0);
    fake_sysfs_fini(&f->fs);
    free(f);
    return 0;
}

static void text_of(const char *path, char *out, size_t cap)
{
    out[0] = 0;
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    if (!fgets(out, (int)cap, fp))
        out[0] = 0;
    fclose(fp);
}

static void override_of(struct fx *f, const char *addr, char *out, size_t cap)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver_override", f->fs.sys, addr);
    text_of(path, out, cap);
}

static void assert_driver(struct fx *f, const char *addr, const char *want)
{
    char drv[32];
    fake_sysfs_driver(&f->fs, addr, drv, sizeof drv);
    assert_string_equal(drv, want);
}

/* ---- the sequences ------------------------------------------------------------------ */

static void test_bind_sequence(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS));
    assert_int_equal(f->fs.nwrites, 3);
    assert_string_equal(f->fs.writes[0], "bus/pci/devices/" ENA "/driver_override=vfio-pci");
    assert_string_equal(f->fs.writes[1], "bus/pci/devices/" ENA "/driver/unbind=" ENA);
    assert_string_equal(f->fs.writes[2], "bus/pci/drivers_probe=" ENA);
    assert_driver(f, ENA, "vfio-pci");
    char ov[32];
    override_of(f, ENA, ov, sizeof ov);
    assert_string_equal(ov, "vfio-pci"); /* written by the guarded writer itself */
    /* already bound: nothing to write */
    assert_eni_ok(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS));
    assert_int_equal(f->fs.nwrites, 3);
    /* a function with no driver: no unbind step */
    assert_eni_ok(eni_vfio_bind_flags(f->fs.sys, "0000:01:00.0", FAKE_SYSFS_FLAGS));
    assert_int_equal(f->fs.nwrites, 5);
    assert_string_equal(f->fs.writes[4], "bus/pci/drivers_probe=0000:01:00.0");
}

static void test_release_sequence(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_vfio_release_flags(f->fs.sys, BOUND, FAKE_SYSFS_FLAGS));
    assert_int_equal(f->fs.nwrites, 3);
    assert_string_equal(f->fs.writes[0], "bus/pci/devices/" BOUND "/driver/unbind=" BOUND);
    assert_string_equal(f->fs.writes[1], "bus/pci/devices/" BOUND "/driver_override=\n");
    assert_string_equal(f->fs.writes[2], "bus/pci/drivers_probe=" BOUND);
    assert_driver(f, BOUND, "ena"); /* the kernel's driver took it back */
}

/* A failed unbind must not leave the override behind: the next probe
 * (a reboot's, a hotplug's) would hand the function to vfio-pci. */
static void test_failed_unbind_is_rolled_back(void **state)
{
    struct fx *f = *state;
    f->fs.refuse_unbind_errno = EBUSY;
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS), ENI_EBACKEND,
                    "InternalError");
    assert_int_equal(eni_error_last()->os_errno, EBUSY);
    assert_non_null(strstr(eni_error_last()->message, "driver/unbind")); /* the first failure */
    assert_int_equal(f->fs.nwrites, 4);
    assert_string_equal(f->fs.writes[2], "bus/pci/devices/" ENA "/driver_override=\n");
    assert_string_equal(f->fs.writes[3], "bus/pci/drivers_probe=" ENA);
    char ov[32];
    override_of(f, ENA, ov, sizeof ov);
    assert_string_equal(ov, "\n");
    assert_driver(f, ENA, "ena");
}

static void test_bind_refusals(void **state)
{
    struct fx *f = *state;
    const uint32_t fl = FAKE_SYSFS_FLAGS;
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, "00:05.0", fl), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, "0000:00:05.8", fl), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, NULL, fl), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, fl | 0x80u), ENI_EINVAL,
                    "InvalidParameterValue"); /* an unknown flag */
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, "0000:00:09.0", fl), ENI_ENOTFOUND,
                    "InvalidID");
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, "0000:00:03.0", fl), ENI_ENOTSUP,
                    "UnsupportedOperation");
    assert_eni_fail(eni_vfio_release_flags(f->fs.sys, "0000:00:03.0", fl), ENI_ENOTSUP,
                    "UnsupportedOperation");
    assert_int_equal(f->fs.nwrites, 0); /* none of them wrote anything */
    f->fs.refuse_errno = EACCES;
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, fl), ENI_EPERM, "OperationNotPermitted");
    assert_non_null(strstr(eni_error_last()->message, "run as root"));
    assert_int_equal(eni_error_last()->os_errno, EACCES);
    f->fs.refuse_errno = 0;
    f->fs.kernel_ignores_probe = true; /* vfio-pci not loaded */
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, fl), ENI_EBACKEND, "InternalError");
    assert_non_null(strstr(eni_error_last()->message, "vfio-pci module"));
}

/* ---- where writes may go -------------------------------------------------------------- */

static void test_writes_stay_under_sys_unless_told(void **state)
{
    struct fx *f = *state;
    /* the plain calls: only /sys */
    assert_eni_fail(eni_vfio_bind(f->fs.sys, ENA), ENI_EPERM, "OperationNotPermitted");
    assert_non_null(strstr(eni_error_last()->message, "only /sys is trusted"));
    assert_eni_fail(eni_vfio_release(f->fs.sys, BOUND), ENI_EPERM, "OperationNotPermitted");
    assert_int_equal(f->fs.nwrites, 0);
    /* another root, but the files must still be on sysfs: this tree's are not */
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, ENI_VFIO_FOREIGN_ROOT), ENI_EPERM,
                    "OperationNotPermitted");
    assert_int_equal(eni_error_last()->os_errno, EMEDIUMTYPE);
    assert_non_null(strstr(eni_error_last()->message, "not on sysfs"));
    char ov[32];
    override_of(f, ENA, ov, sizeof ov);
    assert_string_equal(ov, "(null)\n"); /* untouched */
    assert_driver(f, ENA, "ena");
    /* fake sysfs alone does not lift the /sys rule */
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, ENI_VFIO_FAKE_SYSFS), ENI_EPERM,
                    "OperationNotPermitted");
    assert_non_null(strstr(eni_error_last()->message, "only /sys is trusted"));
}

static void test_symlinked_attribute_is_never_followed(void **state)
{
    struct fx *f = *state;
    char victim[128], link[512], text[32];
    snprintf(victim, sizeof victim, "%s/precious", f->outside);
    FILE *fp = fopen(victim, "w");
    assert_non_null(fp);
    fputs("precious\n", fp);
    fclose(fp);
    snprintf(link, sizeof link, "%s/bus/pci/devices/%s/driver_override", f->fs.sys, ENA);
    assert_int_equal(unlink(link), 0);
    assert_int_equal(symlink(victim, link), 0);
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS), ENI_EPERM,
                    "OperationNotPermitted");
    assert_int_equal(eni_error_last()->os_errno, ELOOP);
    assert_non_null(strstr(eni_error_last()->message, "symbolic link"));
    text_of(victim, text, sizeof text);
    assert_string_equal(text, "precious\n");
    assert_driver(f, ENA, "ena");
}

/* A function directory that leads out of the tree: reading it is fine,
 * writing into it is not. */
static void test_writes_never_leave_the_root(void **state)
{
    struct fx *f = *state;
    char dir[128], link[512], text[32];
    snprintf(dir, sizeof dir, "%s/0000:00:0a.0", f->outside);
    assert_int_equal(mkdir(dir, 0755), 0);
    static const char *const files[][2] = {{"vendor", "0x1d0f\n"}, {"device", "0xec20\n"},
                                           {"driver_override", "(null)\n"}};
    for (int i = 0; i < 3; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s", dir, files[i][0]);
        FILE *fp = fopen(p, "w");
        assert_non_null(fp);
        fputs(files[i][1], fp);
        fclose(fp);
    }
    snprintf(link, sizeof link, "%s/bus/pci/devices/0000:00:0a.0", f->fs.sys);
    assert_int_equal(symlink(dir, link), 0);
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, "0000:00:0a.0", FAKE_SYSFS_FLAGS), ENI_EPERM,
                    "OperationNotPermitted");
    assert_int_equal(eni_error_last()->os_errno, EXDEV);
    assert_non_null(strstr(eni_error_last()->message, "not inside the root"));
    snprintf(link, sizeof link, "%s/driver_override", dir);
    text_of(link, text, sizeof text);
    assert_string_equal(text, "(null)\n");
}

/* ---- what is never taken -------------------------------------------------------------------- */

static void test_function_with_an_up_interface_is_never_taken(void **state)
{
    struct fx *f = *state;
    fake_sysfs_netdev(&f->fs, ENA, "ens5", "up", 0x1003);
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS), ENI_EINUSE,
                    "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message, "ens5"));
    assert_non_null(strstr(eni_error_last()->message, "operstate up"));
    /* administratively up without a carrier is still the host's */
    fake_sysfs_netdev(&f->fs, ENA, "ens5", "down", 0x1003);
    assert_eni_fail(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS), ENI_EINUSE,
                    "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message, "flags 0x1003"));
    assert_int_equal(f->fs.nwrites, 0);
    assert_driver(f, ENA, "ena");
    /* down: it may go */
    fake_sysfs_netdev(&f->fs, ENA, "ens5", "down", 0x1002);
    assert_eni_ok(eni_vfio_bind_flags(f->fs.sys, ENA, FAKE_SYSFS_FLAGS));
    assert_driver(f, ENA, "vfio-pci");
}

static void test_long_roots_are_refused(void **state)
{
    struct fx *f = *state;
    char root[301];
    memset(root, 'r', 300);
    root[0] = '/';
    root[300] = 0;
    uint32_t n = 77;
    assert_eni_fail(eni_vfio_bind_flags(root, ENA, FAKE_SYSFS_FLAGS), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(eni_error_last()->os_errno, ENAMETOOLONG);
    assert_eni_fail(eni_vfio_release_flags(root, ENA, FAKE_SYSFS_FLAGS), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(eni_error_last()->os_errno, ENAMETOOLONG);
    assert_eni_fail(eni_vfio_list_functions(root, NULL, NULL, 0, &n), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(eni_error_last()->os_errno, ENAMETOOLONG);
    assert_eni_fail(eni_vfio_list_functions(f->fs.sys, root, NULL, 0, &n), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(n, 77);
    assert_int_equal(f->fs.nwrites, 0);
    /* one short of the limit is a root like any other */
    root[ENI_VFIO_ROOT_MAX - 1] = 0;
    assert_eni_fail(eni_vfio_list_functions(root, NULL, NULL, 0, &n), ENI_ENOTFOUND, "InvalidID");
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_bind_sequence),
        T(test_release_sequence),
        T(test_failed_unbind_is_rolled_back),
        T(test_bind_refusals),
        T(test_writes_stay_under_sys_unless_told),
        T(test_symlinked_attribute_is_never_followed),
        T(test_writes_never_leave_the_root),
        T(test_function_with_an_up_interface_is_never_taken),
        T(test_long_roots_are_refused),
    };
    return cmocka_run_group_tests_name("vfio_bind", tests, NULL, NULL);
}
