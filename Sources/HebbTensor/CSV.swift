// Comma-separated numbers in and out. The reader scans raw bytes (no String per field) and
// writes rows of plain numbers straight into the result tensors, so Kaggle's 42,000 × 785
// MNIST train.csv loads in about half a second (Benchmarks/load_csv.hebb); every problem is
// reported as `file:line: message` with 1-based line and field numbers.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Which column of a CSV file holds the labels: a 0-based index (negative counts from the
    /// end) or a name from the header row.
    public enum CSVLabel: Equatable, Sendable {
        case index(Int)
        case name(String)
    }

    /// A loaded CSV file: the numeric columns as an N×D matrix, the label column (if one was
    /// asked for) as N values, and the header row as written in the file (if it had one).
    public struct CSVTable {
        public var data: Tensor
        public var labels: Tensor?
        public var header: [String]?

        public init(data: Tensor, labels: Tensor?, header: [String]?) {
            self.data = data
            self.labels = labels
            self.header = header
        }
    }

    /// Loads a CSV file of numbers. The first row is a header when any of its fields is not a
    /// number. Blank lines are skipped; CRLF and LF line ends, a trailing newline, a UTF-8 BOM
    /// and double-quoted fields are accepted. Labels get the same dtype as the data.
    public static func loadCSV(path: String, labelColumn: CSVLabel? = nil, dtype: DType = .float64) throws -> CSVTable {
        let reader = try FileReader(path: path, context: "loadCSV")
        try TensorLimits.check(reader.size, "\(path): reading the file (\(reader.size) bytes)")
        let bytes = try reader.readAll()
        return try bytes.withUnsafeBufferPointer { buffer in
            var loader = CSVLoader(path: path, scanner: CSVScanner(bytes: buffer, path: path))
            return try loader.load(labelColumn: labelColumn, dtype: dtype)
        }
    }

    /// Writes a 1-D tensor (one value per line) or a 2-D tensor (one row per line) as CSV,
    /// with an optional header row, atomically. Numbers are written in the shortest form that
    /// reads back to the same value.
    public static func saveCSV(_ t: Tensor, path: String, header: [String]? = nil) throws {
        guard t.rank == 1 || t.rank == 2 else {
            throw TensorError("saveCSV: expected a 1-D or 2-D tensor, got shape \(describe(t.shape))")
        }
        let columns = t.rank == 1 ? 1 : t.shape[1]
        if let header, header.count != columns {
            throw TensorError("saveCSV: the header has \(header.count) names but the tensor has \(columns) columns")
        }
        try writeFileAtomically(path: path, context: "saveCSV") { descriptor in
            var text: [UInt8] = []
            text.reserveCapacity(1 << 20)
            if let header {
                text += header.map(csvQuoted).joined(separator: ",").utf8
                text.append(UInt8(ascii: "\n"))
            }
            for index in 0..<t.count {
                text += csvNumber(t, index).utf8
                text.append(UInt8(ascii: (index + 1) % columns == 0 ? "\n" : ","))
                if text.count >= 1 << 20 {
                    try text.withUnsafeBytes { try writeAll(descriptor, $0, path: path, context: "saveCSV") }
                    text.removeAll(keepingCapacity: true)
                }
            }
            try text.withUnsafeBytes { try writeAll(descriptor, $0, path: path, context: "saveCSV") }
        }
    }

    /// Element `index` written so that it parses back exactly: integers without a point,
    /// everything else in Swift's shortest round-trip form.
    private static func csvNumber(_ t: Tensor, _ index: Int) -> String {
        let value = t.element(index)
        if value == value.rounded(), abs(value) < 1e15 {
            return value == 0 && value.sign == .minus ? "-0" : String(Int(value))
        }
        return t.dtype == .float32 ? Float(value).description : value.description
    }

    /// A header name, quoted when it holds a comma, a quote or a line break.
    private static func csvQuoted(_ name: String) -> String {
        guard name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return name }
        return "\"" + String(name.flatMap { $0 == "\"" ? ["\"", "\""] : [$0] }) + "\""
    }
}

// MARK: - Loading

/// One field of the current record: a byte range of the file, quotes already stripped.
struct CSVField {
    var start: Int
    var end: Int
    /// The field was written in double quotes.
    var quoted: Bool
    /// The field contains `""`, which stands for one quote character.
    var hasEscapedQuote: Bool
}

