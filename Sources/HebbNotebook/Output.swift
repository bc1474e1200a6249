// One model of a cell's output. `OutputItem` is what a `.nb` file saves; `RichOutput` is what
// every consumer shows (kind, MIME data, text fallback): the HTML and ipynb exporters and the
// Jupyter kernel render from it. Each of them switches over `OutputKind` with no `default`,
// so a new kind does not build until every consumer says how to show it.

import Foundation
import HebbPlot

/// What a piece of output is.
public enum OutputKind: String, CaseIterable, Sendable {
    /// Printed text (`print`), in the order it was printed.
    case stream
    /// The value of a cell's trailing expression.
    case result
    /// The error a cell stopped with, as rendered (`file:line:col: error: ...`, line, caret).
    case error
    /// A plot (`plot`, `scatter`, `imshow`, `hist`).
    case plot

    /// The word of its fenced block in a `.nb` file; nil for plots, saved as an image line.
    public var fenceWord: String? {
        switch self {
        case .stream: "output"
        case .result: "result"
        case .error: "error"
        case .plot: nil
        }
    }

    /// The kind whose `.nb` block opens with ```` ```WORD ````.
    init?(fenceWord word: String) {
        guard let kind = OutputKind.allCases.first(where: { $0.fenceWord == word }) else { return nil }
        self = kind
    }

    /// The block words of a `.nb` file (`output`, `result`, `error`).
    static var fenceWords: [String] { allCases.compactMap(\.fenceWord) }

    /// Fence words that name an output in Jupyter's or another tool's terms: right after a
    /// cell they are a mistake (or a file from a newer hebb), never prose, so the parser
    /// rejects them instead of letting the output part end silently.
    static let reservedFenceWords: Set<String> = [
        "stdout", "stderr", "stream", "display", "display_data", "execute_result", "outputs", "results", "errors",
    ]
}

/// One piece of a cell's saved output.
public enum OutputItem: Equatable, Sendable {
    /// Printed text (a ```` ```output ```` block), without the final newline.
    case text(String)
    /// The value of the cell's trailing expression (a ```` ```result ```` block).
    case result(String)
    /// The error the cell stopped with, as rendered (an ```` ```error ```` block).
    case error(String)
    /// A plot written beside the notebook: a Markdown image line `![alt](path)`.
    case plot(alt: String, path: String)

    public var kind: OutputKind {
        switch self {
        case .text: .stream
        case .result: .result
        case .error: .error
        case .plot: .plot
        }
    }

    /// The item a `.nb` block of `kind` holding `content` stands for; nil for kinds that are
    /// not saved as blocks.
    init?(block kind: OutputKind, content: String) {
        switch kind {
        case .stream: self = .text(content)
        case .result: self = .result(content)
        case .error: self = .error(content)
        case .plot: return nil
        }
    }

    /// The item as it is shown: a plot's SVG is read from `directory` (nil data and a
    /// `missingFile` when it cannot be read).
    public func rich(directory: String) -> RichOutput {
        switch self {
        case .text(let text): RichOutput(kind: .stream, text: text)
        case .result(let text): RichOutput(kind: .result, text: text)
        case .error(let text): RichOutput(kind: .error, text: text)
        case .plot(let alt, let path):
            if let svg = NotebookExporter.svg(path, directory: directory) {
                RichOutput(kind: .plot, text: alt, data: [(RichOutput.svgType, svg)])
            } else {
                RichOutput(kind: .plot, text: alt, missingFile: path)
            }
        }
    }

    // MARK: - The .nb form

    /// The canonical text of an output part: one fenced block per text/result/error item,
    /// one image line per plot, no blank lines between.
    static func render(_ items: [OutputItem], lineEnding: String) -> String {
        items.map { item in
            switch item {
            case .text(let content), .result(let content), .error(let content):
                fencedBlock(item.kind.fenceWord ?? "output", content, lineEnding)
            case .plot(let alt, let path):
                "![\(alt)](\(linkDestination(path)))" + lineEnding
            }
        }.joined()
    }

    /// A fence long enough that no line of `content` can close it.
    static func fencedBlock(_ kind: String, _ content: String, _ lineEnding: String) -> String {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let longest = lines.map { FenceLine.leadingBackticks(String($0)) }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return fence + kind + lineEnding + lines.map { $0 + lineEnding }.joined() + fence + lineEnding
    }

    /// A link destination, in angle brackets when it holds spaces or parentheses.
    static func linkDestination(_ path: String) -> String {
        path.contains(where: { $0 == " " || $0 == "(" || $0 == ")" }) ? "<\(path)>" : path
    }
}

/// An output ready to show: its kind, its rich data (MIME type and content, most specific
/// first) and its text. The text is the whole output for stream, result and error, and a
/// plot's caption (its alt text) for plots.
public struct RichOutput: Equatable, Sendable {
    public static let svgType = "image/svg+xml"

    public var kind: OutputKind
    public var text: String
    public var data: [MIMEEntry]
    /// A plot file that could not be read (the data is then empty).
    public var missingFile: String?

    public struct MIMEEntry: Equatable, Sendable {
        public var type: String
        public var content: String
        public init(type: String, content: String) { self.type = type; self.content = content }
    }

    public init(kind: OutputKind, text: String, data: [(String, String)] = [], missingFile: String? = nil) {
        self.kind = kind; self.text = text; self.missingFile = missingFile
        self.data = data.map { MIMEEntry(type: $0.0, content: $0.1) }
    }

    /// A live plot (the kernel's), drawn as SVG.
    public init(plot spec: PlotSpec) {
        self.init(kind: .plot, text: RichOutput.altText(spec), data: [(RichOutput.svgType, SVGRenderer.render(spec))])
    }

    /// What a text-only viewer shows: the text itself, or for a plot `[caption]` (or where
    /// its file went missing).
    public var plainText: String {
        switch kind {
        case .stream, .result, .error: text
        case .plot: missingFile.map { "[missing plot file \($0)]" } ?? "[\(text)]"
        }
    }

    /// The MIME bundle Jupyter shows: the rich data, then `text/plain`.
    public var mimeBundle: [MIMEEntry] {
        data + [MIMEEntry(type: "text/plain", content: plainText)]
    }

    /// For an error: Jupyter's `ename` / `evalue` / `traceback` (the message of the first
    /// line after `error: `, and the rendered lines with the caret).
    public var errorParts: (name: String, value: String, traceback: [String]) {
        let first = text.prefix(while: { $0 != "\n" })
        let message = first.range(of: "error: ").map { String(first[$0.upperBound...]) } ?? String(first)
        return ("Error", message, text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    }

    /// "line chart", or "line chart: TITLE" (brackets removed so the image line parses).
    public static func altText(_ spec: PlotSpec) -> String {
        let kind = switch spec.kind {
        case .line: "line chart"
        case .scatter: "scatter plot"
        case .image: "image"
        case .histogram: "histogram"
        }
        guard let title = spec.title, !title.isEmpty else { return kind }
        let cleaned = title.map { "[]\n\r".contains($0) ? " " : String($0) }.joined()
        return kind + ": " + cleaned
    }
}
