// The entry points of CSleef.h: the SSE2 loops (every x86-64 has SSE2), and the choice of
// instruction set at run time. The AVX and AVX-512 loops live in the CSleefAVX and
// CSleefAVX512 targets, the only code built for those sets, called only when the CPU has them.
#include "vecmath_loops.h"
#include <stdlib.h>

#if defined(__x86_64__)
DEFINE_LOOPS(128, __m128d, __m128, d2, f4)

/// The loops of one instruction set (defined in vecmath_loops.h).
#define DECLARE_LOOPS(BITS) \
    void hebb_vm_unary_f64_##BITS(int op, const double *x, double *y, long n); \
    void hebb_vm_unary_f32_##BITS(int op, const float *x, float *y, long n); \
    void hebb_vm_pow_f64_##BITS(const double *a, long sa, const double *b, long sb, double *y, long n); \
    void hebb_vm_pow_f32_##BITS(const float *a, long sa, const float *b, long sb, float *y, long n); \
    void hebb_vm_rmsprop_f64_##BITS(long n, const double *p, const double *g, double *ms, double *mom, \
                                    double *out_p, double lr, double decay, double momentum, double eps); \
    void hebb_vm_rmsprop_f32_##BITS(long n, const float *p, const float *g, float *ms, float *mom, \
                                    float *out_p, float lr, float decay, float momentum, float eps); \
    void hebb_vm_adam_f64_##BITS(long n, const double *p, const double *g, double *m, double *v, \
                                 double *out_p, const hebb_adam_f64 *settings); \
    void hebb_vm_adam_f32_##BITS(long n, const float *p, const float *g, float *m, float *v, \
                                 float *out_p, const hebb_adam_f32 *settings); \
    void hebb_vm_momentum_f64_##BITS(long n, const double *p, const double *g, double *velocity, \
                                     double *out_p, double lr, double mu, int nesterov); \
    void hebb_vm_momentum_f32_##BITS(long n, const float *p, const float *g, float *velocity, \
                                     float *out_p, float lr, float mu, int nesterov);
DECLARE_LOOPS(256)
DECLARE_LOOPS(512)

