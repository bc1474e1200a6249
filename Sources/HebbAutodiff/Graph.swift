import HebbTensor
import Synchronization

/// A finite-value check that names the first op producing NaN or Inf
/// (`hebb run --check-finite`). Off by default: it costs a pass over every result. Each
/// session's graph context has its own switch (`GraphContext.checksFinite`); this is the
/// default new contexts start from, which the command line sets.
public enum FiniteCheck {
    private static let enabledFlag = Atomic<Bool>(false)
    public static var isEnabled: Bool {
        get { enabledFlag.load(ordering: .relaxed) }
        set { enabledFlag.store(newValue, ordering: .relaxed) }
    }
}

extension Variable {
    /// Applies a primitive op, recording it in the graph when recording is on.
    public static func apply(_ op: Op, _ inputs: [Variable]) throws -> Variable {
        try apply(op, inputs, in: GraphContext.current)
    }

    /// The same in a context the caller holds.
    public static func apply(_ op: Op, _ inputs: [Variable], in context: GraphContext) throws -> Variable {
        let (output, saved) = try op.forward(inputs.map(\.value))
        if context.checksFinite { try checkFinite(output, op) }
        guard context.recording else { return Variable(output, in: context) }
        for input in inputs { input.freeStaleHistory(context) }
        let node = op.gradientReadsOnlyOperandShape && inputs.count == 1 && !inputs[0].hasHistory
            ? Variable(value: output, op: op, weakLeafOperand: inputs[0], context: context)
            : Variable(value: output, op: op, inputs: inputs, context: context)
        if let saved { node.keep(saved: saved) }
        context.countRecorded(bytes: output.count &* output.dtype.byteSize)  // after: the node belongs to the closing window
        return node
    }

    /// One- and two-operand fast path (no input array on the hot path), in the calling
    /// thread's context.
    public static func apply(_ op: Op, _ a: Variable, _ b: Variable? = nil) throws -> Variable {
        try apply(op, a, b, in: GraphContext.current)
    }

    /// The same in a context the caller holds (the interpreter passes its session's), so the
    /// per-op path does no thread-local lookup.
    public static func apply(_ op: Op, _ a: Variable, _ b: Variable?, in context: GraphContext) throws -> Variable {
        switch op {
        case .binary(let binary):
            guard let b else { throw TensorError("\(op.name): missing operand") }
            return try apply(binary, a, b, in: context)
        case .scalarBinary(let binary, let s, let left):
            return try apply(binary, a, scalar: s, scalarOnLeft: left, in: context)
        case .unary(let unary):
            return try apply(unary, a, in: context)
        default:
            return try apply(op, b.map { [a, $0] } ?? [a], in: context)
        }
    }

    // The elementwise ops, the interpreter's per-op path: operands passed as they are (an
    // optional operand, bound to a local, cost a retain and release of it and its tensor).

    /// `a op b`, elementwise with broadcasting.
    public static func apply(_ op: Tensor.BinaryOp, _ a: Variable, _ b: Variable, in context: GraphContext) throws -> Variable {
        try record(Tensor.binary(op, a.value, b.value), .binary(op), a, b, in: context)
    }

    /// `a op s` (or `s op a`) for a constant `s`.
    public static func apply(_ op: Tensor.BinaryOp, _ a: Variable, scalar: Double, scalarOnLeft: Bool,
                             in context: GraphContext) throws -> Variable {
        let output = scalarOnLeft ? Tensor.binary(op, scalar: scalar, a.value) : Tensor.binary(op, a.value, scalar: scalar)
        return try record(output, .scalarBinary(op, scalar: scalar, scalarOnLeft: scalarOnLeft), a, nil, in: context)
    }

    /// `op(a)`, elementwise.
    public static func apply(_ op: Tensor.UnaryOp, _ a: Variable, in context: GraphContext) throws -> Variable {
        try record(Tensor.unary(op, a.value), .unary(op), a, nil, in: context)
    }

    /// A fused chain of elementwise arithmetic over two tensors.
    public static func apply(_ program: Tensor.ElementwiseProgram, _ a: Variable, _ b: Variable,
                             in context: GraphContext) throws -> Variable {
        try record(Tensor.elementwise(program, a.value, b.value), .elementwise(program), a, b, in: context)
    }

    /// A fused chain of elementwise arithmetic over one tensor.
    public static func apply(_ program: Tensor.ElementwiseProgram, _ a: Variable, in context: GraphContext) throws -> Variable {
        try record(Tensor.elementwise(program, a.value), .elementwise(program), a, nil, in: context)
    }

