import Foundation
import HebbLanguage
import Synchronization

/// `--timeout` for a script: when the time is up the running program is interrupted (as by
/// Ctrl-C) and the error says it timed out.
final class ScriptDeadline: Sendable {
    private let reached = Atomic<Bool>(false)

    init(seconds: Double?) {
        guard let seconds, seconds > 0, seconds.isFinite else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            reached.store(true, ordering: .relaxed)
            Session.interrupt()
        }
    }

    var passed: Bool { reached.load(ordering: .relaxed) }

    /// `2`, `0.5`: seconds as the user wrote them.
    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e15 ? String(Int(seconds)) : String(seconds)
    }
}
