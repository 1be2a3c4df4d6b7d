import ScryCore
import ScryUIKit

public enum PaneID: Int, Sendable, CaseIterable, Hashable {
    case world, campaign, redis

    public var title: String {
        switch self {
        case .world: return "World"
        case .campaign: return "Campaign"
        case .redis: return "Redis"
        }
    }
}

/// A job's number: results of a job that is no longer awaited are dropped.
public typealias JobID = Int

/// Where a view's content stands. Progress is data: the pane title draws it.
public enum LoadState: Sendable, Equatable {
    case idle
    case loading(JobID, since: Double)
    case failed(String)
    case cancelled

    public var job: JobID? { if case .loading(let job, _) = self { return job } else { return nil } }
}

/// Selection and scroll position of a list.
public struct ListPosition: Sendable, Equatable {
    public var selected = 0
    public var offset = 0
    public init() {}
}

/// A fixed list of choices: entity kinds, a campaign's sections, Redis stores.
public struct MenuView: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case rows(TableSource, title: String)
        case campaign(id: String)
        case redisStore(String)
    }

    public struct Item: Sendable, Equatable {
        public var label: String
        public var detail: String
        public var target: Target

        /// The entity whose table the item lists, for its row estimate.
        public var entity: String? {
            if case .rows(.blueprints(let entity), _) = target { return entity }
            if case .rows(.entityRows(let entity), _) = target { return entity }
            return nil
        }
    }

    public var title: String
    public var items: [Item]
    public var position = ListPosition()
    /// Row estimates of the kinds listed, once read; asked for once per menu.
    public var estimates: [String: Int64] = [:]
    public var estimatesJob: JobID?
    public var wantsEstimates = false
    /// A campaign's menu heads itself with the campaign's events per hour over the last day.
    public var eventRateCampaign: String?
    public var eventRate: EventRate?
    public var eventRateJob: JobID?
}

/// Rows of a table, paged from PostgreSQL.
public struct RowsView: Sendable, Equatable {
    public var title: String
    public var source: TableSource
    public var filter: String?
    /// The columns the source is ordered by, as the store said.
    public var orderColumns: [String] = []
    /// Where the first page starts (`:character 7`), inclusive.
    public var start: String?
    public var columns: [String] = []
    public var window = PagedWindow<[FieldValue], PageCursor>()
    public var position = ListPosition()
    public var load: LoadState = .idle
    /// The page a running load fills, or nil when it appends.
    public var loadingPage: Int?
    /// Enter was pressed before the first rows arrived: the selected row opens when they do.
    public var openWhenRead = false
    /// The column cursor, hidden and widened columns: the table's layout for the session.
    public var layout = ColumnLayout()
    /// A sort by a column, done by the store (s, S); nil: the source's order.
    public var sort: SortOrder?
    /// Whether an index serves the sort, as the store found.
    public var sortSupport: SortSupport?

    public init(title: String, source: TableSource, filter: String? = nil) {
        self.title = title
        self.source = source
        self.filter = filter
    }
}

extension RowsView {
    /// The column kept at the left: the first the source is ordered by (its key), else the
    /// first.
    public var pinnedColumn: String? { orderColumns.first(where: columns.contains) ?? columns.first }

    /// The column under the cursor, once the columns are known.
    public var cursorColumn: String? {
        let shown = layout.shown(columns, pinned: pinnedColumn)
        return shown.isEmpty ? nil : shown[layout.cursorIndex(shown)]
    }

    /// A column key: h/l, 0/$, -/+, >/<.
    mutating func column(_ action: PaneAction, natural: Int) {
        switch action {
        case .columnLeft: layout.move(by: -1, in: columns, pinned: pinnedColumn)
        case .columnRight: layout.move(by: 1, in: columns, pinned: pinnedColumn)
        case .firstColumn: layout.move(by: -Int.max / 2, in: columns, pinned: pinnedColumn)
        case .lastColumn: layout.move(by: Int.max / 2, in: columns, pinned: pinnedColumn)
        case .hideColumn: layout.hideCursor(in: columns, pinned: pinnedColumn)
        case .showColumns: layout.showAll()
        case .widenColumn: layout.resizeCursor(by: ColumnLayout.step, in: columns, pinned: pinnedColumn, natural: natural)
        case .narrowColumn: layout.resizeCursor(by: -ColumnLayout.step, in: columns, pinned: pinnedColumn, natural: natural)
        default: break
        }
    }

