import Testing
@testable import HebbSyntax

@Suite struct IncompleteTests {
    static let incompleteInputs = [
        "f(", "f(a,", "x = [1, 2", "r = {a: 1,", "x = (", "X[1:", "if x {", "fn f(x) {\n  y = 1",
        "for i in 1...3 {\n  if i > 1 {\n", "s = \"abc", "s = 'line one\nline two", "s = \"{x",
        "x = 1 +", "x = a *\n", "x =", "W -=", "a, b,", "ok = a and", "ok = a or", "ok = not",
        "x = -", "r = 1...", "r = 0..<", "y = x **", "m.", "if x", "if x {} else", "while",
        "for", "for x", "for x in", "fn", "fn f", "fn f(x)", "f = fn(x) =>", "x = 1 + # comment\n",
        "if a {\n} else if", "p = [\n  1,\n  2,\n", "s = \"cost {J:.4f",
    ]

    static let completeInputs = [
        "", "x = 1", "f(x)", "if x { y }", "fn f(x) { return x }", "x = [1, 2]", "s = \"done\"",
        "# a comment", "x = 1\n", "for i in xs { }\n", "r = {}", "return", "f = fn(x) => x",
        "if a {\n} else {\n}", "x = \"{a} {b:.2f}\"",
    ]

    /// Finished but wrong: the error is reported now, not after another line.
    static let erroneousInputs = [
        "x = )", "x = [1 2", "}", "f(]", "x = 1 2", "x = $", "f(x) = 1", "x = 1 +\ny = 2",
        ") + (", "if x { ) ", "x = 1e",
    ]

    @Test(arguments: IncompleteTests.incompleteInputs)
    func incomplete(source: String) {
        #expect(Parser.isIncomplete(source), "\(source)")
    }

    @Test(arguments: IncompleteTests.completeInputs)
    func complete(source: String) {
        #expect(!Parser.isIncomplete(source), "\(source)")
    }

    @Test(arguments: IncompleteTests.erroneousInputs)
    func erroneous(source: String) {
        #expect(!Parser.isIncomplete(source), "\(source)")
    }

    /// What a REPL does: keep adding lines while incomplete; the joined text must then parse.
    @Test func continuationLinesCompleteTheInput() {
        let sessions: [[String]] = [
            ["x = 1 +", "2"],
            ["fn f(x) {", "  return x * 2", "}"],
            ["W = [", "  1,", "  2", "]"],
            ["if x", "{", "}"],
            ["if x {", "} else", "{", "}"],
            ["for", "i in", "xs", "{ }"],
            ["s = \"multi", "line\""],
            ["fn f", "(x)", "=>", "x"],
            ["ok = not", "done"],
            ["m.", "W"],
        ]
        for lines in sessions {
            var text = ""
            for (number, line) in lines.enumerated() {
                text += (number == 0 ? "" : "\n") + line
                let last = number == lines.count - 1
                #expect(Parser.isIncomplete(text) == !last, "\(text)")
            }
            #expect(parse(text).diagnostics.isEmpty, "\(text)")
        }
    }
}
