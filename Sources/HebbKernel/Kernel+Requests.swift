// The kernel's answers to every request type but execute (Kernel+Execute.swift).

import Foundation
import HebbLanguage
import HebbSyntax

extension Kernel {
    /// Dispatches one request; busy/idle status brackets its handling, as clients expect.
    func handle(_ request: Message, on socket: ZMQSocket, channel: String) {
        if channel == "control" {
            handleControl(request, on: socket)
            return
        }
        publish("status", ["execution_state": "busy"], parent: request)
        defer { publish("status", ["execution_state": "idle"], parent: request) }
        switch request.type {
        case "execute_request": execute(request, on: socket)
        case "kernel_info_request": reply(request, on: socket, "kernel_info_reply", kernelInfo)
        case "complete_request": reply(request, on: socket, "complete_reply", complete(request.content))
        case "inspect_request": reply(request, on: socket, "inspect_reply", inspect(request.content))
        case "is_complete_request": reply(request, on: socket, "is_complete_reply", isComplete(request.content))
        case "history_request": reply(request, on: socket, "history_reply", history(request.content))
        case "comm_info_request": reply(request, on: socket, "comm_info_reply", ["status": "ok", "comms": JSONObject()])
        case "shutdown_request": shutdown(request, on: socket)
        case "interrupt_request": interruptCell(request, on: socket)
        default: log("shell: ignored a \(request.type.isEmpty ? "message without a type" : request.type)")
        }
    }

    /// Control requests are answered at once, even while a cell runs on the shell thread;
    /// only what does not touch the session's state is served here.
    private func handleControl(_ request: Message, on socket: ZMQSocket) {
        switch request.type {
        case "interrupt_request": interruptCell(request, on: socket)
        case "shutdown_request": shutdown(request, on: socket)
        case "kernel_info_request": reply(request, on: socket, "kernel_info_reply", kernelInfo)
        default: log("control: ignored a \(request.type)")
        }
    }

    private func interruptCell(_ request: Message, on socket: ZMQSocket) {
        session.interrupt()   // the running cell stops at its next statement or kernel chunk
        reply(request, on: socket, "interrupt_reply", ["status": "ok"])
    }

    /// Replies, then ends the loops; with `restart` the client starts a fresh kernel.
    private func shutdown(_ request: Message, on socket: ZMQSocket) {
        let restart = request.content["restart"] as? Bool ?? false
        if busy.load(ordering: .relaxed) { session.interrupt() }
        reply(request, on: socket, "shutdown_reply", ["status": "ok", "restart": restart])
        publish("status", ["execution_state": "idle"], parent: request)
        stopping.store(true, ordering: .relaxed)
    }

    var kernelInfo: JSONObject {
        [
            "status": "ok",
            "protocol_version": Message.protocolVersion,
            "implementation": "hebb",
            "implementation_version": hebbVersion,
            "language_info": [
                "name": "hebb",
                "version": hebbVersion,
                "mimetype": "text/x-hebb",
                "file_extension": ".hebb",
                // No Pygments lexer knows Hebb; Python's gets `#` comments, strings, numbers
                // and most keywords (if/else/for/in/while/return/and/or/not) right.
                "pygments_lexer": "python",
                "codemirror_mode": "python",
            ] as JSONObject,
            "banner": "Hebb \(hebbVersion): a small language for learning and doing neural networks",
            "help_links": [Any](),
        ]
    }

    // MARK: - History

