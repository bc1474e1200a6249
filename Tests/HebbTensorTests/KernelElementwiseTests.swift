// Elementwise ops and broadcasting: hand-checked cases, NumPy's corner cases, error
// messages, and every fast path checked against a naive multi-index loop.

import Testing
@testable import HebbTensor
#if canImport(Glibc)
import Glibc
private enum Foundation { static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) } }
#endif

@Suite struct KernelBroadcastShapeTests {
    @Test func shapesFollowNumPy() {
        #expect(Tensor.broadcastShapes([3, 4], [4]) == [3, 4])
        #expect(Tensor.broadcastShapes([3, 1], [1, 4]) == [3, 4])
        #expect(Tensor.broadcastShapes([], [2, 3]) == [2, 3])
        #expect(Tensor.broadcastShapes([2, 3], []) == [2, 3])
        #expect(Tensor.broadcastShapes([], []) == [])
        #expect(Tensor.broadcastShapes([5, 1, 3], [4, 1]) == [5, 4, 3])
        #expect(Tensor.broadcastShapes([0], [1]) == [0])
        #expect(Tensor.broadcastShapes([1], [0]) == [0])
        #expect(Tensor.broadcastShapes([2, 0], [2, 1]) == [2, 0])
        #expect(Tensor.broadcastShapes([1, 1], [3]) == [1, 3])
        #expect(Tensor.broadcastShapes([3, 4], [5]) == nil)
        #expect(Tensor.broadcastShapes([0], [3]) == nil)
        #expect(Tensor.broadcastShapes([2, 3], [3, 3]) == nil)
    }
}

@Suite struct KernelBinaryTests {
    @Test func arithmeticSameShape() throws {
        let a = try K.t([2, 2], [1, 2, 3, 4]), b = try K.t([2, 2], [5, 6, 7, 8])
        K.expect(try Tensor.binary(.add, a, b), [2, 2], [6, 8, 10, 12])
        K.expect(try Tensor.binary(.sub, a, b), [2, 2], [-4, -4, -4, -4])
        K.expect(try Tensor.binary(.mul, a, b), [2, 2], [5, 12, 21, 32])
        K.expect(try Tensor.binary(.div, b, a), [2, 2], [5, 3, 7.0 / 3, 2])
        K.expect(try Tensor.binary(.pow, a, b), [2, 2], [1, 64, 2187, 65536])
        K.expect(try Tensor.binary(.maximum, a, try K.t([2, 2], [0, 3, 3, 5])), [2, 2], [1, 3, 3, 5])
        K.expect(try Tensor.binary(.minimum, a, try K.t([2, 2], [0, 3, 3, 5])), [2, 2], [0, 2, 3, 4])
    }

    @Test func comparisonsGiveMasks() throws {
        let a = try K.t([4], [1, 2, 3, .nan]), b = try K.t([4], [2, 2, 2, .nan])
        K.expect(try Tensor.binary(.equal, a, b), [4], [0, 1, 0, 0])
        K.expect(try Tensor.binary(.notEqual, a, b), [4], [1, 0, 1, 1])
        K.expect(try Tensor.binary(.less, a, b), [4], [1, 0, 0, 0])
        K.expect(try Tensor.binary(.lessEqual, a, b), [4], [1, 1, 0, 0])
        K.expect(try Tensor.binary(.greater, a, b), [4], [0, 0, 1, 0])
        K.expect(try Tensor.binary(.greaterEqual, a, b), [4], [0, 1, 1, 0])
    }

    @Test func maximumAndMinimumPropagateNaN() throws {
        let a = try K.t([3], [.nan, 1, 2]), b = try K.t([3], [1, .nan, 1])
        K.expect(try Tensor.binary(.maximum, a, b), [3], [.nan, .nan, 2])
        K.expect(try Tensor.binary(.minimum, a, b), [3], [.nan, .nan, 1])
    }

    @Test func divisionByZeroIsIEEE() throws {
        let r = try Tensor.binary(.div, try K.t([3], [1, -1, 0]), try K.t([3], [0, 0, 0]))
        let v = r.toDoubles()
        #expect(v[0] == .infinity && v[1] == -.infinity && v[2].isNaN)
    }

