import Foundation

/// A line (or area) chart as SVG: value axis with round ticks (linear or log), a UTC time axis or
/// a numeric one, dashed guide lines for limits, and a legend. Drawn in a viewBox so it stays
/// crisp at any size; each series is one `<path class="series">`.
public struct LineChart: Sendable {
    /// One drawn line.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var x: [Double]
        public var y: [Double]
        /// Fill between the line and zero (an underwater drawdown).
        public var area = false
        public var dashed = false
        /// Dots at each point (few points: a reliability diagram).
        public var markers = false
        /// A step line (counts that change at events).
        public var step = false

        public init(name: String, color: String, x: [Double], y: [Double], area: Bool = false, dashed: Bool = false, markers: Bool = false, step: Bool = false) {
            self.name = name; self.color = color; self.x = x; self.y = y; self.area = area; self.dashed = dashed; self.markers = markers; self.step = step
        }
    }

    /// A horizontal line at a value (a limit), labelled.
    public struct Guide: Sendable {
        public var value: Double, label: String, color: String
        /// Whether the legend names it too (a zero line needs no entry).
        public var inLegend: Bool
        public init(value: Double, label: String, color: String = Palette.limit, inLegend: Bool = true) {
            self.value = value; self.label = label; self.color = color; self.inLegend = inLegend
        }
    }

    /// What the x values are.
    public enum XAxis: Sendable {
        /// Epoch milliseconds, labelled in UTC.
        case time
        case numeric(SVGText.Format, title: String)
    }

    public var title: String
    public var series: [Series]
    public var guides: [Guide] = []
    public var yFormat: SVGText.Format = .number(digits: 2)
    public var logY = false
    public var xAxis: XAxis = .time
    /// Force the value range (a probability axis is [0, 1] whatever the data).
    public var yRange: ClosedRange<Double>?
    public var xRange: ClosedRange<Double>?
    public var width = 960.0
    public var height = 280.0
    /// Points kept per series (min/max buckets of a quarter of it; extremes stay).
    public var maxPoints = 2000
    /// What an empty chart says.
    public var emptyText = "no data yet"

    public init(title: String, series: [Series], guides: [Guide] = [], yFormat: SVGText.Format = .number(digits: 2), logY: Bool = false,
                xAxis: XAxis = .time, yRange: ClosedRange<Double>? = nil, xRange: ClosedRange<Double>? = nil) {
        self.title = title; self.series = series; self.guides = guides; self.yFormat = yFormat; self.logY = logY; self.xAxis = xAxis
        self.yRange = yRange; self.xRange = xRange
    }

    static let left = 64.0, right = 16.0, top = 30.0, bottom = 34.0

    /// The chart's SVG, with `id` on the root element.
    public func svg(id: String) -> String {
        let plotW = width - Self.left - Self.right, plotH = height - Self.top - Self.bottom
        var drawn = series.map { s -> Series in
            var s = s
            let keep = (0..<s.x.count).filter { s.x[$0].isFinite && s.y[$0].isFinite && (!logY || s.y[$0] > 0) }
            if keep.count != s.x.count { s.x = keep.map { s.x[$0] }; s.y = keep.map { s.y[$0] } }
            (s.x, s.y) = Downsample.minMax(x: s.x, y: s.y, buckets: maxPoints / 4)
            return s
        }
        drawn.removeAll { $0.x.isEmpty }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"\(SVGText.escape(id))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(SVGText.escape(title))\">"
        out += "<title>\(SVGText.escape(title))</title>"
        out += "<text class=\"chart-title\" x=\"\(Int(Self.left))\" y=\"18\">\(SVGText.escape(title))</text>"
        let xs = drawn.flatMap(\.x), ys = drawn.flatMap(\.y) + guides.map(\.value).filter { !logY || $0 > 0 }
        guard let x0 = xRange?.lowerBound ?? xs.min(), let x1 = xRange?.upperBound ?? xs.max(),
              var y0 = yRange?.lowerBound ?? ys.min(), var y1 = yRange?.upperBound ?? ys.max() else {
            return out + "<text class=\"empty\" x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" text-anchor=\"middle\">\(SVGText.escape(emptyText))</text></svg>"
        }
        if drawn.contains(where: \.area), !logY { y0 = min(y0, 0); y1 = max(y1, 0) }
        if y1 <= y0 { let pad = y0 == 0 ? 1 : abs(y0) * 0.01; y0 -= pad; y1 += pad }
        else if yRange == nil { let pad = (y1 - y0) * 0.04; y0 = logY ? y0 / (1 + pad / y1) : y0 - pad; y1 += pad }
        let xSpan = x1 > x0 ? x1 - x0 : 1
        let ly0 = logY ? log10(y0) : y0, ly1 = logY ? log10(y1) : y1
        func px(_ x: Double) -> Double { Self.left + (x - x0) / xSpan * plotW }
        func py(_ y: Double) -> Double { Self.top + plotH - ((logY ? log10(y) : y) - ly0) / (ly1 - ly0) * plotH }

        // Grid and value axis.
        let yTicks = (logY ? AxisTicks.logValues(y0, y1) : AxisTicks.values(y0, y1)).filter { $0 >= y0 && $0 <= y1 }
        let step = yTicks.count > 1 ? (logY ? yTicks[0] : yTicks[1] - yTicks[0]) : nil
        out += ValueAxis.svg(ticks: yTicks, step: step, format: yFormat, left: Self.left, right: Self.left + plotW, y: py)
        out += "<g class=\"axis x\">"
        let baseline = SVGText.coordinate(Self.top + plotH)
        out += "<line class=\"baseline\" x1=\"\(Int(Self.left))\" x2=\"\(SVGText.coordinate(Self.left + plotW))\" y1=\"\(baseline)\" y2=\"\(baseline)\"/>"
        switch xAxis {
        case .time:
            for (ms, label) in AxisTicks.times(Int64(x0), Int64(x1)) {
                let at = px(Double(ms))
                // A label at an edge is anchored inside the chart, not cut by it.
                let anchor = at > Self.left + plotW - 36 ? "end" : (at < Self.left + 36 ? "start" : "middle")
                let x = SVGText.coordinate(at)
                out += "<line class=\"tick\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(baseline)\" y2=\"\(SVGText.coordinate(Self.top + plotH + 4))\"/>"
                out += "<text x=\"\(x)\" y=\"\(SVGText.coordinate(Self.top + plotH + 16))\" text-anchor=\"\(anchor)\">\(SVGText.escape(label))</text>"
            }
            out += "<text class=\"axis-title\" x=\"\(SVGText.coordinate(Self.left + plotW))\" y=\"\(Int(height - 3))\" text-anchor=\"end\">time (UTC)</text>"
        case .numeric(let format, let title):
            let ticks = AxisTicks.values(x0, x1)
            let f = ticks.count > 1 ? format.forTicks(step: ticks[1] - ticks[0]) : format
            for t in ticks {
                let x = SVGText.coordinate(px(t))
                out += "<line class=\"tick\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(baseline)\" y2=\"\(SVGText.coordinate(Self.top + plotH + 4))\"/>"
                out += "<text x=\"\(x)\" y=\"\(SVGText.coordinate(Self.top + plotH + 16))\" text-anchor=\"middle\">\(SVGText.escape(f.text(t)))</text>"
            }
            out += "<text class=\"axis-title\" x=\"\(SVGText.coordinate(Self.left + plotW))\" y=\"\(Int(height - 3))\" text-anchor=\"end\">\(SVGText.escape(title))</text>"
        }
        out += "</g>"

        // Series, guides on top, legend last.
        for (k, s) in drawn.enumerated() {
            var d = ""
            d.reserveCapacity(s.x.count * 16)
            for i in 0..<s.x.count {
                let x = px(s.x[i]), y = py(s.y[i])
                if i == 0 { d += "M\(SVGText.coordinate(x)) \(SVGText.coordinate(y))" }
                else if s.step { d += "H\(SVGText.coordinate(x))V\(SVGText.coordinate(y))" }
                else { d += "L\(SVGText.coordinate(x)) \(SVGText.coordinate(y))" }
            }
            if s.area {
                let zero = SVGText.coordinate(py(logY ? y0 : min(max(0, y0), y1)))
                let area = d + "L\(SVGText.coordinate(px(s.x[s.x.count - 1]))) \(zero)L\(SVGText.coordinate(px(s.x[0]))) \(zero)Z"
                out += "<path class=\"area\" d=\"\(area)\" fill=\"\(s.color)\" fill-opacity=\"0.25\" stroke=\"none\"/>"
            }
            out += "<path class=\"series\" data-series=\"\(k)\" data-name=\"\(SVGText.escape(s.name))\" d=\"\(d)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.6\""
                + (s.dashed ? " stroke-dasharray=\"5 4\"" : "") + " vector-effect=\"non-scaling-stroke\"/>"
            if s.markers {
                for i in 0..<s.x.count {
                    out += "<circle cx=\"\(SVGText.coordinate(px(s.x[i])))\" cy=\"\(SVGText.coordinate(py(s.y[i])))\" r=\"3\" fill=\"\(s.color)\"/>"
                }
            }
        }
        for g in guides where g.value >= y0 && g.value <= y1 {
            let y = SVGText.coordinate(py(g.value))
            out += "<line class=\"guide\" x1=\"\(Int(Self.left))\" x2=\"\(SVGText.coordinate(Self.left + plotW))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(g.color)\" stroke-dasharray=\"6 4\"/>"
            out += "<text class=\"guide-label\" x=\"\(SVGText.coordinate(Self.left + plotW - 4))\" y=\"\(y)\" dy=\"-0.4em\" text-anchor=\"end\" fill=\"\(g.color)\">\(SVGText.escape(g.label))</text>"
        }
        out += legend(drawn.map { ($0.name, $0.color, $0.dashed) } + guides.filter(\.inLegend).map { ($0.label, $0.color, true) })
        return out + "</svg>"
    }

    /// The legend right of the title; where the title leaves no room (a half-width chart, many
    /// rules), in rows at the plot's top right on a light backing, so it never overlaps the title.
    func legend(_ items: [(String, String, Bool)]) -> String {
        let widths = items.map { Double($0.0.count) * 6.6 + 26 }
        let titleEnd = Self.left + Double(title.count) * 7.8 + 12
        let end = width - Self.right
        var rows: [[Int]] = []
        var rowY: [Double]
        if end - widths.reduce(0, +) >= titleEnd {
            rows = [Array(items.indices)]; rowY = [14]
        } else {
            let room = width - Self.left - Self.right - 8
            var current: [Int] = [], used = 0.0
            for i in items.indices {
                if !current.isEmpty && used + widths[i] > room { rows.append(current); current = []; used = 0 }
                current.append(i); used += widths[i]
            }
            if !current.isEmpty { rows.append(current) }
            rowY = rows.indices.map { Self.top + 12 + 15 * Double($0) }
        }
        var out = "<g class=\"legend\">"
        if rowY.first != 14, !rows.isEmpty {
            let w = rows.map { $0.reduce(0) { $0 + widths[$1] } }.max()! + 6
            out += "<rect x=\"\(SVGText.coordinate(end - w - 2))\" y=\"\(SVGText.coordinate(Self.top + 2))\" width=\"\(SVGText.coordinate(w))\" "
                + "height=\"\(SVGText.coordinate(Double(rows.count) * 15 + 6))\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>"
        }
        for (row, y) in zip(rows, rowY) {
            var x = end
            for i in row.reversed() {
                let (name, color, dashed) = items[i]
                x -= widths[i]
                let yy = SVGText.coordinate(y)
                out += "<line x1=\"\(SVGText.coordinate(x))\" x2=\"\(SVGText.coordinate(x + 16))\" y1=\"\(yy)\" y2=\"\(yy)\" stroke=\"\(color)\" stroke-width=\"2.5\""
                    + (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>"
                out += "<text x=\"\(SVGText.coordinate(x + 20))\" y=\"\(yy)\" dy=\"0.32em\">\(SVGText.escape(name))</text>"
            }
        }
        return out + "</g>"
    }
}

/// The colours every chart draws with (readable on white and in print).
public enum Palette {
    public static let equity = "#1f6fb2"
    public static let benchmark = "#8a8a8a"
    public static let drawdown = "#c0392b"
    public static let limit = "#d35400"
    public static let positive = "#2e8b57"
    public static let negative = "#c0392b"
    public static let neutral = "#6c5ce7"
    /// One colour per rule or strategy, in turn.
    public static let cycle = ["#1f6fb2", "#d35400", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#b7950b"]
}
