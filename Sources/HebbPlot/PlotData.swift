// The plotted values of a figure as text lines, saved inside its SVG file so that
// `hebb test` can compare a fresh plot with the saved one number by number.

import Foundation

/// What a figure plots, at full precision, as short text lines: each series' points, the
/// scatter's points and classes, each image's pixels, the histogram's bins. `SVGRenderer`
/// saves them in a `<metadata>` element (not drawn), where a review diff reads them too.
public enum PlotData {
    /// The data lines of `spec`, such as `series 1 "cost": 3 points` and `y[0]: 3.0 1.0 2.0`.
    public static func lines(_ spec: PlotSpec) -> [String] {
        switch spec.kind {
        case .line(let series):
            return series.enumerated().flatMap { seriesLines($0.element, number: $0.offset + 1) }
        case .scatter(let xs, let ys, let labels):
            let header = "scatter: \(xs.count) points"
            return [header] + chunks("x", xs) + chunks("y", ys) + chunks("class", labels.map(Double.init), integers: true)
        case .image(let pixels, let rows, let columns):
            // The sizes `ImageGrid` draws (so a bad size cannot overflow or loop for long).
            let rows = Swift.max(0, Swift.min(rows, 4096)), columns = Swift.max(0, Swift.min(columns, 4096))
            return pixels.prefix(10_000).enumerated().flatMap { imageLines($0.element, number: $0.offset + 1, rows: rows, columns: columns) }
        case .histogram(let values, let bins):
            let histogram = Histogram(values: values, bins: bins)
            let header = "histogram: \(values.count) values, \(histogram.counts.count) bins from "
                + number(histogram.lower) + " to " + number(histogram.upper)
            return [header] + chunks("count", histogram.counts.map(Double.init), integers: true)
        }
    }

    private static func seriesLines(_ series: PlotSpec.Series, number index: Int) -> [String] {
        let label = series.label.map { " \"\($0)\"" } ?? ""
        let header = "series \(index)\(label): \(series.ys.count) points"
        return [header] + chunks("x", series.xs) + chunks("y", series.ys)
    }

    private static func imageLines(_ image: [Double], number index: Int, rows: Int, columns: Int) -> [String] {
        var lines = ["image \(index): \(rows)x\(columns)"]
        for row in 0..<rows {
            let start = Swift.min(row * columns, image.count), end = Swift.min(start + columns, image.count)
            lines += chunks("row \(row)", Array(image[start..<end]))
        }
        return lines
    }

    /// The data lines saved in an SVG document that `SVGRenderer` wrote, or nil when it
    /// has none (a file written before plots carried their data).
    public static func lines(inSVG svg: String) -> [String]? {
        guard let open = svg.range(of: openTag),
              let close = svg.range(of: closeTag, range: open.upperBound..<svg.endIndex) else { return nil }
        return svg[open.upperBound..<close.lowerBound].split(separator: "\n").map { unescape(String($0)) }
    }

    /// The `<metadata>` element holding `spec`'s data lines, one per text line.
    static func element(_ spec: PlotSpec) -> String {
        ([openTag] + lines(spec).map(SVGDocument.escape) + [closeTag]).joined(separator: "\n")
    }

    static let openTag = "<metadata class=\"hebb-plot-data\">"
    static let closeTag = "</metadata>"
    /// Values per line: short enough for a readable diff.
    static let valuesPerLine = 10
    /// Longer arrays are summarised in `buckets` stretches, so a 50,000-point curve adds
    /// kilobytes to its file, not a megabyte.
    static let fullLength = 1000
    static let buckets = 200

    /// `name[0]: v v v …` lines of at most `valuesPerLine` values (none for no values); for
    /// more than `fullLength` values, one `name[a..<b]: min X mean Y max Z` line per bucket.
    private static func chunks(_ name: String, _ values: [Double], integers: Bool = false) -> [String] {
        let format: (Double) -> String
        if integers { format = PlotData.integer } else { format = PlotData.number }
        guard values.count > fullLength else {
            return stride(from: 0, to: values.count, by: valuesPerLine).map { start in
                let end = Swift.min(start + valuesPerLine, values.count)
                return "\(name)[\(start)]: " + values[start..<end].map(format).joined(separator: " ")
            }
        }
        let size = (values.count + buckets - 1) / buckets
        return stride(from: 0, to: values.count, by: size).map { start in
            let end = Swift.min(start + size, values.count)
            return "\(name)[\(start)..<\(end)]: " + summary(values[start..<end])
        }
    }

    /// `min X mean Y max Z` of a stretch of values (NaN when one of them is).
    private static func summary(_ values: ArraySlice<Double>) -> String {
        var low = Double.infinity, high = -Double.infinity, sum = 0.0
        for value in values {
            if value.isNaN { low = .nan; high = .nan } else if !low.isNaN { low = Swift.min(low, value); high = Swift.max(high, value) }
            sum += value
        }
        return "min \(number(low)) mean \(number(sum / Double(values.count))) max \(number(high))"
    }

    /// A whole number (class labels, bin counts) without a decimal point.
    private static func integer(_ value: Double) -> String { String(format: "%.0f", value) }

    /// The shortest text that reads back as the same Double (`0.1`, `1e-05`, `nan`, `-inf`).
    private static func number(_ value: Double) -> String { "\(value)" }

    private static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
