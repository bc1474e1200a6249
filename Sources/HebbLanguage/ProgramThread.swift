import Foundation

/// A thread with a large stack that runs one session's programs, one job at a time, for the
/// session's life. Making a thread per run costs an mmap of the whole stack reservation,
/// its munmap and the TLB shootdowns that come with it, on every REPL entry and cell.
final class ProgramThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var job: (() -> Void)?
    private var stopping = false
    /// Weak: the running thread is kept alive by Foundation, and holds this object (not
    /// the session) through its closure until `stop` lets it end.
    private weak var thread: Thread?

    init(stackSize: Int) {
        let thread = Thread { [self] in serve() }
        thread.stackSize = stackSize
        self.thread = thread
        thread.start()
    }

    /// True on the program thread itself.
    var isCurrent: Bool { Thread.current === thread }

    /// Hands `job` to the thread; the caller waits for whatever the job signals.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        self.job = job
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once it is idle.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        condition.lock()
        while true {
            if let next = job {
                job = nil
                condition.unlock()
                next()
                condition.lock()
            } else if stopping {
                break
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }
}
