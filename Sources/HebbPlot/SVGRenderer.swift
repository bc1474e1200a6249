// Draws a PlotSpec as a standalone SVG document: axes with nice ticks, grid, legend, labels.

/// Renders figures as SVG text. Output is deterministic (same spec, same bytes), so saved
/// plot files diff cleanly.
public enum SVGRenderer {
    /// The figure as a complete SVG document (UTF-8 text, newline-terminated).
    /// The plotted values are kept in a `<metadata>` element (see `PlotData`), so that a
    /// saved figure can be compared with a fresh one by its data.
    public static func render(_ spec: PlotSpec) -> String {
        let drawing = switch spec.kind {
        case .line(let series): lineChart(spec, series: series.map(LineRuns.init))
        case .scatter(let xs, let ys, let labels):
            scatterChart(spec, classes: ScatterClasses(xs: xs, ys: ys, labels: labels))
        case .image(let pixels, let rows, let columns):
            imageGrid(spec, grid: ImageGrid(pixels: pixels, rows: rows, columns: columns))
        case .histogram(let values, let bins):
            histogram(spec, histogram: Histogram(values: values, bins: bins))
        }
        return SVGDocument.inserting(PlotData.element(spec), beforeEndOf: drawing)
    }

    static let width = 640.0
    static let height = 400.0

    // MARK: - Charts

    static func lineChart(_ spec: PlotSpec, series: [LineRuns]) -> String {
        let bounds = Bounds(points: series.flatMap(\.points), extraXs: series.flatMap(\.xs), tightX: true)
        var chart = AxesChart(spec: spec, bounds: bounds, caption: LineRuns.nonFiniteCaption(series))
        for (index, line) in series.enumerated() {
            for run in line.runs { chart.polyline(run, color: Palette.color(index)) }
        }
        chart.nonFiniteMarkers(series.flatMap(\.markers))
        let labelled = series.contains { $0.label != nil } || series.count > 1
        if labelled {
            chart.legend(series.enumerated().map { ($0.element.label ?? "series \($0.offset + 1)", Palette.color($0.offset), false) })
        }
        if series.allSatisfy({ $0.runs.isEmpty }) { chart.note(series.allSatisfy { $0.skipped.isEmpty } ? "no data" : "no finite data") }
        return chart.document.rendered()
    }

    static func scatterChart(_ spec: PlotSpec, classes: ScatterClasses) -> String {
        var chart = AxesChart(spec: spec, bounds: Bounds(points: classes.points), caption: classes.caption)
        for (index, group) in classes.classes.enumerated() {
            chart.dots(group.points, color: Palette.color(index))
        }
        if classes.classes.count > 1 && classes.classes.count <= 20 {
            chart.legend(classes.classes.enumerated().map { ("class \($0.element.label)", Palette.color($0.offset), true) })
        }
        if classes.classes.isEmpty { chart.note("no data") }
        return chart.document.rendered()
    }

    static func histogram(_ spec: PlotSpec, histogram: Histogram) -> String {
        let top = Double(histogram.counts.max() ?? 0)
        let bounds = Bounds(points: [Point(x: histogram.lower, y: 0), Point(x: histogram.upper, y: Swift.max(top, 1))],
                            includeZeroY: true)
        var chart = AxesChart(spec: spec, bounds: bounds, caption: histogram.caption)
        for (index, count) in histogram.counts.enumerated() where count > 0 {
            let left = histogram.lower + Double(index) * histogram.binWidth
            chart.bar(from: left, to: left + histogram.binWidth, height: Double(count), color: Palette.color(0))
        }
        return chart.document.rendered()
    }

    /// Tiles grey-scale images in a near-square grid; each pixel is a square.
    static func imageGrid(_ spec: PlotSpec, grid: ImageGrid) -> String {
        let gap = 4.0, margin = 8.0
        let titleHeight = spec.title == nil ? 0.0 : 24.0
        let across = Double(grid.gridColumns * Swift.max(grid.columns, 1))
        let down = Double(grid.gridRows * Swift.max(grid.rows, 1))
        let pixel = Swift.max(1, Swift.min(16, (560 / Swift.max(across, down)).rounded(.down)))
        let tileWidth = Double(grid.columns) * pixel, tileHeight = Double(grid.rows) * pixel
        let width = Double(grid.gridColumns) * (tileWidth + gap) - gap + 2 * margin
        let height = Double(grid.gridRows) * (tileHeight + gap) - gap + 2 * margin + titleHeight
        var document = SVGDocument(width: Swift.max(width, 40), height: Swift.max(height, 40))
        document.rect(x: 0, y: 0, width: document.width, height: document.height, fill: "white")
        if let title = spec.title {
            document.text(title, x: document.width / 2, y: 17, anchor: "middle", extra: [("font-size", "14")])
        }
        document.beginGroup([("shape-rendering", "crispEdges")])
        for index in grid.images.indices {
            let originX = margin + Double(index % grid.gridColumns) * (tileWidth + gap)
            let originY = margin + titleHeight + Double(index / grid.gridColumns) * (tileHeight + gap)
            drawImage(&document, grid: grid, index: index, x: originX, y: originY, pixel: pixel)
        }
        document.endGroup()
        return document.rendered()
    }

    /// One image: a black background, then one rectangle per horizontal run of equal grey.
    private static func drawImage(_ document: inout SVGDocument, grid: ImageGrid, index: Int,
                                  x: Double, y: Double, pixel: Double) {
        document.rect(x: x, y: y, width: Double(grid.columns) * pixel, height: Double(grid.rows) * pixel,
                      fill: Palette.grey(0))
        for row in 0..<grid.rows {
            var column = 0
            while column < grid.columns {
                let colour = Palette.grey(grid.value(index, row: row, column: column))
                var end = column + 1
                while end < grid.columns && Palette.grey(grid.value(index, row: row, column: end)) == colour { end += 1 }
                if colour != Palette.grey(0) {
                    document.rect(x: x + Double(column) * pixel, y: y + Double(row) * pixel,
                                  width: Double(end - column) * pixel, height: pixel, fill: colour)
                }
                column = end
            }
        }
    }
}

extension PlotSpec {
    /// This figure as an SVG document (see `SVGRenderer`).
    public func svg() -> String { SVGRenderer.render(self) }
}
