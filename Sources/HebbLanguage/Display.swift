import Foundation
import HebbTensor

/// How values print: `print(x)`, string interpolation, and the echo of a REPL or notebook
/// result. Deterministic, so notebook outputs can be compared.
enum Display {
    /// Numbers print like Python: whole numbers without a point, others in shortest form.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e16 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The text `print` writes for a value. Throws "interrupted" on Ctrl-C (a list of
    /// millions of items takes seconds to print).
    static func text(_ value: Value) throws -> String {
        switch value {
        case .string(let text): return text
        default: return try repr(value)
        }
    }

    /// The text of a value inside containers and as a REPL/notebook echo (strings quoted).
    static func repr(_ value: Value) throws -> String {
        var open: [ObjectIdentifier] = []
        return try repr(value, open: &open, depth: 0)
    }

    /// Containers nested deeper than this print as `...` (keeps printing off the stack's edge).
    static let maxPrintedNesting = 1_000

    /// `open` holds the lists and records being printed: one that contains itself prints as
    /// `[...]` or `{...}`, as in Python, instead of recursing forever.
    private static func repr(_ value: Value, open: inout [ObjectIdentifier], depth: Int) throws -> String {
        switch value {
        case .list(let list):
            let identity = ObjectIdentifier(list)
            guard !open.contains(identity), depth < maxPrintedNesting else { return "[...]" }
            open.append(identity)
            defer { open.removeLast() }
            return "[" + (try reprs(list.items, open: &open, depth: depth)).joined(separator: ", ") + "]"
        case .tuple(let items):
            guard depth < maxPrintedNesting else { return "(...)" }
            let parts = try reprs(items, open: &open, depth: depth)
            return "(" + parts.joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .record(let record):
            let identity = ObjectIdentifier(record)
            guard !open.contains(identity), depth < maxPrintedNesting else { return "{...}" }
            open.append(identity)
            defer { open.removeLast() }
            let values = try reprs(record.fields.map { $0.value }, open: &open, depth: depth)
            return "{" + zip(record.fields, values).map { "\($0.name): \($1)" }.joined(separator: ", ") + "}"
        default:
            return scalarRepr(value)
        }
    }

    /// The items of a container, checking for Ctrl-C every few thousand items, and the
    /// text's size against the memory limit each time it doubles past 1 MiB (a list holding
    /// one long string a thousand times prints as gigabytes).
    private static func reprs(_ items: [Value], open: inout [ObjectIdentifier], depth: Int) throws -> [String] {
        var parts: [String] = []
        parts.reserveCapacity(items.count)
        var bytes = 0, nextCheck = 1 << 20
        for (index, item) in items.enumerated() {
            try Cancellation.check(every: index)
            let part = try repr(item, open: &open, depth: depth + 1)
            bytes += part.utf8.count + 2
            if bytes >= nextCheck {
                try TensorLimits.check(bytes, "the text of a container (\(bytes >> 20) MiB so far)")
                nextCheck = bytes * 2
            }
            parts.append(part)
        }
        return parts
    }

    /// The text of a value that holds no other values (containers print as `[...]`).
    static func scalarRepr(_ value: Value) -> String {
        switch value {
        case .none: return "none"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return self.number(number)
        case .string(let text): return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .tensor(let variable): return tensor(variable.value)
        case .list: return "[...]"
        case .tuple: return "(...)"
        case .record: return "{...}"
        case .function(let closure):
            return "<fn \(closure.name)(\(closure.declaration.parameters.map(\.name.name).joined(separator: ", ")))>"
        case .builtin(let builtin): return "<builtin \(builtin.name)>"
        case .range(let range):
            return number(range.start) + (range.inclusive ? "..." : "..<") + number(range.end)
        }
    }