    /// The text of `column` in `row` (a row of this view), or nil when the view has no such
    /// column or the value is NULL.
    public func text(_ column: String?, in row: [FieldValue]) -> String? {
        guard let column, let index = columns.firstIndex(of: column), case .bytes(let bytes) = row[index] else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One row, field by field.
public struct RecordView: Sendable, Equatable {
    public var title: String
    public var source: TableSource
    public var columns: [String]
    public var values: [FieldValue]
    public var position = ListPosition()
    /// The values of the source's ordering columns: what names this row for a field window.
    public var rowKey: [String]?
}

/// A whole value in a text view: a long field, or a Redis string window.
public struct TextState: Sendable, Equatable {
    public var offset = 0
    public var horizontalOffset = 0
    public var wrap = true
    /// Hex instead of text; starts on for binary.
    public var hex: Bool
    public init(hex: Bool) { self.hex = hex }
}

/// A field's full value.
public struct FieldView: Sendable, Equatable {
    public var title: String
    public var value: FieldValue
    public var text: TextState
    /// For a value the page cut (`.partial`): where its windows are read from, and the one shown.
    public var windowSource: FieldWindowRequest?
    public var window: FieldWindow?
    public var load: LoadState = .idle

    public init(title: String, value: FieldValue, text: TextState, windowSource: FieldWindowRequest? = nil) {
        self.title = title
        self.value = value
        self.text = text
        self.windowSource = windowSource
    }

    /// The bytes the view shows: the window read, else the value as the page held it.
    public var shown: [UInt8] { window?.bytes ?? value.bytes }
}

/// The Redis key tree of one store: groups by `:`, expanded in place, scanned a level at a time.
public struct KeysView: Sendable, Equatable {
    public var store: String
    /// The level the tree starts at: empty for the whole keyspace, or a prefix drilled into.
    public var root: [UInt8]
    public var filter: String?
    /// The level the filter was typed at: a group opened below it keeps the filter, which may
    /// span the levels between (`/character:48` typed at the root, then `cache:`, `character:`).
    public var filterFrom: [UInt8]
    public var levels: [[UInt8]: KeyLevel] = [:]
    public var expanded: Set<[UInt8]> = []
    public var position = ListPosition()
    /// Scans running, by level prefix.
    public var scanning: [[UInt8]: JobID] = [:]
    public var load: LoadState = .idle
    public var facts: [[UInt8]: KeyFacts] = [:]
    public var factsJob: JobID?
    /// Facts failed to read: not asked again until a refresh.
    public var factsStopped = false
    /// Enter was pressed before the level's first entries arrived.
    public var openWhenRead = false
    /// The root level sorted by a fact of the keys read (s); nil: by name.
    public var sorted: KeyOrder?

    public init(store: String, root: [UInt8] = [], filter: String? = nil, filterFrom: [UInt8]? = nil) {
        self.store = store
        self.root = root
        self.filter = filter
        self.filterFrom = filterFrom ?? root
    }

    /// The filter as the store applies it.
    public var keyFilter: KeyFilter? { filter.map { KeyFilter(text: $0, from: filterFrom) } }
}

/// A window of a Redis string: its bytes, where they start, and the string's whole length.
/// Empty bytes with a total above zero stand for a window asked for and not read yet.
public struct StringWindow: Sendable, Equatable {
    public var bytes: [UInt8]
    public var offset: Int
    public var total: Int

    public init(bytes: [UInt8], offset: Int, total: Int) {
        self.bytes = bytes
        self.offset = offset
        self.total = total
    }

    public var isPending: Bool { bytes.isEmpty && total > 0 }
}

/// `/` in a string: the text looked for from a byte offset on, window after window, until the
/// window that starts at the match is on screen (or the end: not found). `/@N` jumps to byte N.
public struct StringSearch: Sendable, Equatable {
    public var text: [UInt8]
    /// Where the next match may start.
    public var from: Int
    /// Where it was found; -1 once the end was reached without it; nil while looking.
    public var found: Int?
    /// Where the search began: typing more of the text looks again from there.
    public var origin: Int

    public init(text: [UInt8], from: Int) {
        self.text = text
        self.from = from
        origin = from
    }

    /// `@12345`: a byte offset to jump to, not a text to find.
    static func offset(in query: String) -> Int? {
        query.hasPrefix("@") ? Int(query.dropFirst()).map { max(0, $0) } : nil
    }
}

/// One Redis value, read in windows.
public struct ValueView: Sendable, Equatable {
    public var store: String
    public var key: [UInt8]
    public var facts: KeyFacts?
    /// Set for a string: the window shown.
    public var string: StringWindow?
    /// Set for a hash, set, sorted set, list or stream: its items as table cells.
    public var items = PagedWindow<[[UInt8]], ValueWindowRequest>()
    public var position = ListPosition()
    public var text = TextState(hex: false)
    public var load: LoadState = .idle
    public var loadingPage: Int?
    public var provenance: Provenance?
    public var unavailable: String?
    /// `/` in a hash, set or sorted set: only the fields or members that contain it, matched
    /// by the server (`HSCAN`/`SSCAN`/`ZSCAN … MATCH`); in a string, what is looked for.
    public var filter: String?
    /// A string's search, window after window.
    public var search: StringSearch?
    /// A stream's consumer groups, read with its first window.
    public var groups: [StreamGroup] = []

    public init(store: String, key: [UInt8], facts: KeyFacts?) {
        self.store = store
        self.key = key
        self.facts = facts
    }

    /// The item table's columns, by the value's type.
    public var columns: [String] {
        switch facts?.valueType {
        case .hash?: return ["FIELD", "VALUE"]
        case .set?: return ["MEMBER"]
        case .zset?: return ["MEMBER", "SCORE"]
        case .list?: return ["INDEX", "ITEM"]
        case .stream?: return ["ID", "TIME (UTC)", "FIELDS"]
        case .string?, nil: return []
        }
    }
}


// MARK: - How each view behaves

extension PaneContent {
    static func failedOrCancelled(_ load: LoadState) -> Bool {
        switch load {
        case .failed, .cancelled: return true
        case .idle, .loading: return false
        }
    }
}

extension MenuView: PaneContent {
    public var crumb: String { title }

    public func waits(for job: JobID) -> Bool { estimatesJob == job || eventRateJob == job }

    public mutating func failed(_ job: JobID, _ load: LoadState) {
        if eventRateJob == job { eventRateJob = nil } else { estimatesJob = nil }
    }

    public func rowCount(width: Int) -> Int { items.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: items.count, rows: rows)
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        var effects: [Effect] = []
        // In a lane of its own, so that it and the estimates do not replace each other.
        if let campaign = eventRateCampaign, eventRate == nil, eventRateJob == nil {
            let (job, effect) = context.run(.eventRate(campaign: campaign), lane: .facts(context.pane))
            eventRateJob = job
            effects.append(effect)
        }
        guard wantsEstimates, estimatesJob == nil else { return effects }
        let (job, effect) = context.run(.estimates(entities: items.compactMap(\.entity)))
        wantsEstimates = false
        estimatesJob = job
        return effects + [effect]
    }

    public mutating func open(_ context: OpenContext) -> Opening {
        guard items.indices.contains(position.selected) else { return .nothing }
        switch items[position.selected].target {
        case .rows(let source, let title): return .push(RowsView(title: title, source: source))
        case .campaign(let id): return .push(Inspector.campaignMenu(id, catalog: context.catalog))
        case .redisStore(let store): return .push(KeysView(store: store))
        }
    }

    public mutating func refresh() -> Refresh {
        if items.contains(where: { $0.entity != nil }) { wantsEstimates = true }
        return .nothing
    }

    public func selectionText() -> String? {
        items.indices.contains(position.selected) ? items[position.selected].label : nil
    }

    public var campaign: String? {
        for item in items {
            if case .rows(.campaignState(_, let campaign), _) = item.target { return campaign }
        }
        return nil
    }
}

extension RowsView: PaneContent {
    public var crumb: String {
        title + (sort.map { " \($0.descending ? "↓" : "↑")\($0.column)" } ?? "") + (filter.map { " /\($0)" } ?? "")
    }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { window.rowCount }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: window.rowCount, rows: rows)
        window.evict(around: position.offset..<(position.offset + rows))
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard !Inspector.stopped(load) else { return [] }
        let visible = position.offset..<(position.offset + context.rows)
        guard let need = window.need(for: visible) else { return [] }
        var request = PageRequest(source: source, limit: Paging.rows, filter: filter, valueLimit: Paging.valueLimit, sort: sort)
        switch need {
        case .first:
            request.startKey = start
        case .append(let cursor):
            request.after = cursor
        case .reload(let page, let cursor):
            request.after = cursor
            if cursor == nil { request.startKey = start }
            loadingPage = page
        }
        let (job, effect) = context.run(.page(request))
        load = .loading(job, since: context.now)
        return [effect]
    }

    public mutating func cancel() { failed(load.job ?? 0, .cancelled) }

    public mutating func failed(_ job: JobID, _ load: LoadState) {
        self.load = load
        loadingPage = nil
    }

    public mutating func open(_ context: OpenContext) -> Opening {
        guard let row = window.item(at: position.selected) else { return .nothing }
        let catalog = context.catalog
        if case .entityRows(let entity) = source, entity == catalog.campaignEntity, let key = text(catalog.keyColumns[entity], in: row) {
            return .push(Inspector.campaignMenu(key, catalog: catalog))
        }
        // Ordering columns come whole (never cut), and a NULL one names nothing: "".
        let key = orderColumns.map { text($0, in: row) ?? "" }
        return .push(RecordView(title: recordTitle(row, catalog: catalog), source: source, columns: columns, values: row,
                                rowKey: orderColumns.isEmpty ? nil : key))
    }

    public mutating func queueOpen() -> Bool {
        guard window.rowCount == 0, !window.isComplete, !Self.failedOrCancelled(load) else { return false }
        openWhenRead = true
        return true
    }

    public mutating func takeQueuedOpen() -> Bool {
        guard openWhenRead, load.job == nil else { return false }
        openWhenRead = false
        return window.rowCount > 0
    }

    func recordTitle(_ row: [FieldValue], catalog: Catalog) -> String {
        let keyColumn: String? = switch source {
        case .blueprints(let entity), .entityRows(let entity), .campaignRows(let entity, _): catalog.keyColumns[entity]
        case .referring(let entity, _, _, _): catalog.keyColumns[entity]
        case .campaignState, .events, .entityEvents: nil
        }
        if let key = text(keyColumn, in: row) {
            return "\(title) \(String(decoding: Array(key.utf8.prefix(40)), as: UTF8.self))"
        }
        return "\(title) row \(position.selected + 1)"
    }

    public mutating func refresh() -> Refresh {
        window.reset()
        load = .idle
        loadingPage = nil
        return .reread
    }

    public var filterText: String?? { .some(filter) }

    public mutating func setFilter(_ filter: String?) -> Bool {
        guard self.filter != filter else { return false }
        self.filter = filter
        restart()
        return true
    }

    /// s on a column: up, then down, then the source's order again; S: down at once. The rows
    /// are read again from the first, sorted by the store.
    mutating func sortCursorColumn(descendingFirst: Bool) {
        guard let column = cursorColumn else { return }
        switch (sort, descendingFirst) {
        case (let current?, false) where current.column == column:
            sort = current.descending ? nil : SortOrder(column: column, descending: true)
        case (let current?, true) where current.column == column && current.descending:
            sort = nil
        default:
            sort = SortOrder(column: column, descending: descendingFirst)
        }
        sortSupport = nil
        restart()
    }

    /// From the first row again: after a new filter or sort.
    private mutating func restart() {
        window.reset()
        position = ListPosition()
        load = .idle
        loadingPage = nil
    }

    public func selectionText() -> String? {
        guard let row = window.item(at: position.selected) else { return nil }
        return row.map(\.displayString).joined(separator: "\t")
    }

    public func linkTarget(_ catalog: Catalog) -> LinkTarget? {
        guard let row = window.item(at: position.selected) else { return nil }
        switch source {
        case .blueprints(let entity):
            guard catalog.linkable.contains(entity), let key = text(catalog.keyColumns[entity], in: row) else { return nil }
            return .entity(kind: entity, key: key, campaign: nil)
        case .campaignState(let entity, let campaign):
            guard let key = text(catalog.blueprintColumns[entity], in: row) else { return nil }
            return .entity(kind: entity, key: key, campaign: campaign)
        case .entityRows(let entity):
            guard entity == catalog.playerEntity, let key = text(catalog.keyColumns[entity], in: row) else { return nil }
            return .player(key)
        default:
            return nil
        }
    }

    public var campaign: String? {
        switch source {
        case .campaignState(_, let campaign), .campaignRows(_, let campaign), .events(let campaign), .entityEvents(_, _, let campaign),
             .referring(_, _, _, let campaign):
            return campaign
        default:
            return nil
        }
    }
}