    @Test func broadcastRowAndColumn() throws {
        let m = try K.iota([2, 3])
        K.expect(try Tensor.binary(.add, m, try K.t([3], [10, 20, 30])), [2, 3], [10, 21, 32, 13, 24, 35])
        K.expect(try Tensor.binary(.sub, try K.t([3], [10, 20, 30]), m), [2, 3], [10, 19, 28, 7, 16, 25])
        K.expect(try Tensor.binary(.mul, m, try K.t([2, 1], [1, -1])), [2, 3], [0, 1, 2, -3, -4, -5])
        K.expect(try Tensor.binary(.sub, try K.t([2, 1], [1, -1]), m), [2, 3], [1, 0, -1, -4, -5, -6])
        K.expect(try Tensor.binary(.add, try K.t([2, 1], [0, 10]), try K.t([1, 3], [1, 2, 3])),
                 [2, 3], [1, 2, 3, 11, 12, 13])
    }

    @Test func scalarsAndZeroD() throws {
        let m = try K.iota([2, 2])
        let s = Tensor(scalar: 10)
        K.expect(try Tensor.binary(.add, m, s), [2, 2], [10, 11, 12, 13])
        K.expect(try Tensor.binary(.sub, s, m), [2, 2], [10, 9, 8, 7])
        K.expect(try Tensor.binary(.mul, s, s), [], [100])
        K.expect(try Tensor.binary(.add, m, try K.t([1], [1])), [2, 2], [1, 2, 3, 4])
        // A one-element operand of higher rank raises the result's rank.
        K.expect(try Tensor.binary(.add, try K.t([2], [1, 2]), try K.t([1, 1], [1])), [1, 2], [2, 3])
        K.expect(try Tensor.binary(.add, try K.t([1, 1, 1], [1]), try K.t([2], [1, 2])), [1, 1, 2], [2, 3])
    }

    @Test func zeroSizeAxes() throws {
        let empty = try Tensor.zeros([0, 3])
        K.expect(try Tensor.binary(.add, empty, try K.t([3], [1, 2, 3])), [0, 3], [])
        K.expect(try Tensor.binary(.add, empty, try K.t([1, 3], [1, 2, 3])), [0, 3], [])
        K.expect(try Tensor.binary(.add, try Tensor.zeros([2, 1]), try Tensor.zeros([0])), [2, 0], [])
        K.expect(try Tensor.binary(.mul, empty, Tensor(scalar: 2)), [0, 3], [])
        K.error("add: shapes (0, 3) and (2,) cannot be broadcast") {
            _ = try Tensor.binary(.add, empty, try Tensor.zeros([2]))
        }
        K.error("add: shapes (0,) and (3,) cannot be broadcast") {
            _ = try Tensor.binary(.add, try Tensor.zeros([0]), try Tensor.zeros([3]))
        }
    }

    @Test func badShapesAndDTypesAreErrors() throws {
        K.error("add: shapes (3, 4) and (5,) cannot be broadcast") {
            _ = try Tensor.binary(.add, try Tensor.zeros([3, 4]), try Tensor.zeros([5]))
        }
        K.error("mul: shapes (2, 3) and (3, 2) cannot be broadcast") {
            _ = try Tensor.binary(.mul, try Tensor.zeros([2, 3]), try Tensor.zeros([3, 2]))
        }
        K.error("add: dtype float32 and float64 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.binary(.add, try Tensor.zeros([2], dtype: .float32), try Tensor.zeros([2]))
        }
    }

    @Test func hugeBroadcastIsAnErrorNotACrash() throws {
        let column = try Tensor.zeros([1 << 20, 1]), row = try Tensor.zeros([1, 1 << 20])
        #expect(throws: TensorError.self) { _ = try Tensor.binary(.add, column, row) }
    }

    @Test func scalarVariants() throws {
        let a = try K.t([3], [1, 2, 4])
        K.expect(Tensor.binary(.sub, a, scalar: 1), [3], [0, 1, 3])
        K.expect(Tensor.binary(.sub, scalar: 1, a), [3], [0, -1, -3])
        K.expect(Tensor.binary(.div, scalar: 8, a), [3], [8, 4, 2])
        K.expect(Tensor.binary(.pow, a, scalar: 2), [3], [1, 4, 16])
        K.expect(Tensor.binary(.pow, scalar: 2, a), [3], [2, 4, 16])
        K.expect(Tensor.binary(.greater, a, scalar: 1.5), [3], [0, 1, 1])
        K.expect(Tensor.binary(.maximum, a, scalar: 2), [3], [2, 2, 4])
        let f = Tensor.binary(.mul, try K.t([2], [1.5, 2], dtype: .float32), scalar: 2)
        #expect(f.dtype == .float32)
        K.expect(f, [2], [3, 4])
        K.expect(Tensor.binary(.add, Tensor(scalar: 1), scalar: 2), [], [3])
        K.expect(Tensor.binary(.add, try Tensor.zeros([0, 2]), scalar: 2), [0, 2], [])
    }

