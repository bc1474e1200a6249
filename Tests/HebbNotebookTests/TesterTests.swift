// `hebb test`: tolerant comparison, timing lines, labels, diffs, promotion.

import Foundation
import Testing
@testable import HebbNotebook

extension ExecutionTests {
    /// Runs the tester with the fake executor and returns (passed, failed, report lines).
    func runTester(_ paths: [String], promote: Bool = false, timeout: Double? = nil, failFast: Bool = false) -> (Int, Int, [String]) {
        var lines: [String] = []
        var options = TestOptions(promote: promote, timeout: timeout, failFast: failFast)
        options.makeExecutor = { output, _ in FakeExecutor(output: output) }
        let (passed, failed) = NotebookTester.test(paths: paths, options: options, output: { lines.append($0) })
        return (passed, failed, lines)
    }

    @Test func savedOutputsWithinToleranceAndTimingLinesPass() {
        write("""
        ```hebb
        print cost 0.123456789 error 3
        print train time: 1.5 s
        print [ 1.  -2.5e-3]
        ```
        ```output
        cost 0.1234568 error 3
        train time: 99 s
        print done # no-compare
        [ 1.0  -0.0025]
        ```

        """, to: path)
        let (passed, failed, lines) = runTester([path])
        #expect(passed == 1 && failed == 0, "\(lines)")
        #expect(lines.first?.hasPrefix("PASS \(path) (1 cells, ") == true)
    }

