// The LSTM of stdlib/recurrent.hebb learns a task a plain RNN of the same size fails: the
// adding problem (Hochreiter & Schmidhuber), 30 steps of (value, marker), target the sum of
// the two marked values. Predicting the mean gives MSE 1/6 ≈ 0.167. It runs the built binary
// in its own process (about a minute in a debug build), so a stop request meant for another
// test's session in the test process can never reach it.

import Foundation
import Testing

struct RecurrentLearningTests {
    @Test func lstmLearnsTheAddingProblemWhereAPlainRnnOfTheSameSizeFails() throws {
        let program = """
            fn adding_data(n, steps) {
                U = rand(n, steps)
                first = floor(rand(n) * 10)
                second = 10 + floor(rand(n) * (steps - 10))
                M = onehot(first, steps) + onehot(second, steps)
                return (stack([U, M], axis: 2), sum(U * M, axis: 1))
            }
            fn final_h(state) {
                if type(state) == "tuple" { return state[0] }
                return state
            }
            fn train(cell) {
                params = cell_params(cell) + [zeros(cell.hidden, 1), ones(1)]
                opt = adam(lr: 0.02)
                fn predict_sum(params, S) {
                    set_cell_params(cell, params)
                    H, state = unroll(cell, S)
                    return flatten(final_h(state) @ params[-2] + params[-1])
                }
                for it in 1...200 {
                    S, y = adding_data(64, 30)
                    J = mse(predict_sum(params, S), y)
                    params = opt.step(params, clip_by_global_norm(grad(J, params), 1))
                }
                S, y = adding_data(500, 30)
                return number(mse(predict_sum(params, S), y))
            }
            seed(3)
            lstm_error = train(lstm_cell(2, 8))
            seed(3)
            print(lstm_error, train(rnn_cell(2, 8)))

            """
        let run = try BinaryRunner.run([], stdin: program, timeout: 900)
        #expect(run.status == 0, "\(run.stderr)")
        let errors = run.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
        #expect(errors.count == 2, "\(run.stdout)")
        #expect(errors.first ?? 1 < 0.02, "LSTM held-out MSE \(errors.first ?? -1)")
        #expect(errors.last ?? 0 > 0.12, "plain RNN held-out MSE \(errors.last ?? -1)")
    }
}
