// Axis scales with "nice" tick values, and the number formats every chart shares.

import Foundation

/// A linear axis from `lower` to `upper` whose ticks fall on steps of 1, 2 or 5 × 10^k
/// (Heckbert's "nice numbers"), so labels read 0, 0.2, 0.4 rather than 0.13, 0.26.
/// A `tight` axis ends where the data ends (an epoch axis starts at its first epoch, not
/// at 0), its ticks the nice values inside; `integer` data gets integer steps, and on a
/// tight axis its two ends are labelled too when they fall between ticks (1, 5, 10, ..., 30).
struct NiceScale: Equatable {
    let lower: Double
    let upper: Double
    let step: Double
    let tight: Bool
    let integer: Bool

    /// A scale covering `[minimum, maximum]` with about `targetTicks` ticks. Non-finite
    /// bounds fall back to 0...1; an empty range is widened around its value.
    init(minimum: Double, maximum: Double, targetTicks: Int = 6, tight: Bool = false, integer: Bool = false) {
        var low = minimum, high = maximum
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if low > high { swap(&low, &high) }
        (low, high) = (Swift.max(low, -1e300), Swift.min(high, 1e300))   // keep high - low finite
        if high - low <= Swift.max(abs(low), abs(high)) * 1e-12 {
            let pad = integer ? 1 : low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let range = NiceScale.niceNumber(high - low, round: false)
        var step = NiceScale.niceNumber(range / Double(Swift.max(1, targetTicks - 1)), round: true)
        if !(step > 0) || !step.isFinite { step = (high - low) / 5 }
        if integer && step < 1 { step = 1 }
        if tight {
            (lower, upper) = (low, high)
        } else {
            lower = (low / step).rounded(.down) * step
            upper = (high / step).rounded(.up) * step
        }
        self.step = step
        self.tight = tight
        self.integer = integer
    }

    /// The tick values from `lower` to `upper` inclusive (at most 50).
    var ticks: [Double] {
        guard step > 0, step.isFinite, lower.isFinite, upper.isFinite else { return [] }
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        let intervals = last - first
        guard intervals.isFinite, intervals >= 0, intervals <= 49 else { return [lower, upper] }
        var values = (0...Int(intervals)).map { index in
            let value = (first + Double(index)) * step
            return abs(value) < step * 1e-9 ? 0 : value   // no "-0" or "1e-17" at zero
        }
        if tight && integer {
            // The data's own ends, when no tick is near them.
            if let low = values.first, low - lower >= step * 0.35 { values.insert(lower, at: 0) }
            if let high = values.last, upper - high >= step * 0.35 { values.append(upper) }
            if values.isEmpty { values = [lower, upper] }
        }
        return values
    }

    /// Where `value` falls between `lower` (0) and `upper` (1).
    func fraction(_ value: Double) -> Double {
        upper > lower ? (value - lower) / (upper - lower) : 0.5
    }

    /// A tick label with just enough decimals for this scale's step.
    func label(_ value: Double) -> String {
        let magnitude = Swift.max(abs(lower), abs(upper))
        if magnitude >= 1e6 || (step < 1e-4 && magnitude < 1e-3) {
            return NumberFormat.scientific(value, significant: 3)
        }
        let decimals = Swift.max(0, -Int(log10(step).rounded(.down)))
        return NumberFormat.fixed(value, decimals: Swift.min(decimals, 10))
    }

    /// The nice number near `value`: 1, 2, 5 or 10 times a power of ten.
    static func niceNumber(_ value: Double, round: Bool) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let exponent = log10(value).rounded(.down)
        let power = pow(10, exponent)
        let fraction = value / power
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }
}

/// Number formatting shared by the SVG and text renderers (deterministic, locale-free).
enum NumberFormat {
    /// `value` with exactly `decimals` decimals; never prints "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let text = String(format: "%.\(decimals)f", value)
        return isNegativeZero(text) ? String(text.dropFirst()) : text
    }

    /// `value` as `1.23e+05`.
    static func scientific(_ value: Double, significant: Int) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        return String(format: "%.\(Swift.max(0, significant - 1))e", value)
    }

    /// A short label for an axis end in a text chart: at most 4 significant digits.
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return nonFinite(value) }
        let text = String(format: "%.4g", value)
        return isNegativeZero(text) ? String(text.dropFirst()) : text
    }

    /// An SVG coordinate: two decimals at most, trailing zeros trimmed.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "nan" : value > 0 ? "inf" : "-inf"
    }

    private static func isNegativeZero(_ text: String) -> Bool {
        text.hasPrefix("-") && !text.contains(where: { $0.isNumber && $0 != "0" })
    }
}
