// A fused chain of elementwise arithmetic (`a * b + a`, `mu * v - lr * g`): one result, one
// pass over the operands, instead of one tensor (and one graph node) per operator.
//
// The arithmetic is that of the separate ops, element for element: each step does on a
// chunk of the operands the IEEE operation `Tensor.binary`'s kernel does on the whole, so a
// fused expression gives the same bits as the ops one at a time (nothing is contracted into
// a fused multiply-add, constants are converted to the dtype as the separate op converts
// them).

extension Tensor {
    /// Steps of `+ - * /` over inputs of one shape and dtype and constants; the last step's
    /// value is the result. Every step has at least one operand that is not a constant, and
    /// every step but the last is the operand of exactly one later step (a tree).
    public struct ElementwiseProgram: Sendable, Equatable {
        public enum Operand: Sendable, Equatable {
            case input(Int)
            case step(Int)
            case constant(Double)
        }

        public struct Step: Sendable, Equatable {
            public var op: BinaryOp
            public var left: Operand
            public var right: Operand

            public init(_ op: BinaryOp, _ left: Operand, _ right: Operand) {
                self.op = op
                self.left = left
                self.right = right
            }
        }

        public let steps: [Step]
        public let inputCount: Int

        /// Nil unless the program is well formed: fusible ops, operands in range, each step
        /// but the last used once by a later step, no step of two constants. Checked here,
        /// once, so that running a program checks nothing but its operands.
        public init?(steps: [Step], inputCount: Int) {
            guard !steps.isEmpty else { return nil }
            var uses = [Int](repeating: 0, count: steps.count)
            for (index, step) in steps.enumerated() {
                guard Self.canFuse(step.op) else { return nil }
                var variableOperands = 0
                for operand in [step.left, step.right] {
                    switch operand {
                    case .input(let k):
                        guard k >= 0 && k < inputCount else { return nil }
                        variableOperands += 1
                    case .step(let j):
                        guard j >= 0 && j < index else { return nil }
                        uses[j] += 1
                        variableOperands += 1
                    case .constant:
                        break
                    }
                }
                guard variableOperands > 0 else { return nil }
            }
            guard uses.dropLast().allSatisfy({ $0 == 1 }) && uses[steps.count - 1] == 0 else { return nil }
            self.steps = steps
            self.inputCount = inputCount
        }

        /// The ops a program may use: the ones whose fused result is the separate ops' result
        /// bit for bit (`pow` has a special case for squares; comparisons change the dtype).
        public static func canFuse(_ op: BinaryOp) -> Bool {
            switch op {
            case .add, .sub, .mul, .div: return true
            default: return false
            }
        }
    }

    /// Elements per chunk: each step's chunk of intermediate values stays in L1.
    static let elementwiseChunk = 512

    /// Runs `program` on `inputs` (all of one shape and a floating dtype).
    public static func elementwise(_ program: ElementwiseProgram, _ inputs: [Tensor]) throws -> Tensor {
        guard inputs.count == program.inputCount, let first = inputs.first else {
            throw TensorError("elementwise: the program takes \(program.inputCount) operands, got \(inputs.count)")
        }
        for input in inputs.dropFirst() { try checkFusible(first, input) }
        let result = try fusedResult(like: first)
        switch first.dtype {
        case .float64: runElementwise(program, inputs, result.pointer(Double.self))
        case .float32: runElementwise(program, inputs, result.pointer(Float.self))
        case .bool: break  // refused by fusedResult
        }
        return result
    }

    /// The same for a program of two inputs, with no array (the interpreter's path; the
    /// operands are borrowed, not copied: a copy of a tensor is two retains and releases,
    /// more than a 4×4 step's arithmetic).
    public static func elementwise(_ program: ElementwiseProgram, _ a: borrowing Tensor, _ b: borrowing Tensor) throws -> Tensor {
        guard program.inputCount == 2 else {
            throw TensorError("elementwise: the program takes \(program.inputCount) operands, got 2")
        }
        try checkFusible(a, b)
        let count = a.count
        let result = try fusedResult(like: a, count: count)
        switch a.dtype {
        case .float64: runElementwise(program, count, a.pointer(Double.self), b.pointer(Double.self), result.pointer(Double.self))
        case .float32: runElementwise(program, count, a.pointer(Float.self), b.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // refused by fusedResult
        }
        return result
    }

    /// The same for a program of one input.
    public static func elementwise(_ program: ElementwiseProgram, _ a: borrowing Tensor) throws -> Tensor {
        guard program.inputCount == 1 else {
            throw TensorError("elementwise: the program takes \(program.inputCount) operands, got 1")
        }
        let count = a.count
        let result = try fusedResult(like: a, count: count)
        switch a.dtype {
        case .float64: runElementwise(program, count, a.pointer(Double.self), nil, result.pointer(Double.self))
        case .float32: runElementwise(program, count, a.pointer(Float.self), nil, result.pointer(Float.self))
        case .bool: break  // refused by fusedResult
        }
        return result
    }

    private static func checkFusible(_ first: borrowing Tensor, _ other: borrowing Tensor) throws {
        guard other.shape != first.shape || other.dtype != first.dtype else { return }
        throw TensorError("elementwise: operands of shapes \(describe(first.shape)) and \(describe(other.shape)) "
            + "(\(first.dtype), \(other.dtype)); a fused expression needs one shape and dtype")
    }

    private static func fusedResult(like first: borrowing Tensor, count: Int? = nil) throws -> Tensor {
        guard first.dtype != .bool else { throw TensorError("elementwise: a fused expression needs float operands, not bool") }
        return Tensor(validShape: first.shape, dtype: first.dtype, count: count ?? first.count)
    }

    /// Takes each input's address once, into a list on the stack.
    private static func runElementwise<T: TensorScalar>(_ program: ElementwiseProgram, _ inputs: [Tensor],
                                                        _ output: UnsafeMutablePointer<T>) {
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: inputs.count) { addresses in
            for (k, input) in inputs.enumerated() { addresses.initializeElement(at: k, to: UnsafePointer(input.pointer(T.self))) }
            runElementwise(program, inputs[0].count, output, UnsafeBufferPointer(addresses))
        }
    }

