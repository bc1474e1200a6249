import CSleef
import Synchronization
import Testing
@testable import HebbTensor

/// Large vectorized-math kernels run in chunks on several threads; the chunks must cover
/// every element once and give the same bits as one call over the whole array, on any
/// number of threads (a result must not depend on the machine's core count).
@Suite struct ParallelElementwiseTests {
    @Test(arguments: [1, 2, 3, 7])
    func chunksCoverEveryElementOnceOnCacheLineBoundaries(threads: Int) {
        for count in [0, 1, 63, 64, 65, 1000, 4097, 100_003] {
            var seen = [Int](repeating: 0, count: count)
            var starts: [Int] = []
            seen.withUnsafeMutableBufferPointer { seen in
                let base = seen.baseAddress
                let lock = Mutex([Int]())
                Tensor.forEachChunk(of: count, grain: 16, threads: threads) { start, length in
                    for i in start..<start + length { base?[i] += 1 }
                    lock.withLock { $0.append(start) }
                }
                starts = lock.withLock { $0 }
            }
            #expect(seen.allSatisfy { $0 == 1 }, "count \(count), \(threads) threads")
            #expect(starts.allSatisfy { $0 % 64 == 0 }, "count \(count), \(threads) threads: starts \(starts)")
            #expect(starts.count <= max(threads, 1))
        }
    }

    static let functions: [hebb_vm_op] = [HEBB_VM_EXP, HEBB_VM_LOG, HEBB_VM_TANH, HEBB_VM_SIGMOID, HEBB_VM_SOFTPLUS,
                                          HEBB_VM_LOG1P, HEBB_VM_EXPM1, HEBB_VM_SQRT, HEBB_VM_SIN, HEBB_VM_COS]

    @Test func splitFunctionsGiveTheBitsOfOneCall() {
        let n = 10_007  // leaves a partial vector at the end of the array and of some chunks
        let x = (0..<n).map { Double(($0 * 7919) % 2003) / 97 - 10 }
        for function in Self.functions {
            for threads in [2, 3, 5] {
                #expect(bits(run(function, x, threads: threads)) == bits(run(function, x, threads: 1)),
                        "op \(function.rawValue), \(threads) threads")
                let xf = x.map(Float.init)
                #expect(bits(run(function, xf, threads: threads)) == bits(run(function, xf, threads: 1)),
                        "op \(function.rawValue), float32")
            }
        }
    }

    @Test func splitPowGivesTheBitsOfOneCall() {
        let n = 10_007
        let a = (0..<n).map { 0.01 + Double(($0 * 7919) % 2003) / 97 }
        let b = (0..<n).map { Double(($0 * 31) % 61) / 10 - 3 }
        for threads in [2, 3, 5] {
            for (strideA, strideB) in [(1, 1), (1, 0), (0, 1)] {
                #expect(bits(pow(a, strideA, b, strideB, threads: threads)) == bits(pow(a, strideA, b, strideB, threads: 1)))
            }
        }
    }

    /// The public path: a tensor above every grain, through `Tensor.unary`, equals its
    /// slices (each below the grain, so computed on one thread) put together.
    @Test func largeTensorEqualsItsSlicesComputedAlone() throws {
        let n = 1 << 20
        let x = try K.t([n], (0..<n).map { Double(($0 * 7919) % 20011) / 997 - 10 })
        let whole = Tensor.unary(.expm1, x).toDoubles()
        var pieces: [Double] = []
        for start in stride(from: 0, to: n, by: 5000) {
            let piece = try Tensor.slice(x, [.range(start: start, stop: min(start + 5000, n), step: 1)])
            pieces += Tensor.unary(.expm1, piece).toDoubles()
        }
        #expect(bits(whole) == bits(pieces))
    }

    /// Bit patterns, so NaNs compare equal to themselves.
    private func bits<T: BinaryFloatingPoint>(_ values: [T]) -> [UInt64] {
        values.map { value in
            if let double = value as? Double { return double.bitPattern }
            return UInt64((value as? Float)?.bitPattern ?? 0)
        }
    }

    private func run<T: TensorScalar>(_ function: hebb_vm_op, _ x: [T], threads: Int) -> [T] {
        var y = [T](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                guard let input = x.baseAddress, let output = y.baseAddress else { return }
                Tensor.forEachChunk(of: x.count, grain: 100, threads: threads) { start, length in
                    T.vectorMathRun(function, length, input + start, output + start)
                }
            }
        }
        return y
    }

    private func pow(_ a: [Double], _ strideA: Int, _ b: [Double], _ strideB: Int, threads: Int) -> [Double] {
        var y = [Double](repeating: 0, count: a.count)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                y.withUnsafeMutableBufferPointer { y in
                    guard let a = a.baseAddress, let b = b.baseAddress, let out = y.baseAddress else { return }
                    Tensor.forEachChunk(of: y.count, grain: 100, threads: threads) { start, length in
                        Double.vectorPowRun(length, a + start * strideA, strideA, b + start * strideB, strideB, out + start)
                    }
                }
            }
        }
        return y
    }
}
