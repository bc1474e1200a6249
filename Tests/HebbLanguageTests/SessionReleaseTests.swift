// A dropped session frees everything it made: the session itself (its interpreter used to
// hold it strongly), and the cycles a closure makes with the scope that holds it (every
// stdlib optimizer: `opt.step` captures the scope holding `opt`).

import Foundation
import Testing
@testable import HebbLanguage
import HebbSyntax

struct SessionReleaseTests {
    /// The record a global names in `hebb`, for watching it through a weak reference.
    private func record(_ name: String, in hebb: HebbRun) -> RecordBox? {
        guard case .record(let record)? = hebb.session.value(named: name) else { return nil }
        return record
    }

    @Test func droppedSessionIsFreed() throws {
        weak var weakSession: Session?
        do {
            let hebb = HebbRun()
            try hebb.run("x = randn(10, 10)\nfn f(a) { return a + 1 }\ny = f(x)")
            weakSession = hebb.session
            #expect(weakSession != nil)
        }
        #expect(weakSession == nil, "the session outlived its last user")
    }

    /// Found by the interpreter fuzzer (LeakSanitizer): each session leaked part of the
    /// stdlib's syntax tree, about 140 KB per session.
    @Test func droppedSessionFreesTheStdlibFunctions() throws {
        final class WeakDeclaration { weak var declaration: FunctionDecl?; let name: String
            init(_ declaration: FunctionDecl, _ name: String) { self.declaration = declaration; self.name = name } }
        var watched: [WeakDeclaration] = []
        do {
            let hebb = HebbRun()
            for name in hebb.session.builtinNames {
                if case .function(let closure)? = hebb.session.value(named: name) { watched.append(WeakDeclaration(closure.declaration, name)) }
            }
            #expect(watched.count > 20)
        }
        let survivors = watched.filter { $0.declaration != nil }.map(\.name)
        #expect(survivors.isEmpty, "stdlib functions outlived their session: \(survivors)")
    }

    /// Each session runs its programs on one long-lived thread; a dropped session's thread
    /// ends, so making sessions (a notebook test run, kernel restarts) does not pile up threads.
    @Test func droppedSessionsEndTheirProgramThreads() throws {
        func threadCount() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }
        let before = threadCount()
        for _ in 0..<200 {
            let hebb = HebbRun()
            try hebb.run("x = 1")
            try hebb.run("fn f(n) { if n < 1 { return 0 }; return f(n - 1) }\nf(500)")
        }
        var after = threadCount()
        for _ in 0..<50 where after > before + 20 { usleep(20_000); after = threadCount() }
        // Other tests run in parallel and make threads of their own: allow for them.
        #expect(after < before + 40, "threads: \(before) before, \(after) after 200 sessions")
    }

    @Test func closureCyclesAreFreedWithTheSession() throws {
        weak var optimizer: RecordBox?
        do {
            let hebb = HebbRun()
            try hebb.run("opt = momentum(lr: 0.1)\nW = ones(3)\nP = opt.step([W], [ones(3)])")
            optimizer = record("opt", in: hebb)
            #expect(optimizer != nil)
        }
        #expect(optimizer == nil, "an optimizer (a record whose step closure holds it) outlived its session")
    }

    @Test func resetFreesClosureCycles() throws {
        let hebb = HebbRun()
        try hebb.run("opt = adam()")
        weak var optimizer = record("opt", in: hebb)
        #expect(optimizer != nil)
        hebb.session.reset()
        #expect(optimizer == nil, "an optimizer outlived :reset")
    }

    /// Garbage cycles are collected between top-level statements once enough closure
    /// scopes have been made, so a session that keeps making optimizers stays bounded.
    @Test func unreachableClosureCyclesAreCollectedDuringASession() throws {
        let hebb = HebbRun()
        try hebb.run("opt = sgd()")
        weak var first = record("opt", in: hebb)
        #expect(first != nil)
        try hebb.run("for i in range(600) { opt = sgd(lr: i) }\nlast = opt.lr")
        #expect(first == nil, "an unreachable optimizer survived 600 newer ones")
        // What the globals still reach is kept, and works.
        #expect(try hebb.numbers("sum(opt.step([ones(2)], [ones(2)])[0])") == [-1196])
        #expect(try hebb.numbers("keep = sgd(lr: 3)\nfor i in range(600) { o = sgd() }\nsum(keep.step([ones(1)], [ones(1)])[0])") == [-2])
    }
}
