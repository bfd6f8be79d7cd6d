import Foundation
import Learning
import Market
import Store

/// The service's hot-swap: at a bar boundary, a model strategy whose registry entry has a new
/// active version (a promotion or a rollback) gets it, after the new artifact loads, reads the
/// strategy's features (same feature-set hash and outputs) and was trained only on bars before
/// this one. The feature streams and the signal state carry on, so no bar is skipped or done
/// twice. A swap, or a refusal and why, is a row stored with the bar; a restart re-applies the
/// recorded swaps at their bars.
struct ModelSwapper {
    let engine: String
    /// The model each strategy trades now (nil: a rule or recorded strategy).
    private(set) var inForce: [ModelEntry?]
    /// `strategy|name@version` refused once: not tried again (the registry must change again).
    private var refused: Set<String> = []

    init(engine: String, strategies: [PreparedStrategy]) {
        self.engine = engine
        inForce = strategies.map(\.model)
    }

    /// Swaps in place every strategy whose active model changed and may trade at `t`; returns
    /// the rows to commit with the bar.
    mutating func check(_ store: DataStore, strategies: [PreparedStrategy], at t: Int64, wallMs: Int64) throws -> [ModelSwapRow] {
        var rows: [ModelSwapRow] = []
        for k in strategies.indices {
            guard let current = inForce[k] else { continue }
            let active: ModelEntry
            do { active = try store.models.entry(current.name) } catch { continue }   // none active: keep trading the one in force
            let key = "\(strategies[k].name)|\(active.reference)"
            guard active.version != current.version, !refused.contains(key) else { continue }
            func row(_ status: String, weights: String?, _ reason: String) -> ModelSwapRow {
                ModelSwapRow(engine: engine, strategy: strategies[k].name, fromModel: current.reference, toModel: active.reference, weightsSha256: weights,
                             barMs: t, wallMs: wallMs, status: status, reason: reason)
            }
            switch load(active, for: strategies[k], at: t) {
            case .ready(let predictor, let weights, let through):
                try strategies[k].runtime.swap(to: predictor, throughMs: through)
                inForce[k] = active
                rows.append(row("swapped", weights: weights, "the registry's active version changed"))
            case .notYet:
                continue
            case .refused(let why):
                refused.insert(key)
                rows.append(row("refused", weights: nil, why + "; \(current.reference) keeps trading"))
            }
        }
        return rows
    }

    /// A recorded swap, applied again while rebuilding (it was checked when it happened; a
    /// model that no longer loads makes the ledger impossible to rebuild, which is an error).
    mutating func replay(_ row: ModelSwapRow, store: DataStore, strategies: [PreparedStrategy]) throws {
        guard let k = strategies.firstIndex(where: { $0.name == row.strategy }), inForce[k] != nil else {
            throw Failure(.internal, "recorded model swap \(row.id ?? 0) names strategy '\(row.strategy)', which this session does not trade a model in")
        }
        let ref = try ModelReference(parsing: row.toModel, requireVersion: true)
        let entry = try store.models.entry(ref.name, version: ref.version)
        guard case .ready(let predictor, _, let through) = load(entry, for: strategies[k], at: row.barMs) else {
            throw Failure(.internal, "model \(row.toModel), swapped into '\(row.strategy)' at \(UTCTime.iso(row.barMs)), no longer loads: the ledger cannot be rebuilt past it")
        }
        try strategies[k].runtime.swap(to: predictor, throughMs: through)
        inForce[k] = entry
    }

    enum Loaded {
        case ready(RowPredictor, weights: String, throughMs: Int64)
        /// Trained on bars up to or after this one: it may trade only later.
        case notYet
        case refused(String)
    }

    func load(_ entry: ModelEntry, for p: PreparedStrategy, at t: Int64) -> Loaded {
        let set = p.definition.set
        let manifest: ModelManifest, trained: TrainedModel
        do {
            (manifest, trained) = try ModelArtifact.load(URL(fileURLWithPath: entry.path), featureHash: set.contentHash)
        } catch {
            return .refused("\(entry.reference) does not load: \(error)")
        }
        let inputs = p.definition.features ?? set.outputs
        guard manifest.featureSet.outputs == inputs else {
            return .refused("\(entry.reference) reads \(manifest.featureSet.outputs.joined(separator: ", ")); the strategy's features are \(inputs.joined(separator: ", "))")
        }
        guard t >= manifest.tradeableFromMs(intervalMs: p.interval.milliseconds) else { return .notYet }
        return .ready(RowPredictor(trained), weights: manifest.weights.sha256, throughMs: manifest.data.lastMs)
    }
}
