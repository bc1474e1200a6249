// NumPy's .npy format: a magic string, a version, a little header that is a Python dict
// literal ({'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }), then the raw data.
// The loader trusts nothing in the file: every size is checked against the file and the
// allocation limit before memory is touched.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Loads a .npy file (format versions 1–3). `<f8` gives float64, `<f4` float32, and
    /// integer or boolean data (`<i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1`) is converted to float64.
    /// C order only; Fortran order and big-endian data are errors.
    /// With `dtype`, the elements are converted as they are read (NumPy's `astype`, float64
    /// to float32 rounding to nearest), so a float64 file becomes a float32 tensor without
    /// a float64 copy in memory.
    public static func loadNPY(path: String, dtype requested: DType? = nil) throws -> Tensor {
        let reader = try FileReader(path: path, context: "loadNPY")
        let header = try NPYHeader.read(from: reader)
        let element = header.element
        let dtype = requested ?? element.dtype
        let count = try checkedNPYCount(header, dtype: dtype, path: path)
        let (dataBytes, overflow) = count.multipliedReportingOverflow(by: element.byteSize)
        guard !overflow, dataBytes <= reader.remaining else {
            throw TensorError("loadNPY: \(path): data is shorter than the header promises: shape "
                + "\(describe(header.shape)) of '\(header.descr)' needs \(overflow ? "more than \(Int.max)" : "\(dataBytes)") "
                + "bytes, the file has \(reader.remaining) after the header")
        }
        var tensor = try Tensor(uninitializedShape: header.shape, dtype: dtype)
        if dtype == element.dtype {
            try element.readData(from: reader, into: &tensor, count: count)
        } else {
            try element.convertData(from: reader, into: &tensor, count: count)
        }
        return tensor
    }

    /// Writes the tensor as a version 1 .npy file (`<f8`, `<f4`, or `|b1` for a mask), atomically.
    public func saveNPY(path: String) throws {
        let descr = switch dtype {
        case .float64: "<f8"
        case .float32: "<f4"
        case .bool: "|b1"
        }
        let header = NPYHeader.encode(descr: descr, shape: shape)
        let byteCount = count * dtype.byteSize
        try writeFileAtomically(path: path, context: "saveNPY") { descriptor in
            try header.withUnsafeBytes { try writeAll(descriptor, $0, path: path, context: "saveNPY") }
            try writeLittleEndianData(descriptor, byteCount: byteCount, path: path)
        }
    }

    /// The element count of a header's shape, checked against the allocation limit so a
    /// corrupt or hostile shape is an error before anything is allocated.
    private static func checkedNPYCount(_ header: NPYHeader, dtype: DType, path: String) throws -> Int {
        let count: Int
        do { count = try checkedCount(header.shape) } catch let error as TensorError {
            throw TensorError("loadNPY: \(path): \(error.message)")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        try TensorLimits.check(overflow ? Int.max : bytes,
                               "loadNPY: \(path): shape \(describe(header.shape)) (\(overflow ? "more than \(Int.max)" : "\(bytes)") bytes)")
        return count
    }

    /// Writes the storage in little-endian byte order.
    private func writeLittleEndianData(_ descriptor: Int32, byteCount: Int, path: String) throws {
        if hostIsLittleEndian {
            try writeAll(descriptor, UnsafeRawBufferPointer(start: storage.pointer, count: byteCount),
                         path: path, context: "saveNPY")
            return
        }
        var swapped = [UInt8](repeating: 0, count: byteCount)
        let size = dtype.byteSize
        for start in stride(from: 0, to: byteCount, by: size) {
            for offset in 0..<size { swapped[start + offset] = storage.pointer.load(fromByteOffset: start + size - 1 - offset, as: UInt8.self) }
        }
        try swapped.withUnsafeBytes { try writeAll(descriptor, $0, path: path, context: "saveNPY") }
    }
}

private let hostIsLittleEndian = 1.littleEndian == 1

// MARK: - Element types

/// The on-disk element types the loader accepts.
enum NPYElement: String {
    case f8 = "f8", f4 = "f4", i8 = "i8", i4 = "i4", i2 = "i2", i1 = "i1"
    case u8 = "u8", u4 = "u4", u2 = "u2", u1 = "u1", b1 = "b1"

    var byteSize: Int {
        switch self {
        case .f8, .i8, .u8: return 8
        case .f4, .i4, .u4: return 4
        case .i2, .u2: return 2
        case .i1, .u1, .b1: return 1
        }
    }

    /// Floats keep their width, booleans load as masks, integers as float64.
    var dtype: DType {
        switch self {
        case .f4: return .float32
        case .b1: return .bool
        case .f8, .i8, .i4, .i2, .i1, .u8, .u4, .u2, .u1: return .float64
        }
    }

