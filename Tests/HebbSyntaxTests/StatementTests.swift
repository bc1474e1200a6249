import Testing
@testable import HebbSyntax

@Suite struct AssignmentTests {
    @Test func simpleAndDestructuring() {
        #expect(tree("x = 1") == "(= (x) 1)")
        #expect(tree("a, b, c = e") == "(= (a b c) e)")
        #expect(tree("(a, b) = pair") == "(= (a b) pair)")
        #expect(tree("[a, b] = pair") == "(= (a b) pair)")
        #expect(tree("a, b = b, a") == "(= (a b) (tuple b a))")
        #expect(tree("D, M, K = cols(X), 100, 10") == "(= (D M K) (tuple (call cols X) 100 10))")
        #expect(tree("dW1, db1 = grad(J, [W1, b1])") == "(= (dW1 db1) (call grad J [W1 b1]))")
    }

    @Test func indexAndFieldTargets() {
        #expect(tree("X[i, :] = e") == "(= ((index X i (: _ _ _))) e)")
        #expect(tree("m.W = e") == "(= ((. m W)) e)")
        #expect(tree("m.layers[0].W = 0") == "(= ((. (index (. m layers) 0) W)) 0)")
        #expect(tree("a, X[0] = 1, 2") == "(= (a (index X 0)) (tuple 1 2))")
    }

    @Test func compound() {
        #expect(tree("W -= lr * dW") == "(-= W (* lr dW))")
        #expect(tree("x += 1") == "(+= x 1)")
        #expect(tree("x *= 2") == "(*= x 2)")
        #expect(tree("x /= 2") == "(/= x 2)")
        #expect(tree("x @= W") == "(@= x W)")
        #expect(tree("x %= 3") == "(%= x 3)")
        #expect(tree("x **= 2") == "(**= x 2)")
        #expect(tree("X[0, :] += v") == "(+= (index X 0 (: _ _ _)) v)")
        #expect(tree("opt.v *= 0.9") == "(*= (. opt v) 0.9)")
    }

    @Test func lineBreaksAfterEqualsAndCommas() {
        #expect(tree("x =\n  1") == "(= (x) 1)")
        #expect(tree("a,\n b = 1, 2") == "(= (a b) (tuple 1 2))")
        #expect(tree("W -=\n lr") == "(-= W lr)")
    }

    @Test func invalidTargets() {
        #expect(parse("f(x) = 1").messages == ["cannot assign to a call"])
        #expect(parse("1 = x").messages == ["cannot assign to a literal"])
        #expect(parse("a + b = 1").messages == ["cannot assign to an operator expression"])
        #expect(parse("a, (b, c) = x").messages == ["cannot assign to a nested list or tuple (only one level of destructuring)"])
        #expect(parse("a, b += 1").messages == ["'+=' needs a single target"])
        #expect(parse("f() += 1").messages == ["cannot assign to a call"])
        #expect(parse("a = b = 1").messages == ["unexpected '=' (an assignment cannot be chained or used as a value)"])
    }

    @Test func invalidTargetSpanIsTheTarget() {
        let parsed = parse("y = 2\nsum(x) = 1")
        #expect(parsed.located == ["2:1: cannot assign to a call"])
        #expect(parsed.diagnostics.first.flatMap { $0.span }.map(parsed.text) == "sum(x)")
    }
}

@Suite struct ControlFlowTests {
    @Test func ifForms() {
        #expect(tree("if a { x = 1 }") == "(if a {(= (x) 1)})")
        #expect(tree("if a { x } else { y }") == "(if a {x} else {y})")
        #expect(tree("if a { x } else if b { y } else { z }") == "(if a {x} else {(if b {y} else {z})})")
        #expect(tree("if a { x } else if b { y }") == "(if a {x} else {(if b {y})})")
        #expect(tree("if a {\n x\n}\nelse {\n y\n}") == "(if a {x} else {y})")
        #expect(tree("if a {\n} else if b {\n}\nelse if c {\n}\n\nelse {\n}") == "(if a {} else {(if b {} else {(if c {} else {})})})")
        #expect(tree("if epoch % 20 == 0 { print(\"epoch\", epoch) }") == "(if (== (% epoch 20) 0) {(call print \"epoch\" epoch)})")
        #expect(tree("if a\n{\n x\n}") == "(if a {x})")
    }

