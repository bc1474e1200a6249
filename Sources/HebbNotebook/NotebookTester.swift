// `hebb test [PATH...]`: re-run notebooks without writing and compare with saved outputs.

import Foundation
import HebbLanguage

/// Golden tests over notebooks. Entry point for `hebb test`.
public enum NotebookTester {
    /// Re-runs each notebook (files, or folders searched recursively for `*.nb`; no paths
    /// means `notebooks`) in a fresh session and compares every cell's output with the saved
    /// one: numbers within the tolerance (default 1e-6 relative, 1e-9 absolute; a cell's
    /// `tol=`/`atol=` labels override it), everything else exactly, timing lines ignored.
    /// Cell labels: `expect-error="TEXT"` passes only if the cell fails with TEXT in its
    /// error; `no-compare` skips the comparison.
    ///
    /// Reports go to `output`, one line per call without a newline: `PASS path` or `FAIL path`
    /// followed by, per mismatching cell, `path:line: cell N (name): ...` and an indented
    /// unified diff. The caller prints the closing `N passed, N failed` from the returned
    /// counts (one per notebook). With `promote`, a failing notebook's new outputs are saved
    /// (as `hebb run --keep-going` would) and it counts as passed unless a failure is one
    /// that saving cannot fix (a missing expected error, a timeout). Nothing is written
    /// without `promote`. `timeout` limits each cell, in seconds.
    public static func test(paths: [String], promote: Bool = false, timeout: Double? = nil,
                            output: (String) -> Void) -> (passed: Int, failed: Int) {
        test(paths: paths, promote: promote, timeout: timeout, makeExecutor: SessionExecutor.factory, output: output)
    }

    static func test(paths: [String], promote: Bool, timeout: Double?,
                     makeExecutor: @escaping ExecutorFactory,
                     output: (String) -> Void) -> (passed: Int, failed: Int) {
        stopRequested.store(false, ordering: .relaxed)
        var passed = 0, failed = 0
        for path in notebookPaths(paths.isEmpty ? ["notebooks"] : paths) {
            if stopRequested.load(ordering: .relaxed) { break }
            let check = NotebookCheck(path: path, timeout: timeout, makeExecutor: makeExecutor)
            if check.run(promote: promote, output: output) { passed += 1 } else { failed += 1 }
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
        let execution = NotebookExecution(fileName: NotebookFiles.fileName(path), plotFolder: NotebookFiles.plotFolder(for: path),
                                          timeout: timeout, makeExecutor: makeExecutor,
                                          directory: NotebookFiles.directory(of: path))
        execution.run(notebook.cells, codeLine: { promoted.codeLine(ofCell: $0.number) }) { cell, outcome in
            if outcome.status == .interrupted { interrupted = true; return false }
            let (items, files) = outcome.outputItems(cellNumber: cell.number, plotFolder: execution.plotFolder)
            promoted.setOutputs(items, ofCell: cell.number)
            plots += files
            if let problem = check(cell, outcome, items) { problems.append(problem) }
            return true
        }
        let seconds = String(format: "%.2f", (clock.now - start).seconds)
        if problems.isEmpty && !interrupted {
            output("PASS \(path) (\(notebook.cells.count) cells, \(seconds) s)")
            return true
        }
        output("FAIL \(path)")
        for problem in problems { problem.lines.forEach { output("  " + $0) } }
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

    // MARK: - Checks

    /// What is wrong with one cell's fresh run, or nil when it passes.
    func check(_ cell: Cell, _ outcome: CellOutcome, _ items: [OutputItem]) -> Problem? {
        let where_ = "\(path):\(cell.line): cell \(cell.number)" + (cell.labels.name.map { " (\($0))" } ?? "")
        switch outcome.status {
        case .timedOut:
            return Problem(lines: ["\(where_): " + firstLine(outcome.error)], promotable: false)
        case .missingExpectedError:
            return Problem(lines: ["\(where_): expected an error containing \"\(cell.labels.expectedError ?? "")\", but the cell finished"],
                           promotable: false)
        case .failed where cell.labels.expectedError != nil:
            return Problem(lines: ["\(where_): expected an error containing \"\(cell.labels.expectedError ?? "")\", but got:"]
                           + indented(outcome.error ?? ""), promotable: false)
        case .expectedError:
            return nil
        case .failed where cell.labels.noCompare:
            let savedError = cell.outputs.contains { if case .error = $0 { true } else { false } }
            return savedError ? nil : Problem(lines: ["\(where_): unexpected error:"] + indented(outcome.error ?? ""), promotable: true)
        case .ok where cell.labels.noCompare:
            return nil
        case .ok, .failed, .interrupted:
            return compare(cell, items, where: where_)
        }
    }

    /// Compares rendered outputs line by line (tolerant); then checks plot files exist.
    func compare(_ cell: Cell, _ items: [OutputItem], where where_: String) -> Problem? {
        let tolerance = Tolerance(labels: cell.labels)
        let expected = OutputComparison.comparedLines(NotebookCheck.transcript(cell.outputs))
        let actual = OutputComparison.comparedLines(NotebookCheck.transcript(items))
        let edits = LineDiff.edits(expected, actual) { OutputComparison.linesMatch($0, $1, tolerance: tolerance) }
        let diff = LineDiff.unified(edits)
        if !diff.isEmpty {
            return Problem(lines: ["\(where_): output differs"] + diff.map { "  " + $0 }, promotable: true)
        }
        let folder = NotebookFiles.directory(of: path)
        for case .plot(_, let plotPath) in items where !FileManager.default.fileExists(atPath: folder + "/" + plotPath) {
            return Problem(lines: ["\(where_): plot file \(plotPath) is missing"], promotable: true)
        }
        return nil
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
