/*
 * virtlab-probe pmu: what the guest kernel offers for hardware performance counters.
 *
 * Prints one JSON object: the kernel's "Performance Events:" boot line (its PMU driver, read
 * with klogctl), whether /proc/cpuinfo has arch_perfmon, the PMUs under
 * /sys/bus/event_source/devices (a hardware PMU appears as "cpu"), perf_event_paranoid, and for
 * each of the eight architectural events (and a few non-architectural ones) whether
 * perf_event_open() accepts it and, if so, the count over a short busy loop. A software event
 * (cpu-clock) is tried too, to show that perf itself works when the hardware events do not.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

static void pmu_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

/* The first kernel-log line containing "Performance Events:" (without the "<6>[...] " prefix). */
static void pmu_driver_line(char *out, size_t size)
{
    int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
    out[0] = '\0';
    if (len <= 0)
        return;
    char *buf = malloc((size_t)len + 1);
    if (!buf)
        return;
    int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
    if (n > 0) {
        buf[n] = '\0';
        char *p = strstr(buf, "Performance Events:");
        if (p) {
            char *end = strchr(p, '\n');
            size_t l = end ? (size_t)(end - p) : strlen(p);
            if (l >= size)
                l = size - 1;
            memcpy(out, p, l);
            out[l] = '\0';
        }
    }
    free(buf);
}

static int cpuinfo_has_flag(const char *flag)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    int found = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        char *tok = strtok(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \t\n");
        for (; tok; tok = strtok(NULL, " \t\n"))
            if (strcmp(tok, flag) == 0)
                found = 1;
        break;
    }
    fclose(f);
    return found;
}

struct pmu_event {
    const char *name;
    uint32_t type;
    uint64_t config;
    int architectural;
};

static const struct pmu_event pmu_events[] = {
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1},
    {"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 1},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 1},
    {"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 1},
    {"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 1},
    {"stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND, 0},
    {"stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND, 0},
    {"L1-dcache-load-misses", PERF_TYPE_HW_CACHE,
     PERF_COUNT_HW_CACHE_L1D | (PERF_COUNT_HW_CACHE_OP_READ << 8) | (PERF_COUNT_HW_CACHE_RESULT_MISS << 16), 0},
    {"raw:0x01b1 (uops_executed, model-specific)", PERF_TYPE_RAW, 0x01b1, 0},
    {"cpu-clock (software)", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, -1},
};

static volatile uint64_t pmu_sink;

/* Opens the event for this process, counts a short busy loop; returns 0 and the count, or -errno. */
static int pmu_try(const struct pmu_event *e, long long *count)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = e->type;
    attr.config = e->config;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    if (fd < 0)
        return -errno;
    ioctl(fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
    for (uint64_t i = 0; i < 2000000; i++)
        pmu_sink += i;
    ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    long long value = 0;
    ssize_t r = read(fd, &value, sizeof value);
    close(fd);
    *count = r == (ssize_t)sizeof value ? value : -1;
    return 0;
}

int cmd_pmu(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char driver[256], paranoid[32] = "";
    pmu_driver_line(driver, sizeof driver);
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    if (f) {
        if (!fgets(paranoid, sizeof paranoid, f))
            paranoid[0] = '\0';
        paranoid[strcspn(paranoid, "\n")] = '\0';
        fclose(f);
    }

    fputs("{\"driver\":", stdout);
    pmu_json_string(driver);
    printf(",\"arch_perfmon\":%s", cpuinfo_has_flag("arch_perfmon") ? "true" : "false");
    fputs(",\"devices\":[", stdout);
    int cpu_pmu = 0, first = 1;
    DIR *d = opendir("/sys/bus/event_source/devices");
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            if (strcmp(de->d_name, "cpu") == 0 || strcmp(de->d_name, "cpu_core") == 0)
                cpu_pmu = 1;
            if (!first)
                putchar(',');
            pmu_json_string(de->d_name);
            first = 0;
        }
        closedir(d);
    }
    printf("],\"cpu_pmu\":%s,\"perf_event_paranoid\":", cpu_pmu ? "true" : "false");
    pmu_json_string(paranoid);
    fputs(",\"events\":[", stdout);
    for (size_t i = 0; i < sizeof pmu_events / sizeof pmu_events[0]; i++) {
        long long count = 0;
        int rc = pmu_try(&pmu_events[i], &count);
        if (i > 0)
            putchar(',');
        fputs("{\"name\":", stdout);
        pmu_json_string(pmu_events[i].name);
        printf(",\"kind\":\"%s\"", pmu_events[i].architectural > 0 ? "architectural"
                                   : pmu_events[i].architectural == 0 ? "non-architectural" : "software");
        if (rc == 0)
            printf(",\"ok\":true,\"count\":%lld}", count);
        else {
            printf(",\"ok\":false,\"error\":");
            pmu_json_string(strerror(-rc));
            putchar('}');
        }
    }
    fputs("]}\n", stdout);
    fflush(stdout);
    return 0;
}
