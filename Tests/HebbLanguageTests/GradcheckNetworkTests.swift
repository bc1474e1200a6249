// The `gradcheck` builtin over whole networks written in Hebb: each program checks its
// gradients both ways, gradcheck(cost, wrt) (the recorded graph is replayed) and
// gradcheck(fn, wrt) (the function is called again), and returns the two errors.

import Testing

struct GradcheckNetworkTests {
    /// Runs a program whose last line is `[gradcheck(...), ...]` and checks every error.
    private func expectSmallErrors(_ program: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let hebb = HebbRun(seed: 7)
        let errors = try hebb.numbers(program, sourceLocation: sourceLocation)
        #expect(errors.count == count, "expected \(count) gradcheck results", sourceLocation: sourceLocation)
        for error in errors {
            #expect(error < 1e-6, "max relative error \(error)", sourceLocation: sourceLocation)
        }
        // The builtin also prints its report, once per call.
        #expect(hebb.sink.text.components(separatedBy: "gradcheck: max relative error").count - 1 == count,
                sourceLocation: sourceLocation)
    }

    @Test func logisticRegression() throws {
        try expectSmallErrors("""
            X = randn(30, 4)
            Y = (X @ tensor([1, -2, 0.5, 0]) + 0.3 * randn(30)) > 0
            w = 0.1 * randn(4)
            b = tensor(0.2)
            fn cost(w, b) {
                p = sigmoid(X @ w + b)
                return -sum(Y * log(p) + (1 - Y) * log(1 - p))
            }
            J = cost(w, b)
            [gradcheck(J, [w, b]), gradcheck(cost, [w, b]), gradcheck(binary_cross_entropy(sigmoid(X @ w + b), Y), [w, b])]
            """, count: 3)
    }

    @Test func twoLayerSoftmaxNetworkBothCrossEntropyForms() throws {
        try expectSmallErrors("""
            X = randn(12, 5)
            Y = randint(0, 3, 12)
            T = onehot(Y, 3)
            W1 = randn(5, 6) / sqrt(5);  b1 = 0.1 * randn(6)
            W2 = randn(6, 3) / sqrt(6);  b2 = 0.1 * randn(3)
            fn logits(W1, b1, W2, b2) {
                Z = relu(X @ W1 + b1)
                return Z @ W2 + b2
            }
            fn fused(W1, b1, W2, b2) { return cross_entropy(logits(W1, b1, W2, b2), T) }
            fn by_hand(W1, b1, W2, b2) {
                P = softmax(logits(W1, b1, W2, b2))
                return -sum(T * log(P))
            }
            fn with_labels(W1, b1, W2, b2) { return cross_entropy(logits(W1, b1, W2, b2), Y) }
            params = [W1, b1, W2, b2]
            J1 = fused(W1, b1, W2, b2)
            J2 = by_hand(W1, b1, W2, b2)
            [gradcheck(J1, params), gradcheck(fused, params), gradcheck(J2, params), gradcheck(by_hand, params),
             gradcheck(with_labels, params)]
            """, count: 5)
    }

    @Test func threeLayerTanhNetwork() throws {
        try expectSmallErrors("""
            X = randn(10, 4)
            T = randn(10, 2)
            W1 = randn(4, 5) / 2;  b1 = 0.1 * randn(5)
            W2 = randn(5, 5) / 2;  b2 = 0.1 * randn(5)
            W3 = randn(5, 2) / 2;  b3 = 0.1 * randn(2)
            fn cost(W1, b1, W2, b2, W3, b3) {
                H1 = tanh(X @ W1 + b1)
                H2 = tanh(H1 @ W2 + b2)
                return mse(H2 @ W3 + b3, T) + l2_penalty([W1, W2, W3], 0.01)
            }
            params = [W1, b1, W2, b2, W3, b3]
            [gradcheck(cost(W1, b1, W2, b2, W3, b3), params), gradcheck(cost, params)]
            """, count: 2)
    }

    @Test func recurrentNetworkUnrolledInALoop() throws {
        try expectSmallErrors("""
            steps = 5
            xs = randn(steps, 3)            # one 3-d input per step
            target = tensor([0.5, -0.25])
            Wx = randn(3, 4) / 2;  Wh = randn(4, 4) / 2;  Wo = randn(4, 2) / 2
            h0 = zeros(4)
            fn cost(Wx, Wh, Wo) {
                h = h0
                total = 0
                for t in range(steps) {
                    h = tanh(xs[t] @ Wx + h @ Wh)
                    total = total + sum((h @ Wo - target) ** 2)
                }
                return total
            }
            fn last_step_only(Wx, Wh, Wo) {
                h = h0
                t = 0
                while t < steps {
                    h = sigmoid(xs[t, :] @ Wx + Wh.T @ h)
                    t += 1
                }
                return cross_entropy(reshape(h @ Wo, 1, 2), onehot(tensor([1]), 2))
            }
            [gradcheck(cost(Wx, Wh, Wo), [Wx, Wh, Wo]), gradcheck(cost, [Wx, Wh, Wo]),
             gradcheck(last_step_only(Wx, Wh, Wo), [Wx, Wh, Wo]), gradcheck(last_step_only, [Wx, Wh, Wo])]
            """, count: 4)
    }

    @Test func functionWithBranchesClosuresAndLoops() throws {
        try expectSmallErrors("""
            A = randn(4, 4)
            fn make_layer(scale) {
                return fn(W, x) { return scale * tanh(x @ W) }    # a closure over scale
            }
            layer = make_layer(1.5)
            fn cost(W, v) {
                total = 0
                for k in range(4) {
                    if k % 2 == 0 {
                        total = total + sum(layer(W, A[k]) * v)
                    } else if sum(W[k]) > 0 {
                        total = total + sum(exp(0.3 * W[k]))
                    } else {
                        total = total + sum(abs(W[k] - v))
                    }
                    if k == 2 { break }
                }
                return total + mean(maximum(W, 0.05 * W)) + max(v) + min(W @ v)
            }
            W = randn(4, 4)
            v = randn(4)
            [gradcheck(cost(W, v), [W, v]), gradcheck(cost, [W, v])]
            """, count: 2)
    }

    /// Shared weights (an autoencoder with W and W.T) accumulate two contributions.
    @Test func tiedAutoencoderWithSlicingAndConcatenation() throws {
        try expectSmallErrors("""
            X = randn(8, 6)
            W = randn(6, 3) / 2
            b = zeros(3);  c = zeros(6)
            fn cost(W, b, c) {
                Z = sigmoid(X @ W + b)
                R = Z @ W.T + c
                parts = concat([R[:, 0:2], R[:, 2:6]], axis: 1)
                rows_again = parts[[0, 3, 3, 7, 1, 2, 4, 5, 6]]
                return sse(rows_again, X[[0, 3, 3, 7, 1, 2, 4, 5, 6]]) + sum(stack([b, b], axis: 0) ** 2)
            }
            [gradcheck(cost(W, b, c), [W, b, c]), gradcheck(cost, [W, b, c])]
            """, count: 2)
    }

    @Test func convolutionalNetworkWithPooling() throws {
        try expectSmallErrors("""
            X = randn(2, 1, 8, 8)
            Y = tensor([3, 1])
            F1 = randn(4, 1, 3, 3) / 3;  c1 = zeros(1, 4, 1, 1)
            F2 = randn(2, 4, 3, 3) / 6
            W = randn(8, 5) / 3
            fn cost(F1, c1, F2, W) {
                H = relu(conv2d(X, F1, padding: 1) + c1)        # 2×4×8×8
                H = max_pool2d(H, size: 2)                      # 2×4×4×4
                H = tanh(conv2d(H, F2, stride: 2, padding: 1))  # 2×2×2×2
                return cross_entropy(reshape(H, 2, 8) @ W, Y)
            }
            [gradcheck(cost(F1, c1, F2, W), [F1, c1, F2, W]), gradcheck(cost, [F1, c1, F2, W])]
            """, count: 2)
    }

    /// gradcheck can fail: a function whose value does not come from its argument's graph
    /// (a detach inside) shows a large error.
    @Test func gradcheckReportsAWrongGradient() throws {
        let hebb = HebbRun(seed: 7)
        let errors = try hebb.numbers("""
            W = randn(3, 3)
            fn cost(W) { return sum(W * detach(W)) }     # autodiff sees W, the true gradient is 2W
            [gradcheck(cost, W)]
            """)
        #expect(errors.count == 1)
        #expect((errors.first ?? 0) > 1e-2)
    }
}
