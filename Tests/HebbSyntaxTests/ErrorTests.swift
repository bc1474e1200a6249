import Testing
@testable import HebbSyntax

@Suite struct ErrorMessageTests {
    /// (source, every diagnostic as `line:col: message`).
    static let cases: [(String, [String])] = [
        ("f(a, b\ny = 1", ["1:7: expected ')' to close '(' opened at line 1"]),
        ("f(a, b", ["1:7: expected ')' to close '(' opened at line 1"]),
        ("x = (1 + 2", ["1:11: expected ')' to close '(' opened at line 1"]),
        ("x = [1, 2 3]", ["1:11: expected ',' or ']' after the element, found '3'"]),
        ("f(a b)", ["1:5: expected ',' or ')' after the argument, found 'b'"]),
        ("f(x = 1)", ["1:5: expected ',' or ')' after the argument, found '=' (a labelled argument is written 'name: value')"]),
        ("a = (1, 2]", ["1:10: expected ')' to close '(' opened at line 1, found ']'"]),
        ("(a b)", ["1:4: expected ')' to close '(' opened at line 1, found 'b'"]),
        ("}", ["1:1: unexpected '}'"]),
        ("x = 1 )", ["1:7: unexpected ')'"]),
        ("s = \"abc", ["1:5: unterminated string"]),
        ("x = $", ["1:5: invalid character '$'"]),
        ("x = a $$$ b", ["1:7: invalid character '$'"]),
        ("x = a & b", ["1:7: invalid character '&' (use 'and' or '&&')"]),
        ("m = ~mask", ["1:5: invalid character '~' (use 'not' (for a mask too: not (x > 0)))"]),
        ("i++\ny = 1", ["1:2: Hebb has no '++': write x += 1"]),
        ("i--", ["1:2: Hebb has no '--': write x -= 1"]),
        ("s = “quoted”", ["1:5: invalid character '“' (use a straight quote \" or ')"]),
        ("x = 1 +", ["1:8: expected an expression after '+'"]),
        ("x = 1 + * 2", ["1:9: expected an expression after '+'"]),
        ("x =", ["1:4: expected an expression after '='"]),
        ("x = in", ["1:5: expected an expression after '=' ('in' is a keyword, not a name)"]),
        ("x = if a { 1 }", ["1:5: expected an expression after '=' ('if' starts a statement; it has no value)"]),
        ("f(,)", ["1:3: expected an expression after '('"]),
        ("x = [1, 2,, 3]", ["1:11: expected an expression after ','"]),
        ("f(x) = 1", ["1:1: cannot assign to a call"]),
        ("for x in xs { }\nbreak", ["2:1: 'break' outside a loop"]),
        ("x = 1e", ["1:5: invalid number '1e'"]),
        ("x = 1e+", ["1:5: invalid number '1e+'"]),
        ("x = 2x", ["1:5: invalid number '2x'"]),
        ("x = 1__0", ["1:5: invalid number '1__0'"]),
        ("x = 1_", ["1:5: invalid number '1_'"]),
        ("x = 0x10", ["1:5: invalid number '0x10'"]),
        ("x = 1..2", ["1:6: invalid operator '..' (use '...' for an inclusive range or '..<' for an exclusive one)"]),
        ("x = 1 2", ["1:7: expected a newline or ';' after the statement, found '2'"]),
        ("if x { y } z", ["1:12: expected a newline or ';' after the statement, found 'z'"]),
        ("if x\n  y = 1", ["1:5: expected '{' after the 'if' condition, found end of line"]),
        ("if x {\n  y = 1\n", ["2:8: expected '}' to close '{' opened at line 1"]),
        ("while { }", ["1:7: expected an expression after 'while'"]),
        ("for in xs { }", ["1:5: expected a loop variable name, found 'in'"]),
        ("for x xs { }", ["1:7: expected 'in' after the loop variable, found 'xs'"]),
        ("fn 1() {}", ["1:4: expected a function name or '(' after 'fn', found '1'"]),
        ("fn f {}", ["1:6: expected '(' to start the parameter list, found '{'"]),
        ("fn f() x", ["1:8: expected '{' after the parameter list (or '=>'), found 'x'"]),
        ("x.1", ["1:3: expected a field name after '.', found '1'"]),
        ("x[]", ["1:2: expected an index inside '[]'"]),
        ("r = {a 1}", ["1:8: expected ':' after the field name 'a'"]),
        ("r = {1: 2}", ["1:6: expected a field name in the record, found '1' (a record is written {name: value, ...})"]),
        ("r = {a: 1, a: 2}", ["1:12: duplicate field 'a' in the record"]),
        ("else { }", ["1:1: unexpected 'else' (it must follow the '}' of an 'if')"]),
        ("x = 1; = 2", ["1:8: unexpected '='"]),
        ("a < b < c", ["1:7: comparison operators cannot be chained (write 'a < b and b < c')"]),
        // Python habits name the Hebb form.
        ("if x > 0:\n  y = 1", ["1:9: Hebb puts a block in braces, not after ':': write '{' after the 'if' condition and '}' at the end of the block"]),
        ("if a { } else: b", ["1:14: Hebb puts a block in braces, not after ':': write '{' after 'else' and '}' at the end of the block"]),
        ("while x < 3:", ["1:12: Hebb puts a block in braces, not after ':': write '{' after the 'while' condition and '}' at the end of the block"]),
        ("fn f(x):", ["1:8: Hebb puts a block in braces, not after ':': write '{' after the parameter list (or '=>') and '}' at the end of the block"]),
        ("if a { } elif b { }", ["1:10: Hebb writes 'else if', not 'elif'"]),
        ("if a { }\nelif (b) { }", ["2:1: Hebb writes 'else if', not 'elif'"]),
        ("def f(x):\n  x = 1", ["1:1: Hebb defines a function with 'fn', not 'def': fn f(x) { ... }"]),
        ("f = lambda x: x * 2", ["1:12: Hebb writes a function expression as 'fn(x) => x * 2', not 'lambda x: x * 2'"]),
        ("g(lambda x: x, 1)", ["1:10: Hebb writes a function expression as 'fn(x) => x * 2', not 'lambda x: x * 2'"]),
        ("ys = [x * 2 for x in xs]", ["1:13: Hebb has no comprehensions: build the list in a loop (ys = []; for x in xs { append(ys, x * 2) })"]),
        ("y = a if c else b", ["1:7: Hebb has no 'a if c else b' expression: write an 'if' statement (if c { y = a } else { y = b }), or where(c, a, b) for tensors"]),
        ("f(a if c else b)", ["1:5: Hebb has no 'a if c else b' expression: write an 'if' statement (if c { y = a } else { y = b }), or where(c, a, b) for tensors"]),
        ("y = 7 // 2", ["1:7: Hebb has no '//' operator: write floor(a / b) for floor division"]),
        ("y //= 2", ["1:3: Hebb has no '//=': write x = floor(x / y) for floor division"]),
        ("// a comment\nx = 1", ["1:1: Hebb comments start with '#', not '//'"]),
        ("import numpy as np", ["1:1: Hebb has no 'import': its functions are built in (see 'hebb help')"]),
        ("from math import sqrt", ["1:1: Hebb has no 'import': its functions are built in (see 'hebb help')"]),
        ("print x", ["1:7: 'print' is a function in Hebb: write print(x)"]),
        ("if x is none { }", ["1:6: Hebb compares with '==' and '!=', not 'is' and 'is not'"]),
        ("y = x is not none", ["1:7: Hebb compares with '==' and '!=', not 'is' and 'is not'"]),
        // The same names mean nothing special where the program is valid.
        ("lambda = 0.1\nJ = lambda * 2\nprint = 3\nx = a // 2", ["4:7: Hebb has no '//' operator: write floor(a / b) for floor division"]),
    ]

