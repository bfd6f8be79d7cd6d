import ConfigFormat
import Market

/// How old a strategy's model may get (config `models:`): its age is the bar time minus the last
/// bar it was trained on; past the limit the strategy trades exits only until a fresher model is
/// promoted.
public struct ModelAgeLimits: Sendable, Equatable {
    /// nil: no limit.
    public var maxAgeMs: Int64?
    public var byStrategy: [String: Int64]

    public init(maxAgeMs: Int64? = 30 * UTCTime.msPerDay, byStrategy: [String: Int64] = [:]) {
        self.maxAgeMs = maxAgeMs; self.byStrategy = byStrategy
    }

    public func limit(for strategy: String) -> Int64? { byStrategy[strategy] ?? maxAgeMs }

    public static func parse(_ m: YAMLMap) throws -> ModelAgeLimits {
        try m.requireOnly(["max_age", "max_age_by_strategy"])
        var limits = ModelAgeLimits()
        if m.has("max_age") {
            limits.maxAgeMs = try m.string("max_age") == "none" ? nil : try JobFile.duration(m, "max_age")
        }
        if let by = try m.map("max_age_by_strategy") {
            for key in by.keys { limits.byStrategy[key] = try JobFile.duration(by, key) }
        }
        return limits
    }
}
