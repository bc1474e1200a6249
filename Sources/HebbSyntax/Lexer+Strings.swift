// String literals: escapes, `{expr}` / `{expr:format}` holes, `{{` and `}}`.

extension Lexer {
    /// Strings inside `{...}` inside strings, deeper than this, are refused.
    static let maxStringNesting = 32

    /// Reads a string literal. Strings may span lines; one that runs to the end of the input
    /// is reported once ("unterminated string") and re-read as ending at the end of its
    /// first line, so the rest of the file is still checked.
    mutating func scanString() -> Token? {
        let start = position
        guard stringNesting == 0 else { return scanStringBody() }
        defer { abandoningStrings = false }
        if stringsEndAtNewline { return scanStringBody() }
        let saved = (errors: errors.count, strings: strings.count, numbers: numbers.count, invalid: lastInvalidEnd)
        if let token = scanStringBody() { return token }
        lastInvalidEnd = saved.invalid
        errors.removeSubrange(saved.errors...)
        strings.removeSubrange(saved.strings...)
        numbers.removeSubrange(saved.numbers...)
        position = start
        endsInsideString = true
        stringsEndAtNewline = true
        defer { stringsEndAtNewline = false }
        return scanStringBody() ?? makeToken(.string, start: start, payload: appendString([]))
    }