    @Test(arguments: ErrorMessageTests.cases)
    func message(source: String, expected: [String]) {
        #expect(parse(source).located == expected, "\(source)")
    }

    @Test func renderedFormat() {
        let parsed = parse("W = randn(3, 4)\nJ = sum(W * ) + 1\n", name: "net.hebb")
        #expect(parsed.diagnostics.map { $0.rendered() } == [
            "net.hebb:2:13: error: expected an expression after '*'\n    J = sum(W * ) + 1\n                ^",
        ])
    }

    @Test func caretUnderlinesTheWholeToken() {
        let rendered = parse("x = 1 foo").diagnostics.first?.rendered()
        #expect(rendered == "test.hebb:1:7: error: expected a newline or ';' after the statement, found 'foo'\n    x = 1 foo\n          ^~~")
    }

    @Test func diagnosticsCarryTheFile() {
        let parsed = parse("x = )")
        #expect(parsed.diagnostics.allSatisfy { $0.file === parsed.file && $0.span != nil })
    }

    @Test func lineOffsetShiftsReportedLines() {
        let file = SourceFile(name: "book.nb", text: "a = 1\nb = )\n", lineOffset: 40)
        let (_, diagnostics) = Parser.parse(file, symbols: SymbolTable())
        #expect(diagnostics.map { $0.rendered() } == ["book.nb:42:5: error: expected an expression after '='\n    b = )\n        ^"])
        let unclosed = SourceFile(name: "book.nb", text: "f(\n", lineOffset: 10)
        #expect(Parser.parse(unclosed, symbols: SymbolTable()).diagnostics.first?.message == "expected ')' to close '(' opened at line 11")
    }
}

