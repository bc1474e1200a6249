// The notebook model: a file cut into prose and cells so that printing gives back its bytes.

/// A parsed `.nb` file. Every byte of the file lives in exactly one segment (prose text,
/// or a cell's fences, code and output part), so `printed()` returns the file unchanged
/// until outputs are replaced. See docs/notebook-format.md.
public struct Notebook: Equatable, Sendable {
    public enum Segment: Equatable, Sendable {
        /// Markdown text between cells, exactly as written.
        case prose(String)
        case cell(Cell)
    }

    public var segments: [Segment]

    public init(segments: [Segment]) { self.segments = segments }

    /// The code cells, in file order.
    public var cells: [Cell] {
        segments.compactMap { if case .cell(let cell) = $0 { cell } else { nil } }
    }

    /// The file text: prose, fences, code and output parts concatenated.
    public func printed() -> String {
        segments.map { segment in
            switch segment {
            case .prose(let text): text
            case .cell(let cell): cell.printed()
            }
        }.joined()
    }

    /// The file line where cell `number`'s code starts in the text as printed now.
    public func codeLine(ofCell number: Int) -> Int {
        var line = 1
        for segment in segments {
            switch segment {
            case .prose(let text):
                line += text.utf8.count { $0 == UInt8(ascii: "\n") }
            case .cell(let cell):
                if cell.number == number { return line + 1 }
                line += cell.printed().utf8.count { $0 == UInt8(ascii: "\n") }
            }
        }
        return line
    }

    /// Replaces the outputs of cell `number` (1-based), re-rendering only its output part.
    public mutating func setOutputs(_ outputs: [OutputItem], ofCell number: Int) {
        for index in segments.indices {
            if case .cell(var cell) = segments[index], cell.number == number {
                cell.setOutputs(outputs)
                segments[index] = .cell(cell)
            }
        }
    }
}

/// One code cell: its fences and code as written, its labels, and its saved outputs.
public struct Cell: Equatable, Sendable {
    /// 1-based position among the notebook's code cells.
    public var number: Int
    /// 1-based file line of the opening fence; the code starts on the next line.
    public var line: Int
    public var labels: CellLabels
    /// The opening fence line, line ending included (```` ```hebb tol=1e-3 ````).
    public var openingFence: String
    /// The code lines exactly as in the file, line endings included.
    public var code: String
    /// The closing fence line; its line ending is missing when it ends the file.
    public var closingFence: String
    /// The saved outputs, in order.
    public private(set) var outputs: [OutputItem]
    /// The raw text of the output part (blocks and plot lines after the closing fence).
    public private(set) var outputText: String

    init(number: Int, line: Int, labels: CellLabels, openingFence: String, code: String,
         closingFence: String, outputs: [OutputItem], outputText: String) {
        self.number = number; self.line = line; self.labels = labels
        self.openingFence = openingFence; self.code = code; self.closingFence = closingFence
        self.outputs = outputs; self.outputText = outputText
    }

    /// The name shown in progress and test reports: the `name=` label or "cell N".
    public var name: String { labels.name ?? "cell \(number)" }

    /// The code as the interpreter gets it: CRLF line endings become LF.
    public var source: String { code.replacingCRLF() }

    /// The file line of the code's first line.
    public var codeLine: Int { line + 1 }

    /// "\r\n" when the cell's fence lines end that way, else "\n".
    public var lineEnding: String {
        openingFence.hasSuffix("\r\n") ? "\r\n" : "\n"
    }

    func printed() -> String { openingFence + code + closingFence + outputText }

    /// Replaces the output part with the canonical rendering of `outputs`.
    mutating func setOutputs(_ newOutputs: [OutputItem]) {
        outputs = newOutputs
        // Bytes, not Characters: "\r\n" is one Character, so hasSuffix("\n") would miss it.
        if !newOutputs.isEmpty && closingFence.utf8.last != UInt8(ascii: "\n") { closingFence += lineEnding }
        outputText = OutputItem.render(newOutputs, lineEnding: lineEnding)
    }
}

extension String {
    /// The text with every CRLF turned into LF (lone CRs are kept).
    func replacingCRLF() -> String {
        guard contains("\r\n") else { return self }
        // "\r\n" is one Character in Swift, so split on it as a unit.
        return split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n")
    }
}
