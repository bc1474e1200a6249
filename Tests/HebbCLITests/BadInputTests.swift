import Foundation
import Testing

/// The binary on bad input: every mistake a user can make ends with exit status 1 (2 for bad
/// command-line usage), a `file:line:col: error: message` line, the source line and a caret
/// under the culprit — never a crash (a signal) or a hang.
@Suite struct BadInputTests {
    // MARK: - Syntax

    @Test func severalSyntaxErrorsAreAllReportedInOrder() throws {
        let source = """
            x = (1 +
            y = 2
            z = [1, 2
            print(x y)
            w = 3 +* 4
            """
        let run = try Program(source).run()
        run.expectUserError()
        run.expectDiagnostic(line: 1, column: 9, "expected an expression after '+'", source: "x = (1 +")
        run.expectDiagnostic(line: 3, column: 10, "expected ']' to close '[' opened at line 3", source: "z = [1, 2")
        run.expectDiagnostic(line: 4, column: 9, "expected ',' or ')' after the argument, found 'y'", source: "print(x y)")
        run.expectDiagnostic(line: 5, column: 8, "expected an expression after '+'", source: "w = 3 +* 4")
        #expect(run.errorLines.count == 4, "one error line per mistake:\n\(run.result.stderr)")
        #expect(run.result.stdout.isEmpty, "a file that does not parse runs nothing")
    }

    @Test func breakOutsideALoopIsASyntaxError() throws {
        let run = try Program("print(1)\nfn f() {\n    break\n}").run()
        run.expectUserError()
        run.expectDiagnostic(line: 3, column: 5, "'break' outside a loop", source: "    break", caretWidth: 5)
        #expect(run.result.stdout.isEmpty)
    }

    @Test func unterminatedStringAndBadCharacters() throws {
        let run = try Program("s = \"abc\nt = 1 ¤ 2\n").run()
        run.expectUserError()
        #expect(run.result.stderr.contains(": error: unterminated string"), "\(run.result.stderr)")
        let invalid = try Program("t = 1 § 2").run()
        invalid.expectUserError()
        invalid.expectDiagnostic(line: 1, column: 7, "invalid character '§'", source: "t = 1 § 2")
    }

