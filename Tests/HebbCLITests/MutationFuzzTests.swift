import Foundation
import Testing

/// Mutation fuzzing of the whole binary: the example programs, the golden programs, the
/// stdlib and the notebooks' code cells are mutated (characters and tokens deleted, inserted, duplicated and swapped,
/// lines shuffled, numbers made extreme, random bytes, truncation) and each mutant is run
/// by the real `hebb`. None may die by a signal. Each must exit 0, or 1 with an error
/// message; a timeout is accepted only for a mutant that has a loop or a function to spin in
/// (those are listed), and only for a few percent of the mutants. Any other mutant that
/// times out runs again alone before it counts as a hang.
///
/// Deterministic: the seed is fixed (`HEBB_FUZZ_SEED` and `HEBB_FUZZ_MUTANTS` change the
/// seed and the number of mutants per source for longer runs by hand).
@Suite struct MutationFuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["HEBB_FUZZ_SEED"] ?? "") ?? 0x4845_4242
    static let mutantsPerSource = Int(ProcessInfo.processInfo.environment["HEBB_FUZZ_MUTANTS"] ?? "") ?? 9
    /// Mutants running at once (the machine has two cores, shared with other work).
    static let parallelRuns = 3
    static let timeout: TimeInterval = 6

    @Test func mutantsNeverCrashTheBinary() throws {
        let workspace = try FuzzWorkspace()
        let sources = try FuzzCorpus.load()
        #expect(sources.count >= 50, "the corpus should hold the examples, goldens and stdlib")
        var random = SplitMix64(seed: MutationFuzzTests.seed)
        let mutator = Mutator(names: try FuzzCorpus.builtinNames())
        var mutants: [Mutant] = []
        for source in sources {
            for index in 0..<MutationFuzzTests.mutantsPerSource {
                let (bytes, description) = mutator.mutate(Array(source.text.utf8), using: &random)
                mutants.append(Mutant(name: "\(source.name)#\(index)", bytes: bytes, description: description,
                                      viaStdin: random.next() % 3 == 0 || !bytes.isValidUTF8))
            }
        }
        #expect(mutants.count >= 500)

        print("mutation fuzz: \(mutants.filter(\.viaStdin).count) of \(mutants.count) mutants go through stdin")
        var outcomes = try FuzzRunner.run(mutants, in: workspace, parallel: MutationFuzzTests.parallelRuns,
                                          timeout: MutationFuzzTests.timeout)
        // A mutant with nothing to loop in that timed out may only have met a busy machine
        // (the other suites run beside this one): it runs again alone, with four times the
        // time, and only a second timeout counts.
        for (index, mutant) in mutants.enumerated() where !mutant.canLoop {
            guard case .timedOut = outcomes[index] else { continue }
            outcomes[index] = try FuzzRunner.run([mutant], in: workspace, parallel: 1,
                                                 timeout: 4 * MutationFuzzTests.timeout)[0]
        }
        var crashes: [String] = [], badExits: [String] = [], timeouts: [String] = [], unexplainedTimeouts: [String] = []
        var exitCounts = [0, 0]
        for (mutant, outcome) in zip(mutants, outcomes) {
            let saved = { () -> String in (try? workspace.saveFailure(mutant)) ?? "(not saved)" }
            switch outcome {
            case .signal(let number, let stderr):
                crashes.append("\(mutant.name) [\(mutant.description)] died by signal \(number), saved as \(saved()):\n\(stderr.suffix(800))")
            case .timedOut:
                timeouts.append("\(mutant.name) [\(mutant.description)]")
                if !mutant.canLoop { unexplainedTimeouts.append("\(mutant.name) [\(mutant.description)] saved as \(saved())") }
            case .exited(let status, let stderr):
                if status == 0 || status == 1 { exitCounts[Int(status)] += 1 }
                if status != 0 && status != 1 {
                    badExits.append("\(mutant.name) [\(mutant.description)] exited \(status), saved as \(saved()):\n\(stderr.suffix(400))")
                } else if status == 1, !stderr.contains("error") {
                    badExits.append("\(mutant.name) [\(mutant.description)] failed without an error message, saved as \(saved())")
                }
            }
        }
        print("mutation fuzz: \(mutants.count) mutants of \(sources.count) sources (seed \(MutationFuzzTests.seed)): "
              + "\(exitCounts[0]) ran, \(exitCounts[1]) reported errors, \(timeouts.count) timed out, \(crashes.count) crashed")
        for timeout in timeouts { print("  timed out (loops): \(timeout)") }
        #expect(crashes.isEmpty, "\(crashes.count) mutants crashed:\n\(crashes.joined(separator: "\n\n"))")
        #expect(badExits.isEmpty, "unexpected exits:\n\(badExits.joined(separator: "\n\n"))")
        #expect(unexplainedTimeouts.isEmpty, "timed out with nothing to loop in:\n\(unexplainedTimeouts.joined(separator: "\n"))")
        #expect(timeouts.count * 20 <= mutants.count, "more than 5% of the mutants timed out:\n\(timeouts.joined(separator: "\n"))")
        #expect(exitCounts[0] > 0 && exitCounts[1] > 0, "mutants should both run and fail")
    }
}

