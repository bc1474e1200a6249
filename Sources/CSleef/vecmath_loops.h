// The array loops of CSleef, as macros: each instruction set's target (CSleef for SSE2,
// CSleefAVX, CSleefAVX512) expands them in a file compiled for that set alone. Clang
// passes SLEEF's vector arguments by the calling convention of the whole file's target, so
// a per-function target attribute is not enough: the AVX loops need files built with -mavx.
#ifndef HEBB_VECMATH_LOOPS_H
#define HEBB_VECMATH_LOOPS_H
#include "../CSleef/include/CSleef.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#include <sleef.h>
#endif

// No fused multiply-adds behind the source's back: the same expression must round the same
// way on every path (and as the Swift kernels it replaces).
#pragma STDC FP_CONTRACT OFF
#pragma clang fp contract(off)

// One vector of an op: `v` in, the result out. V is the vector type, S the SLEEF suffix.
#define APPLY(V, S, op, v, r) do { \
    V zero_ = (V){0}; \
    switch (op) { \
    case HEBB_VM_EXP: r = Sleef_exp##S##_u10(v); break; \
    case HEBB_VM_LOG: r = Sleef_log##S##_u10(v); break; \
    case HEBB_VM_TANH: r = Sleef_tanh##S##_u35(v); break;  /* u35: 2-3x faster than u10 */ \
    case HEBB_VM_SIGMOID: r = 1 / (1 + Sleef_exp##S##_u10(zero_ - v)); break; \
    case HEBB_VM_SOFTPLUS: \
        r = Sleef_fmax##S(v, zero_) + Sleef_log1p##S##_u10(Sleef_exp##S##_u10(zero_ - Sleef_fabs##S(v))); break; \
    case HEBB_VM_LOG1P: { \
        /* SLEEF's log1p overflows to inf near the largest finite numbers; there log(x) is */ \
        /* log1p(x) to the last bit (the difference is about 1/x). */ \
        __typeof__(v > v) big_ = v > (__typeof__(v[0]))(sizeof(v[0]) == 8 ? 1e300 : 1e30); \
        r = Sleef_log1p##S##_u10(v); \
        int any_ = 0; \
        for (unsigned k_ = 0; k_ < sizeof(big_) / sizeof(big_[0]); k_++) any_ |= big_[k_] != 0; \
        if (any_) { \
            V large_ = Sleef_log##S##_u10(v); \
            r = (V)(((__typeof__(big_))r & ~big_) | ((__typeof__(big_))large_ & big_)); \
        } \
        break; \
    } \
    case HEBB_VM_EXPM1: r = Sleef_expm1##S##_u10(v); break; \
    case HEBB_VM_SQRT: r = Sleef_sqrt##S##_u05(v); break; \
    case HEBB_VM_SIN: r = Sleef_sin##S##_u10(v); break; \
    case HEBB_VM_COS: r = Sleef_cos##S##_u10(v); break; \
    default: r = v; break; \
    } \
} while (0)

// The loop of one (type, instruction set): whole vectors, then the rest through a padded
// vector (padding 0.5 is in every function's domain, and its results are dropped).
#define UNARY_LOOP(NAME, T, V, S) \
void NAME(int op, const T *x, T *y, long n) { \
    enum { W = sizeof(V) / sizeof(T) }; \
    long i = 0; \
    for (; i + W <= n; i += W) { \
        V v, r; memcpy(&v, x + i, sizeof v); APPLY(V, S, op, v, r); memcpy(y + i, &r, sizeof r); \
    } \
    if (i < n) { \
        T lane[W]; V v, r; \
        for (int k = 0; k < W; k++) lane[k] = (T)0.5; \
        memcpy(lane, x + i, (size_t)(n - i) * sizeof(T)); \
        memcpy(&v, lane, sizeof v); APPLY(V, S, op, v, r); memcpy(lane, &r, sizeof r); \
        memcpy(y + i, lane, (size_t)(n - i) * sizeof(T)); \
    } \
}

