import Market
import Foundation
import Hashing
import NumericKit

/// `models/<name>/<version>/`: `model.json` (everything about the model, no timestamps, sorted
/// keys: the same training gives the same bytes) and `weights.bin` (every parameter as
/// little-endian Float64, checksummed in model.json). Loading checks all of it.
public struct ModelManifest: Sendable, Equatable, Codable {
    /// The first bar the model may decide on: its last training sample's label reads `horizon`
    /// bars past it, so it trades only after those.
    public func tradeableFromMs(intervalMs: Int64) -> Int64 { data.lastMs + Int64(horizon + 1) * intervalMs }

    public static let formatVersion = 1
    public static let codeVersion = "mlbot 0.1.0"

    public var formatVersion: Int
    public var name: String
    public var version: Int
    public var kind: String
    public var hyperparameters: [String: String]
    public var featureSet: FeatureSetRef
    public var symbol: String
    public var interval: String
    public var data: DataRange
    public var label: String
    public var horizon: Int
    public var cv: CVSettings
    public var scaler: Standardizer
    public var calibration: Calibration
    public var metrics: Summary
    public var codeVersion: String
    public var seed: UInt64
    public var weights: WeightsRef

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", name, version, kind, hyperparameters, featureSet = "feature_set", symbol, interval,
             data, label, horizon, cv, scaler, calibration, metrics, codeVersion = "code_version", seed, weights
    }

    /// The feature set the model was trained on.
    public struct FeatureSetRef: Sendable, Equatable, Codable {
        public var name: String
        public var hash: String
        public var outputs: [String]
    }

    /// Bars the training rows came from.
    public struct DataRange: Sendable, Equatable, Codable {
        public var firstMs: Int64
        public var lastMs: Int64
        public var samples: Int
        enum CodingKeys: String, CodingKey { case firstMs = "first_ms", lastMs = "last_ms", samples }
    }

    /// How it was evaluated.
    public struct CVSettings: Sendable, Equatable, Codable {
        public var folds: Int
        public var mode: String
        public var embargo: Int
        public var calibration: String
    }

    /// Out-of-fold metrics (calibrated) and per fold (raw).
    public struct Summary: Sendable, Equatable, Codable {
        public var overall: Metrics
        public var ece: Double
        public var eceUncalibrated: Double
        public var folds: [FoldReport]
        enum CodingKeys: String, CodingKey { case overall, ece, eceUncalibrated = "ece_uncalibrated", folds }
    }

    /// Where the weights are and what they must look like.
    public struct WeightsRef: Sendable, Equatable, Codable {
        public var file: String
        public var sha256: String
        public var count: Int
        public var shapes: [[Int]]
    }
}

/// A clear reason a model directory cannot be used.
public struct ModelLoadError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }
}

public enum ModelArtifact {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Writes `manifest` (its weights block is filled in here) and the weights of `model` into
    /// `directory`, atomically: a partial model never appears under the final name.
    public static func save(_ model: TrainedModel, manifest: ModelManifest, to directory: URL) throws -> ModelManifest {
        let (values, shapes) = model.model.parameters
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        var m = manifest
        m.weights = .init(file: "weights.bin", sha256: Digest.hex(Digest.sha256(bytes)), count: values.count, shapes: shapes)
        let fm = FileManager.default
        let staging = directory.deletingLastPathComponent().appendingPathComponent(".staging-\(directory.lastPathComponent)-\(UUID().uuidString)")
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try Data(bytes).write(to: staging.appendingPathComponent("weights.bin"))
            try encoder().encode(m).write(to: staging.appendingPathComponent("model.json"))
            if fm.fileExists(atPath: directory.path) { try fm.removeItem(at: directory) }
            try fm.moveItem(at: staging, to: directory)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        return m
    }

