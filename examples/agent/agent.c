/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A small hypervisor agent on the mock backend: it launches instances with
 * cold-attached interfaces, hot-attaches an interface to a running instance,
 * warm-attaches an EFA to a stopped one, associates an Elastic IP, stops,
 * starts and terminates, and prints the host's state after each step,
 * refusals included with their EC2 error codes. Built as `eni-agent`.
 *
 * Halfway through it restarts itself as an upgrade would (docs/persistence.md):
 * eni_ctx_free() hands the tracked flows over to the state file, a new ctx
 * opens the same file and gets the model (same ids) and the flows back, and
 * an established connection's next packet is still tracked. The file is
 * agent.state in a new directory under $TMPDIR (or /tmp), removed at the end;
 * `--state PATH` names a new file instead and keeps it for sqlite3. Built
 * without SQLite (-Dstore=disabled), the agent says so and skips the restart.
 *
 * `eni-agent --etcd URL [--host NAME] [--subnet CIDR] [--linger SECONDS]`
 * runs the same steps as one host of a fleet (docs/scale-out.md): the VPC
 * and group take ids EC2 gave, libeni-sync publishes this host's members of
 * `hpc` after each step and feeds the ones other hosts publish into the
 * model; at the end it shows what it learned and leaves. Two agents with
 * different --host and --subnet on one etcd see each other's instances. */
#include <eni.h>
#include <eni/sys/mock.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef ENI_AGENT_SYNC
#include "eni_sync.h"
#endif

static eni_ctx *ctx;
static const char *state_path; /* NULL: built without SQLite, everything in memory */
/* The packet path's clock (eni_eval_burst's now_ns). A real agent passes
 * CLOCK_MONOTONIC, which runs on across its restart; the demo's own clock
 * does the same, so flows handed over keep their timeouts. */
static uint64_t clock_ns = 1000000000ull;
/* The reply of the last connection traffic() opened: after the restart, its
 * next packet must still be tracked. */
static eni_pkt last_reply;
#ifdef ENI_AGENT_SYNC
static eni_sync *fleet; /* NULL without --etcd */
static void fleet_step(void);
#endif

static void die(const char *what)
{
    fprintf(stderr, "%s: %s (%s)\n", what, eni_error_last()->message, eni_error_last()->ec2_code);
    exit(1);
}
#define MUST(call) do { if ((call) != ENI_OK) die(#call); } while (0)

static const char *idstr(uint64_t v)
{
    static char buf[8][ENI_ID_STRING_MAX];
    static int next;
    char *b = buf[next++ % 8];
    if (!v || eni_id_format(ctx, v, b, ENI_ID_STRING_MAX) != ENI_OK)
        snprintf(b, ENI_ID_STRING_MAX, "-");
    return b;
}

static int on_event(const eni_event *ev, void *ud)
{
    (void)ud;
    if (ev->type == ENI_EVENT_INSTANCE_STATE)
        printf("    event: %s is %s\n", idstr(ev->subject), eni_instance_state_name(ev->state));
    else
        printf("    event: %s %s (%s)%s%s\n", eni_event_type_name(ev->type), idstr(ev->subject),
               idstr(ev->related), ev->status ? " " : "", ev->status ? ev->ec2_code : "");
    return 0;
}

/* The agent's loop, once: sleep on the ctx's event fd (and the timeout the
 * library asks for) until something is due, then deliver what is pending.
 * A long-running agent puts the fd in its own poll/epoll set instead. */
static void poll_events(void)
{
    int fd;
    MUST(eni_ctx_event_fd(ctx, &fd));
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int32_t timeout = eni_ctx_timeout_ms(ctx);
    if (timeout != 0)
        (void)poll(&pfd, 1, timeout < 0 ? 0 : timeout); /* -1: nothing in flight, don't block */
    uint32_t n;
    MUST(eni_ctx_poll(ctx, 0, on_event, NULL, &n));
}

