import Synchronization

/// A request to stop long-running kernels (Ctrl-C in the REPL, a notebook cell's timeout).
/// Kernels that can run for seconds check it between chunks of work and throw
/// "interrupted"; the interpreter sets and clears it.
public enum Cancellation {
    private static let flag = Atomic<Bool>(false)

    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
}
