import ArgumentParser
import Foundation
import HebbNotebook

/// The CLI side of `hebb run NB.nb`, `hebb test` and `hebb export`: progress on stderr,
/// reports on stdout, errors as `path:line: error: ...`.
enum NotebookCommands {
    /// Ctrl-C stops the run after saving the cells that finished.
    static func installInterruptHandler() {
        signal(SIGINT) { _ in NotebookRunner.requestStop() }
    }

    static func run(path: String, keepGoing: Bool, timeout: Double?, seed: UInt64) -> Bool {
        let showProgress = isatty(STDERR_FILENO) == 1
        let options = RunOptions(keepGoing: keepGoing, timeout: cellLimit(timeout, fallback: nil), seed: seed) { event in
            guard showProgress, let line = event.progressLine else { return }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        do {
            let summary = try NotebookRunner.run(path: path, options: options)
            for failure in summary.failures {
                FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            }
            if summary.interrupted {
                FileHandle.standardError.write(Data("hebb: interrupted; outputs of finished cells were saved\n".utf8))
            }
            return summary.succeeded
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return false
        }
    }

    /// `--timeout S` of `hebb run` and `hebb test`: S > 0 seconds, or 0 for no limit.
    static func validate(timeout: Double?) throws {
        guard let timeout else { return }
        guard timeout.isFinite, timeout >= 0 else {
            throw ValidationError("--timeout needs a number of seconds, like --timeout 60 (0 for no limit)")
        }
    }

    /// `hebb test` checks notebooks: a script (or any file that is not `.nb`) has no saved
    /// outputs to compare, and passing it with 0 cells would let CI pass on nothing.
    static func validateTestPaths(_ paths: [String]) throws {
        var isDirectory: ObjCBool = false
        for path in paths where !path.hasSuffix(".nb") {
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { continue }
            let hint = path.hasSuffix(".hebb") ? "; run a script with `hebb run \(path)`, or check its output with a golden test" : ""
            throw ValidationError("hebb test checks notebooks (.nb files or folders of them), not '\(path)'\(hint)")
        }
    }

    /// `hebb export` reads a notebook and writes the format its flag names; a script is not
    /// a notebook (its code would be rendered as prose), and `-o` must not name the other format.
    static func validateExport(path: String, html: Bool, output: String?) throws {
        guard path.hasSuffix(".nb") else {
            let hint = path.hasSuffix(".hebb") ? "; to share a script, put its code in a ```hebb cell of a .nb file" : ""
            throw ValidationError("hebb export takes a notebook (.nb), not '\(path)'\(hint)")
        }
        guard let output else { return }
        let lowered = output.lowercased()
        if html, lowered.hasSuffix(".ipynb") {
            throw ValidationError("--html writes an HTML page, but -o \(output) names a Jupyter notebook; write -o NAME.html, or use --ipynb")
        }
        if !html, lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") {
            throw ValidationError("--ipynb writes a Jupyter notebook, but -o \(output) names an HTML page; write -o NAME.ipynb, or use --html")
        }
    }

    /// The per-cell limit for a given `--timeout`: 0 means none, no flag means `fallback`.
    static func cellLimit(_ timeout: Double?, fallback: Double?) -> Double? {
        guard let timeout else { return fallback }
        return timeout == 0 ? nil : timeout
    }

    static func test(paths: [String], promote: Bool, timeout: Double?, failFast: Bool, seed: UInt64) -> Bool {
        installInterruptHandler()
        let options = TestOptions(promote: promote, timeout: cellLimit(timeout, fallback: NotebookTester.defaultTimeout),
                                  failFast: failFast, seed: seed)
        let (passed, failed) = NotebookTester.test(paths: paths, options: options) { line in
            print(line)
        }
        print("\(passed) passed, \(failed) failed")
        return failed == 0
    }

    static func export(path: String, html: Bool, output: String?) -> Bool {
        do {
            let written = try NotebookExporter.export(path: path, format: html ? .html : .ipynb, to: output)
            print("wrote \(written)")
            return true
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return false
        }
    }
}
