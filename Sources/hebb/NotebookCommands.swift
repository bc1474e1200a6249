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
        let options = RunOptions(keepGoing: keepGoing, timeout: cellLimit(timeout, fallback: nil)) { event in
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

    /// The per-cell limit for a given `--timeout`: 0 means none, no flag means `fallback`.
    static func cellLimit(_ timeout: Double?, fallback: Double?) -> Double? {
        guard let timeout else { return fallback }
        return timeout == 0 ? nil : timeout
    }

    static func test(paths: [String], promote: Bool, timeout: Double?, failFast: Bool) -> Bool {
        installInterruptHandler()
        let options = TestOptions(promote: promote, timeout: cellLimit(timeout, fallback: NotebookTester.defaultTimeout),
                                  failFast: failFast)
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
