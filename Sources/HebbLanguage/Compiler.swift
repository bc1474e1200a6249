// The compiler: turns the resolved syntax tree into Swift closures, once per program and
// once per function definition, so running code does no name lookup and no walk over the
// tree's enum payloads. Each closure does what the tree-walker did for its node, with the
// same helpers (`located`, `binary`, `Indexing`, `call`), so results and error messages
// are unchanged. Statements are in this file, expressions in Compiler+Expressions.swift.

import HebbAutodiff
import HebbSyntax
import HebbTensor

/// Compiled code of an expression: its value in a frame.
typealias ExprCode = (Interpreter, Scope) throws -> Value
/// Compiled code of a statement or block: how it finished.
typealias StmtCode = (Interpreter, Scope) throws -> Flow
/// Compiled code that stores a value at an assignment target.
typealias StoreCode = (Interpreter, Scope, consuming Value) throws -> Void
/// Reads a name that may hold a tensor: the node, or nil for anything else. Unretained:
/// the variable or frame slot keeps the node, and the fused arithmetic that reads it runs
/// no code that could rebind the name before it is done (see `fusedArithmetic`).
typealias TensorReadCode = (Interpreter, Scope) -> Unmanaged<Variable>?
/// Reads a name that may hold a user function: the closure, or nil for anything else.
typealias ClosureReadCode = (Interpreter, Scope) -> Closure?

/// Compiled code kept in an array. Swift stores a closure that is an array's element (or
/// part of a tuple element) in its most general form, so every call through it, and every
/// closure taken back out, goes through a reabstraction thunk; a closure that is a struct's
/// field keeps its own calling convention.
struct ExprCodeBox {
    let run: ExprCode
}

struct StmtCodeBox {
    let run: StmtCode
}

struct StoreCodeBox {
    let run: StoreCode
}

/// A user function, compiled: its frame layout, parameters and body. Closures made from one
/// definition share it.
final class CompiledFunction {
    let declaration: FunctionDecl
    let name: String
    let slotCount: Int
    /// The frame slot of each parameter, in order.
    let parameterSlots: [Int]
    /// Each parameter's default value, evaluated in the callee's frame.
    let defaults: [ExprCodeBox?]
    let body: StmtCode
    /// Whether parameter i lives in slot i (the resolver's layout puts parameters first), so
    /// a call with one positional argument per parameter can evaluate them into the frame.
    let parametersFillLeadingSlots: Bool

    /// Whether a call with `count` positional arguments, one per parameter, can evaluate
    /// them straight into the frame (`Interpreter.callClosure(_:evaluating:in:_:)`).
    @inline(__always)
    func takesPositional(_ count: Int) -> Bool { parametersFillLeadingSlots && parameterSlots.count == count }

    init(declaration: FunctionDecl, slotCount: Int, parameterSlots: [Int], defaults: [ExprCodeBox?], body: @escaping StmtCode) {
        self.declaration = declaration
        self.name = declaration.name ?? "<lambda>"
        self.slotCount = slotCount
        self.parameterSlots = parameterSlots
        self.defaults = defaults
        self.body = body
        self.parametersFillLeadingSlots = parameterSlots == Array(parameterSlots.indices)
    }
}

struct Compiler {
    let globals: Globals
    let symbols: SymbolTable
    var context = ResolutionContext()

    init(globals: Globals, symbols: SymbolTable) {
        self.globals = globals
        self.symbols = symbols
    }

    // MARK: - Functions

    /// Compiles a function definition in the current context (its body sees the frames
    /// around it).
    func function(_ declaration: FunctionDecl) -> CompiledFunction {
        let layout = FrameLayout.of(declaration, symbols: symbols)
        var inner = self
        inner.context = context.entering(layout)
        let parameterSlots = declaration.parameters.map { layout.slot($0.name.symbol) ?? 0 }
        let defaults = declaration.parameters.map { $0.defaultValue.map { ExprCodeBox(run: inner.expression($0)) } }
        return CompiledFunction(declaration: declaration, slotCount: layout.count, parameterSlots: parameterSlots,
                                defaults: defaults, body: inner.block(declaration.body))
    }

    /// Code that makes a closure of `code` over the running frame (none at top level).
    func makeClosure(_ code: CompiledFunction) -> ExprCode {
        if context.isTopLevel {
            return { interpreter, _ in .function(Closure(code: code, file: interpreter.file, captured: nil)) }
        }
        return { interpreter, scope in
            scope.isCaptured = true
            interpreter.capturedScopes.register(scope)
            return .function(Closure(code: code, file: interpreter.file, captured: scope))
        }
    }

