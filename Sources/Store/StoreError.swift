import Market

/// Failures opening or using the SQLite store, with what the user can do about them.
public enum StoreError: KindedError, Equatable {
    public var kind: ErrorKind {
        switch self {
        case .newerSchema: .refused
        case .cannotOpen: .badInput
        }
    }

    case newerSchema(path: String, unknownMigrations: [String], knownLatest: String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case let .newerSchema(path, unknown, latest):
            return "\(path): the database schema is newer than this mlbot understands "
                + "(it has migration(s) \(unknown.joined(separator: ", ")); this binary knows up to '\(latest)'). "
                + "Upgrade mlbot to open it; the database was not changed."
        case let .cannotOpen(path, reason):
            return "\(path): cannot open the mlbot database: \(reason)"
        }
    }
}
