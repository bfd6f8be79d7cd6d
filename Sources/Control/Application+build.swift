import Foundation
import Hummingbird
import Logging
import Market
import NIOCore
import Risk
import Engine
import Store

/// What the HTTP application serves from: the store (read through its own readers), the loop's
/// live snapshot, the metrics registry and the configured limits.
public struct ControlContext: Sendable {
    public let store: DataStore
    public let status: LiveStatus
    public let metrics: ServiceMetrics
    public let limits: RiskLimits
    /// One bar interval: the feed is stale after two without a commit.
    public let intervalMs: Int64
    public let clock: @Sendable () -> Int64
    /// The settings before any stored change (defaults and the config file).
    public let baseSettings: EngineSettings
    /// Told after a change or command is stored, so the loop reads it at the next bar.
    public let inbox: ControlInbox
    /// Whether the read routes need a read token too (the service is reachable from other hosts).
    public let readNeedsToken: Bool
    public let limiter: FailureLimiter
    /// The scheduled jobs the service runs (nil: none).
    public let jobs: JobSupervisor?

    public init(store: DataStore, status: LiveStatus, metrics: ServiceMetrics, limits: RiskLimits, intervalMs: Int64,
                clock: @escaping @Sendable () -> Int64 = UTCTime.nowMs, baseSettings: EngineSettings? = nil, inbox: ControlInbox = ControlInbox(),
                readNeedsToken: Bool = false, limiter: FailureLimiter = FailureLimiter(), jobs: JobSupervisor? = nil) {
        self.store = store; self.status = status; self.metrics = metrics; self.limits = limits; self.intervalMs = intervalMs; self.clock = clock
        self.baseSettings = baseSettings ?? EngineSettings(risk: limits)
        self.inbox = inbox; self.readNeedsToken = readNeedsToken; self.limiter = limiter; self.jobs = jobs
    }
}

/// Where the server listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) { self.host = host; self.port = port }
}

/// The service's HTTP application: a function of its settings and context (tests drive the
/// router without a socket through `app.test(.router)`).
public func buildApplication(_ settings: ServerSettings, context: ControlContext, logger: Logger,
                             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    Application(router: buildRouter(context), configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
                onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? settings.port) }, logger: logger)
}

/// The read API's and the control center's routes.
public func buildRouter(_ c: ControlContext) -> Router<ControlRequestContext> {
    let router = Router(context: ControlRequestContext.self)
    router.addMiddleware { APIErrorMiddleware(); AccessGuard(c: c) }
    ControlRoutes.add(to: router, c)
    DashboardRoutes.add(to: router, c)
    router.get("/health") { _, _ in try API.json(["status": "ok"]) }
    router.get("/ready") { _, _ in try ReadRoutes.ready(c) }
    router.get("/status") { _, _ in try API.json(ReadRoutes.status(c)) }
    router.get("/strategies") { _, _ in try API.json(c.status.snapshot.strategies) }
    router.get("/positions") { _, _ in try API.json(ReadRoutes.positions(c)) }
    router.get("/orders") { request, _ in try API.json(ReadRoutes.orders(c, try Page(request))) }
    router.get("/orders/:id") { _, context in
        try API.json(OrderExplanation.explain(try context.parameters.require("id"), store: c.store))
    }
    router.get("/fills") { request, _ in try API.json(ReadRoutes.fills(c, try Page(request))) }
    router.get("/equity") { request, _ in try API.json(ReadRoutes.equity(c, try Page(request))) }
    router.get("/risk") { _, _ in try API.json(ReadRoutes.risk(c)) }
    router.get("/openapi.json") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
    }
    router.get("/metrics") { _, _ in
        c.metrics.refresh(c.status.snapshot, nowMs: c.clock(), intervalMs: c.intervalMs)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: c.metrics.text)))
    }
    return router
}
