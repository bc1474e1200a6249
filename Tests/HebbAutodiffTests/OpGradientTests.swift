// A finite-difference gradient test for every primitive op, iterated over the op enum.
//
// `OpFamily.of(_:)` is a switch over `Op` with no `default`, so a new op does not compile
// until it has a family here; `cases(for:)` is a switch over the families with no
// `default`, so the new family does not compile until it has cases; and the coverage tests
// check that the cases really record every op and every elementwise/reduction variant.

import Testing
import HebbTensor
@testable import HebbAutodiff

/// One `Op` case, without its parameters.
enum OpFamily: String, CaseIterable, Sendable {
    case binary, scalarBinary, unary, matmul, affine, sumOfProduct, transpose, reshape, broadcast, reduce, slice, maskSelect
    case concat, stack, softmax, logSoftmax, select, cast, conv2d, convolutionLayer, maxPool2d, avgPool2d, pad, detach
    case elementwise  // last: each family's inputs are seeded by its position

    static func of(_ op: Op) -> OpFamily {
        switch op {
        case .binary: return .binary
        case .scalarBinary: return .scalarBinary
        case .unary: return .unary
        case .elementwise: return .elementwise
        case .matmul: return .matmul
        case .affine: return .affine
        case .sumOfProduct: return .sumOfProduct
        case .transpose: return .transpose
        case .reshape: return .reshape
        case .broadcast: return .broadcast
        case .reduce: return .reduce
        case .slice: return .slice
        case .maskSelect: return .maskSelect
        case .concat: return .concat
        case .stack: return .stack
        case .softmax: return .softmax
        case .logSoftmax: return .logSoftmax
        case .select: return .select
        case .cast: return .cast
        case .conv2d: return .conv2d
        case .convolutionLayer: return .convolutionLayer
        case .maxPool2d: return .maxPool2d
        case .avgPool2d: return .avgPool2d
        case .pad: return .pad
        case .detach: return .detach
        }
    }
}

// MARK: - Cases per family

enum OpCases {
    static func cases(for family: OpFamily) -> [GradCase] {
        let inputs = Inputs(seed: 0x6AD + UInt64(OpFamily.allCases.firstIndex(of: family) ?? 0))
        switch family {
        case .binary: return binary(inputs)
        case .scalarBinary: return scalarBinary(inputs)
        case .unary: return unary(inputs)
        case .elementwise: return elementwise(inputs)
        case .matmul: return matmul(inputs)
        case .affine: return affine(inputs)
        case .sumOfProduct: return sumOfProduct(inputs)
        case .transpose: return transpose(inputs)
        case .reshape: return reshape(inputs)
        case .broadcast: return broadcast(inputs)
        case .reduce: return reduce(inputs)
        case .slice: return slice(inputs)
        case .maskSelect: return maskSelect(inputs)
        case .concat: return concat(inputs)
        case .stack: return stack(inputs)
        case .softmax: return softmax(inputs, log: false)
        case .logSoftmax: return softmax(inputs, log: true)
        case .select: return select(inputs)
        case .cast: return cast(inputs)
        case .conv2d: return conv2d(inputs)
        case .convolutionLayer: return convolutionLayer(inputs)
        case .maxPool2d: return maxPool2d(inputs)
        case .avgPool2d: return avgPool2d(inputs)
        case .pad: return pad(inputs)
        case .detach: return detach(inputs)
        }
    }

