import ArgumentParser
import Foundation
import HebbAutodiff
import HebbLanguage
import HebbNotebook
import HebbSyntax
import HebbTensor

/// The `hebb` command: a script runner, the REPL, and the notebook tools.
@main
struct Hebb: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hebb",
        abstract: "Hebb: a small language for learning and doing neural networks.",
        discussion: """
            With no arguments: the REPL on a terminal, or the program read from stdin.
            `hebb FILE.hebb` is the same as `hebb run FILE.hebb`.
            """,
        version: version,
        subcommands: [Run.self, Test.self, Export.self, Import.self, Kernel.self, Topic.self],
        defaultSubcommand: Run.self)

    /// Exit codes: 0 success, 1 a user error in the program or notebook, 2 bad usage.
    static func main() {
        var arguments = PermissionOptions.normalize(Array(CommandLine.arguments.dropFirst()))
        // `hebb help` alone lists the commands; `hebb help NAME` documents a builtin.
        if arguments.first == "help" {
            if arguments.count == 1 {
                arguments = ["--help"]
            } else if !["run", "test", "export", "kernel", "import", "doc"].contains(arguments[1]) {
                arguments = ["doc"] + arguments.dropFirst()
            }
        }
        // The commonest invocations skip ArgumentParser, whose reflection costs about a
        // quarter of the 20 ms start-up budget: `hebb` (REPL or stdin) and `hebb FILE.hebb`.
        if arguments.isEmpty || (arguments.count == 1 && arguments[0].hasSuffix(".hebb") && !arguments[0].hasPrefix("-")) {
            do {
                try Run.start(path: arguments.first, options: Run.Options())
                Foundation.exit(0)
            } catch let exit as ExitCode {
                Foundation.exit(exit.rawValue)
            } catch {
                failUserError("hebb: error: \(error)")
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Prints a message on stderr and exits with status 1 (a user error, not bad usage).
func failUserError(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    exit(1)
}

extension Hebb {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script (.hebb) or a notebook (.nb, outputs saved into it).")

        @ArgumentParser.Argument(help: "A .hebb script or a .nb notebook. Omit it for the REPL or stdin.")
        var path: String?

        @Option(help: "Seed of the random generator.")
        var seed: UInt64 = 42

        @Flag(help: "Stop at the first op that produces NaN or Inf and name it.")
        var checkFinite = false

        @Flag(help: "Notebooks: run every cell even after an error.")
        var keepGoing = false

        @Option(help: "Seconds a notebook cell, or a whole script, may run before it is stopped (default and 0: no limit).")
        var timeout: Double?

        func validate() throws { try NotebookCommands.validate(timeout: timeout) }

        @OptionGroup(title: "Permissions")
        var permissions: PermissionOptions

        @OptionGroup(title: "Limits")
        var limits: LimitOptions

        /// The settings of a run, with the defaults of the flags above.
        struct Options {
            var seed: UInt64 = 42
            var checkFinite = false
            var keepGoing = false
            var timeout: Double? = nil
        }

        func run() throws {
            permissions.install()
            limits.install()
            try Run.start(path: path, options: Options(seed: seed, checkFinite: checkFinite, keepGoing: keepGoing, timeout: timeout))
        }

        static func start(path: String?, options: Options) throws {
            FiniteCheck.isEnabled = options.checkFinite
            let seed = options.seed
            guard let path else {
                if isatty(STDIN_FILENO) == 1 { throw ExitCode(REPL.run(seed: seed)) }
                let source = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                runScript(source, name: "<stdin>", seed: seed, home: nil, timeout: options.timeout)
                return
            }
            if path.hasSuffix(".nb") {
                Tensor.useReproducibleKernels()  // its saved outputs are compared bit for bit
                NotebookCommands.installInterruptHandler()
                let ok = NotebookCommands.run(path: path, keepGoing: options.keepGoing, timeout: options.timeout, seed: seed)
                if !ok { throw ExitCode(1) }
                return
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                failUserError("hebb: error: cannot read '\(path)': no such file or not readable")
            }
            guard let source = String(data: data, encoding: .utf8) else {
                failUserError("hebb: error: '\(path)' is not UTF-8 text")
            }
            runScript(source, name: path, seed: seed, home: (path as NSString).deletingLastPathComponent, timeout: options.timeout)
        }

        /// Runs a script that owns the folder tree `home` (nil: the working directory), stopped
        /// after `timeout` seconds when that is given and positive.
        private static func runScript(_ source: String, name: String, seed: UInt64, home: String?, timeout: Double?) {
            let session = Session(output: TerminalOutput(), seed: seed)
            if let home { session.permissions.home = home.isEmpty ? "." : home }
            let deadline = ScriptDeadline(seconds: timeout)
            do {
                _ = try session.run(source, fileName: name)
            } catch var diagnostic as Diagnostic {
                if deadline.passed, diagnostic.kind == .interrupted {
                    diagnostic.kind = .timeout
                    diagnostic.message = "timed out after \(ScriptDeadline.format(timeout ?? 0)) s (--timeout); " +
                        "run with a larger --timeout, or 0 for no limit"
                }
                failUserError(diagnostic.rendered())
            } catch {
                failUserError("hebb: error: \(error)")
            }
        }

    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run notebooks without writing and compare with their saved outputs.")

        @ArgumentParser.Argument(help: "Notebooks or folders (default: notebooks/).")
        var paths: [String] = []

        @Flag(help: "Accept the new outputs: write them into the notebooks.")
        var promote = false

        @Option(help: "Seconds a cell may run before it is stopped and fails (default 300; 0: no limit).")
        var timeout: Double?

        @Flag(help: "Stop at the first failing notebook.")
        var failFast = false

        @Option(help: "Seed of the random generator: the one the notebooks were run with (default 42).")
        var seed: UInt64 = 42

        @Option(help: ArgumentHelp("Compare NB.nb's saved outputs with those of another run (an .ipynb executed by the Hebb kernel, or a .nb) instead of re-running.", valueName: "RUN"))
        var against: String?

        @OptionGroup(title: "Permissions")
        var permissions: PermissionOptions

        @OptionGroup(title: "Limits")
        var limits: LimitOptions

        func validate() throws {
            try NotebookCommands.validate(timeout: timeout)
            try NotebookCommands.validateTestPaths(paths)
            if against != nil && (paths.count != 1 || !paths[0].hasSuffix(".nb")) {
                throw ValidationError("--against compares one notebook: hebb test NB.nb --against RUN.ipynb")
            }
        }

        func run() throws {
            permissions.install()
            limits.install()
            if let against, let path = paths.first {
                let ok = NotebookTester.compare(path: path, against: against) { print($0) }
                if !ok { throw ExitCode(1) }
                return
            }
            Tensor.useReproducibleKernels()  // the kernels the saved outputs were computed with
            let ok = NotebookCommands.test(paths: paths.isEmpty ? ["notebooks"] : paths, promote: promote,
                                           timeout: timeout, failFast: failFast, seed: seed)
            if !ok { throw ExitCode(1) }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a notebook as a self-contained HTML page or a Jupyter notebook.")

        @ArgumentParser.Argument(help: "The .nb notebook.")
        var path: String

        @Flag(help: "Write NAME.html.")
        var html = false

        @Flag(help: "Write NAME.ipynb (nbformat 4).")
        var ipynb = false

        @Option(name: .shortAndLong, help: "Output file (default: beside the notebook).")
        var output: String?

        func validate() throws {
            guard html != ipynb else { throw ValidationError("choose one of --html or --ipynb") }
            try NotebookCommands.validateExport(path: path, html: html, output: output)
        }

        func run() throws {
            let ok = NotebookCommands.export(path: path, html: html, output: output)
            if !ok { throw ExitCode(1) }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a Jupyter notebook of the Hebb kernel into a .nb notebook (outputs and plots kept).")

        @ArgumentParser.Argument(help: "The .ipynb notebook.")
        var path: String

        @Option(name: .shortAndLong, help: "Output file (default: NAME.nb beside it).")
        var output: String?

        @Flag(help: "Replace the output file if it exists.")
        var force = false

        func validate() throws {
            guard path.lowercased().hasSuffix(".ipynb") else {
                throw ValidationError("hebb import takes a Jupyter notebook (.ipynb), not '\(path)'")
            }
            if let output, !output.hasSuffix(".nb") {
                throw ValidationError("-o \(output): hebb import writes a .nb notebook; write -o NAME.nb")
            }
        }

        func run() throws {
            do {
                let written = try NotebookImporter.importNotebook(path: path, to: output, overwrite: force)
                print("wrote \(written)")
            } catch {
                failUserError("\(error)")
            }
        }
    }

    /// `hebb help NAME`: the documentation of a builtin or stdlib function.
    struct Topic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doc", abstract: "Show the documentation of a builtin or stdlib function (also: hebb help NAME).")

        @ArgumentParser.Argument(help: "A builtin or stdlib function name; omit it to list them all.")
        var name: String?

        @Flag(help: "Print the whole reference as Markdown (docs/guide/reference.md is this output).")
        var markdown = false

        func run() throws {
            let session = Session(output: TerminalOutput())
            if markdown {
                print(session.referenceMarkdown, terminator: "")
                return
            }
            guard let name else {
                print(session.referenceOverview)
                return
            }
            guard let text = session.documentation(for: name) else {
                failUserError("hebb: no documentation for '\(name)'")
            }
            print(text)
        }
    }
}
