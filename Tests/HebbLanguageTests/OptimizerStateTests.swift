// The stdlib optimizers update their state tensors in place when their lists hold the
// only reference (rmsprop_apply, adam_apply, momentum_apply), and only then: values equal
// the per-parameter builtins', a tensor the user also holds keeps its values, and a bad
// operand is reported before any state changes.

import Testing
import HebbTensor
@testable import HebbLanguage

@Suite struct OptimizerStateTests {
    /// Where a list item's elements are in memory.
    private func address(_ hebb: HebbRun, _ list: String, _ index: Int) -> UnsafeMutableRawPointer? {
        guard case .list(let box)? = hebb.session.value(named: list), index < box.items.count,
              case .tensor(let variable) = box.items[index] else { return nil }
        return variable.value.storage.pointer
    }

    static let setup = """
        seed(3)
        W = randn(300, 20); b = randn(20); dW = randn(300, 20); db = randn(20)
        """

    /// The same numbers as the per-parameter builtins, step after step, with the state in
    /// the same memory from the second step on (the first step's state came from ones_like).
    @Test(arguments: ["rmsprop(lr: 0.01, decay: 0.9, momentum: 0.9)", "adam(lr: 0.01)", "momentum(lr: 0.01, mu: 0.9)",
                      "nesterov(lr: 0.01)"])
    func stateIsUpdatedInItsOwnMemory(_ make: String) throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup + "\nopt = \(make)\nP = opt.step([W, b], [dW, db])")
        let stateName = make.hasPrefix("rmsprop") ? "ms" : (make.hasPrefix("adam") ? "m" : "velocity")
        try hebb.run("state = opt.\(stateName)")
        let before = (address(hebb, "state", 0), address(hebb, "state", 1))
        try hebb.run("for i in 1...3 { P = opt.step(P, [dW, db]) }")
        #expect(before.0 != nil && address(hebb, "state", 0) == before.0)
        #expect(before.1 != nil && address(hebb, "state", 1) == before.1)
    }

    /// rmsprop_apply gives rmsprop_update's bits, in both dtypes.
    @Test(arguments: ["float64", "float32"])
    func applyEqualsTheUpdateBuiltin(_ dtype: String) throws {
        let output = try HebbRun().run("""
            seed(4)
            W = randn(40, 7, dtype: "\(dtype)"); g = randn(40, 7, dtype: "\(dtype)")
            ms = [ones_like(W)]; mom = [zeros_like(W)]
            p1, ms1, mom1 = rmsprop_update(W, g, ms[0], mom[0], 0.01, 0.9, 0.5, 1e-8)
            p2 = rmsprop_apply([W], [g], ms, mom, 0.01, 0.9, 0.5, 1e-8)
            m = [zeros_like(W)]; v = [zeros_like(W)]
            q1, m1, v1 = adam_update(W, g, m[0], v[0], 0.01, 0.9, 0.999, 1e-8, 0.1, 0.001)
            q2 = adam_apply([W], [g], m, v, 0.01, 0.9, 0.999, 1e-8, 0.1, 0.001)
            vel = [zeros_like(W) + 0.5]
            r1, vel1 = momentum_update(W, g, vel[0], 0.01, 0.9, nesterov: true)
            r2 = momentum_apply([W], [g], vel, 0.01, 0.9, nesterov: true)
            print(all(p1 == p2[0]), all(ms1 == ms[0]), all(mom1 == mom[0]), all(q1 == q2[0]), all(m1 == m[0]),
                  all(v1 == v[0]), all(r1 == r2[0]), all(vel1 == vel[0]))
            """).output
        #expect(output == "true true true true true true true true\n")
    }

    /// A state tensor the program also holds is copied, not written: the program's keeps its
    /// values (value semantics), and the per-parameter builtins never change their arguments.
    @Test func heldStateKeepsItsValues() throws {
        let output = try HebbRun().run(Self.setup + """

            opt = rmsprop(lr: 0.01, momentum: 0.9)
            P = opt.step([W, b], [dW, db])
            kept = opt.ms[0]; copy = kept * 1
            P = opt.step(P, [dW, db])
            ms = ones_like(W); mom = zeros_like(W)
            p, ms2, mom2 = rmsprop_update(W, dW, ms, mom, 0.01, 0.9, 0.9, 1e-10)
            print(all(kept == copy), not all(opt.ms[0] == kept), all(ms == 1), all(mom == 0))
            """).output
        #expect(output == "true true true true\n")
    }

    /// Every operand is checked before the first update: an error leaves all state as it was.
    @Test func aBadOperandChangesNoState() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup + "\nopt = rmsprop(lr: 0.01)\nP = opt.step([W, b], [dW, db])\nsaved = [opt.ms[0] * 1, opt.mom[0] * 1]")
        let message = hebb.error("P = opt.step(P, [dW, randn(3)])")
        #expect(message?.contains("rmsprop_apply: grads[1] has shape (3,) but params[1] has (20,)") == true, "\(message ?? "")")
        let output = try hebb.run("print(all(opt.ms[0] == saved[0]), all(opt.mom[0] == saved[1]), type(opt.ms[1]))").output
        #expect(output == "true true tensor\n")
        #expect(hebb.error("rmsprop_apply([W], [dW], [W], [W, b], 0.1, 0.9, 0.0, 1e-8)")?
            .contains("rmsprop_apply(): params has 1 items but mom has 2") == true)
        let same = "l = [ones_like(W)]\nrmsprop_apply([W], [dW], l, l, 0.1, 0.9, 0.0, 1e-8)"
        #expect(hebb.error(same)?.contains("'ms' and 'mom' are the same list") == true)
        #expect(hebb.error("rmsprop_apply([W], [dW], [1], [W], 0.1, 0.9, 0.0, 1e-8)")?
            .contains("ms[0] must be a tensor, not a number") == true)
    }
}
