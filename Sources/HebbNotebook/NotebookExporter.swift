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
        return trimmed.hasPrefix("<svg") ? trimmed : nil
    }
}

// MARK: - HTML

extension NotebookExporter {
    static func html(_ notebook: Notebook, title fallback: String, directory: String) -> String {
        var body: [String] = []
        for segment in notebook.segments {
            switch segment {
            case .prose(let text): body.append(MarkdownRenderer.html(text))
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
        <meta name="generator" content="hebb export">
        <title>\(MarkdownRenderer.escape(title))</title>
        <style>
        \(stylesheet)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
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

    static let stylesheet = """
    body { margin: 0; background: #fafafa; color: #1d1d1f; font: 16px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
    main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; background: #fff; }
    h1, h2, h3 { line-height: 1.25; }
    code, pre { font: 13.5px/1.45 "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
    p code, li code { background: #f0f0f2; padding: 0.1em 0.3em; border-radius: 3px; }
    pre { padding: 0.6rem 0.8rem; overflow-x: auto; border-radius: 4px; background: #f6f8fa; margin: 0.4rem 0; }
    blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid #ddd; color: #555; }
    .cell { margin: 1.2rem 0; }
    .cell-head { font-size: 12px; color: #888; margin-bottom: 0.2rem; }
    .label { background: #eef; border-radius: 3px; padding: 0 0.3em; }
    pre.code { background: #f6f8fa; border-left: 3px solid #4a7bd0; }
    pre.output { background: #fff; border: 1px solid #e5e5e5; }
    pre.result { background: #fff; border: 1px solid #e5e5e5; border-left: 3px solid #2ca02c; }
    pre.error { background: #fff5f5; border: 1px solid #f3c5c5; color: #a11; }
    figure.plot { margin: 0.5rem 0; }
    figure.plot svg { max-width: 100%; height: auto; }
    .missing { color: #a11; font-style: italic; }
    .kw { color: #a626a4; font-weight: 600; }
    .num { color: #986801; }
    .str { color: #50a14f; }
    .com { color: #8a8f98; font-style: italic; }
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
