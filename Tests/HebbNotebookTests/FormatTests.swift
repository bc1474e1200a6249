// The .nb format: parsing, labels, output parts, malformed files, and byte-exact round trips.

import Testing
@testable import HebbNotebook

@Suite struct FormatTests {
    static let sample = """
    # Chapter 1

    Some prose with `code` and a fence that is not a cell:

    ```python
    print("not hebb")
    ```

    ```hebb name=setup tol=1e-3
    x = 1 + 2
    x
    ```
    ```output
    hello
    ```
    ```result
    3
    ```
    ![line chart](ch1.files/cell-1-1.svg)

    More prose.

    ```hebb expect-error="shape mismatch" no-compare
    [1, 2] @ [1, 2, 3]
    ```

    """

    @Test func parsesCellsOutputsAndLabels() throws {
        let notebook = try Notebook(parsing: FormatTests.sample)
        let cells = notebook.cells
        #expect(cells.count == 2)
        #expect(cells[0].labels.name == "setup")
        #expect(cells[0].labels.relativeTolerance == 1e-3)
        #expect(cells[0].source == "x = 1 + 2\nx\n")
        #expect(cells[0].line == 9 && cells[0].codeLine == 10)
        #expect(cells[0].outputs == [.text("hello"), .result("3"), .plot(alt: "line chart", path: "ch1.files/cell-1-1.svg")])
        #expect(cells[1].labels.expectedError == "shape mismatch")
        #expect(cells[1].labels.noCompare)
        #expect(cells[1].outputs.isEmpty)
        #expect(cells[1].name == "cell 2")
        #expect(notebook.printed() == FormatTests.sample)
    }

    @Test func replacingOutputsChangesOnlyTheOutputPart() throws {
        var notebook = try Notebook(parsing: FormatTests.sample)
        notebook.setOutputs([.text("new")], ofCell: 1)
        notebook.setOutputs([.error("ch1.nb:24:1: error: shape mismatch")], ofCell: 2)
        let printed = notebook.printed()
        #expect(printed.contains("x\n```\n```output\nnew\n```\n\nMore prose."))
        #expect(printed.hasSuffix("[1, 2] @ [1, 2, 3]\n```\n```error\nch1.nb:24:1: error: shape mismatch\n```\n"))
        let reparsed = try Notebook(parsing: printed)
        #expect(reparsed.cells.map(\.outputs) == [[.text("new")], [.error("ch1.nb:24:1: error: shape mismatch")]])
        notebook.setOutputs([], ofCell: 1)
        #expect(!notebook.printed().contains("new"))
    }

    @Test func outputContainingFencesGetsALongerFence() throws {
        var notebook = try Notebook(parsing: "```hebb\nprint(s)\n```\n")
        let text = "```hebb\nnot a cell\n```"
        notebook.setOutputs([.text(text)], ofCell: 1)
        #expect(notebook.printed() == "```hebb\nprint(s)\n```\n````output\n```hebb\nnot a cell\n```\n````\n")
        #expect(try Notebook(parsing: notebook.printed()).cells.map(\.outputs) == [[.text(text)]])
    }

    @Test func crlfFilesGetCrlfOutputs() throws {
        var notebook = try Notebook(parsing: "Intro\r\n\r\n```hebb\r\nx\r\n```\r\nEnd\r\n")
        #expect(notebook.cells[0].source == "x\n")
        notebook.setOutputs([.text("a\nb")], ofCell: 1)
        #expect(notebook.printed() == "Intro\r\n\r\n```hebb\r\nx\r\n```\r\n```output\r\na\r\nb\r\n```\r\nEnd\r\n")
    }

    @Test func closingFenceAtEndOfFileWithoutNewline() throws {
        var notebook = try Notebook(parsing: "```hebb\nx\n```")
        #expect(notebook.printed() == "```hebb\nx\n```")
        notebook.setOutputs([.result("1")], ofCell: 1)
        #expect(notebook.printed() == "```hebb\nx\n```\n```result\n1\n```\n")
    }

    @Test func fencesInsideProseFencesAreNotCells() throws {
        let text = "````markdown\n```hebb\nx\n```\n````\n~~~\n```hebb\n~~~\n    ```hebb\n"
        let notebook = try Notebook(parsing: text)
        #expect(notebook.cells.isEmpty)
        #expect(notebook.printed() == text)
    }

