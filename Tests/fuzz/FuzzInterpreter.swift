// libFuzzer target: the whole interpreter on generated programs. The fuzzer's bytes are not
// parsed as source; they are the choices of a grammar-aware generator (which statement,
// which builtin, which operator, which literal), so every input is a program that parses and
// a mutation changes the program's structure, not only its characters. Built by
// scripts/fuzz.sh against the HebbTensor…HebbLanguage modules.
//
// A finding is a crash, a sanitizer report, a hang the interrupt cannot stop (libFuzzer's
// -timeout), memory past -rss_limit_mb, or an error thrown without a source location (every
// user error must point at the code that caused it).

import Foundation
import HebbLanguage
import HebbPlot
import HebbSyntax
import HebbTensor

/// Reads the fuzzer's bytes as bounded choices; an exhausted input always chooses 0, which
/// every rule below makes its simplest, terminating case.
struct Choices {
    let bytes: [UInt8]
    var position = 0

    mutating func pick(_ count: Int) -> Int {
        guard count > 1, position < bytes.count else { return 0 }
        defer { position += 1 }
        return Int(bytes[position]) % count
    }

    mutating func chance(_ percent: Int) -> Bool { pick(100) < percent }

    mutating func element<T>(_ options: [T]) -> T { options[pick(options.count)] }
}

/// Writes a Hebb program from choices. Depth and size are bounded, loops are bounded by
/// construction, and recursion by the interpreter's own depth limit.
struct ProgramGenerator {
    var choices: Choices
    let builtins: [(name: String, labels: [String])]
    var lines: [String] = []
    var indent = 0
    var loopDepth = 0
    var functionDepth = 0

    static let names = ["x", "y", "z", "W", "b", "xs", "r", "s", "f", "g", "i", "n"]
    static let numbers = ["0", "1", "2", "3", "-1", "0.5", "-2.5", "1e-3", "1e6", "1e308", "-0.0", "7", "100", "2**62", "1_000_000_000"]
    static let strings = ["\"\"", "\"a\"", "\"{x}\"", "\"{x:.3f}\"", "'η ∂'", "\"\\n\\t\"", "\"{{}}\"", "\"data.csv\"", "\"out.npy\""]
    static let binary = ["+", "-", "*", "/", "%", "@", "**", "==", "!=", "<", "<=", ">", ">=", "and", "or", "..<", "..."]
    static let compound = ["=", "+=", "-=", "*=", "/=", "%=", "@=", "**="]
    static let fields = ["T", "shape", "a", "b", "W", "size", "dtype"]
    static let labels = ["axis", "keepdims", "lr", "stride", "padding", "dtype", "seed", "allow_unused", "epochs", "label", "once"]

    init(bytes: [UInt8], builtins: [(name: String, labels: [String])]) {
        self.choices = Choices(bytes: bytes)
        self.builtins = builtins
    }

    /// Every name the generator uses starts defined, with a value of a different kind each,
    /// so statements get past "unknown name" to the code behind it.
    static let prelude = """
        x = randn(3, 4)
        y = [1, 2, 3]
        z = 2.5
        W = ones(4, 3) / 2
        b = zeros(3)
        xs = [x, "text", {a: 1}]
        r = {a: 1, b: [2, 3]}
        s = "hello"
        i = 1
        n = 3
        fn f(a, b = 1) { return a * b }
        fn g(a) => a + 1
        fn h(a) { return sum(a) }
        fn step(a) { return a }
        """

    /// The program as REPL entries: each runs on its own, after the ones before it, as
    /// cells do; an error in one does not keep the next from running.
    mutating func entries() -> [String] {
        var entries: [String] = []
        for _ in 0..<(1 + choices.pick(12)) {
            lines = []
            statement(depth: 0)
            entries.append(lines.joined(separator: "\n"))
        }
        return entries
    }

    private mutating func emit(_ line: String) {
        lines.append(String(repeating: "    ", count: indent) + line)
    }

    private mutating func block(depth: Int, statements: Int? = nil) {
        indent += 1
        for _ in 0..<(statements ?? 1 + choices.pick(3)) { statement(depth: depth + 1) }
        indent -= 1
    }

