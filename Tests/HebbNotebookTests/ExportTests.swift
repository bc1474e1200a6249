// `hebb export`: a self-contained HTML page and a Jupyter notebook that nbformat accepts.

import Foundation
import Testing
@testable import HebbNotebook
import HebbPlot

@Suite(.serialized) struct ExportTests {
    let folder = temporaryFolder()
    var path: String { folder + "/lesson.nb" }

    static let source = """
    # Lesson *one*

    A paragraph with `W @ x`, **strong** text, a [link](https://example.org) and <raw html>.

    - first item
    - second item with _emphasis_
      continued

    1. step one
    2. step two

    ```python
    print("prose code")
    ```

    ```hebb name=train tol=1e-3
    # a comment
    W = randn(2, 3) * 0.5 + "text"
    for epoch in 1...10 { print(epoch) }
    ```
    ![line chart: Loss](lesson.files/cell-1-1.svg)
    ```output
    epoch 1 <cost> & "quote"
    ```
    ```result
    [1, 2]
    ```

    ```hebb expect-error="shape"
    bad
    ```
    ```error
    lesson.nb:22:1: error: shape mismatch
        bad
        ^~~
    ```

    """

    /// Writes the notebook and the plot file its first cell refers to.
    func prepare() throws {
        write(ExportTests.source, to: path)
        try FileManager.default.createDirectory(atPath: folder + "/lesson.files", withIntermediateDirectories: true)
        write("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"5\" height=\"5\"/></svg>\n",
              to: folder + "/lesson.files/cell-1-1.svg")
    }

    @Test func htmlIsOneSelfContainedPage() throws {
        try prepare()
        let html = try NotebookExporter.html(path: path)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Lesson *one*</title>"))
        #expect(html.contains("<style>"))
        #expect(!html.contains("<link ") && !html.contains("<script"), "nothing external")
        #expect(html.contains("<figure class=\"plot\" title=\"line chart: Loss\">\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(!html.contains("<?xml"))
        #expect(html.contains("<pre class=\"output\">epoch 1 &lt;cost&gt; &amp; &quot;quote&quot;</pre>"))
        #expect(html.contains("<pre class=\"result\">[1, 2]</pre>"))
        #expect(html.contains("<pre class=\"error\">lesson.nb:22:1: error: shape mismatch"))
        #expect(html.contains("<span class=\"label\">expect-error=shape</span>"))
    }

    @Test func proseIsRenderedAsMarkdown() throws {
        try prepare()
        let html = try NotebookExporter.html(path: path)
        #expect(html.contains("<h1 id=\"lesson-one\">Lesson <em>one</em><a class=\"anchor\" href=\"#lesson-one\""))
        #expect(html.contains("<p>A paragraph with <code>W @ x</code>, <strong>strong</strong> text, a <a href=\"https://example.org\">link</a> and &lt;raw html&gt;.</p>"))
        #expect(html.contains("<ul>\n<li>first item</li>\n<li>second item with <em>emphasis</em>\ncontinued</li>\n</ul>"))
        #expect(html.contains("<ol>\n<li>step one</li>\n<li>step two</li>\n</ol>"))
        #expect(html.contains("<pre><code class=\"language-python\">print(&quot;prose code&quot;)</code></pre>"))
    }

    @Test func codeIsHighlighted() throws {
        try prepare()
        let html = try NotebookExporter.html(path: path)
        #expect(html.contains("<span class=\"com\"># a comment</span>"))
        #expect(html.contains("<span class=\"kw\">for</span> epoch <span class=\"kw\">in</span> <span class=\"num\">1</span>...<span class=\"num\">10</span>"))
        #expect(html.contains("<span class=\"str\">&quot;text&quot;</span>"))
        #expect(html.contains("<span class=\"num\">0.5</span>"))
    }

    @Test func missingPlotFilesAreNotedNotFatal() throws {
        write("```hebb\nx\n```\n![image](lesson.files/cell-1-1.svg)\n", to: path)
        #expect(try NotebookExporter.html(path: path).contains("missing plot file lesson.files/cell-1-1.svg"))
        #expect(try NotebookExporter.ipynb(path: path).contains("[missing plot file lesson.files/cell-1-1.svg]"))
    }

    /// The one rich form every consumer renders from: a live plot carries its SVG and the
    /// caption in brackets as text/plain; an error splits into Jupyter's parts.
    @Test func richOutputsCarryDataAndFallback() {
        let spec = PlotSpec(kind: .line([.init(xs: [0, 1], ys: [2, 3], label: nil)]), title: "Loss [train]")
        let plot = RichOutput(plot: spec)
        #expect(plot.kind == .plot && plot.text == "line chart: Loss  train ")
        #expect(plot.mimeBundle.map(\.type) == ["image/svg+xml", "text/plain"])
        #expect(plot.mimeBundle.last?.content == "[line chart: Loss  train ]")
        #expect(plot.data.first?.content.hasPrefix("<svg") == true)
        let error = RichOutput(kind: .error, text: "a.nb:3:1: error: shapes differ\nx + y\n^")
        #expect(error.errorParts.name == "Error" && error.errorParts.value == "shapes differ")
        #expect(error.errorParts.traceback == ["a.nb:3:1: error: shapes differ", "x + y", "^"])
        #expect(OutputItem.result("3").rich(directory: ".").mimeBundle.map(\.type) == ["text/plain"])
    }

