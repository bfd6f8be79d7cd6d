import Foundation
import Market
import NumericKit

/// A seeded multi-asset bar generator with the stylised facts research needs:
/// GARCH(1,1) volatility clustering, Student-t fat tails, cross-asset correlation (Cholesky via
/// LAPACK), market-wide regimes that switch drift and volatility, consistent OHLC and volume that
/// rises with volatility. The same configuration and seed give identical bars.
public struct SyntheticMarket: Sendable {
    /// What to generate.
    public struct Config: Sendable {
        public var symbols: [Symbol]
        public var interval: Interval
        /// First bar's open time (epoch ms, aligned to the interval).
        public var start: Int64
        public var bars: Int
        public var seed: UInt64
        /// Pairwise correlation of the assets' return shocks.
        public var correlation: Double = 0.6
        /// Student-t degrees of freedom of the shocks (> 2).
        public var degreesOfFreedom: Double = 4
        /// GARCH(1,1) news and persistence coefficients (alpha + beta < 1).
        public var garchAlpha: Double = 0.06
        public var garchBeta: Double = 0.93
        /// Mean length of a market regime, in days.
        public var regimeDays: Double = 5
        /// A planted edge (nil: none, the default): the data are then knowingly not a fair market.
        public var edge: PlantedEdge?

        public init(symbols: [Symbol], interval: Interval, start: Int64, bars: Int, seed: UInt64) {
            self.symbols = symbols
            self.interval = interval
            self.start = start
            self.bars = bars
            self.seed = seed
        }
    }

    /// A planted, past-computable edge for one symbol, for demonstrations and tests of the whole
    /// path (discovery must find it, and nothing else): each bar's drift gains `strength` times
    /// the bar's current volatility, signed by whether the EMA(10) of the closes so far is above
    /// their EMA(50). It uses only closes before the bar, so a strategy can know it in time.
    public struct PlantedEdge: Sendable, Equatable {
        public var symbol: Symbol
        public var strength: Double

        public init(symbol: Symbol, strength: Double) {
            self.symbol = symbol
            self.strength = strength
        }
    }

    /// A market regime: annualised drift, and a multiplier on volatility and on volume.
    public struct Regime: Sendable {
        public let name: String
        public let annualDrift: Double
        public let volatility: Double
        public let volume: Double
    }

    public static let regimes: [Regime] = [
        Regime(name: "calm-bull", annualDrift: 0.9, volatility: 0.75, volume: 0.9),
        Regime(name: "calm-bear", annualDrift: -0.7, volatility: 0.85, volume: 0.9),
        Regime(name: "turbulent", annualDrift: -0.3, volatility: 1.9, volume: 1.8),
        Regime(name: "drift", annualDrift: 0.1, volatility: 1.0, volume: 1.0),
    ]

    /// Per-asset starting price, annual volatility, price tick, quantity step and base volume per day.
    struct Profile {
        let price: Double, annualVol: Double, tick: Double, lot: Double, dailyVolume: Double
    }

    static func profile(_ s: Symbol) -> Profile {
        switch s.name {
        case "BTCUSDT": return Profile(price: 42_000, annualVol: 0.55, tick: 0.1, lot: 0.001, dailyVolume: 60_000)
        case "ETHUSDT": return Profile(price: 2_300, annualVol: 0.7, tick: 0.01, lot: 0.01, dailyVolume: 500_000)
        case "SOLUSDT": return Profile(price: 100, annualVol: 0.95, tick: 0.001, lot: 0.1, dailyVolume: 4_000_000)
        default:
            // Unknown names get a deterministic price level from their spelling.
            let h = s.name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
            let price = pow(10, 0.5 + Double(h % 400) / 100)  // 3 … 30,000
            let tick = pow(10, (log10(price) - 5).rounded(.down))
            return Profile(price: price, annualVol: 0.8, tick: tick, lot: 0.001, dailyVolume: 1e8 / price)
        }
    }

    public let config: Config

    public init(_ config: Config) throws {
        guard !config.symbols.isEmpty else { throw SynthError.invalid("symbols", "at least one symbol") }
        guard Set(config.symbols).count == config.symbols.count else { throw SynthError.invalid("symbols", "no symbol twice") }
        guard config.bars > 0 else { throw SynthError.invalid("bars/days", "a positive length") }
        guard config.interval.isAligned(config.start) else {
            throw SynthError.invalid("start", "a time aligned to \(config.interval.name)")
        }
        guard config.correlation > -1 / Double(max(1, config.symbols.count - 1)) || config.symbols.count == 1, config.correlation < 1 else {
            throw SynthError.invalid("correlation", "a value that gives a positive-definite correlation matrix (below 1, above -1/(n-1))")
        }
        guard config.degreesOfFreedom > 2 else { throw SynthError.invalid("degrees of freedom", "a value > 2") }
        guard config.garchAlpha >= 0, config.garchBeta >= 0, config.garchAlpha + config.garchBeta < 1 else {
            throw SynthError.invalid("garch", "alpha, beta >= 0 with alpha + beta < 1")
        }
        if let e = config.edge {
            guard config.symbols.contains(e.symbol) else { throw SynthError.invalid("edge.symbol", "one of the generated symbols (\(config.symbols.map(\.name).joined(separator: ", ")))") }
            guard e.strength > 0, e.strength <= 0.5 else { throw SynthError.invalid("edge.strength", "a value in (0, 0.5] (drift per bar in units of its volatility)") }
        }
        self.config = config
    }

