// Expressions: a Pratt parser driven by one table of infix/postfix rules.

/// Binding power, lowest first.
enum Precedence: Int, Comparable {
    case lowest, or, and, not, comparison, range, additive, multiplicative, unary, power, postfix

    static func < (left: Precedence, right: Precedence) -> Bool { left.rawValue < right.rawValue }

    /// One step tighter: the right operand of a left-associative operator.
    var next: Precedence { Precedence(rawValue: rawValue + 1) ?? .postfix }
}

/// What an infix or postfix token builds.
enum InfixOperation {
    case logical(LogicalOperator)
    /// Non-associative: `a < b < c` is an error.
    case comparison(BinaryOperator)
    /// Non-associative: `a...b...c` is an error.
    case range(inclusive: Bool)
    case binary(BinaryOperator)
    /// Right-associative, and its right side may start with a sign: `2 ** -1`.
    case power
    case call, index, field
}

struct InfixRule {
    var precedence: Precedence
    var operation: InfixOperation
}

extension ProgramParser {
    // MARK: - The operator table

    /// Every infix and postfix token: a new operator is one row here.
    static let infixRules: [TokenKind: InfixRule] = [
        .orKeyword: InfixRule(precedence: .or, operation: .logical(.or)),
        .pipePipe: InfixRule(precedence: .or, operation: .logical(.or)),
        .andKeyword: InfixRule(precedence: .and, operation: .logical(.and)),
        .ampAmp: InfixRule(precedence: .and, operation: .logical(.and)),
        .equalEqual: InfixRule(precedence: .comparison, operation: .comparison(.equal)),
        .bangEqual: InfixRule(precedence: .comparison, operation: .comparison(.notEqual)),
        .less: InfixRule(precedence: .comparison, operation: .comparison(.less)),
        .lessEqual: InfixRule(precedence: .comparison, operation: .comparison(.lessEqual)),
        .greater: InfixRule(precedence: .comparison, operation: .comparison(.greater)),
        .greaterEqual: InfixRule(precedence: .comparison, operation: .comparison(.greaterEqual)),
        .ellipsis: InfixRule(precedence: .range, operation: .range(inclusive: true)),
        .halfOpenRange: InfixRule(precedence: .range, operation: .range(inclusive: false)),
        .plus: InfixRule(precedence: .additive, operation: .binary(.add)),
        .minus: InfixRule(precedence: .additive, operation: .binary(.subtract)),
        .star: InfixRule(precedence: .multiplicative, operation: .binary(.multiply)),
        .slash: InfixRule(precedence: .multiplicative, operation: .binary(.divide)),
        .percent: InfixRule(precedence: .multiplicative, operation: .binary(.modulo)),
        .at: InfixRule(precedence: .multiplicative, operation: .binary(.matmul)),
        .starStar: InfixRule(precedence: .power, operation: .power),
        .leftParen: InfixRule(precedence: .postfix, operation: .call),
        .leftBracket: InfixRule(precedence: .postfix, operation: .index),
        .dot: InfixRule(precedence: .postfix, operation: .field),
    ]

    /// `infixRules` as an array indexed by the token kind's raw value, for the hot loop.
    static let infixTable: [InfixRule?] = (0...Int(UInt8.max)).map { raw in
        TokenKind(rawValue: UInt8(raw)).flatMap { infixRules[$0] }
    }

    static func canStartExpression(_ kind: TokenKind) -> Bool {
        switch kind {
        case .number, .string, .name, .trueKeyword, .falseKeyword, .noneKeyword, .leftParen,
             .leftBracket, .leftBrace, .minus, .plus, .notKeyword, .bang, .fnKeyword:
            true
        default:
            false
        }
    }

    // MARK: - Pratt loop