    /// Parses a `descr` such as `<f8`; throws for big-endian, structured or unknown types.
    static func parse(_ descr: String, path: String) throws -> NPYElement {
        let bytes = Array(descr.utf8)
        guard bytes.count >= 2, let element = NPYElement(rawValue: String(decoding: bytes[1...], as: UTF8.self)) else {
            throw TensorError("loadNPY: \(path): unsupported dtype '\(descr)' (supported: <f8 <f4 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1)")
        }
        switch bytes[0] {
        case UInt8(ascii: "<"): return element
        case UInt8(ascii: "|") where element.byteSize == 1: return element
        case UInt8(ascii: ">") where element.byteSize == 1: return element
        case UInt8(ascii: ">"):
            throw TensorError("loadNPY: \(path): big-endian data ('\(descr)') is not supported; "
                + "convert it in NumPy with a.astype('<\(element.rawValue)')")
        default:
            throw TensorError("loadNPY: \(path): unsupported byte order in dtype '\(descr)'")
        }
    }

    /// Reads `count` little-endian elements from `reader` into the tensor's storage.
    func readData(from reader: FileReader, into tensor: inout Tensor, count: Int) throws {
        let what = "the data"
        switch self {
        case .f8:
            try tensor.withMutableElements(Double.self) { buffer in
                if let base = buffer.baseAddress { try reader.read(into: base, count: count * 8, what: what) }
                if !hostIsLittleEndian { for i in buffer.indices { buffer[i] = Double(bitPattern: UInt64(littleEndian: buffer[i].bitPattern)) } }
            }
        case .f4:
            try tensor.withMutableElements(Float.self) { buffer in
                if let base = buffer.baseAddress { try reader.read(into: base, count: count * 4, what: what) }
                if !hostIsLittleEndian { for i in buffer.indices { buffer[i] = Float(bitPattern: UInt32(littleEndian: buffer[i].bitPattern)) } }
            }
        case .b1:
            try tensor.withMutableFlags { flags in
                if let base = flags.baseAddress { try reader.read(into: base, count: count, what: what) }
                for i in flags.indices where flags[i] > 1 { flags[i] = 1 }  // any nonzero byte is True
            }
        default:
            try convertData(from: reader, into: &tensor, count: count)
        }
    }

    /// Reads `count` elements and converts each to the tensor's dtype: integers and
    /// booleans widen exactly to float64; float64 rounds to float32 (to nearest); any
    /// nonzero number (NaN too) is true in a mask, as NumPy's astype(bool).
    func convertData(from reader: FileReader, into tensor: inout Tensor, count: Int) throws {
        switch tensor.dtype {
        case .float64: try tensor.withMutableElements(Double.self) { try convert(from: reader, into: $0) { $0 } }
        case .float32: try tensor.withMutableElements(Float.self) { try convert(from: reader, into: $0) { Float($0) } }
        case .bool: try tensor.withMutableFlags { try convert(from: reader, into: $0) { $0 != 0 ? 1 : 0 } }
        }
    }

    /// Reads the elements in chunks (no second copy of the file in memory), converting each.
    private func convert<T>(from reader: FileReader, into buffer: UnsafeMutableBufferPointer<T>,
                            _ conversion: (Double) -> T) throws {
        let chunkElements = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkElements * byteSize)
        var done = 0
        while done < buffer.count {
            let n = min(chunkElements, buffer.count - done)
            try chunk.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                try reader.read(into: base, count: n * byteSize, what: "the data")
                for i in 0..<n { buffer[done + i] = conversion(value(at: i * byteSize, in: UnsafeRawBufferPointer(raw))) }
            }
            done += n
        }
    }

    /// One little-endian element at `offset` as a Double.
    @inline(__always)
    private func value(at offset: Int, in raw: UnsafeRawBufferPointer) -> Double {
        switch self {
        case .i8: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .i4: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .i2: return Double(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .i1: return Double(raw.load(fromByteOffset: offset, as: Int8.self))
        case .u8: return Double(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .u4: return Double(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .u2: return Double(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .u1: return Double(raw.load(fromByteOffset: offset, as: UInt8.self))
        case .b1: return raw.load(fromByteOffset: offset, as: UInt8.self) != 0 ? 1 : 0
        case .f8: return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .f4: return Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        }
    }
}

// MARK: - Header

/// The parsed header of a .npy file.
struct NPYHeader {
    var descr: String
    var element: NPYElement
    var shape: [Int]

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads and validates the preamble and header; leaves `reader` at the first data byte.
    static func read(from reader: FileReader) throws -> NPYHeader {
        let path = reader.path
        guard reader.size >= 10 else {
            throw TensorError("loadNPY: \(path): not a .npy file (only \(reader.size) bytes)")
        }
        let preamble = try reader.readBytes(8, what: "the preamble")
        guard Array(preamble[0..<6]) == magic else {
            throw TensorError("loadNPY: \(path): not a .npy file (bad magic string)")
        }
        let major = preamble[6], minor = preamble[7]
        guard (1...3).contains(major), minor == 0 else {
            throw TensorError("loadNPY: \(path): unsupported .npy format version \(major).\(minor)")
        }
        let lengthBytes = try reader.readBytes(major == 1 ? 2 : 4, what: "the header length")
        let length = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        guard length <= reader.remaining else {
            throw TensorError("loadNPY: \(path): header is truncated: it declares \(length) bytes, "
                + "the file has \(reader.remaining) left")
        }
        let text = try reader.readBytes(length, what: "the header")
        return try parse(text, path: path)
    }

    /// Interprets the header dict.
    static func parse(_ text: [UInt8], path: String) throws -> NPYHeader {
        var parser = PythonLiteralParser(bytes: text, path: path)
        let entries = try parser.parseHeaderDict()
        func entry(_ key: String) throws -> PythonLiteral {
            guard let value = entries.first(where: { $0.key == key })?.value else {
                throw TensorError("loadNPY: \(path): malformed header: no '\(key)' key")
            }
            return value
        }
        guard case .string(let descr) = try entry("descr") else {
            throw TensorError("loadNPY: \(path): structured dtypes are not supported (descr is not a string)")
        }
        let element = try NPYElement.parse(descr, path: path)
        guard case .bool(let fortranOrder) = try entry("fortran_order") else {
            throw TensorError("loadNPY: \(path): malformed header: 'fortran_order' is not True or False")
        }
        guard !fortranOrder else {
            throw TensorError("loadNPY: \(path): Fortran-order (column-major) arrays are not supported; "
                + "save a C-order copy with np.ascontiguousarray(a)")
        }
        guard case .tuple(let items) = try entry("shape") else {
            throw TensorError("loadNPY: \(path): malformed header: 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for item in items {
            guard case .int(let extent) = item, extent >= 0 else {
                throw TensorError("loadNPY: \(path): malformed header: bad shape entry in 'shape'")
            }
            shape.append(extent)
        }
        return NPYHeader(descr: descr, element: element, shape: shape)
    }

    /// A version 1 header (falling back to version 2 when it would not fit in 64 KiB), padded
    /// with spaces so the data starts at a multiple of 64 bytes, as NumPy writes it.
    static func encode(descr: String, shape: [Int]) -> [UInt8] {
        let dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(Tensor.describe(shape)), }"
        var text = Array(dict.utf8)
        let version: UInt8 = text.count + 12 > 65535 ? 2 : 1
        let preambleSize = version == 1 ? 10 : 12
        let total = preambleSize + text.count + 1
        text += [UInt8](repeating: UInt8(ascii: " "), count: (64 - total % 64) % 64) + [UInt8(ascii: "\n")]
        var bytes = magic + [version, 0]
        let lengthBytes = version == 1 ? 2 : 4
        for index in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: text.count >> (8 * index))) }
        return bytes + text
    }
}

