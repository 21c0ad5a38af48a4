/*
 * worker-pool SECONDS: sizes a pool of worker threads to sysconf(_SC_NPROCESSORS_ONLN) once, at
 * start (what most runtimes and thread pools do), and never again. Prints "ready", then every
 * 250 ms "workers=N nproc=M" (N: the pool, fixed; M: what sysconf says now) for SECONDS seconds.
 * The lab compares workers with the CPUs the probe sees online: a vCPU plugged during the run
 * leaves the pool too small.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile long done_ticks[1024];

static void *worker(void *arg)
{
    long id = (long)arg;
    struct timespec ts = {0, 50 * 1000000L};
    for (;;) { /* a light worker: wakes, does a little, sleeps */
        done_ticks[id]++;
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 20;
    long workers = sysconf(_SC_NPROCESSORS_ONLN), i;
    struct timespec tick = {0, 250 * 1000000L};

    if (workers < 1) workers = 1;
    if (workers > 1024) workers = 1024;
    for (i = 0; i < workers; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, (void *)i) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("ready workers=%ld\n", workers);
    for (i = 0; i < seconds * 4L; i++) {
        printf("workers=%ld nproc=%ld\n", workers, sysconf(_SC_NPROCESSORS_ONLN));
        nanosleep(&tick, NULL);
    }
    return 0;
}
