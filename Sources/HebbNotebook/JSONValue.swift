// A minimal JSON value with a deterministic printer (keys in insertion order, one-space
// indent like Jupyter's own files), so exported notebooks diff cleanly.

indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (left: JSONValue, right: JSONValue) -> Bool {
        left.printed() == right.printed()
    }

    /// Pretty-printed JSON, newline-terminated.
    func printed() -> String {
        var output = ""
        write(to: &output, indent: 0)
        return output + "\n"
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .string(let value): output += JSONValue.quoted(value)
        case .array(let values):
            writeContainer(&output, indent: indent, open: "[", close: "]", count: values.count) { output, index in
                values[index].write(to: &output, indent: indent + 1)
            }
        case .object(let members):
            writeContainer(&output, indent: indent, open: "{", close: "}", count: members.count) { output, index in
                output += JSONValue.quoted(members[index].0) + ": "
                members[index].1.write(to: &output, indent: indent + 1)
            }
        }
    }

    private func writeContainer(_ output: inout String, indent: Int, open: String, close: String, count: Int,
                                element: (inout String, Int) -> Void) {
        guard count > 0 else { output += open + close; return }
        output += open + "\n"
        for index in 0..<count {
            output += String(repeating: " ", count: indent + 1)
            element(&output, index)
            output += index + 1 < count ? ",\n" : "\n"
        }
        output += String(repeating: " ", count: indent) + close
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// Jupyter's multi-line string form: lines, each but the last ending in "\n".
    static func lines(_ text: String) -> JSONValue {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if let last = parts.last {
            parts[parts.count - 1] = String(last.dropLast())
            if parts[parts.count - 1].isEmpty { parts.removeLast() }
        }
        return .array(parts.map(JSONValue.string))
    }
}
