// HebbPlot: nice ticks, well-formed SVG for every chart kind, terminal text charts.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import HebbPlot

@Suite struct PlotTests {
    static let specs: [(String, PlotSpec)] = [
        ("line", PlotSpec(kind: .line([.init(xs: [], ys: (0..<100).map { 10 * exp(-Double($0) / 20) }, label: "train"),
                                       .init(xs: [], ys: (0..<100).map { 11 * exp(-Double($0) / 25) }, label: "valid & <test>")]),
                          title: "Cost \"J\"", xLabel: "epoch", yLabel: "cost")),
        ("line with gaps", PlotSpec(kind: .line([.init(xs: [1, 2, 3, 4, 5], ys: [1, .nan, 3, .infinity, 5], label: nil)]))),
        ("long line", PlotSpec(kind: .line([.init(xs: [], ys: (0..<50_000).map { sin(Double($0) / 500) }, label: nil)]))),
        ("empty line", PlotSpec(kind: .line([]))),
        ("constant", PlotSpec(kind: .line([.init(xs: [], ys: [2, 2, 2], label: nil)]))),
        ("single point", PlotSpec(kind: .line([.init(xs: [], ys: [7], label: nil)]))),
        ("huge values", PlotSpec(kind: .line([.init(xs: [-1e308, 1e308], ys: [-1e308, 1e308], label: nil)]))),
        ("scatter", PlotSpec(kind: .scatter(xs: [0, 1, 2, 3, 0.5], ys: [1, 0, 1, 0, 0.5], labels: [0, 1, 1, 2]), title: "spirals")),
        ("image grid", PlotSpec(kind: .image(pixels: (0..<10).map { digit in (0..<64).map { Double(($0 + digit) % 17) } }, rows: 8, columns: 8))),
        ("ragged image", PlotSpec(kind: .image(pixels: [[1, 2, .nan], []], rows: 2, columns: 2), title: "filters")),
        ("no images", PlotSpec(kind: .image(pixels: [], rows: 8, columns: 8))),
        ("extreme image", PlotSpec(kind: .image(pixels: [[-1e308, 1e308, .infinity, 0]], rows: 2, columns: 2))),
        ("bad image size", PlotSpec(kind: .image(pixels: [[1, 2]], rows: -3, columns: 1 << 40))),
        ("histogram", PlotSpec(kind: .histogram(values: (0..<1000).map { Double(($0 * 7919) % 1000) / 100 }, bins: 20))),
        ("bad histogram", PlotSpec(kind: .histogram(values: [.nan, 3, 3], bins: -4))),
    ]

    static func spec(_ name: String) -> PlotSpec {
        specs.first { $0.0 == name }?.1 ?? PlotSpec(kind: .line([]))
    }