/// The values a .npy header can hold.
enum PythonLiteral: Equatable {
    case string(String), bool(Bool), none, int(Int), tuple([PythonLiteral]), list([PythonLiteral])
}

/// A small parser for the Python literals of a .npy header: a dict of strings, booleans,
/// integers (with Python 2's `L` suffix), and tuples or lists of those.
struct PythonLiteralParser {
    let bytes: [UInt8]
    let path: String
    var index = 0
    /// Nesting limit, so a hostile header of many '(' cannot exhaust the stack.
    private let maximumDepth = 16

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func parseHeaderDict() throws -> [(key: String, value: PythonLiteral)] {
        try expect(UInt8(ascii: "{"))
        var entries: [(key: String, value: PythonLiteral)] = []
        while try peek() != UInt8(ascii: "}") {
            guard case .string(let key) = try parseValue(depth: 0) else { throw failure("a string key") }
            try expect(UInt8(ascii: ":"))
            entries.append((key, try parseValue(depth: 0)))
            if try peek() == UInt8(ascii: ",") { index += 1 } else { break }
        }
        try expect(UInt8(ascii: "}"))
        return entries
    }

    private mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < maximumDepth else { throw failure("less deeply nested values") }
        let first = try peek()
        switch first {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString(quote: first))
        case UInt8(ascii: "("): return .tuple(try parseSequence(close: UInt8(ascii: ")"), depth: depth))
        case UInt8(ascii: "["): return .list(try parseSequence(close: UInt8(ascii: "]"), depth: depth))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try parseInt())
        default:
            for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
            where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                return value
            }
            throw failure("a value")
        }
    }

    private mutating func parseSequence(close: UInt8, depth: Int) throws -> [PythonLiteral] {
        index += 1
        var items: [PythonLiteral] = []
        while try peek() != close {
            items.append(try parseValue(depth: depth + 1))
            if try peek() == UInt8(ascii: ",") { index += 1 } else { break }
        }
        try expect(close)
        return items
    }

    private mutating func parseString(quote: UInt8) throws -> String {
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != quote {
            guard bytes[index] != UInt8(ascii: "\\") else { throw failure("a string without escapes") }
            index += 1
        }
        guard index < bytes.count else { throw failure("a closing quote") }
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseInt() throws -> Int {
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value = 0
        var digits = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure("an integer that fits in 64 bits") }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw failure("digits") }
        if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }
        return negative ? -value : value
    }

    /// The next non-space byte (not consumed).
    private mutating func peek() throws -> UInt8 {
        while index < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(bytes[index]) {
            index += 1
        }
        guard index < bytes.count else { throw failure("more header text") }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw failure("'\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private func failure(_ expected: String) -> TensorError {
        TensorError("loadNPY: \(path): malformed header: expected \(expected) at byte \(index) of the header")
    }
}
