import Foundation
import HebbAutodiff
import HebbSyntax
import HebbTensor

/// A function implemented in Swift. Registered from per-library tables with its signature
/// and documentation beside it (they feed `help(name)` and the REPL's `:help`).
public final class Builtin: Sendable {
    let name: String
    let signature: String
    let doc: String
    let body: @Sendable (BuiltinCall) throws -> Value
    /// The parameter names of the signature: the labels a call may use.
    let parameterNames: [String]
    /// The parameters a call may pass by position or by label: those before a `values...`
    /// parameter (the ones after it, like print's `sep:`, take a label only).
    let positionalNames: [String]
    /// The `values...` parameter's name, if the signature has one.
    let variadicName: String?
    /// The most positional arguments a call may pass; nil when any number is fine (a
    /// signature with `values...`, or `variadic: true` as for `max(a, b, c)`).
    let maxPositional: Int?
    /// `variadic: true`: positional arguments are free-form (`max(a, b, c)`), so labels
    /// are never moved into positions.
    let variadic: Bool
    /// What the compiler may fold into one graph node with the argument's last op
    /// (Compiler+Affine.swift): tanh, sigmoid and relu of `A @ B + b`; sum of `A * B`.
    let folding: Folding?
    enum Folding: Sendable {
        case activation(Tensor.UnaryOp)
        case sumOfProduct
        /// conv2d: `relu(conv2d(...))` becomes `conv2d(..., activation: "relu")`.
        case takesActivation
    }

    init(_ signature: String, _ doc: String, variadic: Bool = false, folding: Folding? = nil,
         _ body: @escaping @Sendable (BuiltinCall) throws -> Value) {
        self.signature = signature
        self.name = String(signature.prefix { $0 != "(" })
        self.doc = doc
        self.body = body
        let parameters = Builtin.parameters(of: signature)
        self.parameterNames = parameters.map(\.name)
        self.positionalNames = parameters.prefix { !$0.variadic }.map(\.name)
        self.variadicName = parameters.first(where: \.variadic)?.name
        self.maxPositional = variadic || parameters.contains(where: \.variadic) ? nil : parameters.count
        self.variadic = variadic
        self.folding = folding
    }

    /// The parameters of `name(a, b: 1, rest...)`, split at the commas outside quotes.
    static func parameters(of signature: String) -> [(name: String, variadic: Bool)] {
        guard let open = signature.firstIndex(of: "("), let close = signature.lastIndex(of: ")"), open < close else { return [] }
        var pieces: [String] = [], current = "", quoted = false
        for character in signature[signature.index(after: open)..<close] {
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted { pieces.append(current); current = "" } else { current.append(character) }
        }
        pieces.append(current)
        return pieces.compactMap { piece in
            let trimmed = piece.trimmingCharacters(in: .whitespaces)
            let name = String(trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            return name.isEmpty ? nil : (name, trimmed.dropFirst(name.count).hasPrefix("..."))
        }
    }

    /// "f() has no parameter 'dim'", with the parameter meant when a near spelling or a
    /// PyTorch label (dim:, keepdim:) names one.
    static func unknownLabelMessage(_ label: String, of name: String, parameters: [String]) -> String {
        var message = "\(name)() has no parameter '\(label)'"
        let habits = ["dim": "axis", "keepdim": "keepdims", "axes": "axis"]
        if let meant = habits[label], parameters.contains(meant) {
            return message + "; write '\(meant):' (Hebb names it as NumPy does)"
        }
        let closest = parameters.min { editDistance($0, label) < editDistance($1, label) }
        if let closest, editDistance(closest, label) <= max(1, label.count / 3) { message += "; did you mean '\(closest)'?" }
        return message
    }

    /// Binds a call's arguments to the signature: rejects what it does not allow (extra
    /// positional arguments, unknown labels, a value given both by position and by label),
    /// then moves labelled arguments that continue the positional ones into their places,
    /// so `arange(start: 1, stop: 5)` reaches the body as `arange(1, 5)` does.
    func bind(_ arguments: Arguments) throws -> Arguments {
        let given = arguments.positional.count
        if let maxPositional, given > maxPositional {
            let takes = maxPositional == 0 ? "takes no arguments"
                : "takes at most \(maxPositional) argument\(maxPositional == 1 ? "" : "s")"
            throw RuntimeError("\(name)() \(takes) but \(given) were given")
        }
        for (label, _) in arguments.labelled {
            guard parameterNames.contains(label) else {
                throw RuntimeError(Builtin.unknownLabelMessage(label, of: name, parameters: parameterNames))
            }
            if let slot = positionalNames.firstIndex(of: label), slot < given {
                throw RuntimeError("\(name)() got two values for '\(label)': argument \(slot + 1) and '\(label):'; give it once")
            }
        }
        var bound = arguments
        while !variadic, bound.positional.count < positionalNames.count,
              let next = bound.labelled.firstIndex(where: { $0.label == positionalNames[bound.positional.count] }) {
            bound.positional.append(bound.labelled.remove(at: next).value)
        }
        return bound
    }
}

/// One call of a builtin: its arguments bound to the signature (Builtin.bind) and typed
/// accessors that throw clear errors. An accessor names a parameter by its position and its
/// label; a label of the signature is looked up where the signature puts it (a test checks
/// that every body's position agrees), a label after `values...` only as a label.
struct BuiltinCall {
    let name: String
    var arguments: Arguments
    let interpreter: Interpreter
    let span: SourceSpan
    /// The builtin whose signature the arguments were bound to; nil for calls made inside a
    /// builtin, which are read by position.
    private var signature: Builtin?
    /// The labels the caller wrote, before binding moved some into positions.
    private var givenLabels: [String] = []

