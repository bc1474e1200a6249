// The compiler's expressions, names and assignment targets.

import HebbAutodiff
import HebbSyntax
import HebbTensor

extension Compiler {
    /// Compiles an expression. This dispatch is the one long function of the compiler.
    func expression(_ expression: Expr) -> ExprCode {
        let span = expression.span
        switch expression.kind {
        case .number(let number):
            return { _, _ in .number(number) }
        case .bool(let flag):
            let value = Value.bool(flag)
            return { _, _ in value }
        case .none:
            return { _, _ in .none }
        case .string(let parts):
            return interpolation(parts)
        case .name(let name):
            return read(context.resolve(name, globals: globals))
        case .list(let elements):
            let codes = elements.map { ExprCodeBox(run: self.expression($0)) }
            return { interpreter, scope in .list(ListBox(try codes.map { try $0.run(interpreter, scope) })) }
        case .tuple(let elements):
            let codes = elements.map { ExprCodeBox(run: self.expression($0)) }
            return { interpreter, scope in .tuple(try codes.map { try $0.run(interpreter, scope) }) }
        case .record(let fields):
            let codes = fields.map { (name: $0.name, code: self.expression($0.value)) }
            return { interpreter, scope in
                .record(RecordBox(try codes.map { ($0.name, try $0.code(interpreter, scope)) }))
            }
        case .unary(let op, let operand):
            let value = self.expression(operand)
            return { interpreter, scope in
                let operandValue = try value(interpreter, scope)
                if op == .negate, case .number(let number) = operandValue { return .number(-number) }
                return try interpreter.located(span) { try interpreter.unary(op, operandValue) }
            }
        case .binary(.matmul, let left, let right):
            return matmul(left, right, span)
        case .binary(let op, let left, let right):
            if op == .add, let source = AffineSource(expression) { return affine(source, span) }
            if let plan = FusionPlan(expression) {
                return fusedArithmetic(plan, span, unfused: separateOps(op, left, right, span))
            }
            return separateOps(op, left, right, span)
        case .logical(let op, let left, let right):
            return logical(op, left, right, span)
        case .range(let start, let end, let inclusive):
            let startCode = self.expression(start), endCode = self.expression(end)
            let startSpan = start.span, endSpan = end.span
            return { interpreter, scope in
                let a = try interpreter.number(startCode(interpreter, scope), startSpan)
                let b = try interpreter.number(endCode(interpreter, scope), endSpan)
                return .range(RangeValue(start: a, end: b, step: 1, inclusive: inclusive))
            }
        case .call(let callee, let arguments):
            return call(callee, arguments, span)
        case .index(let object, let items):
            let target = self.expression(object), indices = indexItems(items)
            return { interpreter, scope in
                let targetValue = try target(interpreter, scope)
                let indexValues = try indices(interpreter, scope)
                return try interpreter.located(span) { try Indexing.get(targetValue, indexValues) }
            }
        case .field(let object, let name):
            let target = self.expression(object)
            return { interpreter, scope in
                let targetValue = try target(interpreter, scope)
                return try interpreter.located(span) { try interpreter.field(targetValue, name) }
            }
        case .function(let declaration):
            return makeClosure(function(declaration))
        }
    }

    /// `a op b` as one op (its operands compiled on their own).
    private func separateOps(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ span: SourceSpan) -> ExprCode {
        if case .number(let constant) = right.kind,
           let code = binary(op, self.expression(left), constant: constant, span) { return code }
        return binary(op, self.expression(left), self.expression(right), span)
    }

