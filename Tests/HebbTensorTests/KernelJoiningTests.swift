// concat, stack, onehot, softmax and logSoftmax.

import Testing
@testable import HebbTensor

@Suite struct KernelJoiningTests {
    @Test func concatAlongEachAxis() throws {
        let a = try K.iota([2, 2]), b = try K.t([2, 1], [10, 20])
        K.expect(try Tensor.concat([a, b], axis: 1), [2, 3], [0, 1, 10, 2, 3, 20])
        K.expect(try Tensor.concat([a, b], axis: -1), [2, 3], [0, 1, 10, 2, 3, 20])
        K.expect(try Tensor.concat([a, try K.t([1, 2], [7, 8]), a], axis: 0), [5, 2], [0, 1, 2, 3, 7, 8, 0, 1, 2, 3])
        K.expect(try Tensor.concat([try K.t([2], [1, 2]), try Tensor.zeros([0]), try K.t([1], [3])], axis: 0), [3], [1, 2, 3])
        K.expect(try Tensor.concat([a], axis: 0), [2, 2], [0, 1, 2, 3])
        K.expect(try Tensor.concat([try Tensor.zeros([0, 2]), try Tensor.zeros([0, 3])], axis: 1), [0, 5], [])
        let x = try K.iota([2, 1, 2]), y = try K.iota([2, 2, 2])
        K.expect(try Tensor.concat([x, y], axis: 1), [2, 3, 2], [0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 6, 7])
    }

    @Test func float32Joins() throws {
        let a = try K.t([1, 2], [1, 2], dtype: .float32), b = try K.t([1, 2], [3, 4], dtype: .float32)
        let c = try Tensor.concat([a, b], axis: 1)
        #expect(c.dtype == .float32)
        K.expect(c, [1, 4], [1, 2, 3, 4])
        K.expect(try Tensor.stack([a, b], axis: 1), [1, 2, 2], [1, 2, 3, 4])
        K.expect(try Tensor.transpose(try Tensor.concat([a, b], axis: 0)), [2, 2], [1, 3, 2, 4])
    }

    @Test func concatErrors() throws {
        K.error("concat: need at least one tensor") { _ = try Tensor.concat([], axis: 0) }
        K.error("concat: 0-d tensors cannot be concatenated") { _ = try Tensor.concat([Tensor(scalar: 1)], axis: 0) }
        K.error("concat: shapes (2, 2) and (2, 3) differ on axis 1 (2 != 3)") {
            _ = try Tensor.concat([try Tensor.zeros([2, 2]), try Tensor.zeros([2, 3])], axis: 0)
        }
        K.error("concat: shapes (2, 2) and (2,) have different ranks") {
            _ = try Tensor.concat([try Tensor.zeros([2, 2]), try Tensor.zeros([2])], axis: 0)
        }
        K.error("concat: axis 2 is out of bounds for tensor of dimension 2") {
            _ = try Tensor.concat([try Tensor.zeros([2, 2])], axis: 2)
        }
        K.error("concat: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.concat([try Tensor.zeros([2]), try Tensor.zeros([2], dtype: .float32)], axis: 0)
        }
    }

    @Test func stackAddsAnAxis() throws {
        let a = try K.t([2], [1, 2]), b = try K.t([2], [3, 4])
        K.expect(try Tensor.stack([a, b], axis: 0), [2, 2], [1, 2, 3, 4])
        K.expect(try Tensor.stack([a, b], axis: 1), [2, 2], [1, 3, 2, 4])
        K.expect(try Tensor.stack([a, b, a], axis: -1), [2, 3], [1, 3, 1, 2, 4, 2])
        K.expect(try Tensor.stack([Tensor(scalar: 1), Tensor(scalar: 2)], axis: 0), [2], [1, 2])
        K.expect(try Tensor.stack([a], axis: 0), [1, 2], [1, 2])
        K.error("stack: need at least one tensor") { _ = try Tensor.stack([], axis: 0) }
        K.error("stack: shapes (2,) and (3,) differ") { _ = try Tensor.stack([a, try Tensor.zeros([3])], axis: 0) }
        K.error("stack: axis 2 is out of bounds for tensor of dimension 2") { _ = try Tensor.stack([a, b], axis: 2) }
        K.error("stack: axis -3 is out of bounds for tensor of dimension 2") { _ = try Tensor.stack([a, b], axis: -3) }
    }

    @Test func onehotRows() throws {
        K.expect(try Tensor.onehot(try K.t([3], [2, 0, 1]), classes: 3), [3, 3], [0, 0, 1, 1, 0, 0, 0, 1, 0])
        let f = try Tensor.onehot(try K.t([1], [1]), classes: 2, dtype: .float32)
        #expect(f.dtype == .float32)
        K.expect(f, [1, 2], [0, 1])
        K.expect(try Tensor.onehot(try Tensor.zeros([0]), classes: 4), [0, 4], [])
        K.expect(try Tensor.onehot(try K.t([2, 1], [1, 0]), classes: 2), [2, 1, 2], [0, 1, 1, 0])
    }

