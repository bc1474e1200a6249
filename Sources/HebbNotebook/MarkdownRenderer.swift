// A small Markdown-to-HTML renderer for notebook prose: headings, paragraphs, emphasis,
// code spans, lists, links, images, block quotes, rules and fenced code. Raw HTML is
// escaped, not passed through, so an exported page shows exactly what the prose says.

enum MarkdownRenderer {
    /// HTML for a piece of Markdown prose.
    static func html(_ markdown: String) -> String {
        let lines = markdown.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return blocks(lines[...]).joined(separator: "\n")
    }

    // MARK: - Blocks

    private static func blocks(_ input: ArraySlice<String>) -> [String] {
        var lines = input, output: [String] = []
        while let line = lines.first {
            if isBlank(line) { lines.removeFirst(); continue }
            if let fence = FenceLine.opener(line) {
                output.append(fencedCode(fence, &lines))
            } else if let heading = heading(line) {
                output.append(heading); lines.removeFirst()
            } else if isRule(line) {
                output.append("<hr>"); lines.removeFirst()
            } else if line.hasPrefix(">") {
                output.append(blockQuote(&lines))
            } else if listMarker(line) != nil {
                output.append(list(&lines))
            } else {
                output.append(paragraph(&lines))
            }
        }
        return output
    }

    private static func fencedCode(_ fence: FenceLine, _ lines: inout ArraySlice<String>) -> String {
        lines.removeFirst()
        var code: [String] = []
        while let line = lines.first {
            lines.removeFirst()
            if fence.isClosed(by: line) { break }
            code.append(line)
        }
        let language = fence.firstWord
        let body = language == "hebb" ? CodeHighlighter.html(code.joined(separator: "\n")) : escape(code.joined(separator: "\n"))
        let attribute = language.isEmpty ? "" : " class=\"language-\(escape(language))\""
        return "<pre><code\(attribute)>\(body)</code></pre>"
    }

    private static func heading(_ line: String) -> String? {
        let level = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(level) else { return nil }
        let rest = line.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = String(rest).trimmingSpaces()
        while text.hasSuffix("#") { text.removeLast() }
        return "<h\(level)>\(inline(text.trimmingSpaces()))</h\(level)>"
    }

    private static func isRule(_ line: String) -> Bool {
        let compact = line.filter { $0 != " " }
        guard compact.count >= 3, let first = compact.first, "-*_".contains(first) else { return false }
        return compact.allSatisfy { $0 == first }
    }

    private static func blockQuote(_ lines: inout ArraySlice<String>) -> String {
        var inner: [String] = []
        while let line = lines.first, line.hasPrefix(">") {
            inner.append(String(line.dropFirst(line.hasPrefix("> ") ? 2 : 1)))
            lines.removeFirst()
        }
        return "<blockquote>\n" + blocks(inner[...]).joined(separator: "\n") + "\n</blockquote>"
    }

    /// A list: items start with `-`, `*`, `+` or `1.`; indented lines belong to the item.
    private static func list(_ lines: inout ArraySlice<String>) -> String {
        guard let first = lines.first, let (ordered, _) = listMarker(first) else { return "" }
        var items: [[String]] = []
        while let line = lines.first {
            if let (isOrdered, content) = listMarker(line), isOrdered == ordered {
                items.append([content]); lines.removeFirst()
            } else if !items.isEmpty, line.hasPrefix("  ") || line.hasPrefix("\t") {
                items[items.count - 1].append(line.trimmingLeadingSpaces(upTo: 4)); lines.removeFirst()
            } else if !items.isEmpty, isBlank(line), let next = lines.dropFirst().first,
                      next.hasPrefix("  ") || listMarker(next)?.0 == ordered {
                items[items.count - 1].append(""); lines.removeFirst()
            } else if !items.isEmpty, !isBlank(line), listMarker(line) == nil, FenceLine.opener(line) == nil,
                      heading(line) == nil, let last = items.last?.last, !isBlank(last) {
                items[items.count - 1].append(line); lines.removeFirst()   // lazy continuation
            } else {
                break
            }
        }
        let tag = ordered ? "ol" : "ul"
        let rendered = items.map { item -> String in
            let inner = blocks(item[...])
            let body = inner.count == 1 && inner[0].hasPrefix("<p>") ? String(inner[0].dropFirst(3).dropLast(4)) : inner.joined(separator: "\n")
            return "<li>\(body)</li>"
        }
        return "<\(tag)>\n" + rendered.joined(separator: "\n") + "\n</\(tag)>"
    }

    /// (ordered, content) when `line` starts a list item.
    private static func listMarker(_ line: String) -> (Bool, String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let rest = line.dropFirst(digits.count)
        guard let marker = rest.first, marker == "." || marker == ")", rest.dropFirst().first == " " else { return nil }
        return (true, String(rest.dropFirst(2)))
    }

    private static func paragraph(_ lines: inout ArraySlice<String>) -> String {
        var text: [String] = []
        while let line = lines.first, !isBlank(line) {
            if !text.isEmpty && (FenceLine.opener(line) != nil || heading(line) != nil || line.hasPrefix(">")
                                 || listMarker(line) != nil || isRule(line)) { break }
            text.append(line.trimmingSpaces()); lines.removeFirst()
        }
        return "<p>" + inline(text.joined(separator: "\n")) + "</p>"
    }

