// Runs a notebook's cells top to bottom on one executor, each on a worker thread so that a
// timeout or Ctrl-C can interrupt it, and turns what each produced into output items.

import Dispatch
import Foundation
import HebbLanguage
import HebbPlot
import HebbSyntax
import Synchronization

/// Set by `NotebookRunner.requestStop()` (from a SIGINT handler); polled while cells run.
let stopRequested = Atomic<Bool>(false)

/// How one cell ended.
public enum CellStatus: Equatable, Sendable {
    /// Finished without error.
    case ok
    /// Failed with the error its `expect-error` label asks for.
    case expectedError
    /// Failed with an error (or with a different error than `expect-error` asks for).
    case failed
    /// Ran past its time limit and was interrupted.
    case timedOut
    /// Stopped by Ctrl-C; its old outputs are kept.
    case interrupted
    /// Has an `expect-error` label but finished without error.
    case missingExpectedError
}

/// What one cell produced.
struct CellOutcome {
    var captured: [CapturedOutput] = []
    var result: String?
    /// The rendered error, when the cell did not finish.
    var error: String?
    var status: CellStatus = .ok
    var seconds: Double = 0
    /// True when the cell's thread ignored the interrupt: the executor is unusable.
    var abandoned = false
}

/// A file to write beside the notebook: `relativePath` is relative to the notebook's folder.
struct PlotFile: Equatable {
    var relativePath: String
    var svg: String
}

/// The shared cell loop of `hebb run` and `hebb test`: a fresh executor per notebook.
struct NotebookExecution {
    var fileName: String
    var plotFolder: String
    var timeout: Double?
    var makeExecutor: ExecutorFactory
    /// The notebook's folder, handed to the executor.
    var directory: String
    /// How long an interrupted cell gets to stop before it is abandoned.
    var grace: Double = 5

    /// Runs `cells` in order; `handle` sees each outcome and returns false to stop.
    /// A Ctrl-C or an abandoned cell stops the loop after that cell is handled. `codeLine`
    /// gives the file line of a cell's first code line as the saved file will have it (the
    /// outputs of the cells above may have grown or shrunk), so error locations stay right.
    func run(_ cells: [Cell], codeLine: (Cell) -> Int, handle: (Cell, CellOutcome) -> Bool,
             willStart: (Cell) -> Void = { _ in }) {
        let capture = OutputCapture()
        let executor = makeExecutor(capture, directory)
        for cell in cells {
            if stopRequested.load(ordering: .relaxed) {
                _ = handle(cell, CellOutcome(error: "error: interrupted", status: .interrupted))
                return
            }
            willStart(cell)
            let outcome = runCell(cell, codeLine: codeLine(cell), executor: executor, capture: capture)
            if !handle(cell, outcome) || outcome.status == .interrupted || outcome.abandoned { return }
        }
    }

