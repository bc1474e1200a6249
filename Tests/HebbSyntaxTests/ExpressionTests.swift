import Testing
@testable import HebbSyntax

@Suite struct PrecedenceTests {
    /// (source, expected tree): one row per rule of the precedence table.
    static let table: [(String, String)] = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 * 2 + 3", "(+ (* 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("a % b * c", "(* (% a b) c)"),
        ("X @ W + b", "(+ (@ X W) b)"),
        ("X @ W @ V", "(@ (@ X W) V)"),
        ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
        ("-x ** 2", "(neg (** x 2))"),
        ("2 ** -1", "(** 2 (neg 1))"),
        ("-2 ** -x ** 2", "(neg (** 2 (neg (** x 2))))"),
        ("a * -b", "(* a (neg b))"),
        ("-a * b", "(* (neg a) b)"),
        ("+a - -b", "(- (pos a) (neg b))"),
        ("- - a", "(neg (neg a))"),
        ("-f(x)", "(neg (call f x))"),
        ("-X[0]", "(neg (index X 0))"),
        ("a.b ** 2", "(** (. a b) 2)"),
        ("x ** y.T", "(** x (. y T))"),
        ("a + b < c * d", "(< (+ a b) (* c d))"),
        ("a == b and c != d", "(and (== a b) (!= c d))"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a || b && c", "(or a (and b c))"),
        ("not a and b", "(and (not a) b)"),
        ("not a == b", "(not (== a b))"),
        ("!a || b", "(or (not a) b)"),
        ("not not a", "(not (not a))"),
        ("a or not b", "(or a (not b))"),
        ("a <= b", "(<= a b)"),
        ("a >= b", "(>= a b)"),
        ("a > b", "(> a b)"),
        ("1...n", "(... 1 n)"),
        ("0..<n + 1", "(..< 0 (+ n 1))"),
        ("a...b == c", "(== (... a b) c)"),
        ("-1...1", "(... (neg 1) 1)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("((a))", "a"),
        ("f(x)(y)", "(call (call f x) y)"),
        ("f(x)[0].y", "(. (index (call f x) 0) y)"),
        ("m.layers[0].W", "(. (index (. m layers) 0) W)"),
        ("X.T @ Y", "(@ (. X T) Y)"),
        ("sum(T * log(P))", "(call sum (* T (call log P)))"),
        ("-sum(T * log(P))", "(neg (call sum (* T (call log P))))"),
        ("a ** b ** -c", "(** a (** b (neg c)))"),
    ]

    @Test(arguments: PrecedenceTests.table)
    func precedence(source: String, expected: String) {
        #expect(tree(source) == expected, "\(source)")
    }

    @Test func comparisonsDoNotChain() {
        #expect(parse("a < b < c").messages == ["comparison operators cannot be chained (write 'a < b and b < c')"])
        #expect(parse("a == b == c").messages.count == 1)
        #expect(tree("(a < b) < c") == "(< (< a b) c)")
    }

    @Test func rangesDoNotChain() {
        #expect(parse("1...2...3").messages == ["ranges cannot be chained"])
        #expect(parse("1..<2...3").messages == ["ranges cannot be chained"])
    }
}

@Suite struct LiteralTests {
    @Test(arguments: [
        ("1", 1.0), ("2.5", 2.5), ("1e-3", 0.001), ("1E3", 1000), (".5", 0.5), ("1_000", 1000),
        ("1_000.25", 1000.25), ("2.5e+2", 250), ("0", 0), ("007", 7), ("1e0", 1),
        ("123456789012", 123456789012), ("3.141_592", 3.141592),
    ])
    func numbers(source: String, value: Double) {
        guard case .number(let parsed)? = expression(source)?.kind else {
            Issue.record("not a number: \(source)")
            return
        }
        #expect(parsed == value)
    }

    @Test func keywordsLiterals() {
        #expect(tree("[true, false, none]") == "[true false none]")
    }

    @Test func lists() {
        #expect(tree("[]") == "[]")
        #expect(tree("[1, 2, 3]") == "[1 2 3]")
        #expect(tree("[1, 2, 3,]") == "[1 2 3]")
        #expect(tree("[[1, 2], [3, 4]]") == "[[1 2] [3 4]]")
        #expect(tree("[\n  1,\n  2\n]") == "[1 2]")
    }

    @Test func tuples() {
        #expect(tree("()") == "(tuple)")
        #expect(tree("(a,)") == "(tuple a)")
        #expect(tree("(a, b)") == "(tuple a b)")
        #expect(tree("(a, b,)") == "(tuple a b)")
        #expect(tree("(a)") == "a")
        #expect(tree("a, b") == "(tuple a b)")
    }

    @Test func records() {
        #expect(tree("{}") == "{}")
        #expect(tree("{W: randn(2, 3), b: zeros(3)}") == "{W=(call randn 2 3) b=(call zeros 3)}")
        #expect(tree("m = {lr: 0.1, momentum: 0.9,}") == "(= (m) {lr=0.1 momentum=0.9})")
        #expect(tree("state = {\n  v: 0,\n  s: {inner: 1}\n}") == "(= (state) {v=0 s={inner=1}})")
        #expect(tree("f({a: 1})") == "(call f {a=1})")
        #expect(tree("[{a: 1}, {}]") == "[{a=1} {}]")
    }

    @Test func namesAreInterned() {
        let symbols = SymbolTable()
        let file = SourceFile(name: "t", text: "W = W + x\nx")
        let (program, diagnostics) = Parser.parse(file, symbols: symbols)
        #expect(diagnostics.isEmpty)
        #expect(symbols.names == ["W", "x"])
        guard case .assign(let targets, let value) = program.statements[0].kind,
              case .name(let target) = targets[0],
              case .binary(_, let left, _) = value.kind, case .name(let read) = left.kind else {
            Issue.record("unexpected tree")
            return
        }
        #expect(target.symbol == read.symbol)
        #expect(target.symbol == symbols.lookup("W"))
    }

    @Test func unicodeNames() {
        #expect(tree("α = 0.1; Δw = α * grad") == "(= (α) 0.1)\n(= (Δw) (* α grad))")
        #expect(tree("café2 = 1") == "(= (café2) 1)")
    }

    @Test func keywordPrefixesAreNames() {
        #expect(tree("format = 1; ifs = 2; none_ = 3; fnx = notx") == "(= (format) 1)\n(= (ifs) 2)\n(= (none_) 3)\n(= (fnx) notx)")
    }
}

@Suite struct PostfixTests {
    @Test func calls() {
        #expect(tree("f()") == "(call f)")
        #expect(tree("f(a, b)") == "(call f a b)")
        #expect(tree("argmax(P, axis: 1)") == "(call argmax P axis=1)")
        #expect(tree("f(axis: 1, x)") == "(call f axis=1 x)")
        #expect(tree("f(a, label: 0, b)") == "(call f a label=0 b)")
        #expect(tree("f(a,\n  b,\n)") == "(call f a b)")
        #expect(tree("load_csv(\"d.csv\", label: 0)") == "(call load_csv \"d.csv\" label=0)")
    }

    @Test func indexing() {
        #expect(tree("X[i]") == "(index X i)")
        #expect(tree("X[a:b, :]") == "(index X (: a b _) (: _ _ _))")
        #expect(tree("X[::2]") == "(index X (: _ _ 2))")
        #expect(tree("X[:, -1]") == "(index X (: _ _ _) (neg 1))")
        #expect(tree("X[idx]") == "(index X idx)")
        #expect(tree("X[1:]") == "(index X (: 1 _ _))")
        #expect(tree("X[:3]") == "(index X (: _ 3 _))")
        #expect(tree("X[1:10:2]") == "(index X (: 1 10 2))")
        #expect(tree("X[::]") == "(index X (: _ _ _))")
        #expect(tree("X[j*b:(j+1)*b, :]") == "(index X (: (* j b) (* (+ j 1) b) _) (: _ _ _))")
        #expect(tree("X[i, j]") == "(index X i j)")
        #expect(tree("X[i][j]") == "(index (index X i) j)")
        #expect(tree("X[[0, 2, 1]]") == "(index X [0 2 1])")
    }

    @Test func fields() {
        #expect(tree("X.T") == "(. X T)")
        #expect(tree("model.W1.T") == "(. (. model W1) T)")
        #expect(tree("a.\n  b") == "(. a b)")
    }
}

@Suite struct LambdaTests {
    @Test func forms() {
        #expect(tree("f = fn(x) => x * 2") == "(= (f) (fn (x) {(return (* x 2))}))")
        #expect(tree("f = fn(x, y) { return x + y }") == "(= (f) (fn (x y) {(return (+ x y))}))")
        #expect(tree("map(xs, fn(x) => x + 1)") == "(call map xs (fn (x) {(return (+ x 1))}))")
        #expect(tree("g = fn() {\n  a = 1\n  return a\n}") == "(= (g) (fn () {(= (a) 1); (return a)}))")
        #expect(tree("h = fn(lr = 0.1) => lr") == "(= (h) (fn (lr=0.1) {(return lr)}))")
        #expect(tree("fn(x) => x") == "(fn (x) {(return x)})")
        #expect(tree("fn\n(x) => x") == "(fn (x) {(return x)})")
    }

    @Test func lambdaInsideArgumentsHasStatementBody() {
        let source = "apply(fn(x) {\n  y = x * 2\n  return y\n}, 3)"
        #expect(tree(source) == "(call apply (fn (x) {(= (y) (* x 2)); (return y)}) 3)")
    }

    @Test func closuresNest() {
        #expect(tree("adder = fn(a) => fn(b) => a + b") == "(= (adder) (fn (a) {(return (fn (b) {(return (+ a b))}))}))")
    }
}