    /// An expression whose operators all bind at least as tightly as `minimum`.
    mutating func parseExpression(_ minimum: Precedence = .lowest) throws(SyntaxError) -> Expr {
        try enterNesting(what: "expression")
        defer { nesting -= 1 }
        var left = try parsePrefix()
        var chain = 0
        var leftIsComparison = false, leftIsRange = false
        while let rule = ProgramParser.infixTable[Int(peek().kind.rawValue)], rule.precedence >= minimum {
            chain += 1
            if chain > ProgramParser.maxChain { throw error("expression too long (split it into several statements)") }
            switch rule.operation {
            case .comparison where leftIsComparison:
                throw error("comparison operators cannot be chained (write 'a < b and b < c')")
            case .range where leftIsRange:
                throw error("ranges cannot be chained")
            default: break
            }
            left = try parseInfix(rule, left: left)
            if case .comparison = rule.operation { leftIsComparison = true } else { leftIsComparison = false }
            if case .range = rule.operation { leftIsRange = true } else { leftIsRange = false }
        }
        return left
    }

    mutating func parseInfix(_ rule: InfixRule, left: Expr) throws(SyntaxError) -> Expr {
        switch rule.operation {
        case .call: return try parseCall(left)
        case .index: return try parseIndex(left)
        case .field: return try parseField(left)
        case .logical(let operation):
            let right = try parseRightOperand(rule.precedence.next)
            return Expr(.logical(operation, left, right), span: left.span.merged(with: right.span))
        case .comparison(let operation), .binary(let operation):
            let right = try parseRightOperand(rule.precedence.next)
            return Expr(.binary(operation, left, right), span: left.span.merged(with: right.span))
        case .power:
            let right = try parseRightOperand(.unary)
            return Expr(.binary(.power, left, right), span: left.span.merged(with: right.span))
        case .range(let inclusive):
            let right = try parseRightOperand(.additive)
            return Expr(.range(left, right, inclusive: inclusive), span: left.span.merged(with: right.span))
        }
    }

    /// Consumes the operator; a line may break after it.
    mutating func parseRightOperand(_ precedence: Precedence) throws(SyntaxError) -> Expr {
        advance()
        try skipNewlinesBeforeOperand()
        return try parseExpression(precedence)
    }

    // MARK: - Prefix forms

    mutating func parsePrefix() throws(SyntaxError) -> Expr {
        let token = peek()
        switch token.kind {
        case .number:
            advance()
            return Expr(.number(lexed.numbers[Int(token.payload)]), span: token.span)
        case .string:
            advance()
            return try parseString(token)
        case .trueKeyword, .falseKeyword:
            advance()
            return Expr(.bool(token.kind == .trueKeyword), span: token.span)
        case .noneKeyword:
            advance()
            return Expr(.none, span: token.span)
        case .name:
            advance()
            return Expr(.name(identifier(token)), span: token.span)
        case .leftParen: return try parseParenthesized()
        case .leftBracket: return try parseList()
        case .leftBrace where allowsRecord: return try parseRecord()
        case .minus: return try parseUnary(.negate, operand: .unary)
        case .plus: return try parseUnary(.plus, operand: .unary)
        case .notKeyword, .bang: return try parseUnary(.not, operand: .not)
        case .fnKeyword: return try parseLambda()
        default: throw missingExpression()
        }
    }

    /// "expected an expression after '+'", pointing where the expression should be.
    @inline(never)
    mutating func missingExpression() -> SyntaxError {
        let found = peek()
        var message = "expected an expression"
        if previous.kind != .newline, !previous.kind.isCloser, let spelling = previous.kind.spelling {
            message += " after '\(spelling)'"
        } else {
            message += ", found \(describe(found))"
        }
        switch found.kind {
        case .ifKeyword, .forKeyword, .whileKeyword, .returnKeyword, .breakKeyword, .continueKeyword:
            message += " ('\(found.kind.spelling ?? "")' starts a statement; it has no value)"
        case _ where found.kind.isKeyword:
            message += " ('\(found.kind.spelling ?? "")' is a keyword, not a name)"
        default:
            break
        }
        return error(message)
    }

