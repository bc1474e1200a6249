// Matrix products (every rank combination and transpose flag), transpose and outer.

import Testing
@testable import HebbTensor

/// A naive product of row-major matrices, for checking BLAS.
private func naiveProduct(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
    return c
}

/// The transpose of a row-major rows×cols matrix, for building references.
private func transposed(_ a: Tensor) throws -> Tensor {
    let (rows, cols) = (a.shape[0], a.shape[1]), v = a.toDoubles()
    return try K.t([cols, rows], (0..<(rows * cols)).map { v[($0 % rows) * cols + $0 / rows] }, dtype: a.dtype)
}

@Suite struct KernelMatmulTests {
    let a: Tensor, b: Tensor

    init() throws {
        a = try K.t([2, 3], [1, 2, 3, 4, 5, 6])
        b = try K.t([3, 2], [7, 8, 9, 10, 11, 12])
    }

    @Test func matrixTimesMatrix() throws {
        K.expect(try Tensor.matmul(a, b), [2, 2], [58, 64, 139, 154])
        K.expect(try Tensor.matmul(b, a), [3, 3], [39, 54, 69, 49, 68, 87, 59, 82, 105])
    }

    @Test func transposeFlags() throws {
        // aᵀ is (3, 2), bᵀ is (2, 3).
        K.expect(try Tensor.matmul(a, a, transposeA: true), [3, 3], [17, 22, 27, 22, 29, 36, 27, 36, 45])
        K.expect(try Tensor.matmul(a, a, transposeB: true), [2, 2], [14, 32, 32, 77])
        // aᵀ bᵀ = (b a)ᵀ
        K.close(try Tensor.matmul(a, b, transposeA: true, transposeB: true), try Tensor.transpose(try Tensor.matmul(b, a)))
    }

    @Test func vectorCombinations() throws {
        let v = try K.t([3], [1, 0, -1]), w = try K.t([2], [1, 2])
        K.expect(try Tensor.matmul(a, v), [2], [-2, -2])
        K.expect(try Tensor.matmul(v, b), [2], [-4, -4])
        K.expect(try Tensor.matmul(w, a), [3], [9, 12, 15])
        K.expect(try Tensor.matmul(a, w, transposeA: true), [3], [9, 12, 15])
        K.expect(try Tensor.matmul(w, b, transposeB: true), [3], [23, 29, 35])
        K.expect(try Tensor.matmul(v, v), [], [2])
        // Flags on vectors are ignored.
        K.expect(try Tensor.matmul(v, v, transposeA: true, transposeB: true), [], [2])
    }

    @Test func emptyAndDegenerate() throws {
        K.expect(try Tensor.matmul(try Tensor.zeros([2, 0]), try Tensor.zeros([0, 3])), [2, 3], [0, 0, 0, 0, 0, 0])
        K.expect(try Tensor.matmul(try Tensor.zeros([0, 4]), try Tensor.zeros([4, 3])), [0, 3], [])
        K.expect(try Tensor.matmul(try Tensor.zeros([0]), try Tensor.zeros([0])), [], [0])
        K.expect(try Tensor.matmul(try Tensor.zeros([0]), try Tensor.zeros([0, 5])), [5], [0, 0, 0, 0, 0])
        K.expect(try Tensor.matmul(try K.t([1, 1], [3]), try K.t([1, 1], [4])), [1, 1], [12])
    }

    @Test func errors() throws {
        K.error("matmul: shapes (3, 4) and (5, 2) are not aligned (4 != 5)") {
            _ = try Tensor.matmul(try Tensor.zeros([3, 4]), try Tensor.zeros([5, 2]))
        }
        K.error("matmul: shapes (2, 3).T and (3, 2) are not aligned (2 != 3)") {
            _ = try Tensor.matmul(a, b, transposeA: true)
        }
        K.error("matmul: shapes (3,) and (2,) are not aligned (3 != 2)") {
            _ = try Tensor.matmul(try Tensor.zeros([3]), try Tensor.zeros([2]))
        }
        K.error("matmul: shapes () and (2,) are not supported (operands must be 1-D or 2-D)") {
            _ = try Tensor.matmul(Tensor(scalar: 1), try Tensor.zeros([2]))
        }
        K.error("matmul: shapes (2, 2, 2) and (2,) are not supported (operands must be 1-D or 2-D)") {
            _ = try Tensor.matmul(try Tensor.zeros([2, 2, 2]), try Tensor.zeros([2]))
        }
        K.error("matmul: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.matmul(a, try b.cast(to: .float32))
        }
    }