    /// A tensor: 0-d prints as its number; large ones get a shape/dtype line, as NumPy does.
    static func tensor(_ tensor: Tensor) -> String {
        if tensor.rank == 0, let value = tensor.scalarValue {
            if tensor.dtype == .bool { return value != 0 ? "True" : "False" }  // NumPy's np.True_
            if value.isNaN { return "nan" }   // NumPy prints NaN without its sign bit
            return tensor.dtype == .float32 ? "\(Float(value))" : "\(value)"
        }
        let body = tensor.formatted()
        if tensor.count > 1000 || tensor.dtype == .float32 {
            return body + "\n<tensor \(tensor.dtype.rawValue) \(Tensor.describe(tensor.shape))>"
        }
        return body
    }

    /// NaN with its sign bit cleared: printf writes `-nan` for the NaN that 0/0 gives on
    /// x86, where Python and NumPy write `nan`.
    static func withoutNaNSign(_ value: Double) -> Double { value.isNaN ? .nan : value }

    /// The widest field a format spec may ask for.
    static let maxFormatWidth = 10_000

    /// `{value:spec}` in a string: a Python-like format spec (`.4f`, `.3e`, `.2%`, `d`, `>8`, `<8.2f`).
    static func format(_ value: Value, spec: String?) throws -> String {
        guard let spec, !spec.isEmpty else { return try text(value) }
        var body = Substring(spec)
        var alignment: Character? = nil
        if let first = body.first, "<>^".contains(first) { alignment = first; body = body.dropFirst() }
        // `{x:08.3f}`: a 0 before the width pads numbers with zeros after the sign, as Python does.
        let zeroPadded = alignment == nil && body.first == "0"
        // Digits are capped while read, so `{x:99999999999999999999}` is an error, not an overflow.
        var width = 0
        while let digit = body.first?.wholeNumberValue, body.first != "." {
            width = Swift.min(width * 10 + digit, maxFormatWidth + 1)
            body = body.dropFirst()
        }
        guard width <= maxFormatWidth else { throw RuntimeError("format width in '\(spec)' is too large (at most \(maxFormatWidth))") }
        var precision: Int? = nil
        if body.first == "." {
            body = body.dropFirst()
            var digits = 0
            while let digit = body.first?.wholeNumberValue {
                digits = Swift.min(digits * 10 + digit, maxFormatWidth + 1)
                body = body.dropFirst()
            }
            precision = digits
        }
        let kind = body.first
        guard body.count <= 1 else { throw RuntimeError("invalid format spec '\(spec)'") }
        var rendered: String
        switch kind {
        case nil:
            if let precision, let number = try? Interpreter.numberValue(value, "value") {
                rendered = String(format: "%.\(min(precision, 40))g", withoutNaNSign(number))
            } else {
                rendered = try text(value)
            }
        case "f", "e", "g", "%":
            let number = withoutNaNSign(try Interpreter.numberValue(value, "formatted value"))
            let digits = min(precision ?? 6, 40)
            switch kind {
            case "%": rendered = String(format: "%.\(digits)f%%", number * 100)
            default: rendered = String(format: "%.\(digits)\(kind ?? "f")", number)
            }
        case "d":
            rendered = String(try Interpreter.integerValue(value, "formatted value"))
        case "s":
            rendered = try text(value)
        default:
            throw RuntimeError("invalid format spec '\(spec)'")
        }
        let padding = max(0, width - rendered.count)
        guard padding > 0 else { return rendered }
        try Interpreter.checkJoinedSize(width, bytesPerItem: 1, "string", unit: "bytes")
        let isNumeric = value.isScalarLike || { if case .tensor = value { return true } else { return false } }()
        if zeroPadded, isNumeric {
            let sign = rendered.first == "-" || rendered.first == "+" ? String(rendered.removeFirst()) : ""
            return sign + String(repeating: "0", count: padding) + rendered
        }
        switch alignment ?? (isNumeric ? ">" : "<") {
        case ">": rendered = String(repeating: " ", count: padding) + rendered
        case "^": rendered = String(repeating: " ", count: padding / 2) + rendered + String(repeating: " ", count: padding - padding / 2)
        default: rendered += String(repeating: " ", count: padding)
        }
        return rendered
    }
}

extension Display {
    /// `3.2e-09` style, for error magnitudes.
    static func scientific(_ value: Double) -> String {
        value.isFinite ? String(format: "%.1e", value) : number(value)
    }
}