    /// `x ** 2` is x * x, as in NumPy (glibc's pow can be 1 ulp off the rounded square).
    @Test func squareByPowIsExact() throws {
        var random = KernelRandom(seed: 2)
        let x = try Tensor.binary(.mul, try random.tensor([1000]), scalar: 1e3)
        let squared = Tensor.binary(.pow, x, scalar: 2).toDoubles()
        #expect(zip(x.toDoubles(), squared).allSatisfy { $0 * $0 == $1 })
        #expect(zip(x.toDoubles(), squared).allSatisfy { Swift.abs(Foundation.pow($0, 2) - $1) <= $1.ulp })
        K.expect(Tensor.binary(.pow, try K.t([3], [.nan, -.infinity, -3]), scalar: 2), [3], [.nan, .infinity, 9])
    }

    @Test func float32Arithmetic() throws {
        let a = try K.t([2, 2], [1, 2, 3, 4], dtype: .float32)
        let r = try Tensor.binary(.div, a, try K.t([2], [2, 4], dtype: .float32))
        #expect(r.dtype == .float32)
        K.expect(r, [2, 2], [0.5, 0.5, 1.5, 1])
    }

    /// Every path (same shape, scalars, tiles, columns, general) against the naive loop.
    @Test(arguments: [DType.float64, .float32])
    func fastPathsAgreeWithReference(dtype: DType) throws {
        var random = KernelRandom(seed: 7)
        let ops: [(Tensor.BinaryOp, (Double, Double) -> Double)] = [
            (.add, +), (.sub, -), (.mul, *), (.div, /), (.maximum, { Swift.max($0, $1) }),
            (.less, { $0 < $1 ? 1 : 0 }), (.greaterEqual, { $0 >= $1 ? 1 : 0 }),
        ]
        for trial in 0..<300 {
            let shape = random.shape(rank: random.int(0...4))
            var other = random.broadcastPartner(of: shape)
            if trial % 7 == 0 { other = [1] + other }         // higher-rank one-element operands
            let a = try random.tensor(shape, dtype: dtype), b = try random.tensor(other, dtype: dtype)
            let (x, y) = trial % 2 == 0 ? (a, b) : (b, a)
            let (op, f) = ops[trial % ops.count]
            guard let expected = K.referenceBinary(x, y, f) else { Issue.record("incompatible"); continue }
            let tolerance = dtype == .float32 ? 1e-6 : 0
            K.expect(try Tensor.binary(op, x, y), expected.shape, expected.values, tolerance: tolerance)
        }
    }

