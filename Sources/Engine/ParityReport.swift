import Foundation
import Market
import Store

/// The service's committed orders and fills against `backtest --mode model` over the same
/// strategies and bars: identical by construction, and this report is the proof a user can run
/// (`serve --compare-backtest`). Names the first difference if there is one.
public struct ParityReport: Sendable, Equatable {
    public let orders: Int
    public let fills: Int
    /// nil when every order and fill agrees (ids, quantities, prices, fees, times).
    public let firstDifference: String?

    public static func compare(store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog, job: BacktestJob) throws -> ParityReport {
        var job = job
        job.mode = .model
        let backtest = try job.run(store: store, config: config, catalog: catalog).backtest
        let storedOrders = try store.ledger.orders(), storedFills = try store.ledger.fills()
        let last = try store.ledger.cursor("paper")?.lastBarMs ?? .min
        // The service may have stopped early: compare what both decided up to its last bar.
        let orders = backtest.orders.filter { $0.decidedAtMs <= last }
        let fills = backtest.fills.filter { $0.timeMs <= last }
        func line(_ o: Order) -> String { "\(o.id.value) \(o.side == .buy ? "Buy" : "Sell") \(o.quantity.exact) \(o.symbol.name) decided \(UTCTime.iso(o.decidedAtMs))" }
        func line(_ r: OrderRow) -> String { "\(r.clientOrderId) \(r.side) \(r.quantity) \(r.symbol) decided \(UTCTime.iso(r.decidedMs))" }
        func line(_ f: Fill) -> String { "\(f.orderID.value) \(f.quantity.exact) @ \(f.price.exact) fee \(f.feeAmount.exact) at \(UTCTime.iso(f.timeMs))" }
        func line(_ r: FillRow) -> String { "\(r.clientOrderId) \(r.quantity) @ \(r.price) fee \(r.fee) at \(UTCTime.iso(r.timeMs))" }
        var difference: String?
        for k in 0..<max(orders.count, storedOrders.count) where difference == nil {
            let a = k < orders.count ? line(orders[k]) : "nothing", b = k < storedOrders.count ? line(storedOrders[k]) : "nothing"
            if a != b { difference = "order #\(k + 1): the backtest has \(a), the service \(b)" }
        }
        for k in 0..<max(fills.count, storedFills.count) where difference == nil {
            let a = k < fills.count ? line(fills[k]) : "nothing", b = k < storedFills.count ? line(storedFills[k]) : "nothing"
            if a != b { difference = "fill #\(k + 1): the backtest has \(a), the service \(b)" }
        }
        return ParityReport(orders: storedOrders.count, fills: storedFills.count, firstDifference: difference)
    }
}
