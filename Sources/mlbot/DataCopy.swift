import ArgumentParser
import Foundation
import Market
import PostgresStore
import Store

/// `mlbot data copy`: a SQLite store's research data into PostgreSQL.
struct DataCopy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a SQLite store's research data (bars, models with their files, strategies, backtests, discovery) into PostgreSQL.",
        discussion: """
            Rows already at the destination are skipped, so the copy can be run again, and resumes \
            where an interrupted one stopped. Afterwards every source row is looked up at the \
            destination by its content hash; the command fails unless all are there unchanged. \
            The password comes from MLBOT_DATABASE_PASSWORD or .env, never from the URL.

            Example:
              mlbot data copy --from mlbot.sqlite --to postgres://mlbot@db.internal:5432/mlbot
            """
    )

    @Option(help: "The SQLite database to copy.") var from: String
    @Option(help: "The PostgreSQL database: postgres://user@host:port/database.") var to: String
    @Flag(help: "Print JSON (keys: from, to, verified, model_files_copied, models_without_files, tables[table, source_rows, copied, destination_rows, source_hash, mismatched]).")
    var json = false

    struct Output: Encodable {
        let from: String, to: String, verified: Bool, model_files_copied: Int, models_without_files: [String], tables: [StoreCopy.Table]
    }

    func validate() throws {
        guard !PostgresAddress.isPostgres(from) else { throw ValidationError("--from: expected a SQLite file (copying out of PostgreSQL is not supported)") }
        guard PostgresAddress.isPostgres(to) else { throw ValidationError("--to: expected postgres://user@host:port/database, got '\(to)'") }
    }

    func run() throws {
        let source = try DataStore(path: from, mustExist: true)
        let destination = try PostgresStore(try PostgresAddress.forCommand(to))
        let report = try StoreCopy.copy(from: source, to: destination) { table, rows in
            if !json { FileHandle.standardError.write(Data("\r\(table): \(rows) rows\u{1B}[K".utf8)) }
        }
        if !json { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if json {
            try JSONOutput.print(Output(from: report.from, to: report.to, verified: report.verified, model_files_copied: report.model_files_copied,
                                        models_without_files: report.models_without_files, tables: report.tables))
        } else {
            var table = TextTable(["table", "source", "copied", "destination", "mismatched", "sha256 (source)"],
                                  align: [.left, .right, .right, .right, .right, .left])
            for t in report.tables {
                table.add([t.table, String(t.source_rows), String(t.copied), String(t.destination_rows), String(t.mismatched), String(t.source_hash.prefix(16))])
            }
            table.print()
            print("\(report.model_files_copied) model files copied")
            for m in report.models_without_files { print("model \(m): no artifact folder at the source; its registry row was copied without files") }
            print(report.verified ? "verified: every source row is at \(report.to) unchanged" : "NOT verified: see the mismatched rows above")
        }
        if !report.verified { throw ExitCode(1) }
    }
}