    /// Each fast path gives bit-for-bit the numbers of the general strided walk.
    @Test func fastPathsMatchTheGeneralWalkExactly() throws {
        var random = KernelRandom(seed: 13)
        var seen: Set<String> = []
        for trial in 0..<300 {
            let shape = random.shape(rank: random.int(1...4))
            let partner = random.broadcastPartner(of: shape)
            let (a, b) = trial % 2 == 0
                ? (try random.tensor(shape), try random.tensor(partner))
                : (try random.tensor(partner), try random.tensor(shape))
            let op = Tensor.BinaryOp.allCases[trial % Tensor.BinaryOp.allCases.count]
            let (plan, resultShape, count) = try Tensor.binaryPlan(op.rawValue, a.shape, b.shape)
            if case .general = plan { continue }
            seen.insert("\(plan)".prefix { $0 != "(" }.description)
            let general = BinaryPlan.general(StridedLayout(shape: resultShape, operands: [resultShape, a.shape, b.shape]))
            var expected = [Double](repeating: 0, count: count)
            if op.isComparison {
                // Comparisons write one byte per element.
                var flags = [UInt8](repeating: 7, count: count)
                flags.withUnsafeMutableBufferPointer { out in
                    Tensor.binaryKernel(op, general, a.pointer(Double.self), b.pointer(Double.self), UnsafeMutableRawPointer(out.baseAddress!))
                }
                expected = flags.map(Double.init)
                #expect(try Tensor.binary(op, a, b).dtype == .bool)
            } else {
                expected.withUnsafeMutableBufferPointer { out in
                    Tensor.binaryKernel(op, general, a.pointer(Double.self), b.pointer(Double.self), UnsafeMutableRawPointer(out.baseAddress!))
                }
            }
            let fast = try Tensor.binary(op, a, b)
            #expect(fast.shape == resultShape)
            #expect(zip(fast.toDoubles(), expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(op) \(a.shape) \(b.shape)")
        }
        #expect(seen.isSuperset(of: ["same", "scalarRight", "scalarLeft", "tileRight", "tileLeft", "columnRight", "columnLeft"]),
                "\(seen)")
    }

    /// The planner picks the intended fast path for the shapes it is meant for.
    @Test func planChoosesFastPaths() throws {
        func plan(_ a: [Int], _ b: [Int]) throws -> String {
            let (plan, _, _) = try Tensor.binaryPlan("add", a, b)
            switch plan {
            case .same: return "same"
            case .scalarRight, .scalarLeft: return "scalar"
            case .tileRight, .tileLeft: return "tile"
            case .columnRight, .columnLeft: return "column"
            case .general: return "general"
            }
        }
        #expect(try plan([4, 4], [4, 4]) == "same")
        #expect(try plan([4, 4], []) == "scalar")
        #expect(try plan([1], [4, 4]) == "scalar")
        #expect(try plan([4, 4], [4]) == "tile")
        #expect(try plan([2, 4, 4], [4, 4]) == "tile")
        #expect(try plan([1, 4], [3, 4]) == "tile")
        #expect(try plan([3, 4], [3, 1]) == "column")
        #expect(try plan([3, 4, 5], [3, 1, 1]) == "column")
        #expect(try plan([2, 3, 4], [1, 3, 1]) == "general")
        #expect(try plan([3, 1], [1, 4]) == "general")
    }
}

@Suite struct KernelUnaryTests {
    @Test func mathFunctions() throws {
        let x = try K.t([4], [-2, -0.5, 0, 3])
        K.expect(Tensor.unary(.neg, x), [4], [2, 0.5, 0, -3])
        K.expect(Tensor.unary(.abs, x), [4], [2, 0.5, 0, 3])
        K.expect(Tensor.unary(.square, x), [4], [4, 0.25, 0, 9])
        K.expect(Tensor.unary(.relu, x), [4], [0, 0, 0, 3])
        K.expect(Tensor.unary(.sign, x), [4], [-1, -1, 0, 1])
        K.expect(Tensor.unary(.isPositive, x), [4], [0, 0, 0, 1])
        K.expect(Tensor.unary(.floor, x), [4], [-2, -1, 0, 3])
        K.expect(Tensor.unary(.reciprocal, try K.t([2], [2, -4])), [2], [0.5, -0.25])
        K.expect(Tensor.unary(.exp, try K.t([2], [0, 1])), [2], [1, 2.718281828459045])
        K.expect(Tensor.unary(.log, try K.t([3], [1, 0, -1])), [3], [0, -.infinity, .nan])
        K.expect(Tensor.unary(.sqrt, try K.t([2], [4, 2])), [2], [2, 2.0.squareRoot()])
        K.expect(Tensor.unary(.tanh, try K.t([2], [0, 1])), [2], [0, 0.7615941559557649], tolerance: 1e-15)
        K.expect(Tensor.unary(.sin, try K.t([2], [0, .pi / 2])), [2], [0, 1])
        K.expect(Tensor.unary(.cos, try K.t([1], [0])), [1], [1])
        // NumPy: np.log1p([1e-20, -0.5, 1]), np.expm1([1e-20, -1, 1, 700]); log1p(-1) is -inf.
        K.expect(Tensor.unary(.log1p, try K.t([3], [1e-20, -0.5, 1])), [3],
                 [1e-20, -0.6931471805599453, 0.6931471805599453], tolerance: 1e-15)
        #expect(Tensor.unary(.log1p, try K.t([1], [-1])).toDoubles() == [-.infinity])
        K.expect(Tensor.unary(.expm1, try K.t([4], [1e-20, -1, 1, 700])), [4],
                 [1e-20, -0.6321205588285577, 1.718281828459045, 1.0142320547350045e304], tolerance: 1e-15)
        K.expect(Tensor.unary(.log1p, try K.t([2], [1e-20, 1], dtype: .float32)), [2], [1e-20, 0.6931472], tolerance: 1e-7)
    }

