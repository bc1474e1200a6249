import HebbSyntax

/// One user-function call in progress: who was called, and where.
struct CallFrame {
    let name: String
    let span: SourceSpan
    let file: SourceFile
}

/// The user-function calls in progress, outermost first: the recursion-limit error names
/// the first call of a runaway chain and the functions that repeat. Pushed and popped on
/// every call, so its entries hold no references: an entry's closure and caller file are
/// held by the call itself (`Interpreter.callClosure`'s locals) for exactly as long as the
/// entry exists, and `frames` copies them out with strong references. A noncopyable struct
/// inside the interpreter: it is the interpreter's alone, and freed with it.
struct CallStack: ~Copyable {
    private struct Entry {
        unowned(unsafe) let closure: Closure
        let span: SourceSpan
        unowned(unsafe) let file: SourceFile
    }
    private var entries: UnsafeMutablePointer<Entry>
    private var capacity = 64
    private(set) var count = 0

    init() { entries = .allocate(capacity: capacity) }
    deinit { entries.deallocate() }

    @inline(__always)
    mutating func push(_ closure: Closure, at span: SourceSpan, in file: SourceFile) {
        if count == capacity { grow() }
        (entries + count).initialize(to: Entry(closure: closure, span: span, file: file))
        count += 1
    }

    @inline(__always)
    mutating func pop() {
        precondition(count > 0, "call stack popped when empty")
        count -= 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Entry>.allocate(capacity: 2 * capacity)
        larger.moveInitialize(from: entries, count: count)
        entries.deallocate()
        entries = larger
        capacity *= 2
    }

    /// The calls in progress, outermost first.
    var frames: [CallFrame] {
        (0..<count).map { CallFrame(name: entries[$0].closure.name, span: entries[$0].span, file: entries[$0].file) }
    }
}

extension Interpreter {
    static let recursionLimitPrefix = "maximum recursion depth"

    /// The error for a chain of calls deeper than `maxCallDepth`: it names the functions that
    /// repeat (one calling itself, or several calling each other) and points at the first
    /// call of the chain, where the runaway began, instead of a trace of its last frames.
    func recursionLimitError() -> Diagnostic {
        let callChain = callStack.frames
        let cycle = Interpreter.repeatingNames(callChain.map(\.name))
        let members = Set(cycle)
        let first = callChain.first(where: { members.contains($0.name) }) ?? callChain.first
        let repeats = callChain.filter { $0.name == cycle.first }.count
        let what = cycle.count == 1
            ? "\(repeats) nested calls of \(cycle[0])()"
            : "\(repeats) rounds of \(cycle.map { "\($0)()" }.joined(separator: " → ")) calling each other"
        var message = "\(Interpreter.recursionLimitPrefix) (\(maxCallDepth)) exceeded: \(what)"
        guard let first else { return Diagnostic(message, span: nil, file: file, kind: .limit) }
        let (line, column) = first.file.location(ofOffset: first.span.start)
        message += " (first call at \(first.file.name):\(line):\(column))"
        return Diagnostic(message, span: first.span, file: first.file,
                          notes: ["  a function that calls itself needs a case that returns without calling"], kind: .limit)
    }

    /// The shortest run of names that repeats at the top of the chain: [f] for f → f → f,
    /// [even, odd] for … even → odd → even → odd.
    static func repeatingNames(_ names: [String]) -> [String] {
        guard let last = names.last else { return [] }
        for length in 1...min(16, names.count) where names.count >= 2 * length {
            let tail = names.suffix(length), before = names.dropLast(length).suffix(length)
            if Array(tail) == Array(before) { return Interpreter.rotatedToOutermost(Array(tail), in: names) }
        }
        return [last]
    }

    /// The cycle starting with the member that was called first, so the message reads in
    /// call order (even → odd when even was called first).
    private static func rotatedToOutermost(_ cycle: [String], in names: [String]) -> [String] {
        guard cycle.count > 1, let firstName = names.first(where: cycle.contains),
              let index = cycle.firstIndex(of: firstName) else { return cycle }
        return Array(cycle[index...] + cycle[..<index])
    }
}
