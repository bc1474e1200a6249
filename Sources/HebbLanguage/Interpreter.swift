import HebbAutodiff
import HebbSyntax
import HebbTensor

/// How a statement finished: normally, or by `break`/`continue`/`return`.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returnValue(Value)
}

/// The tree-walking evaluator. One per session; the CLI, REPL and notebooks share it
/// through `Session`.
final class Interpreter {
    let symbols: SymbolTable
    let globals = Globals()
    /// Unowned: the session owns its interpreter (a strong reference back was a cycle that
    /// kept every session, and all its tensors, alive until the process ended).
    unowned let session: Session
    let capturedScopes = CapturedScopes()
    /// The file of the code being run (closures switch it to their own on call).
    var file: SourceFile
    var callDepth = 0
    /// The user-function calls in progress, outermost first: the recursion-limit error
    /// names the first call of a runaway chain and the frames that repeat.
    var callChain: [CallFrame] = []
    /// Deeper than Python's 1,000; `Session.programStackBytes` is sized so the native stack
    /// never runs out first.
    let maxCallDepth = Session.maxCallDepth

    init(session: Session, symbols: SymbolTable) {
        self.session = session
        self.symbols = symbols
        self.file = SourceFile(name: "<none>", text: "")
    }

    /// Runs a program at top level; returns the value of a trailing expression statement.
    func run(_ program: Program) throws -> Value? {
        let previousFile = file
        file = program.file
        defer { file = previousFile }
        for (index, statement) in program.statements.enumerated() {
            // Between top-level statements no function runs: the globals are all the roots.
            if callDepth == 0 { collectCyclesIfWorthwhile() }
            if index == program.statements.count - 1, case .expression(let expression) = statement.kind {
                return try evaluate(expression, nil)
            }
            switch try execute(statement, nil) {
            case .normal: continue
            case .breakLoop, .continueLoop:
                throw Diagnostic("'break' or 'continue' outside a loop", span: statement.span, file: file)
            case .returnValue:
                throw Diagnostic("'return' outside a function", span: statement.span, file: file)
            }
        }
        return nil
    }

