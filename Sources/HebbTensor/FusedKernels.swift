import CSleef
// Kernels that do in one pass what would otherwise be several elementwise ops, each with
// its own allocation and trip through memory. Each one exists because a benchmark (the
// peers' MLP workload, Benchmarks/mlp_rmsprop.hebb) spent its time there.

extension Tensor {
    /// Gradient rules of activations, from the upstream gradient `g` and the op's input or
    /// output (`y`), all of one shape.
    public enum ActivationGradient: Sendable {
        /// g * (x > 0), from the input x.
        case relu
        /// g * y * (1 - y), from the output y.
        case sigmoid
        /// g * (1 - y²), from the output y.
        case tanh
        /// g * sigmoid(x), from the input x (softplus's rule).
        case softplus
    }

    /// One pass of an activation's gradient rule.
    public static func activationGradient(_ kind: ActivationGradient, _ g: Tensor, _ y: Tensor) throws -> Tensor {
        let (g, y) = numericPair(g, y)
        try checkSameDType(g, y, op: "activation gradient")
        guard g.shape == y.shape else {
            throw TensorError("activation gradient: shapes \(describe(g.shape)) and \(describe(y.shape)) differ")
        }
        let result = Tensor(validShape: g.shape, dtype: g.dtype, count: g.count)
        switch g.dtype {
        case .float64: activationGradientKernel(kind, g.count, g.pointer(Double.self), y.pointer(Double.self), result.pointer(Double.self))
        case .float32: activationGradientKernel(kind, g.count, g.pointer(Float.self), y.pointer(Float.self), result.pointer(Float.self))
        case .bool: break  // made numeric above
        }
        return result
    }

