/* The floor for Hebb's `A @ B`: cblas_dgemm / cblas_sgemm called directly on 1024x1024
 * matrices, median of 20 calls. Build: gcc -O2 gemm_direct.c -lopenblas -o /tmp/gemm_direct
 * (add -I/usr/include/x86_64-linux-gnu/openblas-pthread if cblas.h is not found). */
#include "timing.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    const int n = 1024, reps = 20;
    double times[20];
    double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
    float *af = malloc(sizeof(float) * n * n), *bf = malloc(sizeof(float) * n * n), *cf = malloc(sizeof(float) * n * n);
    for (int i = 0; i < n * n; i++) { a[i] = af[i] = (double)rand() / RAND_MAX; b[i] = bf[i] = (double)rand() / RAND_MAX; }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        times[r] = now() - t0;
    }
    double middle = median(times, reps);
    printf("RESULT system=cblas-direct dtype=float64 n=1024 median_ms=%.2f gflops=%.1f\n", middle * 1e3, 2.0 * n * n * n / middle / 1e9);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, af, n, bf, n, 0, cf, n);
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, af, n, bf, n, 0, cf, n);
        times[r] = now() - t0;
    }
    middle = median(times, reps);
    printf("RESULT system=cblas-direct dtype=float32 n=1024 median_ms=%.2f gflops=%.1f\n", middle * 1e3, 2.0 * n * n * n / middle / 1e9);
    return 0;
}
