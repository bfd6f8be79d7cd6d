import Engine
import Market
import TestSupport
import Testing

@Suite struct CronExpressionTests {
    func t(_ iso: String) -> Int64 { try! UTCTime.parse(iso) }
    func next(_ expr: String, after iso: String) throws -> String? {
        try CronExpression(expr).next(after: t(iso)).map(UTCTime.iso)
    }
    /// The first `n` fire times after `iso`.
    func fires(_ expr: String, after iso: String, _ n: Int) throws -> [String] {
        let c = try CronExpression(expr)
        var out: [String] = [], at = t(iso)
        for _ in 0..<n { guard let f = c.next(after: at) else { break }; out.append(UTCTime.iso(f)); at = f }
        return out
    }

    @Test func everyFieldForm() throws {
        #expect(try next("0 2 * * *", after: "2024-01-01T00:00:00Z") == "2024-01-01T02:00:00Z")
        #expect(try next("0 2 * * *", after: "2024-01-01T02:00:00Z") == "2024-01-02T02:00:00Z", "strictly after")
        #expect(try next("0 2 * * *", after: "2024-01-01T01:59:30Z") == "2024-01-01T02:00:00Z")
        #expect(try fires("*/15 * * * *", after: "2024-01-01T00:07:00Z", 4) == ["2024-01-01T00:15:00Z", "2024-01-01T00:30:00Z", "2024-01-01T00:45:00Z", "2024-01-01T01:00:00Z"])
        #expect(try fires("5,10-12 3 * * *", after: "2024-01-01T00:00:00Z", 5)
                == ["2024-01-01T03:05:00Z", "2024-01-01T03:10:00Z", "2024-01-01T03:11:00Z", "2024-01-01T03:12:00Z", "2024-01-02T03:05:00Z"])
        #expect(try fires("0 0-12/6 * * *", after: "2024-01-01T00:00:00Z", 3) == ["2024-01-01T06:00:00Z", "2024-01-01T12:00:00Z", "2024-01-02T00:00:00Z"])
        #expect(try fires("30/10 * * * *", after: "2024-01-01T00:00:00Z", 4) == ["2024-01-01T00:30:00Z", "2024-01-01T00:40:00Z", "2024-01-01T00:50:00Z", "2024-01-01T01:30:00Z"])
        // Names, any case; 7 is Sunday. 2024-01-06 is a Saturday.
        #expect(try fires("0 9 * * MON-fri", after: "2024-01-05T10:00:00Z", 2) == ["2024-01-08T09:00:00Z", "2024-01-09T09:00:00Z"])
        #expect(try next("0 0 * * 7", after: "2024-01-01T00:00:00Z") == "2024-01-07T00:00:00Z")
        #expect(try next("0 0 * * sun", after: "2024-01-01T00:00:00Z") == "2024-01-07T00:00:00Z")
        #expect(try next("0 0 1 jul *", after: "2024-01-01T00:00:00Z") == "2024-07-01T00:00:00Z")
        #expect(try next("0 0 1 */4 *", after: "2024-01-01T00:00:00Z") == "2024-05-01T00:00:00Z")
        #expect(try next("@hourly", after: "2024-01-01T00:00:00Z") == "2024-01-01T01:00:00Z")
        #expect(try next("@weekly", after: "2024-01-01T00:00:00Z") == "2024-01-07T00:00:00Z")
        #expect(try next("@yearly", after: "2024-01-01T00:00:00Z") == "2025-01-01T00:00:00Z")
    }

    @Test func calendarEdges() throws {
        // Feb 29 only in leap years: from March 2024 the next is 2028.
        #expect(try next("0 0 29 2 *", after: "2024-01-15T00:00:00Z") == "2024-02-29T00:00:00Z")
        #expect(try next("0 0 29 2 *", after: "2024-03-01T00:00:00Z") == "2028-02-29T00:00:00Z")
        // The 31st skips the months that have none.
        #expect(try fires("0 12 31 * *", after: "2024-01-31T12:00:00Z", 3) == ["2024-03-31T12:00:00Z", "2024-05-31T12:00:00Z", "2024-07-31T12:00:00Z"])
        // Across a year end, and the last minute of a day.
        #expect(try next("59 23 31 12 *", after: "2024-06-01T00:00:00Z") == "2024-12-31T23:59:00Z")
        #expect(try next("0 0 1 1 *", after: "2024-12-31T23:59:00Z") == "2025-01-01T00:00:00Z")
    }

    @Test func dayOfMonthOrDayOfWeekAsCronHasIt() throws {
        // Both restricted: either matches (the 13th, or any Friday). 2024-09-06 is a Friday.
        #expect(try fires("0 0 13 * 5", after: "2024-09-01T00:00:00Z", 4)
                == ["2024-09-06T00:00:00Z", "2024-09-13T00:00:00Z", "2024-09-20T00:00:00Z", "2024-09-27T00:00:00Z"])
        // One of them starting with '*' (even '*/2'): both must match.
        #expect(try fires("0 0 */2 * 5", after: "2024-09-01T00:00:00Z", 2) == ["2024-09-13T00:00:00Z", "2024-09-27T00:00:00Z"])
        #expect(try fires("0 0 13 * *", after: "2024-09-01T00:00:00Z", 1) == ["2024-09-13T00:00:00Z"])
        #expect(try CronExpression("0 0 13 * 5").matches(t("2024-09-06T00:00:00Z")))
        #expect(!(try CronExpression("0 0 */2 * 5").matches(t("2024-09-06T00:00:00Z"))))
    }

    @Test func invalidExpressionsSayWhichFieldAndWhy() throws {
        func problem(_ e: String) -> String? {
            try? caught(CronExpression.ParseError.self) { _ = try CronExpression(e) }.map(\.description)
        }
        #expect(problem("0 2 * *")?.contains("expected 5 fields") == true)
        #expect(problem("60 * * * *")?.contains("minute: 60 is out of range; expected 0–59") == true)
        #expect(problem("0 24 * * *")?.contains("hour: 24 is out of range") == true)
        #expect(problem("0 0 0 * *")?.contains("day-of-month: 0 is out of range; expected 1–31") == true)
        #expect(problem("0 0 * 13 *")?.contains("month: 13 is out of range") == true)
        #expect(problem("0 0 * foo *")?.contains("month: 'foo' is not a number") == true)
        #expect(problem("0 0 * * 8")?.contains("day-of-week: 8 is out of range") == true)
        #expect(problem("*/0 * * * *")?.contains("step '0'") == true)
        #expect(problem("5-1 * * * *")?.contains("runs backwards") == true)
        #expect(problem("1,,2 * * * *")?.contains("empty list item") == true)
        #expect(problem("@often")?.contains("unknown shorthand") == true)
        #expect(problem("0 0 30 2 *")?.contains("never fires") == true)
        #expect(problem("0 0 31 4,6,9,11 *")?.contains("never fires") == true)
        #expect(problem("0 0 30 2 1") == nil, "with a weekday it fires on Mondays in February (the OR rule)")
    }
}
