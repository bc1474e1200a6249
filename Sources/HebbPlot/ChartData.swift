// The cleaned-up data both renderers draw: finite points, bounds, bins, tiled images.
// Everything a builtin might hand over (mismatched lengths, NaN, empty arrays) is settled
// here once, so the SVG and text renderers never see a bad value.

/// A point in data coordinates.
struct Point: Equatable {
    var x: Double
    var y: Double
}

/// The data range of a chart, widened to nice tick values.
struct Bounds {
    var x: NiceScale
    var y: NiceScale

    /// The bounds of `points`, or 0...1 when there are none; `extraXs` widen the x range
    /// (the places of values that are drawn as markers, not points). A `tightX` axis ends
    /// at the data (a line chart's epochs); whole-number data gets whole-number ticks.
    init(points: [Point], includeZeroY: Bool = false, extraXs: [Double] = [], tightX: Bool = false) {
        let xs = points.map(\.x) + extraXs, ys = points.map(\.y)
        let yMin = includeZeroY ? Swift.min(0, ys.min() ?? 0) : (ys.min() ?? 0)
        let yMax = ys.max() ?? 1
        x = NiceScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, tight: tightX && !xs.isEmpty,
                      integer: !xs.isEmpty && Bounds.areWhole(xs))
        y = NiceScale(minimum: yMin, maximum: includeZeroY ? Swift.max(yMax, 0) : yMax,
                      integer: !ys.isEmpty && Bounds.areWhole(ys))
    }

    /// Whether every value is a whole number (epochs, counts, class labels).
    static func areWhole(_ values: [Double]) -> Bool {
        values.allSatisfy { $0.isFinite && $0 == $0.rounded() && abs($0) < 1e15 }
    }
}

/// A y value a chart cannot place on its scale.
enum NonFinite: CaseIterable, Equatable {
    case nan, positiveInfinity, negativeInfinity

    init?(_ value: Double) {
        if value.isNaN { self = .nan } else if value == .infinity { self = .positiveInfinity }
        else if value == -.infinity { self = .negativeInfinity } else { return nil }
    }

    /// How the value prints ("nan", "inf", "-inf").
    var name: String {
        switch self {
        case .nan: return "nan"
        case .positiveInfinity: return "inf"
        case .negativeInfinity: return "-inf"
        }
    }

    /// The marker drawn for it and where: × on the x axis for NaN, ▲ / ▼ on the top /
    /// bottom edge for ±infinity (matplotlib leaves a gap; the marker makes it visible).
    var marker: String {
        switch self {
        case .nan: return "×"
        case .positiveInfinity: return "▲"
        case .negativeInfinity: return "▼"
        }
    }

    var placeDescription: String {
        switch self {
        case .nan: return "on the x axis"
        case .positiveInfinity: return "at the top"
        case .negativeInfinity: return "at the bottom"
        }
    }
}

/// One line-chart series as runs of finite points: a NaN or infinity breaks the line, and
/// is kept as a marker at its x so a diverging tail stays visible.
struct LineRuns {
    var label: String?
    var runs: [[Point]]
    /// Points with a finite x and a non-finite y, drawn as markers on the frame.
    var markers: [(x: Double, kind: NonFinite)]
    /// Every point left out of the line, by the kind of its first non-finite coordinate.
    var skipped: [NonFinite]
    /// The finite x of every point, drawn or not: the x range covers the whole series.
    var xs: [Double]

    init(_ series: PlotSpec.Series) {
        label = series.label
        let ys = series.ys
        let allXs = series.xs.isEmpty ? ys.indices.map(Double.init) : series.xs
        var runs: [[Point]] = [], current: [Point] = []
        var markers: [(x: Double, kind: NonFinite)] = [], skipped: [NonFinite] = []
        for index in 0..<Swift.min(allXs.count, ys.count) {
            let x = allXs[index], y = ys[index]
            if x.isFinite && y.isFinite {
                current.append(Point(x: x, y: y))
                continue
            }
            if let kind = NonFinite(x) ?? NonFinite(y) { skipped.append(kind) }
            if x.isFinite, let kind = NonFinite(y) { markers.append((x, kind)) }
            if !current.isEmpty { runs.append(current); current = [] }
        }
        if !current.isEmpty { runs.append(current) }
        self.runs = runs
        self.markers = markers
        self.skipped = skipped
        self.xs = allXs.prefix(ys.count).filter(\.isFinite)
    }

    var points: [Point] { runs.flatMap { $0 } }

    /// The caption line for values the chart could not draw, or nil when there are none:
    /// "3 non-finite values (nan) not drawn: × on the x axis".
    static func nonFiniteCaption(_ series: [LineRuns]) -> String? {
        NonFinite.caption(series.flatMap(\.skipped), marked: Set(series.flatMap { $0.markers.map(\.kind) }))
    }
}

