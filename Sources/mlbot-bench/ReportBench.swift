import Browser
import Engine
import Foundation
import Market
import MarketData
import Reports
import Store
#if canImport(Glibc)
import Glibc
#endif

extension Bench {
    /// Where the report and dashboard benchmarks also leave a screenshot (README's pictures), if set.
    static var screenshots: String? { ProcessInfo.processInfo.environment["MLBOT_BENCH_SCREENSHOTS"] }

    /// `mlbot report` on a 500,000-bar backtest (`MLBOT_BENCH_REPORT_BARS`): a rule strategy on
    /// one-minute bars, run with costs and again without (as the report does), figures, page
    /// rendered with thinned charts; the file's size and how many points its equity line keeps.
    static func report() throws {
        let n = setting("MLBOT_BENCH_REPORT_BARS", 500_000)
        print("Report: tearsheet of a \(n)-bar backtest (EMA-cross rule on 1-minute ETHUSDT, fees and slippage)")
        let dir = try scratchDirectory("report")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try DataStore(path: dir.appendingPathComponent("s.sqlite").path)
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: [try Symbol("BTCUSDT"), try Symbol("ETHUSDT")], interval: .oneMinute, start: 1_704_067_200_000, bars: n, seed: 3),
                                       into: store, policy: .keepExisting)
        let file = dir.appendingPathComponent("ema.yaml").path
        try "name: ema\nsymbol: ETHUSDT\ninterval: 1m\nfeature_set: default\nsignal: {rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.1}\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let job = BacktestJob(target: .file(file), mode: .walkForward)
        let t0 = Date()
        let input = try ReportSource.backtest(job, store: store, config: MlbotConfig.builtIn(), catalog: InstrumentCatalog())
        let t1 = Date()
        let figures = TearsheetFigures(input)
        let html = Tearsheet.html(input, figures: figures)
        let t2 = Date()
        let out = dir.appendingPathComponent("report.html").path
        try html.write(toFile: out, atomically: true, encoding: .utf8)
        let equityPath = html.range(of: "id=\"equity-chart\"").flatMap { r in html[r.upperBound...].range(of: " d=\"").map { html[$0.upperBound...].prefix { $0 != "\"" } } }
        let points = equityPath.map { $0.filter { $0 == "L" }.count + 1 } ?? 0
        print(String(format: "  %-45@ %.2f s (features, the rule through the bar cycle twice: with costs and without)", "backtests for the report" as NSString, t1.timeIntervalSince(t0)))
        print(String(format: "  %-45@ %.2f s", "figures and page (charts thinned)" as NSString, t2.timeIntervalSince(t1)))
        print(String(format: "  %-45@ %.2f MB (limit 2 MB); equity line %d points for %d bars; %d trades", "report.html" as NSString,
                     Double(html.utf8.count) / 1e6, points, input.time.count, input.trades.count))
        if let shots = screenshots {
            try blocking {
                try await Chromium.with { tools in
                    let page = try await BrowserPage.open("file://\(out)", in: tools, height: 1000)
                    _ = try await page.wait(for: "document.readyState === 'complete'")
                    try await page.screenshot(to: "\(shots)/report.png")
                }
            }
            print("  screenshot: \(shots)/report.png")
        }
    }

    /// The dashboard in headless Chromium: a paper service (`mlbot` next to this binary) replaying
    /// 9 rule strategies on 3 symbols near full speed; once it has committed some 40,000
    /// bar-times, five fresh tabs each time navigation start → charts drawn, and the page weight
    /// (the page plus its data, as transferred).
    static func dashboard() throws {
        let bars = setting("MLBOT_BENCH_DASHBOARD_BARS", 120_000)
        print("Dashboard: first render in headless Chromium of a replaying service (9 strategies, 3 symbols)")
        let dir = try scratchDirectory("dashboard")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (store, names) = try serveFixture(dir: dir, bars: bars)
        guard let mlbot = siblingMlbot() else { throw BenchError("build the mlbot product next to mlbot-bench (swift build -c release --product mlbot)") }
        let err = dir.appendingPathComponent("serve.err")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let serve = Process()
        serve.executableURL = mlbot
        serve.arguments = ["serve", "--paper", "--db", store.path, "--strategies", names.joined(separator: ","), "--speed", "100000", "--port", "0", "--no-jobs"]
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = try FileHandle(forWritingTo: err)
        try serve.run()
        defer { if serve.isRunning { serve.terminate(); serve.waitUntilExit() } }
        var api: String?
        for _ in 0..<600 where api == nil {
            let text = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            if let r = text.range(of: "API on ") { api = String(text[r.upperBound...].prefix { !$0.isWhitespace }) }
            usleep(100_000)
        }
        guard let api else { throw BenchError("serve printed no API address: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")") }
        let tokens = try String(contentsOfFile: store.path + ".tokens", encoding: .utf8)
        guard let token = tokens.split(separator: "\n").first(where: { $0.hasPrefix("read=") }).map({ String($0.dropFirst(5)) }) else { throw BenchError("no read token") }
        // Wait for some 40,000 committed bar-times.
        let target = min(40_000, bars - 1000)
        while (try store.ledger.recentEquity(since: nil, limit: 1).isEmpty || (try store.ledger.equity().count) < target), serve.isRunning { usleep(500_000) }
        let results = try blocking { () -> [(Double, Double, Int, Int)] in
            try await Chromium.with { tools in
                var out: [(Double, Double, Int, Int)] = []
                for _ in 0..<5 {
                    let page = try await BrowserPage.open("\(api)/", in: tools, beforeLoad: "sessionStorage.setItem('mlbot-read-token', '\(token)')")
                    guard try await page.wait(for: "performance.getEntriesByName('charts-drawn').length > 0", timeout: .seconds(30)) else {
                        throw BenchError("the dashboard drew no charts within 30 s: \(page.errors)")
                    }
                    let drawn = try await page.evaluate("performance.getEntriesByName('charts-drawn')[0].startTime") as? Double ?? .nan
                    let weight = try await page.evaluate("""
                        (() => { const n = performance.getEntriesByType('navigation')[0]; const d = performance.getEntriesByType('resource').filter(r => r.name.endsWith('/dashboard/data'));
                          return n.encodedBodySize + d.reduce((s, r) => s + r.encodedBodySize, 0); })()
                        """) as? Double ?? .nan
                    let bars = try await page.evaluate("Number(document.body.dataset.barTimes)") as? Int ?? 0
                    let data = try await page.evaluate("performance.getEntriesByType('resource').filter(r => r.name.endsWith('/dashboard/data'))[0].duration") as? Double ?? .nan
                    let nav = try await page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd") as? Double ?? .nan
                    print(String(format: "    tab: page received %.0f ms, its data request %.0f ms, charts drawn %.0f ms", nav, data, drawn))
                    out.append((drawn, weight, bars, page.errors.count))
                    if out.count == 5, let shots = screenshots { try await page.screenshot(to: "\(shots)/dashboard.png") }
                    try await page.close()
                }
                return out
            }
        }
        let times = results.map(\.0).sorted()
        print(String(format: "  %-45@ median %.0f ms, min %.0f ms, max %.0f ms (5 fresh tabs)", "navigation start → charts drawn" as NSString, times[2], times[0], times[4]))
        print(String(format: "  %-45@ %.1f KB (the page with its script and styles, and its first data: panels and SVG charts); equity rows at load: %d; console errors: %d",
                     "page weight" as NSString, results.map(\.1).max()! / 1000, results.last!.2, results.map(\.3).reduce(0, +)))
    }
}
