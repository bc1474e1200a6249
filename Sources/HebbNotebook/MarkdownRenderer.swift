// A small Markdown-to-HTML renderer for notebook prose: headings (with ids for anchors and
// the table of contents), paragraphs with hard line breaks, emphasis, strikethrough, code
// spans, TeX math (`$…$`, `$$…$$`, as MathML: TeXMath.swift), GitHub tables, lists, links,
// images (local ones inlined), block quotes, rules and fenced code. Raw HTML is escaped,
// never passed through, and link targets are limited to safe schemes, so an exported page
// shows exactly what the prose says and runs no script from it.
//
// JohnSundell/Ink 0.6.0 (in the package mirror) was tried first and does render tables,
// strikethrough and hard breaks, but it passes raw HTML through, writes URLs into
// attributes unescaped (`![x](a"onerror="...)` becomes an attribute), lets an unclosed
// inline tag swallow the rest of the document into one paragraph, drops a paragraph whose
// link URL holds parentheses, and would mangle `_` and `*` inside math; making it safe
// meant re-parsing its output. This renderer keeps the escaping by construction.

import Foundation

struct MarkdownRenderer {
    /// A heading as the table of contents lists it.
    struct Heading: Equatable {
        var level: Int
        var id: String
        /// The heading's HTML (inline markup kept, no anchor).
        var html: String
    }

    /// The headings rendered so far, in order.
    private(set) var headings: [Heading] = []
    /// Ids given out (and reserved ones, such as the cells' `cell-N`), so each is unique.
    private var usedIDs: Set<String>
    /// The notebook's folder: local images are read from it and inlined; nil keeps their URLs.
    let directory: String?

    init(directory: String? = nil, reservedIDs: Set<String> = []) {
        self.directory = directory
        self.usedIDs = reservedIDs
    }

    /// HTML for a piece of Markdown prose, with no images inlined.
    static func html(_ markdown: String) -> String {
        var renderer = MarkdownRenderer()
        return renderer.render(markdown)
    }

    /// HTML for a piece of Markdown prose; headings are collected in `headings`.
    mutating func render(_ markdown: String) -> String {
        let lines = markdown.replacingCRLF().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return blocks(lines[...]).joined(separator: "\n")
    }

    // MARK: - Blocks

    private mutating func blocks(_ input: ArraySlice<String>) -> [String] {
        var lines = input, output: [String] = []
        while let line = lines.first {
            if MarkdownRenderer.isBlank(line) { lines.removeFirst(); continue }
            if let fence = FenceLine.opener(line) {
                output.append(fencedCode(fence, &lines))
            } else if let (level, text) = MarkdownRenderer.heading(line) {
                output.append(renderHeading(level: level, text: text)); lines.removeFirst()
            } else if line.trimmingSpaces().hasPrefix("$$") {
                output.append(displayMath(&lines))
            } else if MarkdownRenderer.isTableStart(lines) {
                output.append(table(&lines))
            } else if MarkdownRenderer.isRule(line) {
                output.append("<hr>"); lines.removeFirst()
            } else if line.hasPrefix(">") {
                output.append(blockQuote(&lines))
            } else if MarkdownRenderer.listMarker(line) != nil {
                output.append(list(&lines))
            } else {
                output.append(paragraph(&lines))
            }
        }
        return output
    }

    private func fencedCode(_ fence: FenceLine, _ lines: inout ArraySlice<String>) -> String {
        lines.removeFirst()
        var code: [String] = []
        while let line = lines.first {
            lines.removeFirst()
            if fence.isClosed(by: line) { break }
            code.append(line)
        }
        let language = fence.firstWord
        let body = language == "hebb" ? CodeHighlighter.html(code.joined(separator: "\n")) : MarkdownRenderer.escape(code.joined(separator: "\n"))
        let attribute = language.isEmpty ? "" : " class=\"language-\(MarkdownRenderer.escape(language))\""
        return "<pre><code\(attribute)>\(body)</code></pre>"
    }

    /// (level, text) when `line` is an ATX heading (`## Title ##`).
    static func heading(_ line: String) -> (Int, String)? {
        let level = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(level) else { return nil }
        let rest = line.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = String(rest).trimmingSpaces()
        while text.hasSuffix("#") { text.removeLast() }
        return (level, text.trimmingSpaces())
    }

