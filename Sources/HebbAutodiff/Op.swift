import HebbTensor

/// The primitive ops of Hebb: everything differentiable is built from these. Each case has
/// its kernel in `forward` and its gradient rule in `backward`, both exhaustive switches
/// with no `default`, so a new op does not build until it has both. Composite functions
/// (cross-entropy, losses, optimizers) are written in Hebb on top of these.
public enum Op {
    case binary(Tensor.BinaryOp)
    /// `tensor op scalar` (or `scalar op tensor` when `scalarOnLeft`); the scalar is a constant.
    case scalarBinary(Tensor.BinaryOp, scalar: Double, scalarOnLeft: Bool)
    case unary(Tensor.UnaryOp)
    /// A chain of `+ - * /` over operands of one shape (`a * b + a`) in one node: the
    /// numbers, and the gradients, of the separate ops (see `Tensor.ElementwiseProgram`).
    case elementwise(Tensor.ElementwiseProgram)
    case matmul(transposeA: Bool, transposeB: Bool)
    /// `act(A @ B + bias)` or `act(A @ B + C @ D + bias)` in one node (a layer, an RNN step):
    /// the operands are [A, B, bias] or [A, B, C, D, bias]; the numbers are those of the
    /// separate ops (see `Tensor.AffineForm`).
    case affine(Tensor.AffineForm)
    /// `sum(a * b)` over all elements for operands of one shape: one node whose gradients
    /// are `g b` and `g a`, with no broadcast of g in between.
    case sumOfProduct
    case transpose(axes: [Int]?)
    case reshape([Int])
    case broadcast([Int])
    case reduce(Tensor.ReduceOp, axis: Int?, keepDims: Bool)
    case slice([Tensor.IndexSpec])
    /// `x[mask]` for a bool mask (the second input, which gets no gradient): the elements, or
    /// leading-axis rows, where the mask is true.
    case maskSelect
    case concat(axis: Int)
    case stack(axis: Int)
    case softmax(axis: Int)
    case logSoftmax(axis: Int)
    /// `where(mask, a, b)`: the mask is the first input and gets no gradient.
    case select
    case cast(DType)
    /// Cross-correlation with a stride per axis and zero padding per side.
    case conv2d(ConvLayout)
    /// A convolution layer in one node: `act(conv2d(x, w) + bias)` with inputs [x, w] or
    /// [x, w, bias]; the numbers of the separate ops (see `Tensor.conv2d(_:_:layout:bias:activation:)`).
    case convolutionLayer(ConvLayout, activation: Tensor.UnaryOp?)
    case maxPool2d(size: Int, stride: Int)
    case avgPool2d(size: Int, stride: Int)
    /// A border of the constant `value` around each axis (NumPy's np.pad, mode "constant").
    case pad([Tensor.PadWidth], value: Double)
    /// Stops gradients: the value passes through, the gradient is zero.
    case detach

    /// Short name for error messages and `--check-finite` reports.
    public var name: String {
        switch self {
        case .binary(let op): return "\(op)"
        case .scalarBinary(let op, _, _): return "\(op)"
        case .unary(let op): return "\(op)"
        case .elementwise: return "elementwise"
        case .matmul: return "matmul"
        case .affine: return "affine"
        case .sumOfProduct: return "sum_of_product"
        case .transpose: return "transpose"
        case .reshape: return "reshape"
        case .broadcast: return "broadcast"
        case .reduce(let op, _, _): return "\(op)"
        case .slice: return "index"
        case .maskSelect: return "mask_select"
        case .concat: return "concat"
        case .stack: return "stack"
        case .softmax: return "softmax"
        case .logSoftmax: return "log_softmax"
        case .select: return "where"
        case .cast: return "cast"
        case .conv2d: return "conv2d"
        case .convolutionLayer: return "conv2d"
        case .maxPool2d: return "max_pool2d"
        case .avgPool2d: return "avg_pool2d"
        case .pad: return "pad"
        case .detach: return "detach"
        }
    }
}

extension Op {
    /// One-operand ops whose gradient rule reads the operand's shape and dtype, never its
    /// elements: a node of one holds a leaf operand weakly (`Variable.weakLeafOperand`).
    var gradientReadsOnlyOperandShape: Bool {
        switch self {
        case .slice, .cast, .reshape, .transpose, .broadcast, .pad: return true
        default: return false
        }
    }
}

