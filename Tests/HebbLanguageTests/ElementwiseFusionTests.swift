// A chain of `+ - * /` over names and numbers runs as one fused op (Compiler+Fusion.swift)
// with the separate ops' bits, forward and backward; anything the fused op does not cover
// runs the separate ops, with their answers and their errors.

import Foundation
import Testing
import HebbTensor
@testable import HebbAutodiff
@testable import HebbLanguage

@Suite struct ElementwiseFusionTests {
    private func isFused(_ hebb: HebbRun, _ name: String) -> Bool {
        guard case .tensor(let variable)? = hebb.session.value(named: name), case .elementwise? = variable.op else { return false }
        return true
    }

    /// Values and gradients, fused and as separate statements (each one op, so not fused),
    /// for sizes below, at and across the chunk size, in both dtypes.
    @Test(arguments: [("float64", 16), ("float32", 16), ("float64", 512), ("float32", 1_300), ("float64", 2_049)])
    func fusedChainsHaveTheSeparateOpsBits(_ dtype: String, _ size: Int) throws {
        let hebb = HebbRun()
        try hebb.run("""
            seed(5)
            a = randn(\(size), dtype: "\(dtype)"); b = randn(\(size), dtype: "\(dtype)") + 3; k = 0.7
            fused = a * b + a
            t = a * b
            separate = t + a
            fused2 = 2 - a / b * k + b / 3
            t1 = a / b
            t2 = t1 * k
            t3 = 2 - t2
            t4 = b / 3
            separate2 = t3 + t4
            """)
        #expect(isFused(hebb, "fused") && isFused(hebb, "fused2"))
        #expect(!isFused(hebb, "separate"))
        #expect(try hebb.run("all(fused == separate) and all(fused2 == separate2)").value == "true")
        // Gradients: a reaches the cost through both expressions and through a * a, which
        // the backward pass visits first, so its gradient adds the fused node's parts to
        // another node's: they must come in the separate ops' order.
        try hebb.run("""
            ga, gb = grad(sum(a * a) + sum(a * b + a) + sum(2 - a / b * k + b / 3), [a, b])
            t = a * b
            u = t + a
            t1 = a / b
            t2 = t1 * k
            t3 = 2 - t2
            t4 = b / 3
            v = t3 + t4
            sa, sb = grad(sum(a * a) + sum(u) + sum(v), [a, b])
            """)
        #expect(try hebb.run("all(ga == sa) and all(gb == sb)").value == "true")
    }

    /// The fused gradient against central differences, with names that have histories of
    /// their own (so the backward pass orders the fused node among others).
    @Test func fusedGradientsMatchFiniteDifferences() throws {
        let hebb = HebbRun()
        try hebb.run("""
            seed(8)
            w = randn(5); x = randn(5) + 4
            fn cost(w) {
                h = tanh(w)
                y = h * x - w / x + h
                return sum(y * y)
            }
            g = grad(cost(w), [w])[0]
            eps = 1e-6
            numeric = []
            for i in 0..<5 {
                e = zeros(5)
                e[i] = eps
                append(numeric, (cost(w + e) - cost(w - e)) / (2 * eps))
            }
            worst = max(abs(g - tensor(numeric)))
            """)
        let worst = try hebb.numbers("worst")
        #expect(worst.count == 1 && worst[0] < 1e-7)
    }

