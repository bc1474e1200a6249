// Statements: blocks, assignment, if/for/while, functions, return/break/continue.

extension ProgramParser {
    mutating func parseProgram() -> [Stmt] {
        parseStatements(inBlock: false)
    }

    /// Statements up to the end of the input or (in a block) the closing `}`. An error
    /// ends its statement; parsing goes on with the next one.
    mutating func parseStatements(inBlock: Bool) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            skipSeparators()
            let kind = tokens[index].kind
            if kind.isEnd || (inBlock && kind == .rightBrace) { break }
            let start = index
            do {
                statements.append(try parseStatement())
                try expectStatementEnd()
            } catch {
                record(pythonStatementHint(start, replacing: error) ?? error, statementStart: tokens[start].start)
                recover(from: error, statementStart: start, inBlock: inBlock)
            }
        }
        return statements
    }

    mutating func skipSeparators() {
        while tokens[index].kind == .newline || tokens[index].kind == .semicolon { index += 1 }
    }

    /// After a statement: a newline, `;`, a closing `}` or the end of the input.
    mutating func expectStatementEnd() throws(SyntaxError) {
        switch peek().kind {
        case .newline, .semicolon: advance()
        case .rightBrace, .endOfInput, .endOfInterpolation: break
        default: throw statementEndError()
        }
    }

    @inline(never)
    mutating func statementEndError() -> SyntaxError {
        let token = peek()
        if let hint = pythonHabit() { return error(hint) }
        switch token.kind {
        case .rightParen, .rightBracket: return error("unexpected \(describe(token))")
        case .equal: return error("unexpected '=' (an assignment cannot be chained or used as a value)")
        default: return error("expected a newline or ';' after the statement, found \(describe(token))")
        }
    }

    mutating func parseStatement() throws(SyntaxError) -> Stmt {
        let token = peek()
        switch token.kind {
        case .fnKeyword where kindAfterNewlines(from: index + 1) != .leftParen: return try parseFunctionStatement()
        case .ifKeyword: return try parseIf()
        case .forKeyword: return try parseFor()
        case .whileKeyword: return try parseWhile()
        case .returnKeyword: return try parseReturn()
        case .breakKeyword, .continueKeyword: return parseJump()
        case .elseKeyword: throw error("unexpected 'else' (it must follow the '}' of an 'if')", pointingAtFound: true)
        default:
            guard ProgramParser.canStartExpression(token.kind) else {
                throw error("unexpected \(describe(token))", pointingAtFound: true)
            }
            return try parseExpressionStatement()
        }
    }

    // MARK: - Expressions and assignment

    /// `e`, `a, b`, `x = e`, `a, b = e`, `X[i] = e`, `m.W = e`, `W -= e`.
    mutating func parseExpressionStatement() throws(SyntaxError) -> Stmt {
        let start = peek().start
        let expressions = try parseExpressionList()
        let token = peek()
        if token.kind == .equal {
            let targets = try assignTargets(expressions)
            advance()
            try skipNewlinesBeforeOperand()
            let value = try tupleIfMany(parseExpressionList())
            return Stmt(.assign(targets, value), span: span(from: start))
        }
        if let operation = token.kind.compoundOperator {
            guard expressions.count == 1 else {
                throw SyntaxError(message: "'\(token.kind.spelling ?? "")' needs a single target", span: token.span)
            }
            let target = try assignTarget(expressions[0])
            advance()
            try skipNewlinesBeforeOperand()
            let value = try tupleIfMany(parseExpressionList())
            return Stmt(.compoundAssign(target, operation, value), span: span(from: start))
        }
        let value = tupleIfMany(expressions)
        return Stmt(.expression(value), span: value.span)
    }

    /// Expressions separated by commas (a bare tuple, as in `a, b = b, a`).
    mutating func parseExpressionList() throws(SyntaxError) -> [Expr] {
        var expressions = [try parseExpression()]
        while match(.comma) {
            skipNewlineTokens()
            expressions.append(try parseExpression())
        }
        return expressions
    }

    func tupleIfMany(_ expressions: [Expr]) -> Expr {
        guard expressions.count > 1, let first = expressions.first, let last = expressions.last else {
            return expressions.first ?? Expr(.tuple([]), span: SourceSpan(start: 0, end: 0))
        }
        return Expr(.tuple(expressions), span: first.span.merged(with: last.span))
    }

    /// The targets of `=`: one bracketed tuple or list (`(a, b) = ...`) is unpacked.
    func assignTargets(_ expressions: [Expr]) throws(SyntaxError) -> [AssignTarget] {
        var elements = expressions
        if expressions.count == 1, let only = expressions.first {
            switch only.kind {
            case .tuple(let items), .list(let items): elements = items
            default: break
            }
        }
        var targets: [AssignTarget] = []
        for element in elements { targets.append(try assignTarget(element)) }
        return targets
    }

    func assignTarget(_ expression: Expr) throws(SyntaxError) -> AssignTarget {
        let what: String
        switch expression.kind {
        case .name(let identifier): return .name(identifier)
        case .index(let base, let items): return .index(base, items, span: expression.span)
        case .field(let base, let name): return .field(base, name, span: expression.span)
        case .call: what = "a call"
        case .number, .string, .bool, .none: what = "a literal"
        case .unary, .binary, .logical: what = "an operator expression"
        case .range: what = "a range"
        case .list, .tuple: what = "a nested list or tuple (only one level of destructuring)"
        case .record: what = "a record literal"
        case .function: what = "a function"
        }
        throw SyntaxError(message: "cannot assign to \(what)", span: expression.span)
    }

    // MARK: - Control flow

    /// `if c { } else if d { } else { }`. An `else if` chain is read in a loop (not by
    /// recursion), then folded into nested `ifElse` statements.
    mutating func parseIf() throws(SyntaxError) -> Stmt {
        var branches: [(start: Int, condition: Expr, then: [Stmt])] = []
        var otherwise: [Stmt]?
        while true {
            let start = advance().start
            let condition = try parseCondition()
            branches.append((start, condition, try parseBlock(after: "the 'if' condition")))
            guard nextNonNewlineKind() == .elseKeyword else { break }
            skipNewlineTokens()
            advance()
            skipNewlineTokens()
            guard peek().kind == .ifKeyword else {
                otherwise = try parseBlock(after: "'else'")
                break
            }
            if branches.count >= ProgramParser.maxChain { throw error("too many 'else if' branches") }
        }
        let end = previous.end
        var statement = Stmt(.breakLoop, span: SourceSpan(start: end, end: end))
        for branch in branches.reversed() {
            statement = Stmt(.ifElse(condition: branch.condition, then: branch.then, otherwise: otherwise),
                             span: SourceSpan(start: branch.start, end: end))
            otherwise = [statement]
        }
        return statement
    }

    mutating func parseWhile() throws(SyntaxError) -> Stmt {
        let start = advance().start
        let condition = try parseCondition()
        let body = try parseLoopBody(after: "the 'while' condition")
        return Stmt(.whileLoop(condition: condition, body: body), span: span(from: start))
    }

    /// `for x in e { }`, `for i, x in e { }`, `for (i, x) in e { }`.
    mutating func parseFor() throws(SyntaxError) -> Stmt {
        let start = advance().start
        let savedSkips = skipsNewlines
        skipsNewlines = true    // a header may be continued on the next line
        defer { skipsNewlines = savedSkips }
        let parenthesized = match(.leftParen)
        var pattern = [try parseLoopVariable()]
        while match(.comma) { pattern.append(try parseLoopVariable()) }
        if parenthesized, !match(.rightParen) {
            throw error("expected ')' after the loop variables, found \(describe(peek()))")
        }
        guard match(.inKeyword) else {
            throw error("expected 'in' after the loop variable, found \(describe(peek()))")
        }
        let sequence = try parseCondition()
        let body = try parseLoopBody(after: "the 'for' sequence")
        return Stmt(.forIn(pattern: pattern, sequence: sequence, body: body), span: span(from: start))
    }

    mutating func parseLoopVariable() throws(SyntaxError) -> Identifier {
        let token = peek()
        guard token.kind == .name else {
            throw error("expected a loop variable name, found \(describe(token))")
        }
        advance()
        return identifier(token)
    }

    mutating func parseLoopBody(after what: String) throws(SyntaxError) -> [Stmt] {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try parseBlock(after: what)
    }

    /// An `if`/`while` condition or a `for` sequence: a `{` here opens the block, not a record.
    mutating func parseCondition() throws(SyntaxError) -> Expr {
        let saved = allowsRecord
        allowsRecord = false
        defer { allowsRecord = saved }
        try skipNewlinesBeforeOperand()
        return try parseExpression()
    }

    /// `{ statements }`; the `{` may be on the next line.
    mutating func parseBlock(after what: String) throws(SyntaxError) -> [Stmt] {
        if nextNonNewlineKind() == .leftBrace { skipNewlineTokens() }
        guard peek().kind == .leftBrace else { throw missingBlockError(after: what) }
        let open = advance()
        try enterNesting(what: "blocks")
        defer { nesting -= 1 }
        let saved = (skipsNewlines, allowsRecord)
        (skipsNewlines, allowsRecord) = (false, true)
        defer { (skipsNewlines, allowsRecord) = saved }
        let statements = parseStatements(inBlock: true)
        guard tokens[index].kind == .rightBrace else { throw error(unclosedMessage(.rightBrace, opener: open)) }
        advance()
        return statements
    }

    @inline(never)
    mutating func missingBlockError(after what: String) -> SyntaxError {
        if let hint = colonBlockHint(peek(), after: what) ?? pythonHabit() { return error(hint) }
        return error("expected '{' after \(what), found \(describe(peek()))", resumeIfOnNewLine: true)
    }

    mutating func enterNesting(what: StaticString) throws(SyntaxError) {
        nesting += 1
        if nesting > ProgramParser.maxNesting {
            nesting -= 1
            throw error("\(what) nested too deeply")
        }
    }

    mutating func parseReturn() throws(SyntaxError) -> Stmt {
        let keyword = advance()
        if functionDepth == 0 {
            record(SyntaxError(message: "'return' outside a function", span: keyword.span), statementStart: keyword.start)
        }
        switch peek().kind {
        case .newline, .semicolon, .rightBrace, .endOfInput, .endOfInterpolation:
            return Stmt(.returnValue(nil), span: keyword.span)
        default:
            let value = try tupleIfMany(parseExpressionList())
            return Stmt(.returnValue(value), span: span(from: keyword.start))
        }
    }

    /// `break` / `continue`; outside a loop (or inside a function inside a loop) they are
    /// reported here, so the interpreter never meets a stray one.
    mutating func parseJump() -> Stmt {
        let keyword = advance()
        let isBreak = keyword.kind == .breakKeyword
        if loopDepth == 0 {
            record(SyntaxError(message: "'\(isBreak ? "break" : "continue")' outside a loop", span: keyword.span),
                   statementStart: keyword.start)
        }
        return Stmt(isBreak ? .breakLoop : .continueLoop, span: keyword.span)
    }

    // MARK: - Functions

    /// `fn name(a, b = 1) { ... }` or `fn name(x) => expr`, with its doc comment.
    mutating func parseFunctionStatement() throws(SyntaxError) -> Stmt {
        let keyword = advance()
        skipNewlineTokens()
        let nameToken = peek()
        guard nameToken.kind == .name else {
            throw error("expected a function name or '(' after 'fn', found \(describe(nameToken))")
        }
        advance()
        let declaration = try parseFunctionRest(start: keyword.start, name: text(of: nameToken),
                                                doc: docComment(above: keyword.start))
        return Stmt(.function(declaration), span: declaration.span)
    }

    /// Parameters and body, after `fn` or `fn name`.
    mutating func parseFunctionRest(start: Int, name: String?, doc: String?) throws(SyntaxError) -> FunctionDecl {
        let parameters = try parseParameters()
        let savedLoops = loopDepth
        loopDepth = 0
        functionDepth += 1
        defer { loopDepth = savedLoops; functionDepth -= 1 }
        let body: [Stmt]
        if nextNonNewlineKind() == .arrow {
            skipNewlineTokens()
            advance()
            skipNewlineTokens()
            let value = try parseExpression()
            body = [Stmt(.returnValue(value), span: value.span)]
        } else {
            body = ProgramParser.returningFinalExpression(try parseBlock(after: "the parameter list (or '=>')"))
        }
        return FunctionDecl(name: name, parameters: parameters, body: body, span: span(from: start), doc: doc)
    }

    /// A function body's value is its final bare expression, as in Rust and Ruby:
    /// `fn f(x) { x * 2 }` returns x * 2 (a body ending in a statement returns none). A
    /// final `if`/`else` gives the value of the branch taken.
    static func returningFinalExpression(_ body: [Stmt]) -> [Stmt] {
        guard let last = body.last else { return body }
        let replaced: Stmt
        switch last.kind {
        case .expression(let value):
            replaced = Stmt(.returnValue(value), span: last.span)
        case .ifElse(let condition, let then, let otherwise):
            replaced = Stmt(.ifElse(condition: condition, then: returningFinalExpression(then),
                                    otherwise: otherwise.map(returningFinalExpression)), span: last.span)
        default:
            return body
        }
        return body.dropLast() + [replaced]
    }

    mutating func parseParameters() throws(SyntaxError) -> [Parameter] {
        skipNewlineTokens()
        guard peek().kind == .leftParen else {
            throw error("expected '(' to start the parameter list, found \(describe(peek()))")
        }
        let open = advance()
        let saved = (skipsNewlines, allowsRecord)
        (skipsNewlines, allowsRecord) = (true, true)
        defer { (skipsNewlines, allowsRecord) = saved }
        var parameters: [Parameter] = []
        while peek().kind != .rightParen, !peek().kind.isEnd {
            parameters.append(try parseParameter(after: parameters))
            if !match(.comma) { break }
        }
        try expectClosing(.rightParen, opener: open, what: "parameter")
        return parameters
    }

    mutating func parseParameter(after earlier: [Parameter]) throws(SyntaxError) -> Parameter {
        let token = peek()
        guard token.kind == .name else { throw error("expected a parameter name, found \(describe(token))") }
        advance()
        let name = identifier(token)
        if earlier.contains(where: { $0.name.name == name.name }) {
            throw SyntaxError(message: "duplicate parameter '\(name.name)'", span: token.span)
        }
        var defaultValue: Expr?
        if match(.equal) {
            defaultValue = try parseExpression()
        } else if earlier.last?.defaultValue != nil {
            throw SyntaxError(message: "parameter '\(name.name)' needs a default value, like the ones before it",
                              span: token.span)
        }
        return Parameter(name: name, defaultValue: defaultValue)
    }

    /// The `#` lines directly above line of `offset`, without `#` and one space.
    func docComment(above offset: Int) -> String? {
        var line = file.lineIndex(ofOffset: offset) - 1
        var lines: [String] = []
        while line >= 0, let comment = lexed.lineComments[line] {
            lines.append(comment.hasPrefix(" ") ? String(comment.dropFirst()) : comment)
            line -= 1
        }
        return lines.isEmpty ? nil : lines.reversed().joined(separator: "\n")
    }
}
