// Every kernel fed extreme and nonsensical arguments (Int.min/max, huge and negative
// extents, NaN/inf): each call must return or throw a TensorError, never trap. The sizes
// are chosen so that anything that could pass the checks is small, or over the allocation
// limit, so no test allocates much.

import Testing
@testable import HebbTensor

private let extremeInts = [Int.min, Int.min + 1, -(1 << 40), -7, -2, -1, 0, 1, 2, 3, 7, 1 << 31, 1 << 40, Int.max - 1, Int.max]
private let extremeDoubles = [-1e300, -3, -0.5, -0.0, 0, 0.5, 3, 1e300, .nan, .infinity, -.infinity]

/// Runs `body`, accepting success or a TensorError and recording anything else.
private func survives(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
    do { try body() } catch is TensorError {} catch { Issue.record("unexpected error \(error)", sourceLocation: sourceLocation) }
}

@Suite struct KernelRobustnessTests {
    @Test func constructors() {
        for a in extremeInts {
            survives { _ = try Tensor.eye(a) }
            survives { _ = try Tensor.linspace(start: 0, stop: 1, count: a) }
            for b in extremeInts {
                survives { _ = try Tensor.zeros([a, b]) }
                survives { _ = try Tensor.ones([b, a, 2]) }
            }
        }
        for x in extremeDoubles { for y in extremeDoubles { for step in extremeDoubles {
            survives { _ = try Tensor.arange(start: x, stop: y, step: step) }
        } } }
    }

    @Test func shapesAndAxes() throws {
        let x = try K.iota([2, 3, 4])
        for a in extremeInts {
            survives { _ = try x.reshaped([a]) }
            survives { _ = try x.reshaped([a, -1]) }
            survives { _ = try Tensor.reduce(.argmax, x, axis: a, keepDims: true) }
            survives { _ = try Tensor.softmax(x, axis: a) }
            survives { _ = try Tensor.concat([x, x], axis: a) }
            survives { _ = try Tensor.stack([x, x], axis: a) }
            survives { _ = try Tensor.transpose(x, axes: [a, 0, 1]) }
            survives { _ = try Tensor.onehot(try K.t([2], [0, 1]), classes: a) }
            survives { _ = try Tensor.broadcast(x, to: [a, 3, 4]) }
            survives { _ = try Tensor.sumToShape(x, [a, 1]) }
            for b in extremeInts {
                survives { _ = try x.reshaped([a, b, 2]) }
                survives { _ = try Tensor.sliceShape([a, b], [.single(1)]) }
            }
        }
    }

    @Test func indexing() throws {
        var random = KernelRandom(seed: 99)
        let x = try K.iota([3, 4])
        func anyInt() -> Int? { random.int(0...5) == 0 ? nil : extremeInts[random.int(0...(extremeInts.count - 1))] }
        for _ in 0..<3000 {
            var specs: [Tensor.IndexSpec] = []
            for _ in 0..<random.int(0...3) {
                switch random.int(0...3) {
                case 0: specs.append(.single(anyInt() ?? 0))
                case 1: specs.append(.range(start: anyInt(), stop: anyInt(), step: anyInt()))
                case 2: specs.append(.list((0..<random.int(0...3)).map { _ in anyInt() ?? 1 }))
                default: specs.append(.all)
                }
            }
            survives { _ = try Tensor.slice(x, specs) }
            var y = x
            survives { try Tensor.sliceAdd(&y, specs, Tensor(scalar: 1)) }
            survives { try Tensor.sliceAssign(&y, specs, try K.t([1], [2])) }
        }
    }

    @Test func convolutionAndPooling() throws {
        let x = try K.iota([1, 2, 5, 5]), w = try Tensor.ones([3, 2, 3, 3])
        for a in extremeInts {
            survives { _ = try Tensor.maxPool2d(x, size: a, stride: 2) }
            survives { _ = try Tensor.maxPool2d(x, size: 2, stride: a) }
            survives { _ = try Tensor.maxPool2dBackward(try Tensor.ones([1]), argmax: [Int32(truncatingIfNeeded: a)], inputShape: [1, 1, 2, 2]) }
            survives { _ = try Tensor.maxPool2dBackward(try Tensor.ones([1]), argmax: [0], inputShape: [a, 1, 2, 2]) }
            for b in extremeInts {
                survives { _ = try Tensor.conv2d(x, w, stride: a, padding: b) }
                survives { _ = try Tensor.conv2dBackwardInput(try Tensor.ones([1, 3, 3, 3]), w, inputShape: [1, 2, a, b], stride: 1, padding: 0) }
                survives { _ = try Tensor.conv2dBackwardFilter(try Tensor.ones([1, 3, 3, 3]), x, filterShape: [3, 2, a, b], stride: 1, padding: 0) }
            }
        }
    }

    @Test func randomShapePairs() throws {
        var random = KernelRandom(seed: 77)
        for _ in 0..<500 {
            let a = try Tensor.zeros((0..<random.int(0...3)).map { _ in random.int(0...3) })
            let b = try Tensor.zeros((0..<random.int(0...3)).map { _ in random.int(0...3) })
            survives { _ = try Tensor.binary(.pow, a, b) }
            survives { _ = try Tensor.matmul(a, b, transposeA: random.int(0...1) == 0, transposeB: random.int(0...1) == 0) }
            survives { _ = try Tensor.where_(a, b, a) }
            survives { _ = try Tensor.outer(a, b) }
            survives { _ = try Tensor.concat([a, b], axis: 0) }
            var y = b
            survives { try Tensor.axpy(2, a, &y) }
        }
    }
}
