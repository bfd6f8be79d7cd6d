import Market

/// An instrument's trading filters as GET /v5/market/instruments-info lists them, kept as the
/// exact decimal strings Bybit sends (they become ticks and steps without a binary round trip).
public struct BybitInstrumentInfo: Sendable, Equatable {
    public let symbol: String
    public let status: String
    public let tickSize: String
    /// Linear/inverse `qtyStep`; spot `basePrecision`.
    public let qtyStep: String
    /// Linear/inverse `minOrderQty`; spot: the base precision (its minimum is on value).
    public let minOrderQty: String
    /// Linear `minNotionalValue`; spot `minOrderAmt`; "0" where there is none.
    public let minNotional: String
}

struct InstrumentsResult: Decodable {
    struct Item: Decodable {
        struct PriceFilter: Decodable { let tickSize: String }
        struct LotSizeFilter: Decodable {
            let qtyStep: String?
            let minOrderQty: String?
            let minNotionalValue: String?
            let basePrecision: String?
            let minOrderAmt: String?
        }
        let symbol: String
        let status: String
        let priceFilter: PriceFilter
        let lotSizeFilter: LotSizeFilter
    }
    let list: [Item]
    let nextPageCursor: String?
}

extension BybitMarketClient {
    /// Every trading instrument of `category` (or just `symbol`), following `nextPageCursor`.
    public func instruments(category: String, symbol: String? = nil) throws -> [BybitInstrumentInfo] {
        let path = "/v5/market/instruments-info"
        var out: [BybitInstrumentInfo] = []
        var cursor = ""
        repeat {
            var query = [("category", category)]
            if let symbol { query.append(("symbol", symbol)) }
            if category != "spot" { query.append(("limit", "1000")) }
            if !cursor.isEmpty { query.append(("cursor", cursor)) }
            let (page, _) = try get(path, query: query, decode: InstrumentsResult.self)
            for item in page.list {
                let lot = item.lotSizeFilter
                guard let step = lot.qtyStep ?? lot.basePrecision else {
                    throw BybitError.malformed(path: path, detail: "\(item.symbol): lotSizeFilter has neither qtyStep nor basePrecision")
                }
                out.append(BybitInstrumentInfo(symbol: item.symbol, status: item.status, tickSize: item.priceFilter.tickSize, qtyStep: step,
                                               minOrderQty: lot.minOrderQty ?? step, minNotional: lot.minNotionalValue ?? lot.minOrderAmt ?? "0"))
            }
            let next = page.nextPageCursor ?? ""
            guard next.isEmpty || next != cursor else { throw BybitError.malformed(path: path, detail: "nextPageCursor repeats '\(next)'") }
            cursor = next
        } while !cursor.isEmpty
        return out
    }
}