    /// `a op b`. Numbers with numbers are computed inline; everything else goes through
    /// `Interpreter.binary` (tensors, broadcasting, strings, errors).
    private func binary(_ op: BinaryOperator, _ left: @escaping ExprCode, _ right: @escaping ExprCode,
                        _ span: SourceSpan) -> ExprCode {
        func general(_ interpreter: Interpreter, _ a: Value, _ b: Value) throws -> Value {
            try interpreter.located(span) { try interpreter.binary(op, a, b) }
        }
        switch op {
        case .add:
            return { interpreter, scope in
                let a = try left(interpreter, scope), b = try right(interpreter, scope)
                if case .number(let x) = a, case .number(let y) = b { return .number(x + y) }
                return try general(interpreter, a, b)
            }
        case .subtract:
            return { interpreter, scope in
                let a = try left(interpreter, scope), b = try right(interpreter, scope)
                if case .number(let x) = a, case .number(let y) = b { return .number(x - y) }
                return try general(interpreter, a, b)
            }
        case .multiply:
            return { interpreter, scope in
                let a = try left(interpreter, scope), b = try right(interpreter, scope)
                if case .number(let x) = a, case .number(let y) = b { return .number(x * y) }
                return try general(interpreter, a, b)
            }
        case .less:
            return { interpreter, scope in
                let a = try left(interpreter, scope), b = try right(interpreter, scope)
                if case .number(let x) = a, case .number(let y) = b { return .bool(x < y) }
                return try general(interpreter, a, b)
            }
        default:
            return { interpreter, scope in
                let a = try left(interpreter, scope), b = try right(interpreter, scope)
                return try general(interpreter, a, b)
            }
        }
    }

    /// `x + 1`, `i < n - 1`: with a number literal on the right, the inline number cases
    /// need no call for the literal. Nil for operators without an inline case.
    private func binary(_ op: BinaryOperator, _ left: @escaping ExprCode, constant: Double,
                        _ span: SourceSpan) -> ExprCode? {
        func general(_ interpreter: Interpreter, _ a: Value) throws -> Value {
            try interpreter.located(span) { try interpreter.binary(op, a, .number(constant)) }
        }
        switch op {
        case .add:
            return { interpreter, scope in
                let a = try left(interpreter, scope)
                if case .number(let x) = a { return .number(x + constant) }
                return try general(interpreter, a)
            }
        case .subtract:
            return { interpreter, scope in
                let a = try left(interpreter, scope)
                if case .number(let x) = a { return .number(x - constant) }
                return try general(interpreter, a)
            }
        case .multiply:
            return { interpreter, scope in
                let a = try left(interpreter, scope)
                if case .number(let x) = a { return .number(x * constant) }
                return try general(interpreter, a)
            }
        case .less:
            return { interpreter, scope in
                let a = try left(interpreter, scope)
                if case .number(let x) = a { return .bool(x < constant) }
                return try general(interpreter, a)
            }
        default:
            return nil
        }
    }

    /// `and` / `or`: on truth values they short-circuit, as in Python; when an operand is a
    /// tensor of rank 1 or more (a mask), both sides are evaluated and combined elementwise,
    /// as NumPy's `(x > 0) & (x < 5)`.
    private func logical(_ op: LogicalOperator, _ left: Expr, _ right: Expr, _ span: SourceSpan) -> ExprCode {
        let leftCode = expression(left), rightCode = expression(right)
        let leftSpan = left.span, rightSpan = right.span
        return { interpreter, scope in
            let a = try leftCode(interpreter, scope)
            if a.isMask {
                let b = try rightCode(interpreter, scope)
                return try interpreter.located(span) { try Interpreter.elementwiseLogic(op, a, b) }
            }
            let truthA = try interpreter.truth(a, leftSpan)
            if op == .and ? !truthA : truthA { return .bool(truthA) }
            let b = try rightCode(interpreter, scope)
            if b.isMask { return try interpreter.located(span) { try Interpreter.elementwiseLogic(op, a, b) } }
            return .bool(try interpreter.truth(b, rightSpan))
        }
    }

