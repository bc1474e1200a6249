// The transcendental kernels: array loops in C around SLEEF's vector functions
// (Sources/CSleef), which pick AVX-512, AVX or SSE2 at run time. Accuracy: within 1.0 ulp
// (SLEEF's u10 variants) for exp, log, log1p, expm1, sin, cos and pow, 3.5 ulp for tanh
// (u35: 2-3x faster, measured), correctly rounded for sqrt; sigmoid and softplus are short formulas over them (within 2.5 ulp,
// checked by Tests/HebbTensorTests/VectorMathTests.swift against mpmath).

import CSleef

extension TensorScalar {
    /// `y[i] = f(x[i])` for one of the vectorized functions.
    @inline(__always)
    static func vectorMath(_ function: hebb_vm_op, _ count: Int, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>) {
        Tensor.forEachChunk(of: count, grain: ElementwiseThreads.grain(function)) { start, length in
            vectorMathRun(function, length, x + start, y + start)
        }
    }

    @inline(__always)
    static func vectorMathRun(_ function: hebb_vm_op, _ count: Int, _ x: UnsafePointer<Self>,
                              _ y: UnsafeMutablePointer<Self>) {
        if Self.self == Double.self {
            hebb_vm_unary_f64(Int32(function.rawValue), UnsafeRawPointer(x).assumingMemoryBound(to: Double.self),
                              UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), count)
        } else {
            hebb_vm_unary_f32(Int32(function.rawValue), UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                              UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), count)
        }
    }

    /// `y[i] = a[i * strideA] ** b[i * strideB]`, each stride 0 (one value) or 1.
    @inline(__always)
    static func vectorPow(_ count: Int, _ a: UnsafePointer<Self>, _ strideA: Int, _ b: UnsafePointer<Self>, _ strideB: Int,
                          _ y: UnsafeMutablePointer<Self>) {
        Tensor.forEachChunk(of: count, grain: ElementwiseThreads.powGrain) { start, length in
            vectorPowRun(length, a + start * strideA, strideA, b + start * strideB, strideB, y + start)
        }
    }

    @inline(__always)
    static func vectorPowRun(_ count: Int, _ a: UnsafePointer<Self>, _ strideA: Int, _ b: UnsafePointer<Self>,
                             _ strideB: Int, _ y: UnsafeMutablePointer<Self>) {
        if Self.self == Double.self {
            hebb_vm_pow_f64(UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), strideA,
                            UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), strideB,
                            UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), count)
        } else {
            hebb_vm_pow_f32(UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), strideA,
                            UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), strideB,
                            UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), count)
        }
    }
}

extension Tensor {
    /// Instruction sets of the vectorized kernels, widest last.
    public enum VectorISA: Int32, CaseIterable, Sendable {
        case sse2 = 128, avx = 256, avx512 = 512
    }

    /// The instruction set the vectorized kernels use on this machine.
    public static var vectorISA: VectorISA { VectorISA(rawValue: hebb_vm_isa()) ?? .sse2 }

    /// The instruction sets this CPU has.
    public static var supportedVectorISAs: [VectorISA] {
        VectorISA.allCases.filter { hebb_vm_supported($0.rawValue) == $0.rawValue }
    }
}
