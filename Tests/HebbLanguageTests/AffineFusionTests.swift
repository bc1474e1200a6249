// The affine node (`act(A @ B [+ C @ D] + b)` compiled to one graph node, Compiler+Affine):
// the same bits as the separate ops, forward and backward; one node where it applies; the
// separate ops, with their own errors, where it does not; names looked up when the code runs.

import Testing
@testable import HebbLanguage

struct AffineFusionTests {
    /// Operands of every kind the node takes: f64 and f32, transposes as flags, a bias as a
    /// row, a 1×n row or a whole matrix.
    private static let setup = """
        seed(7)
        X = randn(9, 5); W = randn(5, 4); b = randn(4); h = randn(9, 6); Wh = randn(6, 4)
        B = randn(9, 4); A = randn(5, 9); R = randn(9, 4)
        """

    /// `expression` fails, with the message `--check-finite` gives (it never joins ops).
    private func expectTheSeparateOpsError(_ expression: String, after setup: String,
                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fusing = HebbRun(), separate = HebbRun()
        separate.session.checksFinite = true
        try fusing.run(setup)
        try separate.run(setup)
        let message = fusing.error(expression)
        #expect(message != nil, sourceLocation: sourceLocation)
        #expect(message == separate.error(expression), sourceLocation: sourceLocation)
    }

    /// Each case: an expression of the operands; its value and gradients must match those of
    /// the same arithmetic written as separate statements (which no pattern joins).
    private static let cases: [(fused: String, separate: String)] = [
        ("tanh(X @ W + h @ Wh + b)", "p = X @ W; q = h @ Wh; s = p + q; s = s + b; tanh(s)"),
        ("relu(X @ W + b)", "p = X @ W; s = p + b; relu(s)"),
        ("sigmoid(A.T @ W + B)", "p = A.T @ W; s = p + B; sigmoid(s)"),
        ("X @ W + b.reshape(1, 4)", "p = X @ W; p + b.reshape(1, 4)"),
        ("relu(transpose(A) @ W + h @ Wh.T.T + b)", "p = transpose(A) @ W; q = h @ Wh.T.T; s = p + q; s = s + b; relu(s)"),
        ("tanh(float32(X) @ float32(W) + float32(b))", "p = float32(X) @ float32(W); s = p + float32(b); tanh(s)"),
    ]

