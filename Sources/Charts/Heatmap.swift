import Foundation

/// A grid of coloured cells with their values written in (monthly returns: a row per year, a
/// column per month): green for gains, red for losses, deeper for larger.
public struct Heatmap: Sendable {
    public var title: String
    public var rows: [String]
    public var columns: [String]
    /// `values[row][column]`; NaN is an empty cell.
    public var values: [[Double]]
    public var format: SVGText.Format
    public var width = 960.0

    public init(title: String, rows: [String], columns: [String], values: [[Double]], format: SVGText.Format = .percent(digits: 1)) {
        self.title = title; self.rows = rows; self.columns = columns; self.values = values; self.format = format
    }

    public func svg(id: String) -> String {
        let left = 64.0, top = 44.0, cellH = 24.0
        let cellW = (width - left - 16) / Double(max(1, columns.count))
        let height = top + cellH * Double(rows.count) + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" id=\"\(SVGText.escape(id))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(SVGText.escape(title))\">"
        out += "<title>\(SVGText.escape(title))</title><text class=\"chart-title\" x=\"\(Int(left))\" y=\"18\">\(SVGText.escape(title))</text>"
        let scale = values.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0
        for (j, c) in columns.enumerated() {
            out += "<text x=\"\(SVGText.coordinate(left + (Double(j) + 0.5) * cellW))\" y=\"\(Int(top - 8))\" text-anchor=\"middle\">\(SVGText.escape(c))</text>"
        }
        for (i, r) in rows.enumerated() {
            let y = top + Double(i) * cellH
            out += "<text x=\"\(Int(left - 8))\" y=\"\(SVGText.coordinate(y + cellH / 2))\" dy=\"0.32em\" text-anchor=\"end\">\(SVGText.escape(r))</text>"
            for j in columns.indices {
                let v = j < values[i].count ? values[i][j] : .nan
                let x = left + Double(j) * cellW
                guard v.isFinite else {
                    out += "<rect x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" width=\"\(SVGText.coordinate(cellW - 2))\" height=\"\(Int(cellH - 2))\" fill=\"#f2f2f2\"/>"
                    continue
                }
                let depth = scale > 0 ? min(1, abs(v) / scale) : 0
                let color = v >= 0 ? Self.mix("#ffffff", Palette.positive, 0.15 + 0.85 * depth) : Self.mix("#ffffff", Palette.negative, 0.15 + 0.85 * depth)
                out += "<rect x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" width=\"\(SVGText.coordinate(cellW - 2))\" height=\"\(Int(cellH - 2))\" fill=\"\(color)\"><title>\(SVGText.escape(r)) \(SVGText.escape(columns[j])): \(SVGText.escape(format.text(v)))</title></rect>"
                out += "<text class=\"cell\" x=\"\(SVGText.coordinate(x + cellW / 2 - 1))\" y=\"\(SVGText.coordinate(y + cellH / 2 - 1))\" dy=\"0.32em\" text-anchor=\"middle\""
                    + (depth > 0.6 ? " fill=\"#ffffff\"" : "") + ">\(SVGText.escape(format.text(v)))</text>"
            }
        }
        return out + "</svg>"
    }

    /// `a` blended toward `b` by `t` in [0, 1] (both `#rrggbb`).
    static func mix(_ a: String, _ b: String, _ t: Double) -> String {
        func rgb(_ s: String) -> [Double] {
            let h = Array(s.dropFirst())
            return stride(from: 0, to: 6, by: 2).map { Double(Int(String(h[$0...$0 + 1]), radix: 16) ?? 0) }
        }
        let x = rgb(a), y = rgb(b)
        return "#" + (0..<3).map { String(format: "%02x", Int((x[$0] + (y[$0] - x[$0]) * t).rounded())) }.joined()
    }
}
