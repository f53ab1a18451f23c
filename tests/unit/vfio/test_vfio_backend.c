/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The VFIO backend end to end, with no hardware: a fake sysfs lists three
 * Amazon functions, a fake VFIO kernel opens them, and a software ENA/EFA
 * device sits behind each BAR0. A ctx using the backend attaches, reads
 * MACs, sees link flaps, detaches, runs out of functions, and survives
 * devices that fail to come up or die. */
#include <errno.h>
#include <linux/vfio.h>
#include <unistd.h>

#include "test_helpers.h"

#include <eni/sys/mock.h>
#include <eni/sys/vfio.h>

#include "fakes/fake_sysfs.h"
#include "fakes/fake_vfio.h"

struct fx {
    struct fake_sysfs fs;
    struct fake_vfio k;
    struct ena_model ena[2], efa, extra;
    eni_ctx *ctx;
    char warning[512]; /* the last WARN the ctx logged */
    int warnings;
    eni_vpc_id vpc;
    eni_subnet_id sn;
    char config[700];
};

static void on_log(uint32_t level, const char *message, void *ud)
{
    struct fx *f = ud;
    if (level == ENI_LOG_WARN) {
        snprintf(f->warning, sizeof f->warning, "%s", message);
        f->warnings++;
    }
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    fake_sysfs_init(&f->fs);
    fake_sysfs_add(&f->fs, "0000:00:05.0", 0x1d0f, 0xec20, 0, 0, "vfio-pci", 3);
    fake_sysfs_add(&f->fs, "0000:00:06.0", 0x1d0f, 0xec20, 0, 0, "vfio-pci", 4);
    fake_sysfs_add(&f->fs, "0000:00:07.0", 0x1d0f, 0xefa1, 0, 0, "vfio-pci", 5);
    for (int g = 3; g <= 5; g++)
        fake_sysfs_group_node(&f->fs, g, false);
    fake_vfio_init(&f->k, f->fs.dev);
    ena_model_init(&f->ena[0], ENI_HW_ENA);
    ena_model_init(&f->ena[1], ENI_HW_ENA);
    f->ena[1].mac[5] = 0x66;
    ena_model_init(&f->efa, ENI_HW_EFA);
    ena_model_init(&f->extra, ENI_HW_ENA);
    fake_vfio_add(&f->k, "0000:00:05.0", 3, &f->ena[0]);
    fake_vfio_add(&f->k, "0000:00:06.0", 4, &f->ena[1]);
    fake_vfio_add(&f->k, "0000:00:07.0", 5, &f->efa);
    eni__vfio_sys_override = &f->k.sys;
    snprintf(f->config, sizeof f->config, "sysfs=%s,dev=%s", f->fs.sys, f->fs.dev);
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.log_fn = on_log;
    o.log_userdata = f;
    assert_eni_ok(eni_ctx_new(&o, &f->ctx));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    assert_eni_ok(eni_vpc_create(f->ctx, &vs, &f->vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    assert_eni_ok(eni_subnet_create(f->ctx, &ss, &f->sn));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_ctx_free(f->ctx);
    eni__vfio_sys_override = NULL;
    assert_int_equal(f->k.open_fds, 0);  /* every function was closed */
    assert_int_equal(f->k.nmap, 0);      /* and its DMA unmapped */
    assert_int_equal(f->k.anon_maps, 0);
    assert_int_equal(f->k.unmaps_with_device_open, 0); /* never freed under a live device */
    fake_vfio_fini(&f->k);
    ena_model_fini(&f->ena[0]);
    ena_model_fini(&f->ena[1]);
    ena_model_fini(&f->efa);
    ena_model_fini(&f->extra);
    fake_sysfs_fini(&f->fs);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

struct got {
    eni_event ev[16];
    uint32_t n;
};

static int collect(const eni_event *e, void *ud)
{
    struct got *g = ud;
    if (g->n < 16)
        g->ev[g->n++] = *e;
    return 0;
}

static struct got poll_events(struct fx *f)
{
    struct got g = {0};
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(f->ctx, 0, collect, &g, &n));
    return g;
}

static const eni_event *find_event(const struct got *g, uint32_t type)
{
    for (uint32_t i = 0; i < g->n; i++)
        if (g->ev[i].type == type)
            return &g->ev[i];
    return NULL;
}

static eni_nic_id nic_new(struct fx *f, uint32_t type)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->sn;
    ns.type = type;
    eni_nic_id nic;
    assert_eni_ok(eni_nic_create(f->ctx, &ns, &nic));
    return nic;
}

/* A running instance whose primary interface came up through the backend. */
static eni_instance_id running(struct fx *f, const char *type, eni_attachment_id *primary)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->sn;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = type;
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_launch(f->ctx, &ls, &inst));
    struct got g = poll_events(f);
    const eni_event *e = find_event(&g, ENI_EVENT_ATTACH_COMPLETED);
    if (!e)
        fail_msg("the primary did not come up (%u events)", g.n);
    if (primary)
        primary->v = e->subject;
    assert_eni_ok(eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING));
    return inst;
}

