// A seeded random generator written out in full, so a seed gives the same numbers on every
// machine and every Swift version: xoshiro256** seeded through splitmix64, uniforms from the
// top 53 bits, normals by Marsaglia's polar method with a logarithm computed here (not libm's,
// whose last bit differs between platforms).

/// A seeded pseudo-random generator (xoshiro256**). Not thread-safe: give each thread its own.
public final class RandomGenerator: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    /// The second normal of the last polar-method pair, handed out by the next `normal()`.
    private var spareNormal: Double?

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        state = (mixer.next(), mixer.next(), mixer.next(), mixer.next())
        // splitmix64 never yields four zero words in a row, so the state is never all zero.
    }

    /// The next 64 random bits (xoshiro256**, Blackman and Vigna 2018).
    public func nextUInt64() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// `RandomNumberGenerator` conformance, so Swift's own APIs can draw from this stream.
    public func next() -> UInt64 { nextUInt64() }

    /// A uniform Double in [0, 1) with 53 random bits.
    public func uniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1.0p-53
    }

    /// A standard normal deviate (mean 0, variance 1), Marsaglia's polar method.
    public func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            guard s < 1, s > 0 else { continue }
            let factor = (-2 * portableLog(s) / s).squareRoot()
            spareNormal = v * factor
            return u * factor
        }
    }

    /// A uniform integer in `0..<bound` without modulo bias (Lemire's multiply-and-reject);
    /// 0 when `bound <= 1`.
    public func integer(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let range = UInt64(bound)
        var product = nextUInt64().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = nextUInt64().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniformly random ordering of `0..<n` (Fisher–Yates); empty when `n <= 0`.
    public func permutation(_ n: Int) -> [Int] {
        guard n > 0 else { return [] }
        var items = Array(0..<n)
        for last in stride(from: n - 1, to: 0, by: -1) {
            let pick = integer(below: last + 1)
            items.swapAt(last, pick)
        }
        return items
    }

    @inline(__always)
    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// splitmix64 (Steele, Lea, Flood 2014): spreads one seed word over the xoshiro state.
private struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - A logarithm that is the same everywhere

/// Natural log of a positive finite `x`, from basic IEEE operations only (fdlibm's e_log.c
/// algorithm), so every platform gets the same bits. Accurate to under 1 ulp.
func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isNaN || x < 0 ? .nan : x) }
    // x = 2^k * (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2).
    var k = Int(x.exponent)
    var m = x.significand  // in [1, 2), exact; also normalises subnormals
    if m > 1.4142135623730951 {
        m /= 2
        k += 1
    }
    let f = m - 1
    let s = f / (2 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (Lg2 + w * (Lg4 + w * Lg6))
    let t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)))
    let r = t2 + t1
    let halfSquare = 0.5 * f * f
    let dk = Double(k)
    return dk * ln2High - ((halfSquare - (s * (halfSquare + r) + dk * ln2Low)) - f)
}

private let ln2High = 6.93147180369123816490e-01
private let ln2Low = 1.90821492927058770002e-10
private let Lg1 = 6.666666666666735130e-01
private let Lg2 = 3.999999999940941908e-01
private let Lg3 = 2.857142874366239149e-01
private let Lg4 = 2.222219843214978396e-01
private let Lg5 = 1.818357216161805012e-01
private let Lg6 = 1.531383769920937332e-01
private let Lg7 = 1.479819860511658591e-01

// MARK: - Random tensors

extension Tensor {
    /// Uniform samples in [0, 1). A float32 tensor gets the float64 stream rounded, kept below 1.
    public static func rand(_ shape: [Int], dtype: DType = .float64, generator: RandomGenerator) throws -> Tensor {
        var result = try Tensor(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .float64:
            result.withMutableElements(Double.self) { buffer in
                for index in buffer.indices { buffer[index] = generator.uniform() }
            }
        case .float32:
            result.withMutableElements(Float.self) { buffer in
                for index in buffer.indices { buffer[index] = min(Float(generator.uniform()), Float(1).nextDown) }
            }
        case .bool:
            throw TensorError("rand: dtype bool is not a float dtype; write rand(...) < 0.5 for random masks")
        }
        return result
    }

    /// Standard normal samples (mean 0, variance 1).
    public static func randn(_ shape: [Int], dtype: DType = .float64, generator: RandomGenerator) throws -> Tensor {
        var result = try Tensor(uninitializedShape: shape, dtype: dtype)
        switch dtype {
        case .float64:
            result.withMutableElements(Double.self) { buffer in
                for index in buffer.indices { buffer[index] = generator.normal() }
            }
        case .float32:
            result.withMutableElements(Float.self) { buffer in
                for index in buffer.indices { buffer[index] = Float(generator.normal()) }
            }
        case .bool:
            throw TensorError("randn: dtype bool is not a float dtype; write randn(...) > 0 for random masks")
        }
        return result
    }
}
