// Small matrix products on LIBXSMM's generated kernels (Sources/CXSMM): the same answers as
// a reference sum, for every shape class, transpose, stride and beta the engine passes;
// transpose flags do not change a product's bits; other betas are refused; the routing policy.

import CXSMM
import Testing
@testable import HebbTensor

/// Row-major C = op(A) op(B) + beta C summed in Double, for references.
private func referenceProduct(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                              _ a: [Double], lda: Int, _ b: [Double], ldb: Int,
                              beta: Double, _ c: [Double], ldc: Int) -> [Double] {
    var out = c
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                sum += x * y
            }
            out[i * ldc + j] = sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
        }
    }
    return out
}

/// Deterministic values in [-1, 1) that are not exactly representable sums.
private func values(_ count: Int, seed: Int) -> [Double] {
    (0..<count).map { index in
        let x = UInt64(truncatingIfNeeded: index &* 2654435761 &+ seed &* 40503) % 10007
        return Double(x) / 5003.5 - 1
    }
}

/// Runs one product through LIBXSMM in `T`, with padded strides when `padded`; returns
/// whether it computed it, and C (padding included).
private func smallProduct<T: TensorScalar>(_: T.Type, transposeA: Bool, transposeB: Bool = false,
                                           m: Int, n: Int, k: Int, padded: Bool, beta: Double,
                                           a: [Double], b: [Double], c: [Double]) -> (Int32, [Double]) {
    let (lda, ldb, ldc) = strides(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, padded: padded)
    let x = a.map(T.init), y = b.map(T.init)
    var z = c.map(T.init)
    let done: Int32 = x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
            z.withUnsafeMutableBufferPointer { z in
                if T.self == Double.self {
                    return hebb_xsmm_dgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                                           UnsafeRawPointer(x.baseAddress!).assumingMemoryBound(to: Double.self), Int32(lda),
                                           UnsafeRawPointer(y.baseAddress!).assumingMemoryBound(to: Double.self), Int32(ldb),
                                           beta, UnsafeMutableRawPointer(z.baseAddress!).assumingMemoryBound(to: Double.self), Int32(ldc))
                }
                return hebb_xsmm_sgemm(transposeA ? 1 : 0, transposeB ? 1 : 0, Int32(m), Int32(n), Int32(k),
                                       UnsafeRawPointer(x.baseAddress!).assumingMemoryBound(to: Float.self), Int32(lda),
                                       UnsafeRawPointer(y.baseAddress!).assumingMemoryBound(to: Float.self), Int32(ldb),
                                       Float(beta), UnsafeMutableRawPointer(z.baseAddress!).assumingMemoryBound(to: Float.self), Int32(ldc))
            }
        }
    }
    return (done, z.map { Double($0) })
}

/// Row strides of A, B and C; two elements more than the tight ones when `padded`.
private func strides(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, padded: Bool) -> (Int, Int, Int) {
    let pad = padded ? 2 : 0
    return ((transposeA ? m : k) + pad, (transposeB ? k : n) + pad, n + pad)
}

@Suite struct SmallProductTests {
    /// Sizes around the kernels' register blocks (1, odd, 8 and 16 wide, the RNN's 10/32/64).
    static let sizes = [1, 2, 3, 5, 8, 10, 16, 17, 32, 64]

