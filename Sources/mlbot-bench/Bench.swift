import CLinearAlgebra
import Backtest
import Discovery
import Portfolio
import Risk
import Features
import Learning
import Foundation
import Market
import MarketData
import NumericKit
import Store

/// `mlbot-bench`: timings of the hot paths (run with `swift run -c release mlbot-bench [name…]`).
@main
struct Bench {
    static let all = ["import", "synth", "dgemm", "features", "train", "backtest", "discover", "portfolio", "risk", "engine", "serve", "serve-bybit", "retrain", "report", "dashboard", "shards"]

    static func main() {
        do { try run() } catch {
            FileHandle.standardError.write(Data("mlbot-bench: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run() throws {
        var names = Array(CommandLine.arguments.dropFirst())
        var returnsFile: String?
        if let k = names.firstIndex(of: "--returns"), k + 1 < names.count { returnsFile = names[k + 1]; names.removeSubrange(k...(k + 1)) }
        if names.contains("--help") || names.contains("-h") {
            print("usage: mlbot-bench [\(all.joined(separator: "|"))]…   (no name: all; build with -c release)")
            return
        }
        if names.isEmpty { names = all }
        names.removeAll { $0.hasPrefix("--") }
        if names.isEmpty { names = all }
        for n in names where !all.contains(n) { throw BenchError("unknown benchmark '\(n)'; known: \(all.joined(separator: ", "))") }
        #if DEBUG
        print("warning: debug build; figures are only meaningful with -c release")
        #endif
        ProcessTuning.configureForParallelKernels()
        print("OpenBLAS threads: \(BLASThreads.count) (mlbot parallelises its own kernels; dgemm below uses 2), cores: \(ProcessInfo.processInfo.activeProcessorCount)")
        if names.contains("import") { try csvImport() }
        if names.contains("synth") { try synth() }
        if names.contains("dgemm") { try dgemm() }
        if names.contains("features") { try features() }
        if names.contains("train") { try train() }
        if names.contains("backtest") { try backtest() }
        if names.contains("discover") { try discover() }
        if names.contains("portfolio") { try portfolio(returnsFile) }
        if names.contains("risk") { risk() }
        if names.contains("engine") { try engine() }
        if names.contains("serve") { try serve() }
        if names.contains("serve-bybit") { try serveBybit() }
        if names.contains("retrain") { try retrain() }
        if names.contains("report") { try report() }
        if names.contains("shards") { try shards() }
        if names.contains("dashboard") { try dashboard() }
    }

    /// One pre-trade check with 50 open positions (51 instruments, full correlation matrix): the
    /// order passes every rule, so every rule is evaluated.
    static func risk() {
        let n = 51
        var rng = SeededRNG(seed: 5)
        let prices = (0..<n).map { _ in 10 + 100 * rng.uniform() }
        var rho = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { rho[i * n + j] = i == j ? 1 : 0.5 * rng.uniform() } }
        let market = MarketSnapshot(instruments: (0..<n).map { "I\($0)" }, lastPrice: prices, correlation: rho)
        var positions = (0..<n).map { i in (rng.uniform() < 0.5 ? -1.0 : 1.0) * 100 / prices[i] }
        positions[n - 1] = 0
        let portfolio = PortfolioSnapshot(cash: 100_000, positions: positions)
        var limits = RiskLimits()
        limits.maxGrossExposure = 2
        let state = RiskState(equity: portfolio.equity(market), timeMs: 0)
        let order = OrderIntent(instrument: n - 1, side: .buy, quantity: 10, limitPrice: prices[n - 1] * 1.001)
        precondition(RiskManager.check(order, portfolio: portfolio, market: market, limits: limits, state: state) == .pass)
        let count = 1_000_000
        var passed = 0
        let seconds = time(3) {
            passed = 0
            // A different quantity each time, so the compiler cannot hoist the pure call out of the loop.
            for k in 0..<count {
                let o = OrderIntent(instrument: order.instrument, side: .buy, quantity: 10 + Double(k & 7) * 0.001, limitPrice: order.limitPrice)
                if RiskManager.check(o, portfolio: portfolio, market: market, limits: limits, state: state) == .pass { passed += 1 }
            }
        }
        precondition(passed == count)
        print("Risk manager, 50 open positions, 51 instruments")
        row("pre-trade check × \(count)", seconds, String(format: "%.0f ns per order", seconds / Double(count) * 1e9))
    }

    /// Optimiser time per method, best of 5, on a returns file (`bench/compare-portfolio.sh`) or
    /// on generated factor-model problems of 50 and 500 assets; long-only, cap 0.3.
    static func portfolio(_ file: String?) throws {
        let problems: [AssetReturns]
        if let file { problems = [try AssetReturns.load(csv: file)] } else {
            problems = try [50, 500].map { n in
                var rng = SeededRNG(seed: UInt64(n))
                let t = 1500, k = 5
                let loadings = (0..<(k * n)).map { _ in rng.normal() }
                var values = [Double](repeating: 0, count: t * n)
                for row in 0..<t {
                    let f = (0..<k).map { _ in 0.01 * rng.normal() }
                    for j in 0..<n {
                        var r = 0.0004 + 0.015 * rng.normal()
                        for q in 0..<k { r += f[q] * loadings[q * n + j] }
                        values[j * t + row] = r
                    }
                }
                return try AssetReturns(names: (0..<n).map { "A\($0)" }, time: (0..<t).map { Int64($0) * 86_400_000 },
                                        matrix: try Matrix(rows: t, columns: n, columnMajor: values))
            }
        }
        for r in problems {
            let f = 365.0
            var sigma = try CovarianceEstimator.sample.estimate(r).matrix
            for i in sigma.storage.indices { sigma.storage[i] *= f }
            let mu = try ExpectedReturns.geometric.estimate(r, periodsPerYear: f)
            print("Portfolio optimiser, \(r.matrix.columns) assets (\(r.matrix.rows) periods, sample covariance, cap 0.3, long-only)")
            let cov = try time(5) { _ = try CovarianceEstimator.sample.estimate(r) }
            row("sample covariance", cov, "")
            for method in OptimizationMethod.allCases {
                var a: Allocation?
                let s = try time(5) {
                    a = try PortfolioOptimizer.optimize(method, names: r.names, covariance: sigma, expectedReturns: mu, bounds: WeightBounds(cap: 0.3))
                }
                let v = a!.volatility * a!.volatility
                row(method.rawValue + String(format: " (%.3f ms)", s * 1000), s, String(format: "variance %.12g  Sharpe %.12g  KKT %.1e  %d at cap", v, a!.sharpe ?? .nan, a!.kktResidual ?? .nan, a!.atCap.count))
            }
        }
    }

    /// The shipped search space (config/discovery.yaml, run from the repository root) over three
    /// synthetic symbols × 500,000 one-minute bars, on every core; the top-K saving step is left
    /// out so the figure is the search itself.
    static func discover() throws {
        let symbols = try ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map(Symbol.init)
        let n = 500_000
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try DataStore(path: dir.appendingPathComponent("d.sqlite").path)
        _ = try SyntheticData.generate(SyntheticMarket.Config(symbols: symbols, interval: .oneMinute, start: 1_704_067_200_000, bars: n, seed: 42),
                                       into: store, policy: .keepExisting)
        var space = try SearchSpace.load(path: "config/discovery.yaml")
        space.settings.topK = 0
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("Discovery: config/discovery.yaml (\(space.modelKeys.count) models × \(space.ruleVariants.count) rule variants), 3 symbols × \(n) one-minute bars, \(cores) workers")
        let start = ContinuousClock.now
        let outcome = try DiscoveryRun.run(DiscoveryRequest(space: space, runId: "bench", seed: 42, workers: cores, modelsDirectory: dir.path), store: store)
        let d = ContinuousClock.now - start
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        guard case .complete(let report) = outcome else { throw BenchError("discovery did not complete") }
        let models = report.evaluatedPerRung.map { $0 / space.ruleVariants.count }
        row("search (\(report.trials) configurations)", seconds, String(format: "%.0f configurations/min", Double(report.trials) / seconds * 60))
        print("  models trained per rung \(models.map(String.init).joined(separator: " → ")) (\(String(format: "%.1f", Double(models.reduce(0, +)) / seconds * 60)) models/min); "
              + "\(report.candidatesRanked) ranked; peak resident memory \(String(format: "%.0f", peakResidentMB())) MB")
    }

    /// Best wall time of `repeats` runs, in seconds.
    static func time(_ repeats: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            try body()
            let d = ContinuousClock.now - start
            best = min(best, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return best
    }

    static func row(_ name: String, _ seconds: Double, _ rate: String) {
        print("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%8.3f s", seconds))   \(rate)")
    }

    static func rate(_ n: Double, _ s: Double, _ unit: String) -> String {
        String(format: "%.2f M %@/s", n / s / 1e6, unit)
    }

    static func csvImport() throws {
        let n = 1_000_000
        print("CSV import, \(n) one-minute bars")
        let symbol = try Symbol("BTCUSDT")
        let config = SyntheticMarket.Config(symbols: [symbol], interval: .oneMinute, start: 1_704_067_200_000, bars: n, seed: 1)
        let series = try SyntheticMarket(config).generate()[0]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("bars.csv").path
        try BarExporter.write(series, to: csv)
        let size = (try FileManager.default.attributesOfItem(atPath: csv)[.size] as? Int) ?? 0
        print(String(format: "  file: %.1f MB", Double(size) / 1e6))

        let parse = try time { _ = try BarFileReader.read(path: csv, interval: .oneMinute) }
        row("read + validate", parse, rate(Double(n), parse, "bars"))
        var k = 0
        let full = try time(2) {
            k += 1
            let store = try DataStore(path: dir.appendingPathComponent("db\(k).sqlite").path)
            _ = try BarImporter.importFile(csv, symbol: symbol, interval: .oneMinute, into: store)
        }
        row("import into a new SQLite store (1 transaction)", full, rate(Double(n), full, "bars"))
        let store = try DataStore(path: dir.appendingPathComponent("db1.sqlite").path)
        let again = try time(1) { _ = try BarImporter.importFile(csv, symbol: symbol, interval: .oneMinute, into: store) }
        row("re-import of the same file (no change)", again, rate(Double(n), again, "bars"))
    }

    static func synth() throws {
        let symbols = try ["BTCUSDT", "ETHUSDT", "SOLUSDT"].map(Symbol.init)
        let perSymbol = 333_334
        let total = Double(perSymbol * symbols.count)
        print("Synthetic data, 3 symbols × \(perSymbol) one-minute bars")
        let config = SyntheticMarket.Config(symbols: symbols, interval: .oneMinute, start: 1_704_067_200_000, bars: perSymbol, seed: 42)
        let generate = try time { _ = try SyntheticMarket(config).generate() }
        row("generate", generate, rate(total, generate, "bars"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var k = 0
        let stored = try time(2) {
            k += 1
            let store = try DataStore(path: dir.appendingPathComponent("s\(k).sqlite").path)
            _ = try SyntheticData.generate(config, into: store, policy: .keepExisting)
        }
        row("generate + store (1 transaction)", stored, rate(total, stored, "bars"))
    }

    static func dgemm() throws {
        // A single large dgemm is where OpenBLAS's own threads do pay: measure with 2.
        BLASThreads.set(2)
        defer { BLASThreads.set(1) }
        let n = 2048
        print("dgemm \(n)×\(n) (best of 5)")
        var rng = SeededRNG(seed: 5)
        let a = try Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { _ in rng.normal() })
        let b = try Matrix(rows: n, columns: n, columnMajor: (0..<(n * n)).map { _ in rng.normal() })
        var c = Matrix(rows: n, columns: n)
        let flops = 2 * pow(Double(n), 3)
        let wrapper = try time(5) { try BLAS.gemm(a, b, into: &c) }
        var raw = [Double](repeating: 0, count: n * n)
        let direct = time(5) {
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n), 1,
                        a.storage, blasint(n), b.storage, blasint(n), 0, &raw, blasint(n))
        }
        row("through NumericKit.BLAS.gemm", wrapper, String(format: "%.1f GFLOP/s", flops / wrapper / 1e9))
        row("cblas_dgemm called directly", direct, String(format: "%.1f GFLOP/s", flops / direct / 1e9))
        if raw != c.storage { throw BenchError("wrapper and direct dgemm disagree") }
    }
}

extension Bench {
    /// The default feature set over 1,000,000 one-minute bars, batch and streaming.
    static func features() throws {
        let n = 1_000_000
        print("Features: default set over \(n) one-minute bars (ETHUSDT with reference BTCUSDT)")
        let symbols = try ["BTCUSDT", "ETHUSDT"].map(Symbol.init)
        let config = SyntheticMarket.Config(symbols: symbols, interval: .oneMinute, start: 1_704_067_200_000, bars: n, seed: 42)
        let generated = try SyntheticMarket(config).generate()
        let set = try FeatureSet.named("default")
        let pipeline = FeaturePipeline(set)
        var input: FeatureInput?
        let prepare = time { input = FeatureInput(generated[1], reference: generated[0]) }
        row("input columns (log closes, reference alignment)", prepare, rate(Double(n), prepare, "bars"))
        let x = input!
        let cold = time(1) { _ = pipeline.compute(x, threads: 2) }
        row("batch, first run (fresh memory), 2 threads", cold, rate(Double(n), cold, "bars"))
        for threads in [1, 2] {
            var frame: FeatureFrame?
            let t = time(5) { frame = pipeline.compute(x, threads: threads) }
            row("batch, \(set.outputs.count) outputs + labels, \(threads) thread(s)", t, rate(Double(n), t, "bars"))
            if frame!.trainingRows().isEmpty { throw BenchError("no training rows") }
        }
        if CommandLine.arguments.contains("--detail") {
            for ind in set.indicators {
                let one = FeaturePipeline(FeatureSet(name: "one", reference: set.reference, indicators: [ind], label: .forwardReturn(horizon: 1)))
                let t = time(3) { _ = one.compute(x, threads: 1) }
                row("  \(ind.canonical)", t, "")
            }
            let labels = time(3) { _ = set.label.compute(x) }
            row("  labels", labels, "")
        }
        let streamed = time(1) {
            let s = pipeline.makeStream()
            for i in 0..<n { s.update(x.bar(i)) }
        }
        row("streaming, whole set, per bar", streamed, String(format: "%.0f ns/bar", streamed / Double(n) * 1e9))
    }
}

extension Bench {
    /// Ridge, logistic and one MLP epoch on 1,000,000 × 64, as bench/sklearn_train.py does.
    static func train() throws {
        let n = 1_000_000, k = 64
        print("Training on \(n) × \(k) (standardised Gaussian features, logistic ground truth)")
        var rng = SeededRNG(seed: 7)
        let x = try Matrix(rows: n, columns: k, columnMajor: (0..<(n * k)).map { _ in rng.normal() })
        let truth = (0..<k).map { _ in 0.2 * rng.normal() }
        var margin = [Double](repeating: 0, count: n)
        try BLAS.gemv(x, truth, into: &margin)
        let y = margin.map { rng.uniform() < 1 / (1 + exp(-$0)) ? 1.0 : 0.0 }

        let syrk = time(3) { _ = BLAS.syrk(x) }
        row("syrk XᵀX (the normal-equations step)", syrk, String(format: "%.1f GFLOP/s (n·k² flops)", Double(n) * Double(k * k) / syrk / 1e9))
        let gemm = time(3) { _ = try? BLAS.multiply(x, x, transA: .transpose) }
        row("dgemm XᵀX for comparison (2·n·k² flops)", gemm, String(format: "%.1f GFLOP/s", 2 * Double(n) * Double(k * k) / gemm / 1e9))

        var ridge: RidgeRegression?
        let tr = try time(3) { ridge = try RidgeRegression.fit(x: x, y: y, lambda: 1) }
        row("ridge (syrk + Cholesky)", tr, "solver \(ridge!.solver)")
        var logistic: LogisticRegression?
        let tl = try time(3) { logistic = try LogisticRegression.fit(x: x, y: y, lambda: 1) }
        row("logistic (Newton/IRLS, λ = 1)", tl, "\(logistic!.iterations) iterations")
        let tt = time(2) { _ = x.transposed() }
        row("  (of which: row-major copy for batch gathering)", tt, "")
        var o = MLPClassifier.Options()
        o.hidden = [64, 32]; o.maxEpochs = 1; o.batchSize = 512; o.validationFraction = 0.0001
        let te = time(2) { _ = MLPClassifier.fit(x: x, y: y, options: o) }
        row("MLP (64, 32), one epoch, Adam, batch 512", te, rate(Double(n), te, "rows"))

        // The realistic problem: the default feature set over 1,000,800 synthetic 1m bars of ETHUSDT
        // (what `mlbot data synth --symbols BTCUSDT,ETHUSDT --days 695` stores), label = 15-bar
        // forward return > 0; bench/sklearn_train.py --features FILE runs scikit-learn on the same.
        let bars = 695 * 1440
        let market = try SyntheticMarket(SyntheticMarket.Config(symbols: try ["BTCUSDT", "ETHUSDT"].map(Symbol.init), interval: .oneMinute,
                                                                start: 1_704_067_200_000, bars: bars, seed: 42)).generate()
        let set = try FeatureSet.named("default").withLabel(.forwardReturn(horizon: 15))
        let frame = FeaturePipeline(set).compute(FeatureInput(market[1], reference: market[0]))
        let data = Dataset(frame, closes: market[1].close)
        let z = Standardizer(fitting: data.x).transform(data.x)
        var real: LogisticRegression?
        let treal = try time(3) { real = try LogisticRegression.fit(x: z, y: data.y, lambda: 1) }
        row("logistic on the default feature set (\(data.count) × \(data.features))", treal, "\(real!.iterations) iterations")

        // One-row prediction through the whole trained pipeline: scaler → model → calibration.
        let scaler = Standardizer(fitting: x)
        let model = TrainedModel(scaler: scaler, model: .logistic(logistic!), calibration: .platt(a: 1, b: 0))
        let rowValues = (0..<k).map { x[123, $0] }
        let reps = 200_000
        var sink = 0.0
        let tp = try time(3) { for _ in 0..<reps { sink += try model.probability(rowValues) } }
        row("logistic: predict one row (scaler + model + Platt)", tp, String(format: "%.0f ns/row", tp / Double(reps) * 1e9))
        let mlp = TrainedModel(scaler: scaler, model: .mlp(MLPClassifier(inputs: k, hidden: [64, 32], seed: 1)), calibration: .platt(a: 1, b: 0))
        let tm = try time(3) { for _ in 0..<(reps / 10) { sink += try mlp.probability(rowValues) } }
        row("MLP (64, 32): predict one row", tm, String(format: "%.0f ns/row", tm / Double(reps / 10) * 1e9))
        if sink.isNaN { print("") }
    }
}

extension Bench {
    /// The moving-average-cross grid of the discovery issue: fast 5–50 step 5 × slow 20–200 step 20
    /// (100 combinations) over 1,000,000 one-minute bars with fees and slippage.
    static func backtest() throws {
        let n = 1_000_000
        print("Backtest kernel: MA-cross grid, 100 combinations × \(n) one-minute bars (fee 0.055 %, slippage 1 bp)")
        let b = try SyntheticMarket(SyntheticMarket.Config(symbols: [try Symbol("BTCUSDT")], interval: .oneMinute,
                                                           start: 1_704_067_200_000, bars: n, seed: 42)).generate()[0]
        let fast = Array(stride(from: 5, through: 50, by: 5)), slow = Array(stride(from: 20, through: 200, by: 20))
        let before = peakResidentMB()
        var results: [MovingAverageCross.GridResult] = []
        for threads in [1, 2] {
            let t = time(3) { results = MovingAverageCross.grid(b, fast: fast, slow: slow, model: ExecutionModel(), threads: threads) }
            row("grid, \(threads) thread(s)", t, String(format: "%.0f combinations/s, %.0f M bar-steps/s", Double(results.count) / t, Double(results.count * n) / t / 1e6))
        }
        let best = results.filter { $0.metrics.trades > 0 }.max { $0.metrics.sharpe < $1.metrics.sharpe }!
        print(String(format: "  peak resident memory of the process: %.0f MB (%.0f MB before the grid, bars included)", peakResidentMB(), before))
        print(String(format: "  best by Sharpe: fast %d, slow %d, Sharpe %.2f, %d trades (in-sample, uncorrected: not a strategy)",
                     best.fast, best.slow, best.metrics.sharpe, best.metrics.trades))
    }

    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// A size a benchmark reads from the environment (to run it smaller or larger), else its default.
    static func setting(_ name: String, _ fallback: Int) -> Int { Int(ProcessInfo.processInfo.environment[name] ?? "") ?? fallback }

    /// A new folder for one benchmark's stores and files (the caller removes it).
    static func scratchDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mlbot-bench-\(label)-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The `mlbot` built beside this bench (same build folder), if there is one: the benchmarks
    /// that measure the service or a job as a separate process start it.
    static func siblingMlbot() -> URL? {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let url = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("mlbot")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