// MARK: - Corpus

/// A program to mutate: its name and its text, prepared to run fast and touch only files in
/// the fuzz workspace.
struct FuzzSource {
    var name: String
    var text: String
}

enum FuzzCorpus {
    static func load() throws -> [FuzzSource] {
        let root = BinaryRunner.packageRoot
        var sources: [FuzzSource] = []
        for folder in ["examples", "Tests/golden", "stdlib"] {
            let directory = root.appendingPathComponent(folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".hebb") }.sorted()
            for name in names {
                var text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                if folder == "stdlib" { text += stdlibDrivers[name] ?? "" }
                sources.append(FuzzSource(name: "\(folder)/\(name)", text: prepared(text)))
            }
        }
        for notebook in try notebookPrograms(in: root.appendingPathComponent("notebooks")) {
            sources.append(FuzzSource(name: notebook.name, text: prepared(notebook.text)))
        }
        return sources
    }

    /// The code cells of each notebook, joined into one program (cells that are meant to
    /// fail are left out, so a mutant gets past them).
    static func notebookPrograms(in folder: URL) throws -> [FuzzSource] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".nb") }.sorted()
        return try names.map { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            var cells: [String] = [], current: [Substring]? = nil
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if var lines = current {
                    if line.hasPrefix("```") { cells.append(lines.joined(separator: "\n")); current = nil } else { lines.append(line); current = lines }
                } else if line.hasPrefix("```hebb"), !line.contains("expect-error") {
                    current = []
                }
            }
            return FuzzSource(name: "notebooks/\(name)", text: cells.joined(separator: "\n"))
        }
    }

    /// Short loops (a mutant of a 200-epoch training run would only time out) and scratch
    /// files written into the workspace instead of /tmp.
    static func prepared(_ text: String) -> String {
        var text = text
        text = text.replacingOccurrences(of: #"(\.\.\.|\.\.<)\s*(\d{2,})"#, with: "$1 3", options: .regularExpression)
        text = text.replacingOccurrences(of: #"range\((\d{2,})\)"#, with: "range(3)", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\b(epochs|steps)\s*=\s*\d+"#, with: "$1 = 3", options: .regularExpression)
        text = text.replacingOccurrences(of: "/tmp/hebb-golden-", with: "scratch-")
        return text
    }

    /// Every builtin and stdlib function name, from `hebb doc` (the first word of each
    /// indented line; the category headings and summaries are not names).
    static func builtinNames() throws -> [String] {
        let result = try BinaryRunner.run(["doc"])
        let names = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        return names.isEmpty ? ["sum"] : names
    }

    /// Calls appended to each stdlib file, so mutated function bodies also run.
    static let stdlibDrivers: [String: String] = [
        "losses.hebb": """

            print(cross_entropy(tensor([[1, 2], [0, 1]]), tensor([0, 1])), mse(ones(2), zeros(2)), std(arange(4)))
            print(error_rate(tensor([1, 0]), tensor([1, 1])), clip(tensor([-2, 2]), -1, 1), leaky_relu(tensor([-1])))
            """,
        "optimizers.hebb": """

            w = ones(2)
            for opt in [sgd(), momentum(), nesterov(), adagrad(), rmsprop(momentum: 0.9), adam()] {
                w = opt.step([w], grad(sum(w * w), [w]))[0]
            }
            print(w)
            """,
        "training.hebb": """

            X = reshape(arange(12), 6, 2)
            Y = arange(6)
            print(len(batches(X, Y, 4)), shape(train_test_split(X, Y)[0]), shape(standardize(X)[0]))
            print(shift_images(ones(2, 4), 2, 2, 1, 1), dropout(X, keep: 0.5), add_noise(X), step_decay(1, 20))
            es = early_stopping(patience: 1)
            print(es.update(2, [X]), es.update(3, [X]))
            """,
        "datasets.hebb": """

            print(shape(clouds(5)[0]), shape(xor_data(5)[0]), shape(donut(5)[0]), shape(spirals(5)[0]), parity(2))
            print(shape(saddle(5)[0]))
            """,
    ]
}

// MARK: - Mutations

struct Mutant: Sendable {
    var name: String
    var bytes: [UInt8]
    var description: String
    var viaStdin: Bool

    /// Whether the mutant has something that may legitimately run for a long time.
    var canLoop: Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return ["while", "for", "fn"].contains { text.contains($0) }
    }
}