// MARK: - Kernels

extension Op {
    /// Computes the op on tensors. `saved` returns data the backward rule needs that is not
    /// an input or the output (max-pooling's argmax).
    func forward(_ x: [Tensor]) throws -> (output: Tensor, saved: [Int32]?) {
        switch self {
        case .binary(let op): return (try Tensor.binary(op, x[0], x[1]), nil)
        case .scalarBinary(let op, let s, let left):
            return (left ? Tensor.binary(op, scalar: s, x[0]) : Tensor.binary(op, x[0], scalar: s), nil)
        case .unary(let op): return (Tensor.unary(op, x[0]), nil)
        case .elementwise(let program): return (try Tensor.elementwise(program, x), nil)
        case .matmul(let ta, let tb): return (try Tensor.matmul(x[0], x[1], transposeA: ta, transposeB: tb), nil)
        case .affine(let form): return (try Tensor.affine(form, x), nil)
        case .sumOfProduct: return (try Tensor.sumOfProduct(x[0], x[1]), nil)
        case .transpose(let axes): return (try Tensor.transpose(x[0], axes: axes), nil)
        case .reshape(let shape): return (try x[0].reshaped(shape), nil)
        case .broadcast(let shape): return (try Tensor.broadcast(x[0], to: shape), nil)
        case .reduce(let op, let axis, let keep): return (try Tensor.reduce(op, x[0], axis: axis, keepDims: keep), nil)
        case .slice(let specs): return (try Tensor.slice(x[0], specs), nil)
        case .maskSelect: return (try Tensor.maskSelect(x[0], x[1]), nil)
        case .concat(let axis): return (try Tensor.concat(x, axis: axis), nil)
        case .stack(let axis): return (try Tensor.stack(x, axis: axis), nil)
        case .softmax(let axis): return (try Tensor.softmax(x[0], axis: axis), nil)
        case .logSoftmax(let axis): return (try Tensor.logSoftmax(x[0], axis: axis), nil)
        case .select: return (try Tensor.where_(x[0], x[1], x[2]), nil)
        case .cast(let dtype): return (try x[0].cast(to: dtype), nil)
        case .conv2d(let layout):
            return (try Tensor.conv2d(x[0], x[1], layout: layout), nil)
        case .convolutionLayer(let layout, let activation):
            return (try Tensor.conv2d(x[0], x[1], layout: layout, bias: x.count > 2 ? x[2] : nil, activation: activation), nil)
        case .maxPool2d(let size, let stride):
            let (output, argmax) = try Tensor.maxPool2d(x[0], size: size, stride: stride)
            return (output, argmax)
        case .avgPool2d(let size, let stride): return (try Tensor.avgPool2d(x[0], size: size, stride: stride), nil)
        case .pad(let widths, let value): return (try Tensor.pad(x[0], widths: widths, value: value), nil)
        case .detach: return (x[0], nil)
        }
    }
}

// MARK: - Gradient rules

