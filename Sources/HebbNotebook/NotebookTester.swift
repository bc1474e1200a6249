// `hebb test [PATH...]`: re-run notebooks without writing and compare with saved outputs.

import Foundation
import HebbLanguage
import HebbPlot

/// Options for `NotebookTester.test`.
public struct TestOptions {
    /// Save a failing notebook's new outputs (`--promote`).
    public var promote: Bool
    /// Seconds each cell may run; a cell's `timeout=` label overrides it. nil: no limit.
    public var timeout: Double?
    /// Stop after the first failing notebook (`--fail-fast`).
    public var failFast: Bool
    /// Makes the executor for each notebook; the default is a fresh `Session` with the seed.
    var makeExecutor: ExecutorFactory

    /// `seed` must be the one the notebook was run with (`hebb run --seed N`; 42 by default).
    public init(promote: Bool = false, timeout: Double? = NotebookTester.defaultTimeout, failFast: Bool = false,
                seed: UInt64 = 42) {
        self.makeExecutor = SessionExecutor.factory(seed: seed)
        self.promote = promote
        self.timeout = timeout
        self.failFast = failFast
    }
}

/// Golden tests over notebooks. Entry point for `hebb test`.
public enum NotebookTester {
    /// The default per-cell limit of `hebb test`, in seconds: ten times the slowest cell of
    /// the bundled notebooks in a debug build (29 s), so that a stuck cell cannot hang CI.
    public static let defaultTimeout: Double = 300

    /// Re-runs each notebook (files, or folders searched recursively for `*.nb`; no paths
    /// means `notebooks`) in a fresh session and compares every cell's output with the saved
    /// one: numbers within the tolerance (default 1e-6 relative, 1e-9 absolute; a cell's
    /// `tol=`/`atol=` labels override it), everything else exactly, timing lines ignored.
    /// A cell that fails always fails the test, unless it is labelled `expect-error="TEXT"`
    /// and its error contains TEXT; `no-compare` skips the comparison of its output. After a
    /// cell fails or times out, the notebook's later cells are skipped (reported, not run).
    ///
    /// Reports go to `output`, one line per call without a newline: `PASS path` or `FAIL path`
    /// followed by, per failing cell, `path:line: cell N (name): ...` and an indented
    /// unified diff. The caller prints the closing `N passed, N failed` from the returned
    /// counts (one per notebook). With `promote`, a failing notebook's new outputs are saved
    /// (for the cells that ran) and it counts as passed unless a failure is one that saving
    /// cannot fix (an error, a missing expected error, a timeout). Nothing is written without
    /// `promote`. With `failFast`, no notebook starts after the first one that failed.
    public static func test(paths: [String], options: TestOptions = TestOptions(),
                            output: (String) -> Void) -> (passed: Int, failed: Int) {
        stopRequested.store(false, ordering: .relaxed)
        var passed = 0, failed = 0
        let notebooks = notebookPaths(paths.isEmpty ? ["notebooks"] : paths)
        for (index, path) in notebooks.enumerated() {
            if stopRequested.load(ordering: .relaxed) { break }
            let check = NotebookCheck(path: path, timeout: options.timeout, makeExecutor: options.makeExecutor)
            if check.run(promote: options.promote, output: output) { passed += 1; continue }
            failed += 1
            if options.failFast && index + 1 < notebooks.count {
                output("stopped at the first failing notebook (--fail-fast): \(notebooks.count - index - 1) not run")
                break
            }
        }
        return (passed, failed)
    }

    /// The notebook files named by `paths`: files as given, folders searched recursively for
    /// `*.nb` (sorted). A missing path is kept, so that testing it reports the error.
    static func notebookPaths(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return [path]
            }
            let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            return found.filter { $0.hasSuffix(".nb") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
    }
}

/// One notebook under test: runs it, checks each cell, reports, and promotes if asked.
struct NotebookCheck {
    let path: String
    let timeout: Double?
    let makeExecutor: ExecutorFactory

