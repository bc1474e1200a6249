// `hebb export NB.nb --html / --ipynb`: the saved notebook (no re-run) as a self-contained
// web page or a Jupyter nbformat-4 notebook.

import Foundation

/// The formats `hebb export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    case html
    case ipynb

    /// The file extension, without the dot.
    public var fileExtension: String { rawValue }
}

/// Exports saved notebooks. Entry points for `hebb export`.
public enum NotebookExporter {
    /// One self-contained HTML page for the notebook at `path`: prose rendered from
    /// Markdown, code highlighted, outputs under each cell, plots inlined as SVG. Throws
    /// `NotebookError` when the notebook cannot be read or parsed.
    public static func html(path: String) throws -> String {
        let notebook = try Notebook(parsing: NotebookFiles.read(path), path: path)
        return html(notebook, title: NotebookFiles.fileName(path), directory: NotebookFiles.directory(of: path))
    }

    /// The notebook at `path` as Jupyter nbformat 4.5 JSON: Markdown cells for prose, code
    /// cells with their outputs (stream, execute_result, error, and plots as
    /// `image/svg+xml` display data); kernel and language "hebb".
    public static func ipynb(path: String) throws -> String {
        let notebook = try Notebook(parsing: NotebookFiles.read(path), path: path)
        return ipynb(notebook, directory: NotebookFiles.directory(of: path))
    }

    /// Exports and writes the result atomically to `outputPath`, by default beside the
    /// notebook with the format's extension (`ch1.nb` → `ch1.html`). Returns the path written.
    @discardableResult
    public static func export(path: String, format: ExportFormat, to outputPath: String? = nil) throws -> String {
        let text = switch format {
        case .html: try html(path: path)
        case .ipynb: try ipynb(path: path)
        }
        let base = path.hasSuffix(".nb") ? String(path.dropLast(3)) : path
        let target = outputPath ?? base + "." + format.fileExtension
        try NotebookFiles.writeAtomically(Array(text.utf8), to: target)
        return target
    }

