import HebbSyntax

/// A location-free runtime error; the interpreter attaches the span of the expression or
/// call that raised it and turns it into a `Diagnostic`.
struct RuntimeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The frame of one function call: a fixed number of slots laid out by the resolver
/// (`FrameLayout`), nil until assigned. Top-level code runs in an empty frame: its names
/// are globals.
public final class Scope {
    var slots: ContiguousArray<Value?>
    let parent: Scope?

    init(slotCount: Int, parent: Scope?) {
        self.slots = ContiguousArray(repeating: nil, count: slotCount)
        self.parent = parent
    }

    /// The frame `depth` levels out (0 is this one); nil past the outermost.
    @inline(__always)
    func frame(at depth: Int) -> Scope? {
        var scope: Scope? = self
        for _ in 0..<depth { scope = scope?.parent }
        return scope
    }

    /// The values of this frame's assigned slots.
    var allValues: [Value] { slots.compactMap { $0 } }

    /// Forgets every local and returns their values (to break closure cycles).
    func removeAll() -> [Value] {
        defer { for index in slots.indices { slots[index] = nil } }
        return allValues
    }
}

/// One global name: the user's value, and the builtin or stdlib function of that name,
/// which the user's value hides. Compiled code holds the cell, so a global access is one
/// load, with no lookup.
final class GlobalCell {
    var value: Value?
    var builtin: Value?

    @inline(__always) var current: Value? { value ?? builtin }
}

/// Top-level variables and the builtins: one cell per interned symbol.
final class Globals {
    private var cells: [GlobalCell] = []

    /// The cell of `symbol`, made on first use.
    func cell(_ symbol: Int) -> GlobalCell {
        while symbol >= cells.count { cells.append(GlobalCell()) }
        return cells[symbol]
    }

    func get(_ symbol: Int) -> Value? {
        symbol < cells.count ? cells[symbol].current : nil
    }

    func set(_ symbol: Int, _ value: Value) { cell(symbol).value = value }

    func setBuiltin(_ symbol: Int, _ value: Value) { cell(symbol).builtin = value }

    func isBuiltin(_ symbol: Int) -> Bool { symbol < cells.count && cells[symbol].builtin != nil }

    /// User values by symbol (nil where unset).
    var values: [Value?] { cells.map(\.value) }

    /// Builtins and stdlib functions by symbol (nil where unset).
    var builtins: [Value?] { cells.map(\.builtin) }

    func removeAllUserValues() { for cell in cells { cell.value = nil } }

    /// Forgets user values and builtins alike (the session is ending) and returns them.
    func removeEverything() -> [Value] {
        var removed: [Value] = []
        for cell in cells {
            if let value = cell.value { removed.append(value) }
            if let builtin = cell.builtin { removed.append(builtin) }
            cell.value = nil
            cell.builtin = nil
        }
        return removed
    }

    /// Moves every current global into the builtin layer (used after loading the stdlib,
    /// so stdlib functions are not listed as user variables and `:reset` keeps them).
    func promoteGlobalsToBuiltins() {
        for cell in cells {
            if let value = cell.value { cell.builtin = value; cell.value = nil }
        }
    }
}
