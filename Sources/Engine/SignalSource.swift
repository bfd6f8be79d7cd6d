import Backtest
import Features
import Learning

/// Where a strategy's P(up) at each bar comes from.
public enum SignalSource {
    /// Probabilities computed beforehand for a series (walk-forward predictions), by bar open
    /// time, increasing; a bar without one is NaN.
    case recorded(times: [Int64], probabilities: [Double])
    /// A registered model, fixed, on the streaming features.
    case model(RowPredictor)
    /// A rule over the streaming feature outputs.
    case rule(FeatureRule)
}
