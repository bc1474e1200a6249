// Small row-major products: LIBXSMM's generated kernels (through Hebb's own wrapper,
// Sources/CXSMM/smallgemm.c) against OpenBLAS on one and two threads, float64 and float32,
// microseconds per call (median of 5 runs). Backs the policy in Sources/HebbTensor/LinearAlgebra.swift
// (products up to 2^18 multiply-adds go to LIBXSMM). Built and run by Benchmarks/run.sh.
#include "../Sources/CXSMM/include/CXSMM.h"
#include "timing.h"
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { XSMM, BLAS1, BLAS2 };

/// Median microseconds per call of C = op(A) B (m×n, inner k) on one engine.
static double time_product(int engine, int single, int transpose_a, int transpose_b, int m, int n, int k) {
    size_t size_a = (size_t)m * k, size_b = (size_t)k * n, size_c = (size_t)m * n;
    double *a = malloc(8 * size_a), *b = malloc(8 * size_b), *c = malloc(8 * size_c);
    for (size_t i = 0; i < size_a; i++) a[i] = sin((double)i);
    for (size_t i = 0; i < size_b; i++) b[i] = cos(0.3 * i);
    float *fa = (float *)a, *fb = (float *)b, *fc = (float *)c;   // float32 uses the first halves
    int lda = transpose_a ? m : k, ldb = transpose_b ? k : n;
    double work = (double)m * n * k;
    int calls = work < 1e5 ? 20000 : work < 1e6 ? 2000 : work < 1e7 ? 200 : 10;
    if (engine != XSMM) openblas_set_num_threads(engine == BLAS1 ? 1 : 2);
    double samples[5];
    for (int run = -1; run < 5; run++) {
        double start = now();
        for (int call = 0; call < calls; call++) {
            if (engine == XSMM) {
                if (single) hebb_xsmm_sgemm(transpose_a, transpose_b, m, n, k, fa, lda, fb, ldb, 0, fc, n);
                else hebb_xsmm_dgemm(transpose_a, transpose_b, m, n, k, a, lda, b, ldb, 0, c, n);
            } else if (single) {
                cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                            m, n, k, 1, fa, lda, fb, ldb, 0, fc, n);
            } else {
                cblas_dgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
                            m, n, k, 1, a, lda, b, ldb, 0, c, n);
            }
        }
        if (run >= 0) samples[run] = (now() - start) / calls * 1e6;
    }
    free(a); free(b); free(c);
    return median(samples, 5);
}

int main(void) {
    struct { const char *name; int transpose_a, transpose_b, m, n, k; } shapes[] = {
        {"RNN x(t) Wx          32x10 . 10x64  ", 0, 0, 32, 64, 10},
        {"RNN h Wh             32x64 . 64x64  ", 0, 0, 32, 64, 64},
        {"RNN dWh = hT G       64x32 . 32x64  ", 1, 0, 64, 64, 32},
        {"RNN dh = G WhT       32x64 . 64x64T ", 0, 1, 32, 64, 64},
        {"64^3 (2^18, limit)   64x64 . 64x64  ", 0, 0, 64, 64, 64},
        {"conv fwd, 1 image    20x25 . 25x576 ", 0, 0, 20, 576, 25},
        {"conv dx, 1 image     25x20 . 20x576 ", 1, 0, 25, 576, 20},
        {"conv dW, 1 image     20x576. 576x25T", 0, 1, 20, 25, 576},
        {"96x96 . 96x64                       ", 0, 0, 96, 64, 96},
        {"128^3                               ", 0, 0, 128, 128, 128},
        {"MLP out layer        500x500.500x10 ", 0, 0, 500, 10, 500},
        {"MLP dW2 = HT G       500x500.500x10 ", 1, 0, 500, 10, 500},
        {"MLP dH = G W2T       500x10 .10x500T", 0, 1, 500, 500, 10},
        {"256x256 . 256x64                    ", 0, 0, 256, 64, 256},
        {"MLP hidden layer     500x784.784x500", 0, 0, 500, 500, 784},
    };
    printf("small products, us per call (median of 5): LIBXSMM (%s) | OpenBLAS 1 thread | 2 threads\n",
           hebb_xsmm_target());
    for (int single = 0; single <= 1; single++) {
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
            double x = time_product(XSMM, single, shapes[i].transpose_a, shapes[i].transpose_b, shapes[i].m, shapes[i].n, shapes[i].k);
            double b1 = time_product(BLAS1, single, shapes[i].transpose_a, shapes[i].transpose_b, shapes[i].m, shapes[i].n, shapes[i].k);
            double b2 = time_product(BLAS2, single, shapes[i].transpose_a, shapes[i].transpose_b, shapes[i].m, shapes[i].n, shapes[i].k);
            long work = (long)shapes[i].m * shapes[i].n * shapes[i].k;
            printf("%s %s (%9ld MACs) %8.2f | %8.2f | %8.2f\n", single ? "f32" : "f64", shapes[i].name, work, x, b1, b2);
        }
    }
    return 0;
}
