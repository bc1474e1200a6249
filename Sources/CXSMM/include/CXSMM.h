#ifndef HEBB_CXSMM_H
#define HEBB_CXSMM_H
// Small matrix products through LIBXSMM (libxsmm-dev), which generates a kernel for each
// shape at run time for the CPU's widest instruction set (AVX-512 where there is one).
// All matrices are row-major, as in cblas with CblasRowMajor. Each call returns 1 when it
// computed C, 0 when it did not (no LIBXSMM, an empty size, a beta other than 0 or 1, no
// kernel, or no memory for a transposed copy); the caller then uses OpenBLAS.

/// C (m×n, row stride ldc) = op(A) op(B) + beta C, beta 0 or 1 (anything else returns 0).
int hebb_xsmm_dgemm(int transpose_a, int transpose_b, int m, int n, int k,
                    const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc);
int hebb_xsmm_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
                    const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// The instruction set kernels are generated for ("cpx", "hsw", ...; "none" without LIBXSMM).
const char *hebb_xsmm_target(void);

/// 1 when this build has LIBXSMM (x86-64 Linux); 0 elsewhere, where every call returns 0.
int hebb_xsmm_available(void);
#endif
