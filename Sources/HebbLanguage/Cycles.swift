// Reference cycles that ARC cannot free, and how the interpreter breaks them.
//
// A closure keeps the scope it was defined in, and that scope often holds the closure
// (`opt = {...}; opt.step = fn(...) { ... opt ... }` in every stdlib optimizer), so the
// pair, and everything it holds, is never freed. Python's collector finds such cycles;
// here the interpreter remembers (weakly) every scope a closure captured, and
// - between the top-level statements of a program, when no function is running, empties
//   the remembered scopes that the globals cannot reach (they are garbage);
// - when the session ends, empties every container it can reach, so nothing survives it.

import HebbSyntax

/// The scopes closures captured, held weakly (a freed scope drops out by itself).
final class CapturedScopes {
    private struct Entry { weak var scope: Scope? }
    private var entries: [Entry] = []
    /// Entries above which `register` compacts and a collection is worth its cost.
    private(set) var threshold = 256
    /// Dead entries are dropped when the list reaches this length (a long top-level loop
    /// may create many closures before the next collection).
    private var compactAt = 1024

    var count: Int { entries.count }

    func register(_ scope: Scope) {
        // A function that defines several closures registers its scope once.
        if entries.last?.scope === scope { return }
        entries.append(Entry(scope: scope))
        if entries.count >= compactAt {
            entries.removeAll { $0.scope == nil }
            compactAt = max(1024, 2 * entries.count)
        }
    }

    /// The scopes still alive.
    var live: [Scope] { entries.compactMap(\.scope) }

    /// Keeps only `scopes` (the survivors of a collection) and raises the next threshold,
    /// so the cost of collecting stays proportional to the garbage found.
    func keep(_ scopes: [Scope]) {
        entries = scopes.map { Entry(scope: $0) }
        threshold = max(256, 2 * entries.count)
    }
}

extension Interpreter {
    /// Frees closure cycles that no global reaches. Only call it when no function is
    /// running: the roots are then exactly the globals and the builtins.
    func collectCyclesIfWorthwhile() {
        if capturedScopes.count >= capturedScopes.threshold { collectCycles() }
    }

    /// `collectCyclesIfWorthwhile`, whatever the number of scopes.
    func collectCycles() {
        let reachable = Reachability(from: globals.values.compactMap { $0 } + globals.builtins.compactMap { $0 })
        var survivors: [Scope] = []
        for scope in capturedScopes.live {
            if reachable.contains(scope) { survivors.append(scope) } else { _ = scope.removeAll() }
        }
        capturedScopes.keep(survivors)
    }

    /// Empties every container the session can reach (globals, builtins, captured scopes),
    /// so the cycles among them fall apart when the session is dropped. Iterative: deeply
    /// nested lists cannot overflow the stack.
    func dismantleAll() {
        var pending = globals.removeEverything()
        for scope in capturedScopes.live { pending += scope.removeAll() }
        capturedScopes.keep([])
        while let value = pending.popLast() {
            switch value {
            case .list(let list): pending += list.items; list.items = []
            case .record(let record): pending += record.removeAll()
            case .tuple(let items): pending += items
            case .function(let closure):
                var scope = closure.captured
                while let current = scope { pending += current.removeAll(); scope = current.parent }
            case .none, .bool, .number, .string, .tensor, .builtin, .range: break
            }
        }
    }
}

/// The lists, records and scopes reachable from some values (a mark phase, iterative).
struct Reachability {
    private var seen: Set<ObjectIdentifier> = []

    init(from roots: [Value]) {
        var pending = roots
        while let value = pending.popLast() {
            switch value {
            case .list(let list): if visit(list) { pending += list.items }
            case .record(let record): if visit(record) { pending += record.fields.map(\.value) }
            case .tuple(let items): pending += items
            case .function(let closure):
                var scope = closure.captured
                while let current = scope, visit(current) { pending += current.allValues; scope = current.parent }
            case .none, .bool, .number, .string, .tensor, .builtin, .range: break
            }
        }
    }

    private mutating func visit(_ object: AnyObject) -> Bool { seen.insert(ObjectIdentifier(object)).inserted }

    func contains(_ scope: Scope) -> Bool { seen.contains(ObjectIdentifier(scope)) }
}