#else
// Other CPUs (aarch64): scalar libm loops, correct but not vectorized (yet). Every level
// maps to them.
#include <math.h>
static void scalar_unary_f64(int op, const double *x, double *y, long n) {
    for (long i = 0; i < n; i++) {
        double v = x[i];
        switch (op) {
        case HEBB_VM_EXP: y[i] = exp(v); break;
        case HEBB_VM_LOG: y[i] = log(v); break;
        case HEBB_VM_TANH: y[i] = tanh(v); break;
        case HEBB_VM_SIGMOID: y[i] = 1 / (1 + exp(-v)); break;
        case HEBB_VM_SOFTPLUS: y[i] = fmax(v, 0) + log1p(exp(-fabs(v))); break;
        case HEBB_VM_LOG1P: y[i] = log1p(v); break;
        case HEBB_VM_EXPM1: y[i] = expm1(v); break;
        case HEBB_VM_SQRT: y[i] = sqrt(v); break;
        case HEBB_VM_SIN: y[i] = sin(v); break;
        case HEBB_VM_COS: y[i] = cos(v); break;
        default: y[i] = v; break;
        }
    }
}
static void scalar_unary_f32(int op, const float *x, float *y, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        switch (op) {
        case HEBB_VM_EXP: y[i] = expf(v); break;
        case HEBB_VM_LOG: y[i] = logf(v); break;
        case HEBB_VM_TANH: y[i] = tanhf(v); break;
        case HEBB_VM_SIGMOID: y[i] = 1 / (1 + expf(-v)); break;
        case HEBB_VM_SOFTPLUS: y[i] = fmaxf(v, 0) + log1pf(expf(-fabsf(v))); break;
        case HEBB_VM_LOG1P: y[i] = log1pf(v); break;
        case HEBB_VM_EXPM1: y[i] = expm1f(v); break;
        case HEBB_VM_SQRT: y[i] = sqrtf(v); break;
        case HEBB_VM_SIN: y[i] = sinf(v); break;
        case HEBB_VM_COS: y[i] = cosf(v); break;
        default: y[i] = v; break;
        }
    }
}
static void scalar_pow_f64(const double *a, long sa, const double *b, long sb, double *y, long n) {
    for (long i = 0; i < n; i++) y[i] = pow(a[i * sa], b[i * sb]);
}
static void scalar_pow_f32(const float *a, long sa, const float *b, long sb, float *y, long n) {
    for (long i = 0; i < n; i++) y[i] = powf(a[i * sa], b[i * sb]);
}
RMSPROP_LOOP(scalar_rmsprop_f64, double)
RMSPROP_LOOP(scalar_rmsprop_f32, float)
ADAM_LOOP(scalar_adam_f64, double, hebb_adam_f64)
ADAM_LOOP(scalar_adam_f32, float, hebb_adam_f32)
MOMENTUM_LOOP(scalar_momentum_f64, double)
MOMENTUM_LOOP(scalar_momentum_f32, float)
#define SCALAR_LEVEL(BITS) \
    static void hebb_vm_adam_f64_##BITS(long n, const double *p, const double *g, double *m, double *v, \
        double *op, const hebb_adam_f64 *s) { scalar_adam_f64(n, p, g, m, v, op, s); } \
    static void hebb_vm_adam_f32_##BITS(long n, const float *p, const float *g, float *m, float *v, \
        float *op, const hebb_adam_f32 *s) { scalar_adam_f32(n, p, g, m, v, op, s); } \
    static void hebb_vm_momentum_f64_##BITS(long n, const double *p, const double *g, double *vel, \
        double *op, double lr, double mu, int nesterov) { scalar_momentum_f64(n, p, g, vel, op, lr, mu, nesterov); } \
    static void hebb_vm_momentum_f32_##BITS(long n, const float *p, const float *g, float *vel, \
        float *op, float lr, float mu, int nesterov) { scalar_momentum_f32(n, p, g, vel, op, lr, mu, nesterov); } \
    static void hebb_vm_rmsprop_f64_##BITS(long n, const double *p, const double *g, double *ms, double *mom, \
        double *op, double lr, double decay, double momentum, double eps) { \
        scalar_rmsprop_f64(n, p, g, ms, mom, op, lr, decay, momentum, eps); } \
    static void hebb_vm_rmsprop_f32_##BITS(long n, const float *p, const float *g, float *ms, float *mom, \
        float *op, float lr, float decay, float momentum, float eps) { \
        scalar_rmsprop_f32(n, p, g, ms, mom, op, lr, decay, momentum, eps); } \
    static void hebb_vm_unary_f64_##BITS(int op, const double *x, double *y, long n) { scalar_unary_f64(op, x, y, n); } \
    static void hebb_vm_unary_f32_##BITS(int op, const float *x, float *y, long n) { scalar_unary_f32(op, x, y, n); } \
    static void hebb_vm_pow_f64_##BITS(const double *a, long sa, const double *b, long sb, double *y, long n) { scalar_pow_f64(a, sa, b, sb, y, n); } \
    static void hebb_vm_pow_f32_##BITS(const float *a, long sa, const float *b, long sb, float *y, long n) { scalar_pow_f32(a, sa, b, sb, y, n); }
SCALAR_LEVEL(128)
SCALAR_LEVEL(256)
SCALAR_LEVEL(512)
#endif

// MARK: - Choosing the instruction set

static int chosen_isa = 0;

int hebb_vm_supported(int level) {
#if !defined(__x86_64__)
    (void)level;
    return HEBB_VM_SSE2;  // the scalar loops stand for every level
#else
    __builtin_cpu_init();
    if (level >= HEBB_VM_AVX512 && __builtin_cpu_supports("avx512f")) return HEBB_VM_AVX512;
    if (level >= HEBB_VM_AVX && __builtin_cpu_supports("avx")) return HEBB_VM_AVX;
    return HEBB_VM_SSE2;
#endif
}

int hebb_vm_isa(void) {
    int isa = __atomic_load_n(&chosen_isa, __ATOMIC_RELAXED);
    if (isa != 0) return isa;
    const char *forced = getenv("HEBB_VECMATH_ISA");
    isa = hebb_vm_supported(forced ? atoi(forced) : HEBB_VM_AVX512);
    __atomic_store_n(&chosen_isa, isa, __ATOMIC_RELAXED);
    return isa;
}

// MARK: - Entry points

#define DISPATCH(isa, NAME, ...) do { \
    switch (hebb_vm_supported(isa)) { \
    case HEBB_VM_AVX512: NAME##_512(__VA_ARGS__); break; \
    case HEBB_VM_AVX: NAME##_256(__VA_ARGS__); break; \
    default: NAME##_128(__VA_ARGS__); break; \
    } \
} while (0)

