import CSleef

// Elementwise binary and unary ops with NumPy broadcasting, plus the fused updates used by
// optimizers (axpy) and the select op (where_).
//
// Every kernel is dispatched once per call: `switch dtype` picks the scalar type, then
// `switch op` picks a closure that is inlined into the loops of `BinaryPlan`, so each
// (op, dtype, layout) pair compiles to its own tight loop over raw pointers.

extension Tensor {
    /// Elementwise binary operations. Comparisons give bool masks.
    public enum BinaryOp: String, CaseIterable, Sendable {
        case add, sub, mul, div, pow, maximum, minimum
        case equal, notEqual, less, lessEqual, greater, greaterEqual

        /// True for the ops whose result is a bool mask.
        public var isComparison: Bool {
            switch self {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
            case .add, .sub, .mul, .div, .pow, .maximum, .minimum: return false
            }
        }
    }

    /// Elementwise unary operations.
    public enum UnaryOp: String, CaseIterable, Sendable {
        case neg, exp, log, sqrt, abs, tanh, sigmoid, relu, sign, square, reciprocal
        case sin, cos, floor, round
        /// log(1 + e^x), the smooth relu, as max(x, 0) + log1p(e^-|x|) (finite for any x).
        case softplus
        /// log(1 + x) and e^x - 1, exact where 1 + x or e^x would round to 1.
        case log1p, expm1
        /// `x > 0 ? 1 : 0` (the derivative of relu).
        case isPositive
    }
}

// MARK: - Binary

/// How the elements of two operands line up. Every case but `general` is a fast path,
/// chosen without allocating; `general` walks a `StridedLayout`.
enum BinaryPlan {
    /// Same shape: element i with element i.
    case same(count: Int)
    /// The right (left) operand has one element.
    case scalarRight(count: Int), scalarLeft(count: Int)
    /// The right (left) operand is one row of `rowLength` repeated `rows` times.
    case tileRight(rows: Int, rowLength: Int), tileLeft(rows: Int, rowLength: Int)
    /// Element r of the right (left) operand applies to all of row r.
    case columnRight(rows: Int, rowLength: Int), columnLeft(rows: Int, rowLength: Int)
    /// Anything else: operands 0, 1, 2 of the layout are output, left, right.
    case general(StridedLayout)
}

