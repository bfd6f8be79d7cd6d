import Foundation
import Market

/// A 5-field cron expression (minute hour day-of-month month day-of-week, UTC) as Vixie cron reads
/// it: lists, ranges, steps (`*/n`, `a-b/n`, `a/n`), month and weekday names, 7 as Sunday, the
/// `@hourly`…`@yearly` shorthands, and the day rule: when both day fields are restricted a day
/// matches if either does; when one of them starts with `*` both must.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    let minutes: UInt64   // bit m: minute m (0–59)
    let hours: UInt32     // bit h (0–23)
    let days: UInt32      // bit d (1–31)
    let months: UInt16    // bit m (1–12)
    let weekdays: UInt8   // bit w (0–6, 0 = Sunday)
    let dayOfMonthStar: Bool
    let dayOfWeekStar: Bool

    public var description: String { text }

    /// Why an expression was refused: the field, what it held and what was expected.
    public struct ParseError: KindedError, Equatable {
        public let expression: String
        public let field: String
        public let problem: String
        public var kind: ErrorKind { .badInput }
        public var description: String { "cron '\(expression)': \(field): \(problem)" }
    }

    static let shorthands = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                             "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.shorthands[trimmed.lowercased()] ?? trimmed
        if expanded.hasPrefix("@") {
            throw ParseError(expression: text, field: "expression", problem: "unknown shorthand; expected one of \(Self.shorthands.keys.sorted().joined(separator: ", "))")
        }
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(expression: text, field: "expression", problem: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)")
        }
        func field(_ i: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], nameBase: Int = 0) throws -> UInt64 {
            try Self.parseField(fields[i], name: name, range: range, names: names, nameBase: nameBase, expression: text)
        }
        self.text = trimmed
        minutes = try field(0, "minute", 0...59)
        hours = UInt32(try field(1, "hour", 0...23))
        days = UInt32(try field(2, "day-of-month", 1...31))
        months = UInt16(try field(3, "month", 1...12, names: Self.monthNames, nameBase: 1))
        // 7 is Sunday too: fold it onto 0.
        let dow = try field(4, "day-of-week", 0...7, names: Self.dayNames)
        weekdays = UInt8((dow | (dow >> 7)) & 0x7F)
        dayOfMonthStar = fields[2].hasPrefix("*")
        dayOfWeekStar = fields[4].hasPrefix("*")
        if dayOfWeekStar && !Self.anyDayCanMatch(days: days, months: months) {
            throw ParseError(expression: text, field: "day-of-month", problem: "no month has these days, so it never fires")
        }
    }

    /// Days 30 and 31 exist only in some months; Feb 29 only in leap years (still a valid date).
    static func anyDayCanMatch(days: UInt32, months: UInt16) -> Bool {
        let lengths = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for m in 1...12 where months & (1 << m) != 0 {
            for d in 1...lengths[m] where days & (1 << d) != 0 { return true }
        }
        return false
    }

    static func parseField(_ text: String, name: String, range: ClosedRange<Int>, names: [String], nameBase: Int, expression: String) throws -> UInt64 {
        func fail(_ problem: String) -> ParseError { ParseError(expression: expression, field: name, problem: problem) }
        let expected = "\(range.lowerBound)–\(range.upperBound)" + (names.isEmpty ? "" : " or a name (\(names.first!)…\(names.last!))")
        func value(_ s: Substring) throws -> Int {
            if let v = Int(s) {
                guard range.contains(v) else { throw fail("\(v) is out of range; expected \(expected)") }
                return v
            }
            if let k = names.firstIndex(of: s.lowercased()) { return k + nameBase }
            throw fail("'\(s)' is not a number; expected \(expected)")
        }
        var bits: UInt64 = 0
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw fail("an empty list item in '\(text)'") }
            let stepParts = part.split(separator: "/", omittingEmptySubsequences: false)
            guard stepParts.count <= 2 else { throw fail("'\(part)' has more than one '/'") }
            var step = 1
            if stepParts.count == 2 {
                guard let s = Int(stepParts[1]), s > 0 else { throw fail("step '\(stepParts[1])' in '\(part)': expected a positive whole number") }
                step = s
            }
            let base = stepParts[0]
            var lo: Int, hi: Int
            if base == "*" {
                lo = range.lowerBound; hi = range.upperBound
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count <= 2, !ends.contains(where: \.isEmpty) else { throw fail("'\(base)': expected a value or a range a-b") }
                lo = try value(ends[0])
                // `a/n` runs from a to the end of the field, as cronie reads it.
                hi = ends.count == 2 ? try value(ends[1]) : (stepParts.count == 2 ? range.upperBound : lo)
                guard lo <= hi else { throw fail("range '\(base)' runs backwards") }
            }
            var v = lo
            while v <= hi { bits |= 1 << UInt64(v); v += step }
        }
        return bits
    }

    /// Whether the expression fires at the minute starting at `ms` (the seconds are ignored).
    public func matches(_ ms: Int64) -> Bool {
        let minuteOfDay = Int(ms.modulo(UTCTime.msPerDay) / 60_000)
        let day = (ms - ms.modulo(UTCTime.msPerDay)) / UTCTime.msPerDay
        return minutes & (1 << UInt64(minuteOfDay % 60)) != 0 && hours & (1 << UInt32(minuteOfDay / 60)) != 0 && dayMatches(day)
    }

    func dayMatches(_ day: Int64) -> Bool {
        let c = UTCTime.civil(days: day)
        guard months & (1 << UInt16(c.month)) != 0 else { return false }
        let dom = days & (1 << UInt32(c.day)) != 0
        let dow = weekdays & (1 << UInt8((day + 4).modulo(7))) != 0   // 1970-01-01 was a Thursday
        return dayOfMonthStar || dayOfWeekStar ? dom && dow : dom || dow
    }

    /// The first minute strictly after `ms` at which the expression fires (nil if none within 8
    /// years: a date like Feb 30 never comes, and Feb 29 comes at least once in 8 years).
    public func next(after ms: Int64) -> Int64? {
        var minute = ms - ms.modulo(60_000) + 60_000
        var day = (minute - minute.modulo(UTCTime.msPerDay)) / UTCTime.msPerDay
        let lastDay = day + 8 * 366
        while day <= lastDay {
            if dayMatches(day) {
                var m = Int((minute - day * UTCTime.msPerDay) / 60_000)
                while m < 1440 {
                    if hours & (1 << UInt32(m / 60)) == 0 { m = (m / 60 + 1) * 60; continue }
                    if minutes & (1 << UInt64(m % 60)) != 0 { return day * UTCTime.msPerDay + Int64(m) * 60_000 }
                    m += 1
                }
            }
            day += 1
            minute = day * UTCTime.msPerDay
        }
        return nil
    }
}
