import ArgumentParser
import Engine
import Foundation
import Market

/// `mlbot orders …`: the service's orders and why they exist.
struct OrdersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Explain the service's orders: what produced each one.",
        discussion: """
            Example:
              mlbot orders explain eth-ema-lqu7d36o-0 --json
            """,
        subcommands: [Explain.self]
    )

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The decision chain of one order: bars, features, model, signal, settings, risk decision, fill.",
            discussion: "Example:\n  mlbot orders explain eth-ema-lqu7d36o-0")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The client order id (as in /orders, --fills files and the exchange's orderLinkId).") var id: String
        @Flag(help: "Print JSON (keys: order, fills, contributions, risk_events).") var json = false

        func run() throws {
            let store = try global.openStore(try global.loadConfig(), mustExist: true)
            let e = try OrderExplanation.explain(id, store: store)
            if json { try JSONOutput.print(e); return }
            let o = e.order
            print("\(o.clientOrderId): \(o.side) \(o.quantity) \(o.symbol), decided at the close of \(UTCTime.iso(o.decidedMs)) (\(o.status))")
            for c in e.contributions {
                print("  strategy \(c.strategy) (\(c.steps) steps):")
                print("    signal: P(up) \(c.probability.map { String(format: "%.6f", $0) } ?? "none") against threshold \(c.threshold.map { "\($0)" } ?? "–") → target \(c.target.map { "\($0)" } ?? "–")")
                print("    bars seen: sha256 chain \(c.barsHash ?? "–"); settings version \(c.settingsVersion.map(String.init) ?? "–")")
                print("    features: \(c.featureSet ?? "–") (\(c.featureHash?.prefix(16) ?? "–")…); model \(c.model ?? "none (a rule)")"
                      + (c.weightsSha256.map { ", weights sha256 \($0.prefix(16))…" } ?? "") + "; spec \(c.specHash?.prefix(16) ?? "–")…")
            }
            print(e.riskEvents.isEmpty ? "  risk: passed (no event at this bar)" : "  risk at this bar:")
            for r in e.riskEvents { print("    \(r.kind) \(r.rule): \(r.message)  \(r.figures)") }
            for f in e.fills { print("  fill: \(f.side) \(f.quantity) @ \(f.price), fee \(f.fee), at the open of \(UTCTime.iso(f.timeMs))") }
        }
    }
}
