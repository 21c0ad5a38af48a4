/*
 * licence LICENSED_CPUS SECONDS: a program licensed for LICENSED_CPUS CPUs that checks the CPU
 * count (sysconf(_SC_NPROCESSORS_ONLN)) every 250 ms, as per-CPU licence managers do. Prints
 * "ready", then "cpus=N" at every check; when N exceeds the licence it prints
 * "licence violated: N CPUs > L licensed" on stderr and exits 3. Exits 0 after SECONDS seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long licensed = argc > 1 ? atol(argv[1]) : 1;
    int seconds = argc > 2 ? atoi(argv[2]) : 20, i;
    struct timespec tick = {0, 250 * 1000000L};

    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready licensed=%ld\n", licensed);
    for (i = 0; i < seconds * 4; i++) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        printf("cpus=%ld\n", cpus);
        if (cpus > licensed) {
            fprintf(stderr, "licence violated: %ld CPUs > %ld licensed\n", cpus, licensed);
            return 3;
        }
        nanosleep(&tick, NULL);
    }
    return 0;
}
