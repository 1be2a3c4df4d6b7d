// scry-bench-diff: compares one table on two PostgreSQL nodes with Scry's checksum-bisection
// engine (TableDiff), as `benchmarks/diff-1m.sh` times it. Prints the differences' count by
// kind and the engine's own figures on one line of key=value pairs.
//
//   scry-bench-diff --source URI --source-table T --target URI --target-table T
//                   --key COLUMN [--columns a,b,c] [--concurrency N] [--rows-per-bucket N] [--trace 1]
// With --trace 1, each round's progress and the time since the start go to standard error.
import Foundation
import PostgresClient
import ScryCore
import ScryStores

var values: [String: String] = [:]
var rest = CommandLine.arguments.dropFirst()
while let flag = rest.popFirst() {
    guard flag.hasPrefix("--"), let value = rest.popFirst() else {
        FileHandle.standardError.write(Data("usage: scry-bench-diff --source URI --source-table T --target URI --target-table T --key K [--columns a,b] [--concurrency N] [--rows-per-bucket N] [--trace 1]\n".utf8))
        exit(2)
    }
    values[String(flag.dropFirst(2))] = value
}
guard let sourceURI = values["source"], let sourceTable = values["source-table"], let targetURI = values["target"],
      let key = values["key"] else {
    FileHandle.standardError.write(Data("scry-bench-diff: --source, --source-table, --target and --key are required\n".utf8))
    exit(2)
}
let targetTable = values["target-table"] ?? sourceTable
let timeout = 600_000
let source = TableDiffSide(.uri(sourceURI, statementTimeoutMilliseconds: timeout), table: sourceTable)
let target = TableDiffSide(.uri(targetURI, statementTimeoutMilliseconds: timeout), table: targetTable)
var settings = BisectionSettings()
if let value = values["concurrency"].flatMap({ Int($0) }) { settings.concurrency = max(1, value) }
if let value = values["rows-per-bucket"].flatMap({ Int($0) }) { settings.rowsPerBucket = max(1, value) }

do {
    let columns: [String]
    if let list = values["columns"] {
        columns = list.split(separator: ",").map(String.init)
    } else {
        let connection = try PostgresConnection(source.configuration)
        columns = try TableDiff.columns(of: sourceTable, on: connection).map(\.name)
        connection.close()
    }
    let started = Date()
    let trace = values["trace"] == "1"
    let result = try TableDiff(source: source, target: target, key: key, columns: columns, settings: settings).run(progress: { progress in
        guard trace else { return }
        FileHandle.standardError.write(Data(("round=\(progress.round) ranges=\(progress.rangesDone)/\(progress.rangesTotal)"
            + " rows_fetched=\(progress.rowsFetched) at=\(String(format: "%.3f", Date().timeIntervalSince(started)))\n").utf8))
    })
    let seconds = Date().timeIntervalSince(started)
    let kinds = Dictionary(grouping: result.differences, by: \.kind).mapValues(\.count)
    print("differences=\(result.differences.count) changed=\(kinds[.changed] ?? 0) missing=\(kinds[.missing] ?? 0) extra=\(kinds[.extra] ?? 0)"
          + " rounds=\(result.progress.round) queries=\(result.queries) rows_fetched=\(result.progress.rowsFetched)"
          + " seconds=\(String(format: "%.3f", seconds))")
    exit(result.differences.isEmpty ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("scry-bench-diff: \(error)\n".utf8))
    exit(2)
}
