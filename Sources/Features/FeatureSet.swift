import ConfigFormat
import Foundation
import Hashing

/// A named feature set from `features/<name>.yaml`: indicators with their parameters, the
/// reference symbol for cross-asset features, and the label. Identified by a content hash of its
/// canonical form (comments and layout do not change it).
public struct FeatureSet: Sendable {
    public let name: String
    public let file: String
    public let reference: String?
    public let indicators: [any Indicator]
    public let label: LabelSpec

    public var outputs: [String] { indicators.flatMap(\.outputs) }
    /// First valid row of each output, in output order.
    public var outputWarmUps: [Int] { indicators.flatMap(\.outputWarmUps) }

    /// First row at which every output is valid.
    public var warmUp: Int { indicators.map(\.warmUp).max() ?? 0 }

    public var canonical: String {
        (["set \(name)", "reference \(reference ?? "-")", "label \(label.canonical)"] + indicators.map(\.canonical)).joined(separator: "\n")
    }

    /// SHA-256 of the canonical form.
    public var contentHash: String { Digest.sha256Hex(canonical) }

    public init(name: String, file: String = "<memory>", reference: String?, indicators: [any Indicator], label: LabelSpec) {
        self.name = name
        self.file = file
        self.reference = reference
        self.indicators = indicators
        self.label = label
    }

    /// Loads a feature-set file.
    public static func load(path: String) throws -> FeatureSet {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, field: "file", expected: "a readable UTF-8 feature-set file")
        }
        return try parse(yaml: text, file: path)
    }

    /// The set called `name` in `directory` (`<directory>/<name>.yaml`).
    public static func named(_ name: String, in directory: String = "features") throws -> FeatureSet {
        let path = (directory as NSString).appendingPathComponent("\(name).yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let known = (try? list(in: directory).map(\.name)) ?? []
            throw ConfigError(file: path, line: nil, field: "set",
                              expected: "an existing feature set" + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))"))
        }
        return try load(path: path)
    }

    /// Every `*.yaml` set in `directory`, sorted by name.
    public static func list(in directory: String = "features") throws -> [FeatureSet] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return try files.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { try load(path: (directory as NSString).appendingPathComponent($0)) }
    }

    /// Parses and validates feature-set text; every error names the file, line and field.
    public static func parse(yaml: String, file: String) throws -> FeatureSet {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(["name", "reference", "label", "features"])
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try root.string("name") ?? stem
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw root.error("name", "letters, digits, '_' or '-'")
        }
        let reference = try root.string("reference")
        if let r = reference, r.isEmpty || !r.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) }) {
            throw root.error("reference", "an upper-case symbol like BTCUSDT")
        }
        guard let labelMap = try root.map("label") else { throw root.error("label", "a label section (kind, horizon)") }
        let label = try parseLabel(labelMap)
        guard let entries = try root.maps("features"), !entries.isEmpty else {
            throw root.error("features", "a non-empty list of indicators")
        }
        var indicators: [any Indicator] = []
        var seen: [String: Int] = [:]
        for entry in entries {
            let indicator = try IndicatorCatalog.make(entry, setReference: reference)
            for output in indicator.outputs {
                if let first = seen[output] {
                    throw ConfigError(file: file, line: entry.line, field: "\(entry.path).indicator",
                                      expected: "outputs not already produced: '\(output)' also comes from line \(first)")
                }
                seen[output] = entry.line ?? 0
            }
            indicators.append(indicator)
        }
        return FeatureSet(name: name, file: file, reference: reference, indicators: indicators, label: label)
    }

    static func parseLabel(_ m: YAMLMap) throws -> LabelSpec {
        let kind = try m.string("kind") ?? "direction"
        let horizon = try m.int("horizon", range: 1...100_000) ?? { throw m.error("horizon", "the label horizon in bars (1...100000)") }()
        switch kind {
        case "forward_return":
            try m.requireOnly(["kind", "horizon"])
            return .forwardReturn(horizon: horizon)
        case "direction":
            try m.requireOnly(["kind", "horizon", "dead_zone", "drop_flat"])
            return .direction(horizon: horizon, deadZone: try m.double("dead_zone", range: 0...1) ?? 0,
                              dropFlat: try m.bool("drop_flat") ?? false)
        case "triple_barrier":
            try m.requireOnly(["kind", "horizon", "profit_take", "stop_loss", "atr_period", "dead_zone"])
            return .tripleBarrier(horizon: horizon, profitTake: try m.double("profit_take", range: 0.01...100) ?? 2,
                                  stopLoss: try m.double("stop_loss", range: 0.01...100) ?? 1,
                                  atrPeriod: try m.int("atr_period", range: 1...10_000) ?? 14,
                                  deadZone: try m.double("dead_zone", range: 0...1) ?? 0)
        default:
            throw m.error("kind", "forward_return, direction or triple_barrier, got '\(kind)'")
        }
    }
}

extension FeatureSet {
    /// The same set with another label (features are unchanged).
    public func withLabel(_ label: LabelSpec) -> FeatureSet {
        FeatureSet(name: name, file: file, reference: reference, indicators: indicators, label: label)
    }

    /// The same set with the label's horizon replaced (features are unchanged).
    public func withHorizon(_ h: Int) -> FeatureSet {
        let label: LabelSpec
        switch self.label {
        case .forwardReturn: label = .forwardReturn(horizon: h)
        case let .direction(_, dz, drop): label = .direction(horizon: h, deadZone: dz, dropFlat: drop)
        case let .tripleBarrier(_, pt, sl, atr, dz): label = .tripleBarrier(horizon: h, profitTake: pt, stopLoss: sl, atrPeriod: atr, deadZone: dz)
        }
        return FeatureSet(name: name, file: file, reference: reference, indicators: indicators, label: label)
    }
}
