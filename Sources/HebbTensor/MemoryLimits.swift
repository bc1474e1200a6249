// How much memory the process may really use, so that a program asking for too much gets
// a located error instead of an abort from the allocator (or the OOM killer).

#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The limits the system sets on this process's memory; nil where there is none.
public struct MemoryLimits: Equatable, Sendable {
    /// `RLIMIT_AS` (`ulimit -v`): virtual address space.
    public var addressSpace: Int?
    /// `RLIMIT_DATA` (`ulimit -d`): heap and private mappings.
    public var dataSegment: Int?
    /// The cgroup's `memory.max` (v2) or `memory.limit_in_bytes` (v1).
    public var cgroup: Int?
    /// Installed RAM.
    public var physical: Int?
    /// `--max-memory`: what the user allows this run, counted against resident memory as a
    /// cgroup limit is.
    public var requested: Int?

    public init(addressSpace: Int? = nil, dataSegment: Int? = nil, cgroup: Int? = nil, physical: Int? = nil, requested: Int? = nil) {
        self.addressSpace = addressSpace; self.dataSegment = dataSegment; self.cgroup = cgroup; self.physical = physical
        self.requested = requested
    }

    /// The limits of this process, read from getrlimit, /proc/self/cgroup and sysconf.
    public static func current() -> MemoryLimits {
        MemoryLimits(addressSpace: softLimit(__rlimit_resource_t(RLIMIT_AS.rawValue)), dataSegment: softLimit(__rlimit_resource_t(RLIMIT_DATA.rawValue)),
                     cgroup: cgroupLimit(), physical: physicalMemory())
    }

    private static func softLimit(_ resource: __rlimit_resource_t) -> Int? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < UInt(Int.max) else { return nil }
        return Int(limit.rlim_cur)
    }

    private static func physicalMemory() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        return pages.multipliedReportingOverflow(by: size).overflow ? nil : pages * size
    }

    /// The memory limit of this process's cgroup (v2 `memory.max`, v1 `memory.limit_in_bytes`).
    static func cgroupLimit(procSelfCgroup: String? = readSmallFile("/proc/self/cgroup"),
                            read: (String) -> String? = readSmallFile) -> Int? {
        guard let membership = procSelfCgroup else { return nil }
        for line in membership.split(separator: "\n") {
            // "0::/path" (v2) or "4:memory:/path" (v1).
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            let file: String
            if fields[1].isEmpty { file = "/sys/fs/cgroup\(path)/memory.max" }
            else if fields[1].split(separator: ",").contains("memory") { file = "/sys/fs/cgroup/memory\(path)/memory.limit_in_bytes" }
            else { continue }
            if let limit = parseCgroupLimit(read(file)) { return limit }
        }
        return nil
    }

    /// "max", or v1's "no limit" (a number near 2^63), mean none.
    static func parseCgroupLimit(_ text: String?) -> Int? {
        guard let text = text?.filter({ !$0.isWhitespace }), let value = Int(text), value > 0, value < 1 << 60 else { return nil }
        return value
    }

    /// The limit that binds first, with a name for messages. Of physical memory only half
    /// counts: the machine is shared, and arithmetic on a value needs room for its result.
    public var binding: (bytes: Int, source: String)? {
        let candidates: [(Int?, String)] = [
            (requested, "--max-memory"), (addressSpace, "the address-space limit, ulimit -v"), (dataSegment, "the data-segment limit, ulimit -d"),
            (cgroup, "the cgroup's memory limit"), (physical.map { $0 / 2 }, "half of physical memory"),
        ]
        return candidates.compactMap { limit, source in limit.map { ($0, source) } }.min { $0.0 < $1.0 }
    }
}

/// What the process holds now, as each limit counts it (/proc/self/statm).
public struct MemoryUsage: Equatable, Sendable {
    public var virtual: Int
    public var data: Int
    public var resident: Int

