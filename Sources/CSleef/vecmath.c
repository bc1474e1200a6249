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

/// The widest level at or below `level` that this CPU (and its OS) supports.
static int supported(int level) {
    __builtin_cpu_init();
    if (level >= HEBB_VM_AVX512 && __builtin_cpu_supports("avx512f")) return HEBB_VM_AVX512;
    if (level >= HEBB_VM_AVX && __builtin_cpu_supports("avx")) return HEBB_VM_AVX;
    return HEBB_VM_SSE2;
}

int hebb_vm_set_isa(int level) {
    int isa = supported(level);
    __atomic_store_n(&chosen_isa, isa, __ATOMIC_RELAXED);
    return isa;
}

int hebb_vm_isa(void) {
    int isa = __atomic_load_n(&chosen_isa, __ATOMIC_RELAXED);
    if (isa != 0) return isa;
    const char *forced = getenv("HEBB_VECMATH_ISA");
    return hebb_vm_set_isa(forced ? atoi(forced) : HEBB_VM_AVX512);
}

void hebb_vm_unary_f64(int op, const double *x, double *y, long n) {
    switch (hebb_vm_isa()) {
    case HEBB_VM_AVX512: hebb_vm_unary_f64_512(op, x, y, n); break;
    case HEBB_VM_AVX: hebb_vm_unary_f64_256(op, x, y, n); break;
    default: hebb_vm_unary_f64_128(op, x, y, n); break;
    }
}

void hebb_vm_unary_f32(int op, const float *x, float *y, long n) {
    switch (hebb_vm_isa()) {
    case HEBB_VM_AVX512: hebb_vm_unary_f32_512(op, x, y, n); break;
    case HEBB_VM_AVX: hebb_vm_unary_f32_256(op, x, y, n); break;
    default: hebb_vm_unary_f32_128(op, x, y, n); break;
    }
}

void hebb_vm_pow_f64(const double *a, long sa, const double *b, long sb, double *y, long n) {
    switch (hebb_vm_isa()) {
    case HEBB_VM_AVX512: hebb_vm_pow_f64_512(a, sa, b, sb, y, n); break;
    case HEBB_VM_AVX: hebb_vm_pow_f64_256(a, sa, b, sb, y, n); break;
    default: hebb_vm_pow_f64_128(a, sa, b, sb, y, n); break;
    }
}

void hebb_vm_pow_f32(const float *a, long sa, const float *b, long sb, float *y, long n) {
    switch (hebb_vm_isa()) {
    case HEBB_VM_AVX512: hebb_vm_pow_f32_512(a, sa, b, sb, y, n); break;
    case HEBB_VM_AVX: hebb_vm_pow_f32_256(a, sa, b, sb, y, n); break;
    default: hebb_vm_pow_f32_128(a, sa, b, sb, y, n); break;
    }
}
