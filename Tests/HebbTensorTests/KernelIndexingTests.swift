// Indexing: single indices, Python slices (clamping, negative steps), fancy lists, the
// assign/add scatters, and a reference walk over multi-indices for random selections.

import Testing
@testable import HebbTensor

/// Python's slice.indices(n) followed by range(), written the obvious way.
private func pythonRange(_ start: Int?, _ stop: Int?, _ step: Int?, _ n: Int) -> [Int] {
    let step = step ?? 1
    func adjust(_ bound: Int?, _ fallback: Int, low: Int, high: Int) -> Int {
        guard var bound else { return fallback }
        if bound < 0 { bound += n }
        return min(max(bound, low), high)
    }
    if step > 0 {
        let lo = adjust(start, 0, low: 0, high: n), hi = adjust(stop, n, low: 0, high: n)
        return Array(stride(from: lo, to: hi, by: step))
    }
    let lo = adjust(start, n - 1, low: -1, high: n - 1), hi = adjust(stop, -1, low: -1, high: n - 1)
    return Array(stride(from: lo, to: hi, by: step))
}

@Suite struct KernelSliceTests {
    let x: Tensor   // 0..<12 as (3, 4)

    init() throws { x = try K.iota([3, 4]) }

    @Test func singleIndicesDropAxes() throws {
        K.expect(try Tensor.slice(x, [.single(1)]), [4], [4, 5, 6, 7])
        K.expect(try Tensor.slice(x, [.single(-1)]), [4], [8, 9, 10, 11])
        K.expect(try Tensor.slice(x, [.all, .single(2)]), [3], [2, 6, 10])
        K.expect(try Tensor.slice(x, [.single(2), .single(-4)]), [], [8])
        K.expect(try Tensor.slice(x, []), [3, 4], x.toDoubles())
    }

    @Test func rangesClampLikePython() throws {
        K.expect(try Tensor.slice(x, [.range(start: 1, stop: nil, step: nil)]), [2, 4], Array(4..<12).map(Double.init))
        K.expect(try Tensor.slice(x, [.range(start: -100, stop: 100, step: nil)]), [3, 4], x.toDoubles())
        K.expect(try Tensor.slice(x, [.all, .range(start: 1, stop: 3, step: nil)]), [3, 2], [1, 2, 5, 6, 9, 10])
        K.expect(try Tensor.slice(x, [.range(start: 2, stop: 1, step: nil)]), [0, 4], [])
        K.expect(try Tensor.slice(x, [.range(start: 5, stop: 9, step: nil)]), [0, 4], [])
        K.expect(try Tensor.slice(x, [.all, .range(start: nil, stop: nil, step: 2)]), [3, 2], [0, 2, 4, 6, 8, 10])
        K.expect(try Tensor.slice(x, [.all, .range(start: nil, stop: nil, step: 100)]), [3, 1], [0, 4, 8])
    }