    /// The node of a result computed by an op of one or two operands.
    @inline(__always)
    private static func record(_ output: Tensor, _ op: Op, _ a: Variable, _ b: Variable?,
                               in context: GraphContext) throws -> Variable {
        if context.checksFinite { try checkFinite(output, op) }
        guard context.recording else { return Variable(output, in: context) }
        a.freeStaleHistory(context)
        b?.freeStaleHistory(context)
        let node = Variable(value: output, op: op, a, b, context: context)
        context.countRecorded(bytes: node.value.storage.byteCount)  // after: the node belongs to the closing window
        return node
    }

    private static func checkFinite(_ output: borrowing Tensor, _ op: Op) throws {
        for index in 0..<output.count where !output.element(index).isFinite {
            let value = output.element(index)
            throw TensorError("\(op.name) produced \(value.isNaN ? "nan" : "\(value)") (--check-finite)")  // not "-nan"
        }
    }
}

/// Numbers backward passes, so each can mark the nodes it visited; atomic because sessions
/// on different threads take gradients at the same time.
private let passCounter = Atomic<Int>(0)

extension Variable {
    /// Reverse-mode gradients of a scalar `cost` with respect to each target, in order.
    /// Only nodes on a path from a target to the cost are visited, so the gradient of the
    /// data (`X`) is never computed unless asked for. A target the cost does not reach is an
    /// error (Theano's DisconnectedInputError) saying why, unless `allowUnused`, when it
    /// gets zeros. `targetNames` name the targets in messages (`wrt[i]` when missing).
    public static func gradients(of cost: Variable, withRespectTo targets: [Variable],
                                 allowUnused: Bool = false, targetNames: [String] = []) throws -> [Tensor] {
        guard cost.value.count == 1 else {
            throw TensorError("grad: the cost must be a scalar, but it has shape \(Tensor.describe(cost.shape)); reduce it with sum() or mean()")
        }
        if let release = cost.releasedHistory {
            throw TensorError("grad: this cost has no history left: " + release.explanation(of: "it", limit: GraphContext.current.historyLimit))
        }
        GraphContext.current.beginGradWindow()
        let (order, generation) = topologicalOrder(from: cost)
        if !allowUnused {
            try checkConnected(targets, of: cost, generation: generation, order: order, names: targetNames)
        }
        let relevant = relevance(of: order, generation: generation, targets: targets)

        var grads = [Tensor?](repeating: nil, count: order.count)
        grads[order.count - 1] = try Tensor(shape: cost.shape, repeating: 1, dtype: cost.dtype)
        let pass = BackwardPass()
        for index in stride(from: order.count - 1, through: 0, by: -1) {
            try Cancellation.check()   // per node: a long unrolled loop's backward pass stops on Ctrl-C
            try TensorLimits.throwIfOverLimit()   // and one past the memory limit stops at that node
            let node = order[index]
            guard let op = node.op, let g = grads[index] else { continue }
            if case .elementwise(let program) = op {   // its parts in the separate ops' order
                let inputs = node.inputs
                let needed = inputs.map { relevant[$0.orderIndex] }
                if needed.contains(true) {
                    try Op.elementwiseGradients(program, inputs.map(\.value), grad: g, needed: needed) { k, gk in
                        try accumulate(gk, into: &grads[inputs[k].orderIndex])
                    }
                }
            } else if let (a, b) = node.operandPair {   // most nodes: no arrays
                let needA = relevant[a.orderIndex], needB = b.map { relevant[$0.orderIndex] } ?? false
                if needA || needB {
                    let (ga, gb) = try op.backward(a.value, b?.value, output: node.value, grad: g, saved: node.saved,
                                                   needA: needA, needB: needB, pass: pass)
                    if needA, let ga { try accumulate(ga, into: &grads[a.orderIndex]) }
                    if needB, let b, let gb { try accumulate(gb, into: &grads[b.orderIndex]) }
                }
            } else {
                let inputs = node.inputs
                let needed = inputs.map { relevant[$0.orderIndex] }
                if needed.contains(true) {
                    let inputGrads = try op.backward(inputs: inputs.map(\.value), output: node.value, grad: g,
                                                     saved: node.saved, needed: needed, pass: pass)
                    for (input, inputGrad) in zip(inputs, inputGrads) {
                        guard let inputGrad, relevant[input.orderIndex] else { continue }
                        try accumulate(inputGrad, into: &grads[input.orderIndex])
                    }
                }
            }
            if !targets.contains(where: { $0 === node }) { grads[index] = nil }  // free early
        }
        return try targets.map { target in
            if target.visitGeneration == generation, let g = grads[target.orderIndex] { return g }
            return try Tensor.zeros(target.shape, dtype: target.dtype)
        }
    }

    /// Adds one path's gradient to what a node has received so far: in place when nothing
    /// else holds the running sum (the same bits as a fresh sum either way).
    @inline(__always)
    private static func accumulate(_ gradient: Tensor, into total: inout Tensor?) throws {
        guard var existing = total.take() else {
            total = gradient
            return
        }
        if !Tensor.addInPlace(&existing, gradient) {
            existing = try Tensor.binary(.add, existing, gradient)
        }
        total = existing
    }

