// Joining tensors (concat, stack) and building one-hot indicator matrices.

extension Tensor {
    /// Joins tensors along an existing axis; all other extents must agree.
    public static func concat(_ parts: [Tensor], axis: Int) throws -> Tensor {
        // Masks join masks as they are; among float parts they count as 0/1 in the floats' dtype.
        let floatType = parts.first { $0.dtype != .bool }?.dtype
        let parts = floatType.map { type in parts.map { $0.numeric(preferring: type) } } ?? parts
        guard let first = parts.first else { throw TensorError("concat: need at least one tensor") }
        guard first.rank > 0 else { throw TensorError("concat: 0-d tensors cannot be concatenated") }
        let k = try normalizeAxis(axis, rank: first.rank, op: "concat")
        var shape = first.shape
        shape[k] = 0
        for part in parts {
            try checkSameDType(first, part, op: "concat")
            try checkJoinable(first.shape, part.shape, axis: k)
            let (total, overflow) = shape[k].addingReportingOverflow(part.shape[k])
            guard !overflow else { throw TensorError("concat: result is too large") }
            shape[k] = total
        }
        if parts.count == 1 { return first }
        let result = try Tensor(uninitializedShape: shape, dtype: first.dtype)
        if result.count == 0 { return result }
        // Each part contributes one chunk of (its extent × inner) elements per outer index.
        let outer = product(shape, 0..<k), inner = product(shape, (k + 1)..<shape.count)
        let elementSize = first.dtype.byteSize
        var target = result.storage.pointer, copied = 0
        for o in 0..<outer {
            for part in parts {
                // A check per ~4 MiB copied: a big join stops soon after Ctrl-C.
                if copied >= 1 << 22 { try Cancellation.check(); copied = 0 }
                let chunk = part.shape[k] &* inner &* elementSize
                target.copyMemory(from: part.storage.pointer + o &* chunk, byteCount: chunk)
                target += chunk
                copied &+= chunk
            }
        }
        return result
    }

    /// Throws unless `shape` equals `first` on every axis but `axis`.
    private static func checkJoinable(_ first: [Int], _ shape: [Int], axis: Int) throws {
        guard shape.count == first.count else {
            throw TensorError("concat: shapes \(describe(first)) and \(describe(shape)) have different ranks")
        }
        for k in first.indices where k != axis && first[k] != shape[k] {
            throw TensorError("concat: shapes \(describe(first)) and \(describe(shape)) differ on axis \(k) "
                + "(\(first[k]) != \(shape[k]))")
        }
    }

    /// Joins same-shape tensors along a new axis (`axis` may be `rank`, or negative).
    public static func stack(_ parts: [Tensor], axis: Int) throws -> Tensor {
        let floatType = parts.first { $0.dtype != .bool }?.dtype
        let parts = floatType.map { type in parts.map { $0.numeric(preferring: type) } } ?? parts
        guard let first = parts.first else { throw TensorError("stack: need at least one tensor") }
        let k = try normalizeAxis(axis, rank: first.rank + 1, op: "stack")
        var expanded = first.shape
        expanded.insert(1, at: k)
        let reshaped = try parts.map { part -> Tensor in
            guard part.shape == first.shape else {
                throw TensorError("stack: shapes \(describe(first.shape)) and \(describe(part.shape)) differ")
            }
            try checkSameDType(first, part, op: "stack")
            return Tensor(shape: expanded, dtype: part.dtype, sharing: part.storage)
        }
        if reshaped.count == 1 { return reshaped[0] }
        return try concat(reshaped, axis: k)
    }

    /// Indicator rows: `result[..., i, c] = labels[..., i] == c ? 1 : 0`. Labels must be
    /// whole numbers in `0..<classes`; the result has the labels' shape plus `classes`.
    public static func onehot(_ labels: Tensor, classes: Int, dtype: DType = .float64) throws -> Tensor {
        guard classes >= 0 else { throw TensorError("onehot: number of classes must be non-negative, got \(classes)") }
        let result = try Tensor.zeros(labels.shape + [classes], dtype: dtype)
        let values = labels.toDoubles()
        for (i, label) in values.enumerated() {
            guard label.rounded() == label else {
                throw TensorError("onehot: label \(label) at index \(i) is not a whole number")
            }
            guard label >= 0, label < Double(classes) else {
                throw TensorError("onehot: label \(label.magnitude < 1e15 ? String(Int(label)) : String(label)) at index \(i) is out of range [0, \(classes))")
            }
            let position = i &* classes &+ Int(label)
            switch dtype {
            case .float64: result.pointer(Double.self)[position] = 1
            case .float32: result.pointer(Float.self)[position] = 1
            case .bool: result.flagPointer[position] = 1
            }
        }
        return result
    }
}
