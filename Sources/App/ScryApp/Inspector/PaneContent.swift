import ScryCore
import ScryUIKit

/// What a pane can show: a menu, rows, a record, a field, keys, a value, a linked view, a drift
/// list, and whatever comes next. Each view says how it is named, moved through, read, opened
/// and drawn, so the inspector never switches over the kinds of view, and a new view is one
/// type that conforms (its drawing lives in `Views/PaneRendering.swift`).
public protocol PaneContent: Sendable, Equatable {
    /// Its breadcrumb.
    var crumb: String { get }
    /// Where its own read stands: the pane title draws it.
    var load: LoadState { get }
    /// Something of its own is being read (the screen then has a clock on it).
    var isBusy: Bool { get }
    /// Whether the answer of `job` lands in this view.
    func waits(for job: JobID) -> Bool

    /// Rows (or lines of text) to move through, as far as known, at `width` cells.
    func rowCount(width: Int) -> Int
    /// Moves the selection, or scrolls, by `delta`, with `rows` on screen.
    mutating func move(by delta: Int, rows: Int, width: Int)
    /// PgDn / PgUp on a value read in windows: the next or previous window. False when the
    /// view has no windows, so that the key pages through rows instead.
    mutating func turnWindow(forward: Bool) -> Bool
    /// g / G on a value read in windows: the first or last window. False when it has none.
    mutating func turnToEnd(last: Bool) -> Bool
    /// The reads it needs for what is on screen.
    mutating func needs(_ context: inout JobContext) -> [Effect]
    /// Esc while it reads: it stops waiting.
    mutating func cancel()
    /// The read `job` of this view failed or was cancelled.
    mutating func failed(_ job: JobID, _ load: LoadState)
    /// Esc with nothing running: a step back inside the view (closing a group). False when
    /// the pane should pop it.
    mutating func stepBack() -> Bool

    /// Enter (or → when `expandInPlace`).
    mutating func open(_ context: OpenContext) -> Opening
    /// Enter typed ahead, before anything it could open was read: it is kept, and true is
    /// returned, when what is being read may give it something to open.
    mutating func queueOpen() -> Bool
    /// After an answer landed: whether an Enter was kept for it (and it is now taken).
    mutating func takeQueuedOpen() -> Bool
    /// R: what reading again takes.
    mutating func refresh() -> Refresh
    /// The filter it holds, for `/`; nil when it takes none.
    var filterText: String?? { get }
    /// `/` typed: true when a running read must stop (it reads with the old filter).
    mutating func setFilter(_ filter: String?) -> Bool
    mutating func toggleHex()

    /// What `y` copies: the selection as it is drawn, escapes and all, never raw bytes.
    func selectionText() -> String?
    /// What selecting a line shows in the other panes, when linking is on.
    func linkTarget(_ catalog: Catalog) -> LinkTarget?
    /// The campaign this view is inside, if any (drift runs there).
    var campaign: String? { get }
    /// What `:export` writes: the whole of what the view lists, and how many rows that is when
    /// the view knows; nil for a view with nothing to export.
    var exportSource: (ExportSource, Int?)? { get }

    func render(_ context: PaneRenderContext, into buffer: inout ScreenBuffer, area: Rect)
}

extension PaneContent {
    public var load: LoadState { .idle }
    public var isBusy: Bool { load.job != nil }
    public func waits(for job: JobID) -> Bool { false }
    public mutating func turnWindow(forward: Bool) -> Bool { false }
    public mutating func turnToEnd(last: Bool) -> Bool { false }
    public mutating func needs(_ context: inout JobContext) -> [Effect] { [] }
    public mutating func cancel() {}
    public mutating func failed(_ job: JobID, _ load: LoadState) {}
    public mutating func stepBack() -> Bool { false }
    public mutating func open(_ context: OpenContext) -> Opening { .nothing }
    public mutating func queueOpen() -> Bool { false }
    public mutating func takeQueuedOpen() -> Bool { false }
    public mutating func refresh() -> Refresh { .nothing }
    public var filterText: String?? { nil }
    public mutating func setFilter(_ filter: String?) -> Bool { false }
    public mutating func toggleHex() {}
    public func linkTarget(_ catalog: Catalog) -> LinkTarget? { nil }
    public var campaign: String? { nil }
    public var exportSource: (ExportSource, Int?)? { nil }

