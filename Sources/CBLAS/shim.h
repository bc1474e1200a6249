#ifndef HEBB_CBLAS_SHIM_H
#define HEBB_CBLAS_SHIM_H
// OpenBLAS is loaded at run time (dlopen), not linked: Hebb picks the kernel set for the CPU
// before the library initialises (OPENBLAS_CORETYPE), and programs without a matrix
// product never pay for loading it. These are the types of the cblas functions Hebb calls,
// from cblas.h.
#include <cblas.h>

typedef void (*hebb_dgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                              blasint, blasint, blasint, double, const double *, blasint,
                              const double *, blasint, double, double *, blasint);
typedef void (*hebb_sgemm_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, enum CBLAS_TRANSPOSE,
                              blasint, blasint, blasint, float, const float *, blasint,
                              const float *, blasint, float, float *, blasint);
typedef void (*hebb_dgemv_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, blasint, blasint, double,
                              const double *, blasint, const double *, blasint, double, double *, blasint);
typedef void (*hebb_sgemv_fn)(enum CBLAS_ORDER, enum CBLAS_TRANSPOSE, blasint, blasint, float,
                              const float *, blasint, const float *, blasint, float, float *, blasint);
typedef double (*hebb_ddot_fn)(blasint, const double *, blasint, const double *, blasint);
typedef float (*hebb_sdot_fn)(blasint, const float *, blasint, const float *, blasint);
typedef void (*hebb_set_threads_fn)(int);
typedef int (*hebb_get_threads_fn)(void);
#endif
