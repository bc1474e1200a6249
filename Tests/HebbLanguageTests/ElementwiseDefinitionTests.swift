import Foundation
import HebbTensor
import Testing

// Each elementwise op has one definition: a builtin given a number runs the same kernel as
// a tensor's elements (Tensor.unary(_:scalar:)), so the two cannot drift apart. For every
// unary op, a Hebb program compares the number path with the tensor path bit for bit over
// ordinary values, tails and IEEE specials; likewise pow, maximum, minimum and `**`.

@Suite struct ElementwiseDefinitionTests {
    /// The inputs: ordinary values, halves (round), tiny and huge magnitudes, ±0, ±inf, NaN.
    static let inputs = "[-1000, -20.5, -3, -2.5, -1, -0.5, -1e-10, -0.0, 0, 1e-300, 0.5, 0.7, 1, 1.5, 2.5, 3, 20, 88.7, 700, 1000, 1/0, -1/0, 0/0]"

    /// The Hebb expression applying `op` to `X`, or nil for an op with no builtin (the reason
    /// is the case's comment). Exhaustive: a new op must say how a program reaches it.
    static func expression(_ op: Tensor.UnaryOp) -> String? {
        switch op {
        case .neg: return "-(X)"
        case .exp, .log, .sqrt, .abs, .tanh, .sigmoid, .softplus, .relu, .sign, .square, .sin, .cos,
             .floor, .round, .log1p, .expm1:
            return "\(op.rawValue)(X)"
        case .reciprocal: return nil  // the engine's 1/x for gradient rules; programs write 1 / x (a div)
        case .isPositive: return nil  // relu's gradient mask inside the engine
        }
    }

    /// Counts the inputs where `expression` on a number differs from it on the tensor's element.
    static func mismatches(_ expression: String) throws -> (count: Int, detail: String) {
        let source = """
        xs = \(inputs)
        T = \(expression.replacingOccurrences(of: "X", with: "tensor(xs)"))
        bad = []
        for i in 0..<len(xs) {
            x = xs[i]
            a = \(expression.replacingOccurrences(of: "X", with: "x"))
            b = item(T[i])
            if not (a == b or (a != a and b != b)) { bad = bad + ["{x}: {a} vs {b}"] }
        }
        [len(bad), bad]
        """
        let value = try HebbRun().run(source).value ?? ""
        let count = Int(value.dropFirst().prefix { $0.isNumber }) ?? -1
        return (count, value)
    }

    @Test(arguments: Tensor.UnaryOp.allCases)
    func numberPathEqualsTensorPath(_ op: Tensor.UnaryOp) throws {
        guard let expression = Self.expression(op) else { return }
        let (count, detail) = try Self.mismatches(expression)
        #expect(count == 0, "\(op): \(detail)")
    }

    @Test(arguments: ["pow(X, 1.7)", "pow(2.5, X)", "X ** 3", "2 ** X", "maximum(X, 0.5)", "minimum(0.5, X)", "X ** 0.5"])
    func binaryNumberPathEqualsTensorPath(_ expression: String) throws {
        let (count, detail) = try Self.mismatches(expression)
        #expect(count == 0, "\(expression): \(detail)")
    }
}
