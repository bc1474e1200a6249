// Helpers for the gradient tests: seeded inputs shaped to stay clear of kinks and ties, one
// `GradCase` per checked expression, and the finite-difference comparison that runs it.

import Testing
import HebbTensor
@testable import HebbAutodiff

/// The largest relative error a float64 gradient may show (the metric of `GradientCheck`).
let gradientTolerance = 1e-6

/// Seeded test inputs. Every tensor of a test comes from one generator, so runs repeat.
final class Inputs {
    private let generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// Standard normal values.
    func normal(_ shape: [Int], scale: Double = 1) -> Tensor {
        make(shape) { self.generator.normal() * scale }
    }

    /// Uniform values in [low, high).
    func uniform(_ shape: [Int], _ low: Double, _ high: Double) -> Tensor {
        make(shape) { low + (high - low) * self.generator.uniform() }
    }

    /// Values whose magnitude is at least 0.2, with random signs: finite differences of
    /// relu, abs, sign or 1/x never straddle zero.
    func awayFromZero(_ shape: [Int]) -> Tensor {
        make(shape) {
            let magnitude = 0.2 + 1.3 * self.generator.uniform()
            return self.generator.uniform() < 0.5 ? -magnitude : magnitude
        }
    }

    /// Values on the grid k/10 + `offset` for integer k in [-15, 15]. Two tensors with
    /// offsets 0.03 and 0.08 never come within 0.05 of each other, so maximum, minimum and
    /// comparisons between them have no ties; within one tensor, `distinct` makes every
    /// value different (for max/min reductions).
    func grid(_ shape: [Int], offset: Double, distinct: Bool = false) -> Tensor {
        let count = shape.reduce(1, *)
        if distinct {
            let order = generator.permutation(31)
            precondition(count <= order.count, "grid: at most 31 distinct values")
            return tensor(shape, (0..<count).map { Double(order[$0] - 15) / 10 + offset })
        }
        return make(shape) { Double(self.generator.integer(below: 31) - 15) / 10 + offset }
    }

    /// Values a quarter away from any integer and half-integer (for floor and round).
    func offInteger(_ shape: [Int]) -> Tensor {
        make(shape) { Double(self.generator.integer(below: 12) - 6) / 2 + 0.25 }
    }

    /// A 0/1 mask.
    func mask(_ shape: [Int]) -> Tensor {
        make(shape) { self.generator.uniform() < 0.5 ? 0 : 1 }
    }

    private func make(_ shape: [Int], _ next: () -> Double) -> Tensor {
        tensor(shape, (0..<shape.reduce(1, *)).map { _ in next() })
    }
}

/// A tensor from a shape and row-major values (the tests' inputs are always valid).
func tensor(_ shape: [Int], _ values: [Double], dtype: DType = .float64) -> Tensor {
    do { return try Tensor(shape: shape, values: values, dtype: dtype) } catch {
        preconditionFailure("test tensor \(shape): \(error)")
    }
}

/// One checked expression: inputs, the expression built from them with primitive ops, and
/// what its gradient should look like.
struct GradCase {
    enum Expectation {
        /// Autodiff must match central differences, and must not be zero everywhere.
        case matchesFiniteDifferences
        /// A non-differentiable op (comparison, sign, argmax...): autodiff gives exactly zero,
        /// and so do finite differences, since the inputs sit away from the jumps.
        case zero
        /// `detach`: autodiff gives exactly zero even though the value depends on the input.
        case stopsGradient
    }

    let name: String
    let inputs: [Tensor]
    /// The inputs gradients are taken for (the mask of `where` is left out).
    let targets: [Int]
    let expectation: Expectation
    let build: ([Variable]) throws -> Variable

    init(_ name: String, _ inputs: [Tensor], targets: [Int]? = nil, expect expectation: Expectation = .matchesFiniteDifferences,
         _ build: @escaping ([Variable]) throws -> Variable) {
        self.name = name
        self.inputs = inputs
        self.targets = targets ?? Array(inputs.indices)
        self.expectation = expectation
        self.build = build
    }
}

/// Shorthands for recording one primitive op.
enum P {
    static func op(_ op: Op, _ inputs: Variable...) throws -> Variable { try Variable.apply(op, inputs) }
    static func binary(_ op: Tensor.BinaryOp, _ a: Variable, _ b: Variable) throws -> Variable {
        try Variable.apply(.binary(op), a, b)
    }
    static func unary(_ op: Tensor.UnaryOp, _ a: Variable) throws -> Variable { try Variable.apply(.unary(op), a) }
    static func sum(_ a: Variable) throws -> Variable { try Variable.apply(.reduce(.sum, axis: nil, keepDims: false), a) }
    static func constant(_ t: Tensor) -> Variable { Variable(t) }
}

