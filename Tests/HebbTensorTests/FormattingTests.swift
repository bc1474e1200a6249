import Foundation
import Testing
@testable import HebbTensor

/// One array and the text NumPy printed for it (Fixtures/make_format_cases.py).
struct FormatCase: Decodable, CustomTestStringConvertible {
    var name: String
    var dtype: String
    var shape: [Int]
    var values: [String]
    var precision: Int
    var expected: String

    var testDescription: String { name }

    static func all() throws -> [FormatCase] {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("format_cases.json")))
        return try JSONDecoder().decode([FormatCase].self, from: data)
    }

    func tensor() throws -> Tensor {
        let numbers = try values.map { text in try #require(Double(text), "value \(text)") }
        return try Tensor(shape: shape, values: numbers, dtype: dtype == "float32" ? .float32 : .float64)
    }
}

@Suite struct FormattingTests {
    @Test(arguments: try FormatCase.all())
    func matchesNumPy(_ testCase: FormatCase) throws {
        let text = try testCase.tensor().formatted(precision: testCase.precision)
        #expect(text == testCase.expected)
    }

    /// 3000 random one- and two-element arrays (Fixtures/format_fuzz.txt) that stress the
    /// digit generation: raw bit patterns, float32, every precision.
    @Test func matchesNumPyOnFuzzedValues() throws {
        let text = try String(contentsOfFile: TestFiles.fixture("format_fuzz.txt"), encoding: .utf8)
        var checked = 0
        for line in text.split(separator: "\n") {
            let halves = line.split(separator: "|", maxSplits: 1)
            let fields = halves[0].split(separator: " ")
            let dtype: DType = fields[0] == "float32" ? .float32 : .float64
            let precision = try #require(Int(fields[1]))
            let values = try fields.dropFirst(2).map { try #require(Double(String($0)), "\(line)") }
            let expected = String(halves[1].dropFirst())
            let tensor = try Tensor(shape: [values.count], values: values, dtype: dtype)
            #expect(tensor.formatted(precision: precision) == expected, "\(line)")
            checked += 1
        }
        #expect(checked == 3000)
    }

    @Test func contractExamples() throws {
        #expect(try Tensor(shape: [3], values: [1, 2, 3]).formatted() == "[1. 2. 3.]")
        #expect(try Tensor(shape: [2, 2], values: [1, 2.5, 3, 4]).formatted() == "[[1.  2.5]\n [3.  4. ]]")
        #expect(try Tensor(shape: [2], values: [1.0 / 3, 1]).formatted() == "[0.33333333 1.        ]")
        #expect(Tensor(scalar: 2.5).formatted() == "2.5")
        #expect(try Tensor(shape: [0], values: []).formatted() == "[]")
        #expect(try Tensor(shape: [2, 0, 3], values: []).formatted() == "[]")
    }

    @Test func negativePrecisionIsTreatedAsZero() throws {
        #expect(try Tensor(shape: [2], values: [1.5, 2.25]).formatted(precision: -3) == "[2. 2.]")
    }

    @Test func exactDecimalExpansion() {
        #expect(DecimalDigits.exact(0.1) == DecimalDigits(digits: Array("1000000000000000055511151231257827021181583404541015625".utf8.map { $0 - 48 }), exponent: -1))
        #expect(DecimalDigits.exact(1024) == DecimalDigits(digits: [1, 0, 2, 4], exponent: 3))
        #expect(DecimalDigits.exact(5e-324).digits.count == 751)
        #expect(DecimalDigits.exact(5e-324).exponent == -324)
        // The largest double is an integer of 309 digits ending in 8 (computed by Python's
        // int(sys.float_info.max)): all of them, none trimmed.
        let largest = DecimalDigits.exact(1.7976931348623157e308)
        #expect(largest.digits.count == 309)
        #expect(largest.digits.prefix(20) == [1, 7, 9, 7, 6, 9, 3, 1, 3, 4, 8, 6, 2, 3, 1, 5, 7, 0, 8, 1])
        #expect(largest.digits.suffix(5) == [5, 8, 3, 6, 8])
        #expect(DecimalDigits.exact(1.7976931348623157e308).exponent == 308)
    }

    @Test func roundingHalfToEven() {
        let digits = DecimalDigits(digits: [1, 2, 5], exponent: -1)  // 0.125
        #expect(digits.rounded(toPlace: -2) == DecimalDigits(digits: [1, 2], exponent: -1))
        #expect(DecimalDigits(digits: [3, 7, 5], exponent: -1).rounded(toPlace: -2) == DecimalDigits(digits: [3, 8], exponent: -1))
        #expect(DecimalDigits(digits: [9, 9, 9, 6], exponent: 0).rounded(toPlace: -2) == DecimalDigits(digits: [1], exponent: 1))
        #expect(DecimalDigits(digits: [6], exponent: -3).rounded(toPlace: -2) == DecimalDigits(digits: [1], exponent: -2))
        #expect(DecimalDigits(digits: [4], exponent: -4).rounded(toPlace: -2) == .zero)
        #expect(DecimalDigits(digits: [5], exponent: -1).rounded(toPlace: 0) == .zero)
        #expect(DecimalDigits(digits: [1, 5], exponent: 0).rounded(toPlace: 0) == DecimalDigits(digits: [2], exponent: 0))
    }

    @Test func largeTensorsPrintQuickly() throws {
        let big = try Tensor(shape: [1000, 1000], repeating: 0.5)
        let text = big.formatted()
        #expect(text.hasPrefix("[[0.5 0.5 0.5 ... 0.5 0.5 0.5]\n [0.5 0.5 0.5 ... 0.5 0.5 0.5]"))
    }
}
