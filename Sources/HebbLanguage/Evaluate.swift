import HebbAutodiff
import HebbSyntax
import HebbTensor

/// One evaluated subscript: a position, a slice, or a list of positions (fancy indexing).
enum IndexValue {
    case single(Value)
    case slice(start: Int?, stop: Int?, step: Int?)
}

extension Interpreter {
    /// Evaluates an expression. This dispatch is the one long function of the interpreter.
    func evaluate(_ expression: Expr, _ scope: Scope?) throws -> Value {
        switch expression.kind {
        case .number(let value):
            return .number(value)
        case .bool(let value):
            return .bool(value)
        case .none:
            return .none
        case .string(let parts):
            return .string(try interpolate(parts, scope))
        case .name(let name):
            return try lookup(name, scope)
        case .list(let elements):
            return .list(ListBox(try elements.map { try evaluate($0, scope) }))
        case .tuple(let elements):
            return .tuple(try elements.map { try evaluate($0, scope) })
        case .record(let fields):
            return .record(RecordBox(try fields.map { ($0.name, try evaluate($0.value, scope)) }))
        case .unary(let op, let operand):
            let value = try evaluate(operand, scope)
            return try located(expression.span) { try unary(op, value) }
        case .binary(.matmul, let left, let right):
            return try evaluateMatmul(left, right, expression.span, scope)
        case .binary(let op, let left, let right):
            let a = try evaluate(left, scope)
            let b = try evaluate(right, scope)
            return try located(expression.span) { try binary(op, a, b) }
        case .logical(let op, let left, let right):
            return try evaluateLogical(op, left, right, expression.span, scope)
        case .range(let start, let end, let inclusive):
            let a = try number(evaluate(start, scope), start.span)
            let b = try number(evaluate(end, scope), end.span)
            return .range(RangeValue(start: a, end: b, step: 1, inclusive: inclusive))
        case .call(let callee, let arguments):
            return try evaluateCall(callee, arguments, expression.span, scope)
        case .index(let object, let items):
            let target = try evaluate(object, scope)
            let indices = try items.map { try evaluateIndexItem($0, scope) }
            return try located(expression.span) { try Indexing.get(target, indices) }
        case .field(let object, let name):
            let target = try evaluate(object, scope)
            return try located(expression.span) { try field(target, name) }
        case .function(let declaration):
            return closure(declaration, capturing: scope)
        }
    }

    /// `and` / `or`: on truth values they short-circuit, as in Python; when an operand is a
    /// tensor of rank 1 or more (a mask), both sides are evaluated and combined elementwise,
    /// as NumPy's `(x > 0) & (x < 5)`.
    private func evaluateLogical(_ op: LogicalOperator, _ left: Expr, _ right: Expr, _ span: SourceSpan,
                                 _ scope: Scope?) throws -> Value {
        let a = try evaluate(left, scope)
        if a.isMask {
            let b = try evaluate(right, scope)
            return try located(span) { try Interpreter.elementwiseLogic(op, a, b) }
        }
        let truthA = try truth(a, left.span)
        if op == .and ? !truthA : truthA { return .bool(truthA) }
        let b = try evaluate(right, scope)
        if b.isMask { return try located(span) { try Interpreter.elementwiseLogic(op, a, b) } }
        return .bool(try truth(b, right.span))
    }

    /// The elementwise `and` / `or` of two operands, one of them a mask.
    static func elementwiseLogic(_ op: LogicalOperator, _ a: Value, _ b: Value) throws -> Value {
        let x = try logicOperand(a), y = try logicOperand(b)
        return .tensor(Variable(try Tensor.logical(op == .and ? .and : .or, x, y)))
    }

    /// A truth-valued operand as a tensor (numbers and booleans as 0-d).
    static func logicOperand(_ value: Value) throws -> Tensor {
        if case .tensor(let variable) = value { return variable.value }
        guard value.isScalarLike else {
            throw RuntimeError("and/or combine a mask with a mask, a number or a boolean, not a \(value.typeName)")
        }
        return Tensor(scalar: try numberValue(value, "operand"))
    }

    /// `a @ b`, where an operand written `X.T` or `transpose(X)` of a matrix is passed to
    /// BLAS as a transpose flag instead of being copied (the book's `Z.T @ dA`).
    private func evaluateMatmul(_ left: Expr, _ right: Expr, _ span: SourceSpan, _ scope: Scope?) throws -> Value {
        let (a, transposeA) = try evaluateOperandOfProduct(left, scope)
        let (b, transposeB) = try evaluateOperandOfProduct(right, scope)
        guard case .tensor(let x) = a, case .tensor(let y) = b else {
            return try located(span) { try binary(.matmul, a, b) }
        }
        return try located(span) {
            .tensor(try Variable.apply(.matmul(transposeA: transposeA, transposeB: transposeB), x, y))
        }
    }

