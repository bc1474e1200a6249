// The REPL's line editor: libedit's native API (el_gets, history), through the typed
// wrappers in CEditLine/shim.h. Emacs keys as libedit gives them, Tab bound to Hebb's
// completion, Ctrl-R to incremental history search, the user's ~/.editrc read last.

@preconcurrency import CEditLine
import Foundation

/// libedit calls back into plain C functions; they find the one editor through this.
nonisolated(unsafe) private var activeEditor: REPL.LineEditor?

/// EL_PROMPT callback: the text lives in the editor and stays valid until the next prompt.
private func editorPrompt(_ editLine: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    activeEditor?.promptText
}

/// EL_ADDFN callback for "hebb-complete", bound to Tab.
private func editorComplete(_ editLine: OpaquePointer?, _ key: Int32) -> UInt8 {
    guard let editLine, let editor = activeEditor else { return UInt8(CC_ERROR) }
    return editor.complete(in: editLine)
}

extension REPL {
    enum ReadResult: Equatable {
        case line(String)
        /// Ctrl-C at the prompt.
        case interrupted
        /// Ctrl-D on an empty line (or the terminal went away).
        case endOfInput
    }

    final class LineEditor {
        private let editLine: OpaquePointer?
        private let historyList: OpaquePointer?
        private var historyFile: HistoryFile
        private let completer: Completer
        fileprivate var promptText: UnsafeMutablePointer<CChar>?

        init(history: HistoryFile, completer: Completer) {
            self.historyFile = history
            self.completer = completer
            LineEditor.useUTF8Locale()
            editLine = el_init("hebb", stdin, stdout, stderr)
            historyList = history_init()
            activeEditor = self
            configure()
        }

        /// libedit decodes keys and draws the line in the C library's character set, which is
        /// ASCII until a program calls setlocale: typed or pasted `η`, `é` or `学` would be
        /// dropped. Take the user's locale, and C.UTF-8 when that is not UTF-8 (an unset LANG,
        /// as under tmux or ssh), since Hebb source is UTF-8.
        static func useUTF8Locale() {
            if let name = setlocale(LC_CTYPE, ""), isUTF8(String(cString: name)) { return }
            for fallback in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, fallback) != nil { return }
        }

        private static func isUTF8(_ localeName: String) -> Bool {
            let lowered = localeName.lowercased()
            return lowered.contains("utf-8") || lowered.contains("utf8")
        }

        deinit {
            if let editLine { el_end(editLine) }
            if let historyList { history_end(historyList) }
            free(promptText)
        }

        private func configure() {
            if let historyList {
                hebb_history_set_size(historyList, Int32(HistoryFile.capacity))
                hebb_history_set_unique(historyList, 1)
                historyFile.load(into: historyList)
            }
            guard let editLine else { return }
            hebb_el_set_editor(editLine, "emacs")
            hebb_el_set_signal(editLine, 1)
            hebb_el_set_prompt(editLine, editorPrompt)
            if let historyList { hebb_el_set_history(editLine, historyList) }
            hebb_el_add_function(editLine, "hebb-complete", "Complete a Hebb name, :command or file path",
                                 editorComplete)
            hebb_el_bind(editLine, "^I", "hebb-complete")
            hebb_el_bind(editLine, "^R", "em-inc-search-prev")
            // As in a shell; libedit's own ^W kills the marked region.
            hebb_el_bind(editLine, "^W", "ed-delete-prev-word")
            // ~/.editrc (or $EDITRC) last, so a user's own bindings win.
            el_source(editLine, nil)
        }

        /// Shows `prompt` and reads one line (without its newline). A recalled multi-line
        /// history entry comes back whole, newlines included.
        func readLine(prompt: String) -> ReadResult {
            free(promptText)
            promptText = strdup(prompt)
            Interrupts.reset()
            guard let editLine else { return readPlainLine(prompt: prompt) }
            var count: Int32 = 0
            if let text = el_gets(editLine, &count), count > 0 {
                var line = String(cString: text)
                if line.hasSuffix("\n") { line.removeLast() }
                return .line(line)
            }
            return Interrupts.wasInterrupted ? .interrupted : .endOfInput
        }

