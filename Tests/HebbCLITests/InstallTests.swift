// `make install` / `make uninstall`: scripts/install-test.sh installs the built binary into a
// temporary PREFIX with scripts/install.sh, runs it from there, checks the completion
// scripts (and the man page when the generate-manual tool has been built), uninstalls, and
// checks that nothing is left. (`make install-test` runs the same through make, with a
// release build; here SwiftPM's build folder is locked by this test run.)

import Foundation
import Testing

@Suite struct InstallTests {
    @Test func installPutsHebbOnThePathAndUninstallRemovesEverything() throws {
        let root = BinaryRunner.packageRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [root.appendingPathComponent("scripts/install-test.sh").path]
        var environment = ProcessInfo.processInfo.environment
        environment["INSTALL_WITH"] = "script"
        environment["HEBB"] = BinaryRunner.executable.path
        let manuals = [".build/debug/generate-manual", ".build/release/generate-manual"].map { root.appendingPathComponent($0).path }
        if let manual = manuals.first(where: FileManager.default.isExecutableFile(atPath:)) { environment["MANUAL"] = manual }
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "scripts/install-test.sh failed:\n\(text)")
        #expect(text.contains("install test passed"), "\(text)")
    }
}
