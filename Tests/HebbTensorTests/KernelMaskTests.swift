// Bool masks: comparisons make them, numeric kernels promote them (NumPy's rules), mask
// selection and assignment pick what NumPy's `a[mask]` picks, logic ops combine them, and
// they print, cast and save as NumPy's bool arrays do. Expected values are worked out by
// hand from NumPy's documented behaviour.

import Foundation
import Testing
@testable import HebbTensor

@Suite struct KernelMaskTests {
    let x: Tensor      // [5, 6, 7]
    let grid: Tensor   // 0..<12 as (3, 4)

    init() throws {
        x = try K.t([3], [5, 6, 7])
        grid = try K.iota([3, 4])
    }

    func mask(_ shape: [Int], _ flags: [Bool]) throws -> Tensor {
        try Tensor(shape: shape, values: flags.map { $0 ? 1 : 0 }, dtype: .bool)
    }

    @Test func comparisonsGiveOneBytePerElementMasks() throws {
        let m = try Tensor.binary(.greater, x, try K.t([], [5]))
        #expect(m.dtype == .bool)
        #expect(m.storage.byteCount == 3)
        K.expect(m, [3], [0, 1, 1])
        K.expect(Tensor.binary(.lessEqual, x, scalar: 6), [3], [1, 1, 0])
        #expect(Tensor.binary(.equal, scalar: 7, x).dtype == .bool)
        // NaN compares unequal to everything, itself included.
        K.expect(try Tensor.binary(.notEqual, try K.t([2], [.nan, 1]), try K.t([2], [.nan, 1])), [2], [1, 0])
    }

    @Test func arithmeticPromotesMasksAsNumPyDoes() throws {
        let m = try mask([3], [false, true, true])
        let f32 = try K.t([3], [1, 2, 3], dtype: .float32)
        #expect(try Tensor.binary(.add, m, x).dtype == .float64)
        #expect(try Tensor.binary(.mul, f32, m).dtype == .float32)
        K.expect(try Tensor.binary(.mul, f32, m), [3], [0, 2, 3])
        // Between two masks NumPy's rules: + is or, * is and, - is refused.
        let other = try mask([3], [true, false, true])
        #expect(try Tensor.binary(.add, m, other).dtype == .bool)
        K.expect(try Tensor.binary(.add, m, other), [3], [1, 1, 1])
        K.expect(try Tensor.binary(.mul, m, other), [3], [0, 0, 1])
        K.expect(try Tensor.binary(.div, m, other), [3], [0, .infinity, 1])
        #expect(throws: TensorError.self) { try Tensor.binary(.sub, m, other) }
        K.expect(Tensor.binary(.mul, m, scalar: 2), [3], [0, 2, 2])
        let negated = Tensor.unary(.neg, m)
        #expect(negated.dtype == .float64)
        K.expect(negated, [3], [-0.0, -1, -1])
        K.expect(try Tensor.reduce(.sum, m, axis: nil), [], [2])
        K.expect(try Tensor.reduce(.mean, m, axis: nil), [], [2.0 / 3])
        K.expect(try Tensor.matmul(m, x), [], [13])
    }

    @Test func maskSelectPicksElementsOrRows() throws {
        // Same shape: the elements where the mask is true, row-major, as a 1-d result.
        let odd = Tensor.binary(.greater, Tensor.unary(.sign, try Tensor.binary(.sub, grid, scalar: 5.5)), scalar: 0)
        K.expect(try Tensor.maskSelect(grid, odd), [6], [6, 7, 8, 9, 10, 11])
        // Leading axis: whole rows.
        K.expect(try Tensor.maskSelect(grid, try mask([3], [true, false, true])), [2, 4], [0, 1, 2, 3, 8, 9, 10, 11])
        K.expect(try Tensor.maskSelect(grid, try mask([3], [false, false, false])), [0, 4], [])
        // A mask of masks keeps its dtype.
        let picked = try Tensor.maskSelect(try mask([4], [true, false, true, true]), try mask([4], [false, true, true, false]))
        #expect(picked.dtype == .bool)
        K.expect(picked, [2], [0, 1])
    }

    @Test func maskShapesThatFitNeitherRuleAreErrors() throws {
        K.error("index: a mask of shape (4,) does not fit a tensor of shape (3, 4); the mask must have the tensor's "
                + "shape or the shape of its leading axes, such as (3,)") {
            _ = try Tensor.maskSelect(grid, try mask([4], [true, true, true, true]))
        }
        K.error("index: a mask must be a bool tensor (a comparison such as x > 0), got float64") {
            _ = try Tensor.maskSelect(x, try K.t([3], [0, 1, 1]))
        }
    }

