import Foundation
import Testing
@testable import HebbTensor

/// .npy files written by NumPy (Fixtures/make_npy_samples.py), round trips, and files that
/// must be refused with a clear message.
@Suite struct NPYTests {
    @Test func loadsFloat64WrittenByNumPy() throws {
        for name in ["f8_2x3.npy", "f8_v2.npy", "f8_v3.npy"] {
            let t = try Tensor.loadNPY(path: TestFiles.fixture("npy/" + name))
            #expect(t.shape == [2, 3] && t.dtype == .float64, "\(name)")
            #expect(t.toDoubles() == [1.5, -2.0, 3.25, 0.0, 1e-300, -.infinity], "\(name)")
        }
    }

    @Test func loadsFloat32AsFloat32() throws {
        let t = try Tensor.loadNPY(path: TestFiles.fixture("npy/f4_4.npy"))
        #expect(t.shape == [4] && t.dtype == .float32)
        #expect(t.toDoubles() == [0.1, -1.0, 3.5, 1e30].map { Double(Float($0)) })
    }

    @Test func loadsIntegersAndBooleansAsFloat64() throws {
        let i4 = try Tensor.loadNPY(path: TestFiles.fixture("npy/i4_2x2.npy"))
        #expect(i4.dtype == .float64 && i4.shape == [2, 2])
        #expect(i4.toDoubles() == [1, -2, 2147483647, -2147483648])
        let i8 = try Tensor.loadNPY(path: TestFiles.fixture("npy/i8_3.npy"))
        #expect(i8.toDoubles() == [0, -5, 9007199254740992])
        let u1 = try Tensor.loadNPY(path: TestFiles.fixture("npy/u1_2x2.npy"))
        #expect(u1.toDoubles() == [0, 255, 17, 3])
        let b1 = try Tensor.loadNPY(path: TestFiles.fixture("npy/b1_3.npy"))
        #expect(b1.toDoubles() == [1, 0, 1])
    }

    /// `dtype:` converts as NumPy's astype does: float64 rounds to float32, integers widen,
    /// any nonzero number (NaN too) is true in a mask.
    @Test func convertsWhileReadingWhenADtypeIsGiven() throws {
        let f8 = try Tensor.loadNPY(path: TestFiles.fixture("npy/f8_2x3.npy"), dtype: .float32)
        #expect(f8.shape == [2, 3] && f8.dtype == .float32)
        #expect(f8.toDoubles() == [1.5, -2.0, 3.25, 0.0, 1e-300, -.infinity].map { Double(Float($0)) })
        let i4 = try Tensor.loadNPY(path: TestFiles.fixture("npy/i4_2x2.npy"), dtype: .float32)
        #expect(i4.dtype == .float32 && i4.toDoubles() == [1, -2, 2147483647, -2147483648].map { Double(Float($0)) })
        let f4 = try Tensor.loadNPY(path: TestFiles.fixture("npy/f4_4.npy"), dtype: .float64)
        #expect(f4.dtype == .float64 && f4.toDoubles() == [0.1, -1.0, 3.5, 1e30].map { Double(Float($0)) })
        let mask = try Tensor.loadNPY(path: TestFiles.fixture("npy/f8_2x3.npy"), dtype: .bool)
        #expect(mask.dtype == .bool && mask.toDoubles() == [1, 1, 1, 0, 1, 1])
        let same = try Tensor.loadNPY(path: TestFiles.fixture("npy/f8_2x3.npy"), dtype: .float64)
        #expect(same.toDoubles() == (try Tensor.loadNPY(path: TestFiles.fixture("npy/f8_2x3.npy"))).toDoubles())
    }

    @Test func loadsScalarEmptyAndThreeD() throws {
        let scalar = try Tensor.loadNPY(path: TestFiles.fixture("npy/scalar.npy"))
        #expect(scalar.shape == [] && scalar.scalarValue == 42.5)
        let empty = try Tensor.loadNPY(path: TestFiles.fixture("npy/empty_0x3.npy"))
        #expect(empty.shape == [0, 3] && empty.count == 0)
        let cube = try Tensor.loadNPY(path: TestFiles.fixture("npy/f8_3d.npy"))
        #expect(cube.shape == [2, 3, 4] && cube.toDoubles() == (0..<24).map(Double.init))
    }

    @Test func refusesWhatItCannotRead() throws {
        let cases = [
            ("fortran.npy", "Fortran-order"),
            ("bigendian.npy", "big-endian data ('>f8') is not supported"),
            ("complex.npy", "unsupported dtype '<c16'"),
            ("structured.npy", "structured dtypes are not supported"),
        ]
        for (name, fragment) in cases {
            let path = try TestFiles.fixture("npy/" + name)
            let message = tensorErrorMessage { try Tensor.loadNPY(path: path) }
            #expect(message?.contains(fragment) == true, "\(name): \(message ?? "no error")")
            #expect(message?.hasPrefix("loadNPY: \(path): ") == true, "\(name): \(message ?? "no error")")
        }
    }

