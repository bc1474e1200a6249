// A PNG copy of a plot's SVG (librsvg through CSVGRaster), so a notebook saved from
// JupyterLab shows its plots even before it is trusted (Jupyter hides SVG in untrusted
// notebooks, never PNG).

import CSVGRaster
import Foundation
import HebbNotebook

enum PNGCopy {
    /// Rendered at twice the size for sharp lines on high-density screens; shown at 1x.
    static let scale = 2.0

    /// `output` with an `image/png` entry after its SVG, and the Jupyter metadata that sizes
    /// it; unchanged (and empty metadata) when librsvg is missing or cannot render the SVG.
    static func adding(to output: RichOutput) -> (RichOutput, JSONObject) {
        guard let svg = output.data.first(where: { $0.type == RichOutput.svgType })?.content else { return (output, [:]) }
        var png: UnsafeMutablePointer<UInt8>?
        var length = 0, width = 0.0, height = 0.0
        let ok = svg.withCString { text in
            hebb_svg_to_png(text, strlen(text), scale, &png, &length, &width, &height)
        }
        guard ok == 1, let png else { return (output, [:]) }
        defer { free(png) }
        var withPNG = output
        let base64 = Data(bytes: png, count: length).base64EncodedString()
        withPNG.data.append(RichOutput.MIMEEntry(type: "image/png", content: base64))
        return (withPNG, ["image/png": ["width": Int(width.rounded()), "height": Int(height.rounded())]])
    }
}
