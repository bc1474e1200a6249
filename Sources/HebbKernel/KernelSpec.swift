// `hebb kernel install / uninstall`: the kernelspec folder Jupyter looks in for kernels.

import Foundation

/// Where a kernelspec goes, as `jupyter kernelspec install` chooses it.
public enum KernelSpecLocation: Sendable, Equatable {
    /// The system-wide folder, `/usr/local/share/jupyter/kernels`.
    case system
    /// The user's folder: `$JUPYTER_DATA_DIR/kernels`, else `$XDG_DATA_HOME/jupyter/kernels`,
    /// else `~/.local/share/jupyter/kernels`.
    case user
    /// `PREFIX/share/jupyter/kernels` (a virtual environment: `--prefix "$VIRTUAL_ENV"`).
    case prefix(String)

    /// The folder of the Hebb kernelspec (`.../kernels/hebb`).
    public var folder: String {
        let environment = ProcessInfo.processInfo.environment
        let kernels: String
        switch self {
        case .system:
            kernels = "/usr/local/share/jupyter/kernels"
        case .user:
            if let data = environment["JUPYTER_DATA_DIR"], !data.isEmpty {
                kernels = data + "/kernels"
            } else if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
                kernels = xdg + "/jupyter/kernels"
            } else {
                kernels = FileManager.default.homeDirectoryForCurrentUser.path + "/.local/share/jupyter/kernels"
            }
        case .prefix(let prefix):
            kernels = (prefix as NSString).standardizingPath + "/share/jupyter/kernels"
        }
        return kernels + "/" + KernelSpec.name
    }
}

/// The Hebb kernelspec: kernel.json and the logos.
public enum KernelSpec {
    public static let name = "hebb"

    /// kernel.json: the installed binary started with the connection file, and the
    /// permission flags given to `hebb kernel install` (so the kernel's code may touch what
    /// they grant, beyond the notebook's folder tree).
    public static func json(executable: String, extraArguments: [String]) -> String {
        let object: [String: Any] = [
            "argv": [executable, "kernel", "{connection_file}"] + extraArguments,
            "display_name": "Hebb",
            "language": "hebb",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes the kernelspec into `location`; returns its folder.
    public static func install(at location: KernelSpecLocation, executable: String, extraArguments: [String]) throws -> String {
        let folder = location.folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(json(executable: executable, extraArguments: extraArguments).utf8)
            .write(to: URL(fileURLWithPath: folder + "/kernel.json"), options: .atomic)
        try Data(Logo.svg.utf8).write(to: URL(fileURLWithPath: folder + "/logo-svg.svg"), options: .atomic)
        for size in [32, 64] {
            try Data(Logo.png(size: size)).write(to: URL(fileURLWithPath: folder + "/logo-\(size)x\(size).png"), options: .atomic)
        }
        return folder
    }

    /// Removes the kernelspec from `location`; returns its folder, or nil when none was there.
    public static func uninstall(at location: KernelSpecLocation) throws -> String? {
        let folder = location.folder
        guard FileManager.default.fileExists(atPath: folder + "/kernel.json") else { return nil }
        try FileManager.default.removeItem(atPath: folder)
        return folder
    }

    /// The absolute path of the running binary (what kernel.json must start).
    public static func currentExecutable() -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument = CommandLine.arguments.first ?? "hebb"
        if argument.hasPrefix("/") { return argument }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(argument)
    }
}
