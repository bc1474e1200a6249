import HebbAutodiff
import HebbSyntax
import HebbTensor

/// One evaluated subscript: a position, a slice, or a list of positions (fancy indexing).
enum IndexValue {
    case single(Value)
    case slice(start: Int?, stop: Int?, step: Int?)
}

extension Interpreter {
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

    /// Attributes: record fields and tensor properties (`X.T`, `X.shape`).
    func field(_ value: Value, _ name: String) throws -> Value {
        switch value {
        case .record(let record):
            if let field = record[name] { return field }
            let known = record.fields.map(\.name).joined(separator: ", ")
            throw RuntimeError("record has no field '\(name)' (fields: \(known.isEmpty ? "none" : known))")
        case .tensor(let variable):
            switch name {
            case "T": return .tensor(try Variable.apply(.transpose(axes: nil), variable, nil, in: graph))
            case "shape": return .tuple(variable.shape.map { .number(Double($0)) })
            case "dtype": return .string(variable.dtype.rawValue)
            case "ndim": return .number(Double(variable.value.rank))
            case "size": return .number(Double(variable.value.count))
            default: break
            }
        default:
            break
        }
        var message = "a \(value.typeName) has no field '\(name)'"
        if let habit = Interpreter.autodiffHabits[name] { message += ": \(habit)" }
        throw RuntimeError(message)
    }

    /// PyTorch's autograd spellings, answered with Hebb's: gradients are a function's
    /// results, not state kept on tensors.
    static let autodiffHabits: [String: String] = [
        "backward": "Hebb has no .backward(); take the gradients with dW = grad(J, W) (or grad(J, [W, b]))",
        "grad": "Hebb keeps no .grad on tensors; dW = grad(J, W) returns it",
        "requires_grad": "every tensor can be differentiated in Hebb; grad(J, W) needs no flag",
        "requires_grad_": "every tensor can be differentiated in Hebb; grad(J, W) needs no flag",
        "zero_grad": "Hebb accumulates nothing between grad calls, so there is nothing to zero",
        "detach": "write detach(x)",
        "numpy": "a Hebb tensor is already the array; use it as it is",
        "item": "write float(x) for a one-element tensor",
    ]

    // MARK: - Calls

    /// Calls a function value with evaluated arguments.
    func call(_ callee: Value, _ arguments: Arguments, _ span: SourceSpan) throws -> Value {
        switch callee {
        case .builtin(let builtin):
            // Checked here too, not only between statements: a recursion returning up its
            // chain (`return rec(k - 1) + permutation(10^6)`) runs no statement on the way up.
            try checkInterrupt(span)
            return try located(span) {
                try builtin.body(BuiltinCall(builtin, arguments: arguments, interpreter: self, span: span))
            }
        case .function(let closure):
            return try callClosure(closure, arguments, span)
        default:
            throw Diagnostic("a \(callee.typeName) is not a function", span: span, file: file)
        }
    }

