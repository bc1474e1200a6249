// Gradients against an independent implementation: the networks of
// Fixtures/make_grad_fixtures.py, built here from Hebb's primitive ops, must give the cost
// and the gradients JAX computed (GradFixtures.swift, float64).

import Testing
import HebbTensor
@testable import HebbAutodiff

/// Inputs and JAX's cost and gradients for one network.
struct GradFixture {
    var cost: Double
    var inputs: [String: Tensor]
    var gradients: [String: Tensor]
}

struct FixtureGradientTests {
    /// Builds the network on leaves made from the fixture's inputs, then checks the cost and
    /// the gradient of every differentiated input (relative error 1e-12).
    private func check(_ fixture: GradFixture, sourceLocation: SourceLocation = #_sourceLocation,
                       _ build: ([String: Variable]) throws -> Variable) throws {
        try isolated {
            let leaves = fixture.inputs.mapValues { Variable($0) }
            let cost = try build(leaves)
            #expect(Swift.abs(cost.value.element(0) - fixture.cost) <= 1e-12 * Swift.abs(fixture.cost),
                    "cost \(cost.value.element(0)) != \(fixture.cost)", sourceLocation: sourceLocation)
            let names = fixture.gradients.keys.sorted()
            let targets = names.compactMap { leaves[$0] }
            #expect(targets.count == names.count, sourceLocation: sourceLocation)
            let grads = try Variable.gradients(of: cost, withRespectTo: targets)
            for (name, gradient) in zip(names, grads) {
                guard let expected = fixture.gradients[name] else { continue }
                #expect(gradient.shape == expected.shape, "\(name) shape", sourceLocation: sourceLocation)
                let scale = expected.toDoubles().map(Swift.abs).max() ?? 1
                let worst = zip(gradient.toDoubles(), expected.toDoubles()).map { Swift.abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= 1e-12 * Swift.max(scale, 1), "d cost / d \(name) off by \(worst)", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: Shorthands over the primitives

    private func mul(_ a: Variable, _ b: Variable) throws -> Variable { try P.binary(.mul, a, b) }
    private func add(_ a: Variable, _ b: Variable) throws -> Variable { try P.binary(.add, a, b) }
    private func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        try P.op(.matmul(transposeA: transposeA, transposeB: transposeB), a, b)
    }
    private func scalar(_ op: Tensor.BinaryOp, _ a: Variable, _ s: Double, left: Bool = false) throws -> Variable {
        try Variable.apply(.scalarBinary(op, scalar: s, scalarOnLeft: left), a)
    }
    private func input(_ leaves: [String: Variable], _ name: String) throws -> Variable {
        try #require(leaves[name], "fixture input \(name)")
    }

    @Test func mlpWithReluAndCrossEntropy() throws {
        try check(GradFixtures.mlpReluCrossEntropy) { v in
            let hidden = try P.unary(.relu, add(matmul(input(v, "X"), input(v, "W1")), input(v, "b1")))
            let logits = try add(matmul(hidden, input(v, "W2")), input(v, "b2"))
            let logProbabilities = try P.op(.logSoftmax(axis: -1), logits)
            return try P.unary(.neg, P.sum(mul(input(v, "T"), logProbabilities)))
        }
    }

    @Test func threeLayerTanhWithMeanSquaredError() throws {
        try check(GradFixtures.tanhThreeLayersMse) { v in
            let first = try P.unary(.tanh, matmul(input(v, "X"), input(v, "A")))
            let second = try P.unary(.tanh, matmul(first, input(v, "B")))
            let error = try P.binary(.sub, matmul(second, input(v, "C")), input(v, "Y"))
            return try P.op(.reduce(.mean, axis: nil, keepDims: false), scalar(.pow, error, 2))
        }
    }

    @Test func recurrentNetworkOverFourSteps() throws {
        try check(GradFixtures.rnnUnrolled) { v in
            var h = try input(v, "h0")
            var total: Variable?
            for step in 0..<4 {
                let x = try P.op(.slice([.single(step)]), input(v, "xs"))
                let preactivation = try add(add(matmul(x, input(v, "Wx")), matmul(h, input(v, "Wh"))), input(v, "b"))
                h = try P.unary(.tanh, preactivation)
                let out = try P.sum(P.unary(.sigmoid, matmul(h, input(v, "Wo"))))
                total = try total.map { try add($0, out) } ?? out
            }
            return try add(try #require(total), P.sum(P.unary(.square, h)))
        }
    }

    @Test func mixedPrimitives() throws {
        try check(GradFixtures.mixedPrimitives) { v in
            let x = try input(v, "X"), y = try input(v, "Y"), m = try input(v, "M")
            let r = try input(v, "R"), s = try input(v, "S")
            // a: softmax along axis 0
            let a = try P.sum(mul(P.op(.softmax(axis: 0), x), r))
            // b: max along rows of a broadcast product, min of a broadcast sum
            let b = try add(P.sum(P.op(.reduce(.max, axis: 1, keepDims: false), mul(x, y))),
                            P.op(.reduce(.min, axis: nil, keepDims: false), add(x, y)))
            // c: a gather with a repeated row
            let c = try P.sum(mul(P.op(.slice([.list([0, 2, 2, 1])]), x), s))
            // d: products with transpose flags
            let d = try add(P.sum(mul(matmul(x, m, transposeA: true, transposeB: true), s)),
                            scalar(.div, P.sum(P.unary(.square, matmul(m, x))), 20))
            // e: concatenation
            let joined = try Variable.apply(.concat(axis: 0), [x, scalar(.mul, P.op(.transpose(axes: nil), m), 2)])
            let e = try scalar(.div, P.sum(scalar(.pow, joined, 2)), 10)
            // f: division by a broadcast vector, sqrt, abs, a power
            let f = try add(P.sum(P.binary(.div, x, scalar(.add, scalar(.pow, y, 2), 1, left: true))),
                            P.sum(scalar(.pow, P.unary(.sqrt, scalar(.add, P.unary(.abs, x), 1)), 3)))
            // g: log of a sum of exponentials, maximum
            let g = try add(P.sum(P.unary(.log, add(P.unary(.exp, x), P.unary(.exp, y)))),
                            P.sum(P.binary(.maximum, x, scalar(.mul, x, 0.1, left: true))))
            return try [b, c, d, e, f, g].reduce(a) { try add($0, $1) }
        }
    }

    @Test func smallConvolutionalNetwork() throws {
        try check(GradFixtures.smallCnn) { v in
            let features = try P.unary(.relu, P.op(.conv2d(ConvLayout(stride: 1, padding: 1)), input(v, "X"), input(v, "F1")))
            let pooled = try P.op(.maxPool2d(size: 2, stride: 2), features)
            let deeper = try P.op(.conv2d(ConvLayout(stride: 2, padding: 0)), pooled, input(v, "F2"))
            let logits = try matmul(P.op(.reshape([2, 4]), deeper), input(v, "W"))
            return try P.unary(.neg, P.sum(mul(input(v, "T"), P.op(.logSoftmax(axis: -1), logits))))
        }
    }
}
