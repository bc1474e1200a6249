// The lexer: UTF-8 bytes in, tokens out. Works on byte offsets only (no String.Index), so
// a 10,000-line file lexes in a few milliseconds.

/// What the lexer hands to the parser.
struct LexedFile: Sendable {
    var bytes: [UInt8]
    var tokens: [Token]
    var numbers: [Double]
    var strings: [LexedString]
    var errors: [SyntaxError]
    /// Full-line `#` comments by 0-based line index: the comment text after `#`.
    var lineComments: [Int: String]
    /// The input ended inside a string literal.
    var endsInsideString: Bool

    /// Sorted starts of the errors that garble tokens, for the parser's suppression rule.
    var garblingErrorOffsets: [Int]
}

struct Lexer {
    let bytes: [UInt8]
    let file: SourceFile
    var position = 0
    /// Open brackets at `position`; inside `{expr}` of a string it counts from 0 again.
    var depth: Int32 = 0
    var tokens: [Token] = []
    var numbers: [Double] = []
    var strings: [LexedString] = []
    var errors: [SyntaxError] = []
    var lineComments: [Int: String] = [:]
    /// End of the last token that was not a newline, to tell full-line comments apart.
    var lastTokenEnd = 0
    /// Strings inside `{...}` of other strings, to bound the recursion.
    var stringNesting = 0
    /// Set while re-reading an unterminated string as if it ended at its line's end.
    var stringsEndAtNewline = false
    /// Set when strings nest too deeply: every open string then ends where the error did.
    var abandoningStrings = false
    /// End of the last "invalid character" error, so a run of them is reported once.
    var lastInvalidEnd = -1
    var endsInsideString = false
    /// Kind and end of the last token made (in any token list).
    var lastKind = TokenKind.newline
    var lastEnd = -1

    init(file: SourceFile) {
        self.file = file
        self.bytes = Array(file.text.utf8)
    }

    static func lex(_ file: SourceFile) -> LexedFile {
        var lexer = Lexer(file: file)
        lexer.run()
        return LexedFile(bytes: lexer.bytes, tokens: lexer.tokens, numbers: lexer.numbers,
                         strings: lexer.strings, errors: lexer.errors, lineComments: lexer.lineComments,
                         endsInsideString: lexer.endsInsideString,
                         garblingErrorOffsets: lexer.errors.filter(\.garblesTokens).map(\.span.start).sorted())
    }

    // MARK: - Main loop

