import Synchronization

/// One program's stop request: each session owns one and installs it on the thread that
/// runs its program, so a notebook cell's timeout in one session never stops another
/// session running at the same time (parallel tests, several notebooks in one process).
public final class CancellationToken: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public var isRequested: Bool { flag.load(ordering: .relaxed) }
    /// Async-signal-safe (one atomic store).
    public func request() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }
}

/// A request to stop long-running kernels (Ctrl-C in the REPL, a notebook cell's timeout).
/// Kernels that can run for seconds check it between chunks of work and throw
/// "interrupted". A stop is either for the program of the calling thread (its session's
/// token) or for every program in the process (`request()`, from a signal handler).
public enum Cancellation {
    private static let everyProgram = Atomic<Bool>(false)

    public static var isRequested: Bool {
        everyProgram.load(ordering: .relaxed) || (currentToken?.isRequested ?? false)
    }
    /// Whether every program was asked to stop (Ctrl-C); a session checks its own token
    /// beside it, without the thread-local lookup of `isRequested`.
    public static var isRequestedForEveryProgram: Bool { everyProgram.load(ordering: .relaxed) }
    /// Stops every running program (Ctrl-C): async-signal-safe.
    public static func request() { everyProgram.store(true, ordering: .relaxed) }
    /// Forgets a process-wide request (a new program starts).
    public static func clear() { everyProgram.store(false, ordering: .relaxed) }

    private static let perThread = ThreadLocalReference<CancellationToken>()

    /// The token of the program running on this thread, if any.
    static var currentToken: CancellationToken? { perThread.value }

    /// Runs `body` with `token` as the calling thread's stop request, restoring the previous one.
    public static func withToken<R>(_ token: CancellationToken, _ body: () throws -> R) rethrows -> R {
        try perThread.withValue(token, body)
    }

    /// The message every interrupted kernel throws (the interpreter adds the call site).
    public static let message = "interrupted"

    /// Throws "interrupted" when a stop was requested. One relaxed atomic load: call it
    /// once per chunk of work (an image, a row panel, a few thousand items), not per element.
    @inline(__always)
    public static func check() throws {
        if isRequested { throw TensorError(message, kind: .interrupted) }
    }

    /// Items handled between two checks in loops over cheap items (list elements, CSV
    /// rows, plot points): a check costs about as much as one item, so this keeps them free.
    public static let itemsPerCheck = 4096

    /// Checks every `itemsPerCheck`-th index (index 0 included, so a request made before
    /// the loop stops it at once).
    @inline(__always)
    public static func check(every index: Int) throws {
        if index & (itemsPerCheck - 1) == 0 { try check() }
    }
}

// MARK: - Interruptible sorting

extension Cancellation {
    /// `values.sorted(by:)`, checking for a stop between runs and merges: runs of
    /// `runLength` are sorted by the standard library, then merged pairwise (a bottom-up
    /// merge sort). Small inputs take the standard sort directly.
    @inlinable
    public static func sorted<T>(_ values: [T], runLength: Int = 1 << 15,
                                 by areInIncreasingOrder: (T, T) -> Bool) throws -> [T] {
        try check()
        let count = values.count, run = Swift.max(2, runLength)
        guard count > run else { return values.sorted(by: areInIncreasingOrder) }
        var source: [T] = []
        source.reserveCapacity(count)
        for start in stride(from: 0, to: count, by: run) {
            try check()
            source += values[start..<Swift.min(start + run, count)].sorted(by: areInIncreasingOrder)
        }
        var width = run
        while width < count {
            var target: [T] = []
            target.reserveCapacity(count)
            for start in stride(from: 0, to: count, by: 2 * width) {
                let middle = Swift.min(start + width, count), end = Swift.min(start + 2 * width, count)
                try merge(source[start..<middle], source[middle..<end], into: &target, by: areInIncreasingOrder)
            }
            source = target
            width *= 2
        }
        return source
    }

    /// Appends the merge of two sorted slices; on ties the left one's item comes first.
    /// Checks for a stop every 32768 items (the last merges span the whole array).
    @inlinable
    static func merge<T>(_ left: ArraySlice<T>, _ right: ArraySlice<T>, into target: inout [T],
                         by areInIncreasingOrder: (T, T) -> Bool) throws {
        var i = left.startIndex, j = right.startIndex, step = 0
        while i < left.endIndex && j < right.endIndex {
            step &+= 1
            if step & 0x7FFF == 0 { try check() }
            if areInIncreasingOrder(right[j], left[i]) {
                target.append(right[j]); j += 1
            } else {
                target.append(left[i]); i += 1
            }
        }
        target += left[i...]
        target += right[j...]
    }
}
