/*
 * cpu-feature SECONDS: a program built for a newer CPU than it may land on. It says what CPUID
 * reports (avx2=0|1, informative only) and then uses an AVX2 instruction (vpaddd on ymm
 * registers) unconditionally, every 250 ms for SECONDS seconds, printing "sum=N". On a CPU
 * model without AVX2 (Nehalem, qemu64: no AVX at all) the first use raises SIGILL.
 */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Adds two vectors of eight 32-bit integers with the AVX2 instruction vpaddd. */
static void add8(const int *a, const int *b, int *out)
{
    __asm__ __volatile__("vmovdqu (%0), %%ymm0\n\t"
                         "vmovdqu (%1), %%ymm1\n\t"
                         "vpaddd %%ymm1, %%ymm0, %%ymm0\n\t"
                         "vmovdqu %%ymm0, (%2)\n\t"
                         "vzeroupper"
                         :
                         : "r"(a), "r"(b), "r"(out)
                         : "xmm0", "xmm1", "memory");
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 15, i, k;
    unsigned eax, ebx = 0, ecx, edx;
    int a[8], b[8], s[8];
    struct timespec tick = {0, 250 * 1000000L};

    setvbuf(stdout, NULL, _IOLBF, 0);
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    printf("ready avx2=%d (cpuid, not checked)\n", (ebx >> 5) & 1);
    for (i = 0; i < seconds * 4; i++) {
        long sum = 0;
        for (k = 0; k < 8; k++)
            a[k] = i, b[k] = k;
        add8(a, b, s);
        for (k = 0; k < 8; k++)
            sum += s[k];
        printf("sum=%ld\n", sum);
        nanosleep(&tick, NULL);
    }
    return 0;
}
