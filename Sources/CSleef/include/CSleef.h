#ifndef HEBB_CSLEEF_H
#define HEBB_CSLEEF_H
// Hebb's vectorized elementary functions: array loops over SLEEF's vector functions
// (libsleef), for float64 and float32: the 1.0-ulp "u10" variants, but the 3.5-ulp "u35"
// for tanh (2.2x faster in float64 and 2.8x in float32 here; the activation of every RNN). The instruction set is
// chosen once at run time (AVX-512, AVX, or the SSE2 baseline every x86-64 has), so the
// binary runs on any x86-64. The last partial vector of an array is computed by the same
// vector function on a padded copy, so an element's result never depends on its position
// or on the array's length (a one-element call gives exactly what a long array gives).

/// The functions, one code each (shared with HebbTensor's `Tensor.UnaryOp` routing).
enum hebb_vm_op {
    HEBB_VM_EXP = 0,
    HEBB_VM_LOG,
    HEBB_VM_TANH,       // SLEEF u35 (3.5 ulp)
    HEBB_VM_SIGMOID,    // 1 / (1 + exp(-x))
    HEBB_VM_SOFTPLUS,   // max(x, 0) + log1p(exp(-|x|))
    HEBB_VM_LOG1P,
    HEBB_VM_EXPM1,
    HEBB_VM_SQRT,       // SLEEF's u05 (correctly rounded on every path)
    HEBB_VM_SIN,
    HEBB_VM_COS,
};

/// Instruction sets, widest first; `hebb_vm_isa` reports the one in use.
enum hebb_vm_isa_level {
    HEBB_VM_SSE2 = 128,
    HEBB_VM_AVX = 256,
    HEBB_VM_AVX512 = 512,
};

/// y[i] = op(x[i]) for i < n. x and y may be the same array.
void hebb_vm_unary_f64(int op, const double *x, double *y, long n);
void hebb_vm_unary_f32(int op, const float *x, float *y, long n);

/// y[i] = a[i * stride_a] ** b[i * stride_b]; a stride of 0 repeats one value.
void hebb_vm_pow_f64(const double *a, long stride_a, const double *b, long stride_b, double *y, long n);
void hebb_vm_pow_f32(const float *a, long stride_a, const float *b, long stride_b, float *y, long n);

/// One RMSprop step with momentum (TensorFlow 1's form), element by element, the state
/// updated in place: ms = decay ms + (1 - decay) g g; mom = momentum mom + lr g / sqrt(ms + eps);
/// out_p = p - mom. No two arrays may overlap. IEEE arithmetic without contraction: every
/// instruction set gives the same bits.
void hebb_vm_rmsprop_f64(long n, const double *p, const double *g, double *ms, double *mom,
                         double *out_p, double lr, double decay, double momentum, double eps);
void hebb_vm_rmsprop_f32(long n, const float *p, const float *g, float *ms, float *mom,
                         float *out_p, float lr, float decay, float momentum, float eps);

/// Adam's settings, converted to the parameter's type by the caller (as a scalar operand of
/// a tensor op is): keep1 = 1 - beta1, keep2 = 1 - beta2, correction_k = 1 - beta_k^t.
typedef struct { double beta1, keep1, beta2, keep2, lr, correction1, correction2, eps; } hebb_adam_f64;
typedef struct { float beta1, keep1, beta2, keep2, lr, correction1, correction2, eps; } hebb_adam_f32;

/// One Adam step, element by element, in the order of the formulas in stdlib/optimizers.hebb,
/// the state updated in place: m = beta1 m + keep1 g; v = beta2 v + keep2 g g;
/// out_p = p - lr (m / correction1) / (sqrt(v / correction2) + eps). Arrays apart, as for
/// RMSprop; the same bits everywhere.
void hebb_vm_adam_f64(long n, const double *p, const double *g, double *m, double *v,
                      double *out_p, const hebb_adam_f64 *settings);
void hebb_vm_adam_f32(long n, const float *p, const float *g, float *m, float *v,
                      float *out_p, const hebb_adam_f32 *settings);

/// One momentum step, the velocity updated in place: velocity = mu velocity - lr g;
/// out_p = p + velocity, or with nesterov (nonzero) out_p = p + mu velocity - lr g. Arrays apart.
void hebb_vm_momentum_f64(long n, const double *p, const double *g, double *velocity,
                          double *out_p, double lr, double mu, int nesterov);
void hebb_vm_momentum_f32(long n, const float *p, const float *g, float *velocity,
                          float *out_p, float lr, float mu, int nesterov);

/// The instruction set the loops use: the widest this CPU has, or the widest at or below
/// HEBB_VECMATH_ISA=128|256|512 when that is set at the first call.
int hebb_vm_isa(void);

/// The widest instruction set at or below `level` that this CPU supports.
int hebb_vm_supported(int level);

/// The same loops on a given instruction set (the widest supported at or below `isa`), for
/// tests that check every path on one machine.
void hebb_vm_unary_f64_at(int isa, int op, const double *x, double *y, long n);
void hebb_vm_unary_f32_at(int isa, int op, const float *x, float *y, long n);
void hebb_vm_pow_f64_at(int isa, const double *a, long stride_a, const double *b, long stride_b, double *y, long n);
void hebb_vm_pow_f32_at(int isa, const float *a, long stride_a, const float *b, long stride_b, float *y, long n);

/// 2×2 max-pooling (stride 2) of one row pair, four (float) or two (double) windows at a
/// time with SSE2: window i covers top[2i], top[2i+1], bottom[2i], bottom[2i+1]; out[i] is
/// its first maximum in that order (a -0 before a +0 stays -0) and positions[i] its index,
/// first + 2i, + 1, + width or + width + 1. Returns how many windows it wrote: a multiple of
/// the vector width, stopping before a group that holds a NaN (the caller's scalar loop
/// takes the rest). Returns 0 on other architectures.
long hebb_pool2x2_row_f32(const float *top, const float *bottom, long count, int first, int width,
                          float *out, int *positions);
long hebb_pool2x2_row_f64(const double *top, const double *bottom, long count, int first, int width,
                          double *out, int *positions);
#endif