static void refused(int rc, const char *what)
{
    printf("  refused as expected: %-40s %s %s\n", what, eni_err_name(rc),
           rc ? eni_error_last()->ec2_code : "(accepted!)");
}

static void table(const char *title)
{
    printf("\n== %s\n", title);
    eni_instance_id inst[16];
    uint32_t ni;
    MUST(eni_instance_list(ctx, NULL, inst, 16, &ni));
    printf("  %-21s %-14s %-13s %s\n", "instance", "type", "state", "interfaces");
    for (uint32_t i = 0; i < ni && i < 16; i++) {
        eni_instance_info ii = ENI_INSTANCE_INFO_INIT;
        MUST(eni_instance_describe(ctx, inst[i], &ii));
        printf("  %-21s %-14s %-13s %u\n", idstr(inst[i].v), ii.instance_type,
               eni_instance_state_name(ii.state), ii.nic_count);
    }
    eni_nic_id nics[32];
    uint32_t nn;
    MUST(eni_nic_list(ctx, NULL, nics, 32, &nn));
    printf("  %-21s %-9s %-10s %-21s %-5s %-14s %s\n", "interface", "type", "status", "instance",
           "index", "private", "public");
    for (uint32_t i = 0; i < nn && i < 32; i++) {
        eni_nic_info ni2 = ENI_NIC_INFO_INIT;
        MUST(eni_nic_describe(ctx, nics[i], &ni2));
        char index[16] = "-";
        if (ni2.attachment.v) {
            eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
            MUST(eni_attachment_describe(ctx, ni2.attachment, &ai));
            snprintf(index, sizeof index, "%u/%u", ai.network_card_index, ai.device_index);
        }
        printf("  %-21s %-9s %-10s %-21s %-5s %-14s %s\n", idstr(nics[i].v),
               eni_nic_type_name(ni2.type), eni_nic_status_name(ni2.status), idstr(ni2.instance.v), index,
               ni2.private_ip[0] ? ni2.private_ip : "-", ni2.public_ip[0] ? ni2.public_ip : "-");
    }
#ifdef ENI_AGENT_SYNC
    fleet_step();
#endif
}

/* Send generated traffic through the evaluator for one interface and print
 * verdict counts by reason. */
static void traffic(eni_nic_id nic, const char *peer_ip)
{
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    MUST(eni_nic_describe(ctx, nic, &ni));
    uint8_t self[4], peer[4];
    inet_pton(AF_INET, ni.private_ip, self);
    inet_pton(AF_INET, peer_ip, peer);
    eni_eval_worker *w;
    MUST(eni_eval_worker_new(ctx, &w));
    eni_pkt p[4];
    eni_verdict v[4];
    uint64_t now = clock_ns;
    for (uint32_t i = 0; i < 2500; i++, now += 1000000) {
        memset(p, 0, sizeof p);
        for (int k = 0; k < 4; k++) {
            p[k].family = 4;
            p[k].proto = 6;
            p[k].tcp_flags = 0x02;
        }
        uint8_t internet[4] = {203, 0, 113, (uint8_t)(i % 200 + 1)};
        /* 0: the server opens a connection out; 1: the internet answers it */
        memcpy(p[0].src, self, 4), memcpy(p[0].dst, internet, 4);
        p[0].sport = (uint16_t)(30000 + i), p[0].dport = 443;
        memcpy(p[1].src, internet, 4), memcpy(p[1].dst, self, 4);
        p[1].sport = 443, p[1].dport = (uint16_t)(30000 + i), p[1].tcp_flags = 0x12;
        /* 2: an unsolicited probe from the internet; 3: the HPC peer (same group) */
        memcpy(p[2].src, internet, 4), memcpy(p[2].dst, self, 4);
        p[2].sport = 40000, p[2].dport = (uint16_t)(20 + i % 10);
        memcpy(p[3].src, peer, 4), memcpy(p[3].dst, self, 4);
        p[3].sport = (uint16_t)(50000 + i), p[3].dport = 9000;
        MUST(eni_eval_burst(w, nic, ENI_DIR_OUTBOUND, p, 1, now, 0, v));
        MUST(eni_eval_burst(w, nic, ENI_DIR_INBOUND, p + 1, 3, now, 0, v + 1));
        last_reply = p[1];
    }
    clock_ns = now;
    /* and a spoofed source going out */
    memcpy(p[0].src, peer, 4);
    MUST(eni_eval_burst(w, nic, ENI_DIR_OUTBOUND, p, 1, now, 0, v));
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    MUST(eni_eval_worker_counters(w, &c));
    printf("  %llu packets through %s:\n", (unsigned long long)c.packets, idstr(nic.v));
    for (uint32_t r = 0; r < sizeof c.by_reason / sizeof c.by_reason[0]; r++)
        if (c.by_reason[r])
            printf("    %-20s %6llu\n", eni_reason_name(r), (unsigned long long)c.by_reason[r]);
    eni_eval_worker_free(w);
}

