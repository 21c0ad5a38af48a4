/*
 * Subcommands of virtlab-probe that live in their own files (the guest/probe directory; every .c file
 * here is compiled into the one static binary). Each is int cmd_xxx(int argc, char **argv)
 * and has a line in the table in probe.c's main(). Below them, the helpers probe.c shares.
 */
#ifndef VIRTLAB_PROBE_H
#define VIRTLAB_PROBE_H

#include <stddef.h>
#include <stdio.h>

/* Feature files declare their commands below, one line each. */
int cmd_pmu(int argc, char **argv); /* pmu.c: hardware performance counters seen by the guest */
int cmd_heartbeat(int argc, char **argv);        /* migrate.c */
int cmd_heartbeat_report(int argc, char **argv); /* migrate.c */
int cmd_pattern(int argc, char **argv);          /* migrate.c */
int cmd_pattern_verify(int argc, char **argv);   /* migrate.c */
int cmd_run(int argc, char **argv);              /* lab.c: the lab's runner */
int cmd_sample(int argc, char **argv);           /* lab.c: the lab's sampler */

/* ---- helpers defined in probe.c ---- */

/* CPU, memory and clock facts (the info subcommand's object). */
struct info {
    long nproc;                 /* sysconf(_SC_NPROCESSORS_ONLN) */
    int affinity;               /* CPU_COUNT of sched_getaffinity(0), -1 on error */
    char online[256], present[256], possible[256]; /* /sys/devices/system/cpu/... */
    long long memtotal_kib, memavailable_kib, memfree_kib; /* /proc/meminfo, -1 if absent */
    char clocksource[64];       /* clocksource0/current_clocksource */
    double uptime_s;            /* /proc/uptime */
    long long mono_ns, realtime_ns; /* read last, after the files */
};

void read_info(struct info *in);
/* The first line of a (sysfs) file without the newline; "" if unreadable. */
void read_line(const char *path, char *buf, size_t size);
/* s as a JSON string literal (with quotes). */
void json_string(FILE *out, const char *s);
/* {"error":"..."} on stdout; returns 1 (the exit status). */
int print_error(const char *fmt, ...);
/* A non-negative decimal number, or -1 if s is not one. */
long long parse_count(const char *s);

#endif
