// Matrix products through BLAS (transposes are flags, never copies), transpose and outer.

import CBLAS
import CXSMM
#if canImport(Glibc)
import Glibc
#endif

// MARK: - BLAS

/// Typed entry points to OpenBLAS, generic over the scalar so kernels stay generic; the
/// `T.self == Double.self` test disappears when the caller is specialised. Callers check
/// that every size fits BLAS's 32-bit integers first, and load the library with
/// `OpenBLAS.functions()` (which throws when it is missing) before the first call.
enum BLAS {
    /// C (m×n, row stride ldc) = op(A) op(B) + beta C, all row-major.
    static func gemm<T: TensorScalar>(_ blas: OpenBLAS.Functions, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                                      _ a: UnsafePointer<T>, lda: Int, _ b: UnsafePointer<T>, ldb: Int,
                                      beta: T, _ c: UnsafeMutablePointer<T>, ldc: Int) {
        let flagA = transposeA ? CblasTrans : CblasNoTrans, flagB = transposeB ? CblasTrans : CblasNoTrans
        let (m, n, k) = (Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k))
        let (lda, ldb, ldc) = (Int32(truncatingIfNeeded: lda), Int32(truncatingIfNeeded: ldb), Int32(truncatingIfNeeded: ldc))
        if SmallProducts.enabled, SmallProducts.takes(m: Int(m), n: Int(n), k: Int(k), transposeB: transposeB) {
            let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
            let done = if T.self == Double.self {
                hebb_xsmm_dgemm(ta, tb, m, n, k, cast(a), lda, cast(b), ldb, Double(beta), cast(c), ldc)
            } else {
                hebb_xsmm_sgemm(ta, tb, m, n, k, cast(a), lda, cast(b), ldb, Float(beta), cast(c), ldc)
            }
            if done == 1 { return }
        }
        OpenBLAS.chooseThreads(blas, singlePrecision: T.self == Float.self, m: Int(m), n: Int(n), k: Int(k))
        if T.self == Double.self {
            blas.dgemm(CblasRowMajor, flagA, flagB, m, n, k, 1, cast(a), lda, cast(b), ldb,
                       Double(beta), cast(c), ldc)
        } else {
            blas.sgemm(CblasRowMajor, flagA, flagB, m, n, k, 1, cast(a), lda, cast(b), ldb,
                       Float(beta), cast(c), ldc)
        }
    }

    /// y = op(M) x for a row-major rows×cols matrix M.
    static func gemv<T: TensorScalar>(_ blas: OpenBLAS.Functions, transpose: Bool, rows: Int, cols: Int,
                                      _ matrix: UnsafePointer<T>, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let flag = transpose ? CblasTrans : CblasNoTrans
        let (rows, cols) = (Int32(truncatingIfNeeded: rows), Int32(truncatingIfNeeded: cols))
        if T.self == Double.self {
            blas.dgemv(CblasRowMajor, flag, rows, cols, 1, cast(matrix), cols, cast(x), 1, 0, cast(y), 1)
        } else {
            blas.sgemv(CblasRowMajor, flag, rows, cols, 1, cast(matrix), cols, cast(x), 1, 0, cast(y), 1)
        }
    }

    /// The dot product of two contiguous vectors of length n.
    static func dot<T: TensorScalar>(_ blas: OpenBLAS.Functions, _ n: Int, _ x: UnsafePointer<T>, _ y: UnsafePointer<T>) -> T {
        let n = Int32(truncatingIfNeeded: n)
        if T.self == Double.self { return T(blas.ddot(n, cast(x), 1, cast(y), 1)) }
        return T(blas.sdot(n, cast(x), 1, cast(y), 1))
    }

    @inline(__always)
    private static func cast<T, U>(_ p: UnsafePointer<T>) -> UnsafePointer<U> {
        UnsafeRawPointer(p).assumingMemoryBound(to: U.self)
    }

    @inline(__always)
    private static func cast<T, U>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
    }

    /// True when `size` fits a BLAS integer.
    @inline(__always)
    static func fits(_ size: Int) -> Bool { size <= Int(Int32.max) }
}

/// Which products go to LIBXSMM's generated kernels instead of OpenBLAS. OpenBLAS spends
/// much of a small product outside its inner kernel (packing both operands, dispatch), and
/// on CPUs without AVX-512 (or with `OPENBLAS_CORETYPE=Haswell`) its kernels are 256-bit. On
/// an RNN step's 32×64 by 64×64 (Benchmarks/small_gemm.c, float64, one thread) OpenBLAS's
/// Haswell kernels take 5.0 µs, its SkylakeX ones 2.1, and LIBXSMM's AVX-512 one 2.0; on a
/// conv layer's 20×25 by 25×576, 13.1 / 4.7 / 4.5. Products up to 2²⁰ multiply-adds go to
/// LIBXSMM (there it was as fast as OpenBLAS's best on two threads, or faster); a transposed
/// B only up to 2¹⁸, since LIBXSMM needs it copied (a conv filter gradient's 25×576 copy made
/// it 2× slower than OpenBLAS's SkylakeX kernels). Up to 2¹⁸ every flag takes LIBXSMM, so
/// there `A @ B.T` has the bits of `A @ Bt` with Bt stored. `HEBB_SMALL_GEMM=openblas`
/// sends every product to OpenBLAS (for comparisons).
public enum SmallProducts {
    /// Multiply-adds (m·n·k) up to which a product with a transposed B is small.
    public static let maxMultiplyAdds = 1 << 18
    /// And up to which one with B as stored is.
    public static let maxPlainMultiplyAdds = 1 << 20

