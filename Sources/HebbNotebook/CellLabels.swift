// Per-cell labels from a cell's fence info string: ```hebb name=train tol=1e-3 no-compare

import Foundation

/// The options a cell's header can carry. Unknown labels are an error, so a typo never
/// silently turns a check off.
public struct CellLabels: Equatable, Sendable {
    /// `name=NAME`: shown in progress and test reports instead of "cell N".
    public var name: String?
    /// `expect-error="TEXT"`: the cell must fail with an error containing TEXT.
    public var expectedError: String?
    /// `no-compare`: the cell runs, but `hebb test` does not compare its output.
    public var noCompare = false
    /// `tol=X`: relative tolerance for numbers in this cell's output.
    public var relativeTolerance: Double?
    /// `atol=X`: absolute tolerance for numbers in this cell's output.
    public var absoluteTolerance: Double?
    /// `timeout=S`: seconds this cell may run (overrides the run's `--timeout`).
    public var timeout: Double?
    /// `max-output-lines=N`: lines of printed text saved per block (0: all; default 500).
    public var maxOutputLines: Int?

    public init() {}

    static let known = ["name", "expect-error", "no-compare", "tol", "atol", "timeout", "max-output-lines"]

    /// Parses the words after `hebb` in an opening fence. Throws a message (the caller adds
    /// the line number) for unknown, repeated or malformed labels.
    static func parse(_ text: String) throws(LabelError) -> CellLabels {
        var labels = CellLabels()
        var seen: Set<String> = []
        for (key, value) in try words(text) {
            guard seen.insert(key).inserted else { throw LabelError("label '\(key)' is given twice") }
            try labels.apply(key, value)
        }
        return labels
    }

    private mutating func apply(_ key: String, _ value: String?) throws(LabelError) {
        switch key {
        case "name": name = try required(key, value)
        case "expect-error": expectedError = try required(key, value)
        case "no-compare":
            guard value == nil else { throw LabelError("label 'no-compare' takes no value") }
            noCompare = true
        case "tol": relativeTolerance = try number(key, value)
        case "atol": absoluteTolerance = try number(key, value)
        case "timeout":
            let seconds = try number(key, value)
            guard seconds > 0 else { throw LabelError("label 'timeout' must be positive") }
            timeout = seconds
        case "max-output-lines":
            guard let text = value, let lines = Int(text), lines >= 0 else {
                throw LabelError("label 'max-output-lines' needs a whole number of lines, like max-output-lines=2000 (0: all)")
            }
            maxOutputLines = lines
        default:
            throw LabelError("unknown cell label '\(key)' (known: \(CellLabels.known.joined(separator: ", ")))")
        }
    }

    private func required(_ key: String, _ value: String?) throws(LabelError) -> String {
        guard let value, !value.isEmpty else { throw LabelError("label '\(key)' needs a value: \(key)=\"...\"") }
        return value
    }

    private func number(_ key: String, _ value: String?) throws(LabelError) -> Double {
        guard let text = value, let number = Double(text), number.isFinite, number >= 0 else {
            throw LabelError("label '\(key)' needs a non-negative number, like \(key)=1e-3")
        }
        return number
    }

    /// Splits `key`, `key=value` and `key="quoted value"` words (`\"` and `\\` escape).
    static func words(_ text: String) throws(LabelError) -> [(String, String?)] {
        var result: [(String, String?)] = []
        var characters = Array(text)[...]
        while true {
            while let first = characters.first, first == " " || first == "\t" { characters.removeFirst() }
            guard !characters.isEmpty else { return result }
            var key = ""
            while let first = characters.first, first != " ", first != "\t", first != "=" {
                key.append(first); characters.removeFirst()
            }
            guard characters.first == "=" else { result.append((key, nil)); continue }
            characters.removeFirst()
            guard !key.isEmpty else { throw LabelError("a label value without a name") }
            result.append((key, try value(&characters, key: key)))
        }
    }

    private static func value(_ characters: inout ArraySlice<Character>, key: String) throws(LabelError) -> String {
        var value = ""
        guard characters.first == "\"" else {
            while let first = characters.first, first != " ", first != "\t" { value.append(first); characters.removeFirst() }
            return value
        }
        characters.removeFirst()
        while let first = characters.popFirst() {
            if first == "\"" { return value }
            if first == "\\", let next = characters.popFirst() { value.append(next) } else { value.append(first) }
        }
        throw LabelError("unclosed quote in label '\(key)'")
    }

    /// The labels as fence words, in a fixed order (used by exports).
    var descriptions: [String] {
        var words: [String] = []
        if let name { words.append("name=\(CellLabels.quoted(name))") }
        if let expectedError { words.append("expect-error=\(CellLabels.quoted(expectedError))") }
        if noCompare { words.append("no-compare") }
        if let relativeTolerance { words.append("tol=\(relativeTolerance)") }
        if let absoluteTolerance { words.append("atol=\(absoluteTolerance)") }
        if let timeout { words.append("timeout=\(timeout)") }
        if let maxOutputLines { words.append("max-output-lines=\(maxOutputLines)") }
        return words
    }

    private static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "\t" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// A problem with a cell's labels; the parser adds the file and line.
struct LabelError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
