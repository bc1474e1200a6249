// Python-style indexing: single indices, clamped slices with any step, and one fancy
// (list) index per call; reading a selection, assigning into it, and adding into it (the
// gradient of a gather, where repeated list indices accumulate).

extension Tensor {
    /// How one leading axis is indexed; axes without a spec are taken whole.
    public enum IndexSpec: Sendable, Equatable {
        /// One position; the axis is dropped. Negative counts from the end.
        case single(Int)
        /// A Python slice `start:stop:step`, clamped to the axis; nil parts take the defaults.
        case range(start: Int?, stop: Int?, step: Int?)
        /// The whole axis.
        case all
        /// Fancy indexing: these positions, in this order, repeats allowed.
        case list([Int])
    }

    /// The selected part of `a` as a new tensor.
    public static func slice(_ a: Tensor, _ specs: [IndexSpec]) throws -> Tensor {
        let plan = try SlicePlan(a.shape, specs)
        if plan.isIdentity { return a }
        // Checked: repeated list indices can make the result larger than the source.
        let result = try Tensor(uninitializedShape: plan.shape, dtype: a.dtype)
        if plan.count == 0 { return result }
        switch a.dtype {
        case .float64: gather(plan, a.pointer(Double.self), result.pointer(Double.self))
        case .float32: gather(plan, a.pointer(Float.self), result.pointer(Float.self))
        }
        return result
    }

    /// The shape `slice` would return.
    public static func sliceShape(_ shape: [Int], _ specs: [IndexSpec]) throws -> [Int] {
        _ = try checkedCount(shape)
        return try SlicePlan(shape, specs).shape
    }

    /// Writes `value` (broadcast to the selection's shape) into the selection of `a`. With
    /// repeated list indices the last write wins.
    public static func sliceAssign(_ a: inout Tensor, _ specs: [IndexSpec], _ value: Tensor) throws {
        let (plan, values) = try prepareScatter(a, specs, value, op: "sliceAssign")
        if plan.count == 0 { return }
        a.makeUnique()
        switch a.dtype {
        case .float64: scatter(plan, values.pointer(Double.self), a.pointer(Double.self), accumulate: false)
        case .float32: scatter(plan, values.pointer(Float.self), a.pointer(Float.self), accumulate: false)
        }
    }

    /// Adds `value` (broadcast to the selection's shape) into the selection of `a`;
    /// repeated list indices accumulate (NumPy's `add.at`).
    public static func sliceAdd(_ a: inout Tensor, _ specs: [IndexSpec], _ value: Tensor) throws {
        let (plan, values) = try prepareScatter(a, specs, value, op: "sliceAdd")
        if plan.count == 0 { return }
        a.makeUnique()
        switch a.dtype {
        case .float64: scatter(plan, values.pointer(Double.self), a.pointer(Double.self), accumulate: true)
        case .float32: scatter(plan, values.pointer(Float.self), a.pointer(Float.self), accumulate: true)
        }
    }

    /// The plan and the value laid out contiguously in the selection's shape.
    private static func prepareScatter(_ a: Tensor, _ specs: [IndexSpec], _ value: Tensor,
                                       op: String) throws -> (SlicePlan, Tensor) {
        try checkSameDType(a, value, op: op)
        let plan = try SlicePlan(a.shape, specs)
        guard broadcastShapes(value.shape, plan.shape) == plan.shape else {
            throw TensorError("\(op): value of shape \(describe(value.shape)) cannot be broadcast to "
                + "the selection's shape \(describe(plan.shape))")
        }
        return (plan, try broadcast(value, to: plan.shape))
    }

    private static func gather<T: TensorScalar>(_ plan: SlicePlan, _ source: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>) {
        let block = plan.blockLength
        var written = 0
        plan.forEachBlock { offset in
            if block == 1 { out[written] = source[offset] } else { (out + written).update(from: source + offset, count: block) }
            written &+= block
        }
    }

    private static func scatter<T: TensorScalar>(_ plan: SlicePlan, _ values: UnsafePointer<T>,
                                                 _ target: UnsafeMutablePointer<T>, accumulate: Bool) {
        let block = plan.blockLength
        var read = 0
        plan.forEachBlock { offset in
            let out = target + offset, input = values + read
            if accumulate {
                for i in 0..<block { out[i] += input[i] }
            } else if block == 1 {
                out[0] = input[0]
            } else {
                out.update(from: input, count: block)
            }
            read &+= block
        }
    }
}

// MARK: - Plan

/// What one source axis contributes to a selection: `count` positions, either
/// `start + j * step` or the entries of `list`.
struct AxisPick {
    var start = 0
    var step = 1
    var count: Int
    var list: [Int]? = nil
    /// False for a single index, whose axis disappears from the result.
    var keepsAxis = true

    @inline(__always)
    func position(_ j: Int) -> Int {
        if let list { return list[j] }
        return start &+ j &* step
    }
}

/// A resolved selection of a tensor: the picks per axis, the result shape, and how the
/// source is walked. The innermost axes that are taken whole (plus one contiguous range
/// before them) form a block copied in one go; the axes outside it are walked.
struct SlicePlan {
    private(set) var picks: [AxisPick] = []
    private(set) var shape: [Int] = []
    private(set) var count = 1
    /// Elements per contiguous block, and the source offset its axes contribute.
    private(set) var blockLength = 1
    private var blockOffset = 0
    /// Axes `0..<walkedAxes` are walked one position at a time.
    private var walkedAxes = 0
    private var strides: [Int] = []

