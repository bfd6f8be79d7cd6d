import Synchronization

/// How the control API tells the bar loop that it stored a setting change or a command: a
/// counter the loop compares once per bar, so the store is read only when something changed.
public final class ControlInbox: Sendable {
    private let counter = Atomic<Int>(0)
    public init() {}
    public var generation: Int { counter.load(ordering: .acquiring) }
    public func notify() { counter.add(1, ordering: .releasing) }
}
