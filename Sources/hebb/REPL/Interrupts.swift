// Ctrl-C in the REPL. While a program runs, SIGINT asks the session to stop (the
// interpreter polls the flag between statements and ops). At the prompt, libedit restores
// the terminal and re-raises SIGINT to this handler, and el_gets returns NULL: the count
// kept here tells that apart from Ctrl-D, which also returns NULL.

import HebbLanguage
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINTs since the last prompt or run started; only the signal handler increments it.
let replInterruptCount = Atomic<Int>(0)
/// True while a program runs (the "still stopping" notice is only for a running entry).
let replProgramRunning = Atomic<Bool>(false)

/// After this many Ctrl-Cs during one entry, say once that it is still stopping.
private let interruptsBeforeNotice = 3

/// Async-signal-safe: atomics and write(2) only. Never exits: however often Ctrl-C is
/// pressed, the running entry stops at its next check and the session is kept.
private func handleInterrupt(_ signalNumber: Int32) {
    let count = replInterruptCount.add(1, ordering: .relaxed).newValue
    Session.interrupt()
    if count == interruptsBeforeNotice && replProgramRunning.load(ordering: .relaxed) {
        let message: StaticString = "\nhebb: stopping the running entry (Ctrl-\\ quits hebb)\n"
        _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    }
}

extension REPL {
    enum Interrupts {
        /// Installs the handler, and unblocks the signals libedit and Ctrl-C rely on: a
        /// parent (a test harness, a threaded launcher) may have left them blocked, and a
        /// blocked SIGINT would make Ctrl-C do nothing at all.
        static func install() {
            _ = signal(SIGINT, handleInterrupt)
            var signals = sigset_t()
            sigemptyset(&signals)
            for number in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGWINCH] {
                sigaddset(&signals, number)
            }
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        }

        /// Called as a prompt is shown or a run starts: earlier Ctrl-Cs are spent.
        static func reset() {
            replInterruptCount.store(0, ordering: .relaxed)
        }

        /// Runs a program with Ctrl-C armed, counted from zero.
        static func whileRunning<T>(_ body: () throws -> T) rethrows -> T {
            reset()
            replProgramRunning.store(true, ordering: .relaxed)
            defer { replProgramRunning.store(false, ordering: .relaxed) }
            return try body()
        }

        static var wasInterrupted: Bool {
            replInterruptCount.load(ordering: .relaxed) > 0
        }
    }
}