    @Test func negativeSteps() throws {
        K.expect(try Tensor.slice(x, [.range(start: nil, stop: nil, step: -1)]), [3, 4],
                 [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: nil, stop: nil, step: -2)]), [2], [3, 1])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: 2, stop: 0, step: -1)]), [2], [2, 1])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: -1, stop: -100, step: -3)]), [2], [3, 0])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: 100, stop: nil, step: -1)]), [4], [3, 2, 1, 0])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: 0, stop: 3, step: -1)]), [0], [])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: nil, stop: nil, step: Int.min)]), [1], [3])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: Int.max, stop: Int.min, step: -1)]), [4], [3, 2, 1, 0])
        K.expect(try Tensor.slice(x, [.single(0), .range(start: Int.min, stop: Int.max, step: Int.max)]), [1], [0])
    }

    @Test func fancyRowsAndColumns() throws {
        K.expect(try Tensor.slice(x, [.list([2, 0, 2])]), [3, 4], [8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11])
        K.expect(try Tensor.slice(x, [.all, .list([-1, 0])]), [3, 2], [3, 0, 7, 4, 11, 8])
        K.expect(try Tensor.slice(x, [.list([])]), [0, 4], [])
        K.expect(try Tensor.slice(x, [.list([1]), .range(start: 1, stop: nil, step: 2)]), [1, 2], [5, 7])
        K.expect(try Tensor.slice(x, [.single(1), .list([3, 3])]), [2], [7, 7])
    }

    @Test func float32Selections() throws {
        let f = try K.iota([3, 4], dtype: .float32)
        let rows = try Tensor.slice(f, [.list([2, 0]), .range(start: nil, stop: nil, step: -3)])
        #expect(rows.dtype == .float32)
        K.expect(rows, [2, 2], [11, 8, 3, 0])
        var g = try Tensor.zeros([3], dtype: .float32)
        try Tensor.sliceAdd(&g, [.list([1, 1, 2])], try K.t([3], [1, 2, 3], dtype: .float32))
        K.expect(g, [3], [0, 3, 3])
        try Tensor.sliceAssign(&g, [.range(start: 1, stop: nil, step: nil)], Tensor(scalar: 7, dtype: .float32))
        K.expect(g, [3], [0, 7, 7])
    }

    @Test func zeroDAndEmptyTensors() throws {
        K.expect(try Tensor.slice(Tensor(scalar: 5), []), [], [5])
        K.expect(try Tensor.slice(try Tensor.zeros([0, 3]), [.all, .single(1)]), [0], [])
        K.expect(try Tensor.slice(try Tensor.zeros([0, 3]), [.range(start: 1, stop: nil, step: -1)]), [0, 3], [])
    }

    @Test func errors() throws {
        K.error("index 10 is out of bounds for axis 0 with size 3") { _ = try Tensor.slice(x, [.single(10)]) }
        K.error("index -5 is out of bounds for axis 1 with size 4") { _ = try Tensor.slice(x, [.all, .single(-5)]) }
        K.error("index 4 is out of bounds for axis 1 with size 4") { _ = try Tensor.slice(x, [.all, .list([0, 4])]) }
        K.error("index \(Int.min) is out of bounds for axis 0 with size 3") { _ = try Tensor.slice(x, [.list([Int.min])]) }
        K.error("index 0 is out of bounds for axis 0 with size 0") {
            _ = try Tensor.slice(try Tensor.zeros([0]), [.single(0)])
        }
        K.error("index: slice step cannot be zero") {
            _ = try Tensor.slice(x, [.range(start: nil, stop: nil, step: 0)])
        }
        K.error("too many indices for tensor: tensor is 2-dimensional, but 3 were indexed") {
            _ = try Tensor.slice(x, [.all, .all, .single(0)])
        }
        K.error("too many indices for tensor: tensor is 0-dimensional, but 1 were indexed") {
            _ = try Tensor.slice(Tensor(scalar: 1), [.all])
        }
        K.error("index: at most one list index is supported per indexing") {
            _ = try Tensor.slice(x, [.list([0]), .list([1])])
        }
    }

    @Test func sliceShape() throws {
        #expect(try Tensor.sliceShape([5, 6, 7], [.single(1), .range(start: nil, stop: nil, step: -2), .list([1, 1, 1, 1])]) == [3, 4])
        #expect(try Tensor.sliceShape([5], []) == [5])
        K.error("negative dimension -1 in shape (-1,)") { _ = try Tensor.sliceShape([-1], []) }
        K.error("index 5 is out of bounds for axis 0 with size 5") { _ = try Tensor.sliceShape([5], [.single(5)]) }
    }

    /// Random selections on random 1-4-D tensors against a multi-index reference.
    @Test func randomSelectionsAgreeWithReference() throws {
        var random = KernelRandom(seed: 17)
        for _ in 0..<400 {
            let shape = random.shape(rank: random.int(1...4), maxExtent: 5)
            let source = try K.iota(shape)
            var specs: [Tensor.IndexSpec] = [], positions: [[Int]] = [], kept: [Bool] = []
            var usedList = false
            for axis in 0..<random.int(0...shape.count) {
                let n = shape[axis]
                switch random.int(0...3) {
                case 0:
                    let i = random.int(-n...(n - 1))
                    specs.append(.single(i)); positions.append([i < 0 ? i + n : i]); kept.append(false)
                case 1 where !usedList:
                    let list = (0..<random.int(0...4)).map { _ in random.int(-n...(n - 1)) }
                    usedList = true
                    specs.append(.list(list)); positions.append(list.map { $0 < 0 ? $0 + n : $0 }); kept.append(true)
                case 2:
                    specs.append(.all); positions.append(Array(0..<n)); kept.append(true)
                default:
                    func bound() -> Int? { random.int(0...3) == 0 ? nil : random.int(-7...7) }
                    let start = bound(), stop = bound()
                    let step: Int? = random.int(0...2) == 0 ? nil : [-3, -2, -1, 1, 2, 3][random.int(0...5)]
                    specs.append(.range(start: start, stop: stop, step: step))
                    positions.append(pythonRange(start, stop, step, n)); kept.append(true)
                }
            }
            for axis in specs.count..<shape.count {
                positions.append(Array(0..<shape[axis])); kept.append(true)
            }
            let expectedShape = zip(positions, kept).filter { $0.1 }.map { $0.0.count }
            let expected = K.multiIndices(positions.map(\.count)).map { index in
                Double(K.flatIndex(index.enumerated().map { positions[$0.offset][$0.element] }, shape))
            }
            K.expect(try Tensor.slice(source, specs), expectedShape, expected)
            #expect(try Tensor.sliceShape(shape, specs) == expectedShape)
        }
    }
}

