import Dispatch
import Exchange
import Synchronization

/// Where the stream's task leaves its events for the bar loop's thread, in arrival order.
public final class FeedInbox: Sendable {
    private let queue = Mutex<[StreamEvent]>([])
    private let ready = DispatchSemaphore(value: 0)

    public init() {}

    public func put(_ event: StreamEvent) {
        queue.withLock { $0.append(event) }
        ready.signal()
    }

    /// The oldest event, waiting at most `timeout` seconds (nil: none came).
    public func take(timeout: Double) -> StreamEvent? {
        guard ready.wait(timeout: .now() + timeout) == .success else { return nil }
        return queue.withLock { $0.removeFirst() }
    }
}