    @Test func mismatchesPrintAUnifiedDiffWithPathAndCell() {
        write("# T\n\n```hebb name=train\nprint epoch 1 cost 0.5\nprint epoch 2 cost 0.26\nprint done\n```\n```output\nepoch 1 cost 0.5\nepoch 2 cost 0.25\ndone\n```\n", to: path)
        let (passed, failed, lines) = runTester([path])
        #expect(passed == 0 && failed == 1)
        #expect(lines == [
            "FAIL \(path)",
            "  \(path):3: cell 1 (train): output differs",
            "    --- expected",
            "    +++ actual",
            "    @@ -1,5 +1,5 @@",
            "     ```output",
            "     epoch 1 cost 0.5",
            "    -epoch 2 cost 0.25",
            "    +epoch 2 cost 0.26",
            "     done",
            "     ```",
        ])
        #expect(read(path).contains("cost 0.25"), "test never writes")
    }

    @Test func toleranceLabelsOverrideTheDefault() {
        write("```hebb tol=0.05\nprint 0.26\n```\n```output\n0.25\n```\n\n```hebb atol=0.1\nprint 0.001\n```\n```output\n0.05\n```\n", to: path)
        #expect(runTester([path]).0 == 1)
    }

    @Test func expectedErrorLabelsPassOnlyOnTheRightError() {
        write("```hebb expect-error=\"shape mismatch\"\nfail shape mismatch: (2,) vs (3,)\n```\n", to: path)
        #expect(runTester([path]).0 == 1)
        write("```hebb expect-error=\"shape mismatch\"\nfail unknown name\n```\n", to: path)
        let (_, failed, lines) = runTester([path])
        #expect(failed == 1)
        #expect(lines.contains("  \(path):1: cell 1: expected an error containing \"shape mismatch\", but got:"))
        write("```hebb expect-error=\"shape mismatch\"\nprint fine\n```\n", to: path)
        #expect(runTester([path]).2.contains("  \(path):1: cell 1: expected an error containing \"shape mismatch\", but the cell finished"))
    }

    @Test func noCompareCellsRunButAreNotCompared() {
        write("```hebb no-compare\nprint random 0.7\n```\n```output\nrandom 0.1\n```\n", to: path)
        #expect(runTester([path]).0 == 1)
        write("```hebb no-compare\nfail oops\n```\n```output\nrandom 0.1\n```\n", to: path)
        #expect(runTester([path]).1 == 1, "an unexpected error still fails")
    }

    @Test func unexpectedErrorsFail() {
        write("```hebb\nprint a\nfail broken\n```\n```output\na\n```\n", to: path)
        let (_, failed, lines) = runTester([path])
        #expect(failed == 1)
        #expect(lines.contains("  \(path):1: cell 1: error (label the cell expect-error=\"TEXT\" if it is meant to fail):"))
        #expect(lines.contains("      demo.nb:3:1: error: broken"))
    }

    /// `hebb run` saves a cell's error; the saved error must not make `hebb test` pass.
    @Test func savedErrorsStillFail() throws {
        write("```hebb\nprint a\n```\n\n```hebb no-compare\nfail broken\n```\n\n```hebb\nfail also broken\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions(keepGoing: true))
        #expect(read(path).contains("```error\ndemo.nb:9:1: error: broken"), "the run saved the errors")
        let (passed, failed, lines) = runTester([path], promote: true)
        #expect(passed == 0 && failed == 1, "\(lines)")
        #expect(lines.contains("  \(path):8: cell 2: error (label the cell expect-error=\"TEXT\" if it is meant to fail):"))
        #expect(lines.contains("  cell 3 skipped: not run after cell 2 failed"))
    }

    @Test func cellsAfterAFailingCellAreSkipped() {
        write("```hebb\nset x 1\n```\n\n```hebb name=define\nfail broken\nset y 2\n```\n\n```hebb\nget y\n```\n```output\n2\n```\n\n```hebb\nget y\n```\n", to: path)
        let (_, failed, lines) = runTester([path])
        #expect(failed == 1)
        #expect(lines.contains("  cells 3-4 skipped: not run after define failed"))
        #expect(!lines.contains { $0.contains("undefined") || $0.contains("cell 3:") }, "\(lines)")
    }

    @Test func failFastStopsAtTheFirstFailingNotebook() {
        write("```hebb\nfail broken\n```\n", to: folder + "/a.nb")
        write("```hebb\nfail broken\n```\n", to: folder + "/b.nb")
        write("```hebb\nprint a\n```\n```output\na\n```\n", to: folder + "/c.nb")
        #expect(runTester([folder]).1 == 2)
        let (passed, failed, lines) = runTester([folder], failFast: true)
        #expect(passed == 0 && failed == 1)
        #expect(lines.last == "stopped at the first failing notebook (--fail-fast): 2 not run")
    }

    @Test func promoteSavesNewOutputsAndThenPasses() {
        write("```hebb\nprint new\nplot Loss\n```\n```output\nold\n```\n", to: path)
        let (passed, _, lines) = runTester([path], promote: true)
        #expect(passed == 1)
        #expect(lines.contains("  promoted: new outputs saved to \(path)"))
        #expect(read(path) == "```hebb\nprint new\nplot Loss\n```\n```output\nnew\n```\n![line chart: Loss](demo.files/cell-1-1.svg)\n")
        #expect(runTester([path]).0 == 1)
        try? FileManager.default.removeItem(atPath: folder + "/demo.files")
        #expect(runTester([path]).2.contains("  \(path):1: cell 1: plot file demo.files/cell-1-1.svg is missing"))
    }

    /// A plot is compared by its values, not only by its caption.
    @Test func plotsAreComparedByTheirValues() throws {
        write("```hebb\ncurve 9 4 1 0.5\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        #expect(runTester([path]).0 == 1)
        let saved = read(path)
        write(saved.replacingOccurrences(of: "curve 9 4 1 0.5", with: "curve 9 4 1.0000000001 0.5"), to: path)
        #expect(runTester([path]).0 == 1, "round-off within the tolerance passes")
        write(saved.replacingOccurrences(of: "curve 9 4 1 0.5", with: "curve 1 2 3 4"), to: path)
        let (_, failed, lines) = runTester([path])
        #expect(failed == 1)
        #expect(lines.contains("  \(path):1: cell 1: plot demo.files/cell-1-1.svg differs in its plotted values"), "\(lines)")
        #expect(lines.contains("    -y[0]: 9.0 4.0 1.0 0.5"))
        #expect(lines.contains("    +y[0]: 1.0 2.0 3.0 4.0"))
        write(saved.replacingOccurrences(of: "```hebb\ncurve 9 4 1 0.5", with: "```hebb tol=0.2\ncurve 9 4 1.1 0.5"), to: path)
        #expect(runTester([path]).0 == 1, "a cell's tol= label applies to its plots")
        write(saved.replacingOccurrences(of: "curve 9 4 1 0.5", with: "curve 9 4 1 0.5 0.25"), to: path)
        #expect(runTester([path]).1 == 1, "an extra point fails")
    }

    @Test func aPlotFileWithoutDataFailsAndSaysWhy() throws {
        write("```hebb\ncurve 9 4\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        write("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n", to: folder + "/demo.files/cell-1-1.svg")
        let (_, failed, lines) = runTester([path])
        #expect(failed == 1)
        #expect(lines.contains("  \(path):1: cell 1: plot file demo.files/cell-1-1.svg holds no plotted values to compare "
                               + "(an older hebb wrote it): re-run the notebook with `hebb run`"), "\(lines)")
    }

    @Test func foldersAreSearchedAndBadNotebooksCountAsFailures() {
        try? FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        write("```hebb\nprint a\n```\n```output\na\n```\n", to: folder + "/sub/b.nb")
        write("```hebb\nprint a\n```\n```output\na\n```\n", to: folder + "/a.nb")
        write("```hebb\nunclosed\n", to: folder + "/c.nb")
        write("not a notebook", to: folder + "/notes.txt")
        let (passed, failed, lines) = runTester([folder, folder + "/missing.nb"])
        #expect(passed == 2 && failed == 2)
        #expect(lines.contains("  \(folder)/c.nb:1: error: unclosed ```hebb cell (it needs a closing ``` line)"))
        #expect(lines.contains("  \(folder)/missing.nb: error: no such file"))
    }

    @Test func timeoutsFailTheTest() {
        write("```hebb\nsleep 30\n```\n", to: path)
        let (_, failed, lines) = runTester([path], timeout: 0.1)
        #expect(failed == 1)
        #expect(lines.contains("  \(path):1: cell 1: demo.nb:2:1: error: timed out after 0.1 s"))
        write("```hebb name=slow timeout=0.2\nsleep 30\n```\n\n```hebb\nprint a\n```\n", to: path)
        let labelled = runTester([path], timeout: 100).2
        #expect(labelled.contains("  \(path):1: cell 1 (slow): demo.nb:2:1: error: timed out after 0.2 s"), "\(labelled)")
        #expect(labelled.contains("  cell 2 skipped: not run after slow failed"))
    }

    @Test func theTesterHasADefaultTimeout() {
        #expect(TestOptions().timeout == NotebookTester.defaultTimeout)
        #expect(NotebookTester.defaultTimeout >= 120)
    }
}