    init(_ source: [Int], _ specs: [Tensor.IndexSpec]) throws {
        guard specs.count <= source.count else {
            throw TensorError("too many indices for tensor: tensor is \(source.count)-dimensional, "
                + "but \(specs.count) were indexed")
        }
        var lists = 0
        for axis in source.indices {
            let pick = try Self.pick(axis < specs.count ? specs[axis] : .all, axis: axis, extent: source[axis])
            if pick.list != nil { lists += 1 }
            picks.append(pick)
            if pick.keepsAxis { shape.append(pick.count) }
        }
        guard lists <= 1 else { throw TensorError("index: at most one list index is supported per indexing") }
        count = try Tensor.checkedCount(shape)
        strides = Tensor.contiguousStrides(source)
        isIdentity = shape == source && picks.allSatisfy { $0.keepsAxis && $0.list == nil && $0.start == 0 && $0.step == 1 }
        planBlock(source)
    }

    /// True when the selection is the whole tensor unchanged.
    private(set) var isIdentity = false

    /// Finds the contiguous block: whole trailing axes, then one step-1 range or single index.
    private mutating func planBlock(_ source: [Int]) {
        var axis = picks.count - 1
        while axis >= 0, picks[axis].list == nil, picks[axis].start == 0, picks[axis].step == 1,
              picks[axis].count == source[axis] {
            blockLength &*= source[axis]
            axis -= 1
        }
        if axis >= 0, picks[axis].list == nil, picks[axis].step == 1 || picks[axis].count == 1 {
            blockLength &*= picks[axis].count
            blockOffset = picks[axis].start &* strides[axis]
            axis -= 1
        }
        walkedAxes = axis + 1
    }

    /// Calls `body` with the source offset of each block, in result order. Only call when
    /// `count > 0`.
    @inline(__always)
    func forEachBlock(_ body: (Int) -> Void) {
        var index = [Int](repeating: 0, count: walkedAxes)
        var partial = [Int](repeating: 0, count: walkedAxes)
        var offset = blockOffset, blocks = 1
        for axis in 0..<walkedAxes {
            partial[axis] = picks[axis].position(0) &* strides[axis]
            offset &+= partial[axis]
            blocks &*= picks[axis].count
        }
        for _ in 0..<blocks {
            body(offset)
            var axis = walkedAxes - 1
            while axis >= 0 {
                index[axis] &+= 1
                let wrapped = index[axis] == picks[axis].count
                if wrapped { index[axis] = 0 }
                let next = picks[axis].position(index[axis]) &* strides[axis]
                offset &+= next &- partial[axis]
                partial[axis] = next
                if !wrapped { break }
                axis -= 1
            }
        }
    }

    /// Resolves one spec against an axis of `extent` positions.
    private static func pick(_ spec: Tensor.IndexSpec, axis: Int, extent: Int) throws -> AxisPick {
        switch spec {
        case .all:
            return AxisPick(count: extent)
        case .single(let index):
            return AxisPick(start: try checkedIndex(index, axis: axis, extent: extent), count: 1, keepsAxis: false)
        case .list(let indices):
            let positions = try indices.map { try checkedIndex($0, axis: axis, extent: extent) }
            return AxisPick(count: positions.count, list: positions)
        case .range(let start, let stop, let step):
            return try rangePick(start: start, stop: stop, step: step ?? 1, extent: extent)
        }
    }

    /// `index` made non-negative, or the out-of-bounds error.
    private static func checkedIndex(_ index: Int, axis: Int, extent: Int) throws -> Int {
        guard index >= -extent, index < extent else {
            throw TensorError("index \(index) is out of bounds for axis \(axis) with size \(extent)")
        }
        return index < 0 ? index + extent : index
    }

    /// Python's slice rules: negative bounds count from the end, bounds are clamped to the
    /// axis, and a negative step walks backwards from the end.
    private static func rangePick(start: Int?, stop: Int?, step: Int, extent n: Int) throws -> AxisPick {
        guard step != 0 else { throw TensorError("index: slice step cannot be zero") }
        if step > 0 {
            let low = clamp(start ?? 0, extent: n, low: 0, high: n)
            let high = clamp(stop ?? n, extent: n, low: 0, high: n)
            let count = high > low ? (high - low - 1) / step + 1 : 0
            return AxisPick(start: low, step: step, count: count)
        }
        let first = clamp(start ?? n - 1, extent: n, low: -1, high: n - 1)
        let end = stop.map { clamp($0, extent: n, low: -1, high: n - 1) } ?? -1
        let magnitude = step == Int.min ? Int.max : -step
        let count = first > end ? (first - end - 1) / magnitude + 1 : 0
        return AxisPick(start: first, step: step, count: count)
    }

    /// A slice bound counted from the end when negative, then clamped to `low...high`.
    private static func clamp(_ bound: Int, extent: Int, low: Int, high: Int) -> Int {
        let absolute = bound < 0 ? bound + extent : bound
        return Swift.min(Swift.max(absolute, low), high)
    }
}