    /// This kernel's inputs (and results, with `output`), as `[session, line, input]`
    /// triples: the last `n` (tail), lines `start..<stop` (range), or those matching a glob
    /// `pattern` (search). Session 1 is this process; nothing is kept across restarts.
    func history(_ content: JSONObject) -> JSONObject {
        let withOutput = content["output"] as? Bool ?? false
        var entries = inputs.enumerated().map { (line: $0.offset + 1, input: $0.element.input, output: $0.element.output) }
        switch content["hist_access_type"] as? String ?? "tail" {
        case "range":
            let start = content["start"] as? Int ?? 1, stop = content["stop"] as? Int ?? Int.max
            entries = entries.filter { $0.line >= start && $0.line < stop }
        case "search":
            let pattern = content["pattern"] as? String ?? "*"
            entries = entries.filter { Kernel.glob(pattern, matches: $0.input) }
            if content["unique"] as? Bool ?? false {
                var seen = Set<String>()
                entries = entries.reversed().filter { seen.insert($0.input).inserted }.reversed()
            }
            if let n = content["n"] as? Int { entries = Array(entries.suffix(max(0, n))) }
        default:
            entries = Array(entries.suffix(max(0, content["n"] as? Int ?? 1000)))
        }
        let history: [Any] = entries.map { entry -> [Any] in
            [1, entry.line, withOutput ? [entry.input, entry.output ?? NSNull()] as [Any] : entry.input]
        }
        return ["status": "ok", "history": history]
    }

    /// Shell-style `*` and `?` matching of the whole text.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var table = [[Bool]](repeating: [Bool](repeating: false, count: t.count + 1), count: p.count + 1)
        table[0][0] = true
        for i in stride(from: 1, through: p.count, by: 1) {
            table[i][0] = table[i - 1][0] && p[i - 1] == "*"
            for j in stride(from: 1, through: t.count, by: 1) {
                table[i][j] = p[i - 1] == "*" ? table[i - 1][j] || table[i][j - 1]
                    : table[i - 1][j - 1] && (p[i - 1] == "?" || p[i - 1] == t[j - 1])
            }
        }
        return table[p.count][t.count]
    }

    // MARK: - Completion, help, completeness

    /// The REPL's completion at `cursor_pos` (Unicode code points, protocol 5.2+).
    func complete(_ content: JSONObject) -> JSONObject {
        let (code, cursor) = codeAndCursor(content)
        let before = String(String.UnicodeScalarView(code.unicodeScalars.prefix(cursor)))
        let line = String(before.split(separator: "\n", omittingEmptySubsequences: false).last ?? "")
        var matches: [String] = [], typed = 0
        if let found = CodeCompletion.completions(for: CodeCompletion.context(of: line), in: session, base: session.baseDirectory) {
            matches = found.candidates.map(\.text)
            // A closing quote only where the code after the cursor does not already have one.
            let after = code.unicodeScalars.dropFirst(cursor).first.map(Character.init)
            if matches.count == 1, after.map({ !found.uniqueSuffix.hasPrefix(String($0)) }) ?? true { matches[0] += found.uniqueSuffix }
            typed = found.typed.unicodeScalars.count
        }
        return ["status": "ok", "matches": matches, "cursor_start": cursor - typed, "cursor_end": cursor, "metadata": JSONObject()]
    }

    /// `hebb help NAME` for the name under (or just before) the cursor.
    func inspect(_ content: JSONObject) -> JSONObject {
        let (code, cursor) = codeAndCursor(content)
        let scalars = Array(code.unicodeScalars)
        let isName: (Unicode.Scalar) -> Bool = { CodeCompletion.isIdentifierCharacter(Character($0)) }
        var start = min(cursor, scalars.count), end = start
        while start > 0, isName(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isName(scalars[end]) { end += 1 }
        let name = String(String.UnicodeScalarView(scalars[start..<end]))
        guard !name.isEmpty, let text = session.documentation(for: name) else {
            return ["status": "ok", "found": false, "data": JSONObject(), "metadata": JSONObject()]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": JSONObject()]
    }

    /// The REPL's rule: an entry the parser says continues is incomplete; one with other
    /// syntax errors is invalid.
    func isComplete(_ content: JSONObject) -> JSONObject {
        let code = content["code"] as? String ?? ""
        if Session.isIncomplete(code) { return ["status": "incomplete", "indent": ""] }
        let (_, diagnostics) = Parser.parse(SourceFile(name: "<cell>", text: code), symbols: SymbolTable())
        return ["status": diagnostics.isEmpty ? "complete" : "invalid"]
    }

    private func codeAndCursor(_ content: JSONObject) -> (String, Int) {
        let code = content["code"] as? String ?? ""
        let count = code.unicodeScalars.count
        let cursor = (content["cursor_pos"] as? Int).map { min(max(0, $0), count) } ?? count
        return (code, cursor)
    }
}
