import Foundation
import ScryCore

/// Writes the whole of what a view lists into a file, off the UI thread: the rows of a table or
/// filter page by page with the view's own keyset paging, keys SCAN batch by SCAN batch, a
/// value window by window, a query through its cursor. Memory holds one page, batch or window,
/// whatever the length. Every format goes through `RowEncoder` (a drift run's JSON through
/// `DriftJSON`, as `scry diff` prints it).
///
/// The file is created, never overwritten (`ExportFile`); a file that exists is answered with
/// `.exists` unless the request says to replace it. A failed or cancelled export removes its
/// partial file, and the file's name is taken (or a replaced file changed) only once whole.
public struct ViewExporter {
    public var tables: () throws -> TableBrowser
    public var console: (_ store: String) throws -> SQLConsole
    /// A key browser on `store`, and what closes it.
    public var keys: (_ store: String) throws -> (browser: KeyBrowser, close: () -> Void)

    /// Rows per page of a table's export at most: larger than a screen's page, since nothing
    /// draws them.
    public static let pageRows = 5_000
    /// Bytes a page of a table's export aims at: after each page the next is sized from the
    /// bytes its rows took, so wide rows (long text, blobs) page a few at a time.
    public static let pageBytes = 16 << 20

    /// The rows of the next page, from what the last one's rows weighed.
    static func nextPageRows(rows: Int, bytes: Int) -> Int {
        guard rows > 0, bytes > 0 else { return pageRows }
        return max(1, min(pageRows, pageBytes / max(1, bytes / rows)))
    }
    /// Items per window of a value's export.
    public static let valueWindow = 1_000
    /// Progress is reported at most this often.
    static let progressInterval: Duration = .milliseconds(100)

    public init(tables: @escaping () throws -> TableBrowser, console: @escaping (String) throws -> SQLConsole,
                keys: @escaping (String) throws -> (browser: KeyBrowser, close: () -> Void)) {
        self.tables = tables
        self.console = console
        self.keys = keys
    }

    /// Runs `request`; `progress` gets the rows written so far, now and then. Throws
    /// `CancellationError` once `cancellation` is cancelled, with the file removed.
    public func run(_ request: ExportRequest, cancellation: Cancellation, progress: (Int) -> Void) throws -> ExportOutcome {
        let path = ExportFile.expand(request.path)
        let file: ExportFile
        do {
            file = request.replace ? try ExportFile(replacing: path) : try ExportFile(creating: path)
        } catch let error as ExportFileError where error.exists {
            return .exists(path: request.path)
        }
        let export = RowExport(format: request.format, sink: file)
        var reported = ContinuousClock.now
        func wrote() {
            let now = ContinuousClock.now
            guard now - reported >= Self.progressInterval else { return }
            reported = now
            progress(export.rows)
        }
        do {
            try write(request, into: export, cancellation: cancellation, wrote: wrote)
            try cancellation.check()
            try export.finish()
        } catch {
            export.discard()
            throw error
        }
        return .written(path: request.path, rows: export.rows)
    }

    private func write(_ request: ExportRequest, into export: RowExport, cancellation: Cancellation, wrote: () -> Void) throws {
        switch request.source {
        case .rows(let source, let filter, let sort):
            let tables = try self.tables()
            var cursor: PageCursor?
            var begun = false
            var limit = Self.pageRows
            repeat {
                try cancellation.check()
                let page = try tables.page(PageRequest(source: source, after: cursor, limit: limit, filter: filter, valueLimit: nil, sort: sort),
                                           cancellation: cancellation)
                limit = Self.nextPageRows(rows: page.rows.count,
                                          bytes: page.rows.reduce(0) { sum, row in row.reduce(sum) { $0 + ($1.exportBytes?.count ?? 0) + 8 } })
                if !begun {
                    begun = true
                    try export.begin(page.columns.enumerated().map { index, name in
                        ExportColumn(name, kind: index < page.columnTypes.count ? SQLConsole.kind(ofType: page.columnTypes[index]) : .text)
                    })
                }
                try export.write(page.rows.map { $0.map(\.exportBytes) })
                wrote()
                cursor = page.next
            } while cursor != nil
        case .keys(let store, let prefix, let filter):
            let (browser, close) = try keys(store)
            defer { close() }
            try export.begin([ExportColumn("key")])
            try browser.keys(under: prefix, filter: filter, isCancelled: { cancellation.isCancelled }) { batch in
                try export.write(batch.map { [$0] })
                wrote()
            }
        case .value(let store, let key, let type, let match):
            let (browser, close) = try keys(store)
            defer { close() }
            try writeValue(browser, key: key, type: type, match: match, into: export, cancellation: cancellation, wrote: wrote)
        case .record(let source, let row, let columns, let values):
            let tables = try self.tables()
            var whole: [[UInt8]?] = []
            for (column, value) in zip(columns, values) {
                guard case .partial = value else {
                    whole.append(value.exportBytes)
                    continue
                }
                guard let row else { throw ViewExportError.noRowKey(column: column) }
                var bytes: [UInt8] = []
                var request = FieldWindowRequest(source: source, row: row, column: column, offset: 0, length: 1 << 20)
                while true {
                    try cancellation.check()
                    let window = try tables.fieldWindow(request, cancellation: cancellation)
                    bytes += window.bytes
                    request.offset += request.length
                    if window.bytes.isEmpty || request.offset >= window.totalCharacters { break }
                }
                whole.append(bytes)
            }
            try export.begin(columns.map { ExportColumn($0) })
            try export.write([whole])
        case .sql(let store, let campaign, let query):
            try console(store).run(query, target: campaign.map(SQLTarget.campaign) ?? .routed, cancellation: cancellation,
                                   onColumns: export.begin, onBatch: { batch in
                                       try export.write(batch)
                                       wrote()
                                   })
        case .drift(let report):
            switch request.format {
            case .csv:
                let table = report.exportTable
                try export.begin(table.columns)
                try export.write(table.rows)
            case .json:
                try export.writeRaw(Array((try DriftJSON.document(report) + "\n").utf8))
                export.count(report.exportCount)
            case .ndjson:
                for line in try DriftJSON.lines(report) { try export.writeRaw(Array((line + "\n").utf8)) }
                export.count(report.exportCount)
            }
        case .table(let table):
            try export.begin(table.columns)
            try export.write(table.rows)
        }
    }

