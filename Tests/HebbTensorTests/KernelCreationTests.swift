// Constructors, casts, reshapes, and materialised broadcasts (and their adjoint).

import Testing
@testable import HebbTensor

@Suite struct KernelCreationTests {
    @Test func zerosOnesEye() throws {
        K.expect(try Tensor.zeros([2, 2]), [2, 2], [0, 0, 0, 0])
        K.expect(try Tensor.ones([3], dtype: .float32), [3], [1, 1, 1])
        #expect(try Tensor.ones([3], dtype: .float32).dtype == .float32)
        K.expect(try Tensor.zeros([]), [], [0])
        K.expect(try Tensor.zeros([0, 4]), [0, 4], [])
        K.expect(try Tensor.eye(3), [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1])
        K.expect(try Tensor.eye(0), [0, 0], [])
    }

    @Test func creationErrors() throws {
        K.error("eye: size must be non-negative, got -1") { _ = try Tensor.eye(-1) }
        K.error("negative dimension -2 in shape (3, -2)") { _ = try Tensor.zeros([3, -2]) }
        K.error("shape (4611686018427387904, 4) is too large") { _ = try Tensor.zeros([1 << 62, 4]) }
        #expect(throws: TensorError.self) { _ = try Tensor.ones([1 << 20, 1 << 20]) }
        #expect(throws: TensorError.self) { _ = try Tensor.eye(1 << 31) }
    }

    @Test func arangeFollowsNumPy() throws {
        K.expect(try Tensor.arange(start: 0, stop: 5, step: 1), [5], [0, 1, 2, 3, 4])
        K.expect(try Tensor.arange(start: 1, stop: 2, step: 0.25), [4], [1, 1.25, 1.5, 1.75])
        K.expect(try Tensor.arange(start: 5, stop: 0, step: -2), [3], [5, 3, 1])
        K.expect(try Tensor.arange(start: 0, stop: 1, step: 0.1), [10],
                 (0..<10).map { Double($0) * 0.1 })
        K.expect(try Tensor.arange(start: 3, stop: 1, step: 1), [0], [])
        K.expect(try Tensor.arange(start: 0, stop: 3, step: 1, dtype: .float32), [3], [0, 1, 2])
        K.error("arange: step must not be zero") { _ = try Tensor.arange(start: 0, stop: 1, step: 0) }
        K.error("arange: start, stop and step must be finite") {
            _ = try Tensor.arange(start: 0, stop: .infinity, step: 1)
        }
        K.error("arange: start, stop and step must be finite") { _ = try Tensor.arange(start: .nan, stop: 1, step: 1) }
        #expect(throws: TensorError.self) { _ = try Tensor.arange(start: 0, stop: 1e300, step: 1e-300) }
        #expect(throws: TensorError.self) { _ = try Tensor.arange(start: -1e308, stop: 1e308, step: 1) }
        #expect(throws: TensorError.self) { _ = try Tensor.arange(start: 0, stop: 1e12, step: 1) }
    }

    @Test func linspaceIncludesBothEnds() throws {
        K.expect(try Tensor.linspace(start: 0, stop: 1, count: 5), [5], [0, 0.25, 0.5, 0.75, 1])
        K.expect(try Tensor.linspace(start: 2, stop: -2, count: 3), [3], [2, 0, -2])
        K.expect(try Tensor.linspace(start: 0, stop: 1, count: 1), [1], [0])
        K.expect(try Tensor.linspace(start: 0, stop: 1, count: 0), [0], [])
        let tenths = try Tensor.linspace(start: 0, stop: 0.3, count: 4)
        #expect(tenths.toDoubles().last == 0.3)
        K.error("linspace: count must be non-negative, got -3") { _ = try Tensor.linspace(start: 0, stop: 1, count: -3) }
    }

    @Test func castRoundTrips() throws {
        let a = try K.t([3], [1.5, -2, 1e-3])
        let f = try a.cast(to: .float32)
        #expect(f.dtype == .float32)
        K.expect(f, [3], [1.5, -2, Double(Float(1e-3))])
        let back = try f.cast(to: .float64)
        #expect(back.dtype == .float64)
        K.expect(back, [3], [1.5, -2, Double(Float(1e-3))])
        K.expect(try a.cast(to: .float64), [3], [1.5, -2, 1e-3])
        K.expect(try Tensor.zeros([0, 2]).cast(to: .float32), [0, 2], [])
    }

    @Test func reshapeSharesStorage() throws {
        let a = try K.iota([2, 3])
        let r = try a.reshaped([3, 2])
        K.expect(r, [3, 2], [0, 1, 2, 3, 4, 5])
        #expect(r.storage === a.storage)
        K.expect(try a.reshaped([-1]), [6], [0, 1, 2, 3, 4, 5])
        K.expect(try a.reshaped([1, -1, 2]), [1, 3, 2], [0, 1, 2, 3, 4, 5])
        K.expect(try Tensor(scalar: 4).reshaped([1, 1]), [1, 1], [4])
        K.expect(try K.t([1], [4]).reshaped([]), [], [4])
        K.expect(try Tensor.zeros([0, 3]).reshaped([3, 0, 5]), [3, 0, 5], [])
        K.expect(try Tensor.zeros([0, 3]).reshaped([-1, 3]), [0, 3], [])
    }

