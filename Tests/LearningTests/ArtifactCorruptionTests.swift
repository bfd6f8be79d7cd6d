import Foundation
import Learning
import TestSupport
import Testing

/// Every way a model directory can be damaged gives a clear error naming the problem, never a
/// crash and never a silently different model.
@Suite(.serialized) struct ArtifactCorruptionTests {
    static let trained: (URL, String) = {
        let (store, dir) = try! trainingFixture()
        let outcome = try! job(smallMLP, dir: dir).run(store: store)
        return (outcome.directory, outcome.manifest.featureSet.hash)
    }()

    /// A copy of the trained model directory to damage.
    func copy() throws -> URL {
        let target = try Fixtures.temporaryDirectory().appendingPathComponent("model")
        try FileManager.default.copyItem(at: Self.trained.0, to: target)
        return target
    }

    func expectFailure(_ dir: URL, featureHash: String? = nil, containing text: String) {
        do {
            _ = try ModelArtifact.load(dir, featureHash: featureHash)
            Issue.record("loaded a damaged model (expected: \(text))")
        } catch let e as ModelLoadError {
            #expect(e.description.contains(text), "\(e)")
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    func edit(_ dir: URL, _ change: (inout String) -> Void) throws {
        let url = dir.appendingPathComponent("model.json")
        var text = try String(contentsOf: url, encoding: .utf8)
        change(&text)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func intactModelLoads() throws {
        _ = try ModelArtifact.load(try copy(), featureHash: Self.trained.1)
    }

    @Test func truncatedWeights() throws {
        let d = try copy()
        let w = d.appendingPathComponent("weights.bin")
        let data = try Data(contentsOf: w)
        try data.prefix(data.count - 13).write(to: w)
        expectFailure(d, containing: "truncated or replaced")
    }

    @Test func flippedWeightByte() throws {
        let d = try copy()
        let w = d.appendingPathComponent("weights.bin")
        var data = try Data(contentsOf: w)
        data[data.count / 2] ^= 0x40
        try data.write(to: w)
        expectFailure(d, containing: "does not match the checksum")
    }

    @Test func missingFiles() throws {
        let d = try copy()
        try FileManager.default.removeItem(at: d.appendingPathComponent("weights.bin"))
        expectFailure(d, containing: "weights.bin is missing")
        let e = try copy()
        try FileManager.default.removeItem(at: e.appendingPathComponent("model.json"))
        expectFailure(e, containing: "model.json is missing")
    }

    @Test func editedDescription() throws {
        let a = try copy()
        try edit(a) { $0 = String($0.prefix($0.count / 2)) }
        expectFailure(a, containing: "not a valid mlbot model description")
        let b = try copy()
        try edit(b) { $0 = $0.replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 9") }
        expectFailure(b, containing: "format version 9 is not supported")
        let c = try copy()
        try edit(c) { $0 = $0.replacingOccurrences(of: "\"kind\" : \"mlp\"", with: "\"kind\" : \"forest\"") }
        expectFailure(c, containing: "unknown model kind 'forest'")
        let d = try copy()
        try edit(d) { $0 = $0.replacingOccurrences(of: "\"rsi_14\",\n", with: "") }
        expectFailure(d, containing: "scaler does not fit 25 features")
    }

    @Test func aDifferentFeatureSetIsRefused() throws {
        expectFailure(try copy(), featureHash: String(repeating: "0", count: 64), containing: "retrain, or restore the set")
    }
}
