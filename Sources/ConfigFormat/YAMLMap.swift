import Yams

/// A YAML mapping read field by field: every lookup knows its dotted path and source line, unknown
/// keys are errors (a typo must not silently fall back to a default).
public struct YAMLMap {
    let file: String
    /// Dotted path of this mapping in the document (empty at the root).
    public let path: String
    let node: Node
    private let pairs: [(key: String, value: Node, line: Int?)]

    /// Parses `text`; an empty document is an empty mapping.
    public init(yaml text: String, file: String) throws {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, _) {
            let key = duplicates.sorted().first ?? ""
            throw ConfigError(file: file, line: Self.secondOccurrence(of: key, in: text), field: key, expected: "each key once")
        } catch let e as YamlError {
            throw ConfigError(file: file, line: Self.line(of: e), field: "document", expected: "valid YAML (\(e))")
        }
        try self.init(node: root ?? Node.mapping(.init([])), file: file, path: "")
    }

    init(node: Node, file: String, path: String) throws {
        guard case let .mapping(mapping) = node else {
            throw ConfigError(file: file, line: node.mark?.line, field: path.isEmpty ? "document" : path, expected: "a mapping of key: value")
        }
        var seen = Set<String>()
        var pairs: [(String, Node, Int?)] = []
        for (k, v) in mapping {
            guard let key = k.string else {
                throw ConfigError(file: file, line: k.mark?.line, field: path.isEmpty ? "document" : path, expected: "string keys")
            }
            guard seen.insert(key).inserted else {
                throw ConfigError(file: file, line: k.mark?.line, field: Self.join(path, key), expected: "each key once")
            }
            pairs.append((key, v, k.mark?.line))
        }
        self.file = file
        self.path = path
        self.node = node
        self.pairs = pairs
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Yams reports duplicate keys without the duplicate's position; find the line that repeats it.
    static func secondOccurrence(of key: String, in text: String) -> Int? {
        var seen = false
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.drop { $0 == " " || $0 == "\t" }
            guard t.hasPrefix(key + ":") || t.hasPrefix("\"\(key)\":") else { continue }
            if seen { return i + 1 }
            seen = true
        }
        return nil
    }

    static func line(of e: YamlError) -> Int? {
        switch e {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default: return nil
        }
    }

    /// Rejects keys outside `allowed`.
    public func requireOnly(_ allowed: Set<String>) throws {
        for p in pairs where !allowed.contains(p.key) {
            throw ConfigError(file: file, line: p.line, field: Self.join(path, p.key),
                              expected: "one of the known keys: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    public func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

    func value(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    /// An error pointing at `key` (or at this mapping when it is absent).
    public func error(_ key: String, _ expected: String) -> ConfigError {
        ConfigError(file: file, line: value(key)?.mark?.line ?? node.mark?.line, field: Self.join(path, key), expected: expected)
    }

    public func string(_ key: String) throws -> String? {
        guard let v = value(key) else { return nil }
        guard case let .scalar(s) = v else { throw error(key, "a string") }
        return s.string
    }

    public func int(_ key: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = v.int else { throw error(key, "an integer" + (range.map { " in \($0.lowerBound)...\($0.upperBound)" } ?? "")) }
        if let range, !range.contains(i) { throw error(key, "an integer in \(range.lowerBound)...\(range.upperBound), got \(i)") }
        return i
    }

    public func double(_ key: String, range: ClosedRange<Double>? = nil) throws -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = v.float, d.isFinite else { throw error(key, "a number" + (range.map { " in \($0.lowerBound)...\($0.upperBound)" } ?? "")) }
        if let range, !range.contains(d) { throw error(key, "a number in \(range.lowerBound)...\(range.upperBound), got \(d)") }
        return d
    }

    public func strings(_ key: String) throws -> [String]? {
        guard let v = value(key) else { return nil }
        guard case let .sequence(seq) = v else { throw error(key, "a list, e.g. [BTCUSDT, ETHUSDT]") }
        return try seq.map { item in
            guard case let .scalar(s) = item else { throw error(key, "a list of strings") }
            return s.string
        }
    }

    /// A number or a list of numbers (a search-space axis), each checked against `range`.
    public func doubles(_ key: String, range: ClosedRange<Double>) throws -> [Double]? {
        try axis(key, "a number or a list of numbers in \(range.lowerBound)...\(range.upperBound)") { n in
            n.float.flatMap { $0.isFinite && range.contains($0) ? $0 : nil }
        }
    }

    /// An integer or a list of integers (a search-space axis), each checked against `range`.
    public func ints(_ key: String, range: ClosedRange<Int>) throws -> [Int]? {
        try axis(key, "an integer or a list of integers in \(range.lowerBound)...\(range.upperBound)") { n in
            n.int.flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// true/false or a list of them (a search-space axis).
    public func bools(_ key: String) throws -> [Bool]? {
        try axis(key, "true, false or a list of them") { $0.bool }
    }

    /// One scalar or a non-empty list of them, each converted (nil from `convert` is an error).
    private func axis<T>(_ key: String, _ what: String, _ convert: (Node) -> T?) throws -> [T]? {
        guard let v = value(key) else { return nil }
        let items: [Node]
        if case let .sequence(seq) = v { items = Array(seq) } else { items = [v] }
        guard !items.isEmpty else { throw error(key, what) }
        return try items.map { item in
            guard let x = convert(item) else { throw error(key, what) }
            return x
        }
    }

    /// A mapping or a list of mappings (a search-space axis of sections).
    public func mapOrMaps(_ key: String) throws -> [YAMLMap]? {
        guard let v = value(key) else { return nil }
        if case .sequence = v { return try maps(key) }
        return [try YAMLMap(node: v, file: file, path: Self.join(path, key))]
    }

    /// A list of mappings (e.g. feature entries), each still knowing its own line.
    public func maps(_ key: String) throws -> [YAMLMap]? {
        guard let v = value(key) else { return nil }
        guard case let .sequence(seq) = v else { throw error(key, "a list of mappings") }
        return try seq.enumerated().map { i, item in try YAMLMap(node: item, file: file, path: "\(Self.join(path, key))[\(i)]") }
    }

    /// The line this mapping starts on.
    public var line: Int? { node.mark?.line }

    /// All keys, in file order.
    public var keys: [String] { pairs.map(\.key) }

    public func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = v.bool else { throw error(key, "true or false") }
        return b
    }

    public func map(_ key: String) throws -> YAMLMap? {
        guard let v = value(key) else { return nil }
        return try YAMLMap(node: v, file: file, path: Self.join(path, key))
    }
}