// a ** b with either side strided: 0 (a repeated value) and 1 load whole vectors, other
// strides gather; the rest goes through a padded vector as in UNARY_LOOP.
#define POW_LOOP(NAME, T, V, S) \
void NAME(const T *a, long sa, const T *b, long sb, T *y, long n) { \
    enum { W = sizeof(V) / sizeof(T) }; \
    long i = 0; \
    if (n > 0 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1)) { \
        V repeated_a = (V){0} + a[0], repeated_b = (V){0} + b[0]; \
        for (; i + W <= n; i += W) { \
            V u = repeated_a, v = repeated_b, r; \
            if (sa) memcpy(&u, a + i, sizeof u); \
            if (sb) memcpy(&v, b + i, sizeof v); \
            r = Sleef_pow##S##_u10(u, v); \
            memcpy(y + i, &r, sizeof r); \
        } \
    } \
    for (; i < n; i += W) { \
        long m = n - i < W ? n - i : W; \
        T p[W], q[W]; V u, v, r; \
        for (int k = 0; k < W; k++) { p[k] = (T)0.5; q[k] = (T)0.5; } \
        for (long k = 0; k < m; k++) { p[k] = a[(i + k) * sa]; q[k] = b[(i + k) * sb]; } \
        memcpy(&u, p, sizeof u); memcpy(&v, q, sizeof v); \
        r = Sleef_pow##S##_u10(u, v); \
        memcpy(p, &r, sizeof r); memcpy(y + i, p, (size_t)m * sizeof(T)); \
    } \
}

/// One RMSprop step (TensorFlow-1 form, with momentum) over n parameters; see CSleef.h.
/// Plain C left to the compiler's vectorizer: `restrict` tells it the five arrays are
/// apart (each state array is read and written through one pointer), which Swift cannot,
/// so the sqrt and the divide run on whole vectors (the
/// elementwise builtin, not libm's sqrt, which keeps errno and stays scalar).
#define RMSPROP_LOOP(NAME, T) \
void NAME(long n, const T *restrict p, const T *restrict g, T *restrict ms, T *restrict mom, \
          T *restrict out_p, T lr, T decay, T momentum, T eps) { \
    T keep = 1 - decay; \
    for (long i = 0; i < n; i++) { \
        T gi = g[i]; \
        T m = decay * ms[i] + keep * gi * gi; \
        T v = momentum * mom[i] + lr * gi / __builtin_elementwise_sqrt(m + eps); \
        ms[i] = m; mom[i] = v; out_p[i] = p[i] - v; \
    } \
}

/// One Adam step over n parameters; see CSleef.h. Plain C for the vectorizer, as RMSprop.
#define ADAM_LOOP(NAME, T, SETTINGS) \
void NAME(long n, const T *restrict p, const T *restrict g, T *restrict m, T *restrict v, \
          T *restrict out_p, const SETTINGS *settings) { \
    const SETTINGS s = *settings; \
    for (long i = 0; i < n; i++) { \
        T gi = g[i]; \
        T mi = s.beta1 * m[i] + s.keep1 * gi; \
        T vi = s.beta2 * v[i] + s.keep2 * gi * gi; \
        T step = s.lr * (mi / s.correction1) / (__builtin_elementwise_sqrt(vi / s.correction2) + s.eps); \
        m[i] = mi; v[i] = vi; out_p[i] = p[i] - step; \
    } \
}

/// One momentum step over n parameters; see CSleef.h.
#define MOMENTUM_LOOP(NAME, T) \
void NAME(long n, const T *restrict p, const T *restrict g, T *restrict velocity, \
          T *restrict out_p, T lr, T mu, int nesterov) { \
    if (nesterov) { \
        for (long i = 0; i < n; i++) { \
            T vi = mu * velocity[i] - lr * g[i]; \
            velocity[i] = vi; out_p[i] = p[i] + mu * vi - lr * g[i]; \
        } \
    } else { \
        for (long i = 0; i < n; i++) { \
            T vi = mu * velocity[i] - lr * g[i]; \
            velocity[i] = vi; out_p[i] = p[i] + vi; \
        } \
    } \
}

/// One instruction set's loops: hebb_vm_{unary,pow,rmsprop,adam,momentum}_{f64,f32}_BITS.
#define DEFINE_LOOPS(BITS, VD, VF, D, F) \
    UNARY_LOOP(hebb_vm_unary_f64_##BITS, double, VD, D) \
    UNARY_LOOP(hebb_vm_unary_f32_##BITS, float, VF, F) \
    POW_LOOP(hebb_vm_pow_f64_##BITS, double, VD, D) \
    POW_LOOP(hebb_vm_pow_f32_##BITS, float, VF, F) \
    RMSPROP_LOOP(hebb_vm_rmsprop_f64_##BITS, double) \
    RMSPROP_LOOP(hebb_vm_rmsprop_f32_##BITS, float) \
    ADAM_LOOP(hebb_vm_adam_f64_##BITS, double, hebb_adam_f64) \
    ADAM_LOOP(hebb_vm_adam_f32_##BITS, float, hebb_adam_f32) \
    MOMENTUM_LOOP(hebb_vm_momentum_f64_##BITS, double) \
    MOMENTUM_LOOP(hebb_vm_momentum_f32_##BITS, float)
#endif