extension RecordView: PaneContent {
    public var crumb: String { title }

    public func rowCount(width: Int) -> Int { columns.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: columns.count, rows: rows)
    }

    public mutating func open(_ context: OpenContext) -> Opening {
        guard columns.indices.contains(position.selected) else { return .nothing }
        let value = values[position.selected]
        let column = columns[position.selected]
        var windowSource: FieldWindowRequest?
        if case .partial = value, let rowKey {
            windowSource = FieldWindowRequest(source: source, row: rowKey, column: column, offset: 0, length: Paging.fieldWindow)
        }
        return .push(FieldView(title: column, value: value, text: TextState(hex: Inspector.looksBinary(value.bytes)), windowSource: windowSource))
    }

    public func selectionText() -> String? {
        values.indices.contains(position.selected) ? values[position.selected].displayString : nil
    }
}

extension FieldView: PaneContent {
    public var crumb: String { title }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int { text.lineCount(shown, width: width) }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        text.scroll(by: delta, count: rowCount(width: width), rows: rows)
    }

    public mutating func turnWindow(forward: Bool) -> Bool {
        guard let window, var request = windowSource else { return false }
        guard load.job == nil else { return true }
        let offset = forward ? window.offset + request.length : max(0, window.offset - request.length)
        guard offset != window.offset, offset < window.totalCharacters else { return true }
        request.offset = offset
        windowSource = request
        self.window = nil
        return true
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard !Inspector.stopped(load), window == nil, let request = windowSource else { return [] }
        let (job, effect) = context.run(.fieldWindow(request))
        load = .loading(job, since: context.now)
        return [effect]
    }

    public mutating func cancel() { load = .cancelled }

    public mutating func failed(_ job: JobID, _ load: LoadState) { self.load = load }

    public mutating func toggleHex() {
        text.hex.toggle()
        text.offset = 0
    }

    public func selectionText() -> String? {
        window.map { UntrustedText(bytes: $0.bytes).displayString } ?? value.displayString
    }
}

