import ScryCore
import ScryUIKit

/// `:export FILE`: the whole of what the view in focus lists, written by a job off the UI
/// thread, one at a time. While it runs the footer shows its gauge and Esc cancels it; a file
/// that exists is replaced only after y.
public struct ExportState: Sendable, Equatable {
    public var request: ExportRequest
    /// The job writing it; nil while the user is asked whether to replace the file.
    public var job: JobID?
    /// Rows written so far, as the job last said.
    public var rows = 0
    public var since: Double

    public init(request: ExportRequest, job: JobID?, since: Double) {
        self.request = request
        self.job = job
        self.since = since
    }

    public var isAsking: Bool { job == nil }

    /// What the gauge says, and how far along it is when the view knew its length.
    public func gauge(now: Double) -> (ratio: Double?, label: String) {
        let ratio = request.expectedRows.flatMap { $0 > 0 ? Double(rows) / Double($0) : nil }
        let of = request.expectedRows.map { " of \(groupedDigits(Int64($0)))" } ?? ""
        let seconds = Int(max(0, now - since))
        return (ratio, "exporting \(request.format.rawValue) to \(request.path) · \(groupedDigits(Int64(rows)))\(of) rows · \(seconds) s · Esc cancels")
    }
}

extension Inspector {
    /// `:export ARGUMENT` on the view in focus.
    mutating func startExport(_ argument: String) -> [Effect] {
        if export != nil {
            note = Note(text: "an export is running; Esc cancels it", role: .warning)
            return []
        }
        let parsed: (format: ExportFormat, path: String)
        switch ExportFormat.parseCommand(argument) {
        case .success(let value): parsed = value
        case .failure(let error):
            note = Note(text: error.description, role: .error)
            return []
        }
        guard let (source, expected) = self[focus].top.exportSource else {
            note = Note(text: ":export writes a table, keys, a value, a query's rows, a drift run or a linked view; open one in the \(focus.title) pane",
                        role: .error)
            return []
        }
        return runExport(ExportRequest(path: parsed.path, format: parsed.format, source: source, expectedRows: expected))
    }

    mutating func runExport(_ request: ExportRequest) -> [Effect] {
        let job = nextJobID()
        export = ExportState(request: request, job: job, since: now)
        return [.run(Job(id: job, lane: .export, work: .export(request)))]
    }

    /// Keys while an export asks or runs: y/n to replace a file, Esc to cancel. Nil when the
    /// key is not the export's.
    mutating func handleExportKey(_ key: Key) -> [Effect]? {
        guard let export else { return nil }
        if export.isAsking {
            switch key {
            case .character("y"), .character("Y"):
                var request = export.request
                request.replace = true
                self.export = nil
                return runExport(request)
            case .character("n"), .character("N"), .escape:
                self.export = nil
                note = Note(text: "not exported: \(export.request.path) is left as it was", role: .warning)
                return []
            default:
                return []
            }
        }
        guard key == .escape, case .normal = mode else { return nil }
        return [.cancel(.export)]
    }

    /// An export's answer; false when `job` is not the export's.
    mutating func landExport(_ job: JobID, _ message: Message) -> Bool {
        guard let export, export.job == job else { return false }
        switch message {
        case .exportProgress(_, let rows):
            self.export?.rows = rows
        case .exported(_, .written(let path, let rows)):
            self.export = nil
            let seconds = Int(max(0, now - export.since))
            note = Note(text: "exported \(counted(rows, "row")) to \(path) (\(export.request.format.rawValue), \(seconds) s)", role: .ok)
        case .exported(_, .exists):
            self.export = ExportState(request: export.request, job: nil, since: now)
            note = nil
        case .jobFailed(_, let reason):
            self.export = nil
            note = Note(text: "export to \(export.request.path) failed: \(reason); nothing was written to it", role: .error)
        case .jobCancelled:
            self.export = nil
            note = Note(text: "export to \(export.request.path) cancelled after \(counted(export.rows, "row")); the partial file was removed",
                        role: .warning)
        default:
            return false
        }
        return true
    }
}

// MARK: - What each view exports

extension RowsView {
    public var exportSource: (ExportSource, Int?)? {
        (.rows(source, filter: filter, sort: sort), window.isComplete ? window.rowCount : nil)
    }
}

extension KeysView {
    public var exportSource: (ExportSource, Int?)? {
        let level = levels[root]
        return (.keys(store: store, prefix: root, filter: keyFilter), level?.finished == true ? level?.keysScanned : nil)
    }
}

extension ValueView {
    public var exportSource: (ExportSource, Int?)? {
        guard let facts, let type = facts.valueType else { return nil }
        let match = type.scanCommand == nil ? nil : filter
        let expected: Int? = switch type {
        case .string: 1
        case .stream: nil
        case .hash, .set, .zset, .list: match == nil ? facts.length.map(Int.init) : nil
        }
        return (.value(store: store, key: key, type: facts.type, match: match), expected)
    }
}

extension RecordView {
    public var exportSource: (ExportSource, Int?)? {
        (.record(source, row: rowKey, columns: columns, values: values), 1)
    }
}

extension FieldView {
    /// A long value whole (read in windows when the page cut it), as one row of one column.
    public var exportSource: (ExportSource, Int?)? {
        guard let windowSource else { return (.table(ExportTable(columns: [ExportColumn(title)], rows: [[value.exportBytes]])), 1) }
        return (.record(windowSource.source, row: windowSource.row, columns: [windowSource.column], values: [.partial(value.bytes)]), 1)
    }
}

extension SQLResultView {
    public var exportSource: (ExportSource, Int?)? {
        (.sql(store: store, campaign: campaign, query: query), total)
    }
}

extension RedisReplyView {
    public var exportSource: (ExportSource, Int?)? {
        guard let replies else { return nil }
        let table = NodeReply.exportTable(replies)
        return (.table(table), table.rows.count)
    }
}

extension LinkedPane {
    public var exportSource: (ExportSource, Int?)? {
        guard let view else { return nil }
        let table = view.exportTable
        return (.table(table), table.rows.count)
    }
}

extension DriftListView {
    public var exportSource: (ExportSource, Int?)? {
        report.map { (.drift($0), $0.exportCount) }
    }
}
