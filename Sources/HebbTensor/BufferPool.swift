#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A size-bucketed free list of raw blocks (PyTorch's caching allocator, in small).
/// Freed tensor storage of a given byte size is kept and handed to the next tensor of the
/// same size, so a training step reuses last step's buffers instead of faulting in new pages.
final class BufferPool: Sendable {
    static let shared = BufferPool()

    /// Blocks below this size come from malloc's own fast bins; caching them buys nothing.
    private let minimumCachedBytes = 4096
    /// Total bytes the pool may hold idle before it frees blocks back to the system.
    private let maximumIdleBytes = 1 << 30

    private struct State: ~Copyable {
        // Addresses as integers: raw pointers are not Sendable across the lock.
        var freeBlocks: [Int: [UInt]] = [:]
        var idleBytes = 0
    }
    private let state = Mutex(State())

    func take(byteCount: Int) -> UnsafeMutableRawPointer {
        if byteCount >= minimumCachedBytes {
            let cached = state.withLock { state -> UInt? in
                guard let block = state.freeBlocks[byteCount]?.popLast() else { return nil }
                state.idleBytes -= byteCount
                return block
            }
            if let cached, let block = UnsafeMutableRawPointer(bitPattern: cached) { return block }
        }
        // Small blocks come straight from malloc (16-byte aligned, served from its per-thread
        // cache). Swift's `allocate` always goes through posix_memalign, which bypasses that
        // cache and dominated the cost of ops on tiny tensors.
        if byteCount < minimumCachedBytes, let block = malloc(byteCount) { return block }
        // 64-byte alignment suits AVX loads and BLAS.
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    func give(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= minimumCachedBytes {
            let address = UInt(bitPattern: block)
            let kept = state.withLock { state -> Bool in
                guard state.idleBytes + byteCount <= maximumIdleBytes else { return false }
                state.freeBlocks[byteCount, default: []].append(address)
                state.idleBytes += byteCount
                return true
            }
            if kept { return }
        }
        // Both allocation paths end in glibc's allocator, so free() releases either.
        free(block)
    }
}
