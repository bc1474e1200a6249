import HebbAutodiff
import HebbTensor

#if canImport(Glibc)
import Glibc
#endif

/// Array creation, shape, math, reductions and products.
enum ArrayBuiltins {
    static let table: [Builtin] = creation + shapes + math + reductions + products + ConvolutionBuiltins.table

    // MARK: - Creation

    static func fromValues(_ call: BuiltinCall) throws -> Value {
        let value = try call.argument(0, "values")
        if case .tensor(let variable) = value { return .tensor(try variable.value.cast(to: call.dtype(default: variable.dtype))) }
        // Only true/false inside makes a mask, as NumPy's np.array([True, False]) does.
        let fallback: DType = Conversion.holdsOnlyBools(value) ? .bool : .float64
        return .tensor(try Conversion.tensor(from: value, dtype: call.dtype(default: fallback)))
    }

    static let creation: [Builtin] = [
        Builtin("tensor(values, dtype: \"float64\")", "A tensor from a number or a nested list of numbers (alias: array).", fromValues),
        Builtin("array(values, dtype: \"float64\")", "A tensor from a number or a nested list of numbers (alias of tensor).", fromValues),
        Builtin("zeros(shape..., dtype: \"float64\")", "A tensor of zeros: zeros(3, 4) or zeros([3, 4]).") { call in
            .tensor(try Tensor.zeros(call.shape(), dtype: call.dtype()))
        },
        Builtin("ones(shape..., dtype: \"float64\")", "A tensor of ones.") { call in
            .tensor(try Tensor.ones(call.shape(), dtype: call.dtype()))
        },
        Builtin("full(shape, value, dtype: \"float64\")", "A tensor filled with value: full([2, 3], 7).") { call in
            let shapeCall = BuiltinCall(name: call.name, arguments: Arguments(positional: [try call.argument(0, "shape")], labelled: []),
                                        interpreter: call.interpreter, span: call.span)
            return .tensor(try Tensor(shape: shapeCall.shape(), repeating: call.number(1, "value"), dtype: call.dtype()))
        },
        Builtin("zeros_like(x)", "Zeros with the shape and dtype of x.") { call in
            let x = try call.tensor(0, "x")
            return .tensor(try Tensor.zeros(x.shape, dtype: x.dtype))
        },
        Builtin("ones_like(x)", "Ones with the shape and dtype of x.") { call in
            let x = try call.tensor(0, "x")
            return .tensor(try Tensor.ones(x.shape, dtype: x.dtype))
        },
        Builtin("eye(n, dtype: \"float64\")", "The n×n identity matrix.") { call in
            .tensor(try Tensor.eye(call.integer(0, "n"), dtype: call.dtype()))
        },
        Builtin("arange(start, stop, step: 1, dtype: \"float64\")", "Evenly spaced values in [start, stop); arange(n) is 0..n-1.") { call in
            let (start, stop) = try call.startAndStop()
            let step = try call.number(2, "step", default: 1)
            guard step != 0 else { throw RuntimeError("arange(): step cannot be zero") }
            return .tensor(try Tensor.arange(start: start, stop: stop, step: step, dtype: call.dtype()))
        },
        Builtin("linspace(start, stop, count, dtype: \"float64\")", "count evenly spaced values from start to stop inclusive.") { call in
            .tensor(try Tensor.linspace(start: call.number(0, "start"), stop: call.number(1, "stop"),
                                        count: call.integer(2, "count"), dtype: call.dtype()))
        },
        Builtin("randn(shape..., dtype: \"float64\")", "Standard normal samples from the session's seeded generator.") { call in
            .tensor(try Tensor.randn(call.shape(), dtype: call.dtype(), generator: call.interpreter.session.random))
        },
        Builtin("rand(shape..., dtype: \"float64\")", "Uniform samples in [0, 1) from the session's seeded generator.") { call in
            .tensor(try Tensor.rand(call.shape(), dtype: call.dtype(), generator: call.interpreter.session.random))
        },
        Builtin("randint(low, high, count)", "count random integers in [low, high) as a 1-d tensor.") { call in
            let low = try call.integer(0, "low"), high = try call.integer(1, "high"), count = try call.integer(2, "count")
            guard high > low else { throw RuntimeError("randint(): high must be greater than low") }
            guard count >= 0, count <= 1 << 28 else { throw RuntimeError("randint(): count must be between 0 and 2^28") }
            try checkLength(count, call)
            let generator = call.interpreter.session.random
            let values = (0..<count).map { _ in Double(low + generator.integer(below: high - low)) }
            return .tensor(try Tensor(shape: [values.count], values: values))
        },
        Builtin("permutation(n)", "A random permutation of 0..n-1 as a 1-d tensor (shuffle rows with X[permutation(rows(X))]).") { call in
            let n = try call.integer(0, "n")
            guard n >= 0, n <= 1 << 28 else { throw RuntimeError("permutation(): n must be between 0 and 2^28") }
            try checkLength(n, call)
            return .tensor(try Tensor(shape: [n], values: call.interpreter.session.random.permutation(n).map(Double.init)))
        },
        Builtin("seed(n)", "Resets the session's random generator to a fixed seed.") { call in
            let n = try call.integer(0, "n")
            call.interpreter.session.random = RandomGenerator(seed: UInt64(bitPattern: Int64(n)))
            return .none
        },
    ]

