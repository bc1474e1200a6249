// The entry points of CSleef.h: the SSE2 loops (every x86-64 has SSE2), and the choice of
// instruction set at run time. The AVX and AVX-512 loops live in the CSleefAVX and
// CSleefAVX512 targets, the only code built for those sets, called only when the CPU has them.
#include "vecmath_loops.h"
#include <stdlib.h>

DEFINE_LOOPS(128, __m128d, __m128, d2, f4)

/// The loops of one instruction set (defined in vecmath_loops.h).
#define DECLARE_LOOPS(BITS) \
    void hebb_vm_unary_f64_##BITS(int op, const double *x, double *y, long n); \
    void hebb_vm_unary_f32_##BITS(int op, const float *x, float *y, long n); \
    void hebb_vm_pow_f64_##BITS(const double *a, long sa, const double *b, long sb, double *y, long n); \
    void hebb_vm_pow_f32_##BITS(const float *a, long sa, const float *b, long sb, float *y, long n);
DECLARE_LOOPS(256)
DECLARE_LOOPS(512)

// MARK: - Choosing the instruction set

static int chosen_isa = 0;

int hebb_vm_supported(int level) {
    __builtin_cpu_init();
    if (level >= HEBB_VM_AVX512 && __builtin_cpu_supports("avx512f")) return HEBB_VM_AVX512;
    if (level >= HEBB_VM_AVX && __builtin_cpu_supports("avx")) return HEBB_VM_AVX;
    return HEBB_VM_SSE2;
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