extension KeysView: PaneContent {
    public var crumb: String {
        let root = root.isEmpty ? store : String(decoding: root, as: UTF8.self)
        return root + (filter.map { " /\($0)" } ?? "")
    }

    public var isBusy: Bool { load.job != nil || !scanning.isEmpty }

    public func waits(for job: JobID) -> Bool { scanning.values.contains(job) || factsJob == job }

    public func rowCount(width: Int) -> Int { visibleEntries.count }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        position.move(by: delta, count: visibleEntries.count, rows: rows)
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        var effects: [Effect] = []
        if scanning.isEmpty, !Inspector.stopped(load), let prefix = levelToScan {
            let (job, effect) = context.run(.keyLevel(store: store, prefix: prefix, filter: keyFilter))
            scanning[prefix] = job
            levels[prefix] = KeyLevel(prefix: prefix)
            if prefix == root { load = .loading(job, since: context.now) }
            effects.append(effect)
        }
        if factsJob == nil, !factsStopped {
            let entries = visibleEntries
            let visible = min(position.offset, entries.count)..<min(position.offset + context.rows, entries.count)
            let missing = visible.map { entries[$0].entry }.filter { !$0.isGroup && facts[$0.name] == nil }.map(\.name)
            if !missing.isEmpty {
                let (job, effect) = context.run(.keyFacts(store: store, keys: missing), lane: .facts(context.pane))
                factsJob = job
                effects.append(effect)
            }
        }
        return effects
    }

    public mutating func cancel() {
        scanning = [:]
        load = .cancelled
    }

    public mutating func failed(_ job: JobID, _ load: LoadState) {
        if factsJob == job {
            factsJob = nil
            factsStopped = true
        } else if let prefix = scanning.first(where: { $0.value == job })?.key {
            scanning[prefix] = nil
            if prefix == root { self.load = load } else { expanded.remove(prefix); levels[prefix] = nil }
        }
    }

    /// ← on a key inside an open group closes the group.
    public mutating func stepBack() -> Bool {
        let entries = visibleEntries
        guard entries.indices.contains(position.selected), let parent = entries[position.selected].parent else { return false }
        expanded.remove(parent)
        position.selected = visibleEntries.firstIndex { $0.entry.name == parent } ?? 0
        return true
    }

    public mutating func open(_ context: OpenContext) -> Opening {
        let entries = visibleEntries
        guard entries.indices.contains(position.selected) else { return .nothing }
        let row = entries[position.selected]
        if row.entry.isGroup, !context.expandInPlace {
            // Every key under a group whose name holds the filter matches it.
            if keyFilter?.holds(forAllUnder: row.entry.name) == true { return .push(KeysView(store: store, root: row.entry.name)) }
            return .push(KeysView(store: store, root: row.entry.name, filter: filter, filterFrom: filterFrom))
        }
        if row.entry.isGroup {
            if expanded.contains(row.entry.name) { expanded.remove(row.entry.name) } else { expanded.insert(row.entry.name) }
            return .nothing
        }
        return .push(ValueView(store: store, key: row.entry.name, facts: facts[row.entry.name]))
    }

    public mutating func queueOpen() -> Bool {
        guard visibleEntries.isEmpty, !scanning.isEmpty || load.job != nil || levels[root] == nil else { return false }
        openWhenRead = true
        return true
    }

    /// Taken once the level is read whole and sorted, so that it opens the first entry as
    /// shown, not the first that SCAN happened to return.
    public mutating func takeQueuedOpen() -> Bool {
        guard openWhenRead, scanning[root] == nil else { return false }
        openWhenRead = false
        return !visibleEntries.isEmpty
    }

    public mutating func refresh() -> Refresh {
        var fresh = KeysView(store: store, root: root, filter: filter, filterFrom: filterFrom)
        fresh.expanded = expanded
        fresh.position = position
        self = fresh
        return .reread
    }

    public var filterText: String?? { .some(filter) }

    public mutating func setFilter(_ filter: String?) -> Bool {
        guard self.filter != filter else { return false }
        let hadScan = !scanning.isEmpty
        self = KeysView(store: store, root: root, filter: filter)
        return hadScan
    }

    public func selectionText() -> String? {
        let entries = visibleEntries
        guard entries.indices.contains(position.selected) else { return nil }
        return UntrustedText(bytes: entries[position.selected].entry.name).displayString
    }

    public func linkTarget(_ catalog: Catalog) -> LinkTarget? {
        let entries = visibleEntries
        guard entries.indices.contains(position.selected) else { return nil }
        let entry = entries[position.selected].entry
        guard !entry.isGroup, catalog.mapsKey(entry.name) else { return nil }
        return .key(entry.name)
    }
}