    func callClosure(_ closure: Closure, _ arguments: Arguments, _ span: SourceSpan) throws -> Value {
        try checkInterrupt(span)
        guard callDepth < maxCallDepth else { throw recursionLimitError() }
        let code = closure.code
        let parameters = code.declaration.parameters
        guard arguments.positional.count <= parameters.count else {
            throw Diagnostic("\(closure.name)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s") but \(arguments.positional.count) were given",
                             span: span, file: file)
        }
        // Defaults are evaluated in the callee's frame and file, as the body is.
        return try withFrame(for: closure) { frame in
            try entered(closure, at: span) { callerFile in
                for (index, parameter) in parameters.enumerated() {
                    let value: Value
                    if index < arguments.positional.count {
                        value = arguments.positional[index]
                    } else if let labelled = arguments.value(parameter.name.name) {
                        value = labelled
                    } else if let defaultValue = code.defaults[index] {
                        value = try defaultValue.run(self, frame)
                    } else {
                        throw Diagnostic("\(closure.name)() missing argument '\(parameter.name.name)'", span: span, file: callerFile)
                    }
                    frame[code.parameterSlots[index]] = value
                }
                for argument in arguments.labelled {
                    guard let index = parameters.firstIndex(where: { $0.name.name == argument.label }) else {
                        throw Diagnostic(Builtin.unknownLabelMessage(argument.label, of: closure.name, parameters: parameters.map(\.name.name)),
                                         span: span, file: callerFile)
                    }
                    if index < arguments.positional.count {
                        throw Diagnostic("\(closure.name)() got two values for '\(argument.label)' (by position and by label)",
                                         span: span, file: callerFile)
                    }
                }
                return try traced(closure, from: span, in: callerFile) { try run(code, in: frame) }
            }
        }
    }

    /// A call with one positional argument per parameter (the common case, compiled apart):
    /// the arguments are evaluated straight into the callee's frame, with no argument list.
    /// The order of evaluation and checks is the general path's: callee, arguments, then
    /// the stop request and the recursion limit.
    func callClosure(_ closure: Closure, evaluating arguments: [ExprCodeBox], in callerScope: Scope,
                     _ span: SourceSpan) throws -> Value {
        try withFrame(for: closure) { frame in
            for index in arguments.indices { frame[index] = try arguments[index].run(self, callerScope) }
            return try runCall(closure, closure.code, frame, span)
        }
    }

    /// The same for a function of one parameter, whose argument code the caller holds (no
    /// array of argument code to index).
    func callClosure(_ closure: Closure, evaluating argument: ExprCode, in callerScope: Scope,
                     _ span: SourceSpan) throws -> Value {
        try withFrame(for: closure) { frame in
            frame[0] = try argument(self, callerScope)
            return try runCall(closure, closure.code, frame, span)
        }
    }

    /// Runs `body` in a frame for a call of `closure`, then gives the frame back to the
    /// spares. No `defer`: the frame is a constant handed to `recycle` at its last use, so a
    /// call neither retains it nor releases it.
    @inline(__always)
    private func withFrame(for closure: Closure, _ body: (Scope) throws -> Value) throws -> Value {
        let frame = spareFrames.frame(slotCount: closure.code.slotCount, parent: closure.captured)
        let result: Value
        do {
            result = try body(frame)
        } catch {
            spareFrames.recycle(consume frame)
            throw error
        }
        spareFrames.recycle(consume frame)
        return result
    }

    /// A call whose arguments are in its frame: the stop request, the recursion limit, then
    /// the body.
    @inline(__always)
    private func runCall(_ closure: Closure, _ code: CompiledFunction, _ frame: Scope, _ span: SourceSpan) throws -> Value {
        try checkInterrupt(span)
        guard callDepth < maxCallDepth else { throw recursionLimitError() }
        return try entered(closure, at: span) { callerFile in
            try traced(closure, from: span, in: callerFile) { try run(code, in: frame) }
        }
    }

    /// Runs `body` one call deeper: in the callee's file, with the call on the call stack;
    /// `body` gets the caller's file (for its messages).
    @inline(__always)
    private func entered(_ closure: Closure, at span: SourceSpan, _ body: (SourceFile) throws -> Value) throws -> Value {
        // A call within one file (the common case) leaves `file` as it is: no retain, no release.
        // (`closure.file` is that file: a constant of the closure, which the caller holds, so
        // passing it costs nothing, where passing `file`, which the body may change, is a retain.)
        if closure.file === file {
            callStack.push(closure, at: span, in: closure.file)
            defer { callStack.pop() }
            return try body(closure.file)
        }
        // Swapped in and out, not assigned: one retain and one release per call, not two.
        var callerFile = closure.file
        swap(&file, &callerFile)
        callStack.push(closure, at: span, in: callerFile)
        defer { swap(&file, &callerFile); callStack.pop() }
        return try body(callerFile)
    }

    private func run(_ code: CompiledFunction, in frame: Scope) throws -> Value {
        if case .returnValue(let value) = try code.body(self, frame) { return value }
        return .none
    }

    /// Runs a function's body; an error raised in it gets the call site added to its trace,
    /// or is moved to the user's call when it came from inside the stdlib.
    @inline(__always)
    private func traced(_ closure: Closure, from span: SourceSpan, in callerFile: SourceFile,
                        _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch var error as Diagnostic {
            if error.file?.isLibrary == true, !callerFile.isLibrary {
                throw Interpreter.relocated(error, to: span, in: callerFile, raisedBy: closure.name)
            }
            // Add the call site to the trace, innermost first, a few levels deep.
            if error.notes.count < 8, error.kind == .runtime {
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
        return Diagnostic(error.message, span: span, file: file, notes: error.kind == .interrupted ? [] : [note], kind: error.kind)
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