    /// `a @ b`, where an operand written `X.T` or `transpose(X)` of a matrix is passed to
    /// BLAS as a transpose flag instead of being copied (the book's `Z.T @ dA`).
    private func matmul(_ left: Expr, _ right: Expr, _ span: SourceSpan) -> ExprCode {
        let leftCode = productOperand(left), rightCode = productOperand(right)
        return { interpreter, scope in
            let a = try leftCode(interpreter, scope), b = try rightCode(interpreter, scope)
            return try Compiler.product(interpreter, a, b, span)
        }
    }

    /// The product of two evaluated operands of `@` (each with its transpose flag).
    static func product(_ interpreter: Interpreter, _ left: (Value, Bool), _ right: (Value, Bool),
                        _ span: SourceSpan) throws -> Value {
        guard case .tensor(let x) = left.0, case .tensor(let y) = right.0 else {
            return try interpreter.located(span) { try interpreter.binary(.matmul, left.0, right.0) }
        }
        return try interpreter.located(span) {
            .tensor(try Variable.apply(.matmul(transposeA: left.1, transposeB: right.1), x, y, in: interpreter.graph))
        }
    }

    /// An operand of `@`: its value, and whether it is a matrix written transposed. Which
    /// operands may be transposes is decided here; whether `transpose` is still the builtin
    /// (a user may define their own) is checked when the code runs.
    func productOperand(_ operand: Expr) -> (Interpreter, Scope) throws -> (Value, Bool) {
        let whole = expression(operand), span = operand.span
        var inner: Expr? = nil
        var transposeCallee: ExprCode? = nil
        if case .field(let object, "T") = operand.kind { inner = object }
        if case .call(let callee, let arguments) = operand.kind, case .name(let name) = callee.kind,
           name.name == "transpose", arguments.count == 1, arguments[0].label == nil {
            inner = arguments[0].value
            transposeCallee = expression(callee)
        }
        guard let inner else { return { interpreter, scope in (try whole(interpreter, scope), false) } }
        let innerCode = expression(inner)
        return { interpreter, scope in
            if let transposeCallee {
                guard case .builtin = try transposeCallee(interpreter, scope) else { return (try whole(interpreter, scope), false) }
            }
            let value = try innerCode(interpreter, scope)
            if case .tensor(let variable) = value, variable.value.rank == 2 { return (value, true) }
            return (try interpreter.located(span) { try interpreter.field(value, "T") }, false)
        }
    }

    /// The subscripts of `X[...]`, evaluated left to right (a slice's step first).
    func indexItems(_ items: [IndexItem]) -> (Interpreter, Scope) throws -> [IndexValue] {
        let codes = items.map { IndexCodeBox(run: indexItem($0)) }
        return { interpreter, scope in try codes.map { try $0.run(interpreter, scope) } }
    }

    /// One subscript's code, kept in an array (see `ExprCodeBox`).
    private struct IndexCodeBox {
        let run: (Interpreter, Scope) throws -> IndexValue
    }

    private func indexItem(_ item: IndexItem) -> (Interpreter, Scope) throws -> IndexValue {
        switch item {
        case .single(let expression):
            let value = self.expression(expression)
            return { interpreter, scope in .single(try value(interpreter, scope)) }
        case .slice(let start, let stop, let step):
            let startCode = start.map(bound), stopCode = stop.map(bound), stepCode = step.map(bound)
            let stepSpan = step?.span
            return { interpreter, scope in
                let stepValue = try stepCode?(interpreter, scope) ?? nil
                if stepValue == 0, let stepSpan {
                    throw Diagnostic("slice step cannot be zero", span: stepSpan, file: interpreter.file)
                }
                return .slice(start: try startCode?(interpreter, scope) ?? nil,
                              stop: try stopCode?(interpreter, scope) ?? nil, step: stepValue)
            }
        }
    }

    /// A slice bound: a whole number, or nil for `none`.
    private func bound(_ expression: Expr) -> (Interpreter, Scope) throws -> Int? {
        let value = self.expression(expression), span = expression.span
        return { interpreter, scope in
            let bound = try value(interpreter, scope)
            if case .none = bound { return nil }
            return try interpreter.located(span) { try interpreter.integer(bound, "slice bound") }
        }
    }

