import Foundation

/// Equal-length numeric columns packed into one little-endian blob: an Int64 time column then
/// Double columns. Long per-bar series are stored this way instead of a row per bar.
public enum BinaryColumns {
    public static func encode(time: [Int64], _ columns: [[Double]]) -> Data {
        var data = Data(capacity: time.count * 8 * (1 + columns.count))
        for t in time { withUnsafeBytes(of: t.littleEndian) { data.append(contentsOf: $0) } }
        for column in columns {
            precondition(column.count == time.count, "columns differ in length")
            for v in column { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// Nil when the blob's size does not match `count` rows of 1 + `columns` columns.
    public static func decode(_ blob: Data, count: Int, columns: Int) -> (time: [Int64], columns: [[Double]])? {
        guard blob.count == count * 8 * (1 + columns) else { return nil }
        var time = [Int64](repeating: 0, count: count)
        var out = [[Double]](repeating: [Double](repeating: 0, count: count), count: columns)
        blob.withUnsafeBytes { raw in
            for i in 0..<count { time[i] = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
            for c in 0..<columns {
                for i in 0..<count {
                    out[c][i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: ((c + 1) * count + i) * 8, as: UInt64.self)))
                }
            }
        }
        return (time, out)
    }
}
