// Printing tensors the way NumPy prints arrays (np.array2string with default options): one
// number format chosen for the whole array, rows wrapped at 75 characters, nested brackets
// with blank lines between blocks, and "..." summaries above 1000 elements.

extension Tensor {
    /// The tensor as NumPy would print its data: `[[1.  2.5]\n [3.  4. ]]`, `3.` for a 0-d
    /// tensor, `[]` when empty. `precision` is the most digits after the point (NumPy's
    /// `precision`, default 8).
    public func formatted(precision: Int = 8) -> String {
        guard count > 0 else { return "[]" }
        let layout = ArrayPrintLayout(shape: shape, summarise: count > ArrayPrintLayout.threshold)
        let values = toDoubles()
        if dtype == .bool {
            // NumPy's BoolFormat: " True" lines up with "False", except in a 0-d array.
            let truth = rank == 0 ? "True" : " True"
            return layout.render { values[$0] != 0 ? truth : "False" }
        }
        let shown = layout.summarise ? layout.edgeOffsets().map { values[$0] } : values
        let format = FloatFormat(values: shown, dtype: dtype, precision: max(0, precision))
        return layout.render { format.string(values[$0]) }
    }
}

// MARK: - Number format

/// NumPy's FloatingFormat: decides once, from all the values printed, between positional and
/// scientific notation and the padding that lines the numbers up.
struct FloatFormat {
    let dtype: DType
    private(set) var precision: Int
    private(set) var scientific = false
    private(set) var padLeft = 0
    private(set) var padRight = 0
    private(set) var minimumDigits = 0
    private(set) var exponentDigits = -1

    init(values: [Double], dtype: DType, precision: Int) {
        self.dtype = dtype
        self.precision = precision
        let finite = values.filter(\.isFinite)
        scientific = FloatFormat.needsScientific(finite, dtype: dtype)
        if finite.isEmpty {
            padLeft = 0
            padRight = 0
        } else if scientific {
            measureScientific(finite)
        } else {
            measurePositional(finite)
        }
        if finite.count != values.count {
            // Widen so that "nan", "inf" and "-inf" line up with the numbers.
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 }
            let offset = padRight + 1
            padLeft = max(padLeft, 3 - offset, 3 + (negativeInfinity ? 1 : 0) - offset)
        }
    }

    /// NumPy switches to scientific notation when the largest magnitude reaches 1e8 (1e6 for
    /// float32), the smallest non-zero one is below 1e-4, or they are more than 1000× apart.
    /// The comparisons are made in the array's own precision, as NumPy makes them.
    private static func needsScientific(_ finite: [Double], dtype: DType) -> Bool {
        let magnitudes = finite.filter { $0 != 0 }.map(\.magnitude)
        guard let largest = magnitudes.max(), let smallest = magnitudes.min() else { return false }
        switch dtype {
        case .float64:
            return largest >= 1e8 || smallest < 0.0001 || largest / smallest > 1000
        case .float32:
            let (large, small) = (Float(largest), Float(smallest))
            return large >= 1e6 || small < Float(0.0001) || large / small > 1000
        case .bool:
            return false  // masks never reach the number format
        }
    }

    /// First pass in scientific mode: every value at full precision, trimmed; the widest
    /// fraction becomes everyone's fraction and the widest exponent everyone's exponent.
    private mutating func measureScientific(_ finite: [Double]) {
        var fraction = 0, integer = 0, exponent = 2
        for value in finite {
            let digits = scientificDigits(value, dtype: dtype, precision: precision, minimumDigits: 0)
            fraction = max(fraction, max(0, digits.digits.count - 1))
            integer = max(integer, value.sign == .minus ? 2 : 1)
            exponent = max(exponent, String(abs(digits.exponent)).count)
        }
        precision = fraction
        minimumDigits = fraction
        padLeft = integer
        exponentDigits = exponent
        padRight = exponent + 2 + fraction
    }

    /// First pass in positional mode: the widest integer part and the widest fraction.
    private mutating func measurePositional(_ finite: [Double]) {
        var integer = 0, fraction = 0
        for value in finite {
            let digits = positionalDigits(value, dtype: dtype, precision: precision, minimumDigits: 0)
            let integerDigits = max(1, digits.digits.isEmpty ? 1 : digits.exponent + 1)
            integer = max(integer, integerDigits + (value.sign == .minus ? 1 : 0))
            fraction = max(fraction, digits.fractionalCount)
        }
        padLeft = integer
        padRight = fraction
        minimumDigits = 0
    }

    /// One element, padded to the common width.
    func string(_ value: Double) -> String {
        guard value.isFinite else {
            let text = value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
            return String(repeating: " ", count: max(0, padLeft + padRight + 1 - text.utf8.count)) + text
        }
        if scientific {
            let digits = scientificDigits(value, dtype: dtype, precision: precision, minimumDigits: minimumDigits)
            return scientificString(value, digits: digits, minimumDigits: minimumDigits,
                                    padLeft: padLeft, exponentDigits: exponentDigits)
        }
        let digits = positionalDigits(value, dtype: dtype, precision: precision, minimumDigits: 0)
        return positionalString(value, digits: digits, minimumDigits: 0, padLeft: padLeft, padRight: padRight)
    }
}