    mutating func run() {
        tokens.reserveCapacity(bytes.count / 3)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }   // a UTF-8 byte order mark
        while position < bytes.count {
            switch bytes[position] {
            case .space, .tab, .carriageReturn, .formFeed:
                position += 1
            case .newline:
                if let last = tokens.last, last.kind != .newline {
                    tokens.append(Token(kind: .newline, start: position, end: position + 1, depth: depth))
                }
                position += 1
            case .hash:
                skipComment()
            case .slash where peek(1) == .slash && lastTokenEnd <= file.lineStarts[file.lineIndex(ofOffset: position)]:
                errors.append(SyntaxError(message: "Hebb comments start with '#', not '//'",
                                          span: SourceSpan(start: position, end: position + 2)))
                skipComment()
            default:
                if let token = scanToken() {
                    tokens.append(token)
                    lastTokenEnd = token.end
                }
            }
        }
        tokens.append(Token(kind: .endOfInput, start: bytes.count, end: bytes.count, depth: depth))
    }

    /// Skips a `#` comment; remembers it when it is alone on its line (for doc comments).
    mutating func skipComment() {
        let start = position
        while position < bytes.count, bytes[position] != .newline { position += 1 }
        let line = file.lineIndex(ofOffset: start)
        guard lastTokenEnd <= file.lineStarts[line] else { return }
        var textEnd = position
        if textEnd > start, bytes[textEnd - 1] == .carriageReturn { textEnd -= 1 }
        lineComments[line] = String(decoding: bytes[(start + 1)..<max(start + 1, textEnd)], as: UTF8.self)
    }

    // MARK: - Tokens

    /// Reads one token at `position` (which is not whitespace). Returns nil after reporting
    /// an invalid character.
    mutating func scanToken() -> Token? {
        let start = position
        let byte = bytes[position]
        if byte.isIdentifierStart { return scanName() }
        if byte.isDigit || (byte == .dot && peek(1).isDigit && !followsOperand) { return scanNumber() }
        if byte == .doubleQuote || byte == .singleQuote { return scanString() }
        if byte >= 0x80 {
            let (scalar, _) = decodeScalar(at: position)
            if scalar.properties.isAlphabetic { return scanName() }
            if scalar == "\u{201C}" || scalar == "\u{2018}" { return scanCurlyQuotedString() }
        }
        guard let (kind, length) = punctuation(byte) else {
            reportInvalidCharacter()
            return nil
        }
        position += length
        return makeToken(kind, start: start)
    }

    /// Builds a token ending at `position`, tracking bracket depth.
    mutating func makeToken(_ kind: TokenKind, start: Int, payload: Int32 = 0) -> Token {
        if kind.isCloser { depth -= 1 }
        let token = Token(kind: kind, start: start, end: position, depth: depth, payload: payload)
        if kind.isOpener { depth += 1 }
        lastKind = kind
        lastEnd = position
        return token
    }

    /// True right after a name, literal or closing bracket with no space: there `.5` is a
    /// field access gone wrong (`t.0`), not the number 0.5.
    var followsOperand: Bool {
        lastEnd == position && (lastKind == .name || lastKind == .number || lastKind == .string
                                || lastKind == .rightParen || lastKind == .rightBracket || lastKind == .rightBrace)
    }

    func peek(_ offset: Int) -> UInt8 {
        position + offset < bytes.count ? bytes[position + offset] : 0
    }

    /// The operator or bracket at `position` and its length in bytes.
    mutating func punctuation(_ byte: UInt8) -> (TokenKind, Int)? {
        let next = peek(1)
        switch byte {
        case .leftParen: return (.leftParen, 1)
        case .rightParen: return (.rightParen, 1)
        case .leftBracket: return (.leftBracket, 1)
        case .rightBracket: return (.rightBracket, 1)
        case .leftBrace: return (.leftBrace, 1)
        case .rightBrace: return (.rightBrace, 1)
        case .comma: return (.comma, 1)
        case .colon: return (.colon, 1)
        case .semicolon: return (.semicolon, 1)
        case .plus: return next == .equal ? (.plusEqual, 2) : (.plus, 1)
        case .minus: return next == .equal ? (.minusEqual, 2) : (.minus, 1)
        case .slash:
            if next == .slash { return floorDivision() }
            return next == .equal ? (.slashEqual, 2) : (.slash, 1)
        case .percent: return next == .equal ? (.percentEqual, 2) : (.percent, 1)
        case .at: return next == .equal ? (.atEqual, 2) : (.at, 1)
        case .star:
            if next == .star { return peek(2) == .equal ? (.starStarEqual, 3) : (.starStar, 2) }
            return next == .equal ? (.starEqual, 2) : (.star, 1)
        case .equal:
            if next == .equal { return (.equalEqual, 2) }
            return next == .greater ? (.arrow, 2) : (.equal, 1)
        case .bang: return next == .equal ? (.bangEqual, 2) : (.bang, 1)
        case .less: return next == .equal ? (.lessEqual, 2) : (.less, 1)
        case .greater: return next == .equal ? (.greaterEqual, 2) : (.greater, 1)
        case .ampersand: return next == .ampersand ? (.ampAmp, 2) : nil
        case .pipe: return next == .pipe ? (.pipePipe, 2) : nil
        case .dot: return dotPunctuation()
        default: return nil
        }
    }

    /// `.`, `...` or `..<`; a lone `..` is reported and read as `...`.
    mutating func dotPunctuation() -> (TokenKind, Int)? {
        guard peek(1) == .dot else { return (.dot, 1) }
        if peek(2) == .dot { return (.ellipsis, 3) }
        if peek(2) == .less { return (.halfOpenRange, 3) }
        errors.append(SyntaxError(message: "invalid operator '..' (use '...' for an inclusive range or '..<' for an exclusive one)",
                                  span: SourceSpan(start: position, end: position + 2), garblesTokens: true))
        return (.ellipsis, 2)
    }

    mutating func reportInvalidCharacter() {
        let start = position
        let (scalar, length) = decodeScalar(at: position)
        position += length
        if start == lastInvalidEnd, var last = errors.popLast() {
            last.span = last.span.merged(with: SourceSpan(start: start, end: position))
            errors.append(last)
        } else {
            errors.append(SyntaxError(message: Lexer.invalidCharacterMessage(scalar),
                                      span: SourceSpan(start: start, end: position), garblesTokens: true))
        }
        lastInvalidEnd = position
    }

    /// “text” or ‘text’ (pasted from a word processor): one error, read as a string.
    mutating func scanCurlyQuotedString() -> Token? {
        let start = position
        let (opening, length) = decodeScalar(at: position)
        let closing: Unicode.Scalar = opening == "\u{201C}" ? "\u{201D}" : "\u{2019}"
        errors.append(SyntaxError(message: Lexer.invalidCharacterMessage(opening),
                                  span: SourceSpan(start: start, end: start + length), garblesTokens: true))
        var end = start + length
        while end < bytes.count, bytes[end] != .newline {
            let (scalar, scalarLength) = decodeScalar(at: end)
            if scalar == closing {
                position = end + scalarLength
                let text = String(decoding: bytes[(start + length)..<end], as: UTF8.self)
                return makeToken(.string, start: start, payload: appendString(text.isEmpty ? [] : [.text(text)]))
            }
            end += scalarLength
        }
        position = start + length
        return nil
    }

    static func invalidCharacterMessage(_ scalar: Unicode.Scalar) -> String {
        let visible = !(scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
                        || scalar.properties.generalCategory == .format || scalar.value == 0xFFFD)
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let shown = visible ? "'\(Character(scalar))'"
                            : "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let hint: String? = switch scalar {
        case "&": "use 'and' or '&&'"
        case "|": "use 'or' or '||'"
        case "~": "use 'not' (for a mask too: not (x > 0))"
        case "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}": "use a straight quote \" or '"
        case "\u{2212}", "\u{2013}", "\u{2014}": "use '-'"
        case "\u{00D7}": "use '*'"
        case "\u{00A0}": "a non-breaking space"
        default: nil
        }
        return "invalid character \(shown)" + (hint.map { " (\($0))" } ?? "")
    }

    /// Decodes the Unicode scalar at `offset`; malformed bytes give U+FFFD and length 1.
    func decodeScalar(at offset: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[offset]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
        guard length > 0, offset + length <= bytes.count else { return ("\u{FFFD}", 1) }
        if length == 1 { return (Unicode.Scalar(lead), 1) }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for index in 1..<length {
            let byte = bytes[offset + index]
            guard byte & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }

    // MARK: - Names

    mutating func scanName() -> Token {
        let start = position
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte.isIdentifierContinue { position += 1; continue }
            guard byte >= 0x80 else { break }
            let (scalar, length) = decodeScalar(at: position)
            guard Lexer.isIdentifierScalar(scalar) else { break }
            ascii = false
            position += length
        }
        let kind = ascii ? keyword(start: start, end: position) ?? .name : .name
        return makeToken(kind, start: start)
    }

    static func isIdentifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    func keyword(start: Int, end: Int) -> TokenKind? {
        let length = end - start
        guard length >= 2, length <= 8 else { return nil }
        for (spelling, kind) in TokenKind.keywords where spelling.count == length {
            var index = 0
            while index < length, spelling[index] == bytes[start + index] { index += 1 }
            if index == length { return kind }
        }
        return nil
    }

    // MARK: - Numbers

    /// `12`, `1_000`, `2.5`, `.5`, `1e-3`. A number running into letters (`1e`, `2x`) is one
    /// invalid token, reported as such.
    mutating func scanNumber() -> Token {
        let start = position
        skipDigits()
        if peek(0) == .dot, peek(1).isDigit {
            position += 1
            skipDigits()
        }
        let exponent = peek(0) | 0x20 == UInt8(ascii: "e")
        if exponent, peek(1).isDigit || ((peek(1) == .plus || peek(1) == .minus) && peek(2).isDigit) {
            position += 2
            skipDigits()
        } else if exponent, peek(1) == .plus || peek(1) == .minus {
            position += 2   // `1e+` with no digits: keep the sign in the bad token
        }
        while position < bytes.count, bytes[position].isIdentifierContinue || bytes[position] >= 0x80 {
            if bytes[position] >= 0x80, !Lexer.isIdentifierScalar(decodeScalar(at: position).0) { break }
            position += bytes[position] >= 0x80 ? decodeScalar(at: position).1 : 1
        }
        numbers.append(numberValue(start: start, end: position))
        return makeToken(.number, start: start, payload: Int32(numbers.count - 1))
    }

    mutating func skipDigits() {
        while position < bytes.count, bytes[position].isDigit || bytes[position] == .underscore { position += 1 }
    }

    /// The value of the number text, or 0 after reporting it as invalid.
    mutating func numberValue(start: Int, end: Int) -> Double {
        var digits: [UInt8] = []
        digits.reserveCapacity(end - start)
        var valid = true
        for offset in start..<end {
            let byte = bytes[offset]
            if byte == .underscore {
                let before = offset > start && bytes[offset - 1].isDigit
                let after = offset + 1 < end && bytes[offset + 1].isDigit
                valid = valid && before && after
            } else {
                // Only decimal forms: Double(String) would also take hex like "0x1p3".
                valid = valid && (byte.isDigit || byte == .dot || byte | 0x20 == UInt8(ascii: "e")
                                  || byte == .plus || byte == .minus)
                digits.append(byte)
            }
        }
        if valid, let value = Double(String(decoding: digits, as: UTF8.self)) { return value }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        errors.append(SyntaxError(message: "invalid number '\(text)'", span: SourceSpan(start: start, end: end)))
        return 0
    }
}