    @Test(arguments: 0..<specs.count)
    func svgIsWellFormed(_ index: Int) throws {
        let (name, spec) = PlotTests.specs[index]
        let svg = SVGRenderer.render(spec)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), "\(name)")
        #expect(svg.hasSuffix("</svg>\n"), "\(name)")
        let attributes = svg.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(!attributes.contains { $0.contains("nan") || $0.contains("inf") }, "\(name): non-finite coordinates")
        #expect(PlotData.lines(inSVG: svg) == PlotData.lines(spec), "\(name): the data reads back")
        #expect(try xmlProblem(svg) == nil, "\(name)")
        #expect(SVGRenderer.render(spec) == svg, "\(name): deterministic")
    }

    @Test func lineChartsHaveAxesTicksLegendAndLabels() {
        let svg = SVGRenderer.render(PlotTests.spec("line"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        for text in [">train<", ">valid &amp; &lt;test&gt;<", ">Cost &quot;J&quot;<", ">epoch<", ">cost<", ">0<", ">99<"] {   // x from the first index to the last
            #expect(svg.contains(text), "missing \(text)")
        }
        let long = SVGRenderer.render(PlotTests.spec("long line"))
        #expect(long.utf8.count < 60_000, "long series are thinned")
    }

    /// A diverging cost (matplotlib: a gap, the x axis kept): the chart spans all six
    /// steps, the NaNs are marked × on the x axis, and a caption counts them.
    @Test func divergingSeriesKeepsItsRangeAndMarksNonFiniteValues() {
        let spec = PlotSpec(kind: .line([.init(xs: [], ys: [3, 2, 1, .nan, .nan, .nan], label: nil)]))
        let svg = SVGRenderer.render(spec)
        #expect(svg.contains(">5<"), "x ticks reach step 5")
        #expect(svg.contains(">3 non-finite values (nan) not drawn: × nan on the x axis<"))
        let group = svg.components(separatedBy: "<g class=\"non-finite\"").dropFirst().first?.components(separatedBy: "</g>").first ?? ""
        #expect(group.components(separatedBy: "<line").count - 1 == 6, "three × of two strokes")
        let lines = TextChart.render(spec, width: 20, height: 5).split(separator: "\n").map(String.init)
        #expect(lines[4].filter { $0 == "×" }.count == 3, "\(lines)")
        #expect(lines[6].hasPrefix("   0") && lines[6].hasSuffix("5"), "\(lines)")
        #expect(lines.last == "3 non-finite values (nan) not drawn: × nan on the x axis")
    }

    @Test func infinitiesAreMarkedAtTheirEdge() {
        let spec = PlotSpec(kind: .line([.init(xs: [], ys: [1, .infinity, -.infinity, 2], label: nil)]))
        let caption = "2 non-finite values (1 inf, 1 -inf) not drawn: ▲ inf at the top, ▼ -inf at the bottom"
        let svg = SVGRenderer.render(spec)
        #expect(svg.contains(">\(caption)<"))
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 2)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 0, "no two finite neighbours to join")
        let lines = TextChart.render(spec, width: 20, height: 5).split(separator: "\n").map(String.init)
        #expect(lines[0].contains("▲") && lines[4].contains("▼"), "\(lines)")
        #expect(lines.last == caption)
        let clean = TextChart.render(PlotSpec(kind: .line([.init(xs: [], ys: [1, 2], label: nil)])))
        #expect(!clean.contains("not drawn"))
    }

    @Test func histogramsAndScattersCountWhatTheyLeaveOut() {
        let histogram = PlotSpec(kind: .histogram(values: [1, .nan, 2, .infinity, .nan], bins: 4))
        let caption = "3 non-finite values (2 nan, 1 inf) not drawn"
        #expect(SVGRenderer.render(histogram).contains(">\(caption)<"))
        #expect(TextChart.render(histogram).split(separator: "\n").last.map(String.init) == caption)
        let scatter = PlotSpec(kind: .scatter(xs: [0, .nan, 1], ys: [1, 2, -.infinity], labels: [0, 1, 1]))
        #expect(SVGRenderer.render(scatter).contains(">2 non-finite points (1 nan, 1 -inf) not drawn<"))
        #expect(TextChart.render(PlotTests.spec("scatter")).contains("not drawn") == false)
    }

    @Test func scatterColoursEachClass() {
        let svg = SVGRenderer.render(PlotTests.spec("scatter"))
        for colour in Palette.colors.prefix(3) { #expect(svg.contains(colour)) }
        #expect(svg.contains(">class 2<"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5 + 3, "5 points and 3 legend dots")
    }

    @Test func plotDataListsThePlottedValues() {
        let line = PlotSpec(kind: .line([.init(xs: [], ys: [3, 0.1, .nan, -1e-05], label: "a<b & \"c\""),
                                         .init(xs: Array(1...12).map(Double.init), ys: Array(repeating: 2, count: 12), label: nil)]))
        #expect(PlotData.lines(line) == [
            "series 1 \"a<b & \"c\"\": 4 points", "y[0]: 3.0 0.1 nan -1e-05",
            "series 2: 12 points", "x[0]: 1.0 2.0 3.0 4.0 5.0 6.0 7.0 8.0 9.0 10.0", "x[10]: 11.0 12.0",
            "y[0]: 2.0 2.0 2.0 2.0 2.0 2.0 2.0 2.0 2.0 2.0", "y[10]: 2.0 2.0",
        ])
        #expect(PlotData.lines(inSVG: SVGRenderer.render(line)) == PlotData.lines(line))
        #expect(PlotData.lines(PlotSpec(kind: .scatter(xs: [0, 1], ys: [2, 3], labels: [1, 0])))
                == ["scatter: 2 points", "x[0]: 0.0 1.0", "y[0]: 2.0 3.0", "class[0]: 1 0"])
        #expect(PlotData.lines(PlotSpec(kind: .image(pixels: [[1, 2, 3, 4], [5]], rows: 2, columns: 2)))
                == ["image 1: 2x2", "row 0[0]: 1.0 2.0", "row 1[0]: 3.0 4.0", "image 2: 2x2", "row 0[0]: 5.0"])
        #expect(PlotData.lines(PlotSpec(kind: .histogram(values: [0, 1, 1, 4], bins: 2)))
                == ["histogram: 4 values, 2 bins from 0.0 to 4.0", "count[0]: 3 1"])
        #expect(PlotData.lines(inSVG: "<svg></svg>") == nil)
        let long = PlotData.lines(PlotSpec(kind: .line([.init(xs: [], ys: (0..<2000).map(Double.init), label: nil)])))
        #expect(long.count == 1 + 200, "long arrays are summarised in 200 buckets")
        #expect(long[1] == "y[0..<10]: min 0.0 mean 4.5 max 9.0")
        #expect(long.last == "y[1990..<2000]: min 1990.0 mean 1994.5 max 1999.0")
    }

    @Test func niceTicks() {
        let scale = NiceScale(minimum: 0.13, maximum: 9.7)
        #expect(scale.ticks == [0, 2, 4, 6, 8, 10])
        #expect(scale.ticks.map(scale.label) == ["0", "2", "4", "6", "8", "10"])
        let small = NiceScale(minimum: -0.031, maximum: 0.048)
        #expect(small.ticks.map(small.label) == ["-0.04", "-0.02", "0.00", "0.02", "0.04", "0.06"])
        let big = NiceScale(minimum: 0, maximum: 3.2e7)
        #expect(big.ticks.map(big.label).first == "0")
        #expect(big.ticks.map(big.label).last == "4.00e+07")
        let flat = NiceScale(minimum: 5, maximum: 5)
        #expect(flat.lower < 5 && flat.upper > 5)
        #expect(NiceScale(minimum: .nan, maximum: 1).ticks.count >= 2)
    }

    /// An epoch axis starts at the first epoch (not at 0) and is labelled there; whole-number
    /// data never gets half-step ticks.
    @Test func axesFitTheData() {
        let epochs = NiceScale(minimum: 1, maximum: 30, tight: true, integer: true)
        #expect(epochs.lower == 1 && epochs.upper == 30)
        #expect(epochs.ticks == [1, 10, 20, 30])
        #expect(NiceScale(minimum: 1, maximum: 4, tight: true, integer: true).ticks == [1, 2, 3, 4])
        #expect(NiceScale(minimum: 0, maximum: 2).ticks == [0, 0.5, 1, 1.5, 2])
        #expect(NiceScale(minimum: 0, maximum: 2, integer: true).ticks == [0, 1, 2])
        #expect(NiceScale(minimum: 3, maximum: 3, integer: true).ticks.allSatisfy { $0 == $0.rounded() })
        let fractional = NiceScale(minimum: 0.13, maximum: 9.7, tight: true)
        #expect(fractional.lower == 0.13 && fractional.upper == 9.7 && fractional.ticks == [2, 4, 6, 8])
        // In a line chart over epochs 1...20 the frame starts at epoch 1 and "1" is a tick label.
        let losses = (1...20).map { 1 / Double($0) }
        let svg = SVGRenderer.render(PlotSpec(kind: .line([.init(xs: (1...20).map(Double.init), ys: losses, label: nil)])))
        #expect(svg.contains(">1</text>") && svg.contains(">20</text>") && !svg.contains(">0</text>"), "\(svg)")
        #expect(!svg.contains(">2.5</text>") && !svg.contains(">17.5</text>"))
    }

    @Test func textLineChartShowsAxisMinAndMax() {
        let spec = PlotSpec(kind: .line([.init(xs: [], ys: [0, 1, 4, 9, 16], label: nil)]), title: "squares")
        let lines = TextChart.render(spec, width: 20, height: 5).split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 5 + 2)
        #expect(lines[0] == "squares")
        #expect(lines[1].hasPrefix("16 ┤"))
        #expect(lines[5].hasPrefix(" 0 ┤"))
        #expect(lines[6] == "   └" + String(repeating: "─", count: 20))
        #expect(lines[7].hasPrefix("    0") && lines[7].hasSuffix("4"))
        let plotted = lines[1...5].joined().unicodeScalars.filter { (0x2801...0x28FF).contains($0.value) }
        #expect(!plotted.isEmpty, "braille dots drawn")
        #expect(lines[1...5].allSatisfy { $0.count == 4 + 20 })
    }

    @Test func textChartsForEveryKind() {
        for (name, spec) in PlotTests.specs {
            let text = TextChart.render(spec)
            #expect(!text.isEmpty, "\(name)")
            #expect(text.split(separator: "\n").allSatisfy { $0.count <= 120 }, "\(name): fits a terminal")
        }
        let histogram = TextChart.render(PlotTests.spec("histogram"), width: 20, height: 4)
        #expect(histogram.contains("█"))
        let images = TextChart.render(PlotTests.spec("image grid"), width: 60, height: 8)
        #expect(images.split(separator: "\n").count >= 8)
        #expect(images.contains("█") && images.contains("░"))
        let coloured = TextChart.render(PlotTests.spec("line"), colour: true)
        #expect(coloured.contains("\u{1B}[34m") && coloured.contains("\u{1B}[33m"))
    }

    /// nil when `svg` parses as XML; the parser's complaint otherwise.
    func xmlProblem(_ svg: String) throws -> String? {
        #if canImport(FoundationXML) || os(macOS)
        let parser = XMLParser(data: Data(svg.utf8))
        return parser.parse() ? nil : (parser.parserError.map { "\($0)" } ?? "parse failed")
        #else
        return tagBalanceProblem(svg)
        #endif
    }

    /// A fallback check without an XML parser: every opened tag is closed in order.
    func tagBalanceProblem(_ svg: String) -> String? {
        var stack: [String] = []
        var rest = Substring(svg)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasSuffix("/") { continue }
            let name = String(tag.prefix(while: { $0 != " " }))
            if name.hasPrefix("/") {
                guard stack.popLast() == String(name.dropFirst()) else { return "unbalanced </\(name)>" }
            } else {
                stack.append(name)
            }
        }
        return stack.isEmpty ? nil : "unclosed <\(stack.joined(separator: ", "))>"
    }
}