    @Test func reshapeValueSemantics() throws {
        let a = try K.iota([4])
        var r = try a.reshaped([2, 2])
        try Tensor.sliceAssign(&r, [.single(0), .single(0)], Tensor(scalar: 9))
        K.expect(a, [4], [0, 1, 2, 3])
        K.expect(r, [2, 2], [9, 1, 2, 3])
    }

    @Test func reshapeErrors() throws {
        let a = try K.iota([2, 3])
        K.error("reshape: cannot reshape tensor of size 6 into shape (4,)") { _ = try a.reshaped([4]) }
        K.error("reshape: cannot reshape tensor of size 6 into shape (-1, 4)") { _ = try a.reshaped([-1, 4]) }
        K.error("reshape: can only specify one unknown dimension") { _ = try a.reshaped([-1, -1]) }
        K.error("reshape: negative dimension -2 in shape (-2, -3)") { _ = try a.reshaped([-2, -3]) }
        K.error("reshape: cannot reshape tensor of size 0 into shape (-1, 0)") {
            _ = try Tensor.zeros([0]).reshaped([-1, 0])
        }
        K.error("reshape: cannot reshape tensor of size 6 into shape (4611686018427387904, 4611686018427387904)") {
            _ = try a.reshaped([1 << 62, 1 << 62])
        }
    }
}

@Suite struct KernelBroadcastTests {
    @Test func broadcastMaterialises() throws {
        K.expect(try Tensor.broadcast(try K.t([3], [1, 2, 3]), to: [2, 3]), [2, 3], [1, 2, 3, 1, 2, 3])
        K.expect(try Tensor.broadcast(try K.t([2, 1], [1, 2]), to: [2, 3]), [2, 3], [1, 1, 1, 2, 2, 2])
        K.expect(try Tensor.broadcast(Tensor(scalar: 7), to: [2]), [2], [7, 7])
        K.expect(try Tensor.broadcast(try K.t([1], [7]), to: [0]), [0], [])
        K.expect(try Tensor.broadcast(try K.iota([2, 1, 2]), to: [3, 2, 2, 2]), [3, 2, 2, 2],
                 Array(repeating: [0, 1, 0, 1, 2, 3, 2, 3], count: 3).flatMap { $0 })
        K.error("broadcast: shape (3,) cannot be broadcast to (4,)") {
            _ = try Tensor.broadcast(try Tensor.zeros([3]), to: [4])
        }
        K.error("broadcast: shape (2, 3) cannot be broadcast to (3,)") {
            _ = try Tensor.broadcast(try Tensor.zeros([2, 3]), to: [3])
        }
        K.error("broadcast: shape () cannot be broadcast to (-1,)") {
            _ = try Tensor.broadcast(Tensor(scalar: 1), to: [-1])
        }
    }

    @Test func sumToShapeUndoesBroadcast() throws {
        let g = try K.iota([2, 3])
        K.expect(try Tensor.sumToShape(g, [3]), [3], [3, 5, 7])
        K.expect(try Tensor.sumToShape(g, [1, 3]), [1, 3], [3, 5, 7])
        K.expect(try Tensor.sumToShape(g, [2, 1]), [2, 1], [3, 12])
        K.expect(try Tensor.sumToShape(g, []), [], [15])
        K.expect(try Tensor.sumToShape(g, [1, 1]), [1, 1], [15])
        K.expect(try Tensor.sumToShape(g, [2, 3]), [2, 3], [0, 1, 2, 3, 4, 5])
        K.expect(try Tensor.sumToShape(try K.iota([2, 3, 2]), [3, 1]), [3, 1], [14, 22, 30])
        K.expect(try Tensor.sumToShape(try Tensor.zeros([0, 3]), [3]), [3], [0, 0, 0])
        K.expect(try Tensor.sumToShape(try Tensor.zeros([2, 0]), [1, 0]), [1, 0], [])
        K.error("sumToShape: shape (2, 3) cannot be summed to (2,)") { _ = try Tensor.sumToShape(g, [2]) }
        K.error("sumToShape: shape (2, 3) cannot be summed to (4, 2, 3)") { _ = try Tensor.sumToShape(g, [4, 2, 3]) }
    }

    /// sumToShape is the adjoint of broadcast: <broadcast(x), g> == <x, sumToShape(g)>.
    @Test func sumToShapeMatchesReferenceOnRandomShapes() throws {
        var random = KernelRandom(seed: 11)
        for _ in 0..<200 {
            let big = random.shape(rank: random.int(0...4))
            let small = random.broadcastPartner(of: big)
            let g = try random.tensor(big)
            let summed = try Tensor.sumToShape(g, small)
            var expected = [Double](repeating: 0, count: small.reduce(1, *))
            let values = g.toDoubles()
            for (flat, index) in K.multiIndices(big).enumerated() {
                let offset = big.count - small.count
                let local = small.indices.map { small[$0] == 1 ? 0 : index[$0 + offset] }
                expected[K.flatIndex(local, small)] += values[flat]
            }
            K.expect(summed, small, expected, tolerance: 1e-12)
            let x = try random.tensor(small)
            let lhs = try Tensor.reduce(.sum, Tensor.binary(.mul, Tensor.broadcast(x, to: big), g), axis: nil)
            let rhs = try Tensor.reduce(.sum, Tensor.binary(.mul, x, summed), axis: nil)
            K.close(lhs, rhs, tolerance: 1e-12)
        }
    }
}