    /// Source nested far deeper than any real program, by kind.
    static func deeplyNested(_ kind: String) -> String {
        switch kind {
        case "parentheses": "x = " + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)
        case "lists": "x = " + String(repeating: "[", count: 50_000)
        case "blocks": String(repeating: "if true {\n", count: 5_000) + String(repeating: "}\n", count: 5_000)
        case "unary minus": "x = " + String(repeating: "-", count: 100_000) + "1"
        case "function literals": "f = " + String(repeating: "fn() => ", count: 5_000) + "1"
        default: "s = " + String(repeating: "\"{'{", count: 2_000) + String(repeating: "}'}\"", count: 2_000)
        }
    }

    /// Nesting far deeper than any real program: a clean error, not a native stack overflow.
    @Test(arguments: ["parentheses", "lists", "blocks", "unary minus", "function literals", "string holes"])
    func deepNestingInSourceIsAnError(_ kind: String) throws {
        let run = try Program(BadInputTests.deeplyNested(kind)).run()
        run.expectUserError()
        let stderr = run.result.stderr.prefix(300)
        #expect(!run.errorLines.isEmpty, "\(kind): \(stderr)")
        #expect(stderr.contains("too deeply") || stderr.contains("too long"), "\(kind): \(stderr)")
    }

    @Test func veryLongExpressionIsAnErrorNotAStackOverflow() throws {
        let run = try Program("x = 1" + String(repeating: " + 1", count: 100_000)).run()
        run.expectUserError()
        #expect(run.result.stderr.contains("expression too long"), "\(run.result.stderr.prefix(300))")
    }

    // MARK: - Names, calls and types

    @Test func unknownNameSuggestsTheClosestOne() throws {
        let run = try Program("weights = ones(3)\nprint(wieghts)").run()
        run.expectUserError()
        run.expectDiagnostic(line: 2, column: 7, "unknown name 'wieghts'; did you mean 'weights'?",
                             source: "print(wieghts)", caretWidth: 7)
    }

    @Test func unknownNameSuggestsABuiltin() throws {
        let run = try Program("y = softmaxx(ones(3))").run()
        run.expectUserError()
        run.expectDiagnostic(line: 1, column: 5, "unknown name 'softmaxx'; did you mean 'softmax'?", source: "y = softmaxx(ones(3))")
    }

    @Test(arguments: [
        ("exp(1, 2)", "exp() takes at most 1 argument but 2 were given"),
        ("clock(5)", "clock() takes no arguments but 1 were given"),
        ("sum()", "sum() missing argument 'x'"),
        ("sum(\"abc\")", "sum() argument 'x' must be a tensor, not a string"),
        ("zeros(\"a\")", "zeros() dimension must be a number, not a string"),
        ("zeros(2.5)", "zeros() dimension must be a whole number, got 2.5"),
        ("zeros(-1)", "zeros(): negative dimension -1"),
        ("mean(ones(2, 2), axs: 0)", "mean() has no parameter 'axs'; did you mean 'axis'?"),
        ("softmax(ones(2, 2), axis: 2)", "softmax: axis 2 is out of bounds for tensor of dimension 2"),
        ("onehot(tensor([0, 3]), 3)", "onehot: label 3 at index 1 is out of range [0, 3)"),
        ("reshape(ones(6), 4, -1)", "reshape: cannot reshape tensor of size 6 into shape (4, -1)"),
        ("load_csv(42)", "load_csv() argument 'path' must be a string, not a number"),
        ("grad(ones(3), ones(3))", "grad: the cost must be a scalar, but it has shape (3,)"),
        ("x = zeros(2, dtype: \"int8\")", "zeros(): dtype must be \"float64\", \"float32\" or \"bool\""),
        ("float32(ones(2)) + ones(2)", "add: dtype float32 and float64 differ"),
        ("print(\"{3.5:d}\")", "formatted value must be a whole number, got 3.5"),
        ("print(\"{1:q}\")", "invalid format spec 'q'"),
        ("print(\"{1:99999999999999999999}\")", "format width in '99999999999999999999' is too large"),
    ])
    func builtinArgumentErrors(_ source: String, _ message: String) throws {
        let run = try Program(source).run()
        run.expectUserError()
        run.expectDiagnostic(line: 1, message, source: source)
    }

    @Test func userFunctionArgumentErrors() throws {
        let cases: [(call: String, message: String)] = [
            ("f(1, 2, 3)", "f() takes 2 arguments but 3 were given"),
            ("f()", "f() missing argument 'a'"),
            ("f(1, c: 2)", "f() has no parameter 'c'"),
            ("f(1, a: 2)", "f() got two values for 'a' (by position and by label)"),
        ]
        for (call, message) in cases {
            let run = try Program("fn f(a, b = 1) { return a + b }\n" + call).run()
            run.expectUserError()
            run.expectDiagnostic(line: 2, column: 1, message, source: call)
        }
    }

    @Test(arguments: [
        ("x = \"abc\" / 2", "cannot apply '/' to a string and a number"),
        ("x = [1] - 1", "cannot apply '-' to a list and a number"),
        ("x = -\"s\"", "cannot apply '-' to a string"),
        ("n = 3\nn(1)", "a number is not a function"),
        ("r = {a: 1}\nr.b", "record has no field 'b' (fields: a)"),
        ("x = 3\nx.y = 1", "cannot set field 'y' on a number"),
        ("a, b = [1, 2, 3]", "cannot unpack 3 values into 2 names"),
        ("a, b = 7", "cannot unpack a number into 2 names"),
        ("for x in sum(ones(3)) { }", "cannot iterate over a 0-d tensor"),
        ("for x in 5 { }", "cannot iterate over a number"),
        ("if ones(2) { }", "the truth value of a tensor of shape (2,) is ambiguous; use any() or all()"),
        ("x = 5 % 0", "modulo by zero"),
        ("x = ones(2) % 2", "'%' is defined for numbers, not tensors"),
        ("t = (1, 2)\nt[0] = 5", "cannot assign into a tuple"),
        ("x = ones(3)\nx[\"a\"]", "a string cannot be used as an index"),
        ("x = ones(3)\nx[1.5]", "index must be a whole number, got 1.5"),
        ("x = ones(3)\nx[0:2:0]", "slice step cannot be zero"),
        ("assert(1 > 2, message: \"one is not bigger\")", "one is not bigger"),
        ("error(\"custom failure\")", "custom failure"),
    ])
    func typeAndValueErrors(_ source: String, _ message: String) throws {
        let run = try Program(source).run()
        run.expectUserError()
        let lastLine = source.split(separator: "\n").count
        run.expectDiagnostic(line: lastLine, message, source: String(source.split(separator: "\n").last ?? ""))
    }

    // MARK: - Shapes and indices

    @Test(arguments: [
        ("A = ones(2, 3)\nB = ones(2, 3)\nC = A @ B", "matmul: shapes (2, 3) and (2, 3) are not aligned (3 != 2)"),
        ("C = ones(3) @ ones(4)", "matmul: shapes (3,) and (4,) are not aligned (3 != 4)"),
        ("C = dot(ones(2, 5), ones(4, 1))", "matmul: shapes (2, 5) and (4, 1) are not aligned (5 != 4)"),
        ("C = ones(2, 3) + ones(3, 2)", "add: shapes (2, 3) and (3, 2) cannot be broadcast"),
        ("C = ones(4) * ones(3)", "mul: shapes (4,) and (3,) cannot be broadcast"),
        ("C = concat([ones(2, 3), ones(2, 2)])", "concat: shapes (2, 3) and (2, 2) differ on axis 1 (3 != 2)"),
        ("C = concat([ones(2, 3), ones(2)])", "concat: shapes (2, 3) and (2,) have different ranks"),
        ("C = stack([ones(2), ones(3)])", "stack: shapes (2,) and (3,) differ"),
        ("X = ones(3, 4)\nX[3, 0]", "index 3 is out of bounds for axis 0 with size 3"),
        ("X = ones(3, 4)\nX[0, -5]", "index -5 is out of bounds for axis 1 with size 4"),
        ("X = ones(3, 4)\nX[[0, 7]]", "index 7 is out of bounds for axis 0 with size 3"),
        ("X = ones(3)\nX[0, 0]", "too many indices for tensor: tensor is 1-dimensional, but 2 were indexed"),
        ("X = ones(3, 4)\nX[0] = ones(5)", "value of shape (5,) cannot be broadcast to the selection's shape (4,)"),
        ("l = [1, 2]\nl[2]", "index 2 is out of range for length 2"),
        ("s = \"ab\"\ns[-3]", "index -3 is out of range for length 2"),
    ])
    func shapeAndIndexErrorsNameTheOpAndShapes(_ source: String, _ message: String) throws {
        let run = try Program(source).run()
        run.expectUserError()
        let lines = source.split(separator: "\n").map(String.init)
        run.expectDiagnostic(line: lines.count, message, source: lines.last ?? "")
    }

    // MARK: - Files

    @Test func missingFiles() throws {
        for (call, what) in [("load_csv", "loadCSV"), ("load_npy", "loadNPY")] {
            let source = "X = \(call)(\"/nonexistent/hebb/data.file\")"
            let run = try Program(source).run(flags: ["--allow-all"])
            run.expectUserError()
            run.expectDiagnostic(line: 1, column: 5,
                                 "\(what): cannot open '/nonexistent/hebb/data.file': No such file or directory", source: source)
        }
        let save = try Program("save_csv(\"/nonexistent/hebb/out.csv\", ones(2))").run(flags: ["--allow-all"])
        save.expectUserError()
        #expect(save.result.stderr.contains("cannot write '/nonexistent/hebb/out.csv'"), "\(save.result.stderr)")
    }

    @Test func malformedCSVIsReportedWithItsLineNumber() throws {
        let folder = try TemporaryFolder()
        let cases: [(contents: String, message: String)] = [
            ("1,2,3\n4,5,6\n7,8\n", "ragged.csv:3: expected 3 fields, found 2"),
            ("a,b\n1,2\n3,x7\n", "ragged.csv:3: field 2 'x7' is not a number"),
            ("1,2\n3,4,5\n", "ragged.csv:2: expected 2 fields, found 3"),
        ]
        for (contents, message) in cases {
            let path = try folder.write("ragged.csv", contents)
            let source = "X = load_csv(\"\(path)\")"
            let run = try Program(source).run(flags: ["--allow-all"])
            run.expectUserError()
            run.expectDiagnostic(line: 1, column: 5, message, source: source)
        }
        let label = try folder.write("labels.csv", "y,a\n1,2\n")
        let run = try Program("X, y = load_csv(\"\(label)\", label: \"nope\")").run(flags: ["--allow-all"])
        run.expectUserError()
        #expect(run.result.stderr.contains("nope"), "\(run.result.stderr)")
    }

    @Test func malformedNPYIsAnErrorNotACrash() throws {
        let folder = try TemporaryFolder()
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"
        func npy(_ header: String, payload: Int) -> Data {
            var text = header
            while (10 + text.utf8.count + 1) % 64 != 0 { text += " " }
            text += "\n"
            var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
            data.append(contentsOf: [UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
            data.append(contentsOf: Array(text.utf8))
            data.append(Data(count: payload))
            return data
        }
        let files: [(name: String, data: Data)] = [
            ("empty.npy", Data()),
            ("garbage.npy", Data("this is not numpy data at all, just text".utf8)),
            ("short-data.npy", npy(header, payload: 8)),
            ("bad-dtype.npy", npy("{'descr': '<c16', 'fortran_order': False, 'shape': (4,), }", payload: 64)),
            ("fortran.npy", npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", payload: 32)),
            ("huge-shape.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", payload: 8)),
            ("negative-shape.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-4,), }", payload: 32)),
            ("broken-header.npy", npy("{'descr': '<f8', 'shape': (4,", payload: 32)),
            ("header-length-too-big.npy", Data([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF]) + Data("{}".utf8)),
        ]
        for (name, data) in files {
            let path = try folder.write(name, data)
            let source = "X = load_npy(\"\(path)\")"
            let run = try Program(source).run(flags: ["--allow-all"])
            run.expectUserError()
            run.expectDiagnostic(line: 1, column: 5, "loadNPY: \(path)", source: source)
        }
        let good = try folder.write("good.npy", npy(header, payload: 32))
        let ok = try Program("print(load_npy(\"\(good)\"))").run(flags: ["--allow-all"])
        #expect(ok.result.status == 0 && ok.result.stdout == "[0. 0. 0. 0.]\n", "\(ok.result.stdout)\(ok.result.stderr)")
    }

    // MARK: - Resources

    @Test(arguments: [
        "big = zeros(100000, 100000)",
        "big = ones(1e9, 1e9, 1e9)",
        "big = randn(50000, 50000)",
        "big = eye(1e6)",
        "big = onehot(tensor([1]), 1e12)",
    ])
    func allocationsOverTheLimitAreRefused(_ source: String) throws {
        let run = try Program(source).run(timeout: 60)
        run.expectUserError()
        #expect(run.result.stderr.contains("exceeds the limit") || run.result.stderr.contains("too large"),
                "\(run.result.stderr)")
        #expect(run.errorLines.first?.contains(":1:7: error: ") == true, "\(run.result.stderr)")
    }

    @Test func runawayRecursionIsACleanError() throws {
        let run = try Program("fn f(n) { return f(n + 1) }\nf(0)").run(flags: ["--allow-all"])
        run.expectUserError()
        run.expectDiagnostic(line: 2, column: 1, "maximum recursion depth (10000) exceeded: 10000 nested calls of f() (first call at ", source: "f(0)")
        #expect(!run.result.stderr.contains("in f() called at "), "no trace of the last frames, which all say the same")
        #expect(run.result.stderr.contains("(first call at \(run.path):2:1)"), "\(run.result.stderr)")
        let mutual = try Program("fn a(n) { return b(n) }\nfn b(n) { return a(n) }\nfn main() {\n    return b(1)\n}\nmain()").run()
        mutual.expectDiagnostic(line: 4, column: 12, "exceeded: 5000 rounds of b() → a() calling each other (first call at \(mutual.path):4:12)",
                                source: "    return b(1)")
    }

    @Test func runawayRecursionThroughClosuresAndCallbacks() throws {
        let sources = [
            "g = fn(n) => g(n + 1)\ng(0)",
            "fn f() { return no_grad(f) }\nf()",
            "fn f(a = f()) { return a }\nf()",
            "fn f(x) { return sum(x) + f(x) }\nf(ones(3))",
        ]
        for source in sources {
            let run = try Program(source).run(flags: ["--allow-all"])
            run.expectUserError()
            #expect(run.result.stderr.contains("maximum recursion depth"), "\(source): \(run.result.stderr.prefix(300))")
        }
    }

    /// Data built at run time can be deeper than any source: printing and converting it
    /// must not recurse off the end of the stack.
    @Test func selfContainingAndDeeplyNestedValues() throws {
        let cycle = try Program("l = [1]\nappend(l, l)\nr = {a: 1}\nr.me = r\nprint(l, r)").run(flags: ["--allow-all"])
        #expect(cycle.result.status == 0 && !cycle.result.crashed, "\(cycle.result.stderr)")
        #expect(cycle.result.stdout == "[1, [...]] {a: 1, me: {...}}\n")
        let toTensor = try Program("l = []\nappend(l, l)\nt = tensor(l)").run(flags: ["--allow-all"])
        toTensor.expectUserError()
        #expect(toTensor.result.stderr.contains("deeper than 64 levels"), "\(toTensor.result.stderr)")
        let deep = try Program("l = []\nfor i in range(100000) { l = [l] }\ns = str(l)\nprint(len(s) > 2000)\nl = 0\nprint(\"freed\")").run(timeout: 120)
        #expect(deep.result.status == 0 && !deep.result.crashed, "\(deep.result.stderr)")
        #expect(deep.result.stdout == "true\nfreed\n")
    }

    @Test func hugeRangesAsIndicesAndData() throws {
        for source in ["X = ones(3)\nX[0...1e18]", "X = ones(3)\nX[-1e300...0]", "t = tensor(0...1e300)"] {
            let run = try Program(source).run(flags: ["--allow-all"])
            run.expectUserError()
            #expect(run.result.stderr.contains("has too many elements"), "\(source): \(run.result.stderr)")
        }
    }

    @Test func growingStringsAndListsStopAtTheAllocationLimit() throws {
        let limit = ["HEBB_MAX_ALLOC": String(16 << 20)]
        let string = try Program("s = \"x\"\nfor i in range(64) { s = s + s }").run(environment: limit)
        string.expectUserError()
        string.expectDiagnostic(line: 2, column: 26, "a string of 33554432 bytes exceeds the limit of 16 MiB",
                                source: "for i in range(64) { s = s + s }")
        let list = try Program("l = [0]\nwhile true { l = l + l }").run(environment: limit)
        list.expectUserError()
        #expect(list.result.stderr.contains("exceeds the limit of 16 MiB"), "\(list.result.stderr)")
    }

    /// A CSV file whose numbers would not fit under the limit is refused before any row is
    /// parsed, naming the file; so is a file too big to read at all.
    @Test func bigCSVFilesStopAtTheAllocationLimit() throws {
        let folder = try TemporaryFolder()
        let row = Array(repeating: "0", count: 30).joined(separator: ",") + "\n"
        let path = try folder.write("big.csv", String(repeating: row, count: 100_000))
        let limit = ["HEBB_MAX_ALLOC": String(16 << 20)]
        let wide = try Program("X = load_csv(\"\(path)\")").run(environment: limit, flags: ["--allow-all"])
        wide.expectUserError()
        #expect(wide.result.stderr.contains("\(path): room for 100000 rows of 30 columns: allocation of (100000, 30) float64 exceeds the limit of 16 MiB"),
                "\(wide.result.stderr)")
        let small = ["HEBB_MAX_ALLOC": String(4 << 20)]
        let file = try Program("X = load_csv(\"\(path)\")").run(environment: small, flags: ["--allow-all"])
        file.expectUserError()
        #expect(file.result.stderr.contains("\(path): reading the file (6000000 bytes) exceeds the limit of 4 MiB"), "\(file.result.stderr)")
    }

    /// `append` grows a list one item at a time, below any single big allocation: it is
    /// checked as the list's buffer doubles. `str` of a list repeating one long string builds
    /// a text far larger than any value in it.
    @Test func appendLoopsAndHugeTextStopAtTheAllocationLimit() throws {
        let limit = ["HEBB_MAX_ALLOC": String(16 << 20)]
        let appends = try Program("l = []\nwhile true { append(l, 1) }").run(environment: limit)
        appends.expectUserError()
        // The count depends on the size of a value (a word or two): checked loosely.
        appends.expectDiagnostic(line: 2, column: 14, "items exceeds the limit of 16 MiB", source: "while true { append(l, 1) }")
        #expect(appends.result.stderr.contains("error: a list of "), "\(appends.result.stderr)")
        let text = try Program("s = \"x\"\nfor i in range(22) { s = s + s }\nl = []\nfor i in range(20) { append(l, s) }\nt = str(l)").run(environment: limit)
        text.expectUserError()
        text.expectDiagnostic(line: 5, column: 5, "the text of a container", source: "t = str(l)")
        #expect(text.result.stderr.contains("exceeds the limit of 16 MiB"), "\(text.result.stderr)")
    }

    /// `--max-memory SIZE` caps the run: it binds the largest allocation and what the
    /// process may hold, and names itself in the error.
    @Test func maxMemoryFlagLimitsTheRun() throws {
        let big = try Program("x = zeros(8192, 8192)").run(flags: ["--max-memory", "256M"])
        big.expectUserError()
        #expect(big.result.stderr.contains("allocation of (8192, 8192) float64 exceeds the limit of 256 MiB (--max-memory"), "\(big.result.stderr)")
        // Many values that fit one by one, but not together.
        let many = try Program("l = []\nfor i in range(100) { append(l, zeros(1024, 1024) + i) }").run(flags: ["--max-memory", "300M"])
        many.expectUserError()
        #expect(many.result.stderr.contains("exceeds the limit"), "\(many.result.stderr)")
        #expect(many.result.stderr.contains("--max-memory"), "\(many.result.stderr)")
        let fits = try Program("x = zeros(1000, 1000)\nprint(sum(x + 1))").run(flags: ["--max-memory", "1G"])
        #expect(fits.result.status == 0 && fits.result.stdout == "1000000.0\n", "\(fits.result.stderr)")
        for bad in ["lots", "-5M", "0", "1.5Q"] {
            let usage = try BinaryRunner.run(["run", "--max-memory=\(bad)", "x.hebb"])
            #expect(usage.status == 2 && usage.stderr.contains("--max-memory needs a size"), "\(bad): \(usage.stderr)")
        }
    }

    /// The backward pass allocates a gradient per node; past the limit it stops at the node
    /// (an error at the `grad` call) rather than finishing first.
    @Test func aBackwardPassPastTheLimitIsAnError() throws {
        let source = "X = randn(2048, 2048)\nY = tanh(X * X)\nZ = sigmoid(Y * Y)\nc = sum(Z * Z)\nprint(\"forward done\")\ng = grad(c, X)"
        let run = try Program(source).run(flags: ["--max-memory", "300M"])
        run.expectUserError()
        #expect(run.result.stdout == "forward done\n")
        run.expectDiagnostic(line: 6, column: 5, "for a result exceeds the limit", source: "g = grad(c, X)")
        #expect(run.result.stderr.contains("(--max-memory)"), "\(run.result.stderr)")
    }

    @Test func rangesWithNaNOrInfiniteSteps() throws {
        let run = try Program("print(len(range(0, 10, 0 / 0)), list(range(0, 10, 1 / 0)))\nfor i in range(0, 1, 0 / 0) { print(i) }\nprint(\"end\")").run(flags: ["--allow-all"])
        #expect(run.result.status == 0 && !run.result.crashed, "\(run.result.stderr)")
        #expect(run.result.stdout == "0 []\nend\n")
    }

    // MARK: - Command line

    @Test func unknownFlagsAreUsageErrors() throws {
        for arguments in [["--bogus"], ["run", "--nope", "x.hebb"], ["run", "--seed", "abc", "x.hebb"], ["a.hebb", "b.hebb"]] {
            let result = try BinaryRunner.run(arguments)
            #expect(result.status == 2 && !result.crashed, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("Error:"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func missingAndUnreadableScripts() throws {
        let missing = try BinaryRunner.run(["nonexistent.hebb"])
        #expect(missing.status == 1 && !missing.crashed)
        #expect(missing.stderr == "hebb: error: cannot read 'nonexistent.hebb': no such file or not readable\n")
        let folder = try TemporaryFolder()
        let binary = try folder.write("binary.hebb", Data([0xFF, 0xFE, 0x00, 0x80, 0xC3]))
        let notText = try BinaryRunner.run([binary])
        #expect(notText.status == 1 && !notText.crashed)
        #expect(notText.stderr.contains("is not UTF-8 text"), "\(notText.stderr)")
        let directory = try BinaryRunner.run([folder.url.path])
        #expect(directory.status == 1 && !directory.crashed, "\(directory.stderr)")
    }

    @Test func errorsInAProgramReadFromStdin() throws {
        let result = try BinaryRunner.run([], stdin: "print(\"ok\")\nx = y + 1\n")
        #expect(result.status == 1 && !result.crashed)
        #expect(result.stdout == "ok\n")
        #expect(result.stderr.hasPrefix("<stdin>:2:5: error: unknown name 'y'\n    x = y + 1\n        ^\n"), "\(result.stderr)")
    }
}

