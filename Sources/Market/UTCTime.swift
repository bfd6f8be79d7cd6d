import Foundation

/// UTC calendar arithmetic and timestamp parsing on epoch milliseconds, without Foundation's
/// formatters (slow, and locale/time-zone dependent).
public enum UTCTime {
    public static let msPerDay: Int64 = 86_400_000

    /// The current time in epoch milliseconds.
    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Epoch ms of 00:00 UTC of the day containing `ms`.
    public static func dayStart(_ ms: Int64) -> Int64 { ms - ms.modulo(msPerDay) }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's days_from_civil).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of a day count since 1970-01-01 (Hinnant's civil_from_days).
    public static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// ISO-8601 in UTC: `2024-01-01T00:00:00Z`, with milliseconds only when they are not zero.
    public static func iso(_ ms: Int64) -> String {
        let dayCount = (ms - ms.modulo(msPerDay)) / msPerDay
        let (y, mo, d) = civil(days: dayCount)
        let rem = ms.modulo(msPerDay)
        let h = rem / 3_600_000, mi = rem / 60_000 % 60, s = rem / 1000 % 60, milli = rem % 1000
        func p(_ v: Int64, _ w: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, w - t.count)) + t }
        var out = "\(p(y, 4))-\(p(mo, 2))-\(p(d, 2))T\(p(h, 2)):\(p(mi, 2)):\(p(s, 2))"
        if milli != 0 { out += ".\(p(milli, 3))" }
        return out + "Z"
    }

    /// Parses epoch seconds, epoch milliseconds (told apart by magnitude) or ISO-8601 into epoch ms.
    public static func parse(_ text: String) throws -> Int64 {
        var bytes = Array(text.utf8)
        guard let v = bytes.withUnsafeMutableBufferPointer({ parse($0[...]) }) else { throw MarketError.invalidTime(text) }
        return v
    }

    /// Byte-level parser used by the CSV importer; nil when the field is not a timestamp.
    ///
    /// A plain integer ≥ 10^11 is milliseconds (10^11 s would be the year 5138), otherwise seconds.
    /// ISO-8601: `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`, `.fff…`, and `Z` or `±HH:MM`.
    public static func parse(_ f: Slice<UnsafeMutableBufferPointer<UInt8>>) -> Int64? {
        var i = f.startIndex
        let end = f.endIndex
        guard i < end else { return nil }
        // Plain integer (optionally with a fractional part of zeros, as some exports write "1700000000.0").
        if f[i] >= 48 && f[i] <= 57 && !(end - i >= 5 && f[i + 4] == 45) {
            var v: Int64 = 0
            var digits = 0
            while i < end, f[i] >= 48, f[i] <= 57 {
                if digits >= 15 { return nil }
                v = v * 10 + Int64(f[i] - 48); digits += 1; i += 1
            }
            if i < end, f[i] == 46 {  // '.'
                i += 1
                while i < end, f[i] == 48 { i += 1 }
            }
            guard i == end else { return nil }
            return v >= 100_000_000_000 ? v : v * 1000
        }
        func number(_ n: Int) -> Int64? {
            guard end - i >= n else { return nil }
            var v: Int64 = 0
            for _ in 0..<n {
                let c = f[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48); i += 1
            }
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < end, f[i] == c else { return false }
            i += 1; return true
        }
        guard let y = number(4), expect(45), let mo = number(2), expect(45), let d = number(2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(year: y, month: mo)
        else { return nil }
        var ms = days(year: y, month: mo, day: d) * msPerDay
        if i == end { return ms }
        guard f[i] == 84 || f[i] == 32 || f[i] == 116 else { return nil }  // 'T', ' ', 't'
        i += 1
        guard let h = number(2), expect(58), let mi = number(2), h < 24, mi < 60 else { return nil }
        ms += h * 3_600_000 + mi * 60_000
        if i < end, f[i] == 58 {
            i += 1
            guard let s = number(2), s < 60 else { return nil }
            ms += s * 1000
            if i < end, f[i] == 46 || f[i] == 44 {  // fractional seconds
                i += 1
                var scale: Int64 = 100
                var any = false
                while i < end, f[i] >= 48, f[i] <= 57 {
                    ms += Int64(f[i] - 48) * scale; scale /= 10; any = true; i += 1
                }
                guard any else { return nil }
            }
        }
        if i == end { return ms }
        if f[i] == 90 || f[i] == 122 { i += 1; return i == end ? ms : nil }  // 'Z'
        guard f[i] == 43 || f[i] == 45 else { return nil }
        let sign: Int64 = f[i] == 43 ? 1 : -1
        i += 1
        guard let oh = number(2) else { return nil }
        _ = expect(58)
        guard let om = number(2), i == end, oh < 24, om < 60 else { return nil }
        return ms - sign * (oh * 3_600_000 + om * 60_000)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
