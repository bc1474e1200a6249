// Fused elementwise arithmetic: `c = a * b + a` or `v = mu * v - lr * g` as one op, one
// result and one graph node, instead of one of each per operator (as Theano fuses its
// elemwise graphs). Only when the answer cannot differ from the separate ops': the
// operands are names and number literals (reading them has no effects, so reading them all
// first changes nothing), every name holds a float tensor of one shape and dtype or a
// number, and `--check-finite` is off (it names the op that made a NaN). Anything else
// (broadcasting, masks, strings, a name not defined, an error) runs the separate ops, which
// give the answer, or the error, they always gave.

import HebbAutodiff
import HebbSyntax
import HebbTensor

extension Compiler {
    /// The fused form of a chain of two or more `+ - * /` over names and number literals
    /// (`plan`); `unfused` is the code of the separate ops.
    func fusedArithmetic(_ plan: FusionPlan, _ span: SourceSpan, unfused: @escaping ExprCode) -> ExprCode {
        let program = plan.program
        // The common cases: one or two tensors in this function's variables or globals, no
        // number-valued names. No arrays (a closure kept in an array is called through a
        // reabstraction thunk) and no optional closures (unwrapping one is a retain and a
        // release of its context). The operands are read unretained: their variables keep
        // them, and nothing from the read to the end of the op runs code that could rebind a
        // name (reads, the kernel, the node; on any other value, the separate ops, which
        // only read names too).
        let resolved = plan.names.map { context.resolve($0, globals: globals) }
        if resolved.count == 1, let tensor = readTensor(resolved[0]) {
            return { interpreter, scope in
                guard !interpreter.graph.checksFinite, let operand = tensor(interpreter, scope) else {
                    return try unfused(interpreter, scope)
                }
                return try operand._withUnsafeGuaranteedRef { a in
                    guard a.dtype != .bool else { return try unfused(interpreter, scope) }
                    return .tensor(try interpreter.located(span) { try Variable.apply(program, a, in: interpreter.graph) })
                }
            }
        }
        if resolved.count == 2, let firstTensor = readTensor(resolved[0]), let secondTensor = readTensor(resolved[1]) {
            let first = read(resolved[0]), second = read(resolved[1])
            return { interpreter, scope in
                guard !interpreter.graph.checksFinite, let firstOperand = firstTensor(interpreter, scope),
                      let secondOperand = secondTensor(interpreter, scope) else { return try mixed(interpreter, scope) }
                return try firstOperand._withUnsafeGuaranteedRef { a in
                    try secondOperand._withUnsafeGuaranteedRef { b in
                        guard a.dtype == b.dtype, a.dtype != .bool, a.value.shape == b.value.shape else {
                            return try unfused(interpreter, scope)  // two tensors that do not fuse
                        }
                        return .tensor(try interpreter.located(span) { try Variable.apply(program, a, b, in: interpreter.graph) })
                    }
                }
            }
            // Off the tensor-tensor path: a tensor and a number run as the program with the
            // number as a constant (as the general path below does); anything else, separately.
            func mixed(_ interpreter: Interpreter, _ scope: Scope) throws -> Value {
                guard !interpreter.graph.checksFinite,
                      let a = try? first(interpreter, scope), let b = try? second(interpreter, scope),
                      a.isTensor != b.isTensor,   // numbers alone (scalar code) go straight to the separate ops
                      let (oneInput, inputs) = plan.specialized([a, b]) else { return try unfused(interpreter, scope) }
                return .tensor(try interpreter.located(span) { try Variable.apply(oneInput, inputs[0], in: interpreter.graph) })
            }
        }
        let reads = resolved.map(read)
        return { interpreter, scope in
            guard !interpreter.graph.checksFinite,
                  let values = try? reads.map({ try $0(interpreter, scope) }),
                  let (program, inputs) = plan.specialized(values) else { return try unfused(interpreter, scope) }
            return .tensor(try interpreter.located(span) {
                switch inputs.count {
                case 1: try Variable.apply(program, inputs[0], in: interpreter.graph)
                case 2: try Variable.apply(program, inputs[0], inputs[1], in: interpreter.graph)
                default: try Variable.apply(.elementwise(program), inputs, in: interpreter.graph)
                }
            })
        }
    }
}

/// An expression tree of `+ - * /` as the steps of a `Tensor.ElementwiseProgram`, with one
/// input per distinct name.
struct FusionPlan {
    typealias Operand = Tensor.ElementwiseProgram.Operand
    typealias Step = Tensor.ElementwiseProgram.Step