        /// Without libedit (it failed to start) the REPL still works, without editing.
        private func readPlainLine(prompt: String) -> ReadResult {
            Terminal.out(prompt)
            guard let line = Swift.readLine(strippingNewline: true) else {
                return Interrupts.wasInterrupted ? .interrupted : .endOfInput
            }
            return .line(line)
        }

        /// Adds a whole entry to the history and saves the file, so a crash loses nothing.
        func remember(_ entry: String) {
            guard let historyList else { return }
            hebb_history_enter(historyList, entry)
            historyFile.save(from: historyList)
        }

        // MARK: Completion

        /// Completes the word before the cursor: inserts the unique candidate or the common
        /// prefix of several; when that adds nothing, lists the candidates under the line.
        fileprivate func complete(in editLine: OpaquePointer) -> UInt8 {
            let before = textBeforeCursor(editLine)
            guard let completion = completer.complete(before: before, after: textAfterCursor(editLine)) else { return UInt8(CC_ERROR) }
            if let insertion = completion.insertion {
                el_insertstr(editLine, insertion)
                return UInt8(CC_REFRESH)
            }
            if completion.candidates.count < 2 { return UInt8(CC_REFRESH) }
            let width = Int(hebb_el_columns(editLine))
            Terminal.out("\n" + Completer.columns(completion.candidates.map(\.display), width: width))
            return UInt8(CC_REDISPLAY)
        }

        private func textAfterCursor(_ editLine: OpaquePointer) -> String {
            guard let info = el_line(editLine)?.pointee, let cursor = info.cursor, let end = info.lastchar,
                  end >= cursor else { return "" }
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(cursor), count: end - cursor)
            return String(decoding: bytes, as: UTF8.self)
        }

        private func textBeforeCursor(_ editLine: OpaquePointer) -> String {
            guard let info = el_line(editLine)?.pointee, let start = info.buffer, let cursor = info.cursor,
                  cursor >= start else { return "" }
            let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(start), count: cursor - start)
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

// MARK: - The history file

extension REPL {
    /// Where history persists: `$HEBB_HISTORY`, else `~/.hebb_history` (libedit's own format).
    /// A file that cannot be read or written costs one warning on stderr, never the session;
    /// one that exists but cannot be read is also never overwritten.
    struct HistoryFile {
        static let capacity = 1000
        static let variable = "HEBB_HISTORY"

        /// nil: history is kept for this session only.
        private(set) var path: String?
        private var warned = false

        init(path: String?) { self.path = path }

        static func fromEnvironment() -> HistoryFile {
            let environment = ProcessInfo.processInfo.environment
            if let custom = environment[variable] {
                return HistoryFile(path: custom.isEmpty ? nil : custom)
            }
            guard let home = environment["HOME"], !home.isEmpty else { return HistoryFile(path: nil) }
            return HistoryFile(path: home + "/.hebb_history")
        }

        /// For `:help`.
        static var describedPath: String {
            ProcessInfo.processInfo.environment[variable].map { $0.isEmpty ? "memory only" : $0 } ?? "~/.hebb_history"
        }

        mutating func load(into list: OpaquePointer) {
            var status = stat()
            // A missing or empty file is a first session, not an error.
            guard let path, stat(path, &status) == 0, status.st_size > 0 || (status.st_mode & S_IFMT) != S_IFREG
            else { return }
            if hebb_history_load(list, path) < 0 {
                warn("cannot read history file '\(path)' (unreadable, or not libedit's format); left untouched")
                self.path = nil
            }
        }

        mutating func save(from list: OpaquePointer) {
            guard let path else { return }
            if hebb_history_save(list, path) < 0 {
                let reason = String(cString: strerror(errno))
                warn("cannot write history file '\(path)' (\(reason)); history is not saved")
                self.path = nil
            }
        }

        private mutating func warn(_ message: String) {
            guard !warned else { return }
            warned = true
            Terminal.error("hebb: warning: \(message)\n")
        }
    }
}