extension ValueView: PaneContent {
    public var crumb: String { String(decoding: key, as: UTF8.self) + (filter.map { " /\($0)" } ?? "") }

    /// Filtered by the server while paged by cursor: hashes, sets and sorted sets; searched
    /// window by window in a string.
    public var filterText: String?? {
        if string != nil { return .some(filter) }
        return facts?.valueType?.scanCommand == nil ? nil : .some(filter)
    }

    public mutating func setFilter(_ filter: String?) -> Bool {
        if let string, self.filter != filter {
            self.filter = filter
            guard let filter, !filter.isEmpty else {
                search = nil
                return false
            }
            if let offset = StringSearch.offset(in: filter) {
                search = nil
                goTo(offset, in: string)
            } else {
                let origin = search?.origin ?? string.offset
                search = StringSearch(text: Array(filter.utf8), from: origin)
                if string.offset == origin, !string.isPending { continueSearch() } else { goTo(origin, in: string) }
            }
            return true
        }
        guard self.filter != filter, facts?.valueType?.scanCommand != nil else { return false }
        self.filter = filter
        items = PagedWindow()
        position = ListPosition()
        load = .idle
        loadingPage = nil
        return true
    }

    public func waits(for job: JobID) -> Bool { load.job == job }

    public func rowCount(width: Int) -> Int {
        if let string { return text.lineCount(string.bytes, width: width) }
        return items.rowCount
    }

