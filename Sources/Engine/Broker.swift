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
}

/// Fills every market order at the open of the instrument's next bar, at the quantity fixed when
/// it was decided, with the execution model's slippage against the trader (rounded to the tick
/// against the trader, never outside the bar's range) and its taker fee (rounded to 1e-8).
public struct PaperBroker: Broker {
    public let execution: [ExecutionModel]
    /// The taker fees as exact decimals (the shortest text of each Double, e.g. 0.00055).
    private let feeRates: [Decimal]
    public private(set) var openOrders: [Order] = []
    private var instrumentOf: [Int] = []

    /// One execution model per instrument (fees and slippage are the venue's, per market).
    public init(execution: [ExecutionModel]) {
        self.execution = execution
        feeRates = execution.map { Decimal(string: "\($0.takerFee)") ?? Decimal($0.takerFee) }
    }

    public mutating func submit(_ order: Order, instrument: Int) {
        openOrders.append(order)
        instrumentOf.append(instrument)
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
            let price = grid.price(ticks: ticks)
            let fee = (order.quantity * price * feeRates[i]).rounded(scale: 8)
            fills.append(Fill(orderID: order.id, symbol: order.symbol, side: order.side, quantity: order.quantity, price: price, fee: fee,
                              timeMs: bar.openTime))
        }
        openOrders = keptOrders
        instrumentOf = keptIndex
        return fills
    }
}
