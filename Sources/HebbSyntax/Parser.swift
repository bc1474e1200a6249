// The parser's public face, its token cursor, and error recovery. Statements are in
// Parser+Statements.swift, expressions (one precedence table) in Parser+Expressions.swift.

/// Turns source text into a `Program`.
public enum Parser {
    /// Parses a whole file. Recovers at statement boundaries, so every syntax error of the
    /// file is reported (in source order); the program holds the statements that parsed.
    public static func parse(_ file: SourceFile, symbols: SymbolTable) -> (program: Program, diagnostics: [Diagnostic]) {
        var parser = ProgramParser(file: file, symbols: symbols)
        let statements = parser.parseProgram()
        let diagnostics = parser.allErrors().map { Diagnostic($0.message, span: $0.span, file: file, kind: .syntax) }
        return (Program(statements: statements, file: file), diagnostics)
    }

    /// True when `text` stops in the middle of something: inside an open `(`, `[`, `{` or a
    /// string, or after a binary operator, `,` or `=`. A REPL then reads another line.
    /// Complete input, and input with an error before its end, give false.
    public static func isIncomplete(_ text: String) -> Bool {
        let file = SourceFile(name: "<input>", text: text)
        var parser = ProgramParser(file: file, symbols: SymbolTable())
        _ = parser.parseProgram()
        if parser.lexed.endsInsideString { return true }
        let errors = parser.allErrors()
        return !errors.isEmpty && errors.allSatisfy(\.atEnd)
    }
}

/// The parser's state: a cursor over the tokens plus the context that decides how
/// newlines and `{` are read.
struct ProgramParser {
    /// Deeper nesting of expressions and blocks than this is an error, not a stack overflow.
    static let maxNesting = 160
    /// A longer run of operators or postfixes in one expression is an error (keeps the tree
    /// shallow enough to walk and free recursively).
    static let maxChain = 2_000

    let file: SourceFile
    let symbols: SymbolTable
    let lexed: LexedFile
    /// The tokens being read: the file's, or those of one `{expr}` in a string.
    var tokens: [Token]
    var index = 0
    /// The last token consumed, for spans and "after '+'" messages.
    var previous: Token
    var errors: [SyntaxError] = []
    /// Inside `()`, `[]`, record literals and string holes, newlines are whitespace.
    var skipsNewlines = false
    /// False in `if`/`while` conditions and `for` sequences, where `{` opens the block.
    var allowsRecord = true
    var nesting = 0
    var loopDepth = 0
    var functionDepth = 0
    /// Start of the last reported error, to drop duplicates (e.g. at the end of input).
    var lastErrorStart = -1

    init(file: SourceFile, symbols: SymbolTable) {
        self.file = file
        self.symbols = symbols
        self.lexed = Lexer.lex(file)
        self.tokens = lexed.tokens
        self.previous = Token(kind: .newline, start: 0, end: 0)
    }

    /// Lexer and parser errors together, in source order.
    func allErrors() -> [SyntaxError] {
        (lexed.errors + errors).enumerated()
            .sorted { ($0.element.span.start, $0.offset) < ($1.element.span.start, $1.offset) }
            .map(\.element)
    }

    // MARK: - Cursor

    /// The current token, stepping over newlines where they are whitespace.
    mutating func peek() -> Token {
        if skipsNewlines { skipNewlineTokens() }
        return tokens[index]
    }

    mutating func skipNewlineTokens() {
        while tokens[index].kind == .newline { index += 1 }
    }

    /// The kind of the token after the current one (newlines skipped where they are whitespace).
    mutating func peekNextKind() -> TokenKind {
        _ = peek()
        var next = index + 1
        while next < tokens.count, skipsNewlines, tokens[next].kind == .newline { next += 1 }
        return next < tokens.count ? tokens[next].kind : .endOfInput
    }

    /// The next token that is not a newline, without moving.
    func nextNonNewlineKind() -> TokenKind {
        kindAfterNewlines(from: index)
    }

    /// The kind of the first token at or after `position` that is not a newline.
    func kindAfterNewlines(from position: Int) -> TokenKind {
        var next = position
        while next < tokens.count, tokens[next].kind == .newline { next += 1 }
        return next < tokens.count ? tokens[next].kind : .endOfInput
    }

    /// Consumes the current token. `previous` skips newlines, so a caret for "something is
    /// missing" lands after the last real token.
    @discardableResult
    mutating func advance() -> Token {
        let token = peek()
        if !token.kind.isEnd { index += 1 }
        if token.kind != .newline { previous = token }
        return token
    }

    mutating func match(_ kind: TokenKind) -> Bool {
        guard peek().kind == kind else { return false }
        advance()
        return true
    }

    /// True when a newline lies between the previous token and the current one.
    func currentStartsLine() -> Bool {
        index > 0 && tokens[index - 1].kind == .newline
    }

    // MARK: - Errors

