import ConfigFormat
import Features
import TestSupport
import Testing

@Suite struct FeatureSetTests {
    @Test func theDefaultSetHasEveryRequiredOutput() throws {
        let set = try FeatureSet.load(path: Fixtures.repositoryRoot.appendingPathComponent("features/default.yaml").path)
        #expect(set.name == "default" && set.reference == "BTCUSDT")
        #expect(set.label == .direction(horizon: 15, deadZone: 0.0011, dropFlat: true))
        #expect(set.outputs == [
            "log_return_1", "log_return_5", "log_return_15", "log_return_60", "rsi_14",
            "macd_12_26_9", "macd_signal_12_26_9", "macd_hist_12_26_9", "bb_percent_b_20_2", "bb_bandwidth_20_2",
            "atr_ratio_14", "rv_20", "rv_60", "volume_z_20", "ema_ratio_10_50", "stoch_k_14_3_3", "stoch_d_14_3_3",
            "adx_14", "obv_slope_20", "ref_return_BTCUSDT", "ref_corr_BTCUSDT_60", "ref_beta_BTCUSDT_60",
            "tod_sin", "tod_cos", "dow_sin", "dow_cos",
        ])
        #expect(set.warmUp == 60)
        #expect(set.contentHash.count == 64)
    }

    static let minimal = """
        name: mini
        label: {kind: forward_return, horizon: 5}
        features:
          - {indicator: rsi, period: 14}
        """

    @Test func theHashIgnoresLayoutButNotDefinitions() throws {
        let a = try FeatureSet.parse(yaml: Self.minimal, file: "a.yaml")
        let b = try FeatureSet.parse(yaml: "# a comment\nname:   mini\nlabel:\n  kind: forward_return\n  horizon: 5\nfeatures:\n  - indicator: rsi\n    period: 14\n", file: "b.yaml")
        #expect(a.contentHash == b.contentHash)
        let c = try FeatureSet.parse(yaml: Self.minimal.replacingOccurrences(of: "period: 14", with: "period: 15"), file: "c.yaml")
        #expect(a.contentHash != c.contentHash)
        let d = try FeatureSet.parse(yaml: Self.minimal.replacingOccurrences(of: "horizon: 5", with: "horizon: 6"), file: "d.yaml")
        #expect(a.contentHash != d.contentHash)
    }

    static let header = "name: bad\nlabel: {kind: direction, horizon: 5}\nfeatures:\n"

    @Test(arguments: [
        ("  - {indicator: rsi, period: 14}\n  - {indicator: magic, period: 3}\n", 5, "features[1].indicator", "known indicator"),
        ("  - {indicator: rsi}\n", 4, "features[0].period", "required parameter 'period'"),
        ("  - {indicator: rsi, period: 1}\n", 4, "features[0].period", "2...100000"),
        ("  - {indicator: rsi, period: fourteen}\n", 4, "features[0].period", "integer"),
        ("  - {indicator: rsi, period: 14, smoothing: 2}\n", 4, "features[0].smoothing", "known keys"),
        ("  - {indicator: macd, fast: 26, slow: 12, signal: 9}\n", 4, "features[0].fast", "fast < slow"),
        ("  - {indicator: bollinger, period: 20}\n", 4, "features[0].deviations", "required"),
        ("  - {indicator: rsi, period: 14}\n  - {indicator: log_return, period: 1}\n  - {indicator: rsi, period: 14}\n", 6, "features[2].indicator", "'rsi_14' also comes from line 4"),
        ("  - {indicator: cross_asset, window: 60}\n", 4, "features[0].reference", "reference symbol"),
        ("  - {period: 14}\n", 4, "features[0].indicator", "indicator name"),
    ])
    func badSpecsNameFileLineAndField(entries: String, line: Int, field: String, expected: String) {
        do {
            _ = try FeatureSet.parse(yaml: Self.header + entries, file: "features/bad.yaml")
            Issue.record("accepted: \(entries)")
        } catch let e as ConfigError {
            #expect(e.file == "features/bad.yaml")
            #expect(e.line == line, "\(e)")
            #expect(e.field == field, "\(e)")
            #expect(e.expected.contains(expected), "\(e)")
        } catch { Issue.record("\(error)") }
    }

    @Test(arguments: [
        ("name: x\nfeatures:\n  - {indicator: rsi, period: 14}\n", "label"),
        ("name: x\nlabel: {kind: guess, horizon: 5}\nfeatures:\n  - {indicator: rsi, period: 14}\n", "label.kind"),
        ("name: x\nlabel: {kind: direction}\nfeatures:\n  - {indicator: rsi, period: 14}\n", "label.horizon"),
        ("name: x\nlabel: {kind: direction, horizon: 5}\nfeatures: []\n", "features"),
        ("name: x\nlabel: {kind: direction, horizon: 5}\nreference: btc\nfeatures:\n  - {indicator: rsi, period: 14}\n", "reference"),
        ("name: x\nlabel: {kind: direction, horizon: 5}\nfeature:\n  - {indicator: rsi, period: 14}\n", "feature"),
    ])
    func badSetLevelFields(yaml: String, field: String) {
        #expect(throws: ConfigError.self) { try FeatureSet.parse(yaml: yaml, file: "x.yaml") }
        do { _ = try FeatureSet.parse(yaml: yaml, file: "x.yaml") } catch let e as ConfigError { #expect(e.field == field, "\(e)") } catch {}
    }
}
