import Foundation
import Testing
@testable import HebbTensor

@Suite struct CSVTests {
    private func load(_ text: String, label: Tensor.CSVLabel? = nil, dtype: DType = .float64,
                      name: String = "t.csv") throws -> (Tensor.CSVTable, String) {
        let path = try TestFiles.write(text, named: name, in: TestFiles.scratchDirectory())
        return (try Tensor.loadCSV(path: path, labelColumn: label, dtype: dtype), path)
    }

    private func error(_ text: String, label: Tensor.CSVLabel? = nil, name: String = "t.csv") throws -> String? {
        let path = try TestFiles.write(text, named: name, in: TestFiles.scratchDirectory())
        return tensorErrorMessage { try Tensor.loadCSV(path: path, labelColumn: label) }?
            .replacingOccurrences(of: path, with: name)
    }

    @Test func digitsWithLabelByIndexAndByName() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../data/digits.csv").standardized.path
        for label in [Tensor.CSVLabel.index(0), .name("label")] {
            let table = try Tensor.loadCSV(path: path, labelColumn: label, dtype: .float64)
            #expect(table.data.shape == [1797, 64])
            let labels = try #require(table.labels)
            #expect(labels.shape == [1797])
            #expect(table.header?.count == 65 && table.header?.first == "label" && table.header?.last == "p63")
            #expect(Array(labels.toDoubles().prefix(5)) == [0, 1, 2, 3, 4])
            #expect(Array(table.data.toDoubles().prefix(8)) == [0, 0, 5, 13, 9, 1, 0, 0])
            #expect(table.data.toDoubles().allSatisfy { (0...16).contains($0) })
            #expect(Set(labels.toDoubles()) == Set((0...9).map(Double.init)))
        }
    }

    @Test func noHeaderNoLabel() throws {
        let (table, _) = try load("1,2,3\n4,5,6\n")
        #expect(table.header == nil && table.labels == nil)
        #expect(table.data.shape == [2, 3] && table.data.toDoubles() == [1, 2, 3, 4, 5, 6])
    }

    @Test func lineEndingsBlankLinesBOMAndNoTrailingNewline() throws {
        for text in ["a,b\r\n1,2\r\n3,4\r\n", "a,b\n1,2\n3,4", "\u{FEFF}a,b\n\n1,2\n   \n3,4\n\n\n", "a , b\r\n 1 ,2\t\r\n3, 4"] {
            let (table, _) = try load(text)
            #expect(table.header == ["a", "b"], "\(text.debugDescription)")
            #expect(table.data.toDoubles() == [1, 2, 3, 4], "\(text.debugDescription)")
        }
    }

    @Test func numberForms() throws {
        let (table, _) = try load("-1.5,+2,.5,1e3,1E-2,-0,nan,inf,-Infinity,0.1,1234567890123456789012,5e-324,1e400\n")
        let v = table.data.toDoubles()
        #expect(Array(v[0..<6]) == [-1.5, 2, 0.5, 1000, 0.01, 0])
        #expect(v[5].sign == .minus)
        #expect(v[6].isNaN && v[7] == .infinity && v[8] == -.infinity)
        #expect(v[9] == 0.1 && v[10] == 1234567890123456789012.0 && v[11] == 5e-324 && v[12] == .infinity)
    }

    @Test func numbersParseExactlyLikeSwift() throws {
        let generator = RandomGenerator(seed: 4)
        var texts: [String] = ["0.30000000000000004", "9007199254740993", "2.2250738585072011e-308", "1.7976931348623157e308",
                               "123456789012345.6", "0.000001234567890123456789", "4.9406564584124654e-324"]
        for _ in 0..<2000 {
            let bits = generator.nextUInt64()
            let value = Double(bitPattern: bits)
            if value.isFinite { texts.append(value.description) }
            texts.append(String(Double(generator.integer(below: 1_000_000)) / 1000))
            texts.append(String(format: "%.*g", 1 + generator.integer(below: 17), generator.normal() * 1e5))
        }
        for text in texts {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { parseDecimal($0) }
            #expect(parsed == Double(text), "\(text)")
        }
    }

    @Test func notNumbers() throws {
        for text in ["", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5", "abc", "1 2", "nana", "--1", "1e5x"] {
            let parsed = Array(text.utf8).withUnsafeBufferPointer { parseDecimal($0) }
            #expect(parsed == nil, "\(text)")
        }
    }

    @Test func quotedFields() throws {
        let (table, _) = try load("\"name, with comma\",\"say \"\"hi\"\"\",plain\n\"1\", \"2\" ,3\n4,5,6\n", label: .name("plain"))
        #expect(table.header == ["name, with comma", "say \"hi\"", "plain"])
        #expect(table.data.toDoubles() == [1, 2, 4, 5])
        #expect(table.labels?.toDoubles() == [3, 6])
        let (multiline, _) = try load("\"two\nlines\",b\n1,2\n")
        #expect(multiline.header == ["two\nlines", "b"])
    }

    @Test func labelColumns() throws {
        let (last, _) = try load("1,2,9\n3,4,8\n", label: .index(-1))
        #expect(last.data.toDoubles() == [1, 2, 3, 4] && last.labels?.toDoubles() == [9, 8])
        let (middle, _) = try load("x,y,z\n1,2,9\n3,4,8\n", label: .index(1), dtype: .float32)
        #expect(middle.data.dtype == .float32 && middle.labels?.dtype == .float32)
        #expect(middle.data.toDoubles() == [1, 9, 3, 8] && middle.labels?.toDoubles() == [2, 4])
        let (only, _) = try load("7\n8\n", label: .index(0))
        #expect(only.data.shape == [2, 0] && only.labels?.toDoubles() == [7, 8])
    }

    @Test func errorMessages() throws {
        #expect(try error("label,a,b\n1,2,3\n4,5\n", name: "digits.csv") == "digits.csv:3: expected 3 fields, found 2")
        #expect(try error("1,2\n3,4,5\n") == "t.csv:2: expected 2 fields, found 3")
        #expect(try error("a,b,c,d,e\n1,2,3,4,5\n1,2,3,4,abc\n", name: "file.csv") == "file.csv:3: field 5 'abc' is not a number")
        #expect(try error("1,,3\n") == "t.csv:1: field 2 '' is not a number")
        #expect(try error("a,b\r\n\r\n1,2\r\n\r\n3,x\r\n") == "t.csv:5: field 2 'x' is not a number")
        #expect(try error("\"a\nb\",c\n1,2\n3,\"4\n5\"\n") == "t.csv:4: field 2 '4\n5' is not a number")
        #expect(try error("") == "t.csv: file is empty")
        #expect(try error("\n\r\n  \n") == "t.csv: file is empty")
        #expect(try error("a,b\n") == "t.csv: no data rows after the header")
        #expect(try error("1,2\n", label: .index(2)) == "t.csv: label column 2 is out of range (the file has 2 columns)")
        #expect(try error("1,2\n", label: .index(-3)) == "t.csv: label column -3 is out of range (the file has 2 columns)")
        #expect(try error("1,2\n", label: .name("y")) == "t.csv: label column 'y' is given by name, but the file has no header row")
        #expect(try error("a,b\n1,2\n", label: .name("y")) == "t.csv: no column named 'y' in the header (columns: a, b)")
        #expect(try error("a,\"b\n1,2\n") == "t.csv:1: unterminated quoted field")
        #expect(try error("\"a\"x,b\n") == "t.csv:1: unexpected text after a closing quote")
        let long = String(repeating: "z", count: 100)
        #expect(try error("1,\(long)\n2,3\n".replacingOccurrences(of: "1,", with: "1,2\n1,")) ==
                "t.csv:2: field 2 '\(String(repeating: "z", count: 40))...' is not a number")
        #expect(tensorErrorMessage { try Tensor.loadCSV(path: "/nonexistent.csv", labelColumn: nil, dtype: .float64) } ==
                "loadCSV: cannot open '/nonexistent.csv': No such file or directory")
    }

    /// Rows of plain numbers take the fast path, any other row the general one: both must
    /// give strtod's value for every field, in float64 and float32, whatever the mix.
    @Test func fastAndGeneralPathsAgreeWithStrtod() throws {
        let generator = RandomGenerator(seed: 23)
        let forms: [() -> String] = [
            { String(generator.integer(below: 256)) },
            { "-" + String(generator.integer(below: 100_000)) },
            { String(Double(generator.integer(below: 10_000_000)) / 1000) },
            { "-0.\(generator.integer(below: 1000))" },
            { String(generator.nextUInt64()) },                       // 20 digits: past the fast path
            { "123456789012345." + String(generator.integer(below: 100)) },
            { String(format: "%.6e", generator.normal() * 1e-5) },
            { "+\(generator.integer(below: 99))" },
            { ".5" }, { "5." }, { "-.25" }, { "-0" }, { "007" }, { "1E3" },
            { " \(generator.integer(below: 9)) " },
        ]
        for dtype in [DType.float64, .float32] {
            var text = "", expected: [Double] = []
            for row in 0..<300 {
                var cells: [String] = []
                for _ in 0..<7 {
                    // Most rows plain (fast path), every fifth mixes in other forms.
                    let form = row % 5 == 0 ? forms[generator.integer(below: forms.count)] : forms[generator.integer(below: 4)]
                    cells.append(form())
                }
                expected += cells.map { strtod($0, nil) }
                text += cells.joined(separator: ",") + (row % 7 == 3 ? "\r\n" : "\n")
            }
            let (table, _) = try load(text, dtype: dtype)
            #expect(table.data.shape == [300, 7])
            let want = dtype == .float32 ? expected.map { Double(Float($0)) } : expected
            let got = table.data.toDoubles()
            for index in want.indices where got[index].bitPattern != want[index].bitPattern {
                Issue.record("value \(index): \(got[index]) != \(want[index]) (\(dtype))")
                break
            }
        }
    }

    @Test func fastPathEdgesOfTheFile() throws {
        // No final newline, CRLF, a lone CR before the end, blank lines that leave fewer
        // rows than lines, the label in the middle, a data row first.
        for text in ["1,-2,3\n4,5,-6", "1,-2,3\r\n4,5,-6\r\n", "1,-2,3\r\n4,5,-6\r", "\n1,-2,3\n\n\n4,5,-6\n\n"] {
            let (table, _) = try load(text, label: .index(1))
            #expect(table.data.shape == [2, 2] && table.data.toDoubles() == [1, 3, 4, -6], "\(text.debugDescription)")
            #expect(table.labels?.toDoubles() == [-2, 5], "\(text.debugDescription)")
        }
        let (negativeZero, _) = try load("-0,0\n-0.0,1\n")
        #expect(negativeZero.data.toDoubles().map { $0.sign } == [.minus, .plus, .minus, .plus])
        let (flags, _) = try load("a,b\n0,2\n1,0\n", dtype: .bool)
        #expect(flags.data.dtype == .bool && flags.data.toDoubles() == [0, 1, 1, 0])
    }

    /// A bad row after rows that took the fast path is still reported at its own line.
    @Test func errorsAfterFastRowsKeepTheirLines() throws {
        let good = String(repeating: "1,2,3\n", count: 100)
        #expect(try error("a,b,c\n" + good + "4,,6\n") == "t.csv:102: field 2 '' is not a number")
        #expect(try error(good + "4,5\n" + good) == "t.csv:101: expected 3 fields, found 2")
        #expect(try error(good + "4,5,6,7\n") == "t.csv:101: expected 3 fields, found 4")
        #expect(try error(good.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n4,5,x1\r\n") == "t.csv:102: field 3 'x1' is not a number")
        #expect(try error(good + "4,5,6\n\n" + "7,-,9") == "t.csv:103: field 2 '-' is not a number")
        #expect(try error(good + "4,5,1e\n") == "t.csv:101: field 3 '1e' is not a number")
        #expect(try error("\"a\nb\",c,d\n" + good + "8,9,0x1\n") == "t.csv:103: field 3 '0x1' is not a number")
        #expect(try error(good + "4,\"5\",\"6\n\"\n") == "t.csv:101: field 3 '6\n' is not a number")
    }

    @Test func randomGarbageNeverCrashes() throws {
        let directory = try TestFiles.scratchDirectory()
        let generator = RandomGenerator(seed: 17)
        let alphabet = Array("0123456789.,-+eE\"\r\n abnif".utf8)
        for _ in 0..<500 {
            let bytes = (0..<generator.integer(below: 60)).map { _ in alphabet[generator.integer(below: alphabet.count)] }
            let path = try TestFiles.write(bytes, named: "g.csv", in: directory)
            _ = try? Tensor.loadCSV(path: path, labelColumn: .index(0), dtype: .float64)
            _ = try? Tensor.loadCSV(path: path, labelColumn: .name("a"), dtype: .float32)
        }
    }

    @Test func saveAndReload() throws {
        let directory = try TestFiles.scratchDirectory()
        let values: [Double] = [1, -0.0, 0.1, 1e-300, 123456789.5, .nan, -.infinity, 1e20, 2.5, -7]
        let matrix = try Tensor(shape: [5, 2], values: values)
        try Tensor.saveCSV(matrix, path: directory + "/m.csv", header: ["x", "y, z"])
        let text = try String(contentsOfFile: directory + "/m.csv", encoding: .utf8)
        #expect(text == "x,\"y, z\"\n1,-0\n0.1,1e-300\n123456789.5,nan\n-inf,1e+20\n2.5,-7\n")
        let table = try Tensor.loadCSV(path: directory + "/m.csv", labelColumn: nil, dtype: .float64)
        #expect(table.header == ["x", "y, z"])
        for (a, b) in zip(table.data.toDoubles(), values) { #expect(a == b || (a.isNaN && b.isNaN)) }
        #expect(table.data.toDoubles()[1].sign == .minus)

        let vector = try Tensor(shape: [3], values: [0.1, 0.2, 0.3], dtype: .float32)
        try Tensor.saveCSV(vector, path: directory + "/v.csv", header: nil)
        #expect(try String(contentsOfFile: directory + "/v.csv", encoding: .utf8) == "0.1\n0.2\n0.3\n")
        let back = try Tensor.loadCSV(path: directory + "/v.csv", labelColumn: nil, dtype: .float32)
        #expect(back.data.shape == [3, 1] && back.data.toDoubles() == vector.toDoubles())
    }

    @Test func saveErrors() throws {
        let directory = try TestFiles.scratchDirectory()
        #expect(tensorErrorMessage { try Tensor.saveCSV(Tensor(scalar: 1), path: directory + "/s.csv", header: nil) } ==
                "saveCSV: expected a 1-D or 2-D tensor, got shape ()")
        let m = try Tensor(shape: [1, 2], repeating: 0)
        #expect(tensorErrorMessage { try Tensor.saveCSV(m, path: directory + "/s.csv", header: ["a"]) } ==
                "saveCSV: the header has 1 names but the tensor has 2 columns")
        #expect(!FileManager.default.fileExists(atPath: directory + "/s.csv"))
    }

    /// A 10,000 × 785 file (MNIST's train.csv shape) must load quickly. Release builds take
    /// well under 0.1 s (0.3 s before the fast path); the bound only catches pathological (e.g. quadratic) behaviour,
    /// since debug and sanitizer builds on a busy machine are many times slower.
    @Test func largeFileLoadsQuickly() throws {
        let directory = try TestFiles.scratchDirectory()
        let generator = RandomGenerator(seed: 1)
        var bytes = Array(("label," + (0..<784).map { "pixel\($0)" }.joined(separator: ",") + "\n").utf8)
        // 50 distinct rows, repeated: building 10,000 random rows would dominate the test.
        let rows: [[UInt8]] = (0..<50).map { _ in
            var row = Array(String(generator.integer(below: 10)).utf8)
            for _ in 0..<784 {
                row += Array((generator.uniform() < 0.8 ? ",0" : "," + String(generator.integer(below: 256))).utf8)
            }
            return row + [UInt8(ascii: "\n")]
        }
        for index in 0..<10_000 { bytes += rows[index % rows.count] }
        let path = try TestFiles.write(bytes, named: "train.csv", in: directory)
        let clock = ContinuousClock()
        let start = clock.now
        let table = try Tensor.loadCSV(path: path, labelColumn: .name("label"), dtype: .float32)
        let elapsed = clock.now - start
        #expect(table.data.shape == [10_000, 784] && table.labels?.shape == [10_000])
        #expect(elapsed < .seconds(120), "took \(elapsed)")
    }
}
