// The n-d array of the engine: a shape, a dtype and contiguous row-major storage.

/// The element types a tensor can hold. Float64 is the default everywhere. `bool` is what
/// comparisons give (one byte per element, 0 or 1): masks are selected by, combined with
/// `and`/`or`/`not`, and promoted to a float dtype by every numeric op (see `numeric()`).
public enum DType: String, Sendable, CaseIterable {
    case float64, float32, bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float64: return 8
        case .float32: return 4
        case .bool: return 1
        }
    }

    /// True for the dtypes arithmetic runs in (everything but `bool`).
    public var isFloatingPoint: Bool { self != .bool }
}

/// A location-free engine error; the interpreter adds the source span of the call.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    /// A stop request or a refused allocation, told apart from an ordinary error.
    public enum Kind: Sendable { case ordinary, interrupted, limit }

    public var message: String
    public var kind: Kind
    public init(_ message: String, kind: Kind = .ordinary) { self.message = message; self.kind = kind }
    public var description: String { message }
}

extension Tensor {
    /// Returns the engine's cached free buffers to the system (a session ending calls it).
    public static func releaseCachedMemory() { BufferPool.shared.releaseIdle() }

    /// Bytes held by the storage of tensors above the inline size (tiny ones are not counted).
    public static var bytesInUse: Int { BufferPool.shared.bytesInUse }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a storage's elements are, and whether they came from `BufferPool`.
public struct StorageHeader {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int
    let pooled: Bool
    /// For a view (a contiguous slice), the storage whose elements these are, kept alive by
    /// this reference; nil for storage that owns its elements.
    let owner: TensorStorage?
}

/// Reference-counted raw storage. Tensors share it copy-on-write. Small tensors keep their
/// elements inline, in the same allocation as this object (one malloc per tiny tensor, not
/// two: on 4×4 tensors the allocations cost more than the arithmetic); large ones take a
/// block from `BufferPool`, so a training loop does not pay page faults for fresh buffers
/// each step.
public final class TensorStorage: ManagedBuffer<StorageHeader, Double> {
    /// Tensors up to this many bytes live inline.
    static let inlineByteLimit = 4096

    /// Storage for kernels' results, whose sizes were checked when their operands were
    /// made. Should the system still refuse the memory, stop with a message rather than
    /// write through a null pointer.
    static func make(byteCount: Int) -> TensorStorage {
        // The pool's idle blocks are memory too: give them back and ask once more.
        guard let storage = make(orNilByteCount: byteCount)
                ?? { BufferPool.shared.releaseIdle(); return make(orNilByteCount: byteCount) }() else {
            fatalError("hebb: out of memory allocating \(byteCount) bytes for a tensor")
        }
        return storage
    }

    /// Storage of `byteCount` bytes, or nil when the system has no memory for it.
    static func make(orNilByteCount byteCount: Int) -> TensorStorage? {
        if byteCount <= inlineByteLimit {
            let buffer = TensorStorage.create(minimumCapacity: (byteCount + 7) / 8) { buffer in
                let elements = buffer.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
                return StorageHeader(pointer: elements, byteCount: byteCount, pooled: false, owner: nil)
            }
            return unsafeDowncast(buffer, to: TensorStorage.self)
        }
        guard let block = BufferPool.shared.take(byteCount: byteCount) else { return nil }
        let buffer = TensorStorage.create(minimumCapacity: 0) { _ in
            StorageHeader(pointer: block, byteCount: byteCount, pooled: true, owner: nil)
        }
        return unsafeDowncast(buffer, to: TensorStorage.self)
    }

    /// Storage for `byteCount` bytes of `owner`'s elements from `byteOffset` on: a slice that
    /// shares its parent's memory. Never written in place (see `isView`).
    static func view(of owner: TensorStorage, byteOffset: Int, byteCount: Int) -> TensorStorage {
        let base = owner.owner ?? owner  // a view of a view shares the root
        let start = owner.pointer + byteOffset
        let buffer = TensorStorage.create(minimumCapacity: 0) { _ in
            StorageHeader(pointer: start, byteCount: byteCount, pooled: false, owner: base)
        }
        return unsafeDowncast(buffer, to: TensorStorage.self)
    }

    /// True for a view: its elements belong to another storage, so even a sole reference to
    /// it may not write them (copy-on-write copies a view before any write).
    public var isView: Bool { owner != nil }
    /// The storage a view's elements belong to; nil when this storage owns its elements.
    var owner: TensorStorage? { withUnsafeMutablePointerToHeader { $0.pointee.owner } }

