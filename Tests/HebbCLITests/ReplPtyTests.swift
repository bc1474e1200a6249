// Runs Tests/repl/repl_pty_test.sh against the built `hebb`: the REPL driven in a
// pseudo-terminal by tmux (typing, history, Tab, errors, Ctrl-C, Ctrl-D), checked on screen.

import Foundation
import Testing
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

@Suite struct ReplPtyTests {
    @Test(.enabled(if: ReplPtyHarness.tmuxIsInstalled,
                   "tmux is not installed (apt-get install -y tmux): the REPL pseudo-terminal test is skipped"))
    func replInAPseudoTerminal() throws {
        let binary = try #require(ReplPtyHarness.hebbBinary(),
                                  "no built `hebb` next to the test bundle; set HEBB_BIN to its path")
        let (status, output) = try ReplPtyHarness.runScript(binary: binary)
        #expect(status == 0, "repl_pty_test.sh exited with \(status):\n\(output)")
    }
}

private enum ReplPtyHarness {
    /// Tests/repl/repl_pty_test.sh, found from this file's own path.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("repl/repl_pty_test.sh")

    static var tmuxIsInstalled: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/tmux")
        }
    }

    /// The binary the other CLI tests run (`$HEBB_BIN`, else the `hebb` beside the bundle).
    static func hebbBinary() -> String? {
        let path = BinaryRunner.executable.path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs the script with a generous overall limit (each of its steps has its own timeout);
    /// returns its exit status and everything it printed. posix_spawn rather than Process:
    /// the child must start with no blocked signals and default dispositions (test threads
    /// block SIGINT, and children inherit that), and the wait must not hang on a reaper.
    static func runScript(binary: String) throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("hebb-repl-pty-\(getpid()).log").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = ["/bin/bash", script.path, binary]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, &argv, environ)
        guard spawned == 0 else { throw SpawnError(reason: String(cString: strerror(spawned))) }
        let status = waitForExit(pid, seconds: 300)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return (status, output)
    }

    /// The exit status (128 + signal when killed); a run past the limit is terminated.
    private static func waitForExit(_ pid: pid_t, seconds: Double) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGTERM)
                waitpid(pid, &status, 0)
                break
            }
            usleep(50_000)
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    struct SpawnError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot start bash: \(reason)" }
    }
}