// MARK: - Comparison and diff

@Suite struct ComparisonTests {
    let tolerance = Tolerance()

    @Test func numbersCompareWithinTolerance() {
        #expect(OutputComparison.linesMatch("cost 1.0000001", "cost 1.0", tolerance: tolerance))
        #expect(!OutputComparison.linesMatch("cost 1.00001", "cost 1.0", tolerance: tolerance))
        #expect(OutputComparison.linesMatch("tiny 1e-12", "tiny -3e-12", tolerance: tolerance))
        #expect(OutputComparison.linesMatch("[[ 1.  -0.5]", "[[1.0000000001 -0.5]", tolerance: Tolerance(relative: 1e-6)))
        #expect(OutputComparison.linesMatch("x 1.5E+03", "x 1500", tolerance: tolerance))
        #expect(OutputComparison.linesMatch("1.e5", "100000", tolerance: tolerance))
    }

    @Test func everythingElseComparesExactly() {
        #expect(!OutputComparison.linesMatch("cost 1.0", "Cost 1.0", tolerance: tolerance))
        #expect(!OutputComparison.linesMatch("a b", "ab", tolerance: tolerance))
        #expect(!OutputComparison.linesMatch("nan", "inf", tolerance: tolerance))
        #expect(OutputComparison.linesMatch("nan inf", "nan   inf", tolerance: tolerance))
        #expect(!OutputComparison.linesMatch("1 2", "1 2 3", tolerance: tolerance))
        #expect(!OutputComparison.linesMatch("W1", "W2", tolerance: tolerance))
    }

    @Test func tokensSplitNumbersFromWords() {
        #expect(OutputComparison.tokens("x-1 [-2.5e-3,") == [.word("x-"), .number(1), .word("["), .number(-0.0025), .word(",")])
        #expect(OutputComparison.tokens("(3, 4)") == [.word("("), .number(3), .word(","), .number(4), .word(")")])
        #expect(OutputComparison.tokens("e.g. ...") == [.word("e.g."), .word("...")])
    }

    @Test func timingLinesAreIgnored() {
        #expect(OutputComparison.isIgnored("epoch time: 0.31 s"))
        #expect(OutputComparison.isIgnored("Time: 3"))
        #expect(OutputComparison.isIgnored("took 3 s # no-compare"))
        #expect(!OutputComparison.isIgnored("time 3"))
    }

    @Test func diffFindsTheSmallestChangeWithContext() {
        let expected = (1...20).map { "line \($0)" }
        var actual = expected
        actual[4] = "line five"
        actual.insert("extra", at: 15)
        let edits = LineDiff.edits(expected, actual, match: ==)
        #expect(LineDiff.unified(edits, context: 1) == [
            "--- expected", "+++ actual",
            "@@ -4,3 +4,3 @@", " line 4", "-line 5", "+line five", " line 6",
            "@@ -15,2 +15,3 @@", " line 15", "+extra", " line 16",
        ])
        #expect(LineDiff.unified(LineDiff.edits(expected, expected, match: ==)).isEmpty)
        #expect(LineDiff.unified(LineDiff.edits([], ["a"], match: ==)) == ["--- expected", "+++ actual", "@@ -0,0 +1,1 @@", "+a"])
    }
}
