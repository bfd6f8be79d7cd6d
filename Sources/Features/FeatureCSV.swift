/// Feature frames as CSV: `timestamp` (epoch ms) then one column per output; NaN cells empty.
public enum FeatureCSV {
    public static func render(_ frame: FeatureFrame, from: Int64 = .min, includeLabels: Bool = false) -> [UInt8] {
        var out = [UInt8]()
        let n = frame.time.count, k = frame.names.count
        out.reserveCapacity(64 + n * (k + 1) * 20)
        out.append(contentsOf: (["timestamp"] + frame.names + (includeLabels ? ["label"] : [])).joined(separator: ",").utf8)
        out.append(10)
        frame.matrix.storage.withUnsafeBufferPointer { m in
            for t in 0..<n where frame.time[t] >= from {
                out.append(contentsOf: String(frame.time[t]).utf8)
                for j in 0..<k {
                    out.append(44)
                    let v = m[j * n + t]
                    if !v.isNaN { out.append(contentsOf: "\(v)".utf8) }
                }
                if includeLabels {
                    out.append(44)
                    if !frame.labels[t].isNaN { out.append(contentsOf: "\(frame.labels[t])".utf8) }
                }
                out.append(10)
            }
        }
        return out
    }
}
