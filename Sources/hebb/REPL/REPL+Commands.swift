// The REPL's `:commands`. One table (the `Command` enum) holds each command's usage and
// summary; `:help` and Tab completion read it, and `execute(command:)` dispatches on it.

import Foundation
import HebbLanguage
import HebbNotebook
import HebbSyntax

extension REPL {
    enum Command: String, CaseIterable {
        case help, vars, load, reset, time, timeit, quit

        var usage: String {
            switch self {
            case .help: ":help [NAME]"
            case .vars: ":vars"
            case .load: ":load FILE"
            case .reset: ":reset"
            case .time: ":time EXPR"
            case .timeit: ":timeit EXPR"
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
            case .timeit: "run EXPR many times; mean ± std. dev. per run (as IPython's %timeit)"
            case .quit: "leave (Ctrl-D on an empty line does too)"
            }
        }

        /// Whether the command reads an argument (completion then adds a space).
        var takesArgument: Bool { self == .help || self == .load || self == .time || self == .timeit }

        /// The command a typed word names: its full name, a unique prefix (`:q`), or `exit`.
        static func named(_ word: String) -> Command? {
            if word == "exit" { return .quit }
            if let exact = Command(rawValue: word) { return exact }
            let matches = allCases.filter { $0.rawValue.hasPrefix(word) }
            guard !word.isEmpty, let shortest = matches.min(by: { $0.rawValue.count < $1.rawValue.count }) else { return nil }
            // `:t` is `:time`, though `:timeit` starts the same: a command that every other
            // match extends wins, as it did before `:timeit` existed.
            return matches.allSatisfy { $0.rawValue.hasPrefix(shortest.rawValue) } ? shortest : nil
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
            `_` is the last value echoed; `NAME?` (or `?NAME`, `opt.step?`) shows its documentation.
            Keys: Tab completes names, keywords, :commands, fields after a dot (`model.`),
              a call's labels (`sum(X, ax` -> `axis:`) and file paths inside a string;
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
        case .timeit: timeit(argument)
        case .quit: return .quit
        }
        return .proceed
    }

    /// `:help`, `:help NAME` (a builtin's, stdlib or user function's doc) or `:help :CMD`.
    func showHelp(_ name: String) {
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

    /// `:timeit EXPR`, as IPython's %timeit: enough calls per run that a run takes 0.2 s
    /// (1, 2, 5, 10, 20, 50, ...), then up to 7 runs, fewer (at least 3) once 5 s have gone;
    /// prints the mean and population standard deviation of the time per call. Each call
    /// parses EXPR again (microseconds), and nothing is echoed or kept in `_`.
    private func timeit(_ source: String) {
        guard !source.isEmpty else { return REPL.Terminal.error("usage: :timeit EXPR\n") }
        let name = nextEntryName()
        session.recordsLastValue = false
        defer { session.recordsLastValue = true }
        let clock = ContinuousClock()
        let result: REPL.TimingRuns? = REPL.Interrupts.whileRunning {
            var calls = 1
            var runs = REPL.TimingRuns(calls: 1)
            var started = clock.now
            while true {
                guard let seconds = timedRun(source, name: name, calls: calls) else { return nil }
                if seconds >= 0.2 || calls >= 1_000_000_000 { runs = REPL.TimingRuns(calls: calls, seconds: [seconds]); break }
                calls = REPL.nextCallCount(after: calls)
                started = clock.now
            }
            while runs.seconds.count < 7 && !(runs.seconds.count >= 3 && (clock.now - started) > .seconds(5)) {
                guard let seconds = timedRun(source, name: name, calls: calls) else { return nil }
                runs.seconds.append(seconds)
            }
            return runs
        }
        if let result { REPL.Terminal.out(result.report + "\n") }
    }

    /// The wall time of `calls` runs of `source` in seconds; nil after an error (printed)
    /// or Ctrl-C.
    private func timedRun(_ source: String, name: String, calls: Int) -> Double? {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<calls {
            do {
                _ = try session.run(source, fileName: name)
            } catch {
                let message = (error as? Diagnostic)?.rendered() ?? "error: \(error)"
                REPL.Terminal.error((REPL.Interrupts.wasInterrupted ? "\n" : "") + message + "\n")
                return nil
            }
            if REPL.Interrupts.wasInterrupted {
                REPL.Terminal.error("\ninterrupted\n")
                return nil
            }
        }
        return REPL.seconds(clock.now - start)
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
    /// The timings of `:timeit`: each run made `calls` calls and took `seconds`.
    struct TimingRuns {
        var calls: Int
        var seconds: [Double] = []

        /// `1.23 ms ± 45.6 µs per call (mean ± std. dev. of 7 runs, 100 calls each)`.
        var report: String {
            let perCall = seconds.map { $0 / Double(calls) }
            let mean = perCall.reduce(0, +) / Double(max(1, perCall.count))
            let variance = perCall.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, perCall.count))
            let runs = "\(seconds.count) run\(seconds.count == 1 ? "" : "s")"
            let each = "\(calls) call\(calls == 1 ? "" : "s") each"
            return "\(REPL.format(seconds: mean)) ± \(REPL.format(seconds: variance.squareRoot())) per call (mean ± std. dev. of \(runs), \(each))"
        }
    }

    /// 1, 2, 5, 10, 20, 50, ...: the call counts `:timeit` tries.
    static func nextCallCount(after calls: Int) -> Int {
        var decade = 1
        while decade * 10 <= calls { decade *= 10 }
        let leading = calls / decade
        return leading < 2 ? 2 * decade : leading < 5 ? 5 * decade : 10 * decade
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// `12.3 ms`, `1.52 s`: three significant digits in a unit that fits.
    static func format(_ duration: Duration) -> String { format(seconds: seconds(duration)) }

    static func format(seconds: Double) -> String {
        let (value, unit): (Double, String) =
            seconds >= 1 ? (seconds, "s") : seconds >= 1e-3 ? (seconds * 1e3, "ms")
            : seconds >= 1e-6 || seconds == 0 ? (seconds * 1e6, "µs") : (seconds * 1e9, "ns")
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
