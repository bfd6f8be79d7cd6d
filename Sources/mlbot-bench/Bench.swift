import CLinearAlgebra
import Features
import Foundation
import Market
import MarketData
import NumericKit
import Store

/// `mlbot-bench`: timings of the hot paths (run with `swift run -c release mlbot-bench [name…]`).
@main
struct Bench {
    static let all = ["import", "synth", "dgemm", "features"]

    static func main() throws {
        var names = Array(CommandLine.arguments.dropFirst())
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
        MemoryTuning.retainLargeAllocations()
        print("BLAS threads: \(BLASThreads.count), cores: \(ProcessInfo.processInfo.activeProcessorCount)")
        if names.contains("import") { try csvImport() }
        if names.contains("synth") { try synth() }
        if names.contains("dgemm") { try dgemm() }
        if names.contains("features") { try features() }
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

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