    @Test(.enabled(if: hebb_xsmm_available() == 1), arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesTheReferenceSum(transposeA: Bool, transposeB: Bool) throws {
        for m in Self.sizes { for n in Self.sizes { for k in Self.sizes {
            for (padded, beta) in [(false, 0.0), (true, 1.0)] {
                let (lda, ldb, ldc) = strides(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, padded: padded)
                let a = values((transposeA ? k : m) * lda, seed: 1), b = values((transposeB ? n : k) * ldb, seed: 2)
                // beta 0 must not read C: it starts as NaN, as a reused buffer may hold.
                let c = beta == 0 ? [Double](repeating: .nan, count: m * ldc) : values(m * ldc, seed: 3)
                let expected = referenceProduct(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                a, lda: lda, b, ldb: ldb, beta: beta, c, ldc: ldc)
                for single in [false, true] {
                    let (done, actual) = single
                        ? smallProduct(Float.self, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                       padded: padded, beta: beta, a: a, b: b, c: c)
                        : smallProduct(Double.self, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                       padded: padded, beta: beta, a: a, b: b, c: c)
                    #expect(done == 1, "no kernel for \(m)×\(n)×\(k)")
                    let tolerance = single ? 1e-5 * Double(k) : 1e-14 * Double(k)
                    for i in 0..<m { for j in 0..<n {
                        let index = i * ldc + j
                        let ok = Swift.abs(actual[index] - expected[index]) <= tolerance * Swift.max(1, Swift.abs(expected[index]))
                        #expect(ok, "\(single ? "float32" : "float64") \(m)×\(n)×\(k) transposes \(transposeA) \(transposeB) beta \(beta) at (\(i), \(j)): \(actual[index]) vs \(expected[index])")
                        if !ok { return }
                    } }
                    // Padding columns of C are left alone.
                    for i in 0..<m { for j in n..<ldc {
                        let before = single ? Double(Float(c[i * ldc + j])) : c[i * ldc + j]
                        #expect(actual[i * ldc + j] == before || (actual[i * ldc + j].isNaN && before.isNaN))
                    } }
                }
            }
        } } }
    }

    /// An RNN step's products give the same bits as OpenBLAS's (both sum the inner dimension in
    /// order when it is this short); the engine's `matmul` routes them here.
    @Test(.enabled(if: hebb_xsmm_available() == 1))
    func rnnStepProductsThroughMatmul() throws {
        let h = try Tensor(shape: [32, 64], values: values(32 * 64, seed: 4))
        let w = try Tensor(shape: [64, 64], values: values(64 * 64, seed: 5))
        let product = try Tensor.matmul(h, w), gradient = try Tensor.matmul(h, product, transposeA: true)
        let reference = referenceProduct(transposeA: false, transposeB: false, m: 32, n: 64, k: 64,
                                         h.toDoubles(), lda: 64, w.toDoubles(), ldb: 64, beta: 0,
                                         [Double](repeating: 0, count: 32 * 64), ldc: 64)
        K.expect(product, [32, 64], reference, tolerance: 1e-13)
        let referenceGradient = referenceProduct(transposeA: true, transposeB: false, m: 64, n: 64, k: 32,
                                                 h.toDoubles(), lda: 64, product.toDoubles(), ldb: 64, beta: 0,
                                                 [Double](repeating: 0, count: 64 * 64), ldc: 64)
        K.expect(gradient, [64, 64], referenceGradient, tolerance: 1e-12)
        #expect(SmallProducts.takes(m: 32, n: 64, k: 64, transposeB: false))
    }

    /// A product with a transposed operand has the same bits as the plain product of the
    /// operand stored transposed (the fused ops' tests compare `h @ Wh.T.T` with `h @ Wh`).
    @Test(.enabled(if: hebb_xsmm_available() == 1))
    func transposeFlagsGiveTheBitsOfStoredTransposes() throws {
        for dtype in [DType.float64, .float32] {
            for m in Self.sizes { for n in Self.sizes { for k in Self.sizes {
                let a = try Tensor(shape: [m, k], values: values(m * k, seed: 8), dtype: dtype)
                let w = try Tensor(shape: [k, n], values: values(k * n, seed: 9), dtype: dtype)
                let at = try Tensor.transpose(a, axes: nil), wt = try Tensor.transpose(w, axes: nil)
                let plain = try Tensor.matmul(a, w).toDoubles()
                let flags = [try Tensor.matmul(a, wt, transposeB: true), try Tensor.matmul(at, w, transposeA: true),
                             try Tensor.matmul(at, wt, transposeA: true, transposeB: true)].map { $0.toDoubles() }
                #expect(flags.allSatisfy { $0 == plain }, "\(dtype) \(m)×\(n)×\(k)")
                if flags.contains(where: { $0 != plain }) { return }
            } } }
        }
    }

    /// A beta other than 0 or 1 is refused (OpenBLAS computes it).
    @Test(.enabled(if: hebb_xsmm_available() == 1))
    func otherBetasAreRefused() {
        let a = values(6, seed: 6), b = values(6, seed: 7), c = [Double](repeating: 0, count: 4)
        #expect(smallProduct(Double.self, transposeA: false, m: 2, n: 2, k: 3,
                             padded: false, beta: 0.5, a: a, b: b, c: c).0 == 0)
    }

    @Test func routingPolicy() {
        #expect(SmallProducts.takes(m: 32, n: 64, k: 64, transposeB: false))     // an RNN step
        #expect(SmallProducts.takes(m: 32, n: 64, k: 64, transposeB: true))      // its G Whᵀ
        #expect(SmallProducts.takes(m: 20, n: 576, k: 25, transposeB: false))    // a conv layer's image
        #expect(!SmallProducts.takes(m: 20, n: 25, k: 576, transposeB: true))    // its filter gradient: a big copy
        #expect(SmallProducts.takes(m: 64, n: 64, k: 64, transposeB: true))      // 2¹⁸ exactly
        #expect(!SmallProducts.takes(m: 64, n: 64, k: 65, transposeB: true))
        #expect(SmallProducts.takes(m: 64, n: 128, k: 128, transposeB: false))   // 2²⁰ exactly
        #expect(!SmallProducts.takes(m: 128, n: 128, k: 128, transposeB: false))
        #expect(!SmallProducts.takes(m: 500, n: 500, k: 784, transposeB: false)) // an MLP layer: OpenBLAS's threads
        #expect(!SmallProducts.takes(m: 1 << 21, n: 1 << 21, k: 1 << 21, transposeB: false))  // no overflow
        #expect(!SmallProducts.takes(m: 0, n: 4, k: 4, transposeB: false))
        #if arch(x86_64) && os(Linux)
        #expect(hebb_xsmm_available() == 1)   // this build links LIBXSMM: the kernels are used
        #endif
    }
}
