// Builtins bind their arguments from their signatures: a labelled argument reaches the body
// where the signature puts it, a value given twice is an error, and no body reads a
// parameter at another position than its signature's (the bug behind
// `arange(start: 1, stop: 5)` returning 0…4).

import Foundation
import Testing
@testable import HebbLanguage

@Suite struct BuiltinBindingTests {
    /// Labels and positions give the same result.
    @Test(arguments: [
        ("arange(start: 1, stop: 5)", "arange(1, 5)"),
        ("arange(stop: 4)", "arange(4)"),
        ("arange(1, stop: 7, step: 2)", "arange(1, 7, 2)"),
        ("list(range(start: 2, stop: 5))", "list(range(2, 5))"),
        ("list(range(stop: 3))", "list(range(3))"),
        ("linspace(start: 0, stop: 1, count: 5)", "linspace(0, 1, 5)"),
        ("linspace(0, count: 3, stop: 2)", "linspace(0, 2, 3)"),
        ("pow(x: arange(4), p: 2)", "pow(arange(4), 2)"),
        ("eye(n: 2, dtype: \"float32\")", "eye(2, dtype: \"float32\")"),
        ("full(shape: [2, 2], value: 3)", "full([2, 2], 3)"),
        ("sum(x: ones(2, 3), axis: 1)", "sum(ones(2, 3), 1)"),
        ("clip(x: arange(5), low: 1, high: 3)", "clip(arange(5), 1, 3)"),
        ("zeros(shape: [2, 3])", "zeros(2, 3)"),
        ("randn(shape: [2], dtype: \"float32\").shape", "randn(2, dtype: \"float32\").shape"),
        ("reshape(x: arange(6), shape: [2, 3])", "reshape(arange(6), [2, 3])"),
        ("maximum(a: arange(3), b: 1)", "maximum(arange(3), 1)"),
    ])
    func labelsMeanWhatPositionsMean(labelled: String, positional: String) throws {
        let run = HebbRun()
        let byLabel = try run.run(labelled).value
        let byPosition = try run.run(positional).value
        #expect(byLabel != nil)
        #expect(byLabel == byPosition, "\(labelled) gave \(byLabel ?? "nothing"), \(positional) gave \(byPosition ?? "nothing")")
    }

    @Test func theBookExampleCountsFromItsStart() throws {
        #expect(try HebbRun().run("arange(start: 1, stop: 5)").value == "[1. 2. 3. 4.]")
        #expect(try HebbRun().run("eye(2, dtype: \"float32\").dtype").value == "\"float32\"")
    }

    /// What the signature does not allow is a located error that says what to write.
    @Test(arguments: [
        ("arange(1, 5, start: 2)", "arange() got two values for 'start': argument 1 and 'start:'"),
        ("sum(ones(3), x: ones(3))", "sum() got two values for 'x'"),
        ("arange(start: 3)", "arange(start:) needs stop: too"),
        ("arange()", "arange() missing argument 'stop'"),
        ("pow(p: 2)", "pow() missing argument 'x'"),
        ("linspace(0, 1, counts: 3)", "linspace() has no parameter 'counts'; did you mean 'count'?"),
    ])
    func badCallsAreLocatedErrors(source: String, message: String) {
        let error = HebbRun().error(source)
        #expect(error?.contains(message) == true, "\(source): \(error ?? "no error")")
        #expect(error?.contains(":1:") == true, "not located: \(error ?? "")")
    }

    /// Every accessor in a builtin's body names a parameter of its signature at the
    /// signature's position, and no body of a fixed signature reads positions raw.
    @Test func everyBodyReadsItsSignature() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/HebbLanguage/Builtins")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 5)
        var checked = 0, problems: [String] = []
        for file in files.sorted() {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for builtin in BuiltinSource.all(in: source) {
                checked += 1
                let parameters = BuiltinSource.parameters(of: builtin.signature)
                let positional = parameters.prefix { !$0.hasSuffix("...") }
                let names = parameters.map { $0.replacingOccurrences(of: "...", with: "") }
                for read in builtin.reads {
                    if read.index < positional.count ? positional[read.index] != read.label : !names.contains(read.label) {
                        problems.append("\(file): \(builtin.signature) reads (\(read.index), \"\(read.label)\")")
                    }
                }
                if !builtin.variadic, builtin.body.contains("arguments.positional[") {
                    problems.append("\(file): \(builtin.signature) reads arguments.positional[…] instead of its parameters")
                }
            }
        }
        #expect(checked >= 80, "found only \(checked) builtins in \(folder.path)")
        #expect(problems == [])
    }
}

