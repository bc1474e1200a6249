// `hebb run NB.nb`: execute the cells, save every finished cell's output into the file.

import Foundation
import HebbLanguage

/// Options for `NotebookRunner.run`.
public struct RunOptions {
    /// Run the remaining cells after a cell fails (default: stop at the first error).
    public var keepGoing: Bool
    /// Seconds each cell may run; a cell's `timeout=` label overrides it. nil: no limit.
    public var timeout: Double?
    /// Called on the runner's thread before and after each cell (for a terminal progress
    /// line on stderr). Nothing of it goes into the file.
    public var progress: ((RunEvent) -> Void)?
    /// Makes the executor for a run; the default is a fresh `Session` with the run's seed.
    var makeExecutor: ExecutorFactory
    /// Seconds an interrupted cell gets to stop before the run gives up on it.
    var grace: Double = 5

    /// `seed` seeds the notebook's random generator (`hebb run --seed N`; 42 by default).
    public init(keepGoing: Bool = false, timeout: Double? = nil, seed: UInt64 = 42, progress: ((RunEvent) -> Void)? = nil) {
        self.makeExecutor = SessionExecutor.factory(seed: seed)
        self.keepGoing = keepGoing
        self.timeout = timeout
        self.progress = progress
    }
}

/// Progress of a run, one event before and one after each cell.
public enum RunEvent: Sendable {
    case started(cell: Int, of: Int, name: String, line: Int)
    /// `error` is the rendered error of a cell that failed or timed out.
    case finished(cell: Int, of: Int, name: String, line: Int, status: CellStatus, seconds: Double, error: String?)

    /// A one-line description for a terminal, e.g. `[3/12] train (line 40) ok 1.25 s`; nil
    /// for `.started` events, which need no line of their own.
    public var progressLine: String? {
        guard case .finished(let cell, let count, let name, let line, let status, let seconds, _) = self else { return nil }
        let word = switch status {
        case .ok: "ok"
        case .expectedError: "ok (expected error)"
        case .failed: "error"
        case .timedOut: "timed out"
        case .interrupted: "interrupted"
        case .missingExpectedError: "expected an error, got none"
        }
        return "[\(cell)/\(count)] \(name) (line \(line)) \(word) \(String(format: "%.2f", seconds)) s"
    }
}

/// A cell that did not end as it should have.
public struct CellFailure: Sendable, Equatable {
    public var cell: Int
    public var name: String
    public var line: Int
    public var status: CellStatus
    /// The rendered error, or a sentence saying what went wrong.
    public var message: String
}

/// What `NotebookRunner.run` did.
public struct RunSummary: Sendable {
    public var path: String
    public var cellCount: Int
    /// Cells whose new outputs were saved.
    public var cellsRun: Int
    /// Cells that failed, timed out, or missed their expected error.
    public var failures: [CellFailure]
    /// True when Ctrl-C stopped the run (finished cells were still saved).
    public var interrupted: Bool
    /// True when the file's bytes changed (false when the outputs were already identical).
    public var wrote: Bool
    public var seconds: Double
    /// No failures and not interrupted: the CLI exits 0.
    public var succeeded: Bool { failures.isEmpty && !interrupted }
}

/// Runs notebooks and saves their outputs. Entry points for `hebb run NB.nb`.
public enum NotebookRunner {
    /// Runs the notebook at `path` top to bottom in a fresh session (seed 42) and rewrites
    /// the output part of every cell that finished, atomically (temp file + rename), writing
    /// plots as SVG files in `NAME.files/`. Prose and code are never changed.
    ///
    /// Stops at the first failing cell unless `options.keepGoing`; cells not run keep their
    /// old outputs. After Ctrl-C (`requestStop()`), finished cells are saved and the summary
    /// says `interrupted`. Throws `NotebookError` (file untouched) when the notebook cannot be
    /// read or parsed, or when it changed on disk during the run.
    public static func run(path: String, options: RunOptions = RunOptions()) throws -> RunSummary {
        stopRequested.store(false, ordering: .relaxed)
        let clock = ContinuousClock(), start = clock.now
        let original = try NotebookFiles.read(path)
        var notebook = try Notebook(parsing: original, path: path)
        NotebookFiles.removeStaleTemporaries(for: path)   // a run killed while saving leaves one
        let execution = NotebookExecution(fileName: NotebookFiles.fileName(path),
                                          plotFolder: NotebookFiles.plotFolder(for: path),
                                          timeout: options.timeout, makeExecutor: options.makeExecutor,
                                          directory: NotebookFiles.directory(of: path), grace: options.grace)
        var summary = RunSummary(path: path, cellCount: notebook.cells.count, cellsRun: 0, failures: [],
                                 interrupted: false, wrote: false, seconds: 0)
        var plots: [PlotFile] = []
        let count = notebook.cells.count
        execution.run(notebook.cells, codeLine: { notebook.codeLine(ofCell: $0.number) }) { cell, outcome in
            let event = RunEvent.finished(cell: cell.number, of: count, name: cell.name, line: cell.line,
                                          status: outcome.status, seconds: outcome.seconds, error: outcome.error)
            guard outcome.status != .interrupted else {
                summary.interrupted = true
                options.progress?(event)
                return false
            }
            let (items, files) = outcome.outputItems(cellNumber: cell.number, plotFolder: execution.plotFolder)
            notebook.setOutputs(items, ofCell: cell.number)
            plots += files
            summary.cellsRun += 1
            if let failure = failure(cell, outcome) { summary.failures.append(failure) }
            options.progress?(event)
            return options.keepGoing || (outcome.status != .failed && outcome.status != .timedOut)
        } willStart: { cell in
            options.progress?(.started(cell: cell.number, of: count, name: cell.name, line: cell.line))
        }
        summary.wrote = try NotebookFiles.save(notebook, original: original, path: path, plots: plots)
        summary.seconds = (clock.now - start).seconds
        return summary
    }

    /// Asks a running `run` or `NotebookTester.test` to stop after saving what finished:
    /// the running cell is interrupted and no further cell starts. Safe to call from a
    /// signal handler (it only sets an atomic flag); also calls `Session.interrupt()`.
    public static func requestStop() {
        stopRequested.store(true, ordering: .relaxed)
        Session.interrupt()
    }

    static func failure(_ cell: Cell, _ outcome: CellOutcome) -> CellFailure? {
        let message: String
        switch outcome.status {
        case .ok, .expectedError, .interrupted: return nil
        case .failed, .timedOut: message = outcome.error ?? "error"
        case .missingExpectedError:
            message = "expected an error containing \"\(cell.labels.expectedError ?? "")\", but the cell finished"
        }
        return CellFailure(cell: cell.number, name: cell.name, line: cell.line, status: outcome.status, message: message)
    }
}
