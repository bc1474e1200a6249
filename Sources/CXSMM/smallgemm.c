// Row-major products on LIBXSMM's column-major kernels: row-major C = op(A) op(B) is
// column-major Cᵀ = op(B)ᵀ op(A)ᵀ, and a row-major matrix read column-major is its transpose.
// So the kernel gets B first, with m and n swapped, and a transposed A becomes LIBXSMM's
// transposed second operand. LIBXSMM 1.17 generates no kernel for a transposed first
// operand (a row-major transposed B), so that B is transposed into a scratch copy first:
// then every transpose flag runs on LIBXSMM, and `A @ B.T` has the same bits as `A @ Bt`
// with Bt stored.
#include "CXSMM.h"

#if defined(__x86_64__) && defined(__linux__)
#include <libxsmm.h>
#include <stdlib.h>

/// Scratch copies up to this many bytes live on the stack.
enum { STACK_SCRATCH_BYTES = 32768 };

/// The generated kernels leave the upper halves of the vector registers dirty; the SSE code
/// that runs next (Swift's loops are built for baseline x86-64) then ran 2–3× slower
/// (measured: a ReLU and max-pool after each conv product). `vzeroupper` clears them; it
/// exists only on CPUs with AVX, the only ones LIBXSMM generates wide kernels for.
/// (`__builtin_cpu_supports` reads flags the runtime filled in at start-up: a load and a test.)
static void clear_upper_registers(void) {
    if (__builtin_cpu_supports("avx")) __asm__ volatile("vzeroupper" ::: "memory");
}

int hebb_xsmm_available(void) { return 1; }

const char *hebb_xsmm_target(void) { return libxsmm_get_target_arch(); }

#define DEFINE_GEMM(NAME, T, DISPATCH, FUNCTION) \
/* out (columns × rows, dense) = the transpose of in (rows × columns, row stride ld), in \
   tiles, so both sides are read and written a cache line at a time. */ \
static void NAME##_transpose(const T *in, int ld, int rows, int columns, T *out) { \
    enum { TILE = 16 }; \
    for (int row0 = 0; row0 < rows; row0 += TILE) { \
        const int row_end = row0 + TILE < rows ? row0 + TILE : rows; \
        for (int column0 = 0; column0 < columns; column0 += TILE) { \
            const int column_end = column0 + TILE < columns ? column0 + TILE : columns; \
            for (int column = column0; column < column_end; column++) \
                for (int row = row0; row < row_end; row++) \
                    out[(size_t)column * rows + row] = in[(size_t)row * ld + column]; \
        } \
    } \
} \
static int NAME##_plain(int transpose_a, int m, int n, int k, const T *a, int lda, const T *b, int ldb, \
                        T beta, T *c, int ldc) { \
    const int flags = transpose_a ? LIBXSMM_GEMM_FLAG_TRANS_B : LIBXSMM_GEMM_FLAG_NONE; \
    const libxsmm_blasint ld_first = ldb, ld_second = lda, ld_out = ldc; \
    const T alpha = 1; \
    FUNCTION kernel = DISPATCH(n, m, k, &ld_first, &ld_second, &ld_out, &alpha, &beta, &flags, NULL); \
    if (kernel == NULL) return 0; \
    kernel(b, a, c); \
    clear_upper_registers(); \
    return 1; \
} \
int NAME(int transpose_a, int transpose_b, int m, int n, int k, \
         const T *a, int lda, const T *b, int ldb, T beta, T *c, int ldc) { \
    if (m < 1 || n < 1 || k < 1 || !(beta == 0 || beta == 1)) return 0; \
    if (!transpose_b) return NAME##_plain(transpose_a, m, n, k, a, lda, b, ldb, beta, c, ldc); \
    /* B is n×k (row stride ldb); its transpose k×n, stored densely. */ \
    const size_t bytes = (size_t)k * (size_t)n * sizeof(T); \
    T stack_copy[STACK_SCRATCH_BYTES / sizeof(T)]; \
    T *copy = bytes <= sizeof stack_copy ? stack_copy : malloc(bytes); \
    if (copy == NULL) return 0; \
    NAME##_transpose(b, ldb, n, k, copy); \
    const int done = NAME##_plain(transpose_a, m, n, k, a, lda, copy, n, beta, c, ldc); \
    if (copy != stack_copy) free(copy); \
    return done; \
}
DEFINE_GEMM(hebb_xsmm_dgemm, double, libxsmm_dmmdispatch, libxsmm_dmmfunction)
DEFINE_GEMM(hebb_xsmm_sgemm, float, libxsmm_smmdispatch, libxsmm_smmfunction)

#else
int hebb_xsmm_available(void) { return 0; }
const char *hebb_xsmm_target(void) { return "none"; }
int hebb_xsmm_dgemm(int transpose_a, int transpose_b, int m, int n, int k,
                    const double *a, int lda, const double *b, int ldb, double beta, double *c, int ldc) {
    (void)transpose_a; (void)transpose_b; (void)m; (void)n; (void)k; (void)a; (void)lda;
    (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
    return 0;
}
int hebb_xsmm_sgemm(int transpose_a, int transpose_b, int m, int n, int k,
                    const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    (void)transpose_a; (void)transpose_b; (void)m; (void)n; (void)k; (void)a; (void)lda;
    (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
    return 0;
}
#endif
