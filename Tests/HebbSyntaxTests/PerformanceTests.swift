#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import HebbSyntax

@Suite struct PerformanceTests {
    /// A 10,000-line program made of the sample programs, repeated.
    static let bigProgram: String = {
        let lines = (Samples.network + "\n" + Samples.optimizers + "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var program: [Substring] = []
        while program.count < 10_000 { program += lines }
        return program.prefix(10_000).joined(separator: "\n") + "\n"
    }()

    /// CPU time of the calling thread in seconds: unlike wall time, it does not grow when
    /// other tests or builds share the machine.
    static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    @Test func tenThousandLinesParseQuickly() {
        let file = SourceFile(name: "big.hebb", text: Self.bigProgram)
        var best = Double.infinity
        var statements = 0
        for _ in 0..<3 {
            let start = Self.threadCPUTime()
            statements = Parser.parse(file, symbols: SymbolTable()).program.statements.count
            best = min(best, Self.threadCPUTime() - start)
        }
        #expect(statements > 4_000)
        // A release build takes about 25-35 ms of CPU here.
        #if DEBUG
        let limit = 3.0     // unoptimized builds are ~10x slower
        #else
        let limit = 0.1
        #endif
        #expect(best < limit, "parsing 10,000 lines took \(best * 1000) ms of CPU")
    }
}