    /// An operand of `@`: its value, and whether it is a matrix written transposed.
    private func evaluateOperandOfProduct(_ expression: Expr, _ scope: Scope?) throws -> (Value, Bool) {
        var inner: Expr? = nil
        if case .field(let object, "T") = expression.kind { inner = object }
        if case .call(let callee, let arguments) = expression.kind, case .name(let name) = callee.kind,
           name.name == "transpose", arguments.count == 1, arguments[0].label == nil,
           case .builtin = try lookup(name, scope) {
            inner = arguments[0].value
        }
        guard let inner else { return (try evaluate(expression, scope), false) }
        let value = try evaluate(inner, scope)
        if case .tensor(let variable) = value, variable.value.rank == 2 { return (value, true) }
        return (try located(expression.span) { try field(value, "T") }, false)
    }

    func evaluateIndexItem(_ item: IndexItem, _ scope: Scope?) throws -> IndexValue {
        switch item {
        case .single(let expression):
            return .single(try evaluate(expression, scope))
        case .slice(let start, let stop, let step):
            func bound(_ expression: Expr?) throws -> Int? {
                guard let expression else { return nil }
                let value = try evaluate(expression, scope)
                if case .none = value { return nil }
                return try located(expression.span) { try integer(value, "slice bound") }
            }
            let stepValue = try bound(step)
            if stepValue == 0, let step {
                throw Diagnostic("slice step cannot be zero", span: step.span, file: file)
            }
            return .slice(start: try bound(start), stop: try bound(stop), step: stepValue)
        }
    }

