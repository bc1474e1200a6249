// `hebb import NB.ipynb [-o NB.nb]`: a Jupyter notebook of the Hebb kernel as a `.nb` file,
// Markdown cells as prose, code cells as ```hebb cells with their outputs (if any).

import Foundation

/// Reads nbformat-4 notebooks written for the Hebb kernel.
public enum NotebookImporter {
    /// A converted notebook: the `.nb` text and the plot files it refers to.
    struct Converted {
        var notebook: Notebook
        var plots: [PlotFile]
    }

    /// Converts the notebook at `path` and writes it atomically to `outputPath` (default:
    /// beside it, `NB.nb`), with its plots in `NB.files/`. Refuses to overwrite an existing
    /// file unless `overwrite`, and notebooks of another language. Returns the path written.
    @discardableResult
    public static func importNotebook(path: String, to outputPath: String? = nil, overwrite: Bool = false) throws -> String {
        let base = path.lowercased().hasSuffix(".ipynb") ? String(path.dropLast(6)) : path
        let target = outputPath ?? base + ".nb"
        if !overwrite && FileManager.default.fileExists(atPath: target) {
            throw NotebookError(path: target, line: nil, message: "already exists; pass --force to replace it, or -o OTHER.nb")
        }
        let converted = try convert(NotebookFiles.read(path), path: path, target: target)
        let directory = NotebookFiles.directory(of: target)
        for plot in converted.plots {
            let file = directory + "/" + plot.relativePath
            do {
                try FileManager.default.createDirectory(atPath: NotebookFiles.directory(of: file), withIntermediateDirectories: true)
            } catch {
                throw NotebookError(path: file, line: nil, message: "cannot create its folder: \(error.localizedDescription)")
            }
            try NotebookFiles.writeAtomically(Array(plot.svg.utf8), to: file)
        }
        try NotebookFiles.writeAtomically(Array(converted.notebook.printed().utf8), to: target)
        return target
    }

    /// The `.nb` form of ipynb `bytes` (read from `path`), with plots named for `target`.
    static func convert(_ bytes: [UInt8], path: String, target: String) throws(NotebookError) -> Converted {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let cells = object["cells"] as? [[String: Any]] else {
            throw NotebookError(path: path, line: nil, message: "not a Jupyter notebook (nbformat 4 JSON with a \"cells\" list)")
        }
        try checkLanguage(object["metadata"] as? [String: Any] ?? [:], path: path)
        var pieces: [String] = [], plots: [PlotFile] = [], codeCells = 0
        let folder = NotebookFiles.plotFolder(for: target)
        for cell in cells {
            let source = text(cell["source"])
            switch cell["cell_type"] as? String {
            case "code":
                codeCells += 1
                let (items, files) = outputs(cell["outputs"] as? [[String: Any]] ?? [], cell: codeCells, folder: folder)
                plots += files
                pieces.append(codeCell(source, labels: labels(cell), outputs: items))
            default:   // markdown, and raw cells, are prose
                let prose = NotebookExporter.trimBlankLines(source.replacingCRLF())
                if !prose.isEmpty { pieces.append(prose + "\n") }
            }
        }
        let text = pieces.joined(separator: "\n")
        do {
            return Converted(notebook: try Notebook(parsing: text, path: target), plots: plots)
        } catch {
            throw NotebookError(path: path, line: nil, message: "does not convert to a valid notebook: \(error.message)")
        }
    }