    /// A string literal with `{expr}` / `{expr:format}` parts.
    private func interpolation(_ parts: [StringPart]) -> ExprCode {
        enum Piece { case text(String), value(ExprCode, String?, SourceSpan) }
        let pieces: [Piece] = parts.map { part in
            switch part {
            case .text(let literal): return .text(literal)
            case .interpolation(let expression, let format): return .value(self.expression(expression), format, expression.span)
            }
        }
        if pieces.allSatisfy({ if case .text = $0 { return true } else { return false } }) {
            let value = Value.string(pieces.map { if case .text(let text) = $0 { return text } else { return "" } }.joined())
            return { _, _ in value }
        }
        return { interpreter, scope in
            var text = ""
            for piece in pieces {
                switch piece {
                case .text(let literal):
                    text += literal
                case .value(let code, let format, let span):
                    let value = try code(interpreter, scope)
                    let formatted = try interpreter.located(span) { try Display.format(value, spec: format) }
                    try interpreter.located(span) {
                        try Interpreter.checkJoinedSize(text.utf8.count + formatted.utf8.count, bytesPerItem: 1, "string", unit: "bytes")
                    }
                    text += formatted
                }
            }
            return .string(text)
        }
    }
}

// MARK: - Calls

extension Compiler {
    private func call(_ callee: Expr, _ arguments: [HebbSyntax.Argument], _ span: SourceSpan) -> ExprCode {
        let argumentCode = CompiledArguments(arguments, self)
        // `X.sum(axis: 0)` calls the function `sum` with X first, unless X is a record with
        // a field of that name (then it is a call of the stored function).
        if case .field(let objectExpression, let name) = callee.kind {
            let object = expression(objectExpression), method = globals.cell(symbols.intern(name))
            let isTensorField = ["T", "shape", "dtype", "ndim", "size"].contains(name), calleeSpan = callee.span
            return { interpreter, scope in
                let objectValue = try object(interpreter, scope)
                if case .record(let record) = objectValue, let stored = record[name] {
                    return try interpreter.call(stored, try argumentCode.evaluate(interpreter, scope), span)
                }
                if let function = method.current, !(isTensorField && objectValue.isTensor) {
                    return try interpreter.call(function, try argumentCode.evaluate(interpreter, scope, first: objectValue), span)
                }
                let function = try interpreter.located(calleeSpan) { try interpreter.field(objectValue, name) }
                return try interpreter.call(function, try argumentCode.evaluate(interpreter, scope), span)
            }
        }
        let function = expression(callee)
        if let positional = argumentCode.positionalOnly {
            let callWith: (Interpreter, Scope, Value) throws -> Value = { interpreter, scope, functionValue in
                if case .function(let closure) = functionValue, closure.code.takesPositional(positional.count) {
                    return try interpreter.callClosure(closure, evaluating: positional, in: scope, span)
                }
                return try interpreter.call(functionValue, try argumentCode.evaluate(interpreter, scope), span)
            }
            if arguments.count == 1, let source = AffineSource(arguments[0].value) {
                return activationOfAffine(function, source, otherwise: callWith, span)
            }
            if arguments.count == 1, case .binary(.multiply, let left, let right) = arguments[0].value.kind {
                return sumOfProduct(function, left, right, arguments[0].value.span, otherwise: callWith, span)
            }
            if arguments.count == 1, case .call(let innerCallee, let innerArguments) = arguments[0].value.kind,
               case .name = innerCallee.kind, innerArguments.count <= 5, !innerArguments.contains(where: { $0.label == "activation" }) {
                return activationOfLayer(function, innerCallee, innerArguments, arguments[0].value.span,
                                         otherwise: callWith)
            }
            // The same as callWith, inline: the call loop's hot path has no closure call to spare.
            // A callee written as a name is read straight as the `Closure` it holds (no `Value`
            // to take apart), and a one-argument call hands its argument's code over as it is.
            if case .name(let name) = callee.kind {
                let calleeClosure = readClosure(context.resolve(name, globals: globals))
                if positional.count == 1 {
                    let argument = positional[0].run
                    return { interpreter, scope in
                        if let closure = calleeClosure(interpreter, scope), closure.code.takesPositional(1) {
                            return try interpreter.callClosure(closure, evaluating: argument, in: scope, span)
                        }
                        return try callWith(interpreter, scope, try function(interpreter, scope))
                    }
                }
                return { interpreter, scope in
                    if let closure = calleeClosure(interpreter, scope), closure.code.takesPositional(positional.count) {
                        return try interpreter.callClosure(closure, evaluating: positional, in: scope, span)
                    }
                    return try callWith(interpreter, scope, try function(interpreter, scope))
                }
            }
            return { interpreter, scope in
                let functionValue = try function(interpreter, scope)
                if case .function(let closure) = functionValue, closure.code.takesPositional(positional.count) {
                    return try interpreter.callClosure(closure, evaluating: positional, in: scope, span)
                }
                return try interpreter.call(functionValue, try argumentCode.evaluate(interpreter, scope), span)
            }
        }
        return { interpreter, scope in
            let functionValue = try function(interpreter, scope)
            return try interpreter.call(functionValue, try argumentCode.evaluate(interpreter, scope), span)
        }
    }
}

