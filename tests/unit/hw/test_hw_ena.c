/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The ENA/EFA protocol layer (lib/backend/hw) against the software device
 * model (tests/fakes/ena_model.c): bring-up, every admin command libeni
 * issues, bad completions, timeouts, resets during activity, link flaps,
 * AENQ wrap-around, EFA attributes, and allocation failures. Time is the
 * model's virtual clock, so multi-second timeouts run in microseconds. */
#include "test_helpers.h"

#include "backend/hw/ena_com.h"
#include "fakes/ena_model.h"

#define MS 1000000ull

struct fx {
    struct ena_model m;
    struct eni_hw_dev dev;
};

static int setup_ena(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    ena_model_init(&f->m, ENI_HW_ENA);
    *state = f;
    return 0;
}

static int setup_efa(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    ena_model_init(&f->m, ENI_HW_EFA);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni__hw_fini(&f->dev);
    assert_int_equal(f->m.dma_live, 0); /* everything the driver allocated came back */
    ena_model_fini(&f->m);
    free(f);
    return 0;
}

static void up(struct fx *f, uint8_t revision)
{
    int rc = eni__hw_init(&f->dev, &f->m.pf, f->m.kind, revision);
    if (rc != ENI_OK)
        fail_msg("eni__hw_init: %s", f->dev.why);
}

/* ---- bring-up -------------------------------------------------------------------- */

static void test_ena_bring_up_reads_mac_and_mtu(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    assert_true(f->dev.up && f->dev.admin_running);
    assert_int_equal(f->m.resets_done, 1);       /* the DEV_CTL handshake ran to the end */
    assert_int_equal(f->m.intr_mask, ENA_INTR_MASK_ADMIN); /* polling mode */
    assert_int_equal(f->dev.admin_timeout_ns, 15 * 100 * MS); /* from CAPS */
    assert_int_equal(f->dev.dma_width, 48);
    assert_int_equal(f->m.aq_caps, ENA_QUEUE_CAPS(32, 64));
    assert_int_equal(f->m.aenq_caps, ENA_QUEUE_CAPS(16, 64));
    assert_int_equal(f->m.aenq_head_db, 16);      /* every AENQ slot handed to the device */
    /* the groups asked for and supported: all but REFRESH_CAPABILITIES */
    assert_int_equal(f->m.aenq_enabled, 0xdf);
    struct eni_ena_attrs a;
    assert_int_equal(eni__ena_get_attrs(&f->dev, &a), ENI_OK);
    assert_memory_equal(a.mac, f->m.mac, 6);
    assert_int_equal(a.max_mtu, 9216);
    assert_int_equal(a.phys_addr_width, 48);
    assert_int_equal(a.supported_features, (uint32_t)f->m.supported_features);
}

static void test_ena_readless_unless_revision_says_direct(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    assert_true(f->dev.readless);
    assert_true(f->m.readless_requests > 0);
    assert_int_equal(f->m.direct_reads, 0);
    eni__hw_fini(&f->dev);
    ena_model_fini(&f->m);
    ena_model_init(&f->m, ENI_HW_ENA);
    up(f, ENA_REVISION_NO_READLESS);
    assert_false(f->dev.readless);
    assert_int_equal(f->m.readless_requests, 0);
    assert_true(f->m.direct_reads > 0);
}

static void test_ena_readless_timeout(void **state)
{
    struct fx *f = *state;
    f->m.ignore_readless = true;
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_ETIMEDOUT);
    assert_non_null(strstr(f->dev.why, "read-less"));
    assert_true(f->m.clock_ns >= 200 * MS);  /* it waited the whole 200 ms */
    assert_false(f->dev.up);
}

