// Reductions along one axis or over all elements: sum, mean, max, min, argmax, argmin.
//
// A reduction over `axis` views the tensor as (outer, n, inner). With inner == 1 each
// output is a contiguous run (pairwise summation, like NumPy); otherwise whole rows of
// `inner` elements are combined at once, which keeps the loops contiguous.

extension Tensor {
    /// Reduction operations; argmax/argmin give indices (as floats) of the first extreme.
    public enum ReduceOp: String, CaseIterable, Sendable {
        case sum, mean, max, min, argmax, argmin
    }

    /// Reduces `a` over `axis` (all elements when nil, giving a 0-d tensor). With `keepDims`
    /// the reduced axis stays with extent 1 (every axis, when `axis` is nil).
    /// A mask is reduced as float64 0/1: `sum(Y == 3)` counts, `mean(P == Y)` is a rate.
    public static func reduce(_ op: ReduceOp, _ a: Tensor, axis: Int?, keepDims: Bool = false) throws -> Tensor {
        let a = a.numeric()
        let outer: Int, n: Int, inner: Int, shape: [Int]
        if let axis {
            let k = try normalizeAxis(axis, rank: a.rank, op: op.rawValue)
            outer = product(a.shape, 0..<k)
            n = a.shape[k]
            inner = product(a.shape, (k + 1)..<a.rank)
            var kept = a.shape
            if keepDims { kept[k] = 1 } else { kept.remove(at: k) }
            shape = kept
        } else {
            (outer, n, inner) = (1, a.count, 1)
            shape = keepDims ? [Int](filled: 1, count: a.rank) : []
        }
        if n == 0 && op != .sum && op != .mean {
            throw TensorError("\(op.rawValue): cannot reduce an empty axis (shape \(describe(a.shape)))")
        }
        let result = Tensor(validShape: shape, dtype: a.dtype, count: outer &* inner)
        switch a.dtype {
        case .float64: reduceKernel(op, a.pointer(Double.self), result.pointer(Double.self), outer, n, inner)
        case .float32: reduceKernel(op, a.pointer(Float.self), result.pointer(Float.self), outer, n, inner)
        case .bool: break  // made numeric above
        }
        return result
    }

    private static func reduceKernel<T: TensorScalar>(_ op: ReduceOp, _ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                      _ outer: Int, _ n: Int, _ inner: Int) {
        switch op {
        case .sum: sumKernel(a, out, outer, n, inner)
        case .mean:
            sumKernel(a, out, outer, n, inner)
            // Divide (not multiply by 1/n) to give NumPy's numbers exactly.
            let divisor = T(n)
            for i in 0..<(outer &* inner) { out[i] /= divisor }
        case .max: extremeKernel(a, out, outer, n, inner, index: false) { $0 > $1 }
        case .min: extremeKernel(a, out, outer, n, inner, index: false) { $0 < $1 }
        case .argmax: extremeKernel(a, out, outer, n, inner, index: true) { $0 > $1 }
        case .argmin: extremeKernel(a, out, outer, n, inner, index: true) { $0 < $1 }
        }
    }

    private static func sumKernel<T: TensorScalar>(_ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                   _ outer: Int, _ n: Int, _ inner: Int) {
        if inner == 1 {
            for o in 0..<outer { out[o] = pairwiseSum(a + o &* n, n) }
            return
        }
        for o in 0..<outer {
            let target = out + o &* inner, block = a + o &* n &* inner
            target.update(repeating: 0, count: inner)
            for k in 0..<n {
                let row = block + k &* inner
                for i in 0..<inner { target[i] += row[i] }
            }
        }
    }

    /// Max/min (or their positions): `better(x, y)` says x beats y. The first NaN wins and
    /// sticks, as in NumPy; ties keep the first position. Requires n >= 1.
    @inline(__always)
    private static func extremeKernel<T: TensorScalar>(_ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                       _ outer: Int, _ n: Int, _ inner: Int, index: Bool,
                                                       _ better: (T, T) -> Bool) {
        if inner == 1 {
            for o in 0..<outer {
                let run = a + o &* n
                var best = run[0], position = 0, k = 1
                while k < n && !best.isNaN {
                    let value = run[k]
                    if better(value, best) || value.isNaN { best = value; position = k }
                    k &+= 1
                }
                out[o] = index ? T(position) : best
            }
            return
        }
        // Whole rows at a time; for positions the running extremes live in a scratch row.
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: index ? inner : 0)
        defer { scratch.deallocate() }
        for o in 0..<outer {
            let block = a + o &* n &* inner, target = out + o &* inner
            let best = index ? scratch : target
            best.update(from: block, count: inner)
            if index { target.update(repeating: 0, count: inner) }
            for k in 1..<n {
                let row = block + k &* inner
                if !index {
                    // Branch-free so it vectorises: a NaN best is never beaten, a NaN value wins.
                    for i in 0..<inner {
                        let value = row[i], current = best[i]
                        let chosen = better(value, current) ? value : current
                        best[i] = value != value ? value : chosen
                    }
                    continue
                }
                for i in 0..<inner {
                    let value = row[i]
                    if (better(value, best[i]) || value.isNaN) && !best[i].isNaN {
                        best[i] = value
                        target[i] = T(k)
                    }
                }
            }
        }
    }

    /// NumPy's pairwise summation: 8 accumulators over blocks of up to 128 elements, halves
    /// above that. Accurate to O(log n) roundings and fast because the lanes are independent.
    static func pairwiseSum<T: TensorScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        if n < 8 {
            var sum: T = 0
            for i in 0..<n { sum += p[i] }
            return sum
        }
        if n <= 128 {
            var r0 = p[0], r1 = p[1], r2 = p[2], r3 = p[3], r4 = p[4], r5 = p[5], r6 = p[6], r7 = p[7]
            var i = 8
            while i &+ 8 <= n {
                r0 += p[i]; r1 += p[i &+ 1]; r2 += p[i &+ 2]; r3 += p[i &+ 3]
                r4 += p[i &+ 4]; r5 += p[i &+ 5]; r6 += p[i &+ 6]; r7 += p[i &+ 7]
                i &+= 8
            }
            var sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n { sum += p[i]; i &+= 1 }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(p, half) + pairwiseSum(p + half, n - half)
    }
}