    public mutating func move(by delta: Int, rows: Int, width: Int) {
        if string != nil {
            text.scroll(by: delta, count: rowCount(width: width), rows: rows)
        } else {
            position.move(by: delta, count: items.rowCount, rows: rows)
            items.evict(around: position.offset..<(position.offset + rows))
        }
    }

    /// The window that starts at byte `offset` (clamped to the string).
    mutating func goTo(_ offset: Int, in string: StringWindow) {
        let start = min(max(0, offset), max(0, string.total - 1))
        self.string = StringWindow(bytes: [], offset: start, total: string.total)
        text.offset = 0
        // A window still being read is no longer the one wanted: its answer is dropped.
        load = .idle
    }

    /// Looks for the search in the window read; moves to the window that starts at the match,
    /// or on to the next window, or stops at the end.
    mutating func continueSearch() {
        guard var search, search.found == nil, let string, !string.isPending else { return }
        let start = max(0, search.from - string.offset)
        if start < string.bytes.count, let index = Self.firstIndex(of: search.text, in: string.bytes, from: start) {
            let at = string.offset + index
            search.found = at
            self.search = search
            if at != string.offset { goTo(at, in: string) }
            return
        }
        let end = string.offset + string.bytes.count
        guard end < string.total else {
            search.found = -1
            self.search = search
            return
        }
        // The next window overlaps this one by the text's length, so a match across the two is found.
        search.from = max(search.from, end - (search.text.count - 1))
        self.search = search
        goTo(search.from, in: string)
    }