    @Test func markdownEdgeCases() {
        #expect(MarkdownRenderer.html("## Title ##") == "<h2 id=\"title\">Title<a class=\"anchor\" href=\"#title\" aria-label=\"link to this section\">#</a></h2>")
        #expect(MarkdownRenderer.html("snake_case_name and 2 * 3 * 4") == "<p>snake_case_name and 2 * 3 * 4</p>")
        #expect(MarkdownRenderer.html("[x](javascript:alert(1))") == "<p><a href=\"#\">x</a></p>")
        #expect(MarkdownRenderer.html("> quoted *text*") == "<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>")
        #expect(MarkdownRenderer.html("---") == "<hr>")
        #expect(MarkdownRenderer.html("``a ` b``") == "<p><code>a ` b</code></p>")
        #expect(MarkdownRenderer.html("a\r\nb\r\n\r\nc") == "<p>a\nb</p>\n<p>c</p>")
        #expect(MarkdownRenderer.html("unclosed `code and *star") == "<p>unclosed `code and *star</p>")
    }

    @Test func ipynbHasTheNotebookStructure() throws {
        try prepare()
        let json = try NotebookExporter.ipynb(path: path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["nbformat"] as? Int == 4)
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect((metadata["kernelspec"] as? [String: Any])?["name"] as? String == "hebb")
        #expect((metadata["language_info"] as? [String: Any])?["name"] as? String == "hebb")
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.map { $0["cell_type"] as? String } == ["markdown", "code", "code"])
        let code = cells[1]
        #expect(code["source"] as? [String] == ["# a comment\n", "W = randn(2, 3) * 0.5 + \"text\"\n", "for epoch in 1...10 { print(epoch) }"])
        let outputs = try #require(code["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["output_type"] as? String } == ["display_data", "stream", "execute_result"])
        #expect(((outputs[0]["data"] as? [String: Any])?["image/svg+xml"] as? [String])?.first?.hasPrefix("<svg") == true)
        let error = try #require((cells[2]["outputs"] as? [[String: Any]])?.first)
        #expect(error["output_type"] as? String == "error")
        #expect(error["evalue"] as? String == "shape mismatch")
    }

    @Test func exportWritesBesideTheNotebook() throws {
        try prepare()
        let written = try NotebookExporter.export(path: path, format: .html)
        #expect(written == folder + "/lesson.html")
        #expect(read(written).hasPrefix("<!DOCTYPE html>"))
        let custom = try NotebookExporter.export(path: path, format: .ipynb, to: folder + "/out.ipynb")
        #expect(read(custom).contains("\"nbformat\": 4"))
        #expect(throws: NotebookError.self) { try NotebookExporter.export(path: folder + "/none.nb", format: .html) }
    }

    /// Python with nbformat importable: `$NBFORMAT_PYTHON` or `python3`; nil when missing.
    static let nbformatPython: String? = {
        let candidates = [ProcessInfo.processInfo.environment["NBFORMAT_PYTHON"], "python3"].compactMap { $0 }
        for python in candidates where (try? runProcess(python, ["-c", "import nbformat"]))?.status == 0 {
            return python
        }
        print("note: Python's nbformat is not importable; skipping the ipynb validation test (pip install nbformat, or set NBFORMAT_PYTHON)")
        return nil
    }()

    @Test(.enabled(if: ExportTests.nbformatPython != nil, "needs Python's nbformat (pip install nbformat)"))
    func ipynbValidatesWithNbformat() throws {
        try prepare()
        let target = try NotebookExporter.export(path: path, format: .ipynb)
        let script = "import nbformat, sys\nnb = nbformat.read(sys.argv[1], as_version=4)\nnbformat.validate(nb)\nprint('valid', len(nb.cells))"
        let result = try ExportTests.runProcess(ExportTests.nbformatPython ?? "python3", ["-c", script, target])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("valid 3"))
    }

    static func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

extension ExportTests {
    /// Any notebook exports: generated notebooks (odd Markdown, CRLF, Unicode) give an HTML
    /// page and ipynb JSON that parses.
    @Test func generatedNotebooksExport() throws {
        var generator = SeededGenerator(seed: 31)
        for _ in 0..<200 {
            let notebook = try Notebook(parsing: NotebookGenerator.notebook(&generator))
            let html = NotebookExporter.html(notebook, title: "t", directory: folder)
            #expect(html.hasSuffix("</html>\n"))
            let json = NotebookExporter.ipynb(notebook, directory: folder)
            #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil)
        }
    }
}
