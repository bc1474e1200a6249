// The pool's policy on big blocks, on a pool of the test's own (the shared one serves every
// test running in parallel): blocks too big to cache go back to the system when freed, and
// asking for one (or for a cacheable block from 8 MiB up that the pool has none of) first
// gives back the idle blocks of the phase before.

import Testing
@testable import HebbTensor

struct BufferPoolTests {
    private let big = 40_000_000, medium = 2_000_000

    @Test func blocksTooBigToCacheAreNotKeptIdle() throws {
        let pool = BufferPool()
        let block = try #require(pool.take(byteCount: big))
        pool.give(block, byteCount: big)
        #expect(pool.bytesIdle == 0)
        #expect(pool.bytesInUse == 0)
    }

    /// A big size asked for again is a loop's: its blocks are kept and handed back, so the
    /// loop stops paying page faults each time; a session's end lets them go.
    @Test func aBigSizeThatRepeatsIsKept() throws {
        let pool = BufferPool()
        let first = try #require(pool.take(byteCount: big))
        pool.give(first, byteCount: big)
        #expect(pool.bytesIdle == 0)
        let second = try #require(pool.take(byteCount: big))
        pool.give(second, byteCount: big)
        #expect(pool.bytesIdle == big)
        let third = try #require(pool.take(byteCount: big))
        #expect(third == second && pool.bytesIdle == 0)
        pool.give(third, byteCount: big)
        pool.releaseIdle()
        #expect(pool.bytesIdle == 0)
        let again = try #require(pool.take(byteCount: big))
        pool.give(again, byteCount: big)
        #expect(pool.bytesIdle == 0)   // counted afresh after the release
    }

    /// A block from 4 MiB up starts on a 2 MiB boundary (so it can be all huge pages), and
    /// every byte of it is usable, up to its last one.
    @Test func bigBlocksStartOnAHugePageBoundary() throws {
        let pool = BufferPool()
        for size in [big, 4 << 20, (4 << 20) + 12_345] {
            let block = try #require(pool.take(byteCount: size))
            #expect(Int(bitPattern: block) % (2 << 20) == 0)
            block.storeBytes(of: 7, toByteOffset: 0, as: UInt8.self)
            block.storeBytes(of: 9, toByteOffset: size - 1, as: UInt8.self)
            #expect(block.load(fromByteOffset: size - 1, as: UInt8.self) == 9)
            pool.give(block, byteCount: size)
        }
    }

    @Test func trainingSizedBlocksAreKeptAndReused() throws {
        let pool = BufferPool()
        let block = try #require(pool.take(byteCount: medium))
        pool.give(block, byteCount: medium)
        #expect(pool.bytesIdle == medium)
        let again = try #require(pool.take(byteCount: medium))
        #expect(again == block)
        #expect(pool.bytesIdle == 0)
        pool.give(again, byteCount: medium)
    }

    @Test func aBigBlockFirstFreesIdleBlocksOfItsSize() throws {
        let pool = BufferPool()
        let blocks = try (0..<25).map { _ in try #require(pool.take(byteCount: medium)) }
        for block in blocks { pool.give(block, byteCount: medium) }
        #expect(pool.bytesIdle == 25 * medium)
        let bigBlock = try #require(pool.take(byteCount: big))
        // 20 blocks of 2 MB make the 40 MB; the other 5 stay for the next step.
        #expect(pool.bytesIdle == 5 * medium)
        pool.give(bigBlock, byteCount: big)
        #expect(pool.bytesIdle == 5 * medium)
        // A cacheable size from 8 MiB up that the pool has none of does the same, and is kept.
        let tenMegabytes = 10_000_000
        let block = try #require(pool.take(byteCount: tenMegabytes))
        #expect(pool.bytesIdle == 0)
        pool.give(block, byteCount: tenMegabytes)
        #expect(pool.bytesIdle == tenMegabytes)
        pool.releaseIdle()
        #expect(pool.bytesIdle == 0)
    }
}