void hebb_vm_unary_f64_at(int isa, int op, const double *x, double *y, long n) { DISPATCH(isa, hebb_vm_unary_f64, op, x, y, n); }
void hebb_vm_unary_f32_at(int isa, int op, const float *x, float *y, long n) { DISPATCH(isa, hebb_vm_unary_f32, op, x, y, n); }
void hebb_vm_pow_f64_at(int isa, const double *a, long sa, const double *b, long sb, double *y, long n) {
    DISPATCH(isa, hebb_vm_pow_f64, a, sa, b, sb, y, n);
}
void hebb_vm_pow_f32_at(int isa, const float *a, long sa, const float *b, long sb, float *y, long n) {
    DISPATCH(isa, hebb_vm_pow_f32, a, sa, b, sb, y, n);
}

// The common calls: the chosen set is fixed after the first, so dispatch is a load and a switch.
#define CHOSEN(NAME, ...) do { \
    switch (hebb_vm_isa()) { \
    case HEBB_VM_AVX512: NAME##_512(__VA_ARGS__); break; \
    case HEBB_VM_AVX: NAME##_256(__VA_ARGS__); break; \
    default: NAME##_128(__VA_ARGS__); break; \
    } \
} while (0)

void hebb_vm_unary_f64(int op, const double *x, double *y, long n) { CHOSEN(hebb_vm_unary_f64, op, x, y, n); }
void hebb_vm_unary_f32(int op, const float *x, float *y, long n) { CHOSEN(hebb_vm_unary_f32, op, x, y, n); }
void hebb_vm_pow_f64(const double *a, long sa, const double *b, long sb, double *y, long n) {
    CHOSEN(hebb_vm_pow_f64, a, sa, b, sb, y, n);
}
void hebb_vm_pow_f32(const float *a, long sa, const float *b, long sb, float *y, long n) {
    CHOSEN(hebb_vm_pow_f32, a, sa, b, sb, y, n);
}
void hebb_vm_rmsprop_f64(long n, const double *p, const double *g, double *ms, double *mom,
                         double *out_p, double lr, double decay, double momentum, double eps) {
    CHOSEN(hebb_vm_rmsprop_f64, n, p, g, ms, mom, out_p, lr, decay, momentum, eps);
}
void hebb_vm_rmsprop_f32(long n, const float *p, const float *g, float *ms, float *mom,
                         float *out_p, float lr, float decay, float momentum, float eps) {
    CHOSEN(hebb_vm_rmsprop_f32, n, p, g, ms, mom, out_p, lr, decay, momentum, eps);
}
void hebb_vm_adam_f64(long n, const double *p, const double *g, double *m, double *v,
                      double *out_p, const hebb_adam_f64 *settings) {
    CHOSEN(hebb_vm_adam_f64, n, p, g, m, v, out_p, settings);
}
void hebb_vm_adam_f32(long n, const float *p, const float *g, float *m, float *v,
                      float *out_p, const hebb_adam_f32 *settings) {
    CHOSEN(hebb_vm_adam_f32, n, p, g, m, v, out_p, settings);
}
void hebb_vm_momentum_f64(long n, const double *p, const double *g, double *velocity,
                          double *out_p, double lr, double mu, int nesterov) {
    CHOSEN(hebb_vm_momentum_f64, n, p, g, velocity, out_p, lr, mu, nesterov);
}
void hebb_vm_momentum_f32(long n, const float *p, const float *g, float *velocity,
                          float *out_p, float lr, float mu, int nesterov) {
    CHOSEN(hebb_vm_momentum_f32, n, p, g, velocity, out_p, lr, mu, nesterov);
}

// MARK: 2×2 max-pooling rows (SSE2, every x86-64 has it)

#if defined(__x86_64__)
#include <emmintrin.h>

/// (mask ? yes : no) bit by bit (the masks are all ones or all zeros per lane).
static inline __m128i select_bits(__m128 mask, __m128i yes, __m128i no) {
    const __m128i m = _mm_castps_si128(mask);
    return _mm_or_si128(_mm_and_si128(m, yes), _mm_andnot_si128(m, no));
}