/// Splits the file into records of fields, tracking 1-based physical line numbers.
struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let path: String
    private(set) var position = 0
    /// The line the scanner is on (1-based).
    private(set) var line = 1

    init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
        self.bytes = bytes
        self.path = path
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Reads the next record into `fields`; returns its line number, or nil at the end of the file.
    mutating func nextRecord(into fields: inout [CSVField]) throws -> Int? {
        guard position < bytes.count else { return nil }
        fields.removeAll(keepingCapacity: true)
        let recordLine = line
        while true {
            let field = try nextField(recordLine: recordLine)
            fields.append(field)
            guard position < bytes.count else { return recordLine }
            let separator = bytes[position]
            position += 1
            if separator == UInt8(ascii: "\n") {
                line += 1
                return recordLine
            }
        }
    }

    /// Reads one field, leaving `position` on the comma or newline after it (or at the end).
    private mutating func nextField(recordLine: Int) throws -> CSVField {
        skipBlanks()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return unquotedField() }
        position += 1
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else {
                throw TensorError("\(path):\(recordLine): unterminated quoted field")
            }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                    escaped = true
                    position += 2
                    continue
                }
                break
            }
            if byte == UInt8(ascii: "\n") { line += 1 }
            position += 1
        }
        let field = CSVField(start: start, end: position, quoted: true, hasEscapedQuote: escaped)
        position += 1
        skipBlanks()
        if position < bytes.count, bytes[position] == UInt8(ascii: "\r") { position += 1 }
        guard position >= bytes.count || bytes[position] == UInt8(ascii: ",") || bytes[position] == UInt8(ascii: "\n") else {
            throw TensorError("\(path):\(recordLine): unexpected text after a closing quote")
        }
        return field
    }

    /// An unquoted field: up to the next comma or newline, with blanks and a CR trimmed.
    private mutating func unquotedField() -> CSVField {
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: ","), bytes[position] != UInt8(ascii: "\n") {
            position += 1
        }
        var end = position
        while end > start, isBlank(bytes[end - 1]) || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return CSVField(start: start, end: end, quoted: false, hasEscapedQuote: false)
    }

    private mutating func skipBlanks() {
        while position < bytes.count, isBlank(bytes[position]) { position += 1 }
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// The text of a field (quotes unescaped).
    func text(of field: CSVField) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.hasEscapedQuote else { return String(decoding: raw, as: UTF8.self) }
        var unescaped: [UInt8] = []
        var previousWasQuote = false
        for byte in raw {
            let isQuote = byte == UInt8(ascii: "\"")
            if !(isQuote && previousWasQuote) { unescaped.append(byte) }
            previousWasQuote = isQuote && !previousWasQuote
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// The field's value, or nil when it is not a number.
    func number(of field: CSVField) -> Double? {
        guard !field.hasEscapedQuote else { return nil }
        return parseDecimal(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]))
    }
}

// MARK: - The fast path

extension CSVScanner {
    /// An upper bound on the records after the current position: the lines left (a record
    /// takes at least one).
    func recordsLeftAtMost() -> Int {
        guard let base = bytes.baseAddress, position < bytes.count else { return 0 }
        var lines = 0
        var cursor = UnsafeRawPointer(base + position)
        let end = UnsafeRawPointer(base + bytes.count)
        while let found = memchr(cursor, Int32(UInt8(ascii: "\n")), end - cursor) {
            lines += 1
            cursor = UnsafeRawPointer(found) + 1
        }
        return lines + (cursor < end ? 1 : 0)
    }

    /// Reads one record of exactly `width` plain numbers (no blanks, quotes or line breaks
    /// inside fields) ending in LF, CRLF or the end of the file, writing field `label` to
    /// `labelSlot` and the others to `row`. Returns false, with the position unchanged, for
    /// any other record: the general path then reads it again and reports what is wrong.
    @inline(__always)
    mutating func plainRecord<T: TensorScalar>(width: Int, label: Int, row: UnsafeMutablePointer<T>,
                                                labelSlot: UnsafeMutablePointer<T>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let end = bytes.count
        var cursor = position
        var next = row
        for column in 0..<width {
            guard let (value, after) = plainNumber(base, from: cursor, end: end) else { return false }
            cursor = after
            if column + 1 < width {
                guard cursor < end, base[cursor] == UInt8(ascii: ",") else { return false }
                cursor += 1
            } else {
                if cursor < end, base[cursor] == UInt8(ascii: "\r") { cursor += 1 }
                if cursor < end {
                    guard base[cursor] == UInt8(ascii: "\n") else { return false }
                    cursor += 1
                }
            }
            if column == label {
                labelSlot.pointee = T(value)
            } else {
                next.pointee = T(value)
                next += 1
            }
        }
        position = cursor
        line += 1
        return true
    }