extension Op {
    /// Given the gradient `g` of the cost with respect to this op's output, returns the
    /// gradient with respect to each input (nil where an input gets none or is not `needed`).
    /// Gradients of broadcast inputs are summed back to the input's shape.
    func backward(inputs x: [Tensor], output y: Tensor, grad g: Tensor, saved: [Int32]?,
                  needed: [Bool], pass: BackwardPass? = nil) throws -> [Tensor?] {
        switch self {
        case .binary, .scalarBinary, .unary, .matmul, .sumOfProduct:
            let (ga, gb) = try backward(x[0], x.count > 1 ? x[1] : nil, output: y, grad: g, saved: saved,
                                        needA: needed[0], needB: needed.count > 1 && needed[1], pass: pass)
            return x.count > 1 ? [ga, gb] : [ga]
        case .affine(let form):
            return try affineGradients(form, x, y, g, needed, pass)
        case .elementwise(let program):
            var gradients = [Tensor?](repeating: nil, count: x.count)
            try Op.elementwiseGradients(program, x, grad: g, needed: needed) { k, gk in
                gradients[k] = try gradients[k].map { try Tensor.binary(.add, $0, gk) } ?? gk
            }
            return gradients
        case .transpose(let axes):
            guard let axes else { return [try Tensor.transpose(g, axes: nil)] }
            var inverse = [Int](repeating: 0, count: axes.count)
            for (position, axis) in axes.enumerated() {
                inverse[axis < 0 ? axis + axes.count : axis] = position
            }
            return [try Tensor.transpose(g, axes: inverse)]
        case .reshape:
            return [try g.reshaped(x[0].shape)]
        case .broadcast:
            return [try Tensor.sumToShape(g, x[0].shape)]
        case .reduce(let op, let axis, let keep):
            return [try reduceGradient(op, axis, keep, x[0], y, g)]
        case .slice(let specs):
            var full = try Tensor.zeros(x[0].shape, dtype: x[0].dtype)
            try Tensor.sliceAdd(&full, specs, g)
            return [full]
        case .maskSelect:
            // The selected places are distinct, so scattering g into zeros is the adjoint.
            var full = try Tensor.zeros(x[0].shape, dtype: g.dtype)
            try Tensor.maskAssign(&full, x[1], g)
            return [full, nil]
        case .concat(let axis):
            return try concatGradients(x, axis: axis, g)
        case .stack(let axis):
            let rank = g.rank
            let normalized = axis < 0 ? axis + rank : axis
            return try x.indices.map { index in
                let specs = [Tensor.IndexSpec](repeating: .all, count: normalized) + [.single(index)]
                return try Tensor.slice(g, specs)
            }
        case .softmax(let axis):
            // dx = y * (g - sum(g * y))
            let gy = try Tensor.binary(.mul, g, y)
            let total = try Tensor.reduce(.sum, gy, axis: axis, keepDims: true)
            return [try Tensor.binary(.mul, y, Tensor.binary(.sub, g, total))]
        case .logSoftmax(let axis):
            // dx = g - softmax(x) * sum(g)
            let total = try Tensor.reduce(.sum, g, axis: axis, keepDims: true)
            let probabilities = Tensor.unary(.exp, y)
            return [try Tensor.binary(.sub, g, Tensor.binary(.mul, probabilities, total))]
        case .select:
            let zeros = try Tensor.zeros([], dtype: g.dtype)
            let ga = needed[1] ? try Tensor.sumToShape(Tensor.where_(x[0], g, zeros), x[1].shape) : nil
            let gb = needed[2] ? try Tensor.sumToShape(Tensor.where_(x[0], zeros, g), x[2].shape) : nil
            return [nil, ga, gb]
        case .cast:
            // A mask converted to numbers is data: no gradient flows into it.
            return [x[0].dtype == .bool ? nil : try g.cast(to: x[0].dtype)]
        case .conv2d(let layout):
            let gx = needed[0] ? try Tensor.conv2dBackwardInput(g, x[1], inputShape: x[0].shape, layout: layout) : nil
            let gw = needed[1] ? try Tensor.conv2dBackwardFilter(g, x[0], filterShape: x[1].shape, layout: layout) : nil
            return [gx, gw]
        case .convolutionLayer(let layout, let activation):
            // The rules of the separate ops on the same tensors: the activation's, then the
            // bias's (the sum over images and positions, as the broadcast add's), then the
            // convolution's. Without the input's gradient (a first layer), in one pass.
            if !needed[0] {
                let (gw, gb) = try Tensor.convolutionLayerGradients(
                    g, output: y, input: x[0], filterShape: x[1].shape, layout: layout,
                    activation: try Op.activationRule(activation), wantFilters: needed[1],
                    biasShape: x.count > 2 && needed[2] ? x[2].shape : nil)
                return x.count > 2 ? [nil, gw, gb] : [nil, gw]
            }
            let preActivation = try Op.preActivationGradient(activation, g, y)
            let gx = needed[0] ? try Tensor.conv2dBackwardInput(preActivation, x[1], inputShape: x[0].shape, layout: layout) : nil
            let gw = needed[1] ? try Tensor.conv2dBackwardFilter(preActivation, x[0], filterShape: x[1].shape, layout: layout) : nil
            guard x.count > 2 else { return [gx, gw] }
            let gb = needed[2] ? try Tensor.sumToShape(preActivation, [1, x[1].shape[0], 1, 1]).reshaped(x[2].shape) : nil
            return [gx, gw, gb]
        case .maxPool2d:
            guard let saved else { throw TensorError("max_pool2d: missing saved positions") }
            return [try Tensor.maxPool2dBackward(g, argmax: saved, inputShape: x[0].shape)]
        case .avgPool2d(let size, let stride):
            return [try Tensor.avgPool2dBackward(g, inputShape: x[0].shape, size: size, stride: stride)]
        case .pad(let widths, _):
            // The border is a constant: the gradient is the interior of g.
            return [try Tensor.unpad(g, originalShape: x[0].shape, widths: widths)]
        case .detach:
            return [nil]
        }
    }

