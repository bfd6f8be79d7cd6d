import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct CLIPortfolioTests {
    /// Four assets over 60 days: deterministic, uneven volatilities.
    static func csv() -> String {
        var text = "timestamp,BTC,ETH,SOL,GOLD,LEVERED\n"
        for d in 0..<60 {
            let x = Double(d)
            // LEVERED is nearly 2 × BTC: a minimum-variance book that may short hedges one with the other.
            let btc = 0.02 * sin(x * 1.3)
            let row = [btc, 0.03 * sin(x * 0.7 + 1), 0.05 * cos(x * 1.1), 0.005 * sin(x * 2.1 + 2), 2 * btc + 0.002 * sin(x * 3.7)].map { String($0 + 0.001) }
            text += "2024-01-\(String(format: "%02d", d % 28 + 1))T00:00:00Z".replacingOccurrences(of: "2024-01", with: "2024-\(String(format: "%02d", d / 28 + 1))")
                + "," + row.joined(separator: ",") + "\n"
        }
        return text
    }

    @Test func optimizeFromAReturnsFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        let file = try Fixtures.write(Self.csv(), named: "r.csv", in: dir)
        for method in ["risk-parity", "min-variance", "max-sharpe", "inverse-vol"] {
            let r = try CLI.run(["portfolio", "optimize", "--method", method, "--returns", file, "--cap", "0.6", "--json"], in: dir)
            #expect(r.status == 0, "\(method): \(r.err)")
            let out = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any]
            #expect(Set(out.keys) == ["method", "covariance", "shrinkage", "periods_per_year", "observations", "volatility", "expected_return",
                                      "sharpe", "kkt_residual", "iterations", "at_lower", "at_cap", "assets"])
            let weights = (out["assets"] as! [[String: Any]]).map { $0["weight"] as! Double }
            #expect(abs(weights.reduce(0, +) - 1) < 1e-9 && weights.allSatisfy { $0 <= 0.6 + 1e-12 && $0 >= -1e-12 }, "\(method): \(weights)")
        }
        // A gross leverage of 1 with shorts allowed is the long-only portfolio.
        func weights(_ extra: [String]) throws -> [Double] {
            let r = try CLI.run(["portfolio", "optimize", "--method", "min-variance", "--returns", file, "--json"] + extra, in: dir)
            return ((try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as! [String: Any])["assets"] as! [[String: Any]]).map { $0["weight"] as! Double }
        }
        let longOnly = try weights([]), capped = try weights(["--min-weight=-0.5", "--gross-leverage", "1"]), shorting = try weights(["--min-weight=-0.5"])
        #expect(zip(longOnly, capped).allSatisfy { abs($0 - $1) < 1e-8 }, "\(longOnly) vs \(capped)")
        #expect(shorting.contains { $0 < -1e-6 })          // without the cap this data wants a short
        let text = try CLI.run(["portfolio", "optimize", "--method", "min-variance", "--returns", file, "--covariance", "ledoit-wolf"], in: dir)
        #expect(text.status == 0 && text.out.contains("GOLD") && text.out.contains("shrinkage"))
    }

    @Test func badInputsAreClearErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let bad = try Fixtures.write("timestamp,A,B\n2024-01-01,0.1,0.2\n2024-01-02,0.1,oops\n", named: "bad.csv", in: dir)
        let r = try CLI.run(["portfolio", "optimize", "--method", "min-variance", "--returns", bad], in: dir)
        #expect(r.status != 0 && r.err.contains("bad.csv:3") && r.err.contains("B"), "\(r.err)")
        let file = try Fixtures.write(Self.csv(), named: "r.csv", in: dir)
        let cap = try CLI.run(["portfolio", "optimize", "--method", "min-variance", "--returns", file, "--cap", "0.15"], in: dir)
        #expect(cap.status != 0 && cap.err.contains("cap"))
        let method = try CLI.run(["portfolio", "optimize", "--method", "kelly", "--returns", file], in: dir)
        #expect(method.status != 0 && method.err.contains("risk-parity"))
        let db = dir.appendingPathComponent("t.sqlite").path
        _ = try CLI.run(["data", "synth", "--db", db, "--days", "1"], in: dir)
        let none = try CLI.run(["portfolio", "optimize", "--method", "risk-parity", "--strategies", "paper", "--db", db], in: dir)
        #expect(none.status != 0 && none.err.contains("no strategies with status paper"))
    }

    @Test(arguments: [["portfolio"], ["portfolio", "optimize"]])
    func helpHasAnExample(path: [String]) throws {
        let r = try CLI.run(path + ["--help"])
        #expect(r.status == 0 && r.out.contains("Example"))
    }
}