static eni_instance_id launch(eni_subnet_id subnet, const char *type, eni_sg_id sg)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &sg;
    ns.group_count = 1;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = type;
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id id;
    MUST(eni_instance_launch(ctx, &ls, &id));
    return id;
}

static eni_attachment_id primary_of(eni_instance_id inst)
{
    eni_attachment_id att[8];
    uint32_t n;
    MUST(eni_instance_list_attachments(ctx, inst, att, 8, &n));
    return att[0];
}

#ifdef ENI_AGENT_SYNC
/* ---- --etcd: this host as one of a fleet (libeni-sync) -------------------- */

static const char *etcd_url, *host_name, *subnet_cidr = "10.10.1.0/24";
static int linger_s = 3;

static void fleet_log(uint32_t level, const char *msg, void *ud)
{
    (void)level, (void)ud;
    fprintf(stderr, "  [%s]\n", msg);
}

static void fleet_start(void)
{
    static char name[64];
    if (!host_name && gethostname(name, sizeof name) == 0)
        host_name = name;
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    o.log_fn = fleet_log;
    int rc = eni_sync_new(ctx, etcd_url, host_name, &o, &fleet);
    if (rc == ENI_OK)
        rc = eni_sync_start(fleet);
    if (rc != ENI_OK) {
        fprintf(stderr, "libeni-sync for %s: %s\n", etcd_url, eni_err_name(rc));
        exit(1);
    }
    printf("fleet: host '%s' shares its group members through etcd at %s\n", host_name, etcd_url);
}

/* After each step: publish now, and wait (bounded) until etcd has it. */
static void fleet_step(void)
{
    if (!fleet)
        return;
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    eni_sync_get_stats(fleet, &st);
    uint64_t passes = st.passes, errors = st.errors; /* a pass after the nudge read this step */
    eni_sync_nudge(fleet);
    for (int i = 0; i < 300; i++) {
        usleep(10000);
        eni_sync_get_stats(fleet, &st);
        if (st.passes > passes && (st.connected ? !st.pending : st.errors > errors))
            break;
    }
    if (st.connected && !st.pending)
        printf("  etcd: %u group keys of this host published (revision %lld), %u groups watched\n",
               st.published, (long long)st.revision, st.watches);
    else
        printf("  etcd: unreachable (%s); enforcing what was known, publishing when it is back\n",
               st.last_error);
}

