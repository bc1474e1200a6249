// Losses and metrics refuse predictions and targets of different shapes (NumPy
// broadcasting would silently pair every prediction with every target), and errors raised
// inside the stdlib are reported at the user's call.

import Testing

struct LossContractTests {
    /// Each loss or metric, called with a (4, 1) prediction and (4,) targets, as the issue's
    /// XOR net did: the first line of the error is at the user's call and names both shapes.
    @Test(arguments: ["mse", "sse", "binary_cross_entropy", "error_rate", "classification_rate"])
    func columnAgainstVectorIsRefused(_ name: String) throws {
        let run = HebbRun()
        try run.run("p = tensor([[0.9], [0.2], [0.7], [0.4]])\nt = tensor([1, 0, 1, 0])")
        let error = run.error("x = 1\nJ = \(name)(p, t)") ?? "no error"
        let firstLine = error.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("test2.hebb:2:5: error: \(name)(): "), "\(error)")
        #expect(firstLine.contains("has shape (4, 1) but") && firstLine.contains("has shape (4,)"), "\(error)")
        #expect(firstLine.contains("write reshape("), "\(error)")
        #expect(!firstLine.contains("stdlib/"), "the location is the user's line: \(error)")
        #expect(error.contains("raised inside \(name)() at stdlib/losses.hebb:"), "\(error)")
    }

    @Test func differentSizesSayOneTargetPerPrediction() {
        let error = HebbRun().error("mse(zeros(3), zeros(4))") ?? "no error"
        #expect(error.contains("mse(): y has shape (3,) but t has shape (4,); they must have the same shape: give one target per prediction"), "\(error)")
    }

    @Test func matchingShapesAndNumberTargetsStillWork() throws {
        let values = try HebbRun().numbers("""
            y = tensor([[1], [2]])
            t = tensor([[1.5], [2]])
            [mse(y, t), sse(y, t), mse(y, 0), error_rate([1, 0], tensor([1, 1])), classification_rate(tensor([2, 1]), [2, 1])]
            """)
        #expect(values == [0.125, 0.25, 2.5, 0.5, 1])
    }

    @Test func crossEntropyTargets() throws {
        let run = HebbRun()
        try run.run("Z = tensor([[2, 1, 0.1], [0.5, 2.5, -1]])")
        let column = run.error("cross_entropy(Z, tensor([[0], [2]]))") ?? "no error"
        #expect(column.contains("T has shape (2, 1): integer labels must be a vector of shape (2,)"), "\(column)")
        #expect(column.contains("write flatten(T), or onehot(flatten(T), 3)"), "\(column)")
        let rows = run.error("cross_entropy(Z, tensor([0, 2, 1]))") ?? "no error"
        #expect(rows.contains("Z has 2 rows but there are 3 labels"), "\(rows)")
        let other = run.error("cross_entropy(Z, zeros(2, 4))") ?? "no error"
        #expect(other.contains("Z has shape (2, 3) but T has shape (2, 4)"), "\(other)")
    }

    /// An error from a stdlib closure the user holds (an optimizer's step) points at the
    /// user's call too; user-code errors keep their own location.
    @Test func errorsInsideTheStdlibPointAtTheUsersCall() throws {
        let run = HebbRun()
        let median = run.error("v = 1\nm = median([])") ?? "no error"
        #expect(median.hasPrefix("test1.hebb:2:5: error: median() of no values"), "\(median)")
        let own = run.error("fn f() { error(\"mine\") }\nf()") ?? "no error"
        #expect(own.hasPrefix("test2.hebb:1:10: error: mine"), "\(own)")
        #expect(own.contains("in f() called at test2.hebb:2:1"), "\(own)")
    }

    @Test func warningsOnceArePrintedOnce() throws {
        let run = HebbRun()
        let output = try run.run("""
            warn("careful", once: true)
            warn("careful", once: true)
            warn("twice")
            warn("twice")
            """).output
        #expect(output == "warning: careful\nwarning: twice\nwarning: twice\n")
    }
}
