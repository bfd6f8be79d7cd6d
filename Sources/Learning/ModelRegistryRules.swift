import Foundation
import Market
import Store

/// `NAME` or `NAME@VERSION`, as the CLI and the control API name a registered model.
public struct ModelReference: Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public let version: Int?

    public init(name: String, version: Int?) {
        self.name = name
        self.version = version
    }

    public init(parsing text: String, requireVersion: Bool) throws {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { throw Failure(.badInput, "expected NAME or NAME@VERSION, got '\(text)'") }
        var version: Int?
        if parts.count == 2 {
            guard let v = Int(parts[1]), v > 0 else { throw Failure(.badInput, "expected a positive version after '@', got '\(parts[1])'") }
            version = v
        }
        if requireVersion && version == nil { throw Failure(.badInput, "expected NAME@VERSION, got '\(text)'") }
        self.init(name: String(parts[0]), version: version)
    }

    public var description: String { version.map { "\(name)@\($0)" } ?? name }
}

/// What may happen to registered models: only a version whose files load may become active, and
/// only a version nothing trades may be deleted. The CLI and the control API both call these.
public enum ModelRegistryRules {
    /// Makes `name@version` active after loading its artifact (a model that cannot load is never activated).
    @discardableResult
    public static func promote(_ store: any ResearchStore, name: String, version: Int) throws -> ModelEntry {
        let entry = try store.models.entry(name, version: version)
        _ = try ModelArtifact.load(URL(fileURLWithPath: entry.path))
        try store.models.promote(name, version: version)
        return try store.models.entry(name, version: version)
    }

    /// Activates the newest version older than the active one, after checking that it loads.
    @discardableResult
    public static func rollback(_ store: any ResearchStore, name: String) throws -> ModelEntry {
        let current = try store.models.entry(name, version: nil)
        guard let previous = try store.models.list(name: name).filter({ $0.version < current.version }).last else {
            throw ModelRegistryError.noEarlierVersion(name)
        }
        return try promote(store, name: name, version: previous.version)
    }

    /// Removes an inactive version that no paper or live strategy trades, then its files.
    @discardableResult
    public static func delete(_ store: any ResearchStore, name: String, version: Int) throws -> ModelEntry {
        let entry = try store.models.entry(name, version: version)
        guard !entry.active else { throw ModelRegistryError.deletingActive("\(name)@\(version)") }
        let users = try store.strategies.list(status: nil).filter {
            ($0.status == .paper || $0.status == .live) && $0.modelName == name && $0.modelVersion == version
        }
        if let user = users.first {
            throw Failure(.refused, "\(name)@\(version) is the model of \(user.status.rawValue) strategy '\(user.name)'; retire the strategy first")
        }
        let removed = try store.models.delete(name, version: version)
        try? FileManager.default.removeItem(atPath: removed.path)
        return removed
    }
}
