import ConfigFormat
import Exchange
import Foundation
import Market

/// Tick size, quantity step and minimums per symbol, from `config/instruments.yaml` (which
/// `mlbot data instruments` writes from Bybit's `/v5/market/instruments-info`); a symbol it does
/// not list gets `Instrument.standard`.
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

    /// The instruments Bybit lists for `symbols` (all it lists when empty); a requested symbol
    /// Bybit does not trade is an error naming it, and nothing is returned.
    public static func fetch(_ client: BybitMarketClient, category: String, symbols: [Symbol]) throws -> InstrumentCatalog {
        let listed = try symbols.count == 1 ? client.instruments(category: category, symbol: symbols[0].name) : client.instruments(category: category)
        let byName = Dictionary(listed.map { ($0.symbol, $0) }, uniquingKeysWith: { a, _ in a })
        let missing = symbols.filter { byName[$0.name] == nil }
        guard missing.isEmpty else {
            throw Failure(.notFound, "Bybit \(category) lists no trading instrument \(missing.map(\.name).joined(separator: ", ")) (\(client.baseURL))")
        }
        let chosen = symbols.isEmpty ? listed.sorted { $0.symbol < $1.symbol } : symbols.map { byName[$0.name]! }
        var out: [Instrument] = []
        for info in chosen {
            func decimal(_ text: String, _ field: String) throws -> Decimal {
                guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                    throw Failure(.internal, "Bybit \(info.symbol): \(field) '\(text)' is not a decimal number")
                }
                return d
            }
            guard let symbol = try? Symbol(info.symbol) else { continue }   // names mlbot cannot trade (e.g. with '-') are left out
            out.append(try Instrument(symbol: symbol, tickSize: try decimal(info.tickSize, "tickSize"), quantityStep: try decimal(info.qtyStep, "qtyStep"),
                                      minQuantity: try decimal(info.minOrderQty, "minOrderQty"), minNotional: try decimal(info.minNotional, "minNotional")))
        }
        return InstrumentCatalog(out, source: "\(client.baseURL) /v5/market/instruments-info?category=\(category)")
    }

    /// The catalog as `config/instruments.yaml`, symbols in order, numbers printed exactly; `parse`
    /// of it gives the same instruments back.
    public var yaml: String {
        var lines = ["# Tick size, quantity step and order minimums per symbol, from \(source)",
                     "# (priceFilter.tickSize, lotSizeFilter.qtyStep / minOrderQty / minNotionalValue). A symbol not listed",
                     "# here gets tick 0.01, step 0.001, min_qty 0.001, min_notional 5.",
                     "instruments:"]
        for i in instruments.values.sorted(by: { $0.symbol.name < $1.symbol.name }) {
            lines.append("  \(i.symbol.name): {tick_size: \(i.tickSize), qty_step: \(i.quantityStep), min_qty: \(i.minQuantity), min_notional: \(i.minNotional)}")
        }
        return lines.joined(separator: "\n") + "\n"
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
