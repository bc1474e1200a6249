import Foundation

/// What a running program may touch, Deno-style. By default it reads and writes files only
/// inside its own folder tree (`home`: a notebook's or script's folder, the working
/// directory for the REPL and stdin) and reads only `HEBB_*` environment variables; the
/// command line's `--allow-read`, `--allow-write`, `--allow-env` and `--allow-all` widen it.
/// Every path is compared after resolving `..` and symbolic links, so neither escapes.
public struct Permissions: Sendable {
    /// Which environment variables beyond `HEBB_*` a program may read.
    public enum EnvironmentGrant: Sendable, Equatable {
        case hebbOnly
        case names(Set<String>)
        case all
    }

    /// The folder tree the program owns.
    public var home: String
    public var readable: [String] = []
    public var writable: [String] = []
    public var environment: EnvironmentGrant = .hebbOnly
    public var allowAll = false

    public init(home: String) { self.home = home }

    /// The grants given on the command line; every new `Session` starts from them (with the
    /// working directory as its home until its runner says otherwise).
    nonisolated(unsafe) public static var granted = Permissions(home: FileManager.default.currentDirectoryPath)

    /// Throws unless `path` may be read; `builtin` names the caller in the message.
    func checkRead(_ path: String, by builtin: String) throws {
        if let refusal = readRefusal(path, by: builtin) { throw RuntimeError(refusal) }
    }

    /// Throws unless `path` may be written (created or replaced).
    func checkWrite(_ path: String, by builtin: String) throws {
        if let refusal = refusal(path, extra: writable, verb: "writing", flag: "--allow-write", by: builtin) {
            throw RuntimeError(refusal)
        }
    }

    /// Why `path` may not be read (naming the flag that would allow it), or nil when it may.
    public func readRefusal(_ path: String, by caller: String) -> String? {
        refusal(path, extra: readable, verb: "reading", flag: "--allow-read", by: caller)
    }

    /// Throws unless the environment variable `name` may be read.
    public func checkEnvironment(_ name: String, by builtin: String) throws {
        if allowAll || name.hasPrefix("HEBB_") { return }
        switch environment {
        case .all: return
        case .names(let names) where names.contains(name): return
        default:
            throw RuntimeError("\(builtin): reading the environment variable \(name) is not allowed " +
                               "(only HEBB_* by default); run with --allow-env=\(name)")
        }
    }

    private func refusal(_ path: String, extra: [String], verb: String, flag: String, by caller: String) -> String? {
        if allowAll { return nil }
        let target = Permissions.canonical(absolute(path))
        let roots = ([home] + extra).map { Permissions.canonical(absolute($0)) }
        if roots.contains(where: { Permissions.isInside(target, $0) }) { return nil }
        let homeRoot = Permissions.canonical(absolute(home))
        return "\(caller): \(verb) \(target) is not allowed: it is outside \(homeRoot); run with \(flag) \(target)"
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// The real path `path` (absolute) names: `.` and `..` applied and every existing
    /// component's symbolic links resolved (a dangling link by its target), with the part
    /// that does not exist yet appended as written.
    static func canonical(_ path: String, hops: Int = 0) -> String {
        var resolved = "/"
        for component in path.split(separator: "/").map(String.init) {
            switch component {
            case ".": continue
            case "..": resolved = parent(of: resolved)
            default:
                let next = resolved == "/" ? "/" + component : resolved + "/" + component
                resolved = resolveLink(next, hops: hops)
            }
        }
        return resolved
    }

    private static func parent(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "/" : parent
    }

    /// `path` with its last component's symbolic link (if any) followed; its parent is real.
    private static func resolveLink(_ path: String, hops: Int) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFLNK else { return path }
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        // A dangling link: creating the file would create its target, so judge by that.
        guard hops < 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
            return path
        }
        let absoluteTarget = target.hasPrefix("/") ? target : parent(of: path) + "/" + target
        return canonical(absoluteTarget, hops: hops + 1)
    }
}
