/// Hands a non-Sendable value (raw pointers into a buffer, per-worker scratch) to the workers of
/// a `concurrentPerform`, each of which touches only its own, disjoint part of it. That
/// disjointness is the caller's promise; this wrapper only states it once, in one place.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
