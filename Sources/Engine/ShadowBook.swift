import Features
import Foundation
import Learning
import Market
import Store

/// The challengers the service scores in shadow: a job's challenger that passed its holdout is
/// attached to its strategy at a bar boundary (it must load like a swap and its champion must
/// still be the one trading), its P(up) recorded beside the champion's at every bar on the same
/// features, never traded; once `bars` bars are labelled (the label needs `horizon` more), both
/// are scored on them by the job's metric, and the challenger is promoted (in the bar's
/// transaction, and swapped in at the next bar) only if it is still better by the margin.
struct ShadowBook {
    struct Attached {
        var row: ModelShadowRow
        let strategy: Int
        var signals: [ShadowSignalRow]
    }

    /// A shadow's end, written with the bar.
    struct Decision {
        let id: Int64
        let strategy: String
        let status: String
        let figures: String
        let reason: String
        /// The registry change to make with it (promoted only).
        let promote: (name: String, version: Int)?
    }

    private(set) var attached: [Attached] = []

    var isEmpty: Bool { attached.isEmpty }

    /// Attaches the waiting shadows of these strategies; returns the ones refused (champion no
    /// longer trading, a challenger that does not load).
    mutating func attach(_ store: DataStore, strategies: [PreparedStrategy], swapper: ModelSwapper, at t: Int64) throws -> [Decision] {
        var refused: [Decision] = []
        for row in try store.jobs.shadows(status: "waiting") where !attached.contains(where: { $0.row.id == row.id }) {
            guard let k = strategies.firstIndex(where: { $0.name == row.strategy }), let current = swapper.inForce[k] else { continue }
            guard current.name == row.model && current.version == row.championVersion else {
                refused.append(Decision(id: row.id!, strategy: row.strategy, status: "refused", figures: "{}",
                                        reason: "its champion \(row.model)@\(row.championVersion) no longer trades (\(current.name)@\(current.version) does)", promote: nil))
                continue
            }
            let entry = try store.models.entry(row.model, version: row.challengerVersion)
            switch swapper.load(entry, for: strategies[k], at: t) {
            case .ready(let predictor, _, _):
                strategies[k].runtime.shadow = predictor
                attached.append(Attached(row: row, strategy: k, signals: try store.jobs.shadowSignals(row.id!)))
            case .notYet:
                continue
            case .refused(let why):
                refused.append(Decision(id: row.id!, strategy: row.strategy, status: "refused", figures: "{}", reason: why, promote: nil))
            }
        }
        return refused
    }

    /// Both models' P(up) at bar `t` for each attached shadow whose strategy decided at it.
    mutating func record(_ strategies: [PreparedStrategy], signals: [CycleOutcome.Signal], at t: Int64) -> [ShadowSignalRow] {
        var rows: [ShadowSignalRow] = []
        for a in attached.indices {
            let k = attached[a].strategy
            guard let s = signals.first(where: { $0.strategy == k }) else { continue }
            let challenger = strategies[k].runtime.lastShadowProbability
            let row = ShadowSignalRow(shadowId: attached[a].row.id!, timeMs: t, championP: s.probability.isNaN ? nil : s.probability,
                                      challengerP: challenger.isNaN ? nil : challenger)
            attached[a].signals.append(row)
            rows.append(row)
        }
        return rows
    }

    /// The shadows whose `bars` bars are all labelled by bar `t` (closes of `series`, the
    /// strategy's symbol's bars held by the service), scored and decided; they are detached.
    mutating func decideDue(_ strategies: [PreparedStrategy], series: (Int) -> BarSeries, at t: Int64) -> [Decision] {
        var out: [Decision] = []
        attached.removeAll { a in
            let p = strategies[a.strategy]
            let label = p.definition.set.label
            guard a.signals.count >= a.row.bars else { return false }
            let scored = Array(a.signals.prefix(a.row.bars))
            guard scored.last!.timeMs + Int64(label.horizon) * p.interval.milliseconds <= t else { return false }
            let s = series(a.strategy)
            guard let first = s.openTime.firstIndex(of: scored[0].timeMs), let last = s.openTime.firstIndex(of: scored.last!.timeMs) else { return false }
            let slice = s.slice(first..<min(s.count, last + label.horizon + 1))
            let y = label.compute(FeatureInput(slice))
            var pc: [Double] = [], ph: [Double] = [], labels: [Double] = []
            for r in scored {
                guard let i = slice.openTime.firstIndex(of: r.timeMs), y[i].isFinite, !(label.dropsFlat && y[i] == 0),
                      let c = r.championP, let h = r.challengerP else { continue }
                pc.append(c); ph.append(h); labels.append(y[i] > 0 ? 1 : 0)
            }
            let zeros = [Double](repeating: 0, count: labels.count)
            let champion = Metrics(p: pc, y: labels, forwardReturn: zeros), challenger = Metrics(p: ph, y: labels, forwardReturn: zeros)
            let useAUC = a.row.metric == PromotionRule.Metric.auc.rawValue
            let (c, h) = useAUC ? (champion.auc, challenger.auc) : (champion.logLoss, challenger.logLoss)
            let gain = useAUC ? h - c : c - h
            let promote = labels.count > 1 && h.isFinite && (!c.isFinite || gain >= a.row.margin)
            let name = useAUC ? "AUC" : "log loss"
            let figures = String(format: #"{"samples":%d,"champion_log_loss":%.6f,"challenger_log_loss":%.6f,"champion_auc":%.6f,"challenger_auc":%.6f}"#,
                                 labels.count, champion.logLoss, challenger.logLoss, champion.auc, challenger.auc)
            let reason = String(format: "in shadow over %d labelled bars: %@ %.5f vs champion %.5f, better by %.5f, the rule needs %.5f", labels.count, name, h, c, gain,
                                a.row.margin)
            out.append(Decision(id: a.row.id!, strategy: a.row.strategy, status: promote ? "promoted" : "refused", figures: figures, reason: reason,
                                promote: promote ? (a.row.model, a.row.challengerVersion) : nil))
            p.runtime.shadow = nil
            return true
        }
        return out
    }
}