    @Test func ifWithoutElseLeavesNextStatement() {
        #expect(tree("if a { x }\ny = 1") == "(if a {x})\n(= (y) 1)")
        #expect(tree("if a { x }\n\n# note\nelse_count = 1") == "(if a {x})\n(= (else_count) 1)")
    }

    @Test func conditionBraceIsTheBlock() {
        #expect(tree("if x { }") == "(if x {})")
        #expect(tree("while n > 0 { n -= 1 }") == "(while (> n 0) {(-= n 1)})")
        #expect(tree("for k in keys { }") == "(for (k) keys {})")
        #expect(tree("if f({a: 1}) { }") == "(if (call f {a=1}) {})")
        #expect(tree("if ({a: 1}) == r { }") == "(if (== {a=1} r) {})")
        #expect(tree("if x { {a: 1} }") == "(if x {{a=1}})")
    }

    @Test func forForms() {
        #expect(tree("for epoch in 1...200 { }") == "(for (epoch) (... 1 200) {})")
        #expect(tree("for i, x in enumerate(xs) { }") == "(for (i x) (call enumerate xs) {})")
        #expect(tree("for (i, x) in pairs { }") == "(for (i x) pairs {})")
        #expect(tree("for i in 0..<n {\n  s += i\n}") == "(for (i) (..< 0 n) {(+= s i)})")
    }

    @Test func whileBreakContinue() {
        #expect(tree("while true {\n if done { break }\n continue\n}") == "(while true {(if done {break}); continue})")
        #expect(tree("for x in xs { while a { break }; continue }") == "(for (x) xs {(while a {break}); continue})")
    }

    @Test func jumpsOutsideLoopsAreReported() {
        #expect(parse("break").messages == ["'break' outside a loop"])
        #expect(parse("continue").messages == ["'continue' outside a loop"])
        #expect(parse("for x in xs { f = fn() { break } }").messages == ["'break' outside a loop"])
        #expect(parse("return 1").messages == ["'return' outside a function"])
    }

    @Test func finalExpressionIsReturned() {
        #expect(tree("fn f(x) { x * 2 }") == "(fn f (x) {(return (* x 2))})")
        #expect(tree("g = fn(x) { y = x; y }") == "(= (g) (fn (x) {(= (y) x); (return y)}))")
        #expect(tree("fn f(x) { if x { 1 } else if y { 2 } else { 3 } }")
                == "(fn f (x) {(if x {(return 1)} else {(if y {(return 2)} else {(return 3)})})})")
        // A body ending in a statement, or a loop, keeps returning none.
        #expect(tree("fn f(x) { y = x }") == "(fn f (x) {(= (y) x)})")
        #expect(tree("fn f(x) { for i in x { i } }") == "(fn f (x) {(for (i) x {i})})")
        // Only function bodies: a top-level block is not affected.
        #expect(tree("if x { 1 }") == "(if x {1})")
    }

    @Test func returns() {
        #expect(tree("fn f() { return }") == "(fn f () {(return)})")
        #expect(tree("fn f() { return 1 }") == "(fn f () {(return 1)})")
        // The final bare expression of a body is its value (an implicit return).
        #expect(tree("fn f() {\n return\n x\n}") == "(fn f () {(return); (return x)})")
        #expect(tree("fn f() { return; x }") == "(fn f () {(return); (return x)})")
        #expect(tree("fn f() { return a, b }") == "(fn f () {(return (tuple a b))})")
        #expect(tree("fn f() { return a +\n b }") == "(fn f () {(return (+ a b))})")
    }
}

