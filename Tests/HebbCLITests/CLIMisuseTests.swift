import Foundation
import Testing

/// Flags and inputs the command line used to mishandle in silence: each now does what it
/// says or is a usage error (exit 2) that says what to write.
@Suite struct CLIMisuseTests {
    /// A scratch folder with a notebook that prints random numbers and a script.
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "# Random\n\n```hebb\nprint(randn(3))\n```\n".write(to: folder.appendingPathComponent("random.nb"), atomically: true, encoding: .utf8)
        try "print(1 + 1)\n".write(to: folder.appendingPathComponent("script.hebb"), atomically: true, encoding: .utf8)
        return folder
    }

    private func savedOutput(_ folder: URL) throws -> String {
        try String(contentsOf: folder.appendingPathComponent("random.nb"), encoding: .utf8)
    }

    @Test func runSeedAppliesToNotebooksAndTestTakesTheSameSeed() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("random.nb").path
        #expect(try BinaryRunner.run(["run", notebook, "--seed", "1"]).status == 0)
        let withOne = try savedOutput(folder)
        #expect(try BinaryRunner.run(["run", notebook, "--seed", "7"]).status == 0)
        let withSeven = try savedOutput(folder)
        #expect(withOne != withSeven, "seeds 1 and 7 gave the same outputs")
        #expect(try BinaryRunner.run(["run", notebook, "--seed", "1"]).status == 0)
        #expect(try savedOutput(folder) == withOne, "the same seed gives the same outputs")
        // hebb test re-runs with the seed it is given.
        #expect(try BinaryRunner.run(["test", notebook, "--seed", "1"]).status == 0)
        #expect(try BinaryRunner.run(["test", notebook, "--seed", "7"]).status == 1)
    }

    @Test func testOnAScriptIsAUsageError() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["test", folder.appendingPathComponent("script.hebb").path])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("hebb test checks notebooks"), "\(result.stderr)")
        #expect(result.stderr.contains("hebb run"), "\(result.stderr)")
        #expect(!result.stdout.contains("PASS"))
    }

    @Test func exportOfAScriptIsAUsageError() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try BinaryRunner.run(["export", folder.appendingPathComponent("script.hebb").path, "--html"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("hebb export takes a notebook (.nb)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("script.html").path))
    }

    @Test func anOutputNameThatContradictsTheFormatIsAUsageError() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notebook = folder.appendingPathComponent("random.nb").path
        let wrongIpynb = folder.appendingPathComponent("out.ipynb").path
        let html = try BinaryRunner.run(["export", notebook, "--html", "-o", wrongIpynb])
        #expect(html.status == 2 && html.stderr.contains("names a Jupyter notebook"), "\(html.stderr)")
        #expect(!FileManager.default.fileExists(atPath: wrongIpynb))
        let ipynb = try BinaryRunner.run(["export", notebook, "--ipynb", "-o", folder.appendingPathComponent("out.html").path])
        #expect(ipynb.status == 2 && ipynb.stderr.contains("names an HTML page"), "\(ipynb.stderr)")
        // The matching names still work.
        #expect(try BinaryRunner.run(["export", notebook, "--html", "-o", folder.appendingPathComponent("page.html").path]).status == 0)
    }
}