    /// Loads and checks a model directory; with `featureHash`, the model must have been trained
    /// on exactly that feature set.
    public static func load(_ directory: URL, featureHash: String? = nil) throws -> (ModelManifest, TrainedModel) {
        let path = directory.path
        func fail(_ problem: String) -> ModelLoadError { ModelLoadError(path: path, problem: problem) }
        guard let json = FileManager.default.contents(atPath: directory.appendingPathComponent("model.json").path) else {
            throw fail("model.json is missing or unreadable")
        }
        // The format version first, so a newer format is reported as such rather than as a decode error.
        if let probe = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let fv = probe["format_version"] as? Int,
           fv != ModelManifest.formatVersion {
            throw fail("model format version \(fv) is not supported (this mlbot reads version \(ModelManifest.formatVersion))")
        }
        let m: ModelManifest
        do { m = try decoder().decode(ModelManifest.self, from: json) } catch {
            throw fail("model.json is not a valid mlbot model description (\(describe(error)))")
        }
        if let featureHash, featureHash != m.featureSet.hash {
            throw fail("trained on feature set '\(m.featureSet.name)' with hash \(m.featureSet.hash.prefix(12))…, but the set now hashes to \(featureHash.prefix(12))… — retrain, or restore the set it was trained on")
        }
        guard let bytes = FileManager.default.contents(atPath: directory.appendingPathComponent(m.weights.file).path) else {
            throw fail("\(m.weights.file) is missing or unreadable")
        }
        guard bytes.count == m.weights.count * 8 else {
            throw fail("\(m.weights.file) has \(bytes.count) bytes; model.json promises \(m.weights.count) weights (\(m.weights.count * 8) bytes) — truncated or replaced")
        }
        guard Digest.hex(Digest.sha256(Array(bytes))) == m.weights.sha256 else {
            throw fail("\(m.weights.file) does not match the checksum in model.json — the file was changed")
        }
        let values: [Double] = bytes.withUnsafeBytes { raw in
            (0..<m.weights.count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
        }
        guard values.allSatisfy(\.isFinite) else { throw fail("\(m.weights.file) holds NaN or infinite weights") }
        let k = m.featureSet.outputs.count
        guard m.scaler.mean.count == k, m.scaler.scale.count == k, m.scaler.scale.allSatisfy({ $0 > 0 && $0.isFinite }),
              m.scaler.mean.allSatisfy(\.isFinite)
        else { throw fail("the scaler does not fit \(k) features") }
        let expected = m.weights.shapes.map { $0.reduce(1, *) }.reduce(0, +)
        guard expected == m.weights.count else { throw fail("weight shapes \(m.weights.shapes) do not add up to \(m.weights.count)") }
        let fitted: FittedModel
        switch m.kind {
        case "ridge", "logistic":
            guard m.weights.shapes == [[k], [1]] else { throw fail("a \(m.kind) model over \(k) features needs shapes [[\(k)], [1]], found \(m.weights.shapes)") }
            let coefficients = Array(values[0..<k]), intercept = values[k]
            if m.kind == "ridge" {
                fitted = .ridge(RidgeRegression(coefficients: coefficients, intercept: intercept, solver: m.hyperparameters["solver"] ?? "cholesky"))
            } else {
                fitted = .logistic(LogisticRegression(coefficients: coefficients, intercept: intercept, iterations: 0))
            }
        case "mlp":
            let shapes = m.weights.shapes
            guard shapes.count >= 4, shapes.count % 2 == 0, shapes[0].first == k, shapes.last == [1] else {
                throw fail("MLP weight shapes \(shapes) do not start at \(k) inputs and end in 1 output")
            }
            var sizes = [k], weights: [[Double]] = [], biases: [[Double]] = []
            var offset = 0
            for l in 0..<(shapes.count / 2) {
                let w = shapes[2 * l], b = shapes[2 * l + 1]
                guard w.count == 2, w[0] == sizes.last, b == [w[1]] else { throw fail("MLP layer \(l + 1) has inconsistent shapes \(w), \(b)") }
                weights.append(Array(values[offset..<(offset + w[0] * w[1])])); offset += w[0] * w[1]
                biases.append(Array(values[offset..<(offset + w[1])])); offset += w[1]
                sizes.append(w[1])
            }
            var mlp = MLPClassifier(inputs: k, hidden: Array(sizes.dropFirst().dropLast()), seed: 0)
            mlp.weights = weights
            mlp.biases = biases
            fitted = .mlp(mlp)
        default:
            throw fail("unknown model kind '\(m.kind)' (expected ridge, logistic or mlp)")
        }
        if case let .isotonic(xs, ps) = m.calibration, xs.count != ps.count || xs.isEmpty {
            throw fail("the isotonic calibration table is malformed")
        }
        return (m, TrainedModel(scaler: m.scaler, model: fitted, calibration: m.calibration))
    }

    static func describe(_ e: Error) -> String {
        guard let d = e as? DecodingError else { return "\(e)" }
        func path(_ c: [CodingKey]) -> String { c.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined() }
        switch d {
        case let .keyNotFound(k, c): return "missing \(path(c.codingPath + [k]))"
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(d)"
        }
    }
}
