import Browser
import Foundation
import Store
import TestSupport
import Testing

/// The dashboard and the reports as a user sees them: in headless Chromium (Debian's `chromium`;
/// a missing browser fails these tests, it never skips them).
@Suite(.serialized) struct CLIDashboardTests {
    /// Where screenshots are kept after a run (git ignores `.build`).
    static let artifacts: URL = {
        let dir = Fixtures.repositoryRoot.appendingPathComponent(".build/test-artifacts")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func readToken(_ db: String) throws -> String {
        let text = try String(contentsOfFile: db + ".tokens", encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("read=") }) else { throw Chromium.Failure("no read token in \(db).tokens") }
        return String(line.dropFirst(5))
    }

    /// Every drawn series of every chart on the page: its id and its number of points.
    static let seriesPoints = """
        Array.from(document.querySelectorAll('svg.chart path.series')).map(p => [p.closest('svg').id, (p.getAttribute('d').match(/[MLHV]/g) || []).length])
        """

    @Test func theDashboardOfARunningReplayIsLiveReadOnlyAndNeedsNoOtherHost() async throws {
        let w = try CLIJobsTests.workspace("dashboard")
        // 200 ms a bar: the test sees several bars go by, and the day lasts longer than the test.
        let p = try Spawned(["serve", "--paper", "--strategies", "m1", "--feed", "replay", "--speed", "300", "--port", "0"] + w.common, in: w.dir, label: "serve")
        let api = try await p.apiAddress()
        let token = try Self.readToken(w.db)
        let port = URL(string: api)!.port!
        let pid = p.process.processIdentifier
        try await Chromium.with { tools in
            let page = try await BrowserPage.open("\(api)/", in: tools, beforeLoad: "sessionStorage.setItem('mlbot-read-token', '\(token)')")
            #expect(try await page.wait(for: "document.querySelector('#equity-chart path.series') !== null && Number(document.body.dataset.barTimes) > 3"),
                    "the equity chart is drawn once a few bars are in")
            // Charts present and not empty: every series a path with points.
            let series = try await page.evaluate(Self.seriesPoints) as? [[Any]] ?? []
            let ids = Set(series.compactMap { $0.first as? String })
            #expect(ids.isSuperset(of: ["equity-chart", "drawdown-chart"]), "\(series)")
            #expect(series.allSatisfy { ($0.last as? Int ?? 0) >= 2 }, "every drawn series has points: \(series)")
            #expect(try await page.evaluate("document.querySelector('#drawdown-chart .guide') !== null") as? Bool == true, "the drawdown limit is drawn")
            #expect(try await page.evaluate("document.querySelector('#equity-chart .axis-title').textContent") as? String == "time (UTC)")

            // The equity shown after N bars is /equity's N-th value (this service wrote every row).
            let shown = try await page.evaluate("[Number(document.body.dataset.barTimes), Number(document.getElementById('equity').dataset.value)]") as? [Double] ?? []
            let n = Int(shown[0])
            let rows = try await page.evaluate("fetch('/equity?limit=10000').then(r => r.json()).then(a => a.map(e => e.equity))") as? [Double] ?? []
            #expect(rows.count >= n && n > 0)
            if rows.count >= n, n > 0 { #expect(abs(rows[n - 1] - shown[1]) < 1e-9, "the page shows \(shown[1]) after \(n) bars; /equity has \(rows[n - 1])") }

            // A live update arrives within two bars of the one shown, without a reload.
            let before = try await page.evaluate("Number(document.body.dataset.barTimes)") as? Int ?? 0
            #expect(try await page.wait(for: "Number(document.body.dataset.barTimes) > \(before)", timeout: .seconds(10)))
            let next = try await page.evaluate("Number(document.body.dataset.barTimes)") as? Int ?? 0
            #expect(next > before && next <= before + 2, "the first update after bar \(before) showed bar \(next)")
            #expect(try await page.evaluate("performance.getEntriesByType('navigation').length") as? Int == 1, "no reload")

            // An order opens its decision lineage.
            if try await page.wait(for: "document.querySelector('a.order') !== null", timeout: .seconds(20)) {
                _ = try await page.evaluate("document.querySelector('a.order').click()")
                #expect(try await page.wait(for: "document.getElementById('lineage-body').textContent.includes('contributions')"), "the lineage panel shows the order's explanation")
            } else {
                Issue.record("no order on the dashboard within 20 s")
            }
            try await page.screenshot(to: Self.artifacts.appendingPathComponent("dashboard.png").path)
            #expect(page.errors.isEmpty, "console errors: \(page.errors)")
            let foreign = page.requests.filter { !$0.hasPrefix("http://127.0.0.1:\(port)/") && !$0.hasPrefix("data:") }
            #expect(foreign.isEmpty, "requests to another host: \(foreign)")

            // No token: the data endpoints answer 401 and the page says how to log in.
            let anonymous = try await BrowserPage.open("\(api)/", in: tools)
            #expect(try await anonymous.wait(for: "!document.getElementById('login').hidden"))
            let text = try await anonymous.evaluate("document.getElementById('login').innerText") as? String ?? ""
            #expect(text.contains("read token") && text.contains(".tokens"), "\(text)")
            let statuses = try await anonymous.evaluate("Promise.all(['/dashboard/data', '/dashboard/events'].map(u => fetch(u).then(r => r.status)))") as? [Int]
            #expect(statuses == [401, 401])
            let wrong = try await anonymous.evaluate("fetch('/dashboard/data', {headers: {Authorization: 'Bearer mlbot_wrong'}}).then(r => r.status)") as? Int
            #expect(wrong == 401)
            // Nothing on the page changes the service: it has no form but the login, and sends no write.
            #expect(try await page.evaluate("document.querySelectorAll('#panels form, #panels button, #panels input').length") as? Int == 0)

            // The service stops on SIGTERM even with a live stream open.
            kill(pid, SIGTERM)
            var alive = true
            for _ in 0..<300 where alive { try await Task.sleep(for: .milliseconds(50)); alive = kill(pid, 0) == 0 && !Self.exited(pid) }
            #expect(!alive, "serve did not stop within 15 s of SIGTERM with a dashboard connected")
        }
        if p.process.isRunning { p.signal(SIGKILL) }
        #expect(p.wait().status == 0)

        // The ledger this service wrote, as a paper report: whole, and a range whose first return
        // starts from the row before it.
        let ledger = try DataStore(path: w.db, mustExist: true).ledger
        let equity = try ledger.equity(), fills = try ledger.fills()
        try #require(equity.count >= 6)
        let html = w.dir.appendingPathComponent("paper.html").path
        let whole = try CLI.run(["report", "--paper", "--out", html, "--json", "--db", w.db], in: w.dir)
        #expect(whole.status == 0, "\(whole.err)")
        let all = try JSONSerialization.jsonObject(with: Data(whole.out.utf8)) as? [String: Any] ?? [:]
        #expect(all["bars"] as? Int == equity.count && all["final_equity"] as? Double == equity.last!.equity && all["fills"] as? Int == fills.count, "\(all)")
        let (a, b) = (equity[2], equity[equity.count - 2])
        let part = try CLI.run(["report", "--paper", "--from", "\(a.timeMs)", "--to", "\(b.timeMs)", "--out", html, "--json", "--db", w.db], in: w.dir)
        #expect(part.status == 0, "\(part.err)")
        let range = try JSONSerialization.jsonObject(with: Data(part.out.utf8)) as? [String: Any] ?? [:]
        #expect(range["bars"] as? Int == equity.count - 3 && range["initial_equity"] as? Double == equity[1].equity && range["final_equity"] as? Double == b.equity, "\(range)")
        #expect(range["fills"] as? Int == fills.filter { $0.timeMs >= a.timeMs && $0.timeMs <= b.timeMs }.count)
    }

