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
    /// Blocks above this size go back to the system when freed, unless their size was
    /// asked for before (`repeatsToCache`). Most are a data set, its slices and casts, used
    /// once: kept idle, they stayed resident under every later allocation (58 MB of the
    /// float32 MLP benchmark's peak). A size that comes back (a loop over a big tensor:
    /// `exp` of 10⁷ values per step, an evaluation each epoch) is worth keeping: freeing it
    /// each time cost every step its page faults, longer than `exp` itself.
    private let maximumCachedBytes = 1 << 25
    /// Requests of one big size before its blocks are kept when freed.
    private let repeatsToCache = 2
    /// Big sizes whose requests are counted; past this many the counts start again.
    private let countedBigSizes = 64
    /// A miss from this size up frees idle blocks first (see `take`).
    private let phaseChangeBytes = 1 << 23

    private struct State: ~Copyable {
        // Addresses as integers: raw pointers are not Sendable across the lock.
        var freeBlocks: [Int: [UInt]] = [:]
        var idleBytes = 0
        /// How often each size above `maximumCachedBytes` was asked for.
        var bigRequests: [Int: Int] = [:]
    }
    private let state = Mutex(State())
    /// Bytes of the blocks handed out and not yet given back: what big tensors hold.
    private let bytesHeld = Atomic<Int>(0)

    /// Bytes held by tensors' (non-inline) storage.
    var bytesInUse: Int { bytesHeld.load(ordering: .relaxed) }
    /// Bytes of freed blocks kept for reuse.
    var bytesIdle: Int { state.withLock { $0.idleBytes } }

    /// A block of `byteCount` bytes; nil when the system has no memory for it.
    func take(byteCount: Int) -> UnsafeMutableRawPointer? {
        if byteCount >= minimumCachedBytes {
            let big = byteCount > maximumCachedBytes, counted = countedBigSizes
            let cached = state.withLock { state -> UInt? in
                if big {
                    if state.bigRequests[byteCount] == nil, state.bigRequests.count >= counted { state.bigRequests = [:] }
                    state.bigRequests[byteCount, default: 0] += 1
                }
                guard let block = state.freeBlocks[byteCount]?.popLast() else { return nil }
                state.idleBytes -= byteCount
                return block
            }
            if let cached, let block = UnsafeMutableRawPointer(bitPattern: cached) {
                bytesHeld.wrappingAdd(byteCount, ordering: .relaxed)
                return block
            }
        }
        // A big block the pool has none of marks a change of phase (loading data, evaluating
        // on all of it, where a training step asks for the sizes it asked for before): the
        // idle blocks of the phase before give their pages back first, as many bytes as it
        // takes, so the peak is not the two phases' memory added up.
        if byteCount >= phaseChangeBytes { releaseIdle(atLeast: byteCount) }
        // Small blocks come straight from malloc (16-byte aligned, served from its per-thread
        // cache). Swift's `allocate` always goes through posix_memalign, which bypasses that
        // cache and dominated the cost of ops on tiny tensors.
        if byteCount < minimumCachedBytes, let block = malloc(byteCount) { return block }
        if byteCount >= mappedBytes {
            TensorLimits.noteUncheckedAllocation(byteCount)
            guard let block = BufferPool.map(byteCount) else { return nil }
            bytesHeld.wrappingAdd(byteCount, ordering: .relaxed)
            return block
        }
        bytesHeld.wrappingAdd(byteCount, ordering: .relaxed)
        // 64-byte alignment suits AVX loads and BLAS.
        return UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    /// Blocks from this size up are mapped from the system directly (page-aligned) and
    /// unmapped when freed. Through malloc they would come from its heap once its mmap
    /// threshold has risen (the first such free raises it), and stay resident after free.
    private let mappedBytes = 1 << 20

    /// Blocks from this size up are asked to be backed by transparent huge pages, as NumPy
    /// asks for its arrays from 4 MiB: a fresh 80 MB result faulted in 4 KiB at a time
    /// (20,000 faults, each zeroing its page) took longer than the kernel that filled it
    /// (`exp` of 10⁷ float64 values: 38 ms against NumPy's 18).
    private static let hugePageAdviceBytes = 1 << 22
    private static let hugePageBytes = 1 << 21

    /// Fresh zeroed pages, or nil when the system refuses them (a memory limit). A large
    /// block starts on a huge-page boundary (mapped 2 MiB longer, the ends given back), so
    /// all of it can be huge pages where the system allows them (`madvise` mode).
    private static func map(_ byteCount: Int) -> UnsafeMutableRawPointer? {
        guard byteCount >= hugePageAdviceBytes else {
            let address = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let address, address != MAP_FAILED else { return nil }
            return address
        }
        let padded = byteCount + hugePageBytes
        let mapped = mmap(nil, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        let start = Int(bitPattern: mapped), page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let aligned = (start + hugePageBytes - 1) & ~(hugePageBytes - 1)
        let end = (aligned + byteCount + page - 1) & ~(page - 1)
        if aligned > start { munmap(mapped, aligned - start) }
        if start + padded > end, let tail = UnsafeMutableRawPointer(bitPattern: end) { munmap(tail, start + padded - end) }
        guard let block = UnsafeMutableRawPointer(bitPattern: aligned) else { return nil }
        _ = madvise(block, byteCount, MADV_HUGEPAGE)   // advice: refused or ignored, the pages are ordinary ones
        return block
    }

    /// Returns a block to the allocator it came from.
    private func release(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        if byteCount >= mappedBytes { munmap(block, byteCount) } else { free(block) }
    }

    /// Frees every idle block (when a session ends, its buffers would otherwise stay
    /// resident beside the next session's, which rarely has the same sizes).
    func releaseIdle() {
        let blocks = state.withLock { state -> [Int: [UInt]] in
            defer { state.freeBlocks = [:]; state.idleBytes = 0; state.bigRequests = [:] }
            return state.freeBlocks
        }
        for (byteCount, addresses) in blocks {
            for address in addresses {
                if let block = UnsafeMutableRawPointer(bitPattern: address) { release(block, byteCount: byteCount) }
            }
        }
    }

    /// Frees idle blocks, the largest first, until at least `byteCount` bytes are freed or
    /// none are left.
    private func releaseIdle(atLeast byteCount: Int) {
        let taken = state.withLock { state -> [(byteCount: Int, address: UInt)] in
            var taken: [(Int, UInt)] = [], freed = 0
            for size in state.freeBlocks.keys.sorted(by: >) where freed < byteCount {
                while freed < byteCount, let address = state.freeBlocks[size]?.popLast() {
                    taken.append((size, address))
                    freed += size
                    state.idleBytes -= size
                }
                if state.freeBlocks[size]?.isEmpty == true { state.freeBlocks[size] = nil }
            }
            return taken
        }
        for (size, address) in taken {
            if let block = UnsafeMutableRawPointer(bitPattern: address) { release(block, byteCount: size) }
        }
    }

    func give(_ block: UnsafeMutableRawPointer, byteCount: Int) {
        bytesHeld.wrappingSubtract(byteCount, ordering: .relaxed)
        if byteCount >= minimumCachedBytes {
            let address = UInt(bitPattern: block)
            let big = byteCount > maximumCachedBytes, repeats = repeatsToCache
            let kept = state.withLock { state -> Bool in
                guard state.idleBytes + byteCount <= maximumIdleBytes else { return false }
                if big, state.bigRequests[byteCount, default: 0] < repeats { return false }
                state.freeBlocks[byteCount, default: []].append(address)
                state.idleBytes += byteCount
                return true
            }
            if kept { return }
        }
        release(block, byteCount: byteCount)
    }
}
