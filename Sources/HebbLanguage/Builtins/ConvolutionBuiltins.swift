import HebbAutodiff
import HebbTensor

/// conv2d with the padding forms of PyTorch and TensorFlow, pooling, and np.pad.
enum ConvolutionBuiltins {
    static let table: [Builtin] = [
        Builtin("conv2d(x, w, stride: 1, padding: 0, bias: none, activation: none)", """
        2-d convolution (cross-correlation, as in PyTorch): x is N×C×H×W, w is F×C×KH×KW, the result N×F×OH×OW
        with OH = (H + top + bottom - KH) / stride + 1 (rounded down).
        padding: a number p (p zeros on every side, PyTorch); (ph, pw) (ph above and below, pw left and right);
        ((top, bottom), (left, right)) per side (as np.pad and TensorFlow's explicit padding);
        "valid" (none); "same" (TensorFlow's SAME: OH = ceil(H / stride), the padding split evenly with any odd
        one at the bottom or right, so an even kernel or a stride works too).
        stride: a number or (sh, sw). bias: one value per filter, shape (F,), added to every position of its map.
        activation: "relu", "tanh" or "sigmoid", applied with the bias in one pass over the output (Keras's
        Conv2D(activation=)); relu(conv2d(...)) is compiled to it.
        """, folding: .takesActivation) { call in
            let (x, w) = (try call.variable(0, "x"), try call.variable(1, "w"))
            let layout = try convLayout(call, input: x.shape, filters: w.shape)
            let bias = call.optional(4, "bias").flatMap { $0.isNone ? nil : $0 }
            let activation = try convActivation(call.optional(5, "activation"))
            // One node when the operands fit (and --check-finite does not want each op named);
            // otherwise the separate ops, which say what does not fit, in their order.
            if bias != nil || activation != nil, !call.interpreter.graph.checksFinite {
                var operands = [x, w]
                if case .tensor(let variable)? = bias { operands.append(variable) }
                if operands.count == (bias == nil ? 2 : 3),
                   Tensor.convolutionLayerApplies(x.value, w.value, bias: bias == nil ? nil : operands[2].value, activation: activation) {
                    return .tensor(try Variable.apply(.convolutionLayer(layout, activation: activation), operands))
                }
            }
            var output = try Variable.apply(.conv2d(layout), [x, w])
            if let bias { output = try addBias(call.asVariable(bias, "bias"), to: output, filters: w.shape) }
            if let activation { output = try Variable.apply(.unary(activation), output) }
            return .tensor(output)
        },
        Builtin("max_pool2d(x, size: 2, stride: size)", """
        Max-pooling over size×size windows of an N×C×H×W tensor (no padding: pad() first). Gradient: each
        window's goes to its largest element; on a tie, all of it to the first one in row-major order (as PyTorch).
        """) { call in
            let size = try call.integer(1, "size", default: 2)
            let op = Op.maxPool2d(size: size, stride: try call.integer(2, "stride", default: size))
            return .tensor(try Variable.apply(op, [call.variable(0, "x")]))
        },
        Builtin("avg_pool2d(x, size: 2, stride: size)", """
        Average-pooling over size×size windows of an N×C×H×W tensor; the gradient is shared equally by the
        window. No padding: pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))) first counts the zeros in the mean,
        as PyTorch's avg_pool2d(padding: 1) does.
        """) { call in
            let size = try call.integer(1, "size", default: 2)
            let op = Op.avgPool2d(size: size, stride: try call.integer(2, "stride", default: size))
            return .tensor(try Variable.apply(op, [call.variable(0, "x")]))
        },
        Builtin("pad(x, widths, value: 0)", """
        x with a border of value (NumPy's np.pad, mode "constant"); differentiable.
        widths: n (n before and after every axis); (before, after) for every axis; or one (before, after)
        per axis: pad(X, ((0, 0), (0, 0), (1, 2), (1, 2))) pads the last two axes of an N×C×H×W tensor.
        """) { call in
            let x = try call.variable(0, "x")
            let widths = try padWidths(call.argument(1, "widths"), rank: x.shape.count)
            let value = try call.number(2, "value", default: 0)
            return .tensor(try Variable.apply(.pad(widths, value: value), [x]))
        },
    ]

    // MARK: - Padding and stride arguments

    /// The layout of a conv2d call from its `stride:` and `padding:` arguments.
    static func convLayout(_ call: BuiltinCall, input: [Int], filters: [Int]) throws -> ConvLayout {
        let (strideH, strideW) = try pair(call.optional(2, "stride") ?? .number(1), "conv2d() stride", "(sh, sw)")
        let padding = call.optional(3, "padding") ?? .number(0)
        if case .string(let mode) = padding {
            switch mode {
            case "valid": return ConvLayout(strideH: strideH, strideW: strideW, top: 0, bottom: 0, left: 0, right: 0)
            case "same":
                guard input.count == 4, filters.count == 4 else { break }
                return ConvLayout.same(height: input[2], width: input[3], kernelH: filters[2], kernelW: filters[3],
                                       strideH: strideH, strideW: strideW)
            default:
                throw RuntimeError("conv2d() padding \"\(mode)\" is not known: use \"same\", \"valid\", a number or ((top, bottom), (left, right))")
            }
        }
        let ((top, bottom), (left, right)) = try sides(padding)
        return ConvLayout(strideH: strideH, strideW: strideW, top: top, bottom: bottom, left: left, right: right)
    }