static void test_ena_reset_refusals(void **state)
{
    struct fx *f = *state;
    f->m.not_ready = true;
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "not ready"));
    f->m.not_ready = false;
    f->m.caps &= ~(0x1fu << 1); /* no reset timeout */
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "reset timeout"));
    /* a fresh device (the failed bring-ups left this one held in reset,
     * which is how a failed bring-up leaves a device: quiesced) */
    assert_true(f->m.resetting || f->m.reset_rise_ns);
    ena_model_fini(&f->m);
    ena_model_init(&f->m, ENI_HW_ENA);
    f->m.stuck_reset = true; /* RESET_IN_PROGRESS never rises */
    uint64_t t0 = f->m.clock_ns;
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_ETIMEDOUT);
    assert_non_null(strstr(f->dev.why, "entering reset"));
    assert_true(f->m.clock_ns - t0 >= 1000 * MS); /* the advertised 1 s */
}

static void test_ena_version_and_dma_width_checks(void **state)
{
    struct fx *f = *state;
    f->m.ctrl_version = 0x01000000; /* 0.0.0 */
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_ENOTSUP);
    assert_non_null(strstr(f->dev.why, "controller version"));
    f->m.ctrl_version = 0x00000001;
    f->m.caps = (f->m.caps & ~0xff00u) | (52u << 8);
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_ENOTSUP);
    assert_non_null(strstr(f->dev.why, "DMA address width 52"));
    f->m.caps = (f->m.caps & ~0xff00u) | (32u << 8);
    f->m.iova_base = 1ull << 33; /* memory the device cannot reach */
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "32-bit DMA reach"));
    /* at the very top: iova + size wraps to a small number, and must not pass */
    f->m.iova_base = UINT64_MAX - 15;
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "32-bit DMA reach"));
}

/* ---- admin commands ------------------------------------------------------------------- */

static void test_ena_set_mtu(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    assert_int_equal(eni__ena_set_mtu(&f->dev, 9001), ENI_OK);
    assert_int_equal(f->m.mtu, 9001);
    assert_int_equal(eni__ena_set_mtu(&f->dev, 9217), ENI_EINVAL); /* past the device's max */
    assert_non_null(strstr(f->dev.why, "illegal parameter"));
    assert_int_equal(f->m.mtu, 9001);
    assert_true(f->dev.admin_running); /* a refused command is not a broken queue */
}

static void test_ena_host_info(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    struct eni_hw_host_info hi = {ENA_OS_DPDK, "Debian 12", "6.1.0-56-amd64", 0x000100, 0x0028, 2};
    assert_int_equal(eni__ena_set_host_info(&f->dev, &hi), ENI_OK);
    assert_int_equal(f->m.host_os_type, ENA_OS_DPDK);
    assert_string_equal(f->m.host_dist, "Debian 12");
    assert_string_equal(f->m.host_kernel, "6.1.0-56-amd64");
    assert_int_equal(f->m.host_bdf, 0x28);
    assert_int_equal(f->m.host_cpus, 2);
    /* the device forgets it in a reset; the layer tells it again */
    assert_int_equal(eni__hw_reset(&f->dev, ENA_RESET_USER_TRIGGER), ENI_OK);
    assert_int_equal(f->m.host_os_type, ENA_OS_DPDK);
    assert_int_equal(f->m.dev_ctl, 0);
    assert_int_equal(f->m.resets_done, 2);
}

static void test_ena_get_stats(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    f->m.stats = (struct eni_ena_stats){1500000000ull, 1000000, 3000000000ull, 2000000, 7, 3, 1};
    struct eni_ena_stats s;
    assert_int_equal(eni__ena_get_stats(&f->dev, &s), ENI_OK);
    assert_int_equal(s.tx_bytes, 1500000000ull);
    assert_int_equal(s.rx_bytes, 3000000000ull);
    assert_int_equal(s.rx_packets, 2000000);
    assert_int_equal(s.rx_drops, 7);
    assert_int_equal(s.tx_drops, 3);
    assert_int_equal(s.rx_overruns, 1);
}

static void test_ena_completion_statuses(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    static const struct {
        int status, rc;
    } map[] = {{1, ENI_ENOMEM}, {2, ENI_EINVAL}, {3, ENI_ENOTSUP}, {4, ENI_EINVAL},
               {5, ENI_EINVAL}, {6, ENI_EINVAL}, {7, ENI_EBUSY},   {9, ENI_EBACKEND}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        f->m.force_status = map[i].status;
        assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), map[i].rc);
        assert_true(f->dev.admin_running);
    }
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_OK);
}

