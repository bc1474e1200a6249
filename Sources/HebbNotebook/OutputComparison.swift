// Tolerant comparison of saved and fresh outputs: numbers within a tolerance, the rest
// exactly, timing lines ignored.

/// How close two numbers must be: |a − b| ≤ max(absolute, relative · max(|a|, |b|)).
public struct Tolerance: Equatable, Sendable {
    public var relative: Double
    public var absolute: Double

    public init(relative: Double = 1e-6, absolute: Double = 1e-9) {
        self.relative = relative
        self.absolute = absolute
    }

    /// The default, with a cell's `tol=` / `atol=` labels applied.
    init(labels: CellLabels) {
        self.init()
        if let relative = labels.relativeTolerance { self.relative = relative }
        if let absolute = labels.absoluteTolerance { self.absolute = absolute }
    }

    func accepts(_ a: Double, _ b: Double) -> Bool {
        if a == b { return true }
        guard a.isFinite, b.isFinite else { return false }
        return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
    }
}

/// A piece of an output line: a number, or a run of other non-space characters.
enum OutputToken: Equatable {
    case number(Double)
    case word(String)
}

enum OutputComparison {
    /// True for lines `hebb test` skips: timing lines (containing `time:`, any case) and
    /// lines marked `# no-compare`.
    static func isIgnored(_ line: some StringProtocol) -> Bool {
        line.lowercased().contains("time:") || line.contains("# no-compare")
    }

    /// The lines that take part in a comparison.
    static func comparedLines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !isIgnored($0) }
    }

    /// True when two lines have the same words and numbers within `tolerance`. Runs of
    /// spaces count as one separator, so column padding that shifts with a number's width
    /// does not matter.
    static func linesMatch(_ expected: String, _ actual: String, tolerance: Tolerance) -> Bool {
        if expected == actual { return true }
        let left = tokens(expected), right = tokens(actual)
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) {
            switch (a, b) {
            case (.number(let x), .number(let y)): if !tolerance.accepts(x, y) { return false }
            case (.word(let x), .word(let y)): if x != y { return false }
            default: return false
            }
        }
        return true
    }

    /// Splits a line into numbers (`-1.5e-3`, `.5`, `2.`) and words; spaces separate tokens.
    static func tokens(_ line: String) -> [OutputToken] {
        var result: [OutputToken] = []
        for chunk in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let characters = Array(chunk)
            var index = 0, word = ""
            while index < characters.count {
                if let (value, end) = number(in: characters, at: index) {
                    if !word.isEmpty { result.append(.word(word)); word = "" }
                    result.append(.number(value))
                    index = end
                } else {
                    word.append(characters[index]); index += 1
                }
            }
            if !word.isEmpty { result.append(.word(word)) }
        }
        return result
    }

    /// The number starting at `start`, if one does, and the index after it. A sign counts
    /// only when it does not follow a letter, digit or closing bracket: `[-1, 2]` holds −1,
    /// while `x-1` is the word `x-` and the number 1.
    static func number(in characters: [Character], at start: Int) -> (Double, Int)? {
        var index = start
        if characters[index] == "-" || characters[index] == "+" {
            if index > 0, let previous = characters[index - 1].unicodeScalars.first,
               previous.properties.isAlphabetic || ("0"..."9").contains(previous) || ")]".unicodeScalars.contains(previous) {
                return nil
            }
            index += 1
        }
        let integerStart = index
        while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
        var digits = index - integerStart
        if index < characters.count, characters[index] == "." {
            index += 1
            let fractionStart = index
            while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
            digits += index - fractionStart
        }
        guard digits > 0 else { return nil }
        index = exponentEnd(characters, after: index)
        var text = String(characters[start..<index])
        if text.hasSuffix(".") { text += "0" }
        text = text.replacingDotBeforeExponent()
        guard let value = Double(text) else { return nil }
        return (value, index)
    }

    /// The end of an exponent like `e-05` after `index`, or `index` when there is none.
    private static func exponentEnd(_ characters: [Character], after index: Int) -> Int {
        guard index < characters.count, characters[index] == "e" || characters[index] == "E" else { return index }
        var end = index + 1
        if end < characters.count, characters[end] == "-" || characters[end] == "+" { end += 1 }
        let digitsStart = end
        while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
        return end > digitsStart ? end : index
    }
}

extension String {
    /// "1.e5" → "1.0e5", which `Double.init` accepts.
    fileprivate func replacingDotBeforeExponent() -> String {
        guard let dot = firstIndex(of: "."), index(after: dot) < endIndex,
              self[index(after: dot)] == "e" || self[index(after: dot)] == "E" else { return self }
        return String(self[...dot]) + "0" + String(self[index(after: dot)...])
    }
}
