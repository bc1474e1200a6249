// The recurrent cells of stdlib/recurrent.hebb: gradients through lstm/gru/rnn unrolls
// checked against finite differences, the clipping rules, sequence batching and masking,
// (The LSTM-versus-RNN learning test runs the binary in its own process:
// Tests/HebbCLITests/RecurrentLearningTests.swift.)
// The forward values are checked against NumPy in Tests/golden/stdlib_recurrent.hebb.

import Testing

struct RecurrentCellTests {
    private func expectSmallErrors(_ program: String, count: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let errors = try HebbRun(seed: 11).numbers(program, sourceLocation: sourceLocation)
        #expect(errors.count == count, "expected \(count) results", sourceLocation: sourceLocation)
        for error in errors {
            #expect(error < 1e-6, "max relative error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func lstmGradientsThroughAnUnrollMatchFiniteDifferences() throws {
        try expectSmallErrors("""
            cell = lstm_cell(3, 4)
            X = randn(5, 6, 3)
            T = randn(5, 6, 4)
            h0 = 0.1 * randn(5, 4);  c0 = 0.1 * randn(5, 4)
            fn cost(Wx, Wh, b, h0, c0) {
                set_cell_params(cell, [Wx, Wh, b])
                H, state = unroll(cell, X, state: (h0, c0))
                return sum((H - T) ** 2) + sum(state[1] ** 2)
            }
            fn one_step(Wx, Wh, b) {
                set_cell_params(cell, [Wx, Wh, b])
                h, c = lstm_step(cell, X[:, 0, :], (h0, c0))
                return sum(h * h) + sum(c)
            }
            p = cell_params(cell)
            [gradcheck(cost, p + [h0, c0]), gradcheck(one_step, p)]
            """, count: 2)
    }

    @Test func gruAndRnnGradientsThroughMaskedUnrollsMatchFiniteDifferences() throws {
        try expectSmallErrors("""
            X, mask = pad_sequences([randn(4, 2), randn(6, 2), randn(2, 2)])
            T = randn(3, 5)
            gru = gru_cell(2, 5)
            fn gru_cost(Wx, Wh, bx, bh) {
                set_cell_params(gru, [Wx, Wh, bx, bh])
                H, h = unroll(gru, X, mask: mask)
                return sum((h - T) ** 2) + sum(H * H * reshape(mask, 3, 6, 1))
            }
            fn gru_one_step(Wx, Wh, bx, bh) {
                set_cell_params(gru, [Wx, Wh, bx, bh])
                return sum(gru_step(gru, X[:, 0, :], 0.5 * T) ** 2)
            }
            rnn = rnn_cell(2, 5)
            fn rnn_cost(Wx, Wh, b) {
                set_cell_params(rnn, [Wx, Wh, b])
                H, h = unroll(rnn, X, mask: mask)
                return sum((h - T) ** 2)
            }
            [gradcheck(gru_cost, cell_params(gru)), gradcheck(gru_one_step, cell_params(gru)),
             gradcheck(rnn_cost, cell_params(rnn))]
            """, count: 3)
    }

    @Test func maskedUnrollEndsInTheStateAfterEachSequencesLastRealStep() throws {
        let hebb = HebbRun(seed: 3)
        let differences = try hebb.numbers("""
            cell = lstm_cell(2, 3)
            a = randn(5, 2);  b = randn(2, 2)
            X, mask = pad_sequences([a, b])
            H, state = unroll(cell, X, mask: mask)
            Ha, sa = unroll(cell, reshape(a, 1, 5, 2))
            Hb, sb = unroll(cell, reshape(b, 1, 2, 2))
            [max(abs(state[0][0] - sa[0][0])), max(abs(state[1][1] - sb[1][0])), max(abs(H[1, 0:2, :] - Hb[0])),
             sum(mask), shape(X)[1]]
            """)
        #expect(differences.count == 5)
        #expect(differences.prefix(3).allSatisfy { $0 == 0 })
        #expect(differences[3] == 7 && differences[4] == 5)
    }

    @Test func sequenceBatchesPadEachBatchToItsLongestAndKeepTargetsAligned() throws {
        let hebb = HebbRun(seed: 3)
        let values = try hebb.numbers("""
            seqs = [ones(3), 2 * ones(1), 3 * ones(4), 4 * ones(2), 5 * ones(5)]
            Y = tensor([1, 2, 3, 4, 5])
            ok = 0
            total = 0
            for (Xb, Yb, mask) in sequence_batches(seqs, Y, 2) {
                total = total + rows(Xb)
                # every real step of a sequence holds its own target's value; padding is 0
                if all(Xb[:, :, 0] == reshape(Yb, rows(Yb), 1) * mask) { ok = ok + 1 }
            }
            fixed = sequence_batches(randn(7, 4, 3), zeros(7), 3, shuffle: false)
            [ok, total, len(fixed), shape(fixed[2][0])[0], sum(fixed[0][2])]
            """)
        #expect(values == [3, 5, 3, 1, 12])
    }

    @Test func clippingByValueAndByGlobalNorm() throws {
        let hebb = HebbRun(seed: 3)
        let values = try hebb.numbers("""
            g = [tensor([3.0, -4.0]), tensor([[12.0]])]
            c = clip_by_global_norm(g, 6.5)
            small = clip_by_global_norm(g, 100)
            v = clip_by_value(g, 3.5)
            [global_norm(g), global_norm(c), number(c[0][1]), number(c[1][0, 0]), number(small[1][0, 0]),
             number(v[0][0]), number(v[0][1]), number(v[1][0, 0]), number(clip_by_global_norm(tensor([6.0, 8.0]), 5)[1])]
            """)
        // |g| = sqrt(9 + 16 + 144) = 13: scaled by 6.5 / 13 = 1/2; under the limit nothing changes.
        #expect(values == [13, 6.5, -2, 6, 12, 3, -3.5, 3.5, 4])
        #expect(hebb.error("clip_by_global_norm([ones(2)], 0)")?.contains("max_norm must be positive") == true)
        #expect(hebb.error("unroll(lstm_cell(3, 2), randn(4, 5))")?.contains("N×T×3") == true)
        #expect(hebb.error("unroll({W: 1}, randn(4, 5))")?.contains("rnn_cell, lstm_cell or gru_cell") == true)
    }
}