    /// Whether the process has exited (a zombie still answers kill 0 until it is reaped).
    static func exited(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test func aReportOpensFromDiskWithItsChartsAndTheBacktestsFigures() async throws {
        let w = try CLIJobsTests.workspace("report")
        let html = w.dir.appendingPathComponent("m1.html").path
        let store = ["--db", w.db, "--features-dir", CLIServeTests.features]
        let report = try CLI.run(["report", "--strategy", "m1", "--out", html, "--json"] + store, in: w.dir)
        #expect(report.status == 0, "\(report.err)")
        let backtest = try CLI.run(["backtest", "--strategy", "m1", "--json"] + store, in: w.dir)
        #expect(backtest.status == 0, "\(backtest.err)")
        let figures = try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [String: Any] ?? [:]
        let printed = try JSONSerialization.jsonObject(with: Data(backtest.out.utf8)) as? [String: Any] ?? [:]
        #expect(NSDictionary(dictionary: figures["metrics"] as? [String: Any] ?? [:]).isEqual(to: printed["metrics"] as? [String: Any] ?? ["": 0]),
                "report metrics \(figures["metrics"] ?? "none") vs backtest \(printed["metrics"] ?? "none")")
        #expect(figures["final_equity"] as? Double == printed["final_equity"] as? Double)
        #expect(figures["psr"] as? Double == printed["psr"] as? Double)
        #expect(figures["orders"] as? Int == printed["orders"] as? Int && figures["fills"] as? Int == printed["fills"] as? Int)
        let size = try FileManager.default.attributesOfItem(atPath: html)[.size] as? Int ?? 0
        #expect(size > 10_000 && size < 2_000_000)

        let sharpe = (printed["metrics"] as? [String: Any])?["sharpe"] as? Double ?? .nan
        try await Chromium.with { tools in
            let page = try await BrowserPage.open("file://\(html)", in: tools, height: 1200)
            #expect(try await page.wait(for: "document.readyState === 'complete' && document.querySelector('#equity-chart path.series') !== null"))
            let series = try await page.evaluate(Self.seriesPoints) as? [[Any]] ?? []
            let ids = Set(series.compactMap { $0.first as? String })
            #expect(ids.isSuperset(of: ["equity-chart", "equity-log-chart", "underwater-chart", "rolling-chart", "exposure-chart", "reliability-chart"]), "\(ids.sorted())")
            #expect(series.allSatisfy { ($0.last as? Int ?? 0) >= 2 }, "\(series)")
            #expect(try await page.evaluate("document.querySelectorAll('#monthly-chart rect').length") as? Int ?? 0 >= 1)
            #expect(try await page.evaluate("document.querySelectorAll('#distribution-chart rect').length") as? Int ?? 0 >= 2)
            // The headline figure shown is the backtest's Sharpe.
            #expect(try await page.evaluate("document.querySelector('[data-key=sharpe] .value').textContent") as? String == String(format: "%.2f", sharpe))
            // The log-scale switch shows the other chart.
            #expect(try await page.evaluate("document.getElementById('logscale').click(); getComputedStyle(document.querySelector('.log')).display !== 'none' && getComputedStyle(document.querySelector('.linear')).display === 'none'") as? Bool == true)
            try await page.screenshot(to: Self.artifacts.appendingPathComponent("report.png").path)
            #expect(page.errors.isEmpty, "console errors: \(page.errors)")
            let foreign = page.requests.filter { !$0.hasPrefix("file://") && !$0.hasPrefix("data:") }
            #expect(foreign.isEmpty, "requests to another host: \(foreign)")
        }
    }

    @Test func aReportOfAStrategyWithNoTradesSaysSo() async throws {
        let w = try CLIJobsTests.workspace("report-none")
        // A threshold no calibrated probability reaches: never a position.
        let f = try Fixtures.write(CLIJobsTests.strategy.replacingOccurrences(of: "name: m1", with: "name: never")
            .replacingOccurrences(of: "threshold: 0.5", with: "threshold: 0.999"), named: "never.yaml", in: w.dir)
        let store = ["--db", w.db, "--features-dir", CLIServeTests.features]
        #expect(try CLI.run(["strategies", "import", f] + store, in: w.dir).status == 0)
        let html = w.dir.appendingPathComponent("never.html").path
        let r = try CLI.run(["report", "--strategy", "never", "--out", html, "--json"] + store, in: w.dir)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("\"trades\" : 0"), "\(r.out.prefix(400))")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("id=\"no-trades\"") && page.contains("No trades over these"))
        #expect(!page.contains("id=\"equity-chart\"") && !page.contains("id=\"distribution-chart\""), "no empty charts are drawn")
    }
}