extension Tensor {
    /// `a op b` with NumPy broadcasting. Comparisons give a bool mask; a bool operand takes
    /// part in arithmetic as 0/1 in the other operand's dtype. Between two masks, NumPy's
    /// rules: `+` and `maximum` are "or", `*` and `minimum` are "and" (so `(Y == 0) + (Y == 1)`
    /// is still a mask), `-` is refused, `/` and `**` give float64.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.dtype == .bool && b.dtype == .bool {
            switch op {
            case .add, .maximum: return try logical(.or, a, b)
            case .mul, .minimum: return try logical(.and, a, b)
            case .sub:
                throw TensorError("sub: subtracting one mask from another is not defined (NumPy refuses it too); "
                    + "write a and not b for \"a but not b\", or float64(a) - float64(b) for numbers")
            case .div, .pow, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: break
            }
        }
        if a.dtype == .bool || b.dtype == .bool {
            return try binary(op, a.numeric(preferring: b.dtype), b.numeric(preferring: a.dtype))
        }
        guard a.dtype == b.dtype else { throw dtypeMismatch(a, b, op: op.rawValue) }
        // x ** 2 as x * x whether the 2 is a constant or a one-element tensor (a gradient rule
        // passes constants as 0-d tensors), so both give the same numbers.
        if op == .pow && b.count == 1 && b.rank <= a.rank && b.element(0) == 2 { return unary(.square, a) }
        let outputType = op.isComparison ? DType.bool : a.dtype
        // Same shapes first, with nothing built on the way: this is most calls, and on tiny
        // tensors the bookkeeping costs more than the arithmetic.
        if a.shape == b.shape {
            let count = a.count
            let result = Tensor(validShape: a.shape, dtype: outputType, count: count)
            switch a.dtype {
            case .float64: sameShapeKernel(op, count, a.pointer(Double.self), b.pointer(Double.self), result.storage.pointer)
            case .float32: sameShapeKernel(op, count, a.pointer(Float.self), b.pointer(Float.self), result.storage.pointer)
            case .bool: break  // promoted above
            }
            return result
        }
        let (plan, shape, count) = try binaryPlan(op.rawValue, a.shape, b.shape)
        let result: Tensor
        if case .general = plan {
            // A broadcast result can be far larger than either operand: check the allocation.
            result = try Tensor(uninitializedShape: shape, dtype: outputType)
        } else {
            result = Tensor(validShape: shape, dtype: outputType, count: count)
        }
        if count == 0 { return result }
        switch a.dtype {
        case .float64: binaryKernel(op, plan, a.pointer(Double.self), b.pointer(Double.self), result.storage.pointer)
        case .float32: binaryKernel(op, plan, a.pointer(Float.self), b.pointer(Float.self), result.storage.pointer)
        case .bool: break  // promoted above
        }
        return result
    }

    /// `a op s` for a constant `s` (converted to `a`'s dtype; a mask counts as float64 0/1).
    public static func binary(_ op: BinaryOp, _ a: Tensor, scalar: Double) -> Tensor {
        let a = a.numeric()
        // x ** 2 (squared errors) as x * x: the same correctly rounded numbers, without a
        // pow() call per element (NumPy special-cases it too).
        if op == .pow && scalar == 2 { return unary(.square, a) }
        let count = a.count
        let result = Tensor(validShape: a.shape, dtype: op.isComparison ? .bool : a.dtype, count: count)
        switch a.dtype {
        case .float64:
            var s = scalar
            binaryKernel(op, .scalarRight(count: count), a.pointer(Double.self), &s, result.storage.pointer)
        case .float32:
            var s = Float(scalar)
            binaryKernel(op, .scalarRight(count: count), a.pointer(Float.self), &s, result.storage.pointer)
        case .bool: break  // made numeric above
        }
        return result
    }

    /// `s op b` for a constant `s` (converted to `b`'s dtype; a mask counts as float64 0/1).
    public static func binary(_ op: BinaryOp, scalar: Double, _ b: Tensor) -> Tensor {
        let b = b.numeric()
        let count = b.count
        let result = Tensor(validShape: b.shape, dtype: op.isComparison ? .bool : b.dtype, count: count)
        switch b.dtype {
        case .float64:
            var s = scalar
            binaryKernel(op, .scalarLeft(count: count), &s, b.pointer(Double.self), result.storage.pointer)
        case .float32:
            var s = Float(scalar)
            binaryKernel(op, .scalarLeft(count: count), &s, b.pointer(Float.self), result.storage.pointer)
        case .bool: break  // made numeric above
        }
        return result
    }

    /// `a op b` for two numbers, by the tensor kernel (NaN rules of maximum, pow's accuracy).
    /// A comparison gives 1 or 0.
    public static func binary(_ op: BinaryOp, scalar a: Double, _ b: Double) -> Double {
        if op == .pow && b == 2 { return unary(.square, scalar: a) }
        var output = 0.0
        withUnsafePointer(to: a) { x in
            withUnsafePointer(to: b) { y in
                if op.isComparison {
                    var flag: UInt8 = 0
                    binaryKernel(op, .same(count: 1), x, y, &flag)
                    output = Double(flag)
                } else {
                    binaryKernel(op, .same(count: 1), x, y, &output)
                }
            }
        }
        return output
    }

    /// Chooses the loop for `a op b` and the result's shape and element count. The fast
    /// paths reuse an operand's shape array; only the general path allocates.
    static func binaryPlan(_ op: String, _ a: [Int], _ b: [Int]) throws -> (BinaryPlan, [Int], Int) {
        if a == b {
            let count = product(a, 0..<a.count)
            return (.same(count: count), a, count)
        }
        let countA = product(a, 0..<a.count), countB = product(b, 0..<b.count)
        if countB == 1 && b.count <= a.count { return (.scalarRight(count: countA), a, countA) }
        if countA == 1 && a.count <= b.count { return (.scalarLeft(count: countB), b, countB) }
        if countA == 0 || countB == 0 {
            // Nothing to compute; the shapes must still be compatible.
        } else if isTrailingBlock(b, of: a) {
            return (.tileRight(rows: countA / countB, rowLength: countB), a, countA)
        } else if isTrailingBlock(a, of: b) {
            return (.tileLeft(rows: countB / countA, rowLength: countA), b, countB)
        } else if isLeadingBlock(b, of: a) {
            return (.columnRight(rows: countB, rowLength: countA / countB), a, countA)
        } else if isLeadingBlock(a, of: b) {
            return (.columnLeft(rows: countA, rowLength: countB / countA), b, countB)
        }
        guard let shape = broadcastShapes(a, b) else {
            throw TensorError("\(op): shapes \(describe(a)) and \(describe(b)) cannot be broadcast")
        }
        let count = try checkedCount(shape)
        return (.general(StridedLayout(shape: shape, operands: [shape, a, b])), shape, count)
    }

    /// Dispatches on the op once; each case inlines its closure into `runBinary`. `out` holds
    /// `T`s, or bytes (0/1) for the comparisons.
    static func binaryKernel<T: TensorScalar>(_ op: BinaryOp, _ plan: BinaryPlan, _ a: UnsafePointer<T>,
                                              _ b: UnsafePointer<T>, _ out: UnsafeMutableRawPointer) {
        let values = out.assumingMemoryBound(to: T.self)
        switch op {
        case .add: runBinary(plan, a, b, values) { $0 + $1 }
        case .sub: runBinary(plan, a, b, values) { $0 - $1 }
        case .mul: runBinary(plan, a, b, values) { $0 * $1 }
        case .div: runBinary(plan, a, b, values) { $0 / $1 }
        case .pow: powKernel(plan, a, b, values)
        // NumPy's maximum/minimum propagate NaN from either side.
        case .maximum: runBinary(plan, a, b, values) { $0 >= $1 || $0.isNaN ? $0 : $1 }
        case .minimum: runBinary(plan, a, b, values) { $0 <= $1 || $0.isNaN ? $0 : $1 }
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            comparisonKernel(op, plan, a, b, out.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// `a ** b` through the vectorized pow, one contiguous run (a row, or the whole array) per call.
    private static func powKernel<T: TensorScalar>(_ plan: BinaryPlan, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                                   _ out: UnsafeMutablePointer<T>) {
        switch plan {
        case .same(let count): T.vectorPow(count, a, 1, b, 1, out)
        case .scalarRight(let count): T.vectorPow(count, a, 1, b, 0, out)
        case .scalarLeft(let count): T.vectorPow(count, a, 0, b, 1, out)
        case .tileRight(let rows, let length), .tileLeft(let rows, let length),
             .columnRight(let rows, let length), .columnLeft(let rows, let length):
            for row in 0..<rows {
                let base = row &* length
                switch plan {
                case .tileRight: T.vectorPow(length, a + base, 1, b, 1, out + base)
                case .tileLeft: T.vectorPow(length, a, 1, b + base, 1, out + base)
                case .columnRight: T.vectorPow(length, a + base, 1, b + row, 0, out + base)
                default: T.vectorPow(length, a + row, 0, b + base, 1, out + base)
                }
            }
        case .general(let layout):
            let length = layout.rowLength, strideA = layout.innerStride(1), strideB = layout.innerStride(2)
            layout.forEachRow { offsets in
                T.vectorPow(length, a + offsets[1], strideA, b + offsets[2], strideB, out + offsets[0])
            }
        }
    }

    /// The comparisons, writing one byte (0 or 1) per element.
    private static func comparisonKernel<T: TensorScalar>(_ op: BinaryOp, _ plan: BinaryPlan, _ a: UnsafePointer<T>,
                                                          _ b: UnsafePointer<T>, _ out: UnsafeMutablePointer<UInt8>) {
        switch op {
        case .equal: runBinary(plan, a, b, out) { $0 == $1 ? 1 : 0 }
        case .notEqual: runBinary(plan, a, b, out) { $0 != $1 ? 1 : 0 }
        case .less: runBinary(plan, a, b, out) { $0 < $1 ? 1 : 0 }
        case .lessEqual: runBinary(plan, a, b, out) { $0 <= $1 ? 1 : 0 }
        case .greater: runBinary(plan, a, b, out) { $0 > $1 ? 1 : 0 }
        case .greaterEqual: runBinary(plan, a, b, out) { $0 >= $1 ? 1 : 0 }
        case .add, .sub, .mul, .div, .pow, .maximum, .minimum: break  // not comparisons
        }
    }

    /// The same-shape loop of every op, without a plan.
    static func sameShapeKernel<T: TensorScalar>(_ op: BinaryOp, _ count: Int, _ a: UnsafePointer<T>,
                                                 _ b: UnsafePointer<T>, _ out: UnsafeMutableRawPointer) {
        binaryKernel(op, .same(count: count), a, b, out)
    }

    @inline(__always)
    static func runBinary<T, R>(_ plan: BinaryPlan, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                              _ out: UnsafeMutablePointer<R>, _ f: (T, T) -> R) {
        switch plan {
        case .same(let count):
            for i in 0..<count { out[i] = f(a[i], b[i]) }
        case .scalarRight(let count):
            let s = b[0]
            for i in 0..<count { out[i] = f(a[i], s) }
        case .scalarLeft(let count):
            let s = a[0]
            for i in 0..<count { out[i] = f(s, b[i]) }
        case .tileRight(let rows, let length):
            for row in 0..<rows {
                let base = row &* length, x = a + base, y = out + base
                for i in 0..<length { y[i] = f(x[i], b[i]) }
            }
        case .tileLeft(let rows, let length):
            for row in 0..<rows {
                let base = row &* length, x = b + base, y = out + base
                for i in 0..<length { y[i] = f(a[i], x[i]) }
            }
        case .columnRight(let rows, let length):
            for row in 0..<rows {
                let base = row &* length, x = a + base, y = out + base, s = b[row]
                for i in 0..<length { y[i] = f(x[i], s) }
            }
        case .columnLeft(let rows, let length):
            for row in 0..<rows {
                let base = row &* length, x = b + base, y = out + base, s = a[row]
                for i in 0..<length { y[i] = f(s, x[i]) }
            }
        case .general(let layout):
            let length = layout.rowLength, strideA = layout.innerStride(1), strideB = layout.innerStride(2)
            layout.forEachRow { offsets in
                let y = out + offsets[0], x = a + offsets[1], z = b + offsets[2]
                if strideA == 1 && strideB == 1 {
                    for i in 0..<length { y[i] = f(x[i], z[i]) }
                } else if strideA == 1 && strideB == 0 {
                    let s = z[0]
                    for i in 0..<length { y[i] = f(x[i], s) }
                } else if strideA == 0 && strideB == 1 {
                    let s = x[0]
                    for i in 0..<length { y[i] = f(s, z[i]) }
                } else {
                    for i in 0..<length { y[i] = f(x[i &* strideA], z[i &* strideB]) }
                }
            }
        }
    }
}

// MARK: - Unary

extension Tensor {
    /// `op(a)` elementwise; a mask counts as float64 0/1 (`-mask` is a float tensor).
    public static func unary(_ op: UnaryOp, _ a: Tensor) -> Tensor {
        let a = a.numeric()
        let count = a.count
        let result = Tensor(validShape: a.shape, dtype: a.dtype, count: count)
        switch a.dtype {
        case .float64: unaryKernel(op, count, a.pointer(Double.self), result.pointer(Double.self))
        case .float32: unaryKernel(op, count, a.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    static func unaryKernel<T: TensorScalar>(_ op: UnaryOp, _ count: Int, _ a: UnsafePointer<T>,
                                             _ out: UnsafeMutablePointer<T>) {
        switch op {
        case .neg: runUnary(count, a, out) { -$0 }
        case .exp: T.vectorMath(HEBB_VM_EXP, count, a, out)
        case .log: T.vectorMath(HEBB_VM_LOG, count, a, out)
        case .sqrt: T.vectorMath(HEBB_VM_SQRT, count, a, out)
        case .abs: runUnary(count, a, out) { $0.magnitude }
        case .tanh: T.vectorMath(HEBB_VM_TANH, count, a, out)
        case .sigmoid: T.vectorMath(HEBB_VM_SIGMOID, count, a, out)
        case .softplus: T.vectorMath(HEBB_VM_SOFTPLUS, count, a, out)
        // NaN passes through (like NumPy's maximum(x, 0)); -0 becomes +0.
        case .relu: runUnary(count, a, out) { 0 >= $0 ? 0 : $0 }
        case .sign: runUnary(count, a, out) { $0 > 0 ? 1 : $0 < 0 ? -1 : $0.isNaN ? $0 : 0 }
        case .square: runUnary(count, a, out) { $0 * $0 }
        case .reciprocal: runUnary(count, a, out) { 1 / $0 }
        case .sin: T.vectorMath(HEBB_VM_SIN, count, a, out)
        case .cos: T.vectorMath(HEBB_VM_COS, count, a, out)
        case .floor: runUnary(count, a, out) { $0.rounded(.down) }
        // NumPy rounds halves to even.
        case .round: runUnary(count, a, out) { $0.rounded(.toNearestOrEven) }
        case .isPositive: runUnary(count, a, out) { $0 > 0 ? 1 : 0 }
        case .log1p: T.vectorMath(HEBB_VM_LOG1P, count, a, out)
        case .expm1: T.vectorMath(HEBB_VM_EXPM1, count, a, out)
        }
    }

    /// `op(x)` for one number, by the same kernel (and instruction set) as a tensor's
    /// elements, so `tanh(0.5)` and `tanh(tensor([0.5]))[0]` are the same number.
    public static func unary(_ op: UnaryOp, scalar x: Double) -> Double {
        var output = 0.0
        withUnsafePointer(to: x) { input in unaryKernel(op, 1, input, &output) }
        return output
    }

    @inline(__always)
    static func runUnary<T: TensorScalar>(_ count: Int, _ a: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                          _ f: (T) -> T) {
        for i in 0..<count { out[i] = f(a[i]) }
    }
}

// MARK: - Fused updates and select

extension Tensor {
    /// `y += x` in place, the same bits as `binary(.add, y, x)`, when `y`'s storage is not
    /// shared and both have one float dtype and shape; false (and `y` untouched) otherwise.
    /// The backward pass sums each node's gradients with it, so a parameter used at every
    /// step of an unrolled loop gets one buffer, not one per step.
    public static func addInPlace(_ y: inout Tensor, _ x: Tensor) -> Bool {
        guard y.dtype == x.dtype, y.shape == x.shape, y.isUniquelyReferenced() else { return false }
        let count = y.count, target = y.storage.pointer
        switch y.dtype {
        case .float64: sameShapeKernel(.add, count, UnsafePointer(target.assumingMemoryBound(to: Double.self)), x.pointer(Double.self), target)
        case .float32: sameShapeKernel(.add, count, UnsafePointer(target.assumingMemoryBound(to: Float.self)), x.pointer(Float.self), target)
        case .bool: return false
        }
        return true
    }

    /// `y += alpha * x` for tensors of one shape, in place when `y`'s storage is not shared.
    public static func axpy(_ alpha: Double, _ x: Tensor, _ y: inout Tensor) throws {
        guard y.dtype != .bool else { throw TensorError("axpy: cannot update a bool mask in place; convert it with float64(mask)") }
        let x = x.numeric(preferring: y.dtype)
        try checkSameDType(x, y, op: "axpy")
        guard x.shape == y.shape else {
            throw TensorError("axpy: shapes \(describe(x.shape)) and \(describe(y.shape)) differ")
        }
        let count = x.count
        switch y.dtype {
        case .float64:
            let source = x.pointer(Double.self)
            y.withMutableElements(Double.self) { target in
                for i in 0..<count { target[i] += alpha * source[i] }
            }
        case .float32:
            let source = x.pointer(Float.self), scale = Float(alpha)
            y.withMutableElements(Float.self) { target in
                for i in 0..<count { target[i] += scale * source[i] }
            }
        case .bool: break  // refused above
        }
    }

    /// `mask != 0 ? a : b` elementwise, all three broadcast together. The mask may have
    /// any dtype; `a` and `b` must agree, except that a bool side takes the other's dtype
    /// (two bool sides give a bool result).
    public static func where_(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.dtype != b.dtype && (a.dtype == .bool || b.dtype == .bool) {
            return try where_(mask, a.numeric(preferring: b.dtype), b.numeric(preferring: a.dtype))
        }
        try checkSameDType(a, b, op: "where")
        guard let valueShape = broadcastShapes(a.shape, b.shape),
              let shape = broadcastShapes(mask.shape, valueShape) else {
            throw TensorError("where: shapes \(describe(mask.shape)), \(describe(a.shape)) and \(describe(b.shape)) cannot be broadcast")
        }
        let result = try Tensor(uninitializedShape: shape, dtype: a.dtype)
        if result.count == 0 { return result }
        let condition = try mask.cast(to: .bool)
        switch a.dtype {
        case .float64: whereKernel(condition, a, b, result, Double.self)
        case .float32: whereKernel(condition, a, b, result, Float.self)
        case .bool: whereKernel(condition, a, b, result, UInt8.self)
        }
        return result
    }

    private static func whereKernel<T>(_ mask: Tensor, _ a: Tensor, _ b: Tensor, _ result: Tensor, _: T.Type) {
        let m = mask.flagPointer, x = a.storage.pointer.assumingMemoryBound(to: T.self)
        let y = b.storage.pointer.assumingMemoryBound(to: T.self), out = result.storage.pointer.assumingMemoryBound(to: T.self)
        if mask.shape == result.shape && a.shape == result.shape && b.shape == result.shape {
            for i in 0..<result.count { out[i] = m[i] != 0 ? x[i] : y[i] }
            return
        }
        let layout = StridedLayout(shape: result.shape, operands: [result.shape, mask.shape, a.shape, b.shape])
        let length = layout.rowLength
        let sm = layout.innerStride(1), sa = layout.innerStride(2), sb = layout.innerStride(3)
        layout.forEachRow { offsets in
            let o = out + offsets[0], mm = m + offsets[1], xx = x + offsets[2], yy = y + offsets[3]
            for i in 0..<length { o[i] = mm[i &* sm] != 0 ? xx[i &* sa] : yy[i &* sb] }
        }
    }
}

// MARK: - Logical ops on masks

extension Tensor {
    /// Elementwise logic on truth values (anything nonzero is true), giving a bool mask.
    public enum LogicalOp: String, CaseIterable, Sendable {
        case and, or, xor
    }

    /// `a op b` on the truth of each element, with NumPy broadcasting (`logical_and` ...).
    public static func logical(_ op: LogicalOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let x = try a.cast(to: .bool), y = try b.cast(to: .bool)
        let (plan, shape, count) = try binaryPlan("logical_\(op.rawValue)", x.shape, y.shape)
        let result = try Tensor(uninitializedShape: shape, dtype: .bool)
        if count == 0 { return result }
        let p = UnsafePointer(x.flagPointer), q = UnsafePointer(y.flagPointer), out = result.flagPointer
        switch op {
        case .and: runBinary(plan, p, q, out) { $0 & $1 }
        case .or: runBinary(plan, p, q, out) { $0 | $1 }
        case .xor: runBinary(plan, p, q, out) { $0 ^ $1 }
        }
        return result
    }

    /// The negated truth of each element, as a bool mask (`logical_not`).
    public static func logicalNot(_ a: Tensor) throws -> Tensor {
        var result = try a.cast(to: .bool)
        result.withMutableFlags { flags in
            for i in flags.indices { flags[i] ^= 1 }
        }
        return result
    }
}
