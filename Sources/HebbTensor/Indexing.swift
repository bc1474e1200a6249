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
        if let offset = plan.contiguousOffset, plan.count &* sliceViewFraction >= a.count {
            // One contiguous block (a batch of rows, a time step): share the parent's memory
            // instead of copying, as NumPy's basic slices do. Writes copy first, so the value
            // semantics are unchanged; a block under 1/64 of its parent is copied, so a small
            // row never keeps a large array alive.
            let size = a.dtype.byteSize
            let storage = TensorStorage.view(of: a.storage, byteOffset: offset &* size, byteCount: plan.count &* size)
            return Tensor(shape: plan.shape, dtype: a.dtype, sharing: storage)
        }
        // Checked: repeated list indices can make the result larger than the source.
        let result = try Tensor(uninitializedShape: plan.shape, dtype: a.dtype)
        if plan.count == 0 { return result }
        switch a.dtype {
        case .float64: gather(plan, a.pointer(Double.self), result.pointer(Double.self))
        case .float32: gather(plan, a.pointer(Float.self), result.pointer(Float.self))
        case .bool: gather(plan, a.flagPointer, result.flagPointer)
        }
        return result
    }

    /// A contiguous slice at least this fraction (1/n) of its parent is a view of it.
    static let sliceViewFraction = 64

    /// The shape `slice` would return.
    public static func sliceShape(_ shape: [Int], _ specs: [IndexSpec]) throws -> [Int] {
        _ = try checkedCount(shape)
        return try SlicePlan(shape, specs).shape
    }

    /// Writes `value` (broadcast to the selection's shape) into the selection of `a`. With
    /// repeated list indices the last write wins. A mask written into floats counts as 0/1,
    /// numbers written into a mask as "not zero".
    public static func sliceAssign(_ a: inout Tensor, _ specs: [IndexSpec], _ value: Tensor) throws {
        let value = a.dtype == .bool || value.dtype == .bool ? try value.cast(to: a.dtype) : value
        let (plan, values) = try prepareScatter(a, specs, value, op: "sliceAssign")
        if plan.count == 0 { return }
        a.makeUnique()
        switch a.dtype {
        case .float64: scatter(plan, values.pointer(Double.self), a.pointer(Double.self), accumulate: false)
        case .float32: scatter(plan, values.pointer(Float.self), a.pointer(Float.self), accumulate: false)
        case .bool: scatter(plan, values.flagPointer, a.flagPointer)
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
        case .bool: throw TensorError("sliceAdd: cannot add into a bool mask; convert it with float64(mask)")
        }
    }

    /// The plan and the value laid out contiguously in the selection's shape.
    private static func prepareScatter(_ a: Tensor, _ specs: [IndexSpec], _ value: Tensor,
                                       op: String) throws -> (SlicePlan, Tensor) {
        try checkSameDType(a, value, op: op)
        let plan = try SlicePlan(a.shape, specs)
        guard broadcasts(value.shape, to: plan.shape) else {
            throw TensorError("\(op): value of shape \(describe(value.shape)) cannot be broadcast to "
                + "the selection's shape \(describe(plan.shape))")
        }
        return (plan, try broadcast(value, to: plan.shape))
    }

    private static func gather<T>(_ plan: SlicePlan, _ source: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>) {
        let block = plan.blockLength
        var written = 0
        plan.forEachBlock { offset in
            if block == 1 { out[written] = source[offset] } else { (out + written).update(from: source + offset, count: block) }
            written &+= block
        }
    }

    /// Copies the values into the selection (the last write wins on repeats).
    private static func scatter<T>(_ plan: SlicePlan, _ values: UnsafePointer<T>, _ target: UnsafeMutablePointer<T>) {
        let block = plan.blockLength
        var read = 0
        plan.forEachBlock { offset in
            if block == 1 { target[offset] = values[read] } else { (target + offset).update(from: values + read, count: block) }
            read &+= block
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

// MARK: - Boolean masks

extension Tensor {
    /// NumPy's `a[mask]`: the positions where a bool `mask` is true, in row-major order. The
    /// mask has the shape of `a` (the result is 1-d) or of its leading axes (whole rows or
    /// blocks are picked: `X[Y == 3]` gives the rows whose label is 3).
    public static func maskSelect(_ a: Tensor, _ mask: Tensor) throws -> Tensor {
        let (selected, block) = try maskPlan(a, mask)
        let result = try Tensor(uninitializedShape: [selected.count] + a.shape[mask.rank...], dtype: a.dtype)
        let bytes = block &* a.dtype.byteSize
        for (position, row) in selected.enumerated() where bytes > 0 {
            (result.storage.pointer + position &* bytes).copyMemory(from: a.storage.pointer + row &* bytes, byteCount: bytes)
        }
        return result
    }

    /// NumPy's `a[mask] = value`: writes `value`, broadcast to the shape of `a[mask]` (a
    /// number, or one value per selected element or row), where the mask is true.
    public static func maskAssign(_ a: inout Tensor, _ mask: Tensor, _ value: Tensor) throws {
        let (selected, block) = try maskPlan(a, mask)
        let shape = [selected.count] + a.shape[mask.rank...]
        let value = a.dtype == .bool || value.dtype == .bool ? try value.cast(to: a.dtype) : value
        try checkSameDType(a, value, op: "mask assignment")
        guard broadcasts(value.shape, to: shape) else {
            throw TensorError("mask assignment: value of shape \(describe(value.shape)) cannot be broadcast to "
                + "the \(selected.count) selected \(mask.rank == a.rank ? "elements" : "rows"), shape \(describe(shape))")
        }
        let values = try broadcast(value, to: shape)
        let bytes = block &* a.dtype.byteSize
        if selected.isEmpty || bytes == 0 { return }
        a.makeUnique()
        for (position, row) in selected.enumerated() {
            (a.storage.pointer + row &* bytes).copyMemory(from: values.storage.pointer + position &* bytes, byteCount: bytes)
        }
    }

    /// The positions (over the mask's axes) where `mask` is true, and the elements per
    /// position; throws unless `mask` is a bool tensor shaped like the leading axes of `a`.
    private static func maskPlan(_ a: Tensor, _ mask: Tensor) throws -> (selected: [Int], block: Int) {
        guard mask.dtype == .bool else {
            throw TensorError("index: a mask must be a bool tensor (a comparison such as x > 0), got \(mask.dtype.rawValue)")
        }
        guard mask.rank >= 1, mask.rank <= a.rank, Array(a.shape[..<mask.rank]) == mask.shape else {
            let leading = a.rank > 1 ? " or the shape of its leading axes, such as \(describe([a.shape[0]]))" : ""
            throw TensorError("index: a mask of shape \(describe(mask.shape)) does not fit a tensor of shape "
                + "\(describe(a.shape)); the mask must have the tensor's shape\(leading)")
        }
        let selected = mask.withFlags { flags in flags.indices.filter { flags[$0] != 0 } }
        return (selected, product(a.shape, mask.rank..<a.rank))
    }
}

// MARK: - Plan

/// A resolved selection of a tensor: the result shape and how the source is walked. The
/// innermost axes that are taken whole (plus one contiguous range or single index before
/// them) form a block copied in one go; the axes outside it are walked one position at a
/// time. Everything lives in flat `Int` arrays: slicing tiny tensors in a loop (an RNN's
/// time steps) should cost little more than the copy.
struct SlicePlan {
    private(set) var shape: [Int] = []
    private(set) var count = 0
    /// True when the selection is the whole tensor unchanged.
    private(set) var isIdentity = true
    /// Elements per contiguous block, and the source offset its axes contribute.
    private(set) var blockLength = 1
    private var blockOffset = 0
    /// Per source axis, `fields` numbers: start, step, count, stride (positions are
    /// `start + j * step`, or `list[j]` on the list axis).
    private var axes: [Int] = []
    private static let fields = 4
    /// The fancy-indexed axis (or -1) and its positions, made non-negative.
    private var listAxis = -1
    private var list: [Int] = []
    /// Axes `0..<walkedAxes` are walked one position at a time.
    private var walkedAxes = 0

    init(_ source: [Int], _ specs: [Tensor.IndexSpec]) throws {
        guard specs.count <= source.count else {
            throw TensorError("too many indices for tensor: tensor is \(source.count)-dimensional, "
                + "but \(specs.count) were indexed")
        }
        let rank = source.count
        // reserveCapacity + append, not `[Int](repeating:count:)` (see `init(filled:count:)`).
        axes.reserveCapacity(rank &* Self.fields)
        shape.reserveCapacity(rank)
        for axis in 0..<rank {
            try resolve(axis < specs.count ? specs[axis] : .all, axis: axis, extent: source[axis])
        }
        count = try Tensor.checkedCount(shape)
        var stride = 1
        for axis in (0..<rank).reversed() {
            axes[axis &* Self.fields &+ 3] = stride
            stride &*= source[axis]
        }
        planBlock(source)
    }

    @inline(__always) private func start(_ axis: Int) -> Int { axes[axis &* Self.fields] }
    @inline(__always) private func step(_ axis: Int) -> Int { axes[axis &* Self.fields &+ 1] }
    @inline(__always) private func count(_ axis: Int) -> Int { axes[axis &* Self.fields &+ 2] }
    @inline(__always) private func stride(_ axis: Int) -> Int { axes[axis &* Self.fields &+ 3] }

    /// Source offset of position `j` along `axis`.
    @inline(__always)
    private func offset(_ axis: Int, _ j: Int) -> Int {
        (axis == listAxis ? list[j] : start(axis) &+ j &* step(axis)) &* stride(axis)
    }

    /// Records one axis's selection from its spec.
    private mutating func resolve(_ spec: Tensor.IndexSpec, axis: Int, extent: Int) throws {
        var (first, step, count, keeps) = (0, 1, extent, true)
        switch spec {
        case .all:
            break
        case .single(let index):
            (first, count, keeps) = (try Self.checkedIndex(index, axis: axis, extent: extent), 1, false)
        case .list(let indices):
            guard listAxis < 0 else { throw TensorError("index: at most one list index is supported per indexing") }
            list = try indices.map { try Self.checkedIndex($0, axis: axis, extent: extent) }
            listAxis = axis
            count = list.count
        case .range(let start, let stop, let stride):
            (first, step, count) = try Self.range(start: start, stop: stop, step: stride ?? 1, extent: extent)
        }
        axes.append(first)
        axes.append(step)
        axes.append(count)
        axes.append(0)      // the stride, filled in once all extents are known
        if keeps { shape.append(count) }
        isIdentity = isIdentity && keeps && listAxis != axis && first == 0 && step == 1 && count == extent
    }

    /// Finds the contiguous block: whole trailing axes, then one step-1 range or single index.
    private mutating func planBlock(_ source: [Int]) {
        var axis = source.count - 1
        while axis >= 0, axis != listAxis, start(axis) == 0, step(axis) == 1, count(axis) == source[axis] {
            blockLength &*= source[axis]
            axis -= 1
        }
        if axis >= 0, axis != listAxis, step(axis) == 1 || count(axis) == 1 {
            blockLength &*= count(axis)
            blockOffset = start(axis) &* stride(axis)
            axis -= 1
        }
        walkedAxes = axis + 1
    }

    /// The element offset of the selection when it is one contiguous, non-empty run of the
    /// source (leading single indices, then a step-1 range or index, then whole axes); nil otherwise.
    var contiguousOffset: Int? {
        walkedAxes == 0 && listAxis < 0 && count > 0 ? blockOffset : nil
    }

    /// Calls `body` with the source offset of each block, in result order. Only call when
    /// `count > 0`.
    @inline(__always)
    func forEachBlock(_ body: (Int) -> Void) {
        if walkedAxes == 0 {
            body(blockOffset)
            return
        }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 &* walkedAxes) { scratch in
            guard let index = scratch.baseAddress else { return }
            let partial = index + walkedAxes
            var offset = blockOffset, blocks = 1
            for axis in 0..<walkedAxes {
                index[axis] = 0
                partial[axis] = self.offset(axis, 0)
                offset &+= partial[axis]
                blocks &*= count(axis)
            }
            for _ in 0..<blocks {
                body(offset)
                var axis = walkedAxes - 1
                while axis >= 0 {
                    index[axis] &+= 1
                    let wrapped = index[axis] == count(axis)
                    if wrapped { index[axis] = 0 }
                    let next = self.offset(axis, index[axis])
                    offset &+= next &- partial[axis]
                    partial[axis] = next
                    if !wrapped { break }
                    axis -= 1
                }
            }
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
    /// axis, and a negative step walks backwards from the end. Returns (start, step, count).
    private static func range(start: Int?, stop: Int?, step: Int, extent n: Int) throws -> (Int, Int, Int) {
        guard step != 0 else { throw TensorError("index: slice step cannot be zero") }
        if step > 0 {
            let low = clamp(start ?? 0, extent: n, low: 0, high: n)
            let high = clamp(stop ?? n, extent: n, low: 0, high: n)
            return (low, step, high > low ? (high - low - 1) / step + 1 : 0)
        }
        let first = clamp(start ?? n - 1, extent: n, low: -1, high: n - 1)
        let end = stop.map { clamp($0, extent: n, low: -1, high: n - 1) } ?? -1
        let magnitude = step == Int.min ? Int.max : -step
        return (first, step, first > end ? (first - end - 1) / magnitude + 1 : 0)
    }

    /// A slice bound counted from the end when negative, then clamped to `low...high`.
    private static func clamp(_ bound: Int, extent: Int, low: Int, high: Int) -> Int {
        let absolute = bound < 0 ? bound + extent : bound
        return Swift.min(Swift.max(absolute, low), high)
    }
}
