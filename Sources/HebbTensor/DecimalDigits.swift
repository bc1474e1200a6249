// Decimal digit strings for printing floats the way NumPy's Dragon4 does: the shortest digits
// that read back to the same value, cut off at a precision (or extended to a minimum) by
// rounding the value's exact decimal expansion, half to even.

/// The decimal digits of a finite magnitude: value = d0.d1d2... × 10^exponent. No leading or
/// trailing zeros; an empty digit list is zero.
struct DecimalDigits: Equatable {
    var digits: [UInt8]
    var exponent: Int

    static let zero = DecimalDigits(digits: [], exponent: 0)

    /// Digits after the decimal point when written positionally.
    var fractionalCount: Int { max(0, digits.count - 1 - exponent) }

    /// The shortest digits that identify `value` among values of its dtype (Swift's own
    /// shortest round-trip description, which picks the closest when several are shortest).
    static func shortest(_ value: Double, dtype: DType) -> DecimalDigits {
        let text = dtype == .float32 ? Float(value).magnitude.description : value.magnitude.description
        return parse(text)
    }

    /// Parses Swift's `description` of a non-negative finite number ("0.001", "1e-05", "12.5").
    static func parse(_ text: String) -> DecimalDigits {
        var all: [UInt8] = []
        all.reserveCapacity(24)
        var integerCount = 0, writtenExponent = 0
        var sawPoint = false, inExponent = false, negativeExponent = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = byte - UInt8(ascii: "0")
                if inExponent {
                    writtenExponent = writtenExponent * 10 + Int(digit)
                } else {
                    all.append(digit)
                    if !sawPoint { integerCount += 1 }
                }
            case UInt8(ascii: "."): sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "-"): negativeExponent = inExponent
            default: break
            }
        }
        guard let first = all.firstIndex(where: { $0 != 0 }) else { return .zero }
        let last = all.lastIndex(where: { $0 != 0 }) ?? first
        let exponent = integerCount - 1 - first + (negativeExponent ? -writtenExponent : writtenExponent)
        return DecimalDigits(digits: Array(all[first...last]), exponent: exponent)
    }

    /// Every decimal digit of the exact binary value (at most 767 significant digits).
    static func exact(_ value: Double) -> DecimalDigits {
        let magnitude = value.magnitude
        guard magnitude != 0, magnitude.isFinite else { return .zero }
        // magnitude = significand × 2^power with an integer significand.
        var significand = magnitude.significandBitPattern
        var power = Int(magnitude.exponent) - 52
        if magnitude.isNormal { significand |= 1 << 52 } else { power = -1074 }
        var number = BigDecimalInteger(significand)
        var shift = 0
        if power >= 0 {
            number.multiply(byPowerOf: 2, times: power)
        } else {
            // m / 2^k = m × 5^k / 10^k
            number.multiply(byPowerOf: 5, times: -power)
            shift = -power
        }
        var digits = number.decimalDigits()
        let exponent = digits.count - 1 - shift
        while digits.last == 0 { digits.removeLast() }
        return DecimalDigits(digits: digits, exponent: exponent)
    }

    /// Rounds to keep only digits of place value ≥ 10^lowestPlace, half to even.
    func rounded(toPlace lowestPlace: Int) -> DecimalDigits {
        let keep = exponent - lowestPlace + 1
        guard keep < digits.count else { return self }
        guard keep >= 0 else { return .zero }
        var kept = Array(digits[0..<keep])
        let dropped = digits[keep...]
        let firstDropped = dropped.first ?? 0
        let isTie = firstDropped == 5 && dropped.count == 1
        let lastKeptIsOdd = (kept.last ?? 0) % 2 == 1
        let roundUp = firstDropped > 5 || (firstDropped == 5 && (!isTie || lastKeptIsOdd))
        var result = DecimalDigits(digits: kept, exponent: exponent)
        if roundUp {
            var position = kept.count - 1
            while position >= 0 && kept[position] == 9 {
                kept[position] = 0
                position -= 1
            }
            if position >= 0 {
                kept[position] += 1
                result = DecimalDigits(digits: kept, exponent: exponent)
            } else {
                result = DecimalDigits(digits: [1], exponent: lowestPlace + kept.count)
            }
        }
        while result.digits.last == 0 { result.digits.removeLast() }
        if result.digits.isEmpty { return .zero }
        return result
    }
}

// MARK: - Dragon4-style choices

/// The digits NumPy prints for `value` positionally with `precision` digits after the point
/// at most and `minimumDigits` at least (unique mode).
func positionalDigits(_ value: Double, dtype: DType, precision: Int, minimumDigits: Int) -> DecimalDigits {
    let shortest = DecimalDigits.shortest(value, dtype: dtype)
    if shortest.fractionalCount > precision {
        return DecimalDigits.exact(value).rounded(toPlace: -precision)
    }
    if shortest.fractionalCount < minimumDigits {
        return DecimalDigits.exact(value).rounded(toPlace: -minimumDigits)
    }
    return shortest
}