/// A call's arguments, compiled. A label given twice is known here; the error is raised
/// where the tree-walker raised it, after evaluating the arguments up to the repeated one.
struct CompiledArguments {
    private let items: [LabelledCode]
    private struct LabelledCode {
        let label: String?
        let code: ExprCode
    }
    private let repeated: (index: Int, label: String, span: SourceSpan)?
    /// The argument code when no argument has a label.
    let positionalOnly: [ExprCodeBox]?

    init(_ arguments: [HebbSyntax.Argument], _ compiler: Compiler) {
        items = arguments.map { LabelledCode(label: $0.label, code: compiler.expression($0.value)) }
        positionalOnly = arguments.allSatisfy { $0.label == nil } ? items.map { ExprCodeBox(run: $0.code) } : nil
        var seen: Set<String> = [], repeated: (Int, String, SourceSpan)? = nil
        for (index, argument) in arguments.enumerated() {
            guard let label = argument.label else { continue }
            if !seen.insert(label).inserted { repeated = (index, label, argument.value.span); break }
        }
        self.repeated = repeated
    }

    func evaluate(_ interpreter: Interpreter, _ scope: Scope, first: Value? = nil) throws -> Arguments {
        var result = Arguments(positional: [], labelled: [])
        result.positional.reserveCapacity(items.count + 1)
        if let first { result.positional.append(first) }
        for (index, item) in items.enumerated() {
            let value = try item.code(interpreter, scope)
            if let repeated, repeated.index == index {
                throw Diagnostic("argument '\(repeated.label)' given twice", span: repeated.span, file: interpreter.file)
            }
            if let label = item.label { result.labelled.append((label, value)) } else { result.positional.append(value) }
        }
        return result
    }
}

// MARK: - Names and assignment targets

extension Compiler {
    /// Code that reads a name: the frames that bind it, innermost first, then the global.
    func read(_ name: ResolvedName) -> ExprCode {
        let cell = name.global, identifier = name.identifier
        if name.frames.isEmpty {
            return { interpreter, _ in
                if let value = cell.current { return value }
                throw interpreter.unknownName(identifier)
            }
        }
        if let slot = name.ownSlotOnly {
            return { interpreter, scope in
                if let value = scope[slot] ?? cell.current { return value }
                throw interpreter.unknownName(identifier)
            }
        }
        let frames = name.frames
        return { interpreter, scope in
            for (depth, slot) in frames {
                if let value = scope.frame(at: depth)?[slot] { return value }
            }
            if let value = cell.current { return value }
            throw interpreter.unknownName(identifier)
        }
    }

