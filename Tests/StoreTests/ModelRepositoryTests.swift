import Foundation
import Market
@testable import PostgresStore
import Store
import TestSupport
import Testing

/// The model registry on both backends: versions never reused, one active per name, and on
/// PostgreSQL the artifact in the database with `models/` as a cache checked by SHA-256.
@Suite struct ModelRepositoryTests {
    /// An artifact folder with two files, as `TrainingJob` writes one.
    static func artifact(_ name: String, _ version: Int, weights: String) throws -> URL {
        let dir = try Fixtures.temporaryDirectory("artifact").appendingPathComponent(name).appendingPathComponent(String(version))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("{\"name\":\"\(name)\",\"version\":\(version)}".utf8).write(to: dir.appendingPathComponent("model.json"))
        try Data(weights.utf8).write(to: dir.appendingPathComponent("weights.bin"))
        return dir
    }

    static func entry(_ name: String, _ version: Int, at dir: URL) -> ModelEntry {
        ModelEntry(name: name, version: version, kind: "logistic", path: dir.path, featureSet: "default", featureHash: "fh", symbol: "ETHUSDT",
                   interval: "1m", createdMs: Int64(version), active: false, summary: "AUC 0.5")
    }

    @Test(arguments: Backend.allCases) func versionsAreIssuedOnceAndOneIsActive(_ backend: Backend) throws {
        let s = try backend.open("models"), m = s.models
        #expect(try m.nextVersion("eth") == 1)
        try m.register(Self.entry("eth", 1, at: try Self.artifact("eth", 1, weights: "w1")), activate: false)
        try m.register(Self.entry("eth", 2, at: try Self.artifact("eth", 2, weights: "w2")), activate: false)
        #expect(try m.entry("eth", version: nil).version == 1, "the first version of a name becomes active; later ones only when asked")
        try m.register(Self.entry("eth", 3, at: try Self.artifact("eth", 3, weights: "w3")), activate: true)
        #expect(try m.entry("eth", version: nil).version == 3 && m.list(name: "eth").filter(\.active).map(\.version) == [3])
        try m.promote("eth", version: 2)
        #expect(try m.list(name: nil).map { "\($0.reference) \($0.active)" } == ["eth@1 false", "eth@2 true", "eth@3 false"])
        #expect(throws: ModelRegistryError.deletingActive("eth@2")) { try m.delete("eth", version: 2) }
        _ = try m.delete("eth", version: 3)
        #expect(try m.nextVersion("eth") == 4, "a deleted version's number is not issued again")
        #expect(throws: ModelRegistryError.unknown("eth@3")) { try m.entry("eth", version: 3) }
        #expect(throws: ModelRegistryError.unknown("btc")) { try m.entry("btc", version: nil) }
        #expect(throws: ModelRegistryError.unknown("eth@9")) { try m.promote("eth", version: 9) }
    }

    @Test func onPostgresTheArtifactIsInTheDatabaseAndTheFolderACheckedCache() throws {
        let s = try Backend.postgres.open("model-cache") as! PostgresStore
        let source = try Self.artifact("sol", 1, weights: "weights of sol")
        try s.models.register(Self.entry("sol", 1, at: source), activate: true)
        let e = try s.models.entry("sol", version: 1)
        let cached = URL(fileURLWithPath: e.path)
        #expect(cached.path == s.modelsCache.appendingPathComponent("sol/1").path && cached.path != source.path)
        #expect(try Data(contentsOf: cached.appendingPathComponent("weights.bin")) == Data("weights of sol".utf8))
        // A damaged or missing cached file is written again from the database.
        try Data("tampered".utf8).write(to: cached.appendingPathComponent("weights.bin"))
        try FileManager.default.removeItem(at: cached.appendingPathComponent("model.json"))
        _ = try s.models.entry("sol", version: nil)
        #expect(try Data(contentsOf: cached.appendingPathComponent("weights.bin")) == Data("weights of sol".utf8))
        #expect(try Data(contentsOf: cached.appendingPathComponent("model.json")) == Data(contentsOf: source.appendingPathComponent("model.json")))
        // A version with the same bytes shares the blob; deleting a version keeps what another uses.
        let twin = try Self.artifact("sol", 2, weights: "weights of sol")
        try s.models.register(Self.entry("sol", 2, at: twin), activate: false)
        #expect(try s.db.rows("SELECT count(*) FROM model_blobs").first!.decode(Int.self) == 3)
        _ = try s.models.delete("sol", version: 2)
        #expect(try s.db.rows("SELECT count(*) FROM model_blobs").first!.decode(Int.self) == 2)
        // A folder without files is refused before anything is registered.
        let empty = try Fixtures.temporaryDirectory("empty-artifact")
        #expect { try s.models.register(Self.entry("sol", 3, at: empty), activate: false) } throws: { "\($0)".contains("no artifact files") }
        #expect(try s.models.list(name: "sol").map(\.version) == [1])
    }
}
