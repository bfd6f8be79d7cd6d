import Market
import Testing

@Suite struct IntervalTests {
    @Test(arguments: [("1m", 1), ("1", 1), ("5m", 5), ("15", 15), ("1h", 60), ("60", 60), ("4h", 240), ("720", 720), ("1d", 1440), ("D", 1440), ("1w", 10080), ("W", 10080)])
    func parsesNamesAndBybitCodes(text: String, minutes: Int64) throws {
        let iv = try Interval(text)
        #expect(iv.milliseconds == minutes * 60_000)
        #expect(try Interval(iv.bybitCode) == iv)
        #expect(try Interval(iv.name) == iv)
    }

    @Test(arguments: ["", "2m", "M", "1M", "90", "abc"])
    func rejectsUnknown(text: String) {
        #expect(throws: MarketError.invalidInterval(text)) { try Interval(text) }
    }

    @Test func alignment() throws {
        let h = try Interval("1h")
        #expect(h.isAligned(1_704_067_200_000))
        #expect(!h.isAligned(1_704_067_260_000))
        #expect(h.barStart(containing: 1_704_069_000_000) == 1_704_067_200_000)
        // Weekly bars start on Monday 00:00 UTC: 2024-01-01 was a Monday.
        let w = try Interval("1w")
        #expect(w.isAligned(try UTCTime.parse("2024-01-01")))
        #expect(!w.isAligned(try UTCTime.parse("2024-01-04")))
        #expect(w.barStart(containing: try UTCTime.parse("2024-01-10T12:00:00Z")) == (try UTCTime.parse("2024-01-08")))
    }
}
