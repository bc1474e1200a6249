// No leaks: a long training loop in a Session keeps a flat number of live autodiff nodes
// (counted per session, so tests running in parallel do not disturb it) and a flat
// resident size (process-wide, so its bound leaves room for the other tests; a leak of the
// step's tensors would be gigabytes).

import Foundation
import Testing
@testable import HebbLanguage
import HebbAutodiff

struct MemoryTests {
    /// The resident set size of this process in kB (VmRSS of /proc/self/status).
    private func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// A 2-layer net trained with the momentum update written by hand: velocities carried
    /// from step to step (`v = mu * v - lr * g`, recorded) and `W += v` (not recorded).
    private let setup = """
        X = randn(16, 8);  T = onehot(randint(0, 4, 16), 4)
        W1 = randn(8, 16) / 3;  W2 = randn(16, 4) / 4
        v1 = zeros_like(W1);  v2 = zeros_like(W2)
        mu = 0.9;  lr = 0.002
        costs = []
        """

    /// `steps` more steps of the loop, recording the cost every 1,000 (top level: assignments
    /// in a function would make locals).
    private func training(_ steps: Int) -> String {
        """
        for block in range(\(steps / 1000)) {
            for i in range(1000) {
                J = cross_entropy(relu(X @ W1) @ W2, T)
                g1, g2 = grad(J, [W1, W2])
                v1 = mu * v1 - lr * g1;  W1 += v1
                v2 = mu * v2 - lr * g2;  W2 += v2
            }
            append(costs, item(J))
        }
        """
    }

    @Test func tenThousandStepsRunInFlatMemory() throws {
        let hebb = HebbRun(seed: 3)
        try hebb.run(setup)
        try hebb.run(training(1000))
        let nodesAt1000 = hebb.liveNodes
        let residentAt1000 = residentKilobytes()
        try hebb.run(training(9000))
        let nodesAt10000 = hebb.liveNodes
        let residentAt10000 = residentKilobytes()
        #expect(nodesAt10000 - nodesAt1000 < 100, "live nodes grew from \(nodesAt1000) to \(nodesAt10000)")
        // RSS is process-wide and other suites run in parallel in this process, so it is
        // only reported here; MemoryGrowthTests (HebbCLITests) checks the peak RSS of a
        // separate hebb process instead.
        print("MemoryTests: RSS \(residentAt1000) kB after 1,000 steps, \(residentAt10000) kB after 10,000")
        // The loop really trained (so the graph really was built and differentiated each step).
        let costs = try hebb.numbers("costs")
        #expect(costs.count == 10)
        #expect(costs.last.map { $0 < 0.5 * (costs.first ?? 0) } == true, "costs \(costs)")
    }

    /// The stdlib optimizers keep their state across steps without chaining graphs.
    @Test(arguments: ["sgd(lr: 0.01)", "momentum(lr: 0.01, mu: 0.9)", "nesterov(lr: 0.01)", "rmsprop(lr: 0.001, momentum: 0.9)", "adam(lr: 0.001)", "adagrad(lr: 0.05)"])
    func optimizersRunInFlatMemory(_ optimizer: String) throws {
        let hebb = HebbRun(seed: 4)
        try hebb.run("""
            X = randn(32, 8);  T = onehot(randint(0, 3, 32), 3)
            W1 = randn(8, 16) / 3;  b1 = zeros(16);  W2 = randn(16, 3) / 4;  b2 = zeros(3)
            opt = \(optimizer)
            costs = []
            """)
        let loop = { (steps: Int) in
            """
            for i in range(\(steps)) {
                J = cross_entropy(tanh(X @ W1 + b1) @ W2 + b2, T)
                append(costs, item(J))
                W1, b1, W2, b2 = opt.step([W1, b1, W2, b2], grad(J, [W1, b1, W2, b2]))
            }
            """
        }
        try hebb.run(loop(200))
        let nodesBefore = hebb.liveNodes
        try hebb.run(loop(600))
        let nodesAfter = hebb.liveNodes
        #expect(nodesAfter - nodesBefore < 100, "\(optimizer): live nodes grew from \(nodesBefore) to \(nodesAfter)")
        let ends = try hebb.numbers("[len(costs), costs[0], costs[-1]]")
        #expect(ends.count == 3 && ends[0] == 800 && ends[2] < ends[1], "\(optimizer) did not lower the cost: \(ends)")
    }

    /// The counter the tests above rely on does count held nodes, and sees them go.
    @Test func liveCountSeesHeldNodes() throws {
        let hebb = HebbRun()
        let before = hebb.liveNodes
        let held = try hebb.run("""
            parts = []
            x = randn(2)
            for i in range(20000) { append(parts, x * i) }
            len(parts)
            """)
        #expect(held.value == "20000")
        #expect(hebb.liveNodes - before >= 20_000)
        try hebb.run("parts = none")
        #expect(hebb.liveNodes - before < 100)
    }
}

extension HebbRun {
    /// Autodiff nodes alive that this session's programs made (HebbRun switches counting on).
    var liveNodes: Int { session.graphContext.liveNodeCount }

    /// `for i in 1...300000 { x = x + 1 }` then `:reset` segfaulted: the chain's nodes were
    /// freed by nested deinits, one stack frame per link, on the REPL's ordinary stack.
    @Test func resetAfterALongHistoryReleasesItWithoutRecursion() throws {
        let hebb = HebbRun()
        hebb.session.graphContext.historyLimit.maxOps = 10_000_000   // keep the whole chain, as a big enough limit would
        try hebb.run("x = tensor(0.0)\nfor i in 1...300000 { x = x + 1 }")
        let output = try hebb.run("print(item(x))").output
        #expect(output == "300000\n")
        hebb.session.reset()   // on this (test) thread's ordinary stack
        #expect(hebb.error("print(x)")?.contains("unknown name 'x'") == true)
    }
}