    /// n: the next match after the one shown.
    mutating func findNext() -> Bool {
        guard let string, var search, let found = search.found, found >= 0 else { return false }
        search.from = found + 1
        search.found = nil
        self.search = search
        if string.isPending { return true }
        continueSearch()
        return true
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    public mutating func turnToEnd(last: Bool) -> Bool {
        guard let string else { return false }
        let window = Paging.stringWindow
        goTo(last ? max(0, (string.total - 1) / window * window) : 0, in: string)
        return true
    }

    public mutating func turnWindow(forward: Bool) -> Bool {
        guard let string else { return false }
        // From the window asked for, read or not: keys typed ahead each count.
        let offset = forward ? string.offset + Paging.stringWindow : max(0, string.offset - Paging.stringWindow)
        guard offset != string.offset, offset < string.total else { return true }
        goTo(offset, in: string)
        return true
    }

    public mutating func needs(_ context: inout JobContext) -> [Effect] {
        guard !Inspector.stopped(load), unavailable == nil else { return [] }
        guard let facts else {
            let (job, effect) = context.run(.keyFacts(store: store, keys: [key]))
            load = .loading(job, since: context.now)
            return [effect]
        }
        var request: ValueWindowRequest?
        switch facts.valueType {
        case .string?:
            if string == nil || string!.isPending {
                request = .string(offset: string?.offset ?? 0, length: Paging.stringWindow)
            }
        case let type?:
            let visible = position.offset..<(position.offset + context.rows)
            switch items.need(for: visible) {
            case .first?: request = Inspector.firstWindow(for: type, match: filter)
            case .append(let next)?: request = next
            case .reload(let page, let cursor)?:
                request = cursor ?? Inspector.firstWindow(for: type, match: filter)
                loadingPage = page
            case nil: break
            }
        case nil:
            unavailable = facts.type == "none" ? "the key does not exist (it may have expired)" : "Scry does not page values of type \(facts.type)"
        }
        guard let request else { return [] }
        let (job, effect) = context.run(.value(store: store, key: key, type: facts.type, request))
        load = .loading(job, since: context.now)
        return [effect]
    }

    public mutating func cancel() { failed(load.job ?? 0, .cancelled) }

    public mutating func failed(_ job: JobID, _ load: LoadState) {
        self.load = load
        loadingPage = nil
    }

    public mutating func open(_ context: OpenContext) -> Opening {
        guard string == nil, let item = items.item(at: position.selected), let last = item.last else { return .nothing }
        // A sorted set's member is what a user opens, not its score.
        let value = facts?.valueType == .zset ? item[0] : last
        let title = item.count > 1 ? UntrustedText(bytes: item[0].prefix(40)).displayString : "item \(position.selected)"
        return .push(FieldView(title: title, value: .bytes(value), text: TextState(hex: Inspector.looksBinary(value))))
    }

    public mutating func refresh() -> Refresh {
        var fresh = ValueView(store: store, key: key, facts: nil)
        fresh.filter = filter
        fresh.text = text
        fresh.position = position
        if let string { fresh.string = StringWindow(bytes: [], offset: string.offset, total: string.total) }
        self = fresh
        return .reread
    }

    public mutating func toggleHex() {
        text.hex.toggle()
        text.offset = 0
    }

    public func selectionText() -> String? {
        if let string { return UntrustedText(bytes: string.bytes).displayString }
        guard let item = items.item(at: position.selected) else { return UntrustedText(bytes: key).displayString }
        return item.map { UntrustedText(bytes: $0).displayString }.joined(separator: "\t")
    }
}
