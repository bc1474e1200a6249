import ArgumentParser
import Foundation
import HebbLanguage

/// The flags that widen what a program may touch (see `Permissions`), shared by `hebb run`,
/// `hebb test`, the REPL and script mode.
struct PermissionOptions: ParsableArguments {
    @Option(name: .customLong("allow-read"), help: ArgumentHelp("Also let the program read files under PATH (repeatable).", valueName: "PATH"))
    var allowRead: [String] = []

    @Option(name: .customLong("allow-write"), help: ArgumentHelp("Also let the program write files under PATH (repeatable).", valueName: "PATH"))
    var allowWrite: [String] = []

    @Option(name: .customLong("allow-env"), help: ArgumentHelp(
        "Let the program read these environment variables (--allow-env=NAME,NAME; bare --allow-env: all). HEBB_* are always readable.",
        valueName: "NAMES"))
    var allowEnv: [String] = []

    @Flag(name: .customLong("allow-all"), help: "Lift every restriction (files and environment).")
    var allowAll = false

    /// Installs these grants as the starting permissions of every session in this process.
    func install() {
        var permissions = Permissions(home: FileManager.default.currentDirectoryPath)
        permissions.readable = allowRead
        permissions.writable = allowWrite
        permissions.allowAll = allowAll
        let names = Set(allowEnv.flatMap { $0.split(separator: ",").map(String.init) })
        permissions.environment = names.contains(PermissionOptions.everyVariable) ? .all : names.isEmpty ? .hebbOnly : .names(names)
        Permissions.granted = permissions
    }

    /// The flags again, as arguments (for kernel.json's argv).
    var arguments: [String] {
        allowRead.flatMap { ["--allow-read", $0] } + allowWrite.flatMap { ["--allow-write", $0] }
            + allowEnv.map { "--allow-env=" + $0 } + (allowAll ? ["--allow-all"] : [])
    }

    static let everyVariable = "*"

    /// Bare `--allow-env` (no `=NAMES`) means every variable; ArgumentParser options need a
    /// value, so it becomes `--allow-env=*` and the next argument stays a path.
    static func normalize(_ arguments: [String]) -> [String] {
        arguments.map { $0 == "--allow-env" ? "--allow-env=" + everyVariable : $0 }
    }
}
