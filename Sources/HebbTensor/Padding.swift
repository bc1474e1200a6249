// Constant padding (NumPy's np.pad with mode "constant"): a border of `value` around each
// axis, and the slice that undoes it (its gradient).

extension Tensor {
    /// How many elements go before and after one axis.
    public struct PadWidth: Sendable, Equatable {
        public var before, after: Int
        public init(before: Int, after: Int) { (self.before, self.after) = (before, after) }
    }

    /// `x` with `widths[axis].before` elements of `value` before and `.after` after each
    /// axis (one width per axis).
    public static func pad(_ x: Tensor, widths: [PadWidth], value: Double = 0) throws -> Tensor {
        let shape = try paddedShape(x.shape, widths)
        var result = try Tensor(shape: shape, repeating: value, dtype: x.dtype)
        if x.count > 0 { try sliceAssign(&result, interior(x.shape, widths), x) }
        return result
    }

    /// The part of a padded tensor that holds the original (for the gradient of `pad`).
    public static func unpad(_ padded: Tensor, originalShape: [Int], widths: [PadWidth]) throws -> Tensor {
        guard try paddedShape(originalShape, widths) == padded.shape else {
            throw TensorError("unpad: shape \(describe(padded.shape)) is not \(describe(originalShape)) padded")
        }
        return try slice(padded, interior(originalShape, widths))
    }

    private static func paddedShape(_ shape: [Int], _ widths: [PadWidth]) throws -> [Int] {
        guard widths.count == shape.count else {
            throw TensorError("pad: \(widths.count) pad widths for a tensor of shape \(describe(shape)) (give one (before, after) per axis)")
        }
        var padded: [Int] = []
        for (extent, width) in zip(shape, widths) {
            guard width.before >= 0, width.after >= 0 else {
                throw TensorError("pad: widths must be non-negative, got (\(width.before), \(width.after))")
            }
            let (withBefore, overflow1) = extent.addingReportingOverflow(width.before)
            let (total, overflow2) = withBefore.addingReportingOverflow(width.after)
            guard !overflow1, !overflow2 else { throw TensorError("pad: widths (\(width.before), \(width.after)) are too large") }
            padded.append(total)
        }
        _ = try checkedCount(padded)
        return padded
    }

    private static func interior(_ shape: [Int], _ widths: [PadWidth]) -> [IndexSpec] {
        zip(shape, widths).map { extent, width in .range(start: width.before, stop: width.before + extent, step: 1) }
    }
}
