import HebbPlot
import HebbSyntax
import Synchronization

/// Where a running program's output goes. The CLI writes to stdout and draws plots as text
/// charts; the notebook runner captures text and writes plots as SVG files.
public protocol OutputSink: AnyObject {
    /// `print` output, already newline-terminated.
    func write(_ text: String)
    func plot(_ spec: PlotSpec)
    /// Called by `progress(...)` loops; terminal sinks may draw a bar on stderr.
    func progress(_ label: String, done: Int, total: Int)
}

/// Set by a SIGINT handler, read by the evaluator between statements and ops.
let interruptRequested = Atomic<Bool>(false)

/// One interpreter state: globals, the stdlib, the random generator. The CLI, the REPL and
/// the notebook runner are thin shells around it.
public final class Session {
    public var output: OutputSink
    let seed: UInt64

    public init(output: OutputSink, seed: UInt64 = 42) {
        self.output = output
        self.seed = seed
    }

    /// Runs a program; returns the display text of a trailing expression statement.
    public func run(_ source: String, fileName: String, lineOffset: Int = 0) throws -> String? {
        interruptRequested.store(false, ordering: .relaxed)
        throw Diagnostic("the interpreter is not built yet")
    }

    public static func isIncomplete(_ source: String) -> Bool { false }
    public var globalNames: [String] { [] }
    public var builtinNames: [String] { [] }
    public static var keywords: [String] {
        ["fn", "if", "else", "for", "in", "while", "return", "break", "continue", "true", "false", "none", "and", "or", "not"]
    }
    public func describeVariables() -> [(name: String, summary: String)] { [] }
    public func documentation(for name: String) -> String? { nil }
    public func reset() {}
    public static func interrupt() { interruptRequested.store(true, ordering: .relaxed) }
}