    /// `<h2 id="the-cost">The cost<a class="anchor" href="#the-cost">#</a></h2>`; the id is
    /// GitHub's slug of the text, made unique with `-1`, `-2`.
    private mutating func renderHeading(level: Int, text: String) -> String {
        let content = inline(text)
        let id = uniqueID(MarkdownRenderer.slug(MarkdownRenderer.plainText(content)))
        headings.append(Heading(level: level, id: id, html: content))
        return "<h\(level) id=\"\(id)\">\(content)<a class=\"anchor\" href=\"#\(id)\" aria-label=\"link to this section\">#</a></h\(level)>"
    }

    private mutating func uniqueID(_ base: String) -> String {
        let stem = base.isEmpty ? "section" : base
        var id = stem, suffix = 0
        while usedIDs.contains(id) { suffix += 1; id = "\(stem)-\(suffix)" }
        usedIDs.insert(id)
        return id
    }

    /// Lowercased letters, digits, `-` and `_`; spaces become `-` (GitHub's anchors).
    static func slug(_ text: String) -> String {
        String(text.lowercased().compactMap { character -> Character? in
            if character == " " || character == "-" { return "-" }
            if character == "_" || character.isLetter || character.isNumber { return character }
            return nil
        })
    }

    /// The text of some rendered HTML: tags removed, the escapes of `escape` undone.
    static func plainText(_ html: String) -> String {
        var text = "", inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { text.append(character) }
        }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `$$ … $$` as a block: from a line starting with `$$` to the line that ends with `$$`.
    private func displayMath(_ lines: inout ArraySlice<String>) -> String {
        var text = ""
        while let line = lines.first {
            lines.removeFirst()
            text += (text.isEmpty ? "" : "\n") + line.trimmingSpaces()
            if text.count >= 4, text.hasSuffix("$$") { break }
        }
        guard text.count >= 4, text.hasSuffix("$$") else { return "<p>" + MarkdownRenderer.escape(text) + "</p>" }
        let tex = String(text.dropFirst(2).dropLast(2)).trimmingCharacters(in: .whitespacesAndNewlines)
        return "<div class=\"math\">" + TeXMath.html(tex, display: true) + "</div>"
    }

    // MARK: - Tables

    /// A header row with a pipe, then a delimiter row (`| --- | :-: |`).
    static func isTableStart(_ lines: ArraySlice<String>) -> Bool {
        guard let header = lines.first, header.contains("|"), let delimiter = lines.dropFirst().first else { return false }
        let cells = tableCells(delimiter)
        return !cells.isEmpty && cells.count == tableCells(header).count && cells.allSatisfy { cell in
            let core = cell.trimmingSpaces()
            let dashes = core.drop { $0 == ":" }.reversed().drop { $0 == ":" }
            return !dashes.isEmpty && dashes.allSatisfy { $0 == "-" }
        }
    }

    /// A GitHub table: alignments from the delimiter row; rows until a blank or pipe-less line.
    private func table(_ lines: inout ArraySlice<String>) -> String {
        guard let headerLine = lines.popFirst(), let delimiterLine = lines.popFirst() else { return "" }
        let header = MarkdownRenderer.tableCells(headerLine)
        let alignments = MarkdownRenderer.tableCells(delimiterLine).map { cell -> String in
            let core = cell.trimmingSpaces()
            switch (core.hasPrefix(":"), core.hasSuffix(":")) {
            case (true, true): return " style=\"text-align: center\""
            case (false, true): return " style=\"text-align: right\""
            case (true, false): return " style=\"text-align: left\""
            case (false, false): return ""
            }
        }
        func row(_ cells: [String], tag: String) -> String {
            let padded = (0..<header.count).map { $0 < cells.count ? cells[$0] : "" }
            return "<tr>" + padded.enumerated().map { "<\(tag)\(alignments[$0.offset])>\(inline($0.element.trimmingSpaces()))</\(tag)>" }.joined() + "</tr>"
        }
        var body: [String] = []
        while let line = lines.first, !MarkdownRenderer.isBlank(line), line.contains("|") {
            body.append(row(MarkdownRenderer.tableCells(line), tag: "td"))
            lines.removeFirst()
        }
        let bodyHTML = body.isEmpty ? "" : "\n<tbody>\n" + body.joined(separator: "\n") + "\n</tbody>"
        return "<div class=\"table\"><table>\n<thead>\n\(row(header, tag: "th"))\n</thead>\(bodyHTML)\n</table></div>"
    }

