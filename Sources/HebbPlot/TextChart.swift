// Compact terminal charts: braille dots for lines and scatters, block characters for
// histograms and images, with the axis minimum and maximum printed beside them.

/// Renders figures as a few lines of Unicode text for the REPL and the script runner.
public enum TextChart {
    /// The figure as text lines joined by "\n" (no trailing newline). `width` and `height`
    /// are the plot area in characters; `colour` adds ANSI colours per series or class.
    public static func render(_ spec: PlotSpec, width: Int = 60, height: Int = 12, colour: Bool = false) -> String {
        let width = Swift.min(Swift.max(width, 8), 400), height = Swift.min(Swift.max(height, 2), 200)
        var lines: [String] = spec.title.map { [$0] } ?? []
        switch spec.kind {
        case .line(let series):
            lines += lineChart(series.map(LineRuns.init), width: width, height: height, colour: colour)
        case .scatter(let xs, let ys, let labels):
            let classes = ScatterClasses(xs: xs, ys: ys, labels: labels)
            lines += scatter(classes, width: width, height: height, colour: colour)
            lines += warning(classes.caption, colour: colour)
        case .histogram(let values, let bins):
            let histogram = Histogram(values: values, bins: bins)
            lines += self.histogram(histogram, width: width, height: height)
            lines += warning(histogram.caption, colour: colour)
        case .image(let pixels, let rows, let columns):
            lines += images(ImageGrid(pixels: pixels, rows: rows, columns: columns), width: width + 12, height: height)
        }
        if let xLabel = spec.xLabel { lines.append("x: " + xLabel) }
        if let yLabel = spec.yLabel { lines.append("y: " + yLabel) }
        return lines.joined(separator: "\n")
    }

    static func ansiColour(_ index: Int) -> String {
        let codes = [34, 33, 32, 31, 35, 36, 91, 92, 93, 94]
        return "\u{1B}[\(codes[((index % codes.count) + codes.count) % codes.count])m"
    }

    // MARK: - Charts

    static func lineChart(_ series: [LineRuns], width: Int, height: Int, colour: Bool) -> [String] {
        let points = series.flatMap(\.points)
        let caption = LineRuns.nonFiniteCaption(series)
        guard !points.isEmpty || caption != nil else { return ["(no data)"] }
        let frame = TextFrame(points: points, width: width, height: height, extraXs: series.flatMap(\.xs))
        var canvas = BrailleCanvas(columns: width, rows: height)
        for (index, line) in series.enumerated() {
            for run in line.runs {
                var previous: (x: Int, y: Int)?
                for point in run {
                    let dot = frame.dot(point, canvas: canvas)
                    if let start = previous { canvas.line(from: start, to: dot, colour: index) } else { canvas.set(x: dot.x, y: dot.y, colour: index) }
                    previous = dot
                }
            }
        }
        for marker in series.flatMap(\.markers) {
            let column = frame.dot(Point(x: marker.x, y: frame.yRange.0), canvas: canvas).x / 2
            canvas.mark(column: column, row: marker.kind == .positiveInfinity ? 0 : height - 1, Character(marker.kind.marker))
        }
        var lines = frame.decorate(canvas.lines(ansi: colour))
        if series.count > 1 || series.contains(where: { $0.label != nil }) {
            lines.append(legend(series.enumerated().map { ($0.element.label ?? "series \($0.offset + 1)", $0.offset) }, colour: colour))
        }
        return lines + warning(caption, colour: colour)
    }

    /// A caption about values that were not drawn, red with `colour`.
    static func warning(_ caption: String?, colour: Bool) -> [String] {
        guard let caption else { return [] }
        return [colour ? "\u{1B}[31m" + caption + "\u{1B}[0m" : caption]
    }

    static func scatter(_ classes: ScatterClasses, width: Int, height: Int, colour: Bool) -> [String] {
        let points = classes.points
        guard !points.isEmpty else { return ["(no data)"] }
        let frame = TextFrame(points: points, width: width, height: height)
        var canvas = BrailleCanvas(columns: width, rows: height)
        for (index, group) in classes.classes.enumerated() {
            for point in group.points {
                let dot = frame.dot(point, canvas: canvas)
                canvas.set(x: dot.x, y: dot.y, colour: index)
            }
        }
        var lines = frame.decorate(canvas.lines(ansi: colour))
        if colour && classes.classes.count > 1 {
            lines.append(legend(classes.classes.enumerated().map { ("class \($0.element.label)", $0.offset) }, colour: true))
        }
        return lines
    }

    /// One column of eighth-blocks per bin (bins are merged when there are more than `width`).
    static func histogram(_ histogram: Histogram, width: Int, height: Int) -> [String] {
        let columns = Swift.min(width, histogram.counts.count)
        let perColumn = (histogram.counts.count + columns - 1) / columns
        let heights = stride(from: 0, to: histogram.counts.count, by: perColumn).map {
            histogram.counts[$0..<Swift.min($0 + perColumn, histogram.counts.count)].reduce(0, +)
        }
        let repeatWidth = Swift.max(1, width / Swift.max(heights.count, 1))
        let top = Swift.max(heights.max() ?? 0, 1)
        let blocks = Array(" ▁▂▃▄▅▆▇█")
        var rows: [String] = []
        for row in 0..<height {
            let floor = Double(height - 1 - row) * 8
            rows.append(heights.map { count -> String in
                let eighths = Double(count) / Double(top) * Double(height * 8)
                let level = Swift.min(8, Swift.max(0, Int((eighths - floor).rounded(.down))))
                return String(repeating: String(blocks[level]), count: repeatWidth)
            }.joined())
        }
        let frame = TextFrame(xRange: (histogram.lower, histogram.upper), yRange: (0, Double(top)),
                              width: heights.count * repeatWidth)
        return frame.decorate(rows)
    }