    /// Operand shape pairs: equal shapes and every kind of broadcast (row, column, outer,
    /// leading axis, 0-d), so gradients must be summed back to each input's shape.
    static let broadcastShapes: [([Int], [Int])] = [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([4], [3, 4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([], [2, 3]), ([2, 3], []),
    ]

    static func isComparison(_ op: Tensor.BinaryOp) -> Bool {
        switch op {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        case .add, .sub, .mul, .div, .pow, .maximum, .minimum: return false
        }
    }

    /// Operands valid for `op` and clear of its kinks: positive bases for pow, divisors away
    /// from zero, and tie-free grids for maximum/minimum and the comparisons.
    static func operands(_ op: Tensor.BinaryOp, _ shapes: ([Int], [Int]), _ inputs: Inputs) -> (Tensor, Tensor) {
        switch op {
        case .add, .sub, .mul: return (inputs.normal(shapes.0), inputs.normal(shapes.1))
        case .div: return (inputs.normal(shapes.0), inputs.awayFromZero(shapes.1))
        case .pow: return (inputs.uniform(shapes.0, 0.5, 2), inputs.uniform(shapes.1, -1.5, 1.5))
        case .maximum, .minimum, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return (inputs.grid(shapes.0, offset: 0.03), inputs.grid(shapes.1, offset: 0.08))
        }
    }

    static func binary(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        for op in Tensor.BinaryOp.allCases {
            let expectation: GradCase.Expectation = isComparison(op) ? .zero : .matchesFiniteDifferences
            for shapes in broadcastShapes {
                let (a, b) = operands(op, shapes, inputs)
                cases.append(GradCase("\(op) \(shapes.0) \(shapes.1)", [a, b], expect: expectation) { x in
                    try P.binary(op, x[0], x[1])
                })
            }
        }
        // One variable in both operand slots: the two contributions must add up.
        let positive = inputs.uniform([2, 3], 0.5, 2)
        for op in [Tensor.BinaryOp.add, .mul, .pow, .maximum] {
            cases.append(GradCase("\(op) with itself", [positive]) { x in try P.binary(op, x[0], x[0]) })
        }
        return cases
    }

    static func scalarBinary(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        for op in Tensor.BinaryOp.allCases {
            for scalarOnLeft in [false, true] {
                let (x, scalar) = scalarOperands(op, scalarOnLeft, inputs)
                let expectation: GradCase.Expectation = isComparison(op) ? .zero : .matchesFiniteDifferences
                let name = scalarOnLeft ? "\(scalar) \(op) x" : "x \(op) \(scalar)"
                cases.append(GradCase(name, [x], expect: expectation) { v in
                    try Variable.apply(.scalarBinary(op, scalar: scalar, scalarOnLeft: scalarOnLeft), v[0])
                })
            }
        }
        // Integer powers of negative bases (x ** 2, x ** 3) are the common case in losses.
        let signed = inputs.awayFromZero([3, 4])
        for power in [2.0, 3.0, -1.0] {
            cases.append(GradCase("x pow \(power) with negative x", [signed]) { v in
                try Variable.apply(.scalarBinary(.pow, scalar: power, scalarOnLeft: false), v[0])
            })
        }
        return cases
    }

    static func scalarOperands(_ op: Tensor.BinaryOp, _ scalarOnLeft: Bool, _ inputs: Inputs) -> (Tensor, Double) {
        switch op {
        case .add, .sub, .mul: return (inputs.normal([3, 4]), 1.7)
        case .div: return scalarOnLeft ? (inputs.awayFromZero([3, 4]), 1.7) : (inputs.normal([3, 4]), -1.7)
        case .pow: return scalarOnLeft ? (inputs.normal([3, 4]), 1.8) : (inputs.uniform([3, 4], 0.5, 2), 2.3)
        case .maximum, .minimum, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return (inputs.grid([3, 4], offset: 0.03), 0.08)
        }
    }

    static func unary(_ inputs: Inputs) -> [GradCase] {
        Tensor.UnaryOp.allCases.map { op in
            let x: Tensor
            var expectation = GradCase.Expectation.matchesFiniteDifferences
            switch op {
            case .neg, .exp, .tanh, .sigmoid, .softplus, .square, .sin, .cos: x = inputs.normal([3, 4], scale: 1.5)
            case .log, .sqrt: x = inputs.uniform([3, 4], 0.2, 3)
            case .log1p: x = inputs.uniform([3, 4], -0.8, 3)
            case .expm1: x = inputs.normal([3, 4], scale: 1.5)
            case .abs, .relu, .reciprocal: x = inputs.awayFromZero([3, 4])
            case .sign, .isPositive: x = inputs.awayFromZero([3, 4]); expectation = .zero
            case .floor, .round: x = inputs.offInteger([3, 4]); expectation = .zero
            }
            return GradCase("\(op)", [x], expect: expectation) { v in try P.unary(op, v[0]) }
        }
    }

    /// act(op(A) op(B) [+ op(C) op(D)] + bias) for every activation, both transposes of
    /// each product, and each bias shape: (n,), (1, n), (m, n). Products are 3×4 @ 4×5.
    static func affine(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        let activations: [Tensor.UnaryOp?] = [nil, .tanh, .sigmoid, .relu]
        for activation in activations {
            for (transposed, biasShape) in [(false, [5]), (true, [1, 5]), (false, [3, 5])] {
                for twoProducts in [false, true] {
                    var form = Tensor.AffineForm()
                    form.activation = activation
                    (form.transposeA, form.transposeD) = (transposed, transposed)
                    form.hasSecondProduct = twoProducts
                    // relu's kink is kept away from the finite differences' steps: small products, a
                    // bias at least 0.2 from zero.
                    let scale = activation == .relu ? 0.02 : 1
                    var operands = [inputs.normal(transposed ? [4, 3] : [3, 4], scale: scale), inputs.normal([4, 5])]
                    if twoProducts { operands += [inputs.normal([3, 2], scale: scale), inputs.normal(transposed ? [5, 2] : [2, 5])] }
                    operands.append(activation == .relu ? inputs.awayFromZero(biasShape) : inputs.normal(biasShape))
                    let name = "affine \(activation.map { "\($0)" } ?? "none") tA=\(transposed) bias \(biasShape) products \(twoProducts ? 2 : 1)"
                    cases.append(GradCase(name, operands) { x in try Variable.apply(.affine(form), x) })
                }
            }
        }
        return cases
    }

    /// sum(a * b) over every element, for a matrix, a 3-d tensor and one variable in both slots.
    /// Fused chains: `(x * y + x) / (y - 3)`-like trees with constants on either side, one,
    /// two and three inputs (the last through the array path).
    static func elementwise(_ inputs: Inputs) -> [GradCase] {
        typealias Program = Tensor.ElementwiseProgram
        let one = Program(steps: [.init(.mul, .input(0), .input(0)), .init(.sub, .constant(2), .step(0)),
                                  .init(.div, .step(1), .constant(3))], inputCount: 1)
        let two = Program(steps: [.init(.mul, .input(0), .input(1)), .init(.add, .step(0), .input(0)),
                                  .init(.sub, .input(1), .constant(3)), .init(.div, .step(1), .step(2))], inputCount: 2)
        let three = Program(steps: [.init(.div, .input(0), .input(1)), .init(.mul, .input(2), .constant(0.5)),
                                    .init(.sub, .step(0), .step(1))], inputCount: 3)
        guard let one, let two, let three else { return [] }
        let shape = [3, 4]
        return [
            GradCase("(2 - x * x) / 3", [inputs.normal(shape)]) { x in try Variable.apply(one, x[0], in: GraphContext.current) },
            GradCase("(x * y + x) / (y - 3)", [inputs.normal(shape), inputs.awayFromZero(shape)]) { x in
                try Variable.apply(two, x[0], x[1], in: GraphContext.current)
            },
            GradCase("x / y - z * 0.5", [inputs.normal(shape), inputs.awayFromZero(shape), inputs.normal(shape)]) { x in
                try Variable.apply(.elementwise(three), x)
            },
        ]
    }

    static func sumOfProduct(_ inputs: Inputs) -> [GradCase] {
        var cases = [[3, 4], [2, 3, 2]].map { shape in
            GradCase("sum of product \(shape)", [inputs.normal(shape), inputs.normal(shape)]) { x in
                try Variable.apply(.sumOfProduct, x[0], x[1])
            }
        }
        cases.append(GradCase("sum of product with itself", [inputs.normal([5])]) { x in try Variable.apply(.sumOfProduct, x[0], x[0]) })
        return cases
    }

    static func matmul(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        // 2-d × 2-d with every transpose flag: A is 3×4 after op(), B is 4×5 after op().
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = inputs.normal(transposeA ? [4, 3] : [3, 4])
                let b = inputs.normal(transposeB ? [5, 4] : [4, 5])
                cases.append(GradCase("matmul 2-d 2-d tA=\(transposeA) tB=\(transposeB)", [a, b]) { x in
                    try P.op(.matmul(transposeA: transposeA, transposeB: transposeB), x[0], x[1])
                })
            }
        }
        // A vector on either side (the flag on the matrix operand is honoured; the one on the
        // vector is ignored, as in the kernel), and vector · vector.
        for transposed in [false, true] {
            let vector = inputs.normal([4])
            let right = inputs.normal(transposed ? [5, 4] : [4, 5])
            cases.append(GradCase("matmul 1-d 2-d tB=\(transposed)", [vector, right]) { x in
                try P.op(.matmul(transposeA: false, transposeB: transposed), x[0], x[1])
            })
            let left = inputs.normal(transposed ? [4, 3] : [3, 4])
            cases.append(GradCase("matmul 2-d 1-d tA=\(transposed)", [left, inputs.normal([4])]) { x in
                try P.op(.matmul(transposeA: transposed, transposeB: false), x[0], x[1])
            })
        }
        cases.append(GradCase("matmul 1-d 1-d", [inputs.normal([5]), inputs.normal([5])]) { x in
            try P.op(.matmul(transposeA: false, transposeB: false), x[0], x[1])
        })
        return cases
    }

