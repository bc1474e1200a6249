import Foundation
import Testing
@testable import HebbTensor

// Every kernel of docs/dev/tensor-api.md against outputs NumPy computed for the same inputs
// (Fixtures/make_fixtures.py writes Fixtures/kernels/*.npy and index.json). Each case runs
// the kernel on the loaded inputs and compares shape, dtype and values within the case's
// tolerance; cases marked "error" must throw a TensorError.

// MARK: - The index

/// A JSON value of the index (parameters are heterogeneous).
enum JSONValue: Decodable, Sendable {
    case number(Double), string(String), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    var double: Double? { if case .number(let value) = self { return value } else { return nil } }
    var int: Int? { double.flatMap { Int(exactly: $0) } }
    var string: String? { if case .string(let value) = self { return value } else { return nil } }
    var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    var object: [String: JSONValue]? { if case .object(let value) = self { return value } else { return nil } }
    var ints: [Int]? { array?.compactMap(\.int) }
    var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// One case of Fixtures/kernels/index.json.
struct KernelCase: Decodable, CustomTestStringConvertible, Sendable {
    var name: String
    var op: String
    var inputs: [String]
    var error: Bool
    var rtol: Double
    var atol: Double
    var params: [String: JSONValue]
    var expectedFiles: [String]

    var testDescription: String { name }

    private enum Keys: String, CodingKey { case name, op, params, inputs, expected, error, rtol, atol }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        name = try container.decode(String.self, forKey: .name)
        op = try container.decode(String.self, forKey: .op)
        inputs = try container.decode([String].self, forKey: .inputs)
        error = try container.decode(Bool.self, forKey: .error)
        rtol = try container.decode(Double.self, forKey: .rtol)
        atol = try container.decode(Double.self, forKey: .atol)
        let expected = try container.decode(JSONValue.self, forKey: .expected)
        expectedFiles = expected.string.map { [$0] } ?? expected.array?.compactMap(\.string) ?? []
        params = try container.decode([String: JSONValue].self, forKey: .params)
    }

    static func all() throws -> [KernelCase] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("kernels/index.json")))
        struct Index: Decodable { var cases: [KernelCase] }
        return try JSONDecoder().decode(Index.self, from: data).cases
    }

    func load(_ file: String) throws -> Tensor { try Tensor.loadNPY(path: TestFiles.fixture("kernels/" + file)) }
}

/// A parameter that is missing or of the wrong type in the index (a fixture bug).
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

/// Typed access to a case's parameters.
struct Params {
    let values: [String: JSONValue]

    func int(_ key: String) throws -> Int {
        guard let value = values[key]?.int else { throw FixtureError(description: "param \(key) is not an integer") }
        return value
    }
    func double(_ key: String) throws -> Double {
        guard let value = values[key]?.double else { throw FixtureError(description: "param \(key) is not a number") }
        return value
    }
    func ints(_ key: String) throws -> [Int] {
        guard let value = values[key]?.ints else { throw FixtureError(description: "param \(key) is not a list") }
        return value
    }
    func optionalInt(_ key: String) -> Int? { values[key]?.int }

    /// A list of [a, b] pairs.
    func pairs(_ key: String) throws -> [(Int, Int)] {
        guard let items = values[key]?.array else { throw FixtureError(description: "param \(key) is not a list") }
        return try items.map { item in
            guard let pair = item.ints, pair.count == 2 else { throw FixtureError(description: "param \(key) holds a non-pair") }
            return (pair[0], pair[1])
        }
    }

    /// `stride` (n or [sh, sw]) and `padding` (n or [[top, bottom], [left, right]]).
    func convLayout() throws -> ConvLayout {
        if let stride = values["stride"]?.int, let padding = values["padding"]?.int {
            return ConvLayout(stride: stride, padding: padding)
        }
        let stride = try ints("stride"), sides = try pairs("padding")
        guard stride.count == 2, sides.count == 2 else { throw FixtureError(description: "malformed conv layout") }
        return ConvLayout(strideH: stride[0], strideW: stride[1], top: sides[0].0, bottom: sides[0].1,
                          left: sides[1].0, right: sides[1].1)
    }
    func bool(_ key: String) -> Bool { values[key]?.bool ?? false }
    func dtype() -> DType { values["dtype"]?.string == "float32" ? .float32 : .float64 }

    func string(_ key: String) throws -> String {
        guard let value = values[key]?.string else { throw FixtureError(description: "param \(key) is not a string") }
        return value
    }

    func binaryOp() throws -> Tensor.BinaryOp {
        let name = try string("op")
        guard let op = Tensor.BinaryOp.allCases.first(where: { "\($0)" == name }) else {
            throw FixtureError(description: "unknown binary op \(name)")
        }
        return op
    }
    func unaryOp() throws -> Tensor.UnaryOp {
        let name = try string("op")
        guard let op = Tensor.UnaryOp.allCases.first(where: { "\($0)" == name }) else {
            throw FixtureError(description: "unknown unary op \(name)")
        }
        return op
    }
    func reduceOp() throws -> Tensor.ReduceOp {
        let name = try string("op")
        guard let op = Tensor.ReduceOp.allCases.first(where: { "\($0)" == name }) else {
            throw FixtureError(description: "unknown reduce op \(name)")
        }
        return op
    }