    /// `p`, `(ph, pw)` or `((top, bottom), (left, right))` as the four sides.
    static func sides(_ padding: Value) throws -> ((Int, Int), (Int, Int)) {
        let what = "conv2d() padding"
        let items = sequenceItems(padding)
        guard let items else {
            let p = try Interpreter.integerValue(padding, what)
            return ((p, p), (p, p))
        }
        if items.count == 2, sequenceItems(items[0]) != nil || sequenceItems(items[1]) != nil {
            return (try pair(items[0], what, "(top, bottom)"), try pair(items[1], what, "(left, right)"))
        }
        if items.count == 2 {
            let (h, w) = try pair(padding, what, "(ph, pw)")
            return ((h, h), (w, w))
        }
        if items.count == 4 {
            throw RuntimeError("\(what) with four numbers is ambiguous (PyTorch's F.pad reads them as left, right, top, bottom): "
                + "write ((top, bottom), (left, right))")
        }
        throw RuntimeError("\(what) must be a number, \"same\", \"valid\", (ph, pw) or ((top, bottom), (left, right)), got \((try? Display.repr(padding)) ?? "?")")
    }

    /// A number n as (n, n), or a list/tuple of two numbers.
    static func pair(_ value: Value, _ what: String, _ form: String) throws -> (Int, Int) {
        guard let items = sequenceItems(value) else {
            let n = try Interpreter.integerValue(value, what)
            return (n, n)
        }
        guard items.count == 2 else { throw RuntimeError("\(what) must be a number or \(form), got \((try? Display.repr(value)) ?? "?")") }
        return (try Interpreter.integerValue(items[0], what), try Interpreter.integerValue(items[1], what))
    }

    static func sequenceItems(_ value: Value) -> [Value]? {
        switch value {
        case .list(let list): return list.items
        case .tuple(let items): return items
        default: return nil
        }
    }

    /// np.pad's widths: `n`, `(before, after)` (or `(n,)`) for every axis, or one pair per axis.
    static func padWidths(_ value: Value, rank: Int) throws -> [Tensor.PadWidth] {
        let what = "pad() widths"
        func width(_ item: Value) throws -> Tensor.PadWidth {
            if let items = sequenceItems(item), items.count == 1 {
                let n = try Interpreter.integerValue(items[0], what)
                return Tensor.PadWidth(before: n, after: n)
            }
            let (before, after) = try pair(item, what, "(before, after)")
            return Tensor.PadWidth(before: before, after: after)
        }
        guard let items = sequenceItems(value), items.contains(where: { sequenceItems($0) != nil }) else {
            return Array(repeating: try width(value), count: rank)
        }
        if items.count == 1 { return Array(repeating: try width(items[0]), count: rank) }
        guard items.count == rank else {
            throw RuntimeError("\(what): \(items.count) (before, after) pairs for a tensor with \(rank) axes; give one per axis, or one for all")
        }
        return try items.map(width)
    }

    // MARK: - Bias

    /// A bias of one value per filter: (F,), or (1, F, 1, 1).
    static func checkBias(_ shape: [Int], filters: [Int]) throws {
        let count = filters.first ?? 0
        guard shape == [count] || shape == [1, count, 1, 1] else {
            throw RuntimeError("conv2d() bias of shape \(Tensor.describe(shape)) does not match the \(count) filters of w "
                + "\(Tensor.describe(filters)): give one value per filter, shape (\(count),)")
        }
    }

    /// conv2d's `activation:`: none, or the name of an activation the layer applies.
    static func convActivation(_ value: Value?) throws -> Tensor.UnaryOp? {
        guard let value, !value.isNone else { return nil }
        guard case .string(let name) = value, let op = Tensor.UnaryOp(rawValue: name), Tensor.AffineForm.fuses(op) else {
            throw RuntimeError("conv2d() activation must be \"relu\", \"tanh\" or \"sigmoid\" (or none); "
                + "apply any other function to conv2d's result")
        }
        return op
    }

    /// `output + bias` with a (F,) bias viewed as (1, F, 1, 1); a (1, F, 1, 1) bias is taken as is.
    static func addBias(_ bias: Variable, to output: Variable, filters: [Int]) throws -> Variable {
        try checkBias(bias.shape, filters: filters)
        let count = filters.first ?? 0
        let column = try Variable.apply(.reshape([1, count, 1, 1]), bias)
        return try Variable.apply(.binary(.add), output, column)
    }
}