    /// Whatever the fused op does not cover gives the separate ops' answer: numbers,
    /// broadcasting, masks, 0-d tensors, strings; and the same error, at the same place.
    @Test func everythingElseRunsTheSeparateOps() throws {
        let hebb = HebbRun()
        try hebb.run("""
            x = 2; y = 3
            n = x * y + x
            a = tensor([[1, 2], [3, 4]]); row = tensor([10, 20]); m = a > 2; s = tensor(5)
            broadcast = a * row + a
            masked = m * a + a
            scalar = s * s + s
            numbers = x * a - y * a
            mixed = x * a + a
            """)
        #expect(try hebb.run("n").value == "8")
        #expect(!isFused(hebb, "broadcast") && !isFused(hebb, "masked"))
        #expect(isFused(hebb, "scalar") && isFused(hebb, "numbers") && isFused(hebb, "mixed"))
        #expect(try hebb.run("all(mixed == 3 * a)").value == "true")
        #expect(try hebb.run("all(broadcast == tensor([[11, 42], [33, 84]])) and all(masked == tensor([[1, 2], [6, 8]]))").value == "true")
        #expect(try hebb.run("scalar == 30 and all(numbers == -a)").value == "true")
        // A step of two numbers: literals (folded by the separate ops) or names holding numbers.
        try hebb.run("literals = a * (2 * 3) + a\nnamed = x * y * a - a")
        #expect(!isFused(hebb, "literals") && !isFused(hebb, "named"))
        #expect(try hebb.run("all(literals == 7 * a) and all(named == 5 * a)").value == "true")
        let misfit = "p = tensor([1, 2, 3])\nq = p * a + p"
        let fusedError = hebb.error(misfit)
        hebb.session.checksFinite = true   // no fusion: the separate ops
        let separateError = hebb.error(misfit)
        hebb.session.checksFinite = false
        // The same message at the same line and column (each run is a file of its own name).
        func located(_ error: String?) -> String? { error?.replacingOccurrences(of: #"test\d+\.hebb"#, with: "test.hebb", options: .regularExpression) }
        #expect(fusedError != nil && located(fusedError) == located(separateError), "\(fusedError ?? "") vs \(separateError ?? "")")
        #expect(hebb.error("z = a * undefined_name + a")?.contains("undefined_name") == true)
        #expect(hebb.error("z = a * \"text\" + a")?.contains("cannot apply") == true)
    }

    /// Operands in every kind of place: globals, a function's own variables, an enclosing
    /// function's (the general path), and a name the expression rebinds (`a = a * b + a`:
    /// its old value, an operand, is released only after the op).
    @Test func operandsFromEveryKindOfName() throws {
        let hebb = HebbRun()
        try hebb.run("""
            seed(3)
            a = randn(3, 4); b = randn(3, 4)
            fn local(p, q) { return p * q + p }
            fn outer(p) {
                fn inner(q) { return p * q + p }
                return inner
            }
            expected = a * b + a
            fromLocals = local(a, b)
            fromEnclosing = outer(a)(b)
            c = a
            for i in 1...3 { c = c * b + c }
            d = ((a * b + a) * b + (a * b + a)) * b + ((a * b + a) * b + (a * b + a))
            """)
        #expect(try hebb.run("all(fromLocals == expected) and all(fromEnclosing == expected) and all(c == d)").value == "true")
        #expect(isFused(hebb, "fromLocals") && isFused(hebb, "fromEnclosing") && isFused(hebb, "c"))
        let g = try hebb.run("g = grad(sum(local(a, b)), [a, b])\nall(g[0] == b + 1) and all(g[1] == a)")
        #expect(g.value == "true")
        #expect(hebb.error("fn f(p, q) { return p * q + p }\nf(a, ones(2, 2))")?.contains("mul: shapes (3, 4) and (2, 2) cannot be broadcast") == true)
    }

    /// `--check-finite` still names the op that made the NaN.
    @Test func checkFiniteNamesTheSeparateOp() throws {
        let hebb = HebbRun()
        hebb.session.checksFinite = true
        try hebb.run("a = tensor([0, 1]); b = tensor([0, 2])")
        let message = hebb.error("c = a / b + a")
        #expect(message?.contains("div produced nan") == true)
    }

    /// Programs are checked when made: a step of two constants, an operand out of range,
    /// a step used twice or an op that does not fuse is refused.
    @Test func malformedProgramsAreRefused() {
        typealias Program = Tensor.ElementwiseProgram
        #expect(Program(steps: [.init(.add, .constant(1), .constant(2))], inputCount: 0) == nil)
        #expect(Program(steps: [.init(.add, .input(1), .constant(2))], inputCount: 1) == nil)
        #expect(Program(steps: [.init(.mul, .input(0), .input(0)), .init(.add, .step(0), .step(0))], inputCount: 1) == nil)
        #expect(Program(steps: [.init(.pow, .input(0), .constant(2))], inputCount: 1) == nil)
        #expect(Program(steps: [.init(.mul, .input(0), .input(0)), .init(.add, .step(0), .input(0))], inputCount: 1) != nil)
    }
}
