import Foundation
import Store

/// When a strategy may move on: candidate → paper once its deflated Sharpe ratio passes the
/// threshold; paper → live only when asked for explicitly and only after the paper period, with
/// the paper drawdown within its limit. Pure: the caller stores the outcome.
public enum Graduation {
    public enum Decision: Sendable, Equatable {
        case allowed(to: StrategyRecord.Status, reason: String)
        case refused(String)
    }

    /// Whether `r` may be promoted to `target` (nil: the next step, which never means live).
    public static func promote(_ r: StrategyRecord, to target: StrategyRecord.Status?, rules: GraduationRules, nowMs: Int64) -> Decision {
        switch (r.status, target) {
        case (.candidate, nil), (.candidate, .paper?):
            guard let dsr = r.dsr, dsr.isFinite else {
                return .refused("\(r.name) has no deflated Sharpe ratio (only strategies ranked by `mlbot discover` have a trial count to deflate by)")
            }
            guard dsr >= rules.minDSR else {
                return .refused(String(format: "%@: deflated Sharpe ratio %.4f is below the %.4f that paper trading needs (strategies.min_dsr)",
                                       r.name, dsr, rules.minDSR))
            }
            return .allowed(to: .paper, reason: String(format: "deflated Sharpe ratio %.4f ≥ %.4f", dsr, rules.minDSR))
        case (.paper, nil):
            return .refused("\(r.name) is on paper; going live is never automatic: promote it with --to live")
        case (.paper, .live?):
            let days = Double(nowMs - r.statusMs) / 86_400_000
            guard days >= rules.paperDays else {
                return .refused(String(format: "%@ has been on paper %.1f days; live needs %.1f (strategies.paper_days)", r.name, days, rules.paperDays))
            }
            guard r.paperBars > 0, let drawdown = r.paperMaxDrawdown else {
                return .refused("\(r.name) has no paper-trading record yet (the service keeps it while the strategy trades on paper)")
            }
            guard drawdown <= rules.maxPaperDrawdown else {
                return .refused(String(format: "%@: paper drawdown %.2f%% exceeded the %.2f%% limit (strategies.max_paper_drawdown)",
                                       r.name, drawdown * 100, rules.maxPaperDrawdown * 100))
            }
            return .allowed(to: .live, reason: String(format: "%.1f days on paper over %d bars, max drawdown %.2f%% ≤ %.2f%%",
                                                      days, r.paperBars, drawdown * 100, rules.maxPaperDrawdown * 100))
        case (.candidate, .live?):
            return .refused("\(r.name) is a candidate: it goes to paper first")
        case (.live, _):
            return .refused("\(r.name) is already live")
        case (.retired, _):
            return .refused("\(r.name) is retired; import or discover it again to start over")
        case (_, .candidate?), (_, .retired?):
            return .refused("promote moves forward to paper or live; use `strategies retire` to stop a strategy")
        case (.paper, .paper?):
            return .refused("\(r.name) is already on paper")
        }
    }
}