    /// The same rules for an op of one or two operands, with no arrays: the backward pass's
    /// hot path (`b` is nil, and `needB` false, for one operand).
    func backward(_ a: Tensor, _ b: Tensor?, output y: Tensor, grad g: Tensor, saved: [Int32]?,
                  needA: Bool, needB: Bool, pass: BackwardPass? = nil) throws -> (Tensor?, Tensor?) {
        switch self {
        case .binary(let op):
            guard let b else { throw TensorError("\(op): missing operand") }
            return try binaryGradients(op, a, b, y, g, (needA, needB))
        case .scalarBinary(let op, let s, let left):
            // The tensor-tensor rule with the constant as a 0-d tensor that needs no gradient.
            let constant = Tensor(scalar: s, dtype: g.dtype)
            let gradients = try left ? binaryGradients(op, constant, a, y, g, (false, needA))
                                     : binaryGradients(op, a, constant, y, g, (needA, false))
            return (left ? gradients.b : gradients.a, nil)
        case .unary(let op):
            return (needA ? try unaryGradient(op, a, y, g) : nil, nil)
        case .matmul(let ta, let tb):
            guard let b else { throw TensorError("matmul: missing operand") }
            return try matmulGradients(a, b, ta, tb, g, (needA, needB), pass)
        case .sumOfProduct:
            // The rules of sum (g everywhere) and then of mul (g b, g a), in one pass each.
            guard let b else { throw TensorError("sum_of_product: missing operand") }
            guard let scale = g.scalarValue else { throw TensorError("sum_of_product: the gradient is not a scalar") }
            return (needA ? Tensor.binary(.mul, b, scalar: scale) : nil, needB ? Tensor.binary(.mul, a, scalar: scale) : nil)
        default:
            let gradients = try backward(inputs: b.map { [a, $0] } ?? [a], output: y, grad: g, saved: saved,
                                         needed: b == nil ? [needA] : [needA, needB])
            return (gradients.first ?? nil, gradients.count > 1 ? gradients[1] : nil)
        }
    }

    /// The gradients of a fused chain, by the rules of its separate ops, handed to
    /// `accumulate` (input index, gradient) in the order the separate ops' nodes would give
    /// them: the backward pass visits an expression's nodes from the root down, left
    /// operand first, and each node gives its left operand's gradient before its right's.
    /// So a gradient sums its parts in the same order, fused or not, and has the same bits.
    /// The steps' values are recomputed from the inputs (elementwise, one pass each).
    static func elementwiseGradients(_ program: Tensor.ElementwiseProgram, _ inputs: [Tensor], grad g: Tensor,
                                     needed: [Bool], accumulate: (Int, Tensor) throws -> Void) throws {
        typealias Operand = Tensor.ElementwiseProgram.Operand
        let steps = program.steps
        // Which steps lead to a needed input, and each step's value.
        var stepNeeded = [Bool](repeating: false, count: steps.count)
        var values: [Tensor] = []
        values.reserveCapacity(steps.count)
        func isNeeded(_ operand: Operand) -> Bool {
            switch operand {
            case .input(let k): return needed[k]
            case .step(let j): return stepNeeded[j]
            case .constant: return false
            }
        }
        func value(_ operand: Operand) -> Tensor? {
            switch operand {
            case .input(let k): return inputs[k]
            case .step(let j): return values[j]
            case .constant: return nil
            }
        }
        func tensor(_ operand: Operand) throws -> Tensor {
            guard let tensor = value(operand) else { throw TensorError("elementwise: a constant where a tensor was expected") }
            return tensor
        }
        for (index, step) in steps.enumerated() {
            stepNeeded[index] = isNeeded(step.left) || isNeeded(step.right)
            switch (value(step.left), value(step.right), step.left, step.right) {
            case (let a?, let b?, _, _): values.append(try Tensor.binary(step.op, a, b))
            case (let a?, nil, _, .constant(let s)): values.append(Tensor.binary(step.op, a, scalar: s))
            case (nil, let b?, .constant(let s), _): values.append(Tensor.binary(step.op, scalar: s, b))
            default: throw TensorError("elementwise: a step of two constants")
            }
        }
        var grads = [Tensor?](repeating: nil, count: steps.count)
        grads[steps.count - 1] = g
        var pending = [steps.count - 1]   // root first, then each left subtree before its right
        while let index = pending.popLast() {
            let step = steps[index]
            guard stepNeeded[index], let gradient = grads[index] else { continue }
            grads[index] = nil
            let needLeft = isNeeded(step.left), needRight = isNeeded(step.right)
            let (gl, gr): (Tensor?, Tensor?)
            switch (step.left, step.right) {
            case (.constant(let s), _):
                let operand = try tensor(step.right)
                (gr, gl) = try Op.scalarBinary(step.op, scalar: s, scalarOnLeft: true)
                    .backward(operand, nil, output: values[index], grad: gradient, saved: nil, needA: needRight, needB: false)
            case (_, .constant(let s)):
                let operand = try tensor(step.left)
                (gl, gr) = try Op.scalarBinary(step.op, scalar: s, scalarOnLeft: false)
                    .backward(operand, nil, output: values[index], grad: gradient, saved: nil, needA: needLeft, needB: false)
            default:
                (gl, gr) = try Op.binary(step.op).backward(try tensor(step.left), try tensor(step.right),
                                                           output: values[index], grad: gradient, saved: nil,
                                                           needA: needLeft, needB: needRight)
            }
            for (operand, operandGradient) in [(step.left, gl), (step.right, gr)] {
                guard let operandGradient else { continue }
                switch operand {
                case .input(let k): if needed[k] { try accumulate(k, operandGradient) }
                case .step(let j): grads[j] = operandGradient
                case .constant: break
                }
            }
            if case .step(let j) = step.right { pending.append(j) }
            if case .step(let j) = step.left { pending.append(j) }
        }
    }