    /// A problem found in one cell; `promotable` when saving the new output fixes it.
    struct Problem {
        var lines: [String]
        var promotable: Bool
    }

    /// Tests the notebook and reports; returns whether it passed (or was fixed by promotion).
    func run(promote: Bool, output: (String) -> Void) -> Bool {
        let clock = ContinuousClock(), start = clock.now
        let original: [UInt8], notebook: Notebook
        do {
            original = try NotebookFiles.read(path)
            notebook = try Notebook(parsing: original, path: path)
        } catch {
            output("FAIL \(path)")
            output("  \(error)")
            return false
        }
        var promoted = notebook, plots: [PlotFile] = [], problems: [Problem] = [], interrupted = false
        var stoppedAfter: Cell?
        let execution = NotebookExecution(fileName: NotebookFiles.fileName(path), plotFolder: NotebookFiles.plotFolder(for: path),
                                          timeout: timeout, makeExecutor: makeExecutor,
                                          directory: NotebookFiles.directory(of: path))
        execution.run(notebook.cells, codeLine: { promoted.codeLine(ofCell: $0.number) }) { cell, outcome in
            if outcome.status == .interrupted { interrupted = true; return false }
            let (items, files) = outcome.outputItems(cellNumber: cell.number, plotFolder: execution.plotFolder)
            promoted.setOutputs(items, ofCell: cell.number)
            plots += files
            if let problem = check(cell, outcome, items, plots: files) { problems.append(problem) }
            // Later cells would fail for want of what this one should have defined.
            if outcome.status == .failed || outcome.status == .timedOut { stoppedAfter = cell; return false }
            return true
        }
        let seconds = String(format: "%.2f", (clock.now - start).seconds)
        if problems.isEmpty && !interrupted {
            output("PASS \(path) (\(notebook.cells.count) cells, \(seconds) s)")
            return true
        }
        output("FAIL \(path)")
        for problem in problems { problem.lines.forEach { output("  " + $0) } }
        if let stoppedAfter, stoppedAfter.number < notebook.cells.count {
            output("  " + NotebookCheck.skipped(after: stoppedAfter, count: notebook.cells.count))
        }
        if interrupted { output("  interrupted: cells after this point were not run") }
        guard promote, !interrupted else { return false }
        return save(promoted, original: original, plots: plots, problems: problems, output: output)
    }

    private func save(_ notebook: Notebook, original: [UInt8], plots: [PlotFile], problems: [Problem],
                      output: (String) -> Void) -> Bool {
        do {
            _ = try NotebookFiles.save(notebook, original: original, path: path, plots: plots)
            output("  promoted: new outputs saved to \(path)")
        } catch {
            output("  cannot promote: \(error)")
            return false
        }
        return problems.allSatisfy(\.promotable)
    }

    /// "cells 5-12 skipped: they run after cell 4, which failed".
    static func skipped(after cell: Cell, count: Int) -> String {
        let first = cell.number + 1
        let which = first == count ? "cell \(first)" : "cells \(first)-\(count)"
        return "\(which) skipped: not run after \(cell.name) failed"
    }

    // MARK: - Checks

    /// What is wrong with one cell's fresh run, or nil when it passes.
    func check(_ cell: Cell, _ outcome: CellOutcome, _ items: [OutputItem], plots: [PlotFile]) -> Problem? {
        let where_ = "\(path):\(cell.line): cell \(cell.number)" + (cell.labels.name.map { " (\($0))" } ?? "")
        switch outcome.status {
        case .timedOut:
            return Problem(lines: ["\(where_): " + firstLine(outcome.error),
                                   "  (raise the limit with `hebb test --timeout S`, 0 for none, or a timeout=S label on the cell)"],
                           promotable: false)
        case .missingExpectedError:
            return Problem(lines: ["\(where_): expected an error containing \"\(cell.labels.expectedError ?? "")\", but the cell finished"],
                           promotable: false)
        case .failed where cell.labels.expectedError != nil:
            return Problem(lines: ["\(where_): expected an error containing \"\(cell.labels.expectedError ?? "")\", but got:"]
                           + indented(outcome.error ?? ""), promotable: false)
        case .expectedError:
            return nil
        case .failed:
            // Even when the saved output holds the same error: a broken notebook never passes.
            return Problem(lines: ["\(where_): error (label the cell expect-error=\"TEXT\" if it is meant to fail):"]
                           + indented(outcome.error ?? ""), promotable: false)
        case .ok where cell.labels.noCompare:
            return nil
        case .ok, .interrupted:
            return compare(cell, items, where: where_) ?? comparePlots(plots, cell: cell, where: where_)
        }
    }

