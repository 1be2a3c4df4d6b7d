import ArgumentParser
import Foundation
import ScryCore
import ScryStores
import ScryUIKit

/// `scry sql`: one read-only query on a PostgreSQL store of the atlas, headless.
struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only query on a PostgreSQL store and print its rows.",
        discussion: """
            The query is routed like every read of the store: a replica within the lag limit, else the primary. \
            With --campaign it runs on the shard that holds that campaign, with --shard on that shard; otherwise \
            on every shard of the store, one after the other (an ORDER BY holds within each shard).

            The query is vetted as a declared check is: one statement, and every function its plan would call \
            must only read. It runs in a read-only transaction through a server-side cursor, so any number of \
            rows streams in bounded memory.

            --format csv prints what `psql --csv` prints for the same query, byte for byte; json prints an array \
            of objects and ndjson one object per line (numbers, booleans and json columns typed); table escapes \
            control characters and cuts wide values. -o writes to a new file and never overwrites one. \
            Which node served the read goes to standard error.

            Exit status: 0 when the query ran, 2 when it was refused or failed.
            """
    )

    @OptionGroup var profile: ProfileOptions

    @Option(help: ArgumentHelp("The PostgreSQL store of the atlas to read (default: the atlas's only one).", valueName: "name"))
    var store: String?

    @Option(help: ArgumentHelp("Run on the shard that holds this campaign.", valueName: "id"))
    var campaign: String?

    @Option(help: ArgumentHelp("Run on this shard only (0 is the first).", valueName: "n"))
    var shard: Int?

    @Option(help: ArgumentHelp("Output format: table, csv, json or ndjson (default: from -o's extension, else table).", valueName: "format"))
    var format: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write to this new file instead of standard output.", valueName: "file"))
    var output: String?

    @Argument(help: ArgumentHelp("The query.", valueName: "query"))
    var query: String

    enum Format: String, CaseIterable {
        case table, csv, json, ndjson
    }

    func validate() throws {
        if campaign != nil, shard != nil { throw ValidationError("give --campaign or --shard, not both") }
        if let format, Format(rawValue: format) == nil {
            throw ValidationError("--format \(format): expected one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func chosenFormat() -> Format {
        if let format, let chosen = Format(rawValue: format) { return chosen }
        if let output, let fromName = ExportFormat(fileName: output) { return Format(rawValue: fromName.rawValue) ?? .table }
        return .table
    }

    func run() throws {
        do {
            let loaded = try profile.load()
            guard let atlas = loaded.atlas else {
                throw ValidationError("scry sql needs an atlas: pass --atlas FILE or a --profile that names one")
            }
            let name = try Self.storeName(store, atlas: atlas)
            let console = try SQLConsole(atlas: atlas, store: name, credentials: loaded.credentials)
            let target: SQLTarget = campaign.map(SQLTarget.campaign) ?? shard.map(SQLTarget.shard) ?? .routed
            let sink: any ExportSink = try output.map { try ExportFile(creating: $0) } ?? StandardOutputSink()
            let summary: SQLSummary
            switch chosenFormat() {
            case .table:
                let table = StreamingTable(sink: sink)
                do {
                    summary = try console.run(query, target: target, onColumns: table.begin, onBatch: table.write)
                    try table.finish()
                } catch {
                    sink.discard()
                    throw error
                }
            case let format:
                let export = RowExport(format: ExportFormat(rawValue: format.rawValue)!, sink: sink)
                do {
                    summary = try console.run(query, target: target, onColumns: export.begin, onBatch: export.write)
                    try export.finish()
                } catch {
                    export.discard()
                    throw error
                }
            }
            let served = summary.provenance.map(\.servedBy).joined(separator: "; ")
            print(TerminalText.visible("scry sql: \(summary.rows) \(summary.rows == 1 ? "row" : "rows"), read from \(served)"), to: &standardError)
        } catch let refusal as QueryRefusal {
            print(TerminalText.errorLines("scry sql", "refused, not run: \(refusal)"), to: &standardError)
            throw ExitCode(2)
        } catch {
            print(TerminalText.errorLines("scry sql", StoreErrorText.message(for: error)), to: &standardError)
            throw ExitCode(2)
        }
    }

    /// `--store`, else the atlas's only PostgreSQL store.
    static func storeName(_ store: String?, atlas: Atlas) throws -> String {
        let postgres = atlas.stores.filter { if case .postgres = $0.kind { true } else { false } }.map(\.name)
        if let store {
            guard postgres.contains(store) else {
                throw ValidationError("--store \(store): the atlas's PostgreSQL stores are \(postgres.joined(separator: ", "))")
            }
            return store
        }
        guard postgres.count == 1 else {
            throw ValidationError("give --store: the atlas's PostgreSQL stores are \(postgres.joined(separator: ", "))")
        }
        return postgres[0]
    }
}

/// Rows as an aligned table for a terminal, streamed: column widths come from the header and
/// the first batch (at most 60 cells a column), and a later value that is wider is cut with
/// "…", so memory holds one batch whatever the length. Store text is untrusted: control
/// characters and escape sequences come out escaped. NULL is empty, as in psql.
final class StreamingTable {
    static let maximumWidth = 60
    private let sink: any ExportSink
    private var columns: [String] = []
    private var widths: [Int]?
    private var rows = 0

    init(sink: any ExportSink) { self.sink = sink }

    func begin(_ columns: [ExportColumn]) throws { self.columns = columns.map(\.name) }

    func write(_ batch: [[[UInt8]?]]) throws {
        if widths == nil { try layOut(batch) }
        try sink.write(Array(batch.map(line).joined().utf8))
        rows += batch.count
    }

    func finish() throws {
        if widths == nil { try layOut([]) }
        try sink.write(Array("(\(rows) \(rows == 1 ? "row" : "rows"))\n".utf8))
        try sink.finish()
    }

    private func layOut(_ batch: [[[UInt8]?]]) throws {
        let names = columns.map { TerminalText.visible(bytes: Array($0.utf8), cells: Self.maximumWidth) }
        var widths = names.map { CellWidth.of($0) }
        for row in batch {
            for (index, value) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], min(Self.maximumWidth, UntrustedText(bytes: value ?? []).width))
            }
        }
        self.widths = widths
        let header = pad(names)
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")
        try sink.write(Array((header + "\n" + rule + "\n").utf8))
    }

    private func line(_ row: [[UInt8]?]) -> String {
        pad(zip(row, widths ?? []).map { TerminalText.visible(bytes: $0 ?? [], cells: $1) }) + "\n"
    }

    private func pad(_ cells: [String]) -> String {
        zip(cells, widths ?? []).map { cell, width in cell + String(repeating: " ", count: max(0, width - CellWidth.of(cell))) }
            .joined(separator: " | ").trimmingTrailingSpaces()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