static eni_backend_device device_of(struct fx *f, eni_attachment_id a)
{
    eni_backend_device d = {.size = sizeof d};
    assert_eni_ok(eni_attachment_get_device(f->ctx, a, &d));
    return d;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_attach_brings_the_device_up(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    assert_string_equal(eni_ctx_backend_name(f->ctx), "vfio");
    eni_attachment_id a;
    running(f, "m5.large", &a);
    eni_backend_device d = device_of(f, a);
    assert_string_equal(d.bus_address, "0000:00:05.0");
    assert_memory_equal(d.mac, f->ena[0].mac, 6); /* read from the device */
    assert_int_equal(d.vendor_id, 0x1d0f);
    assert_int_equal(d.device_id, 0xec20);
    assert_int_equal(d.link_up, 1);
    /* what the bring-up did to the function and its device */
    assert_int_equal(f->k.fn[0].config[4] & 0x04, 0x04); /* bus master */
    assert_int_equal(f->k.fn[0].resets, 1);               /* FLR first */
    assert_int_equal(f->ena[0].resets_done, 1);           /* then the DEV_CTL handshake */
    assert_int_equal(f->ena[0].host_os_type, ENA_OS_LINUX);
    assert_int_equal(f->ena[0].aenq_enabled, 0xdf);
    assert_true(f->k.nmap >= 4); /* read-less buffer, three rings, host info */
}

static void test_link_flaps_become_events(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_attachment_id a;
    running(f, "m5.large", &a);
    assert_true(ena_model_link(&f->ena[0], false));
    struct got g = poll_events(f);
    const eni_event *e = find_event(&g, ENI_EVENT_LINK_CHANGE);
    assert_non_null(e);
    assert_int_equal(e->subject, a.v);
    assert_int_equal(device_of(f, a).link_up, 0);
    eni_attachment_info ai = {.size = sizeof ai};
    assert_eni_ok(eni_attachment_describe(f->ctx, a, &ai));
    assert_int_equal(ai.link_up, 0);
    /* down and up again between two polls: no net change, no event */
    assert_true(ena_model_link(&f->ena[0], true));
    assert_true(ena_model_link(&f->ena[0], false));
    g = poll_events(f);
    assert_null(find_event(&g, ENI_EVENT_LINK_CHANGE));
    assert_true(ena_model_link(&f->ena[0], true));
    g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_LINK_CHANGE));
    assert_int_equal(device_of(f, a).link_up, 1);
}

