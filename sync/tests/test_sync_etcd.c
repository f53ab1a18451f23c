/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Three hosts and one etcd, end to end (TAP). Each host is a sync_agent
 * process with its own ctx; they share the VPC, subnet and groups by the
 * ids EC2 gave. Host A's instance is in `app`; B's and C's databases allow
 * TCP 5432 from `app`. A packet from A's address is dropped on B before A
 * publishes and allowed after; etcd is killed and restarted while A keeps
 * changing, and every host keeps enforcing and converges; A's interface
 * leaving `app` drops new flows while the tracked one goes on; deleted and
 * moved interfaces disappear; prefixes delegated on A (a /28 and an /80)
 * are admitted whole on B, nothing beside them, and taken back; a living
 * host whose keys someone deleted writes them back; a restarted host drops
 * the keys it no longer wants; a crashed host's keys stay until the
 * operator forgets it; a host that leaves removes its keys. Every wait has
 * a deadline; processes and the temp dir go on every exit path. Skipped
 * (77) only when there is no etcd binary. */
#include "eni_sync.h"
#include "etcd.h" /* the test's own requests: a compaction */
#include "etcd_proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WAIT_MS 15000

struct agent {
    const char *name;
    pid_t pid;
    int in, out;
    char buf[4096];
    size_t len;
};

static struct etcd_proc etcd;
static struct agent agents[3] = {{.name = "host-a"}, {.name = "host-b"}, {.name = "host-c"}};
static struct agent *const A = &agents[0], *const B = &agents[1], *const C = &agents[2];
static char dir[256];
static const char *agent_bin;
static int step, failed, port = 40000;
static long long started;

static void cleanup(void)
{
    for (int i = 0; i < 3; i++)
        if (agents[i].pid > 0) {
            kill(agents[i].pid, SIGKILL);
            waitpid(agents[i].pid, NULL, 0);
            agents[i].pid = 0;
        }
    etcd_proc_kill(&etcd);
    if (dir[0])
        etcd_proc_rmdir(dir);
    dir[0] = 0;
}

static void on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - [%5.2f s] ", cond ? "ok" : "not ok", ++step,
           (double)(etcd_proc_now_ms() - started) / 1000);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
    failed += !cond;
}

static void bail(const char *why)
{
    printf("Bail out! %s\n", why);
    cleanup();
    exit(1);
}

