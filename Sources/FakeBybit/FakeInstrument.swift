import Foundation

/// One instrument the fake server lists at GET /v5/market/instruments-info, with the filters
/// mlbot reads; every other documented field is filled with plausible linear-perpetual values.
public struct FakeInstrument: Sendable, Equatable {
    public var symbol: String
    public var status: String
    public var tickSize: String
    public var qtyStep: String
    public var minOrderQty: String
    public var minNotionalValue: String

    public init(symbol: String, status: String = "Trading", tickSize: String, qtyStep: String, minOrderQty: String, minNotionalValue: String = "5") {
        self.symbol = symbol; self.status = status; self.tickSize = tickSize; self.qtyStep = qtyStep
        self.minOrderQty = minOrderQty; self.minNotionalValue = minNotionalValue
    }

    /// Values as Bybit lists them for these linear perpetuals (reference/bybit-v5-examples).
    public static let linearDefaults: [FakeInstrument] = [
        FakeInstrument(symbol: "BTCUSDT", tickSize: "0.10", qtyStep: "0.001", minOrderQty: "0.001"),
        FakeInstrument(symbol: "ETHUSDT", tickSize: "0.01", qtyStep: "0.01", minOrderQty: "0.01"),
        FakeInstrument(symbol: "SOLUSDT", tickSize: "0.010", qtyStep: "0.1", minOrderQty: "0.1"),
    ]

    /// Decimal places of the tick size.
    var priceScale: Int { tickSize.firstIndex(of: ".").map { tickSize.distance(from: $0, to: tickSize.endIndex) - 1 } ?? 0 }

    /// The linear item as documented in §5.3.
    func json(symbolId: Int) -> String {
        let base = symbol.hasSuffix("USDT") ? String(symbol.dropLast(4)) : symbol
        return """
            {"symbol":"\(symbol)","symbolId":\(symbolId),"contractType":"LinearPerpetual","status":"\(status)","baseCoin":"\(base)",\
            "quoteCoin":"USDT","launchTime":"1585526400000","deliveryTime":"0","deliveryFeeRate":"","priceScale":"\(priceScale)",\
            "leverageFilter":{"minLeverage":"1","maxLeverage":"100.00","leverageStep":"0.01"},\
            "priceFilter":{"minPrice":"\(tickSize)","maxPrice":"1999999.80","tickSize":"\(tickSize)"},\
            "lotSizeFilter":{"maxOrderQty":"1190.000","minOrderQty":"\(minOrderQty)","qtyStep":"\(qtyStep)","postOnlyMaxOrderQty":"1190.000",\
            "maxMktOrderQty":"500.000","minNotionalValue":"\(minNotionalValue)"},\
            "unifiedMarginTrade":true,"fundingInterval":480,"settleCoin":"USDT","copyTrading":"both","upperFundingRate":"0.00375",\
            "lowerFundingRate":"-0.00375","isPreListing":false,"preListingInfo":null,\
            "riskParameters":{"priceLimitRatioX":"0.01","priceLimitRatioY":"0.02"},"symbolType":"","displayName":""}
            """
    }
}
