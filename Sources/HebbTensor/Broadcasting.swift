// NumPy broadcasting: the result shape of two operands, materialising a broadcast, and its
// adjoint `sumToShape` (the gradient of a broadcast operand).

extension Tensor {
    /// The NumPy broadcast of two shapes (right-aligned; an axis of 1 stretches), or nil.
    public static func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = Swift.max(a.count, b.count)
        var result = [Int](filled: 1, count: rank)
        for axis in 0..<rank {
            let fromA = axis - (rank - a.count), fromB = axis - (rank - b.count)
            let extentA = fromA >= 0 ? a[fromA] : 1
            let extentB = fromB >= 0 ? b[fromB] : 1
            if extentA == extentB || extentB == 1 {
                result[axis] = extentA
            } else if extentA == 1 {
                result[axis] = extentB
            } else {
                return nil
            }
        }
        return result
    }

    /// `a` repeated along broadcast axes to `shape` (a new contiguous tensor).
    public static func broadcast(_ a: Tensor, to shape: [Int]) throws -> Tensor {
        guard broadcasts(a.shape, to: shape) else {
            throw TensorError("broadcast: shape \(describe(a.shape)) cannot be broadcast to \(describe(shape))")
        }
        if a.shape == shape { return a }
        var result = try Tensor(uninitializedShape: shape, dtype: a.dtype)
        if result.count == 0 { return result }
        switch a.dtype {
        case .float64: broadcastKernel(a, into: &result, Double.self)
        case .float32: broadcastKernel(a, into: &result, Float.self)
        case .bool: broadcastKernel(a, into: &result, UInt8.self)
        }
        return result
    }

    private static func broadcastKernel<T>(_ a: Tensor, into result: inout Tensor, _: T.Type) {
        let source = a.rawElements(T.self), target = result.rawElements(T.self)
        let layout = StridedLayout(shape: result.shape, operands: [result.shape, a.shape])
        let length = layout.rowLength, step = layout.innerStride(1)
        layout.forEachRow { offsets in
            let out = target + offsets[0], input = source + offsets[1]
            if step == 0 {
                out.update(repeating: input[0], count: length)
            } else {
                for i in 0..<length { out[i] = input[i &* step] }
            }
        }
    }

    /// Sums `a` over the axes along which `shape` was broadcast to `a.shape`, giving a tensor
    /// of `shape`: the gradient of a broadcast operand.
    public static func sumToShape(_ a: Tensor, _ shape: [Int]) throws -> Tensor {
        let a = a.numeric()
        guard broadcasts(shape, to: a.shape), shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("sumToShape: shape \(describe(a.shape)) cannot be summed to \(describe(shape))")
        }
        if a.shape == shape { return a }
        var result = try Tensor.zeros(shape, dtype: a.dtype)
        if a.count == 0 { return result }
        switch a.dtype {
        case .float64: sumToShapeKernel(a, into: &result, Double.self)
        case .float32: sumToShapeKernel(a, into: &result, Float.self)
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func sumToShapeKernel<T: TensorScalar>(_ a: Tensor, into result: inout Tensor, _: T.Type) {
        let source = a.pointer(T.self), target = result.pointer(T.self)
        let count = a.count, blockCount = result.count
        if blockCount == 1 {
            target[0] = pairwiseSum(source, count)
        } else if isTrailingBlock(result.shape, of: a.shape) {
            // A bias gradient: (N, M) -> (M,), summed row by row into the block.
            for row in 0..<(count / blockCount) {
                let input = source + row &* blockCount
                for i in 0..<blockCount { target[i] += input[i] }
            }
        } else {
            let layout = StridedLayout(shape: a.shape, operands: [a.shape, result.shape])
            let length = layout.rowLength, step = layout.innerStride(1)
            layout.forEachRow { offsets in
                let input = source + offsets[0], out = target + offsets[1]
                if step == 0 {
                    out[0] += pairwiseSum(input, length)
                } else {
                    for i in 0..<length { out[i &* step] += input[i] }
                }
            }
        }
    }

    /// True when `small` broadcasts to `big` by repeating it whole: without its leading 1s,
    /// `small` equals the trailing axes of `big` (a row vector against a matrix, say).
    static func isTrailingBlock(_ small: [Int], of big: [Int]) -> Bool {
        guard small.count <= big.count else { return false }
        let offset = big.count - small.count
        var axis = 0
        while axis < small.count && small[axis] == 1 { axis += 1 }
        while axis < small.count {
            if small[axis] != big[axis + offset] { return false }
            axis += 1
        }
        return true
    }

    /// True when `small` has `big`'s rank, equals it on the leading axes and is 1 on the
    /// rest, so each element of `small` covers one contiguous block of `big` (a column
    /// vector against a matrix, or a keepDims reduction against its input).
    static func isLeadingBlock(_ small: [Int], of big: [Int]) -> Bool {
        guard small.count == big.count else { return false }
        var axis = 0
        while axis < small.count && small[axis] == big[axis] { axis += 1 }
        while axis < small.count {
            if small[axis] != 1 { return false }
            axis += 1
        }
        return true
    }
}