    /// Runs one cell on a worker thread and waits, interrupting it on timeout or Ctrl-C.
    func runCell(_ cell: Cell, codeLine: Int, executor: any CellExecutor, capture: OutputCapture) -> CellOutcome {
        let job = CellJob(executor: executor, source: cell.source, fileName: fileName, lineOffset: codeLine - 1)
        let clock = ContinuousClock(), start = clock.now
        let limit = cell.labels.timeout ?? timeout
        let lineLimit = cell.labels.maxOutputLines ?? CappedText.defaultLimit
        capture.setLineLimit(lineLimit)
        var reason: CellStatus?, abandoned = false, interruptedAt = start
        job.start()
        while job.done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let now = clock.now
            if reason == nil, stopRequested.load(ordering: .relaxed) {
                reason = .interrupted; interruptedAt = now
            } else if reason == nil, let limit, now - start >= .seconds(limit) {
                reason = .timedOut; interruptedAt = now
            }
            guard reason != nil else { continue }
            executor.interrupt()   // repeated: a session clears the flag when its run() starts
            if now - interruptedAt >= .seconds(grace) { abandoned = true; break }
        }
        var outcome = CellOutcome(captured: capture.take(), seconds: (clock.now - start).seconds, abandoned: abandoned)
        let (value, thrown) = abandoned ? (nil, nil) : job.finished()
        classify(&outcome, cell: cell, value: value, thrown: thrown, reason: reason, limit: limit)
        outcome.result = outcome.result.map { CappedText.capped($0, limit: lineLimit) }
        return outcome
    }

    /// Sets the outcome's status, error text and result from how the cell ended.
    private func classify(_ outcome: inout CellOutcome, cell: Cell, value: String?, thrown: (any Error)?,
                          reason: CellStatus?, limit: Double?) {
        if outcome.abandoned || (thrown != nil && reason != nil) {
            outcome.status = reason ?? .timedOut
            let message = outcome.status == .timedOut
                ? "timed out after \(NotebookExecution.seconds(limit ?? 0)) s" : "interrupted"
            outcome.error = NotebookExecution.render(thrown, replacingMessageWith: message)
            return
        }
        if let thrown {
            let text = NotebookExecution.render(thrown, replacingMessageWith: nil)
            outcome.error = text
            let expected = cell.labels.expectedError
            outcome.status = expected.map { text.contains($0) } == true ? .expectedError : .failed
            if outcome.status == .failed, NotebookExecution.isInterruptDiagnostic(thrown) {
                outcome.status = .interrupted   // Ctrl-C reached the session without requestStop()
            }
            return
        }
        outcome.result = value
        outcome.status = cell.labels.expectedError == nil ? .ok : .missingExpectedError
    }

    /// A rendered error; with `message`, a Diagnostic keeps its location but says `message`.
    static func render(_ error: (any Error)?, replacingMessageWith message: String?) -> String {
        guard let error else { return "error: " + (message ?? "unknown error") }
        if var diagnostic = error as? Diagnostic {
            if let message { diagnostic.message = message }
            return diagnostic.rendered()
        }
        if let message { return "error: " + message }
        return "error: \(error)"
    }

    static func isInterruptDiagnostic(_ error: any Error) -> Bool {
        (error as? Diagnostic)?.kind == .interrupted && stopRequested.load(ordering: .relaxed)
    }

    /// "5" or "0.25": seconds for messages.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.3g", value)
    }
}

/// One cell's code running on its own thread, so the runner can wait with a deadline.
final class CellJob: @unchecked Sendable {
    /// Dropped as soon as the cell ends: the thread may outlive `done` for a moment, and
    /// must not keep the notebook's session (and its memory) alive into the next notebook.
    private var executor: (any CellExecutor)?
    let source: String
    let fileName: String
    let lineOffset: Int
    let done = DispatchSemaphore(value: 0)
    private var value: String?
    private var thrown: (any Error)?

    init(executor: any CellExecutor, source: String, fileName: String, lineOffset: Int) {
        self.executor = executor; self.source = source; self.fileName = fileName; self.lineOffset = lineOffset
    }

    func start() {
        let thread = Thread { [self] in
            runAndRelease()
            done.signal()
        }
        thread.stackSize = 16 << 20   // Session.run itself moves to a thread with a larger stack
        thread.start()
    }

    private func runAndRelease() {
        guard let executor else { return }
        self.executor = nil
        do { value = try executor.run(source, fileName: fileName, lineOffset: lineOffset) } catch { thrown = error }
    }

    /// The result; only valid after `done` was signalled.
    func finished() -> (String?, (any Error)?) { (value, thrown) }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}

// MARK: - Outputs

extension CellOutcome {
    /// The cell's new output items and the SVG files its plots need. Plots are named
    /// `FOLDER/cell-N-K.svg` (cell N's K-th plot), so the names are stable across runs.
    func outputItems(cellNumber: Int, plotFolder: String) -> ([OutputItem], [PlotFile]) {
        var items: [OutputItem] = [], files: [PlotFile] = []
        for event in captured {
            switch event {
            case .text(let text):
                items.append(.text(CellOutcome.clean(text)))
            case .plot(let spec):
                let path = "\(plotFolder)/cell-\(cellNumber)-\(files.count + 1).svg"
                files.append(PlotFile(relativePath: path, svg: SVGRenderer.render(spec)))
                items.append(.plot(alt: RichOutput.altText(spec), path: path))
            }
        }
        if let result { items.append(.result(CellOutcome.clean(result))) }
        if let error { items.append(.error(CellOutcome.clean(error))) }
        return (items, files)
    }

    /// Text as a notebook can hold it: no CR at a line's end (the file's line endings are
    /// the fence's), no control bytes the parser rejects, no final newline.
    static func clean(_ text: String) -> String {
        let input = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        for (index, scalar) in input.enumerated() {
            if scalar == "\r" && (index + 1 == input.count || input[index + 1] == "\n") { continue }
            let binary = scalar.value < 0x80 && NotebookParser.isBinaryByte(UInt8(scalar.value))
            output.append(binary ? "\u{FFFD}" : scalar)
        }
        if output.last == "\n" { output.removeLast() }
        return String(output)
    }
}
