// The REPL's `:commands`. One table (the `Command` enum) holds each command's usage and
// summary; `:help` and Tab completion read it, and `execute(command:)` dispatches on it.

import Foundation
import HebbLanguage
import HebbNotebook

extension REPL {
    enum Command: String, CaseIterable {
        case help, vars, load, reset, time, quit

        var usage: String {
            switch self {
            case .help: ":help [NAME]"
            case .vars: ":vars"
            case .load: ":load FILE"
            case .reset: ":reset"
            case .time: ":time EXPR"
            case .quit: ":quit"
            }
        }

        var summary: String {
            switch self {
            case .help: "this list, or the documentation of a builtin, stdlib or your function"
            case .vars: "your variables and functions, with type and shape"
            case .load: "run a .hebb script, or the code cells of a .nb notebook"
            case .reset: "forget every variable (the stdlib is reloaded, the seed reset)"
            case .time: "run EXPR, echo its value and print the wall time"
            case .quit: "leave (Ctrl-D on an empty line does too)"
            }
        }

        /// Whether the command reads an argument (completion then adds a space).
        var takesArgument: Bool { self == .help || self == .load || self == .time }

        /// The command a typed word names: its full name, a unique prefix (`:q`), or `exit`.
        static func named(_ word: String) -> Command? {
            if word == "exit" { return .quit }
            if let exact = Command(rawValue: word) { return exact }
            let matches = allCases.filter { $0.rawValue.hasPrefix(word) }
            return word.isEmpty || matches.count != 1 ? nil : matches[0]
        }
    }

    static func helpText() -> String {
        let width = Command.allCases.map(\.usage.count).max() ?? 0
        var text = "Commands (they may be shortened: :h, :v, :q):\n"
        for command in Command.allCases {
            text += "  " + command.usage.padding(toLength: width + 3, withPad: " ", startingAt: 0)
                + command.summary + "\n"
        }
        text += """
            Keys: Tab completes names, keywords, :commands, and file paths inside a string;
              Up/Down walk the history (kept in \(HistoryFile.describedPath)), Ctrl-R searches it;
              Ctrl-A/E/K/W edit as in a shell; Ctrl-C stops a running program or clears the line.
            An unfinished entry (open bracket, brace or string, trailing operator) continues on
            a `...` prompt; two empty lines there run it as it is.
            Type :help NAME for the documentation of a function, e.g. :help softmax

            """
        return text
    }
}

// MARK: - Running commands

extension REPL.Loop {
    /// Runs one `:command` line.
    func execute(command line: String) -> REPL.Outcome {
        let body = line.dropFirst()
        let word = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
        guard let command = REPL.Command.named(word) else {
            REPL.Terminal.error("unknown command ':\(word)' (:help lists the commands)\n")
            return .proceed
        }
        switch command {
        case .help: showHelp(argument)
        case .vars: showVariables()
        case .load: load(argument)
        case .reset: resetSession()
        case .time: time(argument)
        case .quit: return .quit
        }
        return .proceed
    }

    /// `:help`, `:help NAME` (a builtin's, stdlib or user function's doc) or `:help :CMD`.
    private func showHelp(_ name: String) {
        if name.isEmpty { return REPL.Terminal.out(REPL.helpText()) }
        if let doc = name.hasPrefix(":") ? nil : session.documentation(for: name) {
            return REPL.Terminal.out(doc.hasSuffix("\n") ? doc : doc + "\n")
        }
        if Session.keywords.contains(name) {
            return REPL.Terminal.out("'\(name)' is a keyword of the language.\n")
        }
        let commandWord = name.hasPrefix(":") ? String(name.dropFirst()) : name
        if let command = REPL.Command.named(commandWord), name.hasPrefix(":") || command.rawValue == name {
            return REPL.Terminal.out(command.usage + "   " + command.summary + "\n")
        }
        REPL.Terminal.error("no documentation for '\(name)' (Tab lists names; :vars shows your variables)\n")
    }