    private func interpolate(_ parts: [StringPart], _ scope: Scope?) throws -> String {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal):
                text += literal
            case .interpolation(let expression, let format):
                let value = try evaluate(expression, scope)
                let piece = try located(expression.span) { try Display.format(value, spec: format) }
                try located(expression.span) {
                    try Interpreter.checkJoinedSize(text.utf8.count + piece.utf8.count, bytesPerItem: 1, "string", unit: "bytes")
                }
                text += piece
            }
        }
        return text
    }

    /// Attributes: record fields and tensor properties (`X.T`, `X.shape`).
    func field(_ value: Value, _ name: String) throws -> Value {
        switch value {
        case .record(let record):
            if let field = record[name] { return field }
            let known = record.fields.map(\.name).joined(separator: ", ")
            throw RuntimeError("record has no field '\(name)' (fields: \(known.isEmpty ? "none" : known))")
        case .tensor(let variable):
            switch name {
            case "T": return .tensor(try Variable.apply(.transpose(axes: nil), variable))
            case "shape": return .tuple(variable.shape.map { .number(Double($0)) })
            case "dtype": return .string(variable.dtype.rawValue)
            case "ndim": return .number(Double(variable.value.rank))
            case "size": return .number(Double(variable.value.count))
            default: break
            }
        default:
            break
        }
        throw RuntimeError("a \(value.typeName) has no field '\(name)'")
    }

    // MARK: - Calls

    private func evaluateCall(_ calleeExpression: Expr, _ arguments: [HebbSyntax.Argument],
                              _ span: SourceSpan, _ scope: Scope?) throws -> Value {
        var arguments = arguments
        var callee: Value
        // `X.sum(axis: 0)` calls the function `sum` with X first, unless X is a record
        // with a field of that name (then it is a call of the stored function).
        if case .field(let objectExpression, let name) = calleeExpression.kind {
            let object = try evaluate(objectExpression, scope)
            if case .record(let record) = object, let stored = record[name] {
                callee = stored
            } else if let method = globals.get(symbols.intern(name)), !isFieldOnly(object, name) {
                callee = method
                arguments.insert(HebbSyntax.Argument(label: nil, value: objectExpression), at: 0)
                return try call(callee, try evaluateArguments(arguments, scope, precomputedFirst: object), span)
            } else {
                callee = try located(calleeExpression.span) { try field(object, name) }
            }
        } else {
            callee = try evaluate(calleeExpression, scope)
        }
        return try call(callee, try evaluateArguments(arguments, scope, precomputedFirst: nil), span)
    }

    private func isFieldOnly(_ object: Value, _ name: String) -> Bool {
        if case .tensor = object { return ["T", "shape", "dtype", "ndim", "size"].contains(name) }
        return false
    }

    private func evaluateArguments(_ arguments: [HebbSyntax.Argument], _ scope: Scope?,
                                   precomputedFirst: Value?) throws -> Arguments {
        var result = Arguments(positional: [], labelled: [])
        for (index, argument) in arguments.enumerated() {
            let value = try (index == 0 ? precomputedFirst : nil) ?? evaluate(argument.value, scope)
            if let label = argument.label {
                if result.labelled.contains(where: { $0.label == label }) {
                    throw Diagnostic("argument '\(label)' given twice", span: argument.value.span, file: file)
                }
                result.labelled.append((label, value))
            } else {
                result.positional.append(value)
            }
        }
        return result
    }

    /// Calls a function value with evaluated arguments.
    func call(_ callee: Value, _ arguments: Arguments, _ span: SourceSpan) throws -> Value {
        switch callee {
        case .builtin(let builtin):
            let call = BuiltinCall(name: builtin.name, arguments: arguments, interpreter: self, span: span)
            return try located(span) {
                try builtin.checkArguments(arguments)
                return try builtin.body(call)
            }
        case .function(let closure):
            return try callClosure(closure, arguments, span)
        default:
            throw Diagnostic("a \(callee.typeName) is not a function", span: span, file: file)
        }
    }

    private func callClosure(_ closure: Closure, _ arguments: Arguments, _ span: SourceSpan) throws -> Value {
        try checkInterrupt(span)
        guard callDepth < maxCallDepth else { throw recursionLimitError() }
        let declaration = closure.declaration
        let parameters = declaration.parameters
        guard arguments.positional.count <= parameters.count else {
            throw Diagnostic("\(closure.name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") but \(arguments.positional.count) were given",
                             span: span, file: file)
        }
        let scope = Scope(parent: closure.captured)
        let callerFile = file
        file = closure.file
        callDepth += 1
        callChain.append(CallFrame(name: closure.name, span: span, file: callerFile))
        defer { file = callerFile; callDepth -= 1; callChain.removeLast() }
        for (index, parameter) in parameters.enumerated() {
            let value: Value
            if index < arguments.positional.count {
                value = arguments.positional[index]
            } else if let labelled = arguments.value(parameter.name.name) {
                value = labelled
            } else if let defaultValue = parameter.defaultValue {
                value = try evaluate(defaultValue, scope)
            } else {
                file = callerFile
                throw Diagnostic("\(closure.name)() missing argument '\(parameter.name.name)'", span: span, file: callerFile)
            }
            scope.define(parameter.name.symbol, value)
        }
        for argument in arguments.labelled {
            guard let index = parameters.firstIndex(where: { $0.name.name == argument.label }) else {
                file = callerFile
                throw Diagnostic("\(closure.name)() has no parameter '\(argument.label)'", span: span, file: callerFile)
            }
            if index < arguments.positional.count {
                file = callerFile
                throw Diagnostic("\(closure.name)() got two values for '\(argument.label)' (by position and by label)",
                                 span: span, file: callerFile)
            }
        }
        do {
            if case .returnValue(let value) = try execute(declaration.body, scope) { return value }
            return .none
        } catch var error as Diagnostic {
            if error.file?.isLibrary == true, !callerFile.isLibrary {
                throw Interpreter.relocated(error, to: span, in: callerFile, raisedBy: closure.name)
            }
            // Add the call site to the trace, innermost first, a few levels deep.
            if error.notes.count < 8, error.message != "interrupted", !error.message.hasPrefix(Interpreter.recursionLimitPrefix) {
                let (line, column) = callerFile.location(ofOffset: span.start)
                error.notes.append("  in \(closure.name)() called at \(callerFile.name):\(line):\(column)")
            }
            throw error
        }
    }

    /// An error raised inside a stdlib function, moved to the user's call of it: the caret
    /// goes under the line the user wrote, and a note says where in the stdlib it came from
    /// (the stdlib's own call chain is dropped).
    static func relocated(_ error: Diagnostic, to span: SourceSpan, in file: SourceFile, raisedBy name: String) -> Diagnostic {
        var note = "  raised inside \(name)()"
        if let libraryFile = error.file, let librarySpan = error.span {
            let (line, _) = libraryFile.location(ofOffset: librarySpan.start)
            note += " at \(libraryFile.name):\(line)"
        }
        return Diagnostic(error.message, span: span, file: file, notes: error.message == "interrupted" ? [] : [note])
    }

    // MARK: - Conversions

    func truth(_ value: Value, _ span: SourceSpan) throws -> Bool {
        try located(span) { try Interpreter.truthValue(value) }
    }

    static func truthValue(_ value: Value) throws -> Bool {
        switch value {
        case .none: return false
        case .bool(let flag): return flag
        case .number(let number): return number != 0
        case .string(let text): return !text.isEmpty
        case .list(let list): return !list.items.isEmpty
        case .tuple(let items): return !items.isEmpty
        case .tensor(let variable):
            guard let scalar = variable.value.scalarValue else {
                throw RuntimeError("the truth value of a tensor of shape \(Tensor.describe(variable.shape)) is ambiguous; use any() or all()")
            }
            return scalar != 0
        case .record, .function, .builtin: return true
        case .range(let range): return range.count > 0
        }
    }

    func number(_ value: Value, _ span: SourceSpan) throws -> Double {
        try located(span) { try Interpreter.numberValue(value, "value") }
    }

    static func numberValue(_ value: Value, _ what: String) throws -> Double {
        switch value {
        case .number(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .tensor(let variable):
            if let scalar = variable.value.scalarValue { return scalar }
            throw RuntimeError("\(what) must be a number, not a tensor of shape \(Tensor.describe(variable.shape))")
        default:
            throw RuntimeError("\(what) must be a number, not a \(value.typeName)")
        }
    }

    func integer(_ value: Value, _ what: String) throws -> Int {
        try Interpreter.integerValue(value, what)
    }

    static func integerValue(_ value: Value, _ what: String) throws -> Int {
        let number = try numberValue(value, what)
        guard number.rounded() == number, abs(number) < 9e15 else {
            throw RuntimeError("\(what) must be a whole number, got \(Display.number(number))")
        }
        return Int(number)
    }
}
