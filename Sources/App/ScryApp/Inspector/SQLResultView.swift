import ScryCore
import ScryUIKit

/// `:sql QUERY`: a read-only query on the pane's store, vetted and held open in the runtime as
/// a cursor session (`SQLWindowRequest.session`), read a window at a time as the selection
/// moves, off the UI thread, Esc cancelling a read on the server. The view holds a few windows
/// around the selection, so a ten-million-row result scrolls in bounded memory.
public struct SQLResultView: Sendable, Equatable {
    /// Rows read at a time.
    public static let windowRows = 1_000
    /// Windows held at most, around the selection.
    public static let heldWindows = 3
    /// Rows held at most.
    public static var rowLimit: Int { windowRows * heldWindows }

    public var store: String
    public var campaign: String?
    public var query: String
    public var load: LoadState = .idle
    /// The key of the session the runtime holds for this run of the query: the number of the
    /// job that opened it. A re-run takes a new one, and the old session is closed.
    public private(set) var session: JobID?
    public private(set) var columns: [String] = []
    /// Rows `start ..< start + rows.count` of the result.
    public private(set) var rows: [[FieldValue]] = []
    public private(set) var start = 0
    /// Every row of the result, once known.
    public private(set) var total: Int?
    /// The nodes that served it.
    public private(set) var provenance: [Provenance] = []
    /// A first window has landed.
    public private(set) var loaded = false
    /// An `EXPLAIN`'s plan, read as a tree, when the result is one.
    public private(set) var plan: QueryPlan?
    public var position = ListPosition()
    /// The first row of the window being read; nil when it is the last window.
    public private(set) var loadingStart: Int?
    /// Set until its read is asked for.
    var wantsRead = true
    /// G before the end is known: the last window is asked for, and the selection moves to
    /// the last row when it lands.
    var wantsEnd = false

    public init(store: String, campaign: String?, query: String) {
        self.store = store
        self.campaign = campaign
        self.query = query
    }
}

extension SQLResultView {
    /// Rows the selection can reach: every row once the total is known, else as far as read.
    var knownRows: Int { total ?? (start + rows.count) }

    /// Row `index` of the result, when it is held.
    func row(_ index: Int) -> [FieldValue]? {
        rows.indices.contains(index - start) ? rows[index - start] : nil
    }

    /// A window read: kept with the rows held when it touches them, in place of them when it
    /// does not; then windows far from the selection are dropped.
    public mutating func land(_ result: SQLResult) {
        load = .idle
        loadingStart = nil
        columns = result.columns
        provenance = result.provenance
        if let known = result.total { total = known }
        let heldEnd = start + rows.count, newEnd = result.start + result.rows.count
        if !loaded || rows.isEmpty || result.start > heldEnd || newEnd < start {
            rows = result.rows
            start = result.start
        } else if result.start < start || newEnd > heldEnd {
            let lower = min(start, result.start), upper = max(heldEnd, newEnd)
            rows = (lower..<upper).map { index in
                index >= result.start && index < newEnd ? result.rows[index - result.start] : rows[index - start]
            }
            start = lower
        }
        loaded = true
        // G is honoured by the window that holds the last row; a window asked for before it
        // (G pressed while that one loaded) leaves it pending, for `needs` to ask for the end.
        if wantsEnd, let total, start + rows.count >= total {
            wantsEnd = false
            position.selected = max(0, knownRows - 1)
        }
        trim()
        plan = start == 0 && total == rows.count ? Self.plan(columns: columns, rows: rows) : nil
    }

    /// Drops whole windows, the farthest from the selection first, down to `rowLimit`.
    mutating func trim() {
        while rows.count > Self.rowLimit {
            let selectedWindow = position.selected / Self.windowRows * Self.windowRows
            let before = selectedWindow - start
            let after = start + rows.count - (selectedWindow + Self.windowRows)
            if before > 0, before >= after {
                rows.removeFirst(min(Self.windowRows, rows.count))
                start += Self.windowRows
            } else {
                rows.removeLast(rows.count - (rows.count - 1) / Self.windowRows * Self.windowRows)
            }
        }
    }