/// Deterministic generator (SplitMix64), so every run makes the same mutants.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// The mutation operators. Text is handled as bytes, so a mutant may cut a UTF-8 sequence.
struct Mutator {
    /// Builtin and stdlib names, for replacing a name by another that exists.
    let names: [String]

    /// Tokens worth inserting: keywords, brackets, operators, builtins, extreme numbers.
    static let dictionary: [String] = [
        "fn", "if", "else", "for", "in", "while", "return", "break", "continue", "true", "false", "none",
        "and", "or", "not", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "=>", "...", "..<", "+", "-",
        "*", "**", "/", "%", "@", "==", "!=", "<", ">=", "=", "+=", "-=", "*=", "@=", "**=", "\n", "#",
        "\"", "'", "\"{", "}\"", "\\", "0", "-1", "1e308", "1e-320", "0/0", "1e18", "9e15", "-0.0", "2**64",
        "x", "X", "W", "T", "tensor", "zeros", "ones", "randn", "arange", "reshape", "sum", "mean", "max",
        "argmax", "softmax", "grad", "onehot", "concat", "stack", "transpose", ".T", "[0]", "[:, 0]", "[::-1]",
        "[-1]", "shape", "len", "range", "print", "append", "list", "load_csv", "load_npy", "plot", "hist",
        "imshow", "scatter", "axis:", "keepdims:", "dtype: \"float32\"", "label:", "seed", "permutation",
        "η", "\u{0}", "\u{FEFF}", "\u{201C}", "\r", "\t", "{a: 1}", "[[1, 2], [3]]", "fn(x) => x",
    ]

    static let interestingNumbers = ["0", "-1", "1", "2", "1e308", "-1e308", "1e-320", "1e18", "0.5", "-0.0",
                                     "65536", "4294967297", "9007199254740993", "(0/0)", "(1/0)", "1e3"]

    /// One to three mutations; returns the mutant and a short description of what was done.
    func mutate(_ original: [UInt8], using random: inout SplitMix64) -> ([UInt8], String) {
        var bytes = original
        var done: [String] = []
        for _ in 0..<(1 + random.below(3)) {
            done.append(mutateOnce(&bytes, using: &random))
        }
        return (bytes, done.joined(separator: ", "))
    }