    static func transpose(_ inputs: Inputs) -> [GradCase] {
        let axesList: [([Int], [Int]?)] = [([3, 4], nil), ([2, 3, 4], nil), ([2, 3, 4], [1, 0, 2]), ([2, 3, 4], [2, 0, 1]),
                                           ([2, 3, 4], [-1, 0, 1]), ([5], nil)]
        return axesList.map { shape, axes in
            GradCase("transpose \(shape) axes \(axes.map { "\($0)" } ?? "nil")", [inputs.normal(shape)]) { x in
                try P.op(.transpose(axes: axes), x[0])
            }
        }
    }

    static func reshape(_ inputs: Inputs) -> [GradCase] {
        let shapes: [([Int], [Int])] = [([3, 4], [2, 6]), ([3, 4], [12]), ([3, 4], [-1, 3]), ([2, 3, 4], [4, 6]), ([], [1, 1])]
        return shapes.map { from, to in
            GradCase("reshape \(from) to \(to)", [inputs.normal(from)]) { x in try P.op(.reshape(to), x[0]) }
        }
    }

    static func broadcast(_ inputs: Inputs) -> [GradCase] {
        let shapes: [([Int], [Int])] = [([4], [3, 4]), ([3, 1], [3, 4]), ([], [2, 3]), ([1, 4], [2, 3, 4])]
        return shapes.map { from, to in
            GradCase("broadcast \(from) to \(to)", [inputs.normal(from)]) { x in try P.op(.broadcast(to), x[0]) }
        }
    }

