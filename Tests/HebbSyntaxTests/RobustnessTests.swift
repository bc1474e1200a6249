import Testing
@testable import HebbSyntax

/// SplitMix64: a small seeded generator, so a failing mutation can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Samples {
    static let network = """
    # the book's network, Chapter 3-4, on real data
    X, Y = load_csv("data/digits.csv", label: 0)     # N×D matrix, N labels
    X = X / 16
    T = onehot(Y, 10)
    D, M, K = cols(X), 100, 10
    W1 = randn(D, M) / sqrt(D);  b1 = zeros(M)
    W2 = randn(M, K) / sqrt(M);  b2 = zeros(K)

    # Forward pass.
    fn forward(X) {
        Z = relu(X @ W1 + b1)
        return softmax(Z @ W2 + b2)
    }

    for epoch in 1...200 {
        P = forward(X)
        J = -sum(T * log(P))
        dW1, db1, dW2, db2 = grad(J, [W1, b1, W2, b2])
        W1 -= lr * dW1;  b1 -= lr * db1;  W2 -= lr * dW2;  b2 -= lr * db2
        if epoch % 20 == 0 { print("epoch", epoch, "cost", J, "error", error_rate(argmax(P, axis: 1), Y)) }
    }
    """

    static let optimizers = """
    fn momentum(params, lr = 0.01, mu = 0.9) {
        state = {v: map(params, zeros_like), lr: lr, mu: mu}
        return fn(grads) {
            for i, g in enumerate(grads) {
                state.v[i] = mu * state.v[i] - lr * g
                params[i] += state.v[i]
            }
        }
    }
    costs = []
    x = 20.0
    while x > 0.001 and len(costs) < 1000 {
        J = x ** 2 + x
        x -= 0.1 * (2 * x + 1)
        costs = costs + [J]
        if J < -0.25 { break } else if J > 1e6 { continue } else { }
    }
    print("final {x:.4f} after {len(costs)} steps; {{literal}} é 漢字 🙂")
    batch = X[j*b:(j+1)*b, :]
    last = X[:, -1]; every_other = X[::2]; shuffled = X[perm]
    square = fn(v) => v * v
    ok = not (a < b) || c >= d && e != f
    r = 0..<n
    """

    static let all = [network, optimizers]
}

@Suite struct RobustnessTests {
    /// Checks a parse result is well-formed: spans inside the file, errors renderable.
    func checkWellFormed(_ text: String, seed: UInt64) {
        let file = SourceFile(name: "fuzz.hebb", text: text)
        let (program, diagnostics) = Parser.parse(file, symbols: SymbolTable())
        let size = text.utf8.count
        for diagnostic in diagnostics {
            guard let span = diagnostic.span else {
                Issue.record("diagnostic without span (seed \(seed)): \(diagnostic.message)")
                continue
            }
            #expect(span.start >= 0 && span.end <= size && span.start <= span.end, "seed \(seed)")
            #expect(diagnostic.rendered().hasPrefix("fuzz.hebb:"), "seed \(seed)")
        }
        for statement in program.statements {
            #expect(statement.span.start >= 0 && statement.span.end <= size, "seed \(seed)")
        }
        _ = Parser.isIncomplete(text)
    }

    static let fragments = [
        "(", ")", "[", "]", "{", "}", "\"", "'", "{x}", "\\", ",", ":", ";", "\n", "=", "==", "+", "-",
        "**", "...", "..<", ".", "fn", "if", "else", "for", "in", "while", "return", "break", "not",
        "and", "#", "1e", "0.5", "_", "é", "🙂", "\u{201C}", "\t", "\r\n", "{{", "}}", "=>", "@=", "$",
    ]

