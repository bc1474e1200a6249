// Three patterns compiled to one graph node each. Affine expressions, `A @ B + b` and
// `A @ B + C @ D + b`, alone or inside tanh, sigmoid or relu (`relu(X @ W1 + b1)`, the RNN
// step `tanh(x @ Wx + h @ Wh + b)`): one node does in one output pass what four or five did
// with an allocation each. `sum(A * B)`, the book's losses: one node, whose backward pass
// needs no broadcast of the gradient. `relu(conv2d(...))`: conv2d's own `activation:`, one
// layer node. Each node's rules are the separate ops' on the same tensors, so values and
// gradients are the same bits. Whether the operands fit (affine: float matrices of one
// dtype, aligned, a bias of shape (n,), (1, n) or (m, n); sum: float tensors of one shape
// and dtype) is decided when the code runs; when they do not, the separate ops run and
// report what is wrong exactly as they always did.

import HebbAutodiff
import HebbSyntax
import HebbTensor

/// An affine expression as written: one or two products and the term added last.
struct AffineSource {
    struct Product {
        let left: Expr, right: Expr, span: SourceSpan
    }
    let first: Product
    let second: Product?
    /// The span of `P + Q` when there are two products.
    let productsSpan: SourceSpan?
    let bias: Expr
    /// The whole expression's span (the last `+`).
    let span: SourceSpan

    /// `P + bias` or `(P + Q) + bias` where P and Q are written `x @ y`; nil for anything
    /// else (a number added last keeps its own inline path).
    init?(_ expression: Expr) {
        guard case .binary(.add, let sum, let bias) = expression.kind else { return nil }
        if case .number = bias.kind { return nil }
        func product(_ expression: Expr) -> Product? {
            guard case .binary(.matmul, let left, let right) = expression.kind else { return nil }
            return Product(left: left, right: right, span: expression.span)
        }
        if let only = product(sum) {
            (first, second, productsSpan) = (only, nil, nil)
        } else if case .binary(.add, let p, let q) = sum.kind, let p = product(p), let q = product(q) {
            (first, second, productsSpan) = (p, q, sum.span)
        } else {
            return nil
        }
        self.bias = bias
        self.span = expression.span
    }
}

extension Compiler {
    /// The evaluated operands of an affine expression: ready for one node, or already
    /// computed by the separate ops (they did not fit, or `--check-finite` wants every op
    /// named).
    enum AffineOperands {
        case fits([Variable], Tensor.AffineForm)
        case computed(Value)
    }

    /// Code that evaluates an affine expression's operands in source order. A product
    /// that does not fit (operands that are not aligned float matrices, a second product of
    /// another shape) is computed at once, where the separate ops compute it, so errors come
    /// in their order; one that fits cannot fail, so it may wait for the node.
    func affineOperands(_ source: AffineSource) -> (Interpreter, Scope) throws -> AffineOperands {
        let firstLeft = productOperand(source.first.left), firstRight = productOperand(source.first.right)
        let firstSpan = source.first.span
        let second = source.second.map { (left: productOperand($0.left), right: productOperand($0.right), span: $0.span) }
        let productsSpan = source.productsSpan ?? firstSpan
        let biasCode = expression(source.bias)
        let span = source.span
        func add(_ interpreter: Interpreter, _ a: Value, _ b: Value, _ span: SourceSpan) throws -> Value {
            try interpreter.located(span) { try interpreter.binary(.add, a, b) }
        }
        return { interpreter, scope in
            let a = try firstLeft(interpreter, scope), b = try firstRight(interpreter, scope)
            var form = Tensor.AffineForm()
            (form.transposeA, form.transposeB) = (a.1, b.1)
            var shape: (m: Int, n: Int)? = nil
            if !interpreter.graph.checksFinite, case .tensor(let x) = a.0, case .tensor(let y) = b.0 {
                shape = Tensor.affineProductShape(x.value, y.value, a.1, b.1)
            }
            // The separate ops' value so far, once they have taken over.
            var sum: Value? = shape == nil ? try Compiler.product(interpreter, a, b, firstSpan) : nil
            var c: (Value, Bool)? = nil, d: (Value, Bool)? = nil
            if let second {
                let cValue = try second.left(interpreter, scope), dValue = try second.right(interpreter, scope)
                (c, d) = (cValue, dValue)
                if let shape, case .tensor(let first) = a.0, case .tensor(let x) = cValue.0, case .tensor(let y) = dValue.0,
                   x.dtype == first.dtype, let secondShape = Tensor.affineProductShape(x.value, y.value, cValue.1, dValue.1),
                   secondShape == shape {
                    form.hasSecondProduct = true
                    (form.transposeC, form.transposeD) = (cValue.1, dValue.1)
                } else {
                    let p = try sum ?? Compiler.product(interpreter, a, b, firstSpan)
                    sum = try add(interpreter, p, Compiler.product(interpreter, cValue, dValue, second.span), productsSpan)
                }
            }
            let bias = try biasCode(interpreter, scope)
            if sum == nil, case .tensor(let x) = a.0, case .tensor(let y) = b.0, case .tensor(let biasVariable) = bias {
                if !form.hasSecondProduct, Tensor.affineApplies(form, x.value, y.value, nil, nil, biasVariable.value) {
                    return .fits([x, y, biasVariable], form)
                }
                if form.hasSecondProduct, case .tensor(let z)? = c?.0, case .tensor(let w)? = d?.0,
                   Tensor.affineApplies(form, x.value, y.value, z.value, w.value, biasVariable.value) {
                    return .fits([x, y, z, w, biasVariable], form)
                }
            }
            // The products fit but the bias does not: the separate ops, on the operands
            // already evaluated.
            if sum == nil {
                var value = try Compiler.product(interpreter, a, b, firstSpan)
                if let second, let c, let d {
                    value = try add(interpreter, value, Compiler.product(interpreter, c, d, second.span), productsSpan)
                }
                sum = value
            }
            return .computed(try add(interpreter, sum ?? .none, bias, span))
        }
    }