    /// The number at `start` and the index after it. `-`, up to 15 digits and an optional
    /// point are converted here, exactly (Clinger's fast path: an integer below 10^15 divided
    /// by an exact power of ten is one correctly rounded operation, so the result is strtod's);
    /// any other field up to the next comma or line break goes to `parseDecimal`. Nil when the
    /// field is not a number.
    @inline(__always)
    private func plainNumber(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> (Double, Int)? {
        var cursor = start
        let negative = cursor < end && base[cursor] == UInt8(ascii: "-")
        if negative { cursor += 1 }
        var mantissa: UInt64 = 0
        let digitsStart = cursor
        while cursor < end, case let digit = base[cursor] &- UInt8(ascii: "0"), digit < 10 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            cursor += 1
        }
        var digits = cursor - digitsStart
        var decimals = 0
        if cursor < end, base[cursor] == UInt8(ascii: ".") {
            cursor += 1
            let decimalsStart = cursor
            while cursor < end, case let digit = base[cursor] &- UInt8(ascii: "0"), digit < 10 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                cursor += 1
            }
            decimals = cursor - decimalsStart
            digits += decimals
        }
        let ended = cursor == end || base[cursor] == UInt8(ascii: ",") || base[cursor] == UInt8(ascii: "\n")
            || base[cursor] == UInt8(ascii: "\r")
        if ended, digits > 0, digits <= 15 {
            let magnitude = decimals == 0 ? Double(mantissa) : Double(mantissa) / powerOfTen(decimals)
            return (negative ? -magnitude : magnitude, cursor)
        }
        return otherNumber(base, from: start, end: end)
    }

    /// A field the fast path does not convert (`+1`, `1e-3`, `nan`, 20 digits), up to the
    /// next comma or line break, a CR before the line break left out.
    private func otherNumber(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> (Double, Int)? {
        var cursor = start
        while cursor < end, base[cursor] != UInt8(ascii: ","), base[cursor] != UInt8(ascii: "\n") { cursor += 1 }
        if cursor > start, base[cursor - 1] == UInt8(ascii: "\r") { cursor -= 1 }
        guard let value = parseDecimal(UnsafeBufferPointer(start: base + start, count: cursor - start)) else { return nil }
        return (value, cursor)
    }
}

extension Tensor {
    /// A copy of the first `rows` rows (of a 2-D tensor) or elements (of a 1-D one).
    fileprivate func leadingRows(_ rows: Int) throws -> Tensor {
        let rowElements = rank == 2 ? shape[1] : 1
        let result = try Tensor(uninitializedShape: rank == 2 ? [rows, shape[1]] : [rows], dtype: dtype)
        result.storage.pointer.copyMemory(from: storage.pointer, byteCount: rows * rowElements * dtype.byteSize)
        return result
    }
}

/// Drives the scanner: header detection, label column, shape checks, numbers. Rows of plain
/// numbers go through `CSVScanner.plainRecord`, straight into the result tensors; any other
/// row (blanks, quotes, a missing or extra field, text) is read again by the general path,
/// which reports what is wrong with the row's line number.
struct CSVLoader {
    let path: String
    var scanner: CSVScanner
    private var fields: [CSVField] = []

    init(path: String, scanner: CSVScanner) {
        self.path = path
        self.scanner = scanner
    }

    mutating func load(labelColumn: Tensor.CSVLabel?, dtype: DType) throws -> Tensor.CSVTable {
        guard let firstLine = try nextNonBlankRecord() else { throw TensorError("\(path): file is empty") }
        let isHeader = isHeaderRow()
        let header = isHeader ? fields.map { scanner.text(of: $0) } : nil
        let label = try resolveLabel(labelColumn, width: fields.count, header: header)
        let firstRow = isHeader ? nil : firstLine
        switch dtype {
        case .float64: return try loadRows(Double.self, firstRow: firstRow, label: label, header: header)
        case .float32: return try loadRows(Float.self, firstRow: firstRow, label: label, header: header)
        case .bool:
            let table = try loadRows(Double.self, firstRow: firstRow, label: label, header: header)
            return Tensor.CSVTable(data: try table.data.cast(to: .bool), labels: try table.labels?.cast(to: .bool), header: header)
        }
    }

