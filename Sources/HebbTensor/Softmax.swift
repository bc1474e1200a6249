// Softmax and log-softmax along one axis, numerically stable (the maximum is subtracted
// first, so logits of ±1000 give finite results).

extension Tensor {
    /// `exp(x - max) / sum(exp(x - max))` along `axis`.
    public static func softmax(_ a: Tensor, axis: Int) throws -> Tensor {
        try softmaxFamily(a, axis: axis, log: false)
    }

    /// `x - max - log(sum(exp(x - max)))` along `axis`.
    public static func logSoftmax(_ a: Tensor, axis: Int) throws -> Tensor {
        try softmaxFamily(a, axis: axis, log: true)
    }

    private static func softmaxFamily(_ a: Tensor, axis: Int, log: Bool) throws -> Tensor {
        let a = a.numeric()
        let k = try normalizeAxis(axis, rank: a.rank, op: log ? "logSoftmax" : "softmax")
        let outer = product(a.shape, 0..<k), n = a.shape[k], inner = product(a.shape, (k + 1)..<a.rank)
        let result = Tensor(validShape: a.shape, dtype: a.dtype, count: a.count)
        if a.count == 0 { return result }
        switch a.dtype {
        case .float64: softmaxKernel(a.pointer(Double.self), result.pointer(Double.self), outer, n, inner, log: log)
        case .float32: softmaxKernel(a.pointer(Float.self), result.pointer(Float.self), outer, n, inner, log: log)
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func softmaxKernel<T: TensorScalar>(_ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                       _ outer: Int, _ n: Int, _ inner: Int, log: Bool) {
        if inner == 1 {
            for o in 0..<outer { softmaxRun(a + o &* n, out + o &* n, n, log: log) }
            return
        }
        // Along a non-last axis: whole rows of `inner` at a time, with two scratch rows.
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: 2 &* inner)
        defer { scratch.deallocate() }
        let maxima = scratch, sums = scratch + inner
        for o in 0..<outer {
            let block = a + o &* n &* inner, target = out + o &* n &* inner
            maxima.update(from: block, count: inner)
            for k in 1..<n {
                let row = block + k &* inner
                for i in 0..<inner where row[i] > maxima[i] || row[i].isNaN { maxima[i] = row[i] }
            }
            sums.update(repeating: 0, count: inner)
            for k in 0..<n {
                let row = block + k &* inner, shifted = target + k &* inner
                for i in 0..<inner {
                    let e = T.exp(row[i] - maxima[i])
                    shifted[i] = log ? row[i] - maxima[i] : e
                    sums[i] += e
                }
            }
            for i in 0..<inner { sums[i] = log ? T.log(sums[i]) : 1 / sums[i] }
            for k in 0..<n {
                let row = target + k &* inner
                for i in 0..<inner { row[i] = log ? row[i] - sums[i] : row[i] * sums[i] }
            }
        }
    }

    /// Softmax of one contiguous run of n >= 1 values.
    @inline(__always)
    private static func softmaxRun<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, log: Bool) {
        var maximum = x[0]
        for i in 1..<n where x[i] > maximum || x[i].isNaN { maximum = x[i] }
        var sum: T = 0
        if log {
            for i in 0..<n {
                let shifted = x[i] - maximum
                y[i] = shifted
                sum += T.exp(shifted)
            }
            let logSum = T.log(sum)
            for i in 0..<n { y[i] -= logSum }
        } else {
            for i in 0..<n {
                let e = T.exp(x[i] - maximum)
                y[i] = e
                sum += e
            }
            let scale = 1 / sum
            for i in 0..<n { y[i] *= scale }
        }
    }
}