    /// Compares rendered outputs line by line (tolerant).
    func compare(_ cell: Cell, _ items: [OutputItem], where where_: String) -> Problem? {
        let tolerance = Tolerance(labels: cell.labels)
        let expected = OutputComparison.comparedLines(NotebookCheck.transcript(cell.outputs))
        let actual = OutputComparison.comparedLines(NotebookCheck.transcript(items))
        let edits = LineDiff.edits(expected, actual) { OutputComparison.linesMatch($0, $1, tolerance: tolerance) }
        let diff = LineDiff.unified(edits)
        if !diff.isEmpty {
            return Problem(lines: ["\(where_): output differs"] + diff.map { "  " + $0 }, promotable: true)
        }
        return nil
    }

    /// Compares each fresh plot's values with those saved in its SVG file (same tolerance
    /// as printed numbers), so that a different curve under the same caption fails.
    func comparePlots(_ plots: [PlotFile], cell: Cell, where where_: String) -> Problem? {
        let folder = NotebookFiles.directory(of: path)
        for plot in plots {
            guard let data = FileManager.default.contents(atPath: folder + "/" + plot.relativePath) else {
                return Problem(lines: ["\(where_): plot file \(plot.relativePath) is missing"], promotable: true)
            }
            guard let saved = PlotData.lines(inSVG: String(decoding: data, as: UTF8.self)) else {
                return Problem(lines: ["\(where_): plot file \(plot.relativePath) holds no plotted values to compare "
                                       + "(an older hebb wrote it): re-run the notebook with `hebb run`"], promotable: true)
            }
            let fresh = PlotData.lines(inSVG: plot.svg) ?? []
            let tolerance = Tolerance(labels: cell.labels)
            let diff = LineDiff.unified(LineDiff.edits(saved, fresh) { OutputComparison.linesMatch($0, $1, tolerance: tolerance) })
            if !diff.isEmpty {
                return Problem(lines: ["\(where_): plot \(plot.relativePath) differs in its plotted values"]
                               + NotebookCheck.shortened(diff).map { "  " + $0 }, promotable: true)
            }
        }
        return nil
    }

    /// At most 40 lines of a diff (a whole different image would be thousands).
    static func shortened(_ diff: [String], limit: Int = 40) -> [String] {
        diff.count <= limit ? diff : Array(diff.prefix(limit)) + ["… \(diff.count - limit) more lines of differences"]
    }

