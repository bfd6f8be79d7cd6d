import Foundation

/// The rule a challenger must pass to replace its champion, scored on the same holdout.
public struct PromotionRule: Sendable, Equatable, Codable {
    /// The figure compared: lower log loss, higher AUC or higher net Sharpe.
    public enum Metric: String, Sendable, Codable, CaseIterable {
        case logLoss = "log_loss", auc, sharpe
    }
    public var metric: Metric
    /// The challenger must be better than the champion by at least this much of the metric.
    public var margin: Double
    /// …and its holdout max drawdown may exceed the champion's by at most this (a fraction; 0: not worse).
    public var maxDrawdownIncrease: Double

    public init(metric: Metric = .logLoss, margin: Double = 0.0005, maxDrawdownIncrease: Double = 0) {
        self.metric = metric; self.margin = margin; self.maxDrawdownIncrease = maxDrawdownIncrease
    }
}

/// Whether a challenger replaces its champion, and why, in words an operator can check.
public struct PromotionDecision: Sendable, Equatable, Codable {
    public let promote: Bool
    public let reason: String
}

extension PromotionRule {
    /// Promote only when the challenger beats the champion on the metric by the margin and is
    /// not worse on drawdown than the rule allows; a figure that could not be computed keeps the
    /// champion. With no champion at all, a challenger that scored is promoted.
    public func decide(champion: HoldoutScore?, challenger: HoldoutScore) -> PromotionDecision {
        guard let champion else { return PromotionDecision(promote: true, reason: "no champion to compare with") }
        let name = metric.rawValue.replacingOccurrences(of: "_", with: " ")
        let (c, h) = (value(champion), value(challenger))
        guard h.isFinite else { return PromotionDecision(promote: false, reason: "the challenger's holdout \(name) is not a number") }
        // Higher is better for AUC and Sharpe, lower for log loss.
        let gain = metric == .logLoss ? c - h : h - c
        let figures = String(format: "%@ %.4f vs champion %.4f", name, h, c)
        guard c.isFinite ? gain >= margin : true else {
            return PromotionDecision(promote: false, reason: figures + String(format: ": better by %.4f, the rule needs %.4f", gain, margin))
        }
        let allowed = champion.maxDrawdown + maxDrawdownIncrease
        guard challenger.maxDrawdown <= allowed + 1e-12 else {
            return PromotionDecision(promote: false, reason: figures + String(format: ", but holdout max drawdown %.2f%% vs champion %.2f%% (allowed %.2f%%)",
                                                                             challenger.maxDrawdown * 100, champion.maxDrawdown * 100, allowed * 100))
        }
        return PromotionDecision(promote: true, reason: figures + String(format: " (margin %.4f), holdout max drawdown %.2f%% vs %.2f%%",
                                                                        margin, challenger.maxDrawdown * 100, champion.maxDrawdown * 100))
    }

    func value(_ s: HoldoutScore) -> Double {
        switch metric {
        case .logLoss: s.logLoss
        case .auc: s.auc
        case .sharpe: s.sharpe
        }
    }
}
