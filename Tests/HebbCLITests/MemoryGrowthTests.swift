import Foundation
import Testing

/// A training loop runs in flat memory: the peak RSS of a hebb process training 10,000 steps
/// is close to that of one training 1,000 steps. Measured on separate processes (wait4's
/// rusage of that child), so tests running in parallel cannot disturb it.
@Suite struct MemoryGrowthTests {
    static func program(steps: Int) -> String {
        """
        seed(3)
        X = randn(64, 20);  T = onehot(randint(0, 5, 64), 5)
        W1 = randn(20, 30) / 5;  W2 = randn(30, 5) / 5
        v1 = zeros_like(W1);  v2 = zeros_like(W2);  mu = 0.9;  lr = 0.01
        costs = []
        for i in range(\(steps)) {
            J = cross_entropy(relu(X @ W1) @ W2, T)
            g1, g2 = grad(J, [W1, W2])
            v1 = mu * v1 - lr * g1;  W1 += v1
            v2 = mu * v2 - lr * g2;  W2 += v2
            append(costs, item(J))
        }
        print(costs[0] > costs[len(costs) - 1])
        """
    }

    /// Runs hebb on `source` and returns its exit status and peak RSS in kB.
    static func peakResidentKilobytes(_ source: String, environment extra: [String] = []) throws -> (status: Int32, kilobytes: Int) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-memory-\(UUID().uuidString).hebb").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try peakResidentKilobytes(arguments: [path], environment: extra)
    }

    /// Runs hebb with `arguments` (stdout discarded, `extra` added to the environment) and
    /// returns its exit status and its peak RSS in kB, from wait4's rusage of that child.
    static func peakResidentKilobytes(arguments: [String], environment extra: [String] = []) throws -> (status: Int32, kilobytes: Int) {
        var pid: pid_t = 0
        let arguments = [BinaryRunner.executable.path] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var environment: [UnsafeMutablePointer<CChar>?] = extra.map { strdup($0) }
        var inherited = environ
        while let variable = inherited.pointee { environment.append(strdup(variable)); inherited += 1 }
        environment.append(nil)
        defer { for pointer in environment { free(pointer) } }
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, &environment)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        return (status, usage.ru_maxrss)
    }

    @Test func tenThousandStepsNeedNoMoreMemoryThanOneThousand() throws {
        let short = try Self.peakResidentKilobytes(Self.program(steps: 1_000))
        let long = try Self.peakResidentKilobytes(Self.program(steps: 10_000))
        #expect(short.status == 0 && long.status == 0)
        #expect(short.kilobytes > 0)
        // 10,000 steps of graphs that were never freed would need hundreds of MB here.
        #expect(long.kilobytes - short.kilobytes < 20_000,
                "peak RSS \(short.kilobytes) kB after 1,000 steps, \(long.kilobytes) kB after 10,000")
    }

    /// A loop that never calls grad() (`x = x + 1` on a tensor) chains every step's history;
    /// past the history limit the window closes and the chain is released, so memory stays
    /// flat. (A small limit keeps the test quick; the default is 200,000 ops.)
    @Test func aLoopWithoutGradRunsInBoundedMemory() throws {
        func loop(_ steps: Int) -> String {
            "x = tensor(0.0)\nfor i in range(\(steps)) { x = x + 1 }\nprint(item(x))\n"
        }
        let limit = ["HEBB_HISTORY_LIMIT=20000"]
        let short = try Self.peakResidentKilobytes(loop(50_000), environment: limit)
        let long = try Self.peakResidentKilobytes(loop(500_000), environment: limit)
        #expect(short.status == 0 && long.status == 0)
        // Without the limit, 500,000 links of history hold ~110 MB.
        #expect(long.kilobytes - short.kilobytes < 15_000,
                "peak RSS \(short.kilobytes) kB after 50,000 steps, \(long.kilobytes) kB after 500,000")
    }

    /// A notebook holding ~100 MB: a 32 MB tensor, and a momentum optimizer whose velocity
    /// (32 MB more) lives in the record its `step` closure holds (a reference cycle).
    static let heavyNotebook = """
        # Heavy

        ```hebb
        big = ones(2000, 2000)
        opt = momentum(lr: 0.5)
        P = opt.step([big], [big])
        shape(P[0])
        ```

        ```hebb
        sum(P[0]) / 4000000
        ```

        """

    /// Sessions are freed when a notebook ends: `hebb test` over five copies of a notebook
    /// peaks about where one copy does. Five leaked sessions would add ~4 × 100 MB.
    @Test func testingManyNotebooksNeedsNoMoreMemoryThanOne() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-sessions-\(UUID().uuidString)")
        let one = root.appendingPathComponent("one"), five = root.appendingPathComponent("five")
        try FileManager.default.createDirectory(at: one, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: five, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let notebook = one.appendingPathComponent("heavy.nb")
        try Self.heavyNotebook.write(to: notebook, atomically: true, encoding: .utf8)
        let saved = try BinaryRunner.run(["run", notebook.path], timeout: 120)
        #expect(saved.status == 0, "hebb run: \(saved.stderr)")
        for copy in 1...5 {
            try FileManager.default.copyItem(at: notebook, to: five.appendingPathComponent("heavy\(copy).nb"))
        }
        let single = try Self.peakResidentKilobytes(arguments: ["test", one.path])
        let many = try Self.peakResidentKilobytes(arguments: ["test", five.path])
        #expect(single.status == 0 && many.status == 0)
        #expect(single.kilobytes > 60_000, "the notebook should hold ~100 MB; peak \(single.kilobytes) kB")
        #expect(many.kilobytes - single.kilobytes < 40_000,
                "peak RSS \(single.kilobytes) kB testing one notebook, \(many.kilobytes) kB testing five copies")
    }
}
