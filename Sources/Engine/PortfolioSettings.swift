import ConfigFormat

/// How the engine splits capital between strategies (config `portfolio:`).
public struct PortfolioSettings: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable, CaseIterable {
        case equal
        case inverseVolatility = "inverse-vol"
        case riskParity = "risk-parity"
        case minVariance = "min-variance"
    }

    public var method: Method
    /// Largest weight of one strategy (raised to 1/n when n strategies could not hold the budget).
    public var cap: Double
    /// Minutes after 00:00 UTC at which the weights are re-estimated each day.
    public var rebalanceMinute: Int
    /// Bar-times of strategy returns the weights are estimated from.
    public var window: Int
    /// Account equity a backtest starts with (quote currency).
    public var initialEquity: Double

    public init(method: Method = .inverseVolatility, cap: Double = 1, rebalanceMinute: Int = 0, window: Int = 1440, initialEquity: Double = 10_000) {
        self.method = method
        self.cap = cap
        self.rebalanceMinute = rebalanceMinute
        self.window = window
        self.initialEquity = initialEquity
    }

    /// Reads the `portfolio:` section; absent keys keep their defaults.
    public static func parse(_ m: YAMLMap) throws -> PortfolioSettings {
        try m.requireOnly(["method", "cap", "rebalance_at", "window", "initial_equity"])
        var p = PortfolioSettings()
        if let name = try m.string("method") {
            guard let method = Method(rawValue: name) else {
                throw m.error("method", "one of \(Method.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
            }
            p.method = method
        }
        p.cap = try m.double("cap", range: 0.01...1) ?? p.cap
        if let text = try m.string("rebalance_at") {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let min = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(min) else {
                throw m.error("rebalance_at", "a UTC time of day HH:MM, got '\(text)'")
            }
            p.rebalanceMinute = h * 60 + min
        }
        p.window = try m.int("window", range: 10...10_000_000) ?? p.window
        p.initialEquity = try m.double("initial_equity", range: 1...1e15) ?? p.initialEquity
        return p
    }
}
