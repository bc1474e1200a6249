// Shared test helpers: a fake cell executor, temporary folders, a seeded generator.

import Foundation
import HebbLanguage
import HebbPlot
import HebbSyntax
import Synchronization
@testable import HebbNotebook

/// A stand-in for the interpreter. Each line of a cell is a command:
/// `print TEXT`, `value TEXT`, `fail MESSAGE`, `sleep SECONDS` (stops when interrupted),
/// `hang SECONDS` (ignores interrupts), `awkward` (prints control bytes and fences), `plot TITLE`, `scatter`, `stop` (Ctrl-C),
/// `set NAME TEXT`, `get NAME` (prints a variable: cells share one environment),
/// `lines N` (prints `line 1` … `line N`, one write each), `curve Y1 Y2 …` (a line chart
/// titled "cost" of those values).
final class FakeExecutor: CellExecutor, @unchecked Sendable {
    let output: OutputSink
    private let interrupted = Atomic<Bool>(false)
    private var variables: [String: String] = [:]
    nonisolated(unsafe) static var created = 0

    init(output: OutputSink) {
        self.output = output
        FakeExecutor.created += 1
    }

    func interrupt() { interrupted.store(true, ordering: .relaxed) }

    func run(_ source: String, fileName: String, lineOffset: Int) throws -> String? {
        interrupted.store(false, ordering: .relaxed)
        let file = SourceFile(name: fileName, text: source, lineOffset: lineOffset)
        var value: String?, offset = 0
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let span = SourceSpan(start: offset, end: offset + line.utf8.count)
            offset += line.utf8.count + 1
            let (command, argument) = FakeExecutor.split(String(line))
            switch command {
            case "print": output.write(argument + "\n")
            case "awkward": output.write("nul:\u{0} bell:\u{7}\r\n```\n````hebb\n~~~\n   ```output\ncr at end\r\n\r\n")
            case "value": value = argument
            case "fail": throw Diagnostic(argument, span: span, file: file)
            case "sleep": try sleep(Double(argument) ?? 0, span: span, file: file)
            case "hang": Thread.sleep(forTimeInterval: Double(argument) ?? 0)
            case "plot": output.plot(PlotSpec(kind: .line([.init(xs: [], ys: [3, 1, 2], label: "cost")]), title: argument))
            case "curve":
                let ys = argument.split(separator: " ").compactMap { Double($0) }
                output.plot(PlotSpec(kind: .line([.init(xs: [], ys: ys, label: nil)]), title: "cost"))
            case "scatter": output.plot(PlotSpec(kind: .scatter(xs: [0, 1, 2], ys: [1, 0, 1], labels: [0, 1, 1])))
            case "stop":
                NotebookRunner.requestStop()
                try sleep(5, span: span, file: file)
            case "set":
                let (name, text) = FakeExecutor.split(argument)
                variables[name] = text
            case "get": output.write((variables[argument] ?? "undefined") + "\n")
            case "lines": for index in 1...max(1, Int(argument) ?? 1) { output.write("line \(index)\n") }
            default: break
            }
        }
        return value
    }

    private func sleep(_ seconds: Double, span: SourceSpan, file: SourceFile) throws {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if interrupted.load(ordering: .relaxed) { throw Diagnostic("interrupted", span: span, file: file) }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    private static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]))
    }
}

/// A fresh empty folder for one test.
func temporaryFolder() -> String {
    let path = NSTemporaryDirectory() + "hebb-nb-tests-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func read(_ path: String) -> String {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? "<missing>"
}

func bytes(_ path: String) -> [UInt8] {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
}

/// Run options using the fake executor.
func fakeOptions(keepGoing: Bool = false, timeout: Double? = nil, progress: ((RunEvent) -> Void)? = nil) -> RunOptions {
    var options = RunOptions(keepGoing: keepGoing, timeout: timeout, progress: progress)
    options.makeExecutor = { output, _ in FakeExecutor(output: output) }
    return options
}

/// SplitMix64: a small seeded generator so generated notebooks are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