long hebb_pool2x2_row_f32(const float *top, const float *bottom, long count, int first, int width,
                          float *out, int *positions) {
    const __m128i lanes = _mm_setr_epi32(0, 2, 4, 6), one = _mm_set1_epi32(1);
    const __m128i below = _mm_set1_epi32(width), below_right = _mm_set1_epi32(width + 1);
    long i = 0;
    for (; i + 4 <= count; i += 4) {
        const __m128 t0 = _mm_loadu_ps(top + 2 * i), t1 = _mm_loadu_ps(top + 2 * i + 4);
        const __m128 u0 = _mm_loadu_ps(bottom + 2 * i), u1 = _mm_loadu_ps(bottom + 2 * i + 4);
        const __m128 a = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(2, 0, 2, 0)), b = _mm_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 1, 3, 1));
        const __m128 c = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(2, 0, 2, 0)), d = _mm_shuffle_ps(u0, u1, _MM_SHUFFLE(3, 1, 3, 1));
        if (_mm_movemask_ps(_mm_or_ps(_mm_cmpunord_ps(a, b), _mm_cmpunord_ps(c, d)))) break;
        // _mm_max_ps(y, x) is y > x ? y : x: on a tie it keeps x, the earlier.
        const __m128 largest = _mm_max_ps(_mm_max_ps(d, c), _mm_max_ps(b, a));
        __m128i offset = select_bits(_mm_cmpeq_ps(c, largest), below, below_right);
        offset = select_bits(_mm_cmpeq_ps(b, largest), one, offset);
        offset = select_bits(_mm_cmpeq_ps(a, largest), _mm_setzero_si128(), offset);
        const __m128i base = _mm_add_epi32(_mm_set1_epi32(first + 2 * (int)i), lanes);
        _mm_storeu_ps(out + i, largest);
        _mm_storeu_si128((__m128i *)(positions + i), _mm_add_epi32(base, offset));
    }
    return i;
}

long hebb_pool2x2_row_f64(const double *top, const double *bottom, long count, int first, int width,
                          double *out, int *positions) {
    // Offsets in 64-bit lanes, as the comparison masks are; their low halves are stored.
    const __m128i lanes = _mm_set_epi64x(2, 0), one = _mm_set1_epi64x(1);
    const __m128i below = _mm_set1_epi64x(width), below_right = _mm_set1_epi64x((long long)width + 1);
    long i = 0;
    for (; i + 2 <= count; i += 2) {
        const __m128d t0 = _mm_loadu_pd(top + 2 * i), t1 = _mm_loadu_pd(top + 2 * i + 2);
        const __m128d u0 = _mm_loadu_pd(bottom + 2 * i), u1 = _mm_loadu_pd(bottom + 2 * i + 2);
        const __m128d a = _mm_unpacklo_pd(t0, t1), b = _mm_unpackhi_pd(t0, t1);
        const __m128d c = _mm_unpacklo_pd(u0, u1), d = _mm_unpackhi_pd(u0, u1);
        if (_mm_movemask_pd(_mm_or_pd(_mm_cmpunord_pd(a, b), _mm_cmpunord_pd(c, d)))) break;
        const __m128d largest = _mm_max_pd(_mm_max_pd(d, c), _mm_max_pd(b, a));
        __m128i offset = select_bits(_mm_castpd_ps(_mm_cmpeq_pd(c, largest)), below, below_right);
        offset = select_bits(_mm_castpd_ps(_mm_cmpeq_pd(b, largest)), one, offset);
        offset = select_bits(_mm_castpd_ps(_mm_cmpeq_pd(a, largest)), _mm_setzero_si128(), offset);
        const __m128i index = _mm_add_epi64(_mm_add_epi64(_mm_set1_epi64x((long long)first + 2 * i), lanes), offset);
        _mm_storeu_pd(out + i, largest);
        _mm_storel_epi64((__m128i *)(positions + i), _mm_shuffle_epi32(index, _MM_SHUFFLE(2, 0, 2, 0)));
    }
    return i;
}
#else
long hebb_pool2x2_row_f32(const float *top, const float *bottom, long count, int first, int width,
                          float *out, int *positions) {
    (void)top; (void)bottom; (void)count; (void)first; (void)width; (void)out; (void)positions;
    return 0;
}
long hebb_pool2x2_row_f64(const double *top, const double *bottom, long count, int first, int width,
                          double *out, int *positions) {
    (void)top; (void)bottom; (void)count; (void)first; (void)width; (void)out; (void)positions;
    return 0;
}
#endif
