import Foundation
import Market

/// Writes bars as CSV: `timestamp,open,high,low,close,volume`, timestamps in epoch ms, numbers in
/// the shortest form that reads back to the same `Double` (so export → import is exact).
public enum BarExporter {
    public static func csv(_ series: BarSeries) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(64 + series.count * 56)
        out.append(contentsOf: "timestamp,open,high,low,close,volume\n".utf8)
        for i in 0..<series.count {
            out.append(contentsOf: String(series.openTime[i]).utf8)
            for v in [series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]] {
                out.append(UInt8(ascii: ","))
                out.append(contentsOf: format(v).utf8)
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// Writes the CSV to `path` atomically (a partial file never appears under the final name).
    public static func write(_ series: BarSeries, to path: String) throws {
        try Data(csv(series)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Shortest round-trip decimal; integral values without a trailing ".0".
    static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
