/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A small hypervisor agent on the mock backend: it launches instances with
 * cold-attached interfaces, hot-attaches an interface to a running instance,
 * warm-attaches an EFA to a stopped one, associates an Elastic IP, stops,
 * starts and terminates, and prints the host's state after each step,
 * refusals included with their EC2 error codes. Built as `eni-agent`.
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
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef ENI_AGENT_SYNC
#include "eni_sync.h"
#endif

static eni_ctx *ctx;
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
    uint64_t now = 1000000000ull;
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
    }
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

static int usage(void)
{
#ifdef ENI_AGENT_SYNC
    fprintf(stderr, "usage: eni-agent [--etcd URL [--host NAME] [--subnet CIDR] [--linger SECONDS]]\n");
#else
    fprintf(stderr, "usage: eni-agent (built without libeni-sync: no --etcd)\n");
#endif
    return 2;
}

int main(int argc, char **argv)
{
    (void)argv;
    for (int i = 1; i < argc; i++) {
#ifdef ENI_AGENT_SYNC
        if (i + 1 < argc && !strcmp(argv[i], "--etcd"))
            etcd_url = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--host"))
            host_name = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--subnet"))
            subnet_cidr = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--linger"))
            linger_s = atoi(argv[++i]);
        else
#endif
            return usage();
    }
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 7;
    MUST(eni_ctx_new(&opts, &ctx));
    printf("libeni %s, backend '%s'\n", eni_version_string(), eni_ctx_backend_name(ctx));

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
    }

    /* 4. An EFA cannot be hot-attached; stop the HPC node and warm-attach it. */
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
    table("4. stopped the HPC node (public IPv4 released), warm-attached an EFA");

    /* 5. An Elastic IP on the web server's primary address. */
    eni_eip_id eip;
    MUST(eni_eip_allocate(ctx, &eip));
    eni_attachment_info pa = ENI_ATTACHMENT_INFO_INIT;
    MUST(eni_attachment_describe(ctx, primary_of(web), &pa));
    MUST(eni_eip_associate(ctx, eip, pa.nic, NULL, 0, NULL));
    refused(eni_eip_release(ctx, eip), "release an associated Elastic IP");
    table("5. Elastic IP on the web server's primary address (auto public IPv4 released)");

    /* 6. A device fails under the running web server: the mock removes it. */
    MUST(eni_mock_remove_device(ctx, eth1_att));
    poll_events();
    table("6. the second interface's device vanished: detached, still available");

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
    MUST(eni_ctx_check(ctx));
    printf("\ninvariants hold\n");
    eni_ctx_free(ctx);
    return 0;
}
