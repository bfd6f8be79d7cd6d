/// Invalid domain values, described so a user can correct them.
public enum MarketError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    case invalidSymbol(String)
    case invalidInterval(String)
    case invalidTime(String)

    public var description: String {
        switch self {
        case .invalidSymbol(let s):
            return "invalid symbol '\(s)': expected upper-case letters and digits, e.g. BTCUSDT"
        case .invalidInterval(let s):
            return "invalid interval '\(s)': expected one of 1m 3m 5m 15m 30m 1h 2h 4h 6h 12h 1d 1w "
                + "(Bybit codes 1 3 5 15 30 60 120 240 360 720 D W are accepted too; monthly bars are not supported)"
        case .invalidTime(let s):
            return "invalid time '\(s)': expected ISO-8601 (2024-01-01, 2024-01-01T12:00:00Z) or epoch seconds/milliseconds"
        }
    }
}
