import Foundation
import HebbAutodiff
import HebbPlot
import HebbSyntax
import HebbTensor

/// Where a running program's output goes. The CLI writes to stdout and draws plots as text
/// charts; the notebook runner captures text and writes plots as SVG files.
public protocol OutputSink: AnyObject {
    /// `print` output, already newline-terminated.
    func write(_ text: String)
    func plot(_ spec: PlotSpec)
    /// Called by `progress(...)` loops; terminal sinks may draw a bar on stderr.
    func progress(_ label: String, done: Int, total: Int)
}

/// One interpreter state: globals, the stdlib, the random generator. The CLI, the REPL and
/// the notebook runner are thin shells around it.
public final class Session {
    public var output: OutputSink
    /// Relative paths in `load_csv` and friends resolve against this (a notebook's folder);
    /// nil means the working directory.
    public var baseDirectory: String?
    /// What the program may touch; starts from the command line's grants.
    public var permissions = Permissions.granted
    let seed: UInt64
    var random: RandomGenerator
    private let symbols = SymbolTable()
    private lazy var interpreter = Interpreter(session: self, symbols: symbols)

    /// Spare call frames of this many slots the interpreter keeps (for the frame-reuse tests).
    func spareFrameCount(slotCount: Int) -> Int { interpreter.spareFrames.keptCount(slotCount: slotCount) }
    /// This session's autodiff state (recording window and switch), installed on the thread
    /// that runs its programs so sessions running at once stay independent.
    let graphContext = GraphContext()
    /// This session's limit on a single allocation; nil: the process's (--max-memory,
    /// HEBB_MAX_ALLOC, or derived from the machine's limits).
    public var allocationLimit: TensorLimits.Budget?
    /// `--check-finite` for this session: an op producing NaN or Inf is an error naming it.
    public var checksFinite: Bool {
        get { graphContext.checksFinite }
        set { graphContext.checksFinite = newValue }
    }
    /// This session's stop request (a cell's timeout, `interrupt()`), seen by its program only.
    let cancellation = CancellationToken()
    /// Whether `run` keeps the value of a trailing expression in `_` (the REPL's habit, as
    /// in Python's interactive mode); scripts and notebooks leave `_` alone.
    public var recordsLastValue = false
    /// The messages `warn(..., once: true)` has printed in this session.
    var warningsShown: Set<String> = []
    /// Documentation of stdlib functions, by name.
    private var stdlibDocs: [String: String] = [:]
    /// Each stdlib function with the file that defines it, in load order (for the reference).
    private(set) var stdlibFunctionFiles: [(name: String, file: String)] = []

    /// Makes a session with the builtins and the embedded stdlib loaded.
    public init(output: OutputSink, seed: UInt64 = 42) {
        self.output = output
        self.seed = seed
        self.random = RandomGenerator(seed: seed)
        loadBuiltinsAndStdlib()
    }

    static let builtinTables: [[Builtin]] = [
        CoreBuiltins.table, ArrayBuiltins.table, GradBuiltins.table, DataBuiltins.table, PlotBuiltins.table,
    ]

    private func loadBuiltinsAndStdlib() {
        for builtin in Session.builtinTables.joined() {
            interpreter.globals.setBuiltin(symbols.intern(builtin.name), .builtin(builtin))
        }
        for (name, source) in embeddedStdlib {
            do {
                let file = SourceFile(name: "stdlib/" + name, text: source, isLibrary: true)
                let (program, diagnostics) = Parser.parse(file, symbols: symbols)
                if let first = diagnostics.first { throw first }
                for statement in program.statements {
                    if case .function(let declaration) = statement.kind, let functionName = declaration.name {
                        stdlibDocs[functionName] = Session.signature(declaration, in: file) + "\n" + (declaration.doc ?? "")
                        stdlibFunctionFiles.append((functionName, name))
                    }
                }
                _ = try interpreter.run(program)
            } catch {
                // The stdlib ships with the binary and is tested; report rather than trap.
                FileHandle.standardError.write(Data("hebb: stdlib/\(name) failed to load: \(error)\n".utf8))
            }
        }
        interpreter.globals.promoteGlobalsToBuiltins()
    }

