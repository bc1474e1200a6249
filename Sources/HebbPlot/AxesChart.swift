// The frame shared by line, scatter and histogram charts: plot area, grid, ticks, labels,
// legend, and the mapping from data to SVG coordinates.

/// An SVG document with x/y axes already drawn; charts add marks in data coordinates.
struct AxesChart {
    var document: SVGDocument
    let bounds: Bounds
    let left: Double, right: Double, top: Double, bottom: Double

    /// Space under the x labels for a caption line.
    let captionHeight: Double

    /// `caption` is a red line under the chart (values that could not be drawn).
    init(spec: PlotSpec, bounds: Bounds, caption: String? = nil) {
        self.bounds = bounds
        document = SVGDocument(width: SVGRenderer.width, height: SVGRenderer.height)
        let tickLabelWidth = bounds.y.ticks.map { Double(bounds.y.label($0).count) * 6.5 }.max() ?? 20
        captionHeight = caption == nil ? 0 : 16
        left = 16 + tickLabelWidth + (spec.yLabel == nil ? 0 : 18)
        right = SVGRenderer.width - 20
        top = spec.title == nil ? 16 : 36
        bottom = SVGRenderer.height - (spec.xLabel == nil ? 30 : 48) - captionHeight
        document.rect(x: 0, y: 0, width: document.width, height: document.height, fill: "white")
        drawGridAndTicks()
        drawLabels(spec)
        if let caption {
            document.text(caption, x: left, y: SVGRenderer.height - 8, extra: [("fill", AxesChart.warningColor)])
        }
    }

    static let warningColor = "#d62728"

    func px(_ x: Double) -> Double { left + bounds.x.fraction(x) * (right - left) }
    func py(_ y: Double) -> Double { bottom - bounds.y.fraction(y) * (bottom - top) }

    // MARK: - Frame

    private mutating func drawGridAndTicks() {
        document.beginGroup([("class", "grid")])
        for tick in bounds.x.ticks { document.line(x1: px(tick), y1: top, x2: px(tick), y2: bottom, stroke: "#e8e8e8") }
        for tick in bounds.y.ticks { document.line(x1: left, y1: py(tick), x2: right, y2: py(tick), stroke: "#e8e8e8") }
        document.endGroup()
        document.element("rect", [("x", NumberFormat.coordinate(left)), ("y", NumberFormat.coordinate(top)),
                                  ("width", NumberFormat.coordinate(right - left)),
                                  ("height", NumberFormat.coordinate(bottom - top)),
                                  ("fill", "none"), ("stroke", "#444")])
        document.beginGroup([("class", "ticks"), ("fill", "#333")])
        for tick in bounds.x.ticks {
            document.line(x1: px(tick), y1: bottom, x2: px(tick), y2: bottom + 4, stroke: "#444")
            document.text(bounds.x.label(tick), x: px(tick), y: bottom + 16, anchor: "middle")
        }
        for tick in bounds.y.ticks {
            document.line(x1: left - 4, y1: py(tick), x2: left, y2: py(tick), stroke: "#444")
            document.text(bounds.y.label(tick), x: left - 7, y: py(tick) + 4, anchor: "end")
        }
        document.endGroup()
    }

    private mutating func drawLabels(_ spec: PlotSpec) {
        if let title = spec.title {
            document.text(title, x: (left + right) / 2, y: 22, anchor: "middle", extra: [("font-size", "14")])
        }
        if let xLabel = spec.xLabel {
            document.text(xLabel, x: (left + right) / 2, y: SVGRenderer.height - 10 - captionHeight, anchor: "middle")
        }
        if let yLabel = spec.yLabel {
            let centre = (top + bottom) / 2
            document.text(yLabel, x: 14, y: centre, anchor: "middle",
                          extra: [("transform", "rotate(-90 14 \(NumberFormat.coordinate(centre)))")])
        }
    }

    // MARK: - Marks

    /// A line through `points`; long series are thinned to the extremes per pixel column.
    mutating func polyline(_ points: [Point], color: String) {
        let pixels = AxesChart.thin(points.map { Point(x: px($0.x), y: py($0.y)) })
        if pixels.count == 1, let only = pixels.first {
            document.element("circle", [("cx", NumberFormat.coordinate(only.x)), ("cy", NumberFormat.coordinate(only.y)),
                                        ("r", "2"), ("fill", color)])
            return
        }
        let list = pixels.map { NumberFormat.coordinate($0.x) + "," + NumberFormat.coordinate($0.y) }
        document.element("polyline", [("points", list.joined(separator: " ")), ("fill", "none"),
                                      ("stroke", color), ("stroke-width", "1.5"),
                                      ("stroke-linejoin", "round")])
    }