    static func reduce(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        let axes: [Int?] = [nil, 0, 1, -1]
        for op in Tensor.ReduceOp.allCases {
            for shape in [[3, 4], [2, 3, 4]] {
                for axis in axes {
                    for keepDims in [false, true] {
                        // Distinct values, so max/min have one winner per slice.
                        let x = inputs.grid(shape, offset: 0.03, distinct: true)
                        let expectation: GradCase.Expectation = (op == .argmax || op == .argmin) ? .zero : .matchesFiniteDifferences
                        let name = "\(op) \(shape) axis \(axis.map(String.init) ?? "none") keepdims \(keepDims)"
                        cases.append(GradCase(name, [x], expect: expectation) { v in
                            try P.op(.reduce(op, axis: axis, keepDims: keepDims), v[0])
                        })
                    }
                }
            }
        }
        return cases
    }

    static func slice(_ inputs: Inputs) -> [GradCase] {
        let specs: [([Int], [Tensor.IndexSpec])] = [
            ([6, 4], [.range(start: 1, stop: 5, step: nil), .all]),                     // X[1:5, :]
            ([6, 4], [.range(start: nil, stop: nil, step: 2), .range(start: 1, stop: 3, step: nil)]),
            ([6, 4], [.range(start: nil, stop: nil, step: -1)]),                        // X[::-1]
            ([6, 4], [.single(2)]),                                                      // a row, axis dropped
            ([6, 4], [.all, .single(-1)]),                                               // the last column
            ([6, 4], [.single(1), .single(3)]),                                          // one element
            ([6, 4], [.list([0, 2, 0, 0, 5, 2])]),                                       // rows with repeats: scatter-add
            ([6, 4], [.list([3, 3]), .range(start: 1, stop: nil, step: nil)]),
            ([6, 4], [.all, .list([1, 1, 0])]),                                          // repeated columns
            ([2, 3, 4], [.all, .single(1), .range(start: nil, stop: nil, step: 2)]),
            ([7], [.range(start: -3, stop: nil, step: nil)]),
        ]
        return specs.map { shape, spec in
            GradCase("slice \(shape) \(spec)", [inputs.normal(shape)]) { x in try P.op(.slice(spec), x[0]) }
        }
    }

