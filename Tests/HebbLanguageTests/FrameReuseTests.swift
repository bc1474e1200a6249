// A call's frame is reused by a later call when nothing kept it (Scope.swift,
// SpareFrames). Reuse must be invisible: a closure's frame is never reused, a reused frame
// starts empty, and a finished call keeps nothing alive.

import Testing
@testable import HebbLanguage

struct FrameReuseTests {
    @Test func closuresFromSeparateCallsKeepTheirOwnFrames() throws {
        let hebb = HebbRun()
        let values = try hebb.numbers("""
        fn adder(k) { return fn(x) { return x + k } }
        add1 = adder(1)
        add2 = adder(2)
        [add1(10), add2(10), adder(3)(10), add1(0)]
        """)
        #expect(values == [11, 12, 13, 1])
    }

    @Test func aFrameCapturedByAClosureThatWasDroppedIsNotReused() throws {
        let hebb = HebbRun()
        let values = try hebb.numbers("""
        fn f(v) {
            g = fn() { return v }
            return g
        }
        fn unrelated(a, b) { return a * b }
        first = f(1)
        u = unrelated(5, 6)
        second = f(2)
        [first(), second(), u]
        """)
        #expect(values == [1, 2, 30])
    }

    /// Every kind of call gives its frame back: one argument, several, by label. Functions
    /// of 11 and 12 parameters, so no stdlib frame is counted.
    @Test func everyKindOfCallGivesItsFrameBack() throws {
        let hebb = HebbRun()
        let eleven = (1...11).map { "p\($0)" }.joined(separator: ", "), twelve = (1...12).map { "q\($0)" }.joined(separator: ", ")
        try hebb.run("fn f(\(eleven)) { return p1 + p11 }\nfn g(\(twelve)) { return q1 }")
        #expect(hebb.session.spareFrameCount(slotCount: 11) == 0 && hebb.session.spareFrameCount(slotCount: 12) == 0)
        let args = (1...10).map(String.init).joined(separator: ", ")
        let values = try hebb.numbers("[f(\(args), 11), f(\(args), p11: 5), g(\(args), 11, 12)]")
        #expect(values == [12, 6, 1])
        #expect(hebb.session.spareFrameCount(slotCount: 11) == 1 && hebb.session.spareFrameCount(slotCount: 12) == 1)
        // A failing call gives its frame back too, and calls in a loop reuse one frame each.
        #expect(hebb.error("f(\(args), undefined_name)") != nil)
        try hebb.run("for i in 1...50 { f(\(args), i)\n g(\(args), 11, i) }")
        #expect(hebb.session.spareFrameCount(slotCount: 11) == 1 && hebb.session.spareFrameCount(slotCount: 12) == 1)
    }

    /// A local assigned on one call only must not be seen by the next call that reuses
    /// the frame: an unassigned local reads the global, as it always did.
    @Test func aReusedFrameStartsEmpty() throws {
        let hebb = HebbRun()
        let values = try hebb.numbers("""
        y = 7
        fn h(assign) {
            if assign { y = 5 }
            return y
        }
        [h(true), h(false), h(true), h(false)]
        """)
        #expect(values == [5, 7, 5, 7])
    }

    @Test func recursionAndErrorsLeaveCallsWorking() throws {
        let hebb = HebbRun()
        #expect(try hebb.numbers("""
        fn fib(n) { if n < 2 { return n }; return fib(n - 1) + fib(n - 2) }
        fn depth(k) { if k < 1 { return 0 }; return 1 + depth(k - 1) }
        [fib(20), depth(5000), fib(10)]
        """) == [6765, 5000, 55])
        let error = try #require(hebb.error("fn bad(v) { return v + \"s\" }\nbad(1)"))
        #expect(error.contains("in bad() called at"), "\(error)")
        #expect(try hebb.numbers("[fib(12), depth(3)]") == [144, 3])
    }

    /// The frames kept for reuse are emptied: an argument is not held after its call.
    @Test func aFinishedCallKeepsNoArgumentAlive() throws {
        let hebb = HebbRun()
        try hebb.run("fn size(r) { n = r.a; return n }\nr = {a: 1}\ns = size(r)")
        weak var weakRecord: RecordBox?
        if case .record(let record)? = hebb.session.value(named: "r") { weakRecord = record }
        #expect(weakRecord != nil, "r is not a record")
        try hebb.run("r = none")
        #expect(weakRecord == nil, "a spare frame kept the call's argument alive")
    }
}
