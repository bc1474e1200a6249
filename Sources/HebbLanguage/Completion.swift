// Completion of Hebb code before a cursor, shared by the REPL's Tab key and the Jupyter
// kernel's complete_request: names (variables, functions, builtins, stdlib, keywords) in
// code, file paths inside a string literal, nothing in a comment.

import Foundation

public enum CodeCompletion {
    /// What the cursor is in, as far as completion cares.
    public enum Context: Equatable, Sendable {
        /// Only blanks before the cursor on its line.
        case indent
        case nothing
        /// A partial identifier.
        case name(String)
        /// A partial path inside a string literal.
        case path(String)
    }

    /// A candidate: the whole word as it would stand in the line, and how a listing shows it.
    public struct Candidate: Equatable, Sendable {
        public var text: String
        public var display: String
        public init(text: String, display: String) { self.text = text; self.display = display }
    }

    /// The context of the cursor at the end of `before` (the current line up to the cursor).
    public static func context(of before: String) -> Context {
        switch lexicalState(of: before) {
        case .comment: return .nothing
        case .string(let contentStart): return .path(String(before[contentStart...]))
        case .code: return codeContext(before)
        }
    }

    /// A partial identifier at the end of `before`, or why there is none.
    public static func codeContext(_ before: String) -> Context {
        let word = String(before.reversed().prefix(while: isIdentifierCharacter).reversed())
        if word.isEmpty { return before.allSatisfy { $0 == " " || $0 == "\t" } ? .indent : .nothing }
        // A field (`model.W`) or a number (`1e`) is not a name we know.
        if before.dropLast(word.count).last == "." || word.first?.isNumber == true { return .nothing }
        return .name(word)
    }

    /// The names `session` knows that start with `word`, sorted.
    public static func names(startingWith word: String, in session: Session) -> [String] {
        let names = Set(session.globalNames).union(session.builtinNames).union(Session.keywords)
        return names.filter { $0.hasPrefix(word) }.sorted()
    }

    /// `~` and `~/...` in the home directory; other paths as they are.
    public static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
    }

    public static func isIdentifierCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }

    public enum LexicalState: Equatable {
        case code
        case comment
        /// Inside a string literal whose text starts at the index.
        case string(String.Index)
    }

    /// Scans one line as far as the cursor: strings (`"..."`, with `\` escapes and `{expr}`
    /// interpolation, which is code again) and `#` comments.
    public static func lexicalState(of text: String) -> LexicalState {
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

    /// Entries of the typed path's directory that start with its last component; hidden
    /// files only when that component starts with a dot; directories end with `/`.
    /// `scriptsOnly` keeps directories, .hebb and .nb files; relative paths are read from
    /// `base` (nil: the working directory); `~/` is the home directory.
    public static func pathCandidates(_ typed: String, scriptsOnly: Bool, base: String? = nil) -> [Candidate] {
        let slash = typed.lastIndex(of: "/")
        let directoryPart = slash.map { String(typed[...$0]) } ?? ""
        let namePrefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        var directory = directoryPart.isEmpty ? "." : expandingTilde(directoryPart)
        if let base, !directory.hasPrefix("/") { directory = (base as NSString).appendingPathComponent(directory) }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var candidates: [Candidate] = []
        for name in names.sorted() where name.hasPrefix(namePrefix) {
            if name.hasPrefix(".") && !namePrefix.hasPrefix(".") { continue }
            var isDirectory: ObjCBool = false
            let full = (directory.hasSuffix("/") ? directory : directory + "/") + name
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            if scriptsOnly && !isDirectory.boolValue && !(name.hasSuffix(".hebb") || name.hasSuffix(".nb")) { continue }
            let shown = name + (isDirectory.boolValue ? "/" : "")
            candidates.append(Candidate(text: directoryPart + shown, display: shown))
        }
        return candidates
    }
}
