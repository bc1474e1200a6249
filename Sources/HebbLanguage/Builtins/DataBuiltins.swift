import Foundation
import HebbTensor

/// Files in and out: CSV and NumPy's .npy. Relative paths are resolved against the
/// session's base directory (a notebook's folder, or the working directory), and every
/// access is checked against the session's `Permissions` first.
enum DataBuiltins {
    static let table: [Builtin] = [
        Builtin("load_csv(path, label: none, dtype: \"float64\")",
                """
                Reads a numeric CSV file (a header row is detected). With label: (a column index or \
                header name) returns (X, y): the other columns as an N×D matrix and that column as N \
                labels; without it returns the N×D matrix. A file outside the program's folder needs \
                --allow-read PATH.
                """) { call in
            let path = try call.interpreter.session.readablePath(try call.string(0, "path"), by: "load_csv")
            var label: Tensor.CSVLabel? = nil
            switch call.optional(1, "label") ?? .none {
            case .none: label = nil
            case .string(let name): label = .name(name)
            case let value: label = .index(try Interpreter.integerValue(value, "load_csv() label"))
            }
            let table = try Tensor.loadCSV(path: path, labelColumn: label, dtype: call.dtype())
            guard let labels = table.labels else { return .tensor(table.data) }
            return .tuple([.tensor(table.data), .tensor(labels)])
        },
        Builtin("save_csv(path, x, header: none)", "Writes a 1-d or 2-d tensor as CSV, with an optional list of column names (outside the program's folder: --allow-write PATH).") { call in
            let path = try call.interpreter.session.writablePath(try call.string(0, "path"), by: "save_csv")
            var header: [String]? = nil
            if let value = call.optional(2, "header"), case .list(let list) = value { header = try list.items.map(Display.text) }
            try Tensor.saveCSV(call.tensor(1, "x"), path: path, header: header)
            return .none
        },
        Builtin("load_npy(path, dtype: none)",
                "Reads a NumPy .npy file (float32/float64/int32/int64, C order; outside the program's folder: --allow-read PATH). "
                + "dtype: \"float32\" (or \"float64\", \"bool\") converts while reading, as NumPy's astype, so a float64 file "
                + "becomes float32 without a float64 copy in memory.") { call in
            var dtype: DType? = nil
            if let given = call.value("dtype"), !given.isNone { dtype = try call.dtype() }
            return .tensor(try Tensor.loadNPY(path: call.interpreter.session.readablePath(try call.string(0, "path"), by: "load_npy"),
                                              dtype: dtype))
        },
        Builtin("save_npy(path, x)", "Writes a tensor as a NumPy .npy file (readable by numpy.load and torch; outside the program's folder: --allow-write PATH).") { call in
            let path = try call.interpreter.session.writablePath(try call.string(0, "path"), by: "save_npy")
            try call.tensor(1, "x").saveNPY(path: path)
            return .none
        },
    ]
}