    // Read the header through its pointer: `header` is a class property of the standard
    // library, so every plain access pays a dynamic exclusivity check (swift_beginAccess,
    // ~250 instructions with its thread-local lookup), more than a tiny op's arithmetic.
    public var pointer: UnsafeMutableRawPointer { withUnsafeMutablePointerToHeader { $0.pointee.pointer } }
    public var byteCount: Int { withUnsafeMutablePointerToHeader { $0.pointee.byteCount } }

    deinit {
        withUnsafeMutablePointerToHeader { header in
            if header.pointee.pooled { BufferPool.shared.give(header.pointee.pointer, byteCount: header.pointee.byteCount) }
        }
    }
}

/// A contiguous, row-major n-d array. Value semantics: mutation copies shared storage.
public struct Tensor {
    /// Extent of each axis; `[]` is a 0-d scalar tensor.
    public internal(set) var shape: [Int]
    public let dtype: DType
    public internal(set) var storage: TensorStorage

    /// Number of elements (product of the shape; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    /// An uninitialized tensor; throws when the shape is negative or too large.
    public init(uninitializedShape shape: [Int], dtype: DType = .float64) throws {
        let elements = try Tensor.checkedCount(shape)
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        // The description is built only for an error: every kernel's result comes through here.
        func what() -> String { "allocation of \(Tensor.describe(shape)) \(dtype.rawValue)" }
        try TensorLimits.check(overflow ? Int.max : bytes, what())
        guard let storage = TensorStorage.make(orNilByteCount: max(bytes, 1)) else {
            throw TensorError("\(what()) failed: the system has no memory for it")
        }
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
    }

    /// Product of a shape, with overflow and negative extents reported as errors.
    public static func checkedCount(_ shape: [Int]) throws -> Int {
        var total = 1
        for extent in shape {
            guard extent >= 0 else { throw TensorError("negative dimension \(extent) in shape \(describe(shape))") }
            let (product, overflow) = total.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw TensorError("shape \(describe(shape)) is too large") }
            total = product
        }
        return total
    }

    /// A shape written the NumPy way: `(3, 4)`, `(5,)`, `()`.
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Makes the storage unique before a write (copy-on-write).
    public mutating func makeUnique() {
        if isUniquelyReferenced() { return }
        let copy = TensorStorage.make(byteCount: storage.byteCount)
        copy.pointer.copyMemory(from: storage.pointer, byteCount: storage.byteCount)
        storage = copy
    }

    /// True when no other tensor shares this storage (an in-place update is safe).
    public mutating func isUniquelyReferenced() -> Bool { isKnownUniquelyReferenced(&storage) && !storage.isView }
}

// MARK: - Typed access

