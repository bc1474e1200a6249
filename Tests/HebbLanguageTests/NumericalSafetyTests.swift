// Numerical safety: softmax, log_softmax and cross_entropy with logits of ±1000 (values and
// gradients finite and right), log(0) = -inf in user code, and `hebb run --check-finite`
// naming the first op and line that made a NaN or an infinity.

import Foundation
import Testing

struct NumericalSafetyTests {
    /// Logits with ±1000 in them; row 1 has two close large values so its softmax is not one-hot.
    private let setup = """
        Z = tensor([[1000, -1000, 0], [-1000, 1000, 999]])
        labels = tensor([0, 2])
        T = onehot(labels, 3)

        """

    /// log(1 + e^-1), the part of the second row's cross-entropy that is not a whole number.
    private let softplusMinusOne = Foundation.log(1 + Foundation.exp(-1.0))

    @Test func softmaxAndLogSoftmaxOfHugeLogits() throws {
        let values = try HebbRun().numbers(setup + """
            S = softmax(Z)
            L = log_softmax(Z)
            [S[0, 0], S[0, 1], S[0, 2], S[1, 1], S[1, 2], L[0, 0], L[0, 1], L[0, 2], L[1, 0], L[1, 1], L[1, 2]]
            """)
        let p = 1 / (1 + Foundation.exp(-1.0))   // e^1000 / (e^1000 + e^999)
        let expected = [1, 0, 0, p, 1 - p, 0, -2000, -1000, -2000 - softplusMinusOne, -softplusMinusOne, -1 - softplusMinusOne]
        #expect(values.count == expected.count)
        for (value, want) in zip(values, expected) {
            #expect(Swift.abs(value - want) <= 1e-12 * Swift.max(1, Swift.abs(want)), "\(value) != \(want)")
        }
    }

    @Test func gradientsOfSoftmaxAndLogSoftmaxStayFinite() throws {
        let values = try HebbRun().numbers(setup + """
            R = tensor([[1, 2, 3], [4, 5, 6]])
            gs = grad(sum(softmax(Z) * R), Z)
            gl = grad(sum(log_softmax(Z) * R), Z)
            S = softmax(Z)
            # d/dZ sum(R * log_softmax(Z)) = R - softmax(Z) * sum(R, axis: 1)
            expected_gl = R - S * sum(R, axis: 1, keepdims: true)
            [sum(isnan(gs)) + sum(isnan(gl)), max(abs(gl - expected_gl)), max(abs(gs))]
            """)
        #expect(values.count == 3)
        #expect(values.first == 0, "NaN in a gradient")
        #expect(values.dropFirst().first.map { $0 < 1e-12 } == true)
        #expect(values.last.map { $0.isFinite && $0 < 1 } == true)
    }

    @Test func crossEntropyOnHugeLogits() throws {
        // Row 0: the target's logit is the largest, J = 0. Row 1: target logit 999 next to 1000.
        let values = try HebbRun().numbers(setup + """
            J = cross_entropy(Z, T)
            G = grad(J, Z)
            J_labels = cross_entropy(Z, labels)
            S = softmax(Z)
            [J, J_labels, max(abs(G - (S - T))), sum(isnan(G))]
            """)
        #expect(values.count == 4)
        let expectedCost = 1 + softplusMinusOne
        #expect(Swift.abs(values[0] - expectedCost) < 1e-12)
        #expect(Swift.abs(values[1] - expectedCost) < 1e-12)
        #expect(values[2] < 1e-15)
        #expect(values[3] == 0)
    }

    /// The probability form: probabilities of exactly 0 (softmax of ±1000) where the target
    /// is 0 must not make 0 * log(0) = NaN, in the value or the gradient.
    @Test func crossEntropyOnSaturatedProbabilities() throws {
        let values = try HebbRun().numbers(setup + """
            P = softmax(Z)
            J = cross_entropy(P, T, logits: false)
            G = grad(J, Z)
            S = softmax(Z)
            [J, max(abs(G - (S - T))), sum(isnan(G))]
            """)
        #expect(values.count == 3)
        #expect(Swift.abs(values[0] - (1 + softplusMinusOne)) < 1e-12, "J = \(values[0])")
        #expect(values[1] < 1e-12, "gradient off by \(values[1])")
        #expect(values[2] == 0)
    }