    static func activationGradientKernel<T: TensorScalar>(_ kind: ActivationGradient, _ count: Int, _ g: UnsafePointer<T>,
                                                                 _ y: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>) {
        switch kind {
        case .relu: reluGradientKernel(count, g, y, out)
        case .sigmoid: for i in 0..<count { out[i] = g[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<count { out[i] = g[i] * (1 - y[i] * y[i]) }
        case .softplus:
            unaryKernel(.sigmoid, count, y, out)
            for i in 0..<count { out[i] = g[i] * out[i] }
        }
    }

    /// g where y > 0, else 0 (so a NaN output passes no gradient). Both loads come before
    /// the select so the loop vectorizes: written as `y > 0 ? g : 0` the load of g was
    /// conditional, the loop stayed scalar with a branch per element, and the sign of a real
    /// activation is a coin toss (2 ns per element on the conv benchmark, mispredicted).
    private static func reluGradientKernel<T: TensorScalar>(_ count: Int, _ g: UnsafePointer<T>, _ y: UnsafePointer<T>,
                                                           _ out: UnsafeMutablePointer<T>) {
        for i in 0..<count {
            let gradient = g[i], output = y[i]
            out[i] = output > 0 ? gradient : 0
        }
    }

    /// What one affine node computes: `act(op(A) op(B) + bias)`, or with a second product
    /// `act(op(A) op(B) + op(C) op(D) + bias)`, for matrices (op is a transpose or nothing;
    /// act is tanh, sigmoid, relu or none). A layer `relu(X @ W + b)` and an RNN step
    /// `tanh(x @ Wx + h @ Wh + b)` are each one node instead of four or five.
    public struct AffineForm: Hashable, Sendable {
        public var transposeA = false, transposeB = false
        /// Whether there is a second product, and its transposes.
        public var hasSecondProduct = false
        public var transposeC = false, transposeD = false
        /// `.tanh`, `.sigmoid`, `.relu`, or nil for none.
        public var activation: UnaryOp?

        public init() {}

        /// The activations the output pass applies.
        public static func fuses(_ activation: UnaryOp) -> Bool { [.tanh, .sigmoid, .relu].contains(activation) }
    }

    /// Whether `affine(form, operands)` applies to these operands (`[A, B, bias]` or
    /// `[A, B, C, D, bias]`) with no error: every one a float matrix of one dtype, the
    /// products aligned and of one shape m×n, the bias of shape (n,), (1, n) or (m, n).
    /// Anything else is left to the separate ops, which say what is wrong.
    public static func affineApplies(_ form: AffineForm, _ operands: [Tensor]) -> Bool {
        switch operands.count {
        case 3: return affineApplies(form, operands[0], operands[1], nil, nil, operands[2])
        case 5: return affineApplies(form, operands[0], operands[1], operands[2], operands[3], operands[4])
        default: return false
        }
    }

    /// The same for the operands one by one (`c` and `d` nil for one product).
    public static func affineApplies(_ form: AffineForm, _ a: Tensor, _ b: Tensor, _ c: Tensor?, _ d: Tensor?,
                                     _ bias: Tensor) -> Bool {
        guard form.activation.map(AffineForm.fuses) ?? true, (c != nil) == form.hasSecondProduct, (d != nil) == form.hasSecondProduct,
              let first = affineProductShape(a, b, form.transposeA, form.transposeB) else { return false }
        if let c, let d {
            guard let second = affineProductShape(c, d, form.transposeC, form.transposeD), second == first,
                  c.dtype == a.dtype else { return false }
        }
        return bias.dtype == a.dtype && (bias.shape == [first.n] || bias.shape == [1, first.n] || bias.shape == [first.m, first.n])
    }

    /// (m, n) of op(a) op(b) for two float matrices of one dtype that are aligned, with no
    /// empty axis; nil otherwise (such a product is no affine node's).
    public static func affineProductShape(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool) -> (m: Int, n: Int)? {
        guard a.rank == 2, b.rank == 2, a.dtype == b.dtype, a.dtype != .bool, a.count > 0, b.count > 0,
              a.shape[ta ? 0 : 1] == b.shape[tb ? 1 : 0] else { return nil }
        return (a.shape[ta ? 1 : 0], b.shape[tb ? 0 : 1])
    }

    /// The affine node's forward pass: the products by BLAS (as `matmul`), then one pass over
    /// the first product's buffer that adds the second product and the bias and applies the
    /// activation, in the order the separate ops would (`(P + Q) + b`), so the numbers are
    /// theirs bit for bit. The caller has checked `affineApplies`.
    public static func affine(_ form: AffineForm, _ operands: [Tensor]) throws -> Tensor {
        guard affineApplies(form, operands) else { throw TensorError("affine: operands that do not fit the form") }
        var output = try matmul(operands[0], operands[1], transposeA: form.transposeA, transposeB: form.transposeB)
        let second = form.hasSecondProduct
            ? try matmul(operands[2], operands[3], transposeA: form.transposeC, transposeB: form.transposeD) : nil
        let bias = operands[operands.count - 1]
        output.makeUnique()   // a fresh product: this copies nothing
        let (m, n) = (output.shape[0], output.shape[1])
        let biasRepeats = bias.count == n
        switch output.dtype {
        case .float64:
            affineOutputPass(output.storage.pointer.assumingMemoryBound(to: Double.self), second?.pointer(Double.self),
                             bias.pointer(Double.self), m, n, biasRepeats, form.activation)
        case .float32:
            affineOutputPass(output.storage.pointer.assumingMemoryBound(to: Float.self), second?.pointer(Float.self),
                             bias.pointer(Float.self), m, n, biasRepeats, form.activation)
        case .bool: break  // refused by affineApplies
        }
        return output
    }

    /// z = act((z + other) + bias) in place, row by row; the bias is one row repeated
    /// (`biasRepeats`) or a whole m×n matrix. The activation is `unary`'s own kernel.
    private static func affineOutputPass<T: TensorScalar>(_ z: UnsafeMutablePointer<T>, _ other: UnsafeMutablePointer<T>?,
                                                         _ bias: UnsafeMutablePointer<T>, _ m: Int, _ n: Int,
                                                         _ biasRepeats: Bool, _ activation: UnaryOp?) {
        for row in 0..<m {
            let z = z + row &* n, b = biasRepeats ? bias : bias + row &* n
            if let other {
                let o = other + row &* n
                for j in 0..<n { z[j] = (z[j] + o[j]) + b[j] }
            } else {
                for j in 0..<n { z[j] = z[j] + b[j] }
            }
        }
        if let activation { unaryKernel(activation, m &* n, z, z) }
    }

    /// Whether `sumOfProduct(a, b)` applies: float tensors of one dtype and one shape.
    public static func sumOfProductApplies(_ a: Tensor, _ b: Tensor) -> Bool {
        a.dtype == b.dtype && a.dtype != .bool && a.shape == b.shape
    }

    /// `sum(a * b)`, the book's losses (`sum(h * R)`, `-sum(T * log(P))`), as one op: the
    /// product and the pairwise sum of `binary` and `reduce`, so the same bits.
    public static func sumOfProduct(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard sumOfProductApplies(a, b) else {
            throw TensorError("sum of product: shapes \(describe(a.shape)) and \(describe(b.shape)) differ")
        }
        return try reduce(.sum, binary(.mul, a, b), axis: nil)
    }

    // The optimizer steps below update their state tensors in place: copy-on-write makes
    // that safe (a state tensor that anything else still refers to is copied first, so
    // no other value changes), and when the optimizer holds the only reference, as the
    // stdlib's do (`rmsprop_apply`), the step writes two or three arrays fewer.

    /// One RMSprop step in TensorFlow's form, for one parameter, in one pass:
    /// ms = decay ms + (1 - decay) g²;  mom = momentum mom + lr g / sqrt(ms + eps);
    /// returns param - mom, a new tensor (`param` is not changed).
    public static func rmspropStep(param: Tensor, grad: Tensor, ms: inout Tensor, mom: inout Tensor, lr: Double,
                                   decay: Double, momentum: Double, eps: Double, op: String = "rmsprop_update",
                                   names: (param: String, grad: String, ms: String, mom: String) = ("the parameter", "grad", "ms", "mom")) throws -> Tensor {
        let grad = try optimizerOperand(param, grad, names.grad, op: op, parameterName: names.param)
        try prepareState(&ms, names.ms, of: param, op: op, parameterName: names.param)
        try prepareState(&mom, names.mom, of: param, op: op, parameterName: names.param)
        let newParam = param.freshLike()
        // A C loop per instruction set (CSleef): the vectorizer needs to know the arrays are
        // apart, which it cannot be told in Swift.
        let (msState, momState) = (ms, mom)
        forEachOptimizerChunk(param.count, param.dtype) { start, count in
            switch param.dtype {
            case .float64:
                hebb_vm_rmsprop_f64(count, param.pointer(Double.self) + start, grad.pointer(Double.self) + start,
                                    msState.pointer(Double.self) + start, momState.pointer(Double.self) + start,
                                    newParam.pointer(Double.self) + start, lr, decay, momentum, eps)
            case .float32:
                hebb_vm_rmsprop_f32(count, param.pointer(Float.self) + start, grad.pointer(Float.self) + start,
                                    msState.pointer(Float.self) + start, momState.pointer(Float.self) + start,
                                    newParam.pointer(Float.self) + start, Float(lr), Float(decay), Float(momentum), Float(eps))
            case .bool: break  // refused above
            }
        }
        return newParam
    }

    /// Runs an optimizer kernel over `0..<count` in chunks on the elementwise threads when
    /// each chunk gets at least 1 MiB of the parameter: a float64 784×500 weight's RMSprop
    /// step took 0.26–0.33 ms on two threads against 0.42–0.49 on one; float32's same
    /// weight (1.6 MB) gained nothing. The loops' arithmetic is the same in every lane and
    /// in the scalar tail, so where a chunk starts changes no bits.
    private static func forEachOptimizerChunk(_ count: Int, _ dtype: DType, _ body: (_ start: Int, _ count: Int) -> Void) {
        forEachChunk(of: count, grain: (1 << 20) / dtype.byteSize, body)
    }

    /// One Adam step for one parameter, in one pass: m = beta1 m + (1 - beta1) g;
    /// v = beta2 v + (1 - beta2) g²; returns param - lr (m / correction1) / (sqrt(v / correction2) + eps),
    /// with correction_k = 1 - beta_k^t.
    public static func adamStep(param: Tensor, grad: Tensor, m: inout Tensor, v: inout Tensor, lr: Double, beta1: Double,
                                beta2: Double, eps: Double, correction1: Double, correction2: Double, op: String = "adam_update",
                                names: (param: String, grad: String, m: String, v: String) = ("the parameter", "grad", "m", "v")) throws -> Tensor {
        let grad = try optimizerOperand(param, grad, names.grad, op: op, parameterName: names.param)
        try prepareState(&m, names.m, of: param, op: op, parameterName: names.param)
        try prepareState(&v, names.v, of: param, op: op, parameterName: names.param)
        let newParam = param.freshLike()
        let settings64 = hebb_adam_f64(beta1: beta1, keep1: 1 - beta1, beta2: beta2, keep2: 1 - beta2, lr: lr,
                                       correction1: correction1, correction2: correction2, eps: eps)
        // Each setting rounded to float32 on its own, as a number operand of a float32 tensor is.
        let settings32 = hebb_adam_f32(beta1: Float(beta1), keep1: Float(1 - beta1), beta2: Float(beta2), keep2: Float(1 - beta2),
                                       lr: Float(lr), correction1: Float(correction1), correction2: Float(correction2),
                                       eps: Float(eps))
        let (mState, vState) = (m, v)
        // The settings by pointer, taken once: the chunks may run at the same time.
        withUnsafePointer(to: settings64) { settings64 in
            withUnsafePointer(to: settings32) { settings32 in
                forEachOptimizerChunk(param.count, param.dtype) { start, count in
                    switch param.dtype {
                    case .float64:
                        hebb_vm_adam_f64(count, param.pointer(Double.self) + start, grad.pointer(Double.self) + start,
                                         mState.pointer(Double.self) + start, vState.pointer(Double.self) + start,
                                         newParam.pointer(Double.self) + start, settings64)
                    case .float32:
                        hebb_vm_adam_f32(count, param.pointer(Float.self) + start, grad.pointer(Float.self) + start,
                                         mState.pointer(Float.self) + start, vState.pointer(Float.self) + start,
                                         newParam.pointer(Float.self) + start, settings32)
                    case .bool: break  // refused by optimizerOperand
                    }
                }
            }
        }
        return newParam
    }

    /// One momentum step for one parameter, in one pass: velocity = mu velocity - lr g;
    /// returns param + velocity, or with `nesterov` param + mu velocity - lr g.
    public static func momentumStep(param: Tensor, grad: Tensor, velocity: inout Tensor, lr: Double, mu: Double,
                                    nesterov: Bool, op: String = "momentum_update",
                                    names: (param: String, grad: String, velocity: String) = ("the parameter", "grad", "velocity")) throws -> Tensor {
        let grad = try optimizerOperand(param, grad, names.grad, op: op, parameterName: names.param)
        try prepareState(&velocity, names.velocity, of: param, op: op, parameterName: names.param)
        let newParam = param.freshLike()
        let state = velocity
        forEachOptimizerChunk(param.count, param.dtype) { start, count in
            switch param.dtype {
            case .float64:
                hebb_vm_momentum_f64(count, param.pointer(Double.self) + start, grad.pointer(Double.self) + start,
                                     state.pointer(Double.self) + start, newParam.pointer(Double.self) + start, lr, mu, nesterov ? 1 : 0)
            case .float32:
                hebb_vm_momentum_f32(count, param.pointer(Float.self) + start, grad.pointer(Float.self) + start,
                                     state.pointer(Float.self) + start, newParam.pointer(Float.self) + start, Float(lr), Float(mu),
                                     nesterov ? 1 : 0)
            case .bool: break  // refused by optimizerOperand
            }
        }
        return newParam
    }

    /// Throws the error an optimizer step on these operands would, changing nothing: a step
    /// over many parameters checks them all before it updates the first.
    public static func checkOptimizerOperands(param: Tensor, _ operands: [(name: String, tensor: Tensor)], op: String,
                                              parameterName: String) throws {
        for (name, tensor) in operands { _ = try optimizerOperand(param, tensor, name, op: op, parameterName: parameterName) }
    }

    /// A state tensor checked like any operand, then made its own storage's only holder
    /// (copied when anything else shares it), ready to be written in place.
    private static func prepareState(_ state: inout Tensor, _ name: String, of param: Tensor, op: String,
                                     parameterName: String) throws {
        state = try optimizerOperand(param, state, name, op: op, parameterName: parameterName)
        state.makeUnique()
    }

    /// One operand of an optimizer step, made the parameter's dtype (a mask becomes numbers)
    /// and checked to match the parameter's dtype and shape. One at a time, so a state
    /// tensor assigned back to its variable keeps its sole reference (no copy to write it).
    private static func optimizerOperand(_ param: Tensor, _ tensor: Tensor, _ name: String, op: String,
                                         parameterName: String) throws -> Tensor {
        guard param.dtype != .bool else { throw TensorError("\(op): \(parameterName) is a bool mask; convert it with float64(mask)") }
        let tensor = tensor.numeric(preferring: param.dtype)
        try checkSameDType(param, tensor, op: op)
        guard tensor.shape == param.shape else {
            throw TensorError("\(op): \(name) has shape \(describe(tensor.shape)) but \(parameterName) has \(describe(param.shape))")
        }
        return tensor
    }

    /// A new contiguous tensor of this one's shape and dtype, for a kernel to fill.
    private func freshLike() -> Tensor { Tensor(validShape: shape, dtype: dtype, count: count) }
}