    @Test func labelsParseQuotedValuesAndRejectUnknownOnes() throws {
        let labels = try CellLabels.parse(#" name="two words" expect-error="say \"hi\"" timeout=2.5 atol=0"#)
        #expect(labels.name == "two words")
        #expect(labels.expectedError == "say \"hi\"")
        #expect(labels.timeout == 2.5 && labels.absoluteTolerance == 0)
        #expect(throws: LabelError.self) { try CellLabels.parse("tolerance=3") }
        #expect(throws: LabelError.self) { try CellLabels.parse("tol=abc") }
        #expect(throws: LabelError.self) { try CellLabels.parse("no-compare no-compare") }
        #expect(throws: LabelError.self) { try CellLabels.parse("name=\"open") }
    }

    // MARK: - Malformed files

    static let malformed: [(String, [UInt8], Int, String)] = [
        ("unclosed cell", Array("# T\n\n```hebb\nx = 1\n".utf8), 3, "unclosed ```hebb cell"),
        ("unclosed output", Array("```hebb\nx\n```\n```output\n1\n".utf8), 4, "unclosed ```output"),
        ("unclosed prose fence", Array("text\n~~~\ncode\n".utf8), 2, "unclosed code fence"),
        ("unknown kind", Array("```hebbx\nx\n```\n".utf8), 1, "unknown cell kind 'hebbx'"),
        ("unknown label", Array("\n```hebb tolerance=2\nx\n```\n".utf8), 2, "unknown cell label 'tolerance'"),
        ("orphan output", Array("Prose\n```output\n1\n```\n".utf8), 2, "must come right after a ```hebb cell"),
        ("indented cell", Array("  ```hebb\nx\n```\n".utf8), 1, "must start at the beginning of the line"),
        ("unknown output block", Array("```hebb\nx\n```\n\n```stdout\n1\n```\n".utf8), 5, "unknown output block 'stdout'"),
        ("jupyter output name", Array("```hebb\nx\n```\n```display_data\n1\n```\n".utf8), 4, "output blocks are ```output, ```result, ```error"),
        ("output labels", Array("```hebb\nx\n```\n```output tol=1\n1\n```\n".utf8), 4, "output blocks take no labels"),
        ("binary junk", [0x61, 0x0A, 0x62, 0x00, 0x01, 0x0A], 2, "binary data (byte 0x00)"),
        ("invalid UTF-8", [0x61, 0x0A, 0x0A, 0xC3, 0x28, 0x0A], 3, "invalid UTF-8"),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedNotebooksReportTheLine(_ index: Int) {
        let (name, input, line, message) = FormatTests.malformed[index]
        do {
            _ = try Notebook(parsing: input, path: "bad.nb")
            Issue.record("\(name): parsed without error")
        } catch {
            #expect(error.line == line, "\(name)")
            #expect(error.description.hasPrefix("bad.nb:\(line): error: "), "\(name)")
            #expect(error.message.contains(message), "\(name): \(error.message)")
        }
    }

    /// Every kind saved as a block parses back to itself, and the block words are exactly
    /// the kinds' words (the parser has no fallback kind).
    @Test func everyBlockKindRoundTrips() throws {
        for kind in OutputKind.allCases {
            guard let word = kind.fenceWord else { continue }
            let notebook = try Notebook(parsing: "```hebb\nx\n```\n```\(word)\nsome text\n```\n")
            let item = try #require(notebook.cells.first?.outputs.first)
            #expect(item.kind == kind)
            #expect(item.rich(directory: ".").text == "some text")
        }
        #expect(OutputKind.fenceWords == ["output", "result", "error"])
        // A language fence right after a cell stays prose.
        let prose = try Notebook(parsing: "```hebb\nx\n```\n```text\nexample\n```\n")
        #expect(prose.cells.first?.outputs.isEmpty == true)
    }

    // MARK: - Round trips

    @Test func parsingThenPrintingGivesBackTheBytes() throws {
        var generator = SeededGenerator(seed: 2024)
        for _ in 0..<400 {
            let text = NotebookGenerator.notebook(&generator)
            let notebook = try Notebook(parsing: text)
            #expect(Array(notebook.printed().utf8) == Array(text.utf8))
        }
    }

    @Test func rerenderedOutputsParseBackToTheSameItems() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            var notebook = try Notebook(parsing: NotebookGenerator.notebook(&generator))
            for cell in notebook.cells {
                notebook.setOutputs(NotebookGenerator.outputs(&generator), ofCell: cell.number)
            }
            let reparsed = try Notebook(parsing: notebook.printed())
            #expect(reparsed.cells.map(\.outputs) == notebook.cells.map(\.outputs))
            #expect(reparsed.cells.map(\.code) == notebook.cells.map(\.code))
            #expect(Array(reparsed.printed().utf8) == Array(notebook.printed().utf8))
        }
    }

    /// Damaged notebooks either fail with a NotebookError or still round-trip; never a trap.
    @Test func mutatedNotebooksFailCleanlyOrRoundTrip() {
        var generator = SeededGenerator(seed: 99)
        for _ in 0..<400 {
            var bytes = Array(NotebookGenerator.notebook(&generator).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                case 2: bytes.insert(contentsOf: Array("\n```\n".utf8), at: position)
                default: bytes.insert(contentsOf: Array("\n```hebb\n".utf8), at: position)
                }
            }
            if let notebook = try? Notebook(parsing: bytes) {
                #expect(Array(notebook.printed().utf8) == bytes)
            }
        }
    }
}