    func mutate(_ source: String, using generator: inout SeededGenerator) -> String {
        var bytes = Array(source.utf8)
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<6, using: &generator) {
            case 0:
                if !bytes.isEmpty { bytes.remove(at: position) }
            case 1:
                bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &generator)!.utf8), at: position)
            case 2:
                if position + 1 < bytes.count { bytes.swapAt(position, position + 1) }
            case 3:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            case 4:
                let length = Int.random(in: 1...20, using: &generator)
                bytes.removeSubrange(position..<min(bytes.count, position + length))
            default:
                let length = Int.random(in: 1...30, using: &generator)
                let chunk = Array(bytes[position..<min(bytes.count, position + length)])
                let target = Int.random(in: 0...bytes.count, using: &generator)
                bytes.insert(contentsOf: chunk, at: target)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(.timeLimit(.minutes(2)))
    func mutatedProgramsParseWithoutCrashing() {
        var generator = SeededGenerator(state: 2024)
        for round in 0..<4_000 {
            let sample = Samples.all[round % Samples.all.count]
            let seed = generator.state
            checkWellFormed(mutate(sample, using: &generator), seed: seed)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func randomBytesParseWithoutCrashing() {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<1_000 {
            let seed = generator.state
            let length = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            checkWellFormed(String(decoding: bytes, as: UTF8.self), seed: seed)
        }
    }

    @Test func samplesParseCleanly() {
        #expect(parse(Samples.network).diagnostics.isEmpty)
        #expect(parse(Samples.optimizers).diagnostics.isEmpty)
    }
}

@Suite struct NestingLimitTests {
    static let deep = 10_000

    static let cases: [(String, String)] = [
        ("parentheses", "x = " + String(repeating: "(", count: deep) + "1" + String(repeating: ")", count: deep)),
        ("open parentheses", String(repeating: "(", count: deep)),
        ("brackets", "x = " + String(repeating: "[", count: deep) + String(repeating: "]", count: deep)),
        ("records", "x = " + String(repeating: "{a: ", count: deep) + "1" + String(repeating: "}", count: deep)),
        ("unary minus", "x = " + String(repeating: "-", count: deep) + "1"),
        ("not", "x = " + String(repeating: "not ", count: deep) + "a"),
        ("power", "x = " + String(repeating: "2 ** ", count: deep) + "2"),
        ("blocks", String(repeating: "if x {\n", count: deep) + String(repeating: "}\n", count: deep)),
        ("lambdas", "f = " + String(repeating: "fn() { return ", count: deep) + "1" + String(repeating: " }", count: deep)),
        ("index", "x = a" + String(repeating: "[b", count: deep) + String(repeating: "]", count: deep)),
        ("calls in arguments", String(repeating: "f(", count: deep) + String(repeating: ")", count: deep)),
        ("strings", String(repeating: "\"{'{", count: deep / 2) + String(repeating: "}'}\"", count: deep / 2)),
    ]

    @Test(arguments: NestingLimitTests.cases)
    func deepNestingIsAnErrorNotACrash(name: String, source: String) {
        let parsed = parse(source)
        #expect(parsed.messages.contains { $0.contains("nested too deeply") }, "\(name): \(parsed.messages.prefix(3))")
        #expect(parsed.diagnostics.count < 5, "\(name): \(parsed.messages.prefix(5))")
    }

    @Test func longChainsAreIterative() {
        let sum = "x = " + Array(repeating: "a", count: 1_500).joined(separator: " + ")
        #expect(parse(sum).diagnostics.isEmpty)
        let fields = "x = m" + String(repeating: ".f", count: 1_500)
        #expect(parse(fields).diagnostics.isEmpty)
        let elseIfs = "if a { }" + String(repeating: " else if b { }", count: 1_500)
        #expect(parse(elseIfs).diagnostics.isEmpty)
        let tooLong = "x = " + Array(repeating: "a", count: 10_000).joined(separator: " + ")
        #expect(parse(tooLong).messages == ["expression too long (split it into several statements)"])
    }

    @Test func moderateNestingIsFine() {
        let source = "x = " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(parse(source).diagnostics.isEmpty)
        let blocks = String(repeating: "if x {\n", count: 60) + String(repeating: "}\n", count: 60)
        #expect(parse(blocks).diagnostics.isEmpty)
    }
}