    mutating func statement(depth: Int) {
        let deep = depth >= 3
        switch choices.pick(deep ? 5 : 14) {
        case 0: emit("\(choices.element(Self.names)) = \(expression(depth: 0))")
        case 1: emit("print(\(expression(depth: 0)))")
        case 2: emit(expression(depth: 0))
        case 3: emit("\(choices.element(Self.names)) \(choices.element(Self.compound)) \(expression(depth: 0))")
        case 4: emit("\(choices.element(Self.names))[\(expression(depth: 1))] = \(expression(depth: 0))")
        case 5:
            emit("if \(expression(depth: 0)) {")
            block(depth: depth)
            if choices.chance(40) { emit("} else {"); block(depth: depth) }
            emit("}")
        case 6:
            emit("for \(choices.element(Self.names)) in \(choices.chance(60) ? "range(\(choices.pick(6)))" : expression(depth: 1)) {")
            loopDepth += 1; block(depth: depth); loopDepth -= 1
            emit("}")
        case 7:
            // A while loop with its own counter, so it ends without the watchdog.
            let counter = "c\(depth)"
            emit("\(counter) = 0")
            emit("while \(counter) < \(choices.pick(5)) {")
            indent += 1; emit("\(counter) += 1"); indent -= 1
            loopDepth += 1; block(depth: depth); loopDepth -= 1
            emit("}")
        case 8:
            let name = choices.element(["f", "g", "h", "step"])
            let parameters = ["a", "b = 1", "c = [1, 2]"].prefix(choices.pick(4)).joined(separator: ", ")
            emit("fn \(name)(\(parameters)) {")
            functionDepth += 1; let loops = loopDepth; loopDepth = 0
            block(depth: depth)
            indent += 1; emit("return \(expression(depth: 0))"); indent -= 1
            functionDepth -= 1; loopDepth = loops
            emit("}")
        case 9:
            // Recursion with an argument that may be past the depth limit.
            emit("fn rec(k) { if k < 1 { return 0 }; return rec(k - 1) + \(expression(depth: 2)) }")
            emit("print(rec(\(choices.element(["3", "10", "999", "20000", "x"]))))")
        case 10:
            emit("W = randn(\(choices.pick(4) + 1), \(choices.pick(4) + 1))")
            emit("gW = grad(fn() => \(choices.element(["sum", "mean"]))(\(choices.element(["tanh", "sigmoid", "relu", "exp", "square"]))(W @ W.T) * \(expression(depth: 2))), W)")
        case 11:
            if loopDepth > 0 { emit(choices.element(["break", "continue"])) } else { emit("xs = [\(expression(depth: 2)), \(expression(depth: 2))]") }
        case 12:
            if functionDepth > 0 { emit("return \(expression(depth: 1))") } else { emit("r = {a: \(expression(depth: 2)), b: \(expression(depth: 2))}") }
        default:
            emit("\(choices.element(Self.names)).\(choices.element(["a", "b"])) = \(expression(depth: 1))")
        }
    }

    mutating func expression(depth: Int) -> String {
        if depth >= 4 { return atom() }
        switch choices.pick(12) {
        case 0, 1: return atom()
        case 2: return "(\(expression(depth: depth + 1)) \(choices.element(Self.binary)) \(expression(depth: depth + 1)))"
        case 3: return choices.element(["-", "not ", "+"]) + expression(depth: depth + 1)
        case 4, 5: return call(depth: depth)
        case 6: return "\(expression(depth: depth + 1))[\(index(depth: depth))]"
        case 7: return "\(expression(depth: depth + 1)).\(choices.element(Self.fields))"
        case 8: return "[" + (0..<choices.pick(4)).map { _ in expression(depth: depth + 1) }.joined(separator: ", ") + "]"
        case 9: return "{a: \(expression(depth: depth + 1)), b: \(expression(depth: depth + 1))}"
        case 10: return "fn(a) => \(expression(depth: depth + 1))"
        default: return "\(choices.element(["f", "g", "h", "step", "rec"]))(\(expression(depth: depth + 1)))"
        }
    }

    private mutating func index(depth: Int) -> String {
        switch choices.pick(6) {
        case 0: return expression(depth: depth + 1)
        case 1: return "\(choices.element(Self.numbers)):\(choices.element(Self.numbers))"
        case 2: return ":, \(choices.element(["0", "1", "-1", "5"]))"
        case 3: return "::\(choices.element(["1", "2", "-1", "0"]))"
        case 4: return "\(expression(depth: depth + 1)) > 0"
        default: return "[0, \(choices.element(Self.numbers))]"
        }
    }

