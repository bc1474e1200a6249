import Foundation
import HebbAutodiff
import HebbTensor

/// Printing, conversion, containers, assertions and time.
enum CoreBuiltins {
    static let table: [Builtin] = [
        Builtin("print(values...)", "Writes the values separated by spaces and a newline.") { call in
            let text = try call.arguments.positional.map(Display.text).joined(separator: " ")
            call.interpreter.session.output.write(text + "\n")
            return .none
        },
        Builtin("str(x)", "The text print would show for x.") { call in .string(try Display.text(call.argument(0, "x"))) },
        Builtin("repr(x)", "The text of x as the REPL echoes it (strings quoted).") { call in .string(try Display.repr(call.argument(0, "x"))) },
        Builtin("type(x)", "The type name of x: number, tensor, string, list, tuple, record, function, bool, none, range.") { call in
            .string(try call.argument(0, "x").typeName)
        },
        Builtin("number(x)", "x as a number: a one-element tensor, a bool or a numeric string (alias: float).", toNumber),
        Builtin("float(x)", "x as a number (alias of number).", toNumber),
        Builtin("int(x)", "x rounded toward zero, as a number.") { call in
            .number(try toNumber(call).numberValue.rounded(.towardZero))
        },
        Builtin("len(x)", "The number of items in a list, tuple, string, record or range, or rows of a tensor.") { call in
            let x = try call.argument(0, "x")
            switch x {
            case .list(let list): return .number(Double(list.items.count))
            case .tuple(let items): return .number(Double(items.count))
            case .string(let text): return .number(Double(text.count))
            case .record(let record): return .number(Double(record.fields.count))
            case .range(let range): return .number(Double(range.count))
            case .tensor(let variable): return .number(Double(variable.shape.first ?? 1))
            default: throw RuntimeError("len() of a \(x.typeName)")
            }
        },
        Builtin("range(start, stop, step: 1)", "Numbers from start up to (not including) stop; range(n) is 0..<n.") { call in
            let (start, stop) = try call.startAndStop()
            let step = try call.number(2, "step", default: 1)
            guard step != 0 else { throw RuntimeError("range(): step cannot be zero") }
            return .range(RangeValue(start: start, end: stop, step: step, inclusive: false))
        },
        Builtin("list(x)", "A new list of the items of x (a list, tuple, range, string or tensor rows).") { call in
            let (count, element) = try call.interpreter.iteration(of: call.argument(0, "x"))
            guard count <= 1 << 26 else { throw RuntimeError("list(): too many items (\(count))") }
            return .list(ListBox(try (0..<count).map(element)))
        },
        Builtin("append(list, x)", "Adds x at the end of a list (in place) and returns the list.") { call in
            guard case .list(let list) = try call.argument(0, "list") else { throw RuntimeError("append() needs a list") }
            let item = try call.argument(1, "x")
            // Checked when the count reaches a power of two, where the array's buffer doubles:
            // a runaway append loop is a located error, and appends stay O(1).
            let count = list.items.count + 1
            if count & (count - 1) == 0 {
                try Interpreter.checkJoinedSize(count, bytesPerItem: MemoryLayout<Value>.stride, "list")
            }
            list.items.append(item)
            return .list(list)
        },
        Builtin("pop(list)", "Removes and returns the last item of a list.") { call in
            guard case .list(let list) = try call.argument(0, "list") else { throw RuntimeError("pop() needs a list") }
            guard let last = list.items.popLast() else { throw RuntimeError("pop() from an empty list") }
            return last
        },
        Builtin("copy(x)", "A shallow copy of a list or record (tensors and numbers are values already).") { call in
            let x = try call.argument(0, "x")
            switch x {
            case .list(let list): return .list(ListBox(list.items))
            case .record(let record): return .record(RecordBox(record.fields.map { ($0.name, $0.value) }))
            default: return x
            }
        },
        Builtin("enumerate(x)", "A list of (index, item) tuples.") { call in
            let (count, element) = try call.interpreter.iteration(of: call.argument(0, "x"))
            guard count <= 1 << 26 else { throw RuntimeError("enumerate(): too many items (\(count))") }
            return .list(ListBox(try (0..<count).map { .tuple([.number(Double($0)), try element($0)]) }))
        },
        Builtin("zip(a, b)", "A list of (a[i], b[i]) tuples, as long as the shorter.") { call in
            let (countA, elementA) = try call.interpreter.iteration(of: call.argument(0, "a"))
            let (countB, elementB) = try call.interpreter.iteration(of: call.argument(1, "b"))
            let count = min(countA, countB)
            guard count <= 1 << 26 else { throw RuntimeError("zip(): too many items (\(count))") }
            return .list(ListBox(try (0..<count).map { .tuple([try elementA($0), try elementB($0)]) }))
        },
        Builtin("keys(record)", "The field names of a record.") { call in
            guard case .record(let record) = try call.argument(0, "record") else { throw RuntimeError("keys() needs a record") }
            return .list(ListBox(record.fields.map { .string($0.name) }))
        },
        Builtin("assert(condition, message: \"assertion failed\")", "Raises an error when condition is false.") { call in
            if try !Interpreter.truthValue(call.argument(0, "condition")) {
                let message = try call.optional(1, "message").map(Display.text) ?? "assertion failed"
                throw RuntimeError(message)
            }
            return .none
        },
        Builtin("error(message)", "Raises an error with this message.") { call in
            throw RuntimeError(try Display.text(call.argument(0, "message")))
        },
        Builtin("warn(message, once: false)",
                "Prints `warning: message` with the program's output; with once: true, only the first time this message is given in a session.") { call in
            let message = try Display.text(call.argument(0, "message"))
            let session = call.interpreter.session
            if try call.bool(1, "once", default: false) {
                guard session.warningsShown.insert(message).inserted else { return .none }
            }
            session.output.write("warning: \(message)\n")
            return .none
        },
        Builtin("sort(x)", "A sorted copy of a list of numbers or strings, or of a 1-d tensor.") { call in
            let x = try call.argument(0, "x")
            switch x {
            case .tensor(let variable):
                guard variable.value.rank == 1 else {
                    throw RuntimeError("sort() needs a 1-d tensor, got shape \(Tensor.describe(variable.shape))")
                }
                let sorted = try Cancellation.sorted(variable.value.toDoubles(), by: <)
                return .tensor(try Tensor(shape: variable.shape, values: sorted, dtype: variable.dtype))
            case .list(let list):
                if list.items.allSatisfy({ if case .string = $0 { return true } else { return false } }) {
                    return .list(ListBox(try Cancellation.sorted(list.items.map(Display.text), by: <).map { .string($0) }))
                }
                let numbers = try list.items.map { try Interpreter.numberValue($0, "sort() element") }
                return .list(ListBox(try Cancellation.sorted(numbers, by: <).map { .number($0) }))
            default:
                throw RuntimeError("sort() needs a list or a 1-d tensor, not a \(x.typeName)")
            }
        },
        Builtin("env(name, default: none)",
                """
                The value of an environment variable, or default when it is not set. A program may \
                read only HEBB_* variables unless run with --allow-env=NAME (or --allow-env for all).
                """) { call in
            let name = try call.string(0, "name")
            try call.interpreter.session.permissions.checkEnvironment(name, by: "env")
            if let value = ProcessInfo.processInfo.environment[name] { return .string(value) }
            return call.optional(1, "default") ?? .none
        },
        Builtin("clock()", "Seconds since an arbitrary start, for timing code.") { _ in
            .number(Date().timeIntervalSinceReferenceDate)
        },
        Builtin("isnan(x)", "True for a NaN number; elementwise mask for a tensor.") { call in
            let x = try call.argument(0, "x")
            if case .tensor(let variable) = x {
                return .tensor(try Tensor.binary(.notEqual, variable.value, variable.value))
            }
            return .bool(try Interpreter.numberValue(x, "x").isNaN)
        },
        Builtin("help(name)", "Prints the documentation of a builtin or function (help(\"sum\") or help(sum)).") { call in
            let value = try call.argument(0, "name")
            let name: String
            switch value {
            case .string(let text): name = text
            case .builtin(let builtin): name = builtin.name
            case .function(let closure): name = closure.name
            default: throw RuntimeError("help() takes a name or a function")
            }
            let text = call.interpreter.session.documentation(for: name) ?? "no documentation for '\(name)'"
            call.interpreter.session.output.write(text + "\n")
            return .none
        },
    ]

    static func toNumber(_ call: BuiltinCall) throws -> Value {
        let x = try call.argument(0, "x")
        if case .string(let text) = x {
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw RuntimeError("number(): '\(text)' is not a number")
            }
            return .number(number)
        }
        return .number(try Interpreter.numberValue(x, "number() argument"))
    }
}

extension Value {
    /// The number inside a `.number` (0 otherwise); used after a conversion that made one.
    var numberValue: Double { if case .number(let number) = self { return number } else { return 0 } }
}
