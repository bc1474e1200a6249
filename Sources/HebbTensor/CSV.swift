// Comma-separated numbers in and out. The reader scans raw bytes (no String per field), so a
// 10,000 × 785 MNIST file loads in well under a second; every problem is reported as
// `file:line: message` with 1-based line and field numbers.

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
        let bytes = try FileReader(path: path, context: "loadCSV").readAll()
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

/// Drives the scanner: header detection, label column, shape checks, numbers.
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
        let width = fields.count
        let isHeader = isHeaderRow()
        let header = isHeader ? fields.map { scanner.text(of: $0) } : nil
        let label = try resolveLabel(labelColumn, width: width, header: header)
        var data: [Double] = [], labels: [Double] = []
        // Room for every value, estimated from the length of the first row.
        data.reserveCapacity(min(width * (scanner.bytes.count / max(scanner.position, 1) + 1),
                                 TensorLimits.maxAllocationBytes / dtype.byteSize))
        var rows = 0, checkedUpTo = 0
        var line: Int? = firstLine
        if isHeader { line = try nextNonBlankRecord() }
        while let current = line {
            try Cancellation.check()   // per row: a row costs far more than the atomic load
            guard fields.count == width else {
                throw TensorError("\(path):\(current): expected \(width) fields, found \(fields.count)")
            }
            try appendRow(line: current, label: label, data: &data, labels: &labels)
            rows += 1
            // Before the values array grows (it doubles), ask for room for the grown array and
            // the tensor made from it.
            if data.count >= checkedUpTo {
                checkedUpTo = max(2 * data.count, 1 << 16)
                try TensorLimits.check(checkedUpTo * MemoryLayout<Double>.stride + data.count * dtype.byteSize,
                                       "\(path):\(current): the data read so far")
            }
            line = try nextNonBlankRecord()
        }
        guard rows > 0 else { throw TensorError("\(path): no data rows after the header") }
        let columns = width - (label == nil ? 0 : 1)
        return Tensor.CSVTable(
            data: try Tensor(shape: [rows, columns], values: data, dtype: dtype),
            labels: label == nil ? nil : try Tensor(shape: [rows], values: labels, dtype: dtype),
            header: header)
    }

    /// Parses the current record's fields into `data`, and the label field into `labels`.
    private func appendRow(line: Int, label: Int?, data: inout [Double], labels: inout [Double]) throws {
        for (index, field) in fields.enumerated() {
            guard let value = scanner.number(of: field) else {
                var text = scanner.text(of: field)
                if text.count > 40 { text = String(text.prefix(40)) + "..." }
                throw TensorError("\(path):\(line): field \(index + 1) '\(text)' is not a number")
            }
            if index == label { labels.append(value) } else { data.append(value) }
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

/// 10^0 ... 10^22, each exactly representable as a Double.
private let exactPowersOfTen: [Double] = (0...22).map { power in
    (0..<power).reduce(1.0) { value, _ in value * 10 }
}
