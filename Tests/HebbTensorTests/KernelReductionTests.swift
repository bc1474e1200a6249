// Reductions: every op along every axis (negative too), keepDims, empty axes, NaN rules,
// and the summation against a naive loop.

import Testing
@testable import HebbTensor

@Suite struct KernelReductionTests {
    let m: Tensor

    init() throws {
        // [[1, 5, 2],
        //  [7, 0, 7]]
        m = try K.t([2, 3], [1, 5, 2, 7, 0, 7])
    }

    @Test func allElements() throws {
        K.expect(try Tensor.reduce(.sum, m, axis: nil), [], [22])
        K.expect(try Tensor.reduce(.mean, m, axis: nil), [], [22.0 / 6])
        K.expect(try Tensor.reduce(.max, m, axis: nil), [], [7])
        K.expect(try Tensor.reduce(.min, m, axis: nil), [], [0])
        K.expect(try Tensor.reduce(.argmax, m, axis: nil), [], [3])
        K.expect(try Tensor.reduce(.argmin, m, axis: nil), [], [4])
        K.expect(try Tensor.reduce(.sum, m, axis: nil, keepDims: true), [1, 1], [22])
    }

    @Test func alongAxes() throws {
        K.expect(try Tensor.reduce(.sum, m, axis: 0), [3], [8, 5, 9])
        K.expect(try Tensor.reduce(.sum, m, axis: 1), [2], [8, 14])
        K.expect(try Tensor.reduce(.sum, m, axis: -1), [2], [8, 14])
        K.expect(try Tensor.reduce(.sum, m, axis: -2, keepDims: true), [1, 3], [8, 5, 9])
        K.expect(try Tensor.reduce(.mean, m, axis: 1, keepDims: true), [2, 1], [8.0 / 3, 14.0 / 3])
        K.expect(try Tensor.reduce(.max, m, axis: 0), [3], [7, 5, 7])
        K.expect(try Tensor.reduce(.min, m, axis: 1), [2], [1, 0])
        // Ties keep the first position.
        K.expect(try Tensor.reduce(.argmax, m, axis: 1), [2], [1, 0])
        K.expect(try Tensor.reduce(.argmax, m, axis: 0), [3], [1, 0, 1])
        K.expect(try Tensor.reduce(.argmin, m, axis: 0, keepDims: true), [1, 3], [0, 1, 0])
    }

    @Test func middleAxisOfThreeD() throws {
        let x = try K.iota([2, 3, 2])
        K.expect(try Tensor.reduce(.sum, x, axis: 1), [2, 2], [6, 9, 24, 27])
        K.expect(try Tensor.reduce(.max, x, axis: 1, keepDims: true), [2, 1, 2], [4, 5, 10, 11])
        K.expect(try Tensor.reduce(.argmin, x, axis: -2), [2, 2], [0, 0, 0, 0])
        K.expect(try Tensor.reduce(.mean, x, axis: 2), [2, 3], [0.5, 2.5, 4.5, 6.5, 8.5, 10.5])
    }

    @Test func zeroDAndOneElement() throws {
        let s = Tensor(scalar: 3)
        K.expect(try Tensor.reduce(.sum, s, axis: nil), [], [3])
        K.expect(try Tensor.reduce(.argmax, s, axis: nil), [], [0])
        K.expect(try Tensor.reduce(.max, s, axis: nil, keepDims: true), [], [3])
        K.error("sum: axis 0 is out of bounds for tensor of dimension 0") { _ = try Tensor.reduce(.sum, s, axis: 0) }
    }

    @Test func emptyAxes() throws {
        let e = try Tensor.zeros([0, 3])
        K.expect(try Tensor.reduce(.sum, e, axis: 0), [3], [0, 0, 0])
        K.expect(try Tensor.reduce(.sum, e, axis: nil), [], [0])
        K.expect(try Tensor.reduce(.mean, e, axis: 0), [3], [.nan, .nan, .nan])
        K.expect(try Tensor.reduce(.max, e, axis: 1), [0], [])
        K.expect(try Tensor.reduce(.sum, e, axis: 1, keepDims: true), [0, 1], [])
        K.error("max: cannot reduce an empty axis (shape (0, 3))") { _ = try Tensor.reduce(.max, e, axis: 0) }
        K.error("argmin: cannot reduce an empty axis (shape (0, 3))") { _ = try Tensor.reduce(.argmin, e, axis: nil) }
        K.error("argmax: cannot reduce an empty axis (shape (0, 0))") {
            _ = try Tensor.reduce(.argmax, try Tensor.zeros([0, 0]), axis: 0)
        }
    }

