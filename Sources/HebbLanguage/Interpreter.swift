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
    /// The session's stop request, read between statements without a thread-local lookup.
    let cancellation: CancellationToken
    /// The session's autodiff context, passed to each op (no thread-local lookup per op).
    let graph: GraphContext
    let capturedScopes = CapturedScopes()
    let spareFrames = SpareFrames()
    /// The file of the code being run (closures switch it to their own on call).
    var file: SourceFile
    /// The user-function calls in progress.
    var callStack = CallStack()
    var callDepth: Int { callStack.count }
    /// Deeper than Python's 1,000; `Session.programStackBytes` is sized so the native stack
    /// never runs out first.
    let maxCallDepth = Session.maxCallDepth

    init(session: Session, symbols: SymbolTable) {
        self.session = session
        self.cancellation = session.cancellation
        self.graph = session.graphContext
        self.symbols = symbols
        self.file = SourceFile(name: "<none>", text: "")
    }

    /// Runs a program at top level; returns the value of a trailing expression statement.
    /// Each statement is compiled just before it runs (the names it uses are resolved once).
    func run(_ program: Program) throws -> Value? {
        let previousFile = file
        file = program.file
        defer { file = previousFile }
        let compiler = Compiler(globals: globals, symbols: symbols)
        let frame = Scope(slotCount: 0, parent: nil)
        for (index, statement) in program.statements.enumerated() {
            // Between top-level statements no function runs: the globals are all the roots.
            if callDepth == 0 { collectCyclesIfWorthwhile() }
            if index == program.statements.count - 1, case .expression(let expression) = statement.kind {
                return try compiler.expression(expression)(self, frame)
            }
            switch try compiler.statement(statement)(self, frame) {
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
            throw Diagnostic(error.message, span: span, file: file, kind: Diagnostic.Kind(error.kind))
        } catch let error as RuntimeError {
            throw Diagnostic(error.message, span: span, file: file)
        } catch {
            throw Diagnostic("\(error)", span: span, file: file)
        }
    }

    @inline(__always)
    func checkInterrupt(_ span: SourceSpan) throws {
        if cancellation.isRequested || Cancellation.isRequestedForEveryProgram {
            throw Diagnostic(Cancellation.message, span: span, file: file, kind: .interrupted)
        }
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
                .tensor(try Variable.apply(.slice([.single(index)]), variable, nil, in: self.graph))
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

    // MARK: - Names

    /// The error for a name bound nowhere, with a suggestion.
    func unknownName(_ name: Identifier) -> Diagnostic {
        var message = "unknown name '\(name.name)'"
        if let hebb = Interpreter.otherLanguageSpellings[name.name] {
            message += "; did you mean '\(hebb)'?"
        } else if let suggestion = closestName(to: name.name) { message += "; did you mean '\(suggestion)'?" }
        return Diagnostic(message, span: name.span, file: file)
    }

    /// Python's (and JavaScript's) spellings of Hebb's literals, for "unknown name" errors.
    static let otherLanguageSpellings = ["True": "true", "False": "false", "None": "none", "null": "none", "nil": "none"]

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

extension Diagnostic.Kind {
    /// The kind of an engine error once the interpreter has located it.
    init(_ kind: TensorError.Kind) {
        switch kind {
        case .ordinary: self = .runtime
        case .interrupted: self = .interrupted
        case .limit: self = .limit
        }
    }
}
