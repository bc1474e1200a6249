// Shape helpers shared by the kernels: axis normalisation, error texts, unchecked result
// construction, and the strided walk that every general (broadcasting) path uses.

// MARK: - Construction for kernels

extension Tensor {
    /// A result tensor whose shape is already known to be valid and within the allocation
    /// limit (it is the shape of an existing tensor): skips the checks of
    /// `init(uninitializedShape:)`, which matters on tiny tensors.
    init(validShape shape: [Int], dtype: DType, count: Int) {
        self.shape = shape
        self.dtype = dtype
        self.storage = TensorStorage.make(byteCount: Swift.max(count &* dtype.byteSize, 1))
    }

    /// A tensor over existing storage (a reshape: same elements, new shape).
    init(shape: [Int], dtype: DType, sharing storage: TensorStorage) {
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
    }

    /// Typed base pointer of the elements (read-only use).
    @inline(__always)
    func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        assert(T.dtype == dtype, "\(dtype) tensor read as \(T.dtype)")
        return storage.pointer.assumingMemoryBound(to: T.self)
    }

    /// Base pointer of the elements as `T`, for kernels that only move elements (copies,
    /// transposes, gathers) and so serve every dtype: the caller passes the storage type
    /// (`Double`, `Float`, or `UInt8` for bool).
    @inline(__always)
    func rawElements<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        assert(MemoryLayout<T>.size == dtype.byteSize, "\(dtype) tensor moved as \(T.self)")
        return storage.pointer.assumingMemoryBound(to: T.self)
    }

    /// Both operands in a dtype arithmetic runs in (a bool side takes the other's dtype).
    static func numericPair(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        (a.numeric(preferring: b.dtype), b.numeric(preferring: a.dtype))
    }

    /// Base pointer of a bool tensor's bytes.
    @inline(__always)
    var flagPointer: UnsafeMutablePointer<UInt8> {
        assert(dtype == .bool, "\(dtype) tensor read as bool")
        return storage.pointer.assumingMemoryBound(to: UInt8.self)
    }
}

// MARK: - Axes and errors

extension Tensor {
    /// Maps a possibly negative axis into `0..<rank`, or throws NumPy's message.
    static func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
        guard axis >= -rank, axis < rank else {
            throw TensorError("\(op): axis \(axis) is out of bounds for tensor of dimension \(rank)")
        }
        return axis < 0 ? axis + rank : axis
    }

    /// Throws the standard message when two operands have different dtypes.
    @inline(__always)
    static func checkSameDType(_ a: Tensor, _ b: Tensor, op: @autoclosure () -> String) throws {
        guard a.dtype == b.dtype else { throw dtypeMismatch(a, b, op: op()) }
    }

    static func dtypeMismatch(_ a: Tensor, _ b: Tensor, op: String) -> TensorError {
        TensorError("\(op): dtype \(a.dtype.rawValue) and \(b.dtype.rawValue) differ; convert one side with float32(x) or float64(x)")
    }

    /// Product of `shape[range]` (the shape is valid, so this cannot overflow).
    static func product(_ shape: [Int], _ range: Range<Int>) -> Int {
        var total = 1
        for axis in range { total &*= shape[axis] }
        return total
    }

    /// Row-major strides of a contiguous tensor of `shape`.
    static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](filled: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running &*= shape[axis]
        }
        return strides
    }

    /// True when `shape` broadcasts to exactly `target` (NumPy's rules, without allocating).
    static func broadcasts(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else { return false }
        let offset = target.count - shape.count
        for axis in shape.indices where shape[axis] != 1 && shape[axis] != target[axis + offset] { return false }
        return target.allSatisfy { $0 >= 0 }
    }
}

extension Array where Element == Int {
    /// `count` copies of `value`. `init(repeating:count:)` allocates through an unspecialised
    /// runtime path that costs ~500 instructions (callgrind), more than a whole op on a
    /// tiny tensor; reserving and appending takes the specialised one.
    init(filled value: Int, count: Int) {
        self = []
        reserveCapacity(count)
        for _ in 0..<count { append(value) }
    }
}

// MARK: - Strided walk

