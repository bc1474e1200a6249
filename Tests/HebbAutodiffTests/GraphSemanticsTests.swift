// What `Variable.gradients` promises beyond each op's rule: zeros for targets the cost does
// not reach, clear errors, accumulation over several uses, tie handling, history that
// updates and freed graphs do not keep, and long chains without recursion.

import Testing
import HebbTensor
@testable import HebbAutodiff

struct GraphSemanticsTests {
    private func values(_ t: Tensor) -> [Double] { t.toDoubles() }

    @Test func targetTheCostDoesNotDependOnGetsZerosOfItsShapeAndType() throws {
        try isolated {
            let w = Variable(Inputs(seed: 1).normal([3, 2]))
            let unrelated = Variable(tensor([4], [1, 2, 3, 4], dtype: .float32))
            let leafCost = Variable(tensor([], [5]))
            let cost = try P.sum(P.binary(.mul, w, w))
            let grads = try Variable.gradients(of: cost, withRespectTo: [unrelated, w])
            #expect(grads[0].shape == [4] && grads[0].dtype == .float32 && values(grads[0]) == [0, 0, 0, 0])
            #expect(values(grads[1]) == values(w.value).map { 2 * $0 })
            // A cost that is itself a leaf: its own gradient is one, anything else zero.
            let own = try Variable.gradients(of: leafCost, withRespectTo: [leafCost, w])
            #expect(values(own[0]) == [1] && values(own[1]).allSatisfy { $0 == 0 })
        }
    }

