import Foundation
import Market
import MarketData
import Store
import TestSupport
import Testing

@Suite struct ImportTests {
    let btc = try! Symbol("BTCUSDT")

    func setup() throws -> (DataStore, URL) {
        let dir = try Fixtures.temporaryDirectory()
        return (try DataStore(path: dir.appendingPathComponent("m.sqlite").path), dir)
    }

    static let expected: [Bar] = [
        Bar(openTime: 1_704_067_200_000, open: 100, high: 101.5, low: 99.5, close: 101, volume: 12.5),
        Bar(openTime: 1_704_067_260_000, open: 101, high: 102, low: 100.25, close: 100.5, volume: 0),
        Bar(openTime: 1_704_067_320_000, open: 100.5, high: 100.5, low: 100.5, close: 100.5, volume: 3e-5),
    ]

    @Test(arguments: [
        "timestamp,open,high,low,close,volume\n1704067200000,100,101.5,99.5,101,12.5\n1704067260000,101,102,100.25,100.5,0\n1704067320000,100.5,100.5,100.5,100.5,3e-5\n",
        "1704067200,100,101.5,99.5,101,12.5\n1704067260,101,102,100.25,100.5,0\n1704067320,100.5,100.5,100.5,100.5,0.00003\n",
        "date,open,high,low,close,volume\r\n2024-01-01T00:00:00Z,100,101.5,99.5,101,12.5\r\n2024-01-01 00:01:00,101,102,100.25,100.5,0\r\n2024-01-01T02:02:00+02:00,100.5,100.5,100.5,100.5,3E-5\r\n",
        "Time,Volume,Close,Low,High,Open,Turnover\n1704067200000,12.5,101,99.5,101.5,100,1\n\n1704067260000,0,100.5,100.25,102,101,1\n1704067320000,3e-5,100.5,100.5,100.5,100.5,1\n",
    ])
    func readsEveryTimestampFormAndLayout(csv: String) throws {
        let (store, dir) = try setup()
        let path = try Fixtures.write(csv, named: "bars.csv", in: dir)
        let r = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        #expect(r.rows == 3 && r.write.inserted == 3)
        #expect(try store.bars.series(symbol: btc, interval: .oneMinute).bars == Self.expected)
    }

    @Test func noticesRowsCoarserThanTheInterval() throws {
        let (store, dir) = try setup()
        let hourly = (0..<5).map { "\(1_704_067_200_000 + Int64($0) * 3_600_000),1,1,1,1,1" }.joined(separator: "\n")
        let path = try Fixtures.write(hourly, named: "h.csv", in: dir)
        let asMinutes = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        #expect(asMinutes.coarserSpacing == 3_600_000)
        let asHours = try BarImporter.importFile(path, symbol: btc, interval: .oneHour, into: store)
        #expect(asHours.coarserSpacing == nil)
    }

    @Test func readsBybitKlineJSON() throws {
        let (store, dir) = try setup()
        // Newest first, as the API sends it, inside the full envelope.
        let json = """
            {"retCode":0,"retMsg":"OK","result":{"symbol":"BTCUSDT","category":"linear","list":[
            ["1704067320000","100.5","100.5","100.5","100.5","0.00003","0.0030"],
            ["1704067260000","101","102","100.25","100.5","0","0"],
            ["1704067200000","100","101.5","99.5","101","12.5","1262.5"]]},"retExtInfo":{},"time":1704067380000}
            """
        let path = try Fixtures.write(json, named: "bars.json", in: dir)
        let r = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        #expect(r.rows == 3)
        #expect(try store.bars.series(symbol: btc, interval: .oneMinute).bars == Self.expected)
    }

    @Test func readsTheReferenceKlineCapture() throws {
        guard let url = Fixtures.sharedFile("reference/bybit-v5-examples/kline-linear-btcusdt-60.json") else {
            print("skipping: ../shared/reference is not present"); return
        }
        let (store, _) = try setup()
        let r = try BarImporter.importFile(url.path, symbol: btc, interval: .oneHour, into: store)
        #expect(r.rows == 3 && r.gaps.isEmpty)
        let s = try store.bars.series(symbol: btc, interval: .oneHour)
        #expect(s.openTime == [1_706_630_400_000, 1_706_634_000_000, 1_706_637_600_000])
        #expect(s.close.last == 43352.8 && s.volume.last == 1575.305)
    }

    @Test func reimportChangesNothingAndDuplicatesAndGapsAreReported() throws {
        let (store, dir) = try setup()
        let csv = """
            1704067200000,100,101,99,100,1
            1704067200000,100,101,99,100,1
            1704067260000,100,101,99,100,1
            1704067500000,100,101,99,100,1
            1704067560000,100,101,99,100,1
            1704068160000,100,101,99,100,1

            """
        let path = try Fixtures.write(csv, named: "g.csv", in: dir)
        let first = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        #expect(first.rows == 5 && first.duplicatesSkipped == 1)
        #expect(first.gaps == [.init(after: 1_704_067_260_000, missing: 3), .init(after: 1_704_067_560_000, missing: 9)])
        #expect(first.missingBars == 12)
        let again = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        #expect(again.write.inserted == 0 && again.write.unchanged == 5)
        #expect(try store.bars.totalCount() == 5)
    }

