import Foundation
import PostgresStore
import Store
import TestSupport

/// The two research stores every repository test runs against: a SQLite file in a temporary
/// folder, and a fresh database on the PostgreSQL server the suite starts (`LocalPostgres`).
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    func open(_ label: String = "t") throws -> any ResearchStore {
        switch self {
        case .sqlite: try DataStore(path: try Fixtures.temporaryDirectory(label).appendingPathComponent("m.sqlite").path)
        case .postgres: try PostgresStore(try PostgresAddress(try LocalPostgres.shared().database(label), environment: [:]),
                                          modelsCache: try Fixtures.temporaryDirectory(label + "-models").path)
        }
    }
}
