import Foundation
import Testing

/// `hebb run` SIGKILLed at random moments never leaves a half-written notebook: the file is
/// byte for byte the old version or the complete new one, and a temporary file a kill leaves
/// behind is removed by the next run.
@Suite struct KillSafetyTests {
    /// A notebook of `cells` cells, each printing a 20 KB line (so saving takes a while)
    /// and drawing a plot, with no saved outputs yet.
    static func notebook(cells: Int) -> String {
        var text = "# Kill me\n"
        for index in 1...cells {
            text += "\nCell \(index).\n\n```hebb\nx\(index) = \(index)\nline = \"\"\nfor i in 1...1000 { line = line + \"cell \(index) says hi. \" }\nprint(line)\nplot(arange(50) * \(index))\n```\n"
        }
        return text
    }

    static func temporaries(in folder: URL) -> [String] {
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.contains(".tmp-") }
    }

    @Test func killedRunsLeaveTheOldOrTheNewNotebook() throws {
        let folder = try TemporaryFolder()
        let old = Self.notebook(cells: 30)
        let target = folder.url.appendingPathComponent("long.nb")
        try Data(old.utf8).write(to: target)
        let clock = ContinuousClock(), start = clock.now
        let full = try BinaryRunner.run(["run", target.path], directory: folder.url)
        let duration = (clock.now - start) / .seconds(1)
        #expect(full.status == 0, "\(full.stderr)")
        let new = try String(contentsOf: target, encoding: .utf8)
        #expect(new != old && new.contains("```output"))
        var generator = SystemRandomNumberGenerator()
        var outcomes = (old: 0, new: 0, cleaned: 0)
        // The first run times the save; later runs share the machine with the other tests
        // and may be slower or faster, so the window stretches or shrinks until kills have
        // landed on both sides of the save.
        var window = duration
        var trials = 0
        while trials < 50 || (trials < 150 && (outcomes.old == 0 || outcomes.new == 0)) {
            trials += 1
            if trials % 10 == 0 {
                if outcomes.new == 0 { window *= 1.5 } else if outcomes.old == 0 { window *= 0.6 }
            }
            try Data(old.utf8).write(to: target)
            try? FileManager.default.removeItem(at: folder.url.appendingPathComponent("long.files"))
            let process = Process()
            process.executableURL = BinaryRunner.executable
            process.arguments = ["run", target.path]
            process.currentDirectoryURL = folder.url
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Mostly late in the run, where the save happens; sometimes before it.
            let moment = window * Double.random(in: 0.3...1.15, using: &generator)
            Thread.sleep(forTimeInterval: moment)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let after = try String(contentsOf: target, encoding: .utf8)
            #expect(after == old || after == new, "a kill after \(moment) s left a mixed notebook")
            if after == old { outcomes.old += 1 } else { outcomes.new += 1 }
            if !Self.temporaries(in: folder.url).isEmpty {
                let again = try BinaryRunner.run(["run", target.path], directory: folder.url)
                #expect(again.status == 0)
                #expect(Self.temporaries(in: folder.url).isEmpty, "the next run removes what a kill left")
                outcomes.cleaned += 1
            }
        }
        print("kill test outcomes: \(outcomes) in \(trials) kills, window \(window) s (first run \(duration) s)")
        #expect(outcomes.old > 0 && outcomes.new > 0, "the kills landed both before and after the save: \(outcomes)")
    }
}
