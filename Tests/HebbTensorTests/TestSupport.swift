import Foundation
import Testing
@testable import HebbTensor

/// Paths to the committed fixtures and to a scratch directory per test.
enum TestFiles {
    /// Absolute path of `relative` inside the copied `Fixtures` resource directory.
    static func fixture(_ relative: String) throws -> String {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return root.appendingPathComponent(relative).path
    }

    /// A fresh empty directory under the system temporary directory.
    static func scratchDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hebb-tensor-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Writes raw bytes to a file in `directory` and returns its path.
    static func write(_ bytes: [UInt8], named name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func write(_ text: String, named name: String, in directory: String) throws -> String {
        try write(Array(text.utf8), named: name, in: directory)
    }
}

/// The message of the TensorError thrown by `body`, or nil when it does not throw one.
func tensorErrorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as TensorError {
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}