/// The scalar types of the engine; hot loops are written generic over this protocol and
/// specialised per dtype by the optimizer.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Codable where Self.RawSignificand: FixedWidthInteger {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    /// log(1 + x), accurate for tiny x.
    static func log1p(_ x: Self) -> Self
    /// e^x - 1, accurate for tiny x.
    static func expm1(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    @inline(__always) public static func exp(_ x: Float) -> Float { Glibc.expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { Glibc.logf(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { Glibc.log1pf(x) }
    @inline(__always) public static func expm1(_ x: Float) -> Float { Glibc.expm1f(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { Glibc.tanhf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { Glibc.powf(x, y) }
    @inline(__always) public static func sin(_ x: Float) -> Float { Glibc.sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { Glibc.cosf(x) }
}

extension Tensor {
    /// Typed read access to the elements (the caller must pass the tensor's own scalar type).
    @inline(__always)
    public func withElements<T: TensorScalar, R>(_: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        assert(T.dtype == dtype, "\(dtype) tensor read as \(T.dtype)")
        let typed = storage.pointer.assumingMemoryBound(to: T.self)
        return try body(UnsafeBufferPointer(start: typed, count: count))
    }

    /// Typed write access; copies shared storage first.
    @inline(__always)
    public mutating func withMutableElements<T: TensorScalar, R>(_: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R) rethrows -> R {
        assert(T.dtype == dtype, "\(dtype) tensor written as \(T.dtype)")
        makeUnique()
        let typed = storage.pointer.assumingMemoryBound(to: T.self)
        return try body(UnsafeMutableBufferPointer(start: typed, count: count))
    }

    /// Element `index` (flat, row-major) as a Double; the caller checks the bounds.
    public func element(_ index: Int) -> Double {
        switch dtype {
        case .float64: return storage.pointer.assumingMemoryBound(to: Double.self)[index]
        case .float32: return Double(storage.pointer.assumingMemoryBound(to: Float.self)[index])
        case .bool: return storage.pointer.assumingMemoryBound(to: UInt8.self)[index] != 0 ? 1 : 0
        }
    }

    /// All elements as Doubles, row-major.
    public func toDoubles() -> [Double] {
        switch dtype {
        case .float64: return withElements(Double.self) { Array($0) }
        case .float32: return withElements(Float.self) { $0.map(Double.init) }
        case .bool: return withFlags { $0.map { $0 != 0 ? 1 : 0 } }
        }
    }

    /// The single value of a one-element tensor, else nil.
    public var scalarValue: Double? { count == 1 ? element(0) : nil }

    /// A tensor from row-major values; throws when the count does not match the shape.
    public init(shape: [Int], values: [Double], dtype: DType = .float64) throws {
        try self.init(uninitializedShape: shape, dtype: dtype)
        guard values.count == count else {
            throw TensorError("\(values.count) values do not fill shape \(Tensor.describe(shape))")
        }
        switch dtype {
        case .float64: withMutableElements(Double.self) { _ = $0.initialize(from: values) }
        case .float32: withMutableElements(Float.self) { buffer in
            for index in values.indices { buffer[index] = Float(values[index]) }
        }
        case .bool: withMutableFlags { flags in
            for index in values.indices { flags[index] = Tensor.flag(values[index]) }
        }
        }
    }

    /// A tensor of `shape` with every element `value`.
    public init(shape: [Int], repeating value: Double, dtype: DType = .float64) throws {
        try self.init(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .float64: withMutableElements(Double.self) { $0.initialize(repeating: value) }
        case .float32: withMutableElements(Float.self) { $0.initialize(repeating: Float(value)) }
        case .bool: withMutableFlags { $0.initialize(repeating: Tensor.flag(value)) }
        }
    }

    /// A 0-d tensor.
    public init(scalar: Double, dtype: DType = .float64) {
        // A one-element allocation is always under the limit.
        self.shape = []
        self.dtype = dtype
        self.storage = TensorStorage.make(byteCount: dtype.byteSize)
        switch dtype {
        case .float64: storage.pointer.assumingMemoryBound(to: Double.self)[0] = scalar
        case .float32: storage.pointer.assumingMemoryBound(to: Float.self)[0] = Float(scalar)
        case .bool: storage.pointer.assumingMemoryBound(to: UInt8.self)[0] = Tensor.flag(scalar)
        }
    }
}

// MARK: - Bool storage

extension Tensor {
    /// A number as a mask element: anything but zero is true (NaN too, as in NumPy).
    @inline(__always)
    static func flag(_ value: Double) -> UInt8 { value != 0 ? 1 : 0 }

    /// Read access to a bool tensor's elements, one byte each (0 or 1).
    @inline(__always)
    public func withFlags<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        assert(dtype == .bool, "\(dtype) tensor read as bool")
        return try body(UnsafeBufferPointer(start: storage.pointer.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// Write access to a bool tensor's elements; copies shared storage first.
    @inline(__always)
    public mutating func withMutableFlags<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
        assert(dtype == .bool, "\(dtype) tensor written as bool")
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer.assumingMemoryBound(to: UInt8.self), count: count))
    }

    /// The tensor in a dtype arithmetic runs in: a mask becomes float64 0/1 (or `preferred`,
    /// the other operand's dtype, as NumPy promotes bool with float32 to float32); float
    /// tensors are returned unchanged. Every numeric kernel calls this at its entry, so no
    /// kernel ever reads mask bytes as floats.
    public func numeric(preferring preferred: DType = .float64) -> Tensor {
        guard dtype == .bool else { return self }
        let target: DType = preferred == .bool ? .float64 : preferred
        let n = count
        let result = Tensor(validShape: shape, dtype: target, count: n)
        withFlags { flags in
            switch target {
            case .float64: let out = result.pointer(Double.self); for i in 0..<n { out[i] = Double(flags[i]) }
            case .float32: let out = result.pointer(Float.self); for i in 0..<n { out[i] = Float(flags[i]) }
            case .bool: break
            }
        }
        return result
    }
}
