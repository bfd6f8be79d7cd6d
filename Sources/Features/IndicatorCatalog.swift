import ConfigFormat

/// The indicators a feature set may name, their parameters and the ranges those may take.
public enum IndicatorCatalog {
    /// Name, parameters (with defaults shown in `features list`), one line of description.
    public static let names: [(name: String, parameters: String, about: String)] = [
        ("log_return", "period", "ln(close[t]) − ln(close[t − period])"),
        ("rsi", "period", "RSI, Wilder smoothing (TA-Lib RSI)"),
        ("macd", "fast, slow, signal", "MACD line, signal, histogram ÷ close (TA-Lib MACD)"),
        ("bollinger", "period, deviations", "Bollinger %B and bandwidth (TA-Lib BBANDS, SMA, population σ)"),
        ("atr_ratio", "period", "ATR ÷ close (TA-Lib ATR)"),
        ("realized_volatility", "period", "sample σ of 1-bar log returns"),
        ("volume_zscore", "period", "(volume − mean) ÷ population σ"),
        ("ema_ratio", "fast, slow", "EMA(fast) ÷ EMA(slow) − 1 (TA-Lib EMA)"),
        ("stochastic", "k, slow_k, d", "slow %K and %D (TA-Lib STOCH, SMA)"),
        ("adx", "period", "ADX (TA-Lib ADX)"),
        ("obv_slope", "period", "LINEARREG_SLOPE of OBV (TA-Lib)"),
        ("cross_asset", "window, reference", "reference's return, rolling correlation and beta of returns"),
        ("time_of_day", "", "sin/cos of the time of day"),
        ("day_of_week", "", "sin/cos of the day of week"),
    ]

    static func make(_ e: YAMLMap, setReference: String?) throws -> any Indicator {
        guard let kind = try e.string("indicator") else {
            throw e.error("indicator", "an indicator name (\(names.map(\.name).joined(separator: ", ")))")
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let v = try e.int(key, range: range) else { throw e.error(key, "required parameter '\(key)', an integer in \(range.lowerBound)...\(range.upperBound)") }
            return v
        }
        func only(_ keys: String...) throws { try e.requireOnly(Set(["indicator"] + keys)) }
        switch kind {
        case "log_return":
            try only("period"); return LogReturn(period: try int("period", 1...100_000))
        case "rsi":
            try only("period"); return RSI(period: try int("period", 2...100_000))
        case "macd":
            try only("fast", "slow", "signal")
            let fast = try int("fast", 2...100_000), slow = try int("slow", 2...100_000), signal = try int("signal", 1...100_000)
            guard fast < slow else { throw e.error("fast", "fast < slow, got fast \(fast), slow \(slow)") }
            return MACD(fast: fast, slow: slow, signal: signal)
        case "bollinger":
            try only("period", "deviations")
            guard let dev = try e.double("deviations", range: 0.1...10) else { throw e.error("deviations", "required parameter 'deviations', a number in 0.1...10") }
            return Bollinger(period: try int("period", 2...100_000), deviations: dev)
        case "atr_ratio":
            try only("period"); return ATRRatio(period: try int("period", 1...100_000))
        case "realized_volatility":
            try only("period"); return RealizedVolatility(period: try int("period", 2...100_000))
        case "volume_zscore":
            try only("period"); return VolumeZScore(period: try int("period", 2...100_000))
        case "ema_ratio":
            try only("fast", "slow")
            let fast = try int("fast", 1...100_000), slow = try int("slow", 1...100_000)
            guard fast < slow else { throw e.error("fast", "fast < slow, got fast \(fast), slow \(slow)") }
            return EMARatio(fast: fast, slow: slow)
        case "stochastic":
            try only("k", "slow_k", "d")
            return Stochastic(k: try int("k", 1...100_000), slowK: try int("slow_k", 1...100_000), d: try int("d", 1...100_000))
        case "adx":
            try only("period"); return ADX(period: try int("period", 2...100_000))
        case "obv_slope":
            try only("period"); return OBVSlope(period: try int("period", 2...100_000))
        case "cross_asset":
            try only("window", "reference")
            guard let reference = try e.string("reference") ?? setReference else {
                throw e.error("reference", "a reference symbol here or at the top of the set (reference: BTCUSDT)")
            }
            return CrossAsset(reference: reference, window: try int("window", 2...100_000))
        case "time_of_day":
            try only(); return CyclicTime(cycle: .timeOfDay)
        case "day_of_week":
            try only(); return CyclicTime(cycle: .dayOfWeek)
        default:
            throw e.error("indicator", "a known indicator (\(names.map(\.name).joined(separator: ", "))), got '\(kind)'")
        }
    }
}
