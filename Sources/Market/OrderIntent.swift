/// An order the strategies want, before the risk manager has seen it.
public struct OrderIntent: Sendable, Equatable {
    /// Index of the instrument in the market snapshot.
    public let instrument: Int
    public let side: Side
    public let quantity: Double
    /// nil for a market order.
    public let limitPrice: Double?
    public let isCancel: Bool

    public init(instrument: Int, side: Side, quantity: Double, limitPrice: Double? = nil) {
        self.instrument = instrument; self.side = side; self.quantity = quantity; self.limitPrice = limitPrice; isCancel = false
    }

    private init(cancelling instrument: Int) {
        self.instrument = instrument; side = .buy; quantity = 0; limitPrice = nil; isCancel = true
    }

    /// Cancelling a resting order never adds risk: it always passes.
    public static func cancel(instrument: Int) -> OrderIntent { OrderIntent(cancelling: instrument) }
}
