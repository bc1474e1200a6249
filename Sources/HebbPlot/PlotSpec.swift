// What a plotting builtin produced, independent of how it is drawn (SVG file, text chart).

/// One figure. The language's `plot`, `scatter`, `imshow` and `hist` builtins each build one
/// and hand it to the session's output sink.
public struct PlotSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Line chart: one or more series of (x, y) points.
        case line([Series])
        /// Points coloured by integer class label.
        case scatter(xs: [Double], ys: [Double], labels: [Int])
        /// A grey-scale image, row-major, `rows` x `columns` (digits, learned filters);
        /// several images are tiled in a grid.
        case image(pixels: [[Double]], rows: Int, columns: Int)
        /// Histogram of values in `bins` equal bins.
        case histogram(values: [Double], bins: Int)
    }

    public struct Series: Sendable, Equatable {
        public var xs: [Double]
        public var ys: [Double]
        public var label: String?
        public init(xs: [Double], ys: [Double], label: String?) { self.xs = xs; self.ys = ys; self.label = label }
    }

    public var kind: Kind
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?

    public init(kind: Kind, title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.kind = kind; self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    }
}
