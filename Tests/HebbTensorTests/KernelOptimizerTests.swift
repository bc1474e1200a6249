import Foundation
import Testing
@testable import HebbTensor

/// The fused RMSprop step (a C loop per instruction set) gives, bit for bit, what the
/// formulas give one element at a time in Swift, on a length that leaves a partial vector.
@Suite struct KernelOptimizerTests {
    /// n = 600,001 splits the step across the elementwise threads (chunks of 1 MiB and more).
    @Test(arguments: [DType.float64, .float32], [1037, 600_001])
    func rmspropStepEqualsTheFormulasElementByElement(dtype: DType, n: Int) throws {
        let value = { (i: Int, scale: Double) in scale * Double((i * 7919) % 613 - 300) / 97 }
        let p = try K.t([n], (0..<n).map { value($0, 1) }, dtype: dtype)
        let g = try K.t([n], (0..<n).map { value($0 + 5, 0.3) }, dtype: dtype)
        let ms = try K.t([n], (0..<n).map { 1 + abs(value($0 + 11, 0.01)) }, dtype: dtype)
        let mom = try K.t([n], (0..<n).map { value($0 + 17, 0.001) }, dtype: dtype)
        let (lr, decay, momentum, eps) = (1e-3, 0.99, 0.9, 1e-10)
        // The state is updated in place: these share ms's and mom's storage, so copy-on-write
        // copies them first and the originals keep the values the reference reads.
        var (newMs, newMom) = (ms, mom)
        let newParam = try Tensor.rmspropStep(param: p, grad: g, ms: &newMs, mom: &newMom, lr: lr, decay: decay,
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
        K.expect(newParam, [n], expected.p)
        K.expect(newMs, [n], expected.ms)
        K.expect(newMom, [n], expected.mom)
    }

    /// Adam's fused step equals the stdlib's formulas, each rounded as the separate tensor
    /// ops rounded them (settings converted to the dtype one by one).
    /// n = 600,001 splits the step across the elementwise threads (chunks of 1 MiB and more).
    @Test(arguments: [DType.float64, .float32], [1037, 600_001])
    func adamStepEqualsTheFormulasElementByElement(dtype: DType, n: Int) throws {
        let value = { (i: Int, scale: Double) in scale * Double((i * 7919) % 613 - 300) / 97 }
        let p = try K.t([n], (0..<n).map { value($0, 1) }, dtype: dtype)
        let g = try K.t([n], (0..<n).map { value($0 + 5, 0.3) }, dtype: dtype)
        let m = try K.t([n], (0..<n).map { value($0 + 11, 0.01) }, dtype: dtype)
        let v = try K.t([n], (0..<n).map { abs(value($0 + 17, 0.001)) }, dtype: dtype)
        let (lr, beta1, beta2, eps) = (1e-3, 0.9, 0.999, 1e-8)
        let (c1, c2) = (1 - Foundation.pow(beta1, 7), 1 - Foundation.pow(beta2, 7))
        var (newM, newV) = (m, v)
        let newParam = try Tensor.adamStep(param: p, grad: g, m: &newM, v: &newV, lr: lr, beta1: beta1, beta2: beta2, eps: eps,
                                           correction1: c1, correction2: c2)
        func reference<T: BinaryFloatingPoint>(_: T.Type) -> (p: [Double], m: [Double], v: [Double]) {
            var out: (p: [Double], m: [Double], v: [Double]) = ([], [], [])
            let (pv, gv, mv, vv) = (p.toDoubles(), g.toDoubles(), m.toDoubles(), v.toDoubles())
            for i in 0..<n {
                let gi = T(gv[i])
                let mi = T(beta1) * T(mv[i]) + T(1 - beta1) * gi
                let vi = T(beta2) * T(vv[i]) + T(1 - beta2) * gi * gi
                let update = T(lr) * (mi / T(c1)) / ((vi / T(c2)).squareRoot() + T(eps))
                out.p.append(Double(T(pv[i]) - update)); out.m.append(Double(mi)); out.v.append(Double(vi))
            }
            return out
        }
        let expected = dtype == .float64 ? reference(Double.self) : reference(Float.self)
        K.expect(newParam, [n], expected.p)
        K.expect(newM, [n], expected.m)
        K.expect(newV, [n], expected.v)
    }

    @Test(arguments: [(DType.float64, false), (.float64, true), (.float32, false), (.float32, true)])
    func momentumStepEqualsTheFormulasElementByElement(dtype: DType, nesterov: Bool) throws {
        let n = 1037
        let value = { (i: Int, scale: Double) in scale * Double((i * 7919) % 613 - 300) / 97 }
        let p = try K.t([n], (0..<n).map { value($0, 1) }, dtype: dtype)
        let g = try K.t([n], (0..<n).map { value($0 + 5, 0.3) }, dtype: dtype)
        let velocity = try K.t([n], (0..<n).map { value($0 + 11, 0.01) }, dtype: dtype)
        let (lr, mu) = (0.01, 0.9)
        var newVelocity = velocity
        let newParam = try Tensor.momentumStep(param: p, grad: g, velocity: &newVelocity, lr: lr, mu: mu, nesterov: nesterov)
        func reference<T: BinaryFloatingPoint>(_: T.Type) -> (p: [Double], v: [Double]) {
            var out: (p: [Double], v: [Double]) = ([], [])
            let (pv, gv, vv) = (p.toDoubles(), g.toDoubles(), velocity.toDoubles())
            for i in 0..<n {
                let vi = T(mu) * T(vv[i]) - T(lr) * T(gv[i])
                let pi = nesterov ? T(pv[i]) + T(mu) * vi - T(lr) * T(gv[i]) : T(pv[i]) + vi
                out.p.append(Double(pi)); out.v.append(Double(vi))
            }
            return out
        }
        let expected = dtype == .float64 ? reference(Double.self) : reference(Float.self)
        K.expect(newParam, [n], expected.p)
        K.expect(newVelocity, [n], expected.v)
    }

    /// The operands are checked before any work: both shapes named, a mask refused.
    @Test func optimizerStepsNameMismatchedShapes() throws {
        let p = try K.t([3], [1, 2, 3]), g = try K.t([2], [1, 2])
        #expect(throws: TensorError("adam_update: grad has shape (2,) but the parameter has (3,)")) {
            var (m, v) = (p, p)
            _ = try Tensor.adamStep(param: p, grad: g, m: &m, v: &v, lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8,
                                    correction1: 0.1, correction2: 0.001)
        }
        #expect(throws: TensorError("momentum_update: velocity has shape (2,) but the parameter has (3,)")) {
            var velocity = g
            _ = try Tensor.momentumStep(param: p, grad: p, velocity: &velocity, lr: 0.1, mu: 0.9, nesterov: false)
        }
    }
}
