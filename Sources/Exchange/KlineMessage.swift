import Foundation
import Market

/// One candle of a `kline.{interval}.{symbol}` push (reference §8.3).
public struct StreamCandle: Sendable, Equatable {
    public let symbol: Symbol
    public let interval: Interval
    public let bar: Bar
    /// True once the candle is closed: its values are final.
    public let confirm: Bool

    public init(symbol: Symbol, interval: Interval, bar: Bar, confirm: Bool) {
        self.symbol = symbol; self.interval = interval; self.bar = bar; self.confirm = confirm
    }
}

/// A frame of Bybit's public stream, read: candles, or a control answer (subscribe ack, pong).
public enum StreamMessage: Sendable, Equatable {
    case candles([StreamCandle])
    case ack(op: String, success: Bool, message: String)

    private struct Frame: Decodable {
        let topic: String?
        let data: [Candle]?
        let op: String?
        let success: Bool?
        let ret_msg: String?
    }

    private struct Candle: Decodable {
        let start: Int64
        let end: Int64
        let interval: String
        let open: String, close: String, high: String, low: String, volume: String
        let confirm: Bool
    }

    /// Reads one text frame. A frame that is neither a kline push nor an answer is an error
    /// naming what was wrong, so a changed format is noticed rather than skipped.
    public static func parse(_ text: String) throws -> StreamMessage {
        let frame: Frame
        do { frame = try JSONDecoder().decode(Frame.self, from: Data(text.utf8)) } catch let e as DecodingError {
            throw BybitError.malformed(path: "websocket", detail: "\(BybitMarketClient.describe(e)) in \(text.prefix(200))")
        }
        if let op = frame.op {
            return .ack(op: op, success: frame.success ?? false, message: frame.ret_msg ?? "")
        }
        guard let topic = frame.topic, let data = frame.data else {
            throw BybitError.malformed(path: "websocket", detail: "a frame without op, topic or data: \(text.prefix(200))")
        }
        let parts = topic.split(separator: ".")
        guard parts.count == 3, parts[0] == "kline" else {
            throw BybitError.malformed(path: "websocket", detail: "topic \(topic) is not kline.{interval}.{symbol}")
        }
        let symbol = try Symbol(String(parts[2]))
        let interval = try Interval(String(parts[1]))
        return .candles(try data.enumerated().map { i, c in
            guard let o = Double(c.open), let h = Double(c.high), let l = Double(c.low), let cl = Double(c.close), let v = Double(c.volume) else {
                throw BybitError.malformed(path: "websocket", detail: "\(topic) data[\(i)]: open/high/low/close/volume must be decimal strings")
            }
            guard c.end == c.start + interval.milliseconds - 1, (try? Interval(c.interval)) == interval else {
                throw BybitError.malformed(path: "websocket", detail: "\(topic) data[\(i)]: start \(c.start), end \(c.end), interval \(c.interval) do not describe one \(interval.name) candle")
            }
            return StreamCandle(symbol: symbol, interval: interval, bar: Bar(openTime: c.start, open: o, high: h, low: l, close: cl, volume: v), confirm: c.confirm)
        })
    }
}
