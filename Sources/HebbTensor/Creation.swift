// Tensor constructors (zeros, ones, eye, ranges), dtype conversion and reshaping.

extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        let result = try Tensor(uninitializedShape: shape, dtype: dtype)
        // IEEE zero is all-zero bits in both dtypes.
        result.storage.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: result.storage.byteCount)
        return result
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float64) throws -> Tensor {
        try Tensor(shape: shape, repeating: 1, dtype: dtype)
    }

    /// The n×n identity matrix.
    public static func eye(_ n: Int, dtype: DType = .float64) throws -> Tensor {
        guard n >= 0 else { throw TensorError("eye: size must be non-negative, got \(n)") }
        var result = try zeros([n, n], dtype: dtype)
        switch dtype {
        case .float64: result.withMutableElements(Double.self) { for i in 0..<n { $0[i &* (n &+ 1)] = 1 } }
        case .float32: result.withMutableElements(Float.self) { for i in 0..<n { $0[i &* (n &+ 1)] = 1 } }
        case .bool: result.withMutableFlags { for i in 0..<n { $0[i &* (n &+ 1)] = 1 } }
        }
        return result
    }

    /// `start, start + step, ...` up to but excluding `stop` (NumPy's arange).
    public static func arange(start: Double, stop: Double, step: Double, dtype: DType = .float64) throws -> Tensor {
        guard start.isFinite, stop.isFinite, step.isFinite else {
            throw TensorError("arange: start, stop and step must be finite")
        }
        guard step != 0 else { throw TensorError("arange: step must not be zero") }
        let length = ((stop - start) / step).rounded(.up)
        // Beyond this the allocation check would fail anyway; testing first keeps Int() safe.
        guard length < 1e15 else {
            throw TensorError("arange: \(length) elements are too many")
        }
        let count = length > 0 ? Int(length) : 0
        var result = try Tensor(uninitializedShape: [count], dtype: dtype)
        switch dtype {
        case .float64: result.withMutableElements(Double.self) { for i in 0..<count { $0[i] = start + Double(i) * step } }
        case .float32: result.withMutableElements(Float.self) { for i in 0..<count { $0[i] = Float(start + Double(i) * step) } }
        case .bool: result.withMutableFlags { for i in 0..<count { $0[i] = flag(start + Double(i) * step) } }
        }
        return result
    }

    /// `count` evenly spaced values from `start` to `stop`, both included (NumPy's linspace).
    public static func linspace(start: Double, stop: Double, count: Int, dtype: DType = .float64) throws -> Tensor {
        guard count >= 0 else { throw TensorError("linspace: count must be non-negative, got \(count)") }
        var result = try Tensor(uninitializedShape: [count], dtype: dtype)
        let step = count > 1 ? (stop - start) / Double(count - 1) : 0
        let value = { (i: Int) -> Double in i == count - 1 && count > 1 ? stop : start + Double(i) * step }
        switch dtype {
        case .float64: result.withMutableElements(Double.self) { for i in 0..<count { $0[i] = value(i) } }
        case .float32: result.withMutableElements(Float.self) { for i in 0..<count { $0[i] = Float(value(i)) } }
        case .bool: result.withMutableFlags { for i in 0..<count { $0[i] = flag(value(i)) } }
        }
        return result
    }

    /// The same values in another dtype (self when the dtype already matches). To bool, any
    /// nonzero value (NaN too) is true, as in NumPy; from bool, true is 1.
    public func cast(to dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        // Checked: float32 -> float64 doubles the bytes, bool -> float64 multiplies them by 8.
        let result = try Tensor(uninitializedShape: shape, dtype: dtype)
        let n = count
        switch (self.dtype, dtype) {
        case (.float64, .float32):
            let source = pointer(Double.self), target = result.pointer(Float.self)
            for i in 0..<n { target[i] = Float(source[i]) }
        case (.float32, .float64):
            let source = pointer(Float.self), target = result.pointer(Double.self)
            for i in 0..<n { target[i] = Double(source[i]) }
        case (.float64, .bool):
            let source = pointer(Double.self), target = result.flagPointer
            for i in 0..<n { target[i] = source[i] != 0 ? 1 : 0 }
        case (.float32, .bool):
            let source = pointer(Float.self), target = result.flagPointer
            for i in 0..<n { target[i] = source[i] != 0 ? 1 : 0 }
        case (.bool, _):
            return numeric(preferring: dtype)
        case (.float64, .float64), (.float32, .float32):
            return self
        }
        return result
    }

    /// The same elements under a new shape; one extent may be -1 (inferred). Shares storage.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        if newShape == shape { return self }
        var known = 1, unknownAxis: Int? = nil
        for (axis, extent) in newShape.enumerated() {
            if extent == -1 {
                guard unknownAxis == nil else { throw TensorError("reshape: can only specify one unknown dimension") }
                unknownAxis = axis
                continue
            }
            guard extent >= 0 else {
                throw TensorError("reshape: negative dimension \(extent) in shape \(Tensor.describe(newShape))")
            }
            let (product, overflow) = known.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw cannotReshape(newShape) }
            known = product
        }
        var resolved = newShape
        if let unknownAxis {
            guard known != 0, count % known == 0 else { throw cannotReshape(newShape) }
            resolved[unknownAxis] = count / known
        } else if known != count {
            throw cannotReshape(newShape)
        }
        return Tensor(shape: resolved, dtype: dtype, sharing: storage)
    }

    private func cannotReshape(_ newShape: [Int]) -> TensorError {
        TensorError("reshape: cannot reshape tensor of size \(count) into shape \(Tensor.describe(newShape))")
    }
}