static void test_hot_attach_detach_and_pool_exhaustion(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_instance_id inst = running(f, "m5.xlarge", NULL);
    eni_nic_id second = nic_new(f, ENI_NIC_INTERFACE);
    eni_attachment_id a2;
    assert_eni_ok(eni_nic_attach(f->ctx, second, inst, 1, 0, &a2));
    struct got g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_ATTACH_COMPLETED));
    eni_backend_device d = device_of(f, a2);
    assert_string_equal(d.bus_address, "0000:00:06.0");
    assert_int_equal(d.mac[5], 0x66);
    /* both ENA functions are taken: the third interface has none */
    eni_nic_id third = nic_new(f, ENI_NIC_INTERFACE);
    eni_attachment_id a3;
    assert_eni_fail(eni_nic_attach(f->ctx, third, inst, 2, 0, &a3), ENI_ELIMIT,
                    "ResourceLimitExceeded");
    assert_non_null(strstr(eni_error_last()->message, "no free ENA function"));
    eni_nic_info ni = {.size = sizeof ni};
    assert_eni_ok(eni_nic_describe(f->ctx, third, &ni));
    assert_int_equal(ni.status, ENI_NIC_AVAILABLE); /* nothing half-done */
    /* detach: the device forgets its queues, stops mastering the bus, is
     * reset, closed, and the function is free again */
    int fds = f->k.open_fds;
    assert_eni_ok(eni_nic_detach(f->ctx, a2, 0));
    g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_DETACH_COMPLETED));
    assert_int_equal(f->k.open_fds, fds - 3);
    assert_int_equal(f->k.fn[1].resets, 2); /* at bring-up and at release */
    assert_int_equal(f->ena[1].aq_base, 0);
    assert_int_equal(f->ena[1].aenq_base, 0);
    assert_int_equal(f->k.fn[1].config[4] & 0x04, 0);
    assert_int_equal(f->k.unmaps_with_device_open, 0);
    assert_eni_ok(eni_nic_attach(f->ctx, third, inst, 2, 0, &a3));
    g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_ATTACH_COMPLETED));
    assert_string_equal(device_of(f, a3).bus_address, "0000:00:06.0");
}

static void test_efa_uses_the_efa_function(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_instance_id inst = running(f, "c5n.18xlarge", NULL);
    assert_eni_ok(eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPING));
    assert_eni_ok(eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_STOPPED));
    eni_nic_id efa = nic_new(f, ENI_NIC_EFA);
    eni_attachment_id a;
    assert_eni_ok(eni_nic_attach(f->ctx, efa, inst, 1, 0, &a)); /* warm */
    struct got g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_ATTACH_COMPLETED));
    eni_backend_device d = device_of(f, a);
    assert_string_equal(d.bus_address, "0000:00:07.0");
    assert_int_equal(d.device_id, 0xefa1);
    static const uint8_t guid_low[6] = {0xef, 0xcd, 0xab, 0x89, 0x67, 0x45}; /* from the GUID */
    assert_memory_equal(d.mac, guid_low, 6);
    assert_int_equal(f->efa.aenq_enabled, 0x1e);
}

static void test_device_that_does_not_come_up(void **state)
{
    struct fx *f = *state;
    f->ena[0].not_ready = true;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->sn;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_launch(f->ctx, &ls, &inst));
    struct got g = poll_events(f);
    const eni_event *e = find_event(&g, ENI_EVENT_ATTACH_FAILED);
    assert_non_null(e);
    assert_int_equal(e->status, ENI_EBACKEND);
    assert_int_equal(f->k.open_fds, 0); /* the function was closed again */
    assert_int_equal(f->k.nmap, 0);
}

static void test_device_that_dies_is_removed(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_attachment_id a;
    running(f, "m5.large", &a);
    /* a fatal error it recovers from: reset, and it carries on */
    f->ena[0].fatal = true;
    struct got g = poll_events(f);
    assert_null(find_event(&g, ENI_EVENT_DEVICE_REMOVED));
    assert_int_equal(f->ena[0].resets_done, 2);
    assert_false(f->ena[0].fatal);
    /* one it does not: the device is as good as unplugged */
    f->ena[0].fatal = true;
    f->ena[0].stuck_reset = true;
    g = poll_events(f);
    const eni_event *e = find_event(&g, ENI_EVENT_DEVICE_REMOVED);
    assert_non_null(e);
    assert_int_equal(e->subject, a.v);
    assert_int_equal(f->k.open_fds, 0);
}