    /// `A @ B + b` and `A @ B + C @ D + b` outside an activation.
    func affine(_ source: AffineSource, _ span: SourceSpan) -> ExprCode {
        let operands = affineOperands(source), productSpan = source.first.span
        return { interpreter, scope in
            switch try operands(interpreter, scope) {
            case .computed(let value): return value
            case .fits(let inputs, let form):
                return try interpreter.located(productSpan) {
                    .tensor(try Variable.apply(.affine(form), inputs, in: interpreter.graph))
                }
            }
        }
    }

    /// `f(g(...))` with g a name: when f is the builtin tanh, sigmoid or relu and g a builtin
    /// that takes the activation itself (conv2d), the call is `g(..., activation: "relu")`,
    /// one layer node; otherwise the call runs as any other (g, read once more, is a name).
    func activationOfLayer(_ function: @escaping ExprCode, _ innerCallee: Expr, _ innerArguments: [HebbSyntax.Argument],
                           _ innerSpan: SourceSpan, otherwise call: @escaping (Interpreter, Scope, Value) throws -> Value) -> ExprCode {
        let innerFunction = expression(innerCallee), arguments = CompiledArguments(innerArguments, self)
        return { interpreter, scope in
            let functionValue = try function(interpreter, scope)
            guard case .builtin(let outer) = functionValue, case .activation(let activation)? = outer.folding,
                  case .builtin(let inner) = try innerFunction(interpreter, scope), case .takesActivation? = inner.folding else {
                return try call(interpreter, scope, functionValue)
            }
            var evaluated = try arguments.evaluate(interpreter, scope)
            evaluated.labelled.append((label: "activation", value: .string(activation.rawValue)))
            return try interpreter.call(.builtin(inner), evaluated, innerSpan)
        }
    }

    /// `f(A * B)` with one unlabelled argument: when f is the builtin sum, one
    /// `Op.sumOfProduct` node for tensors of one shape and float dtype (the book's losses,
    /// `sum(h * R)`, `-sum(T * log(P))`); otherwise the product, then the call, as always.
    func sumOfProduct(_ function: @escaping ExprCode, _ left: Expr, _ right: Expr, _ productSpan: SourceSpan,
                      otherwise call: @escaping (Interpreter, Scope, Value) throws -> Value,
                      _ span: SourceSpan) -> ExprCode {
        let leftCode = expression(left), rightCode = expression(right)
        return { interpreter, scope in
            let functionValue = try function(interpreter, scope)
            guard case .builtin(let builtin) = functionValue, case .sumOfProduct? = builtin.folding else {
                return try call(interpreter, scope, functionValue)
            }
            let a = try leftCode(interpreter, scope), b = try rightCode(interpreter, scope)
            if !interpreter.graph.checksFinite, case .tensor(let x) = a, case .tensor(let y) = b,
               Tensor.sumOfProductApplies(x.value, y.value) {
                return try interpreter.located(span) { .tensor(try Variable.apply(.sumOfProduct, x, y, in: interpreter.graph)) }
            }
            let product = try interpreter.located(productSpan) { try interpreter.binary(.multiply, a, b) }
            return try interpreter.call(functionValue, Arguments(positional: [product], labelled: []), span)
        }
    }

    /// `f(A @ B + b)` with one unlabelled argument: when f is tanh, sigmoid or relu (looked
    /// up when the call runs; any name may be rebound) the activation joins the affine node;
    /// otherwise the call runs as any other (`call`, with the argument's own affine code).
    func activationOfAffine(_ function: @escaping ExprCode, _ source: AffineSource,
                            otherwise call: @escaping (Interpreter, Scope, Value) throws -> Value,
                            _ span: SourceSpan) -> ExprCode {
        let operands = affineOperands(source)
        return { interpreter, scope in
            let functionValue = try function(interpreter, scope)
            guard case .builtin(let builtin) = functionValue, case .activation(let activation)? = builtin.folding else {
                return try call(interpreter, scope, functionValue)
            }
            switch try operands(interpreter, scope) {
            case .computed(let value):
                return try interpreter.call(functionValue, Arguments(positional: [value], labelled: []), span)
            case .fits(let inputs, var form):
                form.activation = activation
                return try interpreter.located(span) {
                    .tensor(try Variable.apply(.affine(form), inputs, in: interpreter.graph))
                }
            }
        }
    }
}
