import HebbPlot
import HebbTensor

/// Plots go to the session's output sink: SVG files in a notebook, text charts on a terminal.
enum PlotBuiltins {
    static let table: [Builtin] = [
        Builtin("plot(x, y: none, label: none, labels: none, title: none, xlabel: none, ylabel: none)",
                """
                Line chart, as matplotlib's: plot(ys) draws ys against 0, 1, 2, …; plot(xs, ys) against \
                xs; several series: plot([ys1, ys2], labels: ["a", "b"]) or plot(xs, [ys1, ys2], \
                labels: ...). ys may be a list of numbers or a 1-d tensor.
                """) { call in
            var series: [PlotSpec.Series] = []
            let first = try call.argument(0, "x")
            let second = call.optional(1, "y").flatMap { $0.isNone ? nil : $0 }
            let labels = try stringList(call.value("labels"))
            if let second, case .list(let list) = second, list.items.contains(where: { !$0.isScalarLike }) {
                let xs = try numbers(first)
                for (index, item) in list.items.enumerated() {
                    let ys = try numbers(item)
                    guard xs.count == ys.count else { throw RuntimeError("plot(): xs has \(xs.count) values but series \(index) has \(ys.count)") }
                    series.append(.init(xs: xs, ys: ys, label: index < labels.count ? labels[index] : nil))
                }
            } else if let second {
                let xs = try numbers(first), ys = try numbers(second)
                guard xs.count == ys.count else { throw RuntimeError("plot(): xs has \(xs.count) values but ys has \(ys.count)") }
                series.append(.init(xs: xs, ys: ys, label: try optionalString(call.value("label"))))
            } else if case .list(let list) = first, list.items.contains(where: { !$0.isScalarLike }) {
                for (index, item) in list.items.enumerated() {
                    let ys = try numbers(item)
                    series.append(.init(xs: ys.indices.map(Double.init), ys: ys, label: index < labels.count ? labels[index] : nil))
                }
            } else {
                let ys = try numbers(first)
                series.append(.init(xs: ys.indices.map(Double.init), ys: ys, label: try optionalString(call.value("label"))))
            }
            return try emit(call, .line(series))
        },
        Builtin("scatter(X, labels: none, title: none)", "Scatter plot of the two columns of an N×2 matrix, coloured by integer labels.") { call in
            let x = try call.tensor(0, "X")
            guard x.rank == 2, x.shape[1] >= 2 else {
                throw RuntimeError("scatter(): X must be N×2, got shape \(Tensor.describe(x.shape))")
            }
            let values = x.toDoubles(), width = x.shape[1]
            let xs = stride(from: 0, to: values.count, by: width).map { values[$0] }
            let ys = stride(from: 1, to: values.count, by: width).map { values[$0] }
            var classes = [Int](repeating: 0, count: xs.count)
            if let labels = call.optional(1, "labels"), !labels.isNone {
                let numbers = try numbers(labels)
                guard numbers.count == xs.count else { throw RuntimeError("scatter(): \(xs.count) points but \(numbers.count) labels") }
                classes = numbers.map { $0.isFinite ? Int(max(-1e9, min(1e9, $0))) : 0 }
            }
            return try emit(call, .scatter(xs: xs, ys: ys, labels: classes))
        },
        Builtin("imshow(images, shape: none, title: none)",
                """
                Grey-scale image of a matrix; a 3-d tensor (n, h, w) shows n images in a grid. \
                shape: [h, w] reshapes rows first (imshow(X[0:10, :], shape: [8, 8]) for digits).
                """) { call in
            var x = try call.tensor(0, "images")
            if let value = call.value("shape"), !value.isNone {
                guard case .list(let list) = value, list.items.count == 2 else { throw RuntimeError("imshow(): shape must be [h, w]") }
                let h = try Interpreter.integerValue(list.items[0], "h"), w = try Interpreter.integerValue(list.items[1], "w")
                x = try x.reshaped([-1, h, w])
            }
            switch x.rank {
            case 2: return try emit(call, .image(pixels: [x.toDoubles()], rows: x.shape[0], columns: x.shape[1]))
            case 3:
                let size = x.shape[1] * x.shape[2], values = x.toDoubles()
                let images = stride(from: 0, to: values.count, by: max(1, size)).map { Array(values[$0..<min(values.count, $0 + size)]) }
                return try emit(call, .image(pixels: images, rows: x.shape[1], columns: x.shape[2]))
            default:
                throw RuntimeError("imshow(): expected a matrix or an (n, h, w) tensor, got shape \(Tensor.describe(x.shape))")
            }
        },
        Builtin("hist(values, bins: 20, title: none)", "Histogram of the values.") { call in
            let bins = try call.integer(1, "bins", default: 20)
            guard bins >= 1, bins <= 1000 else { throw RuntimeError("hist(): bins must be between 1 and 1000") }
            return try emit(call, .histogram(values: numbers(call.argument(0, "values")), bins: bins))
        },
        Builtin("progress(sequence)", "Iterates over sequence showing a progress bar on a terminal (never in saved output): for epoch in progress(1...100) { }.") { call in
            try call.argument(0, "sequence")
        },
    ]

    private static func emit(_ call: BuiltinCall, _ kind: PlotSpec.Kind) throws -> Value {
        let spec = PlotSpec(kind: kind, title: try optionalString(call.value("title")),
                            xLabel: try optionalString(call.value("xlabel")),
                            yLabel: try optionalString(call.value("ylabel")))
        call.interpreter.session.output.plot(spec)
        return .none
    }

    static func numbers(_ value: Value) throws -> [Double] {
        switch value {
        case .tensor(let variable): return variable.value.toDoubles()
        case .list(let list): return try list.items.map { try Interpreter.numberValue($0, "plotted value") }
        case .tuple(let items): return try items.map { try Interpreter.numberValue($0, "plotted value") }
        case .range(let range): return (0..<min(range.count, 1 << 24)).map(range.element)
        default: throw RuntimeError("cannot plot a \(value.typeName)")
        }
    }

    private static func optionalString(_ value: Value?) throws -> String? {
        guard let value, !value.isNone else { return nil }
        return try Display.text(value)
    }

    private static func stringList(_ value: Value?) throws -> [String] {
        guard let value, case .list(let list) = value else { return [] }
        return try list.items.map(Display.text)
    }
}