// MARK: - Helpers

/// A Hebb program written to a temporary file, so errors name a real path.
struct Program {
    let source: String
    init(_ source: String) { self.source = source }

    /// `flags` go before the path (e.g. `--allow-all` for programs that read other folders).
    func run(timeout: TimeInterval = 30, environment: [String: String] = [:], flags: [String] = []) throws -> Run {
        let folder = try TemporaryFolder()
        let path = try folder.write("program.hebb", source)
        return Run(path: path, result: try BinaryRunner.run(flags + [path], timeout: timeout, environment: environment))
    }
}

/// The outcome of running a `Program`, with checks on its diagnostics.
struct Run {
    let path: String
    let result: BinaryRunner.Result

    /// The `file:line:col: error:` lines of stderr.
    var errorLines: [String] {
        result.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix(path + ":") && $0.contains(": error: ") }
    }

    /// Exit status 1 and no signal.
    func expectUserError(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.crashed, "crashed: \(result.stderr.prefix(500))", sourceLocation: sourceLocation)
        #expect(result.status == 1, "exit status \(result.status), stderr: \(result.stderr.prefix(500))", sourceLocation: sourceLocation)
    }

    /// `path:line:col: error: message...`, then the source line indented by four spaces,
    /// then a caret (`^~~~`) under the column. Without a column, any column is accepted.
    func expectDiagnostic(line: Int, column: Int? = nil, _ message: String, source: String, caretWidth: Int? = nil,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let prefix = "\(path):\(line):" + (column.map { "\($0): error: " } ?? "")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) && $0.contains(": error: ") && $0.contains(message) }) else {
            Issue.record("no '\(prefix)... error: \(message)' in:\n\(result.stderr.prefix(1500))", sourceLocation: sourceLocation)
            return
        }
        let header = lines[index].dropFirst("\(path):\(line):".count)
        let reportedColumn = Int(header.prefix { $0.isNumber }) ?? -1
        #expect(index + 2 < lines.count && lines[index + 1] == "    " + source,
                "the source line follows the message:\n\(result.stderr.prefix(1500))", sourceLocation: sourceLocation)
        guard index + 2 < lines.count else { return }
        let caret = lines[index + 2]
        let indent = "    " + String(repeating: " ", count: max(0, source.prefix(reportedColumn - 1).count))
        let marks = caret.dropFirst(indent.count)
        #expect(caret.hasPrefix(indent) && marks.first == "^" && marks.dropFirst().allSatisfy { $0 == "~" },
                "a caret under column \(reportedColumn): '\(caret)'", sourceLocation: sourceLocation)
        if let caretWidth {
            #expect(marks.count == caretWidth, "caret '\(marks)' should be \(caretWidth) wide", sourceLocation: sourceLocation)
        }
    }
}

/// A fresh folder under the system's temporary directory, removed when released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    func write(_ name: String, _ data: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try data.write(to: file)
        return file.path
    }
}
