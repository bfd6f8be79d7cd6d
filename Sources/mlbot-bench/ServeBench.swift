import Discovery
import Engine
import Foundation
import Market
import MarketData
import Store

extension Bench {
    /// The paper service on the replay feed with a commit per bar-time: 3 symbols × 3 rule
    /// strategies over `MLBOT_BENCH_SERVE_BARS` (default 1,000,000) one-minute bar-times of
    /// synthetic data in a temporary SQLite store. Run from the repository root (reads features/).
    static func serve() throws {
        let n = Int(ProcessInfo.processInfo.environment["MLBOT_BENCH_SERVE_BARS"] ?? "") ?? 1_000_000
        print("Serve: paper service, replay feed at full speed, one SQLite transaction per bar-time, \(n) bar-times, 3 symbols × 3 strategies")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-bench-serve-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try DataStore(path: dir.appendingPathComponent("s.sqlite").path)
        let symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT"]
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: try symbols.map(Symbol.init), interval: .oneMinute, start: 1_704_067_200_000,
                                                              bars: n, seed: 42), into: store, policy: .keepExisting)
        let signals = ["{rule: above, feature: ema_ratio_10_50, level: 0, long_short: true}", "{rule: band, feature: rsi_14, lower: 30, upper: 70}",
                       "{rule: below, feature: bb_percent_b_20_2, level: 0.1}"]
        var names: [String] = []
        for s in symbols {
            for (k, signal) in signals.enumerated() {
                let name = "\(s.lowercased())-\(k)"
                let file = dir.appendingPathComponent("\(name).yaml")
                try "name: \(name)\nsymbol: \(s)\ninterval: 1m\nfeature_set: default\nhorizon: 15\nsignal: \(signal)\nexit: {kind: opposite}\nsizing: {kind: fixed, fraction: 0.05}\n"
                    .write(to: file, atomically: true, encoding: .utf8)
                _ = try StoredStrategy.importFile(file.path, store: store, featuresDirectory: "features", replace: false)
                names.append(name)
            }
        }
        var config = MlbotConfig.builtIn()
        config.risk.maxDailyTrades = 1_000_000
        let began = Date()
        let service = try PaperService(store: store, config: config, catalog: InstrumentCatalog(), job: BacktestJob(target: .names(names), mode: .model))
        let setup = Date().timeIntervalSince(began)
        var decision: [Int64] = [], commit: [Int64] = []
        decision.reserveCapacity(n); commit.reserveCapacity(n)
        var curve: [String] = []
        let start = Date()
        var count = 0, orders = 0
        while let out = try service.step() {
            count += 1
            orders += out.orders.count
            decision.append(service.lastDecision.nanoseconds)
            commit.append(service.lastCommit.nanoseconds)
            if count % 100_000 == 0 { curve.append(String(format: "%dk %.0f MB", count / 1000, residentMB())) }
        }
        let seconds = Date().timeIntervalSince(start)
        func percentile(_ xs: [Int64], _ q: Double) -> Double { Double(xs.sorted()[min(xs.count - 1, Int(q * Double(xs.count)))]) / 1000 }
        print(String(format: "  %-45@ %.1f s: %.0f bar-times/s with commits (%d orders); start-up (load, look-ahead gates) %.1f s",
                     "replay of \(count) bar-times" as NSString, seconds, Double(count) / seconds, orders, setup))
        print(String(format: "  decision per bar-time (bar in → orders out): p50 %.1f µs, p99 %.1f µs", percentile(decision, 0.5), percentile(decision, 0.99)))
        print(String(format: "  commit per bar-time (one transaction): p50 %.1f µs, p99 %.1f µs", percentile(commit, 0.5), percentile(commit, 0.99)))
        print("  resident memory: " + curve.joined(separator: ", "))
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
