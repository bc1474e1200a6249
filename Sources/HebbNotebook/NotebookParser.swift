// Reads `.nb` text into a Notebook: finds the ```hebb cells and their output parts and
// keeps everything else as prose, byte for byte. Malformed files throw with a line number.

import Foundation

/// A notebook that cannot be read: `path:line: error: message`.
public struct NotebookError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path; self.line = line; self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): error: \(message)" }
        return "\(path): error: \(message)"
    }
}

extension Notebook {
    /// Parses notebook text. `path` is only used in error messages.
    public init(parsing text: String, path: String = "notebook.nb") throws(NotebookError) {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// Parses raw file bytes: rejects invalid UTF-8 and binary data, unclosed fences,
    /// unknown cell kinds and labels, and output blocks that follow no cell.
    public init(parsing bytes: [UInt8], path: String = "notebook.nb") throws(NotebookError) {
        var parser = NotebookParser(bytes: bytes, path: path)
        try parser.checkText()
        self = try parser.parse()
    }

    /// Reads and parses the notebook file at `path`.
    public static func load(path: String) throws(NotebookError) -> Notebook {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NotebookError(path: path, line: nil, message: "cannot read the file")
        }
        return try Notebook(parsing: [UInt8](data), path: path)
    }
}

/// One line of the file as byte offsets: `start..<contentEnd` is its text without the line
/// ending, `end` is where the next line starts.
struct SourceLine {
    var start: Int
    var contentEnd: Int
    var end: Int
}

/// The parse state: the file's bytes split into lines, scanned top to bottom once.
struct NotebookParser {
    let bytes: [UInt8]
    let path: String
    let lines: [SourceLine]
    private var segments: [Notebook.Segment] = []
    private var proseStart = 0
    private var cellCount = 0

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
        var lines: [SourceLine] = [], start = 0
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            let hasCR = offset > start && bytes[offset - 1] == UInt8(ascii: "\r")
            lines.append(SourceLine(start: start, contentEnd: hasCR ? offset - 1 : offset, end: offset + 1))
            start = offset + 1
        }
        if start < bytes.count { lines.append(SourceLine(start: start, contentEnd: bytes.count, end: bytes.count)) }
        self.lines = lines
    }

    // MARK: - Checks

    /// Rejects control bytes that never occur in text, and invalid UTF-8, by line.
    func checkText() throws(NotebookError) {
        for (index, line) in lines.enumerated() {
            let slice = bytes[line.start..<line.end]
            if let bad = slice.first(where: NotebookParser.isBinaryByte) {
                let hex = String(bad, radix: 16)
                throw error(index, "binary data (byte 0x\(hex.count == 1 ? "0" + hex : hex)); a notebook is UTF-8 text")
            }
            if String(validating: slice, as: UTF8.self) == nil {
                throw error(index, "invalid UTF-8; a notebook is UTF-8 text")
            }
        }
    }

    /// NUL and the C0 controls other than tab, line feed, vertical tab, form feed,
    /// carriage return and escape.
    static func isBinaryByte(_ byte: UInt8) -> Bool {
        byte < 0x20 && ![0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B].contains(byte)
    }

    func error(_ lineIndex: Int, _ message: String) -> NotebookError {
        NotebookError(path: path, line: lineIndex + 1, message: message)
    }

    // MARK: - Scanning

    mutating func parse() throws(NotebookError) -> Notebook {
        var index = 0
        while index < lines.count {
            let content = text(of: index)
            if let fence = FenceLine.opener(content) {
                index = try handleFence(fence, at: index)
            } else {
                index += 1
            }
        }
        flushProse(upTo: bytes.count)
        return Notebook(segments: segments)
    }

    /// Handles a fence opening on line `index`; returns the line after what it consumed.
    private mutating func handleFence(_ fence: FenceLine, at index: Int) throws(NotebookError) -> Int {
        let word = fence.firstWord
        if word == "hebb" {
            guard fence.indent == 0 && fence.character == "`" else {
                throw error(index, "a ```hebb cell fence must start at the beginning of the line, with backticks")
            }
            return try parseCell(fence, at: index)
        }
        if word.lowercased().hasPrefix("hebb") {
            throw error(index, "unknown cell kind '\(word)' (code cells are ```hebb, followed by labels)")
        }
        if OutputKind.fenceWords.contains(word) {
            throw error(index, "a ```\(word) block must come right after a ```hebb cell (use ```text for example output in prose)")
        }
        guard let close = closingLine(for: fence, after: index) else {
            throw error(index, "unclosed code fence (a line of \(fence.length) or more \(fence.character) closes it)")
        }
        return close + 1
    }

    /// The index of the line that closes `fence` (opened on line `index`), if any.
    private func closingLine(for fence: FenceLine, after index: Int) -> Int? {
        var candidate = index + 1
        while candidate < lines.count {
            if fence.isClosed(by: text(of: candidate)) { return candidate }
            candidate += 1
        }
        return nil
    }

    private mutating func parseCell(_ fence: FenceLine, at index: Int) throws(NotebookError) -> Int {
        let labels: CellLabels
        do { labels = try CellLabels.parse(fence.labelText) } catch { throw self.error(index, error.message) }
        guard let close = closingLine(for: fence, after: index) else {
            throw error(index, "unclosed ```hebb cell (it needs a closing ``` line)")
        }
        flushProse(upTo: lines[index].start)
        let (outputs, outputEnd) = try parseOutputs(after: close)
        cellCount += 1
        let outputEndOffset = outputEnd > close + 1 ? lines[outputEnd - 1].end : lines[close].end
        let cell = Cell(number: cellCount, line: index + 1, labels: labels,
                        openingFence: slice(lines[index].start, lines[index].end),
                        code: slice(lines[index].end, lines[close].start),
                        closingFence: slice(lines[close].start, lines[close].end),
                        outputs: outputs, outputText: slice(lines[close].end, outputEndOffset))
        segments.append(.cell(cell))
        proseStart = outputEndOffset
        return outputEnd
    }

    /// Reads the output part after a cell's closing fence on line `close`: output blocks and
    /// plot lines, possibly separated by blank lines. Returns the items and the index of the
    /// first line after the part (blank lines after the last item stay prose).
    private func parseOutputs(after close: Int) throws(NotebookError) -> ([OutputItem], Int) {
        var items: [OutputItem] = []
        var end = close + 1, index = close + 1
        while true {
            while index < lines.count && text(of: index).allSatisfy({ $0 == " " || $0 == "\t" }) { index += 1 }
            guard index < lines.count else { break }
            let content = text(of: index)
            if let plot = PlotLine.parse(content) {
                items.append(plot); index += 1; end = index
            } else if let fence = FenceLine.opener(content), fence.indent == 0, fence.character == "`",
                      let kind = OutputKind(fenceWord: fence.firstWord) {
                let (item, next) = try parseOutputBlock(fence, kind: kind, at: index)
                items.append(item); index = next; end = index
            } else if let fence = FenceLine.opener(content), OutputKind.reservedFenceWords.contains(fence.firstWord.lowercased()) {
                let known = OutputKind.fenceWords.map { "```" + $0 }.joined(separator: ", ")
                throw error(index, "unknown output block '\(fence.firstWord)' after a cell (output blocks are \(known); "
                            + "put a line of prose between a cell and an example block)")
            } else {
                break
            }
        }
        return (items, end)
    }

    private func parseOutputBlock(_ fence: FenceLine, kind: OutputKind, at index: Int) throws(NotebookError) -> (OutputItem, Int) {
        guard fence.labelText.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw error(index, "unexpected text after ```\(fence.firstWord) (output blocks take no labels)")
        }
        guard let close = closingLine(for: fence, after: index) else {
            throw error(index, "unclosed ```\(fence.firstWord) block (it needs a closing ``` line)")
        }
        let content = (index + 1..<close).map { text(of: $0) }.joined(separator: "\n")
        guard let item = OutputItem(block: kind, content: content) else {
            throw error(index, "a \(kind.rawValue) is not saved as a ```\(fence.firstWord) block")
        }
        return (item, close + 1)
    }

    // MARK: - Text

    private mutating func flushProse(upTo offset: Int) {
        if offset > proseStart { segments.append(.prose(slice(proseStart, offset))) }
        proseStart = offset
    }

    /// Line `index` without its line ending.
    func text(of index: Int) -> String {
        String(decoding: bytes[lines[index].start..<lines[index].contentEnd], as: UTF8.self)
    }

    func slice(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<max(from, to)], as: UTF8.self)
    }
}