    /// The distinct names, in the program's input order: the order in which a graph of the
    /// separate ops would have its operands' own histories visited by the backward pass
    /// (right to left, by first visit) reversed, because the pass visits a node's inputs
    /// last to first. So the fused graph's nodes are ordered as the separate ops' were, and
    /// gradients sum their parts in the same order.
    let names: [Identifier]
    /// Steps in evaluation order; name `i` is `.input(i)`.
    let steps: [Step]
    /// The program when every name holds a tensor.
    let program: Tensor.ElementwiseProgram

    /// The most operators one program takes. Each operator of a longer chain would plan its
    /// own subtree again (the separate ops' code fuses its operands where it can), so the
    /// planning of a chain of n operators costs n times this, not n².
    static let maximumOperators = 64

    init?(_ expression: Expr) {
        var visited: [Identifier] = []
        let operators = FusionPlan.operatorCount(expression, names: &visited)
        guard operators >= 2 && operators <= FusionPlan.maximumOperators else { return nil }
        let names = Array(visited.reversed())
        var steps: [Step] = []
        func emit(_ expression: Expr) -> Operand? {
            switch expression.kind {
            case .name(let name):
                return names.firstIndex { $0.symbol == name.symbol }.map { .input($0) }
            case .number(let value):
                return .constant(value)
            case .binary(let op, let left, let right):
                guard let op = FusionPlan.tensorOp(op), let l = emit(left), let r = emit(right) else { return nil }
                steps.append(Step(op, l, r))
                return .step(steps.count - 1)
            default:
                return nil
            }
        }
        // No program: a step of two literals (`a * (2 * 3)`), which no values of the names
        // would make valid; the separate ops fold it.
        guard emit(expression) != nil,
              let program = Tensor.ElementwiseProgram(steps: steps, inputCount: names.count) else { return nil }
        self.names = names
        self.steps = steps
        self.program = program
    }

    /// The number of operators, or 0 when something other than `+ - * /`, a name or a
    /// number literal appears; collects the names right to left, each at its first visit.
    /// Leaves are names and literals only, and this matters beyond fusion: the fused code
    /// reads its operands unretained, which is safe because evaluating such an expression
    /// (fused or as the separate ops) runs no user code. A new kind of leaf (a call, an index,
    /// a field) must not be admitted without reading its operands retained.
    private static func operatorCount(_ expression: Expr, names: inout [Identifier]) -> Int {
        switch expression.kind {
        case .name(let name):
            if !names.contains(where: { $0.symbol == name.symbol }) { names.append(name) }
            return 0
        case .number:
            return 0
        case .binary(let op, let left, let right):
            guard tensorOp(op) != nil else { return 0 }
            let right = operatorCount(right, names: &names)
            let rightOK = right > 0 || isLeaf(expression, side: .right)
            let left = operatorCount(left, names: &names)
            let leftOK = left > 0 || isLeaf(expression, side: .left)
            return leftOK && rightOK ? 1 + left + right : 0
        default:
            return 0
        }
    }

    private enum Side { case left, right }

    private static func isLeaf(_ expression: Expr, side: Side) -> Bool {
        guard case .binary(_, let left, let right) = expression.kind else { return false }
        switch (side == .left ? left : right).kind {
        case .name, .number: return true
        default: return false
        }
    }

    private static func tensorOp(_ op: BinaryOperator) -> Tensor.BinaryOp? {
        switch op {
        case .add: return .add
        case .subtract: return .sub
        case .multiply: return .mul
        case .divide: return .div
        default: return nil
        }
    }

    /// The program and its inputs for these values of the names: numbers become constants
    /// (as the separate ops take them); nil unless the rest are float tensors of one shape
    /// and dtype, at least one, and no step is left with two constants.
    func specialized(_ values: [Value]) -> (Tensor.ElementwiseProgram, [Variable])? {
        var inputs: [Variable] = []
        var operandOfName: [Operand] = []
        for value in values {
            switch value {
            case .tensor(let variable):
                if let first = inputs.first {
                    guard variable.dtype == first.dtype, variable.value.shape == first.value.shape else { return nil }
                } else if variable.dtype == .bool {
                    return nil
                }
                operandOfName.append(.input(inputs.count))
                inputs.append(variable)
            case .number(let number):
                operandOfName.append(.constant(number))
            default:
                return nil
            }
        }
        func substituted(_ operand: Operand) -> Operand {
            if case .input(let k) = operand { return operandOfName[k] }
            return operand
        }
        let program = Tensor.ElementwiseProgram(steps: steps.map { Step($0.op, substituted($0.left), substituted($0.right)) },
                                                inputCount: inputs.count)
        guard let program, !inputs.isEmpty else { return nil }
        return (program, inputs)
    }
}