/* What the other hosts say about hpc now, one line per host. */
static void fleet_members(eni_sg_id sg, char *out, size_t cap)
{
    char names[16][ENI_REMOTE_SOURCE_MAX], addrs[64][ENI_IP_STRING_MAX];
    uint32_t nh = 0, na = 0;
    size_t n = 0;
    out[0] = 0;
    MUST(eni_sg_list_remote_sources(ctx, sg, &names[0][0], 16, &nh));
    for (uint32_t i = 0; i < nh && i < 16 && n < cap; i++) {
        MUST(eni_sg_get_remote_members(ctx, sg, names[i], &addrs[0][0], 64, &na));
        n += (size_t)snprintf(out + n, cap - n, "    %-20s", names[i]);
        for (uint32_t k = 0; k < na && k < 64 && n < cap; k++)
            n += (size_t)snprintf(out + n, cap - n, " %s", addrs[k]);
        if (n < cap)
            n += (size_t)snprintf(out + n, cap - n, "\n");
    }
}

/* At the end: stay --linger seconds, showing what the other hosts say
 * about hpc whenever it changes, then leave. */
static void fleet_finish(eni_sg_id sg)
{
    if (!fleet)
        return;
    printf("\n== fleet: members of hpc on other hosts, for %d s\n", linger_s);
    static char now[4096], shown[4096] = "-";
    for (int t = 0; t <= linger_s * 10; t++) {
        fleet_members(sg, now, sizeof now);
        if (strcmp(now, shown)) {
            printf("  after %.1f s:\n%s", t / 10.0, now[0] ? now : "    (none)\n");
            fflush(stdout);
            memcpy(shown, now, sizeof shown);
        }
        if (t < linger_s * 10)
            usleep(100000);
    }
    eni_sync_stats st = ENI_SYNC_STATS_INIT;
    eni_sync_stop(fleet, ENI_SYNC_LEAVE);
    eni_sync_get_stats(fleet, &st);
    eni_sync_free(fleet);
    fleet = NULL;
    if (st.published || !st.connected)
        printf("  etcd unreachable: keys of this host stay until `eni-sync forget %s`\n",
               host_name);
    else
        printf("  left the fleet: this host's keys are deleted\n");
}
#endif

/* ---- the restart: the model and the flows survive it ----------------------- */

static char temp_dir[256]; /* the default state file's directory, removed at the end */
static char temp_file[288];

/* A new ctx on the state file: a new file at the start, the one the last
 * ctx left at the restart. */
static void open_ctx(void)
{
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 7; /* for a new file; an existing one keeps the seed it was created with */
    opts.state_path = state_path;
    int rc = eni_ctx_new(&opts, &ctx);
    if (rc == ENI_ENOTSUP && state_path) {
        state_path = NULL; /* built without SQLite (-Dstore=disabled): in memory */
        opts.state_path = NULL;
        rc = eni_ctx_new(&opts, &ctx);
    }
    if (rc != ENI_OK)
        die("eni_ctx_new");
}

static void remove_temp_state(void)
{
    if (!temp_dir[0])
        return;
    /* After eni_ctx_free() only the file is left; a demo that died with the
     * ctx open leaves its -wal file too (and -shm, had sqlite3 opened it). */
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[sizeof temp_file + 8];
        snprintf(path, sizeof path, "%s%s", temp_file, suffixes[i]);
        (void)unlink(path);
    }
    (void)rmdir(temp_dir);
}

/* The state file: --state PATH (a new file, kept), or agent.state in a new
 * temporary directory. */