    private func binaryGradients(_ op: Tensor.BinaryOp, _ a: Tensor, _ b: Tensor, _ y: Tensor,
                                 _ g: Tensor, _ needed: (Bool, Bool)) throws -> (a: Tensor?, b: Tensor?) {
        func reduced(_ t: Tensor, to shape: [Int]) throws -> Tensor {
            t.shape == shape ? t : try Tensor.sumToShape(t, shape)
        }
        let ga: Tensor?, gb: Tensor?
        switch op {
        case .add:
            ga = needed.0 ? try reduced(g, to: a.shape) : nil
            gb = needed.1 ? try reduced(g, to: b.shape) : nil
        case .sub:
            ga = needed.0 ? try reduced(g, to: a.shape) : nil
            gb = needed.1 ? try reduced(Tensor.unary(.neg, g), to: b.shape) : nil
        case .mul:
            ga = needed.0 ? try reduced(Tensor.binary(.mul, g, b), to: a.shape) : nil
            gb = needed.1 ? try reduced(Tensor.binary(.mul, g, a), to: b.shape) : nil
        case .div:
            ga = needed.0 ? try reduced(Tensor.binary(.div, g, b), to: a.shape) : nil
            // d(a/b)/db = -a/b^2 = -y/b
            gb = needed.1 ? try reduced(Tensor.unary(.neg, Tensor.binary(.div, Tensor.binary(.mul, g, y), b)), to: b.shape) : nil
        case .pow:
            // d(a^b)/da = b a^(b-1);  d(a^b)/db = a^b log a
            ga = needed.0 ? try reduced(Tensor.binary(.mul, g, Tensor.binary(.mul, b, Tensor.binary(.pow, a, Tensor.binary(.sub, b, scalar: 1)))), to: a.shape) : nil
            gb = needed.1 ? try reduced(Tensor.binary(.mul, g, Tensor.binary(.mul, y, Tensor.unary(.log, a))), to: b.shape) : nil
        case .maximum, .minimum:
            // The gradient goes to the chosen operand; ties split it equally (PyTorch, JAX).
            ga = needed.0 ? try reduced(Tensor.binary(.mul, g, Op.tieShare(op, a, b, g.dtype)), to: a.shape) : nil
            gb = needed.1 ? try reduced(Tensor.binary(.mul, g, Op.tieShare(op, b, a, g.dtype)), to: b.shape) : nil
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            ga = nil
            gb = nil
        }
        return (ga, gb)
    }

