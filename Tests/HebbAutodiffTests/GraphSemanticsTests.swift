// What `Variable.gradients` promises beyond each op's rule: zeros for targets the cost does
// not reach, clear errors, accumulation over several uses, tie handling, history that
// updates and freed graphs do not keep, and long chains without recursion.

import Foundation
import Testing
import HebbTensor
@testable import HebbAutodiff

struct GraphSemanticsTests {
    private func values(_ t: Tensor) -> [Double] { t.toDoubles() }

    @Test func targetTheCostDoesNotDependOnIsAnError() throws {
        try isolated {
            let w = Variable(Inputs(seed: 1).normal([3, 2]))
            let unrelated = Variable(tensor([4], [1, 2, 3, 4]))
            let cost = try P.sum(P.binary(.mul, w, w))
            do {
                _ = try Variable.gradients(of: cost, withRespectTo: [w, unrelated], targetNames: ["W", "V"])
                Issue.record("no error")
            } catch let error as TensorError {
                #expect(error.message.hasPrefix("grad: the cost does not depend on V. If V was updated after the cost was computed"))
            }
            // A cost computed before its parameter was updated (the trap of a cost computed
            // once before a training loop): the updated W is a new value the cost never saw.
            let updated = try Recording.withoutRecording { try P.binary(.sub, w, P.constant(tensor([3, 2], [Double](repeating: 0.1, count: 6)))) }
            #expect(throws: TensorError.self) { try Variable.gradients(of: cost, withRespectTo: [updated]) }
        }
    }

    // The backward pass sums a node's gradients in place when nothing else holds the sum.
    @Test func gradientsSummedInPlaceNeverChangeATensorSomethingElseHolds() throws {
        try isolated {
            // x + x: the add passes one gradient tensor to both operands, so the second sum
            // must not be made into the first's storage.
            let x = Variable(tensor([3], [1, 2, 3]))
            #expect(values(try Variable.gradients(of: P.sum(P.binary(.add, x, x)), withRespectTo: [x])[0]) == [2, 2, 2])
            // y = x + z passes y's gradient to x unchanged, and y is a target: x's running sum
            // starts as y's gradient, which must stay 2 while x's becomes 2 + 1 = 3.
            let z = Variable(tensor([3], [0, 0, 0]))
            let y = try P.binary(.add, x, z)
            let cost = try P.binary(.add, P.sum(P.binary(.add, y, y)), P.sum(x))
            let grads = try Variable.gradients(of: cost, withRespectTo: [y, x, z])
            #expect(values(grads[0]) == [2, 2, 2])
            #expect(values(grads[1]) == [3, 3, 3])
            #expect(values(grads[2]) == [2, 2, 2])
        }
    }

    /// `y = data[:, 0]` and `X = float32(data)` must not keep all of `data` alive once the
    /// program lets go of it: ops whose rule reads only the operand's shape hold a leaf
    /// weakly. While the leaf is held, its gradient still comes through them.
    @Test func shapeOnlyOpsDoNotKeepALeafAlive() throws {
        try isolated {
            weak var released: Variable?
            let column: Variable, cast: Variable
            do {
                let data = Variable(Inputs(seed: 3).normal([6, 4]))
                released = data
                column = try P.op(.slice([.all, .single(0)]), data)
                cast = try P.op(.cast(.float32), data)
                let cost = try P.binary(.add, P.sum(column), P.sum(P.op(.cast(.float64), cast)))
                let gradient = try Variable.gradients(of: cost, withRespectTo: [data])[0]
                #expect(values(gradient) == (0..<24).map { $0 % 4 == 0 ? 2 : 1 })
            }
            #expect(released == nil)
            #expect(column.value.shape == [6] && cast.value.dtype == .float32)
            // The slice itself can still be a target; nothing lies beyond it.
            let g = try Variable.gradients(of: P.sum(column), withRespectTo: [column])[0]
            #expect(values(g) == [1, 1, 1, 1, 1, 1])
        }
    }

