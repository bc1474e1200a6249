// The kernel's logo: a small network (three inputs, one unit) in SVG, and the same drawn
// into 32×32 and 64×64 PNGs for frontends that want bitmaps.

import Foundation

enum Logo {
    static let svg = """
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
    <rect width="64" height="64" rx="12" fill="#2f5fb3"/>
    <g stroke="#fff" stroke-width="3"><line x1="16" y1="16" x2="48" y2="32"/><line x1="16" y1="32" x2="48" y2="32"/><line x1="16" y1="48" x2="48" y2="32"/></g>
    <g fill="#fff"><circle cx="16" cy="16" r="6"/><circle cx="16" cy="32" r="6"/><circle cx="16" cy="48" r="6"/><circle cx="48" cy="32" r="9"/></g>
    </svg>

    """

    /// The logo as an RGBA PNG of `size`×`size` pixels.
    static func png(size: Int) -> [UInt8] {
        var rows: [UInt8] = []
        for y in 0..<size {
            rows.append(0)   // filter type: none
            for x in 0..<size {
                let u = (Double(x) + 0.5) * 64 / Double(size), v = (Double(y) + 0.5) * 64 / Double(size)
                rows += isWhite(u, v) ? [255, 255, 255, 255] : [0x2f, 0x5f, 0xb3, 255]
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(size)) + bigEndian(UInt32(size)) + [8, 6, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", PNGEncoding.zlibStored(rows)) + chunk("IEND", [])
    }

    /// True where the 64-unit drawing is white: the four nodes and the three edges.
    private static func isWhite(_ u: Double, _ v: Double) -> Bool {
        let nodes: [(Double, Double, Double)] = [(16, 16, 6), (16, 32, 6), (16, 48, 6), (48, 32, 9)]
        if nodes.contains(where: { (u - $0.0) * (u - $0.0) + (v - $0.1) * (v - $0.1) <= $0.2 * $0.2 }) { return true }
        return [(16.0, 16.0), (16, 32), (16, 48)].contains { start in
            distanceToSegment(u, v, start.0, start.1, 48, 32) <= 1.5
        }
    }

    private static func distanceToSegment(_ x: Double, _ y: Double, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> Double {
        let dx = x2 - x1, dy = y2 - y1
        let t = max(0, min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        let px = x1 + t * dx - x, py = y1 + t * dy - y
        return (px * px + py * py).squareRoot()
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(PNGEncoding.crc32(body))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// The checksums and the uncompressed ("stored") deflate framing a PNG needs.
enum PNGEncoding {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }

    /// A zlib stream of stored deflate blocks (at most 65,535 bytes each).
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var output: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let last: UInt8 = offset + count >= data.count ? 1 : 0
            output += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            output += data[offset..<(offset + count)]
            offset += count
        } while offset < data.count
        let check = adler32(data)
        return output + [UInt8(check >> 24), UInt8(check >> 16 & 0xFF), UInt8(check >> 8 & 0xFF), UInt8(check & 0xFF)]
    }
}
