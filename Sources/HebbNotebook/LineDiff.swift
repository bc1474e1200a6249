// A unified-style line diff (longest common subsequence), for `hebb test` reports.

/// Computes and prints the difference between two lists of lines.
enum LineDiff {
    enum Edit: Equatable {
        case same(String, String)
        case removed(String)
        case added(String)
    }

    /// The edit script turning `expected` into `actual`, with `match` deciding which lines
    /// are equal (tolerant comparison). Large inputs fall back to trimming the common head
    /// and tail and replacing the middle.
    static func edits(_ expected: [String], _ actual: [String], match: (String, String) -> Bool) -> [Edit] {
        var head = 0
        while head < expected.count, head < actual.count, match(expected[head], actual[head]) { head += 1 }
        var tail = 0
        while tail < expected.count - head, tail < actual.count - head,
              match(expected[expected.count - 1 - tail], actual[actual.count - 1 - tail]) { tail += 1 }
        let left = Array(expected[head..<(expected.count - tail)])
        let right = Array(actual[head..<(actual.count - tail)])
        var result = (0..<head).map { Edit.same(expected[$0], actual[$0]) }
        if left.count * right.count <= 4_000_000 {
            result += middle(left, right, match: match)
        } else {
            result += left.map(Edit.removed) + right.map(Edit.added)
        }
        result += (0..<tail).map { Edit.same(expected[expected.count - tail + $0], actual[actual.count - tail + $0]) }
        return result
    }

    /// LCS by dynamic programming over the differing middle part.
    private static func middle(_ left: [String], _ right: [String], match: (String, String) -> Bool) -> [Edit] {
        let rows = left.count + 1, columns = right.count + 1
        var lengths = [Int](repeating: 0, count: rows * columns)
        for i in stride(from: left.count - 1, through: 0, by: -1) {
            for j in stride(from: right.count - 1, through: 0, by: -1) {
                lengths[i * columns + j] = match(left[i], right[j])
                    ? lengths[(i + 1) * columns + j + 1] + 1
                    : max(lengths[(i + 1) * columns + j], lengths[i * columns + j + 1])
            }
        }
        var edits: [Edit] = [], i = 0, j = 0
        while i < left.count || j < right.count {
            if i < left.count, j < right.count, match(left[i], right[j]),
               lengths[i * columns + j] == lengths[(i + 1) * columns + j + 1] + 1 {
                edits.append(.same(left[i], right[j])); i += 1; j += 1
            } else if i < left.count, j == right.count || lengths[(i + 1) * columns + j] >= lengths[i * columns + j + 1] {
                edits.append(.removed(left[i])); i += 1
            } else {
                edits.append(.added(right[j])); j += 1
            }
        }
        return edits
    }

    /// `--- expected` / `+++ actual` and `@@ -a,b +c,d @@` hunks with `context` lines
    /// around each change; unchanged lines show the actual text.
    static func unified(_ edits: [Edit], context: Int = 3, expectedName: String = "expected",
                        actualName: String = "actual") -> [String] {
        let changed = edits.indices.filter { if case .same = edits[$0] { false } else { true } }
        guard !changed.isEmpty else { return [] }
        var lines = ["--- \(expectedName)", "+++ \(actualName)"]
        var groupStart = 0
        while groupStart < changed.count {
            var groupEnd = groupStart
            while groupEnd + 1 < changed.count, changed[groupEnd + 1] - changed[groupEnd] <= 2 * context + 1 { groupEnd += 1 }
            let from = max(0, changed[groupStart] - context), to = min(edits.count, changed[groupEnd] + context + 1)
            lines += hunk(edits, from: from, to: to)
            groupStart = groupEnd + 1
        }
        return lines
    }

    private static func hunk(_ edits: [Edit], from: Int, to: Int) -> [String] {
        var oldLine = 1, newLine = 1
        for edit in edits[..<from] {
            switch edit {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        var body: [String] = [], oldCount = 0, newCount = 0
        for edit in edits[from..<to] {
            switch edit {
            case .same(_, let text): body.append(" " + text); oldCount += 1; newCount += 1
            case .removed(let text): body.append("-" + text); oldCount += 1
            case .added(let text): body.append("+" + text); newCount += 1
            }
        }
        let header = "@@ -\(oldCount == 0 ? oldLine - 1 : oldLine),\(oldCount) +\(newCount == 0 ? newLine - 1 : newLine),\(newCount) @@"
        return [header] + body
    }
}
