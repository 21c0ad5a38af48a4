/*
 * virtlab-probe: the in-guest probe of Virtlab's default guest image (and, as the copy the image
 * build leaves beside the image, of the lab's host world: docs/LAB.md).
 *
 * One static binary (C99 + Linux/glibc calls, no other dependencies), run by the manager
 * through qemu-ga's guest-exec. Every subcommand prints one JSON object per line on stdout;
 * errors are printed as {"error":"..."} on stdout (exit status 1), usage goes to stderr
 * (exit status 2).
 *
 *   virtlab-probe info                      CPU, memory and clock facts, one line
 *   virtlab-probe watch [INTERVAL_MS] [COUNT]
 *                                           samples every INTERVAL_MS (default 100) and prints
 *                                           the info line (plus "seq") at start and whenever
 *                                           nproc/affinity/online/memtotal changed; stops after
 *                                           COUNT samples (0, the default: never), so a
 *                                           bounded run lasts about COUNT x INTERVAL_MS
 *   virtlab-probe hold MIB [SECONDS]        allocate and touch MIB MiB, print {"held_mib":N},
 *                                           hold it SECONDS (default forever); SIGTERM/SIGINT
 *                                           free it and exit 0 after {"released_mib":N}
 *   virtlab-probe version                   {"probe":"virtlab-probe","version":2}
 *   virtlab-probe pmu                       (pmu.c) the guest's PMU: driver line, arch_perfmon,
 *                                           event sources, perf_event_open of each event
 *   virtlab-probe heartbeat INTERVAL_MS FILE, heartbeat-report FILE, pattern MIB FILE [MIBPS],
 *                 pattern-verify FILE       (migrate.c) migration downtime and corruption probes
 *   virtlab-probe run OUT -- CMD [ARG...]   (lab.c) the lab's runner: CMD's stdout/stderr lines,
 *                                           start and exit as stamped lines in OUT; exits as CMD
 *   virtlab-probe sample INTERVAL_MS OUT    (lab.c) the lab's sampler: a JSON line of CPU, memory
 *                                           and clock facts in OUT every INTERVAL_MS until SIGTERM
 *
 * Built by guest/build-image.sh with `gcc -std=c99 -static -O2 -s -Wall -Wextra`, installed as
 * /usr/bin/virtlab-probe and copied beside the image as virtlab-probe. Every .c file in
 * guest/probe is part of it; a subcommand is a cmd_xxx() function declared in probe.h and a line
 * in the table in main(). Helpers shared between the files (read_line, json_string,
 * print_error, parse_count, read_info) are declared in probe.h too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define PROBE_VERSION 2

/* ---- small helpers ------------------------------------------------------------------- */

/* Reads the first line of a (sysfs) file into buf without the newline; "" if unreadable. */
void read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (!f)
        return;
    if (fgets(buf, (int)size, f)) {
        size_t n = strlen(buf);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
            buf[--n] = '\0';
    }
    fclose(f);
}

/* Prints s as a JSON string literal (with quotes). */
void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", out);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

int print_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("{\"error\":", stdout);
    json_string(stdout, msg);
    fputs("}\n", stdout);
    fflush(stdout);
    return 1;
}

static long long timespec_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0)
        return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Parses a non-negative decimal number; returns -1 if s is not one. */
long long parse_count(const char *s)
{
    char *end;
    long long v;
    if (!s || !*s)
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return -1;
    return v;
}

/* ---- info ---------------------------------------------------------------------------- */

/* struct info is in probe.h (lab.c's sampler reads it too). */

static long long meminfo_kib(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p)
        return -1;
    p += strlen(key);
    while (*p == ' ' || *p == ':')
        p++;
    return strtoll(p, NULL, 10);
}

void read_info(struct info *in)
{
    char buf[4096];
    size_t n = 0;
    FILE *f;
    cpu_set_t set;

    memset(in, 0, sizeof *in);
    in->nproc = sysconf(_SC_NPROCESSORS_ONLN);
    CPU_ZERO(&set);
    in->affinity = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
    read_line("/sys/devices/system/cpu/online", in->online, sizeof in->online);
    read_line("/sys/devices/system/cpu/present", in->present, sizeof in->present);
    read_line("/sys/devices/system/cpu/possible", in->possible, sizeof in->possible);
    read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
              in->clocksource, sizeof in->clocksource);

    buf[0] = '\0';
    if ((f = fopen("/proc/meminfo", "r")) != NULL) {
        n = fread(buf, 1, sizeof buf - 1, f);
        buf[n] = '\0';
        fclose(f);
    }
    /* Keys are matched with their leading newline (or start of text for MemTotal). */
    in->memtotal_kib = meminfo_kib(buf, "MemTotal");
    in->memfree_kib = meminfo_kib(buf, "\nMemFree");
    in->memavailable_kib = meminfo_kib(buf, "\nMemAvailable");

    read_line("/proc/uptime", buf, sizeof buf);
    in->uptime_s = strtod(buf, NULL);
    in->mono_ns = timespec_ns(CLOCK_MONOTONIC);
    in->realtime_ns = timespec_ns(CLOCK_REALTIME);
}