    /// The output part as the file shows it (LF line endings), for comparing and diffing.
    static func transcript(_ items: [OutputItem]) -> String {
        var text = OutputItem.render(items, lineEnding: "\n")
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    private func firstLine(_ text: String?) -> String {
        let text = text ?? "error"
        return String(text.prefix(while: { $0 != "\n" }))
    }

    private func indented(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }
}

// MARK: - Comparing with another run's outputs

extension NotebookTester {
    /// `hebb test NB.nb --against RUN.ipynb`: compares the notebook's saved outputs with the
    /// outputs another runner saved (a Jupyter notebook executed by the Hebb kernel, or a
    /// `.nb`), cell by cell, by the rule of `test`: numbers within the cell's tolerance, the
    /// rest exactly, timing lines ignored, plots by their plotted values, `no-compare` cells
    /// skipped, and an error passes only in a cell labelled `expect-error` whose text it
    /// contains. Error locations are left out of the comparison, since another runner names
    /// the source differently (`In[3]:2:5` for `ch1.nb:40:5`). Reports like `test`.
    public static func compare(path: String, against otherPath: String, output: (String) -> Void) -> Bool {
        do {
            let saved = try Notebook(parsing: NotebookFiles.read(path), path: path)
            let other = try otherRun(otherPath, target: path)
            let check = NotebookCheck(path: path, timeout: nil, makeExecutor: SessionExecutor.factory)
            let problems = check.compare(saved, with: other)
            if problems.isEmpty {
                output("PASS \(path) (\(saved.cells.count) cells, against \(otherPath))")
                return true
            }
            output("FAIL \(path) (against \(otherPath))")
            for problem in problems { problem.forEach { output("  " + $0) } }
        } catch {
            output("FAIL \(path)")
            output("  \(error)")
        }
        return false
    }

    /// The other run as a notebook and its plots (an `.ipynb` is converted in memory).
    private static func otherRun(_ path: String, target: String) throws -> NotebookImporter.Converted {
        let bytes = try NotebookFiles.read(path)
        if path.lowercased().hasSuffix(".ipynb") { return try NotebookImporter.convert(bytes, path: path, target: target) }
        let notebook = try Notebook(parsing: bytes, path: path)
        let folder = NotebookFiles.directory(of: path)
        let plots = notebook.cells.flatMap(\.outputs).compactMap { item -> PlotFile? in
            guard case .plot(_, let plotPath) = item else { return nil }
            let svg = FileManager.default.contents(atPath: folder + "/" + plotPath).map { String(decoding: $0, as: UTF8.self) }
            return PlotFile(relativePath: plotPath, svg: svg ?? "")
        }
        return NotebookImporter.Converted(notebook: notebook, plots: plots)
    }
}

extension NotebookCheck {
    /// The problems of `other`'s outputs against the saved ones, as report lines per cell.
    func compare(_ saved: Notebook, with other: NotebookImporter.Converted) -> [[String]] {
        guard saved.cells.count == other.notebook.cells.count else {
            return [["the other run has \(other.notebook.cells.count) code cells, the notebook \(saved.cells.count)"]]
        }
        let plotsByPath = Dictionary(other.plots.map { ($0.relativePath, $0) }, uniquingKeysWith: { first, _ in first })
        var problems: [[String]] = []
        for (cell, otherCell) in zip(saved.cells, other.notebook.cells) where !cell.labels.noCompare {
            let where_ = "\(path):\(cell.line): cell \(cell.number)" + (cell.labels.name.map { " (\($0))" } ?? "")
            let fresh = otherCell.outputs
            if let error = fresh.lazy.compactMap({ if case .error(let text) = $0 { text } else { nil } }).first,
               !(cell.labels.expectedError.map { error.contains($0) } ?? false) {
                problems.append(["\(where_): error in the other run:"] + error.split(separator: "\n").map { "    " + $0 })
                continue
            }
            var expected = cell
            expected.setOutputs(cell.outputs.map(NotebookCheck.withoutLocations))
            if let problem = compare(expected, fresh.map(NotebookCheck.withoutLocations), where: where_) {
                problems.append(problem.lines)
                continue
            }
            let plots = fresh.compactMap { item -> PlotFile? in
                if case .plot(_, let plotPath) = item { plotsByPath[plotPath] } else { nil }
            }
            if let problem = comparePlots(plots, cell: cell, where: where_) { problems.append(problem.lines) }
        }
        return problems
    }

    /// An error without the `file:line:col: ` that starts its lines.
    static func withoutLocations(_ item: OutputItem) -> OutputItem {
        guard case .error(let text) = item else { return item }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.replacingOccurrences(of: #"^[^\s:]+:\d+:\d+: "#, with: "", options: .regularExpression)
        }
        return .error(lines.joined(separator: "\n"))
    }
}