    @Test func roundHalvesToEven() throws {
        K.expect(Tensor.unary(.round, try K.t([5], [0.5, 1.5, 2.5, -0.5, 2.6])), [5], [0, 2, 2, -0, 3])
    }

    @Test func sigmoidIsStableAtTheExtremes() throws {
        let y = Tensor.unary(.sigmoid, try K.t([5], [-1000, -1, 0, 1, 1000]))
        K.expect(y, [5], [0, 0.2689414213699951, 0.5, 0.7310585786300049, 1], tolerance: 1e-15)
        let f = Tensor.unary(.sigmoid, try K.t([3], [-100, 0, 100], dtype: .float32))
        #expect(f.dtype == .float32)
        K.expect(f, [3], [0, 0.5, 1], tolerance: 1e-7)
    }

    @Test func nanPassesThrough() throws {
        let nan = try K.t([1], [.nan])
        for op in Tensor.UnaryOp.allCases where op != .isPositive {
            #expect(Tensor.unary(op, nan).toDoubles()[0].isNaN, "\(op)")
        }
        K.expect(Tensor.unary(.isPositive, nan), [1], [0])
    }

    @Test func shapesAreKept() throws {
        K.expect(Tensor.unary(.neg, Tensor(scalar: 2)), [], [-2])
        K.expect(Tensor.unary(.exp, try Tensor.zeros([2, 0])), [2, 0], [])
    }
}

@Suite struct KernelUpdateTests {
    @Test func axpyUpdatesInPlace() throws {
        var y = try K.t([3], [1, 2, 3])
        let address = y.storage.pointer
        try Tensor.axpy(-0.5, try K.t([3], [2, 4, 6]), &y)
        K.expect(y, [3], [0, 0, 0])
        #expect(y.storage.pointer == address)
    }

    @Test func axpyCopiesSharedStorage() throws {
        var y = try K.t([2], [1, 2])
        let shared = y
        try Tensor.axpy(1, shared, &y)
        K.expect(y, [2], [2, 4])
        K.expect(shared, [2], [1, 2])
    }

    @Test func axpyErrors() throws {
        var y = try Tensor.zeros([3])
        K.error("axpy: shapes (2,) and (3,) differ") { try Tensor.axpy(1, try Tensor.zeros([2]), &y) }
        K.error("axpy: dtype float32 and float64 differ; convert one side with float32(x) or float64(x)") {
            try Tensor.axpy(1, try Tensor.zeros([3], dtype: .float32), &y)
        }
    }

    @Test func whereSelectsWithBroadcasting() throws {
        let mask = try K.t([2, 2], [1, 0, 0, 1])
        K.expect(try Tensor.where_(mask, try K.iota([2, 2]), try Tensor.zeros([])), [2, 2], [0, 0, 0, 3])
        K.expect(try Tensor.where_(try K.t([3], [0, 1, 0]), Tensor(scalar: 1), try K.t([2, 1], [5, 6])),
                 [2, 3], [5, 1, 5, 6, 1, 6])
        K.expect(try Tensor.where_(mask, try K.t([2, 2], [1, 2, 3, 4]), try K.t([2, 2], [5, 6, 7, 8])),
                 [2, 2], [1, 6, 7, 4])
        // A float32 mask selecting float64 values.
        let r = try Tensor.where_(try K.t([2], [0, 2], dtype: .float32), try K.t([2], [1, 2]), try K.t([2], [3, 4]))
        K.expect(r, [2], [3, 2])
        K.expect(try Tensor.where_(try Tensor.zeros([0]), Tensor(scalar: 1), Tensor(scalar: 2)), [0], [])
    }

    @Test func whereErrors() throws {
        K.error("where: shapes (3,), (2,) and () cannot be broadcast") {
            _ = try Tensor.where_(try Tensor.zeros([3]), try Tensor.zeros([2]), Tensor(scalar: 0))
        }
        K.error("where: dtype float64 and float32 differ; convert one side with float32(x) or float64(x)") {
            _ = try Tensor.where_(Tensor(scalar: 1), Tensor(scalar: 0), Tensor(scalar: 0, dtype: .float32))
        }
    }
}
