// `hebb test` as a CI gate: saved errors fail, stuck cells time out, long outputs are capped.

import Foundation
import Testing

@Suite struct NotebookGateTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hebb-gate-" + UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func notebook(_ name: String, _ text: String) -> String {
        let path = folder.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    @Test func aSavedErrorFailsTheTest() throws {
        let path = notebook("broken.nb", "# Broken\n\n```hebb\nx = 1\n```\n\n```hebb\nundefined_thing + 1\n```\n\n```hebb\nprint(x)\n```\n")
        let run = try BinaryRunner.run(["run", path], directory: folder)
        #expect(run.status == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("```error\nbroken.nb:8:1: error: unknown name 'undefined_thing'"))
        let test = try BinaryRunner.run(["test", path], directory: folder)
        #expect(test.status == 1, "\(test.stdout)")
        #expect(test.stdout.contains("broken.nb:7: cell 2: error (label the cell expect-error=\"TEXT\" if it is meant to fail):"))
        #expect(test.stdout.contains("  cell 3 skipped: not run after cell 2 failed"))
        #expect(test.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    /// A product whose last bits differ between OpenBLAS's SkylakeX and Haswell kernels: a
    /// script shows the CPU's kernels (the two settings differ), a notebook does not (its
    /// saved outputs are the same on every machine).
    @Test func notebooksComputeWithTheSameKernelsOnEveryCPU() throws {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard cpuinfo.contains("avx512f"), cpuinfo.contains("avx2") else { return }  // needs both kernel sets
        let code = "A = randn(50, 300)\nB = randn(300, 40)\nC = A @ B\nprint(\"{C[0, 0]:.17g} {C[7, 3]:.17g}\")\n"
        let script = folder.appendingPathComponent("product.hebb").path
        FileManager.default.createFile(atPath: script, contents: Data(code.utf8))
        let fastest = ["OPENBLAS_CORETYPE": "SkylakeX", "HEBB_VECMATH_ISA": "512"], portable = ["OPENBLAS_CORETYPE": "Haswell", "HEBB_VECMATH_ISA": "256"]
        let scriptFast = try BinaryRunner.run(["run", script], environment: fastest, directory: folder)
        let scriptPortable = try BinaryRunner.run(["run", script], environment: portable, directory: folder)
        #expect(scriptFast.status == 0 && scriptPortable.status == 0)
        // Where the two kernel sets round this product alike (an OpenBLAS built for one CPU),
        // the check below could not tell them apart: nothing to test.
        guard scriptFast.stdout != scriptPortable.stdout else { return }
        var saved: [String] = []
        for environment in [fastest, portable] {
            let path = notebook("product.nb", "```hebb\n" + code + "```\n")
            let run = try BinaryRunner.run(["run", path], environment: environment, directory: folder)
            #expect(run.status == 0, "\(run.stderr)")
            saved.append(try String(contentsOfFile: path, encoding: .utf8))
            let test = try BinaryRunner.run(["test", path], environment: environment == fastest ? portable : fastest, directory: folder)
            #expect(test.status == 0, "\(test.stdout)")
        }
        #expect(saved[0] == saved[1])
        #expect(saved[0].contains("```output\n" + scriptPortable.stdout), "a notebook computes as a script does with the portable kernels")
    }

    @Test func aStuckCellTimesOut() throws {
        let path = notebook("stuck.nb", "```hebb name=spin\nwhile true {}\n```\n")
        let started = Date()
        let test = try BinaryRunner.run(["test", "--timeout", "1", path], timeout: 60, directory: folder)
        #expect(test.status == 1)
        #expect(test.stdout.contains("stuck.nb:1: cell 1 (spin): stuck.nb:2:1: error: timed out after 1 s"), "\(test.stdout)")
        #expect(Date().timeIntervalSince(started) < 30)
        let run = try BinaryRunner.run(["run", "--timeout", "1", path], timeout: 60, directory: folder)
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: timed out after 1 s"))
    }

    @Test func aNegativeTimeoutIsAUsageError() throws {
        let path = notebook("ok.nb", "```hebb\nprint(1)\n```\n")
        for command in ["test", "run"] {
            let result = try BinaryRunner.run([command, "--timeout=-1", path], directory: folder)
            #expect(result.status == 2)
            #expect(result.stderr.contains("--timeout needs a number of seconds"))
        }
    }

    @Test func failFastStopsAtTheFirstFailingNotebook() throws {
        _ = notebook("a.nb", "```hebb\nundefined_thing\n```\n")
        _ = notebook("b.nb", "```hebb\nprint(1)\n```\n```output\n1\n```\n")
        let test = try BinaryRunner.run(["test", "--fail-fast", folder.path], directory: folder)
        #expect(test.status == 1)
        #expect(test.stdout.contains("stopped at the first failing notebook (--fail-fast): 1 not run"))
        #expect(test.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    @Test func aLongOutputIsSavedCappedAndTestsAsSaved() throws {
        let path = notebook("long.nb", "```hebb\nfor i in range(3000) { print(\"step\", i) }\n```\n")
        let run = try BinaryRunner.run(["run", path], directory: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("step 249\n… 2500 lines omitted …\nstep 2750\n"))
        #expect(saved.split(separator: "\n").count == 506)
        let test = try BinaryRunner.run(["test", path], directory: folder)
        #expect(test.status == 0, "\(test.stdout)")
    }
}
