// The resolver: decides, once per function, where every name lives, so the compiled code
// reads a slot instead of searching scopes by name (Crafting Interpreters' Resolver).
//
// Hebb's scoping rule, unchanged from the tree-walker: a function's locals are its
// parameters and every name it assigns (`x = ...`, `x += ...`, `for x in`, `fn x()`), for
// the whole body (blocks make no scope, as in Python). Top-level code has no frame: its
// names are globals. A read looks in the function's own frame, then in the frames of the
// functions around it, then in the globals; a slot not yet assigned at run time is skipped,
// so a read before the first assignment still finds the global of that name, as before.

import HebbSyntax

/// The slots of one function's frame: the parameters first, in order, then every other
/// name the body assigns, in the order they first appear.
final class FrameLayout {
    private var slotOfSymbol: [Int: Int] = [:]
    private(set) var count = 0

    func slot(_ symbol: Int) -> Int? { slotOfSymbol[symbol] }

    fileprivate func add(_ symbol: Int) {
        guard slotOfSymbol[symbol] == nil else { return }
        slotOfSymbol[symbol] = count
        count += 1
    }

    /// The layout of `declaration`'s frame. Nested functions are not entered: their names
    /// are their own (only a nested `fn g()` statement binds `g` here).
    static func of(_ declaration: FunctionDecl, symbols: SymbolTable) -> FrameLayout {
        let layout = FrameLayout()
        for parameter in declaration.parameters { layout.add(parameter.name.symbol) }
        layout.addAssignedNames(declaration.body, symbols: symbols)
        return layout
    }

    private func addAssignedNames(_ statements: [Stmt], symbols: SymbolTable) {
        for statement in statements {
            switch statement.kind {
            case .assign(let targets, _):
                for target in targets { if let name = FrameLayout.boundName(target) { add(name.symbol) } }
            case .compoundAssign(let target, _, _):
                if let name = FrameLayout.boundName(target) { add(name.symbol) }
            case .function(let declaration):
                add(symbols.intern(declaration.name ?? ""))
            case .ifElse(_, let thenBody, let otherwise):
                addAssignedNames(thenBody, symbols: symbols)
                addAssignedNames(otherwise ?? [], symbols: symbols)
            case .forIn(let pattern, _, let body):
                for name in pattern { add(name.symbol) }
                addAssignedNames(body, symbols: symbols)
            case .whileLoop(_, let body):
                addAssignedNames(body, symbols: symbols)
            case .expression, .returnValue, .breakLoop, .continueLoop:
                break
            }
        }
    }

    /// The name an assignment may bind: `x = ...`, and the `X` of `X[i] = ...` or
    /// `X[i][j] = ...` (tensors are values: writing into one rebinds its name).
    static func boundName(_ target: AssignTarget) -> Identifier? {
        switch target {
        case .name(let name): return name
        case .field: return nil
        case .index(var object, _, _):
            while true {
                switch object.kind {
                case .name(let name): return name
                case .index(let inner, _): object = inner
                default: return nil
                }
            }
        }
    }
}

/// Where one use of a name may find its value: frame slots, innermost first (`depth` 0 is
/// the function's own frame, 1 the frame it was defined in, ...), then the global cell.
struct ResolvedName {
    let identifier: Identifier
    let frames: [(depth: Int, slot: Int)]
    let global: GlobalCell

    /// The own-frame slot when that is the only frame that binds the name (the common case).
    var ownSlotOnly: Int? {
        frames.count == 1 && frames[0].depth == 0 ? frames[0].slot : nil
    }
}

/// The functions around the code being compiled, outermost first; empty at top level.
struct ResolutionContext {
    var layouts: [FrameLayout] = []

    var isTopLevel: Bool { layouts.isEmpty }

    func entering(_ layout: FrameLayout) -> ResolutionContext {
        ResolutionContext(layouts: layouts + [layout])
    }

    /// Resolves `identifier` against the enclosing frames and the globals.
    func resolve(_ identifier: Identifier, globals: Globals) -> ResolvedName {
        var frames: [(depth: Int, slot: Int)] = []
        for (depth, layout) in layouts.reversed().enumerated() {
            if let slot = layout.slot(identifier.symbol) { frames.append((depth, slot)) }
        }
        return ResolvedName(identifier: identifier, frames: frames, global: globals.cell(identifier.symbol))
    }
}