    private static func runElementwise<T: TensorScalar>(_ program: ElementwiseProgram, _ count: Int, _ a: UnsafeMutablePointer<T>,
                                                        _ b: UnsafeMutablePointer<T>?, _ output: UnsafeMutablePointer<T>) {
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: 2) { addresses in
            addresses.initializeElement(at: 0, to: UnsafePointer(a))
            addresses.initializeElement(at: 1, to: UnsafePointer(b ?? a))
            runElementwise(program, count, output, UnsafeBufferPointer(addresses))
        }
    }

    private static func runElementwise<T: TensorScalar>(_ program: ElementwiseProgram, _ count: Int,
                                                        _ output: UnsafeMutablePointer<T>,
                                                        _ inputs: UnsafeBufferPointer<UnsafePointer<T>>) {
        let chunk = Swift.min(count, elementwiseChunk)
        program.steps.withUnsafeBufferPointer { steps in
            let last = steps.count - 1
            // On the stack (a few KiB), so a tiny tensor's expression allocates nothing but
            // its result: one chunk of values per step but the last, which writes the
            // result, then each step's two constants in the dtype, converted as
            // `Tensor.binary(_:_:scalar:)` converts them.
            withUnsafeTemporaryAllocation(of: T.self, capacity: chunk * last + 2 * steps.count) { buffer in
                guard let scratch = buffer.baseAddress else { return }
                let constants = scratch + chunk * last
                for index in 0..<steps.count {
                    if case .constant(let c) = steps[index].left { constants[2 * index] = T(c) }
                    if case .constant(let c) = steps[index].right { constants[2 * index + 1] = T(c) }
                }
                /// An operand's elements from `start` on, and their stride (0 for a constant).
                func operand(_ operand: ElementwiseProgram.Operand, _ slot: Int, _ start: Int) -> (UnsafePointer<T>, Int) {
                    switch operand {
                    case .input(let k): return (inputs[k] + start, 1)
                    case .step(let j): return (UnsafePointer(scratch + j * chunk), 1)
                    case .constant: return (UnsafePointer(constants + slot), 0)
                    }
                }
                var start = 0
                while start < count {
                    let n = Swift.min(chunk, count - start)
                    for index in 0..<steps.count {
                        let step = steps[index]
                        let (a, strideA) = operand(step.left, 2 * index, start)
                        let (b, strideB) = operand(step.right, 2 * index + 1, start)
                        fusedStep(step.op, n, a, strideA, b, strideB, index == last ? output + start : scratch + index * chunk)
                    }
                    start += n
                }
            }
        }
    }

    /// One step on one chunk: `a op b` elementwise, where a stride of 0 repeats a constant.
    /// The same IEEE operations as the separate ops' kernels (`binaryKernel`), so the same
    /// bits; inlined here so a tiny tensor's step is a short loop, not a dispatch.
    @inline(__always)
    private static func fusedStep<T: TensorScalar>(_ op: BinaryOp, _ n: Int, _ a: UnsafePointer<T>, _ strideA: Int,
                                                   _ b: UnsafePointer<T>, _ strideB: Int, _ out: UnsafeMutablePointer<T>) {
        switch (op, strideA, strideB) {
        case (.add, 1, 1): for i in 0..<n { out[i] = a[i] + b[i] }
        case (.add, 1, _): let s = b[0]; for i in 0..<n { out[i] = a[i] + s }
        case (.add, _, _): let s = a[0]; for i in 0..<n { out[i] = s + b[i] }
        case (.sub, 1, 1): for i in 0..<n { out[i] = a[i] - b[i] }
        case (.sub, 1, _): let s = b[0]; for i in 0..<n { out[i] = a[i] - s }
        case (.sub, _, _): let s = a[0]; for i in 0..<n { out[i] = s - b[i] }
        case (.mul, 1, 1): for i in 0..<n { out[i] = a[i] * b[i] }
        case (.mul, 1, _): let s = b[0]; for i in 0..<n { out[i] = a[i] * s }
        case (.mul, _, _): let s = a[0]; for i in 0..<n { out[i] = s * b[i] }
        case (.div, 1, 1): for i in 0..<n { out[i] = a[i] / b[i] }
        case (.div, 1, _): let s = b[0]; for i in 0..<n { out[i] = a[i] / s }
        case (.div, _, _): let s = a[0]; for i in 0..<n { out[i] = s / b[i] }
        default:  // not reached: a program's init admits only the four (`canFuse`)
            let plan: BinaryPlan = strideA == 0 ? .scalarLeft(count: n) : (strideB == 0 ? .scalarRight(count: n) : .same(count: n))
            binaryKernel(op, plan, a, b, UnsafeMutableRawPointer(out))
        }
    }
}