    /// Reads every data row into tensors of `T`. `firstRow` is the line of the record already
    /// in `fields` when it is data (no header). The tensors are allocated once, for as many
    /// rows as there are lines left, and trimmed at the end if blank lines made fewer rows.
    private mutating func loadRows<T: TensorScalar>(_: T.Type, firstRow: Int?, label: Int?, header: [String]?) throws -> Tensor.CSVTable {
        let width = fields.count
        let columns = width - (label == nil ? 0 : 1)
        let capacity = scanner.recordsLeftAtMost() + (firstRow == nil ? 0 : 1)
        var data = try allocate([capacity, columns], T.self, "room for \(capacity) rows of \(columns) columns")
        var labels = try allocate([label == nil ? 0 : capacity], T.self, "room for \(capacity) labels")
        var rows = 0
        try data.withMutableElements(T.self) { values in
            try labels.withMutableElements(T.self) { labelValues in
                guard let values = values.baseAddress, let labelValues = labelValues.baseAddress else { return }
                func slot(_ row: Int) -> (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>) {
                    (values + row * columns, labelValues + (label == nil ? 0 : row))
                }
                if let firstRow {
                    try appendRow(line: firstRow, label: label, into: slot(0))
                    rows = 1
                }
                while rows < capacity {
                    if rows % 64 == 0 { try Cancellation.check() }
                    let (row, labelSlot) = slot(rows)
                    if scanner.plainRecord(width: width, label: label ?? -1, row: row, labelSlot: labelSlot) {
                        rows += 1
                        continue
                    }
                    guard let line = try nextNonBlankRecord() else { break }
                    guard fields.count == width else {
                        throw TensorError("\(path):\(line): expected \(width) fields, found \(fields.count)")
                    }
                    try appendRow(line: line, label: label, into: (row, labelSlot))
                    rows += 1
                }
            }
        }
        guard rows > 0 else { throw TensorError("\(path): no data rows after the header") }
        // Every record takes at least one line, so `capacity` rows hold them all.
        if rows < capacity {
            data = try data.leadingRows(rows)
            if label != nil { labels = try labels.leadingRows(rows) }
        }
        return Tensor.CSVTable(data: data, labels: label == nil ? nil : labels, header: header)
    }

    /// An uninitialized result tensor; a refusal by the memory limit names the file.
    private func allocate<T: TensorScalar>(_ shape: [Int], _: T.Type, _ what: String) throws -> Tensor {
        do {
            return try Tensor(uninitializedShape: shape, dtype: T.dtype)
        } catch let error as TensorError {
            throw TensorError("\(path): \(what): \(error.message)")
        }
    }

    /// Parses the current record's fields into one row of the result and its label slot.
    private func appendRow<T: TensorScalar>(line: Int, label: Int?, into slot: (UnsafeMutablePointer<T>, UnsafeMutablePointer<T>)) throws {
        var next = slot.0
        for (index, field) in fields.enumerated() {
            guard let value = scanner.number(of: field) else {
                var text = scanner.text(of: field)
                if text.count > 40 { text = String(text.prefix(40)) + "..." }
                throw TensorError("\(path):\(line): field \(index + 1) '\(text)' is not a number")
            }
            if index == label {
                slot.1.pointee = T(value)
            } else {
                next.pointee = T(value)
                next += 1
            }
        }
    }

    /// The 0-based label column, checked against the first row and the header.
    private func resolveLabel(_ labelColumn: Tensor.CSVLabel?, width: Int, header: [String]?) throws -> Int? {
        switch labelColumn {
        case nil:
            return nil
        case .index(let index):
            let resolved = index < 0 ? index + width : index
            guard (0..<width).contains(resolved) else {
                throw TensorError("\(path): label column \(index) is out of range (the file has \(width) columns)")
            }
            return resolved
        case .name(let name):
            guard let header else {
                throw TensorError("\(path): label column '\(name)' is given by name, but the file has no header row")
            }
            guard let index = header.firstIndex(of: name) else {
                let shown = header.prefix(8).joined(separator: ", ") + (header.count > 8 ? ", ..." : "")
                throw TensorError("\(path): no column named '\(name)' in the header (columns: \(shown))")
            }
            return index
        }
    }

