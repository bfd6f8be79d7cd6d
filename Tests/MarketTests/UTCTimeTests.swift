import Market
import Testing

@Suite struct UTCTimeTests {
    @Test(arguments: [
        ("1704067200000", Int64(1_704_067_200_000)),
        ("1704067200", 1_704_067_200_000),
        ("1704067200.0", 1_704_067_200_000),
        ("2024-01-01", 1_704_067_200_000),
        ("2024-01-01T00:00:00Z", 1_704_067_200_000),
        ("2024-01-01 00:01", 1_704_067_260_000),
        ("2024-01-01T00:00:00.250Z", 1_704_067_200_250),
        ("2024-01-01T02:00:00+02:00", 1_704_067_200_000),
        ("2023-12-31T19:00:00-05:00", 1_704_067_200_000),
        ("2024-02-29T12:00:00Z", 1_709_208_000_000),
        ("1970-01-01", 0),
    ])
    func parsesEveryForm(text: String, ms: Int64) throws {
        #expect(try UTCTime.parse(text) == ms)
    }

    @Test(arguments: ["", "yesterday", "2023-02-29", "2024-13-01", "2024-01-01T25:00", "2024-01-01T00:00:00Q", "12e5", "0x10"])
    func rejectsNonsense(text: String) {
        #expect(throws: MarketError.self) { try UTCTime.parse(text) }
    }

    @Test func formatsAndRoundTrips() throws {
        #expect(UTCTime.iso(1_704_067_200_000) == "2024-01-01T00:00:00Z")
        #expect(UTCTime.iso(1_709_208_000_123) == "2024-02-29T12:00:00.123Z")
        #expect(UTCTime.iso(-86_400_000) == "1969-12-31T00:00:00Z")
        for ms in stride(from: Int64(-5_000_000_000_000), to: 5_000_000_000_000, by: 97_654_321_987) {
            #expect(try UTCTime.parse(UTCTime.iso(ms)) == ms)
        }
        #expect(UTCTime.dayStart(1_704_153_599_999) == 1_704_067_200_000)
    }
}
