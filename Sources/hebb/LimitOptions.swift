import ArgumentParser
import HebbTensor

/// `--max-memory`: the resource limit a user sets for one run, shared by `hebb run`,
/// `hebb test`, the REPL and script mode (the flags that widen access are PermissionOptions).
struct LimitOptions: ParsableArguments {
    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Most memory the run may hold, e.g. 512M or 2G; past it an allocation is a located error (default: the system's limits).",
        valueName: "SIZE"))
    var maxMemory: String?

    func validate() throws {
        if let maxMemory, MemorySize.parse(maxMemory) == nil {
            throw ValidationError("--max-memory needs a size such as 512M, 2G or 1073741824, not '\(maxMemory)'")
        }
    }

    /// The flags again, for a kernelspec's argv.
    var arguments: [String] { maxMemory.map { ["--max-memory", $0] } ?? [] }

    func install() {
        if let bytes = maxMemory.flatMap(MemorySize.parse) { TensorLimits.limitMemory(to: bytes) }
    }
}
