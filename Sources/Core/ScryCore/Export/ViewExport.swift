/// What `:export` writes: the whole of what a view lists, named so that a job can read it
/// again from the store (a table, keys, a value, a query), or held already (a drift run, a
/// linked view, replies), never only what is on screen.
public enum ExportSource: Sendable, Equatable {
    /// Every row of a table or of its filter, in the view's order, re-read with the same
    /// keyset paging the view uses.
    case rows(TableSource, filter: String?, sort: SortOrder?)
    /// Every key under `prefix` that the filter keeps, at every depth.
    case keys(store: String, prefix: [UInt8], filter: KeyFilter?)
    /// Every field, member, item or entry of a value (or a string's bytes), window after window.
    case value(store: String, key: [UInt8], type: String, match: String?)
    /// One row as a record shows it, its columns in order: a value the page cut (`.partial`) is
    /// read whole, window after window, from the row its ordering values name (`row`).
    case record(TableSource, row: [String]?, columns: [String], values: [FieldValue])
    /// A console query, run again to its last row.
    case sql(store: String, campaign: String?, query: String)
    /// A drift run: its findings, what was in flight and what did not run.
    case drift(DriftReport)
    /// Rows the view already holds whole: a linked view, console replies.
    case table(ExportTable)
}

/// Rows held in memory, as an export writes them.
public struct ExportTable: Sendable, Equatable {
    public var columns: [ExportColumn]
    public var rows: [[[UInt8]?]]

