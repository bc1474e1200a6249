import Foundation
import Testing

/// `hebb kernel install/uninstall`, `hebb kernel FILE` with a bad connection file, and
/// `hebb import` usage, through the built binary.
@Suite struct KernelCommandTests {
    private func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-kernel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func installWritesAKernelspecWithTheGrantsAndUninstallRemovesIt() throws {
        let prefix = try scratch()
        defer { try? FileManager.default.removeItem(at: prefix) }
        let installed = try BinaryRunner.run(["kernel", "install", "--prefix", prefix.path, "--allow-read", "/data"])
        #expect(installed.status == 0, "\(installed.stderr)")
        let folder = prefix.appendingPathComponent("share/jupyter/kernels/hebb")
        let json = try String(contentsOf: folder.appendingPathComponent("kernel.json"), encoding: .utf8)
        #expect(json.contains("\"{connection_file}\""))
        #expect(json.contains("\"--allow-read\",\n    \"/data\""))
        for logo in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(logo).path), "\(logo)")
        }
        #expect(try BinaryRunner.run(["kernel", "uninstall", "--prefix", prefix.path]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        let again = try BinaryRunner.run(["kernel", "uninstall", "--prefix", prefix.path])
        #expect(again.status == 1 && again.stderr.contains("no Hebb kernelspec"))
        #expect(try BinaryRunner.run(["kernel", "install", "--user", "--prefix", prefix.path]).status == 2)
    }

    @Test func aBadConnectionFileIsAnErrorNotACrash() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("c.json")
        try #"{"ip": "127.0.0.1", "shell_port": 0}"#.write(to: file, atomically: true, encoding: .utf8)
        let result = try BinaryRunner.run(["kernel", file.path])
        #expect(result.status == 1 && !result.crashed)
        #expect(result.stderr.contains("'shell_port' must be a port number"))
        let missing = try BinaryRunner.run(["kernel", folder.appendingPathComponent("none.json").path])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read the connection file"))
    }

    @Test func importTakesANotebookAndWritesANotebook() throws {
        let script = try BinaryRunner.run(["import", "script.hebb"])
        #expect(script.status == 2 && script.stderr.contains("takes a Jupyter notebook (.ipynb)"))
        let output = try BinaryRunner.run(["import", "x.ipynb", "-o", "x.html"])
        #expect(output.status == 2 && output.stderr.contains("writes a .nb notebook"))
    }
}