    @Test func maskAssignWritesOnlyTheSelectedPlaces() throws {
        var y = x
        try Tensor.maskAssign(&y, Tensor.binary(.greater, x, scalar: 5), Tensor(scalar: 0))
        K.expect(y, [3], [5, 0, 0])
        K.expect(x, [3], [5, 6, 7])   // copy-on-write: the original is unchanged
        var g = grid
        try Tensor.maskAssign(&g, try mask([3], [false, true, false]), try K.t([4], [-1, -2, -3, -4]))
        K.expect(g, [3, 4], [0, 1, 2, 3, -1, -2, -3, -4, 8, 9, 10, 11])
        var z = x
        try Tensor.maskAssign(&z, try mask([3], [true, false, true]), try K.t([2], [10, 20]))
        K.expect(z, [3], [10, 6, 20])
        K.error("mask assignment: value of shape (3,) cannot be broadcast to the 2 selected elements, shape (2,)") {
            try Tensor.maskAssign(&z, try mask([3], [true, false, true]), try K.t([3], [1, 2, 3]))
        }
    }

    @Test func logicalOpsCombineTruthValues() throws {
        let a = try mask([4], [true, true, false, false]), b = try mask([4], [true, false, true, false])
        K.expect(try Tensor.logical(.and, a, b), [4], [1, 0, 0, 0])
        K.expect(try Tensor.logical(.or, a, b), [4], [1, 1, 1, 0])
        K.expect(try Tensor.logical(.xor, a, b), [4], [0, 1, 1, 0])
        K.expect(try Tensor.logicalNot(a), [4], [0, 0, 1, 1])
        // Numbers count as true when nonzero; shapes broadcast.
        let both = try Tensor.logical(.and, try K.t([2, 1], [0, 2]), try K.t([3], [1, 0, .nan]))
        #expect(both.dtype == .bool)
        K.expect(both, [2, 3], [0, 0, 0, 1, 0, 1])
    }

    @Test func castsFollowNumPy() throws {
        K.expect(try K.t([4], [0, -0.0, 2, .nan]).cast(to: .bool), [4], [0, 0, 1, 1])
        let m = try mask([2], [true, false])
        #expect(try m.cast(to: .float32).dtype == .float32)
        K.expect(try m.cast(to: .float64), [2], [1, 0])
    }

    @Test func masksPrintAsNumPyBoolArrays() throws {
        #expect(try mask([3], [false, true, true]).formatted() == "[False  True  True]")
        #expect(try mask([2], [true, true]).formatted() == "[ True  True]")
        #expect(try mask([2, 2], [true, false, false, true]).formatted() == "[[ True False]\n [False  True]]")
        #expect(Tensor(scalar: 1, dtype: .bool).formatted() == "True")
    }

    @Test func movingKernelsKeepMasks() throws {
        let m = try mask([2, 3], [true, false, false, true, true, false])
        let t = try Tensor.transpose(m)
        #expect(t.dtype == .bool)
        K.expect(t, [3, 2], [1, 1, 0, 1, 0, 0])
        K.expect(try Tensor.broadcast(try mask([3], [true, false, true]), to: [2, 3]), [2, 3], [1, 0, 1, 1, 0, 1])
        K.expect(try Tensor.slice(m, [.all, .single(1)]), [2], [0, 1])
        let joined = try Tensor.concat([m, m], axis: 0)
        #expect(joined.dtype == .bool)
        K.expect(try Tensor.concat([m, grid.cast(to: .float64).reshaped([4, 3])], axis: 0), [6, 3],
                 [1, 0, 0, 1, 1, 0] + (0..<12).map(Double.init))
        K.expect(try Tensor.where_(m, try K.iota([2, 3]), Tensor(scalar: -1)), [2, 3], [0, -1, -1, 3, 4, -1])
    }

    @Test func npyStoresMasksAsB1() throws {
        let path = NSTemporaryDirectory() + "hebb-mask-\(getpid()).npy"
        defer { unlink(path) }
        let m = try mask([2, 2], [true, false, false, true])
        try m.saveNPY(path: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(String(decoding: bytes, as: UTF8.self).contains("'descr': '|b1'"))
        #expect(Array(bytes.suffix(4)) == [1, 0, 0, 1])
        let loaded = try Tensor.loadNPY(path: path)
        #expect(loaded.dtype == .bool)
        K.expect(loaded, [2, 2], [1, 0, 0, 1])
    }
}