static void test_open_refusals_say_why(void **state)
{
    struct fx *f = *state;
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), "sysfs=/nonexistent"),
                    ENI_ENOTFOUND, "InvalidID");
    assert_non_null(strstr(eni_error_last()->message, "no PCI bus"));
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), "color=blue"), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), "sysfs"), ENI_EINVAL,
                    "InvalidParameterValue");
    char cfg[800];
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:09.0", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_ENOTFOUND,
                    "InvalidID");
    assert_non_null(strstr(eni_error_last()->message, "0000:00:09.0"));
    /* the listed function is there but not usable: the message says why */
    fake_sysfs_add(&f->fs, "0000:00:08.0", 0x1d0f, 0xec20, 0, 0, "ena", 6);
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_ENOTFOUND,
                    "InvalidID");
    assert_non_null(strstr(eni_error_last()->message, "0000:00:08.0 is not bound to vfio-pci"));
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock"); /* unchanged */
}

static void test_bind_option_binds_and_releases(void **state)
{
    struct fx *f = *state;
    fake_sysfs_add(&f->fs, "0000:00:08.0", 0x1d0f, 0xec20, 0, 0, "ena", 6);
    fake_sysfs_group_node(&f->fs, 6, false);
    char cfg[800];
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0,bind=1,foreign_root=1,fake_sysfs=1",
             f->config);
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg));
    char drv[32];
    fake_sysfs_driver(&f->fs, "0000:00:08.0", drv, sizeof drv);
    assert_string_equal(drv, "vfio-pci");
    /* back to the mock: the function goes back to its driver */
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_mock_backend_ops(), NULL));
    fake_sysfs_driver(&f->fs, "0000:00:08.0", drv, sizeof drv);
    assert_string_equal(drv, "ena");
}

static void test_bind_failure_gives_functions_back(void **state)
{
    struct fx *f = *state;
    fake_sysfs_add(&f->fs, "0000:00:08.0", 0x1d0f, 0xec20, 0, 0, "ena", 6);
    fake_sysfs_add(&f->fs, "0000:00:09.0", 0x1d0f, 0xec20, 0, 0, "ena", 7);
    fake_sysfs_group_node(&f->fs, 6, false);
    fake_sysfs_group_node(&f->fs, 7, false);
    snprintf(f->fs.ignore_probe_of, sizeof f->fs.ignore_probe_of, "0000:00:09.0");
    char cfg[800];
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0;0000:00:09.0,bind=1,foreign_root=1,"
             "fake_sysfs=1", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_EBACKEND,
                    "InternalError");
    assert_non_null(strstr(eni_error_last()->message, "0000:00:09.0"));
    /* both are back with their driver, neither keeps an override */
    char drv[32];
    fake_sysfs_driver(&f->fs, "0000:00:08.0", drv, sizeof drv);
    assert_string_equal(drv, "ena");
    fake_sysfs_driver(&f->fs, "0000:00:09.0", drv, sizeof drv);
    assert_string_equal(drv, "ena"); /* its failed bind was undone */
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
}

