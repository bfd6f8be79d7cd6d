/// A rejected configuration file: file, line, the field's path and what was expected.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let field: String
    public let expected: String

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field): expected \(expected)"
    }
}
