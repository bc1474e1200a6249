import Foundation
import Testing

/// The command line in script mode: plots drawn as text charts, programs read from stdin,
/// `--version`, `help`, `doc` and `--seed`.
@Suite struct ScriptModeTests {
    /// Every kind of plot runs in a script and the program carries on after it. The charts
    /// themselves are the plot tests' business; here only that they appear and end cleanly.
    @Test func plotsRunInScriptMode() throws {
        let source = """
            plot([1, 4, 9, 16], title: "squares", xlabel: "n", ylabel: "n^2")
            plot([[1, 2, 3], [3, 2, 1]], labels: ["up", "down"])
            plot(linspace(0, 1, 5), linspace(0, 1, 5) ** 2)
            plot([])
            scatter(tensor([[0, 0], [1, 1], [2, 0.5]]), labels: [0, 1, 1])
            hist(randn(500), bins: 10)
            imshow(reshape(arange(64), 8, 8))
            imshow(reshape(arange(128), 2, 8, 8))
            imshow(X[0:4, :], shape: [8, 8])
            imshow(tensor([[-1e308, 1e308]]))
            hist([0 / 0, 1 / 0, 1])
            print("after the plots")
            """
        let run = try Program("X, y = load_csv(\"\(BinaryRunner.packageRoot.path)/data/digits.csv\", label: 0)\n" + source)
            .run(timeout: 60, flags: ["--allow-read", BinaryRunner.packageRoot.appendingPathComponent("data").path])
        #expect(run.result.status == 0 && !run.result.crashed, "\(run.result.stderr)")
        #expect(run.result.stdout.hasSuffix("after the plots\n"))
        #expect(run.result.stdout.contains("squares"), "the title is drawn")
        #expect(run.result.stdout.contains("█") || run.result.stdout.contains("⠀"), "block or braille charts are drawn")
        #expect(!run.result.stdout.contains("\u{1B}["), "no colour codes when stdout is not a terminal")
    }

    @Test func programFromStdin() throws {
        let result = try BinaryRunner.run([], stdin: "x = 2\nfn sq(v) => v * v\nprint(sq(x) + 1, tensor([1, 2]) * 2)\n")
        #expect(result.status == 0 && !result.crashed, "\(result.stderr)")
        #expect(result.stdout == "5 [2. 4.]\n")
        let empty = try BinaryRunner.run([], stdin: "")
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr.isEmpty)
        let explicit = try BinaryRunner.run(["run"], stdin: "print(\"via run\")")
        #expect(explicit.status == 0 && explicit.stdout == "via run\n", "\(explicit.stderr)")
    }

    @Test func seedOptionMakesRunsRepeatable() throws {
        let source = "print(sum(randn(5)))"
        let first = try BinaryRunner.run(["run", "--seed", "7"], stdin: source)
        let second = try BinaryRunner.run(["run", "--seed", "7"], stdin: source)
        let other = try BinaryRunner.run(["run", "--seed", "8"], stdin: source)
        #expect(first.status == 0 && first.stdout == second.stdout, "\(first.stdout) vs \(second.stdout)")
        #expect(first.stdout != other.stdout)
        let defaultSeed = try BinaryRunner.run([], stdin: source)
        #expect(defaultSeed.stdout == (try BinaryRunner.run(["run", "--seed", "42"], stdin: source)).stdout)
    }

    @Test func versionAndHelp() throws {
        let version = try BinaryRunner.run(["--version"])
        #expect(version.status == 0 && !version.crashed)
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil, "'\(version.stdout)'")

        let help = try BinaryRunner.run(["help"])
        #expect(help.status == 0 && !help.crashed)
        for command in ["run", "test", "export", "doc"] {
            #expect(help.stdout.contains("  \(command)"), "help lists '\(command)': \(help.stdout)")
        }
        let runHelp = try BinaryRunner.run(["help", "run"])
        #expect(runHelp.status == 0 && runHelp.stdout.contains("--seed"), "\(runHelp.stdout)")
    }

    @Test func documentationOfBuiltinsAndStdlib() throws {
        let sum = try BinaryRunner.run(["help", "sum"])
        #expect(sum.status == 0 && sum.stdout.hasPrefix("sum(x, axis: none, keepdims: false)\nSum of all elements, or along an axis.\n\nExample:\n    X = tensor("),
                "\(sum.stdout)")
        let stdlib = try BinaryRunner.run(["doc", "cross_entropy"])
        #expect(stdlib.status == 0 && stdlib.stdout.hasPrefix("cross_entropy(Z, T, logits: true)\n"), "\(stdlib.stdout)")
        let all = try BinaryRunner.run(["doc"])
        let names = Set(all.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) })
        #expect(all.status == 0 && all.stdout.hasPrefix("CREATION\n"))
        let markdown = try BinaryRunner.run(["doc", "--markdown"])
        #expect(markdown.status == 0 && markdown.stdout.hasPrefix("# Builtin reference\n"))
        for name in ["sum", "softmax", "grad", "load_csv", "plot", "adam", "cross_entropy", "onehot"] {
            #expect(names.contains(name), "hebb doc lists \(name)")
        }
        // Keywords and operators document the language's rules.
        let fn = try BinaryRunner.run(["help", "fn"])
        #expect(fn.status == 0 && fn.stdout.contains("final bare expression is returned"), "\(fn.stdout)")
        let equal = try BinaryRunner.run(["help", "=="])
        #expect(equal.status == 0 && equal.stdout.contains("compare by value too, deeply"), "\(equal.stdout)")
        let unknown = try BinaryRunner.run(["help", "no_such_function"])
        #expect(unknown.status == 1 && !unknown.crashed)
        #expect(unknown.stderr.contains("no documentation for 'no_such_function'"), "\(unknown.stderr)")
    }

    /// `--timeout` stops a script (not only a notebook cell) with a located error.
    @Test func timeoutStopsAScript() throws {
        let folder = try TemporaryFolder()
        let script = try folder.write("loop.hebb", "print(\"start\")\nwhile true { x = 1 }\n")
        let clock = ContinuousClock(), start = clock.now
        let result = try BinaryRunner.run(["run", "--timeout", "0.5", script], timeout: 20)
        #expect(clock.now - start < .seconds(10))
        #expect(result.status == 1 && !result.crashed && result.stdout == "start\n", "\(result.stderr)")
        #expect(result.stderr.hasPrefix("\(script):2:1: error: timed out after 0.5 s (--timeout)"), "\(result.stderr)")
        let quick = try BinaryRunner.run(["--timeout", "5"], stdin: "print(1 + 1)")
        #expect(quick.status == 0 && quick.stdout == "2\n", "\(quick.stdout)\(quick.stderr)")
    }

    /// A script's relative data paths resolve against the working directory.
    @Test func relativePathsUseTheWorkingDirectory() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("numbers.csv", "1,2\n3,4\n")
        let script = try folder.write("script.hebb", "print(sum(load_csv(\"numbers.csv\")))")
        let result = try BinaryRunner.run([script], directory: folder.url)
        #expect(result.status == 0 && result.stdout == "10.0\n", "\(result.stdout)\(result.stderr)")
    }
}
