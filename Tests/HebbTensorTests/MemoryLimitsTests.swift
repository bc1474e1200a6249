// The default allocation limit comes from the limits that really bind the process; these
// feed the derivation fake limits and fake cgroup files.

import Testing
@testable import HebbTensor

struct MemoryLimitsTests {
    @Test func theLimitThatBindsFirstWins() {
        let limits = MemoryLimits(addressSpace: 3_000_000 << 10, dataSegment: nil, cgroup: 8 << 30, physical: 16 << 30)
        #expect(TensorLimits.derive(limits, override: nil) == .init(bytes: 3_000_000 << 10, source: "the address-space limit, ulimit -v"))
        let cgroup = MemoryLimits(addressSpace: nil, dataSegment: 64 << 30, cgroup: 2 << 30, physical: 16 << 30)
        #expect(TensorLimits.derive(cgroup, override: nil) == .init(bytes: 2 << 30, source: "the cgroup's memory limit"))
        let data = MemoryLimits(addressSpace: 8 << 30, dataSegment: 1 << 30, cgroup: nil, physical: 16 << 30)
        #expect(TensorLimits.derive(data, override: nil).source == "the data-segment limit, ulimit -d")
        let physical = MemoryLimits(physical: 24 << 30)
        #expect(TensorLimits.derive(physical, override: nil) == .init(bytes: 12 << 30, source: "half of physical memory"))
    }

    @Test func hebbMaxAllocOverridesAndNothingKnownFallsBackToFourGiB() {
        let limits = MemoryLimits(addressSpace: 1 << 30, physical: 16 << 30)
        #expect(TensorLimits.derive(limits, override: "16777216") == .init(bytes: 16 << 20, source: "HEBB_MAX_ALLOC"))
        // Larger than the real limits is allowed: the override is the user's decision.
        #expect(TensorLimits.derive(limits, override: String(8 << 30)).bytes == 8 << 30)
        for bad in ["", "lots", "0", "-5", "1e9"] {
            #expect(TensorLimits.derive(limits, override: bad).bytes == 1 << 30, "override \(bad)")
        }
        #expect(TensorLimits.derive(MemoryLimits(), override: nil) == .init(bytes: 4 << 30, source: "default"))
    }

    @Test func sizesParseAsPeopleWriteThem() {
        for (text, bytes) in [("1048576", 1 << 20), ("512M", 512 << 20), ("512m", 512 << 20), ("2G", 2 << 30), ("2GiB", 2 << 30),
                              ("100MB", 100 << 20), ("1.5G", 3 << 29), ("64K", 64 << 10), ("1T", 1 << 40), (" 8M ", 8 << 20)] {
            #expect(MemorySize.parse(text) == bytes, "\(text)")
        }
        for bad in ["", "lots", "0", "-5M", "1e9", "inf", "nan", "1.2.3G", "5Q", "M", "0.1"] {
            #expect(MemorySize.parse(bad) == nil, "\(bad)")
        }
        #expect(TensorLimits.derive(MemoryLimits(), override: "256M") == .init(bytes: 256 << 20, source: "HEBB_MAX_ALLOC"))
    }

    @Test func maxMemoryBindsWhenItIsTheSmallest() {
        let limits = MemoryLimits(cgroup: 8 << 30, physical: 16 << 30, requested: 1 << 30)
        #expect(TensorLimits.derive(limits, override: nil) == .init(bytes: 1 << 30, source: "--max-memory"))
        #expect(MemoryUsage(virtual: 4 << 30, data: 2 << 30, resident: 256 << 20).headroom(under: limits) == 768 << 20)
    }

    @Test func cgroupVersion2AndVersion1Files() {
        let files = [
            "/sys/fs/cgroup/user.slice/job.scope/memory.max": "1073741824\n",
            "/sys/fs/cgroup/unlimited/memory.max": "max\n",
            "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "536870912\n",
            "/sys/fs/cgroup/memory/free/memory.limit_in_bytes": "9223372036854771712\n",
            "/sys/fs/cgroup/memory.max": "2147483648\n",
        ]
        let read: (String) -> String? = { files[$0] }
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: "0::/user.slice/job.scope\n", read: read) == 1 << 30)
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: "0::/unlimited\n", read: read) == nil)
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: "0::/\n", read: read) == 2 << 30)
        let v1 = "12:pids:/docker/abc\n4:cpu,memory:/docker/abc\n1:name=systemd:/docker/abc\n"
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: v1, read: read) == 512 << 20)
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: "4:memory:/free\n", read: read) == nil)
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: nil, read: read) == nil)
        #expect(MemoryLimits.cgroupLimit(procSelfCgroup: "garbage", read: read) == nil)
    }

    @Test func headroomIsEachLimitMinusWhatItCounts() {
        let usage = MemoryUsage(virtual: 1_500 << 20, data: 900 << 20, resident: 300 << 20)
        #expect(usage.headroom(under: MemoryLimits(addressSpace: 3_000 << 20, physical: 16 << 30)) == 1_500 << 20)
        #expect(usage.headroom(under: MemoryLimits(dataSegment: 1_000 << 20)) == 100 << 20)
        #expect(usage.headroom(under: MemoryLimits(cgroup: 512 << 20)) == 212 << 20)
        #expect(usage.headroom(under: MemoryLimits()) == nil)
    }

    /// This process's own limits and usage can be read (Linux).
    @Test func theCurrentProcessHasReadableUsageAndPhysicalMemory() throws {
        let usage = try #require(MemoryUsage.current())
        #expect(usage.virtual >= usage.resident && usage.resident > 0)
        #expect((MemoryLimits.current().physical ?? 0) > 1 << 28)
    }
}
