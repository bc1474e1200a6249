// Helpers for the kernel tests: building tensors, comparing them, naive reference loops
// over multi-indices, and a tiny deterministic generator for random shapes and values.

import Testing
@testable import HebbTensor

/// Namespace for the kernel-test helpers (other test files of this target have their own).
enum K {
    /// A tensor from a shape and row-major values.
    static func t(_ shape: [Int], _ values: [Double], dtype: DType = .float64) throws -> Tensor {
        try Tensor(shape: shape, values: values, dtype: dtype)
    }

    /// 0, 1, 2, ... in `shape`.
    static func iota(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map(Double.init), dtype: dtype)
    }

    /// Checks shape and values (exactly unless a tolerance is given; NaNs match NaNs).
    static func expect(_ t: Tensor, _ shape: [Int], _ values: [Double], tolerance: Double = 0,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.shape == shape, "shape", sourceLocation: sourceLocation)
        let actual = t.toDoubles()
        #expect(actual.count == values.count, "count", sourceLocation: sourceLocation)
        for (x, y) in zip(actual, values) where !(x.isNaN && y.isNaN) {
            let ok = tolerance == 0 ? x == y : Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))
            #expect(ok, "\(actual) != \(values)", sourceLocation: sourceLocation)
            if !ok { return }
        }
    }

    /// Checks that two tensors have equal shapes and values within `tolerance` (relative).
    static func close(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-12,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        expect(a, b.shape, b.toDoubles(), tolerance: tolerance, sourceLocation: sourceLocation)
    }

    /// Checks that `body` throws a `TensorError` with exactly `message` (of any kind).
    static func error(_ message: String, sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () throws -> Void) {
        let error = #expect(throws: TensorError.self, sourceLocation: sourceLocation) { try body() }
        #expect(error?.message == message, sourceLocation: sourceLocation)
    }

    // MARK: Multi-index references

    /// All multi-indices of `shape` in row-major order.
    static func multiIndices(_ shape: [Int]) -> [[Int]] {
        var result: [[Int]] = [[]]
        for extent in shape {
            result = result.flatMap { prefix in (0..<extent).map { prefix + [$0] } }
        }
        return result
    }

    /// Flat row-major position of `index` in `shape`.
    static func flatIndex(_ index: [Int], _ shape: [Int]) -> Int {
        zip(index, shape).reduce(0) { $0 * $1.1 + $1.0 }
    }

    /// The element of `t` that a result multi-index reads under broadcasting (right-aligned,
    /// size-1 axes pinned to 0).
    static func broadcastElement(_ t: Tensor, _ values: [Double], at index: [Int]) -> Double {
        let offset = index.count - t.rank
        let local = t.shape.indices.map { t.shape[$0] == 1 ? 0 : index[$0 + offset] }
        return values[flatIndex(local, t.shape)]
    }

    /// A naive broadcasting binary op, one multi-index at a time.
    static func referenceBinary(_ a: Tensor, _ b: Tensor,
                                _ f: (Double, Double) -> Double) -> (shape: [Int], values: [Double])? {
        guard let shape = Tensor.broadcastShapes(a.shape, b.shape) else { return nil }
        let va = a.toDoubles(), vb = b.toDoubles()
        return (shape, multiIndices(shape).map { f(broadcastElement(a, va, at: $0), broadcastElement(b, vb, at: $0)) })
    }
}

// MARK: - Deterministic randomness

/// SplitMix64: small, deterministic, good enough for random shapes and values.
struct KernelRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform in [-2, 2).
    mutating func double() -> Double { Double(next() >> 11) / Double(1 << 53) * 4 - 2 }

    mutating func tensor(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map { _ in double() }, dtype: dtype)
    }

    mutating func shape(rank: Int, maxExtent: Int = 4) -> [Int] {
        (0..<rank).map { _ in int(1...maxExtent) }
    }

    /// A shape that broadcasts against `shape`: a random suffix with some axes set to 1.
    mutating func broadcastPartner(of shape: [Int]) -> [Int] {
        let keep = int(0...shape.count)
        return shape.suffix(keep).map { int(0...2) == 0 ? 1 : $0 }
    }
}
