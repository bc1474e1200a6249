import Foundation
import Testing

/// The program thread's stack shrinks under `ulimit -d` / `ulimit -v` (its reservation
/// counts against both): programs still start, and deep recursion still ends in the clean
/// depth error rather than a hang or a crash.
@Suite struct StackLimitTests {
    @Test(arguments: ["-d 800000", "-v 1500000"])
    func deepRecursionUnderAMemoryLimit(_ limit: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("deep.hebb", "print(\"start\")\nfn f(n) { return 1 + f(n + 1) }\nf(0)\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // timeout(1) turns a hang into status 124.
        process.arguments = ["-c", "ulimit \(limit) && exec timeout 60 \"$0\" \"$1\"", BinaryRunner.executable.path, path]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1 && process.terminationReason == .exit, "\(limit): status \(process.terminationStatus): \(text)")
        #expect(printed == "start\n")
        #expect(text.contains("maximum recursion depth ("), "\(text)")
    }
}
