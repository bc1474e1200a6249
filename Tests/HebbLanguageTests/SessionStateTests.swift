// What a program may do is the session's, not the process's: allocation limits and
// --check-finite set on one session leave another in the same process alone, and every
// error says what kind it is (syntax, runtime, interrupted, limit) so callers need not read
// its message.

import Foundation
import Testing
import HebbSyntax
import HebbTensor
@testable import HebbLanguage

struct SessionStateTests {
    private func thrown(_ run: HebbRun, _ source: String) -> Diagnostic? {
        do { try run.run(source); return nil } catch { return error as? Diagnostic }
    }

    @Test func anAllocationLimitBelongsToItsSession() throws {
        nonisolated(unsafe) let limited = HebbRun(), free = HebbRun()
        limited.session.allocationLimit = TensorLimits.Budget(bytes: 1 << 20, source: "this session's limit")
        let program = "big = zeros(1000, 1000)\nbig.shape"
        nonisolated(unsafe) var refusal: Diagnostic?, allowed: String?
        // At the same time, on two threads: neither limit leaks into the other.
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { refusal = self.thrown(limited, program) }
        DispatchQueue.global().async(group: group) { allowed = try? free.run(program).value }
        group.wait()
        #expect(refusal?.kind == .limit)
        #expect(refusal?.message.contains("this session's limit") == true, "\(refusal?.message ?? "no error")")
        #expect(allowed == "(1000, 1000)")
        #expect(TensorLimits.budget == TensorLimits.processBudget, "the session's limit stayed on its program thread")
    }

    @Test func checkFiniteBelongsToItsSession() throws {
        let checked = HebbRun(), unchecked = HebbRun()
        checked.session.checksFinite = true
        let program = "y = log(zeros(3) - 1)\nsum(y)"
        let error = thrown(checked, program)
        #expect(error?.message.contains("produced nan (--check-finite)") == true, "\(error?.message ?? "no error")")
        #expect(try unchecked.run(program).value == "nan")
    }

    @Test(arguments: [
        ("x = (1 +", Diagnostic.Kind.syntax),
        ("undefined_name + 1", .runtime),
        ("ones(2, 3) @ ones(2, 3)", .runtime),
        ("fn f(n) { return f(n + 1) }\nf(0)", .limit),
        ("zeros(1e6, 1e6)", .limit),
    ])
    func errorsSayWhatKindTheyAre(source: String, kind: Diagnostic.Kind) {
        let error = thrown(HebbRun(), source)
        #expect(error?.kind == kind, "\(source): \(error?.rendered() ?? "no error")")
        #expect(error?.span != nil)
    }

    @Test func anInterruptedProgramSaysSo() {
        nonisolated(unsafe) let run = HebbRun()
        nonisolated(unsafe) var error: Diagnostic?
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            error = self.thrown(run, "n = 0\nwhile true { n += 1 }")
            done.signal()
        }
        var attempts = 0
        while done.wait(timeout: .now() + 0.1) == .timedOut, attempts < 600 {
            run.session.interrupt()
            attempts += 1
        }
        #expect(error?.kind == .interrupted)
        // Interrupted inside a kernel: the engine's stop carries its kind through the interpreter.
        #expect(Diagnostic.Kind(TensorError(Cancellation.message, kind: .interrupted).kind) == .interrupted)
    }
}