/// The digits NumPy prints for `value` in scientific notation with at most `precision` and at
/// least `minimumDigits` digits after the first (unique mode).
func scientificDigits(_ value: Double, dtype: DType, precision: Int, minimumDigits: Int) -> DecimalDigits {
    let shortest = DecimalDigits.shortest(value, dtype: dtype)
    guard !shortest.digits.isEmpty else { return shortest }
    let after = shortest.digits.count - 1
    if after > precision {
        let exact = DecimalDigits.exact(value)
        return exact.rounded(toPlace: exact.exponent - precision)
    }
    if after < minimumDigits {
        let exact = DecimalDigits.exact(value)
        return exact.rounded(toPlace: exact.exponent - minimumDigits)
    }
    return shortest
}

/// `value` written positionally: sign, integer part right-aligned in `padLeft` characters,
/// point, fraction zero-filled to `minimumDigits` and space-filled to `padRight`.
func positionalString(_ value: Double, digits: DecimalDigits, minimumDigits: Int, padLeft: Int, padRight: Int) -> String {
    var integer = value.sign == .minus ? "-" : ""
    var fraction = ""
    if digits.digits.isEmpty || digits.exponent < 0 {
        integer += "0"
        if !digits.digits.isEmpty { fraction = String(repeating: "0", count: -digits.exponent - 1) }
        fraction += digitText(digits.digits[...])
    } else {
        let integerCount = digits.exponent + 1
        integer += digitText(digits.digits.prefix(integerCount))
        integer += String(repeating: "0", count: max(0, integerCount - digits.digits.count))
        fraction = digitText(digits.digits.dropFirst(integerCount))
    }
    fraction += String(repeating: "0", count: max(0, minimumDigits - fraction.utf8.count))
    return padded(integer, toWidth: padLeft) + "." + fraction
        + String(repeating: " ", count: max(0, padRight - fraction.utf8.count))
}

/// `value` in scientific notation: `d.ddde+XX`, the fraction zero-filled to `minimumDigits`,
/// the exponent to at least `exponentDigits` (and 2) digits, the mantissa right-aligned in `padLeft`.
func scientificString(_ value: Double, digits: DecimalDigits, minimumDigits: Int, padLeft: Int, exponentDigits: Int) -> String {
    let sign = value.sign == .minus ? "-" : ""
    let lead = digits.digits.first.map { digitText([$0][...]) } ?? "0"
    var fraction = digitText(digits.digits.dropFirst())
    fraction += String(repeating: "0", count: max(0, minimumDigits - fraction.utf8.count))
    let exponent = String(abs(digits.exponent))
    let exponentText = String(repeating: "0", count: max(0, max(exponentDigits, 2) - exponent.utf8.count)) + exponent
    return padded(sign + lead, toWidth: padLeft) + "." + fraction + "e" + (digits.exponent < 0 ? "-" : "+") + exponentText
}

private func digitText(_ digits: ArraySlice<UInt8>) -> String {
    String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
}

private func padded(_ text: String, toWidth width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.utf8.count)) + text
}

// MARK: - Exact big integers

/// A non-negative big integer in base 10^9 limbs (least significant first): just enough
/// arithmetic to expand a Double exactly.
struct BigDecimalInteger {
    private var limbs: [UInt64]
    private static let base: UInt64 = 1_000_000_000

    init(_ value: UInt64) {
        limbs = []
        var rest = value
        repeat {
            limbs.append(rest % Self.base)
            rest /= Self.base
        } while rest > 0
    }

    /// Multiplies by `factor`^`times` (factor 2 or 5), in batches that keep each limb product
    /// below 2^64.
    mutating func multiply(byPowerOf factor: UInt64, times: Int) {
        let batch = factor == 2 ? 29 : 12  // 2^29, 5^12 < 2^30
        var left = times
        while left > 0 {
            let step = min(left, batch)
            var multiplier: UInt64 = 1
            for _ in 0..<step { multiplier *= factor }
            multiply(by: multiplier)
            left -= step
        }
    }

    private mutating func multiply(by multiplier: UInt64) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = limbs[index] * multiplier + carry
            limbs[index] = product % Self.base
            carry = product / Self.base
        }
        while carry > 0 {
            limbs.append(carry % Self.base)
            carry /= Self.base
        }
    }

    /// The decimal digits, most significant first, without leading zeros.
    func decimalDigits() -> [UInt8] {
        var digits = [UInt8](repeating: 0, count: limbs.count * 9)
        var position = digits.count
        for limb in limbs {
            var rest = limb
            for _ in 0..<9 {
                position -= 1
                digits[position] = UInt8(rest % 10)
                rest /= 10
            }
        }
        guard let first = digits.firstIndex(where: { $0 != 0 }) else { return [0] }
        return Array(digits[first...])
    }
}
