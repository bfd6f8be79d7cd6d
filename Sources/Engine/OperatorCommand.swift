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