    func specs() throws -> [Tensor.IndexSpec] {
        guard let list = values["specs"]?.array else { throw FixtureError(description: "param specs missing") }
        return try list.map { item in
            guard let spec = item.object, let kind = spec["kind"]?.string else {
                throw FixtureError(description: "bad spec \(item)")
            }
            switch kind {
            case "all": return .all
            case "single": return .single(spec["index"]?.int ?? 0)
            case "list": return .list(spec["indices"]?.ints ?? [])
            default: return .range(start: spec["start"]?.int, stop: spec["stop"]?.int, step: spec["step"]?.int)
            }
        }
    }
}

// MARK: - Running a case

enum KernelRunner {
    /// Runs the kernel a case names on its inputs; returns its outputs in order.
    static func run(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> [Tensor] {
        switch op {
        case "zeros", "ones", "eye", "arange", "linspace", "cast", "reshape": return [try creation(op, inputs, p)]
        case "binary", "binary_scalar_right", "binary_scalar_left", "unary", "broadcast_to", "sum_to_shape",
             "axpy", "where":
            return [try elementwise(op, inputs, p)]
        case "reduce":
            return [try Tensor.reduce(p.reduceOp(), inputs[0], axis: p.optionalInt("axis"), keepDims: p.bool("keepDims"))]
        case "matmul", "transpose", "outer": return [try linearAlgebra(op, inputs, p)]
        case "slice", "slice_assign", "slice_add", "concat", "stack", "onehot": return [try indexing(op, inputs, p)]
        case "softmax": return [try Tensor.softmax(inputs[0], axis: p.int("axis"))]
        case "log_softmax": return [try Tensor.logSoftmax(inputs[0], axis: p.int("axis"))]
        default: return [try convolution(op, inputs, p)]
        }
    }

    private static func creation(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> Tensor {
        switch op {
        case "zeros": return try Tensor.zeros(p.ints("shape"), dtype: p.dtype())
        case "ones": return try Tensor.ones(p.ints("shape"), dtype: p.dtype())
        case "eye": return try Tensor.eye(p.int("n"), dtype: p.dtype())
        case "arange": return try Tensor.arange(start: p.double("start"), stop: p.double("stop"), step: p.double("step"), dtype: p.dtype())
        case "linspace": return try Tensor.linspace(start: p.double("start"), stop: p.double("stop"), count: p.int("count"), dtype: p.dtype())
        case "cast": return try inputs[0].cast(to: p.dtype())
        default: return try inputs[0].reshaped(p.ints("shape"))
        }
    }

    private static func elementwise(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> Tensor {
        switch op {
        case "binary": return try Tensor.binary(p.binaryOp(), inputs[0], inputs[1])
        case "binary_scalar_right": return Tensor.binary(try p.binaryOp(), inputs[0], scalar: try p.double("scalar"))
        case "binary_scalar_left": return Tensor.binary(try p.binaryOp(), scalar: try p.double("scalar"), inputs[0])
        case "unary": return Tensor.unary(try p.unaryOp(), inputs[0])
        case "broadcast_to": return try Tensor.broadcast(inputs[0], to: p.ints("shape"))
        case "sum_to_shape": return try Tensor.sumToShape(inputs[0], p.ints("shape"))
        case "axpy":
            var y = inputs[1]
            try Tensor.axpy(p.double("alpha"), inputs[0], &y)
            return y
        default: return try Tensor.where_(inputs[0], inputs[1], inputs[2])
        }
    }

    private static func linearAlgebra(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> Tensor {
        switch op {
        case "matmul":
            return try Tensor.matmul(inputs[0], inputs[1], transposeA: p.bool("transposeA"), transposeB: p.bool("transposeB"))
        case "transpose":
            return try Tensor.transpose(inputs[0], axes: p.values["axes"]?.isNull == false ? p.ints("axes") : nil)
        default: return try Tensor.outer(inputs[0], inputs[1])
        }
    }

    private static func indexing(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> Tensor {
        switch op {
        case "slice":
            let result = try Tensor.slice(inputs[0], p.specs())
            #expect(try Tensor.sliceShape(inputs[0].shape, p.specs()) == result.shape, "sliceShape agrees with slice")
            return result
        case "slice_assign", "slice_add":
            var target = inputs[0]
            let original = inputs[0].toDoubles()
            if op == "slice_assign" { try Tensor.sliceAssign(&target, p.specs(), inputs[1]) }
            else { try Tensor.sliceAdd(&target, p.specs(), inputs[1]) }
            #expect(inputs[0].toDoubles() == original, "the input tensor is not changed (value semantics)")
            return target
        case "concat": return try Tensor.concat(inputs, axis: p.int("axis"))
        case "stack": return try Tensor.stack(inputs, axis: p.int("axis"))
        default: return try Tensor.onehot(inputs[0], classes: p.int("classes"), dtype: p.dtype())
        }
    }

    private static func convolution(_ op: String, _ inputs: [Tensor], _ p: Params) throws -> Tensor {
        switch op {
        case "conv2d":
            return try Tensor.conv2d(inputs[0], inputs[1], layout: p.convLayout())
        case "conv2d_backward_input":
            return try Tensor.conv2dBackwardInput(inputs[0], inputs[1], inputShape: p.ints("inputShape"), layout: p.convLayout())
        case "conv2d_backward_filter":
            return try Tensor.conv2dBackwardFilter(inputs[0], inputs[1], filterShape: p.ints("filterShape"), layout: p.convLayout())
        case "avgpool2d":
            return try Tensor.avgPool2d(inputs[0], size: p.int("size"), stride: p.int("stride"))
        case "avgpool2d_backward":
            return try Tensor.avgPool2dBackward(inputs[0], inputShape: p.ints("inputShape"), size: p.int("size"), stride: p.int("stride"))
        case "pad":
            let widths = try p.pairs("widths").map { Tensor.PadWidth(before: $0.0, after: $0.1) }
            return try Tensor.pad(inputs[0], widths: widths, value: p.double("value"))
        case "maxpool2d":
            return try Tensor.maxPool2d(inputs[0], size: p.int("size"), stride: p.int("stride")).output
        case "maxpool2d_backward":
            let pooled = try Tensor.maxPool2d(inputs[0], size: p.int("size"), stride: p.int("stride"))
            return try Tensor.maxPool2dBackward(inputs[1], argmax: pooled.argmax, inputShape: inputs[0].shape)
        default:
            throw FixtureError(description: "no runner for op \(op)")
        }
    }
}

// MARK: - Comparing

/// The first element where `actual` and `expected` differ beyond tolerance, described; nil when close.
func firstMismatch(_ actual: Tensor, _ expected: Tensor, rtol: Double, atol: Double) -> String? {
    guard actual.shape == expected.shape else {
        return "shape \(Tensor.describe(actual.shape)), expected \(Tensor.describe(expected.shape))"
    }
    guard actual.dtype == expected.dtype else { return "dtype \(actual.dtype), expected \(expected.dtype)" }
    let got = actual.toDoubles(), want = expected.toDoubles()
    for index in want.indices {
        let a = got[index], b = want[index]
        if a == b || (a.isNaN && b.isNaN) { continue }
        if a.isFinite, b.isFinite, abs(a - b) <= atol + rtol * abs(b) { continue }
        return "element \(index): \(a), expected \(b) (of \(want.count))"
    }
    return nil
}

@Suite struct NumPyFixtureTests {
    @Test func indexIsComplete() throws {
        let cases = try KernelCase.all()
        #expect(cases.count > 500)
        let ops = Set(cases.map(\.op))
        for op in ["binary", "unary", "reduce", "matmul", "slice", "slice_add", "concat", "stack", "onehot", "softmax",
                   "log_softmax", "conv2d", "conv2d_backward_input", "conv2d_backward_filter", "maxpool2d",
                   "maxpool2d_backward", "avgpool2d", "avgpool2d_backward", "pad", "sum_to_shape", "broadcast_to", "axpy", "where", "transpose", "outer"] {
            #expect(ops.contains(op), "no fixture for \(op)")
        }
        let binaryOps = Set(cases.filter { $0.op == "binary" }.compactMap { $0.params["op"]?.string })
        #expect(binaryOps.count == Tensor.BinaryOp.allCases.count, "every BinaryOp has fixtures")
        let unaryOps = Set(cases.filter { $0.op == "unary" }.compactMap { $0.params["op"]?.string })
        #expect(unaryOps.count == Tensor.UnaryOp.allCases.count, "every UnaryOp has fixtures")
    }

    @Test(arguments: try KernelCase.all())
    func matchesNumPy(_ kernelCase: KernelCase) throws {
        let params = Params(values: kernelCase.params)
        if kernelCase.op == "broadcast_shapes" {
            let result = Tensor.broadcastShapes(try params.ints("a"), try params.ints("b"))
            let expected = params.values["result"]?.isNull == false ? try params.ints("result") : nil
            #expect(result == expected)
            return
        }
        let inputs = try kernelCase.inputs.map(kernelCase.load)
        if kernelCase.error {
            #expect(throws: TensorError.self) { try KernelRunner.run(kernelCase.op, inputs, params) }
            return
        }
        let outputs = try KernelRunner.run(kernelCase.op, inputs, params)
        let expected = try kernelCase.expectedFiles.map(kernelCase.load)
        try #require(outputs.count == expected.count)
        for (actual, want) in zip(outputs, expected) {
            let mismatch = firstMismatch(actual, want, rtol: kernelCase.rtol, atol: kernelCase.atol)
            #expect(mismatch == nil, "\(kernelCase.name): \(mismatch ?? "")")
        }
    }
}