@Suite struct KernelScatterTests {
    @Test func assignWritesTheSelection() throws {
        var x = try Tensor.zeros([3, 3])
        try Tensor.sliceAssign(&x, [.single(1)], try K.t([3], [1, 2, 3]))
        try Tensor.sliceAssign(&x, [.all, .single(0)], Tensor(scalar: 9))
        try Tensor.sliceAssign(&x, [.range(start: nil, stop: nil, step: -2), .range(start: 2, stop: nil, step: nil)],
                               try K.t([2, 1], [7, 8]))
        K.expect(x, [3, 3], [9, 0, 8, 9, 2, 3, 9, 0, 7])
    }

    @Test func assignKeepsOtherCopiesUnchanged() throws {
        var x = try K.iota([4])
        let before = x
        try Tensor.sliceAssign(&x, [.list([0, 3])], try K.t([2], [-1, -2]))
        K.expect(x, [4], [-1, 1, 2, -2])
        K.expect(before, [4], [0, 1, 2, 3])
    }

    @Test func assignWithRepeatsKeepsTheLastWrite() throws {
        var x = try Tensor.zeros([3])
        try Tensor.sliceAssign(&x, [.list([1, 1])], try K.t([2], [5, 6]))
        K.expect(x, [3], [0, 6, 0])
    }

    @Test func addAccumulatesDuplicates() throws {
        // The gradient of gathering rows [0, 2, 0]: row 0 receives two contributions.
        var grad = try Tensor.zeros([3, 2])
        try Tensor.sliceAdd(&grad, [.list([0, 2, 0])], try K.t([3, 2], [1, 2, 10, 20, 100, 200]))
        K.expect(grad, [3, 2], [101, 202, 0, 0, 10, 20])
        var v = try Tensor.zeros([4])
        try Tensor.sliceAdd(&v, [.list([3, 3, 3, -1])], Tensor(scalar: 1))
        K.expect(v, [4], [0, 0, 0, 4])
        try Tensor.sliceAdd(&v, [.range(start: nil, stop: nil, step: -1)], try K.iota([4]))
        K.expect(v, [4], [3, 2, 1, 4])
    }

    @Test func scatterErrors() throws {
        var x = try Tensor.zeros([2, 3])
        K.error("sliceAssign: value of shape (2,) cannot be broadcast to the selection's shape (3,)") {
            try Tensor.sliceAssign(&x, [.single(0)], try Tensor.zeros([2]))
        }
        K.error("sliceAdd: value of shape (2, 2) cannot be broadcast to the selection's shape (2,)") {
            try Tensor.sliceAdd(&x, [.all, .single(1)], try Tensor.zeros([2, 2]))
        }
        K.error("sliceAssign: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            try Tensor.sliceAssign(&x, [.single(0)], Tensor(scalar: 1, dtype: .float32))
        }
        K.error("index 2 is out of bounds for axis 0 with size 2") {
            try Tensor.sliceAdd(&x, [.list([2])], Tensor(scalar: 1))
        }
        K.expect(x, [2, 3], [0, 0, 0, 0, 0, 0])
    }

    /// sliceAdd is the adjoint of slice: <slice(x), g> == <x, sliceAdd(0, g)>.
    @Test func sliceAddIsTheAdjointOfSlice() throws {
        var random = KernelRandom(seed: 23)
        for _ in 0..<100 {
            let shape = random.shape(rank: random.int(1...3), maxExtent: 5)
            let x = try random.tensor(shape)
            let n = shape[0]
            let specs: [Tensor.IndexSpec] = [.list((0..<random.int(0...6)).map { _ in random.int(0...(n - 1)) }),
                                             .range(start: nil, stop: nil, step: -1)]
            let picked = try Tensor.slice(x, Array(specs.prefix(shape.count)))
            let g = try random.tensor(picked.shape)
            var scattered = try Tensor.zeros(shape)
            try Tensor.sliceAdd(&scattered, Array(specs.prefix(shape.count)), g)
            let lhs = try Tensor.reduce(.sum, Tensor.binary(.mul, picked, g), axis: nil)
            let rhs = try Tensor.reduce(.sum, Tensor.binary(.mul, x, scattered), axis: nil)
            K.close(lhs, rhs, tolerance: 1e-12)
        }
    }
}
