/*
 * perf-counters ROUNDS: counts CPU cycles and retired instructions of a busy loop with
 * perf_event_open (PERF_TYPE_HARDWARE), as profilers and self-tuning programs do. Per round
 * (about 250 ms apart) it prints "cycles=C instructions=I ipc=X". If the kernel offers no
 * hardware counters it prints "perf_event_open(cycles): ENOENT (No such file or directory)"
 * (or whichever errno) on stderr and exits 4.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case ENODEV: return "ENODEV";
    case ENOSYS: return "ENOSYS";
    default: return "E?";
    }
}

static int open_counter(uint64_t config, const char *name)
{
    struct perf_event_attr attr;
    int fd;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_HARDWARE;
    attr.config = config;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, "perf_event_open(%s): %s (%s)\n", name, errno_name(e), strerror(e));
        exit(4);
    }
    return fd;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40, r;
    int cyc, ins;
    struct timespec tick = {0, 250 * 1000000L};
    volatile uint64_t x = 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready\n");
    cyc = open_counter(PERF_COUNT_HW_CPU_CYCLES, "cycles");
    ins = open_counter(PERF_COUNT_HW_INSTRUCTIONS, "instructions");
    for (r = 0; r < rounds; r++) {
        uint64_t c = 0, n = 0, i;
        ioctl(cyc, PERF_EVENT_IOC_RESET, 0);
        ioctl(ins, PERF_EVENT_IOC_RESET, 0);
        ioctl(cyc, PERF_EVENT_IOC_ENABLE, 0);
        ioctl(ins, PERF_EVENT_IOC_ENABLE, 0);
        for (i = 0; i < 1000000; i++)
            x = x * 6364136223846793005ULL + 1;
        ioctl(cyc, PERF_EVENT_IOC_DISABLE, 0);
        ioctl(ins, PERF_EVENT_IOC_DISABLE, 0);
        if (read(cyc, &c, sizeof c) != sizeof c || read(ins, &n, sizeof n) != sizeof n) {
            fprintf(stderr, "read of a counter failed: %s\n", strerror(errno));
            return 4;
        }
        printf("cycles=%llu instructions=%llu ipc=%.2f\n", (unsigned long long)c,
               (unsigned long long)n, c ? (double)n / (double)c : 0.0);
        nanosleep(&tick, NULL);
    }
    return 0;
}
