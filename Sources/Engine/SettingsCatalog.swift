import Foundation
import Market
import Risk
import Store

/// The settings an operator may change while the service runs: each with a type, a range, a
/// default, a one-line description, and which way is tighter (a `control` token may only tighten
/// a risk limit; loosening one needs `admin`).
public enum SettingKey: String, Sendable, CaseIterable, Codable {
    case confidence
    case maxDrawdown = "max-drawdown"
    case maxDailyLoss = "max-daily-loss"
    case maxCorrelation = "max-correlation"
    case maxPosition = "max-position"
    case maxGrossExposure = "max-gross-exposure"
    case maxDailyTrades = "max-daily-trades"
    case portfolioMethod = "portfolio-method"
    /// Per strategy only: `false` stops its new entries (exits still pass).
    case enabled

    /// What values the key takes.
    public enum Kind: Sendable, Equatable {
        case fraction(ClosedRange<Double>)
        case integer(ClosedRange<Int>)
        case choice([String])
        case boolean
    }

    public var kind: Kind {
        switch self {
        case .confidence: .fraction(0.5...0.99)
        case .maxDrawdown: .fraction(0.005...0.95)
        case .maxDailyLoss: .fraction(0.001...0.95)
        case .maxCorrelation: .fraction(0...1)
        case .maxPosition: .fraction(0.001...10)
        case .maxGrossExposure: .fraction(0.001...10)
        case .maxDailyTrades: .integer(0...1_000_000)
        case .portfolioMethod: .choice(PortfolioSettings.Method.allCases.map(\.rawValue))
        case .enabled: .boolean
        }
    }

    public var description: String {
        switch self {
        case .confidence: "probability a model strategy's signal needs before it trades (over its own threshold; rule strategies keep theirs)"
        case .maxDrawdown: "drawdown from the equity high-water mark that stops new risk (fraction)"
        case .maxDailyLoss: "loss since the UTC day began that allows only reducing orders until the next day (fraction)"
        case .maxCorrelation: "return correlation above which two same-direction positions count as one risk"
        case .maxPosition: "largest position notional per instrument (fraction of equity)"
        case .maxGrossExposure: "largest sum of |position notional| over instruments (fraction of equity)"
        case .maxDailyTrades: "new exposure-adding orders per UTC day"
        case .portfolioMethod: "how capital is split between strategies"
        case .enabled: "whether the strategy may open new positions (exits always pass)"
        }
    }

    /// Whether the key may be set for one strategy (`--strategy`), and whether only so.
    public var perStrategy: Bool { self == .confidence || self == .enabled }
    public var onlyPerStrategy: Bool { self == .enabled }

    /// The range or choices, as `control get` prints them.
    public var allowed: String {
        switch kind {
        case .fraction(let r): "\(SettingValue.text(r.lowerBound))–\(SettingValue.text(r.upperBound))"
        case .integer(let r): "\(r.lowerBound)–\(r.upperBound)"
        case .choice(let c): c.joined(separator: " | ")
        case .boolean: "true | false"
        }
    }

    /// Whether going from `old` to `new` loosens a risk limit (which needs the admin role).
    /// Confidence, the method and enabling a strategy are strategy choices, not limits.
    public func loosens(from old: SettingValue, to new: SettingValue) -> Bool {
        switch (self, old, new) {
        case (.maxDrawdown, .number(let a), .number(let b)), (.maxDailyLoss, .number(let a), .number(let b)),
             (.maxCorrelation, .number(let a), .number(let b)), (.maxPosition, .number(let a), .number(let b)),
             (.maxGrossExposure, .number(let a), .number(let b)), (.maxDailyTrades, .number(let a), .number(let b)):
            return b > a
        default:
            return false
        }
    }

    /// Parses `text` for this key, or says what is allowed.
    public func parse(_ text: String) throws -> SettingValue {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .fraction(let r):
            guard let v = Double(t), v.isFinite else { throw Failure(.badInput, "\(rawValue): expected a number in \(allowed), got '\(text)'") }
            guard r.contains(v) else { throw Failure(.badInput, "\(rawValue): \(t) is out of range; allowed \(allowed)") }
            return .number(v)
        case .integer(let r):
            guard let v = Int(t) else { throw Failure(.badInput, "\(rawValue): expected an integer in \(allowed), got '\(text)'") }
            guard r.contains(v) else { throw Failure(.badInput, "\(rawValue): \(t) is out of range; allowed \(allowed)") }
            return .number(Double(v))
        case .choice(let c):
            guard c.contains(t) else { throw Failure(.badInput, "\(rawValue): expected one of \(allowed), got '\(text)'") }
            return .word(t)
        case .boolean:
            switch t { case "true": return .flag(true); case "false": return .flag(false)
            default: throw Failure(.badInput, "\(rawValue): expected true or false, got '\(text)'") }
        }
    }

    /// This key's value in `s` (nil: a per-strategy key with no override for `strategy`).
    public func value(in s: EngineSettings, strategy: String? = nil) -> SettingValue? {
        switch self {
        case .confidence:
            if let strategy { return s.strategyConfidence[strategy].map(SettingValue.number) }
            return s.confidence.map(SettingValue.number)
        case .maxDrawdown: return .number(s.risk.maxDrawdown)
        case .maxDailyLoss: return .number(s.risk.maxDailyLoss)
        case .maxCorrelation: return .number(s.risk.maxCorrelation)
        case .maxPosition: return .number(s.risk.maxPosition)
        case .maxGrossExposure: return .number(s.risk.maxGrossExposure)
        case .maxDailyTrades: return .number(Double(s.risk.maxDailyTrades))
        case .portfolioMethod: return s.portfolioMethod.map { .word($0.rawValue) }
        case .enabled: return strategy.map { .flag(!s.disabled.contains($0)) }
        }
    }

    /// `s` with this key set to `v` (already parsed for this key).
    public func apply(_ v: SettingValue, strategy: String?, to s: inout EngineSettings) {
        switch (self, v) {
        case (.confidence, .number(let x)): if let strategy { s.strategyConfidence[strategy] = x } else { s.confidence = x }
        case (.maxDrawdown, .number(let x)): s.risk.maxDrawdown = x
        case (.maxDailyLoss, .number(let x)): s.risk.maxDailyLoss = x
        case (.maxCorrelation, .number(let x)): s.risk.maxCorrelation = x
        case (.maxPosition, .number(let x)): s.risk.maxPosition = x
        case (.maxGrossExposure, .number(let x)): s.risk.maxGrossExposure = x
        case (.maxDailyTrades, .number(let x)): s.risk.maxDailyTrades = Int(x)
        case (.portfolioMethod, .word(let w)): if let m = PortfolioSettings.Method(rawValue: w) { s.portfolioMethod = m }
        case (.enabled, .flag(let on)): if let strategy { if on { s.disabled.remove(strategy) } else { s.disabled.insert(strategy) } }
        default: preconditionFailure("\(rawValue) set to a value of another type")
        }
    }
}

