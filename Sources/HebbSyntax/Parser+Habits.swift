// Python and NumPy habits: where a Python spelling makes a Hebb syntax error, the error
// names the Hebb form instead of only the token it stumbled on. These hints are consulted
// only on paths that already fail, so they never change the meaning of a valid program
// (a variable may still be called `lambda` or `print`).

extension ProgramParser {
    /// The hint for an error at the current token, when the tokens around it read as
    /// Python: `elif`, `def f`, `lambda x`, `import m`, `print x`, `a if c else b`,
    /// `[x for x in xs]`, `x is none`.
    mutating func pythonHabit() -> String? {
        let found = peek()
        guard !currentStartsLine() else { return nil }
        if let hint = hintAfterName(previous, found: found) { return hint }
        switch found.kind {
        case .ifKeyword:
            return "Hebb has no 'a if c else b' expression: write an 'if' statement "
                + "(if c { y = a } else { y = b }), or where(c, a, b) for tensors"
        case .forKeyword:
            return "Hebb has no comprehensions: build the list in a loop "
                + "(ys = []; for x in xs { append(ys, x * 2) })"
        case .name:
            switch text(of: found) {
            case "elif": return "Hebb writes 'else if', not 'elif'"
            case "is": return "Hebb compares with '==' and '!=', not 'is' and 'is not'"
            default: return nil
            }
        default:
            return nil
        }
    }

    /// Hints keyed on a Python keyword the parser read as a name just before `found`.
    private func hintAfterName(_ name: Token, found: Token) -> String? {
        guard name.kind == .name, !found.kind.isEnd, found.kind != .newline else { return nil }
        switch text(of: name) {
        case "elif":
            return "Hebb writes 'else if', not 'elif'"
        case "def" where found.kind == .name:
            return "Hebb defines a function with 'fn', not 'def': fn f(x) { ... }"
        case "lambda" where found.kind == .name || found.kind == .colon:
            return "Hebb writes a function expression as 'fn(x) => x * 2', not 'lambda x: x * 2'"
        case "import" where found.kind == .name, "from" where found.kind == .name:
            return "Hebb has no 'import': its functions are built in (see 'hebb help')"
        case "print" where ProgramParser.canStartExpression(found.kind):
            return "'print' is a function in Hebb: write print(x)"
        case "is":
            return "Hebb compares with '==' and '!=', not 'is' and 'is not'"
        default:
            return nil
        }
    }

    /// The hint for a `:` where a block's `{` belongs (`if x > 0:`, `else:`, `def f():`).
    func colonBlockHint(_ found: Token, after what: String) -> String? {
        guard found.kind == .colon else { return nil }
        return "Hebb puts a block in braces, not after ':': write '{' after \(what) and '}' at the end of the block"
    }
}

extension ProgramParser {
    /// For a failed statement that opens with a Python keyword read as a name (`elif`,
    /// `def f`, `import m`, `from m`): an error at that keyword naming the Hebb form.
    func pythonStatementHint(_ start: Int, replacing error: SyntaxError) -> SyntaxError? {
        let first = tokens[start]
        guard first.kind == .name, start + 1 < tokens.count else { return nil }
        let next = tokens[start + 1]
        let message: String
        switch text(of: first) {
        case "elif": message = "Hebb writes 'else if', not 'elif'"
        case "def" where next.kind == .name:
            message = "Hebb defines a function with 'fn', not 'def': fn f(x) { ... }"
        case "import" where next.kind == .name, "from" where next.kind == .name:
            message = "Hebb has no 'import': its functions are built in (see 'hebb help')"
        default: return nil
        }
        return SyntaxError(message: message, span: first.span, atEnd: error.atEnd)
    }
}

extension Lexer {
    /// `//` and `//=` after an operand: Python's floor division. One error, then read as
    /// `/` (or `/=`) so the rest of the line is still checked. (At the start of a line, `//`
    /// is taken for a C comment: see `run`.)
    mutating func floorDivision() -> (TokenKind, Int) {
        let compound = peek(2) == .equal
        let length = compound ? 3 : 2
        let message = compound ? "Hebb has no '//=': write x = floor(x / y) for floor division"
                               : "Hebb has no '//' operator: write floor(a / b) for floor division"
        errors.append(SyntaxError(message: message, span: SourceSpan(start: position, end: position + length)))
        return (compound ? .slashEqual : .slash, length)
    }
}