    init(name: String, arguments: Arguments, interpreter: Interpreter, span: SourceSpan) {
        self.name = name
        self.arguments = arguments
        self.interpreter = interpreter
        self.span = span
    }

    init(_ builtin: Builtin, arguments: Arguments, interpreter: Interpreter, span: SourceSpan) throws {
        self.init(name: builtin.name, arguments: try builtin.bind(arguments), interpreter: interpreter, span: span)
        signature = builtin
        givenLabels = arguments.labelled.map(\.label)
    }

    private var parameterNames: [String] { signature?.parameterNames ?? [] }
    private var positionalNames: [String] { signature?.positionalNames ?? [] }

    var count: Int { arguments.positional.count }

    /// The signature's name of the parameter a body reads as (index, label): shared helpers
    /// read generic labels (`a`, `b`) and get the builtin's own (`x`, `p`).
    func parameterName(_ index: Int, _ label: String) -> String {
        if parameterNames.contains(label) || index >= positionalNames.count { return label }
        return positionalNames[index]
    }

    func argument(_ index: Int, _ label: String) throws -> Value {
        if let value = optional(index, label) { return value }
        throw RuntimeError("\(name)() missing argument '\(parameterName(index, label))'")
    }

    func optional(_ index: Int, _ label: String) -> Value? {
        let name = parameterName(index, label)
        if parameterNames.contains(name), !positionalNames.contains(name) { return arguments.value(name) }
        let slot = positionalNames.firstIndex(of: name) ?? index
        if slot < arguments.positional.count { return arguments.positional[slot] }
        return arguments.value(name)
    }

    /// The argument for a parameter named `label`, wherever the call gave it.
    func value(_ label: String) -> Value? {
        optional(positionalNames.firstIndex(of: label) ?? Int.max, label)
    }

    func variable(_ index: Int, _ label: String) throws -> Variable {
        try asVariable(argument(index, label), parameterName(index, label))
    }

    func tensor(_ index: Int, _ label: String) throws -> Tensor {
        try variable(index, label).value
    }

    func number(_ index: Int, _ label: String) throws -> Double {
        try Interpreter.numberValue(argument(index, label), "\(name)() argument '\(parameterName(index, label))'")
    }

    func number(_ index: Int, _ label: String, default fallback: Double) throws -> Double {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.numberValue(value, "\(name)() argument '\(parameterName(index, label))'")
    }

    func integer(_ index: Int, _ label: String) throws -> Int {
        try Interpreter.integerValue(argument(index, label), "\(name)() argument '\(parameterName(index, label))'")
    }

    func integer(_ index: Int, _ label: String, default fallback: Int) throws -> Int {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.integerValue(value, "\(name)() argument '\(parameterName(index, label))'")
    }

    /// An optional `axis:`; none means all elements.
    func axis(_ index: Int = 1) throws -> Int? {
        guard let value = optional(index, "axis"), !value.isNone else { return nil }
        return try Interpreter.integerValue(value, "\(name)() argument 'axis'")
    }

    func string(_ index: Int, _ label: String) throws -> String {
        let value = try argument(index, label)
        guard case .string(let text) = value else {
            throw RuntimeError("\(name)() argument '\(parameterName(index, label))' must be a string, not a \(value.typeName)")
        }
        return text
    }

    func bool(_ index: Int, _ label: String, default fallback: Bool) throws -> Bool {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.truthValue(value)
    }

    /// The bounds of range/arange, as Python's range reads them: one number is the stop
    /// (`range(5)` is 0..<5), two are start and stop, and `stop:` alone counts from 0.
    func startAndStop() throws -> (start: Double, stop: Double) {
        let start = optional(0, "start"), stop = optional(1, "stop")
        func number(_ value: Value, _ label: String) throws -> Double {
            try Interpreter.numberValue(value, "\(name)() argument '\(label)'")
        }
        switch (start, stop) {
        case let (start?, stop?): return (try number(start, "start"), try number(stop, "stop"))
        case let (only?, nil):
            if givenLabels.contains("start") {
                throw RuntimeError("\(name)(start:) needs stop: too; \(name)(n) alone counts from 0 up to n")
            }
            return (0, try number(only, "stop"))
        case let (nil, stop?): return (0, try number(stop, "stop"))
        case (nil, nil): throw RuntimeError("\(name)() missing argument 'stop'")
        }
    }

