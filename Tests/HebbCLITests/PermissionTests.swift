import Foundation
import Testing

/// The default confinement (a program touches only its own folder tree and HEBB_*
/// variables) and the flags that widen it, through every file builtin and `env`.
@Suite struct PermissionTests {
    /// `root/project/` holds the program and its data; `root/outside/` is someone else's.
    final class Layout {
        let folder: TemporaryFolder
        var project: URL { folder.url.appendingPathComponent("project") }
        var outside: URL { folder.url.appendingPathComponent("outside") }

        init() throws {
            folder = try TemporaryFolder()
            for url in [project.appendingPathComponent("data"), outside] {
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
            for folder in [project.appendingPathComponent("data"), outside] {
                try Data("1,2\n3,4\n".utf8).write(to: folder.appendingPathComponent("m.csv"))
                try PermissionTests.npy.write(to: folder.appendingPathComponent("m.npy"))
            }
        }

        /// Runs `source` as `project/prog.hebb` from the project folder, with `flags`.
        func run(_ source: String, flags: [String] = [], environment: [String: String] = [:]) throws -> BinaryRunner.Result {
            let script = project.appendingPathComponent("prog.hebb")
            try Data(source.utf8).write(to: script)
            return try BinaryRunner.run(flags + [script.path], environment: environment, directory: project)
        }
    }

