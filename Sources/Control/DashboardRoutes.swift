import Charts
import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// The dashboard at `/`: the page (open: it holds no data), its data and its live stream (both
/// need a read token, like every `/dashboard/` path).
enum DashboardRoutes {
    static func add(to router: Router<ControlRequestContext>, _ c: ControlContext) {
        let cache = DashboardCache()
        router.get("/") { _, _ in
            let s = c.status.snapshot
            let html = DashboardTemplates.page.render([
                "css": PageStyle.css, "mode": s.mode, "feed": s.feed, "database": s.database,
                "tokenFile": ControlClient.defaultTokenFile(database: s.database),
            ] as [String: Any])
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/dashboard/data") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try cache.body(c))))
        }
        // Server-sent events: the current state at once (so a reconnect catches up), then one event
        // after each committed bar at most, checked four times a second; a comment every 15 s keeps
        // proxies from closing an idle stream.
        router.get("/dashboard/events") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var sent: String?
                var quietSince = ContinuousClock.now
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    let s = c.status.snapshot
                    let key = DashboardCache.key(s)
                    if key != sent {
                        let body = try cache.body(c)
                        var event = ByteBuffer(string: "id: \(s.barTimes)\nevent: bar\ndata: ")
                        event.writeBytes(body)
                        event.writeString("\n\n")
                        try await writer.write(event)
                        sent = key; quietSince = .now
                        if s.finished { break }
                    } else if ContinuousClock.now - quietSince > .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": still here\n\n"))
                        quietSince = .now
                    }
                    try await Task.sleep(for: .milliseconds(250))
                }
                try await writer.finish(nil)
            })
        }
    }
}

/// The rendered dashboard of the last bar, shared by every viewer: rendered once per change of
/// what it shows, never by the bar loop.
final class DashboardCache: Sendable {
    private let last = Mutex<(key: String, body: Data)?>(nil)

    static func key(_ s: ServiceSnapshot) -> String {
        "\(s.barTimes)|\(s.settingsVersion)|\(s.trading.rawValue)|\(s.feedStale)|\(s.finished)|\(s.warm)"
    }

    func body(_ c: ControlContext) throws -> Data {
        let snapshot = c.status.snapshot
        let key = Self.key(snapshot)
        if let hit = last.withLock({ $0 }), hit.key == key { return hit.body }
        let body = try API.encoder.encode(try DashboardView.build(c, snapshot: snapshot))
        last.withLock { $0 = (key, body) }
        return body
    }
}