    /// The cells of a table row: split at pipes outside code spans and not escaped (`\|`);
    /// one leading and one trailing pipe are optional.
    static func tableCells(_ line: String) -> [String] {
        var cells: [String] = [], current = "", ticks = 0, escaped = false
        for character in line.trimmingSpaces() {
            if escaped { current.append(character == "|" ? "|" : "\\\(character)"); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "`" { ticks = ticks == 0 ? 1 : 0 }
            if character == "|" && ticks == 0 { cells.append(current); current = "" } else { current.append(character) }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        if cells.first?.trimmingSpaces().isEmpty == true { cells.removeFirst() }
        if cells.count > 0, cells.last?.trimmingSpaces().isEmpty == true, line.trimmingSpaces().hasSuffix("|") { cells.removeLast() }
        return cells
    }

    static func isRule(_ line: String) -> Bool {
        let compact = line.filter { $0 != " " }
        guard compact.count >= 3, let first = compact.first, "-*_".contains(first) else { return false }
        return compact.allSatisfy { $0 == first }
    }

    private mutating func blockQuote(_ lines: inout ArraySlice<String>) -> String {
        var inner: [String] = []
        while let line = lines.first, line.hasPrefix(">") {
            inner.append(String(line.dropFirst(line.hasPrefix("> ") ? 2 : 1)))
            lines.removeFirst()
        }
        return "<blockquote>\n" + blocks(inner[...]).joined(separator: "\n") + "\n</blockquote>"
    }

    /// A list: items start with `-`, `*`, `+` or `1.`; indented lines belong to the item.
    private mutating func list(_ lines: inout ArraySlice<String>) -> String {
        typealias M = MarkdownRenderer
        guard let first = lines.first, let (ordered, _) = M.listMarker(first) else { return "" }
        var items: [[String]] = []
        while let line = lines.first {
            if let (isOrdered, content) = M.listMarker(line), isOrdered == ordered {
                items.append([content]); lines.removeFirst()
            } else if !items.isEmpty, line.hasPrefix("  ") || line.hasPrefix("\t") {
                items[items.count - 1].append(line.trimmingLeadingSpaces(upTo: 4)); lines.removeFirst()
            } else if !items.isEmpty, M.isBlank(line), let next = lines.dropFirst().first,
                      next.hasPrefix("  ") || M.listMarker(next)?.0 == ordered {
                items[items.count - 1].append(""); lines.removeFirst()
            } else if !items.isEmpty, !M.isBlank(line), M.listMarker(line) == nil, FenceLine.opener(line) == nil,
                      M.heading(line) == nil, let last = items.last?.last, !M.isBlank(last) {
                items[items.count - 1].append(line); lines.removeFirst()   // lazy continuation
            } else {
                break
            }
        }
        let tag = ordered ? "ol" : "ul"
        var rendered: [String] = []
        for item in items {
            let inner = blocks(item[...])
            let body = inner.count == 1 && inner[0].hasPrefix("<p>") ? String(inner[0].dropFirst(3).dropLast(4)) : inner.joined(separator: "\n")
            rendered.append("<li>\(body)</li>")
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

    /// Lines up to a blank line or the start of another block. A line ending in two spaces
    /// or a backslash ends with a hard line break.
    private func paragraph(_ lines: inout ArraySlice<String>) -> String {
        typealias M = MarkdownRenderer
        var text: [String] = []
        while let line = lines.first, !M.isBlank(line) {
            if !text.isEmpty && (FenceLine.opener(line) != nil || M.heading(line) != nil || line.hasPrefix(">")
                                 || M.listMarker(line) != nil || M.isRule(line) || M.isTableStart(lines)
                                 || line.trimmingSpaces().hasPrefix("$$")) { break }
            var trimmed = line.trimmingSpaces()
            if line.hasSuffix("  ") || (trimmed.hasSuffix("\\") && !trimmed.hasSuffix("\\\\")) {
                if trimmed.hasSuffix("\\") { trimmed.removeLast() }
                trimmed.append(M.hardBreak)
            }
            text.append(trimmed); lines.removeFirst()
        }
        if var last = text.popLast() {   // a break at the very end breaks nothing
            if last.last == M.hardBreak { last.removeLast() }
            text.append(last)
        }
        return "<p>" + inline(text.joined(separator: "\n")) + "</p>"
    }

    /// Marks a hard line break inside paragraph text (a private-use character).
    static let hardBreak: Character = "\u{E000}"

    static func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }

    // MARK: - Inline

    /// Code spans, math, images, links, autolinks, strong, emphasis, strikethrough and
    /// hard breaks; everything else escaped.
    func inline(_ text: String) -> String {
        let characters = Array(text)
        var output = "", index = 0
        while index < characters.count {
            if let (html, end) = inlineElement(characters, at: index) {
                output += html; index = end
            } else {
                output += MarkdownRenderer.escape(String(characters[index])); index += 1
            }
        }
        return output
    }

    private func inlineElement(_ characters: [Character], at index: Int) -> (String, Int)? {
        switch characters[index] {
        case "\\":
            guard index + 1 < characters.count, characters[index + 1].isPunctuation || characters[index + 1].isSymbol else { return nil }
            return (MarkdownRenderer.escape(String(characters[index + 1])), index + 2)
        case "`": return MarkdownRenderer.codeSpan(characters, at: index)
        case "$": return MarkdownRenderer.math(characters, at: index)
        case "!": return link(characters, at: index + 1, image: true)
        case "[": return link(characters, at: index, image: false)
        case "<": return MarkdownRenderer.autolink(characters, at: index)
        case "*", "_": return emphasis(characters, at: index)
        case "~": return strikethrough(characters, at: index)
        case MarkdownRenderer.hardBreak: return ("<br>", index + 1)
        default: return nil
        }
    }

    /// `$x$` (the opening `$` followed and the closing one preceded by a non-space, the
    /// closing one not followed by a digit, as in pandoc, so "$5 and $10" stays text) or
    /// `$$x$$` inside a paragraph.
    static func math(_ characters: [Character], at index: Int) -> (String, Int)? {
        let display = index + 1 < characters.count && characters[index + 1] == "$"
        let start = index + (display ? 2 : 1)
        guard start < characters.count, display || !characters[start].isWhitespace else { return nil }
        var search = start
        while search < characters.count {
            let character = characters[search]
            if character == "\\" { search += 2; continue }
            if character == "$" {
                if display {
                    guard search + 1 < characters.count, characters[search + 1] == "$" else { return nil }
                    let tex = String(characters[start..<search]).trimmingCharacters(in: .whitespacesAndNewlines)
                    return tex.isEmpty ? nil : (TeXMath.html(tex, display: true), search + 2)
                }
                guard search > start, !characters[search - 1].isWhitespace,
                      search + 1 >= characters.count || !characters[search + 1].isNumber else { return nil }
                let tex = String(characters[start..<search]).replacingOccurrences(MarkdownRenderer.hardBreak, "")
                return (TeXMath.html(tex, display: false), search + 1)
            }
            search += 1
        }
        return nil
    }

    /// `~~struck~~` (GitHub's strikethrough).
    private func strikethrough(_ characters: [Character], at index: Int) -> (String, Int)? {
        guard index + 2 < characters.count, characters[index + 1] == "~", characters[index + 2] != " ",
              characters[index + 2] != "~" else { return nil }
        var search = index + 2
        while search + 1 < characters.count {
            if characters[search] == "~", characters[search + 1] == "~", characters[search - 1] != " " {
                return ("<del>\(inline(String(characters[(index + 2)..<search])))</del>", search + 2)
            }
            search += 1
        }
        return nil
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
    private func link(_ characters: [Character], at index: Int, image: Bool) -> (String, Int)? {
        guard index < characters.count, characters[index] == "[",
              let close = MarkdownRenderer.matching(characters, from: index, open: "[", close: "]"),
              close + 1 < characters.count, characters[close + 1] == "(",
              let end = MarkdownRenderer.matching(characters, from: close + 1, open: "(", close: ")") else { return nil }
        let label = String(characters[(index + 1)..<close])
        var target = String(characters[(close + 2)..<end]).trimmingSpaces()
        var title: String?
        // `[x](url "title")`
        if let space = target.firstIndex(of: " ") {
            let rest = String(target[space...]).trimmingSpaces()
            if rest.count >= 2, rest.hasPrefix("\""), rest.hasSuffix("\"") {
                title = String(rest.dropFirst().dropLast())
                target = String(target[..<space])
            }
        }
        if target.hasPrefix("<") && target.hasSuffix(">") { target = String(target.dropFirst().dropLast()) }
        let titleAttribute = title.map { " title=\"\(MarkdownRenderer.escape($0))\"" } ?? ""
        if image {
            let source = inlinedImage(target) ?? MarkdownRenderer.escape(MarkdownRenderer.safeURL(target, image: true))
            let alt = MarkdownRenderer.escape(MarkdownRenderer.plainText(inline(label)))
            return ("<img src=\"\(source)\" alt=\"\(alt)\"\(titleAttribute)>", end + 1)
        }
        let url = MarkdownRenderer.escape(MarkdownRenderer.safeURL(target, image: false))
        return ("<a href=\"\(url)\"\(titleAttribute)>\(inline(label))</a>", end + 1)
    }

    /// A local image (PNG, JPEG, GIF, SVG) under the notebook's folder as a `data:` URL, so
    /// the page stays self-contained; nil for remote URLs and files that cannot be read.
    private func inlinedImage(_ target: String) -> String? {
        guard let directory, !target.contains(":"), !target.hasPrefix("/"), !target.contains(".."),
              let decoded = target.removingPercentEncoding else { return nil }
        let types = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml"]
        guard let type = types[(decoded as NSString).pathExtension.lowercased()],
              let data = FileManager.default.contents(atPath: directory + "/" + decoded), data.count <= 8 << 20 else { return nil }
        return "data:\(type);base64,\(data.base64EncodedString())"
    }

    private static func autolink(_ characters: [Character], at index: Int) -> (String, Int)? {
        guard let close = characters[index...].firstIndex(of: ">") else { return nil }
        let target = String(characters[(index + 1)..<close])
        guard target.hasPrefix("http://") || target.hasPrefix("https://"), !target.contains(" ") else { return nil }
        return ("<a href=\"\(MarkdownRenderer.escape(target))\">\(MarkdownRenderer.escape(target))</a>", close + 1)
    }

    /// `**strong**`, `__strong__`, `*em*`, `_em_` (an opening delimiter must be followed by
    /// a non-space, and `_` inside words does not count).
    private func emphasis(_ characters: [Character], at index: Int) -> (String, Int)? {
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
            // Code spans and math are opaque: a `*` inside them closes nothing.
            if characters[search] == "`" || characters[search] == "$" {
                let skipped = characters[search] == "`" ? MarkdownRenderer.codeSpan(characters, at: search) : MarkdownRenderer.math(characters, at: search)
                search = skipped?.1 ?? search + 1
            } else {
                search += 1
            }
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

    /// The URL when its scheme is safe in an exported page (http, https, mailto, a
    /// relative path or `#anchor`; for images also `data:image/` other than SVG), else `#`:
    /// `javascript:`, `vbscript:`, `data:text/html` and the rest never reach an attribute.
    static func safeURL(_ url: String, image: Bool) -> String {
        // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
        let compact = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }.map(Character.init)).lowercased()
        guard let colon = compact.firstIndex(of: ":") else { return url }
        let scheme = compact[..<colon]
        let isScheme = scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
        if !isScheme || compact[..<colon].contains("/") { return url }   // "a/b:c" is a path
        if ["http", "https", "mailto"].contains(scheme) { return url }
        if image, compact.hasPrefix("data:image/"), !compact.hasPrefix("data:image/svg") { return url }
        return "#"
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