    @Test(arguments: cases)
    func theSameBitsAsTheSeparateOps(_ fused: String, _ separate: String) throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        var statements = separate.components(separatedBy: "; ")
        let last = statements.removeLast()
        let output = try hebb.run("""
            fn separate_value() {
            \(statements.joined(separator: "\n"))
            return \(last)
            }
            y = \(fused)
            weights = tensor(R, dtype: y.dtype)
            J1 = sum((\(fused)) * weights); J2 = sum(separate_value() * weights)
            g1 = grad(J1, [X, W, b, h, Wh, B, A], allow_unused: true)
            g2 = grad(J2, [X, W, b, h, Wh, B, A], allow_unused: true)
            same = J1 == J2
            for i in range(len(g1)) { same = same and all(g1[i] == g2[i]) }
            print(same, all(\(fused) == separate_value()))
            """).output
        #expect(output == "true true\n", "\(fused)")
    }

    /// sum(A * B): the same loss and gradients as the product and the sum written apart.
    @Test func sumOfAProductHasTheSeparateOpsBits() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        let output = try hebb.run("""
            B32 = float32(B); R32 = float32(R)
            J1 = sum(tanh(X @ W + b) * R) + float64(sum(B32 * R32))
            p = tanh(X @ W + b) * R; q = B32 * R32
            J2 = sum(p) + float64(sum(q))
            g1 = grad(J1, [X, W, b, B32, R32]); g2 = grad(J2, [X, W, b, B32, R32])
            same = J1 == J2
            for i in range(len(g1)) { same = same and all(g1[i] == g2[i]) }
            print(same, sum(2 * 3), sum(X * 2) == sum((X * 2) + 0))
            """).output
        #expect(output == "true 6.0 True\n")
        let before = hebb.liveNodes
        try hebb.run("s = sum(X * A.T)")
        #expect(hebb.liveNodes - before == 2)   // the transpose and the sum, no product node
    }

    @Test(arguments: ["sum(X * W)", "sum(X * no_such_name)", "sum(X * float32(X))", "sum(X * [1, 2])"])
    func aProductThatDoesNotFitGivesTheSeparateOpsErrors(_ expression: String) throws {
        try expectTheSeparateOpsError(expression, after: Self.setup)
    }

    /// relu(conv2d(x, w, bias: b)) and the other activations: one layer node, the separate
    /// ops' value and gradients to the bit.
    @Test(arguments: ["relu", "tanh", "sigmoid"], ["float64", "float32"])
    func aConvolutionLayerHasTheSeparateOpsBits(_ activation: String, _ dtype: String) throws {
        let hebb = HebbRun()
        let output = try hebb.run("""
            seed(11)
            x = randn(3, 2, 8, 8, dtype: "\(dtype)"); w = randn(4, 2, 3, 3, dtype: "\(dtype)")
            b = randn(4, dtype: "\(dtype)"); G = randn(3, 4, 4, 4, dtype: "\(dtype)")
            fn separate() {
                c = conv2d(x, w, stride: 2, padding: 1)
                c = c + b.reshape(1, 4, 1, 1)
                return \(activation)(c)
            }
            J1 = sum(\(activation)(conv2d(x, w, stride: 2, padding: 1, bias: b)) * G)
            J2 = sum(separate() * G)
            g1 = grad(J1, [x, w, b]); g2 = grad(J2, [x, w, b])
            same = J1 == J2
            for i in range(3) { same = same and all(g1[i] == g2[i]) }
            print(same, all(conv2d(x, w, bias: b) == conv2d(x, w) + b.reshape(1, 4, 1, 1)))
            """).output
        #expect(output == "true true\n")
        let before = hebb.liveNodes
        try hebb.run("y = \(activation)(conv2d(x, w, bias: b))")
        #expect(hebb.liveNodes - before == 1)
    }

    /// A first layer (no gradient for its input) takes its filter and bias gradients in one
    /// pass: the same bits as the separate ops', for one image, several in one product, more
    /// images than one product takes (100 images of 8×8: products of 41, 41 and 18), and
    /// images of one product each (4 of 64×64).
    @Test(arguments: ["relu", "tanh", "none"], ["(3, 2, 8, 8)", "(1, 2, 8, 8)", "(100, 2, 8, 8)", "(4, 2, 64, 64)"])
    func aFirstConvolutionLayerHasTheSeparateOpsGradients(_ activation: String, _ shape: String) throws {
        let layer = activation == "none" ? "conv2d(x, w, bias: b)" : "\(activation)(conv2d(x, w, bias: b))"
        let separate = activation == "none" ? "conv2d(x, w) + b.reshape(1, 4, 1, 1)" : "\(activation)(conv2d(x, w) + b.reshape(1, 4, 1, 1))"
        let output = try HebbRun().run("""
            seed(5)
            x = randn\(shape); w = randn(4, 2, 3, 3); b = randn(4)
            y = \(layer)
            G = randn(y.shape)
            J1 = sum(y * G); J2 = sum((\(separate)) * G)
            ref = grad(J2, [w, b])
            both = grad(J1, [w, b]); filters = grad(J1, w); bias = grad(J1, b)
            print(all(J1 == J2), all(both[0] == ref[0]), all(both[1] == ref[1]), all(filters == ref[0]), all(bias == ref[1]))
            """).output
        #expect(output == "true true true true true\n")
    }

    @Test(arguments: ["relu(conv2d(X4, W4, bias: randn(3)))", "relu(conv2d(X4, W4, bias: float32(randn(4))))",
                      "conv2d(X4, W4, activation: \"softmax\")", "relu(conv2d(X4, randn(4, 3, 3, 3)))",
                      "relu(conv2d(X4, randn(4, 3, 3, 3), bias: randn(2)))",   // the convolution's error first
                      "conv2d(X4, randn(4, 3, 3, 3), bias: \"b\")", "conv2d(X4, W4, bias: 0.5)"])
    func aConvolutionLayerThatDoesNotFitGivesTheSeparateOpsErrors(_ expression: String) throws {
        try expectTheSeparateOpsError(expression, after: "X4 = randn(2, 2, 6, 6); W4 = randn(4, 2, 3, 3)")
    }

    @Test func oneNodeWhereSeparateOpsMakeFive() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        let before = hebb.liveNodes
        try hebb.run("y = tanh(X @ W + h @ Wh + b)")
        #expect(hebb.liveNodes - before == 1)
        try hebb.run("z = X @ W + b")
        #expect(hebb.liveNodes - before == 2)
    }

    /// Shapes, dtypes and kinds the node does not take run as separate ops; their errors
    /// are the ones `--check-finite` (which never joins ops) reports, word for word.
    @Test(arguments: [
        "X @ randn(4, 4) + b",                  // products not aligned
        "X @ W + randn(3)",                     // bias does not broadcast
        "X @ W + h @ randn(6, 5) + b",          // products of different shapes
        "X @ W + h @ Wh + no_such_bias",        // unknown name, after the products
        "X @ randn(4, 4) + no_such_bias",       // the product's error comes first
        "X @ W + h @ randn(5, 4) + no_such_bias", // so does the second product's
        "X @ W + float32(b)",                   // mixed dtypes
        "tanh(X @ W + \"text\")",               // a bias that is no tensor
        "relu([1, 2] @ W + b)",                 // a list operand
    ])
    func operandsThatDoNotFitGiveTheSeparateOpsErrors(_ expression: String) throws {
        try expectTheSeparateOpsError(expression, after: Self.setup)
    }

    @Test func operandsThatDoNotFitGiveTheSeparateOpsValues() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        let output = try hebb.run("""
            v = randn(5)
            c = randn(9, 1)
            print(all(tanh(v @ W + b) == tanh((v @ W) * 1 + b)), all(X @ W + c == (X @ W) * 1 + c), all(X @ W + 2 == (X @ W) * 1 + 2))
            """).output
        #expect(output == "true true true\n")
    }

    /// The activation is whatever the name holds when the call runs.
    @Test func namesAreLookedUpWhenTheCodeRuns() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        let output = try hebb.run("""
            act = relu
            print(all(act(X @ W + b) == relu((X @ W) * 1 + b)))
            fn layer(f) { return f(X @ W + b) }
            print(all(layer(sigmoid) == sigmoid((X @ W) * 1 + b)), all(layer(fn(x) { return 2 * x }) == 2 * (X @ W + b)))
            tanh = fn(x) { return x + 100 }
            print(all(tanh(X @ W + b) == (X @ W) * 1 + b + 100))
            sum = fn(x) { return 7 }
            print(sum(B * R))
            """).output
        #expect(output == "true\ntrue true\ntrue\n7\n")
    }

    @Test func withoutRecordingTheNodeIsAPlainValue() throws {
        let hebb = HebbRun()
        try hebb.run(Self.setup)
        let output = try hebb.run("""
            y = no_grad(fn() { return tanh(X @ W + h @ Wh + b) })
            print(all(y == tanh((X @ W) * 1 + h @ Wh + b)))
            """).output
        #expect(output == "true\n")
    }
}