    mutating func parseUnary(_ operation: UnaryOperator, operand precedence: Precedence) throws(SyntaxError) -> Expr {
        let token = advance()
        // `x++` / `x--` at the end of a line would read as `x + +(next line)`: C's increment.
        if token.kind == .plus || token.kind == .minus, peek().kind == .newline || peek().kind.isEnd, index >= 2,
           tokens[index - 2].kind == token.kind, tokens[index - 2].end == token.start {
            let sign = token.kind == .plus ? "+" : "-"
            throw SyntaxError(message: "Hebb has no '\(sign)\(sign)': write x \(sign)= 1", span: tokens[index - 2].span.merged(with: token.span))
        }
        try skipNewlinesBeforeOperand()
        let operand = try parseExpression(precedence)
        return Expr(.unary(operation, operand), span: token.span.merged(with: operand.span))
    }

    func identifier(_ token: Token) -> Identifier {
        let name = text(of: token)
        return Identifier(name: name, symbol: symbols.intern(name), span: token.span)
    }

    // MARK: - Brackets

    /// Runs `body` with newlines as whitespace and record literals allowed, as inside any
    /// bracket.
    mutating func insideBrackets<T>(_ body: (inout ProgramParser) throws(SyntaxError) -> T) throws(SyntaxError) -> T {
        let saved = (skipsNewlines, allowsRecord)
        (skipsNewlines, allowsRecord) = (true, true)
        defer { (skipsNewlines, allowsRecord) = saved }
        return try body(&self)
    }

    /// `(e)`, `()`, `(a,)`, `(a, b)`. A parenthesised expression keeps its kind, with a span
    /// that includes the parentheses.
    mutating func parseParenthesized() throws(SyntaxError) -> Expr {
        let open = advance()
        return try insideBrackets { (parser) throws(SyntaxError) -> Expr in
            let elements = try parser.parseCommaSeparated(opener: open, closer: .rightParen) { parser throws(SyntaxError) in
                try parser.parseExpression()
            }
            let trailingComma = parser.previous.kind == .comma
            try parser.expectClosing(.rightParen, opener: open, what: elements.count == 1 && !trailingComma ? nil : "element")
            if elements.count == 1, !trailingComma, let only = elements.first {
                return Expr(only.kind, span: parser.span(from: open.start))
            }
            return Expr(.tuple(elements), span: parser.span(from: open.start))
        }
    }

    /// `[a, b, c]`, trailing comma allowed.
    mutating func parseList() throws(SyntaxError) -> Expr {
        let open = advance()
        return try insideBrackets { (parser) throws(SyntaxError) -> Expr in
            let elements = try parser.parseCommaSeparated(opener: open, closer: .rightBracket) { parser throws(SyntaxError) in
                try parser.parseExpression()
            }
            try parser.expectClosing(.rightBracket, opener: open, what: "element")
            return Expr(.list(elements), span: parser.span(from: open.start))
        }
    }

    /// `{name: e, other: e}` and `{}`.
    mutating func parseRecord() throws(SyntaxError) -> Expr {
        let open = advance()
        return try insideBrackets { (parser) throws(SyntaxError) -> Expr in
            var seen: Set<String> = []
            let fields = try parser.parseCommaSeparated(opener: open, closer: .rightBrace) { parser throws(SyntaxError) in
                let key = parser.peek()
                guard key.kind == .name else {
                    throw parser.error("expected a field name in the record, found \(parser.describe(key)) (a record is written {name: value, ...})")
                }
                parser.advance()
                let name = parser.text(of: key)
                guard parser.match(.colon) else { throw parser.error("expected ':' after the field name '\(name)'") }
                let value = try parser.parseExpression()
                guard seen.insert(name).inserted else {
                    throw SyntaxError(message: "duplicate field '\(name)' in the record", span: key.span)
                }
                return (name: name, value: value)
            }
            try parser.expectClosing(.rightBrace, opener: open, what: "field")
            return Expr(.record(fields), span: parser.span(from: open.start))
        }
    }