    func mutateOnce(_ bytes: inout [UInt8], using random: inout SplitMix64) -> String {
        let count = bytes.count
        let position = random.below(count + 1)
        switch random.below(18) {
        case 0 where count > 0:
            bytes.remove(at: min(position, count - 1))
            return "delete byte at \(position)"
        case 1:
            let byte = UInt8(truncatingIfNeeded: random.pick(Array(" \n(){}[]\"'#,:;.=+-*/@<>!&|\\0123456789aeT_".utf8)))
            bytes.insert(byte, at: position)
            return "insert '\(Character(Unicode.Scalar(byte)))' at \(position)"
        case 2 where count > 0:
            let start = min(position, count - 1), length = 1 + random.below(min(40, count - start))
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: start)
            return "duplicate \(length) bytes at \(start)"
        case 3 where count > 1:
            let other = random.below(count)
            bytes.swapAt(min(position, count - 1), other)
            return "swap bytes \(min(position, count - 1)) and \(other)"
        case 4, 5:
            return mutateToken(&bytes, using: &random)
        case 6:
            let token = random.pick(Mutator.dictionary)
            bytes.insert(contentsOf: Array((random.below(2) == 0 ? " " + token + " " : token).utf8), at: position)
            return "insert token '\(token.debugDescription)' at \(position)"
        case 7:
            return mutateLines(&bytes, using: &random)
        case 8:
            return mutateNumber(&bytes, using: &random)
        case 9:
            let length = 1 + random.below(8)
            bytes.insert(contentsOf: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: position)
            return "insert \(length) random bytes at \(position)"
        case 10 where count > 0:
            bytes.removeSubrange(min(position, count)...)
            return "truncate at \(position)"
        case 11, 12, 13, 14:
            return replaceLikeWithLike(&bytes, using: &random)
        default:
            return mutateToken(&bytes, using: &random)
        }
    }

    /// Byte ranges of tokens: names, numbers, strings (roughly), single punctuation.
    static func tokenRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        func isWord(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "_") || byte >= 0x80 || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".") }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") { index += 1; continue }
            var end = index + 1
            if isWord(byte) {
                while end < bytes.count, isWord(bytes[end]) { end += 1 }
            } else if byte == UInt8(ascii: "\"") {
                while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\n") { end += 1 }
                end = min(bytes.count, end + 1)
            }
            ranges.append(index..<end)
            index = end
        }
        return ranges
    }

    func mutateToken(_ bytes: inout [UInt8], using random: inout SplitMix64) -> String {
        let tokens = Mutator.tokenRanges(bytes)
        guard !tokens.isEmpty else { return "no tokens" }
        let token = random.pick(tokens)
        let text = String(decoding: bytes[token], as: UTF8.self)
        switch random.below(4) {
        case 0:
            bytes.removeSubrange(token)
            return "delete token '\(text)'"
        case 1:
            bytes.insert(contentsOf: Array(bytes[token]) + [UInt8(ascii: " ")], at: token.lowerBound)
            return "duplicate token '\(text)'"
        case 2:
            let other = random.pick(tokens)
            guard other != token else { return "swap token with itself" }
            let (first, second) = token.lowerBound < other.lowerBound ? (token, other) : (other, token)
            guard first.upperBound <= second.lowerBound else { return "overlapping tokens" }
            let a = Array(bytes[first]), b = Array(bytes[second])
            bytes.replaceSubrange(second, with: a)
            bytes.replaceSubrange(first, with: b)
            return "swap tokens '\(String(decoding: a, as: UTF8.self))' and '\(String(decoding: b, as: UTF8.self))'"
        default:
            let replacement = random.pick(Mutator.dictionary)
            bytes.replaceSubrange(token, with: Array(replacement.utf8))
            return "replace token '\(text)' with '\(replacement.debugDescription)'"
        }
    }

    static let operators = ["+", "-", "*", "/", "**", "@", "%", "==", "<", ">=", "and", "or", "...", "..<"]
    static let strings = ["\"\"", "\"float32\"", "\"/nonexistent/file\"", "\"{1:>9999}\"", "\"{x}\"", "\"a\\nb\"",
                          "\"data/digits.csv\"", "\"Tests/golden/fixtures/garbage.npy\"", "\"Tests/golden/fixtures/ragged.csv\""]

    /// A name for another name (often a builtin), a number for an extreme number, an
    /// operator for another, a string for another: mutants that still parse and then run.
    func replaceLikeWithLike(_ bytes: inout [UInt8], using random: inout SplitMix64) -> String {
        let tokens = Mutator.tokenRanges(bytes)
        guard !tokens.isEmpty else { return "no tokens" }
        let token = random.pick(tokens)
        let text = String(decoding: bytes[token], as: UTF8.self)
        let first = bytes[token.lowerBound]
        let replacement: String
        if first >= 0x30 && first <= 0x39 {
            replacement = random.pick(Mutator.interestingNumbers)
        } else if first == UInt8(ascii: "\"") {
            replacement = random.pick(Mutator.strings)
        } else if first == UInt8(ascii: "_") || first >= 0x80 || (first | 0x20 >= 0x61 && first | 0x20 <= 0x7A) {
            let others = Mutator.tokenRanges(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
                .filter { $0.first?.isLetter == true }
            replacement = random.below(2) == 0 || others.isEmpty ? random.pick(names) : random.pick(others)
        } else {
            replacement = random.pick(Mutator.operators)
        }
        bytes.replaceSubrange(token, with: Array(replacement.utf8))
        return "replace '\(text)' with '\(replacement)'"
    }

    func mutateLines(_ bytes: inout [UInt8], using random: inout SplitMix64) -> String {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        guard lines.count > 1 else { return "single line" }
        let index = random.below(lines.count)
        let action: String
        switch random.below(3) {
        case 0:
            lines.remove(at: index)
            action = "delete line \(index + 1)"
        case 1:
            lines.insert(lines[index], at: random.below(lines.count + 1))
            action = "copy line \(index + 1)"
        default:
            let other = random.below(lines.count)
            lines.swapAt(index, other)
            action = "swap lines \(index + 1) and \(other + 1)"
        }
        bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        return action
    }

    func mutateNumber(_ bytes: inout [UInt8], using random: inout SplitMix64) -> String {
        let numbers = Mutator.tokenRanges(bytes).filter { bytes[$0.lowerBound] >= 0x30 && bytes[$0.lowerBound] <= 0x39 }
        guard !numbers.isEmpty else { return mutateToken(&bytes, using: &random) }
        let number = random.pick(numbers)
        let old = String(decoding: bytes[number], as: UTF8.self)
        let new = random.pick(Mutator.interestingNumbers)
        bytes.replaceSubrange(number, with: Array(new.utf8))
        return "number \(old) -> \(new)"
    }
}