static void test_ena_admin_timeout_stops_queue_until_reset(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    f->m.drop_completions = 1;
    uint64_t t0 = f->m.clock_ns;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ETIMEDOUT);
    assert_true(f->m.clock_ns - t0 >= 1500 * MS); /* CAPS said 1.5 s */
    assert_false(f->dev.admin_running);
    uint32_t before = f->m.commands;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ESTATE); /* refused, device untouched */
    assert_int_equal(f->m.commands, before);
    assert_int_equal(eni__hw_reset(&f->dev, ENA_RESET_ADMIN_TO), ENI_OK);
    assert_int_equal(ENA_DEV_CTL_REASON_OF(f->m.dev_ctl), 0); /* cleared after the handshake */
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_OK);
    assert_int_equal(f->m.mtu, 1500);
}

static void test_ena_late_and_stale_completions(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    f->m.completion_delay_ns = 50 * MS; /* within the 1.5 s timeout: polled until it lands */
    assert_int_equal(eni__ena_set_mtu(&f->dev, 2000), ENI_OK);
    assert_int_equal(f->m.mtu, 2000);
    f->m.completion_delay_ns = 0;
    f->m.stale_next = true; /* an answer to some earlier command first */
    assert_int_equal(eni__ena_set_mtu(&f->dev, 3000), ENI_OK);
    assert_int_equal(f->dev.stale_completions, 1);
    assert_int_equal(f->m.mtu, 3000);
}

static void test_ena_unsupported_feature_never_reaches_device(void **state)
{
    struct fx *f = *state;
    f->m.supported_features &= ~(1ull << ENA_FEAT_MTU);
    up(f, 0);
    uint32_t before = f->m.commands;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ENOTSUP);
    assert_int_equal(f->m.commands, before);
    uint8_t r[56];
    assert_int_equal(eni__hw_get_feature(&f->dev, 40, 0, r), ENI_ENOTSUP);
    assert_int_equal(eni__hw_set_feature(&f->dev, ENA_FEAT_AENQ_CONFIG, 0, r, 45), ENI_EINVAL);
    /* an opcode the device does not know */
    uint8_t cmd[64] = {0};
    assert_int_equal(eni__hw_admin(&f->dev, 30, cmd, r), ENI_EINVAL);
    assert_non_null(strstr(f->dev.why, "bad opcode"));
}

static void test_ena_admin_ring_wraps(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    for (uint32_t i = 0; i < 100; i++) /* three trips round the 32-entry rings */
        assert_int_equal(eni__ena_set_mtu(&f->dev, 1000 + i), ENI_OK);
    assert_int_equal(f->m.mtu, 1099);
    assert_int_equal(f->dev.aq.counter % 32, f->m.sq_head % 32);
    assert_int_equal(f->dev.acq.counter, f->m.cq_tail);
    assert_int_equal(f->dev.acq.phase, f->m.cq_phase);
}

/* ---- AENQ ------------------------------------------------------------------------------ */

struct seen {
    uint16_t group[64];
    uint32_t word[64];
    int n, unknown;
};

static void on_event(void *ud, uint16_t group, uint16_t syndrome, const uint8_t *payload)
{
    struct seen *s = ud;
    (void)syndrome;
    if (s->n < 64) {
        s->group[s->n] = group;
        s->word[s->n] = ena_get32(payload, 0);
    }
    s->n++;
}

static void on_unknown(void *ud, uint16_t group, uint16_t syndrome, const uint8_t *payload)
{
    (void)group, (void)syndrome, (void)payload;
    ((struct seen *)ud)->unknown++;
}

