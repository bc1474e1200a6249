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
}
