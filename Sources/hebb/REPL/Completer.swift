// Tab completion for the REPL: variable and function names, builtins, stdlib functions,
// keywords and `:commands`; inside a string literal (and after `:load`), file paths.
// Pure string work on the text before the cursor; LineEditor applies the result.

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
        /// Only blanks before the cursor: Tab indents.
        case indent
        case nothing
        /// A partial identifier.
        case name(String)
        /// A partial `:command`, colon included.
        case command(String)
        /// A partial path; `scriptsOnly` keeps directories, .hebb and .nb files (`:load`).
        case path(String, scriptsOnly: Bool)
    }

    final class Completer {
        private let session: Session
        /// True while an entry continues on a `...` prompt: `:commands` only start entries.
        var isContinuation = false

        init(session: Session) { self.session = session }

        func complete(before: String) -> Completion? {
            switch Completer.context(of: before, atEntryStart: !isContinuation) {
            case .indent:
                return Completion(insertion: "    ", candidates: [])
            case .nothing:
                return nil
            case .name(let word):
                return Completer.finish(word, candidates: nameCandidates(word))
            case .command(let word):
                let names = Command.allCases.map { ":" + $0.rawValue }.filter { $0.hasPrefix(word) }
                let unique = names.count == 1 ? Command.named(String(names[0].dropFirst())) : nil
                return Completer.finish(word, candidates: names.map { Candidate(text: $0, display: $0) },
                                        uniqueSuffix: unique?.takesArgument == true ? " " : "")
            case .path(let typed, let scriptsOnly):
                return Completer.finish(typed, candidates: Completer.pathCandidates(typed, scriptsOnly: scriptsOnly))
            }
        }

        private func nameCandidates(_ word: String) -> [Candidate] {
            let names = Set(session.globalNames).union(session.builtinNames).union(Session.keywords)
            return names.filter { $0.hasPrefix(word) }.sorted().map { Candidate(text: $0, display: $0) }
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
        switch lexicalState(of: before) {
        case .comment: return .nothing
        case .string(let contentStart): return .path(String(before[contentStart...]), scriptsOnly: false)
        case .code: return codeContext(before)
        }
    }

    private static func codeContext(_ before: String) -> REPL.CompletionContext {
        let word = String(before.reversed().prefix(while: isIdentifierCharacter).reversed())
        if word.isEmpty { return before.allSatisfy { $0 == " " || $0 == "\t" } ? .indent : .nothing }
        // A field (`model.W`) or a number (`1e`) is not a name we know.
        if before.dropLast(word.count).last == "." || word.first?.isNumber == true { return .nothing }
        return .name(word)
    }

    /// `:he` completes the command; `:help so` a name, `:load da` a path, `:time ex` code.
    private static func commandContext(_ line: Substring) -> REPL.CompletionContext {
        let body = line.dropFirst()
        guard let space = body.firstIndex(where: \.isWhitespace) else { return .command(String(line)) }
        let argument = String(body[space...].drop(while: \.isWhitespace))
        switch REPL.Command.named(String(body[..<space])) {
        case .help?:
            return argument.isEmpty ? .nothing : codeContext(argument)
        case .load?:
            let path = argument.first == "\"" || argument.first == "'" ? String(argument.dropFirst()) : argument
            return .path(path, scriptsOnly: true)
        case .time?:
            return argument.isEmpty ? .nothing : context(of: argument, atEntryStart: false)
        default:
            return .nothing
        }
    }

    private static func isIdentifierCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }

    enum LexicalState: Equatable {
        case code
        case comment
        /// Inside a string literal whose text starts at the index.
        case string(String.Index)
    }

    /// Scans one line as far as the cursor: strings (`"..."`, with `\` escapes and `{expr}`
    /// interpolation, which is code again) and `#` comments.
    static func lexicalState(of text: String) -> LexicalState {
        enum Frame { case string(String.Index), interpolation(depth: Int) }
        var frames: [Frame] = []
        var escaped = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            switch frames.last {
            case .string?:
                if escaped { escaped = false }
                else if character == "\\" { escaped = true }
                else if character == "\"" { frames.removeLast() }
                else if character == "{" { frames.append(.interpolation(depth: 0)) }
            case .interpolation(let depth)?:
                if character == "\"" { frames.append(.string(next)) }
                else if character == "{" { frames[frames.count - 1] = .interpolation(depth: depth + 1) }
                else if character == "}" {
                    if depth == 0 { frames.removeLast() } else { frames[frames.count - 1] = .interpolation(depth: depth - 1) }
                }
            case nil:
                if character == "#" { return .comment }
                if character == "\"" { frames.append(.string(next)) }
            }
            index = next
        }
        if case .string(let start)? = frames.last { return .string(start) }
        return .code
    }
}

// MARK: - Paths and listings

extension REPL.Completer {
    /// Entries of the typed path's directory that start with its last component; hidden
    /// files only when that component starts with a dot; directories end with `/`.
    static func pathCandidates(_ typed: String, scriptsOnly: Bool) -> [REPL.Candidate] {
        let slash = typed.lastIndex(of: "/")
        let directoryPart = slash.map { String(typed[...$0]) } ?? ""
        let namePrefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let directory = directoryPart.isEmpty ? "." : REPL.expandingTilde(directoryPart)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var candidates: [REPL.Candidate] = []
        for name in names.sorted() where name.hasPrefix(namePrefix) {
            if name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            var isDirectory: ObjCBool = false
            let full = (directory.hasSuffix("/") ? directory : directory + "/") + name
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if scriptsOnly && !isDirectory.boolValue && !(name.hasSuffix(".hebb") || name.hasSuffix(".nb")) { continue }
            let shown = name + (isDirectory.boolValue ? "/" : "")
            candidates.append(REPL.Candidate(text: directoryPart + shown, display: shown))
        }
        return candidates
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