/// A setting's value: a number, a word from a fixed list, or a flag.
public enum SettingValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case word(String)
    case flag(Bool)

    /// The canonical text (stored, compared and printed): integers without a fraction.
    public var description: String {
        switch self {
        case .number(let x): Self.text(x)
        case .word(let w): w
        case .flag(let b): b ? "true" : "false"
        }
    }

    static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}

/// One stored change, as the service applies it: key, scope and parsed value, in version order.
public struct SettingChange: Sendable, Equatable {
    public let version: Int
    public let key: SettingKey
    public let strategy: String?
    public let value: SettingValue

    public init(version: Int, key: SettingKey, strategy: String?, value: SettingValue) {
        self.version = version; self.key = key; self.strategy = strategy; self.value = value
    }
}

extension SettingChange {
    /// A stored change, parsed; a row this binary cannot read (a newer one wrote it) is an error naming it.
    public init(_ row: SettingChangeRow) throws {
        guard let key = SettingKey(rawValue: row.key), let value = try? key.parse(row.value) else {
            throw Failure(.internal, "stored setting version \(row.version) (\(row.key) = \(row.value)) is not one this binary knows")
        }
        self.init(version: row.version, key: key, strategy: row.strategy, value: value)
    }
}

extension EngineSettings {
    /// `base` (defaults and the config file) with `changes` applied in order; the version is the
    /// last change's (the base is version 1).
    public static func applying(_ changes: [SettingChange], to base: EngineSettings) -> EngineSettings {
        var s = base
        for c in changes {
            c.key.apply(c.value, strategy: c.strategy, to: &s)
            s.version = max(s.version, c.version)
        }
        return s
    }
}

/// What `control get` shows of one key (globally or for one strategy): its value in force, where
/// that comes from, and what it may be.
public struct EffectiveSetting: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable {
        case `default`
        case config
        case stored
    }

    public let key: String
    @NullWhenAbsent public var strategy: String?
    /// nil: not set (confidence: each strategy's own threshold).
    @NullWhenAbsent public var value: String?
    @NullWhenAbsent public var defaultValue: String?
    public let source: Source
    /// The stored change behind it (nil unless `source` is `stored`).
    @NullWhenAbsent public var version: Int?
    public let type: String
    public let allowed: String
    public let description: String

    /// Every key globally, then every per-strategy override, from the built-in defaults, the
    /// config file's settings (`base`) and the stored `changes` (in version order).
    public static func list(base: EngineSettings, changes: [SettingChange]) -> [EffectiveSetting] {
        let defaults = EngineSettings(risk: RiskLimits(), portfolioMethod: PortfolioSettings().method)
        let now = EngineSettings.applying(changes, to: base)
        var out: [EffectiveSetting] = []
        func entry(_ key: SettingKey, strategy: String?) -> EffectiveSetting {
            let last = changes.last { $0.key == key && $0.strategy == strategy }
            let source: Source = last != nil ? .stored : key.value(in: base, strategy: strategy) != key.value(in: defaults, strategy: strategy) ? .config : .default
            let type: String
            switch key.kind {
            case .fraction: type = "number"
            case .integer: type = "integer"
            case .choice: type = "choice"
            case .boolean: type = "boolean"
            }
            let fallback: String? = key == .enabled ? "true" : key.value(in: defaults, strategy: strategy)?.description
            return EffectiveSetting(key: key.rawValue, strategy: strategy, value: key.value(in: now, strategy: strategy)?.description ?? (key == .enabled ? "true" : nil),
                                    defaultValue: fallback, source: source, version: last?.version, type: type, allowed: key.allowed,
                                    description: key.description)
        }
        for key in SettingKey.allCases where !key.onlyPerStrategy { out.append(entry(key, strategy: nil)) }
        var scoped: [(SettingKey, String)] = []
        for c in changes { if let s = c.strategy, !scoped.contains(where: { $0 == (c.key, s) }) { scoped.append((c.key, s)) } }
        for (key, s) in scoped.sorted(by: { ($0.1, $0.0.rawValue) < ($1.1, $1.0.rawValue) }) { out.append(entry(key, strategy: s)) }
        return out
    }
}
