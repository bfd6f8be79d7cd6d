import Backtest
import Discovery
import Engine
import Foundation
import Learning
import Market
import Store

/// Builds a tearsheet's input from what can be reported on: a fresh backtest through the engine,
/// a stored backtest, or the paper service's ledger.
public enum ReportSource {
    /// A backtest run just now (`mlbot backtest`'s job, so the figures are the ones it prints),
    /// with the same strategies again at no cost beside it.
    public static func backtest(_ job: BacktestJob, store: DataStore, config: MlbotConfig, catalog: InstrumentCatalog) throws -> TearsheetInput {
        let o = try job.run(store: store, config: config, catalog: catalog)
        let b = o.backtest, r = b.result
        guard !r.time.isEmpty, let lead = o.strategies.first else { throw Failure(.badInput, "no bars to trade in this range") }
        let free = try StrategyBacktest.run(try StrategyBacktest.withoutCosts(o.strategies), catalog: catalog, config: config,
                                            settings: EngineSettings(config: config), to: job.to)
        let names = o.strategies.map(\.name)
        var record: StrategyRecord?
        if names.count == 1 { record = try? store.strategies.get(names[0]) }
        var honesty: TearsheetInput.Honesty?
        if let rec = record, rec.trials != nil || rec.dsr != nil {
            honesty = .init(trials: rec.trials, dsr: rec.dsr, psr: rec.psr, inSampleSharpe: lead.evaluation?.inSample.sharpe,
                            outOfSampleSharpe: lead.evaluation?.backtest.metrics.sharpe ?? rec.sharpe)
        }
        var notes: [String] = []
        let model = try modelSection(lead, notes: &notes)
        let serieses = Dictionary(o.strategies.map { ($0.symbol, $0.series) }, uniquingKeysWith: { a, _ in a })
        var slippage = 0.0
        for f in b.fills {
            guard let s = serieses[f.symbol], let k = index(s.openTime, f.timeMs) else { continue }
            let q = NSDecimalNumber(decimal: f.quantity).doubleValue, p = NSDecimalNumber(decimal: f.price).doubleValue
            slippage += abs(p - s.open[k]) * q
        }
        if names.count > 1 { notes.append("Buy and hold is of \(lead.symbol.name), the first strategy's symbol.") }
        return TearsheetInput(
            source: "backtest --mode \(job.mode.rawValue)", title: names.count == 1 ? names[0] : "portfolio of \(names.count) strategies", strategies: names,
            symbol: lead.symbol.name, intervalMs: lead.interval.milliseconds, barsPerYear: lead.interval.barsPerYear, initialEquity: o.initialEquity,
            time: r.time, equity: r.equity, returns: r.returns, exposure: r.exposure,
            trades: r.trades.filter { $0.exitTime != nil }.map { .init(entryMs: $0.entryTime, exitMs: $0.exitTime, result: $0.result) },
            metrics: r.metrics, psr: o.psr, benchmark: closes(lead.series, at: r.time), honesty: honesty, model: model,
            costs: .init(fees: NSDecimalNumber(decimal: b.ledger.feesPaid.decimal).doubleValue, slippage: slippage, withoutCosts: free.result.metrics,
                         withoutCostsFinalEquity: free.result.equity.last),
            vetoes: b.count(.veto), resizes: b.count(.resize),
            riskEventTimes: b.riskEvents.filter { $0.kind == .veto || $0.kind == .resize }.map { ($0.finding.rule.rawValue, $0.kind.rawValue, $0.timeMs) },
            orders: b.orders.count, fills: b.fills.count, notes: notes)
    }

    /// The model's calibration: walk-forward out-of-fold probabilities, or the registered model's recorded metrics.
    static func modelSection(_ p: PreparedStrategy, notes: inout [String]) throws -> TearsheetInput.Model? {
        if let t = p.evaluation?.training {
            return .init(name: "walk-forward \(p.definition.model.kind)", ece: t.ece, eceUncalibrated: t.eceUncalibrated,
                         reliability: Calibration.reliability(p: t.oofProbabilities, y: t.oofLabels), folds: t.folds)
        }
        if let e = p.model {
            let (manifest, _) = try ModelArtifact.load(URL(fileURLWithPath: e.path))
            notes.append("The reliability diagram needs each out-of-fold prediction; a registered model keeps only its ECE and fold metrics (run the walk-forward report for the diagram).")
            return .init(name: e.reference, ece: manifest.metrics.ece, eceUncalibrated: manifest.metrics.eceUncalibrated, reliability: [], folds: manifest.metrics.folds)
        }
        notes.append("A rule strategy has no model, so no calibration.")
        return nil
    }

