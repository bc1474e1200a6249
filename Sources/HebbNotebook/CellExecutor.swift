// What runs a cell's code, and the output sink that captures what it prints and plots.

import HebbLanguage
import HebbPlot
import Synchronization

/// Runs cells' code in one shared environment. `Session` conforms through
/// `SessionExecutor`; tests use a fake, so the runner can be tested without the interpreter.
public protocol CellExecutor: AnyObject {
    /// Runs one cell; returns the display text of a trailing expression (or nil). Errors are
    /// thrown, preferably as `Diagnostic`, with lines numbered by `lineOffset`.
    func run(_ source: String, fileName: String, lineOffset: Int) throws -> String?
    /// Asks a running `run` to stop soon. Called from another thread (timeout, Ctrl-C).
    func interrupt()
}

/// Makes the executor for one run: the capture sink, and the notebook's folder (relative
/// data paths resolve against it).
typealias ExecutorFactory = (_ output: OutputSink, _ directory: String) -> any CellExecutor

/// The real executor: a fresh `Session` with the notebook seed.
final class SessionExecutor: CellExecutor {
    let session: Session

    /// `Session(output:seed: 42)`, resolving relative paths against `baseDirectory`.
    init(output: OutputSink, baseDirectory: String?, seed: UInt64 = 42) {
        session = Session(output: output, seed: seed)
        session.baseDirectory = baseDirectory
        // A notebook owns its folder tree: that is what it may read and write by default.
        if let baseDirectory { session.permissions.home = baseDirectory }
    }

    static func factory(_ output: OutputSink, _ directory: String) -> any CellExecutor {
        SessionExecutor(output: output, baseDirectory: directory)
    }

    /// A factory whose sessions start from `seed`.
    static func factory(seed: UInt64) -> ExecutorFactory {
        { output, directory in SessionExecutor(output: output, baseDirectory: directory, seed: seed) }
    }

    func run(_ source: String, fileName: String, lineOffset: Int) throws -> String? {
        try session.run(source, fileName: fileName, lineOffset: lineOffset)
    }

    func interrupt() { session.interrupt() }   // this notebook's session only
}

/// Something a cell produced, in order.
enum CapturedOutput: Equatable {
    case text(String)
    case plot(PlotSpec)
}

/// The sink the runner gives a session: keeps printed text and plots, ignores progress bars
/// (they belong on a terminal, never in a saved notebook). Each stretch of text between
/// plots is kept within a line limit as it arrives (`CappedText`). Locked, because a
/// timed-out cell may still be writing from its thread while the runner reads.
final class OutputCapture: OutputSink, @unchecked Sendable {
    private struct State {
        var events: [CapturedOutput] = []
        var text = CappedText(limit: CappedText.defaultLimit)

        mutating func endText() {
            guard !text.isEmpty else { return }
            events.append(.text(text.text))
            text = CappedText(limit: text.limit)
        }
    }

    private let state = Mutex(State())

    func write(_ text: String) {
        state.withLock { $0.text.append(text) }
    }

    func plot(_ spec: PlotSpec) {
        state.withLock { state in
            state.endText()
            state.events.append(.plot(spec))
        }
    }

    func progress(_ label: String, done: Int, total: Int) {}

    /// Lines kept of each stretch of printed text from now on (nil or 0: all).
    func setLineLimit(_ limit: Int?) {
        state.withLock { state in
            state.endText()
            state.text = CappedText(limit: limit)
        }
    }

    /// Returns what was captured since the last call and starts afresh.
    func take() -> [CapturedOutput] {
        state.withLock { state in
            state.endText()
            defer { state.events.removeAll() }
            return state.events
        }
    }
}