@Suite struct RecoveryTests {
    @Test func everyErrorOfTheFileIsReported() {
        let source = """
        x = 1 +
        y = (2, 3
        z = 4
        fn f(a, a) { return a }
        w = [1 2]
        for i in 1...3 {
            v = i *
            print(v)
        }
        s = "unterminated
        ok = 5
        """
        let parsed = parse(source)
        #expect(parsed.located == [
            "1:8: expected an expression after '+'",
            "2:10: expected ')' to close '(' opened at line 2",
            "4:9: duplicate parameter 'a'",
            "5:8: expected ',' or ']' after the element, found '2'",
            "10:5: unterminated string",
        ])
        // Statements after errors still parse.
        #expect(parsed.dump.contains("(= (z) 4)"))
        #expect(parsed.dump.contains("(= (ok) 5)"))
        #expect(parsed.dump.contains("(for (i) (... 1 3)"))
    }

    @Test func errorsInsideBlocksKeepTheBlock() {
        let parsed = parse("fn f(x) {\n  a = )\n  b = 2\n  c = ]\n  return b\n}\ny = 3")
        #expect(parsed.located == ["2:7: expected an expression after '='", "4:7: expected an expression after '='"])
        #expect(parsed.dump == "(fn f (x) {(= (b) 2); (return b)})\n(= (y) 3)")
    }

    @Test func errorInMultiLineBracketSkipsTheWholeStatement() {
        let parsed = parse("W = [1, 2,\n     3 4,\n     5]\ny = 1")
        #expect(parsed.located == ["2:8: expected ',' or ']' after the element, found '4'"])
        #expect(parsed.dump == "(= (y) 1)")
    }

    @Test func unclosedBracketResumesAtTheNextLine() {
        let parsed = parse("print(\"a\"\nx = 1\ny = (\nz = 2\n")
        #expect(parsed.located == ["1:10: expected ')' to close '(' opened at line 1", "3:6: expected ')' to close '(' opened at line 3"])
        #expect(parsed.dump == "(= (x) 1)\n(= (z) 2)")
    }

    @Test func blockBraceEndsABrokenBracketedStatement() {
        let parsed = parse("if a {\n  x = (1 +\n}\ny = 2")
        #expect(parsed.located == ["2:11: expected an expression after '+'"])
        #expect(parsed.dump == "(if a {})\n(= (y) 2)")
        let list = parse("fn f() {\n  x = [1,\n}\ny = 3")
        #expect(list.located == ["2:10: expected an expression after ','"])
        #expect(list.dump == "(fn f () {})\n(= (y) 3)")
        let record = parse("r = {a: 1 +\n}\ny = 2")
        #expect(record.located == ["1:12: expected an expression after '+'"])
        #expect(record.dump == "(= (y) 2)")
    }

    @Test func strayClosingBraceAtTopLevel() {
        let parsed = parse("fn f() {\n}\n}\nx = 1")
        #expect(parsed.located == ["3:1: unexpected '}'"])
        #expect(parsed.dump == "(fn f () {})\n(= (x) 1)")
    }

    @Test func missingClosingBraceReportedOnceAtEnd() {
        let parsed = parse("fn f() {\n  if x {\n    y = 1\n")
        #expect(parsed.located == ["3:10: expected '}' to close '{' opened at line 2"])
    }

    @Test func invalidCharacterDoesNotCascade() {
        let parsed = parse("x = 3 $ 4\ny = 1 ? 2\nz = ok")
        #expect(parsed.located == ["1:7: invalid character '$'", "2:7: invalid character '?'"])
        #expect(parsed.dump.hasSuffix("(= (z) ok)"))
    }

    @Test func errorsAreInSourceOrder() {
        let parsed = parse("a = )\nb = \"\\q\"\nc = )")
        #expect(parsed.located.map { $0.prefix(3) } == ["1:5", "2:6", "3:5"])
    }
}