@Suite struct FunctionTests {
    @Test func declarations() {
        #expect(tree("fn f(a, b, lr = 0.1) { return a }") == "(fn f (a b lr=0.1) {(return a)})")
        #expect(tree("fn f() {}") == "(fn f () {})")
        #expect(tree("fn sq(x) => x * x") == "(fn sq (x) {(return (* x x))})")
        #expect(tree("fn f(\n  a,\n  b = 2,\n) {\n}") == "(fn f (a b=2) {})")
        #expect(tree("fn forward(X) {\n    Z = relu(X @ W1 + b1)\n    return softmax(Z @ W2 + b2)\n}")
                == "(fn forward (X) {(= (Z) (call relu (+ (@ X W1) b1))); (return (call softmax (+ (@ Z W2) b2)))})")
    }

    @Test func parameterErrors() {
        #expect(parse("fn f(a, a) {}").messages == ["duplicate parameter 'a'"])
        #expect(parse("fn f(a = 1, b) {}").messages == ["parameter 'b' needs a default value, like the ones before it"])
        #expect(parse("fn f(1) {}").messages == ["expected a parameter name, found '1'"])
        #expect(parse("fn (x) {}").messages.isEmpty)
        #expect(parse("x = fn g(x) {}").messages == ["a function expression has no name (write 'fn(x) { ... }'; 'fn name(...)' is a statement)"])
    }

    @Test func docComments() {
        let source = """
        x = 1   # not a doc

        # Rectified linear unit.
        #
        #   relu(x) = max(x, 0)
        fn relu(x) { return x }

        # unrelated

        fn bare(x) { return x }
        #no space
        fn tight() {}
        """
        let parsed = parse(source)
        #expect(parsed.diagnostics.isEmpty)
        let docs = parsed.program.statements.compactMap { statement -> String?? in
            guard case .function(let declaration) = statement.kind else { return nil }
            return .some(declaration.doc)
        }
        #expect(docs == ["Rectified linear unit.\n\n  relu(x) = max(x, 0)", nil, "no space"])
    }

    @Test func docCommentAfterCodeLineIsNotTaken() {
        let parsed = parse("y = 2 # trailing\nfn f() {}")
        guard case .function(let declaration)? = parsed.program.statements.last?.kind else {
            Issue.record("no function")
            return
        }
        #expect(declaration.doc == nil)
    }
}

@Suite struct NewlineTests {
    @Test func separators() {
        #expect(tree("a\nb") == "a\nb")
        #expect(tree("a; b") == "a\nb")
        #expect(tree("a;;\n\n;b;") == "a\nb")
        #expect(tree("W1 = randn(D, M) / sqrt(D);  b1 = zeros(M)") == "(= (W1) (/ (call randn D M) (call sqrt D)))\n(= (b1) (call zeros M))")
    }

    @Test func ignoredInsideBrackets() {
        #expect(tree("f(\n1\n,\n2\n)") == "(call f 1 2)")
        #expect(tree("x = (\n a\n +\n b\n)") == "(= (x) (+ a b))")
        #expect(tree("X[\n 0,\n :\n]") == "(index X 0 (: _ _ _))")
        #expect(tree("(a\n, b)") == "(tuple a b)")
    }

    @Test func continuedAfterBinaryOperators() {
        #expect(tree("x = a +\n b") == "(= (x) (+ a b))")
        #expect(tree("ok = a and\n b or\n c") == "(= (ok) (or (and a b) c))")
        #expect(tree("r = 1...\n n") == "(= (r) (... 1 n))")
        #expect(tree("y = -\n x") == "(= (y) (neg x))")
    }

    @Test func notContinuedBeforeAnOperator() {
        // A line that starts with `-` is a new statement (unary minus), as in Python.
        #expect(tree("x = a\n- b") == "(= (x) a)\n(neg b)")
    }

    @Test func blockStatementsNeedSeparators() {
        #expect(parse("if a { x } y = 1").messages == ["expected a newline or ';' after the statement, found 'y'"])
        #expect(tree("if a { x }; y = 1") == "(if a {x})\n(= (y) 1)")
    }

    @Test func crlfInput() {
        let source = "x = 1\r\nif x {\r\n  y = \"a\r\nb\"\r\n}\r\nz = [1,\r\n 2]\r\n"
        #expect(tree(source) == "(= (x) 1)\n(if x {(= (y) \"a\nb\")})\n(= (z) [1 2])")
        let parsed = parse("x = 1\r\ny = $\r\n")
        #expect(parsed.located == ["2:5: invalid character '$'"])
        #expect(parsed.diagnostics[0].rendered() == "test.hebb:2:5: error: invalid character '$'\n    y = $\n        ^")
    }

