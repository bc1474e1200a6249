import Testing
@testable import HebbTensor

/// The interruptible sort must give exactly what the standard sort gives. (The stop flag
/// itself is process-wide, so its effect is tested through the REPL pty test, not here
/// where tests run in parallel.)
@Suite struct CancellationTests {
    @Test(arguments: [0, 1, 5, 64, 65, 1000, 4099])
    func mergeSortMatchesTheStandardSort(count: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<count).map { _ in Double(Int.random(in: -50...50, using: &generator)) }
        #expect(try Cancellation.sorted(values, runLength: 8, by: <) == values.sorted())
        #expect(try Cancellation.sorted(values, by: >) == values.sorted(by: >))
    }
}