    public init(columns: [ExportColumn], rows: [[[UInt8]?]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// One export: what, into which file, in which format.
public struct ExportRequest: Sendable, Equatable {
    public var path: String
    public var format: ExportFormat
    public var source: ExportSource
    /// The user said yes to replacing the file that exists. Without it an existing file is
    /// never touched.
    public var replace: Bool
    /// How many rows the view knows there are, for the gauge; nil when unknown.
    public var expectedRows: Int?

    public init(path: String, format: ExportFormat, source: ExportSource, replace: Bool = false, expectedRows: Int? = nil) {
        self.path = path
        self.format = format
        self.source = source
        self.replace = replace
        self.expectedRows = expectedRows
    }
}

/// What an export job answers.
public enum ExportOutcome: Sendable, Equatable {
    /// Written whole: `rows` rows (findings, keys, items) in `path`.
    case written(path: String, rows: Int)
    /// The file exists and the request did not say to replace it: nothing was written.
    case exists(path: String)
}

extension ExportFormat {
    /// `:export FILE`, or `:export FORMAT FILE`: the format named, else the file's extension.
    /// The file name is the rest of the line, spaces and all.
    public static func parseCommand(_ argument: String) -> Result<(format: ExportFormat, path: String), ExportCommandError> {
        let words = argument.split(separator: " ", maxSplits: 1)
        if words.count == 2, let named = ExportFormat(rawValue: words[0].lowercased()) {
            let path = String(words[1]).drop { $0 == " " }
            guard !path.isEmpty else { return .failure(.noFile) }
            return .success((named, String(path)))
        }
        guard !argument.isEmpty else { return .failure(.noFile) }
        guard let format = ExportFormat(fileName: argument) else { return .failure(.noFormat(argument)) }
        return .success((format, argument))
    }
}

public enum ExportCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    case noFile
    case noFormat(String)

    public var description: String {
        switch self {
        case .noFile: return ":export needs a file: :export rows.csv, or :export json rows.out"
        case .noFormat(let path): return ":export \(path): name the format (:export csv \(path)) or end the file in .csv, .json or .ndjson"
        }
    }
}

// MARK: - Views held whole, as tables

extension FieldValue {
    /// The value's bytes as an export writes them; nil for NULL.
    public var exportBytes: [UInt8]? {
        switch self {
        case .null: return nil
        case .bytes(let bytes), .partial(let bytes): return bytes
        }
    }
}

extension DriftReport {
    /// A run as one table, for CSV: a line per finding, per difference in flight and per check
    /// that did not run, told apart by `kind` (the names `scry diff --format ndjson` uses).
    public var exportTable: ExportTable {
        let columns = ["kind", "check", "severity", "entity", "key", "campaign_id", "field", "expected", "actual", "seen_on",
                       "confirmed_on_primary", "reason", "scope"]
        let kinds: [String: ExportColumnKind] = ["campaign_id": .number, "confirmed_on_primary": .boolean]
        func bytes(_ text: String?) -> [UInt8]? { text.map { Array($0.utf8) } }
        func row(_ kind: String, _ finding: Finding) -> [[UInt8]?] {
            let seen = "\(finding.seenOn.store) \(finding.seenOn.node) \(finding.seenOn.role.rawValue)" + (finding.seenOn.shard.map { " [\($0)]" } ?? "")
            return [bytes(kind), bytes(finding.check.rawValue), bytes(finding.severity.rawValue), bytes(finding.entity), bytes(finding.key),
                    bytes(finding.campaignID.map(String.init)), bytes(finding.field), bytes(finding.expected), bytes(finding.actual),
                    bytes(seen), bytes(finding.confirmedOnPrimary ? "true" : "false"), bytes(finding.reason), nil]
        }
        var rows = findings.map { row("finding", $0) } + inFlight.map { row("in_flight", $0) }
        for skipped in notRun {
            rows.append([bytes("not_run"), bytes(skipped.check), nil, nil, nil, nil, nil, nil, nil, nil, nil, bytes(skipped.reason), bytes(skipped.scope)])
        }
        return ExportTable(columns: columns.map { ExportColumn($0, kind: kinds[$0] ?? .text) }, rows: rows)
    }

    /// Rows the export writes: one per finding, difference in flight and check not run.
    public var exportCount: Int { findings.count + inFlight.count + notRun.count }
}

extension LinkedView {
    /// Everything the link found, a line per value: the centre's row, its state in each
    /// campaign against the blueprint, the rows it points at, and the Redis keys that mirror it
    /// or point at it, with their fields against the blueprint.
    public var exportTable: ExportTable {
        let names = ["part", "entity", "key", "campaign", "field", "blueprint_value", "value", "status", "node"]
        var rows: [[[UInt8]?]] = []
        func text(_ value: String?) -> [UInt8]? { value.map { Array($0.utf8) } }
        func add(_ part: String, _ row: LinkedRow, campaign: String?) {
            for (column, value) in zip(row.columns, row.values) {
                rows.append([text(part), text(row.entity), text(row.key), text(campaign), text(column), nil, value.exportBytes, nil,
                             text("\(row.provenance.node)")])
            }
        }
        if let centre { add(blueprint == nil ? "row" : "blueprint", centre, campaign: nil) }
        for state in states {
            add("state", state.row, campaign: state.campaign)
            for comparison in state.fields {
                rows.append([text("state_field"), text(state.row.entity), text(state.row.key), text(state.campaign), text(comparison.field),
                             comparison.blueprintValue.exportBytes, comparison.value.exportBytes, text(comparison.status.rawValue),
                             text("\(state.row.provenance.node)")])
            }
        }
        for row in related { add("related", row, campaign: nil) }
        for key in keys {
            let node = text(key.facts.map { "\($0.provenance.node)" })
            let relation: String
            switch key.relation {
            case .mirrors: relation = "mirrors"
            case .pointsAt(let field): relation = "points at by \(field)"
            case .origin: relation = "origin"
            }
            rows.append([text("key"), text(kind), key.key, nil, nil, nil, text(key.facts?.type), text(relation), node])
            for comparison in key.fields {
                rows.append([text("key_field"), text(kind), key.key, nil, text(comparison.field), comparison.blueprintValue.exportBytes,
                             comparison.value.exportBytes, text(comparison.status.rawValue), node])
            }
            for (field, target) in key.pointers.sorted(by: { $0.key < $1.key }) {
                rows.append([text("key_pointer"), text(kind), key.key, nil, text(field), nil, text(target), nil, node])
            }
        }
        for note in notes { rows.append([text("note"), text(kind), text(self.key), nil, nil, nil, text(note), nil, nil]) }
        return ExportTable(columns: names.map { ExportColumn($0) }, rows: rows)
    }
}

extension NodeReply {
    /// Console replies as a table: a line per value, as `redis-cli` numbers them, with the node
    /// that answered; integers as numbers, nil as NULL, bulk strings as their bytes.
    public static func exportTable(_ replies: [NodeReply]) -> ExportTable {
        var rows: [[[UInt8]?]] = []
        for reply in replies {
            let node = Array("\(reply.provenance.node)".utf8)
            for line in ReplyLine.lines(reply.reply) {
                let position = Array(line.prefix.split(separator: " ").joined(separator: " ").utf8)
                let (type, value): (String, [UInt8]?)
                switch line.body {
                case .bulk(let bytes): (type, value) = ("bulk", bytes)
                case .status(let bytes): (type, value) = ("status", bytes)
                case .integer(let number): (type, value) = ("integer", Array(String(number).utf8))
                case .null: (type, value) = ("nil", nil)
                case .error(let message): (type, value) = ("error", Array(message.utf8))
                case .emptyArray: (type, value) = ("array", nil)
                }
                rows.append([node, position, Array(type.utf8), value])
            }
        }
        return ExportTable(columns: [ExportColumn("node"), ExportColumn("position"), ExportColumn("type"), ExportColumn("value")], rows: rows)
    }
}

extension RedisValueType {
    /// The columns of a value's export, by its type: what its windows hold, one row each (a
    /// stream entry gives a row per field).
    public var exportColumns: [ExportColumn] {
        switch self {
        case .hash: return [ExportColumn("field"), ExportColumn("value")]
        case .set: return [ExportColumn("member")]
        case .zset: return [ExportColumn("member"), ExportColumn("score", kind: .number)]
        case .list: return [ExportColumn("index", kind: .number), ExportColumn("item")]
        case .stream: return [ExportColumn("id"), ExportColumn("field"), ExportColumn("value")]
        case .string: return [ExportColumn("value")]
        }
    }
}
