/// A fixed bar length. Canonical names are `1m`…`12h`, `1d`, `1w`; Bybit's codes map onto them.
public struct Interval: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Length of one bar in milliseconds.
    public let milliseconds: Int64

    private static let table: [(name: String, bybit: String, minutes: Int64)] = [
        ("1m", "1", 1), ("3m", "3", 3), ("5m", "5", 5), ("15m", "15", 15), ("30m", "30", 30),
        ("1h", "60", 60), ("2h", "120", 120), ("4h", "240", 240), ("6h", "360", 360), ("12h", "720", 720),
        ("1d", "D", 1440), ("1w", "W", 10080),
    ]

    /// Accepts a canonical name (`1m`, `4h`, `1d`) or a Bybit code (`1`, `240`, `D`).
    public init(_ text: String) throws {
        let t = text.trimmingWhitespace()
        // "M" is a month (Bybit's code and the common "1M"); never read it as minutes.
        guard !t.hasSuffix("M"),
              let row = Self.table.first(where: { $0.name == t.lowercased() || $0.bybit == t.uppercased() }) else {
            throw MarketError.invalidInterval(text)
        }
        milliseconds = row.minutes * 60_000
    }

    private init(minutes: Int64) { milliseconds = minutes * 60_000 }

    public static let oneMinute = Interval(minutes: 1)
    public static let oneHour = Interval(minutes: 60)
    public static let oneDay = Interval(minutes: 1440)

    private var row: (name: String, bybit: String, minutes: Int64) {
        Self.table.first { $0.minutes * 60_000 == milliseconds }!
    }

    /// Canonical name, e.g. `1m`.
    public var name: String { row.name }
    /// The code Bybit's kline endpoint takes, e.g. `1`, `60`, `D`.
    public var bybitCode: String { row.bybit }
    public var description: String { name }
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// Bars per 365-day year (for annualising).
    public var barsPerYear: Double { 365 * 86_400_000 / Double(milliseconds) }

    /// Weekly bars start on Monday 00:00 UTC; the epoch was a Thursday, hence the offset.
    private var alignmentOffset: Int64 { milliseconds == 604_800_000 ? 4 * 86_400_000 : 0 }

    /// Whether `time` (ms) is the start of a bar of this interval.
    public func isAligned(_ time: Int64) -> Bool {
        (time - alignmentOffset).modulo(milliseconds) == 0
    }

    /// The start of the bar containing `time`.
    public func barStart(containing time: Int64) -> Int64 {
        time - (time - alignmentOffset).modulo(milliseconds)
    }

    public static func < (a: Interval, b: Interval) -> Bool { a.milliseconds < b.milliseconds }

    public init(from decoder: Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

extension Int64 {
    /// Euclidean remainder (never negative for a positive modulus).
    @inline(__always) public func modulo(_ m: Int64) -> Int64 { let r = self % m; return r < 0 ? r + m : r }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
