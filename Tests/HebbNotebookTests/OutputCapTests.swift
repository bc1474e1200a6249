// Long printed output: captured in linear time, saved capped with a marker, compared as saved.

import Foundation
import Testing
@testable import HebbNotebook

@Suite struct CappedTextTests {
    func numbered(_ count: Int, final: Bool = true) -> String {
        (1...count).map { "line \($0)" }.joined(separator: "\n") + (final ? "\n" : "")
    }

    @Test func textWithinTheLimitIsKeptWhole() {
        #expect(CappedText.capped(numbered(6), limit: 6) == numbered(6))
        #expect(CappedText.capped(numbered(6, final: false), limit: 6) == numbered(6, final: false))
        #expect(CappedText.capped(numbered(5000), limit: 0) == numbered(5000))
        #expect(CappedText.capped(numbered(5000), limit: nil) == numbered(5000))
    }

    @Test func longTextKeepsItsHeadAndTailAroundAMarker() {
        #expect(CappedText.capped(numbered(10), limit: 4) == "line 1\nline 2\n… 6 lines omitted …\nline 9\nline 10\n")
        #expect(CappedText.capped(numbered(10, final: false), limit: 5)
                == "line 1\nline 2\nline 3\n… 5 lines omitted …\nline 9\nline 10")
    }

    @Test func piecesSplitAnywhereGiveTheSameText() {
        let text = numbered(3000)
        var pieces = CappedText(limit: 100), rng = SeededGenerator(seed: 8)
        var rest = Substring(text)
        while !rest.isEmpty {
            let length = Int.random(in: 1...40, using: &rng)
            pieces.append(String(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        let expected = (1...50).map { "line \($0)\n" }.joined() + "… 2900 lines omitted …\n"
            + (2951...3000).map { "line \($0)\n" }.joined()
        #expect(pieces.text == expected)
        #expect(CappedText.capped(text, limit: 100) == expected)
    }

    /// 200,000 prints took 9.6 s when the captured text was rebuilt on every write.
    @Test func captureIsLinearInWhatIsPrinted() {
        let capture = OutputCapture()
        let start = ContinuousClock.now
        for index in 0..<200_000 { capture.write("step \(index) cost 0.25\n") }
        let taken = capture.take()
        #expect(ContinuousClock.now - start < .seconds(5))
        guard case .text(let text)? = taken.first else { Issue.record("no text"); return }
        #expect(text.contains("… 199500 lines omitted …\nstep 199750 cost 0.25\n"))
        #expect(text.hasSuffix("step 199999 cost 0.25\n"))
    }

    @Test func theLabelTakesAWholeNumber() throws {
        #expect(try CellLabels.parse("max-output-lines=20").maxOutputLines == 20)
        #expect(throws: LabelError.self) { try CellLabels.parse("max-output-lines=-1") }
        #expect(throws: LabelError.self) { try CellLabels.parse("max-output-lines=2.5") }
    }
}

extension ExecutionTests {
    @Test func longOutputsAreSavedCappedAndTestAsSaved() throws {
        write("```hebb\nlines 1200\n```\n\n```hebb max-output-lines=0\nlines 600\n```\n\n```hebb max-output-lines=4\nlines 9\nplot cost\nlines 3\n```\n", to: path)
        _ = try NotebookRunner.run(path: path, options: fakeOptions())
        let saved = try Notebook.load(path: path)
        #expect(saved.cells[0].outputs == [.text((1...250).map { "line \($0)\n" }.joined() + "… 700 lines omitted …\n"
                                                 + (951...1200).map { "line \($0)" }.joined(separator: "\n"))])
        #expect(saved.cells[1].outputs == [.text((1...600).map { "line \($0)" }.joined(separator: "\n"))])
        #expect(saved.cells[2].outputs == [.text("line 1\nline 2\n… 5 lines omitted …\nline 8\nline 9"),
                                           .plot(alt: "line chart: cost", path: "demo.files/cell-3-1.svg"),
                                           .text("line 1\nline 2\nline 3")])
        let (passed, _, lines) = runTester([path])
        #expect(passed == 1, "\(lines)")
    }
}