    @Test func nonScalarCostIsAClearError() throws {
        try isolated {
            let w = Variable(Inputs(seed: 2).normal([3, 2]))
            let output = try P.binary(.mul, w, w)
            #expect(throws: TensorError("grad: the cost must be a scalar, but it has shape (3, 2); reduce it with sum() or mean()")) {
                try Variable.gradients(of: output, withRespectTo: [w])
            }
            // A one-element tensor of any rank is a scalar cost.
            let column = try P.op(.reduce(.sum, axis: nil, keepDims: true), output)
            #expect(column.shape == [1, 1])
            #expect(try Variable.gradients(of: column, withRespectTo: [w])[0].shape == [3, 2])
        }
    }

    @Test func aVariableUsedSeveralTimesAccumulatesEveryUse() throws {
        try isolated {
            let x = Variable(tensor([3], [1, -2, 0.5]))
            // y = x*x + 3x + sum(x) over a shared subexpression: dy/dx = 2x + 3 + 1 (per element).
            let square = try P.binary(.mul, x, x)
            let linear = try Variable.apply(.scalarBinary(.mul, scalar: 3, scalarOnLeft: true), x)
            let cost = try P.binary(.add, P.sum(P.binary(.add, square, linear)), P.sum(x))
            let g = try Variable.gradients(of: cost, withRespectTo: [x])[0]
            #expect(values(g) == [6, 0, 5])
        }
    }

    @Test func tiesShareTheGradient() throws {
        try isolated {
            let x = Variable(tensor([2, 3], [1, 3, 3, 2, 2, 0]))
            let rowMax = try P.op(.reduce(.max, axis: 1, keepDims: false), x)
            let g = try Variable.gradients(of: P.sum(rowMax), withRespectTo: [x])[0]
            #expect(values(g) == [0, 0.5, 0.5, 0.5, 0.5, 0])
            // maximum(x, x) = x: the whole gradient goes to one operand, none is lost or doubled.
            let same = try Variable.gradients(of: P.sum(P.binary(.maximum, x, x)), withRespectTo: [x])[0]
            #expect(values(same) == [1, 1, 1, 1, 1, 1])
        }
    }

    @Test func castToFloat32AndBackPassesTheGradientInTheInputType() throws {
        try isolated {
            let x = Variable(Inputs(seed: 3).normal([2, 3]))
            let weights = Inputs(seed: 4).normal([2, 3])
            let narrow = try P.op(.cast(.float32), x)
            #expect(narrow.dtype == .float32)
            let cost = try P.sum(P.binary(.mul, P.op(.cast(.float64), narrow), P.constant(weights)))
            let g = try Variable.gradients(of: cost, withRespectTo: [x])[0]
            #expect(g.dtype == .float64)
            // The gradient passed through float32: the weights rounded to float32, exactly.
            #expect(values(g) == values(weights).map { Double(Float($0)) })
        }
    }

    @Test func detachStopsTheGradientButKeepsTheValue() throws {
        try isolated {
            let x = Variable(tensor([3], [1, 2, 3]))
            let cost = try P.sum(P.binary(.mul, x, P.op(.detach, x)))   // d/dx = detach(x) = x, not 2x
            #expect(values(try Variable.gradients(of: cost, withRespectTo: [x])[0]) == [1, 2, 3])
        }
    }

    @Test func opsRunWithRecordingOffMakeLeaves() throws {
        try isolated {
            let w = Variable(tensor([2], [1, 2]))
            let updated = try Recording.withoutRecording { try P.binary(.sub, w, P.constant(tensor([2], [0.5, 0.5]))) }
            #expect(!updated.hasHistory)
            #expect(values(updated.value) == [0.5, 1.5])
            #expect(Recording.isEnabled)
            // A cost built from the updated value does not reach the old one.
            let cost = try P.sum(P.binary(.mul, updated, updated))
            let grads = try Variable.gradients(of: cost, withRespectTo: [w, updated])
            #expect(values(grads[0]) == [0, 0] && values(grads[1]) == [1, 3])
        }
    }

    @Test func recordingIsPerContext() throws {
        // Switching recording off in one context leaves another (another session) recording.
        let other = GraphContext()
        try GraphContext.withCurrent(GraphContext()) {
            try Recording.withoutRecording {
                #expect(!Recording.isEnabled)
                let recorded = try GraphContext.withCurrent(other) {
                    #expect(Recording.isEnabled)
                    return try P.unary(.exp, Variable(tensor([1], [2])))
                }
                #expect(recorded.hasHistory)
                #expect(!Recording.isEnabled)
            }
        }
    }

    @Test func costCanBeDifferentiatedTwiceUntilItIsUsedAgain() throws {
        try isolated {
            let w = Variable(tensor([2], [1, -1]))
            let b = Variable(tensor([], [0.5]))
            let cost = try P.sum(P.binary(.mul, P.binary(.add, w, b), w))
            let first = try Variable.gradients(of: cost, withRespectTo: [w])[0]
            let second = try Variable.gradients(of: cost, withRespectTo: [b])[0]   // Theano style: one grad per call
            #expect(values(first) == [2.5, -1.5] && values(second) == [0])
            // Using the cost in a new op after grad() frees its graph; asking again is an error.
            _ = try Variable.apply(.scalarBinary(.mul, scalar: 2, scalarOnLeft: false), cost)
            #expect(throws: TensorError.self) { try Variable.gradients(of: cost, withRespectTo: [w]) }
            do {
                _ = try Variable.gradients(of: cost, withRespectTo: [w])
            } catch let error as TensorError {
                #expect(error.message.contains("graph was freed"))
                #expect(error.message.contains("compute the cost again"))
            }
        }
    }

    @Test func stateCarriedAcrossStepsDoesNotChainTheGraphs() throws {
        try isolated {
            // v = mu * v - lr * g kept across steps, without detach: each step's graph must
            // stand alone, so v's history never reaches back past the last grad().
            var w = Variable(tensor([2], [1, 2]))
            var v = Variable(tensor([2], [0, 0]))
            for _ in 0..<50 {
                let cost = try P.sum(P.binary(.mul, w, w))
                let g = try Variable.gradients(of: cost, withRespectTo: [w])[0]
                v = try P.binary(.sub, Variable.apply(.scalarBinary(.mul, scalar: 0.9, scalarOnLeft: true), v),
                                 P.constant(Tensor.binary(.mul, g, scalar: 0.1)))
                w = try Recording.withoutRecording { try P.binary(.add, w, v) }
                #expect(depth(of: v) <= 3, "v's graph reaches back across steps")
            }
        }
    }

    /// A 20,000-step chain (an unrolled loop) is differentiated without recursion.
    @Test func longChainsNeedNoRecursion() throws {
        try isolated {
            let x = Variable(tensor([], [1]))
            var y = x
            for _ in 0..<20_000 { y = try Variable.apply(.scalarBinary(.mul, scalar: 1.0001, scalarOnLeft: false), y) }
            let g = try Variable.gradients(of: y, withRespectTo: [x])[0]
            let expected = (0..<20_000).reduce(1.0) { value, _ in value * 1.0001 }
            #expect(Swift.abs(g.element(0) - expected) < 1e-9 * expected)
        }
    }

    private func depth(of node: Variable) -> Int {
        var deepest = 0
        var stack = [(node, 0)]
        while let (current, level) = stack.popLast() {
            deepest = Swift.max(deepest, level)
            for input in current.inputs { stack.append((input, level + 1)) }
        }
        return deepest
    }
}
