// A tiny SVG builder: elements as text, attributes escaped, numbers rounded.

/// Accumulates SVG elements into one standalone document. It uses no ids, so several
/// figures can be inlined in one HTML page without clashing.
struct SVGDocument {
    let width: Double
    let height: Double
    private var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends `<name attributes/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        body.append("<\(name)\(SVGDocument.attributeText(attributes))/>")
    }

    /// Appends `<text>` holding escaped `content`.
    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start",
                       extra: [(String, String)] = []) {
        let attributes = [("x", NumberFormat.coordinate(x)), ("y", NumberFormat.coordinate(y)),
                          ("text-anchor", anchor)] + extra
        body.append("<text\(SVGDocument.attributeText(attributes))>\(SVGDocument.escape(content))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1) {
        element("line", [("x1", NumberFormat.coordinate(x1)), ("y1", NumberFormat.coordinate(y1)),
                         ("x2", NumberFormat.coordinate(x2)), ("y2", NumberFormat.coordinate(y2)),
                         ("stroke", stroke), ("stroke-width", NumberFormat.coordinate(width))])
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       extra: [(String, String)] = []) {
        element("rect", [("x", NumberFormat.coordinate(x)), ("y", NumberFormat.coordinate(y)),
                         ("width", NumberFormat.coordinate(width)),
                         ("height", NumberFormat.coordinate(height)), ("fill", fill)] + extra)
    }

    /// Opens a group; close it with `endGroup()`.
    mutating func beginGroup(_ attributes: [(String, String)]) {
        body.append("<g\(SVGDocument.attributeText(attributes))>")
    }

    mutating func endGroup() { body.append("</g>") }

    /// The whole document, newline-terminated.
    func rendered() -> String {
        let size = "width=\"\(NumberFormat.coordinate(width))\" height=\"\(NumberFormat.coordinate(height))\""
        let header = "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) "
            + "viewBox=\"0 0 \(NumberFormat.coordinate(width)) \(NumberFormat.coordinate(height))\" "
            + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">"
        return ([header] + body + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    /// `svg` (as `rendered()` returns it) with `element` as its last child.
    static func inserting(_ element: String, beforeEndOf svg: String) -> String {
        let end = "</svg>\n"
        guard svg.hasSuffix(end) else { return svg }
        return String(svg.dropLast(end.count)) + element + "\n" + end
    }

    static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// XML-escapes text and attribute values; drops characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(" ")
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

/// Ten distinguishable colours (the "tab10" palette), reused cyclically.
enum Palette {
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    static func color(_ index: Int) -> String {
        colors[((index % colors.count) + colors.count) % colors.count]
    }

    /// `#rrggbb` grey for a level in 0...1 (0 black, 1 white).
    static func grey(_ level: Double) -> String {
        let byte = level.isFinite ? Int((Swift.min(Swift.max(level, 0), 1) * 255).rounded()) : 0
        let hex = String(byte, radix: 16)
        let pair = hex.count == 1 ? "0" + hex : hex
        return "#" + pair + pair + pair
    }
}