static void test_ena_link_flaps(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    struct seen s = {0};
    eni__hw_set_aenq_handler(&f->dev, ENA_AENQ_LINK_CHANGE, on_event, &s);
    assert_true(ena_model_link(&f->m, false));
    assert_true(ena_model_link(&f->m, true));
    assert_true(ena_model_link(&f->m, false));
    assert_true(ena_model_link(&f->m, true));
    uint32_t n;
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);
    assert_int_equal(n, 4);
    assert_int_equal(s.n, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(s.group[i], ENA_AENQ_LINK_CHANGE);
        assert_int_equal(s.word[i] & ENA_AENQ_LINK_UP, (uint32_t)(i & 1)); /* in order */
    }
    assert_int_equal(f->m.aenq_head_db, 16 + 4); /* the device was told */
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);
    assert_int_equal(n, 0);
}

static void test_ena_aenq_keep_alive_unknown_and_wrap(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    struct seen ka = {0}, other = {0};
    eni__hw_set_aenq_handler(&f->dev, ENA_AENQ_KEEP_ALIVE, on_event, &ka);
    eni__hw_set_aenq_handler(&f->dev, 99, on_unknown, &other); /* groups without a handler */
    /* 50 events in batches of 7: the 16-entry queue wraps three times */
    int sent = 0;
    while (sent < 50) {
        for (int k = 0; k < 7 && sent < 50; k++, sent++)
            assert_true(sent % 10 == 9 ? ena_model_aenq(&f->m, ENA_AENQ_WARNING, 0, NULL, 0)
                                       : ena_model_keep_alive(&f->m, (uint64_t)sent, 0));
        assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    }
    assert_int_equal(ka.n, 45);
    assert_int_equal(other.unknown, 5);
    for (int i = 0, want = 0; i < ka.n; i++, want++) {
        if (want % 10 == 9)
            want++;
        assert_int_equal(ka.word[i], (uint32_t)want); /* rx drops carried in order */
    }
    assert_int_equal(f->dev.aenq_events, 50);
    /* a full queue: the device keeps what fits and drops the rest */
    for (int i = 0; i < 20; i++)
        (void)ena_model_keep_alive(&f->m, 0, 0);
    assert_int_equal(f->m.aenq_dropped, 4);
    uint32_t n;
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);
    assert_int_equal(n, 16);
}

/* A device that ignores the head doorbell and writes the next entry, with
 * the phase the driver expects, each time one is consumed. */
struct babbler {
    struct ena_model *m;
    int seen;
};

static void on_babble(void *ud, uint16_t group, uint16_t syndrome, const uint8_t *payload)
{
    (void)group, (void)syndrome, (void)payload;
    struct babbler *b = ud;
    b->seen++;
    assert_true(ena_model_keep_alive(b->m, 0, 0));
}

static void test_ena_aenq_poll_is_bounded_by_the_ring(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    struct babbler b = {&f->m, 0};
    eni__hw_set_aenq_handler(&f->dev, ENA_AENQ_KEEP_ALIVE, on_babble, &b);
    f->m.ignore_aenq_credits = true;
    assert_true(ena_model_keep_alive(&f->m, 0, 0));
    uint32_t n;
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK); /* returns at all */
    assert_int_equal(n, 16);                                   /* one ring, the AENQ's depth */
    assert_int_equal(b.seen, 16);
    assert_int_equal(f->m.aenq_head_db, 16 + 16);              /* and the device was told */
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);  /* the rest, next time */
    assert_int_equal(n, 16);
    assert_int_equal(f->dev.aenq_events, 32);
}