    @Test func badAxes() throws {
        K.error("sum: axis 2 is out of bounds for tensor of dimension 2") { _ = try Tensor.reduce(.sum, m, axis: 2) }
        K.error("argmax: axis -3 is out of bounds for tensor of dimension 2") { _ = try Tensor.reduce(.argmax, m, axis: -3) }
        K.error("mean: axis \(Int.min) is out of bounds for tensor of dimension 2") {
            _ = try Tensor.reduce(.mean, m, axis: Int.min)
        }
    }

    @Test func nanWinsMaxAndArgmax() throws {
        let x = try K.t([2, 3], [1, .nan, 3, 4, 5, .nan])
        K.expect(try Tensor.reduce(.max, x, axis: 1), [2], [.nan, .nan])
        K.expect(try Tensor.reduce(.argmax, x, axis: 1), [2], [1, 2])
        K.expect(try Tensor.reduce(.min, x, axis: 0), [3], [1, .nan, .nan])
        K.expect(try Tensor.reduce(.argmin, x, axis: 0), [3], [0, 0, 1])
        K.expect(try Tensor.reduce(.argmax, x, axis: nil), [], [1])
    }

    @Test func float32() throws {
        let x = try K.t([2, 2], [1, 2, 3, 4], dtype: .float32)
        let s = try Tensor.reduce(.sum, x, axis: 0)
        #expect(s.dtype == .float32)
        K.expect(s, [2], [4, 6])
        K.expect(try Tensor.reduce(.argmax, x, axis: 1), [2], [1, 1])
    }

    /// Sums of many elements use pairwise summation: adding 0.1 a million times is within a
    /// few ulps of the exact value, where a naive running sum drifts by ~1e-6.
    @Test func longSumsAreAccurate() throws {
        let n = 1_000_000
        let x = try Tensor(shape: [n], repeating: 0.1)
        let sum = try Tensor.reduce(.sum, x, axis: nil).toDoubles()[0]
        #expect(Swift.abs(sum - 100_000) < 1e-8)
        let f = try Tensor(shape: [n], repeating: 0.1, dtype: .float32)
        let fsum = try Tensor.reduce(.sum, f, axis: nil).toDoubles()[0]
        #expect(Swift.abs(fsum - 100_000) < 1)
    }

    @Test func reductionsAgreeWithNaiveLoops() throws {
        var random = KernelRandom(seed: 3)
        for _ in 0..<200 {
            let shape = random.shape(rank: random.int(1...4), maxExtent: 5)
            let x = try random.tensor(shape)
            let axis = random.int(0...(shape.count - 1))
            let values = x.toDoubles()
            var sums: [[Int]: Double] = [:], maxima: [[Int]: (Double, Int)] = [:]
            for (flat, index) in K.multiIndices(shape).enumerated() {
                var key = index
                let position = key.remove(at: axis)
                sums[key, default: 0] += values[flat]
                if let best = maxima[key], best.0 >= values[flat] { continue }
                maxima[key] = (values[flat], position)
            }
            var outShape = shape
            outShape.remove(at: axis)
            let keys = K.multiIndices(outShape)
            let negative = axis - shape.count
            K.expect(try Tensor.reduce(.sum, x, axis: negative), outShape, keys.map { sums[$0] ?? 0 }, tolerance: 1e-12)
            K.expect(try Tensor.reduce(.max, x, axis: axis), outShape, keys.map { maxima[$0]?.0 ?? 0 })
            K.expect(try Tensor.reduce(.argmax, x, axis: axis), outShape, keys.map { Double(maxima[$0]?.1 ?? 0) })
        }
    }
}