/// A Markdown fence line (CommonMark rules: up to 3 spaces of indent, 3 or more backticks or
/// tildes, and for backticks an info string without backticks).
struct FenceLine {
    let indent: Int
    let character: Character
    let length: Int
    /// Everything after the fence characters, trimmed.
    let info: String

    static func opener(_ line: String) -> FenceLine? {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let character = rest.first, character == "`" || character == "~" else { return nil }
        let length = rest.prefix(while: { $0 == character }).count
        guard length >= 3 else { return nil }
        let info = rest.dropFirst(length).trimmingCharacters(in: .whitespaces)
        if character == "`" && info.contains("`") { return nil }
        return FenceLine(indent: indent, character: character, length: length, info: info)
    }

    /// The info string's first word: the cell kind or language.
    var firstWord: String {
        String(info.prefix(while: { $0 != " " && $0 != "\t" }))
    }

    /// The info string after the first word: a cell's labels.
    var labelText: String {
        String(info.dropFirst(firstWord.count))
    }

    /// True when `line` closes this fence: the same character, at least as many, up to
    /// 3 spaces of indent, nothing else but spaces.
    func isClosed(by line: String) -> Bool {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let count = rest.prefix(while: { $0 == character }).count
        return count >= length && rest.dropFirst(count).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// How many backticks open `line` after up to 3 spaces (0 when none).
    static func leadingBackticks(_ line: String) -> Int {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return 0 }
        return line.dropFirst(indent).prefix(while: { $0 == "`" }).count
    }
}

/// The plot reference line the runner writes after a cell: `![alt](NAME.files/cell-3-1.svg)`.
enum PlotLine {
    /// A `.plot` item when `line` is an image line pointing at an SVG in a `.files` folder.
    static func parse(_ line: String) -> OutputItem? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("!["), trimmed.hasSuffix(")"),
              let middle = trimmed.range(of: "](") else { return nil }
        let alt = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<middle.lowerBound])
        var path = String(trimmed[middle.upperBound..<trimmed.index(before: trimmed.endIndex)])
        if path.hasPrefix("<") && path.hasSuffix(">") && path.count >= 2 { path = String(path.dropFirst().dropLast()) }
        guard !alt.contains("]"), !alt.contains("["), path.hasSuffix(".svg"), path.contains(".files/"),
              !path.contains("<"), !path.contains(">") else { return nil }
        return .plot(alt: alt, path: path)
    }
}
