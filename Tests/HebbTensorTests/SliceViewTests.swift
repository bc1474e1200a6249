// Contiguous slices (a batch of rows, one time step) share their parent's memory: the same
// values as a copy, and value semantics kept both ways (writes copy first).

import Testing
@testable import HebbTensor

@Suite struct SliceViewTests {
    /// 0..<n as the given shape.
    private func iota(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        let count = shape.reduce(1, *)
        return try Tensor(shape: shape, values: (0..<count).map(Double.init), dtype: dtype)
    }

    @Test func rowBlocksAndTimeStepsAreViewsWithTheValuesOfACopy() throws {
        for dtype in [DType.float64, .float32] {
            let x = try iota([50, 4, 3], dtype: dtype)
            let step = try Tensor.slice(x, [.single(7)])
            #expect(step.storage.isView)
            #expect(step.shape == [4, 3])
            #expect(step.toDoubles() == (84..<96).map(Double.init))
            let rows = try Tensor.slice(x, [.range(start: 10, stop: 20, step: 1)])
            #expect(rows.storage.isView && rows.shape == [10, 4, 3])
            #expect(rows.toDoubles() == (120..<240).map(Double.init))
            // A view of a view reads from the first parent.
            let inner = try Tensor.slice(rows, [.single(2)])
            #expect(inner.toDoubles() == (144..<156).map(Double.init))
        }
    }

    @Test func selectionsThatAreNotOneRunOrAreSmallAreCopies() throws {
        let x = try iota([50, 4, 3])
        #expect(try !Tensor.slice(x, [.all, .single(1)]).storage.isView)   // strided
        #expect(try !Tensor.slice(x, [.range(start: 0, stop: 50, step: 2)]).storage.isView)
        #expect(try !Tensor.slice(x, [.list([3, 4])]).storage.isView)
        #expect(try !Tensor.slice(iota([200, 3]), [.single(5)]).storage.isView)  // 3 of 600: under 1/64
        #expect(try Tensor.slice(iota([64, 3]), [.single(5)]).storage.isView)   // 3 of 192: 1/64
        #expect(try Tensor.slice(x, [.range(start: 0, stop: 0, step: 1)]).count == 0)
    }

    @Test func writingAViewOrItsParentLeavesTheOtherUnchanged() throws {
        var x = try iota([8, 2])
        var rows = try Tensor.slice(x, [.range(start: 2, stop: 4, step: 1)])
        // A view held only here is still not written in place: its memory is x's.
        let writableInPlace = rows.isUniquelyReferenced()
        #expect(!writableInPlace)
        try Tensor.sliceAssign(&rows, [.single(0)], Tensor(scalar: -1, dtype: .float64))
        #expect(rows.toDoubles() == [-1, -1, 6, 7])
        #expect(!rows.storage.isView)
        #expect(x.toDoubles() == (0..<16).map(Double.init))
        // The parent is shared with a view: writing it copies, and the view keeps the old values.
        let view = try Tensor.slice(x, [.range(start: 4, stop: 8, step: 1)])
        try Tensor.sliceAssign(&x, [.single(4)], Tensor(scalar: 100, dtype: .float64))
        #expect(view.toDoubles() == (8..<16).map(Double.init))
        #expect(x.element(8) == 100)
        // In-place sums refuse a view.
        var sum = try Tensor.slice(x, [.range(start: 0, stop: 4, step: 1)])
        #expect(!Tensor.addInPlace(&sum, sum))
    }

    @Test func aViewKeepsItsParentsMemoryAliveAfterTheParentIsGone() throws {
        var view: Tensor
        do {
            let parent = try iota([1000, 8])
            view = try Tensor.slice(parent, [.range(start: 990, stop: 1000, step: 1)])
        }
        #expect(view.toDoubles() == (7920..<8000).map(Double.init))
        view.makeUnique()
        #expect(!view.storage.isView && view.toDoubles() == (7920..<8000).map(Double.init))
    }
}
