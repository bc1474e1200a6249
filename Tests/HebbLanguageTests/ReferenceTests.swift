// The generated builtin reference: complete, categorized, and committed up to date.

import Foundation
import Testing
import HebbLanguage

@Suite struct ReferenceTests {
    let session = Session(output: CapturingSink())

    /// docs/guide/reference.md is `hebb doc --markdown`; a builtin whose help changed
    /// without regenerating the page fails here.
    @Test func committedPageIsCurrent() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/guide/reference.md")
        let committed = try String(contentsOf: page, encoding: .utf8)
        #expect(committed == session.referenceMarkdown,
                "docs/guide/reference.md is stale: run .build/debug/hebb doc --markdown > docs/guide/reference.md")
    }

    /// Every public builtin and stdlib function has exactly one entry.
    @Test func everyBuiltinIsListedOnce() {
        let names = session.referenceEntries.map(\.name)
        #expect(Set(names).count == names.count)
        let functions = session.builtinNames.filter { name in
            !name.hasPrefix("_") && session.documentation(for: name).map { $0.contains("(") } == true
        }
        #expect(Set(functions).subtracting(names).sorted() == [])
    }

    /// Each category the issue names holds something, and every summary is one sentence.
    @Test func everyCategoryIsUsed() {
        let entries = session.referenceEntries
        for category in ReferenceCategory.allCases {
            #expect(entries.contains { $0.category == category }, "\(category.rawValue) is empty")
        }
        for entry in entries { #expect(!entry.summary.isEmpty && !entry.summary.contains("\n"), "\(entry.name)") }
    }

    /// The overview lists categories with summaries, not a bare list of names.
    @Test func overviewHasCategoriesAndSummaries() {
        let overview = session.referenceOverview
        #expect(overview.contains("CREATION\n  tensor"))
        #expect(overview.contains("A tensor of zeros"))
    }

    /// Every entry has an example, and every example runs without error and prints what
    /// the reference says it prints (in a fresh session, seed 42, in a scratch folder so the
    /// file examples write there).
    @Test func everyExampleRunsAndPrintsItsOutput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sink = CapturingSink()
        let runner = Session(output: sink)
        runner.baseDirectory = folder.path
        runner.permissions = Permissions(home: folder.path)
        for entry in runner.referenceEntries {
            #expect(!entry.example.isEmpty, "\(entry.name) has no example")
            guard !entry.example.isEmpty else { continue }
            runner.reset()
            let before = sink.text.count
            do {
                let value = try runner.run(entry.example, fileName: "example-\(entry.name).hebb")
                var printed = String(sink.text.dropFirst(before))
                if printed.hasSuffix("\n") { printed.removeLast() }
                let output = [printed, value ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
                #expect(output == entry.exampleOutput, "the example of \(entry.name) printed:\n\(output)")
            } catch {
                Issue.record("the example of \(entry.name) failed: \(error)")
            }
        }
    }

    /// No example is filed under a name that has no entry (a renamed builtin).
    @Test func everyExampleBelongsToAnEntry() {
        let names = Set(session.referenceEntries.map(\.name))
        let examples = session.referenceEntries.filter { !$0.example.isEmpty }.count
        #expect(examples == names.count)
        #expect(Set(session.exampleNames).subtracting(names).sorted() == [])
    }
}