    /// The first row of the window to read next for `visible` rows on screen, if any: what is
    /// on screen first, then a screen ahead, then a screen behind.
    func missingWindow(visible: Int) -> Int? {
        let end = total ?? Int.max
        let held = start..<(start + rows.count)
        let offset = position.offset
        let screen = offset..<min(end, offset + max(1, visible))
        let ahead = screen.upperBound..<min(end, screen.upperBound + visible)
        let behind = max(0, offset - visible)..<offset
        for range in [screen, ahead] where !range.isEmpty {
            if range.lowerBound < held.lowerBound { return Self.window(of: range.lowerBound) }
            if range.upperBound > held.upperBound { return Self.window(of: max(range.lowerBound, held.upperBound)) }
        }
        if !behind.isEmpty, behind.lowerBound < held.lowerBound { return Self.window(of: min(behind.upperBound, held.lowerBound) - 1) }
        return nil
    }

    static func window(of index: Int) -> Int { index / windowRows * windowRows }

    /// The plan in a result of one `QUERY PLAN` column in text format; nil for anything else
    /// (and for `FORMAT JSON` and the like, shown as the rows they are).
    static func plan(columns: [String], rows: [[FieldValue]]) -> QueryPlan? {
        guard columns == ["QUERY PLAN"] else { return nil }
        let lines = rows.map { row -> String in
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

    var lineCount: Int { plan?.lines.count ?? knownRows }
}

extension SQLResultView: PaneContent {
    public var crumb: String { "sql " + (query.count > 30 ? String(query.prefix(29)) + "…" : query) }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { lineCount }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: lineCount, rows: Self.listed(rows))
    }

    /// Rows of the list on screen when the pane's list has `rows`: the status line below it
    /// takes one (`renderSQLResult` draws it when the pane has more than three lines).
    static func listed(_ rows: Int) -> Int { rows + 1 > 3 ? rows - 1 : rows }

    public mutating func turnToEnd(last: Bool) -> Bool {
        // G before the end is known: it is counted on the server, then its window read.
        guard last, loaded, plan == nil, total == nil else { return false }
        wantsEnd = true
        return true
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard !Inspector.stopped(load) else { return [] }
        if wantsRead {
            wantsRead = false
            let job = context.newJob()
            session = job
            return [read(job, SQLWindowRequest(session: job, start: 0, count: Self.windowRows, opens: true), context)]
        }
        guard let session, loaded else { return [] }
        let start: Int?
        if wantsEnd {
            start = nil
        } else if let missing = missingWindow(visible: Self.listed(context.rows)) {
            start = missing
        } else {
            return []
        }
        return [read(context.newJob(), SQLWindowRequest(session: session, start: start, count: Self.windowRows, opens: false), context)]
    }

    private mutating func read(_ job: JobID, _ request: SQLWindowRequest, _ context: JobContext) -> Effect {
        load = .loading(job, since: context.now)
        loadingStart = request.start
        return .run(Job(id: job, lane: .content(context.pane), work: .sql(store: store, campaign: campaign, query: query, window: request)))
    }

    public mutating func cancel() { failed(load.job ?? 0, .cancelled) }

    public mutating func failed(_ job: JobID, _ load: LoadState) {
        self.load = load
        loadingStart = nil
        wantsEnd = false
    }

    public mutating func refresh() -> Refresh {
        self = SQLResultView(store: store, campaign: campaign, query: query)
        return .reread
    }

    public func selectionText() -> String? {
        if plan != nil {
            let rows = planRows
            return rows.indices.contains(position.selected) ? rows[position.selected].label.displayString : nil
        }
        return row(position.selected)?.map { cellText($0).0.displayString }.joined(separator: "\t")
    }
}

extension Inspector {
    /// The cursor sessions the `:sql` views in the panes hold: the runtime closes the others.
    public var sqlSessionKeys: Set<JobID> {
        var keys = Set<JobID>()
        for pane in PaneID.allCases {
            for case let view as SQLResultView in self[pane].stack {
                if let session = view.session { keys.insert(session) }
            }
        }
        return keys
    }
}
