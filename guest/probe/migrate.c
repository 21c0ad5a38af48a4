/*
 * Migration probes of virtlab-probe (declared in probe.h):
 *
 *   heartbeat INTERVAL_MS FILE   write "MONO_NS REAL_NS" lines to FILE every INTERVAL_MS, flushed
 *                                each time, until SIGTERM; its pid goes to FILE.pid
 *   heartbeat-report FILE        stop the heartbeat of FILE and print the largest gap between
 *                                consecutive stamps: {"stamps":N,"max_gap_ms":X,
 *                                "max_gap_realtime_ms":Y,"gap_at_unix_ms":Z}
 *   pattern MIB FILE [MIBPS]     fill MIB MiB with a known pattern (every 8-byte word holds its
 *                                page number and a pass number) and rewrite it pass after pass,
 *                                as fast as it can or at MIBPS MiB/s (the dirty rate a migration
 *                                sees); on SIGUSR1 verify every page, write a JSON line to
 *                                FILE.result; pid in FILE.pid
 *   pattern-verify FILE          signal the pattern of FILE and print its verification line
 *                                {"mib":N,"passes":P,"pages":Q,"bad_pages":B}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t verify_requested;

static void on_term(int sig) { (void)sig; stop_requested = 1; }
static void on_usr1(int sig) { (void)sig; verify_requested = 1; }

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_pid(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s.pid", file);
    FILE *f = fopen(path, "w");
    if (!f) {
        printf("{\"error\":\"cannot write %s: %s\"}\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    return 0;
}

static int read_pid(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s.pid", file);
    FILE *f = fopen(path, "r");
    int pid = -1;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1) pid = -1;
        fclose(f);
    }
    return pid;
}

int cmd_heartbeat(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: virtlab-probe heartbeat INTERVAL_MS FILE\n");
        return 2;
    }
    long interval = atol(argv[0]);
    if (interval <= 0) interval = 10;
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        printf("{\"error\":\"cannot open %s: %s\"}\n", argv[1], strerror(errno));
        return 1;
    }
    if (write_pid(argv[1]) != 0) return 1;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!stop_requested) {
        fprintf(f, "%lld %lld\n", now_ns(CLOCK_MONOTONIC), now_ns(CLOCK_REALTIME));
        fflush(f);
        next.tv_nsec += interval * 1000000L;
        while (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    fclose(f);
    return 0;
}

int cmd_heartbeat_report(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: virtlab-probe heartbeat-report FILE\n");
        return 2;
    }
    int pid = read_pid(argv[0]);
    if (pid > 0) {
        kill(pid, SIGTERM);
        usleep(50000);
    }
    FILE *f = fopen(argv[0], "r");
    if (!f) {
        printf("{\"error\":\"cannot open %s: %s\"}\n", argv[0], strerror(errno));
        return 1;
    }
    long long mono, real, pm = 0, pr = 0, max_gap = 0, max_real_gap = 0, gap_at = 0;
    long stamps = 0;
    while (fscanf(f, "%lld %lld", &mono, &real) == 2) {
        if (stamps > 0) {
            if (mono - pm > max_gap) {
                max_gap = mono - pm;
                gap_at = pr;
            }
            if (real - pr > max_real_gap) max_real_gap = real - pr;
        }
        pm = mono;
        pr = real;
        stamps++;
    }
    fclose(f);
    printf("{\"stamps\":%ld,\"max_gap_ms\":%.3f,\"max_gap_realtime_ms\":%.3f,\"gap_at_unix_ms\":%.3f}\n",
           stamps, max_gap / 1e6, max_real_gap / 1e6, gap_at / 1e6);
    return 0;
}

int cmd_pattern(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: virtlab-probe pattern MIB FILE [MIBPS]\n");
        return 2;
    }
    long mib = atol(argv[0]);
    if (mib <= 0) {
        printf("{\"error\":\"MIB must be positive\"}\n");
        return 1;
    }
    double rate = argc > 2 ? atof(argv[2]) : 0; /* MiB/s; 0 = unlimited */
    if (argc > 2 && rate <= 0) {
        printf("{\"error\":\"MIBPS must be a positive number of MiB/s\"}\n");
        return 1;
    }
    long long t0 = now_ns(CLOCK_MONOTONIC), written = 0; /* pages written since t0 */
    size_t page = 4096, pages = (size_t)mib * 256, words = page / 8;
    uint64_t *mem = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        printf("{\"error\":\"mmap %ld MiB: %s\"}\n", mib, strerror(errno));
        return 1;
    }
    if (write_pid(argv[1]) != 0) return 1;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGUSR1, on_usr1);
    char result[512];
    snprintf(result, sizeof result, "%s.result", argv[1]);
    uint64_t pass = 0;
    size_t p = 0;
    /* Each pass writes every word of every page: (pass << 32) | page. A page is consistent when
     * all its words hold the same pass and its own page number. Passes run page by page, so at
     * any moment pages [0, p) hold pass and [p, pages) hold pass - 1. */
    for (;;) {
        for (p = 0; p < pages && !stop_requested && !verify_requested; p++) {
            uint64_t v = ((pass + 1) << 32) | p, *w = mem + p * words;
            for (size_t i = 0; i < words; i++) w[i] = v;
            /* Rate limit: every 64 pages (256 KiB), sleep until the pages written so far are due. */
            if (rate > 0 && ++written % 64 == 0) {
                long long due = t0 + (long long)(written * 4096.0 / (rate * 1048576.0) * 1e9);
                long long wait = due - now_ns(CLOCK_MONOTONIC);
                if (wait > 0) {
                    struct timespec ts = {wait / 1000000000LL, wait % 1000000000LL};
                    nanosleep(&ts, NULL);
                }
            }
        }
        if (p == pages) pass++;
        if (stop_requested) break;
        if (verify_requested) {
            size_t bad = 0;
            for (size_t q = 0; q < pages; q++) {
                uint64_t expect = ((q < p && p != pages ? pass + 1 : pass) << 32) | q, *w = mem + q * words;
                if (pass == 0 && q >= p) continue; /* never written yet */
                for (size_t i = 0; i < words; i++) {
                    if (w[i] != expect) {
                        bad++;
                        break;
                    }
                }
            }
            FILE *f = fopen(result, "w");
            if (f) {
                fprintf(f, "{\"mib\":%ld,\"passes\":%llu,\"pages\":%zu,\"bad_pages\":%zu}\n", mib,
                        (unsigned long long)pass, pages, bad);
                fclose(f);
            }
            verify_requested = 0;
        }
    }
    return 0;
}

int cmd_pattern_verify(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: virtlab-probe pattern-verify FILE\n");
        return 2;
    }
    char result[512];
    snprintf(result, sizeof result, "%s.result", argv[0]);
    unlink(result);
    int pid = read_pid(argv[0]);
    if (pid <= 0 || kill(pid, SIGUSR1) != 0) {
        printf("{\"error\":\"no pattern process for %s\"}\n", argv[0]);
        return 1;
    }
    for (int i = 0; i < 600; i++) {
        FILE *f = fopen(result, "r");
        if (f) {
            char line[256];
            if (fgets(line, sizeof line, f) && strchr(line, '}')) {
                fclose(f);
                fputs(line, stdout);
                return 0;
            }
            fclose(f);
        }
        usleep(50000);
    }
    printf("{\"error\":\"the pattern process did not answer within 30 s\"}\n");
    return 1;
}
