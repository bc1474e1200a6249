// Tab completion for the REPL: `:commands` and `:load` paths here; everything in code
// (names, fields after a dot, call labels, paths in strings) comes from HebbLanguage's
// CodeCompletion, which the Jupyter kernel uses too. Pure string work on the text before
// the cursor; LineEditor applies the result.

import Foundation
import HebbLanguage

extension REPL {
    struct Candidate: Equatable {
        /// The whole word as it would stand in the line (`learning_rate`, `data/digits.csv`).
        var text: String
        /// How a listing shows it (a path's last component, directories with `/`).
        var display: String
    }

    struct Completion: Equatable {
        /// Text to insert at the cursor; nil when nothing can be added (then, with several
        /// candidates, they are listed).
        var insertion: String?
        var candidates: [Candidate]
    }

    /// What the cursor is in, as far as completion cares.
    enum CompletionContext: Equatable {
        /// Code (or an argument of `:help` / `:time`), as CodeCompletion sees it.
        case code(CodeCompletion.Context)
        /// A partial `:command`, colon included.
        case command(String)
        /// The path after `:load` (directories, .hebb and .nb files); `quote` is the quote
        /// it was opened with, which a unique file closes.
        case loadPath(String, quote: String)
    }

    final class Completer {
        private let session: Session
        /// True while an entry continues on a `...` prompt: `:commands` only start entries.
        var isContinuation = false

        init(session: Session) { self.session = session }

        /// `after` is the text after the cursor: a closing quote already there is not added again.
        func complete(before: String, after: String = "") -> Completion? {
            guard var completion = completeIgnoringAfter(before) else { return nil }
            if let insertion = completion.insertion, let quote = insertion.last, quote == "\"" || quote == "'",
               after.first == quote, completion.candidates.count == 1 {
                completion.insertion = insertion.count > 1 ? String(insertion.dropLast()) : nil
            }
            return completion
        }

        private func completeIgnoringAfter(_ before: String) -> Completion? {
            switch Completer.context(of: before, atEntryStart: !isContinuation) {
            case .code(.indent):
                return Completion(insertion: "    ", candidates: [])
            case .code(let context):
                guard let found = CodeCompletion.completions(for: context, in: session, base: session.baseDirectory) else { return nil }
                return Completer.finish(found.typed, candidates: found.candidates.map { Candidate(text: $0.text, display: $0.display) },
                                        uniqueSuffix: found.uniqueSuffix)
            case .command(let word):
                let names = Command.allCases.map { ":" + $0.rawValue }.filter { $0.hasPrefix(word) }
                let unique = names.count == 1 ? Command.named(String(names[0].dropFirst())) : nil
                return Completer.finish(word, candidates: names.map { Candidate(text: $0, display: $0) },
                                        uniqueSuffix: unique?.takesArgument == true ? " " : "")
            case .loadPath(let typed, let quote):
                let found = Completer.pathCandidates(typed, scriptsOnly: true)
                let closes = found.count == 1 && found[0].text.last != "/"
                return Completer.finish(typed, candidates: found, uniqueSuffix: closes ? quote : "")
            }
        }

        /// One candidate: insert its rest. Several: insert their common prefix if it is longer
        /// than the typed word, else offer them for listing.
        static func finish(_ typed: String, candidates: [Candidate], uniqueSuffix: String = "") -> Completion? {
            guard let first = candidates.first else { return nil }
            if candidates.count == 1 {
                let rest = String(first.text.dropFirst(typed.count)) + uniqueSuffix
                return Completion(insertion: rest.isEmpty ? nil : rest, candidates: candidates)
            }
            let common = candidates.dropFirst().reduce(first.text) { commonPrefix($0, $1.text) }
            let rest = String(common.dropFirst(typed.count))
            return Completion(insertion: rest.isEmpty ? nil : rest, candidates: candidates)
        }

        static func commonPrefix(_ a: String, _ b: String) -> String {
            String(zip(a, b).prefix { $0 == $1 }.map(\.0))
        }
    }
}

// MARK: - Where the cursor is

extension REPL.Completer {
    static func context(of before: String, atEntryStart: Bool) -> REPL.CompletionContext {
        let trimmed = before.drop { $0 == " " || $0 == "\t" }
        if atEntryStart, trimmed.hasPrefix(":") { return commandContext(trimmed) }
        return .code(CodeCompletion.context(of: before))
    }

    /// `:he` completes the command; `:help so` a name, `:load da` a path, `:time ex` code.
    private static func commandContext(_ line: Substring) -> REPL.CompletionContext {
        let body = line.dropFirst()
        guard let space = body.firstIndex(where: \.isWhitespace) else { return .command(String(line)) }
        let argument = String(body[space...].drop(while: \.isWhitespace))
        switch REPL.Command.named(String(body[..<space])) {
        case .help?:
            return .code(argument.isEmpty ? .nothing : CodeCompletion.codeContext(argument))
        case .load?:
            let quote = argument.first == "\"" || argument.first == "'" ? String(argument.prefix(1)) : ""
            return .loadPath(String(argument.dropFirst(quote.count)), quote: quote)
        case .time?, .timeit?:
            return argument.isEmpty ? .code(.nothing) : context(of: argument, atEntryStart: false)
        default:
            return .code(.nothing)
        }
    }
}

// MARK: - Paths and listings

extension REPL.Completer {
    static func pathCandidates(_ typed: String, scriptsOnly: Bool) -> [REPL.Candidate] {
        CodeCompletion.pathCandidates(typed, scriptsOnly: scriptsOnly).map { REPL.Candidate(text: $0.text, display: $0.display) }
    }

    /// Items in columns filling `width`, read down then across like `ls`; long lists are cut.
    static func columns(_ items: [String], width: Int, limit: Int = 200) -> String {
        let shown = Array(items.prefix(limit))
        let cell = (shown.map(\.count).max() ?? 0) + 2
        let perRow = max(1, (width > 0 ? width : 80) / cell)
        let rows = (shown.count + perRow - 1) / perRow
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<perRow where column * rows + row < shown.count {
                line += shown[column * rows + row].padding(toLength: cell, withPad: " ", startingAt: 0)
            }
            while line.last == " " { line.removeLast() }
            text += line + "\n"
        }
        if items.count > limit { text += "... and \(items.count - limit) more\n" }
        return text
    }
}
