@testable import Charts
import Foundation
import NumericKit
import Testing

@Suite struct ChartsTests {
    static func walk(_ n: Int, seed: UInt64) -> [Double] {
        var rng = SeededRNG(seed: seed)
        var y = [Double](repeating: 0, count: n), v = 100.0
        for i in 0..<n { v *= 1 + (rng.uniform() - 0.5) * 0.01; y[i] = v }
        return y
    }

    @Test func thinningAHalfMillionPointsKeepsEveryExtremeAndTheEnds() {
        let n = 500_000
        let x = (0..<n).map(Double.init), y = Self.walk(n, seed: 7)
        let (dx, dy) = Downsample.minMax(x: x, y: y, buckets: 500)
        #expect(dx.count <= 2000 && dx.count >= 1000)
        #expect(dy.min() == y.min() && dy.max() == y.max())
        #expect(dx.first == 0 && dx.last == Double(n - 1) && dy.first == y.first && dy.last == y.last)
        #expect(zip(dx, dx.dropFirst()).allSatisfy { $0 < $1 }, "points stay in order")
        // Each bucket's own extremes survive, not only the global ones.
        for b in [0, 123, 499] {
            let lo = b * n / 500, hi = (b + 1) * n / 500
            let slice = y[lo..<hi]
            #expect(dy.contains(slice.min()!) && dy.contains(slice.max()!))
        }
        let few = Downsample.minMax(x: [1, 2, 3], y: [3, 1, 2], buckets: 500)
        #expect(few.x == [1, 2, 3] && few.y == [3, 1, 2])
    }

    @Test func valueTicksAreRoundAndTimeTicksAreUTCCalendarBoundaries() {
        let unit = AxisTicks.values(0, 1)
        #expect(unit.count == 6 && zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(unit)")
        let v = AxisTicks.values(9_812, 10_230)
        #expect(v.allSatisfy { $0.truncatingRemainder(dividingBy: 50) == 0 } && v.first! >= 9_812 && v.last! <= 10_230)
        let day: Int64 = 86_400_000
        let start: Int64 = 1_704_067_200_000 + 3_600_000   // 2024-01-01T01:00Z
        let t = AxisTicks.times(start, start + 10 * day)
        #expect(t.allSatisfy { $0.ms % day == 0 }, "ticks at UTC midnight: \(t)")
        #expect(t.first?.label == "2024-01-02")
        let months = AxisTicks.times(start, start + 400 * day)
        #expect(!months.isEmpty && months.allSatisfy { $0.label.count == 7 && $0.label.hasSuffix("-01") || $0.label.hasSuffix("-04") || $0.label.hasSuffix("-07") || $0.label.hasSuffix("-10") }, "quarter starts: \(months)")
        let hours = AxisTicks.times(start, start + 6 * 3_600_000)
        #expect(hours.allSatisfy { $0.ms % 3_600_000 == 0 } && hours.first?.label == "01-01 01:00")
        #expect(AxisTicks.logValues(100, 100_000).contains(1000))
    }

