import Foundation
import Testing

/// Under a process memory limit (`ulimit -v`), programs that ask for more memory than is
/// left fail with the located allocation error and exit 1; none aborts on a signal.
/// One program at a time, under 1 GB: each grows to its limit, and seven of them side by
/// side (beside the rest of the suite) starved a small CI machine.
@Suite(.serialized) struct MemoryLimitTests {
    /// Runs `source` with hebb under `ulimit -v kilobytes` (set in the child's shell).
    static func runLimited(_ source: String, kilobytes: Int = 1_000_000) throws -> (status: Int32, crashed: Bool, stderr: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("program.hebb").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit -v \(kilobytes) && exec \"$0\" \"$1\"", BinaryRunner.executable.path, path]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["HEBB_MAX_ALLOC"] = nil
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, text)
    }

    @Test(arguments: [
        ("s = \"x\"\nfor i in range(40) { s = s + s }", "program.hebb:2:26: error: a string of"),
        ("l = [1]\nfor i in range(40) { l = l + l }", "program.hebb:2:26: error: a list of"),
        ("t = (1,)\nfor i in range(40) { t = t + t }", "program.hebb:2:26: error: a tuple of"),
        ("s = \"x\"\nfor i in range(40) { s = \"{s}{s}\" }", "program.hebb:2:28: error: a string of"),
        ("l = []\nfor i in range(1000) { append(l, zeros(1000, 1000)) }", "program.hebb:2:34: error: allocation of (1000, 1000) float64"),
        // Kernel results and gradients cannot throw where they allocate: the overrun is
        // raised after the operation.
        ("x = zeros(1000, 1000)\nl = []\nfor i in range(1000) { append(l, x + i) }", "program.hebb:3:34: error: allocation of 7 MiB for a result"),
        ("x = zeros(1000, 1000)\nl = []\nfor i in range(1000) { append(l, grad(sum(x * x), x)) }", "program.hebb:3:34: error: allocation of"),
    ])
    func growingValuesRaiseTheAllocationError(_ source: String, _ expected: String) throws {
        let run = try Self.runLimited(source)
        #expect(!run.crashed, "killed by a signal: \(run.stderr.prefix(400))")
        #expect(run.status == 1, "exit \(run.status): \(run.stderr.prefix(400))")
        #expect(run.stderr.contains(expected), "\(run.stderr.prefix(400))")
        #expect(run.stderr.contains("exceeds the limit"), "\(run.stderr.prefix(400))")
    }

    /// A single allocation over the limit names the limit that binds.
    @Test func theLimitInTheMessageIsTheProcessLimit() throws {
        let run = try Self.runLimited("big = zeros(100000, 100000)", kilobytes: 3_000_000)
        #expect(run.status == 1 && !run.crashed, "\(run.stderr)")
        #expect(run.stderr.contains("exceeds the limit of 2929 MiB (the address-space limit, ulimit -v"), "\(run.stderr)")
    }

    /// What fits still runs under the same limit.
    @Test func programsThatFitRunNormally() throws {
        let run = try Self.runLimited("x = ones(1000, 1000)\ny = x @ x\nprint(sum(y) / 1e9)")
        #expect(run.status == 0 && !run.crashed, "\(run.stderr)")
    }
}