/// Random notebooks with the awkward parts: CRLF and mixed line endings, Unicode, odd
/// Markdown, fences in prose, long fences, blank lines between outputs, no final newline.
enum NotebookGenerator {
    static let words = ["weights", "naïve", "日本語", "🧠", "x²", "tab\there", "a*b*", "`span`", "<b>html</b>",
                        "trailing   ", "\u{00A0}nbsp", "e\u{0301}", "```", "~~~", "time: 3 s", "\r"]

    static func notebook(_ generator: inout SeededGenerator) -> String {
        var lines: [String] = []
        for _ in 0..<Int.random(in: 0...8, using: &generator) {
            switch Int.random(in: 0..<5, using: &generator) {
            case 0, 1: lines += prose(&generator)
            case 2: lines += proseFence(&generator)
            default: lines += cell(&generator)
            }
        }
        let ending = Int.random(in: 0..<3, using: &generator)
        var text = ""
        for line in lines {
            let crlf = ending == 1 || (ending == 2 && Bool.random(using: &generator))
            text += line + (crlf ? "\r\n" : "\n")
        }
        if Bool.random(using: &generator), text.hasSuffix("\n") {
            text.removeLast()
            if text.hasSuffix("\r") { text.removeLast() }
        }
        return text
    }

    static func prose(_ generator: inout SeededGenerator) -> [String] {
        let starts = ["", "# ", "## ", "- ", "1. ", "> ", "    ", "  ", "* ", "<!-- ", "| a | b |"]
        return (0..<Int.random(in: 1...4, using: &generator)).map { _ in
            let start = starts.randomElement(using: &generator) ?? ""
            let count = Int.random(in: 0...5, using: &generator)
            return start + (0..<count).map { _ in words.randomElement(using: &generator) ?? "" }
                .joined(separator: " ").replacingOccurrences("\r", "")
                .replacingOccurrences("`", "'").replacingOccurrences("~", "-")
        }
    }

    /// A non-cell fence in prose, sometimes holding text that looks like a cell.
    static func proseFence(_ generator: inout SeededGenerator) -> [String] {
        let inner = Bool.random(using: &generator) ? ["```hebb", "x = 1", "```", "```output", "1", "```"] : ["plain", ""]
        return Bool.random(using: &generator) ? ["~~~markdown"] + inner + ["~~~"] : ["````text"] + inner + ["````"]
    }

    static func cell(_ generator: inout SeededGenerator) -> [String] {
        let labelChoices = ["", " name=train", " tol=1e-3", " no-compare", " expect-error=\"shape mismatch\"", " atol=0.5 timeout=3"]
        let long = Bool.random(using: &generator)
        let fence = long ? "````" : "```"
        var lines = [fence + "hebb" + (labelChoices.randomElement(using: &generator) ?? "")]
        for _ in 0..<Int.random(in: 0...4, using: &generator) {
            lines.append((long ? "```" : "x = ") + (words.randomElement(using: &generator) ?? "").replacingOccurrences("`", "'").replacingOccurrences("\r", ""))
        }
        lines.append(fence + (Bool.random(using: &generator) ? "" : "  "))
        for _ in 0..<Int.random(in: 0...3, using: &generator) {
            if Bool.random(using: &generator) { lines.append("") }
            let kind = ["output", "result", "error", "plot"].randomElement(using: &generator) ?? "output"
            if kind == "plot" {
                lines.append("![line chart](nb.files/cell-1-\(Int.random(in: 1...9, using: &generator)).svg)")
            } else {
                lines += ["```" + kind] + (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                    (words.randomElement(using: &generator) ?? "").replacingOccurrences("`", "'").replacingOccurrences("\r", "")
                } + ["```"]
            }
        }
        return lines
    }

    static func outputs(_ generator: inout SeededGenerator) -> [OutputItem] {
        (0..<Int.random(in: 0...3, using: &generator)).map { index in
            let text = (0..<Int.random(in: 1...3, using: &generator)).map { _ in words.randomElement(using: &generator) ?? "" }
                .joined(separator: "\n").withoutCarriageReturns()
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: return .text(text)
            case 1: return .result(text)
            case 2: return .error(text)
            default: return .plot(alt: "scatter plot", path: "nb.files/cell-2-\(index + 1).svg")
            }
        }
    }
}

extension String {
    /// The text with every CR scalar removed ("\r\n" is one Character, so filter scalars).
    func withoutCarriageReturns() -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: unicodeScalars.filter { $0 != "\r" })
        return result
    }
}
