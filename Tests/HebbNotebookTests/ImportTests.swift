// `hebb import NB.ipynb` and `hebb test NB.nb --against RUN`: Jupyter notebooks back to .nb.

import Foundation
import Testing
@testable import HebbNotebook
import HebbPlot

@Suite(.serialized) struct ImportTests {
    let folder = temporaryFolder()

    func exported() throws -> String {
        let source = folder + "/lesson.nb"
        write(ExportTests.source, to: source)
        try FileManager.default.createDirectory(atPath: folder + "/lesson.files", withIntermediateDirectories: true)
        let spec = PlotSpec(kind: .line([.init(xs: [1, 2, 3], ys: [0.5, 0.25, 0.125], label: nil)]), title: "Loss")
        write(SVGRenderer.render(spec), to: folder + "/lesson.files/cell-1-1.svg")
        return try NotebookExporter.export(path: source, format: .ipynb)
    }

    @Test func anExportedNotebookImportsWithItsOutputsAndPlots() throws {
        let ipynb = try exported()
        let target = folder + "/back/lesson.nb"
        try FileManager.default.createDirectory(atPath: folder + "/back", withIntermediateDirectories: true)
        try NotebookImporter.importNotebook(path: ipynb, to: target)
        let notebook = try Notebook.load(path: target)
        #expect(notebook.cells.count == 2)
        #expect(notebook.cells[0].labels.name == "train")
        #expect(notebook.cells[0].outputs == [.plot(alt: "line chart: Loss", path: "lesson.files/cell-1-1.svg"),
                                             .text("epoch 1 <cost> & \"quote\""), .result("[1, 2]")])
        #expect(notebook.cells[1].outputs.first?.kind == .error)
        #expect(FileManager.default.fileExists(atPath: folder + "/back/lesson.files/cell-1-1.svg"))
        #expect(notebook.printed().contains("```python\nprint(\"prose code\")\n```"))
        // An existing file is not replaced unless asked.
        #expect(throws: NotebookError.self) { try NotebookImporter.importNotebook(path: ipynb, to: target) }
        try NotebookImporter.importNotebook(path: ipynb, to: target, overwrite: true)
    }

    @Test func notebooksOfOtherLanguagesAreRefused() throws {
        let python = #"{"cells": [], "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}"#
        do {
            _ = try NotebookImporter.convert(Array(python.utf8), path: "py.ipynb", target: "py.nb")
            Issue.record("a Python notebook was imported")
        } catch {
            #expect(error.message.contains("is a python notebook (kernel 'python3')"))
        }
        #expect(throws: NotebookError.self) { try NotebookImporter.convert(Array("[1]".utf8), path: "x.ipynb", target: "x.nb") }
        let named = #"{"cells": [], "metadata": {"kernelspec": {"name": "ir"}}}"#
        #expect(throws: NotebookError.self) { try NotebookImporter.convert(Array(named.utf8), path: "r.ipynb", target: "r.nb") }
        let hebb = #"{"cells": [], "metadata": {"kernelspec": {"name": "hebb"}}}"#
        _ = try NotebookImporter.convert(Array(hebb.utf8), path: "h.ipynb", target: "h.nb")
    }

    @Test func aCodeLineOfBackticksGetsALongerFence() throws {
        let cell = #"{"cells": [{"cell_type": "code", "source": ["s = \"\n", "```\n", "\""], "outputs": [], "metadata": {}}], "metadata": {}}"#
        let converted = try NotebookImporter.convert(Array(cell.utf8), path: "x.ipynb", target: "x.nb")
        #expect(converted.notebook.cells.first?.source == "s = \"\n```\n\"\n")
    }

    /// The comparison of `--against` follows `hebb test`: numbers within tolerance, error
    /// locations ignored, a changed number fails.
    @Test func anotherRunIsComparedByTheTestRule() throws {
        let ipynb = try exported()
        var lines: [String] = []
        #expect(NotebookTester.compare(path: folder + "/lesson.nb", against: ipynb) { lines.append($0) }, "\(lines)")
        let changed = try String(contentsOfFile: ipynb, encoding: .utf8)
            .replacingOccurrences(of: "lesson.nb:22:1: error", with: "In[2]:1:1: error")
        write(changed, to: folder + "/moved.ipynb")
        #expect(NotebookTester.compare(path: folder + "/lesson.nb", against: folder + "/moved.ipynb") { _ in })
        write(changed.replacingOccurrences(of: "[1, 2]", with: "[1, 3]"), to: folder + "/other.ipynb")
        lines = []
        #expect(!NotebookTester.compare(path: folder + "/lesson.nb", against: folder + "/other.ipynb") { lines.append($0) })
        #expect(lines.contains { $0.contains("output differs") })
    }
}