    private static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    // MARK: - Inline

    /// Code spans, images, links, autolinks, strong and emphasis; everything else escaped.
    static func inline(_ text: String) -> String {
        let characters = Array(text)
        var output = "", index = 0
        while index < characters.count {
            if let (html, end) = inlineElement(characters, at: index) {
                output += html; index = end
            } else {
                output += escape(String(characters[index])); index += 1
            }
        }
        return output
    }

    private static func inlineElement(_ characters: [Character], at index: Int) -> (String, Int)? {
        switch characters[index] {
        case "\\":
            guard index + 1 < characters.count, characters[index + 1].isPunctuation || characters[index + 1].isSymbol else { return nil }
            return (escape(String(characters[index + 1])), index + 2)
        case "`": return codeSpan(characters, at: index)
        case "!": return link(characters, at: index + 1, image: true)
        case "[": return link(characters, at: index, image: false)
        case "<": return autolink(characters, at: index)
        case "*", "_": return emphasis(characters, at: index)
        default: return nil
        }
    }

    private static func codeSpan(_ characters: [Character], at index: Int) -> (String, Int)? {
        let ticks = characters[index...].prefix(while: { $0 == "`" }).count
        var search = index + ticks
        while search < characters.count {
            if characters[search] == "`" {
                let run = characters[search...].prefix(while: { $0 == "`" }).count
                if run == ticks {
                    var code = String(characters[(index + ticks)..<search]).replacingOccurrences("\n", " ")
                    if code.hasPrefix(" ") && code.hasSuffix(" ") && code.count > 2 { code = String(code.dropFirst().dropLast()) }
                    return ("<code>\(escape(code))</code>", search + run)
                }
                search += run
            } else {
                search += 1
            }
        }
        return nil
    }

    /// `[text](url)` or, with `image`, `![alt](src)` (index points at the `[`).
    private static func link(_ characters: [Character], at index: Int, image: Bool) -> (String, Int)? {
        guard index < characters.count, characters[index] == "[",
              let close = matching(characters, from: index, open: "[", close: "]"),
              close + 1 < characters.count, characters[close + 1] == "(",
              let end = matching(characters, from: close + 1, open: "(", close: ")") else { return nil }
        let label = String(characters[(index + 1)..<close])
        var target = String(characters[(close + 2)..<end]).trimmingSpaces()
        if target.hasPrefix("<") && target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
        let url = escape(safeURL(target))
        if image { return ("<img src=\"\(url)\" alt=\"\(escape(label))\">", end + 1) }
        return ("<a href=\"\(url)\">\(inline(label))</a>", end + 1)
    }

    private static func autolink(_ characters: [Character], at index: Int) -> (String, Int)? {
        guard let close = characters[index...].firstIndex(of: ">") else { return nil }
        let target = String(characters[(index + 1)..<close])
        guard target.hasPrefix("http://") || target.hasPrefix("https://"), !target.contains(" ") else { return nil }
        return ("<a href=\"\(escape(target))\">\(escape(target))</a>", close + 1)
    }

    /// `**strong**`, `__strong__`, `*em*`, `_em_` (an opening delimiter must be followed by
    /// a non-space, and `_` inside words does not count).
    private static func emphasis(_ characters: [Character], at index: Int) -> (String, Int)? {
        let marker = characters[index]
        if marker == "_", index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber { return nil }
        let count = index + 1 < characters.count && characters[index + 1] == marker ? 2 : 1
        let start = index + count
        guard start < characters.count, characters[start] != " " else { return nil }
        var search = start
        while search + count <= characters.count {
            if characters[search..<(search + count)].allSatisfy({ $0 == marker }), characters[search - 1] != " ",
               count == 2 || search + 1 >= characters.count || characters[search + 1] != marker {
                let inner = inline(String(characters[start..<search]))
                let tag = count == 2 ? "strong" : "em"
                return ("<\(tag)>\(inner)</\(tag)>", search + count)
            }
            search += characters[search] == "`" ? (codeSpan(characters, at: search)?.1 ?? search + 1) - search : 1
        }
        return nil
    }

    /// The index of the bracket closing the one at `from`, counting nesting.
    private static func matching(_ characters: [Character], from: Int, open: Character, close: Character) -> Int? {
        var depth = 0
        for index in from..<characters.count {
            if characters[index] == "\n" && open == "(" { return nil }
            if characters[index] == open { depth += 1 }
            if characters[index] == close { depth -= 1; if depth == 0 { return index } }
        }
        return nil
    }

    /// Drops `javascript:` and similar scheme URLs from links in an exported page.
    private static func safeURL(_ url: String) -> String {
        let lower = url.lowercased().filter { !$0.isWhitespace }
        return lower.hasPrefix("javascript:") || lower.hasPrefix("vbscript:") || lower.hasPrefix("data:text/html") ? "#" : url
    }

    /// HTML-escapes text.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    func trimmingLeadingSpaces(upTo count: Int) -> String {
        var result = Substring(self), removed = 0
        while removed < count, let first = result.first, first == " " || first == "\t" {
            result.removeFirst(); removed += first == "\t" ? count : 1
        }
        return String(result)
    }

    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        map { $0 == target ? replacement : String($0) }.joined()
    }
}