    /// Red markers for values a line could not draw, at their x: × on the x axis for NaN,
    /// ▲ on the top edge for +inf, ▼ on the bottom edge for -inf (one per pixel column).
    mutating func nonFiniteMarkers(_ markers: [(x: Double, kind: NonFinite)]) {
        guard !markers.isEmpty else { return }
        var drawn = Set<String>()
        document.beginGroup([("class", "non-finite"), ("fill", AxesChart.warningColor), ("stroke", AxesChart.warningColor)])
        for marker in markers {
            let x = px(marker.x)
            guard drawn.insert("\(Int(x.rounded())) \(marker.kind.name)").inserted else { continue }
            switch marker.kind {
            case .nan:
                document.line(x1: x - 4, y1: bottom - 4, x2: x + 4, y2: bottom + 4, stroke: AxesChart.warningColor, width: 2)
                document.line(x1: x - 4, y1: bottom + 4, x2: x + 4, y2: bottom - 4, stroke: AxesChart.warningColor, width: 2)
            case .positiveInfinity: triangle(x, tip: top, base: top + 8)
            case .negativeInfinity: triangle(x, tip: bottom, base: bottom - 8)
            }
        }
        document.endGroup()
    }

    private mutating func triangle(_ x: Double, tip: Double, base: Double) {
        let corners = [(x - 5, base), (x + 5, base), (x, tip)]
        document.element("polygon", [("points", corners.map { NumberFormat.coordinate($0.0) + "," + NumberFormat.coordinate($0.1) }
                                        .joined(separator: " "))])
    }

    /// Small filled circles, one per point.
    mutating func dots(_ points: [Point], color: String) {
        document.beginGroup([("fill", color), ("fill-opacity", "0.8")])
        for point in points {
            document.element("circle", [("cx", NumberFormat.coordinate(px(point.x))),
                                        ("cy", NumberFormat.coordinate(py(point.y))), ("r", "3")])
        }
        document.endGroup()
    }

    /// A histogram bar from `from` to `to` on x, from 0 to `height` on y.
    mutating func bar(from: Double, to: Double, height: Double, color: String) {
        let x = px(from), y = py(height)
        document.rect(x: x, y: y, width: Swift.max(px(to) - x, 0.5), height: Swift.max(py(0) - y, 0),
                      fill: color, extra: [("stroke", "white"), ("stroke-width", "0.5")])
    }

    /// A legend box in the top-right corner; `round` entries get a dot, others a line.
    mutating func legend(_ entries: [(label: String, color: String, round: Bool)]) {
        let longest = entries.map { Double($0.label.count) }.max() ?? 0
        let boxWidth = Swift.min(longest * 6.5 + 36, (right - left) / 2)
        let x = right - boxWidth - 8, y = top + 8
        document.rect(x: x, y: y, width: boxWidth, height: Double(entries.count) * 16 + 8, fill: "white",
                      extra: [("fill-opacity", "0.85"), ("stroke", "#ccc")])
        for (index, entry) in entries.enumerated() {
            let rowY = y + 12 + Double(index) * 16
            if entry.round {
                document.element("circle", [("cx", NumberFormat.coordinate(x + 14)), ("cy", NumberFormat.coordinate(rowY)),
                                            ("r", "3.5"), ("fill", entry.color)])
            } else {
                document.line(x1: x + 6, y1: rowY, x2: x + 22, y2: rowY, stroke: entry.color, width: 2)
            }
            document.text(entry.label, x: x + 28, y: rowY + 4)
        }
    }

    /// A grey message in the middle of the plot area ("no data").
    mutating func note(_ message: String) {
        document.text(message, x: (left + right) / 2, y: (top + bottom) / 2, anchor: "middle",
                      extra: [("fill", "#888")])
    }

    /// Keeps, for each run of consecutive points in one pixel column, the first, the lowest,
    /// the highest and the last: the drawn line looks the same with far fewer points.
    static func thin(_ points: [Point]) -> [Point] {
        guard points.count > 2000 else { return points }
        var result: [Point] = [], bucket: [Point] = []
        func flush() {
            guard let first = bucket.first, let last = bucket.last else { return }
            let low = bucket.min { $0.y < $1.y } ?? first, high = bucket.max { $0.y < $1.y } ?? first
            for point in [first, low, high, last] where result.last != point { result.append(point) }
            bucket.removeAll(keepingCapacity: true)
        }
        for point in points {
            if let first = bucket.first, first.x.rounded(.down) != point.x.rounded(.down) { flush() }
            bucket.append(point)
        }
        flush()
        return result
    }
}