    @Test func roundTripsBothDtypesAndShapes() throws {
        let directory = try TestFiles.scratchDirectory()
        let shapes: [[Int]] = [[], [0], [5], [2, 3], [2, 0, 4], [3, 1, 2, 2]]
        for dtype in DType.allCases {
            for shape in shapes {
                let count = shape.reduce(1, *)
                let values = (0..<count).map { Double($0) * 0.37 - 1.5 }
                let original = try Tensor(shape: shape, values: values, dtype: dtype)
                let path = directory + "/t.npy"
                try original.saveNPY(path: path)
                let loaded = try Tensor.loadNPY(path: path)
                #expect(loaded.shape == shape && loaded.dtype == dtype)
                #expect(loaded.toDoubles() == original.toDoubles())
                let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? -1
                #expect((size - count * dtype.byteSize) % 64 == 0, "data starts at a multiple of 64")
            }
        }
    }

    /// NumPy reads what saveNPY writes (checked by byte equality with NumPy's own file).
    @Test func savedHeaderIsByteIdenticalToNumPys() throws {
        let numpyFile = try TestFiles.fixture("npy/f8_2x3.npy")
        let tensor = try Tensor.loadNPY(path: numpyFile)
        let directory = try TestFiles.scratchDirectory()
        try tensor.saveNPY(path: directory + "/copy.npy")
        let ours = try Data(contentsOf: URL(fileURLWithPath: directory + "/copy.npy"))
        let theirs = try Data(contentsOf: URL(fileURLWithPath: numpyFile))
        #expect(ours == theirs)
    }

    @Test func malformedFilesGiveClearErrors() throws {
        let directory = try TestFiles.scratchDirectory()
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("npy/f8_2x3.npy"))))
        func header(_ dict: String, version: UInt8 = 1) -> [UInt8] {
            let text = Array(dict.utf8) + [0x0A]
            let length = version == 1 ? [UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
                                      : [UInt8(text.count & 0xFF), UInt8(text.count >> 8), 0, 0]
            return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + text
        }
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "not a .npy file (only 0 bytes)"),
            ("magic", Array("PK\u{3}\u{4} this is a zip file".utf8), "not a .npy file (bad magic string)"),
            ("version", [0x93] + Array("NUMPY".utf8) + [9, 0, 0, 0], "unsupported .npy format version 9.0"),
            ("truncated header", Array(good[0..<40]), "header is truncated"),
            ("short data", Array(good[0..<(good.count - 1)]), "data is shorter than the header promises"),
            ("no data", Array(good[0..<128]), "needs 48 bytes, the file has 0"),
            ("huge shape", header("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000), }"),
             "exceeds the limit of"),
            ("overflowing shape", header("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 4), }"),
             "is too large"),
            ("giant integer", header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }"),
             "expected an integer that fits in 64 bits"),
            ("negative", header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2), }"), "bad shape entry"),
            ("missing key", header("{'descr': '<f8', 'shape': (2,), }"), "no 'fortran_order' key"),
            ("garbage header", header("hello"), "malformed header: expected '{'"),
            ("unterminated", header("{'descr': '<f8"), "expected a closing quote"),
            ("deep nesting", header("{'shape': " + String(repeating: "(", count: 5000)), "less deeply nested"),
            ("shape not tuple", header("{'descr': '<f8', 'fortran_order': False, 'shape': 3, }"), "'shape' is not a tuple"),
            ("bool order", header("{'descr': '<f8', 'fortran_order': 0, 'shape': (), }"), "'fortran_order' is not True or False"),
        ]
        for (name, bytes, fragment) in cases {
            let path = try TestFiles.write(bytes, named: name.replacingOccurrences(of: " ", with: "_") + ".npy", in: directory)
            let message = tensorErrorMessage { try Tensor.loadNPY(path: path) }
            #expect(message?.contains(fragment) == true, "\(name): \(message ?? "no error")")
            #expect(message?.contains(path) == true, "\(name) names the file")
        }
    }

    @Test func everyTruncationOfAValidFileIsAnErrorNotACrash() throws {
        let directory = try TestFiles.scratchDirectory()
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("npy/i4_2x2.npy"))))
        for length in 0..<good.count {
            let path = try TestFiles.write(Array(good[0..<length]), named: "cut.npy", in: directory)
            #expect(tensorErrorMessage { try Tensor.loadNPY(path: path) } != nil, "length \(length)")
        }
    }

    @Test func randomByteFlipsNeverCrash() throws {
        let directory = try TestFiles.scratchDirectory()
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: TestFiles.fixture("npy/f8_2x3.npy"))))
        let generator = RandomGenerator(seed: 99)
        for _ in 0..<300 {
            var bytes = good
            for _ in 0..<3 { bytes[generator.integer(below: 128)] = UInt8(generator.integer(below: 256)) }
            let path = try TestFiles.write(bytes, named: "flip.npy", in: directory)
            _ = try? Tensor.loadNPY(path: path)
        }
    }

    @Test func missingFileAndDirectory() throws {
        let missing = tensorErrorMessage { try Tensor.loadNPY(path: "/nonexistent/x.npy") }
        #expect(missing == "loadNPY: cannot open '/nonexistent/x.npy': No such file or directory")
        let directory = try TestFiles.scratchDirectory()
        #expect(tensorErrorMessage { try Tensor.loadNPY(path: directory) }?.contains("is not a regular file") == true)
        let cannotWrite = tensorErrorMessage { try Tensor(scalar: 1).saveNPY(path: "/nonexistent/dir/x.npy") }
        #expect(cannotWrite?.hasPrefix("saveNPY: cannot write '/nonexistent/dir/x.npy'") == true)
    }
}