    /// Refuses notebooks whose kernelspec or language_info names another language.
    static func checkLanguage(_ metadata: [String: Any], path: String) throws(NotebookError) {
        let kernelspec = metadata["kernelspec"] as? [String: Any] ?? [:]
        let languageInfo = metadata["language_info"] as? [String: Any] ?? [:]
        var named = [kernelspec["language"], languageInfo["name"]].compactMap { ($0 as? String)?.lowercased() }
        let kernelName = kernelspec["name"] as? String
        // Only a kernel name: Hebb's kernelspecs are named hebb (or hebb-something).
        if named.isEmpty, let kernelName, !kernelName.lowercased().hasPrefix("hebb") { named = [kernelName] }
        guard let other = named.first(where: { $0 != "hebb" }) else { return }
        let kernel = kernelName.map { " (kernel '\($0)')" } ?? ""
        throw NotebookError(path: path, line: nil, message: "is a \(other) notebook\(kernel); hebb import reads notebooks "
                            + "of the Hebb kernel only (kernelspec language \"hebb\")")
    }

    /// The cell's `hebb` labels that the `.nb` format knows (others are dropped).
    static func labels(_ cell: [String: Any]) -> String {
        let metadata = cell["metadata"] as? [String: Any] ?? [:]
        let words = (metadata["hebb"] as? [String: Any])?["labels"] as? [String] ?? []
        return words.filter { (try? CellLabels.parse(" " + $0)) != nil }.map { " " + $0 }.joined()
    }

    /// A ```hebb cell with a fence longer than any backtick run that starts a code line.
    static func codeCell(_ source: String, labels: String, outputs: [OutputItem]) -> String {
        var code = source.replacingCRLF()
        if !code.isEmpty && !code.hasSuffix("\n") { code += "\n" }
        let longest = code.split(separator: "\n").map { FenceLine.leadingBackticks(String($0)) }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + "hebb" + labels + "\n" + code + fence + "\n" + OutputItem.render(outputs, lineEnding: "\n")
    }

    /// Jupyter outputs as `.nb` items: streams (merged), results, errors, SVG plots. Text-only
    /// display data (a progress bar) is not saved, as `hebb run` never saves it.
    static func outputs(_ outputs: [[String: Any]], cell: Int, folder: String) -> ([OutputItem], [PlotFile]) {
        var items: [OutputItem] = [], files: [PlotFile] = [], stream = ""
        func endStream() {
            if !stream.isEmpty { items.append(.text(CellOutcome.clean(stream))) }
            stream = ""
        }
        for output in outputs {
            let data = output["data"] as? [String: Any] ?? [:]
            switch output["output_type"] as? String {
            case "stream":
                stream += text(output["text"])
            case "error":
                endStream()
                let traceback = (output["traceback"] as? [String]) ?? []
                items.append(.error(CellOutcome.clean(withoutColour(traceback.joined(separator: "\n")))))
            case "execute_result", "display_data":
                if let svg = data[RichOutput.svgType] {
                    endStream()
                    let path = "\(folder)/cell-\(cell)-\(files.count + 1).svg"
                    files.append(PlotFile(relativePath: path, svg: text(svg)))
                    items.append(.plot(alt: caption(text(data["text/plain"])), path: path))
                } else if output["output_type"] as? String == "execute_result" {
                    endStream()
                    items.append(.result(CellOutcome.clean(text(data["text/plain"]))))
                }
            default:
                continue
            }
        }
        endStream()
        return (items, files)
    }

    /// `[line chart: Loss]` → `line chart: Loss`; a caption the image line can hold.
    static func caption(_ plain: String) -> String {
        var caption = plain.trimmingCharacters(in: .whitespacesAndNewlines)
        if caption.hasPrefix("[") && caption.hasSuffix("]") { caption = String(caption.dropFirst().dropLast()) }
        caption = caption.map { "[]\n\r".contains($0) ? " " : String($0) }.joined()
        return caption.isEmpty ? "plot" : caption
    }

    /// A multi-line string of nbformat: a string, or a list of lines.
    static func text(_ value: Any?) -> String {
        if let string = value as? String { return string }
        return (value as? [String])?.joined() ?? ""
    }

    /// Text without ANSI colour sequences (`ESC [ ... m`), which other tools put in tracebacks.
    static func withoutColour(_ text: String) -> String {
        guard text.contains("\u{1B}[") else { return text }
        return text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
