import ConfigFormat

extension RiskLimits {
    /// Reads the `risk:` section of `config/mlbot.yaml`; absent keys keep their defaults.
    public static func parse(_ rk: YAMLMap) throws -> RiskLimits {
        try rk.requireOnly(["max_drawdown", "drawdown_action", "max_daily_loss", "max_correlation", "max_correlated_exposure", "correlation_window",
                            "max_position", "max_gross_exposure", "max_daily_trades", "max_order_notional", "price_band", "resize"])
        var risk = RiskLimits()
        risk.maxDrawdown = try rk.double("max_drawdown", range: 0.001...1) ?? risk.maxDrawdown
        if let action = try rk.string("drawdown_action") {
            guard let a = DrawdownAction(rawValue: action) else { throw rk.error("drawdown_action", "reducing or halted") }
            risk.drawdownAction = a
        }
        risk.maxDailyLoss = try rk.double("max_daily_loss", range: 0.001...1) ?? risk.maxDailyLoss
        risk.maxCorrelation = try rk.double("max_correlation", range: -1...1) ?? risk.maxCorrelation
        risk.maxCorrelatedExposure = try rk.double("max_correlated_exposure", range: 0...100) ?? risk.maxCorrelatedExposure
        risk.correlationWindow = try rk.int("correlation_window", range: 2...1_000_000) ?? risk.correlationWindow
        risk.maxPosition = try rk.double("max_position", range: 0...100) ?? risk.maxPosition
        risk.maxGrossExposure = try rk.double("max_gross_exposure", range: 0...100) ?? risk.maxGrossExposure
        risk.maxDailyTrades = try rk.int("max_daily_trades", range: 0...1_000_000) ?? risk.maxDailyTrades
        risk.maxOrderNotional = try rk.double("max_order_notional", range: 0...1e15) ?? risk.maxOrderNotional
        risk.priceBand = try rk.double("price_band", range: 0...10) ?? risk.priceBand
        let resizable: [RiskRule] = [.maxPosition, .maxGrossExposure, .maxOrderNotional]
        for name in try rk.strings("resize") ?? [] {
            guard let r = RiskRule(rawValue: name), resizable.contains(r) else {
                throw rk.error("resize", "a list of max_position, max_gross_exposure, max_order_notional")
            }
            risk.resize.insert(r)
        }
        return risk
    }
}