    /// Images side by side in shades ░▒▓█, two characters per pixel, shrunk to `height` rows.
    static func images(_ grid: ImageGrid, width: Int, height: Int) -> [String] {
        guard !grid.images.isEmpty, grid.rows > 0, grid.columns > 0 else { return ["(no image)"] }
        let shrink = Swift.max(1, (grid.rows + height - 1) / height)
        let tileRows = (grid.rows + shrink - 1) / shrink, tileColumns = (grid.columns + shrink - 1) / shrink
        let perLine = Swift.max(1, (width + 1) / (tileColumns * 2 + 1))
        var lines: [String] = []
        for first in stride(from: 0, to: grid.images.count, by: perLine) {
            let indices = first..<Swift.min(first + perLine, grid.images.count)
            for row in 0..<tileRows {
                lines.append(indices.map { shadedRow(grid, image: $0, row: row, shrink: shrink, columns: tileColumns) }
                    .joined(separator: " "))
            }
            if indices.upperBound < grid.images.count { lines.append("") }
        }
        return lines
    }

    private static func shadedRow(_ grid: ImageGrid, image: Int, row: Int, shrink: Int, columns: Int) -> String {
        let shades = Array(" ░▒▓█")
        return (0..<columns).map { column -> String in
            var total = 0.0, count = 0
            for r in (row * shrink)..<Swift.min((row + 1) * shrink, grid.rows) {
                for c in (column * shrink)..<Swift.min((column + 1) * shrink, grid.columns) {
                    total += grid.value(image, row: r, column: c); count += 1
                }
            }
            let level = Int((total / Double(Swift.max(count, 1)) * 4).rounded())
            return String(repeating: String(shades[Swift.min(Swift.max(level, 0), 4)]), count: 2)
        }.joined()
    }

    private static func legend(_ entries: [(String, Int)], colour: Bool) -> String {
        entries.map { colour ? ansiColour($0.1) + "⣿\u{1B}[0m " + $0.0 : "⣿ " + $0.0 }.joined(separator: "  ")
    }
}

/// The axis decoration of a text chart: max/min on the left, min/max of x underneath.
struct TextFrame {
    let xRange: (Double, Double)
    let yRange: (Double, Double)
    let width: Int

    init(xRange: (Double, Double), yRange: (Double, Double), width: Int) {
        self.xRange = xRange; self.yRange = yRange; self.width = width
    }

    /// The data ranges of `points` (an empty range is widened so points land mid-chart).
    /// `extraXs` widen the x range (places of values drawn as markers, not points).
    init(points: [Point], width: Int, height: Int, extraXs: [Double] = []) {
        func range(_ values: [Double]) -> (Double, Double) {
            let low = values.min() ?? 0, high = values.max() ?? 1
            return high > low ? (low, high) : (low - 1, high + 1)
        }
        self.init(xRange: range(points.map(\.x) + extraXs), yRange: range(points.map(\.y)), width: width)
    }

    /// The canvas dot for a data point.
    func dot(_ point: Point, canvas: BrailleCanvas) -> (x: Int, y: Int) {
        func scale(_ value: Double, _ range: (Double, Double), _ size: Int) -> Int {
            let fraction = (value - range.0) / (range.1 - range.0)
            let clamped = fraction.isFinite ? Swift.min(Swift.max(fraction, 0), 1) : 0
            return Int((clamped * Double(size - 1)).rounded())
        }
        return (scale(point.x, xRange, canvas.dotWidth), canvas.dotHeight - 1 - scale(point.y, yRange, canvas.dotHeight))
    }

    /// Adds the y labels (max on the first row, min on the last), the axis lines and the
    /// x labels (min left, max right) around the chart rows.
    func decorate(_ rows: [String]) -> [String] {
        let top = NumberFormat.compact(yRange.1), bottom = NumberFormat.compact(yRange.0)
        let labelWidth = Swift.max(top.count, bottom.count)
        func pad(_ text: String) -> String { String(repeating: " ", count: labelWidth - text.count) + text }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let label = index == 0 ? pad(top) + " ┤" : index == rows.count - 1 ? pad(bottom) + " ┤" : pad("") + " │"
            lines.append(label + row)
        }
        lines.append(pad("") + " └" + String(repeating: "─", count: width))
        let left = NumberFormat.compact(xRange.0), right = NumberFormat.compact(xRange.1)
        let gap = Swift.max(1, width - left.count - right.count + 1)
        lines.append(pad("") + "  " + left + String(repeating: " ", count: gap) + right)
        return lines
    }
}