    /// Each kind of bad row, the location and field the error must name, and a fragment of what was expected.
    static let badFiles: [(String, String, String, String)] = [
        ("1704067200000,100,101,99,100,1\n1704067260000,100,99,98,100,1\n", "line 2", "high", "high >= max(open, close)"),
        ("1704067200000,100,101,99,100,1\n1704067260000,100,101,100.5,100,1\n", "line 2", "low", "low <= min(open, close)"),
        ("1704067200000,0,101,99,100,1\n", "line 1", "open", "price > 0"),
        ("1704067200000,100,101,99,-100,1\n", "line 1", "close", "price > 0"),
        ("1704067200000,100,101,99,100,-1\n", "line 1", "volume", "volume >= 0"),
        ("1704067200000,100,101,99,100,1\n1704067230000,100,101,99,100,1\n", "line 2", "timestamp", "aligned to 1m"),
        ("1704067260000,100,101,99,100,1\n1704067200000,100,101,99,100,1\n", "line 2", "timestamp", "times increasing"),
        ("1704067200000,100,101,99,100,1\n1704067200000,100,101,99,100,2\n", "line 2", "timestamp", "different values"),
        ("1704067200000,100,abc,99,100,1\n", "line 1", "high", "decimal number"),
        ("1704067200000,100,nan,99,100,1\n", "line 1", "high", "decimal number"),
        ("1704067200000,100,0x10,99,100,1\n", "line 1", "high", "decimal number"),
        ("1704067200000,100,101,99,100,1\n1704067260000,100,101,99\n", "line 2", "-", "at least 6"),
        ("1704067200000;100;101;99;100;1\n", "line 1", "-", "comma-separated"),
        ("timestamp,open,high,low,close,volume\n2024-13-01,100,101,99,100,1\n", "line 2", "timestamp", "ISO-8601"),
        ("timestamp,open,high,close,volume\n1704067200000,100,101,100,1\n", "line 1", "low", "header"),
        ("timestamp,open,high,low,close,volume\n1704067200000,100,101,99,100,\n", "line 2", "volume", "decimal number"),
    ]

    @Test(arguments: 0..<badFiles.count)
    func badRowsAreRejectedWithFileLineFieldAndNothingImported(index: Int) throws {
        let (csv, location, field, expected) = Self.badFiles[index]
        let (store, dir) = try setup()
        try store.bars.write([Bar(openTime: 0, open: 1, high: 1, low: 1, close: 1, volume: 1)], symbol: btc, interval: .oneMinute)
        // Good rows before the bad one must not be imported either.
        let path = try Fixtures.write(csv, named: "bad.csv", in: dir)
        do {
            _ = try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
            Issue.record("accepted a bad file: \(csv)")
        } catch let e as BarFileError {
            #expect(e.file == path)
            #expect(e.location == location, "\(e)")
            #expect(e.field == field, "\(e)")
            #expect(e.expected.contains(expected), "\(e)")
            #expect(e.description.contains("nothing was imported"))
        }
        #expect(try store.bars.totalCount() == 1)
    }

    @Test func badJSONNamesTheListEntry() throws {
        let (store, dir) = try setup()
        let json = #"{"retCode":0,"result":{"list":[["1704067260000","1","2","0.5","1","1","1"],["1704067200000","1","0.9","0.5","1","1","1"]]}}"#
        let path = try Fixtures.write(json, named: "k.json", in: dir)
        #expect(throws: BarFileError(file: path, location: "result.list[1]", field: "high",
                                     expected: "high >= max(open, close), got high 0.9 with open 1.0, close 1.0")) {
            try BarImporter.importFile(path, symbol: btc, interval: .oneMinute, into: store)
        }
        let failed = try Fixtures.write(#"{"retCode":10001,"retMsg":"params error","result":{}}"#, named: "e.json", in: dir)
        #expect(throws: BarFileError.self) { try BarImporter.importFile(failed, symbol: btc, interval: .oneMinute, into: store) }
        let truncated = try Fixtures.write(#"{"retCode":0,"result":{"list":[["1704067200000","1""#, named: "t.json", in: dir)
        #expect(throws: BarFileError.self) { try BarImporter.importFile(truncated, symbol: btc, interval: .oneMinute, into: store) }
        #expect(try store.bars.totalCount() == 0)
    }

    @Test(arguments: [("adabtc_5m.csv", "5m", 5720, 5), ("ltcbtc_5m.csv", "5m", 5760, 0), ("xrpusdt_1h.csv", "1h", 100, 0)])
    func realCandleSets(file: String, interval: String, rows: Int, gaps: Int) throws {
        guard let url = Fixtures.sharedFile("data/\(file)") else { print("skipping: ../shared/data/\(file) is not present"); return }
        let (store, _) = try setup()
        let r = try BarImporter.importFile(url.path, symbol: try Symbol("REAL"), interval: try Interval(interval), into: store)
        #expect(r.rows == rows && r.gaps.count == gaps)
        let c = try store.bars.coverage()
        #expect(c.count == 1 && c[0].bars == rows && c[0].gaps == gaps && c[0].missingBars == r.missingBars)
    }

    @Test func realMinuteDataWithManyFlatBarsAndGaps() throws {
        guard let url = Fixtures.sharedFile("data/btc_quote_1m.csv") else { print("skipping: ../shared/data is not present"); return }
        let (store, dir) = try setup()
        let r = try BarImporter.importFile(url.path, symbol: try Symbol("ALTBTC"), interval: .oneMinute, into: store)
        // The shared README's "538 missing minutes" are 538 gaps holding 717 missing minutes.
        #expect(r.rows == 13_681 && r.gaps.count == 538 && r.missingBars == 717)
        // Export → re-import into a fresh store gives the same bars, bit for bit.
        let out = dir.appendingPathComponent("out.csv").path
        let series = try store.bars.series(symbol: try Symbol("ALTBTC"), interval: .oneMinute)
        try BarExporter.write(series, to: out)
        let other = try DataStore(path: dir.appendingPathComponent("other.sqlite").path)
        _ = try BarImporter.importFile(out, symbol: try Symbol("ALTBTC"), interval: .oneMinute, into: other)
        #expect(try other.bars.series(symbol: try Symbol("ALTBTC"), interval: .oneMinute) == series)
    }
}
