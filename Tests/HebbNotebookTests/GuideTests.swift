// The learners' guide cannot drift from what Hebb does: its pages (docs/guide/*.md) are in
// the notebook format, every ```hebb block a cell with its saved output under it, and they
// are checked here as `hebb test` checks notebooks. scripts/update-guide.sh re-saves them.

import Foundation
import Testing
import HebbNotebook

@Suite(.serialized) struct GuideTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let guide = repository.appendingPathComponent("docs/guide")

    /// The pages with code (the reference is generated and checked by ReferenceTests).
    static var pages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: guide.path)) ?? []
        return names.filter { $0.hasSuffix(".md") && $0 != "reference.md" && $0 != "README.md" }.sorted()
    }

    /// Each page runs in a scratch copy of docs/guide (its home folder, so files it writes
    /// land there) and every cell's output matches the saved one: numbers within 1e-6,
    /// text exactly, errors only where a cell is labelled expect-error.
    @Test func everyPageRunsAndMatchesItsSavedOutputs() throws {
        #expect(GuideTests.pages.count >= 8, "the guide's pages: \(GuideTests.pages)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-guide-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: GuideTests.guide, to: scratch)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let paths = GuideTests.pages.map { scratch.appendingPathComponent($0).path }
            + [scratch.appendingPathComponent("examples/descent.nb").path]
        var report: [String] = []
        let (passed, failed) = NotebookTester.test(paths: paths, output: { report.append($0) })
        #expect(failed == 0 && passed == paths.count,
                "run scripts/update-guide.sh after a deliberate change:\n\(report.joined(separator: "\n"))")
    }

    /// The notebook shown on the notebooks page is the example file itself.
    @Test func notebooksPageShowsTheExampleNotebook() throws {
        let page = try String(contentsOf: GuideTests.guide.appendingPathComponent("notebooks.md"), encoding: .utf8)
        let example = try String(contentsOf: GuideTests.guide.appendingPathComponent("examples/descent.nb"), encoding: .utf8)
        #expect(page.contains("`````markdown\n" + example + "`````\n"),
                "docs/guide/notebooks.md must show docs/guide/examples/descent.nb as it is saved")
    }

    /// Every page is listed in the guide's index, and the README links the guide.
    @Test func indexListsEveryPage() throws {
        let index = try String(contentsOf: GuideTests.guide.appendingPathComponent("README.md"), encoding: .utf8)
        for page in GuideTests.pages { #expect(index.contains("(\(page))"), "docs/guide/README.md does not link \(page)") }
        let readme = try String(contentsOf: GuideTests.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("(docs/guide/README.md)") || readme.contains("(docs/guide/)"))
    }
}
