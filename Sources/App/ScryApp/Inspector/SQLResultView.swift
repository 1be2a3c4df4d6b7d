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
    public var result: SQLResult? {
        didSet { plan = result.flatMap(Self.plan(of:)) }
    }
    /// An `EXPLAIN`'s plan, read as a tree, when the result is one.
    public private(set) var plan: QueryPlan?
    public var position = ListPosition()
    /// Set until its read is asked for.
    var wantsRead = true

    public init(store: String, campaign: String?, query: String) {
        self.store = store
        self.campaign = campaign
        self.query = query
    }
}

extension SQLResultView {
    /// The plan in a result of one `QUERY PLAN` column in text format; nil for anything else
    /// (and for `FORMAT JSON` and the like, shown as the rows they are).
    static func plan(of result: SQLResult) -> QueryPlan? {
        guard result.columns == ["QUERY PLAN"] else { return nil }
        let lines = result.rows.map { row -> String in
            guard case .bytes(let bytes)? = row.first else { return "" }
            return String(decoding: bytes, as: UTF8.self)
        }
        return QueryPlan.parse(lines)
    }

    /// The plan's lines as drawn: the graph and the text, and the estimate at the right.
    var planRows: [(label: UntrustedText, detail: String?, role: Role)] {
        guard let plan else { return [] }
        return plan.lines.map { line in
            switch line.kind {
            case .node(let operation, let estimate, let actual):
                var detail = estimate.map { "cost \($0.startupCost)..\($0.totalCost) rows \($0.rows)" } ?? ""
                if let actual { detail += (detail.isEmpty ? "" : " · ") + actual }
                return (UntrustedText(pieces: [.text(line.graph)] + UntrustedText(operation).pieces), detail.isEmpty ? nil : detail, .normal)
            case .detail(let text):
                return (UntrustedText(pieces: [.text(line.graph)] + UntrustedText(text).pieces), nil, .dim)
            case .summary(let text):
                return (UntrustedText(text), nil, .dim)
            }
        }
    }

    var lineCount: Int { plan?.lines.count ?? result?.rows.count ?? 0 }
}

extension SQLResultView: PaneContent {
    public var crumb: String { "sql " + (query.count > 30 ? String(query.prefix(29)) + "…" : query) }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { lineCount }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: lineCount, rows: rows)
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
        if plan != nil {
            let rows = planRows
            return rows.indices.contains(position.selected) ? rows[position.selected].label.displayString : nil
        }
        guard let result, result.rows.indices.contains(position.selected) else { return nil }
        return result.rows[position.selected].map { cellText($0).0.displayString }.joined(separator: "\t")
    }
}