    /// Code that reads a name when it holds a tensor, else nil (a number, a function, an
    /// unset name: the caller takes its general path, which reads the name as `read` does);
    /// nil when the name may live in an enclosing function's frame. The fused arithmetic's
    /// operands, read unretained (`TensorReadCode`).
    func readTensor(_ name: ResolvedName) -> TensorReadCode? {
        let cell = name.global
        if name.frames.isEmpty { return { _, _ in cell.unretainedTensor } }
        if let slot = name.ownSlotOnly {
            return { _, scope in scope.isAssigned(slot) ? scope.unretainedTensor(at: slot) : cell.unretainedTensor }
        }
        return nil  // a name of an enclosing function: read as a value (a copy keeps it alive)
    }

    /// Code that reads a name when it holds a user function, else nil (the caller then reads
    /// it as `read` does, for its value or its error).
    func readClosure(_ name: ResolvedName) -> ClosureReadCode {
        let cell = name.global
        if name.frames.isEmpty { return { _, _ in cell.closure } }
        if let slot = name.ownSlotOnly {
            return { _, scope in scope.isAssigned(slot) ? scope.closure(at: slot) : cell.closure }
        }
        let general = read(name)
        return { interpreter, scope in
            if case .function(let closure)? = try? general(interpreter, scope) { return closure }
            return nil
        }
    }

    /// Code that assigns a name: where it is already bound in this or an enclosing
    /// function's frame, else in this function's frame; at top level, the global. (A
    /// function's `Z = ...` never clobbers a global `Z`, as in Python.)
    func write(_ name: ResolvedName) -> StoreCode {
        let cell = name.global
        if name.frames.isEmpty { return { _, _, value in cell.value = value } }
        if let slot = name.ownSlotOnly { return { _, scope, value in scope[slot] = value } }
        let frames = name.frames
        let own = frames.first { $0.depth == 0 }?.slot
        return { _, scope, value in
            for (depth, slot) in frames {
                if let frame = scope.frame(at: depth), frame[slot] != nil { frame[slot] = value; return }
            }
            if let own { scope[own] = value } else { cell.value = value }
        }
    }

    /// Code that stores into an assignment target.
    func store(_ target: AssignTarget) -> StoreCode {
        switch target {
        case .name(let name):
            return write(context.resolve(name, globals: globals))
        case .field(let objectExpression, let field, let span):
            let object = expression(objectExpression)
            return { interpreter, scope, value in
                let objectValue = try object(interpreter, scope)
                guard case .record(let record) = objectValue else {
                    throw Diagnostic("cannot set field '\(field)' on a \(objectValue.typeName)", span: span, file: interpreter.file)
                }
                record[field] = value
            }
        case .index(let objectExpression, let items, let span):
            let object = expression(objectExpression), indices = indexItems(items)
            // Tensors are values: writing into one rebinds the place it came from.
            let place = AssignTarget.from(objectExpression).map(store)
            return { interpreter, scope, value in
                let objectValue = try object(interpreter, scope)
                let indexValues = try indices(interpreter, scope)
                let updated = try interpreter.located(span) { try Indexing.assign(into: objectValue, indexValues, value) }
                if case .tensor = updated {
                    guard let place else {
                        throw Diagnostic("cannot assign into this tensor expression", span: span, file: interpreter.file)
                    }
                    try place(interpreter, scope, updated)
                }
            }
        }
    }

    /// Code that reads the current value at an assignment target (for compound assignment).
    func read(_ target: AssignTarget) -> ExprCode {
        switch target {
        case .name(let name):
            return read(context.resolve(name, globals: globals))
        case .field(let objectExpression, let field, let span):
            return expression(Expr(.field(objectExpression, field), span: span))
        case .index(let objectExpression, let items, let span):
            return expression(Expr(.index(objectExpression, items), span: span))
        }
    }
}

extension Value {
    var isTensor: Bool { if case .tensor = self { return true } else { return false } }
}