    /// Refuses a vector of `count` float64 values over the allocation limit before the
    /// values are computed (the tensor would be refused anyway, after minutes of work).
    static func checkLength(_ count: Int, _ call: BuiltinCall) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Double>.stride)
        try TensorLimits.check(overflow ? Int.max : bytes, "\(call.name)(): allocation of \(count) values")
    }

    // MARK: - Shapes

    static let shapes: [Builtin] = [
        Builtin("shape(x)", "The shape of a tensor as a tuple.") { call in
            .tuple(try call.tensor(0, "x").shape.map { .number(Double($0)) })
        },
        Builtin("rows(x)", "The length of the first axis.") { call in
            let x = try call.tensor(0, "x")
            guard let first = x.shape.first else { throw RuntimeError("rows(): a 0-d tensor has no rows") }
            return .number(Double(first))
        },
        Builtin("cols(x)", "The length of the second axis of a matrix (1 for a vector).") { call in
            let x = try call.tensor(0, "x")
            return .number(Double(x.rank >= 2 ? x.shape[1] : 1))
        },
        Builtin("size(x)", "The number of elements.") { call in .number(Double(try call.tensor(0, "x").count)) },
        Builtin("reshape(x, shape...)", "The same elements in a new shape; one dimension may be -1.") { call in
            .tensor(try Variable.apply(.reshape(call.dimensions(from: 1)), call.variable(0, "x")))
        },
        Builtin("flatten(x)", "The elements as a 1-d tensor.") { call in
            .tensor(try Variable.apply(.reshape([-1]), call.variable(0, "x")))
        },
        Builtin("transpose(x, axes: none)", "Reverses the axes (or permutes them by axes). X.T is the same for a matrix.") { call in
            var axes: [Int]? = nil
            if let value = call.optional(1, "axes"), !value.isNone {
                guard case .list(let list) = value else { throw RuntimeError("transpose(): axes must be a list") }
                axes = try list.items.map { try Interpreter.integerValue($0, "axis") }
            }
            return .tensor(try Variable.apply(.transpose(axes: axes), call.variable(0, "x")))
        },
        Builtin("concat(parts, axis: 0)", "Joins a list of tensors along an existing axis.") { call in
            .tensor(try Variable.apply(.concat(axis: call.integer(1, "axis", default: 0)), tensorList(call, 0, "parts")))
        },
        Builtin("stack(parts, axis: 0)", "Joins a list of tensors along a new axis.") { call in
            .tensor(try Variable.apply(.stack(axis: call.integer(1, "axis", default: 0)), tensorList(call, 0, "parts")))
        },
        Builtin("vstack(parts)", "Stacks rows: concat along axis 0 (vectors become rows).") { call in
            let parts = try tensorList(call, 0, "parts").map { part in
                part.value.rank == 1 ? try Variable.apply(.reshape([1, part.value.count]), part) : part
            }
            return .tensor(try Variable.apply(.concat(axis: 0), parts))
        },
        Builtin("hstack(parts)", "Joins along the last axis (axis 1 for matrices, 0 for vectors).") { call in
            let parts = try tensorList(call, 0, "parts")
            let axis = (parts.first?.value.rank ?? 1) >= 2 ? 1 : 0
            return .tensor(try Variable.apply(.concat(axis: axis), parts))
        },
        Builtin("onehot(labels, classes, dtype: \"float64\")", "The N×K indicator matrix of integer labels (the book's y2indicator).") { call in
            .tensor(try Tensor.onehot(call.tensor(0, "labels"), classes: call.integer(1, "classes"), dtype: call.dtype()))
        },
        Builtin("float32(x)", "x as a float32 tensor (a mask becomes 1 where true, 0 elsewhere).") { call in
            .tensor(try Variable.apply(.cast(.float32), call.variable(0, "x")))
        },
        Builtin("float64(x)", "x as a float64 tensor (a mask becomes 1 where true, 0 elsewhere).") { call in
            .tensor(try Variable.apply(.cast(.float64), call.variable(0, "x")))
        },
        Builtin("bool(x)", "x as a bool mask (true where x is not zero, NaN included); a number gives true or false.") { call in
            let x = try call.argument(0, "x")
            if x.isScalarLike { return .bool(try Interpreter.truthValue(x)) }
            return .tensor(Variable(try call.asVariable(x, "x").value.cast(to: .bool)))
        },
        Builtin("item(x)", "The number held by a one-element tensor (true or false for a mask).") { call in
            let x = try call.tensor(0, "x")
            guard let value = x.scalarValue else {
                throw RuntimeError("item(): a tensor of shape \(Tensor.describe(x.shape)) has \(x.count) elements, not 1")
            }
            return x.dtype == .bool ? .bool(value != 0) : .number(value)
        },
        Builtin("detach(x)", "The same values without autodiff history: gradients do not flow through.") { call in
            .tensor(Variable(try call.tensor(0, "x")))
        },
        Builtin("nonzero(x)", "Indices of the non-zero (true) elements of a 1-d tensor, as a 1-d tensor of numbers: nonzero(Y == 3) lists the rows where Y is 3.") { call in
            let x = try call.tensor(0, "x")
            guard x.rank == 1 else { throw RuntimeError("nonzero() needs a 1-d tensor, got shape \(Tensor.describe(x.shape))") }
            let indices = x.toDoubles().enumerated().filter { $0.element != 0 }.map { Double($0.offset) }
            return .tensor(try Tensor(shape: [indices.count], values: indices))
        },
        Builtin("where(mask, a, b)", "Elementwise: a where mask is true (or non-zero), b elsewhere, with broadcasting; the gradient flows to a and b.") { call in
            let mask = try call.variable(0, "mask"), a = try call.variable(1, "a"), b = try call.variable(2, "b")
            return .tensor(try Variable.apply(.select, [mask, a, b]))
        },
        Builtin("logical_and(a, b)", "Elementwise and of truth values, as a bool mask (same as a and b on masks).") { call in
            try logical(call, .and)
        },
        Builtin("logical_or(a, b)", "Elementwise or of truth values, as a bool mask (same as a or b on masks).") { call in
            try logical(call, .or)
        },
        Builtin("logical_xor(a, b)", "Elementwise exclusive or of truth values, as a bool mask.") { call in
            try logical(call, .xor)
        },
        Builtin("logical_not(x)", "Elementwise not of truth values, as a bool mask (same as not x on a mask).") { call in
            .tensor(Variable(try Tensor.logicalNot(Interpreter.logicOperand(call.argument(0, "x")))))
        },
        Builtin("maximum(a, b)", """
                Elementwise larger of a and b, with broadcasting; a NaN on either side gives NaN, as in NumPy. \
                Gradient: all of it to the larger operand; on a tie (a == b) each operand gets half, \
                whether the other is a number or a tensor (PyTorch's and JAX's rule). So maximum(x, 0) has \
                gradient 1/2 at x = 0, where relu(x) has 0.
                """) { call in
            try elementwise(call, .maximum)
        },
        Builtin("minimum(a, b)", """
                Elementwise smaller of a and b, with broadcasting; a NaN on either side gives NaN. \
                Gradient: all of it to the smaller operand; on a tie each operand gets half, as for maximum.
                """) { call in
            try elementwise(call, .minimum)
        },
        Builtin("pow(x, p)", "x raised to p elementwise (same as x ** p).") { call in
            try elementwise(call, .pow)
        },
    ]

    static func logical(_ call: BuiltinCall, _ op: Tensor.LogicalOp) throws -> Value {
        let a = try Interpreter.logicOperand(call.argument(0, "a")), b = try Interpreter.logicOperand(call.argument(1, "b"))
        return .tensor(Variable(try Tensor.logical(op, a, b)))
    }

    static func tensorList(_ call: BuiltinCall, _ index: Int, _ label: String) throws -> [Variable] {
        let value = try call.argument(index, label)
        let items: [Value]
        switch value {
        case .list(let list): items = list.items
        case .tuple(let tuple): items = tuple
        default: items = call.arguments.positional  // concat(a, b, c)
        }
        guard !items.isEmpty else { throw RuntimeError("\(call.name)() needs at least one tensor") }
        return try items.map { try call.asVariable($0, label) }
    }

    static func elementwise(_ call: BuiltinCall, _ op: Tensor.BinaryOp) throws -> Value {
        let a = try call.argument(0, "a"), b = try call.argument(1, "b")
        if a.isScalarLike, b.isScalarLike {
            let x = try Interpreter.numberValue(a, "a"), y = try Interpreter.numberValue(b, "b")
            return .number(Tensor.binary(op, scalar: x, y))
        }
        if b.isScalarLike {
            let s = try Interpreter.numberValue(b, "b")
            return .tensor(try Variable.apply(.scalarBinary(op, scalar: s, scalarOnLeft: false), call.asVariable(a, "a")))
        }
        if a.isScalarLike {
            let s = try Interpreter.numberValue(a, "a")
            return .tensor(try Variable.apply(.scalarBinary(op, scalar: s, scalarOnLeft: true), call.asVariable(b, "b")))
        }
        return .tensor(try Variable.apply(.binary(op), call.asVariable(a, "a"), call.asVariable(b, "b")))
    }

    // MARK: - Elementwise math

    /// A unary op as a builtin. A number goes through the tensor kernel too (one element),
    /// so numbers and tensors cannot disagree.
    static func unaryMath(_ signature: String, _ doc: String, _ op: Tensor.UnaryOp) -> Builtin {
        Builtin(signature, doc, folding: Tensor.AffineForm.fuses(op) ? .activation(op) : nil) { call in
            let x = try call.argument(0, "x")
            if x.isScalarLike { return .number(Tensor.unary(op, scalar: try Interpreter.numberValue(x, "x"))) }
            return .tensor(try Variable.apply(.unary(op), call.asVariable(x, "x")))
        }
    }

    static let math: [Builtin] = [
        unaryMath("exp(x)", "e^x elementwise.", .exp),
        unaryMath("log(x)", "Natural logarithm elementwise; log(0) is -inf.", .log),
        unaryMath("sqrt(x)", "Square root elementwise.", .sqrt),
        unaryMath("abs(x)", "Absolute value elementwise. Gradient: sign(x), so 0 at x = 0 (as PyTorch and JAX).", .abs),
        unaryMath("tanh(x)", "Hyperbolic tangent elementwise.", .tanh),
        unaryMath("sigmoid(x)", "The logistic function 1 / (1 + e^-x) elementwise.", .sigmoid),
        unaryMath("softplus(x)", "log(1 + e^x) elementwise, the smooth relu, computed stably as max(x, 0) + log1p(e^-|x|): finite for any x (softplus(1000) is 1000). Gradient: sigmoid(x), 1/2 at 0.", .softplus),
        unaryMath("relu(x)", "max(0, x) elementwise. Gradient: 1 for x > 0 and 0 for x <= 0, so 0 at x = 0 (as PyTorch and JAX; maximum(x, 0) gives 1/2 there).", .relu),
        unaryMath("sin(x)", "Sine elementwise.", .sin),
        unaryMath("cos(x)", "Cosine elementwise.", .cos),
        unaryMath("sign(x)", "-1, 0 or 1 elementwise (NaN stays NaN). No gradient flows through it (it is 0).", .sign),
        unaryMath("floor(x)", "Rounds down elementwise.", .floor),
        unaryMath("round(x)", "Rounds to the nearest whole number elementwise (halves to even, as NumPy).", .round),
        unaryMath("square(x)", "x² elementwise.", .square),
        unaryMath("log1p(x)", "log(1 + x) elementwise, accurate where x is tiny (log1p(1e-20) is 1e-20, log(1 + 1e-20) is 0).", .log1p),
        unaryMath("expm1(x)", "e^x - 1 elementwise, accurate where x is tiny (expm1(1e-20) is 1e-20, exp(1e-20) - 1 is 0).", .expm1),
        Builtin("softmax(x, axis: -1)", "exp(x) / sum(exp(x)) along an axis (rows by default), computed stably.") { call in
            .tensor(try Variable.apply(.softmax(axis: call.integer(1, "axis", default: -1)), call.variable(0, "x")))
        },
        Builtin("log_softmax(x, axis: -1)", "log(softmax(x)) computed stably (finite for logits of ±1000).") { call in
            .tensor(try Variable.apply(.logSoftmax(axis: call.integer(1, "axis", default: -1)), call.variable(0, "x")))
        },
    ]

    // MARK: - Reductions

    static func reduction(_ signature: String, _ doc: String, _ op: Tensor.ReduceOp,
                          numbers: (@Sendable ([Double]) -> Double)? = nil) -> Builtin {
        Builtin(signature, doc, variadic: numbers != nil, folding: op == .sum ? .sumOfProduct : nil) { call in
            let first = try call.argument(0, "x")
            // max(a, b) / min(a, b) / sum([1, 2]) on plain numbers, as in Python.
            if let numbers, call.count >= 2, call.arguments.positional.allSatisfy(\.isScalarLike) {
                return .number(numbers(try call.arguments.positional.map { try Interpreter.numberValue($0, "argument") }))
            }
            if case .list(let list) = first, let numbers, list.items.allSatisfy(\.isScalarLike) {
                guard !list.items.isEmpty else { throw RuntimeError("\(call.name)() of an empty list") }
                return .number(numbers(try list.items.map { try Interpreter.numberValue($0, "element") }))
            }
            let x = try call.asVariable(first, "x")
            let keep = try call.bool(2, "keepdims", default: false)
            return .tensor(try Variable.apply(.reduce(op, axis: call.axis(), keepDims: keep), x))
        }
    }

    static let reductions: [Builtin] = [
        reduction("sum(x, axis: none, keepdims: false)", "Sum of all elements, or along an axis.", .sum, numbers: { $0.reduce(0, +) }),
        reduction("mean(x, axis: none, keepdims: false)", "Mean of all elements, or along an axis.", .mean,
                  numbers: { $0.reduce(0, +) / Double($0.count) }),
        reduction("max(x, axis: none, keepdims: false)", "Largest element, or along an axis; max(a, b) for numbers. Gradient: to the largest element; elements tied for the largest share it equally (as jnp.max and torch.amax).", .max,
                  numbers: { $0.max() ?? .nan }),
        reduction("min(x, axis: none, keepdims: false)", "Smallest element, or along an axis; min(a, b) for numbers. Gradient: to the smallest element; ties share it equally.", .min,
                  numbers: { $0.min() ?? .nan }),
        reduction("argmax(x, axis: none)", "Index of the largest element (along an axis: one per row), as numbers. On a tie, the first index (as NumPy); a NaN counts as the largest.", .argmax),
        reduction("argmin(x, axis: none)", "Index of the smallest element, or along an axis. On a tie, the first index (as NumPy); a NaN counts as the smallest.", .argmin),
        Builtin("any(x)", "True when any element is non-zero.") { call in
            .bool(try call.tensor(0, "x").toDoubles().contains { $0 != 0 })
        },
        Builtin("all(x)", "True when every element is non-zero.") { call in
            .bool(try call.tensor(0, "x").toDoubles().allSatisfy { $0 != 0 })
        },
    ]

    // MARK: - Products

    static let products: [Builtin] = [
        Builtin("dot(a, b)", "Matrix product (same as a @ b).") { call in
            .tensor(try Variable.apply(.matmul(transposeA: false, transposeB: false), call.variable(0, "a"), call.variable(1, "b")))
        },
        Builtin("outer(a, b)", "Outer product of two vectors.") { call in
            let column = try Variable.apply(.reshape([-1, 1]), call.variable(0, "a"))
            let row = try Variable.apply(.reshape([1, -1]), call.variable(1, "b"))
            return .tensor(try Variable.apply(.matmul(transposeA: false, transposeB: false), column, row))
        },
    ]
}
