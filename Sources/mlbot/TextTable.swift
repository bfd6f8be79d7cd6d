/// A plain-text table: columns as wide as their widest cell, numbers right-aligned, so no cell is
/// ever cut (every command's tables go through this one helper).
struct TextTable {
    enum Align { case left, right }

    let headers: [String]
    let align: [Align]
    private(set) var rows: [[String]] = []

    /// `align` defaults to left for every column.
    init(_ headers: [String], align: [Align]? = nil) {
        self.headers = headers
        self.align = align ?? headers.map { _ in .left }
    }

    mutating func add(_ cells: [String]) {
        precondition(cells.count == headers.count, "a row has \(cells.count) cells for \(headers.count) columns")
        rows.append(cells)
    }

    var rendered: String {
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return align[c] == .right ? pad + text : (c == cells.count - 1 ? text : text + pad)
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    func print() { Swift.print(rendered) }
}
