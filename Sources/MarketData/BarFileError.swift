import Market

/// A rejected bar file: which file, where in it, which field, and what was expected.
public struct BarFileError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    public let file: String
    /// "line 12" for CSV, "result.list[3]" for JSON.
    public let location: String
    public let field: String
    public let expected: String

    public init(file: String, location: String, field: String, expected: String) {
        self.file = file
        self.location = location
        self.field = field
        self.expected = expected
    }

    /// Where and what, without the import's promise (the downloader reports the same rules).
    public var message: String { "\(file): \(location): field '\(field)': expected \(expected)" }

    public var description: String { message + "; nothing was imported" }
}