    /// The literal at `position`; nil if the input ended inside it (only when strings may
    /// span lines; otherwise the end of the line ends it, with an error).
    mutating func scanStringBody() -> Token? {
        let start = position
        let quote = bytes[position]
        position += 1
        guard stringNesting < Lexer.maxStringNesting else { return tooDeeplyNestedString(start: start) }
        stringNesting += 1
        defer { stringNesting -= 1 }
        var parts: [LexedString.Part] = []
        var text: [UInt8] = []
        scanning: while !abandoningStrings {
            guard position < bytes.count else {
                guard stringsEndAtNewline else { return nil }
                reportUnterminatedString(start: start)
                break scanning
            }
            let byte = bytes[position]
            switch byte {
            case quote:
                position += 1
                break scanning
            case .newline where stringsEndAtNewline:
                reportUnterminatedString(start: start)
                break scanning
            case .carriageReturn where peek(1) == .newline:
                position += 1   // CRLF inside a string is one "\n"
            case .backslash:
                scanEscape(into: &text)
            case .leftBrace where peek(1) == .leftBrace, .rightBrace where peek(1) == .rightBrace:
                text.append(byte)
                position += 2
            case .leftBrace:
                if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text = [] }
                guard let part = scanInterpolation(quote: quote) else { return nil }
                parts.append(part)
            case .rightBrace:
                errors.append(SyntaxError(message: "single '}' in a string (write '}}' for a literal brace)",
                                          span: SourceSpan(start: position, end: position + 1)))
                text.append(byte)
                position += 1
            default:
                text.append(byte)
                position += 1
            }
        }
        if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
        return makeToken(.string, start: start, payload: appendString(parts))
    }

    mutating func appendString(_ parts: [LexedString.Part]) -> Int32 {
        strings.append(LexedString(parts: parts))
        return Int32(strings.count - 1)
    }

    mutating func reportUnterminatedString(start: Int) {
        var end = position
        if end > start + 1, bytes[end - 1] == .carriageReturn { end -= 1 }
        errors.append(SyntaxError(message: "unterminated string", span: SourceSpan(start: start, end: end),
                                  atEnd: true, garblesTokens: true))
    }

    /// Reports the nesting, skips the rest of the line, and makes every enclosing string end
    /// there too, silently.
    mutating func tooDeeplyNestedString(start: Int) -> Token {
        while position < bytes.count, bytes[position] != .newline { position += 1 }
        abandoningStrings = true
        errors.append(SyntaxError(message: "strings nested too deeply inside '{...}'",
                                  span: SourceSpan(start: start, end: position), garblesTokens: true))
        return makeToken(.string, start: start, payload: appendString([]))
    }

    // MARK: - Escapes

    /// `\n \t \r \0 \\ \" \' \{ \}` and `\u{1F600}`; anything else is reported and kept.
    mutating func scanEscape(into text: inout [UInt8]) {
        let start = position
        position += 1
        guard position < bytes.count, bytes[position] != .newline else {
            errors.append(SyntaxError(message: "a backslash must be followed by an escape character such as 'n' or '\\'",
                                      span: SourceSpan(start: start, end: position)))
            return
        }
        let byte = bytes[position]
        let simple: UInt8? = switch byte {
        case UInt8(ascii: "n"): .newline
        case UInt8(ascii: "t"): .tab
        case UInt8(ascii: "r"): .carriageReturn
        case UInt8(ascii: "0"): 0
        case .backslash, .doubleQuote, .singleQuote, .leftBrace, .rightBrace: byte
        default: nil
        }
        if let simple {
            text.append(simple)
            position += 1
        } else if byte == UInt8(ascii: "u"), peek(1) == .leftBrace {
            scanUnicodeEscape(start: start, into: &text)
        } else {
            let (scalar, length) = decodeScalar(at: position)
            position += length
            errors.append(SyntaxError(message: "invalid escape '\\\(Character(scalar))' in a string (write '\\\\' for a backslash)",
                                      span: SourceSpan(start: start, end: position)))
            text.append(contentsOf: bytes[(start + 1)..<position])
        }
    }

    /// `\u{...}` with 1 to 8 hex digits naming a Unicode scalar.
    mutating func scanUnicodeEscape(start: Int, into text: inout [UInt8]) {
        position += 2
        var value: UInt32 = 0, digits = 0
        while position < bytes.count, let digit = hexValue(bytes[position]), digits < 8 {
            value = value << 4 | digit
            digits += 1
            position += 1
        }
        if digits > 0, peek(0) == .rightBrace, let scalar = Unicode.Scalar(value) {
            position += 1
            text.append(contentsOf: Array(String(Character(scalar)).utf8))
        } else {
            while position < bytes.count, hexValue(bytes[position]) != nil { position += 1 }
            if peek(0) == .rightBrace { position += 1 }
            errors.append(SyntaxError(message: "invalid unicode escape (write it as '\\u{1F600}')",
                                      span: SourceSpan(start: start, end: position)))
        }
    }

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: - Interpolation

    /// `{expr}` or `{expr:format}` at `position` (a `{`): lexes the expression into its own
    /// token list, ending at the first `}` or `:` outside brackets. The string's own quote
    /// ends a hole early, so `"{x"` is one error, not a swallowed file. Nil if the input ends.
    mutating func scanInterpolation(quote: UInt8) -> LexedString.Part? {
        let open = position
        position += 1
        let savedDepth = depth
        depth = 0
        defer { depth = savedDepth }
        var tokens: [Token] = []
        var format: String?
        var openers: [TokenKind] = []   // brackets open inside the hole
        scanning: while position < bytes.count, !abandoningStrings {
            let byte = bytes[position]
            switch byte {
            case .space, .tab, .carriageReturn, .formFeed:
                position += 1
            case .newline:
                if stringsEndAtNewline { break scanning }
                position += 1
            case .rightBrace where openers.last != .leftBrace, quote:
                break scanning   // a `}` inside `(` or `[` ends the hole: "{f(x}" is a missing ')'
            case .colon where openers.isEmpty:
                format = scanFormatSpec(quote: quote)
                break scanning
            case .hash:
                errors.append(SyntaxError(message: "'#' cannot appear inside '{...}' in a string",
                                          span: SourceSpan(start: position, end: position + 1), garblesTokens: true))
                position += 1
            case .doubleQuote, .singleQuote:
                guard let token = scanString() else { return nil }
                tokens.append(token)
            default:
                guard let token = scanToken() else { continue }
                tokens.append(token)
                if token.kind.isOpener { openers.append(token.kind) }
                if token.kind.isCloser, !openers.isEmpty { openers.removeLast() }
            }
        }
        return finishInterpolation(open: open, tokens: tokens, format: format)
    }

    mutating func finishInterpolation(open: Int, tokens: [Token], format: String?) -> LexedString.Part? {
        var tokens = tokens
        let end = position
        if abandoningStrings {
            tokens.append(Token(kind: .endOfInterpolation, start: end, end: end, depth: 0))
            return .interpolation(tokens: tokens, format: format, span: SourceSpan(start: open, end: end))
        }
        let closed = position < bytes.count && bytes[position] == .rightBrace
        if closed {
            position += 1
        } else if position >= bytes.count, !stringsEndAtNewline {
            return nil
        } else if position < bytes.count, bytes[position] != .newline {
            errors.append(SyntaxError(message: "expected '}' to close '{' in the string",
                                      span: SourceSpan(start: position, end: position + 1), garblesTokens: true))
        }
        tokens.append(Token(kind: .endOfInterpolation, start: end, end: end, depth: 0))
        let span = SourceSpan(start: open, end: position)
        if closed, tokens.count == 1 {
            errors.append(SyntaxError(message: "expected an expression inside '{}' in a string (write '{{' for a literal brace)",
                                      span: span))
        }
        return .interpolation(tokens: tokens, format: format, span: span)
    }

    /// The text after `:` up to `}` (a Python-like format spec such as `.4f` or `>6`).
    mutating func scanFormatSpec(quote: UInt8) -> String {
        position += 1
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == .rightBrace || byte == quote || (byte == .newline && stringsEndAtNewline) { break }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }
}