    /// Equality across the existential: the same type and equal.
    public func isEqual(to other: any PaneContent) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

/// What a view needs to start its reads: job numbers, the clock, its pane and how many rows
/// are on screen.
public struct JobContext {
    public let pane: PaneID
    public let now: Double
    public let rows: Int
    public private(set) var nextJob: JobID

    init(pane: PaneID, now: Double, rows: Int, nextJob: JobID) {
        self.pane = pane
        self.now = now
        self.rows = rows
        self.nextJob = nextJob
    }

    /// A new job number.
    public mutating func newJob() -> JobID {
        defer { nextJob += 1 }
        return nextJob
    }

    /// A new job for `work`, in the pane's content lane (or `lane`).
    public mutating func run(_ work: Work, lane: Lane? = nil) -> (JobID, Effect) {
        let id = newJob()
        return (id, .run(Job(id: id, lane: lane ?? .content(pane), work: work)))
    }
}

public struct OpenContext {
    public let catalog: Catalog
    public let expandInPlace: Bool
}

/// What Enter leads to.
public enum Opening {
    case nothing
    /// A view pushed on the pane.
    case push(any PaneContent)
    /// A linked view, shown in the other panes.
    case link(LinkTarget)
}

/// What R asks for.
public enum Refresh: Equatable {
    case nothing
    /// The view was reset: what runs in its lanes is stopped and the reads start again.
    case reread
    /// The linked view is read again, in every pane that shows it.
    case link(LinkTarget)
}

/// What a view needs to draw beyond itself.
public struct PaneRenderContext {
    public let focused: Bool
    public let phase: Int
    public let drift: DriftState
    public let catalog: Catalog
}

extension ListPosition {
    /// Moves the selection by `delta` within `count` rows, `rows` of them on screen.
    mutating func move(by delta: Int, count: Int, rows: Int) {
        selected = max(0, min(count - 1, selected.addingReportingOverflow(delta).partialValue))
        offset = TableViewport.offset(current: offset, selected: selected, rowCount: count, visibleRows: rows)
    }
}

extension TextState {
    /// Scrolls a text of `count` lines by `delta`, `rows` of them on screen.
    mutating func scroll(by delta: Int, count: Int, rows: Int) {
        let limit = max(0, count - rows)
        offset = max(0, min(limit, offset.addingReportingOverflow(delta).partialValue))
    }
}

/// One pane: a stack of views, the last on top; Esc pops.
public struct Pane: Sendable, Equatable {
    public var id: PaneID
    public var stack: [any PaneContent]
    /// The nodes that served what the pane shows.
    public var provenance: [Provenance] = []
    /// Re-read the pane every few seconds.
    public var watching = false
    public var lastRefresh: Double = 0

    public init(id: PaneID, root: any PaneContent) {
        self.id = id
        stack = [root]
    }

    public var top: any PaneContent { stack[stack.count - 1] }

    /// Changes the view on top in place. It is moved out of the stack while it changes, so
    /// that the stack does not share its pages and a change does not copy every page held.
    @discardableResult
    public mutating func updateTop<R>(_ body: (inout any PaneContent) -> R) -> R {
        var top = stack.removeLast()
        defer { stack.append(top) }
        return body(&top)
    }

    /// Changes the view on top if it is a `V`; nil when it is not.
    @discardableResult
    public mutating func updateTop<V: PaneContent, R>(as type: V.Type, _ body: (inout V) -> R) -> R? {
        guard stack.last is V else { return nil }
        var top = stack.removeLast() as! V
        defer { stack.append(top) }
        return body(&top)
    }

    /// Changes the view at `index` if it is a `V`, moved out while it changes; the pane
    /// itself (its provenance) may change with it.
    @discardableResult
    mutating func update<V: PaneContent, R>(at index: Int, as type: V.Type, _ body: (inout V, inout Pane) -> R) -> R? {
        guard stack[index] is V else { return nil }
        var view = stack[index] as! V
        stack[index] = Self.placeholder
        let result = body(&view, &self)
        stack[index] = view
        return result
    }

    /// What stands in a stack while a view is moved out to change.
    static let placeholder: any PaneContent = MenuView(title: "", items: [])

    public static func == (lhs: Pane, rhs: Pane) -> Bool {
        lhs.id == rhs.id && lhs.provenance == rhs.provenance && lhs.watching == rhs.watching && lhs.lastRefresh == rhs.lastRefresh
            && lhs.stack.count == rhs.stack.count && zip(lhs.stack, rhs.stack).allSatisfy { $0.isEqual(to: $1) }
    }
}