    @Test func commentsEverywhere() {
        let source = """
        # header
        x = [1, # one
             2] # two
        f(a, # first
          b)
        if x { # open
          y = 1 # inside
        } # close
        """
        #expect(tree(source) == "(= (x) [1 2])\n(call f a b)\n(if x {(= (y) 1)})")
    }

    @Test func emptyAndCommentOnlyPrograms() {
        #expect(tree("") == "")
        #expect(tree("\n\n  \n") == "")
        #expect(tree("# just a comment") == "")
        #expect(tree("#!/usr/bin/env hebb\nx") == "x")
    }
}

@Suite struct SpanTests {
    @Test func expressionSpansCoverTheirText() {
        let parsed = parse("y = -sum(T * log(P)) + (a + b)\n")
        guard case .assign(let targets, let value) = parsed.program.statements[0].kind,
              case .binary(.add, let left, let right) = value.kind,
              case .unary(_, let call) = left.kind,
              case .call(_, let arguments) = call.kind,
              case .binary(_, _, let logCall) = arguments[0].value.kind,
              case .name(let target) = targets[0] else {
            Issue.record("unexpected tree: \(parsed.dump)")
            return
        }
        #expect(parsed.text(parsed.program.statements[0].span) == "y = -sum(T * log(P)) + (a + b)")
        #expect(parsed.text(value.span) == "-sum(T * log(P)) + (a + b)")
        #expect(parsed.text(left.span) == "-sum(T * log(P))")
        #expect(parsed.text(call.span) == "sum(T * log(P))")
        #expect(parsed.text(arguments[0].value.span) == "T * log(P)")
        #expect(parsed.text(logCall.span) == "log(P)")
        #expect(parsed.text(right.span) == "(a + b)")
        #expect(parsed.text(target.span) == "y")
    }

    @Test func postfixSpans() {
        let parsed = parse("X[a:b, :].T")
        guard case .expression(let field) = parsed.program.statements[0].kind,
              case .field(let index, _) = field.kind,
              case .index(let base, let items) = index.kind,
              case .slice(let start?, let stop?, nil) = items[0] else {
            Issue.record("unexpected tree")
            return
        }
        #expect(parsed.text(field.span) == "X[a:b, :].T")
        #expect(parsed.text(index.span) == "X[a:b, :]")
        #expect(parsed.text(base.span) == "X")
        #expect(parsed.text(start.span) == "a")
        #expect(parsed.text(stop.span) == "b")
    }

    @Test func statementSpans() {
        let source = "fn f(x) {\n  return x\n}\nfor i in xs {\n  W -= i\n}\nif a { } else { b }\n"
        let parsed = parse(source)
        let texts = parsed.program.statements.map { parsed.text($0.span) }
        #expect(texts == ["fn f(x) {\n  return x\n}", "for i in xs {\n  W -= i\n}", "if a { } else { b }"])
        guard case .forIn(let pattern, _, let body) = parsed.program.statements[1].kind,
              case .compoundAssign(.name(let target), _, _) = body[0].kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(parsed.text(pattern[0].span) == "i")
        #expect(parsed.text(body[0].span) == "W -= i")
        #expect(parsed.text(target.span) == "W")
    }

    @Test func multiLineCallSpan() {
        let parsed = parse("z = f(a,\n      b)")
        guard case .assign(_, let call) = parsed.program.statements[0].kind else { return }
        #expect(parsed.text(call.span) == "f(a,\n      b)")
    }

    @Test func unicodeColumns() {
        // Columns count characters, not bytes: "é" and "漢" are one column each.
        let parsed = parse("s = \"héllo 漢字\" # ünïcode\nt = s + é + $\n")
        #expect(parsed.located == ["2:13: invalid character '$'"])
        let emoji = parse("label = \"🙂\"; x = )")
        #expect(emoji.located == ["1:18: expected an expression after '='"])
    }
}

@Suite struct EncodingTests {
    @Test func byteOrderMarkIsSkipped() {
        #expect(tree("\u{FEFF}x = 1") == "(= (x) 1)")
    }

    @Test func controlCharactersAreReported() {
        #expect(parse("x = 1\u{0}").messages == ["invalid character U+0000"])
        #expect(parse("x\u{00A0}= 1").messages == ["invalid character U+00A0 (a non-breaking space)"])
        #expect(parse("x = 🙂").messages == ["invalid character '🙂'"])
    }
}
