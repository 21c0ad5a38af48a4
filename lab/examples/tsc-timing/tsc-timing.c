/*
 * tsc-timing SECONDS [INTERVAL_MS]: times the same intervals two ways, as latency-sensitive
 * programs do: with raw rdtsc (its rate calibrated once, at start, against CLOCK_MONOTONIC) and
 * with CLOCK_MONOTONIC. Every INTERVAL_MS (default 500) it prints
 *   mono_ms=M tsc_ms=T tsc_error_ms=|T-M| real_ms=R
 * for the interval just ended (R: the same interval by CLOCK_REALTIME). A pause or a migration
 * of the VM inside an interval shows whether the TSC and the guest's clocks still agree.
 * At the end: "tsc_total_ms=... mono_total_ms=... real_total_ms=...".
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static double now_ms(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A (tsc, mono) pair read as close together as possible: the tightest of a few tries. */
static void pair(uint64_t *tsc, double *mono)
{
    uint64_t best = UINT64_MAX;
    int i;
    for (i = 0; i < 5; i++) {
        uint64_t a = rdtsc();
        double m = now_ms(CLOCK_MONOTONIC);
        uint64_t b = rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *mono = m;
        }
    }
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 20;
    long interval_ms = argc > 2 ? atol(argv[2]) : 500;
    struct timespec cal = {0, 300 * 1000000L}, tick;
    uint64_t t0, t1, start_tsc, prev_tsc;
    double m0, m1, ticks_per_ms, start_mono, prev_mono, start_real, prev_real;
    long i, n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    pair(&t0, &m0);
    nanosleep(&cal, NULL);
    pair(&t1, &m1);
    ticks_per_ms = (double)(t1 - t0) / (m1 - m0);
    printf("ready tsc_khz=%.0f\n", ticks_per_ms);

    tick.tv_sec = interval_ms / 1000;
    tick.tv_nsec = (interval_ms % 1000) * 1000000L;
    pair(&start_tsc, &start_mono);
    start_real = now_ms(CLOCK_REALTIME);
    prev_tsc = start_tsc, prev_mono = start_mono, prev_real = start_real;
    n = seconds * 1000L / interval_ms;
    for (i = 0; i < n; i++) {
        uint64_t t;
        double m, r, tsc_ms;
        nanosleep(&tick, NULL);
        pair(&t, &m);
        r = now_ms(CLOCK_REALTIME);
        tsc_ms = (double)(t - prev_tsc) / ticks_per_ms;
        printf("mono_ms=%.3f tsc_ms=%.3f tsc_error_ms=%.3f real_ms=%.3f\n",
               m - prev_mono, tsc_ms, fabs(tsc_ms - (m - prev_mono)), r - prev_real);
        prev_tsc = t, prev_mono = m, prev_real = r;
    }
    printf("tsc_total_ms=%.3f mono_total_ms=%.3f real_total_ms=%.3f\n",
           (double)(prev_tsc - start_tsc) / ticks_per_ms, prev_mono - start_mono, prev_real - start_real);
    return 0;
}