extension NonFinite {
    /// "3 non-finite values (nan) not drawn", with the markers of the `marked` kinds
    /// explained; nil when nothing was skipped.
    static func caption(_ skipped: [NonFinite], marked: Set<NonFinite> = [], noun: String = "value") -> String? {
        guard !skipped.isEmpty else { return nil }
        let kinds = NonFinite.allCases.filter(skipped.contains)
        let counts = kinds.map { kind in (kind, skipped.filter { $0 == kind }.count) }
        let breakdown = counts.count == 1 ? counts[0].0.name : counts.map { "\($0.1) \($0.0.name)" }.joined(separator: ", ")
        let legend = kinds.filter(marked.contains).map { "\($0.marker) \($0.name) \($0.placeDescription)" }
        return "\(skipped.count) non-finite \(noun)\(skipped.count == 1 ? "" : "s") (\(breakdown)) not drawn"
            + (legend.isEmpty ? "" : ": " + legend.joined(separator: ", "))
    }
}

/// Scatter points grouped by class label, classes in ascending order.
struct ScatterClasses {
    var classes: [(label: Int, points: [Point])]
    /// Points left out because a coordinate is NaN or infinite.
    var skipped: [NonFinite] = []

    init(xs: [Double], ys: [Double], labels: [Int]) {
        var groups: [Int: [Point]] = [:]
        for index in 0..<Swift.min(xs.count, ys.count) {
            guard xs[index].isFinite && ys[index].isFinite else {
                if let kind = NonFinite(xs[index]) ?? NonFinite(ys[index]) { skipped.append(kind) }
                continue
            }
            let label = index < labels.count ? labels[index] : 0
            groups[label, default: []].append(Point(x: xs[index], y: ys[index]))
        }
        classes = groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }

    var caption: String? { NonFinite.caption(skipped, noun: "point") }

    var points: [Point] { classes.flatMap(\.points) }
}

/// Histogram counts over equal-width bins spanning the finite values.
struct Histogram {
    var lower: Double
    var upper: Double
    var counts: [Int]
    /// Values left out of every bin because they are NaN or infinite.
    var skipped: [NonFinite]

    init(values: [Double], bins: Int) {
        let finite = values.filter(\.isFinite)
        skipped = values.compactMap(NonFinite.init)
        let binCount = Swift.min(Swift.max(bins, 1), 1000)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high <= low { (low, high) = (low - 0.5, high + 0.5) }
        if !(high - low).isFinite { (low, high) = (Swift.max(low, -1e300), Swift.min(high, 1e300)) }
        var counts = [Int](repeating: 0, count: binCount)
        let width = (high - low) / Double(binCount)
        for value in finite {
            let position = (value - low) / width
            let index = position.isFinite
                ? Int(Swift.min(Swift.max(position, 0), Double(binCount - 1)).rounded(.down))
                : binCount - 1
            counts[index] += 1
        }
        (lower, upper, self.counts) = (low, high, counts)
    }

    var binWidth: Double { (upper - lower) / Double(counts.count) }

    var caption: String? { NonFinite.caption(skipped) }
}

/// Images normalised to 0...1 (each by its own min and max, like `imshow`), with a grid
/// layout for tiling several of them.
struct ImageGrid {
    var images: [[Double]]
    var rows: Int
    var columns: Int
    var gridRows: Int
    var gridColumns: Int

    /// Missing pixels and non-finite values become 0; at most 10,000 images are kept.
    init(pixels: [[Double]], rows: Int, columns: Int) {
        self.rows = Swift.max(0, Swift.min(rows, 4096))
        self.columns = Swift.max(0, Swift.min(columns, 4096))
        let size = self.rows * self.columns
        images = pixels.prefix(10_000).map { ImageGrid.normalise($0, size: size) }
        gridColumns = Swift.max(1, Int(Double(images.count).squareRoot().rounded(.up)))
        gridRows = Swift.max(1, (images.count + gridColumns - 1) / gridColumns)
    }

    private static func normalise(_ image: [Double], size: Int) -> [Double] {
        var values = (0..<size).map { $0 < image.count && image[$0].isFinite ? image[$0] : 0 }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let range = high / 2 - low / 2   // halves: high - low may overflow to infinity
        for index in values.indices { values[index] = range > 0 ? (values[index] / 2 - low / 2) / range : 0 }
        return values
    }

    /// Grey level 0...1 of pixel (`row`, `column`) of image `index`.
    func value(_ index: Int, row: Int, column: Int) -> Double {
        images[index][row * columns + column]
    }
}
