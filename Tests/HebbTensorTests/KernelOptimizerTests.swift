import Testing
@testable import HebbTensor

/// The fused RMSprop step (a C loop per instruction set) gives, bit for bit, what the
/// formulas give one element at a time in Swift, on a length that leaves a partial vector.
@Suite struct KernelOptimizerTests {
    @Test(arguments: [DType.float64, .float32])
    func rmspropStepEqualsTheFormulasElementByElement(dtype: DType) throws {
        let n = 1037
        let value = { (i: Int, scale: Double) in scale * Double((i * 7919) % 613 - 300) / 97 }
        let p = try K.t([n], (0..<n).map { value($0, 1) }, dtype: dtype)
        let g = try K.t([n], (0..<n).map { value($0 + 5, 0.3) }, dtype: dtype)
        let ms = try K.t([n], (0..<n).map { 1 + abs(value($0 + 11, 0.01)) }, dtype: dtype)
        let mom = try K.t([n], (0..<n).map { value($0 + 17, 0.001) }, dtype: dtype)
        let (lr, decay, momentum, eps) = (1e-3, 0.99, 0.9, 1e-10)
        let step = try Tensor.rmspropStep(param: p, grad: g, ms: ms, mom: mom, lr: lr, decay: decay,
                                          momentum: momentum, eps: eps)
        func reference<T: BinaryFloatingPoint>(_: T.Type) -> (p: [Double], ms: [Double], mom: [Double]) {
            var out: (p: [Double], ms: [Double], mom: [Double]) = ([], [], [])
            let (lr, decay, momentum, eps) = (T(lr), T(decay), T(momentum), T(eps))
            let (pv, gv, msv, momv) = (p.toDoubles(), g.toDoubles(), ms.toDoubles(), mom.toDoubles())
            for i in 0..<n {
                let gi = T(gv[i])
                let m = decay * T(msv[i]) + (1 - decay) * gi * gi
                let v = momentum * T(momv[i]) + lr * gi / (m + eps).squareRoot()
                out.p.append(Double(T(pv[i]) - v)); out.ms.append(Double(m)); out.mom.append(Double(v))
            }
            return out
        }
        let expected = dtype == .float64 ? reference(Double.self) : reference(Float.self)
        K.expect(step.param, [n], expected.p)
        K.expect(step.ms, [n], expected.ms)
        K.expect(step.mom, [n], expected.mom)
    }
}