    /// `dtype: "float32"` or `"bool"` (default float64).
    func dtype(default fallback: DType = .float64) throws -> DType {
        guard let value = value("dtype") else { return fallback }
        guard case .string(let text) = value, let dtype = DType(rawValue: text) else {
            throw RuntimeError("\(name)(): dtype must be \"float64\", \"float32\" or \"bool\"")
        }
        return dtype
    }

    /// A shape given as numbers (`zeros(3, 4)`), one list/tuple (`zeros([3, 4])`) or a
    /// tensor's `.shape`.
    func shape(from start: Int = 0) throws -> [Int] {
        try dimensions(from: start).map { extent in
            guard extent >= 0 else { throw RuntimeError("\(name)(): negative dimension \(extent)") }
            return extent
        }
    }

    /// The whole numbers given from position `start` on, written as separate arguments or
    /// as one list or tuple (negative values allowed: reshape's -1).
    func dimensions(from start: Int) throws -> [Int] {
        var values = Array(arguments.positional.dropFirst(start))
        // zeros(shape: [2, 3]): the `shape...` parameter given by its label.
        if values.isEmpty, let variadicName = signature?.variadicName, let labelled = arguments.value(variadicName) { values = [labelled] }
        let items: [Value]
        if values.count == 1, case .list(let list) = values[0] { items = list.items }
        else if values.count == 1, case .tuple(let tuple) = values[0] { items = tuple }
        else { items = values }
        return try items.map { try Interpreter.integerValue($0, "\(name)() dimension") }
    }

    /// Converts numbers, nested lists and tensors to a Variable.
    func asVariable(_ value: Value, _ label: String) throws -> Variable {
        switch value {
        case .tensor(let variable): return variable
        case .number, .bool: return Variable(Tensor(scalar: try Interpreter.numberValue(value, label)))
        case .list, .tuple, .range: return Variable(try Conversion.tensor(from: value, dtype: .float64))
        default: throw RuntimeError("\(name)() argument '\(label)' must be a tensor, not a \(value.typeName)")
        }
    }

    /// Calls a Hebb function value (for builtins that take callbacks).
    func call(_ function: Value, _ positional: [Value]) throws -> Value {
        try interpreter.call(function, Arguments(positional: positional, labelled: []), span)
    }
}

extension Value {
    var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// Conversions between language values and tensors.
enum Conversion {
    /// A tensor from a number, a (nested) list or tuple of numbers, a range, or a tensor.
    static func tensor(from value: Value, dtype: DType) throws -> Tensor {
        var shape: [Int] = []
        var values: [Double] = []
        try flatten(value, depth: 0, shape: &shape, into: &values)
        return try Tensor(shape: shape, values: values, dtype: dtype)
    }

    /// True for a non-empty (nested) list or tuple whose elements are all `true`/`false`.
    static func holdsOnlyBools(_ value: Value, depth: Int = 0) -> Bool {
        guard depth <= maxRank else { return false }
        switch value {
        case .bool: return depth > 0
        case .list(let list): return !list.items.isEmpty && list.items.allSatisfy { holdsOnlyBools($0, depth: depth + 1) }
        case .tuple(let items): return !items.isEmpty && items.allSatisfy { holdsOnlyBools($0, depth: depth + 1) }
        default: return false
        }
    }

    /// NumPy's limit on dimensions; a deeper list (or one that contains itself) is an error.
    static let maxRank = 64

    /// The numbers of a range used as data, refusing ranges too long to hold as values.
    static func rangeElements(_ range: RangeValue) throws -> [Double] {
        guard range.count <= 1 << 26 else {
            throw RuntimeError("range \(Display.scalarRepr(.range(range))) has too many elements (\(range.count)) to use as data")
        }
        try TensorLimits.check(range.count * MemoryLayout<Double>.stride, "range \(Display.scalarRepr(.range(range))) of \(range.count) elements")
        return (0..<range.count).map(range.element)
    }

    private static func flatten(_ value: Value, depth: Int, shape: inout [Int], into values: inout [Double]) throws {
        guard depth <= maxRank else { throw RuntimeError("nested list is deeper than \(maxRank) levels (does it contain itself?)") }
        let items: [Value]
        switch value {
        case .number, .bool:
            guard depth == shape.count else { throw RuntimeError("ragged nested list: expected a list at depth \(depth)") }
            values.append(try Interpreter.numberValue(value, "element"))
            return
        case .tensor(let variable):
            let tensor = variable.value
            if depth == shape.count { shape += tensor.shape }
            guard Array(shape[depth...]) == tensor.shape else { throw RuntimeError("ragged nested list: tensor of shape \(Tensor.describe(tensor.shape)) does not fit") }
            values += tensor.toDoubles()
            return
        case .list(let list): items = list.items
        case .tuple(let tuple): items = tuple
        case .range(let range): items = try rangeElements(range).map { .number($0) }
        default: throw RuntimeError("cannot make a tensor from a \(value.typeName)")
        }
        if depth == shape.count { shape.append(items.count) }
        guard shape[depth] == items.count else {
            throw RuntimeError("ragged nested list: expected \(shape[depth]) elements at depth \(depth), found \(items.count)")
        }
        for item in items { try flatten(item, depth: depth + 1, shape: &shape, into: &values) }
    }
}