static void start_agent(struct agent *a)
{
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        bail("pipe");
    a->pid = fork();
    if (a->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        /* C is given a dead member first: it must move on to the live one. */
        char endpoints[160];
        snprintf(endpoints, sizeof endpoints, "%s%s", a == C ? "http://127.0.0.1:1," : "",
                 etcd.url);
        execl(agent_bin, agent_bin, "--etcd", endpoints, "--host", a->name, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    a->in = in[1];
    a->out = out[0];
    a->len = 0;
}

/* One command, one answer line, within WAIT_MS; an agent that dies or
 * hangs ends the test (nothing after it would mean anything). */
static const char *ask_or_null(struct agent *a, const char *fmt, va_list ap);

static const char *ask(struct agent *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *r = ask_or_null(a, fmt, ap);
    va_end(ap);
    if (!r) {
        char why[96];
        snprintf(why, sizeof why, "%s did not answer (crashed or hung)", a->name);
        bail(why);
    }
    return r;
}

static const char *ask_or_null(struct agent *a, const char *fmt, va_list ap)
{
    static char answer[4096];
    char cmd[512];
    int n = vsnprintf(cmd, sizeof cmd - 1, fmt, ap);
    cmd[n++] = '\n';
    if (a->pid <= 0 || write(a->in, cmd, (size_t)n) != n)
        return NULL;
    long long deadline = etcd_proc_now_ms() + WAIT_MS;
    for (;;) {
        char *nl = memchr(a->buf, '\n', a->len);
        if (nl) {
            size_t used = (size_t)(nl - a->buf) + 1;
            snprintf(answer, sizeof answer, "%.*s", (int)used - 1, a->buf);
            memmove(a->buf, nl + 1, a->len - used);
            a->len -= used;
            return answer;
        }
        struct pollfd p = {.fd = a->out, .events = POLLIN};
        long long left = deadline - etcd_proc_now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return NULL;
        ssize_t r = read(a->out, a->buf + a->len, sizeof a->buf - a->len - 1);
        if (r <= 0)
            return NULL;
        a->len += (size_t)r;
    }
}

static int is(const char *answer, const char *want)
{
    return answer && !strcmp(answer, want);
}

/* A new inbound TCP flow (SYN from a fresh port) on @p nic from @p peer. */
static const char *syn(struct agent *a, const char *nic, const char *peer)
{
    return ask(a, "eval %s in %s %d 02", nic, peer, port++);
}

/* Poll until a new flow from @p peer gets @p want; the milliseconds it took, or -1. */
static long long until(struct agent *a, const char *nic, const char *peer, const char *want)
{
    long long t0 = etcd_proc_now_ms();
    while (etcd_proc_now_ms() - t0 < WAIT_MS) {
        const char *r = syn(a, nic, peer);
        if (!r)
            return -1;
        if (!strcmp(r, want))
            return etcd_proc_now_ms() - t0;
        usleep(10000);
    }
    return -1;
}

/* Ask until the answer is @p want (bounded). */
static int until_answer(struct agent *a, const char *cmd, const char *want)
{
    long long t0 = etcd_proc_now_ms();
    while (etcd_proc_now_ms() - t0 < WAIT_MS) {
        if (is(ask(a, "%s", cmd), want))
            return 1;
        usleep(10000);
    }
    return 0;
}

static int stat_of(struct agent *a, const char *name)
{
    const char *s = ask(a, "stats");
    const char *at = s ? strstr(s, name) : NULL;
    return at ? atoi(at + strlen(name) + 1) : -1;
}

static int until_stat(struct agent *a, const char *name, int want)
{
    long long t0 = etcd_proc_now_ms();
    while (etcd_proc_now_ms() - t0 < WAIT_MS) {
        if (stat_of(a, name) == want)
            return 1;
        usleep(20000);
    }
    return 0;
}

/* The counter is shared when the sync thread ends its step, a moment after
 * the write other hosts may already have seen: wait for it (bounded). */
static int until_stat_at_least(struct agent *a, const char *name, int want)
{
    long long t0 = etcd_proc_now_ms();
    while (etcd_proc_now_ms() - t0 < WAIT_MS) {
        if (stat_of(a, name) >= want)
            return 1;
        usleep(20000);
    }
    return 0;
}

static int alive(struct agent *a)
{
    return a->pid > 0 && waitpid(a->pid, NULL, WNOHANG) == 0;
}

static int exited_cleanly(struct agent *a)
{
    int status = -1;
    long long t0 = etcd_proc_now_ms();
    while (etcd_proc_now_ms() - t0 < WAIT_MS) {
        pid_t r = waitpid(a->pid, &status, WNOHANG);
        if (r == a->pid) {
            a->pid = 0;
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        }
        usleep(10000);
    }
    return 0;
}

/* Two writes outside the groups, then a compaction at the second's
 * revision: whatever B's watch would resume from is below it. */
static int compact_now(void)
{
    struct etcd e;
    int64_t rev = 0;
    if (etcd_open(&e, etcd.url, 5000, NULL))
        return 0;
    for (int i = 0; i < 2; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "key", etcd_bytes_json("/libeni/v1/test/compact"));
        json_object_set_new(r, "value", etcd_bytes_json(i ? "y" : "x"));
        json_t *a = etcd_call(&e, "/v3/kv/put", r);
        rev = a ? etcd_revision(a) : 0;
        json_decref(a);
    }
    json_t *c = json_object();
    json_object_set_new(c, "revision", json_integer(rev));
    json_object_set_new(c, "physical", json_true());
    json_t *a = rev ? etcd_call(&e, "/v3/kv/compaction", c) : (json_decref(c), NULL);
    etcd_close(&e);
    json_decref(a);
    return a != NULL;
}

struct listing {
    int a, c;
};

static void on_host(const char *host, uint32_t groups, int64_t rev, void *ud)
{
    struct listing *l = ud;
    (void)groups, (void)rev;
    l->a |= !strcmp(host, "host-a");
    l->c |= !strcmp(host, "host-c");
}

#define NIC_A1 "eni-0a00000000000a001"
#define NIC_A2 "eni-0a00000000000a002"
#define NIC_M "eni-0a00000000000a003"
#define NIC_B "eni-0b00000000000b001"
#define NIC_C "eni-0c00000000000c001"

static void scenario(void)
{
    long long ms;
    ok(is(ask(B, "launch " NIC_B " 10.0.1.20 2001:db8:0:100::20 db"), "ok"), "B: database up");
    ok(is(ask(C, "launch " NIC_C " 10.0.1.30 2001:db8:0:100::30 db"), "ok"), "C: database up");
    ok(is(syn(B, NIC_B, "10.0.1.10"), "no-rule"), "B drops 10.0.1.10 before A publishes");

    ok(is(ask(A, "launch " NIC_A1 " 10.0.1.10 2001:db8:0:100::10 app"), "ok"), "A: app up");
    ms = until(B, NIC_B, "10.0.1.10", "rule");
    ok(ms >= 0, "B allows A's address (%lld ms)", ms);
    ok(until(C, NIC_C, "10.0.1.10", "rule") >= 0, "C allows A's address");
    ok(is(syn(B, NIC_B, "2001:db8:0:100::10"), "rule"), "B allows A's IPv6 address");
    ok(is(ask(B, "eval " NIC_B " in 10.0.1.10 39999 02"), "rule") &&
           is(ask(B, "eval " NIC_B " out 10.0.1.10 39999 12"), "tracked") &&
           is(ask(B, "eval " NIC_B " in 10.0.1.10 39999 10"), "tracked"),
       "B: a connection from A is established");

    /* etcd goes away while A changes; every host keeps enforcing. */
    etcd_proc_kill(&etcd);
    ok(is(ask(A, "launch " NIC_A2 " 10.0.1.11 2001:db8:0:100::11 app"), "ok"),
       "A: a second app instance while etcd is down");
    ok(until_stat(B, "connected", 0), "B notices etcd is gone");
    ok(is(syn(B, NIC_B, "10.0.1.10"), "rule"), "B still allows A's address (last known members)");
    ok(is(syn(B, NIC_B, "10.0.1.11"), "no-rule"), "B cannot know A's new address yet");
    /* B sleeps through the restart and a compaction past its watch's
     * revision: it must read the group whole, not miss A's change. */
    kill(B->pid, SIGSTOP);
    ok(etcd_proc_start(&etcd, etcd.bin, etcd.dir, WAIT_MS) == 0, "etcd restarted");
    ok(compact_now(), "etcd history compacted while B sleeps");
    kill(B->pid, SIGCONT);
    ms = until(B, NIC_B, "10.0.1.11", "rule");
    ok(ms >= 0, "B converges after the restart (%lld ms)", ms);
    ok(until(C, NIC_C, "10.0.1.11", "rule") >= 0, "C converges after the restart");
    ok(alive(A) && alive(B) && alive(C), "no agent crashed");
    ok(stat_of(A, "reconnects") >= 1 && stat_of(B, "reconnects") >= 1, "A and B reconnected");
    ok(stat_of(B, "compactions") >= 1, "B found its revision compacted and read the group whole");

    ok(is(ask(A, "groups " NIC_A1 " default"), "ok"), "A: its first interface leaves app");
    ok(until(B, NIC_B, "10.0.1.10", "no-rule") >= 0, "B drops new flows from it");
    ok(is(ask(B, "eval " NIC_B " in 10.0.1.10 39999 10"), "tracked"),
       "B: the established connection goes on");
    ok(is(syn(B, NIC_B, "10.0.1.11"), "rule"), "B still allows A's other member");

    ok(is(ask(A, "terminate " NIC_A2), "ok"), "A: the second instance terminated");
    ok(until(B, NIC_B, "10.0.1.11", "no-rule") >= 0, "B drops the deleted interface's address");
    ok(until_answer(B, "remote app", ""), "B has no members of app from A any more");

    ok(is(ask(A, "launch " NIC_M " 10.0.1.12 2001:db8:0:100::12 app"), "ok") &&
           until(B, NIC_B, "10.0.1.12", "rule") >= 0,
       "an interface on A is allowed on B");
    ok(is(ask(A, "terminate " NIC_M), "ok") &&
           is(ask(C, "launch " NIC_M " 10.0.1.12 2001:db8:0:100::12 app,db"), "ok"),
       "the interface moves from A to C");
    ok(until_answer(B, "remote app", "host-c=10.0.1.12,2001:db8:0:100::12"),
       "B sees it on C only");

    ok(is(ask(A, "groups " NIC_A1 " app"), "ok") && until(B, NIC_B, "10.0.1.10", "rule") >= 0,
       "A's first interface back in app");

    /* Prefix delegation (D35): a prefix assigned on A admits its whole range
     * on B, exactly as a local member's prefix would, and nothing beside it. */
    ok(is(ask(A, "prefix " NIC_A1 " 10.0.1.64/28"), "ok") &&
           is(ask(A, "prefix " NIC_A1 " 2001:db8:0:100:a::/80"), "ok"),
       "A: a /28 and an /80 delegated to its app interface");
    ms = until(B, NIC_B, "10.0.1.70", "rule");
    ok(ms >= 0, "B allows an address inside A's /28 (%lld ms)", ms);
    ok(is(syn(B, NIC_B, "10.0.1.64"), "rule") && is(syn(B, NIC_B, "10.0.1.79"), "rule"),
       "B allows the /28's first and last addresses");
    ok(is(syn(B, NIC_B, "10.0.1.63"), "no-rule") && is(syn(B, NIC_B, "10.0.1.80"), "no-rule"),
       "B drops the addresses just outside the /28");
    ok(until(B, NIC_B, "2001:db8:0:100:a::1", "rule") >= 0 &&
           is(syn(B, NIC_B, "2001:db8:0:100:a:ffff:ffff:ffff"), "rule"),
       "B allows addresses inside A's /80");
    ok(is(syn(B, NIC_B, "2001:db8:0:100:b::"), "no-rule") &&
           is(syn(B, NIC_B, "2001:db8:0:100:9:ffff:ffff:ffff"), "no-rule"),
       "B drops the addresses just outside the /80");
    ok(until_answer(C, "remote app",
                    "host-a=10.0.1.10,2001:db8:0:100::10,10.0.1.64/28,2001:db8:0:100:a::/80"),
       "C holds A's addresses and prefixes");
    ok(is(ask(A, "unprefix " NIC_A1 " 10.0.1.64/28"), "ok") &&
           until(B, NIC_B, "10.0.1.70", "no-rule") >= 0,
       "A takes its /28 back: B drops new flows from it");
    ok(is(syn(B, NIC_B, "2001:db8:0:100:a::1"), "rule") && is(syn(B, NIC_B, "10.0.1.10"), "rule"),
       "B still allows A's /80 and address");
    /* Someone else deletes a living host's keys (the operator's mistake):
     * its audit notices and writes them back. */
    uint32_t n = 0;
    int rc = eni_sync_forget_host(etcd.url, "host-a", NULL, &n);
    ok(rc == ENI_OK && until(B, NIC_B, "10.0.1.10", "no-rule") >= 0,
       "a living host forgotten: B drops its members");
    ok(until(B, NIC_B, "10.0.1.10", "rule") >= 0 && until_stat_at_least(A, "conflicts", 1),
       "A writes its keys back");
    /* A restarted process of A with an empty model removes the keys it no
     * longer wants (its manifest lists them); keys outlive a plain exit. */
    ok(is(ask(A, "quit"), "bye") && exited_cleanly(A), "A exits without leaving");
    ok(is(syn(B, NIC_B, "10.0.1.10"), "rule"), "B still allows A's members");
    start_agent(A);
    ok(until(B, NIC_B, "10.0.1.10", "no-rule") >= 0, "A restarted without them: B drops them");
    ok(is(ask(A, "launch " NIC_A1 " 10.0.1.10 2001:db8:0:100::10 app"), "ok") &&
           until(B, NIC_B, "10.0.1.10", "rule") >= 0,
       "A launches it again: B allows it");

    /* A crash: A's keys stay (its instances may still run) until forgotten. */
    kill(A->pid, SIGKILL);
    waitpid(A->pid, NULL, 0);
    A->pid = 0;
    struct listing l = {0};
    ok(eni_sync_list_hosts(etcd.url, NULL, on_host, &l) == ENI_OK && l.a && l.c,
       "a crashed host's keys stay");
    ok(is(syn(B, NIC_B, "10.0.1.10"), "rule"), "B still allows the crashed host's members");
    rc = eni_sync_forget_host(etcd.url, "host-a", NULL, &n);
    ok(rc == ENI_OK && n == 1, "the operator forgets host-a (%u key)", n);
    ok(until(B, NIC_B, "10.0.1.10", "no-rule") >= 0, "B drops the forgotten host's members");

    /* A clean leave removes C's keys. */
    ok(is(ask(C, "leave"), "bye") && exited_cleanly(C), "C leaves and exits cleanly");
    ok(until(B, NIC_B, "10.0.1.12", "no-rule") >= 0, "B drops C's members");
    l = (struct listing){0};
    ok(eni_sync_list_hosts(etcd.url, NULL, on_host, &l) == ENI_OK && !l.a && !l.c,
       "no keys of A or C are left");
    ok(is(ask(B, "quit"), "bye") && exited_cleanly(B), "B exits cleanly");
}

int main(int argc, char **argv)
{
    const char *bin = etcd_find();
    if (!bin) {
        printf("1..0 # SKIP no etcd binary (Debian: etcd-server; or set ENI_ETCD)\n");
        return 77;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: test_sync_etcd SYNC_AGENT\n");
        return 2;
    }
    agent_bin = argv[1];
    started = etcd_proc_now_ms();
    signal(SIGPIPE, SIG_IGN); /* a dead agent is an answer of NULL, not a signal */
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    atexit(cleanup);
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/eni-sync-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        dir[0] = 0;
        bail("mkdtemp");
    }
    if (etcd_proc_start(&etcd, bin, dir, WAIT_MS))
        bail("etcd did not start");
    printf("# etcd %s in %s\n", etcd.url, dir);
    for (int i = 0; i < 3; i++)
        start_agent(&agents[i]);
    scenario();
    printf("1..%d\n", step);
    cleanup();
    return failed ? 1 : 0;
}