static void choose_state_file(const char *given)
{
    if (given) {
        if (access(given, F_OK) == 0) {
            fprintf(stderr, "--state %s: the file exists; the demo starts from a new file "
                    "(remove it, or name another)\n", given);
            exit(2);
        }
        state_path = given;
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(temp_dir, sizeof temp_dir, "%s/eni-agent.XXXXXX",
             tmp && tmp[0] && strlen(tmp) < 200 ? tmp : "/tmp");
    if (!mkdtemp(temp_dir)) {
        fprintf(stderr, "mkdtemp %s: %s\n", temp_dir, strerror(errno));
        exit(1);
    }
    snprintf(temp_file, sizeof temp_file, "%s/agent.state", temp_dir);
    state_path = temp_file;
}

static void fail(const char *what)
{
    fprintf(stderr, "after the restart: %s\n", what);
    exit(1);
}

/* What the agent sees of the model, to compare across the restart: the
 * number of objects of each kind, and every id in list order. */
struct census {
    uint32_t vpcs, subnets, groups, instances, nics, attachments, eips;
    uint32_t n;       /* ids noted */
    char ids[2048];   /* four to a line */
    size_t len;
};

static void census_id(struct census *c, uint64_t id)
{
    int n = snprintf(c->ids + c->len, sizeof c->ids - c->len, "%s%s",
                     c->n % 4 ? " " : "\n    ", idstr(id));
    if (n > 0)
        c->len += (size_t)n < sizeof c->ids - c->len ? (size_t)n : sizeof c->ids - c->len - 1;
    c->n++;
}

static void census(struct census *c)
{
    memset(c, 0, sizeof *c);
    eni_vpc_id vpcs[4];
    eni_subnet_id subnets[4];
    eni_sg_id groups[4];
    eni_instance_id insts[16];
    eni_nic_id nics[32];
    eni_eip_id eips[4];
    MUST(eni_vpc_list(ctx, vpcs, 4, &c->vpcs));
    MUST(eni_subnet_list(ctx, (eni_vpc_id){0}, subnets, 4, &c->subnets));
    MUST(eni_sg_list(ctx, (eni_vpc_id){0}, groups, 4, &c->groups));
    MUST(eni_instance_list(ctx, NULL, insts, 16, &c->instances));
    MUST(eni_nic_list(ctx, NULL, nics, 32, &c->nics));
    MUST(eni_eip_list(ctx, eips, 4, &c->eips));
    for (uint32_t i = 0; i < c->vpcs && i < 4; i++)
        census_id(c, vpcs[i].v);
    for (uint32_t i = 0; i < c->subnets && i < 4; i++)
        census_id(c, subnets[i].v);
    for (uint32_t i = 0; i < c->groups && i < 4; i++)
        census_id(c, groups[i].v);
    for (uint32_t i = 0; i < c->instances && i < 16; i++)
        census_id(c, insts[i].v);
    for (uint32_t i = 0; i < c->nics && i < 32; i++) {
        eni_nic_info ni = ENI_NIC_INFO_INIT;
        MUST(eni_nic_describe(ctx, nics[i], &ni));
        census_id(c, nics[i].v);
        if (ni.attachment.v) {
            census_id(c, ni.attachment.v);
            c->attachments++;
        }
    }
    for (uint32_t i = 0; i < c->eips && i < 4; i++)
        census_id(c, eips[i].v);
}

static const char *plural(uint32_t n)
{
    return n == 1 ? "" : "s";
}

static void print_census(const char *what, const struct census *c)
{
    printf("  %s: %u VPC%s, %u subnet%s, %u group%s, %u instance%s, %u interface%s (%u "
           "attached), %u Elastic IP%s\n", what, c->vpcs, plural(c->vpcs), c->subnets,
           plural(c->subnets), c->groups, plural(c->groups), c->instances, plural(c->instances),
           c->nics, plural(c->nics), c->attachments, c->eips, plural(c->eips));
}

static uint32_t live_flows(eni_nic_id nic)
{
    uint32_t n;
    MUST(eni_nic_list_flows(ctx, nic, clock_ns, NULL, 0, &n));
    return n;
}

/* One packet through the evaluator at the agent's clock. */
static eni_verdict one_packet(eni_nic_id nic, uint32_t dir, const eni_pkt *pkt)
{
    eni_eval_worker *w;
    MUST(eni_eval_worker_new(ctx, &w));
    eni_verdict v;
    clock_ns += 1000000;
    MUST(eni_eval_burst(w, nic, dir, pkt, 1, clock_ns, 0, &v));
    eni_eval_worker_free(w);
    return v;
}

static void print_packet(const char *what, const eni_pkt *p, eni_verdict v)
{
    char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, p->src, src, sizeof src);
    inet_ntop(AF_INET, p->dst, dst, sizeof dst);
    char addrs[64];
    snprintf(addrs, sizeof addrs, "%s:%u -> %s:%u", src, p->sport, dst, p->dport);
    printf("  %-36s %-36s %s (%s)\n", what, addrs, eni_action_name(v.action),
           eni_reason_name(v.reason));
}

