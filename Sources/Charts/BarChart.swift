import Foundation

/// Vertical bars over labelled categories (a histogram of trade returns, counts by rule): green
/// above zero, red below unless a colour is given.
public struct BarChart: Sendable {
    public var title: String
    public var labels: [String]
    public var values: [Double]
    public var colors: [String]?
    public var yFormat: SVGText.Format
    public var xTitle: String
    public var width = 960.0
    public var height = 240.0

    public init(title: String, labels: [String], values: [Double], colors: [String]? = nil, yFormat: SVGText.Format = .number(digits: 0), xTitle: String = "") {
        precondition(labels.count == values.count, "labels and values differ in length")
        self.title = title; self.labels = labels; self.values = values; self.colors = colors; self.yFormat = yFormat; self.xTitle = xTitle
    }

    public func svg(id: String) -> String {
        let left = 64.0, right = 16.0, top = 30.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(SVGText.escape(id))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(SVGText.escape(title))\">"
        out += "<title>\(SVGText.escape(title))</title><text class=\"chart-title\" x=\"\(Int(left))\" y=\"18\">\(SVGText.escape(title))</text>"
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else {
            return out + "<text class=\"empty\" x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" text-anchor=\"middle\">no data yet</text></svg>"
        }
        var lo = min(0, finite.min()!), hi = max(0, finite.max()!)
        if hi == lo { hi = lo + 1 }
        let pad = (hi - lo) * 0.05
        if lo < 0 { lo -= pad }
        hi += pad
        func py(_ v: Double) -> Double { top + plotH - (v - lo) / (hi - lo) * plotH }
        let ticks = AxisTicks.values(lo, hi).filter { $0 >= lo && $0 <= hi }
        out += ValueAxis.svg(ticks: ticks, step: ticks.count > 1 ? ticks[1] - ticks[0] : nil, format: yFormat, left: left, right: left + plotW, y: py)
        let slot = plotW / Double(values.count), barW = max(1, slot * 0.8)
        let zero = py(0)
        // Label every k-th bar so labels never overlap.
        let every = max(1, Int(ceil(Double(values.count) * 56 / plotW)))
        var bars = "<g class=\"bars\">", labelsOut = "<g class=\"axis x\">"
        for (i, v) in values.enumerated() {
            let x = left + Double(i) * slot + (slot - barW) / 2
            if v.isFinite {
                let y = min(py(v), zero), h = abs(py(v) - zero)
                let color = colors?[i % colors!.count] ?? (v >= 0 ? Palette.positive : Palette.negative)
                bars += "<rect x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" width=\"\(SVGText.coordinate(barW))\" height=\"\(SVGText.coordinate(max(h, 0.5)))\" fill=\"\(color)\"><title>\(SVGText.escape(labels[i])): \(SVGText.escape(yFormat.text(v)))</title></rect>"
            }
            if i % every == 0 {
                labelsOut += "<text x=\"\(SVGText.coordinate(x + barW / 2))\" y=\"\(SVGText.coordinate(top + plotH + 16))\" text-anchor=\"middle\">\(SVGText.escape(labels[i]))</text>"
            }
        }
        out += bars + "</g>"
        out += "<line class=\"baseline\" x1=\"\(Int(left))\" x2=\"\(SVGText.coordinate(left + plotW))\" y1=\"\(SVGText.coordinate(zero))\" y2=\"\(SVGText.coordinate(zero))\"/>"
        out += labelsOut
        if !xTitle.isEmpty {
            out += "<text class=\"axis-title\" x=\"\(SVGText.coordinate(left + plotW))\" y=\"\(Int(height - 3))\" text-anchor=\"end\">\(SVGText.escape(xTitle))</text>"
        }
        return out + "</g></svg>"
    }
}
