import Market

/// Orders and their fills as CSV, with exact quantities and prices.
public enum OrderLog {
    public static func csv(orders: [Order], fills: [Fill]) -> String {
        var byOrder: [ClientOrderID: Fill] = [:]
        for f in fills { byOrder[f.orderID] = f }
        var text = "client_order_id,symbol,side,quantity,decided_at,reduce_only,filled_at,price,fee\n"
        for o in orders {
            let f = byOrder[o.id]
            text += "\(o.id),\(o.symbol.name),\(o.side == .buy ? "Buy" : "Sell"),\(o.quantity.exact),\(UTCTime.iso(o.decidedAtMs)),\(o.reduceOnly),"
                + "\(f.map { UTCTime.iso($0.timeMs) } ?? ""),\(f?.price.exact ?? ""),\(f?.feeAmount.exact ?? "")\n"
        }
        return text
    }
}