static void test_ena_reset_during_activity(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    struct seen s = {0};
    eni__hw_set_aenq_handler(&f->dev, ENA_AENQ_LINK_CHANGE, on_event, &s);
    assert_true(ena_model_link(&f->m, false));
    assert_true(ena_model_link(&f->m, true));
    /* a command whose answer comes late, after the layer gave up on it,
     * and events not yet handled: the reset must leave none of them behind */
    f->m.completion_delay_ns = 1600 * MS;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1400), ENI_ETIMEDOUT);
    assert_int_equal(f->m.npending, 1);
    f->m.completion_delay_ns = 0;
    f->m.fatal = true;
    assert_int_equal(eni__hw_health(&f->dev), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "fatal"));
    assert_int_equal(eni__hw_reset(&f->dev, ENA_RESET_GENERIC), ENI_OK);
    assert_int_equal(eni__hw_health(&f->dev), ENI_OK);
    uint32_t n;
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);
    assert_int_equal(n, 0);                      /* fresh rings, nothing stale */
    assert_true(ena_model_link(&f->m, true));    /* and new events flow */
    assert_int_equal(eni__hw_aenq_poll(&f->dev, &n), ENI_OK);
    assert_int_equal(n, 1);
    assert_int_equal(eni__ena_set_mtu(&f->dev, 4000), ENI_OK);
    assert_int_equal(f->m.mtu, 4000);
}

static void test_ena_builtin_event_handling(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    assert_true(f->dev.link_up);
    assert_int_equal(f->dev.last_keep_alive_ns, 0);
    /* keep-alive: the time it came and the device's drop counters */
    f->m.clock_ns += 5 * MS;
    assert_true(ena_model_keep_alive(&f->m, 11, 22));
    assert_true(ena_model_link(&f->m, false));
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    assert_int_equal(f->dev.last_keep_alive_ns, f->m.clock_ns);
    assert_int_equal(f->dev.ka_rx_drops, 11);
    assert_int_equal(f->dev.ka_tx_drops, 22);
    assert_false(f->dev.link_up);
    /* UPDATE_HINTS: admin completions within 500 ms from now on; 0 keeps
     * the read-less default */
    uint8_t hints[16] = {0};
    ena_put16(hints, 8, 500);
    assert_true(ena_model_aenq(&f->m, ENA_AENQ_NOTIFICATION, ENA_AENQ_SYNDROME_UPDATE_HINTS, hints,
                               sizeof hints));
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    assert_int_equal(f->dev.admin_timeout_ns, 500 * MS);
    assert_int_equal(f->dev.mmio_timeout_ns, 200 * MS);
    f->m.drop_completions = 1;
    uint64_t t0 = f->m.clock_ns;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ETIMEDOUT);
    assert_true(f->m.clock_ns - t0 >= 500 * MS && f->m.clock_ns - t0 < 1000 * MS);
    /* the device asks to be reset: unhealthy until it is */
    assert_int_equal(eni__hw_reset(&f->dev, ENA_RESET_ADMIN_TO), ENI_OK);
    assert_true(ena_model_aenq(&f->m, ENA_AENQ_DEVICE_REQUEST_RESET, 0, NULL, 0));
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    assert_int_equal(eni__hw_health(&f->dev), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "asked to be reset"));
    assert_int_equal(eni__hw_reset(&f->dev, ENA_RESET_GENERIC), ENI_OK);
    assert_int_equal(eni__hw_health(&f->dev), ENI_OK);
}

static void test_ena_health_names_the_reset_reason(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    assert_int_equal(eni__hw_health(&f->dev), ENI_OK);
    /* an admin timeout: unhealthy, reset with ADMIN_TO */
    f->m.drop_completions = 1;
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ETIMEDOUT);
    assert_int_equal(eni__hw_health(&f->dev), ENI_EBACKEND);
    assert_int_equal(f->dev.reset_reason, ENA_RESET_ADMIN_TO);
    assert_int_equal(eni__hw_reset(&f->dev, f->dev.reset_reason), ENI_OK);
    assert_int_equal(eni__hw_health(&f->dev), ENI_OK);
    /* keep-alives watched once they start: 6 s of silence is too long */
    assert_true(ena_model_keep_alive(&f->m, 0, 0));
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    f->m.clock_ns += 5000 * MS;
    assert_int_equal(eni__hw_health(&f->dev), ENI_OK);
    f->m.clock_ns += 2000 * MS;
    assert_int_equal(eni__hw_health(&f->dev), ENI_EBACKEND);
    assert_int_equal(f->dev.reset_reason, ENA_RESET_KEEP_ALIVE_TO);
    assert_non_null(strstr(f->dev.why, "keep-alive"));
    /* hints cannot switch deadlines off: 0xffff is held to a minute, 0
     * keeps what there is */
    uint8_t hints[16] = {0};
    ena_put16(hints, 0, 0xffff);
    assert_true(ena_model_aenq(&f->m, ENA_AENQ_NOTIFICATION, ENA_AENQ_SYNDROME_UPDATE_HINTS, hints,
                               sizeof hints));
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    assert_int_equal(f->dev.mmio_timeout_ns, 60000 * MS);
    assert_int_equal(f->dev.admin_timeout_ns, 1500 * MS); /* its hint was 0 */
    /* a function that was removed reads as all ones (direct reads) */
    eni__hw_fini(&f->dev);
    ena_model_fini(&f->m);
    ena_model_init(&f->m, ENI_HW_ENA);
    up(f, ENA_REVISION_NO_READLESS);
    f->m.gone = true;
    assert_int_equal(eni__hw_health(&f->dev), ENI_EBACKEND);
    assert_non_null(strstr(f->dev.why, "all ones"));
    f->m.gone = false;
}