    /// `x[mask]`: a same-shape mask (elements), a 1-d mask over rows, a 2-d mask over the
    /// leading axes of a 3-d tensor; the mask is an input that gets no gradient.
    static func maskSelect(_ inputs: Inputs) -> [GradCase] {
        let layouts: [(x: [Int], maskShape: [Int], mask: [Double])] = [
            ([3, 4], [3, 4], [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1]),
            ([4, 3], [4], [0, 1, 1, 0]),
            ([2, 3, 2], [2, 3], [1, 0, 1, 1, 1, 0]),
            ([5], [5], [1, 1, 0, 1, 0]),
        ]
        return layouts.compactMap { layout in
            guard let mask = try? Tensor(shape: layout.maskShape, values: layout.mask, dtype: .bool) else { return nil }
            return GradCase("mask_select x \(layout.x) mask \(layout.maskShape)", [inputs.normal(layout.x), mask], targets: [0]) { x in
                try Variable.apply(.maskSelect, x)
            }
        }
    }

    static func concat(_ inputs: Inputs) -> [GradCase] {
        let layouts: [([[Int]], Int)] = [
            ([[2, 3], [4, 3], [1, 3]], 0), ([[3, 2], [3, 1], [3, 4]], 1), ([[3, 2], [3, 5]], -1), ([[2], [5]], 0),
            ([[2, 2, 3], [2, 1, 3]], 1),
        ]
        return layouts.map { shapes, axis in
            GradCase("concat \(shapes) axis \(axis)", shapes.map { inputs.normal($0) }) { x in
                try Variable.apply(.concat(axis: axis), x)
            }
        }
    }

    static func stack(_ inputs: Inputs) -> [GradCase] {
        let layouts: [([Int], Int, Int)] = [([4], 3, 0), ([4], 3, 1), ([4], 2, -1), ([2, 3], 3, 0), ([2, 3], 2, 1), ([2, 3], 2, -1)]
        return layouts.map { shape, count, axis in
            GradCase("stack \(count) × \(shape) axis \(axis)", (0..<count).map { _ in inputs.normal(shape) }) { x in
                try Variable.apply(.stack(axis: axis), x)
            }
        }
    }

    static func softmax(_ inputs: Inputs, log: Bool) -> [GradCase] {
        let layouts: [([Int], Int)] = [([3, 5], -1), ([3, 5], 0), ([3, 5], 1), ([2, 3, 4], 1), ([6], 0)]
        return layouts.map { shape, axis in
            GradCase("\(log ? "log_softmax" : "softmax") \(shape) axis \(axis)", [inputs.normal(shape, scale: 2)]) { x in
                try P.op(log ? .logSoftmax(axis: axis) : .softmax(axis: axis), x[0])
            }
        }
    }

    static func select(_ inputs: Inputs) -> [GradCase] {
        let layouts: [([Int], [Int], [Int])] = [([3, 4], [3, 4], [3, 4]), ([3, 4], [4], []), ([3, 4], [3, 1], [3, 4]), ([4], [3, 4], [3, 1])]
        return layouts.map { maskShape, aShape, bShape in
            let mask = inputs.mask(maskShape)
            return GradCase("where mask \(maskShape) a \(aShape) b \(bShape)", [mask, inputs.normal(aShape), inputs.normal(bShape)],
                            targets: [1, 2]) { x in
                try Variable.apply(.select, x)
            }
        }
    }

    static func cast(_ inputs: Inputs) -> [GradCase] {
        // float64 → float64 here; the float32 round trip cannot be checked by finite
        // differences in float64 accuracy and has its own exact test.
        [GradCase("cast float64", [inputs.normal([3, 4])]) { x in try P.op(.cast(.float64), x[0]) }]
    }