    @Test func aLineChartDrawsEachSeriesAsAPathInsideItsViewBoxWithGuidesAndLegend() throws {
        let x = (0..<50).map { 1_704_067_200_000 + Double($0) * 60_000 }, y = (0..<50).map { sin(Double($0) / 5) }
        var chart = LineChart(title: "Sine <&> \"wave\"", series: [.init(name: "a&b", color: Palette.equity, x: x, y: y)],
                              guides: [.init(value: -0.5, label: "limit 50%")], yFormat: .number(digits: 2))
        chart.width = 600; chart.height = 200
        let svg = chart.svg(id: "c1")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"c1\" viewBox=\"0 0 600 200\""))
        #expect(svg.contains("Sine &lt;&amp;&gt; &quot;wave&quot;") && svg.contains("a&amp;b") && !svg.contains("<&>"))
        let d = try #require(svg.range(of: "class=\"series\"").map { svg[$0.upperBound...] }.flatMap { s in s.range(of: " d=\"").map { s[$0.upperBound...].prefix { $0 != "\"" } } })
        let numbers = d.split(whereSeparator: { "ML ".contains($0) }).compactMap { Double($0) }
        #expect(numbers.count == 100, "50 points, x and y each")
        #expect(stride(from: 0, to: numbers.count, by: 2).allSatisfy { numbers[$0] >= 0 && numbers[$0] <= 600 && numbers[$0 + 1] >= 0 && numbers[$0 + 1] <= 200 })
        #expect(svg.contains("class=\"guide\"") && svg.contains("limit 50%") && svg.contains("time (UTC)"))
        let empty = LineChart(title: "nothing", series: [.init(name: "x", color: "#000", x: [], y: [])]).svg(id: "e")
        #expect(empty.contains("no data yet") && !empty.contains("class=\"series\""))
        // A log axis leaves out what it cannot draw.
        var log = LineChart(title: "log", series: [.init(name: "x", color: "#000", x: [0, 1, 2, 3], y: [1, 0, -1, 100])], xAxis: .numeric(.number(digits: 0), title: "n"))
        log.logY = true
        let l = log.svg(id: "l")
        #expect(l.contains("class=\"series\"") && !l.contains("nan") && !l.contains("inf"))
    }

    @Test func coordinatesHaveTwoDecimalsAtMostAndNoTrailingZeros() {
        let cases: [(Double, String)] = [(0, "0"), (12, "12"), (12.5, "12.5"), (12.05, "12.05"), (12.004, "12"), (-0.5, "-0.5"),
                                         (-0.001, "0"), (-3.07, "-3.07"), (99.999, "100"), (0.1, "0.1"), (1234567.891, "1234567.89")]
        for (v, text) in cases { #expect(SVGText.coordinate(v) == text, "\(v)") }
    }

    @Test func aLegendTooWideForTheTitleRowMovesIntoThePlotInsteadOfOverTheTitle() throws {
        let x = (0..<10).map(Double.init)
        let names = ["daily_loss", "drawdown", "exposure", "concentration", "stale_feed", "order_size"]
        var chart = LineChart(title: "Vetoes and resizes by rule (cumulative)",
                              series: names.enumerated().map { .init(name: $1, color: Palette.cycle[$0], x: x, y: x.map { $0 * Double($0) }) },
                              xAxis: .numeric(.number(digits: 0), title: "n"))
        chart.width = 440
        let svg = chart.svg(id: "r")
        let legend = try #require(svg.range(of: "<g class=\"legend\">").map { String(svg[$0.upperBound...]) })
        let textY = legend.components(separatedBy: "<text ").dropFirst().compactMap { t in t.range(of: "y=\"").map { Double(t[$0.upperBound...].prefix { $0 != "\"" })! } }
        #expect(textY.count == names.count)
        #expect(textY.allSatisfy { $0 > LineChart.top }, "below the title row, inside the plot")
        let textX = legend.components(separatedBy: "<text ").dropFirst().compactMap { t in t.range(of: "x=\"").map { Double(t[$0.upperBound...].prefix { $0 != "\"" })! } }
        #expect(textX.allSatisfy { $0 >= LineChart.left && $0 <= 440 })
        // A short legend stays on the title row.
        chart.series = Array(chart.series.prefix(1)); chart.title = "Equity"
        #expect(chart.svg(id: "e").contains("dy=\"0.32em\">daily_loss</text>") && chart.svg(id: "e").contains("y=\"14\" dy=\"0.32em\">daily_loss"))
    }

    @Test func barsAndHeatmapsShowTheirValues() {
        let bars = BarChart(title: "counts", labels: ["a", "b", "c"], values: [3, -1, 0]).svg(id: "b")
        #expect(bars.components(separatedBy: "<rect").count - 1 == 3)
        #expect(bars.contains(Palette.negative) && bars.contains(Palette.positive))
        let heat = Heatmap(title: "months", rows: ["2024"], columns: ["Jan", "Feb", "Mar"], values: [[0.1, -0.05, .nan]]).svg(id: "h")
        #expect(heat.contains("10.0%") && heat.contains("-5.0%") && heat.contains("#f2f2f2"))
        #expect(Heatmap.mix("#000000", "#ffffff", 0.5) == "#808080")
        #expect(SVGText.Format.percent(digits: 1).forTicks(step: 0.001).text(0.0123) == "1.2%")
        #expect(SVGText.coordinate(12.50) == "12.5" && SVGText.coordinate(3) == "3")
    }
}