static void test_bind_needs_a_list_and_spares_up_interfaces(void **state)
{
    struct fx *f = *state;
    fake_sysfs_add(&f->fs, "0000:00:08.0", 0x1d0f, 0xec20, 0, 0, "ena", 6);
    fake_sysfs_group_node(&f->fs, 6, false);
    char cfg[800];
    /* all of them would include the host's own interface */
    snprintf(cfg, sizeof cfg, "%s,bind=1,foreign_root=1,fake_sysfs=1", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message, "bind=1 needs functions="));
    /* listed, but its interface is up */
    fake_sysfs_netdev(&f->fs, "0000:00:08.0", "ens6", "up", 0x1003);
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0,bind=1,foreign_root=1,fake_sysfs=1",
             f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_EINUSE,
                    "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message, "ens6"));
    /* and no opt-in: this tree is not /sys */
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0,bind=1", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_EPERM,
                    "OperationNotPermitted");
    assert_int_equal(f->fs.nwrites, 0);
    char drv[32];
    fake_sysfs_driver(&f->fs, "0000:00:08.0", drv, sizeof drv);
    assert_string_equal(drv, "ena");
    assert_string_equal(eni_ctx_backend_name(f->ctx), "mock");
}

static void test_long_roots_are_refused(void **state)
{
    struct fx *f = *state;
    char cfg[400];
    for (int i = 0; i < 2; i++) {
        int n = snprintf(cfg, sizeof cfg, "%s=/", i ? "dev" : "sysfs");
        memset(cfg + n, 'r', 299);
        cfg[n + 299] = 0; /* a 300-character root */
        assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_EINVAL,
                        "InvalidParameterValue");
        assert_int_equal(eni_error_last()->os_errno, ENAMETOOLONG);
        assert_non_null(strstr(eni_error_last()->message, i ? "dev=" : "sysfs="));
    }
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), "bind=2"), ENI_EINVAL,
                    "InvalidParameterValue");
}

/* noiommu: no DMA isolation, and DMA pages held in place by mlock only. */
static void test_noiommu_needs_consent(void **state)
{
    struct fx *f = *state;
    fake_sysfs_add(&f->fs, "0000:00:08.0", 0x1d0f, 0xec20, 0, 0, "vfio-pci", 6);
    fake_sysfs_group_node(&f->fs, 6, true);
    fake_vfio_add(&f->k, "0000:00:08.0", 6, &f->extra);
    f->k.noiommu = true;
    char cfg[800];
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0", f->config);
    assert_eni_fail(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg), ENI_ENOTFOUND,
                    "InvalidID");
    assert_non_null(strstr(eni_error_last()->message, "noiommu group"));
    assert_non_null(strstr(eni_error_last()->message, "unsafe_noiommu=1"));
    snprintf(cfg, sizeof cfg, "%s,functions=0000:00:08.0,unsafe_noiommu=1", f->config);
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), cfg));
    assert_non_null(strstr(f->warning, "not isolated")); /* said out loud */
    eni_attachment_id a;
    running(f, "m5.large", &a);
    assert_string_equal(device_of(f, a).bus_address, "0000:00:08.0");
    assert_int_equal(f->k.iommu_type, VFIO_NOIOMMU_IOMMU);
    assert_memory_equal(device_of(f, a).mac, f->extra.mac, 6);
}

static int attach_zero(void *instance, void *arg)
{
    (void)arg;
    eni_backend_attach_req req = {.size = sizeof req};
    int rc = eni_vfio_backend_ops()->attach(instance, &req);
    if (rc != ENI_EINVAL)
        return ENI_EINTERNAL;
    eni_backend_device d = ENI_BACKEND_DEVICE_INIT;
    return eni_vfio_backend_ops()->get_device(instance, (eni_attachment_id){0}, &d);
}

static void test_attachment_zero_is_refused(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    /* 0 is what a free function holds: it must name none of them */
    assert_int_equal(eni_ctx_backend_call(f->ctx, eni_vfio_backend_ops(), attach_zero, NULL),
                     ENI_ENOTFOUND);
    assert_int_equal(f->k.open_fds, 0); /* nothing was opened for it */
}

static void raise_irq(struct fx *f)
{
    uint64_t one = 1;
    assert_int_equal(write(f->k.irq_fd[0], &one, sizeof one), sizeof one);
}

