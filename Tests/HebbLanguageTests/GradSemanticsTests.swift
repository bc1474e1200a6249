// `grad` as a Hebb program sees it: the shapes and order of its results, zeros for
// parameters the cost does not use, clear errors, gradients through user functions,
// closures, loops and branches (against hand-derived values), and updates that are not
// recorded.

import Testing

struct GradSemanticsTests {
    /// Runs a program whose last line is a number (a max |difference|) and expects zero.
    private func expectExact(_ program: String, tolerance: Double = 0, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let values = try HebbRun().numbers(program, sourceLocation: sourceLocation)
        #expect(values.count == 1, sourceLocation: sourceLocation)
        for value in values {
            #expect(value <= tolerance, "difference \(value)", sourceLocation: sourceLocation)
        }
    }

    @Test func resultsFollowTheShapeOfWrt() throws {
        let hebb = HebbRun()
        let output = try hebb.run("""
            W = randn(3, 2);  b = zeros(2);  V = randn(4)
            J = sum((W + b) ** 2)
            g = grad(J, W)
            gs = grad(J, [W, b, V], allow_unused: true)
            gt = grad(J, (b, W))
            gr = grad(J, {weights: W, bias: b})
            print(type(g), shape(g), type(gs), len(gs), shape(gs[0]), shape(gs[1]), shape(gs[2]), type(gt), shape(gt[0]))
            print(keys(gr), shape(gr.weights), shape(gr.bias))
            print(max(abs(gs[0] - 2 * W)), max(abs(gs[1] - sum(2 * W, axis: 0))), max(abs(gs[2])), max(abs(gr.bias - gs[1])))
            """).output
        #expect(output == """
            tensor (3, 2) list 3 (3, 2) (2,) (4,) tuple (2,)
            ["weights", "bias"] (3, 2) (2,)
            0.0 0.0 0.0 0.0

            """)
    }

    /// Theano's DisconnectedInputError, PyTorch's "appears to not have been used in the
    /// graph": silent zeros hide the trap of a cost computed once before a training loop.
    @Test func parameterTheCostDoesNotUseIsAnErrorUnlessAllowed() throws {
        let message = HebbRun().error("""
            W = randn(3, 2);  unused = randn(5, 4)
            g = grad(sum(tanh(W)), [unused, W])
            """) ?? "no error"
        #expect(message.hasPrefix("test1.hebb:2:5: error: grad: the cost does not depend on unused. "), "\(message)")
        #expect(message.contains("allow_unused: true"), "\(message)")
        try expectExact("""
            W = randn(3, 2);  unused = randn(5, 4)
            J = sum(tanh(W))
            g = grad(J, [unused, W], allow_unused: true)
            assert(shape(g[0]) == (5, 4))
            max(abs(g[0]))
            """)
    }

    /// wrt may be an intermediate value: the gradient stops there (dJ/dH, the book's dZ).
    @Test func gradientWithRespectToAnIntermediateValue() throws {
        try expectExact("""
            X = randn(5, 3);  W = randn(3, 4)
            H = X @ W
            J = sum(tanh(H))
            dH, dW = grad(J, [H, W])
            max(abs(dH - (1 - tanh(H) ** 2))) + max(abs(dW - X.T @ dH))
            """, tolerance: 1e-12)
    }

    @Test func nonDifferentiableOpsContributeZero() throws {
        try expectExact("""
            W = randn(4, 3)
            J = sum((W > 0) * 3) + sum(argmax(W, axis: 1)) + sum(sign(W)) + sum(floor(W)) + sum(W == W)
            g1 = grad(J, W)
            J2 = sum(W * (W > 0))            # the mask is a constant: dJ2/dW = mask
            g2 = grad(J2, W)
            max(abs(g1)) + max(abs(g2 - (W > 0)))
            """)
    }

    @Test func clearErrors() throws {
        let hebb = HebbRun()
        try hebb.run("W = randn(3, 2)")
        let cases: [(String, String)] = [
            ("g = grad(W * 2, W)", "test2.hebb:1:5: error: grad: the cost must be a scalar, but it has shape (3, 2); reduce it with sum() or mean()"),
            ("g = grad(sum(W), 3)", "test3.hebb:1:5: error: grad(): wrt must be a tensor variable, not a number"),
            ("g = grad(sum(W), [W, \"b\"])", "test4.hebb:1:5: error: grad(): wrt[1] must be a tensor variable, not a string"),
            ("g = grad(3, W)", "test5.hebb:1:5: error: grad(): the cost must be a tensor computed from the parameters, not a number"),
            ("g = grad(sum(W), none)", "test6.hebb:1:5: error: grad(): wrt must be a tensor variable, not a none"),
        ]
        for (program, expected) in cases {
            let message = hebb.error(program) ?? "no error"
            #expect(message.hasPrefix(expected), "\(program): \(message)")
        }
    }

    @Test func freedCostIsAClearError() throws {
        let hebb = HebbRun()
        let message = hebb.error("""
            W = randn(3, 2)
            J = sum(W * W)
            dW = grad(J, W)
            J2 = J * 2
            dW = grad(J, W)
            """) ?? "no error"
        #expect(message.hasPrefix("test1.hebb:5:6: error: grad: this cost has no history left: it was computed before an earlier grad() call"), "\(message)")
        // Asking twice without using the cost in between is fine (Theano style).
        try expectExact("""
            W = randn(3, 2);  b = randn(2)
            J = sum((W + b) * W)
            dW = grad(J, W)
            db = grad(J, b)
            max(abs(dW - (2 * W + b))) + max(abs(db - sum(W, axis: 0)))
            """)
    }

    @Test func gradientsThroughFunctionsClosuresLoopsAndBranches() throws {
        try expectExact("""
            x = tensor([0.5, -1.5, 2.0])
            fn cube(v) {                         # a loop: v * v * v
                y = v
                for i in range(2) { y = y * v }
                return y
            }
            fn scaler(k) { return fn(v) { return k * v } }   # a closure
            triple = scaler(3)
            fn piecewise(v) {                    # a branch on a value, then a while loop
                if sum(v) > 0 { out = triple(v) } else { out = -v }
                n = 0
                while n < 3 { out = out + v;  n += 1 }
                return out
            }
            J = sum(cube(x)) + sum(piecewise(x))
            g = grad(J, x)
            expected = 3 * x * x + 3 + 3          # sum(x) = 1 > 0: the closure branch
            y = -x
            J2 = sum(piecewise(y))                 # sum(y) < 0: the other branch
            g2 = grad(J2, y)
            max(abs(g - expected)) + max(abs(g2 - (-1 + 3)))
            """, tolerance: 1e-12)
    }

    /// `-=` and friends run with recording off: the updated parameter is a fresh leaf that
    /// a later cost does not trace back through, unlike a plain `W = W - ...` assignment.
    @Test func compoundUpdatesAreNotRecorded() throws {
        try expectExact("""
            W = randn(3)
            W0 = W
            W -= 0.5 * ones(3)
            J = sum(W * W)
            through_update = grad(J, W0, allow_unused: true)   # not recorded: W0 is not reached
            V0 = randn(3)
            V = V0 - 0.5 * ones(3)                 # recorded: V0 is reached
            J2 = sum(V * V)
            through_assignment = grad(J2, V0)
            assert(max(abs(through_assignment - 2 * V)) < 1e-12)
            max(abs(through_update))
            """)
    }

    @Test func noGradEvaluatesWithoutRecording() throws {
        try expectExact("""
            W = randn(3)
            J = no_grad(fn() { return sum(W * W) })
            J_recorded = sum(W * W)
            assert(item(J) == item(J_recorded))
            max(abs(grad(J, W, allow_unused: true)))
            """)
        let message = HebbRun().error("""
            W = randn(3)
            J = no_grad(fn() { return sum(W * W) })
            g = grad(J, W)
            """) ?? "no error"
        #expect(message.hasPrefix("test1.hebb:3:5: error: grad: the cost has no recorded history"), "\(message)")
    }

    /// The same program in two sessions at once gives the same answers as alone: a `grad`
    /// or an update in one never disturbs the other's graph.
    @Test func sessionsRunningAtOnceAreIndependent() async throws {
        let program = """
            W = randn(6, 4);  X = randn(20, 6);  T = onehot(randint(0, 4, 20), 4)
            for step in range(60) {
                J = cross_entropy(X @ W, T)
                W -= 0.05 * grad(J, W)
            }
            [item(cross_entropy(X @ W, T)), item(sum(W))]
            """
        let alone = try HebbRun(seed: 5).numbers(program)
        let results = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<4 { group.addTask { try HebbRun(seed: 5).numbers(program) } }
            var all: [[Double]] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(alone.count == 2)
        for result in results { #expect(result == alone) }
    }
}