/* Stop as an upgrade would, start again from the state file, and show what
 * came back. nic is the interface that carried traffic. */
static void restart(eni_nic_id nic)
{
    if (!state_path)
        return;
    printf("\n== restart: the agent stops (eni_ctx_free) and starts again from its state file\n");
    struct census before, after;
    census(&before);
    uint32_t flows_before = live_flows(nic);
    print_census("before the stop", &before);
#ifdef ENI_AGENT_SYNC
    /* Stopped without leaving: this host's keys stay in etcd, as they do
     * for an agent that is upgraded (the new one reads its manifest). */
    eni_sync_free(fleet);
    fleet = NULL;
#endif
    eni_ctx_free(ctx); /* a graceful stop: the tracked flows go into the file */
    ctx = NULL;

    open_ctx();
    /* An agent with another backend sets it here (eni_ctx_set_backend, once,
     * despite the restored attachments); this one keeps the mock. */
    eni_state_info si = ENI_STATE_INFO_INIT;
    MUST(eni_ctx_get_state_info(ctx, &si));
    printf("  started again: the file held %llu objects (schema %u) and %llu tracked flows\n",
           (unsigned long long)si.objects_loaded, si.schema, (unsigned long long)si.flows_loaded);
    uint32_t completed, rolled_back;
    MUST(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    printf("  settled with the backend: %u attachments completed, %u rolled back%s\n", completed,
           rolled_back, completed || rolled_back ? "" : " (nothing was in flight)");
    census(&after);
    print_census("model restored", &after);
    if (before.len != after.len || memcmp(before.ids, after.ids, before.len) != 0)
        fail("the ids differ from those before the stop");
    printf("  the same %u ids as before the stop:%s\n", after.n, after.ids);
    uint32_t flows_after = live_flows(nic);
    printf("  flows restored: %u live on %s, %u before the stop\n", flows_after, idstr(nic.v),
           flows_before);
    if (flows_after != flows_before || si.flows_loaded < flows_after)
        fail("flows were lost");

    /* The next packet of a connection established before the stop (the
     * server's ACK), and the same packet for a port no connection used: only
     * the flow table tells them apart, the group admits neither. */
    eni_pkt next = last_reply;
    next.tcp_flags = 0x10; /* ACK */
    eni_verdict v = one_packet(nic, ENI_DIR_INBOUND, &next);
    print_packet("next packet, established connection:", &next, v);
    if (v.action != ENI_ALLOW || v.reason != ENI_REASON_TRACKED)
        fail("the connection's next packet is not tracked");
    eni_pkt stranger = next;
    stranger.dport = 29999; /* traffic() opened ports 30000 and up */
    v = one_packet(nic, ENI_DIR_INBOUND, &stranger);
    print_packet("same packet, no connection:", &stranger, v);
    if (v.action != ENI_DROP)
        fail("a packet of no connection was let in");
#ifdef ENI_AGENT_SYNC
    if (etcd_url)
        fleet_start();
#endif
    poll_events();
}

static int usage(void)
{
#ifdef ENI_AGENT_SYNC
    fprintf(stderr, "usage: eni-agent [--state PATH] [--etcd URL [--host NAME] [--subnet CIDR] "
            "[--linger SECONDS]]\n");
#else
    fprintf(stderr, "usage: eni-agent [--state PATH] (built without libeni-sync: no --etcd)\n");
#endif
    return 2;
}

int main(int argc, char **argv)
{
    const char *state_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--state"))
            state_arg = argv[++i];
#ifdef ENI_AGENT_SYNC
        else if (i + 1 < argc && !strcmp(argv[i], "--etcd"))
            etcd_url = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--host"))
            host_name = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--subnet"))
            subnet_cidr = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--linger"))
            linger_s = atoi(argv[++i]);
#endif
        else
            return usage();
    }
    choose_state_file(state_arg);
    atexit(remove_temp_state);
    open_ctx();
    printf("libeni %s, backend '%s'\n", eni_version_string(), eni_ctx_backend_name(ctx));
    if (!state_path) {
        printf("built without SQLite (-Dstore=disabled): no state file, no restart\n");
    } else {
        eni_state_info si = ENI_STATE_INFO_INIT;
        MUST(eni_ctx_get_state_info(ctx, &si));
        /* The temporary path changes from run to run: not printed. */
        printf("state file %s: new (schema %u); every change below is committed to it\n",
               state_arg ? state_arg : "agent.state in a temporary directory", si.schema);
    }

    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.10.0.0/16";
    const char *subnet_block = "10.10.1.0/24";
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
#ifdef ENI_AGENT_SYNC
    if (etcd_url) {
        /* Every host of the fleet names the VPC and group as EC2 did. */
        vs.id = "vpc-0e7a1b2c3d4e5f601";
        gs.id = "sg-0e7a1b2c3d4e5f602";
        subnet_block = subnet_cidr;
    }
#endif
    eni_vpc_id vpc;
    MUST(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = subnet_block;
    ss.flags = ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH;
    eni_subnet_id subnet;
    MUST(eni_subnet_create(ctx, &ss, &subnet));
    gs.vpc = vpc;
    gs.name = "hpc";
    gs.description = "EFA needs all traffic to and from itself";
    eni_sg_id sg;
    MUST(eni_sg_create(ctx, &gs, &sg));
    eni_sg_rule_spec self = ENI_SG_RULE_SPEC_INIT;
    self.protocol = ENI_PROTO_ALL;
    self.peer_kind = ENI_PEER_GROUP;
    self.group = sg;
    MUST(eni_sg_authorize(ctx, sg, ENI_INGRESS, &self, 1, NULL));
    MUST(eni_sg_authorize(ctx, sg, ENI_EGRESS, &self, 1, NULL));
#ifdef ENI_AGENT_SYNC
    if (etcd_url)
        fleet_start();
#endif

    /* 1. Launch two instances, each with a new interface (cold attach). */
    eni_instance_id web = launch(subnet, "m5.large", sg);
    eni_instance_id hpc = launch(subnet, "c5n.18xlarge", sg);
    table("1. launched m5.large and c5n.18xlarge (cold attach in flight)");
    poll_events();
    MUST(eni_instance_set_state(ctx, web, ENI_INSTANCE_RUNNING));
    MUST(eni_instance_set_state(ctx, hpc, ENI_INSTANCE_RUNNING));
    poll_events();
    table("2. both running; public IPv4 auto-assigned on each primary interface");

    /* 3. Hot-attach a secondary interface to the running web server. */
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    ns.groups = &sg;
    ns.group_count = 1;
    ns.secondary_ip_count = 2;
    ns.description = "web backend";
    eni_nic_id eth1;
    MUST(eni_nic_create(ctx, &ns, &eth1));
    eni_attachment_id eth1_att;
    MUST(eni_nic_attach(ctx, eth1, web, 1, 0, &eth1_att));
    eni_nic_id web_nic;
    poll_events();
    table("3. hot-attached a second interface to the web server");
    {
        eni_attachment_info hp = ENI_ATTACHMENT_INFO_INIT;
        MUST(eni_attachment_describe(ctx, primary_of(hpc), &hp));
        eni_nic_info hn = ENI_NIC_INFO_INIT;
        MUST(eni_nic_describe(ctx, hp.nic, &hn));
        eni_attachment_info wp = ENI_ATTACHMENT_INFO_INIT;
        MUST(eni_attachment_describe(ctx, primary_of(web), &wp));
        printf("\n== 3b. traffic through the web server's primary interface\n");
        traffic(wp.nic, hn.private_ip);
        web_nic = wp.nic;
    }

    /* 4. A device fails under the running web server: the mock removes it. */
    MUST(eni_mock_remove_device(ctx, eth1_att));
    poll_events();
    table("4. the second interface's device vanished: detached, still available");

    /* Halfway: the agent restarts. The ids it holds (web, hpc, sg, ...) stay
     * valid, and the steps below go on with them. The mock's simulated
     * devices lived in the old process, so the new mock has none; a real
     * backend finds its devices where the old process left them. */
    restart(web_nic);

    /* 5. An EFA cannot be hot-attached; stop the HPC node and warm-attach it. */
    eni_nic_spec efa = ENI_NIC_SPEC_INIT;
    efa.subnet = subnet;
    efa.groups = &sg;
    efa.group_count = 1;
    efa.type = ENI_NIC_EFA;
    eni_nic_id efa_nic;
    MUST(eni_nic_create(ctx, &efa, &efa_nic));
    refused(eni_nic_attach(ctx, efa_nic, hpc, 1, 0, NULL), "hot-attach an EFA");
    refused(eni_nic_detach(ctx, primary_of(web), 0), "detach the primary interface");
    MUST(eni_instance_set_state(ctx, hpc, ENI_INSTANCE_STOPPING));
    MUST(eni_instance_set_state(ctx, hpc, ENI_INSTANCE_STOPPED));
    MUST(eni_nic_attach(ctx, efa_nic, hpc, 1, 0, NULL));
    poll_events();
    table("5. stopped the HPC node (public IPv4 released), warm-attached an EFA");

    /* 6. An Elastic IP on the web server's primary address. */
    eni_eip_id eip;
    MUST(eni_eip_allocate(ctx, &eip));
    eni_attachment_info pa = ENI_ATTACHMENT_INFO_INIT;
    MUST(eni_attachment_describe(ctx, primary_of(web), &pa));
    MUST(eni_eip_associate(ctx, eip, pa.nic, NULL, 0, NULL));
    refused(eni_eip_release(ctx, eip), "release an associated Elastic IP");
    table("6. Elastic IP on the web server's primary address (auto public IPv4 released)");

    /* 7. Start the HPC node again, then terminate the web server. */
    MUST(eni_instance_set_state(ctx, hpc, ENI_INSTANCE_PENDING));
    MUST(eni_instance_set_state(ctx, hpc, ENI_INSTANCE_RUNNING));
    MUST(eni_instance_set_state(ctx, web, ENI_INSTANCE_SHUTTING_DOWN));
    refused(eni_instance_set_state(ctx, web, ENI_INSTANCE_TERMINATED),
            "terminate before the detaches finish");
    poll_events();
    MUST(eni_instance_set_state(ctx, web, ENI_INSTANCE_TERMINATED));
    poll_events();
    table("7. HPC node started (two interfaces: no new public IPv4); web server terminated");
    eni_eip_info ei = ENI_EIP_INFO_INIT;
    MUST(eni_eip_describe(ctx, eip, &ei));
    printf("  Elastic IP %s %s is still allocated, associated with: %s\n", idstr(eip.v),
           ei.public_ip, idstr(ei.nic.v));

#ifdef ENI_AGENT_SYNC
    fleet_finish(sg);
#endif
    MUST(eni_ctx_check(ctx)); /* with a state file: it also holds what memory holds */
    printf("\ninvariants hold%s\n", state_path ? "; the state file holds the same model" : "");
    eni_ctx_free(ctx);
    if (state_arg && state_path)
        printf("state file kept: %s (docs/persistence.md, \"Looking inside\")\n", state_arg);
    return 0;
}