extension Array where Element == UInt8 {
    /// Valid UTF-8 without NUL bytes (anything else is fed on stdin, past the file check).
    var isValidUTF8: Bool { !contains(0) && String(bytes: self, encoding: .utf8) != nil }
}

// MARK: - Running

/// What became of one mutant.
enum FuzzOutcome: Sendable {
    case exited(Int32, stderr: String)
    case signal(Int32, stderr: String)
    case timedOut
}

/// A scratch folder the mutants run in: small copies of the data files they read, and the
/// place their writes land. Failing mutants are saved to `failures/` inside it (kept).
final class FuzzWorkspace: Sendable {
    let url: URL

    init() throws {
        let fileManager = FileManager.default
        url = fileManager.temporaryDirectory.appendingPathComponent("hebb-fuzz-\(UUID().uuidString)")
        let root = BinaryRunner.packageRoot
        try fileManager.createDirectory(at: url.appendingPathComponent("data"), withIntermediateDirectories: true)
        try fileManager.createDirectory(at: url.appendingPathComponent("Tests/golden"), withIntermediateDirectories: true)
        // The first 300 digits are enough to exercise the code and keep each run short.
        let digits = try String(contentsOf: root.appendingPathComponent("data/digits.csv"), encoding: .utf8)
        let head = digits.split(separator: "\n", omittingEmptySubsequences: false).prefix(301).joined(separator: "\n") + "\n"
        try Data(head.utf8).write(to: url.appendingPathComponent("data/digits.csv"))
        try fileManager.copyItem(at: root.appendingPathComponent("Tests/golden/fixtures"),
                                 to: url.appendingPathComponent("Tests/golden/fixtures"))
    }

