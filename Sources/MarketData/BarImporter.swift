import Market
import Store

/// The outcome of importing one file.
public struct ImportReport: Sendable {
    public let file: String
    public let symbol: Symbol
    public let interval: Interval
    public let rows: Int
    public let duplicatesSkipped: Int
    public let gaps: [ParsedBars.Gap]
    public let missingBars: Int
    public let first: Int64?
    public let last: Int64?
    public let write: BarWriteReport
    /// Set when every row is a multiple of a longer interval apart (e.g. hourly rows imported as 1m).
    public let coarserSpacing: Int64?
}

/// Imports a bar file: validates every row first, then writes all bars in one transaction.
public enum BarImporter {
    /// The store is opened only after the whole file validated, so a rejected file leaves no trace.
    public static func importFile(_ path: String, symbol: Symbol, interval: Interval, into store: @autoclosure () throws -> DataStore,
                                  policy: ConflictPolicy = .keepExisting) throws -> ImportReport {
        let parsed = try BarFileReader.read(path: path, interval: interval)
        let write = try store().bars.write(parsed.bars, symbol: symbol, interval: interval, policy: policy)
        return ImportReport(file: path, symbol: symbol, interval: interval, rows: parsed.bars.count,
                            duplicatesSkipped: parsed.duplicates, gaps: parsed.gaps, missingBars: parsed.missingBars,
                            first: parsed.bars.first?.openTime, last: parsed.bars.last?.openTime, write: write,
                            coarserSpacing: parsed.rowSpacing.flatMap { $0 > interval.milliseconds && parsed.bars.count > 2 ? $0 : nil })
    }
}