    // MARK: - Statements

    func block(_ statements: [Stmt]) -> StmtCode {
        let codes = statements.map { StmtCodeBox(run: statement($0)) }
        switch codes.count {
        case 0: return { _, _ in .normal }
        case 1: return codes[0].run
        default:
            return { interpreter, scope in
                for code in codes {
                    let flow = try code.run(interpreter, scope)
                    if case .normal = flow { continue }
                    return flow
                }
                return .normal
            }
        }
    }

    func statement(_ statement: Stmt) -> StmtCode {
        switch statement.kind {
        case .expression(let expression):
            let value = self.expression(expression)
            return { interpreter, scope in _ = try value(interpreter, scope); return .normal }
        case .assign(let targets, let expression):
            return assignment(targets, expression)
        case .compoundAssign(let target, let op, let expression):
            return compoundAssignment(target, op, expression, statement.span)
        case .function(let declaration):
            return functionDefinition(declaration)
        case .ifElse(let condition, let thenBody, let otherwise):
            return ifElse(condition, block(thenBody), otherwise.map(block))
        case .forIn(let pattern, let sequence, let body):
            return forLoop(pattern, sequence, block(body), statement.span)
        case .whileLoop(let condition, let body):
            return whileLoop(condition, block(body), statement.span)
        case .returnValue(let expression):
            guard let expression else { return { _, _ in .returnValue(.none) } }
            let value = self.expression(expression)
            return { interpreter, scope in .returnValue(try value(interpreter, scope)) }
        case .breakLoop:
            return { _, _ in .breakLoop }
        case .continueLoop:
            return { _, _ in .continueLoop }
        }
    }

    private func assignment(_ targets: [AssignTarget], _ expression: Expr) -> StmtCode {
        let value = self.expression(expression)
        if targets.count == 1 {
            let store = self.store(targets[0])
            return { interpreter, scope in
                try store(interpreter, scope, try value(interpreter, scope))
                return .normal
            }
        }
        let stores = targets.map { StoreCodeBox(run: store($0)) }, count = targets.count, span = expression.span
        return { interpreter, scope in
            let whole = try value(interpreter, scope)
            let parts = try interpreter.located(span) { try interpreter.destructure(whole, count: count) }
            for (store, part) in zip(stores, parts) { try store.run(interpreter, scope, part) }
            return .normal
        }
    }

    private func compoundAssignment(_ target: AssignTarget, _ op: BinaryOperator, _ expression: Expr,
                                    _ span: SourceSpan) -> StmtCode {
        let right = self.expression(expression), read = self.read(target), store = self.store(target)
        return { interpreter, scope in
            let rightValue = try right(interpreter, scope)
            let left = try read(interpreter, scope)
            if case .number(let a) = left, case .number(let b) = rightValue {
                try store(interpreter, scope, try interpreter.located(span) { try Interpreter.numbers(op, a, b) })
                return .normal
            }
            // An update (`W -= lr * dW`) is never recorded into the autodiff graph.
            let updated = try interpreter.located(span) {
                try Recording.withoutRecording { try interpreter.binary(op, left, rightValue) }
            }
            // As in NumPy, an in-place update cannot change the shape of what it updates
            // (`b -= g` with g of shape (1, 5) must not turn a (5,) bias into (1, 5)).
            if case .tensor(let before) = left, case .tensor(let after) = updated, before.shape != after.shape {
                throw Diagnostic("'\(op.rawValue)=' would change the shape from \(Tensor.describe(before.shape)) to \(Tensor.describe(after.shape))",
                                 span: span, file: interpreter.file)
            }
            try store(interpreter, scope, updated)
            return .normal
        }
    }

    /// `fn name(...) { }`: binds the closure in this frame (or as a global at top level).
    private func functionDefinition(_ declaration: FunctionDecl) -> StmtCode {
        let makeClosure = self.makeClosure(function(declaration))
        let symbol = symbols.intern(declaration.name ?? "")
        guard let layout = context.layouts.last, let slot = layout.slot(symbol) else {
            let cell = globals.cell(symbol)
            return { interpreter, scope in
                cell.value = try makeClosure(interpreter, scope)
                return .normal
            }
        }
        return { interpreter, scope in
            scope[slot] = try makeClosure(interpreter, scope)
            return .normal
        }
    }