    @Test func onehotErrors() throws {
        K.error("onehot: label 3 at index 1 is out of range [0, 3)") {
            _ = try Tensor.onehot(try K.t([2], [0, 3]), classes: 3)
        }
        K.error("onehot: label -1 at index 0 is out of range [0, 3)") {
            _ = try Tensor.onehot(try K.t([1], [-1]), classes: 3)
        }
        K.error("onehot: label 1.5 at index 0 is not a whole number") {
            _ = try Tensor.onehot(try K.t([1], [1.5]), classes: 3)
        }
        K.error("onehot: label nan at index 0 is not a whole number") {
            _ = try Tensor.onehot(try K.t([1], [.nan]), classes: 3)
        }
        K.error("onehot: label inf at index 0 is out of range [0, 3)") {
            _ = try Tensor.onehot(try K.t([1], [.infinity]), classes: 3)
        }
        K.error("onehot: label 1e+300 at index 0 is out of range [0, 3)") {
            _ = try Tensor.onehot(try K.t([1], [1e300]), classes: 3)
        }
        K.error("onehot: number of classes must be non-negative, got -1") {
            _ = try Tensor.onehot(try Tensor.zeros([1]), classes: -1)
        }
    }
}

@Suite struct KernelSoftmaxTests {
    @Test func rowsSumToOne() throws {
        let x = try K.t([2, 3], [1, 2, 3, 0, 0, 0])
        let e = [1, 2.718281828459045, 7.38905609893065].map { $0 / 11.107337927389695 }
        K.expect(try Tensor.softmax(x, axis: 1), [2, 3], e + [1.0 / 3, 1.0 / 3, 1.0 / 3], tolerance: 1e-15)
        K.expect(try Tensor.softmax(x, axis: -1), [2, 3], e + [1.0 / 3, 1.0 / 3, 1.0 / 3], tolerance: 1e-15)
        K.expect(try Tensor.logSoftmax(x, axis: 1), [2, 3], (e + [1.0 / 3, 1.0 / 3, 1.0 / 3]).map { cLog($0) },
                 tolerance: 1e-14)
    }

    @Test func alongTheFirstAxis() throws {
        let x = try K.t([2, 2], [0, 1, 0, 3])
        let s = try Tensor.softmax(x, axis: 0)
        K.expect(s, [2, 2], [0.5, 1 / (1 + cExp(2)), 0.5, 1 / (1 + cExp(-2))], tolerance: 1e-15)
        K.close(try Tensor.logSoftmax(x, axis: 0), Tensor.unary(.log, s), tolerance: 1e-14)
    }

    @Test func extremeLogitsStayFinite() throws {
        let x = try K.t([1, 3], [1000, -1000, 0])
        K.expect(try Tensor.softmax(x, axis: 1), [1, 3], [1, 0, 0])
        K.expect(try Tensor.logSoftmax(x, axis: 1), [1, 3], [0, -2000, -1000])
        let f = try Tensor.softmax(try x.cast(to: .float32), axis: 0)
        K.expect(f, [1, 3], [1, 1, 1])
    }

    @Test func agreesWithNaiveFormulaOnRandomShapes() throws {
        var random = KernelRandom(seed: 31)
        for _ in 0..<100 {
            let shape = random.shape(rank: random.int(1...3), maxExtent: 5)
            let x = try random.tensor(shape)
            let axis = random.int(0...(shape.count - 1))
            let exps = Tensor.unary(.exp, x)
            let naive = try Tensor.binary(.div, exps, Tensor.reduce(.sum, exps, axis: axis, keepDims: true))
            K.close(try Tensor.softmax(x, axis: axis), naive, tolerance: 1e-13)
            K.close(try Tensor.logSoftmax(x, axis: axis), Tensor.unary(.log, naive), tolerance: 1e-13)
        }
    }

    @Test func edgeCasesAndErrors() throws {
        K.expect(try Tensor.softmax(try Tensor.zeros([0, 3]), axis: 1), [0, 3], [])
        K.expect(try Tensor.softmax(try Tensor.zeros([2, 0]), axis: 1), [2, 0], [])
        K.expect(try Tensor.softmax(try K.t([1], [5]), axis: 0), [1], [1])
        K.error("softmax: axis 1 is out of bounds for tensor of dimension 1") {
            _ = try Tensor.softmax(try Tensor.zeros([3]), axis: 1)
        }
        K.error("logSoftmax: axis 0 is out of bounds for tensor of dimension 0") {
            _ = try Tensor.logSoftmax(Tensor(scalar: 1), axis: 0)
        }
    }
}

#if canImport(Glibc)
import Glibc
private func cLog(_ x: Double) -> Double { Glibc.log(x) }
private func cExp(_ x: Double) -> Double { Glibc.exp(x) }
#endif
