// Files around a notebook: reading it, the plot folder beside it, atomic saves.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing a notebook and its `NAME.files/` plot folder.
enum NotebookFiles {
    static func read(_ path: String) throws(NotebookError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NotebookError(path: path, line: nil, message: "no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw NotebookError(path: path, line: nil, message: isDirectory.boolValue ? "is a directory" : "cannot read the file")
        }
        return [UInt8](data)
    }

    /// The file name used in error locations (`ch3.nb:12:5: error: ...`): no folder, so
    /// saved errors do not depend on where `hebb` was run from.
    static func fileName(_ path: String) -> String {
        (path as NSString).lastPathComponent
    }

    /// `NAME.files` for `NAME.nb`, with characters that would break a Markdown link made `_`.
    static func plotFolder(for path: String) -> String {
        var name = fileName(path)
        if name.hasSuffix(".nb") { name.removeLast(3) }
        let safe = name.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? String($0) : "_" }.joined()
        return (safe.isEmpty ? "notebook" : safe) + ".files"
    }

    static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Saves a run: checks the file still holds `original` (so edits made during the run are
    /// not lost), writes the plots, then the notebook (only if its bytes changed), then
    /// deletes plot files no output refers to. Returns whether the notebook was rewritten.
    static func save(_ notebook: Notebook, original: [UInt8], path: String, plots: [PlotFile]) throws(NotebookError) -> Bool {
        let current = try read(path)
        guard current == original else {
            throw NotebookError(path: path, line: nil, message: "the file changed during the run; outputs not saved")
        }
        let directory = directory(of: path)
        do {
            for plot in plots {
                let target = directory + "/" + plot.relativePath
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                        withIntermediateDirectories: true)
                let svg = Array(plot.svg.utf8)
                if FileManager.default.contents(atPath: target).map([UInt8].init) != svg {
                    try writeAtomically(svg, to: target)   // unchanged plots keep their files as they are
                }
            }
            let bytes = Array(notebook.printed().utf8)
            let changed = bytes != original
            if changed { try writeAtomically(bytes, to: path) }
            removeStalePlots(notebook, path: path)
            return changed
        } catch let error as NotebookError {
            throw error
        } catch {
            throw NotebookError(path: path, line: nil, message: "cannot save: \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to a temporary file in the target's folder, flushes it, and renames it
    /// over `path`: readers see the old file or the new one, never a half-written one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(NotebookError) {
        let directory = directory(of: path)
        let temporary = directory + "/." + fileName(path) + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var mode: mode_t = 0o644
        var info = stat()
        if stat(path, &info) == 0 { mode = info.st_mode & 0o7777 }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw failure(path, "cannot create a temporary file in \(directory)") }
        _ = fchmod(descriptor, mode)   // exactly the old file's mode, whatever the umask
        var written = 0
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }   // nothing to write
            while written < buffer.count {
                let count = write(descriptor, base + written, buffer.count - written)
                if count <= 0 { return false }
                written += count
            }
            return true
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard ok, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure(path, "cannot write the file")
        }
    }

    /// Deletes the temporary files a killed run left beside the notebook and in its plot
    /// folder (`.NAME.tmp-PID-N`, made by `writeAtomically`), unless their process still runs.
    static func removeStaleTemporaries(for path: String) {
        let directory = directory(of: path)
        let folders = [(directory, "." + fileName(path) + ".tmp-"), (directory + "/" + plotFolder(for: path), ".cell-")]
        for (folder, prefix) in folders {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names where name.hasPrefix(prefix) && name.contains(".tmp-") && !ownerIsRunning(name) {
                unlink(folder + "/" + name)
            }
        }
    }

    /// True when the process whose id is in a temporary file's name is still running.
    private static func ownerIsRunning(_ temporaryName: String) -> Bool {
        guard let range = temporaryName.range(of: ".tmp-", options: .backwards),
              let pid = Int32(temporaryName[range.upperBound...].prefix(while: \.isNumber)) else { return false }
        return pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
    }

    private static func failure(_ path: String, _ message: String) -> NotebookError {
        NotebookError(path: path, line: nil, message: message + " (\(String(cString: strerror(errno))))")
    }

    /// Deletes `cell-N-K.svg` files in the plot folder that no cell output refers to, and the
    /// folder itself when that leaves it empty.
    static func removeStalePlots(_ notebook: Notebook, path: String) {
        let folderName = plotFolder(for: path)
        let folder = directory(of: path) + "/" + folderName
        let referenced = Set(notebook.cells.flatMap(\.outputs).compactMap { item -> String? in
            if case .plot(_, let plotPath) = item { return plotPath } else { return nil }
        })
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where isPlotFileName(name) && !referenced.contains(folderName + "/" + name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        if (try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// True for names the runner makes: `cell-<digits>-<digits>.svg`.
    static func isPlotFileName(_ name: String) -> Bool {
        guard name.hasPrefix("cell-"), name.hasSuffix(".svg") else { return false }
        let parts = name.dropFirst(5).dropLast(4).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