    /// `item, item, ...` (trailing comma allowed) up to `closer`, which is left unread.
    /// Before each item, checks that the bracket was not simply left open: a line that
    /// starts like a statement, no further right than the bracket's line, ends it.
    mutating func parseCommaSeparated<Item>(
        opener: Token, closer: TokenKind, checksForStatements: Bool = true,
        _ item: (inout ProgramParser) throws(SyntaxError) -> Item
    ) throws(SyntaxError) -> [Item] {
        var items: [Item] = []
        while peek().kind != closer, !peek().kind.isEnd {
            if checksForStatements { try checkBracketNotLeftOpen(opener: opener, closer: closer) }
            items.append(try item(&self))
            if !match(.comma) { break }
        }
        return items
    }

    /// Spaces and tabs at the start of the line holding `offset`.
    func indentation(ofLineAt offset: Int) -> Int {
        var position = file.lineStarts[file.lineIndex(ofOffset: offset)]
        let start = position
        while position < lexed.bytes.count, lexed.bytes[position] == .space || lexed.bytes[position] == .tab {
            position += 1
        }
        return position - start
    }

    @inline(never)
    func unclosedMessage(_ closer: TokenKind, opener: Token) -> String {
        "expected '\(closer.spelling ?? "")' to close '\(opener.kind.spelling ?? "")' opened at line \(lineNumber(of: opener.start))"
    }

    /// The closing bracket of a list of `what`s (nil: of a single expression).
    mutating func expectClosing(_ closer: TokenKind, opener: Token, what: String?) throws(SyntaxError) {
        if !match(closer) { throw closingError(closer, opener: opener, what: what) }
    }

    /// Error paths are kept out of line: inlined message building would swell the stack
    /// frames of the recursive parse functions.
    @inline(never)
    mutating func closingError(_ closer: TokenKind, opener: Token, what: String?) -> SyntaxError {
        let found = peek()
        let unclosed = unclosedMessage(closer, opener: opener)
        if found.kind.isEnd || currentStartsLine() { return error(unclosed, resumeIfOnNewLine: true) }
        if let hint = pythonHabit() { return error(hint) }
        guard let what, !found.kind.isCloser else { return error(unclosed + ", found \(describe(found))") }
        var message = "expected ',' or '\(closer.spelling ?? "")' after the \(what), found \(describe(found))"
        if found.kind == .equal, closer == .rightParen {
            message += " (a labelled argument is written 'name: value')"
        }
        return error(message)
    }

    @inline(never)
    mutating func checkBracketNotLeftOpen(opener: Token, closer: TokenKind) throws(SyntaxError) {
        if currentStartsLine(), looksLikeStatementStart(index),
           column(of: peek().start) <= indentation(ofLineAt: opener.start) {
            throw error(unclosedMessage(closer, opener: opener), resumeIfOnNewLine: true)
        }
    }

    // MARK: - Postfix forms

    /// `f(a, b, axis: 1)`; labels may come before, between or after positional arguments.
    mutating func parseCall(_ callee: Expr) throws(SyntaxError) -> Expr {
        let open = advance()
        return try insideBrackets { (parser) throws(SyntaxError) -> Expr in
            let arguments = try parser.parseCommaSeparated(opener: open, closer: .rightParen) { parser throws(SyntaxError) in
                var label: String?
                if parser.peek().kind == .name, parser.peekNextKind() == .colon {
                    label = parser.text(of: parser.advance())
                    parser.advance()
                }
                return Argument(label: label, value: try parser.parseExpression())
            }
            try parser.expectClosing(.rightParen, opener: open, what: "argument")
            return Expr(.call(callee, arguments), span: callee.span.merged(with: parser.previous.span))
        }
    }