// MARK: - Byte classes

extension UInt8 {
    static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    static let formFeed: UInt8 = 0x0C, space = UInt8(ascii: " ")
    static let hash = UInt8(ascii: "#"), underscore = UInt8(ascii: "_"), backslash = UInt8(ascii: "\\")
    static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
    static let leftParen = UInt8(ascii: "("), rightParen = UInt8(ascii: ")")
    static let leftBracket = UInt8(ascii: "["), rightBracket = UInt8(ascii: "]")
    static let leftBrace = UInt8(ascii: "{"), rightBrace = UInt8(ascii: "}")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":"), semicolon = UInt8(ascii: ";")
    static let dot = UInt8(ascii: "."), plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-")
    static let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/"), percent = UInt8(ascii: "%")
    static let at = UInt8(ascii: "@"), equal = UInt8(ascii: "="), bang = UInt8(ascii: "!")
    static let less = UInt8(ascii: "<"), greater = UInt8(ascii: ">")
    static let ampersand = UInt8(ascii: "&"), pipe = UInt8(ascii: "|")

    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isIdentifierStart: Bool { (self | 0x20 >= 0x61 && self | 0x20 <= 0x7A) || self == .underscore }
    var isIdentifierContinue: Bool { isIdentifierStart || isDigit }
}
