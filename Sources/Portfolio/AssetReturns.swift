import Foundation
import Market
import NumericKit

/// Periodic returns of several assets (or strategies) over the same times: a T × n matrix, one
/// column per asset, as the estimators want it.
public struct AssetReturns: Sendable {
    public let names: [String]
    public let time: [Int64]
    /// rows = periods, columns = assets.
    public let matrix: Matrix

    public init(names: [String], time: [Int64], matrix: Matrix) throws {
        guard names.count == matrix.columns, time.count == matrix.rows else {
            throw PortfolioError("\(names.count) names and \(time.count) times for a \(matrix.rows)×\(matrix.columns) return matrix")
        }
        guard Set(names).count == names.count else { throw PortfolioError("asset names must be distinct") }
        self.names = names
        self.time = time
        self.matrix = matrix
    }

    /// Periods per year implied by the median spacing of the timestamps (crypto trades every day).
    public var periodsPerYear: Double? {
        guard time.count > 2 else { return nil }
        let gaps = zip(time.dropFirst(), time).map { $0 - $1 }.sorted()
        let median = Double(gaps[gaps.count / 2])
        return median > 0 ? 365.25 * 86_400_000 / median : nil
    }

    /// A wide CSV: a header `timestamp,NAME1,NAME2,…`, then one row per period (ISO-8601 or epoch
    /// timestamps, increasing; every cell a finite number). Errors name the file, line and column.
    public static func load(csv path: String) throws -> AssetReturns {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PortfolioError("\(path): cannot read the returns file")
        }
        return try parse(csv: text, file: path)
    }

    public static func parse(csv text: String, file: String) throws -> AssetReturns {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw PortfolioError("\(file): empty file; expected a header timestamp,ASSET1,ASSET2,…") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard columns.count >= 2, ["timestamp", "time", "date"].contains(columns[0].lowercased()) else {
            throw PortfolioError("\(file):1: header: expected timestamp,ASSET1,ASSET2,… (one column per asset)")
        }
        let names = Array(columns.dropFirst())
        if let empty = names.firstIndex(where: \.isEmpty) { throw PortfolioError("\(file):1: column \(empty + 2): expected an asset name") }
        if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) { throw PortfolioError("\(file):1: asset '\(dup)' appears twice") }
        let n = names.count, rows = lines.count - 1
        var time: [Int64] = [], values = [Double](repeating: 0, count: rows * n)
        time.reserveCapacity(rows)
        for (r, line) in lines.dropFirst().enumerated() {
            let lineNo = r + 2
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == n + 1 else { throw PortfolioError("\(file):\(lineNo): expected \(n + 1) columns, found \(cells.count)") }
            let t: Int64
            do { t = try UTCTime.parse(String(cells[0]).trimmingCharacters(in: .whitespaces)) } catch {
                throw PortfolioError("\(file):\(lineNo): timestamp: expected ISO-8601 or epoch, got '\(cells[0])'")
            }
            if let last = time.last, t <= last { throw PortfolioError("\(file):\(lineNo): timestamp: expected times to increase") }
            time.append(t)
            for j in 0..<n {
                guard let v = Double(cells[j + 1].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw PortfolioError("\(file):\(lineNo): \(names[j]): expected a finite return, got '\(cells[j + 1])'")
                }
                values[j * rows + r] = v
            }
        }
        return try AssetReturns(names: names, time: time, matrix: try Matrix(rows: rows, columns: n, columnMajor: values))
    }
}
