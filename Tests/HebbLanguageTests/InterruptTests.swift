// A stop request belongs to one session: a notebook cell's timeout (or `interrupt()`) stops
// that session's program, in the evaluator and inside long kernels, and never another
// session running at the same time in the same process.

import Foundation
import Testing
import HebbTensor
@testable import HebbLanguage

struct InterruptTests {
    @Test func interruptingOneSessionLeavesAnotherRunning() throws {
        nonisolated(unsafe) let stopped = HebbRun(), bystander = HebbRun()
        nonisolated(unsafe) var stoppedError: String?
        nonisolated(unsafe) var bystanderOutput: String?
        let group = DispatchGroup(), stoppedDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async(group: group) {
            stoppedError = stopped.error("n = 0\nwhile true { n += 1 }")
            stoppedDone.signal()
        }
        DispatchQueue.global().async(group: group) {
            bystanderOutput = try? bystander.run("s = 0\nfor i in range(1500000) { s += 1 }\nprint(s)").output
        }
        // Repeated: a run clears its session's request when it starts, and on a loaded
        // machine the loop may not have started yet. Bounded, so a failure cannot hang.
        var attempts = 0
        while stoppedDone.wait(timeout: .now() + 0.1) == .timedOut, attempts < 600 {
            stopped.session.interrupt()
            attempts += 1
        }
        group.wait()
        #expect(stoppedError?.contains("interrupted") == true, "\(stoppedError ?? "no error")")
        #expect(bystanderOutput == "1500000\n", "the other session was disturbed: \(bystanderOutput ?? "an error")")
    }

    // Found by the interpreter fuzz target: a recursion does all its work on the way back
    // up, where no statement boundary is crossed; the builtin calls must see the request.
    // Unstopped, this runs for minutes (5,000 permutations of 10⁶); stopped, in under a second.
    @Test func aRecursionReturningUpItsChainStops() throws {
        nonisolated(unsafe) let run = HebbRun()
        nonisolated(unsafe) var error: String?
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            error = run.error("""
                fn rec(k) { if k < 1 { return 0 }; return rec(k - 1) + float(sum(permutation(1000000))) }
                rec(5000)
                """)
            done.signal()
        }
        var attempts = 0
        while done.wait(timeout: .now() + 0.1) == .timedOut, attempts < 300 {   // 30 s at most
            run.session.interrupt()
            attempts += 1
        }
        let stopped = attempts < 300
        #expect(stopped, "the program did not stop within 30 s of the interrupt")
        if !stopped { _ = done.wait(timeout: .now() + 600) }   // let it finish before the session goes
        #expect(error?.contains("interrupted") == true, "\(error ?? "no error")")
    }

    @Test func aKernelChecksTheTokenOfItsThread() throws {
        let token = CancellationToken()
        let images = try Tensor(shape: [4, 1, 8, 8], repeating: 1)
        let filters = try Tensor(shape: [2, 1, 3, 3], repeating: 1)
        token.request()
        #expect(throws: TensorError(Cancellation.message, kind: .interrupted)) {
            try Cancellation.withToken(token) { try Tensor.conv2d(images, filters, stride: 1, padding: 0) }
        }
        // Without the token (another program's thread) the same call runs.
        #expect(try Tensor.conv2d(images, filters, stride: 1, padding: 0).shape == [4, 2, 6, 6])
        #expect(try Cancellation.withToken(CancellationToken()) { try Tensor.conv2d(images, filters, stride: 1, padding: 0) }.shape == [4, 2, 6, 6])
    }
}