    /// Runs a program; returns the display text of a trailing expression statement (nil
    /// when there is none or it is `none`). Errors are thrown as `Diagnostic`.
    public func run(_ source: String, fileName: String, lineOffset: Int = 0) throws -> String? {
        Cancellation.clear()
        cancellation.clear()
        let file = SourceFile(name: fileName, text: source, lineOffset: lineOffset)
        let (program, diagnostics) = Parser.parse(file, symbols: symbols)
        if var first = diagnostics.first {
            first.notes += diagnostics.dropFirst().map { $0.rendered() }
            throw first
        }
        let value = try onLargeStack { try self.interpreter.run(program) }
        guard let value, !value.isNone else { return nil }
        if recordsLastValue { interpreter.globals.set(symbols.intern("_"), value) }
        do {
            return try Display.repr(value)   // a long list's echo can be stopped by Ctrl-C
        } catch {
            throw Diagnostic("\(error)", span: program.statements.last?.span, file: file)
        }
    }

    /// The program thread's stack: 1 GiB, or an eighth of an address-space or data limit
    /// (`ulimit -v`, `ulimit -d`) when that is smaller, since the reservation counts against
    /// both (a thread whose stack cannot be reserved never starts). Only the pages a deep
    /// recursion touches are ever committed.
    static let programStackBytes: Int = {
        var bytes = 1 << 30
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { continue }
            bytes = min(bytes, Int(clamping: limit.rlim_cur / 8))
        }
        return max(16 << 20, bytes)
    }()

    /// Bytes of native stack budgeted per Hebb call level. A debug build was measured at
    /// ~20 KiB for a plain recursive function and ~40 KiB for one whose call sits inside
    /// for/if/while and a nested expression; release builds use far less.
    static let stackBytesPerCall = 96 << 10

    /// How deep user calls may nest: 10,000 with the full stack, never below Python's 1,000.
    static let maxCallDepth = max(1_000, min(10_000, programStackBytes / stackBytesPerCall))

    /// The thread this session's programs run on, made at the first run.
    private var programThread: ProgramThread?

    /// Runs `body` on a thread with a large stack, so deep recursion in user programs hits
    /// the interpreter's depth limit (a clean error) long before the native stack ends.
    private func onLargeStack<T>(_ body: @escaping () throws -> T) throws -> T {
        let thread = programThread ?? ProgramThread(stackSize: Session.programStackBytes)
        programThread = thread
        // A program that runs another (a builtin calling back into the session) is already there.
        if thread.isCurrent { return try body() }
        nonisolated(unsafe) var result: Result<T, Error>?
        // The job drops `body` (which holds this session) before it signals: the thread
        // keeps the job a moment after `wait` returns, and must not keep the session alive.
        nonisolated(unsafe) var work: (() throws -> T)? = body
        let context = graphContext, token = cancellation, budget = allocationLimit.map(TensorLimits.SessionBudget.init)
        let done = DispatchSemaphore(value: 0)
        thread.submit {
            if let body = work {
                result = Result {
                    try Cancellation.withToken(token) {
                        try TensorLimits.withBudget(budget) { try GraphContext.withCurrent(context) { try body() } }
                    }
                }
            }
            work = nil
            done.signal()
        }
        done.wait()
        guard let result else { throw Diagnostic("internal error: the program thread did not finish") }
        return try result.get()
    }

    /// A path as the program means it: absolute, or relative to `baseDirectory`.
    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), let baseDirectory else { return path }
        return (baseDirectory as NSString).appendingPathComponent(path)
    }

    /// `path` resolved, after checking the program may read it.
    func readablePath(_ path: String, by builtin: String) throws -> String {
        let resolved = resolve(path)
        try permissions.checkRead(resolved, by: builtin)
        return resolved
    }

    /// `path` resolved, after checking the program may write it.
    func writablePath(_ path: String, by builtin: String) throws -> String {
        let resolved = resolve(path)
        try permissions.checkWrite(resolved, by: builtin)
        return resolved
    }

    /// True when `source` is an unfinished statement (the REPL asks for another line).
    public static func isIncomplete(_ source: String) -> Bool { Parser.isIncomplete(source) }

    /// User variables and functions.
    public var globalNames: [String] {
        interpreter.globals.values.enumerated().compactMap { $0.element == nil ? nil : symbols.names[$0.offset] }
    }

    /// Builtins and stdlib functions.
    public var builtinNames: [String] {
        interpreter.globals.builtins.enumerated().compactMap { $0.element == nil ? nil : symbols.names[$0.offset] }
    }

    public static var keywords: [String] {
        ["fn", "if", "else", "for", "in", "while", "return", "break", "continue", "true", "false", "none", "and", "or", "not"]
    }

    /// `:vars`: each user variable with its type and shape.
    public func describeVariables() -> [(name: String, summary: String)] {
        globalNames.sorted().compactMap { name in
            guard name != "_", let symbol = symbols.lookup(name), let value = interpreter.globals.get(symbol) else { return nil }
            return (name, Session.summary(value))
        }
    }

    /// The value of a global (tests look at what a program made).
    func value(named name: String) -> Value? {
        symbols.lookup(name).flatMap { interpreter.globals.get($0) }
    }

    static func summary(_ value: Value) -> String {
        switch value {
        case .tensor(let variable):
            return "tensor \(variable.dtype.rawValue) \(Tensor.describe(variable.shape))"
        case .list(let list): return "list (\(list.items.count) items)"
        case .tuple(let items): return "tuple (\(items.count) items)"
        case .record(let record): return "record {\(record.fields.map(\.name).joined(separator: ", "))}"
        case .function(let closure): return "function " + signature(closure.declaration, in: closure.file)
        default: return "\(value.typeName) \(Display.scalarRepr(value))"
        }
    }

    /// `name(a, lr: 0.01)`: parameters with their defaults as written in the source, in the
    /// `label: value` form calls use.
    static func signature(_ declaration: FunctionDecl, in file: SourceFile? = nil) -> String {
        let utf8 = Array((file?.text ?? "").utf8)
        let parameters = declaration.parameters.map { parameter -> String in
            guard let defaultValue = parameter.defaultValue else { return parameter.name.name }
            let span = defaultValue.span
            guard span.start >= 0, span.end <= utf8.count, span.start < span.end else { return parameter.name.name + ": …" }
            return parameter.name.name + ": " + String(decoding: utf8[span.start..<span.end], as: UTF8.self)
        }
        return "\(declaration.name ?? "fn")(\(parameters.joined(separator: ", ")))"
    }

    /// The documentation of a builtin, stdlib or user function.
    public func documentation(for name: String) -> String? {
        let example = Reference.examples[name].map(Reference.exampleText) ?? ""
        if let text = stdlibDocs[name] { return text + example }
        if let text = Session.keywordDocs[name] ?? Topics.table[name] { return text }
        if name.contains(".") {
            // `opt.step`: the field's value; `X.sum`: the function called as a method.
            let path = name.split(separator: ".").map(String.init)
            if let value = value(atPath: path) { return describe(value, named: name) }
            return path.count > 1 ? path.last.flatMap { documentation(for: $0) } : nil
        }
        guard let symbol = symbols.lookup(name), let value = interpreter.globals.get(symbol) else { return nil }
        return describe(value, named: name)
    }

    private func describe(_ value: Value, named name: String) -> String {
        switch value {
        case .builtin(let builtin):
            return builtin.signature + "\n" + builtin.doc + (Reference.examples[builtin.name].map(Reference.exampleText) ?? "")
        case .function(let closure): return Session.signature(closure.declaration, in: closure.file) + "\n" + (closure.declaration.doc ?? "")
        default: return "\(name): \(Session.summary(value))"
        }
    }

    /// A stdlib function's signature and doc comment, without its example.
    func stdlibDocumentation(for name: String) -> String? { stdlibDocs[name] }

    /// Empties the containers of this session, so reference cycles among its values (a
    /// closure and the scope that holds it) do not outlive it.
    deinit {
        programThread?.stop()
        interpreter.dismantleAll()
        Tensor.releaseCachedMemory()
    }

    /// Forgets user variables (builtins and stdlib stay) and reseeds the generator.
    public func reset() {
        interpreter.globals.removeAllUserValues()
        interpreter.collectCycles()
        random = RandomGenerator(seed: seed)
        warningsShown = []
    }

    /// Asks this session's running program to stop at its next statement, loop iteration
    /// or kernel chunk; other sessions in the process run on.
    public func interrupt() { cancellation.request() }

    /// Asks every running program in the process to stop (Ctrl-C: async-signal-safe).
    /// One flag serves the evaluator (checked between statements and loop steps) and the
    /// engine's long kernels (checked between panels of a big product).
    public static func interrupt() { Cancellation.request() }
}