    /// A rule that reads the operand's elements (a product's) keeps it alive.
    @Test func opsThatReadTheOperandKeepIt() throws {
        try isolated {
            weak var kept: Variable?
            let w = Variable(Inputs(seed: 4).normal([4, 2]))
            let product: Variable
            do {
                let x = Variable(Inputs(seed: 5).normal([3, 4]))
                kept = x
                product = try P.op(.matmul(transposeA: false, transposeB: false), x, w)
            }
            #expect(kept != nil)
            let gradient = try Variable.gradients(of: P.sum(product), withRespectTo: [w])[0]
            #expect(gradient.shape == [4, 2])
        }
    }

    @Test func aParameterUsedAtEveryStepGetsTheSameSumAsFreshTensors() throws {
        try isolated {
            // An unrolled h = tanh(h W + x_t): W's gradient is 20 contributions summed in
            // place; the same contributions summed into fresh tensors, in the order the
            // backward pass visits them (last step first), give the same bits.
            let inputs = Inputs(seed: 7)
            let w = Variable(inputs.normal([4, 4]))
            let xs = (0..<20).map { _ in Variable(inputs.normal([3, 4])) }
            var h = Variable(try Tensor.zeros([3, 4]))
            var hidden: [Variable] = []
            for x in xs {
                hidden.append(h)
                h = try P.unary(.tanh, P.binary(.add, P.op(.matmul(transposeA: false, transposeB: false), h, w), x))
            }
            let dW = try Variable.gradients(of: P.sum(h), withRespectTo: [w])[0]
            // By hand: dh flows back through each tanh; dW collects h_{t-1}^T dz_t.
            var dh = try Tensor(shape: [3, 4], repeating: 1)
            var expected: Tensor?
            for t in stride(from: xs.count - 1, through: 0, by: -1) {
                let y = try Tensor.unary(.tanh, Tensor.binary(.add, Tensor.matmul(hidden[t].value, w.value), xs[t].value))
                let dz = try Tensor.activationGradient(.tanh, dh, y)
                let contribution = try Tensor.matmul(hidden[t].value, dz, transposeA: true)
                expected = try expected.map { try Tensor.binary(.add, $0, contribution) } ?? contribution
                dh = try Tensor.matmul(dz, w.value, transposeB: true)
            }
            #expect(dW.toDoubles() == expected?.toDoubles())
        }
    }