/// The builtins of a Swift source file as text: signature, trailing-closure body, and the
/// `call.accessor(index, "label")` reads in it.
private struct BuiltinSource {
    let signature: String
    let variadic: Bool
    let body: String
    var reads: [(index: Int, label: String)] {
        let pattern = try? NSRegularExpression(pattern: #"call\.[a-zA-Z]+\((\d+), "([A-Za-z_0-9]+)""#)
        let range = NSRange(body.startIndex..., in: body)
        return (pattern?.matches(in: body, range: range) ?? []).compactMap { match in
            guard let index = Range(match.range(at: 1), in: body).flatMap({ Int(body[$0]) }),
                  let label = Range(match.range(at: 2), in: body).map({ String(body[$0]) }) else { return nil }
            return (index, label)
        }
    }

    static func all(in source: String) -> [BuiltinSource] {
        var found: [BuiltinSource] = []
        var rest = Substring(source)
        while let start = rest.range(of: "Builtin(\"") {
            rest = rest[start.upperBound...]
            var signature = "", escaped = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if escaped { signature.append(character); escaped = false; continue }
                if character == "\\" { escaped = true; continue }
                if character == "\"" { break }
                signature.append(character)
            }
            guard let open = rest.range(of: #"\{ (call|_) in"#, options: .regularExpression) else { break }
            let header = rest[..<open.lowerBound]
            var depth = 1, end = open.upperBound
            var inString = false
            while end < rest.endIndex, depth > 0 {
                let character = rest[end]
                if character == "\"", rest[rest.index(before: end)] != "\\" { inString.toggle() }
                if !inString { if character == "{" { depth += 1 } else if character == "}" { depth -= 1 } }
                end = rest.index(after: end)
            }
            found.append(BuiltinSource(signature: signature, variadic: header.contains("variadic:"),
                                       body: String(rest[open.upperBound..<end])))
            rest = rest[end...]
        }
        return found
    }

    /// `name(a, b: 1, rest...)` → ["a", "b", "rest..."], as the binder reads it.
    static func parameters(of signature: String) -> [String] {
        Builtin.parameters(of: signature).map { $0.variadic ? $0.name + "..." : $0.name }
    }
}

/// PyTorch habits that would otherwise fail obscurely or, worse, run: each is an error that
/// says what Hebb writes instead.
@Suite struct PyTorchHabitTests {
    @Test(arguments: [
        ("sum(ones(2, 2), dim: 1)", "sum() has no parameter 'dim'; write 'axis:'"),
        ("sum(ones(2, 2), axis: 1, keepdim: true)", "has no parameter 'keepdim'; write 'keepdims:'"),
        ("cross_entropy(ones(2, 3), [0, 1], dim: 1)", "cross_entropy() has no parameter 'dim'"),
        ("W = ones(2)\nW.backward()", "Hebb has no .backward(); take the gradients with dW = grad(J, W)"),
        ("W = ones(2)\nW.grad", "Hebb keeps no .grad on tensors"),
        ("W = ones(2)\nW.requires_grad", "grad(J, W) needs no flag"),
        // One tensor instead of a list: the loop inside step would walk its rows.
        ("W = ones(2, 3)\nopt = sgd(lr: 0.1)\nW = opt.step(W, ones(2, 3))", "opt.step takes a list of parameters and a list of their gradients, not a tensor"),
        ("W = ones(2, 3)\nopt = adam()\nW = opt.step([W], ones(2, 3))", "not a tensor: write W = opt.step([W], [dW])[0]"),
        ("W = ones(2)\nopt = rmsprop()\nopt.step([W, W], [W])", "opt.step got 2 parameters but 1 gradients"),
    ])
    func habitsAreErrorsThatSayWhatToWrite(source: String, message: String) {
        let error = HebbRun().error(source)
        #expect(error?.contains(message) == true, "\(source): \(error ?? "no error")")
    }
}