    /// Writes a failing mutant where it can be rerun by hand; returns its path.
    func saveFailure(_ mutant: Mutant) throws -> String {
        let folder = url.appendingPathComponent("failures")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(mutant.name.replacingOccurrences(of: "/", with: "_"))
        try Data(mutant.bytes).write(to: file)
        return file.path
    }

    func removeUnlessFailures() {
        let failures = url.appendingPathComponent("failures").path
        if !FileManager.default.fileExists(atPath: failures) { try? FileManager.default.removeItem(at: url) }
    }

    deinit { removeUnlessFailures() }
}

enum FuzzRunner {
    /// Runs the mutants, `parallel` at a time; outcomes in the same order.
    static func run(_ mutants: [Mutant], in workspace: FuzzWorkspace, parallel: Int,
                    timeout: TimeInterval) throws -> [FuzzOutcome] {
        let results = OutcomeTable(count: mutants.count)
        let inputs = workspace.url.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        DispatchQueue.concurrentPerform(iterations: parallel) { worker in
            for index in stride(from: worker, to: mutants.count, by: parallel) {
                let outcome = (try? runOne(mutants[index], number: index, inputs: inputs, workspace: workspace.url,
                                           timeout: timeout)) ?? .exited(-1, stderr: "could not start the binary")
                results.set(index, outcome)
            }
        }
        return results.values
    }

    /// Runs one mutant as a file argument or on stdin, in a shell that caps its memory.
    static func runOne(_ mutant: Mutant, number: Int, inputs: URL, workspace: URL,
                       timeout: TimeInterval) throws -> FuzzOutcome {
        let program = inputs.appendingPathComponent("mutant-\(number).hebb")
        let errors = inputs.appendingPathComponent("mutant-\(number).err")
        try Data(mutant.bytes).write(to: program)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: program)
            try? FileManager.default.removeItem(at: errors)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // 6 GB of address space and 64 MiB per tensor: a mutant cannot starve the machine.
        process.arguments = ["-c", "ulimit -v 6000000 2>/dev/null; exec \"$0\" \"$@\"", BinaryRunner.executable.path]
            + (mutant.viaStdin ? [] : [program.path])
        process.currentDirectoryURL = workspace
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["HEBB_MAX_ALLOC"] = String(64 << 20)
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = mutant.viaStdin ? try FileHandle(forReadingFrom: program) : FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(5_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            process.terminate()
            let killDeadline = Date().addingTimeInterval(2)
            while process.isRunning, Date() < killDeadline { usleep(5_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        if timedOut { return .timedOut }
        let stderr = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
        if process.terminationReason == .uncaughtSignal { return .signal(process.terminationStatus, stderr: stderr) }
        return .exited(process.terminationStatus, stderr: stderr)
    }
}

/// Outcomes written by several worker threads.
final class OutcomeTable: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [FuzzOutcome]

    init(count: Int) { storage = Array(repeating: .timedOut, count: count) }

    func set(_ index: Int, _ outcome: FuzzOutcome) {
        lock.lock()
        storage[index] = outcome
        lock.unlock()
    }

    var values: [FuzzOutcome] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