    /// The SVG text of a plot file, without an XML prolog, or nil when it is missing or is
    /// not an SVG document.
    static func svg(_ relativePath: String, directory: String) -> String? {
        let path = relativePath.hasPrefix("/") ? relativePath : directory + "/" + relativePath
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else { return nil }
        while let start = text.range(of: "<?") ?? text.range(of: "<!DOCTYPE"), start.lowerBound == text.startIndex
                || text[..<start.lowerBound].allSatisfy(\.isWhitespace),
              let end = text.range(of: ">", range: start.upperBound..<text.endIndex) {
            text = String(text[end.upperBound...])
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasPrefix("<svg") && !isActive(svg: trimmed) ? trimmed : nil
    }

    /// Whether an SVG could run script or load a page when inlined: `<script>`,
    /// `<foreignObject>`, an `on…=` event attribute or a `javascript:` URL. hebb's own plots
    /// have none; an edited plot file with one is left out of the page.
    static func isActive(svg: String) -> Bool {
        let lower = svg.lowercased()
        if lower.contains("<script") || lower.contains("<foreignobject") || lower.contains("javascript:") { return true }
        let characters = Array(lower)
        for index in characters.indices.dropFirst() where characters[index] == "o" && index + 2 < characters.count {
            guard characters[index - 1].isWhitespace || characters[index - 1] == "/", characters[index + 1] == "n" else { continue }
            let name = characters[(index + 2)...].prefix { $0.isLetter }
            guard !name.isEmpty else { continue }
            let after = characters[(index + 2 + name.count)...].drop { $0.isWhitespace }
            if after.first == "=" { return true }
        }
        return false
    }
}

// MARK: - HTML

extension NotebookExporter {
    static func html(_ notebook: Notebook, title fallback: String, directory: String) -> String {
        let cellIDs = Set(notebook.segments.compactMap { segment -> String? in
            if case .cell(let cell) = segment { return "cell-\(cell.number)" } else { return nil }
        })
        var renderer = MarkdownRenderer(directory: directory, reservedIDs: cellIDs.union(["contents"]))
        var body: [String] = []
        for segment in notebook.segments {
            switch segment {
            case .prose(let text): body.append(renderer.render(text))
            case .cell(let cell): body.append(htmlCell(cell, directory: directory))
            }
        }
        let title = pageTitle(notebook) ?? fallback
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="generator" content="hebb export">
        <title>\(MarkdownRenderer.escape(title))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        \(tableOfContents(renderer.headings))<main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    /// No script runs in an exported page, whatever its prose or outputs hold: the renderer
    /// escapes raw HTML, and this policy is a second wall (inline styles and `data:` images
    /// are what the page itself needs).
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

    /// A `<nav>` listing the sections (h2 and h3; h1 is the title), or nothing for a page
    /// with fewer than two.
    static func tableOfContents(_ headings: [MarkdownRenderer.Heading]) -> String {
        let listed = headings.filter { $0.level == 2 || $0.level == 3 }
        guard listed.count >= 2 else { return "" }
        var html = "<nav class=\"toc\" id=\"contents\" aria-label=\"Contents\">\n<p class=\"toc-title\">Contents</p>\n<ul>\n"
        for heading in listed {
            let link = MarkdownRenderer.plainText(heading.html)
            html += "<li class=\"toc-h\(heading.level)\"><a href=\"#\(heading.id)\">\(MarkdownRenderer.escape(link))</a></li>\n"
        }
        return html + "</ul>\n</nav>\n"
    }

    private static func htmlCell(_ cell: Cell, directory: String) -> String {
        let labels = cell.labels.descriptions.filter { !$0.hasPrefix("name=") }.map { "<span class=\"label\">\(MarkdownRenderer.escape($0))</span>" }
        var parts = ["<section class=\"cell\" id=\"cell-\(cell.number)\">",
                     "<div class=\"cell-head\">[\(cell.number)] \(MarkdownRenderer.escape(cell.name)) \(labels.joined(separator: " "))</div>",
                     "<pre class=\"code\"><code class=\"language-hebb\">\(CodeHighlighter.html(trimmedCode(cell)))</code></pre>"]
        for item in cell.outputs { parts.append(htmlOutput(item.rich(directory: directory))) }
        return (parts + ["</section>"]).joined(separator: "\n")
    }

    /// One output as HTML: text kinds as a `<pre>` of their class, plots as inline SVG.
    static func htmlOutput(_ output: RichOutput) -> String {
        switch output.kind {
        case .stream: return "<pre class=\"output\">\(MarkdownRenderer.escape(output.text))</pre>"
        case .result: return "<pre class=\"result\">\(MarkdownRenderer.escape(output.text))</pre>"
        case .error: return "<pre class=\"error\">\(MarkdownRenderer.escape(output.text))</pre>"
        case .plot:
            let figure = output.data.first(where: { $0.type == RichOutput.svgType })?.content
                ?? "<p class=\"missing\">missing plot file \(MarkdownRenderer.escape(output.missingFile ?? ""))</p>"
            return "<figure class=\"plot\" title=\"\(MarkdownRenderer.escape(output.text))\">\n\(figure)\n</figure>"
        }
    }

    /// The code without its final newline (LF line endings).
    static func trimmedCode(_ cell: Cell) -> String {
        var code = cell.source
        if code.hasSuffix("\n") { code.removeLast() }
        return code
    }

    /// The text of the first `# ` heading in the prose, if any.
    static func pageTitle(_ notebook: Notebook) -> String? {
        for case .prose(let text) in notebook.segments {
            for line in text.replacingCRLF().split(separator: "\n") where line.hasPrefix("# ") {
                return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Light by default, dark when the reader's system asks for it (colours are variables);
    /// code, outputs and errors wrap instead of scrolling; plots sit on a white card in both
    /// schemes, since their SVG draws on white.
    static let stylesheet = """
    :root { color-scheme: light dark; --bg: #fafafa; --page: #fff; --text: #1d1d1f; --muted: #6b6b70; --border: #e5e5e5;
      --code-bg: #f6f8fa; --inline-code: #f0f0f2; --accent: #4a7bd0; --result: #2ca02c; --error-bg: #fff5f5;
      --error-border: #f3c5c5; --error-text: #a11; --label: #eef; --kw: #a626a4; --num: #986801; --str: #50a14f; --com: #8a8f98;
      --link: #0b5cad; --table-stripe: #f7f7f9; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #111214; --page: #1b1c1f; --text: #e4e4e7; --muted: #9a9aa3; --border: #34353a; --code-bg: #23252a;
        --inline-code: #2b2d33; --accent: #6d9be8; --result: #4cc264; --error-bg: #2a1616; --error-border: #6b2b2b;
        --error-text: #ff9c9c; --label: #2c3350; --kw: #d08ae0; --num: #e0b25c; --str: #8fcf7f; --com: #8b919c;
        --link: #8ab8ff; --table-stripe: #222327; }
    }
    body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; background: var(--page); }
    a { color: var(--link); }
    h1, h2, h3 { line-height: 1.25; scroll-margin-top: 1rem; }
    h1 .anchor, h2 .anchor, h3 .anchor, h4 .anchor, h5 .anchor, h6 .anchor { margin-left: 0.4em; color: var(--muted); text-decoration: none; visibility: hidden; font-weight: normal; }
    h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor, h5:hover .anchor, h6:hover .anchor, .anchor:focus { visibility: visible; }
    code, pre { font: 13.5px/1.45 "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    p code, li code, td code, th code { background: var(--inline-code); padding: 0.1em 0.3em; border-radius: 3px; overflow-wrap: anywhere; }
    pre { padding: 0.6rem 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; border-radius: 4px; background: var(--code-bg); margin: 0.4rem 0; }
    blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid var(--border); color: var(--muted); }
    img { max-width: 100%; height: auto; }
    .table { overflow-x: auto; margin: 0.8rem 0; }
    table { border-collapse: collapse; font-size: 15px; }
    th, td { border: 1px solid var(--border); padding: 0.35rem 0.6rem; vertical-align: top; }
    th { background: var(--code-bg); text-align: left; }
    tbody tr:nth-child(even) { background: var(--table-stripe); }
    .math { overflow-x: auto; margin: 0.8rem 0; }
    math { font-size: 1.1em; font-family: "STIX Two Math", "Latin Modern Math", "Cambria Math", math; }
    math[display="block"] { margin: 0.4rem 0; }
    code.math-source { background: var(--inline-code); padding: 0.1em 0.3em; border-radius: 3px; border-bottom: 1px dashed var(--muted); }
    nav.toc { max-width: 52rem; margin: 0 auto; padding: 1rem 1.5rem 0; background: var(--page); font-size: 14px; }
    nav.toc .toc-title { font-weight: 600; margin: 0 0 0.3rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; font-size: 12px; }
    nav.toc ul { margin: 0; padding-left: 1.1rem; }
    nav.toc li.toc-h3 { margin-left: 1rem; list-style: circle; }
    nav.toc a { text-decoration: none; }
    @media (min-width: 78rem) {
      nav.toc { position: fixed; top: 2rem; left: calc(50% + 27rem); width: 14rem; max-height: calc(100vh - 4rem); overflow-y: auto; padding: 0; background: transparent; }
    }
    .cell { margin: 1.2rem 0; }
    .cell-head { font-size: 12px; color: var(--muted); margin-bottom: 0.2rem; }
    .label { background: var(--label); border-radius: 3px; padding: 0 0.3em; }
    pre.code { background: var(--code-bg); border-left: 3px solid var(--accent); }
    pre.output { background: var(--page); border: 1px solid var(--border); }
    pre.result { background: var(--page); border: 1px solid var(--border); border-left: 3px solid var(--result); }
    pre.error { background: var(--error-bg); border: 1px solid var(--error-border); color: var(--error-text); }
    figure.plot { margin: 0.5rem 0; }
    figure.plot svg { max-width: 100%; height: auto; background: #fff; border-radius: 4px; }
    .missing { color: var(--error-text); font-style: italic; }
    .kw { color: var(--kw); font-weight: 600; }
    .num { color: var(--num); }
    .str { color: var(--str); }
    .com { color: var(--com); font-style: italic; }
    """
}

// MARK: - ipynb

extension NotebookExporter {
    static func ipynb(_ notebook: Notebook, directory: String) -> String {
        var cells: [JSONValue] = [], prose = 0
        for segment in notebook.segments {
            switch segment {
            case .prose(let text):
                let trimmed = trimBlankLines(text.replacingCRLF())
                guard !trimmed.isEmpty else { continue }
                prose += 1
                cells.append(.object([("cell_type", .string("markdown")), ("id", .string("prose-\(prose)")),
                                      ("metadata", .object([])), ("source", JSONValue.lines(trimmed))]))
            case .cell(let cell):
                cells.append(ipynbCell(cell, directory: directory))
            }
        }
        let metadata = JSONValue.object([
            ("kernelspec", .object([("display_name", .string("Hebb")), ("language", .string("hebb")), ("name", .string("hebb"))])),
            ("language_info", .object([("file_extension", .string(".hebb")), ("mimetype", .string("text/x-hebb")),
                                       ("name", .string("hebb"))])),
        ])
        return JSONValue.object([("cells", .array(cells)), ("metadata", metadata),
                                 ("nbformat", .int(4)), ("nbformat_minor", .int(5))]).printed()
    }

    private static func ipynbCell(_ cell: Cell, directory: String) -> JSONValue {
        let count: JSONValue = cell.outputs.isEmpty ? .null : .int(cell.number)
        let outputs = cell.outputs.map { ipynbOutput($0, executionCount: count, directory: directory) }
        let labels = cell.labels.descriptions
        let metadata: JSONValue = labels.isEmpty ? .object([]) : .object([("hebb", .object([("labels", .array(labels.map(JSONValue.string)))]))])
        return .object([("cell_type", .string("code")), ("execution_count", count), ("id", .string("cell-\(cell.number)")),
                        ("metadata", metadata), ("outputs", .array(outputs)), ("source", JSONValue.lines(trimmedCode(cell)))])
    }

    private static func ipynbOutput(_ item: OutputItem, executionCount: JSONValue, directory: String) -> JSONValue {
        ipynbOutput(item.rich(directory: directory), executionCount: executionCount)
    }

    /// One output in nbformat 4: stream, execute_result, error or display_data.
    static func ipynbOutput(_ output: RichOutput, executionCount: JSONValue) -> JSONValue {
        let bundle = JSONValue.object(output.mimeBundle.map { ($0.type, JSONValue.lines($0.content)) })
        switch output.kind {
        case .stream:
            return .object([("name", .string("stdout")), ("output_type", .string("stream")), ("text", JSONValue.lines(output.text + "\n"))])
        case .result:
            return .object([("data", bundle), ("execution_count", executionCount),
                            ("metadata", .object([])), ("output_type", .string("execute_result"))])
        case .error:
            let (name, value, traceback) = output.errorParts
            return .object([("ename", .string(name)), ("evalue", .string(value)), ("output_type", .string("error")),
                            ("traceback", .array(traceback.map(JSONValue.string)))])
        case .plot:
            return .object([("data", bundle), ("metadata", .object([])), ("output_type", .string("display_data"))])
        }
    }

    /// `text` without blank lines at its start and end.
    static func trimBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