    @Test func aTargetReachedOnlyThroughReleasedHistoryIsAnErrorThatSaysWhy() throws {
        try isolated {
            // h = W*3; grad(sum(h), W); grad(sum(h*h), W): h's graph was closed by the first grad.
            let w = Variable(tensor([2], [1, 2]))
            let h = try Variable.apply(.scalarBinary(.mul, scalar: 3, scalarOnLeft: false), w)
            #expect(values(try Variable.gradients(of: P.sum(h), withRespectTo: [w])[0]) == [3, 3])
            let second = try P.sum(P.binary(.mul, h, h))
            do {
                _ = try Variable.gradients(of: second, withRespectTo: [w], targetNames: ["W"])
                Issue.record("no error")
            } catch let error as TensorError {
                #expect(error.message.hasPrefix("grad: the cost reaches W only through history that was released: "
                    + "a value it uses was computed before an earlier grad() call"), "\(error.message)")
            }
            // Recomputed after the grad call, it works: 2 * (3W) * 3 = 18 W.
            let again = try Variable.apply(.scalarBinary(.mul, scalar: 3, scalarOnLeft: false), w)
            #expect(values(try Variable.gradients(of: P.sum(P.binary(.mul, again, again)), withRespectTo: [w])[0]) == [18, 36])
        }
    }

    @Test func historyPastTheLimitIsReleasedAndGradSaysSo() throws {
        try isolated {
            GraphContext.current.historyLimit.maxOps = 100   // this test's own context (isolated)
            let w = Variable(tensor([], [1]))
            var x = w
            for _ in 0..<1_000 { x = try Variable.apply(.scalarBinary(.add, scalar: 1, scalarOnLeft: false), x) }
            #expect(depth(of: x) <= 101, "the chain behind x was not released: depth \(depth(of: x))")
            do {
                _ = try Variable.gradients(of: x, withRespectTo: [w], targetNames: ["w"])
                Issue.record("no error")
            } catch let error as TensorError {
                #expect(error.message.contains("released to bound memory, because more than 100 ops"), "\(error.message)")
                #expect(error.message.contains("HEBB_HISTORY_LIMIT"))
            }
            // A grad call opens a new window: a graph of 100 ops or fewer after it is whole.
            let leaf = Variable(tensor([], [1]))
            _ = try Variable.gradients(of: leaf, withRespectTo: [leaf])
            var y = leaf
            for _ in 0..<99 { y = try Variable.apply(.scalarBinary(.mul, scalar: 1.5, scalarOnLeft: false), y) }
            #expect(Swift.abs(try Variable.gradients(of: y, withRespectTo: [leaf])[0].element(0) - pow(1.5, 99)) < 1e-6 * pow(1.5, 99))
        }
    }

    /// Freeing a long chain must not nest one deinit per link (300,000 links overflowed the
    /// stack when a loop's history was released).
    @Test func aMillionLongChainIsReleasedWithoutRecursion() throws {
        try isolated {
            GraphContext.current.historyLimit.maxOps = Int.max
            var x = Variable(tensor([], [0]))
            for _ in 0..<1_000_000 { x = try Variable.apply(.scalarBinary(.add, scalar: 1, scalarOnLeft: false), x) }
            #expect(x.value.element(0) == 1_000_000)
            x = Variable(tensor([], [0]))   // drops the chain: crashes here if release recurses
            #expect(!x.hasHistory)
        }
    }

    /// The same when each link uses the one before it twice (`x = x + x`), or once directly
    /// and once through a temporary (`x = x * 1 + x`): the earlier link is shared until the
    /// later one lets go of both references, so a release that checked for a sole owner too
    /// early would let Swift nest one deinit per link.
    @Test func chainsWhoseLinksShareAnOperandAreReleasedWithoutRecursion() throws {
        try isolated {
            GraphContext.current.historyLimit.maxOps = Int.max
            let context = GraphContext.current
            var x = Variable(tensor([], [0]))
            for _ in 0..<500_000 { x = try Variable.apply(.add, x, x, in: context) }
            x = Variable(tensor([], [0]))   // crashes here if release recurses
            for _ in 0..<500_000 {
                let scaled = try Variable.apply(.mul, x, scalar: 1, scalarOnLeft: false, in: context)
                x = try Variable.apply(.add, scaled, x, in: context)
            }
            x = Variable(tensor([], [0]))
            #expect(!x.hasHistory)
        }
    }

    @Test func allowUnusedGivesZerosOfItsShapeAndType() throws {
        try isolated {
            let w = Variable(Inputs(seed: 1).normal([3, 2]))
            let unrelated = Variable(tensor([4], [1, 2, 3, 4], dtype: .float32))
            let leafCost = Variable(tensor([], [5]))
            let cost = try P.sum(P.binary(.mul, w, w))
            let grads = try Variable.gradients(of: cost, withRespectTo: [unrelated, w], allowUnused: true)
            #expect(grads[0].shape == [4] && grads[0].dtype == .float32 && values(grads[0]) == [0, 0, 0, 0])
            #expect(values(grads[1]) == values(w.value).map { 2 * $0 })
            // A cost that is itself a leaf: its own gradient is one, anything else zero.
            let own = try Variable.gradients(of: leafCost, withRespectTo: [leafCost, w], allowUnused: true)
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

    /// maximum/minimum split a tie's gradient equally whether the other operand is a
    /// constant number (either side) or a tensor (either side); relu'(0) and abs'(0) are 0.
    /// Expected values by hand (torch.maximum and jax.numpy.maximum give the same).
    @Test func maximumAndMinimumSplitTiesTheSameForNumbersAndTensors() throws {
        try isolated {
            let x = Variable(tensor([3], [0, 1, -1]))
            func gradient(_ build: (Variable) throws -> Variable) throws -> [Double] {
                values(try Variable.gradients(of: P.sum(build(x)), withRespectTo: [x])[0])
            }
            let zeros = P.constant(tensor([3], [0, 0, 0]))
            for op in [Tensor.BinaryOp.maximum, .minimum] {
                let chosen: [Double] = op == .maximum ? [0.5, 1, 0] : [0.5, 0, 1]
                let numberRight = try gradient { try Variable.apply(.scalarBinary(op, scalar: 0, scalarOnLeft: false), $0) }
                let numberLeft = try gradient { try Variable.apply(.scalarBinary(op, scalar: 0, scalarOnLeft: true), $0) }
                let tensorRight = try gradient { try P.binary(op, $0, zeros) }
                let tensorLeft = try gradient { try P.binary(op, zeros, $0) }
                #expect([numberRight, numberLeft, tensorRight, tensorLeft] == [chosen, chosen, chosen, chosen], "\(op)")
            }
            let relu = try gradient { try P.unary(.relu, $0) }
            let abs = try gradient { try P.unary(.abs, $0) }
            #expect(relu == [0, 1, 0])
            #expect(abs == [0, 1, -1])
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
            let grads = try Variable.gradients(of: cost, withRespectTo: [w, updated], allowUnused: true)
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
                #expect(error.message.contains("no history left"))
                #expect(error.message.contains("Compute it again"))
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

/// A weight multiplied by transposed at several steps of one backward pass is transposed
/// once (BackwardPass): the unrolled recurrence's gradient still agrees with the one each
/// step's product computes alone, and with central differences.
struct ReusedTransposeTests {
    @Test func firstUseKeepsBLASsTransposeThenACopyIsReused() throws {
        let pass = BackwardPass()
        let w = Inputs(seed: 2).normal([4, 3])
        #expect(try pass.reusedTranspose(of: w) == nil)
        let copy = try #require(try pass.reusedTranspose(of: w))
        let expected = try Tensor.transpose(w, axes: nil).toDoubles()
        #expect(copy.shape == [3, 4] && copy.toDoubles() == expected)
        #expect(try pass.reusedTranspose(of: w)?.storage === copy.storage)
        // A reshape shares the storage but is another matrix.
        #expect(try pass.reusedTranspose(of: w.reshaped([3, 4])) == nil)
        let large = try Tensor.zeros([300, 300])
        _ = try pass.reusedTranspose(of: large)
        #expect(try pass.reusedTranspose(of: large) == nil)
    }

    @Test func anUnrolledRecurrenceHasTheStepByStepGradient() throws {
        try isolated {
            let inputs = Inputs(seed: 9)
            let wh = Variable(inputs.normal([6, 6], scale: 0.4)), x = inputs.normal([5, 6]), r = inputs.normal([5, 6])
            func cost(_ wh: Variable) throws -> Variable {
                var h = Variable(x)
                var total: Variable?
                for _ in 0..<4 {
                    h = try P.unary(.tanh, P.op(.matmul(transposeA: false, transposeB: false), h, wh))
                    let term = try P.sum(P.binary(.mul, h, Variable(r)))
                    total = try total.map { try P.binary(.add, $0, term) } ?? term
                }
                return try #require(total)
            }
            let analytic = try Variable.gradients(of: cost(wh), withRespectTo: [wh])[0]
            // Each step's own rule, without the pass's cache: the transposed product each time.
            let report = try GradientCheck.compare(targets: [wh.value], analytic: [analytic], epsilon: 1e-6,
                                                   maxElementsPerTarget: 36) { _, value in
                try Recording.withoutRecording { try cost(Variable(value)).value.element(0) }
            }
            #expect(report.maxRelativeError < 1e-7)
        }
    }
}