    /// Random sizes and every flag combination against a naive triple loop, both dtypes.
    @Test(arguments: [DType.float64, .float32])
    func agreesWithNaiveProduct(dtype: DType) throws {
        var random = KernelRandom(seed: 5)
        for trial in 0..<60 {
            let (m, k, n) = (random.int(1...9), random.int(1...9), random.int(1...9))
            let x = try random.tensor([m, k], dtype: dtype), y = try random.tensor([k, n], dtype: dtype)
            let expected = naiveProduct(x.toDoubles(), y.toDoubles(), m: m, k: k, n: n)
            let ta = trial % 2 == 1, tb = trial % 4 >= 2
            let left = ta ? try transposed(x) : x, right = tb ? try transposed(y) : y
            let tolerance = dtype == .float32 ? 1e-5 : 1e-12
            let product = try Tensor.matmul(left, right, transposeA: ta, transposeB: tb)
            #expect(product.dtype == dtype)
            K.expect(product, [m, n], expected, tolerance: tolerance)
            // The vector forms are the same numbers.
            let row = try Tensor.slice(x, [.single(0)])
            K.expect(try Tensor.matmul(row, right, transposeB: tb), [n], Array(expected[0..<n]), tolerance: tolerance)
            let column = try Tensor.slice(y, [.all, .single(0)])
            K.expect(try Tensor.matmul(left, column, transposeA: ta), [m],
                     stride(from: 0, to: m * n, by: n).map { expected[$0] }, tolerance: tolerance)
        }
    }

    @Test func largeProductUsesBLASCorrectly() throws {
        var random = KernelRandom(seed: 9)
        let x = try random.tensor([70, 90]), y = try random.tensor([90, 50])
        let expected = naiveProduct(x.toDoubles(), y.toDoubles(), m: 70, k: 90, n: 50)
        K.expect(try Tensor.matmul(x, y), [70, 50], expected, tolerance: 1e-12)
    }
}

@Suite struct KernelTransposeTests {
    @Test func reverseAxes() throws {
        let a = try K.iota([2, 3])
        K.expect(try Tensor.transpose(a), [3, 2], [0, 3, 1, 4, 2, 5])
        K.expect(try Tensor.transpose(try K.iota([3])), [3], [0, 1, 2])
        K.expect(try Tensor.transpose(Tensor(scalar: 1)), [], [1])
        K.expect(try Tensor.transpose(try Tensor.zeros([0, 2])), [2, 0], [])
        K.expect(try Tensor.transpose(try K.iota([1, 4])), [4, 1], [0, 1, 2, 3])
    }

    @Test func permutations() throws {
        let x = try K.iota([2, 3, 4])
        let values = x.toDoubles()
        for axes in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [-1, 0, -2]] {
            let positive = axes.map { $0 < 0 ? $0 + 3 : $0 }
            let shape = positive.map { x.shape[$0] }
            let expected = K.multiIndices(shape).map { index -> Double in
                var source = [0, 0, 0]
                for (position, axis) in positive.enumerated() { source[axis] = index[position] }
                return values[K.flatIndex(source, x.shape)]
            }
            K.expect(try Tensor.transpose(x, axes: axes), shape, expected)
        }
    }

    @Test func largeMatrixUsesTheBlockedPath() throws {
        let x = try K.iota([70, 45])
        let t = try Tensor.transpose(x)
        #expect(t.shape == [45, 70])
        let v = t.toDoubles()
        #expect((0..<45).allSatisfy { j in (0..<70).allSatisfy { i in v[j * 70 + i] == Double(i * 45 + j) } })
        // Swapping two groups of axes merges to the same 2-D transpose.
        let y = try Tensor.transpose(try K.iota([2, 3, 5]), axes: [2, 0, 1])
        let z = try Tensor.transpose(try K.iota([6, 5]))
        K.close(try y.reshaped([5, 6]), z, tolerance: 0)
    }

    @Test func errors() throws {
        let x = try K.iota([2, 3])
        K.error("transpose: axes (0,) don't match tensor of shape (2, 3)") { _ = try Tensor.transpose(x, axes: [0]) }
        K.error("transpose: repeated axis 0 in (0, 0)") { _ = try Tensor.transpose(x, axes: [0, 0]) }
        K.error("transpose: repeated axis -2 in (0, -2)") { _ = try Tensor.transpose(x, axes: [0, -2]) }
        K.error("transpose: axis 2 is out of bounds for tensor of dimension 2") { _ = try Tensor.transpose(x, axes: [2, 0]) }
    }
}

@Suite struct KernelOuterTests {
    @Test func outerProduct() throws {
        K.expect(try Tensor.outer(try K.t([2], [1, 2]), try K.t([3], [1, 10, 100])), [2, 3], [1, 10, 100, 2, 20, 200])
        K.expect(try Tensor.outer(try K.t([2, 1], [1, 2]), Tensor(scalar: 3)), [2, 1], [3, 6])
        K.expect(try Tensor.outer(try Tensor.zeros([0]), try K.t([2], [1, 2])), [0, 2], [])
        K.error("outer: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.outer(Tensor(scalar: 1), Tensor(scalar: 1, dtype: .float32))
        }
    }
}
