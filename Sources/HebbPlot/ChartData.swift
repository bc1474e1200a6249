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

    /// The bounds of `points`, or 0...1 when there are none.
    init(points: [Point], includeZeroY: Bool = false) {
        let xs = points.map(\.x), ys = points.map(\.y)
        let yMin = includeZeroY ? Swift.min(0, ys.min() ?? 0) : (ys.min() ?? 0)
        let yMax = ys.max() ?? 1
        x = NiceScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1)
        y = NiceScale(minimum: yMin, maximum: includeZeroY ? Swift.max(yMax, 0) : yMax)
    }
}

/// One line-chart series as runs of finite points: a NaN or infinity breaks the line.
struct LineRuns {
    var label: String?
    var runs: [[Point]]

    init(_ series: PlotSpec.Series) {
        label = series.label
        let ys = series.ys
        let xs = series.xs.isEmpty ? ys.indices.map(Double.init) : series.xs
        var runs: [[Point]] = [], current: [Point] = []
        for index in 0..<Swift.min(xs.count, ys.count) {
            if xs[index].isFinite && ys[index].isFinite {
                current.append(Point(x: xs[index], y: ys[index]))
            } else if !current.isEmpty {
                runs.append(current); current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        self.runs = runs
    }

    var points: [Point] { runs.flatMap { $0 } }
}

/// Scatter points grouped by class label, classes in ascending order.
struct ScatterClasses {
    var classes: [(label: Int, points: [Point])]

    init(xs: [Double], ys: [Double], labels: [Int]) {
        var groups: [Int: [Point]] = [:]
        for index in 0..<Swift.min(xs.count, ys.count) where xs[index].isFinite && ys[index].isFinite {
            let label = index < labels.count ? labels[index] : 0
            groups[label, default: []].append(Point(x: xs[index], y: ys[index]))
        }
        classes = groups.keys.sorted().map { ($0, groups[$0] ?? []) }
    }

    var points: [Point] { classes.flatMap(\.points) }
}

/// Histogram counts over equal-width bins spanning the finite values.
struct Histogram {
    var lower: Double
    var upper: Double
    var counts: [Int]

    init(values: [Double], bins: Int) {
        let finite = values.filter(\.isFinite)
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
