/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Starting and killing a one-member etcd 3.4 on loopback, and removing its
 * directory afterwards (etcd_proc.h). */
#include "etcd_proc.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long long etcd_proc_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

const char *etcd_find(void)
{
    static char path[512];
    const char *env = getenv("ENI_ETCD");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *p = getenv("PATH");
    while (p && *p) {
        size_t n = strcspn(p, ":");
        snprintf(path, sizeof path, "%.*s/etcd", (int)n, p);
        if (n && access(path, X_OK) == 0)
            return path;
        p += n + (p[n] == ':');
    }
    return NULL;
}

/* A port the kernel just handed out on 127.0.0.1 (free unless raced). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static size_t discard(char *d, size_t s, size_t n, void *u)
{
    (void)d, (void)u;
    return s * n;
}

static int answers(const struct etcd_proc *p)
{
    char url[128];
    snprintf(url, sizeof url, "%s/v3/kv/range", p->url);
    CURL *h = curl_easy_init();
    long code = 0;
    if (!h)
        return 0;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{\"key\":\"AA==\"}");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(h);
    return code == 200;
}

static pid_t spawn(const struct etcd_proc *p)
{
    char data[300], log[300], client[64], peer[64], cluster[80];
    snprintf(data, sizeof data, "%s/data", p->dir);
    snprintf(log, sizeof log, "%s/etcd.log", p->dir);
    snprintf(client, sizeof client, "http://127.0.0.1:%d", p->client_port);
    snprintf(peer, sizeof peer, "http://127.0.0.1:%d", p->peer_port);
    snprintf(cluster, sizeof cluster, "t=%s", peer);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
    }
    execl(p->bin, p->bin, "--name", "t", "--data-dir", data, "--listen-client-urls", client,
          "--advertise-client-urls", client, "--listen-peer-urls", peer,
          "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster, "--logger",
          "zap", "--log-level", "error", "--heartbeat-interval", "20", "--election-timeout",
          "200", (char *)NULL);
    _exit(127);
}

int etcd_proc_start(struct etcd_proc *p, const char *bin, const char *dir, int timeout_ms)
{
    static int curl_ready;
    if (!curl_ready++)
        curl_global_init(CURL_GLOBAL_DEFAULT);
    int first = p->pid == 0 && p->client_port == 0;
    if (first) {
        memset(p, 0, sizeof *p);
        p->bin = bin;
        snprintf(p->dir, sizeof p->dir, "%s", dir);
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        if (first) {
            p->client_port = free_port();
            p->peer_port = free_port();
            snprintf(p->url, sizeof p->url, "http://127.0.0.1:%d", p->client_port);
        }
        p->pid = spawn(p);
        if (p->pid < 0)
            return -1;
        long long deadline = etcd_proc_now_ms() + timeout_ms;
        int status;
        while (etcd_proc_now_ms() < deadline) {
            if (answers(p))
                return 0;
            if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
                p->pid = 0; /* exited: most likely a port taken meanwhile */
                break;
            }
            usleep(20000);
        }
        etcd_proc_kill(p);
        if (!first)
            usleep(200000); /* a restart: the old ports free up */
    }
    return -1;
}

void etcd_proc_kill(struct etcd_proc *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGKILL);
        waitpid(p->pid, NULL, 0);
    }
    p->pid = 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void etcd_proc_rmdir(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