    private func showVariables() {
        let variables = session.describeVariables()
        guard !variables.isEmpty else { return REPL.Terminal.out("(no variables yet)\n") }
        let width = min(variables.map(\.name.count).max() ?? 0, 24)
        var text = ""
        for (name, summary) in variables {
            let padded = name.count < width ? name.padding(toLength: width, withPad: " ", startingAt: 0) : name
            text += padded + "  " + summary + "\n"
        }
        REPL.Terminal.out(text)
    }

    private func resetSession() {
        session.reset()
        REPL.Terminal.out("session reset: variables cleared, stdlib reloaded, seed \(seed)\n")
    }

    private func time(_ source: String) {
        guard !source.isEmpty else { return REPL.Terminal.error("usage: :time EXPR\n") }
        let clock = ContinuousClock()
        let start = clock.now
        let succeeded = evaluate(source)
        let elapsed = clock.now - start
        if succeeded { REPL.Terminal.out("wall time: \(REPL.format(elapsed))\n") }
    }

    /// `:load FILE`: a notebook's code cells run one by one (parsed by HebbNotebook),
    /// reporting errors with the notebook's own line numbers; anything else runs as one script.
    private func load(_ argument: String) {
        guard !argument.isEmpty else {
            return REPL.Terminal.error("usage: :load FILE (a .hebb script or a .nb notebook)\n")
        }
        let path = REPL.expandingTilde(REPL.unquoted(argument))
        if let refusal = session.permissions.readRefusal(path, by: ":load") {
            return REPL.Terminal.error(refusal + "\n")
        }
        if path.hasSuffix(".nb") { return loadNotebook(path) }
        switch REPL.readText(path) {
        case .success(let text): evaluate(text, fileName: path)
        case .failure(let problem): REPL.Terminal.error("cannot read '\(path)': \(problem.reason)\n")
        }
    }

    /// Runs the cells as `hebb run` would (data paths relative to the notebook's folder; a
    /// cell labelled `expect-error` may fail) but echoes no values: loading is for the
    /// definitions, though `print` output still shows.
    private func loadNotebook(_ path: String) {
        let cells: [Cell]
        do {
            cells = try Notebook.load(path: path).cells
        } catch {
            return REPL.Terminal.error("\(error)\n")
        }
        let previousBase = session.baseDirectory
        let folder = (path as NSString).deletingLastPathComponent
        session.baseDirectory = folder.isEmpty ? "." : folder
        defer { session.baseDirectory = previousBase }
        for cell in cells {
            let succeeded = evaluate(cell.source, fileName: path, lineOffset: cell.codeLine - 1, echo: false)
            if !succeeded && (cell.labels.expectedError == nil || REPL.Interrupts.wasInterrupted) {
                return REPL.Terminal.error("stopped at \(cell.name) of \(cells.count) in \(path)\n")
            }
        }
        REPL.Terminal.out("ran \(cells.count) code cell\(cells.count == 1 ? "" : "s") from \(path)\n")
    }
}

// MARK: - Small helpers

extension REPL {
    /// `12.3 ms`, `1.52 s`: three significant digits in a unit that fits.
    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        let (value, unit): (Double, String) =
            seconds >= 1 ? (seconds, "s") : seconds >= 1e-3 ? (seconds * 1e3, "ms") : (seconds * 1e6, "µs")
        let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
        return String(format: "%.\(digits)f", value) + " " + unit
    }

    /// A path as typed, with one pair of surrounding quotes removed.
    static func unquoted(_ text: String) -> String {
        for quote in ["\"", "'"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
    }

    struct FileProblem: Error {
        var reason: String
    }

    /// A UTF-8 text file's contents, or why it cannot be read, in a few words.
    static func readText(_ path: String) -> Result<String, FileProblem> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(FileProblem(reason: "no such file"))
        }
        if isDirectory.boolValue { return .failure(FileProblem(reason: "it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileProblem(reason: "permission denied"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(FileProblem(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }
}
