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
    /// The most positional arguments a call may pass; nil when any number is fine (a
    /// signature with `values...`, or `variadic: true` as for `max(a, b, c)`).
    let maxPositional: Int?

    init(_ signature: String, _ doc: String, variadic: Bool = false,
         _ body: @escaping @Sendable (BuiltinCall) throws -> Value) {
        self.signature = signature
        self.name = String(signature.prefix { $0 != "(" })
        self.doc = doc
        self.body = body
        let parameters = Builtin.parameters(of: signature)
        self.parameterNames = parameters.map(\.name)
        self.maxPositional = variadic || parameters.contains(where: \.variadic) ? nil : parameters.count
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

    /// Rejects what the signature does not allow: extra positional arguments and unknown
    /// labels (`sum(x, axs: 1)` would otherwise be silently ignored).
    func checkArguments(_ arguments: Arguments) throws {
        let given = arguments.positional.count
        if let maxPositional, given > maxPositional {
            let takes = maxPositional == 0 ? "takes no arguments"
                : "takes at most \(maxPositional) argument\(maxPositional == 1 ? "" : "s")"
            throw RuntimeError("\(name)() \(takes) but \(given) were given")
        }
        for (label, _) in arguments.labelled where !parameterNames.contains(label) {
            var message = "\(name)() has no parameter '\(label)'"
            let closest = parameterNames.min { editDistance($0, label) < editDistance($1, label) }
            if let closest, editDistance(closest, label) <= max(1, label.count / 3) { message += "; did you mean '\(closest)'?" }
            throw RuntimeError(message)
        }
    }
}

/// One call of a builtin: its arguments and typed accessors that throw clear errors.
struct BuiltinCall {
    let name: String
    var arguments: Arguments
    let interpreter: Interpreter
    let span: SourceSpan

    var count: Int { arguments.positional.count }

    func argument(_ index: Int, _ label: String) throws -> Value {
        if index < arguments.positional.count { return arguments.positional[index] }
        if let value = arguments.value(label) { return value }
        throw RuntimeError("\(name)() missing argument '\(label)'")
    }

    func optional(_ index: Int, _ label: String) -> Value? {
        if index < arguments.positional.count { return arguments.positional[index] }
        return arguments.value(label)
    }

    func variable(_ index: Int, _ label: String) throws -> Variable {
        try asVariable(argument(index, label), label)
    }

    func tensor(_ index: Int, _ label: String) throws -> Tensor {
        try variable(index, label).value
    }

    func number(_ index: Int, _ label: String) throws -> Double {
        try Interpreter.numberValue(argument(index, label), "\(name)() argument '\(label)'")
    }

    func number(_ index: Int, _ label: String, default fallback: Double) throws -> Double {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.numberValue(value, "\(name)() argument '\(label)'")
    }

    func integer(_ index: Int, _ label: String) throws -> Int {
        try Interpreter.integerValue(argument(index, label), "\(name)() argument '\(label)'")
    }

    func integer(_ index: Int, _ label: String, default fallback: Int) throws -> Int {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.integerValue(value, "\(name)() argument '\(label)'")
    }

    /// An optional `axis:`; none means all elements.
    func axis(_ index: Int = 1) throws -> Int? {
        guard let value = optional(index, "axis"), !value.isNone else { return nil }
        return try Interpreter.integerValue(value, "\(name)() argument 'axis'")
    }

    func string(_ index: Int, _ label: String) throws -> String {
        let value = try argument(index, label)
        guard case .string(let text) = value else {
            throw RuntimeError("\(name)() argument '\(label)' must be a string, not a \(value.typeName)")
        }
        return text
    }

    func bool(_ index: Int, _ label: String, default fallback: Bool) throws -> Bool {
        guard let value = optional(index, label), !value.isNone else { return fallback }
        return try Interpreter.truthValue(value)
    }

    /// `dtype: "float32"` or `"bool"` (default float64).
    func dtype(default fallback: DType = .float64) throws -> DType {
        guard let value = arguments.value("dtype") else { return fallback }
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
        let values = Array(arguments.positional.dropFirst(start))
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
