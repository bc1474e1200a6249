/* Issue 10 item 2's measurement: wall and CPU time (all threads, getrusage) per GEMM call
 * with 1 and 2 OpenBLAS threads, at the sizes Hebb's workloads use (the RNN's 32x64 @
 * 64x64, conv2d's batched 20x25 @ 25x36864 and its filter gradient 20x36864 @ 36864x25,
 * the MLP's 500x784 @ 784x500 and its 500x10 products) and squares between, in double and
 * single precision with the transposes the workloads use. Rounds alternate 1 and 2
 * threads; each figure is the best of 5. CPU time above twice the wall time's share is
 * worker threads spinning. The policy these numbers set is OpenBLAS.chooseThreads.
 * Build: gcc -O2 gemm_threads.c -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
void openblas_set_num_threads(int);
static double wall(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e6+t.tv_nsec/1e3;}
static double cpu(){struct rusage r; getrusage(RUSAGE_SELF,&r); return (r.ru_utime.tv_sec+r.ru_stime.tv_sec)*1e6+r.ru_utime.tv_usec+r.ru_stime.tv_usec;}
/* One product: precision ('d' or 's'), transposes ("nn", "nt", "tn"), C is m x n, inner k. */
struct shape { char type; const char *trans; int m, n, k; };
static void run(const struct shape *s, void *a, void *b, void *c) {
    int ta = s->trans[0] == 't', tb = s->trans[1] == 't';
    int lda = ta ? s->m : s->k, ldb = tb ? s->k : s->n;
    if (s->type == 'd')
        cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    s->m, s->n, s->k, 1, a, lda, b, ldb, 0, c, s->n);
    else
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    s->m, s->n, s->k, 1, a, lda, b, ldb, 0, c, s->n);
}
int main(void) {
    struct shape shapes[] = {
        {'d', "nn", 32, 64, 64}, {'d', "nn", 20, 576, 25}, {'d', "nn", 64, 64, 64}, {'d', "nn", 32, 128, 128},
        {'d', "nn", 96, 96, 96}, {'d', "nn", 128, 128, 128}, {'d', "nn", 160, 160, 160}, {'d', "nn", 192, 192, 192},
        {'d', "nn", 256, 256, 256}, {'d', "nn", 384, 384, 384}, {'d', "nn", 200, 500, 784},
        {'d', "nn", 20, 36864, 25}, {'d', "nt", 20, 25, 36864}, {'d', "nn", 500, 10, 500}, {'d', "nt", 500, 500, 10},
        {'d', "tn", 500, 10, 500},
        {'s', "nn", 32, 64, 64}, {'s', "nn", 20, 36864, 25}, {'s', "nt", 20, 25, 36864}, {'s', "tn", 25, 36864, 20},
        {'s', "nn", 500, 10, 500}, {'s', "nt", 500, 500, 10}, {'s', "tn", 500, 10, 500}, {'s', "nn", 500, 32, 500},
        {'s', "nn", 500, 64, 500}, {'s', "nn", 128, 128, 128}, {'s', "nn", 500, 500, 784}, {'s', "tn", 784, 500, 500},
    };
    int count = sizeof shapes / sizeof shapes[0];
    long elements = 8L * 1024 * 1024;
    double *a = malloc(elements * 8), *b = malloc(elements * 8), *c = malloc(elements * 8);
    for (long i = 0; i < elements; i++) { a[i] = rand() / (double)RAND_MAX; b[i] = a[i]; }
    printf("%-4s %-4s %-16s %9s %9s %9s %9s  %s\n", "type", "op", "m,n,k", "wall1 us", "wall2 us", "cpu1 us", "cpu2 us", "MNK");
    for (int s = 0; s < count; s++) {
        double mnk = (double)shapes[s].m * shapes[s].n * shapes[s].k;
        long reps = (long)(3e8 / mnk); if (reps < 5) reps = 5;
        double bw[3] = {1e18, 1e18, 1e18}, bc[3] = {1e18, 1e18, 1e18};
        for (int round = 0; round < 5; round++) for (int th = 1; th <= 2; th++) {
            openblas_set_num_threads(th);
            run(&shapes[s], a, b, c);
            double t = wall(), u = cpu();
            for (long r = 0; r < reps; r++) run(&shapes[s], a, b, c);
            t = (wall() - t) / reps; u = (cpu() - u) / reps;
            if (t < bw[th]) bw[th] = t;
            if (u < bc[th]) bc[th] = u;
        }
        printf("%-4c %-4s %5d,%5d,%5d %9.2f %9.2f %9.2f %9.2f  %.0f\n", shapes[s].type, shapes[s].trans, shapes[s].m,
               shapes[s].n, shapes[s].k, bw[1], bw[2], bc[1], bc[2], mnk);
        fflush(stdout);
    }
    return 0;
}