static bool irq_pending(struct fx *f)
{
    uint64_t n;
    if (read(f->k.irq_fd[0], &n, sizeof n) != sizeof n)
        return false;
    assert_int_equal(write(f->k.irq_fd[0], &n, sizeof n), sizeof n); /* put it back */
    return true;
}

static void test_interrupts_are_armed_and_drained(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_instance_id inst = running(f, "m5.xlarge", NULL);
    assert_int_equal(f->k.set_irqs, 1); /* armed once at bring-up */
    assert_int_equal(f->k.irq_index, VFIO_PCI_MSIX_IRQ_INDEX);
    assert_int_equal(f->k.irq_count, 1);
    raise_irq(f);
    (void)poll_events(f);
    assert_false(irq_pending(f)); /* drained by the poll */
    assert_int_equal(f->k.unmasks, 0); /* MSI-X needs no unmask */
    eni_attachment_id a2;
    assert_eni_ok(eni_nic_attach(f->ctx, nic_new(f, ENI_NIC_INTERFACE), inst, 1, 0, &a2));
    (void)poll_events(f);
    assert_int_equal(f->k.set_irqs, 2); /* the second function's */
    int fds = f->k.eventfds;
    assert_eni_ok(eni_nic_detach(f->ctx, a2, 0));
    (void)poll_events(f);
    assert_int_equal(f->k.set_irqs, 3); /* disarmed at release */
    assert_int_equal(f->k.irq_count, 0);
    assert_int_equal(f->k.eventfds, fds - 1);
}

static void test_intx_is_unmasked_after_poll(void **state)
{
    struct fx *f = *state;
    f->k.fn[0].msix = 0; /* neither MSI-X nor MSI */
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    running(f, "m5.large", NULL);
    assert_int_equal(f->k.irq_index, VFIO_PCI_INTX_IRQ_INDEX);
    (void)poll_events(f);
    assert_int_equal(f->k.unmasks, 0); /* it did not fire: nothing to unmask */
    raise_irq(f);
    assert_true(ena_model_link(&f->ena[0], false));
    struct got g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_LINK_CHANGE)); /* handled, */
    assert_int_equal(f->k.unmasks, 1);                     /* then unmasked */
    assert_false(irq_pending(f));
    assert_int_equal(f->k.set_irqs, 2);
}

static void test_interrupts_that_cannot_be_armed_are_not_fatal(void **state)
{
    struct fx *f = *state;
    f->k.set_irqs_errno = EIO;
    assert_eni_ok(eni_ctx_set_backend(f->ctx, eni_vfio_backend_ops(), f->config));
    eni_attachment_id a;
    running(f, "m5.large", &a); /* up all the same */
    assert_int_equal(f->k.irq_count, 0);
    assert_int_equal(f->k.eventfds, 0); /* the eventfds went back */
    assert_non_null(strstr(f->warning, "polling only"));
    assert_true(ena_model_link(&f->ena[0], false)); /* and polling still works */
    struct got g = poll_events(f);
    assert_non_null(find_event(&g, ENI_EVENT_LINK_CHANGE));
    assert_int_equal(f->k.reads, 0); /* nothing to drain */
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_attach_brings_the_device_up),
        T(test_link_flaps_become_events),
        T(test_hot_attach_detach_and_pool_exhaustion),
        T(test_efa_uses_the_efa_function),
        T(test_device_that_does_not_come_up),
        T(test_device_that_dies_is_removed),
        T(test_open_refusals_say_why),
        T(test_bind_option_binds_and_releases),
        T(test_bind_failure_gives_functions_back),
        T(test_bind_needs_a_list_and_spares_up_interfaces),
        T(test_long_roots_are_refused),
        T(test_noiommu_needs_consent),
        T(test_attachment_zero_is_refused),
        T(test_interrupts_are_armed_and_drained),
        T(test_intx_is_unmasked_after_poll),
        T(test_interrupts_that_cannot_be_armed_are_not_fatal),
    };
    return cmocka_run_group_tests_name("vfio_backend", tests, NULL, NULL);
}
