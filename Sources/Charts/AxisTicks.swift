import Foundation

/// Round-number ticks for value axes and calendar-aligned ticks (UTC) for time axes.
public enum AxisTicks {
    /// About `count` ticks at 1, 2 or 5 × 10ⁿ covering [lo, hi].
    public static func values(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi > lo else { return lo.isFinite ? [lo] : [] }
        let raw = (hi - lo) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var ticks: [Double] = []
        var t = ceil(lo / step) * step
        while t <= hi + step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return ticks
    }

    /// Ticks on a log axis: powers of 10 and their 2× and 5×, or plain ticks when the range is narrow.
    public static func logValues(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard lo > 0, hi > lo else { return values(lo, hi, count: count) }
        if hi / lo < 10 { return values(lo, hi, count: count) }
        var ticks: [Double] = []
        var p = pow(10, floor(log10(lo)))
        while p <= hi * 1.0000001 {
            for m in [1.0, 2, 5] where p * m >= lo && p * m <= hi { ticks.append(p * m) }
            p *= 10
        }
        return ticks.count > 2 * count ? ticks.filter { log10($0).rounded() == log10($0) } : ticks
    }

    /// Time ticks aligned to whole minutes, hours, days, months or years in UTC, with labels.
    public static func times(_ loMs: Int64, _ hiMs: Int64, count: Int = 6) -> [(ms: Int64, label: String)] {
        guard hiMs > loMs else { return [(loMs, label(loMs, unit: .day))] }
        let minute: Int64 = 60_000, hour = 60 * minute, day = 24 * hour
        let steps: [(Int64, Unit)] = [(minute, .minute), (5 * minute, .minute), (15 * minute, .minute), (30 * minute, .minute),
                                      (hour, .hour), (3 * hour, .hour), (6 * hour, .hour), (12 * hour, .hour),
                                      (day, .day), (2 * day, .day), (7 * day, .day), (14 * day, .day)]
        let span = hiMs - loMs
        if let (step, unit) = steps.first(where: { span / $0.0 <= Int64(count) }) {
            var t = (loMs + step - 1) / step * step
            var out: [(Int64, String)] = []
            while t <= hiMs { out.append((t, label(t, unit: unit))); t += step }
            return out
        }
        // Months or years: walk the calendar.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let months = [1, 2, 3, 6, 12, 24, 60, 120].first { Double(span) / (30.44 * Double(day)) / Double($0) <= Double(count) } ?? 240
        let start = Date(timeIntervalSince1970: Double(loMs) / 1000)
        var c = calendar.dateComponents([.year, .month], from: start)
        c.month = ((c.month! - 1) / min(months, 12)) * min(months, 12) + 1
        var d = calendar.date(from: c)!
        var out: [(Int64, String)] = []
        while true {
            let ms = Int64(d.timeIntervalSince1970 * 1000)
            if ms > hiMs { break }
            if ms >= loMs { out.append((ms, label(ms, unit: months >= 12 ? .year : .month))) }
            d = calendar.date(byAdding: .month, value: months, to: d)!
        }
        return out
    }

    enum Unit { case minute, hour, day, month, year }

    static func label(_ ms: Int64, unit: Unit) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        switch unit {
        case .minute, .hour: f.dateFormat = "MM-dd HH:mm"
        case .day: f.dateFormat = "yyyy-MM-dd"
        case .month: f.dateFormat = "yyyy-MM"
        case .year: f.dateFormat = "yyyy"
        }
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