    private mutating func call(depth: Int) -> String {
        guard !builtins.isEmpty else { return atom() }
        let builtin = builtins[choices.pick(builtins.count)]
        var arguments = (0..<choices.pick(4)).map { _ in expression(depth: depth + 1) }
        if choices.chance(35) {
            let label = builtin.labels.isEmpty || choices.chance(20) ? choices.element(Self.labels) : choices.element(builtin.labels)
            arguments.append("\(label): \(expression(depth: depth + 2))")
        }
        return "\(builtin.name)(\(arguments.joined(separator: ", ")))"
    }

    private mutating func atom() -> String {
        switch choices.pick(9) {
        case 0, 1: return choices.element(Self.names)
        case 2, 3: return choices.element(Self.numbers)
        case 4: return choices.element(Self.strings)
        case 5: return choices.element(["true", "false", "none", "inf", "pi", "()"])
        case 6: return choices.element(["[[1, 2], [3, 4]]", "[1.0, -2.0, 3.0]", "[[0.5], [1.5]]", "[[[1]]]", "[]", "[[1, 2], [3]]"])
        case 7: return choices.element(["zeros(2, 3)", "ones(3)", "eye(2)", "randn(2, 2)", "arange(6)", "tensor(1.5)", "rand(1, 28, 28)"])
        default: return "(\(choices.element(Self.numbers)), \(choices.element(Self.names)))"
        }
    }
}

/// Discards text but draws every plot both ways, so the renderers run on fuzzed data.
final class RenderingSink: OutputSink {
    func write(_ text: String) {}
    func plot(_ spec: PlotSpec) {
        _ = SVGRenderer.render(spec)
        _ = TextChart.render(spec, width: 60, height: 16)
    }
    func progress(_ label: String, done: Int, total: Int) {}
}

nonisolated(unsafe) private var fuzzSession: Session?
nonisolated(unsafe) private var builtinSignatures: [(name: String, labels: [String])] = []
private let sandbox: String = {
    let path = NSTemporaryDirectory() + "hebb-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    var permissions = Permissions(home: sandbox)
    permissions.environment = .hebbOnly
    Permissions.granted = permissions
    let session = Session(output: RenderingSink(), seed: 7)
    session.baseDirectory = sandbox
    // A small limit: a fuzzed `zeros(1e6, 1e6)` must be a quick error, not a slow allocation.
    session.allocationLimit = TensorLimits.Budget(bytes: 64 << 20, source: "the fuzzer's limit")
    fuzzSession = session
    builtinSignatures = session.builtinNames.sorted().map { name in
        let signature = session.documentation(for: name)?.split(separator: "\n").first.map(String.init) ?? ""
        return (name, labels(in: signature))
    }
    return 0
}

/// The `label:` names in a signature line such as `sum(X, axis: none, keepdims: false)`.
private func labels(in signature: String) -> [String] {
    signature.split(whereSeparator: { $0 == "(" || $0 == "," || $0 == ")" }).compactMap { part in
        let words = part.split(separator: ":", maxSplits: 1)
        guard words.count == 2 else { return nil }
        let label = words[0].trimmingCharacters(in: .whitespaces)
        return label.allSatisfy { $0.isLetter || $0 == "_" } && !label.isEmpty ? label : nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInterpreter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    var generator = ProgramGenerator(bytes: bytes, builtins: builtinSignatures)
    let entries = [ProgramGenerator.prelude] + generator.entries()
    if ProcessInfo.processInfo.environment["HEBB_FUZZ_PRINT"] != nil { print(entries.joined(separator: "\n# ---\n")) }
    // One session for every input, reset in between (as `:reset` does): loading the stdlib
    // for each would cost more than most programs. A finding is replayed alone, so it
    // reproduces as long as reset forgets everything a program made.
    guard let session = fuzzSession else { return 0 }
    session.reset()
    // Programs that compute for long are stopped the way Ctrl-C stops them; one that does
    // not stop is a hang libFuzzer reports.
    let watchdog = DispatchWorkItem { session.interrupt() }
    DispatchQueue.global().asyncAfter(deadline: .now() + 2, execute: watchdog)
    defer { watchdog.cancel() }
    for (number, source) in entries.enumerated() {
        do {
            _ = try session.run(source, fileName: "REPL[\(number)]")
        } catch let diagnostic as Diagnostic {
            if diagnostic.kind == .interrupted { break }
            if diagnostic.span == nil {
                print("UNLOCATED ERROR: \(diagnostic.message)\n--- entry:\n\(source)")
                abort()
            }
        } catch {
            print("NON-DIAGNOSTIC ERROR \(type(of: error)): \(error)\n--- entry:\n\(source)")
            abort()
        }
    }
    return 0
}