    /// A value's items, window after window until the value ends: `HSCAN`/`SSCAN`/`ZSCAN` to
    /// the cursor's end, `LRANGE` and `XRANGE` to the value's length, `GETRANGE` for a string
    /// (whose bytes make one row, so they are held whole: a string is one value).
    private func writeValue(_ browser: KeyBrowser, key: [UInt8], type: String, match: String?, into export: RowExport,
                            cancellation: Cancellation, wrote: () -> Void) throws {
        guard let valueType = RedisValueType(rawValue: type) else { throw KeyBrowserError.windowDoesNotFit(type: type) }
        try export.begin(valueType.exportColumns)
        var window: ValueWindowRequest
        switch valueType {
        case .hash, .set, .zset: window = .scan(cursor: "0", count: Self.valueWindow, match: match)
        case .list: window = .list(start: 0, count: Self.valueWindow)
        case .stream: window = .stream(after: nil, count: Self.valueWindow)
        case .string: window = .string(offset: 0, length: 1 << 20)
        }
        var string: [UInt8] = []
        while true {
            try cancellation.check()
            let read = try browser.value(key, type: type, window)
            var next: ValueWindowRequest?
            switch read.window {
            case .hash(let fields, let cursor):
                try export.write(fields.map { [$0.field, $0.value] })
                next = cursor.map { .scan(cursor: $0, count: Self.valueWindow, match: match) }
            case .set(let members, let cursor):
                try export.write(members.map { [$0] })
                next = cursor.map { .scan(cursor: $0, count: Self.valueWindow, match: match) }
            case .zset(let members, let cursor):
                try export.write(members.map { [$0.member, Array($0.score.utf8)] })
                next = cursor.map { .scan(cursor: $0, count: Self.valueWindow, match: match) }
            case .list(let items, let start, let total):
                try export.write(items.enumerated().map { [Array(String(start + $0.offset).utf8), $0.element] })
                let end = start + items.count
                next = items.isEmpty || end >= total ? nil : .list(start: end, count: Self.valueWindow)
            case .stream(let entries, let lastID, _):
                try export.write(entries.flatMap { entry in entry.fields.map { [Array(entry.id.utf8), $0.field, $0.value] } })
                next = entries.isEmpty ? nil : .stream(after: lastID, count: Self.valueWindow)
            case .string(let bytes, let offset, let total):
                string += bytes
                let end = offset + bytes.count
                next = bytes.isEmpty || end >= total ? nil : .string(offset: end, length: 1 << 20)
            case .unavailable(let actual):
                throw ViewExportError.valueChanged(key: String(decoding: key, as: UTF8.self), type: type, now: actual)
            }
            wrote()
            guard let following = next else { break }
            window = following
        }
        if valueType == .string { try export.write([[string]]) }
    }
}

public enum ViewExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value the page cut, in a row whose key is not known: its rest cannot be read.
    case noRowKey(column: String)
    /// The key went away, or changed type, during the export.
    case valueChanged(key: String, type: String, now: String)

    public var description: String {
        switch self {
        case .noRowKey(let column): return "\(column) was cut on the page and its row has no key to read the rest by"
        case .valueChanged(let key, let type, let now):
            return now == "none" ? "\(key) no longer exists" : "\(key) is now a \(now), not a \(type)"
        }
    }
}