    /// False when this build has no LIBXSMM or HEBB_SMALL_GEMM=openblas.
    public static let enabled: Bool = {
        if let choice = getenv("HEBB_SMALL_GEMM"), String(cString: choice) == "openblas" { return false }
        return hebb_xsmm_available() == 1
    }()

    /// The policy alone: does C = op(A) op(B) (m×n, inner k) go to LIBXSMM?
    @inline(__always)
    public static func takes(m: Int, n: Int, k: Int, transposeB: Bool) -> Bool {
        guard (1...maxPlainMultiplyAdds).contains(m), (1...maxPlainMultiplyAdds).contains(n),
              (1...maxPlainMultiplyAdds).contains(k) else { return false }
        let work = m &* n &* k   // no overflow: each factor is at most 2²⁰ here
        return work <= (transposeB ? maxMultiplyAdds : maxPlainMultiplyAdds)
    }
}

// MARK: - Products

extension Tensor {
    /// `op(a) @ op(b)` for 1-D and 2-D operands, `op` being the transpose when its flag is
    /// set (flags apply to 2-D operands only). 1-D @ 2-D and 2-D @ 1-D give 1-D results;
    /// 1-D @ 1-D is the dot product (0-d).
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        let (a, b) = numericPair(a, b)
        try checkSameDType(a, b, op: "matmul")
        let ta = transposeA && a.rank == 2, tb = transposeB && b.rank == 2
        let (m, k, n) = try productSizes(a, b, ta, tb)
        // Literals, not appends: on tiny matrices the array growth cost more than the product.
        let shape = a.rank == 2 ? (b.rank == 2 ? [m, n] : [m]) : (b.rank == 2 ? [n] : [])
        // Zeros are the answer when k == 0; otherwise BLAS overwrites every element (beta 0),
        // so the result is not cleared first (a 500×500 memset per product, in a training loop).
        if m == 0 || n == 0 || k == 0 { return try Tensor.zeros(shape, dtype: a.dtype) }
        let result = try Tensor(uninitializedShape: shape, dtype: a.dtype)
        guard BLAS.fits(a.count), BLAS.fits(b.count), BLAS.fits(result.count) else {
            throw TensorError("matmul: shapes \(describe(a.shape)) and \(describe(b.shape)) are too large for BLAS")
        }
        let blas = try OpenBLAS.functions()
        let finished = switch a.dtype {
        case .float64: productKernel(blas, a, b, ta, tb, m, k, n, result, Double.self)
        case .float32: productKernel(blas, a, b, ta, tb, m, k, n, result, Float.self)
        case .bool: false  // made numeric above
        }
        guard finished else { throw TensorError(Cancellation.message, kind: .interrupted) }
        return result
    }

    /// (m, k, n) of op(a) (m×k) times op(b) (k×n); a vector has m or n of 1.
    private static func productSizes(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) throws -> (Int, Int, Int) {
        guard (1...2).contains(a.rank), (1...2).contains(b.rank) else {
            throw TensorError("matmul: shapes \(describe(a.shape)) and \(describe(b.shape)) are not supported "
                + "(operands must be 1-D or 2-D)")
        }
        let m = a.rank == 2 ? a.shape[ta ? 1 : 0] : 1
        let kA = a.rank == 2 ? a.shape[ta ? 0 : 1] : a.shape[0]
        let kB = b.rank == 2 ? b.shape[tb ? 1 : 0] : b.shape[0]
        let n = b.rank == 2 ? b.shape[tb ? 0 : 1] : 1
        guard kA == kB else {
            throw TensorError("matmul: shapes \(describe(a.shape))\(ta ? ".T" : "") and "
                + "\(describe(b.shape))\(tb ? ".T" : "") are not aligned (\(kA) != \(kB))")
        }
        return (m, kA, n)
    }

    private static func productKernel<T: TensorScalar>(_ blas: OpenBLAS.Functions, _ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool,
                                                       _ m: Int, _ k: Int, _ n: Int, _ result: Tensor, _: T.Type) -> Bool {
        let x = a.pointer(T.self), y = b.pointer(T.self), out = result.pointer(T.self)
        switch (a.rank, b.rank) {
        case (2, 2):
            // A very large product runs in panels of rows, so an interrupt (Ctrl-C) stops it
            // within one panel (~2^30 multiply-adds, tens of milliseconds) instead of seconds.
            let panelRows = max(1, (1 << 30) / max(1, n &* k))
            var row = 0
            while row < m {
                if row > 0 && Cancellation.isRequested { return false }
                let rows = min(panelRows, m - row)
                BLAS.gemm(blas, transposeA: ta, transposeB: tb, m: rows, n: n, k: k, x + (ta ? row : row &* a.shape[1]),
                          lda: a.shape[1], y, ldb: b.shape[1], beta: 0, out + row &* n, ldc: n)
                row += rows
            }
        case (1, 2):
            // x @ op(B) = op(B)ᵀ x.
            BLAS.gemv(blas, transpose: !tb, rows: b.shape[0], cols: b.shape[1], y, x, out)
        case (2, 1):
            BLAS.gemv(blas, transpose: ta, rows: a.shape[0], cols: a.shape[1], x, y, out)
        default:
            out[0] = BLAS.dot(blas, k, x, y)
        }
        return true
    }

    /// The outer product of two vectors (other shapes are flattened): (m,) x (n,) -> (m, n).
    public static func outer(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let (a, b) = numericPair(a, b)
        try checkSameDType(a, b, op: "outer")
        let m = a.count, n = b.count
        let result = try Tensor(uninitializedShape: [m, n], dtype: a.dtype)
        switch a.dtype {
        case .float64: outerKernel(a.pointer(Double.self), m, b.pointer(Double.self), n, result.pointer(Double.self))
        case .float32: outerKernel(a.pointer(Float.self), m, b.pointer(Float.self), n, result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func outerKernel<T: TensorScalar>(_ a: UnsafePointer<T>, _ m: Int, _ b: UnsafePointer<T>, _ n: Int,
                                                     _ out: UnsafeMutablePointer<T>) {
        for i in 0..<m {
            let row = out + i &* n, s = a[i]
            for j in 0..<n { row[j] = s * b[j] }
        }
    }
}

// MARK: - Transpose

extension Tensor {
    /// Permutes the axes (`nil` reverses them; a 1-D tensor is unchanged). Copies.
    public static func transpose(_ a: Tensor, axes: [Int]? = nil) throws -> Tensor {
        let permutation = try axes.map { try checkedPermutation($0, a.shape) } ?? Array((0..<a.rank).reversed())
        if permutation == Array(0..<a.rank) { return a }
        let shape = permutation.map { a.shape[$0] }
        let result = Tensor(validShape: shape, dtype: a.dtype, count: a.count)
        if a.count == 0 { return result }
        switch a.dtype {
        case .float64: transposeKernel(a, permutation, result, Double.self)
        case .float32: transposeKernel(a, permutation, result, Float.self)
        case .bool: transposeKernel(a, permutation, result, UInt8.self)
        }
        return result
    }

    /// `axes` normalised, or an error unless it is a permutation of the axes of `shape`.
    private static func checkedPermutation(_ axes: [Int], _ shape: [Int]) throws -> [Int] {
        guard axes.count == shape.count else {
            throw TensorError("transpose: axes \(describe(axes)) don't match tensor of shape \(describe(shape))")
        }
        var seen = [Bool](repeating: false, count: shape.count)
        return try axes.map { axis in
            let k = try normalizeAxis(axis, rank: shape.count, op: "transpose")
            guard !seen[k] else { throw TensorError("transpose: repeated axis \(axis) in \(describe(axes))") }
            seen[k] = true
            return k
        }
    }

    private static func transposeKernel<T>(_ a: Tensor, _ permutation: [Int], _ result: Tensor, _: T.Type) {
        let source = a.rawElements(T.self), target = result.rawElements(T.self)
        let sourceStrides = contiguousStrides(a.shape)
        // Walk the output in order, reading the input through permuted strides.
        let layout = StridedLayout(shape: result.shape,
                                   strides: [contiguousStrides(result.shape), permutation.map { sourceStrides[$0] }])
        if layout.extents.count == 2 && layout.stride(1, axis: 0) == 1 && layout.stride(1, axis: 1) == layout.extents[0] {
            // A plain matrix transpose after merging: block it for the cache.
            transpose2D(source, rows: layout.extents[1], cols: layout.extents[0], target)
            return
        }
        let length = layout.rowLength, step = layout.innerStride(1)
        layout.forEachRow { offsets in
            let input = source + offsets[1], out = target + offsets[0]
            for i in 0..<length { out[i] = input[i &* step] }
        }
    }

    /// Cache-blocked 2-D transpose: out (cols×rows) = in (rows×cols)ᵀ.
    private static func transpose2D<T>(_ input: UnsafePointer<T>, rows: Int, cols: Int,
                                                     _ out: UnsafeMutablePointer<T>) {
        let block = 32
        for i0 in stride(from: 0, to: rows, by: block) {
            let i1 = Swift.min(i0 &+ block, rows)
            for j0 in stride(from: 0, to: cols, by: block) {
                let j1 = Swift.min(j0 &+ block, cols)
                for i in i0..<i1 {
                    for j in j0..<j1 { out[j &* rows &+ i] = input[i &* cols &+ j] }
                }
            }
        }
    }
}
