// The kernel's output sink: what a running cell prints, plots and reports as progress,
// queued in order (text coalesced, a progress bar's latest state only) until the kernel's
// main thread publishes it on IOPub, every few milliseconds while the cell runs.

import HebbLanguage
import HebbPlot
import Synchronization

/// Something a cell produced, waiting to be published.
enum KernelEvent: Equatable {
    case text(String)
    case plot(PlotSpec)
    case progress(label: String, done: Int, total: Int)
}

/// Collects a cell's output from its program thread; `take()` hands it to the publisher.
final class KernelOutput: OutputSink, @unchecked Sendable {
    private let queue = Mutex<[KernelEvent]>([])

    func write(_ text: String) {
        queue.withLock { events in
            if case .text(let earlier)? = events.last {
                events[events.count - 1] = .text(earlier + text)
            } else {
                events.append(.text(text))
            }
        }
    }

    func plot(_ spec: PlotSpec) {
        queue.withLock { $0.append(.plot(spec)) }
    }

    /// Keeps only the newest state of a bar that has not been published yet (in the place
    /// of its first state: the bar is one display, updated in place).
    func progress(_ label: String, done: Int, total: Int) {
        queue.withLock { events in
            let newest = KernelEvent.progress(label: label, done: done, total: total)
            if let index = events.lastIndex(where: { if case .progress(label, _, _) = $0 { true } else { false } }) {
                events[index] = newest
            } else {
                events.append(newest)
            }
        }
    }

    /// What was produced since the last call, in order.
    func take() -> [KernelEvent] {
        queue.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}

/// `label [#########...........]  45/100`: a progress bar as text, redrawn in place.
func progressBar(_ label: String, done: Int, total: Int) -> String {
    let percent = total > 0 ? min(100, max(0, done * 100 / total)) : 100
    let filled = percent / 5
    return "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled) + "] \(done)/\(total)"
}