    /// The share of maximum(a, b)'s (minimum's) gradient that goes to `a`: 1 where `a` is
    /// chosen, 1/2 where a == b, 0 elsewhere (and where either is NaN).
    static func tieShare(_ op: Tensor.BinaryOp, _ a: Tensor, _ b: Tensor, _ dtype: DType) throws -> Tensor {
        let wins = try Tensor.binary(op == .maximum ? .greater : .less, a, b).cast(to: dtype)
        let ties = try Tensor.binary(.equal, a, b).cast(to: dtype)
        return try Tensor.binary(.add, wins, Tensor.binary(.mul, ties, scalar: 0.5))
    }

    private func unaryGradient(_ op: Tensor.UnaryOp, _ x: Tensor, _ y: Tensor, _ g: Tensor) throws -> Tensor? {
        switch op {
        case .neg: return Tensor.unary(.neg, g)
        case .exp: return try Tensor.binary(.mul, g, y)
        case .log: return try Tensor.binary(.div, g, x)
        case .sqrt: return try Tensor.binary(.div, Tensor.binary(.mul, g, scalar: 0.5), y)
        case .abs: return try Tensor.binary(.mul, g, Tensor.unary(.sign, x))
        case .tanh: return try Tensor.activationGradient(.tanh, g, y)
        case .sigmoid: return try Tensor.activationGradient(.sigmoid, g, y)
        case .relu: return try Tensor.activationGradient(.relu, g, x)
        case .softplus: return try Tensor.activationGradient(.softplus, g, x)
        case .square: return try Tensor.binary(.mul, g, Tensor.binary(.mul, x, scalar: 2))
        case .reciprocal: return try Tensor.unary(.neg, Tensor.binary(.mul, g, Tensor.unary(.square, y)))
        case .sin: return try Tensor.binary(.mul, g, Tensor.unary(.cos, x))
        case .cos: return try Tensor.unary(.neg, Tensor.binary(.mul, g, Tensor.unary(.sin, x)))
        case .log1p: return try Tensor.binary(.div, g, Tensor.binary(.add, x, scalar: 1))
        case .expm1: return try Tensor.binary(.mul, g, Tensor.binary(.add, y, scalar: 1))
        case .sign, .floor, .round, .isPositive: return nil
        }
    }

    private func matmulGradients(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool,
                                 _ g: Tensor, _ needed: (Bool, Bool), _ pass: BackwardPass?) throws -> (Tensor?, Tensor?) {
        switch (a.rank, b.rank) {
        case (2, 2):
            // C = op(A) op(B); the gradients are products with transposes passed as BLAS flags.
            func gradientA() throws -> Tensor {
                switch (ta, tb) {
                case (false, false):
                    // A weight used at every step of an unrolled loop (an RNN's Wh) is
                    // transposed once per pass: G Bᵀ as a plain product beats BLAS's
                    // transposed one on small matrices (see BackwardPass).
                    if let transposed = try pass?.reusedTranspose(of: b) { return try Tensor.matmul(g, transposed) }
                    return try Tensor.matmul(g, b, transposeB: true)
                case (false, true): return try Tensor.matmul(g, b)
                case (true, false): return try Tensor.matmul(b, g, transposeB: true)
                case (true, true): return try Tensor.matmul(b, g, transposeA: true, transposeB: true)
                }
            }
            func gradientB() throws -> Tensor {
                switch (ta, tb) {
                case (false, false): return try Tensor.matmul(a, g, transposeA: true)
                case (false, true): return try Tensor.matmul(g, a, transposeA: true)
                case (true, false): return try Tensor.matmul(a, g)
                case (true, true): return try Tensor.matmul(g, a, transposeA: true, transposeB: true)
                }
            }
            return (needed.0 ? try gradientA() : nil, needed.1 ? try gradientB() : nil)
        case (1, 2):
            // y = x @ op(B): dx = op(B) @ g, dB = outer(x, g) (transposed back if B was).
            let ga = needed.0 ? try Tensor.matmul(b, g, transposeA: tb) : nil
            let gb = needed.1 ? try (tb ? Tensor.outer(g, a) : Tensor.outer(a, g)) : nil
            return (ga, gb)
        case (2, 1):
            // y = op(A) @ v: dA = outer(g, v) (transposed back if A was), dv = op(A)^T @ g.
            let ga = needed.0 ? try (ta ? Tensor.outer(b, g) : Tensor.outer(g, b)) : nil
            let gb = needed.1 ? try Tensor.matmul(a, g, transposeA: !ta) : nil
            return (ga, gb)
        default:
            // dot of two vectors: y = a . b
            let ga = needed.0 ? try Tensor.binary(.mul, b, g) : nil
            let gb = needed.1 ? try Tensor.binary(.mul, a, g) : nil
            return (ga, gb)
        }
    }

