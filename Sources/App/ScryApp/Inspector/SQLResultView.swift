import ScryCore
import ScryUIKit

/// `:sql QUERY`: the first rows of a read-only query on the pane's store, run off the UI thread
/// (vetted, in a read-only transaction, through a cursor), Esc cancelling it on the server.
public struct SQLResultView: Sendable, Equatable {
    /// Rows a screen holds at most; the rest is for `scry sql -o FILE`.
    public static let rowLimit = 1_000

    public var store: String
    public var campaign: String?
    public var query: String
    public var load: LoadState = .idle
    public var result: SQLResult?
    public var position = ListPosition()
    /// Set until its read is asked for.
    var wantsRead = true

    public init(store: String, campaign: String?, query: String) {
        self.store = store
        self.campaign = campaign
        self.query = query
    }
}

extension SQLResultView: PaneContent {
    public var crumb: String { "sql " + (query.count > 30 ? String(query.prefix(29)) + "…" : query) }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { result?.rows.count ?? 0 }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: result?.rows.count ?? 0, rows: rows)
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard wantsRead else { return [] }
        wantsRead = false
        let (job, effect) = context.run(.sql(store: store, campaign: campaign, query: query))
        load = .loading(job, since: context.now)
        return [effect]
    }

    public mutating func cancel() { load = .cancelled }

    public mutating func failed(_ job: JobID, _ load: LoadState) { self.load = load }

    public mutating func refresh() -> Refresh {
        result = nil
        position = ListPosition()
        wantsRead = true
        return .reread
    }

    public func selectionText() -> String? {
        guard let result, result.rows.indices.contains(position.selected) else { return nil }
        return result.rows[position.selected].map { cellText($0).0.displayString }.joined(separator: "\t")
    }
}