    /// Advances to the next record that is not blank; returns its line number or nil at the end.
    private mutating func nextNonBlankRecord() throws -> Int? {
        while let line = try scanner.nextRecord(into: &fields) {
            // A line of blanks is skipped; `""` alone is an (empty) value.
            if fields.count == 1, fields[0].start == fields[0].end, !fields[0].quoted { continue }
            return line
        }
        return nil
    }

    /// A header row has a field that is neither empty nor a number (an empty field in the
    /// first row is a missing value, reported as such).
    private func isHeaderRow() -> Bool {
        fields.contains { $0.start != $0.end && scanner.number(of: $0) == nil }
    }
}

// MARK: - Numbers

/// Parses a decimal number (`-12`, `3.5`, `.5`, `1e-3`, `nan`, `inf`, `-Infinity`) from bytes,
/// or returns nil. Short numbers are converted exactly by Clinger's fast path; long ones are
/// validated here and handed to `strtod`, which rounds correctly.
func parseDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    var index = 0
    var negative = false
    if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
        negative = text[index] == UInt8(ascii: "-")
        index += 1
    }
    guard index < text.count else { return nil }
    if !isDigit(text[index]), text[index] != UInt8(ascii: ".") {
        return parseSpecial(text, from: index, negative: negative)
    }
    var scan = MantissaScan()
    index = scan.read(text, from: index)
    guard scan.digitCount > 0 else { return nil }
    if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
        guard let written = parseExponent(text, from: index + 1) else { return nil }
        scan.exponent = scan.exponent &+ written
        index = text.count
    }
    guard index == text.count else { return nil }
    // Clinger's fast path: both factors exact, so one rounding gives the correct result.
    if scan.significantDigits <= 15, abs(scan.exponent) <= 22 {
        let magnitude = scan.exponent >= 0 ? Double(scan.mantissa) * exactPowersOfTen[scan.exponent]
                                           : Double(scan.mantissa) / exactPowersOfTen[-scan.exponent]
        return negative ? -magnitude : magnitude
    }
    return correctlyRounded(text)
}

/// The digits and point of a decimal mantissa: value = mantissa × 10^exponent when at most
/// 15 digits are significant (longer numbers go to strtod, which reads the text itself).
private struct MantissaScan {
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var digitCount = 0
    var exponent = 0

    /// Reads digits and at most one point from `start`; returns the index after them.
    mutating func read(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        var sawPoint = false
        while index < text.count {
            let byte = text[index]
            if isDigit(byte) {
                digitCount += 1
                if mantissa == 0 && byte == UInt8(ascii: "0") {
                    if sawPoint { exponent -= 1 }  // a leading zero only moves the point
                } else {
                    significantDigits += 1
                    if significantDigits <= 15 {
                        mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                        if sawPoint { exponent -= 1 }
                    }
                }
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        return index
    }
}

/// The exponent after `e`: an optional sign and digits, clamped far beyond Double's range.
private func parseExponent(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    var index = start
    var negative = false
    if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
        negative = text[index] == UInt8(ascii: "-")
        index += 1
    }
    guard index < text.count else { return nil }
    var value = 0
    while index < text.count {
        guard isDigit(text[index]) else { return nil }
        value = min(value * 10 + Int(text[index] - UInt8(ascii: "0")), 100_000)
        index += 1
    }
    return negative ? -value : value
}

/// `nan`, `inf` and `infinity` in any case.
private func parseSpecial(_ text: UnsafeBufferPointer<UInt8>, from start: Int, negative: Bool) -> Double? {
    let word = String(decoding: UnsafeBufferPointer(rebasing: text[start...]), as: UTF8.self).lowercased()
    switch word {
    case "nan": return .nan
    case "inf", "infinity": return negative ? -.infinity : .infinity
    default: return nil
    }
}

/// strtod on a NUL-terminated copy of already-validated decimal text.
private func correctlyRounded(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
    var copy = [CChar](repeating: 0, count: text.count + 1)
    for index in 0..<text.count { copy[index] = CChar(bitPattern: text[index]) }
    return copy.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { strtod($0, nil) } }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

/// 10^0 ... 10^22, each exactly representable as a Double (a literal, so reading it costs
/// no lazy-initialisation check in the loops that call it).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// 10^power for 0 <= power <= 22, exactly.
@inline(__always)
func powerOfTen(_ power: Int) -> Double { exactPowersOfTen[power] }
