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

    @Test func tenThousandLinesParseQuickly() {
        let file = SourceFile(name: "big.hebb", text: Self.bigProgram)
        var best = Duration.seconds(100)
        var statements = 0
        for _ in 0..<3 {
            let elapsed = ContinuousClock().measure {
                statements = Parser.parse(file, symbols: SymbolTable()).program.statements.count
            }
            best = min(best, elapsed)
        }
        #expect(statements > 4_000)
        // Standalone, a release build takes about 25-35 ms. The bounds leave room for a
        // loaded machine (tests run in parallel) while still catching anything quadratic.
        #if DEBUG
        let limit = Duration.seconds(3)     // unoptimized builds are ~10x slower
        #else
        let limit = Duration.milliseconds(250)
        #endif
        #expect(best < limit, "parsing 10,000 lines took \(best)")
    }
}
