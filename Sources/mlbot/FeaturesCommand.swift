import ArgumentParser
import ConfigFormat
import Features
import Foundation
import Market
import MarketData
import Store

/// `mlbot features …`: feature sets, computing them, and checking them for look-ahead.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "List, compute and check feature sets (features/*.yaml).",
        discussion: """
            Examples:
              mlbot features list
              mlbot features compute --set default --symbol ETHUSDT --interval 1m --out eth_features.csv
              mlbot features check --set default
            """,
        subcommands: [FeaturesList.self, FeaturesCompute.self, FeaturesCheck.self]
    )
}

/// Where feature sets live.
struct FeatureSetOptions: ParsableArguments {
    @Option(help: "Folder holding the feature-set files.") var featuresDir = "features"
}

struct FeaturesList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List feature sets: outputs, warm-up, label and content hash; and the known indicators.",
        discussion: """
            Example:
              mlbot features list --json
            """
    )
    @OptionGroup var sets: FeatureSetOptions
    @Flag(help: "Print JSON (keys: name, file, hash, reference, label, warm_up, outputs).") var json = false

    struct Row: Encodable {
        let name: String, file: String, hash: String, reference: String?, label: String, warm_up: Int, outputs: [String]
    }

    func run() throws {
        let rows = try FeatureSet.list(in: sets.featuresDir).map {
            Row(name: $0.name, file: $0.file, hash: $0.contentHash, reference: $0.reference, label: $0.label.canonical,
                warm_up: $0.warmUp, outputs: $0.outputs)
        }
        if json {
            try JSONOutput.print(rows)
            return
        }
        if rows.isEmpty { print("no feature sets in \(sets.featuresDir)/") }
        for r in rows {
            print("\(r.name)  (\(r.file), sha256 \(r.hash.prefix(16))…)")
            print("  label: \(r.label); reference: \(r.reference ?? "none"); warm-up: \(r.warm_up) bars")
            print("  \(r.outputs.count) outputs: \(r.outputs.joined(separator: ", "))")
        }
        print("\nindicators:")
        var table = TextTable(["indicator", "parameters", "what"])
        for i in IndicatorCatalog.names { table.add([i.name, i.parameters, i.about]) }
        table.print()
    }
}

struct FeaturesCompute: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute a feature set over stored bars and write CSV (timestamp, then one column per output).",
        discussion: """
            Cells before an output's warm-up are empty. Cross-asset features read the set's reference \
            symbol from the store (same interval).

            Example:
              mlbot features compute --set default --symbol BTCUSDT --interval 1m --from 2024-02-01 --out btc_features.csv
            """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "Feature set name (features/<name>.yaml).") var set = "default"
    @Option(help: "Symbol, e.g. BTCUSDT.") var symbol: String
    @Option(help: "Bar interval, e.g. 1m.") var interval: String
    @Option(help: "First bar time to output (ISO-8601 or epoch); earlier bars still warm the indicators up.") var from: String?
    @Option(help: "Last bar time (ISO-8601 or epoch).") var to: String?
    @Option(help: "Output CSV file, or - for standard output.") var out: String
    @Flag(help: "Add the label as a last column.") var labels = false

    func run() throws {
        let cfg = try global.loadConfig()
        let featureSet = try FeatureSet.named(set, in: sets.featuresDir)
        let store = try global.openStore(cfg, mustExist: true)
        let sym = try Symbol(symbol), iv = try Interval(interval)
        let loaded = try SeriesLoader.load(store, symbol: sym, interval: iv, reference: try featureSet.referenceSymbol(),
                                           from: try self.from.map(UTCTime.parse), to: try self.to.map(UTCTime.parse))
        let frame = FeaturePipeline(featureSet).compute(FeatureInput(loaded.series, reference: loaded.reference))
        let from = loaded.fromMs
        let text = FeatureCSV.render(frame, from: from, includeLabels: labels)
        if out == "-" {
            FileHandle.standardOutput.write(Data(text))
        } else {
            try Data(text).write(to: URL(fileURLWithPath: out), options: .atomic)
            let rows = frame.time.filter { $0 >= from }.count
            print("wrote \(rows) rows × \(frame.names.count) features of set '\(featureSet.name)' (\(sym.name) \(iv.name)) to \(out)")
        }
    }
}

struct FeaturesCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a feature set and test it: no look-ahead, and streaming equals batch.",
        discussion: """
            Runs on seeded synthetic bars (symbol and reference): for random bars t every later bar is \
            altered and no output at or before t may change; then the streaming kernels are replayed \
            bar by bar and must match the batch ones to 1e-9. Exits non-zero naming any failing output.

            Example:
              mlbot features check --set default
            """
    )
    @OptionGroup var sets: FeatureSetOptions
    @Option(help: "Feature set name (features/<name>.yaml).") var set = "default"
    @Option(help: "Bars of synthetic data to test on.") var bars = 5000

    func run() throws {
        let featureSet = try FeatureSet.named(set, in: sets.featuresDir)
        let report = try FeatureSetCheck.run(featureSet, bars: bars)
        print("feature set '\(featureSet.name)' (\(featureSet.file)): \(featureSet.outputs.count) outputs, warm-up \(featureSet.warmUp) bars")
        for line in report.lines { print("  \(line)") }
        if !report.passed { throw ExitCode.failure }
        print("ok: no look-ahead; streaming = batch")
    }
}