    /// Throws for the first target the cost's graph does not contain, with the likely cause:
    /// history released on the way (by an earlier `grad` or by the history limit), or a
    /// target that was never used, typically because it was reassigned after the cost was
    /// computed (a cost computed once before a training loop).
    private static func checkConnected(_ targets: [Variable], of cost: Variable, generation: Int, order: [Variable],
                                       names: [String]) throws {
        for (index, target) in targets.enumerated() where target.visitGeneration != generation {
            let name = index < names.count ? names[index] : "wrt[\(index)]"
            let released = order.lazy.compactMap(\.releasedHistory)
            let cause: String
            if !cost.hasHistory {
                cause = "the cost has no recorded history (it was computed inside no_grad(...) or from constants), "
                    + "so it does not depend on \(name); compute it outside no_grad"
            } else if let release = released.first(where: { $0 == .byGrad }) ?? released.first {
                cause = "the cost reaches \(name) only through history that was released: " + release.explanation(of: "a value it uses", limit: GraphContext.current.historyLimit)
            } else {
                cause = "the cost does not depend on \(name). If \(name) was updated after the cost was computed "
                    + "(a cost computed once before a loop, then `\(name) -= lr * g`), compute the cost again after each update, "
                    + "inside the loop; if \(name) is unused on purpose, write grad(..., allow_unused: true) to get zeros for it"
            }
            throw TensorError("grad: " + cause)
        }
    }

    /// Nodes reachable from `cost`, inputs before outputs (iterative: no recursion depth
    /// limit for long unrolled loops). Sets each node's `orderIndex`, and marks the visited
    /// nodes with a fresh generation number, returned (no hashing of node identities).
    static func topologicalOrder(from cost: Variable) -> (order: [Variable], generation: Int) {
        let generation = passCounter.wrappingAdd(1, ordering: .relaxed).newValue
        var order: [Variable] = []
        var stack: [(node: Variable, expanded: Bool)] = [(cost, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                node.orderIndex = order.count
                order.append(node)
                continue
            }
            if node.visitGeneration == generation { continue }
            node.visitGeneration = generation
            stack.append((node, true))
            node.forEachInput { input in
                if input.visitGeneration != generation { stack.append((input, false)) }
            }
        }
        return (order, generation)
    }

    /// For each node in `order`: does a target lie at or below it? Only those nodes pass
    /// gradients on.
    private static func relevance(of order: [Variable], generation: Int, targets: [Variable]) -> [Bool] {
        var relevant = [Bool](repeating: false, count: order.count)
        for (index, node) in order.enumerated() {
            var reachesTarget = targets.contains { $0 === node }
            node.forEachInput { input in reachesTarget = reachesTarget || relevant[input.orderIndex] }
            relevant[index] = reachesTarget
        }
        return relevant
    }
}

/// What one backward pass keeps between nodes: transposed copies of the small matrices it
/// multiplies by transposed more than once. An unrolled RNN's gradient takes G Whᵀ at every
/// step; OpenBLAS sends that product (row-major A·Bᵀ) to its packing kernel, which on 32×64
/// times 64×64 took 7.4–8.8 µs against 5.1 for the plain product with Whᵀ stored
/// (float64; 5.2–6.0 against 3.4 in float32). The first use keeps BLAS's transposed
/// product, so a matrix used once (an MLP's weights) costs nothing more.
final class BackwardPass {
    /// Matrices up to this many elements are worth a copy (the packing kernel's overhead
    /// is what the copy saves; large products amortize it).
    static let maxTransposedElements = 1 << 16

    private struct Key: Hashable {
        let storage: ObjectIdentifier
        let shape: [Int]
    }
    /// Uses so far, and the copies; each with the storage it is keyed by kept alive, so
    /// its identity is not reused by another tensor during the pass.
    private var uses: [Key: (source: TensorStorage, count: Int)] = [:]
    private var copies: [Key: (source: TensorStorage, transposed: Tensor)] = [:]

    /// Bᵀ stored, when this matrix was already multiplied by transposed in this pass; nil
    /// the first time (and for a large or non-matrix operand).
    func reusedTranspose(of matrix: Tensor) throws -> Tensor? {
        guard matrix.rank == 2, matrix.count <= Self.maxTransposedElements else { return nil }
        let key = Key(storage: ObjectIdentifier(matrix.storage), shape: matrix.shape)
        if let copy = copies[key] { return copy.transposed }
        let count = (uses[key]?.count ?? 0) + 1
        uses[key] = (matrix.storage, count)
        guard count >= 2 else { return nil }
        let transposed = try Tensor.transpose(matrix, axes: nil)
        copies[key] = (matrix.storage, transposed)
        return transposed
    }
}
