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
        guard param.dtype != .bool else { throw TensorError("rmsprop_update: the parameter is a bool mask; convert it with float64(mask)") }
        let (grad, ms, mom) = (grad.numeric(preferring: param.dtype), ms.numeric(preferring: param.dtype), mom.numeric(preferring: param.dtype))
        for (name, tensor) in [("grad", grad), ("ms", ms), ("mom", mom)] {
            try checkSameDType(param, tensor, op: "rmsprop_update")
            guard tensor.shape == param.shape else {
                throw TensorError("rmsprop_update: \(name) has shape \(describe(tensor.shape)) but the parameter has \(describe(param.shape))")
            }
        }
        let newParam = Tensor(validShape: param.shape, dtype: param.dtype, count: param.count)
        let newMs = Tensor(validShape: param.shape, dtype: param.dtype, count: param.count)
        let newMom = Tensor(validShape: param.shape, dtype: param.dtype, count: param.count)
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
}
