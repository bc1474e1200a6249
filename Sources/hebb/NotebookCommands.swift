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
        let options = RunOptions(keepGoing: keepGoing, timeout: timeout) { event in
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

    static func test(paths: [String], promote: Bool) -> Bool {
        installInterruptHandler()
        let (passed, failed) = NotebookTester.test(paths: paths, promote: promote) { line in
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