    @Test func binaryCrossEntropyOnSaturatedSigmoid() throws {
        let values = try HebbRun().numbers("""
            z = tensor([1000, -1000, 0.5])
            t = tensor([1, 0, 1])
            J = binary_cross_entropy(sigmoid(z), t)
            g = grad(J, z)
            expected = sigmoid(z) - t
            [J, max(abs(g - expected)), sum(isnan(g))]
            """)
        #expect(values.count == 3)
        #expect(Swift.abs(values[0] - softplus(-0.5)) < 1e-12, "J = \(values[0])")
        #expect(values[1] < 1e-12)
        #expect(values[2] == 0)
    }

    private func softplus(_ x: Double) -> Double { Foundation.log(1 + Foundation.exp(x)) }

    @Test func logOfZeroIsMinusInfinity() throws {
        let values = try HebbRun().numbers("""
            x = log(tensor([0, 1, 2]))
            P = tensor([[0.5, 0.5], [1, 0]])
            T = tensor([[1, 0], [0, 1]])
            by_hand = -sum(T * log(P))              # the target's probability is 0: +inf, not an error
            [log(0), x[0], x[1], by_hand, -log(tensor(0))]
            """)
        #expect(values == [-.infinity, -.infinity, 0, .infinity, .infinity])
    }

    // MARK: --check-finite (a process-wide switch, so checked through the binary)

    @Test func checkFiniteNamesTheFirstOpAndLine() throws {
        let program = """
            x = tensor([1, 0, 4])
            fn weird(v) {
                return v / v                  # 0 / 0 on line 3
            }
            y = weird(x)
            z = log(y)
            print("finished")
            """
        let checked = try runBinary(["run", "--check-finite"], program)
        #expect(checked.status == 1)
        #expect(checked.stderr.contains(":3:"), "\(checked.stderr)")
        #expect(checked.stderr.contains("div produced nan ("), "\(checked.stderr)")
        #expect(!checked.stdout.contains("finished"))
        let unchecked = try runBinary(["run"], program)
        #expect(unchecked.status == 0)
        #expect(unchecked.stdout.contains("finished"))
    }

    @Test func checkFiniteReportsLogOfZero() throws {
        let checked = try runBinary(["run", "--check-finite"], "a = tensor([2, 0])\nb = a * 3\nc = log(b)\nprint(c)\n")
        #expect(checked.status == 1)
        #expect(checked.stderr.contains(":3:"), "\(checked.stderr)")
        #expect(checked.stderr.contains("log produced -inf"), "\(checked.stderr)")
        // Finite programs are untouched by the check.
        let fine = try runBinary(["run", "--check-finite"], "print(sum(softmax(tensor([1000, -1000]))))\n")
        #expect(fine.status == 0 && fine.stdout == "1.0\n", "\(fine.stdout) \(fine.stderr)")
    }

    private struct BinaryResult { var status: Int32; var stdout: String; var stderr: String }

    /// Writes `program` to a temporary file and runs the built `hebb` on it.
    private func runBinary(_ arguments: [String], _ program: String) throws -> BinaryResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-finite-\(UUID().uuidString).hebb")
        try program.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let binary = try #require(hebbBinary(), "the hebb executable was not built")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + [file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BinaryResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// The `hebb` executable built beside the test bundle (or `$HEBB_BIN`).
func hebbBinary() -> URL? {
    if let path = ProcessInfo.processInfo.environment["HEBB_BIN"] { return URL(fileURLWithPath: path) }
    let bundle = Bundle.main.bundleURL
    let candidates = [bundle.deletingLastPathComponent().appendingPathComponent("hebb"), bundle.appendingPathComponent("hebb"),
                      packageRoot.appendingPathComponent(".build/debug/hebb")]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
