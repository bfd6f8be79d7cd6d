import Market

/// A rejected configuration file: file, line, the field's path and what was expected.
public struct ConfigError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    public let file: String
    public let line: Int?
    public let field: String
    public let expected: String

    public init(file: String, line: Int?, field: String, expected: String) {
        self.file = file
        self.line = line
        self.field = field
        self.expected = expected
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field): expected \(expected)"
    }
}