    /// `X[i]`, `X[a:b, :]`, `X[::2]`.
    mutating func parseIndex(_ base: Expr) throws(SyntaxError) -> Expr {
        let open = advance()
        return try insideBrackets { (parser) throws(SyntaxError) -> Expr in
            let items = try parser.parseCommaSeparated(opener: open, closer: .rightBracket) { parser throws(SyntaxError) in
                try parser.parseIndexItem()
            }
            try parser.expectClosing(.rightBracket, opener: open, what: "index")
            guard !items.isEmpty else {
                throw SyntaxError(message: "expected an index inside '[]'", span: parser.span(from: open.start))
            }
            return Expr(.index(base, items), span: base.span.merged(with: parser.previous.span))
        }
    }

    mutating func parseIndexItem() throws(SyntaxError) -> IndexItem {
        let start = peek().kind == .colon ? nil : try parseExpression()
        if let start, peek().kind != .colon { return .single(start) }
        advance()
        let stop = endsSlicePart() ? nil : try parseExpression()
        var step: Expr?
        if match(.colon), !endsSlicePart() { step = try parseExpression() }
        return .slice(start: start, stop: stop, step: step)
    }

    mutating func endsSlicePart() -> Bool {
        let kind = peek().kind
        return kind == .colon || kind == .comma || kind == .rightBracket || kind.isEnd
    }

    /// `.name` (so `X.T` is the field "T").
    mutating func parseField(_ base: Expr) throws(SyntaxError) -> Expr {
        advance()
        skipNewlineTokens()
        let token = peek()
        guard token.kind == .name else {
            throw error("expected a field name after '.', found \(describe(token))")
        }
        advance()
        return Expr(.field(base, text(of: token)), span: base.span.merged(with: token.span))
    }

    // MARK: - Functions and strings

    /// `fn(x) { ... }` or `fn(x) => expr`.
    mutating func parseLambda() throws(SyntaxError) -> Expr {
        let keyword = advance()
        skipNewlineTokens()
        if peek().kind == .name {
            throw error("a function expression has no name (write 'fn(x) { ... }'; 'fn name(...)' is a statement)")
        }
        let declaration = try parseFunctionRest(start: keyword.start, name: nil, doc: nil)
        return Expr(.function(declaration), span: declaration.span)
    }

    /// A string literal: its text runs, and each `{expr}` parsed from its own tokens.
    mutating func parseString(_ token: Token) throws(SyntaxError) -> Expr {
        var parts: [StringPart] = []
        for part in lexed.strings[Int(token.payload)].parts {
            switch part {
            case .text(let text):
                parts.append(.text(text))
            case .interpolation(let tokens, let format, let span):
                guard tokens.count > 1 else { continue }   // `{}`: reported by the lexer
                parts.append(.interpolation(try parseInterpolation(tokens, span: span), format: format))
            }
        }
        return Expr(.string(parts), span: token.span)
    }

    /// Parses one `{expr}` by swapping in its tokens. Errors inside it end the enclosing
    /// statement like any other.
    mutating func parseInterpolation(_ holeTokens: [Token], span: SourceSpan) throws(SyntaxError) -> Expr {
        let saved = (tokens, index, previous, skipsNewlines, allowsRecord)
        (tokens, index, skipsNewlines, allowsRecord) = (holeTokens, 0, true, true)
        previous = Token(kind: .leftBrace, start: span.start, end: span.start + 1)
        defer { (tokens, index, previous, skipsNewlines, allowsRecord) = saved }
        do throws(SyntaxError) {
            let expression = try parseExpression()
            guard peek().kind == .endOfInterpolation else {
                throw error("unexpected \(describe(peek())) in '{...}' of a string")
            }
            return expression
        } catch {
            var failure = error
            failure.resumeHere = false
            throw failure
        }
    }
}
