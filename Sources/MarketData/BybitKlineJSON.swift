import Foundation
import Market

/// Bybit V5 kline JSON as saved from GET /v5/market/kline: the whole envelope, its `result`, or
/// the bare `list`. Rows are [startTime, open, high, low, close, volume, turnover] strings, newest first.
enum BybitKlineJSON {
    static func parse(_ bytes: [UInt8], file: String, interval: Interval) throws -> ParsedBars {
        func fail(_ loc: String, _ field: String, _ expected: String) -> BarFileError {
            BarFileError(file: file, location: loc, field: field, expected: expected)
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw fail("file", "-", "valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "parse error"))")
        }
        var prefix = "list"
        var list: [Any]
        if let array = root as? [Any] {
            list = array
        } else if let object = root as? [String: Any] {
            if let code = object["retCode"] as? Int, code != 0 {
                throw fail("retCode", "retCode", "0 (a successful response), got \(code) \(object["retMsg"] ?? "")")
            }
            let result = (object["result"] as? [String: Any]) ?? object
            prefix = object["result"] != nil ? "result.list" : "list"
            guard let l = result["list"] as? [Any] else {
                throw fail(prefix, "list", "an array of klines under result.list")
            }
            list = l
        } else {
            throw fail("file", "-", "a JSON object or array")
        }

        // Bybit lists newest first: read in time order, but keep each row's original index for errors.
        var rows: [(index: Int, bar: Bar)] = []
        rows.reserveCapacity(list.count)
        let names = ["startTime", "open", "high", "low", "close", "volume"]
        for (i, item) in list.enumerated() {
            let loc = "\(prefix)[\(i)]"
            guard let row = item as? [Any], row.count >= 6 else {
                throw fail(loc, "-", "an array [startTime, open, high, low, close, volume, turnover]")
            }
            var values = [Double](repeating: 0, count: 6)
            var time: Int64 = 0
            for k in 0..<6 {
                let raw = row[k]
                let text = (raw as? String) ?? (raw as? NSNumber).map { "\($0)" } ?? ""
                if k == 0 {
                    guard let t = Int64(text) else { throw fail(loc, names[k], "epoch milliseconds as a string, got \(raw)") }
                    time = t
                } else {
                    guard let v = Double(text), v.isFinite else { throw fail(loc, names[k], "a decimal number as a string, got \(raw)") }
                    values[k] = v
                }
            }
            rows.append((i, Bar(openTime: time, open: values[1], high: values[2], low: values[3], close: values[4], volume: values[5])))
        }
        if rows.count > 1 && rows.first!.bar.openTime > rows.last!.bar.openTime { rows.reverse() }
        let listName = prefix
        var validator = BarSequenceValidator(interval: interval, file: file, capacity: rows.count) { "\(listName)[\($0)]" }
        for r in rows {
            try validator.add(r.bar, at: r.index)
        }
        return validator.result
    }
}
