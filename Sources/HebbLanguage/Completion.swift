// Completion of Hebb code before a cursor, shared by the REPL's Tab key and the Jupyter
// kernel's complete_request: names (variables, functions, builtins, stdlib, keywords) in
// code, record fields and tensor attributes after a dot (`model.`, `X.sh`), parameter
// labels inside a call (`sum(X, ax` -> `axis:`), file paths inside a string literal (a
// unique file closes the quote), nothing in a comment.

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
        /// A partial field after `object.` (`object` is a dotted chain of names: `model.layer1`).
        case member(object: [String], prefix: String)
        /// A partial name where a call's argument starts (`sum(X, ax`): a label or a name.
        case argument(callee: [String], prefix: String)
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
        let rest = before.dropLast(word.count)
        if rest.last == "." {
            guard let object = nameChain(endingAt: rest.dropLast()) else { return .nothing }
            return .member(object: object, prefix: word)
        }
        if word.isEmpty { return before.allSatisfy { $0 == " " || $0 == "\t" } ? .indent : .nothing }
        // A number (`1e`) is not a name we know.
        if word.first?.isNumber == true { return .nothing }
        if let callee = calleeOfOpenArgument(rest) { return .argument(callee: callee, prefix: word) }
        return .name(word)
    }

    /// `model.layer1` at the end of `text` as ["model", "layer1"]; nil when what ends there
    /// is not a plain chain of names (a call, an index, a number).
    static func nameChain(endingAt text: Substring) -> [String]? {
        var parts: [String] = []
        var rest = text
        while true {
            let part = String(rest.reversed().prefix(while: isIdentifierCharacter).reversed())
            guard let first = part.first, !first.isNumber else { return nil }
            parts.insert(part, at: 0)
            rest = rest.dropLast(part.count)
            guard rest.last == "." else { return parts }
            rest = rest.dropLast()
        }
    }

    /// The function whose argument list is open at the end of `text`, when an argument
    /// starts there (after `(` or `,`, blanks allowed): `sum(X, ` gives ["sum"].
    static func calleeOfOpenArgument(_ text: Substring) -> [String]? {
        let trimmed = text.reversed().drop { $0 == " " || $0 == "\t" }
        guard let last = trimmed.first, last == "(" || last == "," else { return nil }
        var depth = 0
        var index = text.endIndex
        while index > text.startIndex {
            index = text.index(before: index)
            switch text[index] {
            case ")", "]", "}": depth += 1
            case "[", "{": if depth == 0 { return nil } else { depth -= 1 }
            case "(":
                if depth > 0 { depth -= 1; continue }
                return nameChain(endingAt: text[..<index])
            default: continue
            }
        }
        return nil
    }

    /// What Tab offers at the end of `before`: the text being completed (replaced by a
    /// candidate), the candidates, and what to add after a unique one (a closing quote after
    /// a file name). Relative paths are read from `base` (nil: the working directory).
    public struct Completions: Equatable, Sendable {
        public var typed: String
        public var candidates: [Candidate]
        public var uniqueSuffix: String
    }

    /// The completions for a context, as the REPL and the kernel offer them.
    public static func completions(for context: Context, in session: Session, base: String? = nil) -> Completions? {
        let plain: ([String]) -> [Candidate] = { $0.map { Candidate(text: $0, display: $0) } }
        switch context {
        case .indent, .nothing:
            return nil
        case .name(let word):
            return Completions(typed: word, candidates: plain(names(startingWith: word, in: session)), uniqueSuffix: "")
        case .member(let object, let prefix):
            let fields = session.memberNames(of: object).filter { $0.hasPrefix(prefix) }
            return Completions(typed: prefix, candidates: plain(fields), uniqueSuffix: "")
        case .argument(let callee, let prefix):
            let labels = session.parameterNames(of: callee).filter { $0.hasPrefix(prefix) }.map { $0 + ":" }
            let others = names(startingWith: prefix, in: session).filter { !labels.contains($0 + ":") }
            return Completions(typed: prefix, candidates: plain(labels + others), uniqueSuffix: "")
        case .path(let typed):
            let found = pathCandidates(typed, scriptsOnly: false, base: base)
            let closes = found.count == 1 && found[0].text.last != "/"
            return Completions(typed: typed, candidates: found, uniqueSuffix: closes ? "\"" : "")
        }
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

// MARK: - What a value offers

extension Session {
    /// Attributes of tensors (`X.T`, `X.shape`); any function taking a tensor first can be
    /// called as a method too (`X.sum(axis: 0)`).
    static let tensorAttributes = ["T", "dtype", "ndim", "shape", "size"]

    /// The value a chain of names refers to (`model.layer1`), without running any code.
    func value(atPath path: [String]) -> Value? {
        guard let first = path.first, var value = value(named: first) else { return nil }
        for name in path.dropFirst() {
            guard case .record(let record) = value, let field = record[name] else { return nil }
            value = field
        }
        return value
    }

    /// What may follow `object.`: a record's fields; a tensor's attributes and the functions
    /// that can be called as its methods; for other values, the functions.
    public func memberNames(of object: [String]) -> [String] {
        guard let value = value(atPath: object) else { return [] }
        switch value {
        case .record(let record): return record.fields.map(\.name)
        case .tensor:
            // `X.shape` is the attribute; the builtin shape(X) is the same thing, listed once.
            let functions = builtinNames.filter { !$0.hasPrefix("_") && !Session.tensorAttributes.contains($0) }
            return Session.tensorAttributes + functions.sorted()
        case .list, .string, .tuple: return builtinNames.filter { !$0.hasPrefix("_") }.sorted()
        default: return []
        }
    }

    /// The parameter names of the function a call names (`sum`, `opt.step`, or `X.mean`
    /// as a method: the function `mean`).
    public func parameterNames(of callee: [String]) -> [String] {
        var function = value(atPath: callee)
        var isMethod = false
        if function == nil, callee.count > 1, let name = callee.last {
            function = value(named: name)
            isMethod = true   // the receiver is the first argument
        }
        let names: [String]
        switch function {
        case .builtin(let builtin)?: names = builtin.parameterNames
        case .function(let closure)?: names = closure.declaration.parameters.map(\.name.name)
        default: names = []
        }
        return Array(names.dropFirst(isMethod ? 1 : 0))
    }
}
