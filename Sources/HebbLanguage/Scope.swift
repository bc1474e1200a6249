import HebbSyntax

/// A location-free runtime error; the interpreter attaches the span of the expression or
/// call that raised it and turns it into a `Diagnostic`.
struct RuntimeError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The local variables of one function call. Functions have few locals, so a linear scan
/// over interned symbols beats hashing. Top-level code has no scope: it uses `Globals`.
public final class Scope {
    private var symbols: [Int] = []
    private var values: [Value] = []
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func localIndex(_ symbol: Int) -> Int? {
        for index in symbols.indices where symbols[index] == symbol { return index }
        return nil
    }

    /// Looks the symbol up here and in enclosing function scopes.
    func lookup(_ symbol: Int) -> Value? {
        var scope: Scope? = self
        while let current = scope {
            if let index = current.localIndex(symbol) { return current.values[index] }
            scope = current.parent
        }
        return nil
    }

    /// Assigns where the name is already bound in this or an enclosing function scope, or
    /// makes a new local. Globals are never assigned from inside a function (as in Python,
    /// a function's `Z = ...` does not clobber a global `Z`).
    func assign(_ symbol: Int, _ value: Value) {
        var scope: Scope? = self
        while let current = scope {
            if let index = current.localIndex(symbol) {
                current.values[index] = value
                return
            }
            scope = current.parent
        }
        define(symbol, value)
    }

    /// The values of this scope's own locals.
    var allValues: [Value] { values }

    /// Forgets every local and returns their values (to break closure cycles).
    func removeAll() -> [Value] {
        defer { symbols = []; values = [] }
        return values
    }

    func define(_ symbol: Int, _ value: Value) {
        if let index = localIndex(symbol) { values[index] = value; return }
        symbols.append(symbol)
        values.append(value)
    }
}

/// Top-level variables and the builtins, indexed by interned symbol.
final class Globals {
    private(set) var values: [Value?] = []
    private(set) var builtins: [Value?] = []

    func get(_ symbol: Int) -> Value? {
        if symbol < values.count, let value = values[symbol] { return value }
        if symbol < builtins.count { return builtins[symbol] }
        return nil
    }

    func set(_ symbol: Int, _ value: Value) {
        if symbol >= values.count { values.append(contentsOf: [Value?](repeating: nil, count: symbol - values.count + 1)) }
        values[symbol] = value
    }

    func setBuiltin(_ symbol: Int, _ value: Value) {
        if symbol >= builtins.count { builtins.append(contentsOf: [Value?](repeating: nil, count: symbol - builtins.count + 1)) }
        builtins[symbol] = value
    }

    func isBuiltin(_ symbol: Int) -> Bool { symbol < builtins.count && builtins[symbol] != nil }

    func removeAllUserValues() { values = [] }

    /// Forgets user values and builtins alike (the session is ending) and returns them.
    func removeEverything() -> [Value] {
        defer { values = []; builtins = [] }
        return (values + builtins).compactMap { $0 }
    }

    /// Moves every current global into the builtin layer (used after loading the stdlib,
    /// so stdlib functions are not listed as user variables and `:reset` keeps them).
    func promoteGlobalsToBuiltins() {
        for (symbol, value) in values.enumerated() { if let value { setBuiltin(symbol, value) } }
        values = []
    }
}
