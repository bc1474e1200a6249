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
        var pid: pid_t = 0
        let arguments = [BinaryRunner.executable.path, path]
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
}
