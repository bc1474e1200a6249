// Source text, positions and the one error type every layer above the engine throws.

/// A named piece of source text (a file, a REPL line, a notebook cell).
public final class SourceFile: Sendable {
    public let name: String
    public let text: String
    /// Byte offset where each line starts (UTF-8), for line/column lookup.
    public let lineStarts: [Int]
    /// Added to every reported line number: a notebook cell that starts on line 40 of its
    /// file reports errors with file line numbers.
    public let lineOffset: Int
    /// True for the embedded stdlib: an error raised inside it is reported at the user's
    /// call, where the user can act on it.
    public let isLibrary: Bool

    public init(name: String, text: String, lineOffset: Int = 0, isLibrary: Bool = false) {
        self.name = name
        self.text = text
        self.lineOffset = lineOffset
        self.isLibrary = isLibrary
        var starts = [0]
        for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    /// 1-based line and column (in characters) of a UTF-8 byte offset.
    public func location(ofOffset offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let utf8 = Array(text.utf8)
        let start = lineStarts[low]
        let end = min(max(offset, start), utf8.count)
        let column = String(decoding: utf8[start..<end], as: UTF8.self).count + 1
        return (low + 1 + lineOffset, column)
    }

    /// The text of 1-based line `line` (file numbering), without its newline.
    public func lineText(_ line: Int) -> String {
        let index = line - 1 - lineOffset
        guard index >= 0, index < lineStarts.count else { return "" }
        let utf8 = Array(text.utf8)
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : utf8.count
        if end > start, utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: utf8[start..<max(start, end)], as: UTF8.self)
    }
}

/// A half-open range of UTF-8 byte offsets in one `SourceFile`.
public struct SourceSpan: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = max(start, end) }
    /// The smallest span covering both.
    public func merged(with other: SourceSpan) -> SourceSpan {
        SourceSpan(start: min(start, other.start), end: max(end, other.end))
    }
}

/// An error with a message and, when known, where it happened. Syntax errors, runtime
/// errors and engine errors wrapped by the interpreter are all `Diagnostic`s, and one
/// function (`rendered`) prints them.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    /// What stopped the program, so callers decide by kind rather than by message text.
    public enum Kind: String, Sendable {
        /// The source does not parse.
        case syntax
        /// A user error at run time: unknown name, wrong type, shape mismatch, bad file, …
        case runtime
        /// Ctrl-C, a kernel's interrupt, or a watchdog stopped the program.
        case interrupted
        /// A time limit stopped it (a notebook cell's or a script's `--timeout`).
        case timeout
        /// A resource limit refused it: memory (`--max-memory`, HEBB_MAX_ALLOC) or call depth.
        case limit
    }

    public var message: String
    public var kind: Kind
    public var span: SourceSpan?
    public var file: SourceFile?
    /// Extra lines printed after the caret (e.g. a call stack).
    public var notes: [String]

    public init(_ message: String, span: SourceSpan? = nil, file: SourceFile? = nil, notes: [String] = [],
                kind: Kind = .runtime) {
        self.message = message
        self.kind = kind
        self.span = span
        self.file = file
        self.notes = notes
    }

    public var description: String { rendered() }

    /// `file:line:col: error: message`, then the source line and a caret under the span.
    public func rendered() -> String {
        guard let file, let span else { return "error: \(message)" + notes.map { "\n" + $0 }.joined() }
        let (line, column) = file.location(ofOffset: span.start)
        let sourceLine = file.lineText(line)
        let (endLine, endColumn) = file.location(ofOffset: span.end)
        let width = endLine == line ? max(1, endColumn - column) : max(1, sourceLine.count - column + 1)
        var text = "\(file.name):\(line):\(column): error: \(message)\n"
        text += "    " + sourceLine + "\n"
        text += "    " + String(repeating: " ", count: column - 1) + "^" + String(repeating: "~", count: max(0, width - 1))
        for note in notes { text += "\n" + note }
        return text
    }
}