    /// A float64 vector [0, 0] in NumPy's format.
    static var npy: Data {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0])
        data.append(contentsOf: Array(header.utf8))
        data.append(Data(count: 16))
        return data
    }

    static let reads = ["load_csv(\"PATH.csv\")", "load_npy(\"PATH.npy\")"]
    static let writes = ["save_csv(\"PATH.csv\", ones(2))", "save_npy(\"PATH.npy\", ones(2))"]

    static func call(_ template: String, _ path: String) -> String { template.replacingOccurrences(of: "PATH", with: path) }

    @Test("reads and writes inside the program's folder tree are allowed", arguments: reads + writes)
    func insideIsAllowed(_ template: String) throws {
        let layout = try Layout()
        let result = try layout.run("x = \(Self.call(template, "data/m"))\nprint(\"ok\")")
        #expect(result.status == 0 && result.stdout == "ok\n", "\(result.stderr)")
    }

    @Test("reads outside are refused with the path and the flag", arguments: reads)
    func readOutsideIsRefused(_ template: String) throws {
        let layout = try Layout()
        let target = layout.outside.resolvingSymlinksInPath().path + "/m"
        for path in [layout.outside.path + "/m", "../outside/m", "data/../../outside/m"] {
            let result = try layout.run("x = \(Self.call(template, path))")
            let suffix = template.contains("csv") ? ".csv" : ".npy"
            #expect(result.status == 1 && !result.crashed)
            #expect(result.stderr.contains("prog.hebb:1:5: error: "), "\(result.stderr)")
            #expect(result.stderr.contains("reading \(target)\(suffix) is not allowed: it is outside "), "\(result.stderr)")
            #expect(result.stderr.contains("run with --allow-read \(target)\(suffix)"), "\(result.stderr)")
        }
        let allowed = try layout.run("x = \(Self.call(template, "../outside/m"))\nprint(\"ok\")", flags: ["--allow-read", layout.outside.path])
        #expect(allowed.status == 0 && allowed.stdout == "ok\n", "\(allowed.stderr)")
        let all = try layout.run("x = \(Self.call(template, "../outside/m"))\nprint(\"ok\")", flags: ["--allow-all"])
        #expect(all.status == 0 && all.stdout == "ok\n", "\(all.stderr)")
        let writeOnly = try layout.run("x = \(Self.call(template, "../outside/m"))", flags: ["--allow-write", layout.outside.path])
        #expect(writeOnly.status == 1 && writeOnly.stderr.contains("--allow-read"), "--allow-write does not allow reading")
    }

    @Test("writes outside are refused and create nothing", arguments: writes)
    func writeOutsideIsRefused(_ template: String) throws {
        let layout = try Layout()
        let result = try layout.run(Self.call(template, "../outside/new"))
        #expect(result.status == 1 && result.stderr.contains("is not allowed") && result.stderr.contains("--allow-write"), "\(result.stderr)")
        let created = try FileManager.default.contentsOfDirectory(atPath: layout.outside.path).filter { $0.hasPrefix("new") }
        #expect(created.isEmpty)
        let readOnly = try layout.run(Self.call(template, "../outside/new"), flags: ["--allow-read", layout.outside.path])
        #expect(readOnly.status == 1, "--allow-read does not allow writing")
        let allowed = try layout.run(Self.call(template, "../outside/new"), flags: ["--allow-write=\(layout.outside.path)"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func symbolicLinksDoNotEscape() throws {
        let layout = try Layout()
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: layout.project.path + "/link", withDestinationPath: layout.outside.path)
        try manager.createSymbolicLink(atPath: layout.project.path + "/file.csv", withDestinationPath: layout.outside.path + "/m.csv")
        try manager.createSymbolicLink(atPath: layout.project.path + "/dangling.csv", withDestinationPath: layout.outside.path + "/fresh.csv")
        for source in ["x = load_csv(\"link/m.csv\")", "x = load_csv(\"file.csv\")", "save_csv(\"link/new.csv\", ones(2))",
                       "save_csv(\"dangling.csv\", ones(2))"] {
            let result = try layout.run(source)
            #expect(result.status == 1 && result.stderr.contains("is not allowed: it is outside"), "\(source): \(result.stderr)")
        }
        #expect(!manager.fileExists(atPath: layout.outside.path + "/fresh.csv"), "a dangling link was not followed")
        // A link that stays inside the tree is fine.
        try manager.createSymbolicLink(atPath: layout.project.path + "/inner", withDestinationPath: layout.project.path + "/data")
        let inner = try layout.run("print(sum(load_csv(\"inner/m.csv\")))")
        #expect(inner.status == 0 && inner.stdout == "10.0\n", "\(inner.stderr)")
    }

    @Test func environmentVariables() throws {
        let layout = try Layout()
        let environment = ["HEBB_COLOUR": "blue", "SECRET_TOKEN": "hunter2"]
        let hebb = try layout.run("print(env(\"HEBB_COLOUR\"))", environment: environment)
        #expect(hebb.status == 0 && hebb.stdout == "blue\n", "\(hebb.stderr)")
        let refused = try layout.run("print(env(\"SECRET_TOKEN\", \"x\"))", environment: environment)
        #expect(refused.status == 1 && !refused.stdout.contains("hunter2"))
        #expect(refused.stderr.contains("prog.hebb:1:7: error: env: reading the environment variable SECRET_TOKEN is not allowed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--allow-env=SECRET_TOKEN"), "\(refused.stderr)")
        let named = try layout.run("print(env(\"SECRET_TOKEN\"))", flags: ["--allow-env=PATH,SECRET_TOKEN"], environment: environment)
        #expect(named.status == 0 && named.stdout == "hunter2\n", "\(named.stderr)")
        let other = try layout.run("print(env(\"HOME\"))", flags: ["--allow-env=SECRET_TOKEN"], environment: environment)
        #expect(other.status == 1, "a named grant allows only the names given")
        let all = try layout.run("print(env(\"SECRET_TOKEN\"))", flags: ["--allow-env"], environment: environment)
        #expect(all.status == 0 && all.stdout == "hunter2\n", "bare --allow-env before the path: \(all.stderr)")
        let viaRun = try BinaryRunner.run(["run", "--allow-all", layout.project.path + "/prog.hebb"], environment: environment)
        #expect(viaRun.status == 0 && viaRun.stdout == "hunter2\n", "\(viaRun.stderr)")
    }

    @Test func stdinProgramsOwnTheWorkingDirectory() throws {
        let layout = try Layout()
        let inside = try BinaryRunner.run([], stdin: "print(sum(load_csv(\"data/m.csv\")))", directory: layout.project)
        #expect(inside.status == 0 && inside.stdout == "10.0\n", "\(inside.stderr)")
        let outside = try BinaryRunner.run([], stdin: "x = load_csv(\"../outside/m.csv\")", directory: layout.project)
        #expect(outside.status == 1 && outside.stderr.contains("<stdin>:1:5: error: load_csv: reading"), "\(outside.stderr)")
    }

    /// A notebook owns its folder: `hebb run` and `hebb test` refuse what lies outside it and
    /// accept the same flags.
    @Test func notebooksOwnTheirFolder() throws {
        let layout = try Layout()
        let notebook = layout.project.appendingPathComponent("n.nb")
        try Data("# N\n\n```hebb\nprint(sum(load_csv(\"data/m.csv\")))\nx = load_csv(\"../outside/m.csv\")\nprint(\"read\")\n```\n".utf8).write(to: notebook)
        let refused = try BinaryRunner.run(["run", notebook.path], directory: layout.folder.url)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        let saved = try String(contentsOf: notebook, encoding: .utf8)
        #expect(saved.contains("10.0") && saved.contains("is not allowed: it is outside") && !saved.contains("\nread\n"), "\(saved)")
        let allowed = try BinaryRunner.run(["run", "--allow-read", layout.outside.path, notebook.path], directory: layout.folder.url)
        #expect(allowed.status == 0, "\(allowed.stdout)\(allowed.stderr)")
        let tested = try BinaryRunner.run(["test", notebook.path], directory: layout.folder.url)
        #expect(tested.status == 1, "without the flag the saved output no longer matches")
        let testedWithFlag = try BinaryRunner.run(["test", "--allow-read", layout.outside.path, notebook.path], directory: layout.folder.url)
        #expect(testedWithFlag.status == 0, "\(testedWithFlag.stdout)\(testedWithFlag.stderr)")
    }
}