    /// Generates every symbol's bars.
    public func generate() throws -> [BarSeries] {
        let c = config
        let n = c.symbols.count
        var correlation = Matrix.identity(n)
        for i in 0..<n { for j in 0..<n where i != j { correlation[i, j] = c.correlation } }
        let cholesky = try LAPACK.potrf(correlation).lower
        // Copy L into a plain array: the per-bar mixing below is tiny and must not depend on BLAS kernels.
        let l = cholesky.storage

        var rng = SeededRNG(seed: c.seed)
        let profiles = c.symbols.map(Self.profile)
        let step = c.interval.milliseconds
        let barsPerYear = c.interval.barsPerYear
        let barsPerDay = 86_400_000 / Double(step)
        let baseVariance = profiles.map { $0.annualVol * $0.annualVol / barsPerYear }
        let switchProbability = min(1, 1 / max(1, c.regimeDays * barsPerDay))
        let alpha = c.garchAlpha, beta = c.garchBeta

        var regime = 3
        var h = baseVariance
        var previousShock = [Double](repeating: 0, count: n)
        var close = profiles.map { $0.price }
        var z = [Double](repeating: 0, count: n)
        var series = c.symbols.map { BarSeries(symbol: $0, interval: c.interval, capacity: c.bars) }
        let edgeIndex = c.edge.flatMap { c.symbols.firstIndex(of: $0.symbol) }
        var fast = EMA(period: 10), slow = EMA(period: 50)

        for t in 0..<c.bars {
            if rng.uniform() < switchProbability {
                regime = (regime + 1 + Int(rng.next() % UInt64(Self.regimes.count - 1))) % Self.regimes.count
            }
            let r = Self.regimes[regime]
            for i in 0..<n { z[i] = rng.standardizedStudentT(nu: c.degreesOfFreedom) }
            let time = c.start + Int64(t) * step
            let hourAngle = 2 * Double.pi * Double(time % 86_400_000) / 86_400_000
            let seasonality = 1 + 0.35 * sin(hourAngle - 1.2)
            for i in 0..<n {
                let p = profiles[i]
                var shock = 0.0
                for k in 0...i { shock += l[k * n + i] * z[k] }
                let target = baseVariance[i] * r.volatility * r.volatility
                h[i] = target * (1 - alpha - beta) + alpha * previousShock[i] * previousShock[i] + beta * h[i]
                let sigma = h[i].squareRoot()
                let innovation = sigma * shock
                previousShock[i] = innovation
                var drift = r.annualDrift / barsPerYear - 0.5 * h[i]
                if i == edgeIndex, let e = c.edge, slow.count >= 50 { drift += e.strength * sigma * (fast.value > slow.value ? 1 : -1) }
                let open = close[i]
                var next = Self.round(open * exp(drift + innovation), to: p.tick)
                next = max(next, p.tick)
                let wickUp = sigma * abs(rng.normal()) * 0.6
                let wickDown = sigma * abs(rng.normal()) * 0.6
                let high = Self.roundUp(max(open, next) * exp(wickUp), to: p.tick)
                var low = Self.roundDown(min(open, next) * exp(-wickDown), to: p.tick)
                if low <= 0 { low = min(open, next) }
                let activity = 0.35 + 0.65 * abs(innovation) / baseVariance[i].squareRoot()
                let noise = exp(0.45 * rng.normal() - 0.1)
                let volume = Self.round(p.dailyVolume / barsPerDay * r.volume * activity * seasonality * noise, to: p.lot)
                series[i].append(Bar(openTime: time, open: open, high: high, low: low, close: next, volume: volume))
                close[i] = next
                if i == edgeIndex { fast.add(next); slow.add(next) }
            }
        }
        return series
    }

    /// Rounds to a multiple of `tick`, expressed through the tick's decimal count so that the
    /// printed value is exact (0.1 × 3 is 0.30000000000000004; 3 / 10 is 0.3).
    static func round(_ v: Double, to tick: Double) -> Double { scaled(v, tick, .toNearestOrEven) }
    static func roundUp(_ v: Double, to tick: Double) -> Double { scaled(v, tick, .up) }
    static func roundDown(_ v: Double, to tick: Double) -> Double { scaled(v, tick, .down) }

    private static func scaled(_ v: Double, _ tick: Double, _ rule: FloatingPointRoundingRule) -> Double {
        if tick >= 1 { return (v / tick).rounded(rule) * tick }
        let decimals = Int((-log10(tick)).rounded())
        let scale = pow(10, Double(decimals))
        let steps = (v / tick).rounded(rule)
        return (steps * (tick * scale).rounded()) / scale
    }
}

/// An invalid generator setting.
public enum SynthError: KindedError, Equatable {
    public var kind: ErrorKind { .badInput }
    case invalid(String, String)
    public var description: String {
        if case let .invalid(field, expected) = self { return "synthetic data: \(field): expected \(expected)" }
        return ""
    }
}

/// An exponential moving average seeded with the mean of its first `period` values.
private struct EMA {
    let period: Int
    private(set) var value = 0.0
    private(set) var count = 0

    init(period: Int) { self.period = period }

    mutating func add(_ x: Double) {
        count += 1
        if count <= period { value += (x - value) / Double(count) } else { value += 2 / Double(period + 1) * (x - value) }
    }
}