    /// The affine node's rules are those of the ops it stands for, on the same tensors: the
    /// activation's rule gives the gradient at the pre-activation (relu's from the output:
    /// it is positive exactly where the pre-activation is), which is each product's gradient
    /// and, summed to the bias's shape, the bias's.
    private func affineGradients(_ form: Tensor.AffineForm, _ x: [Tensor], _ y: Tensor, _ g: Tensor,
                                 _ needed: [Bool], _ pass: BackwardPass?) throws -> [Tensor?] {
        let preActivation = try Op.preActivationGradient(form.activation, g, y)
        var gradients = [Tensor?](repeating: nil, count: x.count)
        (gradients[0], gradients[1]) = try matmulGradients(x[0], x[1], form.transposeA, form.transposeB, preActivation,
                                                           (needed[0], needed[1]), pass)
        if form.hasSecondProduct {
            (gradients[2], gradients[3]) = try matmulGradients(x[2], x[3], form.transposeC, form.transposeD, preActivation,
                                                               (needed[2], needed[3]), pass)
        }
        let bias = x.count - 1
        if needed[bias] {
            gradients[bias] = x[bias].shape == preActivation.shape ? preActivation : try Tensor.sumToShape(preActivation, x[bias].shape)
        }
        return gradients
    }

    /// A layer node's gradient at the pre-activation, from its output `y`: the activation's
    /// rule (relu's from the output: positive exactly where its input is), or `g` itself.
    static func preActivationGradient(_ activation: Tensor.UnaryOp?, _ g: Tensor, _ y: Tensor) throws -> Tensor {
        guard let rule = try activationRule(activation) else { return g }
        return try Tensor.activationGradient(rule, g, y)
    }

    /// The gradient rule of a layer node's activation, from its output; nil for none.
    static func activationRule(_ activation: Tensor.UnaryOp?) throws -> Tensor.ActivationGradient? {
        switch activation {
        case nil: return nil
        case .tanh?: return .tanh
        case .sigmoid?: return .sigmoid
        case .relu?: return .relu
        case let other?: throw TensorError("\(other) is not an activation a layer node applies")
        }
    }

    private func reduceGradient(_ op: Tensor.ReduceOp, _ axis: Int?, _ keepDims: Bool,
                                _ x: Tensor, _ y: Tensor, _ g: Tensor) throws -> Tensor? {
        // Put the reduced axes back as size 1 so g and y broadcast against x.
        var keptShape = x.shape
        if let axis {
            keptShape[axis < 0 ? axis + x.rank : axis] = 1
        } else {
            keptShape = [Int](repeating: 1, count: x.rank)
        }
        let gKept = try g.reshaped(keptShape)
        switch op {
        case .sum:
            return try Tensor.broadcast(gKept, to: x.shape)
        case .mean:
            let reducedCount = max(1, x.count / max(1, y.count))
            return try Tensor.broadcast(Tensor.binary(.div, gKept, scalar: Double(reducedCount)), to: x.shape)
        case .max, .min:
            // Ties share the gradient equally.
            let mask = try Tensor.binary(.equal, x, y.reshaped(keptShape)).cast(to: g.dtype)
            let ties = try Tensor.reduce(.sum, mask, axis: axis, keepDims: true)
            return try Tensor.binary(.mul, mask, Tensor.binary(.div, gKept, ties))
        case .argmax, .argmin:
            return nil
        }
    }

    private func concatGradients(_ x: [Tensor], axis: Int, _ g: Tensor) throws -> [Tensor?] {
        let normalized = axis < 0 ? axis + g.rank : axis
        var start = 0
        return try x.map { part in
            let length = part.shape[normalized]
            defer { start += length }
            let specs = [Tensor.IndexSpec](repeating: .all, count: normalized) + [.range(start: start, stop: start + length, step: 1)]
            return try Tensor.slice(g, specs)
        }
    }
}