    /// Turns engine and runtime errors into diagnostics at `span`; diagnostics pass through.
    @inline(__always)
    func located<T>(_ span: SourceSpan, _ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try TensorLimits.throwIfOverLimit()
            return result
        } catch let error as Diagnostic {
            throw error
        } catch let error as TensorError {
            throw Diagnostic(error.message, span: span, file: file)
        } catch let error as RuntimeError {
            throw Diagnostic(error.message, span: span, file: file)
        } catch {
            throw Diagnostic("\(error)", span: span, file: file)
        }
    }

    func checkInterrupt(_ span: SourceSpan) throws {
        if Cancellation.isRequested {
            throw Diagnostic("interrupted", span: span, file: file)
        }
    }

    // MARK: - Statements

    func execute(_ statements: [Stmt], _ scope: Scope?) throws -> Flow {
        for statement in statements {
            let flow = try execute(statement, scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ statement: Stmt, _ scope: Scope?) throws -> Flow {
        switch statement.kind {
        case .expression(let expression):
            _ = try evaluate(expression, scope)
        case .assign(let targets, let expression):
            let value = try evaluate(expression, scope)
            if targets.count == 1 {
                try assign(targets[0], value, scope)
            } else {
                let parts = try located(expression.span) { try destructure(value, count: targets.count) }
                for (target, part) in zip(targets, parts) { try assign(target, part, scope) }
            }
        case .compoundAssign(let target, let op, let expression):
            let right = try evaluate(expression, scope)
            let left = try read(target, scope)
            // An update (`W -= lr * dW`) is never recorded into the autodiff graph.
            let updated = try located(statement.span) {
                try Recording.withoutRecording { try binary(op, left, right) }
            }
            // As in NumPy, an in-place update cannot change the shape of what it updates
            // (`b -= g` with g of shape (1, 5) must not turn a (5,) bias into (1, 5)).
            if case .tensor(let before) = left, case .tensor(let after) = updated, before.shape != after.shape {
                throw Diagnostic("'\(op.rawValue)=' would change the shape from \(Tensor.describe(before.shape)) to \(Tensor.describe(after.shape))",
                                 span: statement.span, file: file)
            }
            try assign(target, updated, scope)
        case .function(let declaration):
            let closure = closure(declaration, capturing: scope)
            let symbol = symbols.intern(declaration.name ?? "")
            if let scope { scope.define(symbol, closure) } else { globals.set(symbol, closure) }
        case .ifElse(let condition, let thenBody, let otherwise):
            if try truth(evaluate(condition, scope), condition.span) {
                return try execute(thenBody, scope)
            } else if let otherwise {
                return try execute(otherwise, scope)
            }
        case .forIn(let pattern, let sequence, let body):
            return try executeFor(pattern, sequence, body, scope, statement.span)
        case .whileLoop(let condition, let body):
            while try truth(evaluate(condition, scope), condition.span) {
                try checkInterrupt(statement.span)
                switch try execute(body, scope) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case .returnValue(let value): return .returnValue(value)
                }
            }
        case .returnValue(let expression):
            return .returnValue(try expression.map { try evaluate($0, scope) } ?? .none)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        }
        return .normal
    }

    private func executeFor(_ pattern: [Identifier], _ sequence: Expr, _ body: [Stmt],
                            _ scope: Scope?, _ span: SourceSpan) throws -> Flow {
        // `for x in progress(seq)` reports each step to the output sink (a terminal bar).
        var progressLabel: String? = nil
        var iterable = try evaluate(sequence, scope)
        if case .call(let callee, let arguments) = sequence.kind, case .name(let name) = callee.kind,
           name.name == "progress", arguments.count == 1, case .builtin = try lookup(name, scope) {
            progressLabel = "progress"
            iterable = try evaluate(arguments[0].value, scope)
        }
        let (count, element) = try located(sequence.span) { try iteration(of: iterable) }
        var index = 0
        while index < count {
            try checkInterrupt(span)
            if let progressLabel { session.output.progress(progressLabel, done: index, total: count) }
            let item = try located(sequence.span) { try element(index) }
            if pattern.count == 1 {
                bind(pattern[0], item, scope)
            } else {
                let parts = try located(sequence.span) { try destructure(item, count: pattern.count) }
                for (name, part) in zip(pattern, parts) { bind(name, part, scope) }
            }
            index += 1
            switch try execute(body, scope) {
            case .normal, .continueLoop: continue
            case .breakLoop: return .normal
            case .returnValue(let value): return .returnValue(value)
            }
        }
        if let progressLabel { session.output.progress(progressLabel, done: count, total: count) }
        return .normal
    }

    /// The length and element accessor of anything a `for` loop can walk.
    func iteration(of value: Value) throws -> (Int, (Int) throws -> Value) {
        switch value {
        case .range(let range):
            return (range.count, { .number(range.element($0)) })
        case .list(let list):
            let items = list.items  // iterate a snapshot, as appending while looping is common
            return (items.count, { items[$0] })
        case .tuple(let items):
            return (items.count, { items[$0] })
        case .string(let text):
            let characters = Array(text)
            return (characters.count, { .string(String(characters[$0])) })
        case .tensor(let variable):
            guard variable.value.rank > 0 else { throw RuntimeError("cannot iterate over a 0-d tensor") }
            return (variable.value.shape[0], { index in
                .tensor(try Variable.apply(.slice([.single(index)]), variable))
            })
        case .record(let record):
            let names = record.fields.map(\.name)
            return (names.count, { .string(names[$0]) })
        default:
            throw RuntimeError("cannot iterate over a \(value.typeName)")
        }
    }

    func destructure(_ value: Value, count: Int) throws -> [Value] {
        let items: [Value]
        switch value {
        case .tuple(let values): items = values
        case .list(let list): items = list.items
        default: throw RuntimeError("cannot unpack a \(value.typeName) into \(count) names")
        }
        guard items.count == count else {
            throw RuntimeError("cannot unpack \(items.count) values into \(count) names")
        }
        return items
    }

    // MARK: - Variables and assignment

    func bind(_ name: Identifier, _ value: Value, _ scope: Scope?) {
        if let scope { scope.assign(name.symbol, value) } else { globals.set(name.symbol, value) }
    }

    func lookup(_ name: Identifier, _ scope: Scope?) throws -> Value {
        if let value = scope?.lookup(name.symbol) ?? globals.get(name.symbol) { return value }
        var message = "unknown name '\(name.name)'"
        if let hebb = Interpreter.otherLanguageSpellings[name.name] {
            message += "; did you mean '\(hebb)'?"
        } else if let suggestion = closestName(to: name.name) { message += "; did you mean '\(suggestion)'?" }
        throw Diagnostic(message, span: name.span, file: file)
    }

    /// Python's (and JavaScript's) spellings of Hebb's literals, for "unknown name" errors.
    static let otherLanguageSpellings = ["True": "true", "False": "false", "None": "none", "null": "none", "nil": "none"]

    func assign(_ target: AssignTarget, _ value: Value, _ scope: Scope?) throws {
        switch target {
        case .name(let name):
            bind(name, value, scope)
        case .field(let objectExpression, let field, let span):
            let object = try evaluate(objectExpression, scope)
            guard case .record(let record) = object else {
                throw Diagnostic("cannot set field '\(field)' on a \(object.typeName)", span: span, file: file)
            }
            record[field] = value
        case .index(let objectExpression, let items, let span):
            let object = try evaluate(objectExpression, scope)
            let indices = try items.map { try evaluateIndexItem($0, scope) }
            let updated = try located(span) { try Indexing.assign(into: object, indices, value) }
            // Tensors are values: writing into one rebinds the variable to the new tensor.
            if case .tensor = updated {
                guard let place = AssignTarget.from(objectExpression) else {
                    throw Diagnostic("cannot assign into this tensor expression", span: span, file: file)
                }
                try assign(place, updated, scope)
            }
        }
    }

    /// The current value at an assignment target (for compound assignment).
    func read(_ target: AssignTarget, _ scope: Scope?) throws -> Value {
        switch target {
        case .name(let name):
            return try lookup(name, scope)
        case .field(let objectExpression, let field, let span):
            return try evaluate(Expr(.field(objectExpression, field), span: span), scope)
        case .index(let objectExpression, let items, let span):
            return try evaluate(Expr(.index(objectExpression, items), span: span), scope)
        }
    }

    /// A spelling suggestion among names in scope, for "unknown name" errors.
    func closestName(to name: String) -> String? {
        let candidates = symbols.names.enumerated().filter { globals.get($0.offset) != nil }.map(\.element)
        let scored = candidates.map { ($0, editDistance($0, name)) }.filter { $0.1 <= max(1, name.count / 3) }
        return scored.min { $0.1 < $1.1 }?.0
    }
}

extension AssignTarget {
    /// The assignable place an expression denotes (`X`, `m.W`, `X[i]`), if any.
    static func from(_ expression: Expr) -> AssignTarget? {
        switch expression.kind {
        case .name(let name): return .name(name)
        case .field(let object, let field): return .field(object, field, span: expression.span)
        case .index(let object, let items): return .index(object, items, span: expression.span)
        default: return nil
        }
    }
}

/// Levenshtein distance, for suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + [Int](repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
