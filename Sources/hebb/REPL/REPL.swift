// The interactive session: `hebb` with a terminal on stdin. A thin shell over `Session`:
// read an entry with libedit, run it, echo its value or its error, and never lose the
// session's state to an error or a Ctrl-C.

import Foundation
import HebbLanguage
import HebbSyntax

enum REPL {
    /// `hebb[3]> `: the number is the one the entry's errors name (`REPL[3]:1:5: error`).
    static func primaryPrompt(entry: Int) -> String { "hebb[\(entry)]> " }
    static let continuationPrompt = "...   "

    /// Runs until `:quit` or Ctrl-D on an empty line; returns the process exit code.
    static func run(seed: UInt64) -> Int32 {
        Interrupts.install()
        let session = Session(output: TerminalOutput(), seed: seed)
        session.recordsLastValue = true
        let completer = Completer(session: session)
        let editor = LineEditor(history: HistoryFile.fromEnvironment(), completer: completer)
        let loop = Loop(session: session, seed: seed, editor: editor, completer: completer)
        return loop.run()
    }

    static func banner() -> String {
        "Hebb \(Hebb.version) — neural networks, one line at a time.\n"
            + "Type :help for commands and keys, Tab to complete, Ctrl-D to quit.\n"
    }
}

// MARK: - The read-eval-print loop

extension REPL {
    /// What happens after one line or command.
    enum Outcome {
        case proceed
        case quit
    }

    /// The loop's state: the session, the unfinished entry, and the entry counter that
    /// names each entry's source (`REPL[3]:1:5: error: ...`).
    final class Loop {
        let session: Session
        let seed: UInt64
        let editor: LineEditor
        let completer: Completer
        /// Lines of an entry that is still incomplete (shown with the `...` prompt).
        private var pending: [String] = []
        private var entryNumber = 0

        init(session: Session, seed: UInt64, editor: LineEditor, completer: Completer) {
            self.session = session
            self.seed = seed
            self.editor = editor
            self.completer = completer
        }

        func run() -> Int32 {
            Terminal.out(REPL.banner())
            while true {
                completer.isContinuation = !pending.isEmpty
                let prompt = pending.isEmpty ? REPL.primaryPrompt(entry: entryNumber + 1) : REPL.continuationPrompt
                switch editor.readLine(prompt: prompt) {
                case .endOfInput:
                    Terminal.out("\n")
                    return 0
                case .interrupted:
                    // Ctrl-C at a prompt abandons the line (and any unfinished entry).
                    Terminal.out("^C\n")
                    pending = []
                case .line(let line):
                    if accept(line) == .quit { return 0 }
                }
            }
        }

        /// Takes one line: a `:command`, part of an unfinished entry, or a whole entry.
        private func accept(_ line: String) -> Outcome {
            if pending.isEmpty {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { return .proceed }
                if trimmed.hasPrefix(":") {
                    editor.remember(trimmed)
                    return execute(command: trimmed)
                }
                if let name = REPL.helpQuery(trimmed) {
                    editor.remember(trimmed)
                    showHelp(name)
                    return .proceed
                }
            }
            let endsByBlankLines = !pending.isEmpty && isBlank(line) && pending.last.map(isBlank) == true
            pending.append(line)
            let entry = pending.joined(separator: "\n")
            if Session.isIncomplete(entry) && !endsByBlankLines { return .proceed }
            pending = []
            editor.remember(entry)
            evaluate(entry)
            return .proceed
        }

        private func isBlank(_ line: String) -> Bool {
            line.allSatisfy { $0 == " " || $0 == "\t" }
        }

        /// Runs one entry and echoes its value, or prints its error; state survives either way.
        /// Returns false when it failed or was interrupted.
        @discardableResult
        func evaluate(_ source: String, fileName: String? = nil, lineOffset: Int = 0, echo: Bool = true) -> Bool {
            let name = fileName ?? nextEntryName()
            do {
                let shown = try Interrupts.whileRunning {
                    try session.run(source, fileName: name, lineOffset: lineOffset)
                }
                // A Ctrl-C that came too late to stop anything still left "^C" on the line.
                if Interrupts.wasInterrupted { Terminal.out("\n") }
                if let shown, echo { Terminal.out(shown.hasSuffix("\n") ? shown : shown + "\n") }
                return true
            } catch {
                // The terminal echoed "^C" without a newline; the message starts below it.
                let start = Interrupts.wasInterrupted ? "\n" : ""
                let message = (error as? Diagnostic)?.rendered() ?? "error: \(error)"
                Terminal.error(start + message + "\n")
            }
            return false
        }

        func nextEntryName() -> String {
            entryNumber += 1
            return "REPL[\(entryNumber)]"
        }
    }
}

extension REPL {
    /// `softmax?`, `?softmax`, `opt.step?` (IPython's `?`; `??` too): the name asked about.
    static func helpQuery(_ line: String) -> String? {
        var name = Substring(line)
        if name.hasPrefix("?") { name = name.drop { $0 == "?" } } else if name.hasSuffix("?") {
            while name.last == "?" { name = name.dropLast() }
        } else {
            return nil
        }
        name = Substring(name.trimmingCharacters(in: .whitespaces))
        let isChain = name.split(separator: ".", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0.first?.isNumber == false && $0.allSatisfy(CodeCompletion.isIdentifierCharacter) }
        return isChain ? String(name) : nil
    }
}

// MARK: - Terminal output

extension REPL {
    /// Writes straight to the terminal's file descriptors, unbuffered: libedit (which
    /// flushes its own stream after every redraw), `print` output and errors share the
    /// screen, so nothing may wait in a buffer while another writer draws.
    enum Terminal {
        static func out(_ text: String) { write(text, to: STDOUT_FILENO) }
        static func error(_ text: String) { write(text, to: STDERR_FILENO) }

        private static func write(_ text: String, to descriptor: Int32) {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 {
                    bytes = bytes.dropFirst(written)
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