    static func conv2d(_ inputs: Inputs) -> [GradCase] {
        let layouts: [(x: [Int], w: [Int], layout: ConvLayout)] = [
            ([2, 3, 6, 6], [4, 3, 3, 3], ConvLayout(stride: 1, padding: 0)),
            ([1, 2, 7, 7], [3, 2, 3, 3], ConvLayout(stride: 2, padding: 1)),
            ([2, 1, 5, 5], [2, 1, 2, 2], ConvLayout(stride: 1, padding: 2)),
            // Per-side padding and a stride per axis (TensorFlow's "same" for an even kernel).
            ([1, 2, 6, 5], [2, 2, 2, 3], ConvLayout(strideH: 1, strideW: 1, top: 0, bottom: 1, left: 1, right: 1)),
            ([2, 1, 7, 6], [3, 1, 3, 2], ConvLayout(strideH: 2, strideW: 3, top: 1, bottom: 2, left: 0, right: 3)),
        ]
        return layouts.map { layout in
            GradCase("conv2d x \(layout.x) w \(layout.w) \(layout.layout)",
                     [inputs.normal(layout.x), inputs.normal(layout.w)]) { x in
                try P.op(.conv2d(layout.layout), x[0], x[1])
            }
        }
    }

    /// act(conv2d(x, w) + bias) for each activation, with a (F,) and a (1, F, 1, 1) bias and
    /// none, and a stride and padding.
    static func convolutionLayer(_ inputs: Inputs) -> [GradCase] {
        var cases: [GradCase] = []
        let activations: [Tensor.UnaryOp?] = [nil, .tanh, .sigmoid, .relu]
        for activation in activations {
            for (biasShape, layout) in [([3], ConvLayout(stride: 1, padding: 0)), ([1, 3, 1, 1], ConvLayout(stride: 2, padding: 1)),
                                        (nil, ConvLayout(stride: 1, padding: 1))] as [([Int]?, ConvLayout)] {
                if activation == nil && biasShape == nil { continue }
                // relu's kink is kept away from the finite differences' steps (as for affine).
                let scale = activation == .relu ? 0.02 : 1
                var operands = [inputs.normal([2, 2, 5, 5], scale: scale), inputs.normal([3, 2, 3, 3])]
                if let biasShape { operands.append(activation == .relu ? inputs.awayFromZero(biasShape) : inputs.normal(biasShape)) }
                if activation == .relu && biasShape == nil { continue }   // no bias to keep it from the kink
                let name = "conv layer \(activation.map { "\($0)" } ?? "none") bias \(biasShape.map { "\($0)" } ?? "none") \(layout)"
                cases.append(GradCase(name, operands) { x in try Variable.apply(.convolutionLayer(layout, activation: activation), x) })
            }
        }
        return cases
    }

    static func avgPool2d(_ inputs: Inputs) -> [GradCase] {
        let layouts: [(x: [Int], size: Int, stride: Int)] = [([2, 2, 4, 4], 2, 2), ([1, 2, 5, 5], 3, 1), ([1, 1, 7, 6], 2, 3)]
        return layouts.map { layout in
            GradCase("avg_pool2d x \(layout.x) size \(layout.size) stride \(layout.stride)", [inputs.normal(layout.x)]) { v in
                try P.op(.avgPool2d(size: layout.size, stride: layout.stride), v[0])
            }
        }
    }

    static func pad(_ inputs: Inputs) -> [GradCase] {
        let cases: [(x: [Int], widths: [(Int, Int)], value: Double)] = [
            ([3, 4], [(1, 2), (0, 3)], 0), ([2], [(3, 0)], 1.5), ([1, 2, 3, 3], [(0, 0), (1, 0), (2, 1), (0, 2)], -2),
        ]
        return cases.map { item in
            let widths = item.widths.map { Tensor.PadWidth(before: $0.0, after: $0.1) }
            return GradCase("pad x \(item.x) widths \(item.widths) value \(item.value)", [inputs.normal(item.x)]) { v in
                try P.op(.pad(widths, value: item.value), v[0])
            }
        }
    }

    static func maxPool2d(_ inputs: Inputs) -> [GradCase] {
        let layouts: [(x: [Int], size: Int, stride: Int)] = [([2, 2, 4, 4], 2, 2), ([1, 2, 5, 5], 3, 1), ([1, 1, 6, 6], 2, 3)]
        return layouts.map { layout in
            // Distinct values keep each window's maximum unique under a small perturbation.
            let count = layout.x.reduce(1, *)
            let x = tensor(layout.x, RandomGenerator(seed: UInt64(count)).permutation(count).map { Double($0) * 0.01 - 1 })
            return GradCase("max_pool2d x \(layout.x) size \(layout.size) stride \(layout.stride)", [x]) { v in
                try P.op(.maxPool2d(size: layout.size, stride: layout.stride), v[0])
            }
        }
    }

