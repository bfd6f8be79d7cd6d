import Engine
import Foundation
import Market
import Prometheus
import Risk

/// The service's Prometheus metrics, named by the Prometheus conventions (`mlbot_` prefix, base
/// units, `_total` on counters), on a registry this object owns (no process-wide bootstrap).
/// Labels are low-cardinality only: strategies, sides, rules, states — never order ids.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let bars: Counter
    let fills: Counter
    let barSeconds: DurationHistogram
    let equity: Gauge
    let drawdown: Gauge
    let feedLag: Gauge
    /// One gauge per trading state, made once (set at every bar).
    let states: [(TradingState, Gauge)]

    public init(version: String) {
        bars = registry.makeCounter(name: "mlbot_bars_processed_total", help: "Bar-times the engine committed.")
        fills = registry.makeCounter(name: "mlbot_fills_total", help: "Fills booked by the broker.")
        barSeconds = registry.makeDurationHistogram(name: "mlbot_bar_processing_seconds",
                                                    buckets: [.microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
                                                              .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
                                                              .milliseconds(25), .milliseconds(100)],
                                                    help: "Wall time from a bar's arrival to its outcome committed.")
        equity = registry.makeGauge(name: "mlbot_equity", help: "Mark-to-market account equity (quote currency).")
        drawdown = registry.makeGauge(name: "mlbot_drawdown_ratio", help: "Drawdown from the equity high-water mark (0..1).")
        feedLag = registry.makeGauge(name: "mlbot_feed_lag_seconds", help: "Wall time since the newest committed bar closed (replay: since it was committed).")
        registry.makeGauge(name: "mlbot_build_info", labels: [("version", version)], help: "Always 1; the version label says which build runs.").set(to: 1.0)
        let registry = self.registry
        states = [TradingState.active, .reducing, .halted].map { s in
            (s, registry.makeGauge(name: "mlbot_trading_state", labels: [("state", s.rawValue)], help: "1 for the trading state the risk manager is in."))
        }
        for (s, g) in states { g.set(to: s == .active ? 1.0 : 0.0) }
    }

    /// One committed bar-time.
    public func observe(_ out: CycleOutcome, state s: EngineState, drawdown dd: Double, seconds: Duration) {
        bars.increment()
        barSeconds.record(seconds)
        fills.increment(by: Int64(out.fills.count))
        for o in out.orders {
            for name in Set(s.contributors(of: o.id)) {
                registry.makeCounter(name: "mlbot_orders_total", labels: [("strategy", name), ("side", o.side == .buy ? "buy" : "sell")],
                                     help: "Orders sent, by contributing strategy and side.").increment()
            }
        }
        for e in out.riskEvents where e.kind == .veto || e.kind == .resize {
            registry.makeCounter(name: e.kind == .veto ? "mlbot_risk_vetoes_total" : "mlbot_risk_resizes_total", labels: [("rule", e.finding.rule.rawValue)],
                                 help: e.kind == .veto ? "Intents the risk manager refused, by rule." : "Intents the risk manager shrank, by rule.").increment()
        }
        equity.set(out.equity)
        drawdown.set(dd)
        for (s, g) in states { g.set(to: out.trading == s ? 1.0 : 0.0) }
    }

    /// Model ages and the feed lag, refreshed when /metrics is read.
    func refresh(_ snapshot: ServiceSnapshot, nowMs: Int64, intervalMs: Int64) {
        if let lag = snapshot.lagSeconds(nowMs: nowMs, intervalMs: intervalMs) { feedLag.set(lag) }
        for s in snapshot.strategies {
            guard let through = s.modelTrainedThroughMs else { continue }
            // In bar time, as `models.max_age` is: a replay of old bars shows the age it had then.
            let at = snapshot.lastBarMs ?? nowMs
            registry.makeGauge(name: "mlbot_model_age_seconds", labels: [("strategy", s.name)],
                               help: "Bar time since the last bar the strategy's model was trained on (the age models.max_age limits).")
                .set(Double(at - through) / 1000)
            registry.makeGauge(name: "mlbot_model_expired", labels: [("strategy", s.name)],
                               help: "1 while the strategy's model is past models.max_age (exits only).")
                .set(to: s.modelExpired ? 1.0 : 0.0)
        }
    }

    public var text: String { registry.emitToString() }
}