/// A walk over an n-d index space shared by several operands, each with its own strides
/// (0 on broadcast axes). Axes of extent 1 are dropped and neighbouring axes that every
/// operand steps through contiguously are merged, so `(N, C, H, W) + (1, C, 1, 1)` becomes
/// three axes whose innermost has length H*W. The innermost axis is a "row": callers run
/// a tight loop per row with `innerStride(k)`. Two flat arrays and stack scratch: on tiny
/// tensors the bookkeeping, not the arithmetic, is the cost.
struct StridedLayout {
    /// Merged extents, outermost first; never empty (a one-element space is `[1]`).
    private(set) var extents: [Int] = []
    /// Stride of operand k along merged axis a at `strides[a * operandCount + k]`.
    private var strides: [Int] = []
    let operandCount: Int

    /// `shape` is the index space; each operand shape must broadcast to it (right-aligned),
    /// its broadcast axes getting stride 0.
    init(shape: [Int], operands: [[Int]]) {
        self.init(shape: shape, operandCount: operands.count) { k, axis in
            let operand = operands[k]
            let local = axis - (shape.count - operand.count)
            guard local >= 0, operand[local] != 1 else { return 0 }
            var stride = 1
            for inner in (local + 1)..<operand.count { stride &*= operand[inner] }
            return stride
        }
    }

    /// `strides[k]` gives operand k's stride along each axis of `shape` (a permuted view, say).
    init(shape: [Int], strides: [[Int]]) {
        self.init(shape: shape, operandCount: strides.count) { k, axis in strides[k][axis] }
    }

    /// Builds the merged axes from the innermost outwards: an axis joins the one inside it
    /// when every operand's stride continues that axis's run.
    private init(shape: [Int], operandCount: Int, stride strideOf: (_ operand: Int, _ axis: Int) -> Int) {
        self.operandCount = operandCount
        extents.reserveCapacity(shape.count)
        strides.reserveCapacity(shape.count &* operandCount)
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if let innerExtent = extents.last {
                let base = strides.count - operandCount
                var merges = true
                for k in 0..<operandCount where strideOf(k, axis) != strides[base + k] &* innerExtent {
                    merges = false
                    break
                }
                if merges {
                    extents[extents.count - 1] = innerExtent &* shape[axis]
                    continue
                }
            }
            extents.append(shape[axis])
            for k in 0..<operandCount { strides.append(strideOf(k, axis)) }
        }
        if extents.isEmpty {
            extents.append(1)
            for _ in 0..<operandCount { strides.append(0) }
        }
        // Built innermost first: reverse the axes (and put each axis's operands back in order).
        extents.reverse()
        strides.reverse()
        for base in Swift.stride(from: 0, to: strides.count, by: operandCount) {
            var (low, high) = (base, base + operandCount - 1)
            while low < high {
                strides.swapAt(low, high)
                (low, high) = (low + 1, high - 1)
            }
        }
    }

    /// Length of each row (the innermost merged axis).
    var rowLength: Int { extents[extents.count - 1] }

    /// Stride of operand `k` along merged axis `axis`.
    func stride(_ k: Int, axis: Int) -> Int { strides[axis &* operandCount &+ k] }

    /// Stride of operand `k` along a row.
    func innerStride(_ k: Int) -> Int { stride(k, axis: extents.count - 1) }

    /// Calls `body` with the starting offset of every operand (`offsets[k]`), once per row,
    /// in row-major order.
    @inline(__always)
    func forEachRow(_ body: (UnsafeMutablePointer<Int>) -> Void) {
        let outerRank = extents.count - 1, operands = operandCount
        var rows = 1
        for axis in 0..<outerRank { rows &*= extents[axis] }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operands &+ outerRank &+ 1) { scratch in
            guard let offsets = scratch.baseAddress else { return }
            offsets.initialize(repeating: 0, count: scratch.count)
            let index = offsets + operands
            for _ in 0..<rows {
                body(offsets)
                var axis = outerRank - 1
                while axis >= 0 {
                    index[axis] &+= 1
                    let base = axis &* operands
                    for k in 0..<operands { offsets[k] &+= strides[base &+ k] }
                    if index[axis] < extents[axis] { break }
                    for k in 0..<operands { offsets[k] &-= strides[base &+ k] &* extents[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
