import Testing
@testable import HebbSyntax

@Suite struct StringTests {
    func parts(_ source: String) -> [StringPart]? {
        guard case .string(let parts)? = expression(source)?.kind else { return nil }
        return parts
    }

    @Test func plainAndEscapes() {
        #expect(tree(#""hello""#) == #""hello""#)
        #expect(tree("'single'") == #""single""#)
        #expect(tree(#""""#) == #""""#)
        guard case .text(let text)? = parts(#""a\nb\tc\\d\"e\'f\{g\}h\0i\r""#)?.first else {
            Issue.record("no text part")
            return
        }
        #expect(text == "a\nb\tc\\d\"e'f{g}h\0i\r")
        guard case .text(let quotes)? = parts(#"'it\'s "quoted"'"#)?.first else { return }
        #expect(quotes == "it's \"quoted\"")
        guard case .text(let unicode)? = parts(#""\u{1F600} \u{e9}""#)?.first else { return }
        #expect(unicode == "😀 é")
    }

    @Test func literalBraces() {
        guard case .text(let text)? = parts(#""{{x}} and }}""#)?.first else {
            Issue.record("no text part")
            return
        }
        #expect(text == "{x} and }")
        #expect(parts(#""{{x}}""#)?.count == 1)
    }

    @Test func interpolation() {
        #expect(tree(#""epoch {epoch} cost {J:.4f}""#) == #""epoch {epoch} cost {J:.4f}""#)
        #expect(tree(#""{a + b * 2}""#) == #""{(+ a (* b 2))}""#)
        #expect(tree(#""{x:>6}|{y:8.3e}|{n:d}""#) == #""{x:>6}|{y:8.3e}|{n:d}""#)
        #expect(tree(#""{f(x, axis: 1)}""#) == #""{(call f x axis=1)}""#)
        #expect(tree(#""{X[1:3, :]}""#) == #""{(index X (: 1 3 _) (: _ _ _))}""#)
        #expect(tree(#""{ {a: 1} }""#) == #""{{a=1}}""#)
        #expect(tree(#""{d['key']}""#) == #""{(index d "key")}""#)
        #expect(tree(#""{'inner {x} text'}""#) == #""{"inner {x} text"}""#)
        #expect(tree("\"{(a\n, b)}\"") == #""{(tuple a b)}""#)
        #expect(tree(#""{x:}""#) == #""{x:}""#)
        #expect(tree(#""{x}{y}""#) == #""{x}{y}""#)
    }

    @Test func partStructure() {
        guard let parts = parts(#""cost {J:.4f} at {i}!""#), parts.count == 5,
              case .text("cost ") = parts[0],
              case .interpolation(let cost, ".4f") = parts[1],
              case .text(" at ") = parts[2],
              case .interpolation(let index, nil) = parts[3],
              case .text("!") = parts[4],
              case .name(let costName) = cost.kind, case .name(let indexName) = index.kind else {
            Issue.record("unexpected parts")
            return
        }
        #expect(costName.name == "J")
        #expect(indexName.name == "i")
    }

    @Test func interpolationSpansPointIntoTheFile() {
        let parsed = parse("print(\"héllo {name + suffix} / {rate:.2f}\")\n")
        guard case .expression(let call) = parsed.program.statements[0].kind,
              case .call(_, let arguments) = call.kind,
              case .string(let parts) = arguments[0].value.kind,
              case .interpolation(let sum, _) = parts[1],
              case .binary(_, let left, let right) = sum.kind,
              case .interpolation(let rate, _) = parts[3] else {
            Issue.record("unexpected tree: \(parsed.dump)")
            return
        }
        #expect(parsed.text(arguments[0].value.span) == "\"héllo {name + suffix} / {rate:.2f}\"")
        #expect(parsed.text(sum.span) == "name + suffix")
        #expect(parsed.text(left.span) == "name")
        #expect(parsed.text(right.span) == "suffix")
        #expect(parsed.text(rate.span) == "rate")
        #expect(parsed.file.location(ofOffset: rate.span.start) == (1, 33))
    }

    @Test func multiLineStrings() {
        #expect(tree("s = \"line one\nline two\"") == "(= (s) \"line one\nline two\")")
        let parsed = parse("s = \"a\n{x}\"\ny = $")
        #expect(parsed.located == ["3:5: invalid character '$'"])
    }

    @Test func unicodeContent() {
        #expect(tree("s = \"日本語 🙂 ñ\"") == "(= (s) \"日本語 🙂 ñ\")")
        #expect(tree("s = \"{α} → {β}\"") == "(= (s) \"{α} → {β}\")")
    }

    @Test func stringErrors() {
        #expect(parse(#"s = "abc"#).located == ["1:5: unterminated string"])
        #expect(parse("s = 'abc\nx = 1").located == ["1:5: unterminated string"])
        #expect(parse(#""\q""#).located == [#"1:2: invalid escape '\q' in a string (write '\\' for a backslash)"#])
        #expect(parse(#""a } b""#).located == ["1:4: single '}' in a string (write '}}' for a literal brace)"])
        #expect(parse(#""{}""#).located == ["1:2: expected an expression inside '{}' in a string (write '{{' for a literal brace)"])
        #expect(parse(#""{x"; y = 1"#).located == ["1:4: expected '}' to close '{' in the string"])
        #expect(parse(#""{a b}""#).located == ["1:5: unexpected 'b' in '{...}' of a string"])
        #expect(parse(#""{a +}""#).located == ["1:6: expected an expression after '+'"])
        #expect(parse(#""{f(x}""#).located == ["1:6: expected ')' to close '(' opened at line 1"])
        #expect(parse(#""\u{110000}""#).located == [#"1:2: invalid unicode escape (write it as '\u{1F600}')"#])
        #expect(parse(#""{x # y}""#).located == ["1:5: '#' cannot appear inside '{...}' in a string"])
        // The string's own quote ends a hole: nest strings with the other quote.
        #expect(parse(#"s = "{"x"}""#).located.first == "1:7: expected '}' to close '{' in the string")
    }

    @Test func unterminatedStringDoesNotHideLaterErrors() {
        let parsed = parse("a = \"open\nb = 2\nc = )\n")
        #expect(parsed.located == ["1:5: unterminated string", "3:5: expected an expression after '='"])
    }

    @Test func errorsInsideInterpolationDoNotEndTheFile() {
        let parsed = parse("x = \"{1 +}\"\ny = (2 +)\nz = 3")
        #expect(parsed.located == ["1:10: expected an expression after '+'", "2:9: expected an expression after '+'"])
        #expect(parsed.dump == "(= (z) 3)")
    }
}
