import Foundation

/// The value axis every chart kind draws: a gridline and a label at each round tick, the labels
/// with as many decimals as the ticks' spacing needs.
enum ValueAxis {
    /// `step` is the spacing the labels must tell apart (nil: the format as given).
    static func svg(ticks: [Double], step: Double?, format: SVGText.Format, left: Double, right: Double, y: (Double) -> Double) -> String {
        let tickFormat = step.map { format.forTicks(step: $0) } ?? format
        var out = "<g class=\"axis y\">"
        for t in ticks {
            let at = SVGText.coordinate(y(t))
            out += "<line class=\"grid\" x1=\"\(Int(left))\" x2=\"\(SVGText.coordinate(right))\" y1=\"\(at)\" y2=\"\(at)\"/>"
            out += "<text x=\"\(Int(left - 6))\" y=\"\(at)\" dy=\"0.32em\" text-anchor=\"end\">\(SVGText.escape(tickFormat.text(t)))</text>"
        }
        return out + "</g>"
    }
}
