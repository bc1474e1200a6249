// Helpers for driving Hebb programs through `Session`: a sink that captures printed text,
// and runners that return the output, the trailing value, or the rendered error.

import Foundation
import Testing
import HebbAutodiff
import HebbLanguage
import HebbPlot
import HebbSyntax

/// Collects everything a program prints; plots and progress are ignored.
final class CapturingSink: OutputSink {
    private(set) var text = ""
    func write(_ text: String) { self.text += text }
    func plot(_ spec: PlotSpec) {}
    func progress(_ label: String, done: Int, total: Int) {}
}

/// A session with a capturing sink. Programs run in it share globals, like notebook cells.
final class HebbRun {
    let sink = CapturingSink()
    let session: Session
    private var cell = 0

    init(seed: UInt64 = 42) {
        // The memory tests read live-node counts; counting is off by default.
        GraphContext.isCountingNodes = true
        session = Session(output: sink, seed: seed)
    }

    /// Runs `source` and returns what it printed (this run only) and its trailing value.
    @discardableResult
    func run(_ source: String) throws -> (output: String, value: String?) {
        let before = sink.text.count
        cell += 1
        let value = try session.run(source, fileName: "test\(cell).hebb")
        return (String(sink.text.dropFirst(before)), value)
    }

    /// The numbers of a trailing list or tuple expression (`[e1, e2]`), or of a single number.
    func numbers(_ source: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Double] {
        let value = try run(source).value ?? ""
        let parsed = HebbRun.parseNumbers(value)
        #expect(parsed != nil, "not a list of numbers: \(value)", sourceLocation: sourceLocation)
        return parsed ?? []
    }

    /// The rendered error of `source`, or nil when it runs without one.
    func error(_ source: String) -> String? {
        do {
            try run(source)
            return nil
        } catch let diagnostic as Diagnostic {
            return diagnostic.rendered()
        } catch {
            return "\(error)"
        }
    }

    static func parseNumbers(_ text: String) -> [Double]? {
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]() "))
        let parts = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let values = parts.map { part -> Double? in
            switch part {
            case "inf": return .infinity
            case "-inf": return -.infinity
            case "nan": return .nan
            default: return Double(part)
            }
        }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
        return values.compactMap { $0 }
    }
}

/// The package's root folder (for data/digits.csv and the built binary).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
