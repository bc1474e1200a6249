// Printed text captured within a line limit as it arrives, so that one runaway print costs
// neither quadratic time nor unbounded memory, and the saved notebook stays readable.

/// Text appended piece by piece that keeps at most `limit` lines: when there are more, the
/// first lines, a marker line `… N lines omitted …`, and the last lines (half and half), as
/// JupyterLab trims long outputs. Appending costs amortized time linear in what is appended.
struct CappedText {
    /// The default limit of a stretch of printed text (a cell's `max-output-lines=` label
    /// overrides it).
    static let defaultLimit = 500

    /// Lines kept at most; nil keeps everything.
    let limit: Int?
    /// The first complete lines (newlines included), at most `headLimit` of them.
    private var head = ""
    private var headLines = 0
    /// What follows `head`, less the `omitted` complete lines dropped from its front.
    private var tail = ""
    private var tailNewlines = 0
    private var omitted = 0

    /// `limit` 0 or nil keeps everything.
    init(limit: Int?) {
        self.limit = limit.flatMap { $0 > 0 ? $0 : nil }
    }

    /// `text` cut to `limit` lines as `append` would.
    static func capped(_ text: String, limit: Int?) -> String {
        var capped = CappedText(limit: limit)
        capped.append(text)
        return capped.text
    }

    var isEmpty: Bool { head.isEmpty && tail.isEmpty }

    private var tailLimit: Int { (limit ?? 0) / 2 }
    private var headLimit: Int { (limit ?? 0) - tailLimit }

    mutating func append(_ text: String) {
        tail += text
        guard limit != nil else { return }
        let newlines = text.utf8.count { $0 == CappedText.newline }
        guard newlines > 0 else { return }
        tailNewlines += newlines
        if headLines < headLimit { moveLinesToHead() }
        // Trimming only now and then keeps appends amortized linear.
        if tailNewlines > 2 * tailLimit + 1024 { dropFromTail(keeping: tailLimit) }
    }

    /// The text as it is saved: all of it, or the head, the marker and the tail.
    var text: String {
        guard let limit else { return tail }
        let partialLine = tail.isEmpty || tail.utf8.last == CappedText.newline ? 0 : 1
        guard headLines + omitted + tailNewlines + partialLine > limit else { return head + tail }
        var trimmed = self
        trimmed.dropFromTail(keeping: Swift.max(0, tailLimit - partialLine))
        return head + "… \(trimmed.omitted) lines omitted …\n" + trimmed.tail
    }

    private static let newline = UInt8(ascii: "\n")

    /// Moves complete lines from the tail into the head until the head is full.
    private mutating func moveLinesToHead() {
        var end = tail.utf8.startIndex, moved = 0
        while headLines + moved < headLimit, let newline = tail.utf8[end...].firstIndex(of: CappedText.newline) {
            end = tail.utf8.index(after: newline)
            moved += 1
        }
        guard moved > 0 else { return }
        head += tail[..<end]
        tail = String(tail[end...])
        headLines += moved
        tailNewlines -= moved
    }

    /// Drops complete lines from the tail's front until `kept` newlines remain.
    private mutating func dropFromTail(keeping kept: Int) {
        let dropped = tailNewlines - kept
        guard dropped > 0 else { return }
        var end = tail.utf8.startIndex
        for _ in 0..<dropped {
            guard let newline = tail.utf8[end...].firstIndex(of: CappedText.newline) else { break }
            end = tail.utf8.index(after: newline)
        }
        tail = String(tail[end...])
        tailNewlines -= dropped
        omitted += dropped
    }
}