/// What one case produced: the finite-difference report, the analytic gradients, and the
/// primitive ops recorded while building the expression.
struct GradOutcome {
    var report: GradientCheck.Report
    var analytic: [Tensor]
    var recorded: [Op]
}

/// Runs `body` with a fresh autodiff context of its own: tests run in parallel threads, and
/// a `grad` in one must not close the recording window of another.
func isolated<R>(_ body: () throws -> R) rethrows -> R {
    try GraphContext.withCurrent(GraphContext(), body)
}

enum GradientHarness {
    /// Weights of the scalar cost sum(y * R): random, so every output element matters (a
    /// plain sum would make softmax's gradient zero and hide mistakes).
    static func weights(like y: Tensor, name: String) -> Tensor {
        let seed = name.utf8.reduce(UInt64(14695981039346656037)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        return Inputs(seed: seed).uniform(y.shape, 0.5, 1.5)
    }

    /// Runs a case: records the expression, takes autodiff gradients of sum(y * R), and
    /// compares them with central differences (evaluated with recording off).
    static func run(_ gradCase: GradCase, epsilon: Double = 1e-5) throws -> GradOutcome {
        let leaves = gradCase.inputs.map { Variable($0) }
        let output = try gradCase.build(leaves)
        let recorded = recordedOps(from: output)
        let weights = weights(like: output.value, name: gradCase.name)
        let cost = try P.sum(P.binary(.mul, output, P.constant(weights)))
        let targets = gradCase.targets.map { leaves[$0] }
        let analytic = try Variable.gradients(of: cost, withRespectTo: targets)
        let report = try GradientCheck.compare(targets: targets.map(\.value), analytic: analytic, epsilon: epsilon,
                                               maxElementsPerTarget: 1000) { index, value in
            var substituted = gradCase.inputs
            substituted[gradCase.targets[index]] = value
            return try Recording.withoutRecording {
                let y = try gradCase.build(substituted.map { Variable($0) })
                return try Tensor.reduce(.sum, Tensor.binary(.mul, y.value, weights), axis: nil).element(0)
            }
        }
        return GradOutcome(report: report, analytic: analytic, recorded: recorded)
    }

    /// Every op recorded in the graph that produced `output` (inputs first).
    static func recordedOps(from output: Variable) -> [Op] {
        var ops: [Op] = []
        var seen = Set<ObjectIdentifier>()
        var stack = [output]
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if let op = node.op { ops.append(op) }
            stack.append(contentsOf: node.inputs)
        }
        return ops
    }

    /// Checks one case against its expectation.
    static func check(_ gradCase: GradCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try isolated { try run(gradCase) }
        for (position, target) in gradCase.targets.enumerated() {
            #expect(outcome.analytic[position].shape == gradCase.inputs[target].shape,
                    "\(gradCase.name): gradient \(position) has the shape of its input", sourceLocation: sourceLocation)
            #expect(outcome.analytic[position].dtype == gradCase.inputs[target].dtype,
                    "\(gradCase.name): gradient \(position) has the dtype of its input", sourceLocation: sourceLocation)
        }
        let largest = outcome.analytic.flatMap { $0.toDoubles() }.map(Swift.abs).max() ?? 0
        switch gradCase.expectation {
        case .matchesFiniteDifferences:
            #expect(outcome.report.maxRelativeError < gradientTolerance,
                    "\(gradCase.name): max relative error \(outcome.report.maxRelativeError) at \(outcome.report.worst)",
                    sourceLocation: sourceLocation)
            #expect(largest > 1e-3, "\(gradCase.name): the gradient is zero, so the check proves nothing",
                    sourceLocation: sourceLocation)
        case .zero:
            #expect(largest == 0, "\(gradCase.name): a non-differentiable op passed a gradient", sourceLocation: sourceLocation)
            #expect(outcome.report.maxRelativeError == 0, "\(gradCase.name): inputs sit on a jump",
                    sourceLocation: sourceLocation)
        case .stopsGradient:
            #expect(largest == 0, "\(gradCase.name): detach passed a gradient", sourceLocation: sourceLocation)
            #expect(outcome.report.maxRelativeError > 0.1, "\(gradCase.name): the value should depend on the input",
                    sourceLocation: sourceLocation)
        }
        #expect(outcome.report.checkedElements == gradCase.targets.reduce(0) { $0 + gradCase.inputs[$1].count },
                "\(gradCase.name): every element checked", sourceLocation: sourceLocation)
    }
}