    /// An error about the current token. When that token is the end of the input or on a
    /// later line, the caret goes right after the previous token, where something is missing.
    @inline(never)
    mutating func error(_ message: String, resumeIfOnNewLine: Bool = false, pointingAtFound: Bool = false) -> SyntaxError {
        let token = peek()
        let onLaterLine = !pointingAtFound && (currentStartsLine() || token.kind.isEnd)
        let span = onLaterLine && previous.end > 0 ? SourceSpan(start: previous.end, end: previous.end) : token.span
        return SyntaxError(message: message, span: span, atEnd: token.kind == .endOfInput,
                           resumeHere: resumeIfOnNewLine && currentStartsLine() && !token.kind.isEnd)
    }

    /// Records an error found while parsing the statement that starts at `statementStart`,
    /// unless it repeats the last one or follows a lexer error in the same statement (the
    /// parser's complaint is then most likely a consequence).
    mutating func record(_ error: SyntaxError, statementStart: Int) {
        guard error.span.start != lastErrorStart else { return }
        lastErrorStart = error.span.start
        let foundAt = max(error.span.end, tokens[index].start)
        if garblingLexerErrorExists(from: statementStart, through: foundAt) { return }
        errors.append(error)
    }

    func garblingLexerErrorExists(from start: Int, through end: Int) -> Bool {
        let offsets = lexed.garblingErrorOffsets
        var low = 0, high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < start { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] <= end
    }

    /// After an error in the statement that began at token `start`: skips to the end of
    /// that statement (a newline or `;` at its bracket depth), or to a `}` that closes no
    /// bracket of the statement (the enclosing block's, left for the block to read). A `(`
    /// or `[` left open would hide the rest of the file, so inside one, a line that starts
    /// no further right than the statement and looks like a new statement also ends it.
    mutating func recover(from error: SyntaxError, statementStart start: Int, inBlock: Bool) {
        if error.resumeHere, index > start { return }
        let depth = tokens[start].depth
        let column = self.column(of: tokens[start].start)
        var open: [TokenKind] = []
        for token in tokens[start..<index] { track(token.kind, in: &open) }
        while true {
            let token = tokens[index]
            if token.kind.isEnd { return }
            if token.kind == .rightBrace, inBlock, open.last != .leftBrace { return }
            index += 1
            track(token.kind, in: &open)
            if token.kind == .newline || token.kind == .semicolon, token.depth <= depth { return }
            if token.kind == .newline, open.last != .leftBrace, self.column(of: tokens[index].start) <= column,
               looksLikeStatementStart(index) || (inBlock && tokens[index].kind == .rightBrace) {
                return
            }
        }
    }

    /// Keeps the stack of brackets open while skipping.
    func track(_ kind: TokenKind, in open: inout [TokenKind]) {
        if kind.isOpener { open.append(kind) } else if kind.isCloser, !open.isEmpty { open.removeLast() }
    }

    /// Whether the token at `position` begins something that can only be a statement: a
    /// statement keyword, `fn name`, or `name =` / `name +=`.
    func looksLikeStatementStart(_ position: Int) -> Bool {
        let next = position + 1 < tokens.count ? tokens[position + 1].kind : .endOfInput
        switch tokens[position].kind {
        case .ifKeyword, .forKeyword, .whileKeyword, .returnKeyword, .breakKeyword, .continueKeyword: return true
        case .fnKeyword: return next == .name
        case .name: return next == .equal || next.compoundOperator != nil
        default: return false
        }
    }

    /// 0-based byte column of an offset (for comparing indentation).
    func column(of offset: Int) -> Int {
        offset - file.lineStarts[file.lineIndex(ofOffset: offset)]
    }

    /// Steps over the newlines after a binary operator, `=` or `,`, where the expression
    /// goes on. If the next line is clearly a statement of its own (`x = 1 +` then
    /// `y = 2`), the operand is missing: the error points after the operator and parsing
    /// resumes at that line.
    mutating func skipNewlinesBeforeOperand() throws(SyntaxError) {
        var next = index
        while tokens[next].kind == .newline { next += 1 }
        guard next > index else { return }
        index = next
        if looksLikeStatementStart(next) {
            let where_ = previous.kind.spelling.map { " after '\($0)'" } ?? ""
            throw SyntaxError(message: "expected an expression\(where_)",
                              span: SourceSpan(start: previous.end, end: previous.end), resumeHere: true)
        }
    }

    // MARK: - Helpers

    /// How a token is named in messages: `'+'`, `'epoch'`, `a string`, `end of input`.
    @inline(never)
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfInput: return "end of input"
        case .endOfInterpolation: return "the end of '{...}'"
        case .newline: return "end of line"
        case .string: return "a string"
        case .name, .number:
            let text = self.text(of: token)
            return "'" + (text.count > 24 ? text.prefix(24) + "…" : text) + "'"
        default: return "'\(token.kind.spelling ?? "?")'"
        }
    }

    func text(of token: Token) -> String {
        String(decoding: lexed.bytes[token.start..<token.end], as: UTF8.self)
    }

    /// 1-based line number of an offset, as users see it.
    func lineNumber(of offset: Int) -> Int {
        file.lineIndex(ofOffset: offset) + 1 + file.lineOffset
    }

    func span(from start: Int) -> SourceSpan {
        SourceSpan(start: start, end: max(start, previous.end))
    }
}

extension SourceFile {
    /// 0-based index of the line holding a UTF-8 byte offset.
    func lineIndex(ofOffset offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