    /// A stored backtest (`stored_as` of `mlbot backtest --json`), with its strategy's bars for buy and hold.
    public static func stored(id: Int64, store: DataStore) throws -> TearsheetInput {
        guard let rec = try store.backtests.backtest(id: id) else { throw Failure(.notFound, "no backtest #\(id) in \(store.path) (see `mlbot strategies show NAME`)") }
        let strategy = try store.strategies.get(rec.strategy)
        let symbol = try Symbol(strategy.symbol), interval = try Interval(strategy.interval)
        let metrics = try BacktestStorage.metrics(json: rec.metricsJSON)
        let bars = rec.time.isEmpty ? nil : try store.bars.series(symbol: symbol, interval: interval, from: rec.time.first, to: rec.time.last)
        var honesty: TearsheetInput.Honesty?
        if strategy.trials != nil || strategy.dsr != nil {
            honesty = .init(trials: strategy.trials, dsr: strategy.dsr, psr: strategy.psr, inSampleSharpe: nil, outOfSampleSharpe: metrics.sharpe)
        }
        return TearsheetInput(
            source: "stored backtest #\(id)", title: rec.strategy, strategies: [rec.strategy], symbol: symbol.name, intervalMs: interval.milliseconds,
            barsPerYear: interval.barsPerYear, initialEquity: rec.equity.first.map { e in e / (1 + (rec.returns.first ?? 0)) } ?? 1,
            time: rec.time, equity: rec.equity, returns: rec.returns, exposure: rec.exposure,
            trades: rec.trades.filter { $0.exitMs != nil }.map { .init(entryMs: $0.entryMs, exitMs: $0.exitMs, result: $0.result) },
            metrics: metrics, psr: rec.psr, benchmark: bars.map { closes($0, at: rec.time) }, honesty: honesty, model: nil,
            costs: .init(fees: metrics.fees, slippage: nil, withoutCosts: nil, withoutCostsFinalEquity: nil),
            vetoes: [:], resizes: [:], riskEventTimes: [], orders: nil, fills: nil,
            notes: ["A stored backtest keeps its curve, trades and metrics only: no model calibration, slippage, cost-free comparison or risk decisions "
                    + "(`mlbot report --strategy \(rec.strategy)` runs it again with all of them)."])
    }

    /// The paper service's ledger between `from` and `to`: its committed equity, fills and risk decisions.
    public static func paper(store: DataStore, from: Int64?, to: Int64?) throws -> TearsheetInput {
        let rows = try store.ledger.equity(from: from, to: to)
        guard let first = rows.first else { throw Failure(.notFound, "no paper equity in \(store.path)\(from != nil || to != nil ? " in that range" : ""): run `mlbot serve --paper` first") }
        // The strategies the service traded in the range (whatever their status is now).
        let names = try store.ledger.signalledStrategies(from: first.timeMs, to: rows.last!.timeMs)
        guard let leadName = names.first else { throw Failure(.notFound, "no strategy signalled in \(store.path)'s paper ledger in that range") }
        let lead = try store.strategies.get(leadName)
        let symbol = try Symbol(lead.symbol), interval = try Interval(lead.interval)
        let fills = try store.ledger.fills(from: first.timeMs, to: rows.last!.timeMs)
        let events = try store.ledger.riskEvents(from: first.timeMs, to: rows.last!.timeMs)
        // The first return starts from the row before the range, or the first row itself at the session's start.
        let initial = try store.ledger.equity(before: first.timeMs) ?? first.equity
        var acc = MetricsAccumulator(barsPerYear: interval.barsPerYear, initialEquity: initial)
        var returns: [Double] = [], prev = initial
        for r in rows {
            let ret = prev != 0 ? r.equity / prev - 1 : 0
            returns.append(ret)
            acc.add(barReturn: ret, equity: r.equity, side: 0, equityAtOpen: prev)
            prev = r.equity
        }
        let fees = fills.reduce(0.0) { $0 + (Double($1.fee) ?? 0) }
        let notional = fills.reduce(0.0) { $0 + (Double($1.quantity) ?? 0) * (Double($1.price) ?? 0) }
        var metrics = acc.finish(fees: fees, tradedNotional: notional)
        metrics.trades = 0
        var vetoes: [String: Int] = [:], resizes: [String: Int] = [:]
        for e in events { if e.kind == "veto" { vetoes[e.rule, default: 0] += 1 } else if e.kind == "resize" { resizes[e.rule, default: 0] += 1 } }
        let time = rows.map(\.timeMs)
        let bars = try store.bars.series(symbol: symbol, interval: interval, from: time.first, to: time.last)
        let orderIDs = Set(fills.map(\.clientOrderId))
        return TearsheetInput(
            source: "paper ledger", title: "paper account", strategies: names, symbol: symbol.name, intervalMs: interval.milliseconds,
            barsPerYear: interval.barsPerYear, initialEquity: initial, time: time, equity: rows.map(\.equity), returns: returns, exposure: nil,
            trades: [], metrics: metrics, psr: SharpeStatistics.probabilistic(SharpeStatistics.Moments(returns: returns), benchmark: 0),
            benchmark: closes(bars, at: time), honesty: nil, model: nil,
            costs: .init(fees: fees, slippage: nil, withoutCosts: nil, withoutCostsFinalEquity: nil), vetoes: vetoes, resizes: resizes,
            riskEventTimes: events.filter { $0.kind == "veto" || $0.kind == "resize" }.map { ($0.rule, $0.kind, $0.timeMs) },
            orders: orderIDs.count, fills: fills.count,
            notes: ["The paper ledger records equity, fills and risk decisions per bar, not round trips or exposure: trade statistics and the exposure "
                    + "chart come from `mlbot report --strategy NAME --mode model`, which replays the same strategies."])
    }

    /// The series' closes at the given open times (NaN where it has no bar).
    static func closes(_ s: BarSeries, at time: [Int64]) -> [Double] {
        time.map { t in index(s.openTime, t).map { s.close[$0] } ?? .nan }
    }

    static func index(_ times: [Int64], _ t: Int64) -> Int? {
        var lo = 0, hi = times.count
        while lo < hi { let mid = (lo + hi) / 2; if times[mid] < t { lo = mid + 1 } else { hi = mid } }
        return lo < times.count && times[lo] == t ? lo : nil
    }
}