/* ---- EFA -------------------------------------------------------------------------------- */

static void test_efa_bring_up_and_attributes(void **state)
{
    struct fx *f = *state;
    up(f, ENA_REVISION_NO_READLESS); /* EFA reads through DMA whatever the revision */
    assert_true(f->dev.readless);
    assert_int_equal(f->dev.admin_timeout_ns, 30000 * MS); /* EFA's default */
    assert_int_equal(f->m.aenq_head_db, 0);                /* EFA counts from 0 */
    assert_int_equal(f->m.aenq_enabled, 0x1e);             /* fatal, warning, notification, keep-alive */
    assert_int_equal(f->m.opcode_count[EFA_OP_GET_FEATURE], 2);
    assert_int_equal(f->m.opcode_count[EFA_OP_SET_FEATURE], 1);
    struct eni_efa_attrs a;
    assert_int_equal(eni__efa_get_attrs(&f->dev, &a), ENI_OK);
    assert_int_equal(a.db_bar, 2);
    assert_int_equal(a.guid, 0x0123456789abcdefull);
    assert_int_equal(a.max_link_speed_gbps, 100);
    assert_int_equal(a.page_size_cap, 0x40201000ull);
    struct eni_efa_queue_attrs q;
    assert_int_equal(eni__efa_get_queue_attrs(&f->dev, &q), ENI_OK);
    assert_int_equal(q.max_qp, 256);
    assert_int_equal(q.max_cq_depth, 65536);
    assert_int_equal(q.sub_cqs_per_cq, 2);
    assert_int_equal(q.max_tx_batch, 16);
    /* ENA's commands are not EFA's */
    assert_int_equal(eni__ena_set_mtu(&f->dev, 1500), ENI_ENOTSUP);
    struct eni_ena_attrs ea;
    assert_int_equal(eni__ena_get_attrs(&f->dev, &ea), ENI_ENOTSUP);
    /* EFA's AENQ: keep-alives with the consumer counter */
    struct seen s = {0};
    eni__hw_set_aenq_handler(&f->dev, ENA_AENQ_KEEP_ALIVE, on_event, &s);
    for (int i = 0; i < 20; i++) {
        assert_true(ena_model_keep_alive(&f->m, 0, 0));
        assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_OK);
    }
    assert_int_equal(s.n, 20);
    assert_int_equal(f->m.aenq_head_db, 20);
    assert_false(ena_model_link(&f->m, true)); /* EFA has no link-change group */
}

static void test_efa_admin_timeout_is_thirty_seconds(void **state)
{
    struct fx *f = *state;
    up(f, 0);
    f->m.drop_completions = 1;
    uint64_t t0 = f->m.clock_ns;
    struct eni_efa_queue_attrs q;
    assert_int_equal(eni__efa_get_queue_attrs(&f->dev, &q), ENI_ETIMEDOUT);
    assert_true(f->m.clock_ns - t0 >= 30000 * MS);
    assert_true(f->m.clock_ns - t0 < 31000 * MS);
}