/* Prints the info object; seq < 0 means "no seq field". */
static void print_info(const struct info *in, long long seq)
{
    FILE *o = stdout;
    fputc('{', o);
    if (seq >= 0)
        fprintf(o, "\"seq\":%lld,", seq);
    fprintf(o, "\"nproc\":%ld,\"affinity\":%d,", in->nproc, in->affinity);
    fputs("\"online\":", o);
    json_string(o, in->online);
    fputs(",\"present\":", o);
    json_string(o, in->present);
    fputs(",\"possible\":", o);
    json_string(o, in->possible);
    fprintf(o, ",\"memtotal_kib\":%lld,\"memavailable_kib\":%lld,\"memfree_kib\":%lld,",
            in->memtotal_kib, in->memavailable_kib, in->memfree_kib);
    fputs("\"clocksource\":", o);
    json_string(o, in->clocksource);
    fprintf(o, ",\"uptime_s\":%.2f,\"mono_ns\":%lld,\"realtime_ns\":%lld}\n",
            in->uptime_s, in->mono_ns, in->realtime_ns);
    fflush(o);
}

static int cmd_info(int argc, char **argv)
{
    struct info in;
    (void)argc;
    (void)argv;
    read_info(&in);
    print_info(&in, -1);
    return 0;
}

/* ---- watch --------------------------------------------------------------------------- */

static int info_changed(const struct info *a, const struct info *b)
{
    return a->nproc != b->nproc || a->affinity != b->affinity ||
           strcmp(a->online, b->online) != 0 || a->memtotal_kib != b->memtotal_kib;
}

static void sleep_ms(long long ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int cmd_watch(int argc, char **argv)
{
    long long interval_ms = 100, count = 0, samples = 1, seq = 0;
    struct info last, now;

    if (argc > 0 && (interval_ms = parse_count(argv[0])) <= 0)
        return print_error("watch: INTERVAL_MS must be a positive integer");
    if (argc > 1 && (count = parse_count(argv[1])) < 0)
        return print_error("watch: COUNT must be a non-negative integer");

    read_info(&last);
    print_info(&last, seq++);
    for (; count == 0 || samples < count; samples++) {
        sleep_ms(interval_ms);
        read_info(&now);
        if (info_changed(&now, &last)) {
            print_info(&now, seq++);
            last = now;
        }
    }
    return 0;
}

/* ---- hold ---------------------------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int cmd_hold(int argc, char **argv)
{
    long long mib, seconds = -1;
    size_t bytes, page = (size_t)sysconf(_SC_PAGESIZE), off;
    unsigned char *mem;
    struct sigaction sa;
    struct timespec start;

    if (argc < 1 || (mib = parse_count(argv[0])) <= 0)
        return print_error("hold: MIB must be a positive integer");
    if (argc > 1 && (seconds = parse_count(argv[1])) < 0)
        return print_error("hold: SECONDS must be a non-negative integer");

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    bytes = (size_t)mib << 20;
    mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return print_error("hold: mmap of %lld MiB failed: %s", mib, strerror(errno));
    /* A non-zero byte per page, so no page stays the shared zero page. */
    for (off = 0; off < bytes && !stop_requested; off += page)
        mem[off] = (unsigned char)(1 + (off / page) % 255);
    if (!stop_requested) {
        printf("{\"held_mib\":%lld}\n", mib);
        fflush(stdout);
    }

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!stop_requested) {
        if (seconds >= 0) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec - start.tv_sec >= seconds &&
                (now.tv_sec - start.tv_sec > seconds || now.tv_nsec >= start.tv_nsec))
                break;
            sleep_ms(50);
        } else {
            pause(); /* returns after a signal handler ran */
        }
    }
    munmap(mem, bytes);
    printf("{\"released_mib\":%lld}\n", mib);
    fflush(stdout);
    return 0;
}

/* ---- version and main ---------------------------------------------------------------- */

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("{\"probe\":\"virtlab-probe\",\"version\":%d}\n", PROBE_VERSION);
    return 0;
}

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    {"info", cmd_info, "info"},
    {"watch", cmd_watch, "watch [INTERVAL_MS] [COUNT]"},
    {"hold", cmd_hold, "hold MIB [SECONDS]"},
    {"version", cmd_version, "version"},
    {"pmu", cmd_pmu, "pmu"},
    {"heartbeat", cmd_heartbeat, "heartbeat INTERVAL_MS FILE"},
    {"heartbeat-report", cmd_heartbeat_report, "heartbeat-report FILE"},
    {"pattern", cmd_pattern, "pattern MIB FILE [MIBPS]"},
    {"pattern-verify", cmd_pattern_verify, "pattern-verify FILE"},
    {"run", cmd_run, "run OUT -- CMD [ARG...]"},
    {"sample", cmd_sample, "sample INTERVAL_MS OUT"},
};

static int usage(void)
{
    size_t i;
    fputs("usage:\n", stderr);
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "  virtlab-probe %s\n", commands[i].usage);
    return 2;
}

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2)
        return usage();
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    return usage();
}
