/// The bar-by-bar state machine every backtest runs: a target exposure decided at the close of
/// bar t is executed at the open of bar t + 1 (the first price after the decision), and the book
/// is marked at each close. Orders are sent only when the target changes, so a position is held,
/// not rebalanced against price drift.
public struct Simulator: Sendable {
    public let model: ExecutionModel
    public private(set) var cash: Double
    /// Units held (negative when short).
    public private(set) var quantity = 0.0
    public private(set) var equity: Double
    /// The target waiting for the next open.
    private var pending: Double?
    private var currentTarget = 0.0
    public private(set) var feesPaid = 0.0
    public private(set) var tradedNotional = 0.0

    public init(model: ExecutionModel, initialEquity: Double = 1) {
        self.model = model
        cash = initialEquity
        equity = initialEquity
    }

    /// What happened during one bar.
    public struct Step: Sendable, Equatable {
        /// Units bought (+) or sold (−) at this bar's open, and at what price.
        public var traded = 0.0
        public var fillPrice = 0.0
        public var fee = 0.0
        /// Equity right after this bar's opening fill (fees paid), and the side then held.
        public var equityAtOpen = 0.0
        public var side = 0
        /// Equity at this bar's close, and the bar's return on the previous close's equity.
        public var equity = 0.0
        public var barReturn = 0.0
    }

    /// Runs bar t: first the order decided at t − 1 fills at this open, then the book is marked at
    /// this close, then `target` (decided now, at the close) waits for the next open.
    @inline(__always)
    public mutating func step(open: Double, high: Double, low: Double, close: Double, target: Double) -> Step {
        var s = Step()
        let before = equity
        if let t = pending {
            let valueAtOpen = cash + quantity * open
            let buying = t * valueAtOpen > quantity * open
            let price = model.fillPrice(buying: buying, open: open, high: high, low: low)
            let desired = t * valueAtOpen / price
            let delta = desired - quantity
            if delta != 0 {
                let notional = abs(delta) * price
                let fee = notional * model.takerFee
                cash -= delta * price + fee
                quantity = desired
                feesPaid += fee
                tradedNotional += notional
                s.traded = delta; s.fillPrice = price; s.fee = fee
            }
            pending = nil
        }
        s.equityAtOpen = cash + quantity * open
        s.side = quantity > 0 ? 1 : (quantity < 0 ? -1 : 0)
        equity = cash + quantity * close
        s.equity = equity
        s.barReturn = before != 0 ? equity / before - 1 : 0
        let t = model.clamp(target)
        if t != currentTarget { pending = t; currentTarget = t }
        return s
    }

    /// Exposure held through this bar's close (units × close / equity).
    public func exposure(close: Double) -> Double { equity != 0 ? quantity * close / equity : 0 }
}
