import Foundation
import HebbLanguage
import HebbPlot

/// Output of a script run on a terminal or into a pipe: `print` text to stdout, plots as
/// compact text charts, progress bars on stderr only when it is a terminal.
final class TerminalOutput: OutputSink {
    private var lastPercent = -1

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func plot(_ spec: PlotSpec) {
        let colour = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        write(TextChart.render(spec, colour: colour) + "\n")
    }

    /// `progress [#########...........]  45/100`, redrawn in place on stderr.
    func progress(_ label: String, done: Int, total: Int) {
        guard isatty(STDERR_FILENO) == 1, total > 0 else { return }
        let percent = min(100, max(0, done * 100 / total))
        if percent == lastPercent, done < total { return }
        lastPercent = percent
        let filled = percent / 5
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 20 - filled)
        let line = "\r\(label) [\(bar)] \(done)/\(total)" + (done >= total ? "\n" : "")
        FileHandle.standardError.write(Data(line.utf8))
        if done >= total { lastPercent = -1 }
    }
}