// MARK: - Layout

/// NumPy's _formatArray: nested brackets, line wrapping and summarisation over a shape.
struct ArrayPrintLayout {
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 75

    let shape: [Int]
    let summarise: Bool
    private let strides: [Int]

    init(shape: [Int], summarise: Bool) {
        self.shape = shape
        self.summarise = summarise
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        self.strides = strides
    }

    /// The indices shown along an axis of length `length`: all, or the first and last three.
    private func shownIndices(_ length: Int) -> [Int] {
        guard summarise, length > 2 * Self.edgeItems else { return Array(0..<length) }
        return Array(0..<Self.edgeItems) + Array((length - Self.edgeItems)..<length)
    }

    /// Flat offsets of the elements that are printed (their format decides the widths).
    func edgeOffsets() -> [Int] {
        var offsets = [0]
        for axis in shape.indices {
            let shown = shownIndices(shape[axis])
            offsets = offsets.flatMap { base in shown.map { base + $0 * strides[axis] } }
        }
        return offsets
    }

    /// The whole array, each element written by `element(flatOffset)`.
    func render(_ element: (Int) -> String) -> String {
        guard !shape.isEmpty else { return element(0) }
        return recurse(axis: 0, offset: 0, hangingIndent: " ", width: Self.lineWidth, element)
    }

    private func recurse(axis: Int, offset: Int, hangingIndent: String, width: Int, _ element: (Int) -> String) -> String {
        if axis == shape.count { return element(offset) }
        let length = shape[axis]
        let showSummary = summarise && length > 2 * Self.edgeItems
        let leading = showSummary ? Self.edgeItems : 0
        let trailing = showSummary ? Self.edgeItems : length
        let indices = Array(0..<leading) + Array((length - trailing)..<length)
        func child(_ index: Int) -> String {
            recurse(axis: axis + 1, offset: offset + index * strides[axis],
                    hangingIndent: hangingIndent + " ", width: width - 1, element)
        }
        var text = ""
        if axis == shape.count - 1 {
            var line = hangingIndent
            let elementWidth = width - 1
            for (position, index) in indices.enumerated() {
                if showSummary && position == leading {
                    extendLine(&text, &line, "...", width: elementWidth, indent: hangingIndent)
                    line += " "
                }
                extendLine(&text, &line, child(index), width: elementWidth, indent: hangingIndent)
                if position < indices.count - 1 { line += " " }
            }
            text += line
        } else {
            let separator = String(repeating: "\n", count: shape.count - axis - 1)
            for (position, index) in indices.enumerated() {
                if showSummary && position == leading { text += hangingIndent + "..." + separator }
                text += hangingIndent + child(index) + (position < indices.count - 1 ? separator : "")
            }
        }
        return "[" + String(decoding: text.utf8.dropFirst(hangingIndent.utf8.count), as: UTF8.self) + "]"
    }

    /// Appends `word` to `line`, first moving to a new line when it would pass `width` (unless
    /// the line holds only the indent, where wrapping would not help).
    private func extendLine(_ text: inout String, _ line: inout String, _ word: String, width: Int, indent: String) {
        let length = line.utf8.count
        if length + word.utf8.count > width && length > indent.utf8.count {
            let spaces = line.utf8.reversed().prefix(while: { $0 == UInt8(ascii: " ") }).count
            text += String(decoding: line.utf8.dropLast(spaces), as: UTF8.self) + "\n"
            line = indent
        }
        line += word
    }
}