    public init(virtual: Int, data: Int, resident: Int) { self.virtual = virtual; self.data = data; self.resident = resident }

    public static func current() -> MemoryUsage? {
        guard let text = readSmallFile("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ").compactMap { Int($0.filter { !$0.isWhitespace }) }
        guard fields.count >= 6 else { return nil }
        let page = sysconf(Int32(_SC_PAGESIZE))
        return MemoryUsage(virtual: fields[0] * page, data: fields[5] * page, resident: fields[1] * page)
    }

    /// Bytes left under `limits`: each limit minus what it counts of this process.
    public func headroom(under limits: MemoryLimits) -> Int? {
        let left = [limits.addressSpace.map { $0 - virtual }, limits.dataSegment.map { $0 - data },
                    limits.cgroup.map { $0 - resident }, limits.physical.map { $0 - resident },
                    limits.requested.map { $0 - resident }]
        return left.compactMap { $0 }.min()
    }
}

/// A small text file (procfs, cgroupfs), or nil.
func readSmallFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 20 {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Sizes as people write them: `1048576`, `512M`, `1.5G`, `2GiB`, `100MB` (binary units: M
/// is 2^20 bytes, as `ulimit` and Docker read them).
public enum MemorySize {
    public static func parse(_ text: String) -> Int? {
        var number = text.filter { !$0.isWhitespace }.uppercased()
        for suffix in ["IB", "B"] where number.hasSuffix(suffix) && number.count > suffix.count {
            number.removeLast(suffix.count); break
        }
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var scale = 1.0
        if let last = number.last, let unit = units[last] { scale = unit; number.removeLast() }
        // Digits with at most one point: no signs, exponents or "inf" that Double would take.
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), number.filter({ $0 == "." }).count <= 1,
              let value = Double(number), value > 0 else { return nil }
        let bytes = (value * scale).rounded(.down)
        return bytes >= 1 && bytes < 0x1p62 ? Int(bytes) : nil
    }
}

/// Limits that protect the process from user programs: a huge `zeros(1e6, 1e6)` or a
/// string doubled forty times must be an error, not an abort or an OOM kill.
public enum TensorLimits {
    /// The largest single allocation and where that number comes from.
    public struct Budget: Equatable, Sendable {
        public var bytes: Int
        public var source: String

        public init(bytes: Int, source: String) { self.bytes = bytes; self.source = source }
    }

    /// `HEBB_MAX_ALLOC` (bytes, or a size such as `512M`) when set, else the limit that binds
    /// first (--max-memory, ulimit -v or -d, the cgroup's memory limit, half of physical
    /// memory); 4 GiB when none can be read.
    public static func derive(_ limits: MemoryLimits, override: String?) -> Budget {
        if let override, let bytes = MemorySize.parse(override) { return Budget(bytes: bytes, source: "HEBB_MAX_ALLOC") }
        if let (bytes, source) = limits.binding { return Budget(bytes: bytes, source: source) }
        return Budget(bytes: 4 << 30, source: "default")
    }

    nonisolated(unsafe) public static var limits = MemoryLimits.current()
    /// The process's budget: what a session without its own limit gets (the command line's
    /// --max-memory and HEBB_MAX_ALLOC set it).
    nonisolated(unsafe) public static var processBudget = derive(limits, override: getenv("HEBB_MAX_ALLOC").map { String(cString: $0) })

    /// A session's own limit on single allocations, installed on its program thread.
    public final class SessionBudget: Sendable {
        public let budget: Budget
        public init(_ budget: Budget) { self.budget = budget }
    }

    private static let perThread = ThreadLocalReference<SessionBudget>()

    /// The budget of the program running on this thread: its session's, else the process's.
    public static var budget: Budget {
        get { perThread.value?.budget ?? processBudget }
        set { processBudget = newValue }
    }

    /// Runs `body` under `budget` on the calling thread (nil: the process's budget).
    public static func withBudget<R>(_ budget: SessionBudget?, _ body: () throws -> R) rethrows -> R {
        guard let budget else { return try body() }
        return try perThread.withValue(budget, body)
    }

    /// Largest single allocation in bytes.
    public static var maxAllocationBytes: Int { budget.bytes }

    /// `--max-memory`: caps what the whole run may hold (resident) and, unless
    /// `HEBB_MAX_ALLOC` says otherwise, the largest single allocation.
    public static func limitMemory(to bytes: Int) {
        limits.requested = bytes
        processBudget = derive(limits, override: getenv("HEBB_MAX_ALLOC").map { String(cString: $0) })
    }

    /// Allocations from this size up also check what is left under the real limits (reading
    /// /proc/self/statm costs microseconds; a fresh block this big costs more).
    static let headroomCheckBytes = 1 << 20

    /// Throws the allocation error unless `bytes` more can be had: at most the budget, and
    /// (for big ones) at most what is left under the process's limits, after the engine's
    /// cached free buffers are returned. `what` names it: "allocation of (3, 4) float64".
    public static func check(_ bytes: Int, _ what: @autoclosure () -> String) throws {
        guard bytes <= budget.bytes else {
            throw TensorError("\(what()) exceeds the limit of \(mebibytes(budget.bytes)) (\(budget.source); set HEBB_MAX_ALLOC to change it)", kind: .limit)
        }
        if let left = shortfall(bytes) { throw TensorError("\(what()) exceeds the limit: \(leftText(left))", kind: .limit) }
    }

    /// Bytes kept free under the process's limits, so that an allocation the kernels make
    /// without a check (results, gradients) still succeeds and the error can be raised
    /// after it, by `throwIfOverLimit`.
    static func reserve(_ limit: Int) -> Int { min(256 << 20, limit / 8) }

    /// nil when `bytes` fit under the process's limits (keeping the reserve); otherwise the
    /// bytes that are free.
    static func shortfall(_ bytes: Int) -> Int? {
        guard bytes >= headroomCheckBytes, let limit = limits.binding?.bytes else { return nil }
        func free() -> Int? { MemoryUsage.current()?.headroom(under: limits).map { $0 - reserve(limit) } }
        guard let left = free(), bytes > left else { return nil }
        BufferPool.shared.releaseIdle()
        guard let after = free(), bytes > after else { return nil }
        return max(after, 0)
    }

    private static func leftText(_ left: Int) -> String {
        let (limit, source) = limits.binding ?? (budget.bytes, budget.source)
        return "only \(mebibytes(left)) of the \(mebibytes(limit)) allowed (\(source)) are free; drop values you no longer need"
    }

    /// An allocation a kernel made past the limits (it could not throw there), in bytes.
    private static let pendingOverrun = Atomic<Int>(0)

    /// Called before a kernel maps a fresh big block: past the limits, it is noted for
    /// `throwIfOverLimit` (the kernel goes on; the reserve keeps the allocation possible).
    static func noteUncheckedAllocation(_ bytes: Int) {
        if shortfall(bytes) != nil { pendingOverrun.store(bytes, ordering: .relaxed) }
    }

    /// Throws the allocation error for a kernel's allocation past the limits, once. The
    /// interpreter calls it after each operation.
    @inline(__always)
    public static func throwIfOverLimit() throws {
        guard pendingOverrun.load(ordering: .relaxed) != 0 else { return }
        let bytes = pendingOverrun.exchange(0, ordering: .relaxed)
        let left = max((MemoryUsage.current()?.headroom(under: limits) ?? 0) - reserve(limits.binding?.bytes ?? 0), 0)
        throw TensorError("allocation of \(mebibytes(bytes)) for a result exceeds the limit: \(leftText(left))", kind: .limit)
    }

    /// `bytes` for messages, in whole MiB ("16 MiB").
    static func mebibytes(_ bytes: Int) -> String { "\(bytes >> 20) MiB" }
}