    private func ifElse(_ condition: Expr, _ thenBody: @escaping StmtCode, _ otherwise: StmtCode?) -> StmtCode {
        let test = self.condition(condition)
        guard let otherwise else {
            return { interpreter, scope in try test(interpreter, scope) ? try thenBody(interpreter, scope) : .normal }
        }
        return { interpreter, scope in
            try test(interpreter, scope) ? try thenBody(interpreter, scope) : try otherwise(interpreter, scope)
        }
    }

    private func whileLoop(_ condition: Expr, _ body: @escaping StmtCode, _ span: SourceSpan) -> StmtCode {
        let test = self.condition(condition)
        return { interpreter, scope in
            while try test(interpreter, scope) {
                try interpreter.checkInterrupt(span)
                switch try body(interpreter, scope) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case .returnValue(let value): return .returnValue(value)
                }
            }
            return .normal
        }
    }

    /// Code for a truth test (`if`, `while`): booleans directly, anything else as `truth`.
    func condition(_ expression: Expr) -> (Interpreter, Scope) throws -> Bool {
        let value = self.expression(expression), span = expression.span
        return { interpreter, scope in
            let result = try value(interpreter, scope)
            if case .bool(let flag) = result { return flag }
            return try interpreter.truth(result, span)
        }
    }
}

// MARK: - for loops

extension Compiler {
    /// `for x in seq { }`. `for x in progress(seq)` (the builtin `progress`, decided when
    /// it runs, as a user may define their own) reports each step to the output sink.
    private func forLoop(_ pattern: [Identifier], _ sequence: Expr, _ body: @escaping StmtCode,
                         _ span: SourceSpan) -> StmtCode {
        let sequenceCode = expression(sequence), sequenceSpan = sequence.span
        var progress: (callee: ExprCode, argument: ExprCode)? = nil
        if case .call(let callee, let arguments) = sequence.kind, case .name(let name) = callee.kind,
           name.name == "progress", arguments.count == 1 {
            progress = (expression(callee), expression(arguments[0].value))
        }
        let bind = patternStore(pattern, sequenceSpan)
        return { interpreter, scope in
            var progressLabel: String? = nil
            let iterable: Value
            if let progress, case .builtin = try progress.callee(interpreter, scope) {
                progressLabel = "progress"
                iterable = try progress.argument(interpreter, scope)
            } else {
                iterable = try sequenceCode(interpreter, scope)
            }
            let count: Int, flow: Flow
            if case .range(let range) = iterable {
                count = range.count
                flow = try Compiler.runLoop(count, { .number(range.element($0)) }, bind, body, progressLabel,
                                            interpreter, scope, span)
            } else {
                let (length, element) = try interpreter.located(sequenceSpan) { try interpreter.iteration(of: iterable) }
                count = length
                flow = try Compiler.runLoop(count, { index in try interpreter.located(sequenceSpan) { try element(index) } },
                                            bind, body, progressLabel, interpreter, scope, span)
            }
            switch flow {
            case .breakLoop: return .normal
            case .returnValue: return flow
            case .normal, .continueLoop:
                if let progressLabel { interpreter.session.output.progress(progressLabel, done: count, total: count) }
                return .normal
            }
        }
    }

    @inline(__always)
    private static func runLoop(_ count: Int, _ element: (Int) throws -> Value, _ bind: StoreCode,
                                _ body: StmtCode, _ progressLabel: String?, _ interpreter: Interpreter,
                                _ scope: Scope, _ span: SourceSpan) throws -> Flow {
        var index = 0
        while index < count {
            try interpreter.checkInterrupt(span)
            if let progressLabel { interpreter.session.output.progress(progressLabel, done: index, total: count) }
            try bind(interpreter, scope, try element(index))
            index += 1
            switch try body(interpreter, scope) {
            case .normal, .continueLoop: continue
            case .breakLoop: return .breakLoop
            case .returnValue(let value): return .returnValue(value)
            }
        }
        return .normal
    }

    /// Binds a loop's element to its name, or destructures it into several.
    private func patternStore(_ pattern: [Identifier], _ sequenceSpan: SourceSpan) -> StoreCode {
        if pattern.count == 1 { return write(context.resolve(pattern[0], globals: globals)) }
        let writers = pattern.map { StoreCodeBox(run: write(context.resolve($0, globals: globals))) }
        let count = writers.count
        return { interpreter, scope, item in
            let parts = try interpreter.located(sequenceSpan) { try interpreter.destructure(item, count: count) }
            for (writer, part) in zip(writers, parts) { try writer.run(interpreter, scope, part) }
        }
    }
}
