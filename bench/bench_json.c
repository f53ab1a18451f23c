/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench's JSON writer (bench_json.h): the run's metadata (machine,
 * build, settings) first, then the records as they are measured. */
#include <eni.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_json.h"
#include "bench_util.h"
#include "bench_vcs.h"
#include "peer.h"

static FILE *json;
static bool first = true;
static char params[160];

/* A JSON string (quotes, backslashes and control characters escaped). */
static void json_str(const char *v)
{
    fputc('"', json);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++)
        if (*c == '"' || *c == '\\')
            fprintf(json, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(json, "\\u%04x", *c);
        else
            fputc(*c, json);
    fputc('"', json);
}

static void member(const char *name, const char *v, const char *sep)
{
    fprintf(json, "    \"%s\": ", name);
    json_str(v);
    fprintf(json, "%s\n", sep);
}

/* The CPU's model name from /proc/cpuinfo ("model name", or the first of
 * "Hardware", "cpu model", "Processor" elsewhere), or "unknown". */
static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    static const char *const keys[] = {"model name", "Hardware", "cpu model", "Processor"};
    size_t best = sizeof keys / sizeof keys[0];
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        for (size_t k = 0; k < best; k++)
            if (!strncmp(line, keys[k], strlen(keys[k]))) {
                char *v = colon + 1 + strspn(colon + 1, " \t");
                v[strcspn(v, "\n")] = 0;
                if (*v) {
                    snprintf(out, len, "%s", v);
                    best = k;
                }
                break;
            }
    }
    fclose(f);
}

bool json_open(const char *path, const struct json_run *run)
{
    if (!(json = fopen(path, "w")))
        return false;
    char cpu[256], date[32];
    cpu_model(cpu, sizeof cpu);
    time_t t = time(NULL);
    struct tm tm;
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    fprintf(json, "{\n  \"meta\": {\n");
    member("program", "eni-bench", ",");
    member("libeni_version", eni_version_string(), ",");
    member("git_commit", ENI_BENCH_GIT_COMMIT, ",");
    member("cpu_model", cpu, ",");
    fprintf(json, "    \"cpus\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
    member("peer", peer_available() ? "dpdk" : "none", ",");
    fprintf(json, "    \"repetitions\": %d,\n", bench_reps);
    fprintf(json, "    \"quick\": %s,\n", run->quick ? "true" : "false");
    fprintf(json, "    \"established_flows\": %u,\n", run->flows);
    member("only", run->only ? run->only : "all", ",");
    member("shapes", run->shapes ? run->shapes : "all", ",");
    member("date", date, "");
    fprintf(json, "  },\n  \"results\": [");
    return true;
}

bool json_close(void)
{
    if (!json)
        return true;
    fprintf(json, "\n  ]\n}\n");
    bool ok = !ferror(json);
    return fclose(json) == 0 && ok;
}

void json_params(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(params, sizeof params, fmt, ap);
    va_end(ap);
}

void json_params_clear(void)
{
    params[0] = 0;
}

void emit(const char *scenario, const char *metric, double v)
{
    if (!json)
        return;
    fprintf(json, "%s\n    {\"scenario\": \"%s\", \"metric\": \"%s\", \"value\": %.3f%s%s}",
            first ? "" : ",", scenario, metric, v, params[0] ? ", " : "", params);
    first = false;
}
