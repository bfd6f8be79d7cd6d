import Foundation

/// Text made safe for SVG and HTML, and the number formats every chart and page uses.
public enum SVGText {
    /// Escapes the five characters XML gives meaning to.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A coordinate with two decimals at most: enough for a crisp line, short enough for a small file.
    /// Written from integer hundredths because a chart writes one per point (no formatter, no regex).
    @inline(__always)
    public static func coordinate(_ v: Double) -> String {
        guard abs(v) < 1e15 else { return String(format: "%.0f", v) }
        let h = Int((v * 100).rounded())
        let whole = abs(h) / 100, frac = abs(h) % 100
        let sign = h < 0 ? "-" : ""
        if frac == 0 { return sign + String(whole) }
        if frac % 10 == 0 { return sign + String(whole) + "." + String(frac / 10) }
        return sign + String(whole) + (frac < 10 ? ".0" : ".") + String(frac)
    }

    /// How a value on an axis or in a table is written.
    public enum Format: Sendable {
        case number(digits: Int)
        case percent(digits: Int)
        case money

        public func text(_ v: Double) -> String {
            guard v.isFinite else { return "—" }
            switch self {
            case .number(let d): return String(format: "%.\(d)f", v)
            case .percent(let d): return String(format: "%.\(d)f%%", v * 100)
            case .money:
                return abs(v) >= 1e6 ? String(format: "%.3fM", v / 1e6) : String(format: "%.2f", v)
            }
        }

        /// The same kind of format with as many decimals as ticks `step` apart need to differ.
        public func forTicks(step: Double) -> Format {
            guard step > 0, step.isFinite else { return self }
            func digits(_ s: Double) -> Int { max(0, Int(ceil(-log10(s) - 1e-9))) }
            switch self {
            case .number: return .number(digits: digits(step))
            case .percent: return .percent(digits: digits(step * 100))
            case .money: return step >= 1 ? .number(digits: 0) : .number(digits: digits(step))
            }
        }
    }
}
