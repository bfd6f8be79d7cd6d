import Backtest
import Foundation
import Market

/// Where decided orders go: `submit` at a bar's close, `open` at the next bar of the instrument
/// returns what filled. A paper broker fills from bars; a live one will report the venue's fills.
public protocol Broker: Sendable {
    mutating func submit(_ order: Order, instrument: Int)
    /// The fills at the open of `bar` of instrument `instrument` (`bar` is that bar).
    mutating func open(instrument: Int, bar: Bar, grid: Instrument) -> [Fill]
    /// Orders sent and not yet filled.
    var openOrders: [Order] { get }
    /// Whether any order waits (asked every bar, so cheaper than `openOrders`).
    var hasOpenOrders: Bool { get }
    /// Cancels every open order and returns them (the operator's halt).
    mutating func cancelAll() -> [Order]
}

/// Fills every market order at the open of the instrument's next bar, at the quantity fixed when
/// it was decided, with the execution model's slippage against the trader (rounded to the tick
/// against the trader, never outside the bar's range) and its taker fee (rounded to 1e-8).
public struct PaperBroker: Broker {
    public let execution: [ExecutionModel]
    /// The taker fees as exact fractions numerator / 10^k (from the shortest text of each
    /// Double, e.g. 0.00055 = 55 / 100000).
    private let feeRates: [(numerator: Int128, denominator: Int128)]
    public private(set) var openOrders: [Order] = []
    public var hasOpenOrders: Bool { !openOrders.isEmpty }
    private var instrumentOf: [Int] = []

    /// One execution model per instrument (fees and slippage are the venue's, per market).
    public init(execution: [ExecutionModel]) {
        self.execution = execution
        feeRates = execution.map { PaperBroker.fraction($0.takerFee) }
    }

    public mutating func submit(_ order: Order, instrument: Int) {
        openOrders.append(order)
        instrumentOf.append(instrument)
    }

    public mutating func cancelAll() -> [Order] {
        defer { openOrders = []; instrumentOf = [] }
        return openOrders
    }

    public mutating func open(instrument i: Int, bar: Bar, grid: Instrument) -> [Fill] {
        guard instrumentOf.contains(i) else { return [] }
        var fills: [Fill] = []
        var keptOrders: [Order] = [], keptIndex: [Int] = []
        for (k, order) in openOrders.enumerated() {
            guard instrumentOf[k] == i else { keptOrders.append(order); keptIndex.append(instrumentOf[k]); continue }
            let buying = order.side == .buy
            let raw = execution[i].fillPrice(buying: buying, open: bar.open, high: bar.high, low: bar.low)
            var ticks = grid.ticks(raw, rounding: buying ? .up : .down)
            let lowest = grid.ticks(bar.low, rounding: .up), highest = grid.ticks(bar.high, rounding: .down)
            if lowest <= highest { ticks = min(highest, max(lowest, ticks)) }
            // Fee = notional × rate, rounded half away from zero to 1e-8 (100 money units).
            let fee = grid.notional(steps: order.steps, ticks: ticks).scaled(by: feeRates[i].numerator, over: feeRates[i].denominator, quantum: 100)
            fills.append(Fill(orderID: order.id, symbol: order.symbol, side: order.side, steps: order.steps, ticks: ticks,
                              quantityStep: grid.quantityStep, tickSize: grid.tickSize, fee: fee, timeMs: bar.openTime))
        }
        openOrders = keptOrders
        instrumentOf = keptIndex
        return fills
    }

    /// `rate` as numerator / 10^k from its shortest decimal text (0.00055 → 55 / 100000).
    static func fraction(_ rate: Double) -> (numerator: Int128, denominator: Int128) {
        let text = "\(rate)"
        guard !text.contains("e"), let dot = text.firstIndex(of: ".") else {
            // Exponent form (1e-05): to 12 decimal places, far below any fee's precision.
            return (Int128((rate * 1e12).rounded()), 1_000_000_000_000)
        }
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        var denominator: Int128 = 1
        for _ in 0..<decimals { denominator *= 10 }
        return (Int128(text.replacingOccurrences(of: ".", with: "")) ?? 0, denominator)
    }
}
