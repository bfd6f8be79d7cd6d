import Risk

/// What an operator orders the engine to do at the next bar boundary. Stored before it is
/// acknowledged and applied by `BarCycle` at one bar (recorded with it), so a restart rebuilds
/// the same state.
public enum OperatorCommand: String, Sendable, Equatable, CaseIterable, Codable {
    /// REDUCING: exits only.
    case pause
    /// Back to ACTIVE from any state (the high-water mark restarts at the current equity).
    case resume
    /// HALTED: nothing new; open orders are cancelled.
    case halt
    /// Every position closed through the risk manager's reducing path, then REDUCING.
    case flatten
}

extension OperatorCommand {
    /// The trading state after this command: the one rule `BarCycle` applies and the control API
    /// predicts from (a repeated command is refused as changing nothing).
    public func apply(to risk: RiskState, equity: Double, timeMs: Int64) -> (RiskState, RiskEvent?) {
        switch self {
        case .pause: RiskManager.hold(risk, to: .reducing, cause: .operatorPause, timeMs: timeMs, reason: "exits only until resumed")
        case .halt: RiskManager.hold(risk, to: .halted, cause: .operatorHalt, timeMs: timeMs, reason: "nothing new until resumed")
        case .flatten: RiskManager.hold(risk, to: .reducing, cause: .operatorFlatten, timeMs: timeMs, reason: "every position closed, then exits only until resumed")
        case .resume: RiskManager.resume(risk, equity: equity, timeMs: timeMs, reason: "control resume")
        }
    }
}
