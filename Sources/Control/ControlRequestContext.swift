import Hummingbird
import NIOCore

/// The request context of the service's router: Hummingbird's core storage, the caller's address
/// (for the audit trail and the failure limit) and, once the guard has checked it, who is calling.
public struct ControlRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by `AccessGuard` for calls that carried a valid token.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The address as the audit trail records it.
    var source: String { remoteAddress?.ipAddress ?? "local" }
}

/// A verified token: its name and role.
public struct Caller: Sendable, Equatable {
    public let name: String
    public let role: ControlRole
}
