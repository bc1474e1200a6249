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

    private static func activationGradientKernel<T: TensorScalar>(_ kind: ActivationGradient, _ count: Int, _ g: UnsafePointer<T>,
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

    /// One RMSprop step in TensorFlow's form, for one parameter, in one pass:
    /// ms' = decay ms + (1 - decay) g²;  mom' = momentum mom + lr g / sqrt(ms' + eps);
    /// param' = param - mom'. Returns (param', ms', mom'); the inputs are not changed.
    public static func rmspropStep(param: Tensor, grad: Tensor, ms: Tensor, mom: Tensor, lr: Double,
                                   decay: Double, momentum: Double, eps: Double) throws -> (param: Tensor, ms: Tensor, mom: Tensor) {
        let state = try optimizerOperands(param, [("grad", grad), ("ms", ms), ("mom", mom)], op: "rmsprop_update")
        let (grad, ms, mom) = (state[0], state[1], state[2])
        let (newParam, newMs, newMom) = (param.freshLike(), param.freshLike(), param.freshLike())
        // A C loop per instruction set (CSleef): the vectorizer needs to know the seven
        // arrays are apart, which it cannot be told in Swift.
        switch param.dtype {
        case .float64:
            hebb_vm_rmsprop_f64(param.count, param.pointer(Double.self), grad.pointer(Double.self), ms.pointer(Double.self),
                                mom.pointer(Double.self), newParam.pointer(Double.self), newMs.pointer(Double.self),
                                newMom.pointer(Double.self), lr, decay, momentum, eps)
        case .float32:
            hebb_vm_rmsprop_f32(param.count, param.pointer(Float.self), grad.pointer(Float.self), ms.pointer(Float.self),
                                mom.pointer(Float.self), newParam.pointer(Float.self), newMs.pointer(Float.self),
                                newMom.pointer(Float.self), Float(lr), Float(decay), Float(momentum), Float(eps))
        case .bool: break  // refused above
        }
        return (newParam, newMs, newMom)
    }

    /// One Adam step for one parameter, in one pass: m' = beta1 m + (1 - beta1) g;
    /// v' = beta2 v + (1 - beta2) g²; param' = param - lr (m' / correction1) / (sqrt(v' / correction2) + eps),
    /// with correction_k = 1 - beta_k^t. Returns (param', m', v'); the inputs are not changed.
    public static func adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, lr: Double, beta1: Double, beta2: Double,
                                eps: Double, correction1: Double, correction2: Double) throws -> (param: Tensor, m: Tensor, v: Tensor) {
        let state = try optimizerOperands(param, [("grad", grad), ("m", m), ("v", v)], op: "adam_update")
        let (grad, m, v) = (state[0], state[1], state[2])
        let (newParam, newM, newV) = (param.freshLike(), param.freshLike(), param.freshLike())
        switch param.dtype {
        case .float64:
            var settings = hebb_adam_f64(beta1: beta1, keep1: 1 - beta1, beta2: beta2, keep2: 1 - beta2, lr: lr,
                                         correction1: correction1, correction2: correction2, eps: eps)
            hebb_vm_adam_f64(param.count, param.pointer(Double.self), grad.pointer(Double.self), m.pointer(Double.self),
                             v.pointer(Double.self), newParam.pointer(Double.self), newM.pointer(Double.self),
                             newV.pointer(Double.self), &settings)
        case .float32:
            // Each setting rounded to float32 on its own, as a number operand of a float32 tensor is.
            var settings = hebb_adam_f32(beta1: Float(beta1), keep1: Float(1 - beta1), beta2: Float(beta2), keep2: Float(1 - beta2),
                                         lr: Float(lr), correction1: Float(correction1), correction2: Float(correction2),
                                         eps: Float(eps))
            hebb_vm_adam_f32(param.count, param.pointer(Float.self), grad.pointer(Float.self), m.pointer(Float.self),
                             v.pointer(Float.self), newParam.pointer(Float.self), newM.pointer(Float.self),
                             newV.pointer(Float.self), &settings)
        case .bool: break  // refused by optimizerOperands
        }
        return (newParam, newM, newV)
    }

    /// One momentum step for one parameter, in one pass: v' = mu velocity - lr g; param' =
    /// param + v', or with `nesterov` param + mu v' - lr g. Returns (param', v').
    public static func momentumStep(param: Tensor, grad: Tensor, velocity: Tensor, lr: Double, mu: Double,
                                    nesterov: Bool) throws -> (param: Tensor, velocity: Tensor) {
        let state = try optimizerOperands(param, [("grad", grad), ("velocity", velocity)], op: "momentum_update")
        let (grad, velocity) = (state[0], state[1])
        let (newParam, newVelocity) = (param.freshLike(), param.freshLike())
        switch param.dtype {
        case .float64:
            hebb_vm_momentum_f64(param.count, param.pointer(Double.self), grad.pointer(Double.self), velocity.pointer(Double.self),
                                 newParam.pointer(Double.self), newVelocity.pointer(Double.self), lr, mu, nesterov ? 1 : 0)
        case .float32:
            hebb_vm_momentum_f32(param.count, param.pointer(Float.self), grad.pointer(Float.self), velocity.pointer(Float.self),
                                 newParam.pointer(Float.self), newVelocity.pointer(Float.self), Float(lr), Float(mu), nesterov ? 1 : 0)
        case .bool: break  // refused by optimizerOperands
        }
        return (newParam, newVelocity)
    }

    /// An optimizer step's operands, made the parameter's dtype (a mask becomes numbers), each
    /// checked to match the parameter's dtype and shape.
    private static func optimizerOperands(_ param: Tensor, _ operands: [(name: String, tensor: Tensor)],
                                          op: String) throws -> [Tensor] {
        guard param.dtype != .bool else { throw TensorError("\(op): the parameter is a bool mask; convert it with float64(mask)") }
        return try operands.map { name, tensor in
            let tensor = tensor.numeric(preferring: param.dtype)
            try checkSameDType(param, tensor, op: op)
            guard tensor.shape == param.shape else {
                throw TensorError("\(op): \(name) has shape \(describe(tensor.shape)) but the parameter has \(describe(param.shape))")
            }
            return tensor
        }
    }

    /// A new contiguous tensor of this one's shape and dtype, for a kernel to fill.
    private func freshLike() -> Tensor { Tensor(validShape: shape, dtype: dtype, count: count) }
}
