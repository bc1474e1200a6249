// Elementwise kernels over large tensors split across the cores, as PyTorch's are (its
// intra-op threads). Only kernels whose elements are independent and whose result does not
// depend on where a chunk starts are split, so the answer is the same bits on any number of
// threads (the vectorized math pads its last vector the same way in every chunk).

import CSleef
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum ElementwiseThreads {
    /// How many threads a large elementwise kernel uses: `HEBB_THREADS` when set, else
    /// `OMP_NUM_THREADS` or `OPENBLAS_NUM_THREADS` (the knob that already sets the BLAS's
    /// threads, so one setting caps both), else the cores online; at most 64.
    public static let count: Int = {
        for name in ["HEBB_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"] {
            if let text = getenv(name).map({ String(cString: $0) }), let value = Int(text), value > 0 {
                return min(value, 64)
            }
        }
        return max(1, min(sysconf(Int32(_SC_NPROCESSORS_ONLN)), 64))
    }()

    /// The fewest elements worth a thread of their own (so a split starts at twice this),
    /// by the function's cost: a chunk must outlast waking a worker and sharing the memory
    /// bus. Measured on 2 cores (docs/dev/benchmarks.md): pow (3–5 ns an element) gains
    /// from 2¹⁶ elements, expm1 (1.3–2.7 ns) from 2¹⁷, exp and the other ~1 ns functions
    /// only from 2¹⁹.
    static func grain(_ function: hebb_vm_op) -> Int {
        function == HEBB_VM_EXPM1 ? 1 << 16 : 1 << 18
    }
    static let powGrain = 1 << 15
}

extension Tensor {
    /// Calls `body(start, length)` over `0..<count` in contiguous chunks, one per thread,
    /// when each chunk would get at least `grain` elements; otherwise once, on this thread.
    /// Chunks start at multiples of 64 elements, so no two threads write one cache line.
    @inline(__always)
    static func forEachChunk(of count: Int, grain: Int, threads: Int = ElementwiseThreads.count,
                             _ body: (_ start: Int, _ length: Int) -> Void) {
        let threads = min(threads, count / max(grain, 1))
        guard threads > 1 else { return body(0, count) }
        let chunk = ((count + threads - 1) / threads + 63) & ~63
        // The chunks write disjoint ranges and concurrentPerform returns when all are done,
        // so handing the (non-Sendable) kernel to the workers is safe.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let kernel = body
            DispatchQueue.concurrentPerform(iterations: threads) { index in
                let start = index * chunk
                if start < count { kernel(start, min(chunk, count - start)) }
            }
        }
    }
}
