import ConfigFormat
import Foundation
import Market

/// Tick size, quantity step and minimums per symbol, from `config/instruments.yaml` (or, later,
/// Bybit's `/v5/market/instruments-info`); a symbol it does not list gets `Instrument.standard`.
public struct InstrumentCatalog: Sendable, Equatable {
    public let instruments: [Symbol: Instrument]
    /// Where they came from (for messages).
    public let source: String

    public init(_ instruments: [Instrument] = [], source: String = "built-in defaults") {
        self.instruments = Dictionary(instruments.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        self.source = source
    }

    public func instrument(_ s: Symbol) -> Instrument { instruments[s] ?? .standard(s) }

    /// Reads `path`, or the defaults when `path` is nil and `config/instruments.yaml` is absent.
    public static func load(path: String?) throws -> InstrumentCatalog {
        let candidate = path ?? "config/instruments.yaml"
        guard FileManager.default.fileExists(atPath: candidate) else {
            if path != nil { throw ConfigError(file: candidate, line: nil, field: "file", expected: "an existing instruments file") }
            return InstrumentCatalog()
        }
        guard let data = FileManager.default.contents(atPath: candidate), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: candidate, line: nil, field: "file", expected: "a readable UTF-8 file")
        }
        return try parse(yaml: text, file: candidate)
    }

    /// `instruments: {SYMBOL: {tick_size, qty_step, min_qty, min_notional}}`; numbers are read as
    /// exact decimals from their text.
    public static func parse(yaml: String, file: String) throws -> InstrumentCatalog {
        let root = try YAMLMap(yaml: yaml, file: file)
        try root.requireOnly(["instruments"])
        guard let list = try root.map("instruments") else { return InstrumentCatalog(source: file) }
        var out: [Instrument] = []
        for name in list.keys {
            let symbol: Symbol
            do { symbol = try Symbol(name) } catch { throw list.error(name, "an upper-case symbol like BTCUSDT, got '\(name)'") }
            guard let m = try list.map(name) else { throw list.error(name, "a mapping {tick_size, qty_step, min_qty, min_notional}") }
            try m.requireOnly(["tick_size", "qty_step", "min_qty", "min_notional"])
            func decimal(_ key: String, required: Bool) throws -> Decimal? {
                guard let text = try m.string(key) else {
                    if required { throw m.error(key, "a decimal number (required)") }
                    return nil
                }
                guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), text.allSatisfy({ "0123456789.-+eE".contains($0) }) else {
                    throw m.error(key, "a decimal number, got '\(text)'")
                }
                return d
            }
            let tick = try decimal("tick_size", required: true)!, step = try decimal("qty_step", required: true)!
            let minQty = try decimal("min_qty", required: false) ?? step
            let minNotional = try decimal("min_notional", required: false) ?? 0
            do {
                out.append(try Instrument(symbol: symbol, tickSize: tick, quantityStep: step, minQuantity: minQty, minNotional: minNotional))
            } catch let e as Instrument.InvalidInstrument {
                throw m.error(e.field, e.expected)
            }
        }
        return InstrumentCatalog(out, source: file)
    }
}
