import Foundation
import Market

/// Reads bars from CSV (with or without a header; timestamps in ms, s or ISO-8601) or from Bybit
/// kline JSON, validating every row. The first invalid row fails the whole file.
public enum BarFileReader {
    /// Reads and validates a file; the format is detected from its first non-blank byte.
    public static func read(path: String, interval: Interval) throws -> ParsedBars {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BarFileError(file: path, location: "file", field: "-", expected: "a readable file")
        }
        return try parse(Array(data), file: path, interval: interval)
    }

    /// Parses file contents already in memory.
    public static func parse(_ bytes: [UInt8], file: String, interval: Interval) throws -> ParsedBars {
        let first = bytes.first { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF) }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return try BybitKlineJSON.parse(bytes, file: file, interval: interval)
        }
        return try CSVBars.parse(bytes, file: file, interval: interval)
    }
}

/// The CSV side of `BarFileReader`: a single pass over the bytes, numbers parsed in place.
enum CSVBars {
    private static let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Column positions of timestamp, open, high, low, close, volume.
    struct Columns { var index: [Int] = [0, 1, 2, 3, 4, 5] }

    static let names: [[String]] = [
        ["timestamp", "time", "date", "datetime", "open_time", "opentime", "start", "starttime", "ts"],
        ["open", "o"], ["high", "h"], ["low", "l"], ["close", "c"], ["volume", "vol", "v"],
    ]
    static let fieldNames = ["timestamp", "open", "high", "low", "close", "volume"]

    static func parse(_ input: [UInt8], file: String, interval: Interval) throws -> ParsedBars {
        var bytes = input
        bytes.append(0)  // strtod stops at the terminator after the last field
        var validator = BarSequenceValidator(interval: interval, file: file, capacity: input.count / 48) { "line \($0)" }
        func fail(_ loc: String, _ field: String, _ expected: String) -> BarFileError {
            BarFileError(file: file, location: loc, field: field, expected: expected)
        }
        try bytes.withUnsafeMutableBufferPointer { buf in
            let n = buf.count - 1
            var pos = 0
            if n >= 3, buf[0] == 0xEF, buf[1] == 0xBB, buf[2] == 0xBF { pos = 3 }  // UTF-8 BOM
            var line = 0
            var columns = Columns()
            var sawFirst = false
            var fieldStart = [Int](repeating: 0, count: 16)
            var fieldEnd = [Int](repeating: 0, count: 16)
            while pos < n {
                line += 1
                var end = pos
                while end < n && buf[end] != newline { end += 1 }
                var lineEnd = end
                if lineEnd > pos && buf[lineEnd - 1] == cr { lineEnd -= 1 }
                defer { pos = end + 1 }
                if lineEnd == pos { continue }  // blank line
                // Split on commas (up to 16 fields are looked at).
                var count = 0
                var s = pos
                var i = pos
                while i <= lineEnd {
                    if i == lineEnd || buf[i] == comma {
                        if count < 16 { fieldStart[count] = s; fieldEnd[count] = i }
                        count += 1
                        s = i + 1
                    }
                    i += 1
                }
                if count == 1, (pos..<lineEnd).contains(where: { buf[$0] == UInt8(ascii: ";") || buf[$0] == 9 }) {
                    throw fail("line \(line)", "-", "comma-separated fields (this line uses ';' or tabs)")
                }
                if !sawFirst {
                    sawFirst = true
                    if UTCTime.parse(buf[trimmed(buf, fieldStart[0], fieldEnd[0])]) == nil {
                        columns = try header(buf, count: min(count, 16), starts: fieldStart, ends: fieldEnd, file: file)
                        continue
                    }
                }
                let needed = columns.index.max()! + 1
                guard count >= needed else {
                    throw fail("line \(line)", "-", "at least \(needed) comma-separated fields, got \(count)")
                }
                let ti = columns.index[0]
                guard let t = UTCTime.parse(buf[trimmed(buf, fieldStart[ti], fieldEnd[ti])]) else {
                    throw fail("line \(line)", "timestamp", "epoch ms, epoch s or ISO-8601 time, got '\(text(buf, fieldStart[ti], fieldEnd[ti]))'")
                }
                var v = (0.0, 0.0, 0.0, 0.0, 0.0)
                for k in 1...5 {
                    let c = columns.index[k]
                    guard let x = number(buf, fieldStart[c], fieldEnd[c]) else {
                        throw fail("line \(line)", fieldNames[k], "a decimal number, got '\(text(buf, fieldStart[c], fieldEnd[c]))'")
                    }
                    switch k {
                    case 1: v.0 = x
                    case 2: v.1 = x
                    case 3: v.2 = x
                    case 4: v.3 = x
                    default: v.4 = x
                    }
                }
                let bar = Bar(openTime: t, open: v.0, high: v.1, low: v.2, close: v.3, volume: v.4)
                try validator.add(bar, at: line)
            }
        }
        return validator.result
    }

    private static func header(_ buf: UnsafeMutableBufferPointer<UInt8>, count: Int, starts: [Int], ends: [Int], file: String) throws -> Columns {
        let titles = (0..<count).map { text(buf, starts[$0], ends[$0]).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: " \"'")) }
        var columns = Columns()
        for (k, aliases) in names.enumerated() {
            guard let idx = titles.firstIndex(where: { aliases.contains($0) }) else {
                throw BarFileError(file: file, location: "line 1", field: fieldNames[k],
                                   expected: "a header naming timestamp,open,high,low,close,volume (or a first row of data), got '\(titles.joined(separator: ","))'")
            }
            columns.index[k] = idx
        }
        return columns
    }

    private static func trimmed(_ buf: UnsafeMutableBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Range<Int> {
        var s = s, e = e
        while s < e && (buf[s] == 32 || buf[s] == 34) { s += 1 }
        while e > s && (buf[e - 1] == 32 || buf[e - 1] == 34) { e -= 1 }
        return s..<e
    }

    private static func number(_ buf: UnsafeMutableBufferPointer<UInt8>, _ s0: Int, _ e0: Int) -> Double? {
        let r = trimmed(buf, s0, e0)
        guard !r.isEmpty else { return nil }
        // strtod accepts hex, inf and nan, none of which is a price: allow digits, sign, dot, exponent only.
        for i in r {
            let c = buf[i]
            guard (c >= 48 && c <= 57) || c == 46 || c == 45 || c == 43 || c == 101 || c == 69 else { return nil }
        }
        let base = buf.baseAddress!
        var endPtr: UnsafeMutablePointer<CChar>? = nil
        let value = (base + r.lowerBound).withMemoryRebound(to: CChar.self, capacity: r.count) { strtod($0, &endPtr) }
        let consumed = endPtr.map { UnsafeRawPointer($0) - UnsafeRawPointer(base + r.lowerBound) } ?? -1
        guard consumed == r.count, value.isFinite else { return nil }
        return value
    }

    private static func text(_ buf: UnsafeMutableBufferPointer<UInt8>, _ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buf[s..<min(e, s + 60)]), as: UTF8.self)
    }
}
