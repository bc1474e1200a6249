import Foundation
import Testing

/// Golden programs: each `Tests/golden/*.hebb` file states what running it prints, in
/// comments: `# expect: TEXT` lines give stdout line by line, and `# expect error: TEXT`
/// says the run must fail (exit 1) with TEXT in its error message; `# flags: ARGS` are
/// passed before the program (permissions, e.g. `--allow-write /tmp`).
@Suite struct GoldenProgramTests {
    static var programs: [URL] {
        let folder = BinaryRunner.packageRoot.appendingPathComponent("Tests/golden")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".hebb") }.sorted().map { folder.appendingPathComponent($0) }
    }

    @Test("golden programs give their expected output", arguments: programs)
    func golden(_ program: URL) throws {
        let source = try String(contentsOf: program, encoding: .utf8)
        var expectedLines: [String] = []
        var expectedError: String? = nil
        var flags: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("# flags: ") {
                flags += trimmed.dropFirst("# flags: ".count).split(separator: " ").map(String.init)
            } else if let range = trimmed.range(of: "# expect error: ") {
                expectedError = String(trimmed[range.upperBound...])
            } else if let range = trimmed.range(of: "# expect: ") {
                expectedLines.append(String(trimmed[range.upperBound...]))
            } else if trimmed.hasSuffix("# expect:") {
                expectedLines.append("")
            }
        }
        let result = try BinaryRunner.run(flags + [program.path])
        #expect(!result.crashed, "\(program.lastPathComponent) crashed: \(result.stderr)")
        if let expectedError {
            #expect(result.status == 1, "\(program.lastPathComponent) should fail, stdout: \(result.stdout)")
            #expect(result.stderr.contains(expectedError), "\(program.lastPathComponent): expected error '\(expectedError)', got: \(result.stderr)")
        } else {
            #expect(result.status == 0, "\(program.lastPathComponent) failed: \(result.stderr)")
        }
        let actual = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trimmedActual = actual.last == "" ? Array(actual.dropLast()) : actual
        #expect(trimmedActual == expectedLines, "\(program.lastPathComponent): stdout differs")
    }
}
