import HebbAutodiff
import HebbSyntax
import HebbTensor

/// A Hebb runtime value. Tensors carry their autodiff history (a `Variable`); lists and
/// records are shared mutable containers, as in Python; everything else is immutable.
/// Kept to one word of payload (strings and ranges are boxed), so copying a value on the
/// hot path moves 16 bytes.
public enum Value {
    case none
    case bool(Bool)
    case number(Double)
    indirect case string(String)
    case tensor(Variable)
    case list(ListBox)
    case tuple([Value])
    case record(RecordBox)
    case function(Closure)
    case builtin(Builtin)
    indirect case range(RangeValue)

    /// A leaf tensor value (no history).
    static func tensor(_ tensor: Tensor) -> Value { .tensor(Variable(tensor)) }

    /// The name users see in error messages and `type(x)`.
    var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .tensor: return "tensor"
        case .list: return "list"
        case .tuple: return "tuple"
        case .record: return "record"
        case .function, .builtin: return "function"
        case .range: return "range"
        }
    }
}

/// A mutable, shared list (`append` is seen by every holder, as in Python).
public final class ListBox {
    var items: [Value]
    init(_ items: [Value]) { self.items = items }
}

/// A record: named fields in insertion order, shared and mutable (`model.W = ...`).
public final class RecordBox {
    private(set) var names: [String] = []
    private var values: [Value] = []

    init(_ fields: [(String, Value)] = []) {
        for (name, value) in fields { self[name] = value }
    }

    subscript(name: String) -> Value? {
        get { names.firstIndex(of: name).map { values[$0] } }
        set {
            if let index = names.firstIndex(of: name) {
                if let newValue { values[index] = newValue } else { names.remove(at: index); values.remove(at: index) }
            } else if let newValue {
                names.append(name)
                values.append(newValue)
            }
        }
    }

    var fields: [(name: String, value: Value)] { Array(zip(names, values)) }

    /// Forgets every field and returns the values (to break reference cycles).
    func removeAll() -> [Value] {
        defer { names = []; values = [] }
        return values
    }
}

/// A user function with the frame it was defined in (a closure). Its code is compiled
/// once, when the program that defines it is compiled, and shared by every closure made
/// from the same definition.
public final class Closure {
    let code: CompiledFunction
    let file: SourceFile
    let captured: Scope?
    init(code: CompiledFunction, file: SourceFile, captured: Scope?) {
        self.code = code; self.file = file; self.captured = captured
    }
    var declaration: FunctionDecl { code.declaration }
    var name: String { code.name }
}

/// `a...b`, `a..<b` or `range(a, b, step)`: iterated lazily.
public struct RangeValue {
    var start: Double
    var end: Double
    var step: Double
    var inclusive: Bool

    var count: Int {
        guard step != 0, !step.isNaN, start.isFinite, end.isFinite else { return 0 }
        let span = (end - start) / step
        if span < 0 { return 0 }
        let whole = span.rounded(.down)
        let n = whole + ((inclusive || whole != span) ? 1 : 0)
        return n > Double(Int.max / 2) ? Int.max / 2 : Int(n)
    }

    func element(_ index: Int) -> Double { start + Double(index) * step }
}

/// Arguments of a call: positional values and labelled ones (`axis: 1`).
public struct Arguments {
    var positional: [Value]
    var labelled: [(label: String, value: Value)]

    func value(_ label: String) -> Value? { labelled.first { $0.label == label }?.value }
}