    static func detach(_ inputs: Inputs) -> [GradCase] {
        [GradCase("detach", [inputs.normal([3, 4])], expect: .stopsGradient) { x in try P.op(.detach, x[0]) }]
    }
}

// MARK: - Tests

struct OpGradientTests {
    @Test("every primitive op matches central differences", arguments: OpFamily.allCases)
    func familyMatchesFiniteDifferences(_ family: OpFamily) throws {
        let cases = OpCases.cases(for: family)
        #expect(!cases.isEmpty, "\(family) has no gradient test")
        for gradCase in cases { try GradientHarness.check(gradCase) }
    }

    /// The cases of each family must really record that family's op (a case list that
    /// builds something else would otherwise pass silently).
    @Test("each family's cases record that family's op", arguments: OpFamily.allCases)
    func casesRecordTheirFamily(_ family: OpFamily) throws {
        try isolated { try checkCasesRecord(family) }
    }

    private func checkCasesRecord(_ family: OpFamily) throws {
        for gradCase in OpCases.cases(for: family) {
            let output = try gradCase.build(gradCase.inputs.map { Variable($0) })
            let families = GradientHarness.recordedOps(from: output).map(OpFamily.of)
            #expect(families.contains(family), "\(gradCase.name) does not record \(family)")
        }
    }

    @Test("every elementwise, scalar, unary and reduction variant has a case")
    func variantsAreCovered() throws {
        try isolated { try checkVariantsCovered() }
    }

    private func checkVariantsCovered() throws {
        var binary = Set<String>(), scalar = Set<String>(), unary = Set<String>(), reduce = Set<String>()
        var matmulFlags = Set<String>(), transposeAxes = Set<Bool>()
        for family in OpFamily.allCases {
            for gradCase in OpCases.cases(for: family) {
                for op in GradientHarness.recordedOps(from: try gradCase.build(gradCase.inputs.map { Variable($0) })) {
                    switch op {
                    case .binary(let b): binary.insert(b.rawValue)
                    case .scalarBinary(let b, _, let left): scalar.insert("\(b.rawValue) \(left)")
                    case .unary(let u): unary.insert(u.rawValue)
                    case .reduce(let r, _, _): reduce.insert(r.rawValue)
                    case .matmul(let ta, let tb): matmulFlags.insert("\(ta) \(tb)")
                    case .transpose(let axes): transposeAxes.insert(axes == nil)
                    default: break
                    }
                }
            }
        }
        #expect(binary == Set(Tensor.BinaryOp.allCases.map(\.rawValue)))
        #expect(scalar == Set(Tensor.BinaryOp.allCases.flatMap { ["\($0.rawValue) true", "\($0.rawValue) false"] }))
        #expect(unary == Set(Tensor.UnaryOp.allCases.map(\.rawValue)))
        #expect(reduce == Set(Tensor.ReduceOp.allCases.map(\.rawValue)))
        #expect(matmulFlags == ["false false", "false true", "true false", "true true"])
        #expect(transposeAxes == [true, false])
    }

    /// The harness can fail: a gradient off by 1% is caught.
    @Test func harnessCatchesAWrongGradient() throws {
        let x = Inputs(seed: 3).normal([3, 4])
        let report = try GradientCheck.compare(targets: [x], analytic: [Tensor.binary(.mul, x, scalar: 2 * 1.01)], epsilon: 1e-5,
                                               maxElementsPerTarget: 100) { _, value in
            try Tensor.reduce(.sum, Tensor.unary(.square, value), axis: nil).element(0)
        }
        #expect(report.maxRelativeError > 1e-3)
        let exact = try GradientCheck.compare(targets: [x], analytic: [Tensor.binary(.mul, x, scalar: 2)], epsilon: 1e-5,
                                              maxElementsPerTarget: 100) { _, value in
            try Tensor.reduce(.sum, Tensor.unary(.square, value), axis: nil).element(0)
        }
        #expect(exact.maxRelativeError < gradientTolerance)
    }
}