/* ---- arguments and allocation failures -------------------------------------------------- */

static void test_hw_bad_arguments(void **state)
{
    struct fx *f = *state;
    struct eni_hw_platform none = {0};
    assert_int_equal(eni__hw_init(&f->dev, &none, ENI_HW_ENA, 0), ENI_EINVAL);
    assert_int_equal(eni__hw_init(&f->dev, &f->m.pf, 7, 0), ENI_EINVAL);
    assert_non_null(strstr(f->dev.why, "kind"));
    uint8_t cmd[64] = {0}, r[56];
    assert_int_equal(eni__hw_admin(&f->dev, ENA_OP_GET_FEATURE, cmd, r), ENI_ESTATE);
    assert_int_equal(eni__hw_aenq_poll(&f->dev, NULL), ENI_ESTATE);
    assert_int_equal(eni__hw_reset(&f->dev, 0), ENI_ESTATE);
    assert_int_equal(eni__hw_health(&f->dev), ENI_ESTATE);
    assert_int_equal(f->m.dma_live, 0);
}

static void test_hw_every_allocation_failure(void **state)
{
    struct fx *f = *state;
    int failures = 0;
    for (int n = 1;; n++) {
        ena_model_fini(&f->m);
        ena_model_init(&f->m, ENI_HW_ENA);
        f->m.fail_dma_at = n;
        int rc = eni__hw_init(&f->dev, &f->m.pf, ENI_HW_ENA, 0);
        if (rc == ENI_OK) {
            struct eni_hw_host_info hi = {ENA_OS_LINUX, "d", "k", 1, 0, 1};
            rc = eni__ena_set_host_info(&f->dev, &hi);
            if (rc == ENI_OK) {
                eni__hw_fini(&f->dev);
                assert_int_equal(f->m.dma_live, 0);
                break;
            }
            assert_int_equal(rc, ENI_ENOMEM);
            eni__hw_fini(&f->dev);
        } else {
            assert_int_equal(rc, ENI_ENOMEM);
            assert_non_null(strstr(f->dev.why, "DMA memory"));
        }
        assert_int_equal(f->m.dma_live, 0); /* a failed bring-up keeps nothing */
        failures++;
    }
    assert_int_equal(failures, 5); /* read-less buffer, three rings, host-info page */
}

#define T(t, s) cmocka_unit_test_setup_teardown(t, s, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ena_bring_up_reads_mac_and_mtu, setup_ena),
        T(test_ena_readless_unless_revision_says_direct, setup_ena),
        T(test_ena_readless_timeout, setup_ena),
        T(test_ena_reset_refusals, setup_ena),
        T(test_ena_version_and_dma_width_checks, setup_ena),
        T(test_ena_set_mtu, setup_ena),
        T(test_ena_host_info, setup_ena),
        T(test_ena_get_stats, setup_ena),
        T(test_ena_completion_statuses, setup_ena),
        T(test_ena_admin_timeout_stops_queue_until_reset, setup_ena),
        T(test_ena_late_and_stale_completions, setup_ena),
        T(test_ena_unsupported_feature_never_reaches_device, setup_ena),
        T(test_ena_admin_ring_wraps, setup_ena),
        T(test_ena_link_flaps, setup_ena),
        T(test_ena_aenq_keep_alive_unknown_and_wrap, setup_ena),
        T(test_ena_aenq_poll_is_bounded_by_the_ring, setup_ena),
        T(test_ena_reset_during_activity, setup_ena),
        T(test_ena_builtin_event_handling, setup_ena),
        T(test_ena_health_names_the_reset_reason, setup_ena),
        T(test_efa_bring_up_and_attributes, setup_efa),
        T(test_efa_admin_timeout_is_thirty_seconds, setup_efa),
        T(test_hw_bad_arguments, setup_ena),
        T(test_hw_every_allocation_failure, setup_ena),
    };
    return cmocka_run_group_tests_name("hw_ena", tests, NULL, NULL);
}
